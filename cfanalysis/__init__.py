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
    "AnnualReport": "annual_report",
    "Changepoint": "changepoint",
    "Funnel": "funnel",
    "PersonalDataGuard": "protect",
    "annual_headlines": "annual",
    "annual_report": "annual_report",
    "annual_tables": "annual",
    "funnel": "funnel",
    "plot_funnel": "funnel",
    "poisson_limit": "funnel",
    "proportion_interval": "annual",
    "safe_csv_text": "protect",
    "suppress": "protect",
    "Chart": "plots",
    "CountComparison": "stats",
    "DataLoadError": "io",
    "Dataset": "io",
    "DemandAnalysis": "demand",
    "LoadReport": "io",
    "MDC_COLOURS": "spc",
    "PALETTE": "plots",
    "Paragraph": "display",
    "Problem": "io",
    "Table": "display",
    "TeamChange": "team_tests",
    "TeamQuestion": "team_report",
    "TestResult": "stats",
    "XmRResult": "spc",
    "all_team_tests": "team_tests",
    "annual_summary": "aggregate",
    "compare_counts": "stats",
    "counts_by": "aggregate",
    "demand_analysis": "demand",
    "describe_monthly_heatmap": "plots",
    "describe_monthly_lines": "plots",
    "describe_xmr": "spc",
    "detectable_ratio": "stats",
    "escalation": "aggregate",
    "etest_power": "stats",
    "financial_year_bounds": "periods",
    "financial_year_months": "periods",
    "financial_years_of": "periods",
    "find_changepoint": "changepoint",
    "holm": "stats",
    "in_financial_year": "aggregate",
    "lagged_correlations": "demand",
    "load_data": "io",
    "month_label": "periods",
    "monthly_counts": "aggregate",
    "monthly_heatmap_chart": "plots",
    "monthly_lines_chart": "plots",
    "monthly_table": "aggregate",
    "months_compared": "team_tests",
    "parse_financial_year": "periods",
    "plot_monthly_heatmap": "plots",
    "plot_monthly_lines": "plots",
    "plot_xmr": "spc",
    "previous_financial_year": "periods",
    "quasi_poisson_year_ratio": "stats",
    "reconciliation": "display",
    "share_test": "stats",
    "sign_flip_test": "stats",
    "team_change": "team_tests",
    "team_monthly_series": "team_tests",
    "team_question": "team_report",
    "working_days": "timeliness",
    "xmr": "spc",
    "xmr_chart": "spc",
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
