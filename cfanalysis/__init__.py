"""cfanalysis: analyse Children's Services complaints and compliments and publish the report.

The library computes; the notebooks in ``notebooks/`` narrate (``import cfanalysis as cf``).
``cf.`` offers the names an analyst uses (:data:`__all__`, about thirty: load and check, count,
test, draw, the report sections); everything else is under its layer, which ``cf.`` also
lists: ``cf.data`` reads and checks the input, ``cf.analysis`` computes, ``cf.plots`` draws,
``cf.publish`` turns results into reports, ``cf.periods`` and ``cf.words`` are shared by all
(see ARCHITECTURE.md). Older flat names (``cf.holm``, ``cf.uphold_benchmark``, ...) still work.

Nothing happens at import: the names below are loaded from their modules on first use, so the
command line starts quickly and ``import cfanalysis`` never pulls in matplotlib or statsmodels
until they are needed. (The imports under ``TYPE_CHECKING`` only tell editors and tab
completion what each name is.)
"""

from importlib import import_module as _import_module
from importlib import metadata as _metadata
from typing import TYPE_CHECKING as _TYPE_CHECKING

try:
    __version__ = _metadata.version("cfanalysis")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

# The names ``cf.`` offers: what an analyst building on the library uses, each a function or class.
_PUBLIC = {
    # Load the data and check the parameters
    "load_data": "data.loader", "Dataset": "data.loader", "check_parameters": "data.notebook",
    "stop_on_error": "publish.jupyter", "NotLoaded": "parameters", "CfanalysisError": "parameters",
    "ParameterError": "parameters", "DataLoadError": "data.problems",
    # Count
    "monthly_counts": "analysis.counts", "compare_years": "analysis.years",
    # Test and compare
    "compare_counts": "analysis.rates", "team_change": "analysis.teams", "all_team_tests": "analysis.teams",
    "compare_before_after": "analysis.before_after", "find_changepoint": "analysis.changepoint",
    "xmr": "analysis.spc", "funnel": "analysis.benchmarking",
    # Draw and tabulate (each returns a Chart or Table: .png / .frame, to_excel())
    "monthly_lines_chart": "publish.charts", "bar_chart": "publish.charts", "xmr_chart": "publish.charts",
    "monthly_counts_table": "publish.monthly", "Chart": "publish.display", "Table": "publish.display",
    "Parts": "publish.display",
    # The report sections the notebooks show
    "team_question": "publish.team", "annual_report": "publish.annual", "event_question": "publish.events",
    "data_overview": "publish.sections", "data_period": "publish.sections", "reconciliation": "publish.sections",
    # Any result in words, counts through the disclosure policy: cf.describe(result, policy=...)
    "describe": "publish.descriptions",
}

if _TYPE_CHECKING:  # for editors and tab completion only; nothing is imported at run time
    from cfanalysis.analysis.before_after import compare_before_after
    from cfanalysis.analysis.benchmarking import funnel
    from cfanalysis.analysis.changepoint import find_changepoint
    from cfanalysis.analysis.counts import monthly_counts
    from cfanalysis.analysis.rates import compare_counts
    from cfanalysis.analysis.spc import xmr
    from cfanalysis.analysis.teams import all_team_tests, team_change
    from cfanalysis.analysis.years import compare_years
    from cfanalysis.data.loader import Dataset, load_data
    from cfanalysis.data.notebook import check_parameters
    from cfanalysis.data.problems import DataLoadError
    from cfanalysis.parameters import CfanalysisError, NotLoaded, ParameterError
    from cfanalysis.publish.annual import annual_report
    from cfanalysis.publish.charts import bar_chart, monthly_lines_chart, xmr_chart
    from cfanalysis.publish.descriptions import describe
    from cfanalysis.publish.display import Chart, Parts, Table
    from cfanalysis.publish.events import event_question
    from cfanalysis.publish.jupyter import stop_on_error
    from cfanalysis.publish.monthly import monthly_counts_table
    from cfanalysis.publish.sections import data_overview, data_period, reconciliation
    from cfanalysis.publish.team import team_question

# The layers: ``dir(cf)`` lists the four an analyst looks in beside the public names.
_LAYERS = ("analysis", "data", "plots", "publish")
_SUBMODULES = (*_LAYERS, "parameters", "periods", "words", "cli")

# Every earlier flat name still works (``cf.holm``), from the module that defines it, but is not
# offered by tab completion: use it from its layer (``cf.analysis.checks.holm``) in new code.
_MORE = {
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
    "largest_rise": "analysis.teams",
    "TeamRise": "analysis.teams",
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
    "suppress": "publish.disclosure",
    "Suppressed": "publish.disclosure",
    "DisclosurePolicy": "publish.disclosure",
    "disclosure_policy": "publish.disclosure",
    "audit_folder": "publish.audit",
    "DisclosureError": "publish.audit",
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
    "choose_team": "publish.team",
    "TeamChoice": "publish.team",
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
    "stop_on_error": "publish.jupyter",
    "NotLoaded": "parameters",
    "check_parameters": "data.notebook",
    "CheckedParameters": "data.notebook",
}

_MORE = {name: module for name, module in _MORE.items() if name not in _PUBLIC}

# Spelt out (sorted; the same names as _PUBLIC, tests/test_notebooks_library.py checks) so linters and
# editors see what is exported.
__all__ = ["CfanalysisError", "Chart", "DataLoadError", "Dataset", "NotLoaded", "ParameterError", "Parts", "Table",
           "all_team_tests", "annual_report", "bar_chart", "check_parameters", "compare_before_after",
           "compare_counts", "compare_years", "data_overview", "data_period", "describe", "event_question",
           "find_changepoint", "funnel", "load_data", "monthly_counts", "monthly_counts_table", "monthly_lines_chart",
           "reconciliation", "stop_on_error", "team_change", "team_question", "xmr", "xmr_chart"]


def __getattr__(name: str):
    module = _PUBLIC.get(name) or _MORE.get(name)
    if module is not None:
        value = getattr(_import_module(f".{module}", __name__), name)
        globals()[name] = value
        return value
    if name in _SUBMODULES:
        return _import_module(f".{name}", __name__)
    raise AttributeError(f"module 'cfanalysis' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, *_LAYERS, "__version__"])
