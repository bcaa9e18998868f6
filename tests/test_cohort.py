"""Cohort files: every bad input gets a plain message naming the file, the field and the fix.

One fixture per failure mode in fixtures/cohorts/invalid/, each the example cohort with
one thing wrong.
"""
from __future__ import annotations

import pytest
from conftest import FIXTURES, run_cli

from iopkit.content.curriculum import load_curriculum
from iopkit.errors import CohortError, ValidationError
from iopkit.planning.cohort import load_cohort

INVALID = FIXTURES / "cohorts" / "invalid"


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


def test_the_example_cohort_is_valid(curriculum):
    cohort = load_cohort(FIXTURES / "cohorts" / "valid.toml", curriculum=curriculum)
    assert cohort.schedule.meeting_days == ["Monday", "Wednesday", "Friday"]
    assert cohort.slug == "valid"


CASES = [
    ("start-not-a-meeting-day", "schedule, start_date", "a Tuesday", "a date that falls on a meeting day"),
    ("meeting-day-not-a-weekday", "schedule, meeting_days, item 2", '"Wensday"', "a weekday name"),
    ("start-time-unreadable", "schedule, start_time", '"nine-ish"', "a time like 9:00 AM"),
    ("length-unreadable", "schedule, session_minutes", '"three hours"', "a whole number"),
    ("break-longer-than-session", "schedule, break_minutes", "200", "at most half the session length"),
    ("closures-leave-no-dates", "schedule, closures", "only", "dates for all 36 sessions"),
    ("unknown-time-zone", "schedule, time_zone", '"America/Minneapolis"', "a time zone name"),
    ("unknown-country", "schedule, holidays, country", '"XY"', "a two-letter country code"),
    ("unknown-session-in-skip", "curriculum, skip, item 1", '"job-club"', "a session id or number"),
    ("unknown-session-in-swap", "curriculum, swap, item 1, replace", '"money-matters"', "a session id or number"),
    ("custom-session-missing", "file", "no such file", "a custom session file"),
    ("logo-missing", "program, logo", '"our-logo.png"', "an image file next to the cohort file"),
    ("logo-not-an-image", "program, logo", '"not-an-image.png"', "an image file (PNG, JPEG or SVG) that opens"),
    ("step-down-too-short", "schedule, step_down", "26 meeting dates in 10 weeks", "room for all 36 sessions"),
    ("malformed-toml", "TOML", "Invalid value", "valid TOML"),
    ("unknown-setting", "cohort, group_sise", 'a setting named "group_sise"', "no such setting"),
]


@pytest.mark.parametrize("fixture, field, got, expected", CASES, ids=[c[0] for c in CASES])
def test_each_bad_cohort_names_the_field_and_the_fix(fixture, field, got, expected, curriculum):
    with pytest.raises(ValidationError) as caught:
        load_cohort(INVALID / f"{fixture}.toml", curriculum=curriculum)
    lines = [str(p) for p in caught.value.problems]
    matching = [line for line in lines if f": {field}: got " in line]
    assert matching, f"no problem about {field!r}: {lines}"
    assert got in matching[0] and f"expected {expected}" in matching[0]


def test_bad_cohort_exits_2_and_writes_nothing(tmp_path):
    out = tmp_path / "out"
    result = run_cli("build", str(INVALID / "start-not-a-meeting-day.toml"), "--out", str(out))
    assert result.returncode == 2
    assert "start_date: got 2027-01-05, a Tuesday" in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def test_a_file_that_is_not_toml_is_refused(tmp_path):
    path = tmp_path / "cohort.txt"
    path.write_text("schema = 1\n")
    with pytest.raises(CohortError, match="a cohort file ending in .toml"):
        load_cohort(path)
