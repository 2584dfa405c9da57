"""The visible text of a published report, as the golden files in tests/golden/reports/ hold it.

Images become ``[img]`` and their alt text ``[alt: ...]``: the alt text says what the chart
shows (its data and flagged points), so a changed chart shows as a changed line, while the PNG's
pixels, which change with any matplotlib or font upgrade, are not compared (the charts' plotted
data and text layout are tested on the Axes, in tests/test_chart_data.py). The provenance at the
end of each report (package version, commit, checksums, parameters) changes with every commit and
machine, so comparisons cut it off with :func:`without_provenance`.
"""

import html
import json
import re

PROVENANCE_HEADING = "How this report was made"  # the footer's <h2> in publish/templates/cfreport


def report_text(page: str) -> str:
    """The visible text of an HTML report, one line per paragraph, table row, heading or item."""
    t = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    t = re.sub(r'<img src="data:image/png;base64,([^"]+)"', "[img]<img ", t)
    t = re.sub(r'alt="([^"]*)"', lambda m: f">[alt: {m.group(1)}]<", t)
    t = re.sub(r"</(p|tr|h\d|li|caption|figcaption|div)>", "\n", t)
    t = re.sub(r"<[^>]+>", " ", t)
    t = "\n".join(" ".join(line.split()) for line in html.unescape(t).splitlines() if line.strip())
    return t + "\n"


SIGNIFICANT_DIGITS = 10  # floats compared to 10 significant digits: BLAS and CPUs differ in the last bits


def _rounded(value):
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def summary_text(summary_json: str) -> str:
    """summary.json without its provenance, with sorted keys, one space of indent and every
    float to 10 significant digits (a GLM's p-value differs in its 16th digit between machines)."""
    summary = _rounded(json.loads(summary_json))
    summary.pop("provenance", None)
    return json.dumps(summary, indent=1, sort_keys=True)


def without_image_hashes(text: str) -> str:
    """Golden texts written before images were compared by their alt text held ``[img <hash>]``."""
    return re.sub(r"\[img [0-9a-f]{10}\]", "[img]", text)


def without_provenance(text: str) -> str:
    """The report text up to the provenance heading (all of it when there is none)."""
    lines = text.splitlines(keepends=True)
    end = lines.index(PROVENANCE_HEADING + "\n") if PROVENANCE_HEADING + "\n" in lines else len(lines)
    return "".join(lines[:end])


# The golden texts check the wording, so one year is enough: the latest example year, which has
# a year before it to compare with. Every other year is checked against its typed results
# (tests/test_report_figures.py).
GOLDEN_YEARS = ("2019-20",)


def golden_texts(out) -> dict[str, str]:
    """File name in tests/golden/reports/ -> its text, for the golden years' reports built in ``out``."""
    texts = {}
    for year in sorted(p for p in out.iterdir() if (p / "summary.json").exists() and p.name in GOLDEN_YEARS):
        texts[f"{year.name}_summary.json"] = summary_text((year / "summary.json").read_text())
        for page in sorted(year.glob("*.html")):
            texts[f"{year.name}_{page.stem}.txt"] = report_text(page.read_text())
    return texts
