"""Family 8 of issue 13: time, far ahead and across daylight saving, and names the font lacks.

Calendar entries after 2037 carry the right UTC offset in summer and winter (the calendar
file's own time zone description covers the plan's years); the printed calendar names the
zone as it is on each date (CST in winter, CDT in summer); ``join`` plans years after the
start; names in scripts the print font lacks are reported, naming the field.
"""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import FIXTURES, ROOT

from iopkit.app import cli
from iopkit.content.curriculum import load_curriculum
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort, plan_join

HERE = FIXTURES / "cohorts" / "hardening"


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


def test_calendar_entries_after_2037_have_summer_and_winter_offsets(curriculum):
    """Each event's offset, read from the calendar file's own VTIMEZONE, is the real one on that date."""
    from icalendar import Calendar

    from iopkit.render.books import calendar_ics

    plan = plan_cohort(load_cohort(HERE / "ok-after-2037.toml", curriculum=curriculum), curriculum)
    assert plan.sessions[0].date == dt.date(2040, 9, 5)
    cal = Calendar.from_ical(calendar_ics(plan))
    zone = next(c for c in cal.walk("VTIMEZONE")).to_tz()
    offsets = set()
    for event, item in zip(cal.walk("VEVENT"), plan.sessions):
        written = event["DTSTART"].dt.replace(tzinfo=None)  # the wall-clock time the file says
        assert written == item.start.replace(tzinfo=None)
        offset = written.replace(tzinfo=zone).utcoffset()
        assert offset == item.start.utcoffset(), f"session {item.position} on {item.date}"
        offsets.add(offset)
    assert offsets == {dt.timedelta(hours=-5), dt.timedelta(hours=-6)}  # September into November: DST ends Nov 4, 2040


def test_the_printed_calendar_names_the_zone_of_each_date(curriculum):
    """January sessions print CST, April ones CDT (the example cohort runs across the March change)."""
    import io

    from pypdf import PdfReader

    from iopkit.render.books import calendar_pdf

    plan = plan_cohort(load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum), curriculum)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(calendar_pdf(plan))).pages)
    first = next(line for line in text.splitlines() if "Jan 4, 2027" in line)
    last = next(line for line in text.splitlines() if short(plan.finish) in line)
    assert "CST" in first and "CDT" not in first
    assert "CDT" in last and "CST" not in last
    assert "America/Chicago time" in text


def short(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def test_join_works_years_after_the_start(curriculum):
    """Rolling admission three years and ten years after the group began."""
    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    for joined in (dt.date(2030, 1, 9), dt.date(2037, 3, 2)):
        join = plan_join(cohort, curriculum, joined)
        assert len(join.sessions) == 36 and join.sessions[0].date >= joined
        assert (join.sessions[0].date - joined).days < 7


def test_join_far_beyond_the_planning_horizon_is_a_plain_error(capsys, monkeypatch):
    monkeypatch.chdir(ROOT / "cohorts")
    code = cli.main(["join", "example.toml", "--date", "2090-01-02"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.rstrip().splitlines()[-1].startswith(
        "--date: got 2090-01-02, expected a date within 25 years of the group's start")


def test_names_the_print_font_lacks_are_reported(capsys, monkeypatch):
    """A group name in Chinese characters with an emoji: validate passes, with a note naming the field."""
    monkeypatch.chdir(HERE)
    code = cli.main(["validate", "ok-name-the-font-lacks.toml"])
    out = capsys.readouterr().out
    assert code == 0
    notes = [line for line in out.splitlines() if line.startswith("Note:")]
    assert notes == ["Note: ok-name-the-font-lacks.toml: cohort, name: the print font has no letters for 晨 间 小 组 🌅 "
                     "(for example Chinese, Japanese or Korean script, or emoji); they would print as empty boxes. "
                     "Write the name in letters the font has (Latin, Greek or Cyrillic), or leave those characters "
                     "out."]


def test_names_the_font_has_pass_without_a_note(capsys, monkeypatch):
    """Accented Latin, Greek and Cyrillic names print: no note."""
    from iopkit.render.notices import missing_glyphs

    assert missing_glyphs("José Muñoz, Zoë Ødegaard, Αθηνά, Ольга, O'Brien-Nguyễn") == []
    monkeypatch.chdir(ROOT / "cohorts")
    assert cli.main(["validate", "example.toml", "evening-telehealth.toml"]) == 0
    assert "Note:" not in capsys.readouterr().out
