"""The agenda-pack PDF: a report with a cover sheet, printed from its own HTML by headless Chromium.

Councils publish agenda packs as PDF. The PDF is made from the same HTML page (its print
stylesheet: A4, 18 mm margins), so the two never differ. Chromium is optional: without it the
run says so, and the HTML still prints to PDF from any browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["CHROMIUM_FLAGS", "PAPER_MARK", "chromium", "print_papers", "print_to_pdf"]

PAPER_MARK = 'class="cf-cover"'  # a page with a committee cover sheet is a paper for the agenda pack
# As in /work/.library/env/machines/python.md: headless, no sandbox (root), no background networking.
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--no-pdf-header-footer")


def chromium() -> str | None:
    """The Chromium (or Chrome) on this machine, or None."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if found := shutil.which(name):
            return found
    return None


def print_to_pdf(html_path: Path, pdf_path: Path, *, browser: str, timeout: float = 120) -> Path:
    """Print one HTML page to a PDF with headless Chromium (written aside, then renamed).

    Raises
    ------
    RuntimeError
        When Chromium fails or writes nothing, with what it printed.
    """
    partial = pdf_path.with_name(f".{pdf_path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="cfanalysis-chromium-") as profile:
        command = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={partial}",
                   html_path.resolve().as_uri()]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode or not partial.exists() or not partial.stat().st_size:
        partial.unlink(missing_ok=True)
        raise RuntimeError(f"Chromium could not print {html_path.name} to PDF (exit status {done.returncode}): "
                           f"{done.stderr.strip()[-400:]}")
    os.replace(partial, pdf_path)
    return pdf_path


def print_papers(html_paths: Iterable[Path], *, progress: Callable[[str], None] = print) -> list[Path]:
    """A PDF beside each page that is a paper for the agenda pack (it has a cover sheet)."""
    papers = [p for p in html_paths if p.exists() and PAPER_MARK in p.read_text(encoding="utf-8")]
    if not papers:
        return []
    browser = chromium()
    if browser is None:
        progress("No PDF was made: Chromium is not installed (on Debian or Ubuntu: sudo apt-get install -y "
                 "chromium). The HTML report prints to PDF from any browser (File > Print > Save as PDF).")
        return []
    written = []
    for page in papers:
        try:
            written.append(print_to_pdf(page, page.with_suffix(".pdf"), browser=browser))
            progress(f"PDF for the agenda pack: {page.with_suffix('.pdf')}")
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            progress(f"No PDF of {page.name}: {error}")
    return written
