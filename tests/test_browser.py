"""Every published HTML file in a real browser: offline, no errors, images decoded, accessible.

Uses the system's Chromium (``apt-get install -y chromium``) through Playwright, with no browser
download: one browser for the session (the ``browser`` fixture in conftest.py). Without Chromium
these tests skip, except under CI=true, where they fail.
"""

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

def html_files(out):
    return sorted(p for p in out.rglob("*.html") if "logs" not in p.parts)


def test_there_are_pages(built_reports):
    out, _ = built_reports
    assert len(html_files(out)) >= 10  # index + 3 notebooks x 3 years


def test_every_page_offline_error_free_decoded_and_accessible(built_reports, browser, tmp_path):
    from axe_playwright_python.sync_playwright import Axe

    out, _ = built_reports
    axe = Axe()
    failures = []
    for path in html_files(out):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        requests, console_errors = [], []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        page.on("console", lambda message, seen=console_errors: seen.append(message.text)
                if message.type == "error" else None)
        page.on("pageerror", lambda error, seen=console_errors: seen.append(str(error)))
        page.goto(path.as_uri(), wait_until="load")
        name = "_".join(path.relative_to(out).with_suffix("").parts)
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)  # for looking at by hand
        outside = [u for u in requests if not u.startswith(("file://", "data:"))]
        undecoded = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).length")
        without_alt = page.evaluate("Array.from(document.images).filter(i => !i.alt).length")
        violations = [v for v in axe.run(page).response["violations"]
                      if v.get("impact") in ("serious", "critical")]
        for problem, found in (("requests leaving file://", outside), ("console errors", console_errors),
                               ("undecoded images", undecoded), ("images without alt text", without_alt),
                               ("serious or critical axe violations",
                                [f"{v['id']}: {v['help']}" for v in violations])):
            if found:
                failures.append(f"{path.relative_to(out)}: {problem}: {found}")
        page.close()
    assert not failures, "\n".join(failures)


def test_printed_to_a4_no_table_or_image_is_wider_than_the_text(built_reports, browser):
    """Print emulation at A4 text width (210 mm less the stylesheet's @page margins): every
    table and image fits, so nothing is cut off on paper."""
    import re

    css = (Path(__file__).resolve().parents[1] / "cfanalysis/publish/templates/cfreport/report.css").read_text()
    margin_mm = float(re.search(r"@page \{[^}]*margin: (\d+)mm", css).group(1))
    text_width = int((210 - 2 * margin_mm) * 96 / 25.4)
    out, _ = built_reports
    failures = []
    for path in html_files(out):
        page = browser.new_page(viewport={"width": text_width, "height": 1000})
        page.emulate_media(media="print")
        page.goto(path.as_uri(), wait_until="load")
        wide = page.evaluate(
            """(limit) => Array.from(document.querySelectorAll('table, img, .cf-table-wrap'))
                 .filter(e => e.scrollWidth > limit || e.getBoundingClientRect().right > limit + 1)
                 .map(e => `${e.tagName} ${(e.querySelector('caption') || e).textContent.slice(0, 60)}: `
                           + `${e.scrollWidth}px`)""", text_width)
        if wide:
            failures.append(f"{path.relative_to(out)} (text width {text_width}px): {wide}")
        page.close()
    assert not failures, "\n".join(failures)
