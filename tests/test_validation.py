"""The session schema and the content rules, one fixture file per failure mode.

Each fixture is the valid session in fixtures/valid/ with one thing wrong. The test puts it
where the curriculum would hold it and checks every line a counselor sees, word for word:
``file:line: field: got X, expected Y``. Each content rule is a function in
``iopkit.content.rules`` whose docstring states it; a test below fails when a rule has no fixture.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, ROOT, run_cli

from iopkit.content import rules
from iopkit.content.curriculum import load_curriculum, validate_files
from iopkit.errors import ValidationError

VALID = FIXTURES / "valid" / "13-high-risk-situations.yaml"
LINE = re.compile(r"^(?P<file>\S+\.yaml):(?P<line>\d+): (?P<field>[^:]+): got (?P<got>.+), expected (?P<expected>.+)$")


def problems_for(fixture: str | Path, tmp_path: Path, name: str = VALID.name) -> list[str]:
    """Validate the fixture saved as ``name`` (a path inside the curriculum); each problem without its file name."""
    source = fixture if isinstance(fixture, Path) else FIXTURES / "invalid" / f"{fixture}.yaml"
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, target)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    out = []
    for problem in caught.value.problems:
        assert Path(problem.file).name == target.name, f"the problem names another file: {problem}"
        assert LINE.match(str(problem)), f"not in the file:line: field: got X, expected Y form: {problem}"
        out.append(str(problem).removeprefix(problem.file + ":"))
    return out


def test_the_valid_fixture_passes():
    """The base every fixture starts from is itself valid, so each fixture tests one rule."""
    assert validate_files([VALID])


#: (fixture, the rule it breaks: a function of iopkit.content.rules, or "schema" for a field's own type and
#: limits), then every line a counselor sees after the file name. Most fixtures break one rule once; a
#: misspelt field is rightly two lines (the unknown name, and the real one missing).
CASES = [
    # -- the schema: a field's own type and limits
    ("minutes-not-a-number", "schema", ['31: agenda, item 1, minutes: got "twenty-five", expected a whole number']),
    ("minutes-not-multiple-of-five", "schema", ["31: agenda, item 1, minutes: got 23, expected a multiple of 5"]),
    ("unknown-field", "schema", [
        "1: objectives: got nothing, expected a value for this required field",
        '16: objectivs: got a field named "objectivs", expected no such field (check its spelling against '
        "curriculum/SCHEMA.md)"]),
    ("missing-homework", "schema", [
        "1: homework: got nothing, expected a value for this required field",
        '543: homwork_note: got a field named "homwork_note", expected no such field (check its spelling against '
        "curriculum/SCHEMA.md)"]),
    ("unknown-phase", "schema", ['7: phase: got "middle", expected one of: engagement, early-abstinence, '
                                 "maintaining-abstinence or community-integration"]),
    ("too-few-objectives", "schema", ["16: objectives: got a list of 1, expected at least 2 items"]),
    ("checklist-without-options", "schema", [
        "513: handout, worksheet, items, item 1: got a table of fields, expected options (a list of choices to "
        "tick), since this item is a checklist"]),
    ("table-with-one-column", "schema", [
        "523: handout, worksheet, items, item 2: got a table of fields, expected columns (at least two column "
        "headings), since this item is a table"]),
    ("yaml-syntax-error", "schema", [
        '5: YAML: got a second colon on one line (mapping values are not allowed in this context: YAML reads '
        '"name: value" as a field), expected valid YAML: text with a colon in quotes (title: "Check-in: craving"), '
        "or written after a | on the next lines, indented"]),
    # -- the raw file, before the schema
    ("objective-longer-than-a-line", "check_text_sizes", [
        "19: objectives, item 3: got 1,114 characters, expected at most 1,000"]),
    # -- every session file
    ("session-without-a-week", "numbered_session_has_number_and_week", [
        "1: week: got nothing, expected a value for this required field"]),
    ("pairs-with-outside-an-elective", "pairs_with_only_in_an_elective", [
        "12: pairs_with: got a list, expected pairs_with only in an elective (track: elective)"]),
    ("week-does-not-follow-number", "week_follows_number", [
        "6: week: got 6, expected 5 (session 13 at 3 sessions a week)"]),
    ("unknown-technique", "techniques_are_known", [
        '15: techniques, item 3: got "thought-stopping", expected a technique id from curriculum/techniques.yaml']),
    ("family-audience-without-family-session", "family_audience_lists_family_session", [
        '12: techniques: got "no family-session", expected family-session listed, since audience is family']),
    ("family-session-in-a-group-session", "family_audience_lists_family_session", [
        '11: audience: got "group", expected family, since techniques lists family-session']),
    # -- a complete session: the agenda
    ("minutes-do-not-add-up", "agenda_adds_up", [
        "28: agenda: got 175 minutes in all, expected 180 (the session length in curriculum/program.yaml); "
        "change the blocks' minutes so they add up"]),
    ("missing-break", "agenda_has_every_required_block", [
        "28: agenda: got no break block, expected one block of each kind: check-in, bridge, teaching, break, "
        "practice, wellness, homework, check-out"]),
    ("first-block-not-check-in", "agenda_starts_with_check_in", [
        '29: agenda, item 1, kind: got "bridge", expected check-in as the first block']),
    ("last-block-not-check-out", "agenda_ends_with_check_out", [
        '308: agenda, item 9, kind: got "homework", expected check-out as the last block']),
    ("two-breaks", "agenda_has_one_break", [
        '195: agenda, item 5, kind: got "a second break", expected one break in the middle']),
    ("break-not-program-length", "break_has_the_program_length", [
        "197: agenda, item 5, minutes: got 10, expected 15 (the break length in curriculum/program.yaml)"]),
    ("block-without-a-script", "every_block_has_a_script", [
        "76: agenda, item 2, say: got 7 words, expected a script for this block: what to say and ask "
        "(15 words or more)"]),
    ("too-little-script", "session_has_enough_script", [
        "34: agenda: got 312 words of facilitator script, expected at least 600 words across the blocks, notes "
        "and hard moments"]),
    ("check-in-without-craving-rating", "check_in_asks_for_a_craving_rating", [
        "37: agenda, item 1, say: got a check-in that never asks about cravings, expected a craving rating in the "
        "check-in: ask each person how strong their craving or urge is, 0 to 10 (see curriculum/WRITING.md)"]),
    ("check-out-without-confidentiality-reminder", "check_out_gives_the_confidentiality_reminder", [
        "312: agenda, item 9, say: got a check-out with no confidentiality reminder, expected the confidentiality "
        "reminder at check-out: what others share here stays in the room (see curriculum/WRITING.md)"]),
    # -- a complete session: its other parts
    ("discussion-prompt-not-a-question", "discussion_prompts_are_questions", [
        '430: discussion_prompts, item 3: got "Talk about what makes a good day, a win or a celebration ...", '
        "expected a question that ends with a question mark (put a note for the facilitator in the discussion "
        "block's say instead)"]),
    ("unknown-reference", "references_are_known", [
        '596: references, item 5: got "smith-2099", expected a key from curriculum/references.yaml']),
    ("unknown-widget", "widget_is_known", [
        '472: exercise, widget: got "risk-radar", expected one of the interactive exercises: group-check-in, '
        "happiness-scale, functional-analysis, decisional-balance, urge-surfing, sober-breathing-space, "
        "high-risk-map, values-card-sort, goals-builder, refusal-cards, weekly-planner, relapse-prevention-plan, "
        "kind-wishes"]),
    # The handout would print the high-risk map twice: the worksheet and the exercise's blank sheet.
    ("sheet-repeats-worksheet", "exercise_sheet_fits_the_handout", [
        '472: exercise, sheet_in_handout: got true, so the handout prints the high-risk-map sheet, whose boxes the '
        'worksheet already has (2 of 6: "1. Which kinds of situations have been risky for me? Tick all that '
        'fit."; "4. How sure am I now that I have a plan?"), expected false, since the worksheet already is this '
        "form (or change the worksheet so it asks something the sheet does not)"]),
    # A "good things about using" sheet printed in a session that teaches high-risk situations.
    ("sheet-does-not-fit-session", "exercise_sheet_fits_the_handout", [
        "472: exercise, sheet_in_handout: got true, so the handout prints the decisional-balance sheet, which this "
        "session does not teach (its techniques: high-risk-situations, coping-self-efficacy, sober-breathing-space)"
        ", expected false (or a widget that fits; the decisional-balance sheet is for sessions teaching "
        "outcome-expectancies, dialectical-abstinence)"]),
    ("explanation-too-long", "explanation_fits_on_a_page", [
        "477: handout, explanation: got 566 words, expected at most 400 words, so the explanation fits on one page"]),
    ("explanation-too-short", "explanation_teaches_the_idea", [
        "477: handout, explanation: got 46 words, expected at least 120 words, so a person who missed the session "
        "can learn the idea from the handout (about 200 to 350)"]),
    ("homework-too-short", "homework_is_concrete", [
        "543: homework: got 7 words, expected at least 10 words: one small, concrete practice before the next "
        "session (what to do, when, and how to note it)"]),
    # -- a complete session: language
    ("placeholder-text", "no_placeholder_text", [
        '198: agenda, item 5, do: got placeholder text "TODO", expected finished writing']),
    # A field no one reads aloud is still printed in the guide: placeholders are looked for in every field.
    ("placeholder-in-exercise-materials", "no_placeholder_text", [
        '441: exercise, materials, item 2: got placeholder text "TBD", expected finished writing']),
    ("stigmatizing-word-in-handout", "person_first_language", [
        '477: handout, explanation: got the word "clean", expected person-first language: say "not using" or '
        '"in recovery" (for a test: "negative")']),
    ("handout-without-full-sentences", "handout_prose_is_in_sentences", [
        "477: handout, explanation: got 1 sentence of prose, expected a short explanation in full sentences "
        "(4 or more)"]),
    ("handout-too-hard-to-read", "handout_reads_at_grade_8", [
        "477: handout, explanation: got reading grade 25.0, expected grade 8 or below (use shorter sentences and "
        "common words; aim for 6)"]),
]

#: Fixtures that only make sense under another name or in a track's folder.
NAMES = {
    "session-number-beyond-program": "37-high-risk-situations.yaml",
    "elective-with-number-and-week": "electives/high-risk-situations.yaml",
    "elective-without-pairs-with": "electives/high-risk-situations.yaml",
}
CASES += [
    ("session-number-beyond-program", "number_within_program", [
        "4: number: got 37, expected a number from 1 to 36 (curriculum/program.yaml has sessions: 36)"]),
    ("elective-with-number-and-week", "elective_has_no_number_or_week", [
        "7: number: got 13, expected no number for an elective (a cohort gives it its place)",
        "9: week: got 5, expected no week for an elective (a cohort gives it its place)"]),
    ("elective-without-pairs-with", "elective_pairs_with_core_sessions", [
        "1: pairs_with: got nothing, expected the ids of one or more core sessions this elective pairs with "
        "(from `iopkit list`)"]),
]

#: The valid session itself, saved where it does not belong: (where, the rule, the line a counselor sees).
MISPLACED = [
    ("high-risk.yaml", "file_named_for_number_and_id",
     '3: id: got "high-risk.yaml", expected the file to be named 13-high-risk-situations.yaml (its number and id)'),
    ("electives/13-high-risk-situations.yaml", "track_matches_folder",
     '1: track: got "iop", expected elective (this file is in curriculum/electives/)'),
]


@pytest.mark.parametrize("fixture, rule, lines", CASES, ids=[c[0] for c in CASES])
def test_each_failure_mode_names_file_line_field_and_fix(fixture, rule, lines, tmp_path):
    """Each fixture breaks one rule, and a counselor reads exactly these lines: file:line: field: got X,
    expected Y, with the real line (the rule is stated in its function's docstring in iopkit.content.rules)."""
    assert rule == "schema" or getattr(rules, rule).__doc__, rule
    assert problems_for(fixture, tmp_path, NAMES.get(fixture, VALID.name)) == lines


@pytest.mark.parametrize("name, rule, line", MISPLACED, ids=[m[1] for m in MISPLACED])
def test_a_session_file_is_named_and_placed_for_what_it_is(name, rule, line, tmp_path):
    """A session file is named NN-id.yaml (an elective: id.yaml), so the folder lists sessions in order, and it
    sits in its track's folder (sessions/, aftercare/ or electives/)."""
    assert problems_for(VALID, tmp_path, name) == [line]


def test_an_aftercare_session_needs_the_aftercare_section_of_program_yaml(tmp_path):
    """An aftercare session is checked against its own length and break, from program.yaml's aftercare: section;
    without that section it is named, not measured against the 3-hour session."""
    shipped = ROOT / "curriculum"
    root = tmp_path / "curriculum"
    root.mkdir()
    program = yaml.safe_load((shipped / "program.yaml").read_text(encoding="utf-8"))
    del program["aftercare"]
    (root / "program.yaml").write_text(yaml.safe_dump(program, allow_unicode=True), encoding="utf-8")
    for name in ("references.yaml", "techniques.yaml"):
        shutil.copy(shipped / name, root / name)
    session = next((shipped / "aftercare").glob("01-*.yaml"))
    (root / "aftercare").mkdir()
    target = shutil.copy(session, root / "aftercare" / session.name)
    with pytest.raises(ValidationError) as caught:
        validate_files([Path(target)], root)
    assert [f"{p.field}: got {p.got}, expected {p.expected}" for p in caught.value.problems] == [
        'track: got "aftercare", expected an aftercare: section in curriculum/program.yaml']


def rules_checked_elsewhere() -> dict[str, str]:
    """Rules whose fixtures live with the tests of their own issue: rule -> the test file that checks it."""
    return {
        "images_are_local": "tests/test_hardening_reach.py",  # fixtures/reach/image-*.yaml
        "list_items_start_where_the_list_starts": "tests/test_hardening_writing.py",  # fixtures/invalid/hardening/
        "aftercare_has_its_program_section": "tests/test_validation.py",  # above: it needs its own program.yaml
        "every_program_session_has_a_file": "tests/test_validation.py",  # below: the whole curriculum
        "aftercare_cycle_is_whole": "tests/test_validation.py",
    }


def test_every_rule_states_itself_and_has_a_fixture():
    """Each rule the validator runs says what it checks in a one-line docstring, and a test makes it fire."""
    every = [rules.check_text_sizes, *rules.OUTLINE_RULES, *rules.COMPLETE_RULES, *rules.LANGUAGE_RULES,
             *rules.CURRICULUM_RULES]
    for rule in every:
        doc = (rule.__doc__ or "").strip()
        assert doc and "\n" not in doc, f"{rule.__name__}: state the rule in a one-line docstring"
    tested = {c[1] for c in CASES} | {m[1] for m in MISPLACED}
    elsewhere = rules_checked_elsewhere()
    for test_file in elsewhere.values():
        assert (ROOT / test_file).is_file()
    untested = [r.__name__ for r in every if r.__name__ not in tested and r.__name__ not in elsewhere]
    assert not untested, f"add a fixture in tests/fixtures/invalid/ and a case in CASES for: {', '.join(untested)}"


def test_the_language_lists_catch_what_they_should_and_leave_names_alone():
    """The lists behind person_first_language and no_placeholder_text: labels and moralized test results are
    caught; a name ("Alcoholics Anonymous"), a drink ("non-alcoholic") and a quoted term in facilitator text are not."""
    from iopkit.content import language

    assert language.stigmatizing_terms("He is an addict.") == ["addict"]
    assert language.stigmatizing_terms("Her test came back dirty.") == ["dirty"]
    assert language.stigmatizing_terms("I have been clean for 30 days.") == ["clean"]
    assert language.stigmatizing_terms("Substance abuse is a disease.") == ["substance abuse"]
    assert language.stigmatizing_terms('Some people say "addict"; we say person.', allow_quoted=True) == []
    assert language.stigmatizing_terms("Alcoholics Anonymous meets at noon. Try a non-alcoholic drink.") == []
    assert language.placeholders("Write TODO here") == ["TODO"]


# ------------------------------------------------------------------ rules over the whole curriculum

def test_a_missing_session_file_is_named(curriculum_copy):
    """curriculum/sessions/ has one file for each of the sessions program.yaml promises."""
    next((curriculum_copy / "sessions").glob("20-*.yaml")).unlink()
    with pytest.raises(ValidationError) as caught:
        load_curriculum(curriculum_copy)
    assert [str(p).removeprefix(str(curriculum_copy) + "/") for p in caught.value.problems] == [
        "sessions: file: got no file for session 20, expected one file for each of the 36 sessions"]


def test_a_missing_aftercare_session_is_named(curriculum_copy):
    """curriculum/aftercare/ has one file for each session of the aftercare cycle program.yaml describes."""
    next((curriculum_copy / "aftercare").glob("12-*.yaml")).unlink()
    with pytest.raises(ValidationError) as caught:
        load_curriculum(curriculum_copy)
    assert [str(p).removeprefix(str(curriculum_copy) + "/") for p in caught.value.problems] == [
        "aftercare: file: got no file for 12, expected one file for each of the 12 aftercare sessions "
        "(aftercare: sessions in curriculum/program.yaml)"]


def test_two_sessions_with_one_number_or_one_id_are_named(curriculum_copy):
    """Each session's number is its own in its track, and each id is its own across the curriculum."""
    sessions = curriculum_copy / "sessions"
    text = next(sessions.glob("13-*.yaml")).read_text(encoding="utf-8")
    (sessions / "13-high-risk-again.yaml").write_text(
        text.replace("id: high-risk-situations", "id: high-risk-again"), encoding="utf-8")
    elective = yaml.safe_load(text)  # an elective that takes session 5's id
    elective.update(id="urge-surfing", track="elective", pairs_with=["coping-with-cravings"])
    del elective["number"], elective["week"]
    (curriculum_copy / "electives" / "urge-surfing.yaml").write_text(
        yaml.safe_dump(elective, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert (sessions / "05-urge-surfing.yaml").is_file()
    with pytest.raises(ValidationError) as caught:
        load_curriculum(curriculum_copy)
    assert [str(p).removeprefix(str(curriculum_copy) + "/") for p in caught.value.problems] == [
        "sessions/13-high-risk-situations.yaml: number: got 13, expected a number no other session has "
        "(13-high-risk-again.yaml has it)",
        'electives/urge-surfing.yaml: id: got "urge-surfing", expected an id no other session has '
        "(05-urge-surfing.yaml has it)"]


# ------------------------------------------------------------------ reporting

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
    from iopkit.content.curriculum import Collector, load_techniques
    from iopkit.content.schema import WIDGET_TECHNIQUES, WIDGETS
    from iopkit.paths import curriculum_dir

    assert set(WIDGET_TECHNIQUES) == set(WIDGETS)
    known = load_techniques(curriculum_dir(), Collector())
    for widget, serves in WIDGET_TECHNIQUES.items():
        assert serves is None or (serves and set(serves) <= set(known)), widget


def test_a_sheet_that_prints_the_crisis_lines_is_checked_without_loading_the_curriculum_again(
        curriculum_copy, monkeypatch):
    """The relapse-prevention plan's blank sheet prints program.yaml's crisis lines; checking that sheet
    while the curriculum loads must not load the curriculum again (it once recursed without end)."""
    monkeypatch.setenv("IOPKIT_CURRICULUM", str(curriculum_copy))
    path = next((curriculum_copy / "sessions").glob("34-*.yaml"))
    text = path.read_text(encoding="utf-8")
    assert "sheet_in_handout: false" in text
    path.write_text(text.replace("sheet_in_handout: false", "sheet_in_handout: true"), encoding="utf-8")
    try:
        load_curriculum(curriculum_copy)
    except ValidationError as exc:  # the plan sheet repeats session 34's worksheet: a finding, not a crash
        assert "sheet_in_handout" in str(exc)
