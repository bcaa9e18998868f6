"""The Group tab in Voilà, as a counselor who has never seen a cohort file uses it: set up a telehealth
evening group from a blank form, hit and fix an invalid setting, reorder and skip sessions, preview a
session before saving, save, and build session 1 from the saved file."""
from __future__ import annotations

import re
import subprocess
import sys
import time

import pytest

from .conftest import SLOW, scroll_to, shot

pytestmark = pytest.mark.browser

CE = ".iopkit-ce"




@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """This module's own counselor folder (see make_workdir)."""
    from .conftest import make_workdir

    return make_workdir(tmp_path_factory)

def field(page, name: str):
    """The row of one setting, like ``schedule-start-date``."""
    return page.locator(f"{CE} .ce-field-{name}")


def wait_status(page, text: str, timeout: float = 30_000) -> None:
    page.locator(f"{CE} .ce-status", has_text=text).wait_for(timeout=timeout)


def wait_for_list(page, ready, seconds: float = 30) -> list[str]:
    """The sessions list's lines (as a person reads them) once ``ready(lines)`` holds."""
    options = page.locator(f"{CE} .ce-field-curriculum-swap select").first.locator("option")
    deadline = time.monotonic() + seconds
    while True:
        texts = [t.replace("\xa0", " ") for t in options.all_inner_texts()]
        if (len(texts) > 27 and ready(texts)) or time.monotonic() > deadline:
            return texts
        page.wait_for_timeout(200)


def test_a_counselor_sets_up_a_telehealth_evening_group_in_the_browser(page, voila, workdir):
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import sequence

    page.goto(voila.url("/"))
    page.wait_for_selector(".iopkit-wb .wb-head h1", timeout=SLOW)
    page.locator(".iopkit-wb .lm-TabBar-tab", has_text=re.compile(r"^Group$")).click()
    page.wait_for_selector(f"{CE} .ce-field-program-name input", timeout=SLOW)
    page.locator(f"{CE} button", has_text="New group").click()
    page.locator(f"{CE} h2", has_text="A new group").wait_for()
    wait_status(page, "Not saved yet")
    shot(page, "group-01-blank-form")

    # The blank form: each missing setting is named beside its own field.
    assert "some text" in field(page, "program-name").locator(".ce-problem").inner_text()
    assert page.locator(f"{CE} button", has_text="Save the group").is_disabled()

    field(page, "program-name").locator("input").fill("Riverbend Recovery Center")
    field(page, "cohort-name").locator("input").fill("Evening Telehealth Tuesday Thursday")
    field(page, "cohort-facilitators").locator("textarea").fill("Dana Okafor, LADC\nSam Chen, LCSW")
    field(page, "schedule-start-date").locator("input").fill("2027-01-06")  # a Wednesday: not a meeting day
    for day in ("Tue", "Thu"):
        field(page, "schedule-meeting-days").locator("button", has_text=day).click()
    field(page, "schedule-start-time").locator("input").fill("6:00 PM")
    field(page, "schedule-time-zone").locator("input").fill("America/Denver")
    field(page, "location-mode").locator("button", has_text="Telehealth").click()
    field(page, "location-platform").locator("input").fill("Zoom for Healthcare")
    field(page, "resources-clinic-phone").locator("input").fill("(507) 555-0142")
    field(page, "resources-local-crisis-line").locator("input").fill("Colorado Crisis Services: 1-844-493-8255")
    field(page, "resources-naloxone").locator("input").fill("Mailed free on request")
    field(page, "resources-meetings").locator("textarea").fill("SMART Recovery online: smartrecovery.org")

    # The one setting still wrong is shown beside the start date, in plain words, and nothing can be saved.
    wait_status(page, "1 setting needs fixing")
    problem = field(page, "schedule-start-date").locator(".ce-problem")
    assert "a date that falls on a meeting day (Tuesday, Thursday)" in problem.inner_text()
    assert page.locator(f"{CE} .ce-problem:visible").count() == 1
    assert page.locator(f"{CE} button", has_text="Save the group").is_disabled()
    scroll_to(field(page, "schedule-start-date"))
    shot(page, "group-02-invalid-start-date")

    field(page, "schedule-start-date").locator("input").fill("2027-01-05")
    wait_status(page, "Every setting checks out")
    assert page.locator(f"{CE} .ce-problem:visible").count() == 0
    assert "36 sessions" in page.locator(f"{CE} .ce-cal").locator("xpath=../..").inner_text()

    # Reorder and skip: move session 4 up one place, skip session 28.
    sessions = field(page, "curriculum-swap").locator("select").first
    sessions.select_option(index=3)
    page.locator(f"{CE} button", has_text="Move up").click()
    listed = wait_for_list(page, lambda texts: "· 4. " in texts[2])
    assert "· 3. " in listed[3]
    sessions.select_option(index=27)
    page.locator(f"{CE} button", has_text="Skip or keep").click()
    listed = wait_for_list(page, lambda texts: texts[27].startswith("(skipped) 28."))
    wait_status(page, "Every setting checks out")
    page.locator(f"{CE} p", has_text="35 sessions").wait_for()
    rows = page.locator(f"{CE} table.ce-cal tbody tr")
    assert rows.count() == 35 and "Sobriety" in rows.nth(2).inner_text()
    listed = wait_for_list(page, lambda texts: texts[2].startswith("Tue Jan 12 · 4. "))
    assert listed[3].startswith("Thu Jan 14 · 3. ")
    scroll_to(field(page, "curriculum-swap"))
    shot(page, "group-03-sessions-reordered-and-skipped")

    # Preview session 1's guide and handout from the form, before saving: nothing is saved by it.
    saved = workdir / "cohorts" / "evening-telehealth-tuesday-thursday.toml"
    page.locator(f"{CE} button", has_text="Preview guide and handout").click()
    links = page.locator(f"{CE} .wb-links a")
    links.first.wait_for(timeout=300_000)
    hrefs = [a.get_attribute("href") for a in links.all()]
    assert hrefs == ["/voila/files/build/preview/evening-telehealth-tuesday-thursday/session-01/facilitator-guide.pdf",
                     "/voila/files/build/preview/evening-telehealth-tuesday-thursday/session-01/handout.pdf"]
    for href in hrefs:
        response = page.request.get(voila.base + href)
        assert response.ok and response.body()[:5] == b"%PDF-"
    handout = page.frame_locator(f"{CE} iframe.wb-preview")
    handout.locator("h1").first.wait_for()
    assert "Riverbend Recovery Center" in handout.locator("body").inner_text()
    assert not saved.exists()
    scroll_to(page.locator(f"{CE} .wb-links"))
    shot(page, "group-04-preview-before-saving")

    # Save; the file is written in cohorts/ and validates.
    page.locator(f"{CE} button", has_text="Save the group").click()
    page.locator(f"{CE} .ce-ok", has_text="Saved cohorts/evening-telehealth-tuesday-thursday.toml").wait_for()
    scroll_to(page.locator(f"{CE} .ce-ok"))
    shot(page, "group-05-saved")
    text = saved.read_text(encoding="utf-8")
    assert "# must fall on a meeting day" in text and 'platform = "Zoom for Healthcare"' in text
    curriculum = load_curriculum()
    cohort = load_cohort(saved, curriculum=curriculum)
    ids = [slot.session.id for slot in sequence(cohort, curriculum)]
    assert ids[2] == "sobriety-sampling" and "work-job-skills" not in ids and len(ids) == 35
    assert cohort.telehealth and cohort.cohort.time_of_day == "evening"

    # The saved group is now in the Sessions tab's list.
    page.locator(".iopkit-wb .lm-TabBar-tab", has_text=re.compile(r"^Sessions$")).click()
    options = page.locator(".iopkit-wb .widget-dropdown select").first.locator("option").all_inner_texts()
    assert "cohorts/evening-telehealth-tuesday-thursday.toml" in options

    page.locator(".iopkit-wb .lm-TabBar-tab", has_text=re.compile(r"^Group$")).click()
    scroll_to(field(page, "level-of-care-asam-level"))
    shot(page, "group-06-level-of-care")

    # Build session 1 from the saved file, as `iopkit build` does.
    out = workdir / "build-from-group"
    done = subprocess.run([sys.executable, "-m", "iopkit.app.cli", "build", str(saved), "--sessions", "1", "--jobs", "1",
                           "--out", str(out), "--quiet"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (out / "session-01" / "handout.pdf").read_bytes()[:5] == b"%PDF-"
    assert (out / "session-01" / "facilitator-guide.pdf").is_file()


def test_the_group_tab_works_in_jupyterlab_too(page, lab, workdir):
    """In JupyterLab's home notebook: open a group, make a setting invalid (named at its field, not
    saved), fix it, save; the counselor's file keeps its comments."""
    from .conftest import open_in_lab, run_all

    path = workdir / "cohorts" / "evening-telehealth.toml"
    before = path.read_text(encoding="utf-8")
    open_in_lab(page, lab, "iopkit-home.ipynb")
    run_all(page, until=".iopkit-wb .wb-head h1")
    page.locator(".iopkit-wb .lm-TabBar-tab", has_text=re.compile(r"^Group$")).click()
    page.wait_for_selector(f"{CE} .ce-field-program-name input", timeout=SLOW)
    page.locator(f"{CE} .widget-dropdown select").first.select_option(label="cohorts/evening-telehealth.toml")
    page.locator(f"{CE} button", has_text=re.compile(r"^Open$")).click()
    page.locator(f"{CE} h2", has_text="cohorts/evening-telehealth.toml").wait_for()
    wait_status(page, "Every setting checks out")
    field(page, "schedule-break-minutes").locator("input").fill("100")
    field(page, "schedule-break-minutes").locator("input").press("Tab")
    wait_status(page, "1 setting needs fixing")
    problem = field(page, "schedule-break-minutes").locator(".ce-problem").inner_text()
    assert "at most half the session length (75 of its 150 minutes)" in problem
    scroll_to(field(page, "schedule-break-minutes"))
    shot(page, "group-lab-01-invalid-break")
    scroll_to(field(page, "schedule-step-down"))
    shot(page, "group-lab-02-step-down")
    assert path.read_text(encoding="utf-8") == before
    field(page, "schedule-break-minutes").locator("input").fill("15")
    field(page, "schedule-break-minutes").locator("input").press("Tab")
    wait_status(page, "Every setting checks out")
    page.locator(f"{CE} button", has_text="Save the group").click()
    page.locator(f"{CE} .ce-ok", has_text="Saved cohorts/evening-telehealth.toml").wait_for()
    after = path.read_text(encoding="utf-8")
    path.write_text(before, encoding="utf-8")  # the other browser tests share this folder
    assert after == before.replace("break_minutes = 10", "break_minutes = 15")
