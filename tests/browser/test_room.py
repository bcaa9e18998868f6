"""The room view in Debian's chromium at 1920 x 1080, with the network off: step through every
slide, read the exercise slide, check the type size and axe-core's accessibility rules, and see
the block timer follow the clock. Screenshots: tests/browser/screenshots/room-*.png."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import CHROMIUM_ARGS, SCREENSHOTS  # noqa: F401 - the browser fixture comes from conftest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"
#: Body text on the room's screen, at 1080p, in CSS pixels as the screen shows them.
MIN_PX = 28
#: Sessions checked in the browser: a group check-in (anonymous counts), a guided practice, a personal form.
SESSIONS = (16, 24, 33)


@pytest.fixture(scope="module")
def room_files(tmp_path_factory):
    from iopkit.notebook.exporters import render_room
    from iopkit.render.room import room_notebook
    from iopkit.render.views import SessionView

    folder = tmp_path_factory.mktemp("room")
    out = {}
    for n in SESSIONS:
        view = SessionView.load("", n)
        path = folder / f"session-{n:02d}" / "room.html"
        path.parent.mkdir()
        path.write_text(render_room(room_notebook(view), {"metadata": {"name": f"session-{n:02d}"}}), encoding="utf-8")
        out[n] = (view, path)
    return out


class NetworkOff:
    """Lets file:// through; refuses and records every other request."""

    def __init__(self):
        self.refused: list[str] = []

    def __call__(self, route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.refused.append(route.request.url)
            route.abort()


@pytest.fixture
def screen(browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    network = NetworkOff()
    context.route("**/*", network)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_default_timeout(30_000)
    yield page, network, errors
    context.close()


def open_room(page, path: Path) -> int:
    page.goto(path.as_uri())
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    return page.evaluate("Reveal.getTotalSlides()")


SMALLEST_TEXT = """() => {
  const slide = Reveal.getCurrentSlide(), scale = Reveal.getScale();
  let smallest = 1e9, what = "";
  const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!node.textContent.trim()) continue;
    const px = parseFloat(getComputedStyle(node.parentElement).fontSize) * scale;
    if (px < smallest) { smallest = px; what = node.textContent.trim().slice(0, 60); }
  }
  const box = slide.getBoundingClientRect();
  return {smallest, what, overflow: slide.scrollHeight > slide.clientHeight + 2,
          bottom: box.bottom, text: slide.innerText};
}"""


@pytest.mark.parametrize("number", SESSIONS)
def test_step_through_the_room_view_offline_big_type_crisis_lines_last(screen, room_files, number):
    page, network, errors = screen
    view, path = room_files[number]
    total = open_room(page, path)
    assert total >= 9
    seen = []
    for i in range(total):
        info = page.evaluate(SMALLEST_TEXT)
        page.screenshot(path=str(SCREENSHOTS / f"room-{number:02d}-{i + 1:02d}.png"))
        assert info["smallest"] >= MIN_PX, f"slide {i + 1}: {info['what']!r} is {info['smallest']:.0f}px"
        assert not info["overflow"] and info["bottom"] <= 1080, f"slide {i + 1} runs off the screen"
        seen.append(info["text"])
        page.keyboard.press("ArrowRight")
    assert view.session.title in seen[0] and "Today" in seen[1]
    exercise = next(t for t in seen if "On this screen, together" in t)
    from iopkit.exercises import make_exercise

    assert make_exercise(view.session.exercise.widget).title in exercise
    assert "If you need help now" in seen[-1] and "988" in seen[-1]
    assert page.evaluate("Reveal.isLastSlide()")
    assert errors == [] and network.refused == []


def test_axe_finds_no_serious_or_critical_problem_on_any_slide(screen, room_files):
    page, network, _ = screen
    total = open_room(page, room_files[16][1])
    page.add_script_tag(path=str(AXE))
    problems = []
    for i in range(total):
        found = page.evaluate("""async () => {
          const r = await axe.run(Reveal.getCurrentSlide(), {resultTypes: ["violations"]});
          return r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
                  .map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }""")
        problems += [f"slide {i + 1}: {p}" for p in found]
        page.keyboard.press("ArrowRight")
    whole = page.evaluate("""async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
        .filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id)""")
    assert problems == [] and whole == []
    assert network.refused == []


def test_the_block_timer_follows_the_run_of_show(screen, room_files):
    page, network, _ = screen
    view, path = room_files[24]
    third = view.item.blocks[2]
    at = third.start + dt.timedelta(minutes=1)
    page.clock.set_fixed_time(at.timestamp())
    open_room(page, path)
    timer = page.locator("#room-timer")
    timer.wait_for(state="visible")
    assert f"Now: {third.block.title}" in timer.inner_text()
    assert f"{third.minutes - 1}:00 left" in timer.inner_text()
    page.keyboard.press("ArrowRight")
    page.screenshot(path=str(SCREENSHOTS / "room-24-timer.png"))
    assert "room-now" in page.locator("table.room-run tbody tr").nth(2).get_attribute("class")
    page.keyboard.press("t")
    timer.wait_for(state="hidden")
    assert network.refused == []


def test_before_the_group_the_timer_says_when_it_starts(screen, room_files):
    page, _, _ = screen
    view, path = room_files[33]
    page.clock.set_fixed_time((view.item.start - dt.timedelta(minutes=20)).timestamp())
    open_room(page, path)
    from iopkit.render.views import clock

    page.locator("#room-timer").wait_for(state="visible")
    assert page.locator("#room-timer").inner_text().strip() == f"We start at {clock(view.item.start)}"


def test_no_slide_of_any_session_runs_off_the_screen_or_shrinks_below_28px(screen, tmp_path):
    """All 36 sessions, every slide, at 1920 x 1080 for the example cohort."""
    from iopkit import paths
    from iopkit.content.curriculum import load_curriculum
    from iopkit.notebook.exporters import render_room
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_cohort
    from iopkit.render.room import room_notebook
    from iopkit.render.views import SessionView

    page, network, errors = screen
    curriculum = load_curriculum()
    cohort = load_cohort(paths.example_cohort(), curriculum=curriculum)
    problems = []
    for item in plan_cohort(cohort, curriculum).sessions:
        path = tmp_path / f"room-{item.position:02d}.html"
        path.write_text(render_room(room_notebook(SessionView(curriculum, cohort, item))), encoding="utf-8")
        total = open_room(page, path)
        for i in range(total):
            info = page.evaluate(SMALLEST_TEXT)
            if info["smallest"] < MIN_PX or info["overflow"] or info["bottom"] > 1080:
                problems.append(f"session {item.position}, slide {i + 1}: {info['smallest']:.0f}px, "
                                f"overflow {info['overflow']}")
                page.screenshot(path=str(SCREENSHOTS / f"room-problem-{item.position:02d}-{i + 1:02d}.png"))
            page.keyboard.press("ArrowRight")
    assert problems == []
    assert errors == [] and network.refused == []


def test_a_group_that_starts_late_starts_the_timer_with_s(screen, room_files):
    page, _, _ = screen
    view, path = room_files[16]
    page.clock.set_fixed_time((view.item.start - dt.timedelta(days=1)).timestamp())
    open_room(page, path)
    timer = page.locator("#room-timer")
    assert not timer.is_visible()  # the day before: nothing to time
    page.keyboard.press("s")
    timer.wait_for(state="visible")
    first = view.item.blocks[0]
    assert timer.inner_text().strip() == f"Now: {first.block.title} {first.minutes}:00 left"
