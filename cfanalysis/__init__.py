"""cfanalysis: analyse Children's Services complaints and compliments and publish the report.

The library computes; the notebooks in ``notebooks/`` narrate. Nothing happens at import: the
names below are loaded from their modules on first use, so the command line starts quickly and
``import cfanalysis`` never pulls in matplotlib or statsmodels until they are needed.
"""

from importlib import import_module as _import_module
from importlib import metadata as _metadata

try:
    __version__ = _metadata.version("cfanalysis")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

# Public name -> the module that defines it.
_EXPORTS = {
    "AnnualReport": "publish.annual",
    "Changepoint": "analysis.changepoint",
    "Funnel": "analysis.benchmarking",
    "PersonalDataGuard": "publish.protect",
    "annual_headlines": "analysis.annual",
    "annual_report": "publish.annual",
    "annual_tables": "analysis.annual",
    "funnel": "analysis.benchmarking",
    "plot_funnel": "analysis.benchmarking",
    "poisson_limit": "analysis.benchmarking",
    "proportion_interval": "analysis.annual",
    "safe_csv_text": "publish.protect",
    "suppress": "publish.protect",
    "Chart": "plots",
    "CountComparison": "analysis.rates",
    "DataLoadError": "data.problems",
    "Dataset": "data.loader",
    "DemandAnalysis": "analysis.demand",
    "LoadReport": "data.problems",
    "MDC_COLOURS": "analysis.spc",
    "PALETTE": "plots",
    "Paragraph": "publish.display",
    "Problem": "data.problems",
    "Table": "publish.display",
    "TeamChange": "analysis.teams",
    "TeamQuestion": "publish.team",
    "TestResult": "analysis.rates",
    "XmRResult": "analysis.spc",
    "all_team_tests": "analysis.teams",
    "annual_summary": "analysis.counts",
    "compare_counts": "analysis.rates",
    "counts_by": "analysis.counts",
    "demand_analysis": "analysis.demand",
    "describe_monthly_heatmap": "plots",
    "describe_monthly_lines": "plots",
    "describe_xmr": "analysis.spc",
    "detectable_ratio": "analysis.rates",
    "escalation": "analysis.counts",
    "etest_power": "analysis.rates",
    "financial_year_bounds": "periods",
    "financial_year_months": "periods",
    "financial_years_of": "periods",
    "find_changepoint": "analysis.changepoint",
    "holm": "analysis.rates",
    "in_financial_year": "analysis.counts",
    "lagged_correlations": "analysis.demand",
    "load_data": "data.loader",
    "month_label": "periods",
    "monthly_counts": "analysis.counts",
    "monthly_heatmap_chart": "plots",
    "monthly_lines_chart": "plots",
    "monthly_table": "analysis.counts",
    "months_compared": "analysis.teams",
    "parse_financial_year": "periods",
    "plot_monthly_heatmap": "plots",
    "plot_monthly_lines": "plots",
    "plot_xmr": "analysis.spc",
    "previous_financial_year": "periods",
    "quasi_poisson_year_ratio": "analysis.rates",
    "reconciliation": "publish.display",
    "share_test": "analysis.rates",
    "sign_flip_test": "analysis.rates",
    "team_change": "analysis.teams",
    "team_monthly_series": "analysis.teams",
    "team_question": "publish.team",
    "working_days": "analysis.timeliness",
    "xmr": "analysis.spc",
    "xmr_chart": "analysis.spc",
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
