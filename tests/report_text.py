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


def summary_text(summary_json: str) -> str:
    """summary.json without its provenance, with sorted keys and one space of indent."""
    summary = json.loads(summary_json)
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


def golden_texts(out) -> dict[str, str]:
    """File name in tests/golden/reports/ -> its text, for every year's reports built in ``out``."""
    texts = {}
    for year in sorted(p for p in out.iterdir() if (p / "summary.json").exists()):
        texts[f"{year.name}_summary.json"] = summary_text((year / "summary.json").read_text())
        for page in sorted(year.glob("*.html")):
            texts[f"{year.name}_{page.stem}.txt"] = report_text(page.read_text())
    return texts
