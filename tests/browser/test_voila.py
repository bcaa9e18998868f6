"""The workbench as an app: ``iopkit app`` serves the home notebook with Voilà, code hidden."""
from __future__ import annotations

import pytest

from .conftest import SLOW, choose, scroll_to, shot, text_of, wait_for_text_change

pytestmark = pytest.mark.browser

WB = ".iopkit-wb"


@pytest.fixture(scope="module")
def plan(workdir):
    from iopkit.app.workbench import load_plan

    return load_plan(workdir / "cohorts" / "example.toml")


def rows_of(page):
    return [row.locator("td").all_inner_texts() for row in page.locator(f"{WB} table.wb-run tbody tr").all()]


def expected_rows(item):
    from iopkit.render.views import clock

    return [[f"{clock(b.start)}–{clock(b.end)}", f"{b.minutes} min", b.block.title] for b in item.blocks]


def test_the_app_shows_the_workbench_with_no_code_and_follows_the_dropdowns(page, voila, plan, workdir):
    from iopkit.app.workbench import session_label

    page.goto(voila.url("/"))
    page.wait_for_selector(f"{WB} .wb-head h1", timeout=SLOW)
    assert voila.base.startswith("http://127.0.0.1:")
    # No code anywhere: not shown, and not even in the page.
    assert "from iopkit.app.workbench import Workbench" not in page.content()
    assert "Workbench().show()" not in page.content()
    assert page.locator(".jp-InputArea:visible, .jp-CodeMirrorEditor:visible, .cm-editor:visible").count() == 0
    assert page.locator(f"{WB} select:visible").count() == 2  # cohort and session (other tabs are hidden)
    shot(page, "voila-01-app")

    choose(page, WB, 0, "cohorts/example.toml")
    seventh, eighth = plan.at(7), plan.at(8)
    choose(page, WB, 1, session_label(seventh))
    page.locator(f"{WB} .wb-title", has_text=seventh.session.title).wait_for()
    assert rows_of(page) == expected_rows(seventh)
    choose(page, WB, 1, session_label(eighth))
    page.locator(f"{WB} .wb-title", has_text=eighth.session.title).wait_for()
    assert rows_of(page) == expected_rows(eighth)
    scroll_to(page.locator(f"{WB} table.wb-run"))
    shot(page, "voila-02-run-of-show")

    # The timer ticks in Voilà too (the Play widget runs in the page).
    scroll_to(page.locator(f"{WB} .wb-timer"))
    before = text_of(page, f"{WB} .wb-time-left")
    page.locator(f"{WB} button", has_text="Start").click()
    page.wait_for_timeout(2500)
    after = wait_for_text_change(page, f"{WB} .wb-time-left", before)
    assert after != before
    shot(page, "voila-03-timer")
    page.locator(f"{WB} button", has_text="Pause").click()

    # Build (or find up to date) session 7: Voilà serves the PDFs it links to, and nothing else.
    choose(page, WB, 1, session_label(seventh))
    page.locator(f"{WB} .wb-title", has_text=seventh.session.title).wait_for()
    page.locator(f"{WB} .lm-TabBar-tab", has_text="Guide and handout").click()
    page.locator(f"{WB} button", has_text="Build guide and handout").click()
    links = page.locator(f"{WB} .wb-links a")
    links.first.wait_for(timeout=300_000)
    hrefs = [a.get_attribute("href") for a in links.all()]
    assert hrefs == ["/voila/files/build/example/session-07/facilitator-guide.pdf",
                     "/voila/files/build/example/session-07/handout.pdf"]
    for href in hrefs:
        response = page.request.get(voila.base + href)
        assert response.ok and response.body()[:5] == b"%PDF-"
    assert page.request.get(voila.base + "/voila/files/cohorts/example.toml").status == 403
    assert page.request.get(voila.base + "/voila/files/iopkit-home.ipynb").status == 403
    page.frame_locator(f"{WB} iframe.wb-preview").locator("h1").first.wait_for()
    scroll_to(page.locator(f"{WB} .wb-links"))
    shot(page, "voila-04-built")
