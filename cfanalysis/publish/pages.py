"""Web pages: a run's executed notebook as a reader's HTML report, and the index of every report.

Both use the templates in ``templates/cfreport`` (no code, no scripts, the report stylesheet
inlined), so the pages work offline and print cleanly.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from cfanalysis.publish.kernels import read_notebook_json

__all__ = ["export_html", "notebook_title", "report_notebooks", "write_index"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
DEFAULT_NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks"


def stylesheet() -> str:
    return (TEMPLATES_DIR / "cfreport" / "report.css").read_text(encoding="utf-8")


def export_html(executed, resources_cf: dict[str, Any], *, drop_internal: bool = False) -> str:
    """An executed notebook as the reader's HTML page (nbconvert with our ``cfreport`` template).

    Cells tagged ``parameters``, ``injected-parameters`` or ``remove`` never reach a reader;
    with ``drop_internal`` (a public run) neither do cells tagged ``internal``.
    """
    body, _ = _exporter(drop_internal).from_notebook_node(executed, resources={"cf": resources_cf})
    return body


_EXPORTERS = threading.local()  # one exporter per thread and audience: templates compile once


def _exporter(drop_internal: bool):
    """The HTML exporter, made once per thread (a run exports pages from several threads at once)
    and kept, so its templates are compiled once per run, not once per page."""
    cache = _EXPORTERS.__dict__.setdefault("by_audience", {})
    if drop_internal not in cache:
        from nbconvert import HTMLExporter
        from nbconvert.preprocessors import TagRemovePreprocessor

        exporter = HTMLExporter(template_name="cfreport", extra_template_basedirs=[str(TEMPLATES_DIR)],
                                exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
        # Parameter cells (ours and papermill's) are for analysts, not readers.
        tags = {"parameters", "injected-parameters", "remove"} | ({"internal"} if drop_internal else set())
        remover = TagRemovePreprocessor(remove_cell_tags=tags, enabled=True)
        exporter.register_preprocessor(remover, enabled=True)
        cache[drop_internal] = exporter
    return cache[drop_internal]


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

    from cfanalysis.publish.outputs import MAIN_FIGURES

    path = year_dir / "summary.json"
    if not path.exists():
        return []
    summary = json.loads(path.read_text(encoding="utf-8"))
    return [(label, f"{summary[key]:,}" if isinstance(summary[key], int) else str(summary[key]))
            for key, label in MAIN_FIGURES.items() if summary.get(key) is not None]


def write_index(out_dir: Path, notebooks_dir: Path = DEFAULT_NOTEBOOKS_DIR) -> Path:
    """``outputs/index.html``: every year with its main figures and links to its reports."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    from cfanalysis.publish.outputs import write_aside

    titles = {path.stem: notebook_title(path) for path in report_notebooks(notebooks_dir)}
    years = []
    for year_dir in sorted((p for p in out_dir.iterdir() if p.is_dir() and p.name[:4].isdigit()), reverse=True):
        pages = [(f"{year_dir.name}/{page.name}", titles.get(page.stem, page.stem))
                 for page in sorted(year_dir.glob("*.html"))]
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
