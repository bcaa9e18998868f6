"""Load the curriculum (program defaults, sessions, bibliography, techniques) and validate it.

``load_curriculum`` returns a ``Curriculum`` or raises one ``ValidationError`` that lists
every problem in every file, each as ``file:line: field: got X, expected Y``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic

from iopkit import paths
from iopkit.content import rules
from iopkit.content.collect import (  # noqa: F401  (the reporter, by the names callers use)
    COLON_FIX,
    PATTERN_WORDS,
    Collector,
    _display,
    _expected,
    _read,
    field_name,
    load_model,
    pydantic_problems,
)
from iopkit.content.rules import (  # noqa: F401  (the rules, by the names callers use)
    MAX_EXPLANATION_WORDS,
    MIN_SCRIPT_WORDS,
    ONE_LINE_FIELDS,
    check_images,
    check_language,
    check_text_sizes,
    facilitator_text,
    participant_text,
)
from iopkit.content.schema import OutlineSession, Program, Reference, Session, Technique, session_model
from iopkit.errors import UnknownSessionError
from iopkit.fsguard import input_folder
from iopkit.io import PickleCache, digest

if TYPE_CHECKING:
    from iopkit.content.individual import Individual

#: How a cohort file names an elective: ``elective:tobacco``.
ELECTIVE_PREFIX = "elective:"


@dataclass(frozen=True)
class Curriculum:
    """Everything in ``curriculum/``, validated."""

    root: Path
    program: Program
    sessions: dict[int, OutlineSession]
    files: dict[int, Path]
    references: dict[str, Reference]
    techniques: dict[str, tuple[str, Technique]]  # id -> (group, technique)
    electives: dict[str, OutlineSession] = field(default_factory=dict)  # id -> elective (curriculum/electives/)
    elective_files: dict[str, Path] = field(default_factory=dict)
    aftercare: dict[int, OutlineSession] = field(default_factory=dict)  # the aftercare cycle (curriculum/aftercare/)
    aftercare_files: dict[int, Path] = field(default_factory=dict)
    #: The orientation, the finishing-today segment and the step-down visit (iopkit.content.individual).
    individual: "Individual | None" = None

    def track(self, name: str) -> tuple[dict[int, OutlineSession], dict[int, Path]]:
        """A numbered track's sessions and files: ``iop`` (the 36) or ``aftercare``."""
        return (self.aftercare, self.aftercare_files) if name == "aftercare" else (self.sessions, self.files)

    def session(self, number: int) -> OutlineSession:
        try:
            return self.sessions[number]
        except KeyError:
            raise UnknownSessionError(
                f"Session {number} is not in the curriculum ({self.root / 'sessions'}); "
                f"it has sessions {min(self.sessions)} to {max(self.sessions)}."
            ) from None

    def by_id(self, session_id: str) -> OutlineSession:
        for session in self.sessions.values():
            if session.id == session_id:
                return session
        raise UnknownSessionError(f'There is no session with id "{session_id}" in {self.root / "sessions"}.')

    def complete(self) -> list[Session]:
        return [s for s in self.sessions.values() if isinstance(s, Session)]

    def elective(self, key: str) -> OutlineSession:
        """``elective:tobacco`` or ``tobacco`` -> that elective."""
        name = key.strip().removeprefix(ELECTIVE_PREFIX).strip()
        try:
            return self.electives[name]
        except KeyError:
            known = ", ".join(ELECTIVE_PREFIX + k for k in self.electives) or "none yet"
            raise UnknownSessionError(f'There is no elective "{name}" in {self.root / "electives"} '
                                      f"(electives: {known}).") from None


def load_program(root: Path, collector: Collector) -> Program | None:
    source = _read(root / "program.yaml", collector)
    return load_model(Program, source, collector) if source else None


def load_references(root: Path, collector: Collector) -> dict[str, Reference]:
    source = _read(root / "references.yaml", collector)
    out: dict[str, Reference] = {}
    if not source:
        return out
    for key, value in (source.data or {}).items():
        try:
            out[key] = Reference.model_validate(value)
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                collector.add(source, (key,) + tuple(error["loc"]), error.get("input"), _expected(error))
    return out


def load_techniques(root: Path, collector: Collector) -> dict[str, tuple[str, Technique]]:
    source = _read(root / "techniques.yaml", collector)
    out: dict[str, tuple[str, Technique]] = {}
    if not source:
        return out
    for group, items in (source.data or {}).items():
        for i, value in enumerate(items or []):
            try:
                technique = Technique.model_validate(value)
            except pydantic.ValidationError as exc:
                for error in exc.errors():
                    collector.add(source, (group, i) + tuple(error["loc"]), error.get("input"), _expected(error))
                continue
            out[technique.id] = (group, technique)
    return out


def load_session_file(
    path: Path,
    collector: Collector,
    *,
    program: Program | None,
    references: dict[str, Reference],
    techniques: dict[str, tuple[str, Technique]],
    curriculum_file: bool = True,
) -> OutlineSession | None:
    """Load one session file and check every rule that concerns it alone (``iopkit.content.rules``)."""
    source = _read(path, collector)
    if source is None:
        return None
    data = source.data if isinstance(source.data, dict) else {}
    if not check_text_sizes(source, collector):
        return None
    session = load_model(session_model(data.get("status")), source, collector)
    if session is None:
        return None
    before = len(collector.problems)
    rules.check_session(session, source, collector, rules.Context(path, program, references, techniques,
                                                                  curriculum_file))
    return session if len(collector.problems) == before else None


def session_files(root: Path) -> list[Path]:
    return sorted((root / "sessions").glob("*.yaml"))


def elective_files(root: Path) -> list[Path]:
    return sorted((root / "electives").glob("*.yaml"))


def aftercare_files(root: Path) -> list[Path]:
    return sorted((root / "aftercare").glob("*.yaml"))


def load_curriculum(root: Path | None = None) -> Curriculum:
    """Load and validate the whole curriculum; raise one error listing every problem."""
    root = input_folder(Path(root) if root else paths.curriculum_dir(), "curriculum folder")
    return _load_cached(root.resolve(), _fingerprint(root.resolve()))


def _fingerprint(root: Path) -> tuple:
    files = [root / "program.yaml", root / "references.yaml", root / "techniques.yaml", *session_files(root),
             *elective_files(root), *aftercare_files(root), *sorted((root / "individual").glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())


#: Session files that passed every rule of their own, kept between processes (``iopkit.io``): each under
#: the digest of the file, the curriculum files its rules read and the code that checks it
#: (``_code_key``). Reading 36 sessions again costs about a third of a second in each process that
#: loads the curriculum (the build, and the notebook of each session it builds); an edit of one
#: session file then reads that file alone.
SESSIONS = PickleCache("sessions")


@lru_cache(maxsize=1)
def _code_key() -> str:
    """The code that loads and checks a session file: this layer and the ones below it (the
    package's own modules, ``content/`` and ``exercises/``; tests/test_architecture.py holds the
    layers), the versions of iopkit, pydantic and Python."""
    import sys

    from iopkit._version import __version__

    package = Path(__file__).resolve().parents[1]
    parts: list[bytes | str] = [__version__, pydantic.VERSION, sys.version]
    for path in sorted([*package.glob("*.py"), *(package / "content").rglob("*.py"),
                        *(package / "exercises").rglob("*.py")]):
        parts += [path.relative_to(package).as_posix(), path.read_bytes()]
    return digest(*parts)


def _context_key(root: Path) -> str | None:
    """What a session file's own rules read besides the file: the program, references and techniques."""
    try:
        return digest(_code_key(), *((root / name).read_bytes()
                                     for name in ("program.yaml", "references.yaml", "techniques.yaml")))
    except OSError:
        return None


def _load_session(path: Path, collector: Collector, context: str | None, **curriculum) -> OutlineSession | None:
    """``load_session_file``, or the session as it passed the same rules on the same inputs before."""
    key = None
    if context is not None:
        try:
            key = digest(context, str(path), path.read_bytes())
        except OSError:
            key = None
        kept = SESSIONS.get(key) if key else None
        if isinstance(kept, OutlineSession):
            return kept
    before = len(collector.problems)
    session = load_session_file(path, collector, **curriculum)
    # A session that shows images is checked again every time: its rules read the image files too.
    if key and session is not None and len(collector.problems) == before and not rules.shows_images(session):
        SESSIONS.put(key, session)
    return session


@lru_cache(maxsize=4)
def _load_cached(root: Path, _fingerprint: tuple) -> Curriculum:
    collector = Collector()
    program = load_program(root, collector)
    references = load_references(root, collector)
    techniques = load_techniques(root, collector)
    context = _context_key(root) if program is not None and not collector.problems else None
    sessions: dict[int, OutlineSession] = {}
    files: dict[int, Path] = {}
    ids: dict[str, Path] = {}
    for path in session_files(root):
        session = _load_session(path, collector, context, program=program, references=references,
                                techniques=techniques)
        if session is None:
            continue
        if session.number in sessions:
            collector.add(path, ("number",), session.number, f"a number no other session has ({files[session.number].name} has it)")
            continue
        if session.id in ids:
            collector.add(path, ("id",), session.id, f"an id no other session has ({ids[session.id].name} has it)")
            continue
        sessions[session.number] = session
        files[session.number] = path
        ids[session.id] = path
    electives: dict[str, OutlineSession] = {}
    electives_at: dict[str, Path] = {}
    for path in elective_files(root):
        session = _load_session(path, collector, context, program=program, references=references,
                                techniques=techniques)
        if session is None:
            continue
        if session.id in ids or session.id in electives:
            other = ids.get(session.id) or electives_at[session.id]
            collector.add(path, ("id",), session.id, f"an id no other session has ({other.name} has it)")
            continue
        electives[session.id] = session
        electives_at[session.id] = path
    cycle: dict[int, OutlineSession] = {}
    cycle_files: dict[int, Path] = {}
    for path in aftercare_files(root):
        session = _load_session(path, collector, context, program=program, references=references,
                                techniques=techniques)
        if session is None:
            continue
        taken = cycle_files.get(session.number)
        if taken or session.id in ids or session.id in electives or session.id in {s.id for s in cycle.values()}:
            what = f"number {session.number}" if taken else f"id {session.id}"
            collector.add(path, ("number",) if taken else ("id",), what, "one no other session has", raw=True)
            continue
        cycle[session.number] = session
        cycle_files[session.number] = path
    for rule in rules.CURRICULUM_RULES:  # once every file passed its own, each only if the one before did
        if program and not collector.problems:
            rule(root, program, sessions, cycle, collector)
    from iopkit.content.individual import load_individual

    individual = load_individual(root, collector, references, sessions)
    SESSIONS.save()
    collector.raise_if_any()
    assert program is not None
    return Curriculum(root, program, dict(sorted(sessions.items())), files, references, techniques,
                      electives, electives_at, dict(sorted(cycle.items())), cycle_files, individual)


def validate_files(files: list[Path], root: Path | None = None) -> list[OutlineSession]:
    """Check session files on their own against the curriculum's rules (for a writer at work)."""
    root = input_folder(Path(root) if root else paths.curriculum_dir(), "curriculum folder")
    collector = Collector()
    program = load_program(root, collector)
    references = load_references(root, collector)
    techniques = load_techniques(root, collector)
    out = []
    for path in files:
        if Path(path).parent.name == "individual":  # the orientation, finishing or step-down file
            from iopkit.content.individual import load_individual_file

            load_individual_file(Path(path), collector, references)
            continue
        session = load_session_file(Path(path), collector, program=program, references=references,
                                    techniques=techniques)
        if session is not None:
            out.append(session)
    collector.raise_if_any()
    return out
