"""What each built file is made from (iopkit.pipeline.build's fingerprints), checked without building.

A file is made again exactly when something it shows changes: every session's documents when
code or files they all share change (``shared_fingerprint``; code listed in ``NOT_IN_DOCUMENTS``
never shapes them), the calendar only when titles, dates or times change (``calendar_fingerprint``).
"""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from iopkit.content.curriculum import load_curriculum
from iopkit.pipeline import build
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import Plan, plan_cohort

#: Where each session's documents are made: the notebook's view, the exporters and their PDFs, the
#: kernel's engine, the exercise notebook, the orientation and step-down documents.
DOCUMENT_MODULES = ("render.views", "notebook.exporters", "notebook.engine", "notebook.kernel", "pdf", "pipeline.exercise_notebook",
                    "render.individual_docs")
#: Imports that only check a cohort file as it loads (every build loads it first, whatever changed).
CHECKS_ONLY = {("planning.cohort", "planning.hours"), ("planning.cohort", "planning.reminders")}


def _excluded(module: str) -> bool:
    path = module.replace(".", "/")
    return any((path + ".py").startswith(entry) or (path + "/").startswith(entry) for entry in build.NOT_IN_DOCUMENTS)


def test_code_left_out_of_the_fingerprint_never_shapes_a_document():
    """No module that makes a session's documents imports (even inside a function) one that
    NOT_IN_DOCUMENTS leaves out: editing those can never leave a stale guide or handout."""
    from test_architecture import imports, modules

    known = modules()
    graph = {name: imports(name, path, known) for name, path in known.items()}
    seen, stack, reached = set(), list(DOCUMENT_MODULES), {}
    while stack:
        module = stack.pop()
        if module in seen:
            continue
        seen.add(module)
        for target in graph.get(module, ()):
            if (module, target) not in CHECKS_ONLY:
                reached.setdefault(target, module)
                stack.append(target)
    leaks = {target: via for target, via in reached.items() if _excluded(target)}
    assert not leaks, f"left out of the fingerprint but used to make documents (module: imported by): {leaks}"
    assert "render.books" not in seen  # the books have their own fingerprint (packet_code)


@pytest.fixture(scope="module")
def plan():
    curriculum = load_curriculum()
    return plan_cohort(load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum), curriculum)


def _with_session(plan: Plan, position: int, **changes) -> Plan:
    items = list(plan.sessions)
    item = items[position - 1]
    items[position - 1] = dataclasses.replace(item, session=item.session.model_copy(update=changes))
    return Plan(plan.cohort, tuple(items), plan.curriculum)


def test_the_calendar_changes_with_titles_and_dates_not_with_a_sessions_text(plan):
    key = build.calendar_fingerprint("shared", plan)
    first = plan.sessions[0].session
    assert build.calendar_fingerprint("shared", _with_session(plan, 1, homework=first.homework + " More.")) == key
    assert build.calendar_fingerprint("shared", _with_session(plan, 1, facilitator_notes="Other notes.")) == key
    assert build.calendar_fingerprint("shared", _with_session(plan, 1, title=first.title + " (new)")) != key
    later = dataclasses.replace(plan.sessions[1], date=plan.sessions[2].date)
    assert build.calendar_fingerprint("shared", Plan(plan.cohort, (plan.sessions[0], later, *plan.sessions[2:]),
                                                     plan.curriculum)) != key
    assert build.calendar_fingerprint("other code or cohort", plan) != key


def test_the_shared_fingerprint_does_not_depend_on_where_the_curriculum_is(tmp_path):
    """A curriculum folder copied or moved elsewhere is the same curriculum: nothing is built again."""
    cohort = ROOT / "cohorts" / "example.toml"
    first = shutil.copytree(ROOT / "curriculum", tmp_path / "a" / "curriculum")
    second = shutil.copytree(ROOT / "curriculum", tmp_path / "b" / "elsewhere")
    assert build.shared_fingerprint(first, cohort, None) == build.shared_fingerprint(second, cohort, None)
    overlay = next((second / "translations").rglob("*.yaml"))
    overlay.write_text(overlay.read_text() + "\n# changed\n")
    assert build.shared_fingerprint(first, cohort, None) != build.shared_fingerprint(second, cohort, None)


def test_the_books_code_is_in_the_packets_fingerprint_not_the_sessions(tmp_path, monkeypatch):
    """Changing how the books are laid out makes the books again, not the 36 sessions."""
    from iopkit import paths

    handouts = shutil.copytree(paths.handouts_dir(), tmp_path / "handouts")
    monkeypatch.setattr(paths, "handouts_dir", lambda: handouts)
    cohort, curriculum = ROOT / "cohorts" / "example.toml", ROOT / "curriculum"
    shared, code = build.shared_fingerprint(curriculum, cohort, None), build.packet_code()
    template = handouts / "templates" / "iopkit" / "books" / "contents.html.j2"
    template.write_text(template.read_text() + "\n")
    assert build.shared_fingerprint(curriculum, cohort, None) == shared
    assert build.packet_code() != code
    Path(handouts / "print.css").write_text((handouts / "print.css").read_text() + "\n")
    assert build.shared_fingerprint(curriculum, cohort, None) != shared
