"""The interactive exercises: the registry, each widget, the answers a person saves, the
PDFs they print, the paper versions, and the timers' clock (without waiting in real time)."""
from __future__ import annotations

import datetime as dt
import html
import json
import os
import random
import re
import subprocess
import sys
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import ipywidgets as W
import pytest
import yaml
from conftest import FakeClock, pdf_text

from iopkit import paths
from iopkit.content import language
from iopkit.content.schema import WIDGETS
from iopkit.exercises import (
    EXERCISES,
    Exercise,
    export_answers_pdf,
    files,
    make_exercise,
    read_answers,
    save_answers,
    show,
)
from iopkit.exercises.clock import Phase, Ticker, Timer, clock_text, phase_at
from iopkit.exercises.goals_builder import goal_tips
from iopkit.exercises.group_check_in import MIN_TO_SHOW, GroupCheckIn
from iopkit.exercises.happiness_scale import AREAS, HappinessScale
from iopkit.exercises.kind_wishes import KindWishes
from iopkit.exercises.refusal_cards import OWN_DECK, PARTS, RefusalCards
from iopkit.exercises.sober_breathing_space import SoberBreathingSpace
from iopkit.exercises.urge_surfing import UrgeSurfing

#: Exercises that hold no one person's answers: no save buttons.
GROUP_ONLY = {"group-check-in", "refusal-cards"}
FILE_NAME = r"^{id}-\d{{4}}-\d{{2}}-\d{{2}}-\d{{6}}(-\d+)?\.{ext}$"


# ---------------------------------------------------------------- helpers




def notice() -> str:
    """The part 2 notice as program.yaml has it, read without the exercises' code."""
    data = yaml.safe_load((paths.curriculum_dir() / "program.yaml").read_text(encoding="utf-8"))
    return " ".join(data["part2_notice"].split())


def flat(text: str) -> str:
    """PDF or HTML text with ligatures undone and all runs of white space made one space."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def buttons(widget) -> dict[str, W.Button]:
    return {w.description: w for w in walk(widget) if isinstance(w, W.Button)}


def visible_text(widget) -> str:
    """Everything a person can read on the widget: HTML (without styles), labels, options, hints."""
    parts = []
    for w in walk(widget):
        if isinstance(w, W.HTML):
            parts.append(strip_tags(w.value))
        for attr in ("description", "placeholder", "tooltip"):
            value = getattr(w, attr, None)
            if isinstance(value, str):
                parts.append(value)
        if hasattr(w, "options") and not isinstance(w, W.FileUpload):
            parts.extend(str(o[0] if isinstance(o, tuple) else o) for o in w.options)
    return "\n".join(parts)


def strip_tags(markup: str) -> str:
    markup = re.sub(r"<style.*?</style>", " ", markup, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", markup))


class Prompts(HTMLParser):
    """The text of every ``<p class="prompt">`` in a fragment."""

    def __init__(self):
        super().__init__()
        self.found, self._depth, self._buf = [], 0, []

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if tag == "p" and "prompt" in classes:
            self._depth, self._buf = 1, []
        elif self._depth and tag == "p":
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth and tag == "p":
            self._depth -= 1
            if not self._depth:
                self.found.append(flat("".join(self._buf)))

    def handle_data(self, data):
        if self._depth:
            self._buf.append(data)


def prompts_of(fragment: str) -> list[str]:
    parser = Prompts()
    parser.feed(fragment)
    return parser.found


def document(body: str, title: str) -> str:
    from iopkit.pdf import print_css

    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'<style>{print_css()}</style></head><body class="iopkit-print view-participant">{body}</body></html>')


#: Answers a person might give, for every exercise (loaded, saved, read back).
SAMPLES = {
    "group-check-in": {"craving": [0, 1, 0, 2, 0, 0, 0, 1, 0, 0, 0], "mood": [0, 0, 0, 0, 1, 2, 1, 0, 0, 0, 0]},
    "happiness-scale": {"ratings": {a: (i % 10) + 1 for i, a in enumerate(AREAS)}, "earlier": None},
    "functional-analysis": {"external": "Friday, payday, at my cousin's", "internal": "Tired and sore",
                            "thoughts": "I earned it", "feelings": "Lonely", "behavior": "Drank six beers",
                            "short_term": "Felt relaxed", "long_term": "Missed work Monday"},
    "decisional-balance": {"good_using": "It helps me relax", "not_so_good_using": "Costs money",
                           "good_not_using": "Kids trust me", "not_so_good_not_using": "Boring evenings",
                           "stands_out": "My kids matter most"},
    "urge-surfing": {"minutes": 5, "before": 8, "after": 3, "noticed": "It peaked and then eased off"},
    "sober-breathing-space": {"minutes": 5, "noticed": "Tight jaw", "next_step": "Called my sister"},
    "kind-wishes": {"minutes": 8, "sentence": "I am doing something hard, and I am still here."},
    "high-risk-map": {"situations": [{"situation": "Payday Friday", "confidence": 3, "plan": "Go straight home"},
                                     {"situation": "Family dinner", "confidence": 7, "plan": "Bring my own soda"}]},
    "values-card-sort": {"piles": {"very": ["family", "health"], "important": ["fun"], "not_so": ["adventure"]},
                         "why": "They keep me going"},
    "goals-builder": {"area": "Money", "goal": "Write down every dollar I spend for 7 days",
                      "checks": {"positive": True, "specific": True, "measurable": True, "up_to_me": True},
                      "first_step": "Buy a small notebook", "day": "2025-06-03", "confidence": 8},
    "refusal-cards": {"order": [2, 0, 1, 3, 4, 5, 6], "position": 1, "ticked": [PARTS[0], PARTS[3]]},
    "weekly-planner": {"plan": {d: {"morning": "Take a walk" if d == "Monday" else "", "afternoon": "",
                                    "evening": "Call or text a friend" if d == "Friday" else ""}
                                for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
                                          "Sunday")}},
    "relapse-prevention-plan": {"reasons": "My daughter", "warning_signs": "Skipping meals\nNot sleeping",
                                "situations": [{"situation": "Payday Friday", "plan": "Go straight home"}],
                                "people": [{"name": "My sponsor", "number": "555-0100"}],
                                "after_lapse": "Call my sponsor and go to a meeting"},
}


def new(exercise_id: str, folder: Path | None = None) -> Exercise:
    if exercise_id == "refusal-cards":
        return RefusalCards(save_dir=folder, cards=list(OWN_DECK))  # the same deck whatever the curriculum says
    return make_exercise(exercise_id, folder)


# ---------------------------------------------------------------- the registry and show()


def test_the_registry_has_exactly_the_schema_widgets():
    """Every id a session may name in exercise.widget has an exercise, and no other."""
    assert set(EXERCISES) == set(WIDGETS)
    for exercise_id, cls in EXERCISES.items():
        assert issubclass(cls, Exercise) and cls.id == exercise_id
        assert cls.title.strip() and cls.intro.strip()


def test_importing_the_library_stays_light():
    """A notebook or the build can import the library without matplotlib, WeasyPrint, pandas or ipywidgets."""
    code = ("import sys; sys.modules['rfc3987_syntax'] = None; import iopkit.exercises; "
            "print([m for m in ('matplotlib', 'weasyprint', 'pandas', 'ipywidgets') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_show_gives_the_widget_and_the_exercise_behind_it(tmp_path):
    widget = show("weekly-planner", save_dir=tmp_path)
    assert isinstance(widget, W.Widget)
    assert widget.exercise.id == "weekly-planner" and widget.exercise.folder == tmp_path


def test_show_with_an_unknown_id_says_which_ids_there_are():
    with pytest.raises(ValueError) as caught:
        show("happyness-scale")
    message = str(caught.value)
    assert '"happyness-scale"' in message and "happiness-scale" in message and "relapse-prevention-plan" in message


@pytest.mark.parametrize("exercise_id", WIDGETS)
def test_each_exercise_builds_its_widget(exercise_id, tmp_path):
    """The whole UI builds; personal exercises have both save buttons and the privacy promise."""
    exercise = new(exercise_id, tmp_path)
    widget = exercise.widget()
    assert isinstance(widget, W.Box) and exercise.widget() is widget
    assert "iopkit-exercise" in widget._dom_classes
    found = buttons(widget)
    text = flat(visible_text(widget))
    assert exercise.title in text
    if exercise_id in GROUP_ONLY:
        assert "Save my answers" not in found and "Make a PDF of my answers" not in found
    else:
        assert "Save my answers" in found and "Make a PDF of my answers" in found
        assert "asks for no name" in text and "Nothing is sent anywhere" in text and tmp_path.name in text


@pytest.mark.parametrize("exercise_id", WIDGETS)
def test_words_on_screen_and_paper_are_person_first(exercise_id):
    """No stigmatizing label and no unfinished text, on the screen or on paper."""
    exercise = new(exercise_id)
    text = visible_text(exercise.widget()) + "\n" + strip_tags(exercise.paper_html())
    assert language.stigmatizing_terms(text) == []
    assert language.placeholders(text) == []


def test_screen_intros_read_at_grade_8_or_below():
    intros = "\n\n".join(cls.intro for cls in EXERCISES.values())
    assert language.readability(intros).grade <= language.MAX_GRADE


def test_nothing_in_the_library_reaches_for_the_network():
    """No web address, font or stylesheet from the internet (the SVG namespace is a name, not a fetch)."""
    import iopkit.exercises

    sources = sorted(Path(iopkit.exercises.__file__).parent.glob("*.py"))
    assert len(sources) > 12
    sources.append(paths.handouts_dir() / "exercises.css")
    for path in sources:
        text = path.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")
        assert not re.search(r"https?://|@import|url\(", text), path.name
    for exercise_id in WIDGETS:
        exercise = new(exercise_id)
        markup = exercise.paper_html() + "".join(w.value for w in walk(exercise.widget()) if isinstance(w, W.HTML))
        assert not re.search(r"(src|href)\s*=", markup)


# ---------------------------------------------------------------- the Happiness Scale


def test_happiness_scale_has_the_eleven_areas_in_order():
    assert AREAS == ("Not using alcohol or drugs", "Job or school", "Money", "Social life", "Personal habits",
                     "Family and relationships", "Legal matters", "Emotional life", "Communication",
                     "Spiritual life", "General happiness")
    exercise = HappinessScale()
    exercise.widget()
    assert list(exercise.sliders) == list(AREAS)
    assert all((s.min, s.max) == (1, 10) for s in exercise.sliders.values())


def test_moving_a_happiness_slider_moves_its_bar():
    exercise = HappinessScale()
    exercise.widget()
    money = AREAS.index("Money")
    assert exercise.chart_rows()[money] == ("Money", [None])
    assert "not rated yet" in exercise.chart.value

    exercise.sliders["Money"].value = 3
    assert exercise.chart_rows()[money] == ("Money", [3]) and exercise.answers()["ratings"]["Money"] == 3
    assert "width:30.0%" in exercise.chart.value
    exercise.sliders["Money"].value = 8
    assert exercise.chart_rows()[money] == ("Money", [8])
    assert "width:80.0%" in exercise.chart.value and "width:30.0%" not in exercise.chart.value


def test_an_earlier_rating_shows_beside_today_with_the_change(tmp_path):
    earlier = HappinessScale(save_dir=tmp_path)
    for area in AREAS:
        earlier.rate(area, 4)
    path = save_answers(earlier, tmp_path)

    # Issue 13: another screen does not list the folder (it may hold other people's files);
    # the person opens their own file.
    today = HappinessScale(save_dir=tmp_path)
    today.widget()
    assert [v for _, v in today.files.options if v] == []
    today.sliders["Money"].value = 6
    import types

    chooser = types.SimpleNamespace(value=None)  # the "Open a saved file" button, after the person chose the file
    today._uploaded({"new": [{"name": path.name, "content": path.read_bytes()}], "owner": chooser})
    assert today.chart_rows()[AREAS.index("Money")] == ("Money", [4, 6])
    assert today.chart_rows()[AREAS.index("Legal matters")] == ("Legal matters", [4, None])
    assert "up 2" in today.chart.value and "Earlier" in today.chart.value
    today.hide_earlier.click()
    assert today.chart_rows()[AREAS.index("Money")] == ("Money", [6])


def test_the_happiness_scale_will_not_load_another_exercises_file(tmp_path):
    path = save_answers(new("goals-builder"), tmp_path)
    with pytest.raises(ValueError, match="goals-builder"):
        HappinessScale().compare_with(read_answers(path))


# ---------------------------------------------------------------- the group check-in


def rate_on_screen(exercise: GroupCheckIn, craving: int, mood: int) -> None:
    exercise.craving.value, exercise.mood.value = craving, mood
    exercise.add_button.click()


def test_check_in_counts_change_as_people_add_ratings():
    exercise = GroupCheckIn()
    exercise.widget()
    assert exercise.add_button.disabled  # nothing picked yet
    rate_on_screen(exercise, 3, 7)
    rate_on_screen(exercise, 3, 2)
    assert exercise.answers() == {"craving": [0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0],
                                  "mood": [0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0], "people": 2}
    assert exercise.craving.value is None and exercise.mood.value is None  # nothing left for the next person
    assert "2 people have added a rating" in strip_tags(exercise.count.value)


def test_check_in_chart_stays_hidden_until_enough_people_and_while_people_rate():
    exercise = GroupCheckIn()
    widget = exercise.widget()
    for craving in range(MIN_TO_SHOW - 1):
        rate_on_screen(exercise, craving, 5)
    assert exercise.show_button.disabled and exercise.chart.value == ""
    rate_on_screen(exercise, 9, 5)
    exercise.show_button.click()
    assert exercise.chart_box.layout.display != "none"
    assert "Craving" in exercise.chart.value and ">3</div>" in exercise.chart.value  # three people chose mood 5
    rate_on_screen(exercise, 1, 1)
    assert exercise.chart.value == "" and exercise.chart_box.layout.display == "none"
    assert "no one's own numbers are ever shown" in visible_text(widget)


def test_check_in_keeps_no_record_of_any_one_person():
    """The same ratings given by different people, in a different order, leave identical state:
    who gave which pair of numbers cannot be read back."""
    first, second = GroupCheckIn(), GroupCheckIn()
    for craving, mood in [(3, 7), (8, 2), (0, 5)]:
        first.add_rating(craving, mood)
    for craving, mood in [(8, 5), (0, 7), (3, 2)]:
        second.add_rating(craving, mood)
    assert vars(first) == vars(second)
    assert first.answers() == second.answers()
    assert set(first.answers()) == {"craving", "mood", "people"}
    with pytest.raises(ValueError):
        first.add_rating(11, 3)


# ---------------------------------------------------------------- saving answers


def test_save_writes_json_with_the_notice_and_no_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exercise = new("happiness-scale")
    exercise.load_answers(SAMPLES["happiness-scale"])
    path = save_answers(exercise)
    assert path.parent == tmp_path / "my-answers"
    assert re.match(FILE_NAME.format(id="happiness-scale", ext="json"), path.name)
    record = json.loads(path.read_text(encoding="utf-8"))
    assert " ".join(record["part2_notice"].split()) == notice()
    assert record["kept"] == "Kept by you. Not sent anywhere."
    assert record["exercise"] == "happiness-scale" and record["answers"] == exercise.answers()
    dt.datetime.fromisoformat(record["saved"])

    def keys(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                yield key
                yield from keys(inner)
        elif isinstance(value, list):
            for inner in value:
                yield from keys(inner)

    assert not [k for k in keys(record) if re.search(r"name|participant|client|patient", str(k), re.I)]
    assert os.listdir(path.parent) == [path.name]  # no temporary file left behind


def test_saving_twice_in_a_second_keeps_both_files(tmp_path):
    exercise = new("decisional-balance")
    first, second = save_answers(exercise, tmp_path), save_answers(exercise, tmp_path)
    assert first != second and first.exists() and second.exists()


def test_save_replaces_a_temporary_file_in_the_same_folder(tmp_path, monkeypatch):
    calls = []
    real_replace = os.replace

    def spy(src, dst):
        calls.append((Path(src), Path(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(files.os, "replace", spy)
    path = save_answers(new("urge-surfing"), tmp_path)
    (src, dst), = calls
    assert dst == path and src.parent == path.parent and src.name.startswith(".") and src.name.endswith(".tmp")
    assert not src.exists()


def test_a_save_that_fails_leaves_nothing_half_written(tmp_path, monkeypatch):
    def broken(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", broken)
    with pytest.raises(OSError):
        save_answers(new("urge-surfing"), tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("exercise_id", WIDGETS)
def test_saved_answers_load_back_the_same(exercise_id, tmp_path):
    exercise = new(exercise_id)
    exercise.load_answers(SAMPLES[exercise_id])
    path = save_answers(exercise, tmp_path)

    again = new(exercise_id)
    again.widget()
    again.load_answers(read_answers(path))  # a whole saved file
    assert again.answers() == exercise.answers()
    third = new(exercise_id)
    third.load_answers(json.loads(path.read_text(encoding="utf-8"))["answers"])  # or just its answers
    assert third.answers() == exercise.answers()


def test_loaded_answers_show_in_the_widgets():
    exercise = new("goals-builder")
    exercise.widget()
    exercise.load_answers(SAMPLES["goals-builder"])
    assert exercise.goal.value == SAMPLES["goals-builder"]["goal"]
    assert exercise.area.value == "Money" and exercise.day.value == dt.date(2025, 6, 3)
    assert exercise.confidence.value == 8 and all(box.value for box in exercise.checks.values())


def test_answers_from_a_file_are_checked_before_they_are_shown():
    exercise = new("happiness-scale")
    exercise.load_answers({"ratings": {"Money": 42, "Job or school": "7", "Social life": 6, "Cars": 3}})
    ratings = exercise.answers()["ratings"]
    assert ratings["Money"] is None and ratings["Job or school"] is None and ratings["Social life"] == 6
    assert set(ratings) == set(AREAS)
    with pytest.raises(ValueError, match="urge-surfing"):
        new("decisional-balance").load_answers({"exercise": "urge-surfing", "answers": {}})


def test_the_save_buttons_write_into_the_chosen_folder(tmp_path):
    exercise = new("decisional-balance", tmp_path / "mine")
    widget = exercise.widget()
    exercise.areas["good_using"].value = "It helps me sleep"
    found = buttons(widget)
    found["Save my answers"].click()
    assert "Saved." in exercise._status.value
    found["Make a PDF of my answers"].click()
    assert "Your PDF is ready" in exercise._status.value
    names = sorted(p.name for p in (tmp_path / "mine").iterdir())
    assert [n.rsplit(".", 1)[1] for n in names] == ["json", "pdf"]
    assert "It helps me sleep" in flat(pdf_text(tmp_path / "mine" / names[1]))


def test_clear_this_page_asks_first_then_clears(tmp_path):
    exercise = new("functional-analysis", tmp_path)
    widget = exercise.widget()
    exercise.areas["thoughts"].value = "Just one"
    found = buttons(widget)
    found["Clear this page"].click()
    assert exercise.answers()["thoughts"] == "Just one"  # only asked so far
    found["Yes, clear this page"].click()
    assert exercise.answers()["thoughts"] == "" and exercise.areas["thoughts"].value == ""


# ---------------------------------------------------------------- PDFs


@pytest.mark.parametrize("exercise_id", ["happiness-scale", "relapse-prevention-plan"])
def test_the_answers_pdf_has_the_answers_and_the_notice(exercise_id, tmp_path):
    exercise = new(exercise_id)
    exercise.load_answers(SAMPLES[exercise_id])
    path = export_answers_pdf(exercise, tmp_path)
    assert re.match(FILE_NAME.format(id=exercise_id, ext="pdf"), path.name)
    assert path.read_bytes()[:5] == b"%PDF-" and os.listdir(tmp_path) == [path.name]
    text = flat(pdf_text(path))
    assert exercise.title in text
    assert notice() in text and "Kept by you. Not sent anywhere." in text
    if exercise_id == "happiness-scale":
        assert "General happiness" in text and "10" in text
    else:
        assert "My daughter" in text and "555-0100" in text and "Go straight home" in text
        assert "988" in text and "1-800-662-4357" in text and "741741" in text and "911" in text


@pytest.mark.parametrize("exercise_id", WIDGETS)
def test_every_paper_version_prints_with_its_title_and_prompts(exercise_id):
    from iopkit.pdf import html_to_pdf

    exercise = new(exercise_id)
    fragment = exercise.paper_html()
    assert fragment.startswith('<section class="iopkit-doc handout worksheet exercise-paper">')
    prompts = prompts_of(fragment)
    assert len(prompts) >= 2
    pdf = html_to_pdf(document(fragment, exercise.title))
    from io import BytesIO

    from pypdf import PdfReader

    text = flat("\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(pdf)).pages))
    assert exercise.title in text
    missing = [p for p in prompts if p not in text]
    assert missing == []


# ---------------------------------------------------------------- the timers' clock


def test_timer_counts_pauses_and_resets_on_its_own_clock():
    clock = FakeClock()
    timer = Timer(300, now=clock)
    assert timer.state == "ready" and timer.elapsed == 0
    timer.start()
    clock.advance(60)
    assert timer.elapsed == 60 and timer.state == "running"
    timer.pause()
    clock.advance(500)
    assert timer.elapsed == 60 and timer.state == "paused"
    timer.start()
    clock.advance(10)
    assert timer.elapsed == 70 and timer.remaining == 230
    clock.advance(1000)
    assert timer.done and timer.elapsed == 300 and timer.state == "done" and not timer.running
    timer.reset(180)
    assert (timer.state, timer.elapsed, timer.total) == ("ready", 0, 180)
    assert clock_text(125) == "2:05" and clock_text(0.2) == "0:01" and clock_text(0) == "0:00"


def test_phase_at_splits_the_time_by_weight():
    phases = (Phase("a", "A", "", 1), Phase("b", "B", "", 3))
    assert [phase_at(phases, t, 100).phase.key for t in (0, 24.9, 25, 99, 100, 150)] == ["a", "a", "b", "b", "b", "b"]


@pytest.mark.parametrize("elapsed, phase", [(0, "notice"), (119, "notice"), (121, "rise"), (299, "rise"),
                                            (301, "peak"), (419, "peak"), (421, "fall"), (599, "fall")])
def test_urge_surfing_phase_follows_the_elapsed_time(elapsed, phase):
    """Ten minutes: notice 0-2, rise 2-5, peak 5-7, fall 7-10."""
    clock = FakeClock()
    exercise = UrgeSurfing(now=clock, ticking=False)
    exercise.set_minutes(10)
    exercise.start()
    clock.advance(elapsed)
    assert exercise.phase().phase.key == phase


@pytest.mark.parametrize("minutes, elapsed, step", [(3, 19, "stop"), (3, 21, "observe"), (3, 61, "breathe"),
                                                    (3, 121, "expand"), (3, 161, "respond"),
                                                    (5, 33, "stop"), (5, 34, "observe"), (5, 299, "respond")])
def test_sober_step_follows_the_elapsed_time(minutes, elapsed, step):
    clock = FakeClock()
    exercise = SoberBreathingSpace(now=clock, ticking=False)
    exercise.set_minutes(minutes)
    exercise.start()
    clock.advance(elapsed)
    assert exercise.phase().phase.key == step


def test_urge_surfing_screen_follows_the_clock():
    clock = FakeClock()
    exercise = UrgeSurfing(now=clock, ticking=False)
    widget = exercise.widget()
    exercise.length.value = 5
    assert exercise.timer.total == 300 and exercise.answers()["minutes"] == 5
    found = buttons(widget)
    found["Start"].click()
    assert exercise.start_button.disabled and not exercise.pause_button.disabled and exercise.length.disabled
    assert not exercise.ticker.alive
    clock.advance(160)  # notice 0-60, rise 60-150, peak 150-210
    exercise.draw()
    assert "Peak" in exercise.prompt_box.value and "strongest part" in exercise.prompt_box.value
    assert "2:20 left" in exercise.time_left.value and "<circle" in exercise.wave.value
    found["Pause"].click()
    clock.advance(600)
    exercise.draw()
    assert "2:20 left" in exercise.time_left.value and exercise.start_button.description == "Go on"
    exercise.start_button.click()
    clock.advance(200)
    exercise.draw()
    assert "Time is up" in exercise.time_left.value and "You rode the wave" in exercise.prompt_box.value
    found["Reset"].click()
    assert "5:00 left" in exercise.time_left.value and not exercise.start_button.disabled


def test_sober_screen_shows_the_breathing_circle_only_while_breathing():
    clock = FakeClock()
    exercise = SoberBreathingSpace(now=clock, ticking=False)
    exercise.widget()
    exercise.start()
    clock.advance(30)
    exercise.draw()
    assert "Observe" in exercise.prompt() or "Notice what is going on" in exercise.prompt_box.value
    assert "iopkit-breathe" not in exercise.steps.value
    clock.advance(40)  # 70 s of 180: breathe
    exercise.draw()
    assert "iopkit-breathe" in exercise.steps.value and "Breathe in as the circle grows" in exercise.prompt_box.value


def test_the_ticker_redraws_until_told_to_stop():
    seen = []
    ticker = Ticker(lambda: seen.append(1) or len(seen) < 3, interval=0.005)
    ticker.start()
    ticker._thread.join(timeout=5)
    assert len(seen) == 3 and not ticker.alive


# ---------------------------------------------------------------- the other exercises


def test_refusal_cards_come_from_the_refusal_session():
    """Given the curriculum, the deck matches its refusal session card for card, so card 5 on screen
    is card 5 in the facilitator guide; given none, the exercise uses its own deck."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.exercises import ExerciseContext

    curriculum = load_curriculum()
    session = next(s for s in curriculum.complete() if s.exercise.widget == "refusal-cards")
    expected = [re.sub(r"^Card \d+\. ", "", c) for c in session.exercise.scenario_cards]
    assert RefusalCards(context=ExerciseContext.from_curriculum(curriculum)).cards == expected
    assert RefusalCards().cards == list(OWN_DECK)


def test_an_exercise_reads_the_curriculum_it_is_given_not_the_shipped_one(tmp_path):
    """A program folder's own crisis lines, notice and cards reach the exercise (issue 11)."""
    import shutil

    import yaml

    from iopkit import paths
    from iopkit.content.curriculum import load_curriculum
    from iopkit.exercises import ExerciseContext, make_exercise

    root = tmp_path / "curriculum"
    shutil.copytree(paths.curriculum_dir(), root)
    program = yaml.safe_load((root / "program.yaml").read_text())
    program["crisis_resources"][0]["contact"] = "Call or text 988 (our own program's line)"
    program["part2_notice"] = program["part2_notice"] + " Our clinic wording, added here."
    (root / "program.yaml").write_text(yaml.safe_dump(program, sort_keys=False, allow_unicode=True))
    context = ExerciseContext.from_curriculum(load_curriculum(root))
    plan = make_exercise("relapse-prevention-plan", save_dir=tmp_path / "answers", context=context)
    assert "our own program's line" in html.unescape(plan.paper_body())
    assert "Our clinic wording, added here." in plan.answers_html()
    from iopkit.exercises.files import answers_record

    assert answers_record(plan, dt.datetime(2027, 1, 4, 10, 0))["part2_notice"] == program["part2_notice"]


def test_refusal_cards_step_shuffle_and_clear_the_ticks():
    exercise = RefusalCards(cards=["one", "two", "three"])
    widget = exercise.widget()
    assert "one" in exercise.face.value and "Easier" in exercise.face.value
    exercise.boxes[PARTS[0]].value = True
    assert exercise.answers()["ticked"] == [PARTS[0]] and "1 of 7 parts seen" in exercise.tally.value
    buttons(widget)["Next card"].click()
    assert "two" in exercise.face.value and exercise.answers()["ticked"] == []
    assert not exercise.boxes[PARTS[0]].value
    buttons(widget)["Back"].click()
    buttons(widget)["Back"].click()
    assert "three" in exercise.face.value and "Hardest" in exercise.face.value
    exercise.shuffle(random.Random(4))
    assert sorted(exercise.answers()["order"]) == [0, 1, 2] and exercise.answers()["position"] == 0


def test_values_cards_sort_into_piles_and_the_top_group_shows():
    exercise = new("values-card-sort")
    widget = exercise.widget()
    found = buttons(widget)
    found["Very important"].click()  # Family
    found["Skip for now"].click()  # Health goes to the back
    found["Important"].click()  # Honesty
    found["Very important"].click()  # Learning
    assert exercise.top_group() == ["Family", "Learning"]
    assert exercise.answers()["piles"]["important"] == ["honesty"]
    assert "Family, Learning" in exercise.top.value
    buttons(widget)["Family"].click()  # back to the deck
    assert exercise.top_group() == ["Learning"] and "family" in exercise.unsorted()


def test_goal_tips_point_at_what_is_missing():
    tips = goal_tips("Stop drinking")
    assert not tips["positive"][0] and not tips["specific"][0] and not tips["measurable"][0]
    tips = goal_tips("Walk around the park after dinner three times this week")
    assert all(ok for ok, _ in tips.values())
    exercise = new("goals-builder")
    exercise.widget()
    exercise.goal.value = "Quit smoking"
    assert "What will you do instead?" in exercise.tips_box.value


def test_weekly_planner_counts_planned_activities():
    exercise = new("weekly-planner")
    widget = exercise.widget()
    exercise.idea.value, exercise.day.value, exercise.time.value = "Go to a meeting", "Tuesday", "evening"
    buttons(widget)["Add to my week"].click()
    exercise.cells[("Saturday", "morning")].value = "Farmers market with my son"
    assert exercise.count() == 2 and "2 activities planned" in exercise.counter.value
    assert exercise.cells[("Tuesday", "evening")].value == "Go to a meeting"


def test_high_risk_map_charts_each_situation():
    exercise = new("high-risk-map")
    exercise.widget()
    exercise.load_answers(SAMPLES["high-risk-map"])
    assert exercise.chart_rows() == [("Payday Friday", [3]), ("Family dinner", [7])]
    assert "width:30.0%" in exercise.chart.value and "width:70.0%" in exercise.chart.value
    buttons(exercise.widget())["Add a situation"].click()
    line, fields = exercise.row_list.rows[-1]
    fields["situation"].value = "Bad news late at night"
    fields["confidence"].value = 2
    assert ("Bad news late at night", [2]) in exercise.chart_rows()
    remove = [w for w in walk(line) if isinstance(w, W.Button)][0]
    remove.click()
    assert len(exercise.answers()["situations"]) == 2


def test_relapse_prevention_plan_shows_the_crisis_lines_on_screen_and_paper():
    exercise = new("relapse-prevention-plan")
    for text in (visible_text(exercise.widget()), strip_tags(exercise.paper_html())):
        for line in ("988", "1-800-662-4357", "HOME to 741741", "911"):
            assert line in text


def test_kind_wishes_follows_its_steps_and_always_offers_a_way_out():
    """Wishes for someone easy come before oneself, and every step about oneself says one may just breathe."""
    clock = FakeClock()
    exercise = KindWishes(now=clock, ticking=False)
    exercise.widget()
    exercise.start()
    seen = []
    for _ in range(5 * 60 // 10):
        seen.append(exercise.phase().phase.key)
        clock.advance(10)
    order = list(dict.fromkeys(seen))
    assert order == ["settle", "easy", "me", "others", "return"]
    assert "just breathe" in next(p.prompt for p in exercise.phases if p.key == "me")
    assert "stop at any time" in KindWishes.intro
