"""cfanalysis: analyse Children's Services complaints and compliments and publish the report.

The library computes; the notebooks in ``notebooks/`` narrate (``import cfanalysis as cf``).
Layers, from the files up (see ARCHITECTURE.md): ``data`` reads and checks the input,
``analysis`` computes, ``plots`` draws, ``publish`` turns results into reports; ``periods``
and ``words`` are shared by all of them.

Nothing happens at import: the names below are loaded from their modules on first use, so the
command line starts quickly and ``import cfanalysis`` never pulls in matplotlib or statsmodels
until they are needed.
"""

from __future__ import annotations

from importlib import import_module as _import_module
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("cfanalysis")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

# Public name -> the module (under cfanalysis) that defines it. Every public name is a function
# or a class, and none is spelt like a module, so ``cf.name`` always means the same thing.
_EXPORTS = {
    "DataLoadError": "data.problems",
    "Dataset": "data.loader",
    "load_data": "data.loader",
    "LoadReport": "data.problems",
    "Problem": "data.problems",
    "financial_year_bounds": "periods",
    "financial_year_months": "periods",
    "financial_years_of": "periods",
    "month_label": "periods",
    "parse_financial_year": "periods",
    "previous_financial_year": "periods",
    "working_days": "periods",
    "counts_by": "analysis.counts",
    "escalation": "analysis.counts",
    "in_financial_year": "analysis.counts",
    "monthly_counts": "analysis.counts",
    "monthly_table": "analysis.counts",
    "compare_years": "analysis.years",
    "months_compared": "analysis.years",
    "YearComparison": "analysis.years",
    "annual_figures": "analysis.figures",
    "AnnualFigures": "analysis.figures",
    "year_counts": "analysis.figures",
    "YearCounts": "analysis.figures",
    "annual_tables": "analysis.tables",
    "year_on_year": "analysis.tables",
    "timeliness_table": "analysis.timeliness",
    "compare_counts": "analysis.rates",
    "CountComparison": "analysis.rates",
    "detectable_ratio": "analysis.rates",
    "etest_power": "analysis.rates",
    "holm": "analysis.checks",
    "quasi_poisson_year_ratio": "analysis.checks",
    "share_test": "analysis.checks",
    "sign_flip_test": "analysis.checks",
    "TestResult": "analysis.checks",
    "compare_proportions": "analysis.proportions",
    "proportion_interval": "analysis.proportions",
    "ProportionChange": "analysis.proportions",
    "all_team_tests": "analysis.teams",
    "team_change": "analysis.teams",
    "team_monthly_series": "analysis.teams",
    "TeamChange": "analysis.teams",
    "demand_analysis": "analysis.demand",
    "DemandAnalysis": "analysis.demand",
    "lagged_correlations": "analysis.demand",
    "Changepoint": "analysis.changepoint",
    "find_changepoint": "analysis.changepoint",
    "xmr": "analysis.spc",
    "tchart": "analysis.spc",
    "is_rare": "analysis.spc",
    "XmRResult": "analysis.spc",
    "ActionsLog": "analysis.breakdowns",
    "AttitudeBreakdown": "analysis.breakdowns",
    "ComplimentsBreakdown": "analysis.breakdowns",
    "OmbudsmanCases": "analysis.breakdowns",
    "TeamBreakdown": "analysis.breakdowns",
    "TimelinessChange": "analysis.breakdowns",
    "UpholdBenchmark": "analysis.breakdowns",
    "actions_log": "analysis.breakdowns",
    "attitude_breakdown": "analysis.breakdowns",
    "complaint_outcomes": "analysis.breakdowns",
    "compliments_breakdown": "analysis.breakdowns",
    "ombudsman_cases": "analysis.breakdowns",
    "team_breakdown": "analysis.breakdowns",
    "timeliness_change": "analysis.breakdowns",
    "uphold_benchmark": "analysis.breakdowns",
    "Funnel": "analysis.benchmarking",
    "funnel": "analysis.benchmarking",
    "poisson_limit": "analysis.benchmarking",
    "describe_bars": "plots",
    "describe_funnel": "plots",
    "describe_monthly_heatmap": "plots",
    "describe_monthly_lines": "plots",
    "describe_xmr": "plots",
    "describe_tchart": "plots",
    "plot_bars": "plots",
    "plot_funnel": "plots",
    "plot_monthly_heatmap": "plots",
    "plot_monthly_lines": "plots",
    "plot_monthly_panels": "plots",
    "plot_xmr": "plots",
    "plot_tchart": "plots",
    "Chart": "publish.display",
    "Paragraph": "publish.display",
    "Parts": "publish.display",
    "Table": "publish.display",
    "bar_chart": "publish.charts",
    "funnel_chart": "publish.charts",
    "monthly_heatmap_chart": "publish.charts",
    "monthly_lines_chart": "publish.charts",
    "monthly_panels_chart": "publish.charts",
    "monthly_counts_table": "publish.monthly",
    "xmr_chart": "publish.charts",
    "tchart_chart": "publish.charts",
    "suppress": "publish.suppression",
    "Suppressed": "publish.suppression",
    "PersonalDataGuard": "publish.guard",
    "safe_csv_text": "publish.guard",
    "reconciliation": "publish.sections",
    "data_overview": "publish.sections",
    "explore": "publish.sections",
    "CfanalysisError": "parameters",
    "ParameterError": "parameters",
    "check_financial_year": "parameters",
    "check_team": "parameters",
    "team_question": "publish.team",
    "TeamQuestion": "publish.team",
    "annual_report": "publish.annual",
    "AnnualReport": "publish.annual",
    "ReportError": "publish.run",
    "compare_before_after": "analysis.before_after",
    "BeforeAfter": "analysis.before_after",
    "SegmentedFit": "analysis.before_after",
    "segmented_fit": "analysis.before_after",
    "describe_events": "plots",
    "Commentary": "publish.commentary",
    "commentary_for": "publish.commentary",
    "match_commentary": "publish.commentary",
    "render_markdown": "publish.commentary",
    "report_sections": "publish.commentary",
    "candidate_explanations": "publish.events",
    "event_question": "publish.events",
    "EventQuestion": "publish.events",
    "events_table": "publish.events",
    "find_event": "data.events",
    "run_reports": "publish.run",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(_import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cfanalysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
