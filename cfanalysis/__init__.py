"""cfanalysis: analyse Children's Services complaints and compliments and publish the report.

The library computes; the notebooks in ``notebooks/`` narrate. Nothing happens at import.
"""

from importlib import metadata as _metadata

from .aggregate import annual_summary, counts_by, escalation, in_financial_year, monthly_counts, monthly_table
from .display import Paragraph, Table, reconciliation
from .io import DataLoadError, Dataset, LoadReport, Problem, load_data
from .periods import (
    financial_year_bounds,
    financial_year_months,
    financial_years_of,
    month_label,
    parse_financial_year,
    previous_financial_year,
)
from .plots import (
    PALETTE,
    Chart,
    describe_monthly_heatmap,
    describe_monthly_lines,
    monthly_heatmap_chart,
    monthly_lines_chart,
    plot_monthly_heatmap,
    plot_monthly_lines,
)
from .changepoint import Changepoint, find_changepoint
from .demand import DemandAnalysis, demand_analysis, lagged_correlations
from .spc import MDC_COLOURS, XmRResult, describe_xmr, plot_xmr, xmr, xmr_chart
from .stats import (
    CountComparison,
    TestResult,
    compare_counts,
    detectable_ratio,
    etest_power,
    holm,
    quasi_poisson_year_ratio,
    share_test,
    sign_flip_test,
)
from .team_change import TeamChange, all_team_tests, months_compared, team_change, team_monthly_series
from .team_question import TeamQuestion, team_question
from .timeliness import working_days

try:
    __version__ = _metadata.version("cfanalysis")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "Changepoint",
    "Chart",
    "CountComparison",
    "DataLoadError",
    "Dataset",
    "DemandAnalysis",
    "LoadReport",
    "MDC_COLOURS",
    "PALETTE",
    "Paragraph",
    "Problem",
    "Table",
    "TeamChange",
    "TeamQuestion",
    "TestResult",
    "XmRResult",
    "all_team_tests",
    "annual_summary",
    "compare_counts",
    "counts_by",
    "demand_analysis",
    "describe_monthly_heatmap",
    "describe_monthly_lines",
    "describe_xmr",
    "detectable_ratio",
    "escalation",
    "etest_power",
    "financial_year_bounds",
    "financial_year_months",
    "financial_years_of",
    "find_changepoint",
    "holm",
    "in_financial_year",
    "lagged_correlations",
    "load_data",
    "month_label",
    "monthly_counts",
    "monthly_heatmap_chart",
    "monthly_lines_chart",
    "monthly_table",
    "months_compared",
    "parse_financial_year",
    "plot_monthly_heatmap",
    "plot_monthly_lines",
    "plot_xmr",
    "previous_financial_year",
    "quasi_poisson_year_ratio",
    "reconciliation",
    "share_test",
    "sign_flip_test",
    "team_change",
    "team_monthly_series",
    "team_question",
    "working_days",
    "xmr",
    "xmr_chart",
]
