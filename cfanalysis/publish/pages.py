"""Web pages: a run's executed notebook as a reader's HTML report, and the index of every report.

Both use the templates in ``templates/cfreport`` (no code, no scripts, the report stylesheet
inlined), so the pages work offline and print cleanly.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from cfanalysis.publish.kernels import read_notebook_json

__all__ = ["APPENDIX_TAG", "appendix_notebook", "export_html", "notebook_title", "report_notebooks",
           "write_index"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"
# The index's figures, the headline measure first and named by its unit (summary.json keys -> labels).
INDEX_FIGURES = {"new_complaints_total": "New complaints (the headline measure: each complaint counted once)",
                 "complaints_total": "Workload: stage cases (a complaint counted at each stage it reached)",
                 "compliments_total": "Compliments", "ombudsman_enquiries": "Ombudsman enquiries"}


def stylesheet() -> str:
    return (TEMPLATES_DIR / "cfreport" / "report.css").read_text(encoding="utf-8")


APPENDIX_TAG = "appendix"  # cells with this tag go to the report's appendix page, not the report itself


def appendix_notebook(executed):
    """A copy of an executed notebook holding only its cells tagged ``appendix`` (None when it has none)."""
    import copy

    cells = [cell for cell in executed.cells if APPENDIX_TAG in cell.get("metadata", {}).get("tags", [])]
    if not cells:
        return None
    appendix = copy.copy(executed)
    appendix.cells = cells
    return appendix


def export_html(executed, resources_cf: dict[str, Any], *, drop_internal: bool = False,
                drop_tags: set[str] | frozenset[str] = frozenset()) -> str:
    """An executed notebook as the reader's HTML page (nbconvert with our ``cfreport`` template).

    Cells tagged ``parameters``, ``injected-parameters`` or ``remove`` never reach a reader;
    with ``drop_internal`` (a public run) neither do cells tagged ``internal``; nor any tagged
    with one of ``drop_tags`` (the appendix cells, which have their own page).
    """
    exporter = _exporter(drop_internal, frozenset(drop_tags))
    body, _ = exporter.from_notebook_node(executed, resources={"cf": resources_cf})
    return body


_EXPORTERS = threading.local()  # one exporter per thread and audience: templates compile once


def _exporter(drop_internal: bool, drop_tags: frozenset[str] = frozenset()):
    """The HTML exporter, made once per thread (a run exports pages from several threads at once)
    and kept, so its templates are compiled once per run, not once per page."""
    cache = _EXPORTERS.__dict__.setdefault("by_audience", {})
    key = (drop_internal, drop_tags)
    if key not in cache:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        exporter = HTMLExporter(template_name="cfreport", extra_template_basedirs=[str(TEMPLATES_DIR)],
                                exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
        # Parameter cells (ours and papermill's) are for analysts, not readers.
        tags = ({"parameters", "injected-parameters", "remove"} | ({"internal"} if drop_internal else set())
                | set(drop_tags))
        remover = TagRemovePreprocessor(remove_cell_tags=tags, enabled=True)
        exporter.register_preprocessor(remover, enabled=True)
        cache[key] = exporter
    return cache[key]


def report_notebooks(notebooks_dir: Path) -> list[Path]:
    """The report notebooks: ``NN_name.ipynb`` files in the notebooks folder, in number order."""
    return sorted(p for p in notebooks_dir.glob("*.ipynb") if p.name[:2].isdigit())


def notebook_title(path: Path) -> str:
    """The notebook's first level-one heading, else its name."""
    for cell in read_notebook_json(path)["cells"]:
        if cell["cell_type"] == "markdown":
            for line in "".join(cell["source"]).splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def _main_figures(year_dir: Path) -> list[tuple[str, str]]:
    """The year's main figures from the ``summary.json`` the same run wrote (none if absent)."""
    import json

    path = year_dir / "summary.json"
    if not path.exists():
        return []
    summary = json.loads(path.read_text(encoding="utf-8"))
    return [(label, f"{summary[key]:,}" if isinstance(summary[key], int) else str(summary[key]))
            for key, label in INDEX_FIGURES.items() if summary.get(key) is not None]


def _page_title(stem: str, titles: dict[str, str]) -> str:
    if stem.endswith("_appendix") and stem[:-9] in titles:
        return f"{titles[stem[:-9]]}: appendix (every row accounted for, file checksums)"
    return titles.get(stem, stem)


def write_index(out_dir: Path, notebooks_dir: Path = DEFAULT_NOTEBOOKS_DIR) -> Path:
    """``outputs/index.html``: every year with its main figures and links to its reports."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from cfanalysis.publish.outputs import write_aside

    titles = {path.stem: notebook_title(path) for path in report_notebooks(notebooks_dir)}
    years = []
    for year_dir in sorted((p for p in out_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()), reverse=True):
        pages = [(f"{year_dir.name}/{page.name}", _page_title(page.stem, titles))
                 for page in sorted(year_dir.glob("*.html"))]
        pages += [(f"{year_dir.name}/{pdf.name}", f"{_page_title(pdf.stem, titles)} (PDF for the agenda pack)")
                  for pdf in sorted(year_dir.glob("*.pdf"))]
        if pages:
            tables = [(f"{year_dir.name}/tables/{path.name}", path.stem.replace("_", " "))
                      for path in sorted((year_dir / "tables").glob("*.csv"))]
            years.append({"year": year_dir.name, "pages": pages, "figures": _main_figures(year_dir),
                          "tables": tables})
    environment = Environment(loader=FileSystemLoader(TEMPLATES_DIR / "cfreport"),
                              autoescape=select_autoescape(["j2"], default=True))
    page = environment.get_template("site_index.html.j2").render(years=years, css=stylesheet()) + "\n"
    path = out_dir / "index.html"
    write_aside(path, page)
    return path
