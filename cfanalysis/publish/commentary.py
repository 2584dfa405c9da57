"""The officer's commentary in the reports: matched to sections, rendered safely, set apart.

Commentary is Markdown written by the complaints manager (``commentary/2019-20.md``, read by
:mod:`cfanalysis.data.commentary`). Each ``## Heading`` names a report section: a ``## ``
heading of a report notebook, matched ignoring case, punctuation and its number (``## 2. Teams``
is the section "Teams"). When a report is published the runner inserts each section's
commentary at the end of that section (:func:`insert_commentary`), so the notebooks need no
change and every report gets it the same way; :func:`commentary_for` shows the same box in a
notebook while writing.

Rendering is deliberately small and safe: paragraphs, bullet lists, ``*emphasis*`` and
``**strong**``, and links shown as their text. Everything is HTML-escaped first, so raw HTML
and ``<script>`` appear as visible text, never as markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cfanalysis.data.contract import header_key
from cfanalysis.data.loader import Dataset

__all__ = ["Commentary", "commentary_for", "insert_commentary", "match_commentary", "render_markdown",
           "report_sections", "section_key"]

LABEL = "Commentary from the service"
_NUMBERING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?|[A-Za-z]\.)\s+")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")


def section_key(heading: str) -> str:
    """What a heading is matched on: its words without the number, case or punctuation.

    >>> section_key("2. Teams") == section_key("teams")
    True
    """
    return header_key(_NUMBERING.sub("", heading))


def section_name(heading: str) -> str:
    """A report heading as a reader names it: ``"2. Teams"`` -> ``"Teams"``."""
    return _NUMBERING.sub("", heading).strip()


def notebook_headings(cells: Iterable[dict]) -> list[str]:
    """The ``## `` headings of a notebook's markdown cells, in order."""
    headings = []
    for cell in cells:
        if cell["cell_type"] != "markdown" or "remove" in cell.get("metadata", {}).get("tags", []):
            continue  # a heading readers never see is not a section
        source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
        headings += [line[3:].strip() for line in source.splitlines() if line.startswith("## ")]
    return headings


def report_sections(notebooks: Iterable[str | Path]) -> list[str]:
    """The section names of the report notebooks (their ``## `` headings without numbers)."""
    import json

    names: list[str] = []
    for path in notebooks:
        cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
        names += [section_name(h) for h in notebook_headings(cells)]
    return list(dict.fromkeys(names))


def match_commentary(commentary: dict[str, str], sections: Iterable[str]) -> dict[str, str]:
    """Commentary keyed by the section name it matches.

    Raises
    ------
    ValueError
        When a heading matches no section, naming it and listing the sections.
    """
    sections = list(sections)
    by_key = {section_key(s): section_name(s) for s in sections}
    unknown = [heading for heading in commentary if section_key(heading) not in by_key]
    if unknown:
        raise ValueError(
            f"The commentary heading(s) {', '.join(repr(h) for h in unknown)} match no section of the "
            f"reports. Use '## ' and one of: {'; '.join(dict.fromkeys(section_name(s) for s in sections))}.")
    return {by_key[section_key(heading)]: text for heading, text in commentary.items()}


def _inline(text: str) -> str:
    """Escaped text with emphasis as <strong>/<em> and links as their text."""
    text = re.sub(r"!?\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)", r"\1", text)  # a link or image shows its words only
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    text = html.escape(text, quote=False)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"<strong>\2</strong>", text)
    return re.sub(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])", r"<em>\2</em>", text)


def render_markdown(text: str) -> str:
    """Safe HTML for a small Markdown subset: paragraphs, bullet lists, emphasis, links as text.

    Nothing in ``text`` becomes markup except what the subset makes:

    >>> render_markdown("Rose *a lot* <script>alert(1)</script>")
    '<p>Rose <em>a lot</em> &lt;script&gt;alert(1)&lt;/script&gt;</p>'
    """
    blocks: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(f"<p>{_inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            blocks.append("<ul>" + "".join(f"<li>{_inline(i)}</li>" for i in items) + "</ul>")
            items.clear()

    for line in text.splitlines():
        bullet = _BULLET.match(line)
        if not line.strip():
            flush()
        elif bullet:
            if paragraph:
                flush()
            items.append(bullet.group(1).strip())
        elif items and line.startswith((" ", "\t")):
            items[-1] += " " + line.strip()  # a bullet continued on the next line
        else:
            if items:
                flush()
            paragraph.append(re.sub(r"^#+\s*", "", line.strip()))
    flush()
    return "".join(blocks)


@dataclass(frozen=True)
class Commentary:
    """The service's commentary on one section, shown as a labelled aside."""

    section: str
    text: str
    financial_year: str = ""

    def _repr_html_(self) -> str:
        if not self.text.strip():
            return ""
        return (f'<aside class="cf-commentary" aria-label="{LABEL}">'
                f'<p class="cf-commentary-label">{LABEL}</p>{render_markdown(self.text)}</aside>')

    def __repr__(self) -> str:
        return f"{LABEL}:\n{self.text}" if self.text.strip() else ""


def no_commentary_note(financial_year: str) -> str:
    """The one line a report shows when the service wrote no commentary for the year."""
    return (f'<p class="cf-commentary-none">The service has not added commentary to this report for '
            f"{html.escape(financial_year)}.</p>")


def commentary_for(data: Dataset, financial_year: str, section: str) -> Commentary:
    """The officer's commentary on one section of a year's report (empty when there is none).

    Published reports get commentary from the runner; use this in a notebook to preview it.
    """
    texts = data.commentary.get(financial_year, {})
    text = next((t for h, t in texts.items() if section_key(h) == section_key(section)), "")
    return Commentary(section_name(section), text, financial_year)


def _display_cell(markup: str, plain: str, number: int):
    """An output-only cell; its id is fixed (not random), so reruns give byte-identical pages."""
    from nbformat.v4 import new_code_cell, new_output

    cell = new_code_cell(source="", outputs=[new_output("display_data", data={"text/html": markup,
                                                                               "text/plain": plain})])
    cell.id = f"cf-commentary-{number}"
    return cell


def insert_commentary(notebook, commentary: dict[str, str] | None, financial_year: str):
    """A copy of an executed notebook with each section's commentary at the end of the section.

    ``commentary`` is ``{heading: text}`` (already matched to sections); ``None`` means the
    service gave none for the year, and one short note goes after the introduction instead.
    """
    import copy

    notebook = copy.deepcopy(notebook)
    cells = notebook.cells
    if commentary is None:
        first = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                      and "remove" not in c.metadata.get("tags", [])), None)
        if first is not None:
            cells.insert(first + 1, _display_cell(no_commentary_note(financial_year), "", 0))
        return notebook
    by_key = {section_key(h): (h, t) for h, t in commentary.items()}
    insert_at: dict[int, Commentary] = {}
    open_section: tuple[int, Commentary] | None = None
    for index, cell in enumerate([*cells, None]):
        headings = notebook_headings([cell]) if cell is not None else [""]
        if headings and open_section is not None:
            insert_at[index] = open_section[1]
            open_section = None
        if headings and headings[-1] and section_key(headings[-1]) in by_key:
            heading, text = by_key[section_key(headings[-1])]
            open_section = (index, Commentary(section_name(heading), text, financial_year))
    for index in sorted(insert_at, reverse=True):
        box = insert_at[index]
        cells.insert(index, _display_cell(box._repr_html_(), repr(box), index))
    return notebook
