"""The calendar and the run of show: dates, holidays, closures, step-down, clock times."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import ROOT

from iopkit.content.curriculum import load_curriculum
from iopkit.errors import UnknownSessionError
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import meeting_dates, parse_selection, plan_cohort, rescale


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


def cohort_with(tmp_path, **replacements):
    text = (ROOT / "cohorts" / "example.toml").read_text()
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    (tmp_path / "riverbend-logo.png").write_bytes((ROOT / "cohorts" / "riverbend-logo.png").read_bytes())
    path = tmp_path / "cohort.toml"
    path.write_text(text)
    return path


def test_sessions_fall_on_meeting_days_skipping_holidays_and_closures(curriculum):
    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    dates = [s.date for s in plan.sessions]
    assert len(dates) == 36 and dates[0] == dt.date(2027, 1, 4)
    assert all(d.strftime("%A") in ("Monday", "Wednesday", "Friday") for d in dates)
    assert dt.date(2027, 1, 18) not in dates  # Martin Luther King Jr. Day
    assert dt.date(2027, 2, 15) not in dates  # Presidents' Day
    assert dt.date(2027, 3, 15) not in dates  # the clinic's own closure
    assert dates == sorted(set(dates))


def test_times_are_in_the_cohort_time_zone(curriculum):
    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    first = plan_cohort(cohort, curriculum).sessions[0]
    assert first.start.tzinfo.key == "America/Chicago"
    assert (first.start.hour, first.start.minute) == (9, 0)
    assert first.end - first.start == dt.timedelta(minutes=180)


def test_step_down_from_three_days_to_two(tmp_path, curriculum):
    path = cohort_with(tmp_path, **{
        '# step_down = [\n#   { weeks = 8, days = ["Monday", "Wednesday", "Friday"] },\n#   { days = ["Monday", "Thursday"] },\n# ]':
        'step_down = [\n  { weeks = 8, days = ["Monday", "Wednesday", "Friday"] },\n  { days = ["Monday", "Thursday"] },\n]'})
    cohort = load_cohort(path, curriculum=curriculum)
    dates = [s.date for s in plan_cohort(cohort, curriculum).sessions]
    start = dt.date(2027, 1, 4)
    early = [d for d in dates if (d - start).days < 56]
    late = [d for d in dates if (d - start).days >= 56]
    assert {d.strftime("%A") for d in early} == {"Monday", "Wednesday", "Friday"}
    assert {d.strftime("%A") for d in late} == {"Monday", "Thursday"}
    assert len(dates) == 36


def test_rescaled_agenda_keeps_the_break_and_adds_up(curriculum):
    session = next(s for s in curriculum.complete())
    for total, brk in ((120, 10), (150, 15), (180, 15), (210, 20)):
        minutes = rescale(list(session.agenda), total, brk)
        assert sum(minutes) == total
        assert all(m % 5 == 0 and m >= 5 for m, b in zip(minutes, session.agenda) if b.kind.value != "break")
        assert [m for m, b in zip(minutes, session.agenda) if b.kind.value == "break"] == [brk]


def test_a_shorter_evening_session_shows_real_clock_times(tmp_path, curriculum):
    path = cohort_with(tmp_path, **{'start_time = "9:00 AM"': 'start_time = "6:00 PM"',
                                    "session_minutes = 180 ": "session_minutes = 150 "})
    cohort = load_cohort(path, curriculum=curriculum)
    number = min(s.number for s in curriculum.complete())
    item = plan_cohort(cohort, curriculum).at(number)
    assert item.blocks[0].start.strftime("%H:%M") == "18:00"
    assert item.blocks[-1].end.strftime("%H:%M") == "20:30"
    for a, b in zip(item.blocks, item.blocks[1:]):
        assert a.end == b.start


@pytest.mark.parametrize("text, expected", [("1-3,7", [1, 2, 3, 7]), ("5", [5]), (None, list(range(1, 37))),
                                            ("2-2, 4", [2, 4])])
def test_session_selection(text, expected):
    assert parse_selection(text, 36) == expected


@pytest.mark.parametrize("text", ["0-3", "35-37", "x", "3-1"])
def test_session_selection_out_of_range_says_what_is_allowed(text):
    with pytest.raises(UnknownSessionError, match=r"1 to 36|like 1-3,7"):
        parse_selection(text, 36)


def test_skip_and_swap_change_the_sequence(tmp_path, curriculum):
    custom_dir = tmp_path / "custom"
    custom_dir.mkdir()
    source = next(p for n, p in curriculum.files.items() if n == min(s.number for s in curriculum.complete()))
    text = source.read_text()
    text = re.sub(r"^title: .*$", "title: Our Clinic's Own Session", text, count=1, flags=re.M)
    (custom_dir / "ours.yaml").write_text(text)
    last = max(curriculum.sessions)
    path = cohort_with(tmp_path, **{'# skip = ["work-job-skills"]': f'skip = ["{curriculum.sessions[2].id}"]',
                                    '# swap = [{ replace = "practical-stressors", with = "custom/our-stressors.yaml" }]':
                                    f'swap = [{{ replace = "{last}", with = "custom/ours.yaml" }}]'})
    plan = plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)
    titles = [s.session.title for s in plan.sessions]
    assert len(titles) == 35
    assert curriculum.sessions[2].title not in titles
    assert titles[-1] == "Our Clinic's Own Session" and plan.sessions[-1].custom


def test_meeting_dates_are_counted_exactly(curriculum):
    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    assert len(meeting_dates(cohort, 5)) == 5


def test_order_moves_sessions_to_the_front(tmp_path, curriculum):
    ids = [curriculum.sessions[n].id for n in (10, 4)]
    path = cohort_with(tmp_path, **{'# order = ["orientation", "automatic-pilot"]': f"order = {ids!r}".replace("'", '"')})
    plan = plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)
    assert [s.session.number for s in plan.sessions[:3]] == [10, 4, 1]
    assert len(plan.sessions) == 36 and len({s.session.id for s in plan.sessions}) == 36


def test_telehealth_switches_on_the_adaptation_and_the_location_check(curriculum):
    """The evening example meets on video: every guide's check-in starts with a location check."""
    from iopkit.render.views import SessionView

    tele = SessionView.load(str(ROOT / "cohorts" / "evening-telehealth.toml"), 5)
    room = SessionView.load(str(ROOT / "cohorts" / "example.toml"), 5)
    assert "Location check (telehealth)" in str(tele.script())
    assert "Location check (telehealth)" not in str(room.script())
    first_note = tele.session.telehealth[0][:40]
    assert "On the video call" in str(tele.preparation()) and "On the video call" not in str(room.preparation())
    assert "Zoom for Healthcare" in str(tele.cover())
    assert tele.item.blocks[-1].end - tele.item.blocks[0].start == dt.timedelta(minutes=150)
    assert first_note


def test_branding_prints_the_program_name_logo_and_accent_color(curriculum):
    from iopkit.render.views import SessionView

    view = SessionView.load(str(ROOT / "cohorts" / "evening-telehealth.toml"), 1)
    for html in (str(view.cover()), str(view.handout())):
        assert "Riverbend Recovery Center" in html
        assert 'src="data:image/png;base64,' in html  # the logo, inlined
        assert "--accent: #5b4a8b" in html
