"""The curriculum as a whole, as a clinical director would check it before it ships.

Every rule about one session file (the agenda, the check-in and check-out, the handout's
length and reading level, person-first words, placeholders, references) lives in the validator,
``iopkit.content.rules``, and is tested with a fixture per rule in tests/test_validation.py.
Loading the curriculum runs them all on every file, so they are not repeated here. What stays
is what no single file shows: that nothing ships half-written, that the program teaches every
technique it promises, and that family sessions are spread across the weeks.
"""
from __future__ import annotations

import pytest

from iopkit.content.coverage import coverage_map
from iopkit.content.curriculum import Curriculum, load_curriculum
from iopkit.content.schema import Session


@pytest.fixture(scope="module")
def curriculum() -> Curriculum:
    """The shipped curriculum (or IOPKIT_TEST_CURRICULUM's): loading it runs every rule of `iopkit validate`."""
    return load_curriculum()


def test_every_session_ships_written_in_full(curriculum):
    """The validator accepts outlines (a session planned, not yet written) but only complete sessions are built:
    every session of the program, every elective and every aftercare session is written in full."""
    outlines = [f"sessions/{n}" for n, s in curriculum.sessions.items() if not isinstance(s, Session)]
    outlines += [f"electives/{k}" for k, s in curriculum.electives.items() if not isinstance(s, Session)]
    outlines += [f"aftercare/{n}" for n, s in curriculum.aftercare.items() if not isinstance(s, Session)]
    assert outlines == []


def test_every_required_technique_is_taught_somewhere(curriculum):
    """The coverage map is complete: a session dropping a technique makes this fail.

    Not a validator rule: a program writing its own curriculum plans techniques in outlines first,
    and `iopkit coverage` shows what is still missing."""
    missing = [f"{row.group}: {row.name}" for row in coverage_map(curriculum) if not row.covered]
    assert missing == []


def test_family_sessions_are_spread_across_the_program(curriculum):
    """Family members can join early and late: the first family session falls in the first 14 sessions (by
    week 5) and the last in session 24 or later (the last third). How many there are is the coverage map's
    family-session technique (at least 3)."""
    family = sorted(s.number for s in curriculum.sessions.values() if s.audience == "family")
    assert family, "no session has audience: family"
    assert family[0] <= 14 and family[-1] >= 24, family
