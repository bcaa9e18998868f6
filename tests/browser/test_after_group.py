"""After the group, in the app (``iopkit app``, Voilà): write tonight's notes kit without the command line."""
from __future__ import annotations

import pytest

from .conftest import SLOW, choose, scroll_to, shot

pytestmark = pytest.mark.browser

WB = ".iopkit-wb"


def test_the_after_the_group_tab_writes_the_kit_and_serves_its_pdfs(page, voila, workdir):
    from iopkit.app.workbench import load_plan, session_label

    item = load_plan(workdir / "cohorts" / "example.toml").at(5)
    page.goto(voila.url("/"))
    page.wait_for_selector(f"{WB} .wb-head h1", timeout=SLOW)
    choose(page, WB, 0, "cohorts/example.toml")
    choose(page, WB, 1, session_label(item))
    page.locator(f"{WB} .wb-title", has_text=item.session.title).wait_for()
    page.locator(f"{WB} .lm-TabBar-tab", has_text="After the group").click()
    page.locator(f"{WB} strong", has_text="Wednesday, January 13").wait_for()
    # Nowhere to type a name: the only text box is the group section, filled in by the kit.
    assert page.locator(f"{WB} input[type=text]:visible, {WB} input[type=file]:visible").count() == 0
    choose(page, WB, 2, "BIRP")
    page.locator(f"{WB} button", has_text="Write the notes kit").click()
    links = page.locator(f"{WB} .wb-links a")
    links.first.wait_for(timeout=SLOW)
    hrefs = [a.get_attribute("href") for a in links.all()]
    base = "/voila/files/build/example/notes/2027-01-13/"
    assert hrefs == [base + name for name in ("group-section-birp.pdf", "member-template-birp.pdf",
                                               "sign-in-roster.pdf", "sign-in-slips.pdf")]
    for href in hrefs:
        response = page.request.get(voila.base + href)
        assert response.ok and response.body()[:5] == b"%PDF-"
    text = page.locator(f"{WB} textarea").input_value()
    assert text.startswith("GROUP SECTION (BIRP): Session 5 of 36") and "I - INTERVENTION" in text
    assert text == (workdir / "build" / "example" / "notes" / "2027-01-13" / "group-section-birp.txt").read_text()
    assert page.locator(f"{WB} td", has_text="Hi, this is Riverbend.").count() == 3
    scroll_to(page.locator(f"{WB} .wb-links"))
    shot(page, "voila-after-the-group")
