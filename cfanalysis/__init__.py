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
from .stats import CountComparison, compare_counts
from .timeliness import working_days

try:
    __version__ = _metadata.version("cfanalysis")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"

__all__ = [
    "PALETTE",
    "Chart",
    "CountComparison",
    "DataLoadError",
    "Dataset",
    "LoadReport",
    "Paragraph",
    "Problem",
    "Table",
    "annual_summary",
    "compare_counts",
    "counts_by",
    "describe_monthly_heatmap",
    "describe_monthly_lines",
    "escalation",
    "financial_year_bounds",
    "financial_year_months",
    "financial_years_of",
    "in_financial_year",
    "load_data",
    "month_label",
    "monthly_counts",
    "monthly_heatmap_chart",
    "monthly_lines_chart",
    "monthly_table",
    "parse_financial_year",
    "plot_monthly_heatmap",
    "plot_monthly_lines",
    "previous_financial_year",
    "reconciliation",
    "working_days",
]
