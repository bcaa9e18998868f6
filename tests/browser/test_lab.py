"""The workbench, two exercises and the export menu in a real JupyterLab, as a counselor uses them.

The home-notebook tests share one page (``home``) and run in order: choose a session, time
it, build it, open its exercise. One JupyterLab serves the whole module.
"""
from __future__ import annotations

import json
import re
import time

import nbformat
import pytest
from conftest import ROOT, pdf_text

from .conftest import SLOW, Offline, choose, new_page, open_in_lab, run_all, shot, text_of, wait_for_text_change

pytestmark = pytest.mark.browser

POSITION = 7  # the Happiness Scale: written in full, with an interactive exercise
WB = ".iopkit-wb"


@pytest.fixture(scope="module")
def plan(workdir):
    from iopkit.app.workbench import load_plan

    return load_plan(workdir / "cohorts" / "example.toml")


@pytest.fixture(scope="module")
def item(plan):
    from iopkit.app.workbench import is_complete

    chosen = plan.at(POSITION)
    assert is_complete(chosen) and chosen.session.exercise.widget == "happiness-scale"
    return chosen


@pytest.fixture(scope="module")
def home(browser, lab, cli_handout):
    """The home notebook, opened and run once (Run > Run All Cells) for the tests that follow."""
    offline = Offline()
    page = new_page(browser, offline)
    try:
        open_in_lab(page, lab, "iopkit-home.ipynb")
        run_all(page, until=f"{WB} .wb-head h1")
    except Exception:
        shot(page, "lab-00-home-failed")
        raise
    yield page
    page.context.close()
    assert offline.refused == [], "the workbench asked for something off this computer"


def seconds(clock_text: str) -> int:
    minutes, secs = clock_text.split(":")
    return int(minutes) * 60 + int(secs)


def test_choosing_a_session_shows_its_date_and_run_of_show_with_clock_times(home, item):
    from iopkit.app.workbench import session_label
    from iopkit.render.views import clock, long_date

    shot(home, "lab-01-home-notebook")
    choose(home, WB, 0, "cohorts/example.toml")
    home.wait_for_selector(f"{WB} .wb-head h1:has-text('Riverbend Recovery Center')")
    choose(home, WB, 1, session_label(item))
    title = home.locator(f"{WB} .wb-title")
    title.filter(has_text=item.session.title).wait_for()
    assert long_date(item.date) in text_of(home, f"{WB} .wb-facts")
    rows = home.locator(f"{WB} table.wb-run tbody tr")
    assert rows.count() == len(item.blocks)
    for row, block in zip(rows.all(), item.blocks):
        assert row.locator("td").all_inner_texts() == [
            f"{clock(block.start)}–{clock(block.end)}", f"{block.minutes} min", block.block.title]
    assert text_of(home, f"{WB} .wb-time-left") == f"{item.blocks[0].minutes}:00"
    shot(home, "lab-02-session-chosen")


def test_the_timer_counts_down_after_start_and_moves_block_by_block(home, item):
    timer = f"{WB} .wb-time-left"
    before = text_of(home, timer)
    home.locator(f"{WB} button", has_text=re.compile(r"^Start$")).click()
    home.wait_for_timeout(2500)
    first = wait_for_text_change(home, timer, before)
    second = wait_for_text_change(home, timer, first, seconds=5)
    assert seconds(before) > seconds(first) > seconds(second), (before, first, second)
    assert "Now · block 1 of" in text_of(home, f"{WB} .wb-now")
    assert home.locator(f"{WB} table.wb-run tr.now").count() == 1
    shot(home, "lab-03-timer-running")
    home.locator(f"{WB} table.wb-run").scroll_into_view_if_needed()
    shot(home, "lab-03b-run-of-show-now")
    home.locator(f"{WB} .wb-timer").scroll_into_view_if_needed()

    home.locator(f"{WB} button", has_text="Pause").click()
    home.locator(f"{WB} .wb-now", has_text="Paused · block 1 of").wait_for()
    held = text_of(home, timer)
    home.wait_for_timeout(1500)
    assert text_of(home, timer) == held

    home.locator(f"{WB} button", has_text="Next block").click()
    home.locator(f"{WB} .wb-block-title", has_text=item.blocks[1].block.title).wait_for()
    assert text_of(home, timer) == f"{item.blocks[1].minutes}:00"
    home.locator(f"{WB} button", has_text="Reset").click()
    home.locator(f"{WB} .wb-now", has_text="Ready to start").wait_for()


def test_one_click_builds_the_guide_and_handout_and_previews_the_handout(home, item, workdir):
    home.locator(f"{WB} .lm-TabBar-tab", has_text="Guide and handout").click()
    home.locator(f"{WB} button", has_text="Build guide and handout").click()
    home.locator(f"{WB} .wb-note", has_text="Building session 7").wait_for()
    links = home.locator(f"{WB} .wb-links a")
    links.first.wait_for(timeout=300_000)
    assert "Session 7 is built" in text_of(home, f"{WB} .wb-note")
    folder = workdir / "build" / "example" / "session-07"
    assert links.all_inner_texts() == ["Facilitator guide (PDF)", "Participant handout (PDF)"]
    hrefs = [a.get_attribute("href") for a in links.all()]
    # JupyterLab resolves the relative links against the notebook: they point at the files.
    assert all("build/example/session-07/" in h for h in hrefs), hrefs
    for name in ("facilitator-guide.pdf", "handout.pdf", "session.ipynb"):
        assert (folder / name).is_file()
    preview = home.frame_locator(f"{WB} iframe.wb-preview")
    preview.locator("h1").first.wait_for()
    handout_text = preview.locator("body").inner_text()
    assert item.session.handout.title in handout_text and "988" in handout_text
    assert "Riverbend Recovery Center" in handout_text
    home.locator(f"{WB} .wb-links").scroll_into_view_if_needed()
    shot(home, "lab-05-built")
    home.locator(f"{WB} iframe.wb-preview").scroll_into_view_if_needed()
    shot(home, "lab-06-handout-preview")

    # A link opens the PDF inside JupyterLab, in a tab of its own.
    links.nth(1).click()
    tab = home.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="handout.pdf")
    tab.wait_for()
    shot(home, "lab-06b-handout-opened")
    home.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text="iopkit-home.ipynb").click()
    home.locator(f"{WB} .wb-links").wait_for()


def test_the_room_view_opens_in_its_own_tab_with_the_block_timer(home, item, workdir):
    """After the build, Today's session offers the room view; it opens in a browser tab of its own
    (the server's raw file, so reveal.js runs), steps through its slides and asks nothing of the network."""
    home.locator(f"{WB} .lm-TabBar-tab", has_text="Today's session").click()
    link = home.locator(f"{WB} a.wb-room")
    link.wait_for()
    assert link.get_attribute("href").endswith("build/example/session-07/room.html")
    shot(home, "lab-06c-room-link")
    refused = []
    home.context.route(re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost)([:/]|$))"),
                       lambda route: (refused.append(route.request.url), route.abort()))
    with home.context.expect_page() as opened:
        link.click()
    room = opened.value
    try:
        room.set_viewport_size({"width": 1920, "height": 1080})
        errors = []
        room.on("pageerror", lambda e: errors.append(str(e)))
        room.reload()  # with the error listener in place from the start (the server serves it sandboxed)
        room.wait_for_function("window.Reveal && Reveal.isReady()", timeout=SLOW)
        assert item.session.title in room.locator(".reveal .slides section").first.inner_text()
        assert room.locator("#room-timer").count() == 1
        total = room.evaluate("Reveal.getTotalSlides()")
        for _ in range(total - 1):
            room.keyboard.press("ArrowRight")
        assert "988" in room.evaluate("Reveal.getCurrentSlide().innerText")
        assert errors == []
        shot(room, "lab-06d-room-view-last-slide")
    finally:
        room.close()
    assert refused == []


def test_the_happiness_scale_chart_follows_the_slider_and_answers_are_saved(home, workdir):
    home.locator(f"{WB} .lm-TabBar-tab", has_text="Exercise").click()
    home.locator(f"{WB} button", has_text="Open the exercise").click()
    scale = home.locator(f"{WB} .iopkit-happiness-scale")
    scale.wait_for(timeout=SLOW)
    chart = scale.locator(".iopkit-soft").first
    first_area = "Not using alcohol or drugs"
    assert f"{first_area} not rated yet" in " ".join(chart.inner_text().split())
    handle = scale.locator(".widget-slider .noUi-handle").first
    handle.focus()
    handle.press("ArrowRight")  # from 5 to 6
    deadline = time.monotonic() + 20
    while f"{first_area} 6 Job or school" not in " ".join(chart.inner_text().split()):
        assert time.monotonic() < deadline, chart.inner_text()
        home.wait_for_timeout(200)
    bar = chart.locator("div[style*='width:60.0%']")
    assert bar.count() == 1  # the bar is drawn at 6 of 10
    scale.scroll_into_view_if_needed()
    shot(home, "lab-07-happiness-scale")

    answers = workdir / "my-answers"
    before = set(answers.glob("happiness-scale-*.json"))
    scale.locator("button", has_text="Save my answers").click()
    deadline = time.monotonic() + 30
    while not set(answers.glob("happiness-scale-*.json")) - before:
        assert time.monotonic() < deadline, "Save my answers wrote no file in my-answers/"
        home.wait_for_timeout(200)
    (saved,) = set(answers.glob("happiness-scale-*.json")) - before
    record = json.loads(saved.read_text())
    assert record["exercise"] == "happiness-scale" and record["answers"]["ratings"][first_area] == 6
    assert record["answers"]["ratings"]["Money"] is None
    shot(home, "lab-08-happiness-scale-saved")


def test_the_group_check_in_counts_each_rating(page, lab, workdir):
    """The exercise notebook the build writes for a session, opened and run in JupyterLab."""
    from iopkit.pipeline.exercise_notebook import exercise_notebook

    nbformat.write(exercise_notebook("group-check-in", "Group check-in"), workdir / "group-check-in.ipynb")
    open_in_lab(page, lab, "group-check-in.ipynb")
    run_all(page, until=".iopkit-group-check-in")
    check_in = page.locator(".iopkit-group-check-in")
    ratings = check_in.locator(".widget-toggle-buttons")
    ratings.nth(0).locator("button", has_text=re.compile(r"^7$")).click()
    ratings.nth(1).locator("button", has_text=re.compile(r"^4$")).click()
    check_in.locator("button", has_text="Add my rating").click()
    check_in.get_by_text("1 person has added a rating").wait_for()
    ratings.nth(0).locator("button", has_text=re.compile(r"^2$")).click()
    ratings.nth(1).locator("button", has_text=re.compile(r"^8$")).click()
    check_in.locator("button", has_text="Add my rating").click()
    check_in.get_by_text("2 people have added a rating").wait_for()
    shot(page, "lab-09-group-check-in")


def test_participant_pdf_from_the_export_menu_matches_the_cli_handout(page, lab, workdir, cli_handout, tmp_path):
    import papermill

    papermill.execute_notebook(str(ROOT / "notebooks" / "session.ipynb"), str(workdir / "session-07.ipynb"),
                               parameters={"cohort_file": str(workdir / "cohorts" / "example.toml"),
                                           "position": POSITION, "curriculum_dir": ""}, progress_bar=False)
    open_in_lab(page, lab, "session-07.ipynb")
    item = page.locator(".lm-Menu-item .lm-Menu-itemLabel", has_text=re.compile(r"^Participant_pdf$"))
    deadline = time.monotonic() + SLOW / 1000
    while True:  # the menu lists the exporters once the server has answered /api/nbconvert
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^File$")).click()
        page.locator(".lm-Menu-item", has_text="Save and Export Notebook As").click()
        try:
            item.wait_for(timeout=5_000)
            break
        except Exception:
            assert time.monotonic() < deadline, "File > Save and Export Notebook As has no Participant_pdf"
            page.keyboard.press("Escape")
            page.keyboard.press("Escape")
    shot(page, "lab-10-export-menu")
    with page.expect_download(timeout=SLOW) as download:
        item.click()
    pdf = tmp_path / "exported.pdf"
    download.value.save_as(pdf)
    assert download.value.suggested_filename.endswith(".pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-"

    exported, cli = pdf_text(pdf), pdf_text(cli_handout())
    from iopkit.app.workbench import load_plan

    chosen = load_plan(workdir / "cohorts" / "example.toml").at(POSITION)
    exported, cli = " ".join(exported.split()), " ".join(cli.split())
    for fact in (chosen.session.handout.title, "wednesday, january 20, 2027", "988", "1-800-662-4357",
                 "(507) 555-0199"):
        assert fact.lower() in exported.lower() and fact.lower() in cli.lower(), fact
    assert exported == cli
