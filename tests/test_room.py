"""The room view (issue 21): the slides every session shows the room, rendered for all 36
sessions through the ``room_html`` exporter, read as a counselor would check them."""
from __future__ import annotations

import html
import re
import tomllib

import pytest
from conftest import ROOT

from iopkit.content.curriculum import load_curriculum
from iopkit.content.schema import WIDGETS
from iopkit.notebook.exporters import RoomHTMLExporter, render_room
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort
from iopkit.render.room import room_notebook, steps_for_the_room
from iopkit.render.views import SessionView, long_date


@pytest.fixture(scope="module", params=["example.toml", "evening-telehealth.toml"])
def rooms(request):
    """Every session's room view for a cohort (in the room, and on a video call): (view, page HTML, slides' text)."""
    curriculum = load_curriculum()
    cohort = load_cohort(ROOT / "cohorts" / request.param, curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    out = []
    for item in plan.sessions:
        view = SessionView(curriculum, cohort, item)
        page = render_room(room_notebook(view), {"metadata": {"name": f"session-{item.position:02d}"}})
        out.append((view, page, slides_text(page)))
    return out


#: The room view's own headings and notes, the same on every session's slides.
ROOM_WORDS = ("Today", "What we learn and practice today", "Remember", "Let's talk", "Practice", "In your handout:",
              "On this screen, together", "Its paper version is in your handout.",
              "Your practice before next time", "If you need help now")


def slides_html(page: str) -> str:
    return page.split('<div class="slides">', 1)[1].split("</main>", 1)[0]


def slides_text(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", slides_html(page))))


def words(text: str) -> str:
    """Lower-case words only: Markdown marks, quotes and line breaks do not hide a copied sentence."""
    return " ".join(re.findall(r"[a-z0-9]+", html.unescape(text).lower()))


def sentences(text: str) -> list[str]:
    return [s for s in (words(x) for x in re.split(r"(?<=[.!?:;])\s+|\n+", text)) if len(s.split()) >= 5]


def facilitator_only(view: SessionView) -> list[str]:
    """Sentences of the facilitator's notes, scripts, hard-moment responses and fidelity items
    (and the steps, when they speak to the facilitator) that no participant-facing field also says."""
    s = view.session
    private = [s.facilitator_notes, s.new_member_bridge, *s.fidelity, *s.safety_notes, *s.telehealth,
               *(m.response for m in s.hard_moments), *(b.say for b in s.agenda), *(b.do for b in s.agenda),
               s.exercise.telehealth, *s.exercise.scenario_cards, *s.exercise.observers_watch_for]
    if not steps_for_the_room(s.exercise.steps):
        private += s.exercise.steps
    h = s.handout
    from iopkit.exercises import make_exercise

    shown = make_exercise(s.exercise.widget)
    public = words(" ".join([*ROOM_WORDS, shown.title, shown.intro, h.title, h.explanation, *h.key_points, h.worksheet.title, h.worksheet.instructions,
                             s.homework, *s.discussion_prompts, s.title, s.exercise.title,
                             *(b.title for b in s.agenda)]))
    found = []
    for text in private:
        found += [x for x in sentences(text) if x not in public]
    return found


def leaked(view: SessionView, text: str) -> list[str]:
    room = words(text)
    return [x for x in facilitator_only(view) if x in room]


def test_every_session_has_a_room_view_with_something_to_do_together(rooms):
    assert len(rooms) == 36
    for view, _page, text in rooms:
        s = view.session
        assert s.exercise.widget in WIDGETS, f"session {view.item.position} has no interactive exercise"
        assert s.title in text and long_date(view.item.date) in text
        for b in view.item.blocks:
            assert b.block.title in text
        assert "On this screen, together" in text


def test_no_room_view_holds_facilitator_only_text(rooms):
    """Notes, scripts, hard-moment responses, fidelity items: none reach any session's screen."""
    found = {v.item.position: leaked(v, t) for v, _, t in rooms}
    assert not {k: x for k, x in found.items() if x}
    checked = sum(len(facilitator_only(v)) for v, _, _ in rooms)
    assert checked > 36 * 30  # the check compared real scripts, not an empty list


def test_the_check_catches_a_sentence_of_the_script(rooms):
    view, _, text = rooms[15]
    said = next(b.say for b in view.session.agenda if len(b.say.split()) > 30)
    sentence = next(x for x in re.split(r"(?<=[.!?])\s+", said) if len(x.split()) >= 6 and x.strip())
    assert leaked(view, text + " " + sentence)


def test_no_code_no_names_no_links_off_this_computer(rooms):
    for view, page, text in rooms:
        facilitators = view.cohort.cohort.facilitators
        assert facilitators
        slides = slides_html(page)
        assert "<pre" not in slides and "<code" not in slides
        assert not re.search(r"\b(view|room|self)\.\w+\(|\bimport\b|\bdef\b", text)
        for person in facilitators:
            assert person.split(",")[0] not in page
        assert not re.search(r'(src|href)="(https?:)?//', page)
        assert "<link" not in page


def test_crisis_lines_are_the_last_slide_and_homework_is_on_screen(rooms):
    for view, page, text in rooms:
        last = slides_html(page).rsplit("<section ", 1)[1]
        assert "If you need help now" in last and "988" in last and "1-800-662-4357" in last
        first_line = view.session.homework.strip().splitlines()[0]
        assert words(first_line) in words(text)
        for prompt in view.session.discussion_prompts:
            assert words(prompt) in words(text)
        for point in view.session.handout.key_points:
            assert words(point) in words(text)


def test_practice_slide_speaks_to_the_room(rooms):
    """Facilitator-voiced steps stay in the guide: the room reads the exercise title and the worksheet's instructions."""
    voiced = 0
    for view, _page, text in rooms:
        e, w = view.session.exercise, view.session.handout.worksheet
        assert e.title in text
        if steps_for_the_room(e.steps):
            assert all(words(x) in words(text) for x in e.steps)
        else:
            voiced += 1
            assert words(w.instructions) in words(text)
            assert not any(words(x) in words(text) for x in e.steps)
    assert voiced


def test_anonymous_exercises_say_only_counts_are_shown(rooms):
    for view, _page, text in rooms:
        assert ("Its paper version is in your handout." in text) == view.session.exercise.sheet_in_handout
        if view.session.exercise.widget == "group-check-in":
            assert "only how many people chose each answer" in text


def test_room_exporter_is_declared_for_jupyterlab_and_keeps_only_room_cells(rooms):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["entry-points"]["nbconvert.exporters"]["room_html"] == \
        "iopkit.notebook.exporters:RoomHTMLExporter"
    view = rooms[0][0]
    nb = room_notebook(view)
    for cell in nb.cells:  # a facilitator cell with output must not reach the room
        if "facilitator" in cell.metadata.get("tags", []):
            cell.outputs = [{"output_type": "display_data", "metadata": {},
                             "data": {"text/html": "<p>FACILITATOR ONLY</p>"}}]
    page, _ = RoomHTMLExporter().from_notebook_node(nb)
    assert "FACILITATOR ONLY" not in page and "If you need help now" in page
