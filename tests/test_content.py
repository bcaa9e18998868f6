"""Content checks on every session file in the curriculum, as a clinical director would check them.

Each check runs on each session file present, so a failure names the session. The
rules themselves (the stigmatizing-term list, the reading-level limit, placeholder
markers) live in one place: iopkit.content.language.
"""
from __future__ import annotations

import pytest

from iopkit.content import language
from iopkit import paths
from iopkit.content.coverage import coverage_map
from iopkit.content.curriculum import load_curriculum, participant_text, session_files
from iopkit.content.schema import BlockKind, Session

CURRICULUM = load_curriculum()
COMPLETE = CURRICULUM.complete()
IDS = [f"{s.number:02d}-{s.id}" for s in COMPLETE]


def test_every_session_file_is_valid_and_there_are_36():
    assert len(session_files(paths.curriculum_dir())) == CURRICULUM.program.sessions == 36
    assert sorted(CURRICULUM.sessions) == list(range(1, 37))


@pytest.mark.parametrize("session", COMPLETE, ids=IDS)
def test_agenda_adds_up_with_one_break_and_every_required_block(session: Session):
    assert session.minutes == CURRICULUM.program.session_minutes
    kinds = [b.kind for b in session.agenda]
    assert kinds.count(BlockKind.brk) == 1
    assert kinds[0] == BlockKind.check_in and kinds[-1] == BlockKind.check_out
    check_in = session.agenda[0].say.lower()
    assert "crav" in check_in or "urge" in check_in, "check-in asks for a craving rating"
    check_out = session.agenda[-1].say.lower() + session.agenda[-1].do.lower()
    assert "confiden" in check_out or "stays in" in check_out or "private" in check_out, \
        "check-out gives the confidentiality reminder"


@pytest.mark.parametrize("session", COMPLETE, ids=IDS)
def test_required_parts_are_present_and_not_trivial(session: Session):
    assert 2 <= len(session.objectives) <= 4
    assert len(session.discussion_prompts) >= 4 and all(p.strip().rstrip('"\u201d\')').endswith("?") for p in session.discussion_prompts)
    assert len(session.exercise.steps) >= 3
    assert len(session.hard_moments) >= 3
    assert 4 <= len(session.fidelity) <= 8
    assert session.script_words >= 600
    assert len(session.handout.explanation.split()) >= 120
    assert len(session.handout.worksheet.items) >= 2
    assert len(session.homework.split()) >= 10
    assert session.new_member_bridge.strip() and session.safety_notes and session.telehealth


@pytest.mark.parametrize("session", COMPLETE, ids=IDS)
def test_handout_prose_reads_at_grade_8_or_below(session: Session):
    score = language.readability(session.handout.explanation + "\n\n" + session.homework)
    assert score.sentences >= 4
    assert score.grade <= language.MAX_GRADE, f"grade {score.grade:.1f}"


@pytest.mark.parametrize("session", COMPLETE, ids=IDS)
def test_participant_text_uses_person_first_language(session: Session):
    for loc, text in participant_text(session).items():
        assert not language.stigmatizing_terms(text), (loc, language.stigmatizing_terms(text))


@pytest.mark.parametrize("session", COMPLETE, ids=IDS)
def test_no_placeholder_text_and_references_resolve(session: Session):
    raw = CURRICULUM.files[session.number].read_text()
    assert not language.placeholders(raw)
    assert all(key in CURRICULUM.references for key in session.references)


def test_language_rules_catch_what_they_should():
    """The checker itself: these must be caught, and these must not be."""
    assert language.stigmatizing_terms("He is an addict.") == ["addict"]
    assert language.stigmatizing_terms("Her test came back dirty.") == ["dirty"]
    assert language.stigmatizing_terms("I have been clean for 30 days.") == ["clean"]
    assert language.stigmatizing_terms("Substance abuse is a disease.") == ["substance abuse"]
    assert language.stigmatizing_terms('Some people say "addict"; we say person.', allow_quoted=True) == []
    assert language.stigmatizing_terms("Alcoholics Anonymous meets at noon. Try a non-alcoholic drink.") == []
    assert language.placeholders("Write TODO here") == ["TODO"]


def test_every_required_technique_is_taught_somewhere():
    """The coverage map is complete: a session dropping a technique makes this fail."""
    missing = [f"{row.group}: {row.name}" for row in coverage_map(CURRICULUM) if not row.covered]
    assert missing == []


def test_family_sessions_are_spread_across_the_program():
    family = sorted(s.number for s in CURRICULUM.sessions.values() if s.audience == "family")
    assert len(family) >= 3
    assert family[0] <= 14 and family[-1] >= 24
