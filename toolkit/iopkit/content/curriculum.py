"""Load the curriculum (program defaults, sessions, bibliography, techniques) and validate it.

``load_curriculum`` returns a ``Curriculum`` or raises one ``ValidationError`` that lists
every problem in every file, each as ``file:line: field: got X, expected Y``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import pydantic

from iopkit.content import handout_sheets, language
from iopkit import paths
from iopkit.errors import Problem, UnknownSessionError, describe
from iopkit.content.schema import REQUIRED_BLOCKS, TRACK_FOLDERS, WIDGETS, BlockKind, OutlineSession, Program, Reference, Session, Technique, session_model
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
from iopkit.content.sources import Source

if TYPE_CHECKING:
    from iopkit.content.individual import Individual

SESSION_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.yaml$")
#: How a cohort file names an elective: ``elective:tobacco``.
ELECTIVE_PREFIX = "elective:"
#: Fewest words of facilitator script a complete 3-hour session may have.
MIN_SCRIPT_WORDS = 600
#: Most words of handout explanation: it must fit on one printed page.
MAX_EXPLANATION_WORDS = 400


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
    """Load one session file and check every rule that concerns it alone."""
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
    _check_track(session, source, collector)
    if curriculum_file:
        _check_file_name(path, session, source, collector, program)
    _check_techniques(session, source, collector, techniques)
    _check_audience(session, source, collector)
    if isinstance(session, Session):
        _check_agenda(session, source, collector, program)
        _check_references(session, source, collector, references)
        _check_exercise(session, source, collector)
        check_images(session, source, collector, (path.parent.parent,) if curriculum_file else (path.parent,))
        # The language checks are the slow part; a file that passed them unchanged is not checked again.
        text = source.text
        if not language.passed_before(text):
            before_language = len(collector.problems)
            check_language(session, source, collector)
            if len(collector.problems) == before_language:
                language.remember_passed(text)
    return session if len(collector.problems) == before else None


def _check_track(session, source, collector) -> None:
    """Sessions of the 36 have a number and a week; an elective has neither and pairs with core sessions."""
    if session.track == "elective":
        for name in ("number", "week"):
            if getattr(session, name) is not None:
                collector.add(source, (name,), getattr(session, name),
                              f"no {name} for an elective (a cohort gives it its place)")
        if not session.pairs_with:
            collector.add(source, ("pairs_with",), None,
                          "the ids of one or more core sessions this elective pairs with (from `iopkit list`)")
        return
    for name in ("number", "week"):
        if getattr(session, name) is None:
            collector.add(source, (name,), None, "a value for this required field")
    if session.pairs_with:
        collector.add(source, ("pairs_with",), "a list", "pairs_with only in an elective (track: elective)",
                      raw=True)


#: Fields printed on one line (running headers, contents, calendar entries): no line breaks.
ONE_LINE_FIELDS = {("title",), ("id",), ("handout", "title"), ("exercise", "title"),
                   ("handout", "worksheet", "title")}


def check_text_sizes(source: Source, collector: Collector) -> bool:
    """Titles are one short line and no text is longer than a person would write (docs/limits.md)."""
    from iopkit.limits import MAX_LINE_CHARS, MAX_SESSION_LINE_CHARS, MAX_SESSION_TEXT_CHARS

    before = len(collector.problems)

    def walk(value, loc):
        if isinstance(value, str):
            one_line = loc in ONE_LINE_FIELDS
            limit = MAX_LINE_CHARS if one_line else MAX_SESSION_TEXT_CHARS
            if len(value) > limit:
                collector.add(source, loc, f"{len(value):,} characters", f"at most {limit:,} characters "
                              "(see docs/limits.md)", raw=True)
            elif one_line and "\n" in value.strip():
                collector.add(source, loc, "a title on more than one line",
                              "a title on one line (no | and no line break)", raw=True)
            elif not one_line and "\n" not in value.strip() and len(value) > MAX_SESSION_LINE_CHARS \
                    and (loc[:1] == ("objectives",) or loc[:2] == ("handout", "key_points")):
                collector.add(source, loc, f"{len(value):,} characters", f"at most {MAX_SESSION_LINE_CHARS:,}",
                              raw=True)
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, loc + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, loc + (i,))

    walk(source.data, ())
    return len(collector.problems) == before


def _check_file_name(path, session, source, collector, program) -> None:
    folder = TRACK_FOLDERS[session.track]
    if path.parent.name in TRACK_FOLDERS.values() and path.parent.name != folder:
        track = next(t for t, f in TRACK_FOLDERS.items() if f == path.parent.name)
        collector.add(source, ("track",), session.track, f"{track} (this file is in curriculum/{path.parent.name}/)")
        return
    if session.track == "elective":
        if path.name != f"{session.id}.yaml":
            collector.add(source, ("id",), path.name, f"the file to be named {session.id}.yaml (its id)")
        return
    if session.number is None or session.week is None:
        return
    match = SESSION_FILE.match(path.name)
    expected_name = f"{session.number:02d}-{session.id}.yaml"
    if not match or path.name != expected_name:
        collector.add(source, ("id",), path.name, f"the file to be named {expected_name} (its number and id)")
    if session.track == "aftercare":
        if session.week != session.number:
            collector.add(source, ("week",), session.week,
                          f"{session.number} (aftercare meets once a week: its week is its number)")
        return
    if program:
        week = (session.number - 1) // program.sessions_per_week + 1
        if session.week != week:
            collector.add(
                source, ("week",), session.week,
                f"{week} (session {session.number} at {program.sessions_per_week} sessions a week)",
            )


def _check_techniques(session, source, collector, techniques) -> None:
    for i, technique in enumerate(session.techniques):
        if techniques and technique not in techniques:
            collector.add(source, ("techniques", i), technique, "a technique id from curriculum/techniques.yaml")


def _check_audience(session, source, collector) -> None:
    is_family = session.audience == "family"
    if is_family and "family-session" not in session.techniques:
        collector.add(source, ("techniques",), "no family-session", "family-session listed, since audience is family")
    if not is_family and "family-session" in session.techniques:
        collector.add(source, ("audience",), session.audience, "family, since techniques lists family-session")


def _check_agenda(session: Session, source: Source, collector: Collector, program: Program | None) -> None:
    aftercare = session.track == "aftercare"
    if aftercare and program and program.aftercare is None:
        collector.add(source, ("track",), "aftercare", "an aftercare: section in curriculum/program.yaml")
        return
    spec = program.aftercare if aftercare and program else program
    if spec and session.minutes != spec.session_minutes:
        where = "the aftercare session length" if aftercare else "the session length"
        collector.add(
            source, ("agenda",), f"{session.minutes} minutes in all",
            f"{spec.session_minutes} ({where} in curriculum/program.yaml); "
            "change the blocks' minutes so they add up", raw=True,
        )
    kinds = [block.kind for block in session.agenda]
    # An aftercare group of 90 minutes may run without a break.
    required = [k for k in REQUIRED_BLOCKS if not (aftercare and k == BlockKind.brk)]
    missing = [k.value for k in required if k not in kinds]
    if missing:
        collector.add(source, ("agenda",), "no " + ", ".join(missing) + " block", "one block of each kind: "
                      + ", ".join(k.value for k in required), raw=True)
    if kinds and kinds[0] != BlockKind.check_in:
        collector.add(source, ("agenda", 0, "kind"), kinds[0].value, "check-in as the first block")
    if kinds and kinds[-1] != BlockKind.check_out:
        collector.add(source, ("agenda", len(kinds) - 1, "kind"), kinds[-1].value, "check-out as the last block")
    breaks = [i for i, k in enumerate(kinds) if k == BlockKind.brk]
    if len(breaks) > 1:
        collector.add(source, ("agenda", breaks[1], "kind"), "a second break", "one break in the middle")
    if spec and breaks and session.agenda[breaks[0]].minutes != spec.break_minutes:
        collector.add(source, ("agenda", breaks[0], "minutes"), session.agenda[breaks[0]].minutes,
                      f"{spec.break_minutes} (the break length in curriculum/program.yaml)"
                      + ("; or no break block at all" if aftercare else ""))
    for i, block in enumerate(session.agenda):
        if block.kind != BlockKind.brk and len(block.say.split()) < 15:
            collector.add(source, ("agenda", i, "say"), f"{len(block.say.split())} words",
                          "a script for this block: what to say and ask (15 words or more)", raw=True)
    if session.script_words < MIN_SCRIPT_WORDS:
        collector.add(source, ("agenda",), f"{session.script_words} words of facilitator script",
                      f"at least {MIN_SCRIPT_WORDS} words across the blocks, notes and hard moments", raw=True)


def _check_exercise(session: Session, source: Source, collector: Collector) -> None:
    widget = session.exercise.widget
    if widget and widget not in WIDGETS:
        collector.add(source, ("exercise", "widget"), widget, "one of the interactive exercises: " + ", ".join(WIDGETS))
    elif widget:
        for loc, got, expected in handout_sheets.sheet_problems(session):
            # sheet_in_handout is true by default: with no such line, point at the widget line.
            line = source.line_of(loc if loc in source.lines else ("exercise", "widget"))
            collector.problems.append(Problem(_display(source.path), line, field_name(loc), got, expected))
    words = len(session.handout.explanation.split())
    if words > MAX_EXPLANATION_WORDS:
        collector.add(source, ("handout", "explanation"), f"{words} words",
                      f"at most {MAX_EXPLANATION_WORDS} words, so the explanation fits on one page", raw=True)


def check_images(session: Session, source: Source, collector: Collector, roots: tuple[Path, ...]) -> None:
    """Images only from the session's own folders: no URL, no absolute path (iopkit.reach)."""
    from iopkit.reach import EXPECTED, check_image, image_sources

    for loc, text in {**participant_text(session), **facilitator_text(session)}.items():
        for src in image_sources(text):
            why, _ = check_image(src, roots)
            if why:
                collector.add(source, loc, f"{why} ({describe(src)})", EXPECTED, raw=True)


def _check_references(session: Session, source: Source, collector: Collector, references) -> None:
    for i, key in enumerate(session.references):
        if key not in references:
            collector.add(source, ("references", i), key, "a key from curriculum/references.yaml")


def participant_text(session: Session) -> dict[tuple, str]:
    """Every field a participant reads, by location in the file."""
    h = session.handout
    out: dict[tuple, str] = {
        ("handout", "title"): h.title,
        ("handout", "explanation"): h.explanation,
        ("handout", "worksheet", "title"): h.worksheet.title,
        ("handout", "worksheet", "instructions"): h.worksheet.instructions,
        ("homework",): session.homework,
    }
    for i, point in enumerate(h.key_points):
        out[("handout", "key_points", i)] = point
    for i, item in enumerate(h.worksheet.items):
        out[("handout", "worksheet", "items", i, "prompt")] = item.prompt
        for j, option in enumerate(item.options):
            out[("handout", "worksheet", "items", i, "options", j)] = option
        for j, column in enumerate(item.columns):
            out[("handout", "worksheet", "items", i, "columns", j)] = column
        for j, label in enumerate(item.row_labels):
            out[("handout", "worksheet", "items", i, "row_labels", j)] = label
    return out


def facilitator_text(session: Session) -> dict[tuple, str]:
    """Every other field: what the facilitator reads or says aloud."""
    out: dict[tuple, str] = {("title",): session.title, ("summary",): session.summary,
                             ("new_member_bridge",): session.new_member_bridge,
                             ("facilitator_notes",): session.facilitator_notes}
    for i, o in enumerate(session.objectives):
        out[("objectives", i)] = o
    for i, b in enumerate(session.agenda):
        out[("agenda", i, "do")] = b.do
        out[("agenda", i, "say")] = b.say
    for i, m in enumerate(session.hard_moments):
        out[("hard_moments", i, "response")] = m.moment + "\n" + m.response
    for i, p in enumerate(session.discussion_prompts):
        out[("discussion_prompts", i)] = p
    for i, s in enumerate(session.exercise.steps):
        out[("exercise", "steps", i)] = s
    for i, s in enumerate(session.exercise.scenario_cards):
        out[("exercise", "scenario_cards", i)] = s
    out[("exercise", "telehealth")] = session.exercise.telehealth
    for name in ("fidelity", "safety_notes", "telehealth"):
        for i, s in enumerate(getattr(session, name)):
            out[(name, i)] = s
    return out


def check_language(session: Session, source: Source, collector: Collector) -> None:
    """Placeholders anywhere; stigmatizing terms (quoted ones allowed in facilitator text); reading level."""
    for strict, texts in ((True, participant_text(session)), (False, facilitator_text(session))):
        for loc, text in texts.items():
            for marker in language.placeholders(text):
                collector.add(source, loc, f'placeholder text "{marker}"', "finished writing", raw=True)
            for line in language.joined_list_items(text):
                number = line.split()[0]
                collector.add(source, loc, f"a list item joined to the one before it ({describe(line)})",
                              f'every item of the list starting where the first one starts: remove the spaces '
                              f'before "{number}" (indent only the lines that continue an item)', raw=True)
            spoken = not strict and len(loc) == 3 and loc[0] == "agenda" and loc[2] == "say"
            for term in dict.fromkeys(language.stigmatizing_terms(text, allow_quoted=not strict, spoken=spoken)):
                collector.add(source, loc, f'the word "{term}"',
                              f'person-first language: say {language.STIGMATIZING_TERMS[term]}', raw=True)
    score = language.readability(session.handout.explanation + "\n\n" + session.homework)
    if score.sentences < 4:
        collector.add(source, ("handout", "explanation"), f"{score.sentences} sentences of prose",
                      "a short explanation in full sentences (4 or more)", raw=True)
    elif score.grade > language.MAX_GRADE:
        collector.add(source, ("handout", "explanation"), f"reading grade {score.grade:.1f}",
                      f"grade {language.MAX_GRADE:.0f} or below (use shorter sentences and common words; aim for 6)",
                      raw=True)


def session_files(root: Path) -> list[Path]:
    return sorted((root / "sessions").glob("*.yaml"))


def elective_files(root: Path) -> list[Path]:
    return sorted((root / "electives").glob("*.yaml"))


def aftercare_files(root: Path) -> list[Path]:
    return sorted((root / "aftercare").glob("*.yaml"))


def load_curriculum(root: Path | None = None) -> Curriculum:
    """Load and validate the whole curriculum; raise one error listing every problem."""
    from iopkit.fsguard import input_folder

    root = input_folder(Path(root) if root else paths.curriculum_dir(), "curriculum folder")
    return _load_cached(root.resolve(), _fingerprint(root.resolve()))


def _fingerprint(root: Path) -> tuple:
    files = [root / "program.yaml", root / "references.yaml", root / "techniques.yaml", *session_files(root),
             *elective_files(root), *aftercare_files(root), *sorted((root / "individual").glob("*.yaml"))]
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())


@lru_cache(maxsize=4)
def _load_cached(root: Path, _fingerprint: tuple) -> Curriculum:
    collector = Collector()
    program = load_program(root, collector)
    references = load_references(root, collector)
    techniques = load_techniques(root, collector)
    sessions: dict[int, OutlineSession] = {}
    files: dict[int, Path] = {}
    ids: dict[str, Path] = {}
    for path in session_files(root):
        session = load_session_file(path, collector, program=program, references=references, techniques=techniques)
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
        session = load_session_file(path, collector, program=program, references=references, techniques=techniques)
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
        session = load_session_file(path, collector, program=program, references=references, techniques=techniques)
        if session is None:
            continue
        taken = cycle_files.get(session.number)
        if taken or session.id in ids or session.id in electives or session.id in {s.id for s in cycle.values()}:
            what = f"number {session.number}" if taken else f"id {session.id}"
            collector.add(path, ("number",) if taken else ("id",), what, "one no other session has", raw=True)
            continue
        cycle[session.number] = session
        cycle_files[session.number] = path
    if program and program.aftercare and cycle and not collector.problems:
        missing = sorted(set(range(1, program.aftercare.sessions + 1)) - set(cycle))
        extra = sorted(set(cycle) - set(range(1, program.aftercare.sessions + 1)))
        if missing or extra:
            got = ("no file for " + ", ".join(map(str, missing))) if missing else ("sessions " + ", ".join(map(str, extra)))
            collector.add(root / "aftercare", (), got, f"one file for each of the {program.aftercare.sessions} "
                          "aftercare sessions (aftercare: sessions in curriculum/program.yaml)", raw=True)
    if program and not collector.problems:
        expected = set(range(1, program.sessions + 1))
        missing = sorted(expected - set(sessions))
        if missing:
            collector.add(root / "sessions", (), f"no file for session{'s' if len(missing) > 1 else ''} "
                          + ", ".join(map(str, missing)), f"one file for each of the {program.sessions} sessions", raw=True)
    from iopkit.content.individual import load_individual

    individual = load_individual(root, collector, references, sessions)
    collector.raise_if_any()
    assert program is not None
    return Curriculum(root, program, dict(sorted(sessions.items())), files, references, techniques,
                      electives, electives_at, dict(sorted(cycle.items())), cycle_files, individual)


def validate_files(files: list[Path], root: Path | None = None) -> list[OutlineSession]:
    """Check session files on their own against the curriculum's rules (for a writer at work)."""
    from iopkit.fsguard import input_folder

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
