"""The HTML views pass axe-core with no serious or critical violations (issue 19).

axe-core is vendored under tests/browser/vendor/axe-core/ (from the npm registry, with its
licence), as the room-view tests use it. The views are the
facilitator and participant HTML that JupyterLab's Save and Export menu makes, of session 1
executed for the example cohort, in English and in Spanish large print. The page is opened
from a file in Debian's chromium; nothing is fetched from the network.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _executed_session(tmp: Path, extra: str) -> Path:
    """Session 1 built for a copy of the example cohort (with ``extra`` TOML appended)."""
    from conftest import run_cli

    curriculum = tmp / "curriculum"
    shutil.copytree(ROOT / "curriculum", curriculum, ignore=shutil.ignore_patterns("translations"))
    overlay = FIXTURES / "translations" / "es" / "sessions" / "01-orientation.yaml"
    (curriculum / "translations" / "es" / "sessions").mkdir(parents=True)
    shutil.copy(overlay, curriculum / "translations" / "es" / "sessions" / overlay.name)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp / name)
    (tmp / "example.toml").write_text((tmp / "example.toml").read_text() + extra)
    result = run_cli("build", str(tmp / "example.toml"), "--curriculum", str(curriculum), "--sessions", "1",
                     "--out", str(tmp / "build"), "--quiet")
    assert result.returncode == 0, result.stderr
    return tmp / "build" / "session-01" / "session.ipynb"


def _views(notebook: Path, out: Path) -> list[Path]:
    import nbformat

    from iopkit.notebook.exporters import FacilitatorHTMLExporter, ParticipantHTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    pages = []
    for cls in (FacilitatorHTMLExporter, ParticipantHTMLExporter):
        body, _ = cls().from_notebook_node(nb, {"metadata": {"name": "session"}})
        page = out / f"{cls.__name__}.html"
        page.write_text(body, encoding="utf-8")
        pages.append(page)
    return pages


@pytest.mark.parametrize("extra", ["", '\n[handouts]\nlanguage = "es"\nlarge_print = true\n'],
                         ids=["english", "spanish-large-print"])
def test_html_views_have_no_serious_axe_violations(tmp_path, extra, browser):
    """Uses the session's one browser (tests/browser/conftest.py): a second Playwright would clash with it."""
    assert AXE.is_file(), f"axe-core is missing: {AXE}"
    pages = _views(_executed_session(tmp_path, extra), tmp_path)
    for html_file in pages:
        page = browser.new_page()
        page.route("http*://**", lambda route: route.abort())  # nothing leaves this computer
        page.goto(html_file.as_uri())
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("""async () => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values:
                ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.html.slice(0, 160))}));
        }""")
        bad = [v for v in result if v["impact"] in ("serious", "critical")]
        assert not bad, f"{html_file.name}: {bad}"
        lang = page.evaluate("document.documentElement.lang")
        if "Participant" in html_file.name:
            assert lang == ("es-US" if extra else "en-US")
        page.close()
    # The harness itself: the same run finds a picture without alt text on a known-bad page.
    page = browser.new_page()
    bad_page = tmp_path / "bad.html"
    bad_page.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title></head><body><main>'
                        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>')
    page.goto(bad_page.as_uri())
    page.add_script_tag(path=str(AXE))
    ids = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    assert "image-alt" in ids
    page.close()
