"""The session schema and the content rules, one fixture file per failure mode.

Each fixture is the valid session in fixtures/valid/ with one thing wrong. The test
puts it where the curriculum would hold it and checks the message a counselor sees:
``file:line: field: got X, expected Y``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_cli
from iopkit.content.curriculum import validate_files
from iopkit.errors import ValidationError

VALID = FIXTURES / "valid" / "13-high-risk-situations.yaml"
LINE = re.compile(r"^(?P<file>\S+\.yaml):(?P<line>\d+): (?P<field>[^:]+): got (?P<got>.+), expected (?P<expected>.+)$")


def problems_for(fixture: str, tmp_path: Path) -> list[str]:
    target = tmp_path / VALID.name  # the file name a curriculum session would have
    shutil.copy(FIXTURES / "invalid" / f"{fixture}.yaml", target)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    return [str(p) for p in caught.value.problems]


def test_the_valid_fixture_passes():
    """The base every fixture starts from is itself valid, so each fixture tests one rule."""
    assert validate_files([VALID])


CASES = [
    # (fixture, field, text in "got", text in "expected", line)
    ("minutes-not-a-number", "agenda, item 1, minutes", '"twenty-five"', "a whole number", 31),
    ("minutes-not-multiple-of-five", "agenda, item 1, minutes", "23", "a multiple of 5", 31),
    ("minutes-do-not-add-up", "agenda", "175 minutes in all", "180", 28),
    ("missing-break", "agenda", "no break block", "one block of each kind", 28),
    ("first-block-not-check-in", "agenda, item 1, kind", '"teaching"', "check-in as the first block", 29),
    ("unknown-field", "objectivs", 'a field named "objectivs"', "no such field", 16),
    ("missing-homework", "homework", "nothing", "a value for this required field", None),
    ("unknown-phase", "phase", '"middle"', "engagement, early-abstinence", 7),
    ("too-few-objectives", "objectives", "a list of 1", "at least 2 items", 16),
    ("unknown-technique", "techniques, item 3", '"thought-stopping"', "curriculum/techniques.yaml", 15),
    ("unknown-reference", "references, item 5", '"smith-2099"', "curriculum/references.yaml", 596),
    ("unknown-widget", "exercise, widget", '"risk-radar"', "one of the interactive exercises", 472),
    ("stigmatizing-word-in-handout", "handout, explanation", 'the word "clean"', "person-first language", 477),
    ("placeholder-text", "agenda, item 5, do", 'placeholder text "TODO"', "finished writing", 198),
    ("handout-too-hard-to-read", "handout, explanation", "reading grade", "grade 8 or below", 477),
    ("yaml-syntax-error", "YAML", "mapping values are not allowed", "valid YAML", 5),
    # The handout would print the high-risk map twice: the worksheet and the exercise's blank sheet.
    ("sheet-repeats-worksheet", "exercise, sheet_in_handout", "whose boxes the worksheet already has",
     "false, since the worksheet already is this form", 472),
    # A "good things about using" sheet printed in a session that teaches high-risk situations.
    ("sheet-does-not-fit-session", "exercise, sheet_in_handout", "decisional-balance sheet, which this session does not teach",
     "outcome-expectancies", 472),
]


@pytest.mark.parametrize("fixture, field, got, expected, line", CASES, ids=[c[0] for c in CASES])
def test_each_failure_mode_names_file_line_field_and_fix(fixture, field, got, expected, line, tmp_path):
    """Every problem is reported as file:line: field: got X, expected Y, with the real line."""
    problems = problems_for(fixture, tmp_path)
    matching = [p for p in problems if f": {field}: " in p]
    assert matching, f"no problem about {field!r} in {problems}"
    parsed = LINE.match(matching[0])
    assert parsed, f"not in the file:line: field: got X, expected Y form: {matching[0]}"
    assert parsed["file"].endswith(VALID.name)
    assert got in parsed["got"]
    assert expected in parsed["expected"]
    if line is not None:
        assert int(parsed["line"]) == line


def test_every_problem_is_reported_at_once(tmp_path):
    """Two mistakes in two files: one run lists both, so a counselor fixes them in one pass."""
    a = tmp_path / "a" / VALID.name
    b = tmp_path / "b" / VALID.name
    for path, fixture in ((a, "unknown-phase"), (b, "minutes-not-multiple-of-five")):
        path.parent.mkdir()
        shutil.copy(FIXTURES / "invalid" / f"{fixture}.yaml", path)
    with pytest.raises(ValidationError) as caught:
        validate_files([a, b])
    text = str(caught.value)
    assert '"middle"' in text and "a multiple of 5" in text
    assert "2 problems in 2 files" in text


def test_validate_exits_2_with_no_traceback(tmp_path):
    """The CLI prints the plain lines and exits 2; a counselor never sees a traceback."""
    target = tmp_path / VALID.name
    shutil.copy(FIXTURES / "invalid" / "unknown-phase.yaml", target)
    result = run_cli("validate", str(target))
    assert result.returncode == 2
    assert 'phase: got "middle", expected one of' in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_file_name_must_match_number_and_id(tmp_path):
    """A session file is named NN-id.yaml, so the folder lists sessions in order."""
    target = tmp_path / "high-risk.yaml"
    shutil.copy(VALID, target)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    assert "expected the file to be named 13-high-risk-situations.yaml" in str(caught.value)


def test_a_broken_curriculum_stops_the_build_and_writes_nothing(curriculum_copy, example_cohort, tmp_path):
    """One invalid session file: `iopkit build` exits 2 naming it, and the output folder is not created."""
    session = next((curriculum_copy / "sessions").glob("13-*.yaml"))
    session.write_text(session.read_text().replace("phase: early-abstinence", "phase: middle"))
    out = tmp_path / "out"
    result = run_cli("build", str(example_cohort), "--curriculum", str(curriculum_copy), "--out", str(out),
                     "--sessions", "1")
    assert result.returncode == 2
    assert "phase: got \"middle\"" in result.stderr
    assert not out.exists()


def test_each_printed_sheet_names_the_techniques_it_serves():
    """Every interactive exercise says which techniques its printed sheet is for, using real technique ids."""
    from iopkit.content.curriculum import load_techniques, Collector
    from iopkit.paths import curriculum_dir
    from iopkit.content.schema import WIDGET_TECHNIQUES, WIDGETS

    assert set(WIDGET_TECHNIQUES) == set(WIDGETS)
    known = load_techniques(curriculum_dir(), Collector())
    for widget, serves in WIDGET_TECHNIQUES.items():
        assert serves is None or (serves and set(serves) <= set(known)), widget


def test_a_sheet_that_repeats_the_worksheet_is_reported_once_per_rule(tmp_path):
    """The repeated high-risk map is one problem, naming the boxes printed twice; nothing else is wrong."""
    problems = problems_for("sheet-repeats-worksheet", tmp_path)
    assert len(problems) == 1
    assert "Which kinds of situations have been risky for me?" in problems[0]


def test_every_session_prints_only_sheets_that_fit():
    """No session in the curriculum prints an exercise sheet that repeats its worksheet or does not fit it."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.content.handout_sheets import sheet_problems

    curriculum = load_curriculum()
    flagged = {n: sheet_problems(s) for n, s in curriculum.sessions.items() if hasattr(s, "exercise")}
    assert not {n: p for n, p in flagged.items() if p}


def test_a_sheet_that_prints_the_crisis_lines_is_checked_without_loading_the_curriculum_again(
        curriculum_copy, monkeypatch):
    """The relapse-prevention plan's blank sheet prints program.yaml's crisis lines; checking that sheet
    while the curriculum loads must not load the curriculum again (it once recursed without end)."""
    from iopkit.content.curriculum import load_curriculum

    monkeypatch.setenv("IOPKIT_CURRICULUM", str(curriculum_copy))
    path = next((curriculum_copy / "sessions").glob("34-*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert "sheet_in_handout: false" in text
    path.write_text(text.replace("sheet_in_handout: false", "sheet_in_handout: true"), encoding="utf-8")
    try:
        load_curriculum(curriculum_copy)
    except ValidationError as exc:  # the plan sheet repeats session 34's worksheet: a finding, not a crash
        assert "sheet_in_handout" in str(exc)
