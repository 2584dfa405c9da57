"""A committee cover sheet for report 03, as every agenda item needs one.

Purpose, recommendation ("to note"), implications, author and date, from the report's own
figures and the data folder's ``dataset.json`` (``committee``, ``author``, ``contact``). The sheet
carries the class ``cf-cover``, which marks the page as a paper for the agenda pack
(:mod:`cfanalysis.publish.pdf` prints such pages to PDF).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from cfanalysis.publish.display import _Recorded

__all__ = ["CoverSheet"]


@dataclass(frozen=True)
class CoverSheet(_Recorded):
    """The cover sheet's rows (heading, text), shown as a two-column table on its own printed page.

    ``record`` carries the numbers it publishes (its summary is the report's first main point) for
    the disclosure audit (:mod:`cfanalysis.publish.disclosure`)."""

    title: str
    rows: tuple[tuple[str, str], ...]
    record: object = field(default=None, compare=False, repr=False)

    def _repr_html_(self) -> str:
        body = "".join(f'<tr><th scope="row" class="cf-text" style="text-align:left;vertical-align:top;'
                       f'padding:0.3rem 0.6rem;width:11rem">{html.escape(k)}</th>'
                       f'<td class="cf-text" style="text-align:left;vertical-align:top;padding:0.3rem 0.6rem">'
                       f'{html.escape(v)}</td></tr>' for k, v in self.rows)
        return (f'<section class="cf-cover" aria-label="Cover sheet"><table class="cf-table cf-cover-table" '
                f'style="border-collapse:collapse;margin:1rem 0"><caption style="text-align:left;'
                f'font-weight:bold;padding:0.3rem 0">{html.escape(self.title)}</caption><tbody>{body}</tbody>'
                "</table></section>")

    def __repr__(self) -> str:
        return "\n".join([self.title, *(f"{k}: {v}" for k, v in self.rows)])
