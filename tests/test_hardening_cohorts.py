"""Family 2 of issue 13: cohorts that parse but make no sense.

Each fixture in fixtures/cohorts/hardening/ is the valid cohort with one thing wrong. The
rule: a plain message naming the file, the line and the field, what was found and what is
expected; exit code 2 from the command; nothing written.
"""
from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

from iopkit.app import cli
from iopkit.content.curriculum import load_curriculum
from iopkit.errors import CohortError, ValidationError
from iopkit.planning.cohort import load_cohort

HERE = FIXTURES / "cohorts" / "hardening"


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


CASES = [
    # fixture, line, field, what we got, what we expect
    ("start-on-a-closure", 18, "schedule, start_date", "2027-01-04, listed in closures",
     "a first session on a day the clinic is open"),
    ("start-on-a-holiday", 18, "schedule, start_date", "2027-01-01, a public holiday",
     "a first session on a day that is not a holiday"),
    ("closures-leave-a-long-gap", 25, "schedule, closures", "no meeting from 2027-01-29 to 2027-05-03 (94 days)",
     "a break of at most 28 days between sessions"),
    ("step-down-repeats-a-day", 28, "schedule, step_down, item 1, days", "a list of 3", "each day once in a stretch"),
    ("session-too-short-for-its-blocks", 21, "schedule, session_minutes", "60",
     "at least 75 minutes, so each of the 9 blocks of"),
    ("skip-every-session", 49, "curriculum, skip", "all 36 sessions skipped", "at least one session left to run"),
    ("skipped-twice", 49, "curriculum, skip, item 2", '"1"', "each session skipped once (skip item 1 already skips orientation)"),
    ("same-session-swapped-twice", 49, "curriculum, swap, item 2, replace", '"13"',
     "each session swapped once (swap item 1 already replaces it)"),
    ("swapped-and-skipped", 50, "curriculum, swap, item 1, replace", '"high-risk-situations"',
     "a session this group keeps: high-risk-situations is also in skip"),
    ("custom-session-id-collides", 50, "curriculum, swap, item 1, with", '"../../valid/13-high-risk-situations.yaml"',
     'a session whose id is not "high-risk-situations": another session of the curriculum has it too, and order names it'),
    ("date-out-of-range", 18, "schedule, start_date", "9999-12-31", "a date in the years 2000 to 2199"),
    ("closure-out-of-range", 25, "schedule, closures, item 1", "1027-03-15", "a date in the years 2000 to 2199"),
    ("time-where-a-date-belongs", 18, "schedule, start_date", "the time 09:00", "a date written like 2027-01-04"),
    ("newline-in-a-name", 12, "cohort, name", "text with a line break or a control character",
     "one line of text: write it on one line"),
    ("field-too-long", 41, "resources, naloxone", "7,200 characters", "at most 200 characters"),
    ("unknown-subdivision", 24, "schedule, holidays, subdivision", '"ZZ"', "a state or province code of US"),
    ("accent-color-not-a-color", 9, "program, accent_color", '"teal"', "a color written like #2f6b7e (# and six digits or letters a to f)"),
]


@pytest.mark.parametrize("fixture, line, field, got, expected", CASES, ids=[c[0] for c in CASES])
def test_each_senseless_cohort_is_one_plain_line(fixture, line, field, got, expected, curriculum):
    """The message names file:line, the field, what was found and what to write instead, and nothing else."""
    with pytest.raises(CohortError) as caught:
        load_cohort(HERE / f"{fixture}.toml", curriculum=curriculum)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"{fixture}.toml:{line}: {field}: got {got}, expected {expected}") or \
        f"/{fixture}.toml:{line}: {field}: got {got}, expected {expected}" in lines[0], lines[0]


def test_the_injected_event_never_reaches_the_message_or_a_file(tmp_path, monkeypatch, capsys):
    """A line break in the group name stops the build before anything is written, and the
    message does not repeat the injected text."""
    shutil.copy(HERE / "newline-in-a-name.toml", tmp_path / "g.toml")
    shutil.copy(HERE / "riverbend-logo.png", tmp_path)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["build", "g.toml", "--out", "out"])
    err = capsys.readouterr().err
    assert code == 2
    assert "BEGIN:VEVENT" not in err and "Traceback" not in err
    assert "g.toml:12: cohort, name: got text with a line break" in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("fixture", ["skip-every-session", "date-out-of-range", "time-where-a-date-belongs"])
def test_join_and_list_refuse_them_the_same_way(fixture, tmp_path, monkeypatch, capsys):
    """Every command that reads the cohort gives the same message and exit code 2 (no internal problem)."""
    monkeypatch.chdir(HERE)
    for args in (["list", f"{fixture}.toml"], ["join", f"{fixture}.toml", "--date", "2027-02-10",
                                              "--pdf", str(tmp_path / "s.pdf")]):
        code = cli.main(args)
        err = capsys.readouterr().err
        assert code == 2, (args, err)
        assert f"{fixture}.toml:" in err and "internal problem" not in err
    assert not (tmp_path / "s.pdf").exists()


def test_a_million_character_field_is_stopped_by_the_file_size(tmp_path, curriculum):
    """A field a million characters long makes the file too large to read: the limit is named, not the text."""
    text = (FIXTURES / "cohorts" / "valid.toml").read_text().replace(
        'clinic_phone = "(507) 555-0142"', 'clinic_phone = "' + "5" * 1_000_000 + '"')
    (tmp_path / "big.toml").write_text(text)
    with pytest.raises(ValidationError) as caught:
        load_cohort(tmp_path / "big.toml", curriculum=curriculum)
    message = str(caught.value)
    assert "big.toml: file: got 1,002," in message and "expected a cohort file of at most 64 KB" in message
    assert "5555555555" not in message


def test_the_valid_cohort_still_passes(curriculum):
    """The new rules leave a sensible cohort alone."""
    load_cohort(FIXTURES / "cohorts" / "valid.toml", curriculum=curriculum)


def test_a_setting_written_twice_names_both_lines(curriculum):
    """TOML refuses a key set twice; the message names both lines in plain words."""
    with pytest.raises(ValidationError) as caught:
        load_cohort(HERE / "setting-written-twice.toml", curriculum=curriculum)
    assert [str(p) for p in caught.value.problems][0].endswith(
        "setting-written-twice.toml:15: name: got this setting a second time (first on line 12), "
        "expected each setting once: delete one of the two, or merge them")
