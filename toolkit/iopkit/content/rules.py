"""The content rules: what ``iopkit validate`` checks in a session file beyond its schema.

Each rule is a small function whose docstring states the rule in one line. It reports
through the ``Collector`` as ``file:line: field: got X, expected Y``. The loader
(``iopkit.content.curriculum``) runs them in the order of the lists below:

- ``check_text_sizes`` first, on the raw file, before the schema (a huge text is refused unread);
- ``OUTLINE_RULES`` on every session file that matches the schema (outlines too);
- ``COMPLETE_RULES`` on a complete session;
- ``LANGUAGE_RULES`` on a complete session whose text has not passed them before under these
  rules (they are the slow part: reading level, Markdown lists; ``iopkit.content.language`` keeps
  the verdicts);
- ``CURRICULUM_RULES`` once on the whole curriculum, when every file passed.

That two files share a number or an id the loader finds as it gathers the files (it keeps
the first and names the second).

A rule lives here once; tests/test_validation.py has a fixture file for each failure mode
(tests/fixtures/invalid/) and checks the message a counselor sees. Rules over one field's own
type and limits are in the schema (``iopkit.content.schema``).
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from iopkit.content import handout_sheets, language
from iopkit.content.collect import Collector, _display, field_name
from iopkit.content.schema import (
    REQUIRED_BLOCKS,
    TRACK_FOLDERS,
    WIDGETS,
    AgendaBlock,
    BlockKind,
    OutlineSession,
    Program,
    Reference,
    Session,
    Technique,
)
from iopkit.content.sources import Source, leaves
from iopkit.errors import Problem, describe
from iopkit.limits import MAX_LINE_CHARS, MAX_SESSION_LINE_CHARS, MAX_SESSION_TEXT_CHARS

#: Fewest words of facilitator script a complete 3-hour session may have.
MIN_SCRIPT_WORDS = 600
#: Fewest words of script in each block but the break.
MIN_BLOCK_SAY_WORDS = 15
#: Most words of handout explanation: it must fit on one printed page.
MAX_EXPLANATION_WORDS = 400
#: Fewest words of handout explanation: enough to teach the idea in full sentences (WRITING.md: about 200-350).
MIN_EXPLANATION_WORDS = 120
#: Fewest words of homework: one small, concrete practice said plainly.
MIN_HOMEWORK_WORDS = 10
#: Fewest sentences of handout prose (explanation and homework) for a reading level to mean anything.
MIN_PROSE_SENTENCES = 4
#: Words that show a check-in asks for a craving rating (WRITING.md: craving 0-10, mood 0-10, any use).
CRAVING_WORDS = ("crav", "urge")
#: Words that show a check-out gives the confidentiality reminder (WRITING.md: what is shared stays in the room).
CONFIDENTIALITY_WORDS = ("confiden", "stays in", "private")
#: Closing quotes and brackets a discussion prompt may end with after its question mark.
_PROMPT_CLOSERS = '"\u201d\')'

#: Fields printed on one line (running headers, contents, calendar entries): no line breaks.
ONE_LINE_FIELDS = {("title",), ("id",), ("handout", "title"), ("exercise", "title"),
                   ("handout", "worksheet", "title")}


@dataclass(frozen=True)
class Context:
    """What a session file's rules need besides the file: the curriculum's other files and where it sits."""

    path: Path
    program: Program | None
    references: dict[str, Reference]
    techniques: dict[str, tuple[str, Technique]]
    #: False for a cohort's own session file (a swap): it is not named or placed like a curriculum file.
    curriculum_file: bool = True

    @property
    def image_roots(self) -> tuple[Path, ...]:
        """Where the session's images may come from: the curriculum folder, or the custom file's folder."""
        return (self.path.parent.parent,) if self.curriculum_file else (self.path.parent,)


Rule = Callable[[OutlineSession, Source, Collector, Context], None]


# ------------------------------------------------------------------ the raw file

def check_text_sizes(source: Source, collector: Collector) -> bool:
    """Titles are one short line and no text is longer than a person would write (docs/limits.md)."""
    before = len(collector.problems)
    for loc, value in leaves(source.data):
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
    return len(collector.problems) == before


# ------------------------------------------------------------------ every session file (outlines too)

def elective_has_no_number_or_week(session, source, collector, context) -> None:
    """An elective has no number and no week: a cohort gives it its place."""
    if session.track != "elective":
        return
    for name in ("number", "week"):
        if getattr(session, name) is not None:
            collector.add(source, (name,), getattr(session, name),
                          f"no {name} for an elective (a cohort gives it its place)")


def elective_pairs_with_core_sessions(session, source, collector, context) -> None:
    """An elective names the core sessions it pairs with (pairs_with)."""
    if session.track == "elective" and not session.pairs_with:
        collector.add(source, ("pairs_with",), None,
                      "the ids of one or more core sessions this elective pairs with (from `iopkit list`)")


def numbered_session_has_number_and_week(session, source, collector, context) -> None:
    """A session of the 36 or of the aftercare cycle has a number and a week."""
    if session.track == "elective":
        return
    for name in ("number", "week"):
        if getattr(session, name) is None:
            collector.add(source, (name,), None, "a value for this required field")


def pairs_with_only_in_an_elective(session, source, collector, context) -> None:
    """Only an elective has pairs_with."""
    if session.track != "elective" and session.pairs_with:
        collector.add(source, ("pairs_with",), "a list", "pairs_with only in an elective (track: elective)",
                      raw=True)


def _folder_track(context: Context) -> str | None:
    """The track whose folder holds the file, if it is one of the curriculum's session folders."""
    return next((t for t, f in TRACK_FOLDERS.items() if f == context.path.parent.name), None)


def _in_its_folder(session, context: Context) -> bool:
    folder = _folder_track(context)
    return context.curriculum_file and (folder is None or folder == session.track)


def track_matches_folder(session, source, collector, context) -> None:
    """A file in curriculum/sessions/, aftercare/ or electives/ has that folder's track."""
    folder = _folder_track(context)
    if context.curriculum_file and folder is not None and folder != session.track:
        collector.add(source, ("track",), session.track,
                      f"{folder} (this file is in curriculum/{context.path.parent.name}/)")


def file_named_for_number_and_id(session, source, collector, context) -> None:
    """A session file is named NN-id.yaml (an elective: id.yaml), so the folder lists sessions in order."""
    if not _in_its_folder(session, context):
        return
    name = context.path.name
    if session.track == "elective":
        if name != f"{session.id}.yaml":
            collector.add(source, ("id",), name, f"the file to be named {session.id}.yaml (its id)")
        return
    if session.number is None or session.week is None:
        return
    expected_name = f"{session.number:02d}-{session.id}.yaml"
    if name != expected_name:
        collector.add(source, ("id",), name, f"the file to be named {expected_name} (its number and id)")


def week_follows_number(session, source, collector, context) -> None:
    """The week follows from the number: sessions_per_week a week; in aftercare, one a week."""
    if not _in_its_folder(session, context) or session.track == "elective" \
            or session.number is None or session.week is None:
        return
    if session.track == "aftercare":
        if session.week != session.number:
            collector.add(source, ("week",), session.week,
                          f"{session.number} (aftercare meets once a week: its week is its number)")
        return
    program = context.program
    if program:
        week = (session.number - 1) // program.sessions_per_week + 1
        if session.week != week:
            collector.add(
                source, ("week",), session.week,
                f"{week} (session {session.number} at {program.sessions_per_week} sessions a week)",
            )


def number_within_program(session, source, collector, context) -> None:
    """A session of the 36 has a number from 1 to the program's sessions (program.yaml)."""
    program = context.program
    if not _in_its_folder(session, context) or session.track != "iop" or not program or session.number is None:
        return
    if session.number > program.sessions:
        collector.add(source, ("number",), session.number,
                      f"a number from 1 to {program.sessions} (curriculum/program.yaml has sessions: "
                      f"{program.sessions})")


def techniques_are_known(session, source, collector, context) -> None:
    """Each technique is an id from curriculum/techniques.yaml."""
    for i, technique in enumerate(session.techniques):
        if context.techniques and technique not in context.techniques:
            collector.add(source, ("techniques", i), technique, "a technique id from curriculum/techniques.yaml")


def family_audience_lists_family_session(session, source, collector, context) -> None:
    """A family session (audience: family) lists the family-session technique, and only a family session does."""
    is_family = session.audience == "family"
    if is_family and "family-session" not in session.techniques:
        collector.add(source, ("techniques",), "no family-session", "family-session listed, since audience is family")
    if not is_family and "family-session" in session.techniques:
        collector.add(source, ("audience",), session.audience, "family, since techniques lists family-session")


OUTLINE_RULES: tuple[Rule, ...] = (
    elective_has_no_number_or_week,
    elective_pairs_with_core_sessions,
    numbered_session_has_number_and_week,
    pairs_with_only_in_an_elective,
    track_matches_folder,
    file_named_for_number_and_id,
    week_follows_number,
    number_within_program,
    techniques_are_known,
    family_audience_lists_family_session,
)


# ------------------------------------------------------------------ a complete session

def _length(session: Session, program: Program | None):
    """The program numbers a session's agenda is held to: program.yaml's, or its aftercare: section's."""
    if session.track == "aftercare":
        return program.aftercare if program else None
    return program


def aftercare_has_its_program_section(session, source, collector, context) -> None:
    """An aftercare session needs the aftercare: section of program.yaml (its length and break)."""
    if session.track == "aftercare" and context.program and context.program.aftercare is None:
        collector.add(source, ("track",), "aftercare", "an aftercare: section in curriculum/program.yaml")


def agenda_adds_up(session, source, collector, context) -> None:
    """The blocks' minutes add up to the session length in program.yaml."""
    spec = _length(session, context.program)
    if spec and session.minutes != spec.session_minutes:
        where = "the aftercare session length" if session.track == "aftercare" else "the session length"
        collector.add(
            source, ("agenda",), f"{session.minutes} minutes in all",
            f"{spec.session_minutes} ({where} in curriculum/program.yaml); "
            "change the blocks' minutes so they add up", raw=True,
        )


def _required_blocks(session: Session) -> list[BlockKind]:
    # An aftercare group of 90 minutes may run without a break.
    return [k for k in REQUIRED_BLOCKS if not (session.track == "aftercare" and k == BlockKind.brk)]


def agenda_has_every_required_block(session, source, collector, context) -> None:
    """The agenda has a check-in, bridge, teaching, break, practice, wellness, homework and check-out block."""
    kinds = [block.kind for block in session.agenda]
    required = _required_blocks(session)
    missing = [k.value for k in required if k not in kinds]
    if missing:
        collector.add(source, ("agenda",), "no " + ", ".join(missing) + " block", "one block of each kind: "
                      + ", ".join(k.value for k in required), raw=True)


def agenda_starts_with_check_in(session, source, collector, context) -> None:
    """The first block is the check-in."""
    if session.agenda and session.agenda[0].kind != BlockKind.check_in:
        collector.add(source, ("agenda", 0, "kind"), session.agenda[0].kind.value, "check-in as the first block")


def agenda_ends_with_check_out(session, source, collector, context) -> None:
    """The last block is the check-out."""
    last = len(session.agenda) - 1
    if session.agenda and session.agenda[last].kind != BlockKind.check_out:
        collector.add(source, ("agenda", last, "kind"), session.agenda[last].kind.value,
                      "check-out as the last block")


def _breaks(session: Session) -> list[int]:
    return [i for i, block in enumerate(session.agenda) if block.kind == BlockKind.brk]


def agenda_has_one_break(session, source, collector, context) -> None:
    """The agenda has one break, not two."""
    breaks = _breaks(session)
    if len(breaks) > 1:
        collector.add(source, ("agenda", breaks[1], "kind"), "a second break", "one break in the middle")


def break_has_the_program_length(session, source, collector, context) -> None:
    """The break lasts the break_minutes of program.yaml (in aftercare: of its aftercare: section)."""
    spec = _length(session, context.program)
    breaks = _breaks(session)
    if spec and breaks and session.agenda[breaks[0]].minutes != spec.break_minutes:
        collector.add(source, ("agenda", breaks[0], "minutes"), session.agenda[breaks[0]].minutes,
                      f"{spec.break_minutes} (the break length in curriculum/program.yaml)"
                      + ("; or no break block at all" if session.track == "aftercare" else ""))


def every_block_has_a_script(session, source, collector, context) -> None:
    """Every block but the break has a say of 15 words or more."""
    for i, block in enumerate(session.agenda):
        words = len(block.say.split())
        if block.kind != BlockKind.brk and words < MIN_BLOCK_SAY_WORDS:
            collector.add(source, ("agenda", i, "say"), f"{words} words",
                          f"a script for this block: what to say and ask ({MIN_BLOCK_SAY_WORDS} words or more)",
                          raw=True)


def session_has_enough_script(session, source, collector, context) -> None:
    """The session has at least 600 words of facilitator script (blocks, notes, bridge, hard moments)."""
    if session.script_words < MIN_SCRIPT_WORDS:
        collector.add(source, ("agenda",), f"{session.script_words} words of facilitator script",
                      f"at least {MIN_SCRIPT_WORDS} words across the blocks, notes and hard moments", raw=True)


def _first_block(session: Session, kind: BlockKind, last: bool = False) -> tuple[int, AgendaBlock] | None:
    found = [(i, b) for i, b in enumerate(session.agenda) if b.kind == kind]
    return (found[-1] if last else found[0]) if found else None


def check_in_asks_for_a_craving_rating(session, source, collector, context) -> None:
    """The check-in's script asks each person for a craving rating (it says "craving" or "urge")."""
    found = _first_block(session, BlockKind.check_in)
    if found and not any(word in found[1].say.lower() for word in CRAVING_WORDS):
        collector.add(source, ("agenda", found[0], "say"), "a check-in that never asks about cravings",
                      'a craving rating in the check-in: ask each person how strong their craving or urge is, '
                      "0 to 10 (see curriculum/WRITING.md)", raw=True)


def check_out_gives_the_confidentiality_reminder(session, source, collector, context) -> None:
    """The check-out gives the confidentiality reminder (its say or do speaks of what stays private)."""
    found = _first_block(session, BlockKind.check_out, last=True)
    if found and not any(word in (found[1].say + " " + found[1].do).lower() for word in CONFIDENTIALITY_WORDS):
        collector.add(source, ("agenda", found[0], "say"), "a check-out with no confidentiality reminder",
                      "the confidentiality reminder at check-out: what others share here stays in the room "
                      "(see curriculum/WRITING.md)", raw=True)


def discussion_prompts_are_questions(session, source, collector, context) -> None:
    """Each discussion prompt is an open question: it ends with a question mark."""
    for i, prompt in enumerate(session.discussion_prompts):
        if not prompt.strip().rstrip(_PROMPT_CLOSERS).endswith("?"):
            collector.add(source, ("discussion_prompts", i), prompt,
                          "a question that ends with a question mark (put a note for the facilitator "
                          "in the discussion block's say instead)")


def references_are_known(session, source, collector, context) -> None:
    """Each reference is a key from curriculum/references.yaml."""
    for i, key in enumerate(session.references):
        if key not in context.references:
            collector.add(source, ("references", i), key, "a key from curriculum/references.yaml")


def widget_is_known(session, source, collector, context) -> None:
    """exercise.widget names one of the interactive exercises in the library."""
    widget = session.exercise.widget
    if widget and widget not in WIDGETS:
        collector.add(source, ("exercise", "widget"), widget,
                      "one of the interactive exercises: " + ", ".join(WIDGETS))


def exercise_sheet_fits_the_handout(session, source, collector, context) -> None:
    """A printed exercise sheet neither repeats the worksheet nor asks for what the session does not teach."""
    widget = session.exercise.widget
    if not widget or widget not in WIDGETS:
        return
    for loc, got, expected in handout_sheets.sheet_problems(session):
        # sheet_in_handout is true by default: with no such line, point at the widget line.
        line = source.line_of(loc if loc in source.lines else ("exercise", "widget"))
        collector.problems.append(Problem(_display(source.path), line, field_name(loc), got, expected))


def explanation_fits_on_a_page(session, source, collector, context) -> None:
    """The handout explanation has at most 400 words, so it fits on one printed page."""
    words = len(session.handout.explanation.split())
    if words > MAX_EXPLANATION_WORDS:
        collector.add(source, ("handout", "explanation"), f"{words} words",
                      f"at most {MAX_EXPLANATION_WORDS} words, so the explanation fits on one page", raw=True)


def explanation_teaches_the_idea(session, source, collector, context) -> None:
    """The handout explanation has at least 120 words: the idea told in full, not a list of headings."""
    words = len(session.handout.explanation.split())
    if words < MIN_EXPLANATION_WORDS:
        collector.add(source, ("handout", "explanation"), f"{words} words",
                      f"at least {MIN_EXPLANATION_WORDS} words, so a person who missed the session can learn "
                      "the idea from the handout (about 200 to 350)", raw=True)


def homework_is_concrete(session, source, collector, context) -> None:
    """The homework has at least 10 words: one small practice, said plainly."""
    words = len(session.homework.split())
    if words < MIN_HOMEWORK_WORDS:
        collector.add(source, ("homework",), f"{words} words",
                      f"at least {MIN_HOMEWORK_WORDS} words: one small, concrete practice before the next "
                      "session (what to do, when, and how to note it)", raw=True)


def images_are_local(session, source, collector, context) -> None:
    """Images come only from the session's own folders: no URL, no absolute path (iopkit.reach)."""
    check_images(session, source, collector, context.image_roots)


def shows_images(session: OutlineSession) -> bool:
    """Whether any text of the session shows an image (its rules then read the image files as well)."""
    from iopkit.reach import image_sources

    if not isinstance(session, Session):
        return False
    return any(image_sources(text) for text in {**participant_text(session), **facilitator_text(session)}.values())


def check_images(session: Session, source: Source, collector: Collector, roots: tuple[Path, ...]) -> None:
    """Images only from the given folders: no URL, no absolute path (iopkit.reach)."""
    from iopkit.reach import EXPECTED, check_image, image_sources

    for loc, text in {**participant_text(session), **facilitator_text(session)}.items():
        for src in image_sources(text):
            why, _ = check_image(src, roots)
            if why:
                collector.add(source, loc, f"{why} ({describe(src)})", EXPECTED, raw=True)


COMPLETE_RULES: tuple[Rule, ...] = (
    aftercare_has_its_program_section,
    agenda_adds_up,
    agenda_has_every_required_block,
    agenda_starts_with_check_in,
    agenda_ends_with_check_out,
    agenda_has_one_break,
    break_has_the_program_length,
    every_block_has_a_script,
    session_has_enough_script,
    check_in_asks_for_a_craving_rating,
    check_out_gives_the_confidentiality_reminder,
    discussion_prompts_are_questions,
    references_are_known,
    widget_is_known,
    exercise_sheet_fits_the_handout,
    explanation_fits_on_a_page,
    explanation_teaches_the_idea,
    homework_is_concrete,
    images_are_local,
)


# ------------------------------------------------------------------ language (slow: kept behind a cache)

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


def _every_text(value) -> Iterator[tuple[tuple, str]]:
    """Every text in the file's data, with its location (titles, materials and roles included)."""
    return ((loc, v) for loc, v in leaves(value) if isinstance(v, str))


def report_placeholders(source: Source, collector: Collector, texts: Iterable[tuple[tuple, str]]) -> None:
    """Each placeholder (TODO, TBD, FIXME, lorem, "[insert") in ``texts`` (location, text), as a problem."""
    for loc, text in texts:
        for marker in language.placeholders(text):
            collector.add(source, loc, f'placeholder text "{marker}"', "finished writing", raw=True)


def report_stigmatizing_terms(source: Source, collector: Collector, texts: dict[tuple, str], strict: bool,
                              spoken: Callable[[tuple], bool] = lambda loc: False) -> None:
    """Each stigmatizing term in ``texts``; with ``strict`` False (facilitator text), quoted ones are allowed."""
    for loc, text in texts.items():
        for term in dict.fromkeys(language.stigmatizing_terms(text, allow_quoted=not strict, spoken=spoken(loc))):
            collector.add(source, loc, f'the word "{term}"',
                          f'person-first language: say {language.STIGMATIZING_TERMS[term]}', raw=True)


def report_reading_level(source: Source, collector: Collector, loc: tuple, score: language.Readability) -> None:
    """Prose for participants: 4 full sentences or more, at grade 8 or below."""
    if score.sentences < MIN_PROSE_SENTENCES:
        plural = "s" if score.sentences != 1 else ""
        collector.add(source, loc, f"{score.sentences} sentence{plural} of prose",
                      f"a short explanation in full sentences ({MIN_PROSE_SENTENCES} or more)", raw=True)
    elif score.grade > language.MAX_GRADE:
        collector.add(source, loc, f"reading grade {score.grade:.1f}",
                      f"grade {language.MAX_GRADE:.0f} or below (use shorter sentences and common words; aim for 6)",
                      raw=True)


def no_placeholder_text(session, source, collector, context) -> None:
    """No placeholder text (TODO, TBD, FIXME, lorem, "[insert") in any field of the file."""
    report_placeholders(source, collector, _every_text(source.data))


def list_items_start_where_the_list_starts(session, source, collector, context) -> None:
    """Every item of a Markdown list starts where the first one starts (none is joined to the one before)."""
    for loc, text in {**participant_text(session), **facilitator_text(session)}.items():
        for line in language.joined_list_items(text):
            number = line.split()[0]
            collector.add(source, loc, f"a list item joined to the one before it ({describe(line)})",
                          f'every item of the list starting where the first one starts: remove the spaces '
                          f'before "{number}" (indent only the lines that continue an item)', raw=True)


def person_first_language(session, source, collector, context) -> None:
    """No stigmatizing term: never in what participants read; in facilitator text only quoted, to correct it."""
    report_stigmatizing_terms(source, collector, participant_text(session), strict=True)
    report_stigmatizing_terms(source, collector, facilitator_text(session), strict=False,
                              spoken=lambda loc: len(loc) == 3 and loc[0] == "agenda" and loc[2] == "say")


def _handout_prose(session: Session) -> language.Readability:
    return language.readability(session.handout.explanation + "\n\n" + session.homework)


def handout_prose_is_in_sentences(session, source, collector, context) -> None:
    """The handout's prose (explanation and homework, bullets and headings aside) has 4 sentences or more."""
    score = _handout_prose(session)
    if score.sentences < MIN_PROSE_SENTENCES:
        plural = "s" if score.sentences != 1 else ""
        collector.add(source, ("handout", "explanation"), f"{score.sentences} sentence{plural} of prose",
                      f"a short explanation in full sentences ({MIN_PROSE_SENTENCES} or more)", raw=True)


def handout_reads_at_grade_8(session, source, collector, context) -> None:
    """The handout's prose reads at Flesch-Kincaid grade 8 or below (aim for 6)."""
    score = _handout_prose(session)
    if score.sentences >= MIN_PROSE_SENTENCES and score.grade > language.MAX_GRADE:
        collector.add(source, ("handout", "explanation"), f"reading grade {score.grade:.1f}",
                      f"grade {language.MAX_GRADE:.0f} or below (use shorter sentences and common words; aim for 6)",
                      raw=True)


LANGUAGE_RULES: tuple[Rule, ...] = (
    no_placeholder_text,
    list_items_start_where_the_list_starts,
    person_first_language,
    handout_prose_is_in_sentences,
    handout_reads_at_grade_8,
)


def check_language(session: Session, source: Source, collector: Collector, context: Context) -> None:
    """Run the language rules (placeholders, lists, person-first words, reading level) on a complete session."""
    for rule in LANGUAGE_RULES:
        rule(session, source, collector, context)


#: Changes whenever these rules or the language lists change, so cached "passed" verdicts expire with them.
RULES_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def check_session(session: OutlineSession, source: Source, collector: Collector, context: Context) -> None:
    """Run every rule for one session file, in the order of the lists above."""
    for rule in OUTLINE_RULES:
        rule(session, source, collector, context)
    if not isinstance(session, Session):
        return
    for rule in COMPLETE_RULES:
        rule(session, source, collector, context)
    # The language rules are the slow part; a text that passed them under these rules is not checked again.
    key = RULES_DIGEST + "\0" + source.text
    if language.passed_before(key):
        return
    before = len(collector.problems)
    check_language(session, source, collector, context)
    if len(collector.problems) == before:
        language.remember_passed(key)


# ------------------------------------------------------------------ the whole curriculum

def every_program_session_has_a_file(root: Path, program: Program, sessions: dict, cycle: dict,
                                     collector: Collector) -> None:
    """curriculum/sessions/ has one file for each of the program's sessions (sessions in program.yaml)."""
    missing = sorted(set(range(1, program.sessions + 1)) - set(sessions))
    if missing:
        collector.add(root / "sessions", (), f"no file for session{'s' if len(missing) > 1 else ''} "
                      + ", ".join(map(str, missing)), f"one file for each of the {program.sessions} sessions",
                      raw=True)


def aftercare_cycle_is_whole(root: Path, program: Program, sessions: dict, cycle: dict,
                             collector: Collector) -> None:
    """curriculum/aftercare/ has one file for each session of the aftercare cycle, and no more."""
    if not program.aftercare or not cycle:
        return
    wanted = set(range(1, program.aftercare.sessions + 1))
    missing, extra = sorted(wanted - set(cycle)), sorted(set(cycle) - wanted)
    if missing or extra:
        got = ("no file for " + ", ".join(map(str, missing))) if missing else ("sessions " + ", ".join(map(str, extra)))
        collector.add(root / "aftercare", (), got, f"one file for each of the {program.aftercare.sessions} "
                      "aftercare sessions (aftercare: sessions in curriculum/program.yaml)", raw=True)


#: Run in this order once every file passed its own rules, each only if the one before found nothing.
CURRICULUM_RULES = (
    aftercare_cycle_is_whole,
    every_program_session_has_a_file,
)
