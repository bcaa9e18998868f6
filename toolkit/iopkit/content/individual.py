"""The individual parts of rolling admission: the orientation before a person's first group,
the "finishing today" segment any session can run for a person's last group, and the
step-down visit after it.

Each is a data file in ``curriculum/individual/`` with its own small schema (below),
checked by ``iopkit validate`` under the same rules as a session: every field filled,
person-first language everywhere, no placeholder text, participant prose at grade 8 or
below, and references from ``curriculum/references.yaml``. ``load_individual`` returns an
``Individual`` or adds its problems to the curriculum's collector.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import Field, model_validator

from iopkit.content import language, rules
from iopkit.content.schema import HardMoment, Model, Text, Worksheet

if TYPE_CHECKING:
    from iopkit.content.collect import Collector
    from iopkit.content.sources import Source

FOLDER = "individual"
ORIENTATION = "orientation.yaml"
FINISHING = "finishing.yaml"
STEP_DOWN = "step-down.yaml"
FILES = (ORIENTATION, FINISHING, STEP_DOWN)

#: The five overdose steps as the whole curriculum teaches them (session 1, session 33,
#: the orientation and the step-down visit): one response, the same words everywhere.
FIVE_STEPS = ("Check", "Call 911", "Give naloxone", "Help them breathe", "Stay")

#: How long each visit may run, in minutes (the orientation: 45-60, as the issue asks).
VISIT_MINUTES = {"orientation": (45, 60), "step-down": (30, 60)}
#: The finishing-today segment is short: it fits inside a session's check-out.
FINISHING_MINUTES = (5, 20)

#: Session titles that must not appear in the middle of a person's join list.
ENDING_TITLE = re.compile(r"graduat|stepping down|step-down|farewell|goodbye", re.IGNORECASE)
#: Titles that read oddly in the middle of a person's list ("Welcome" in week seven).
FIRST_DAY_TITLE = re.compile(r"^\s*welcome\b", re.IGNORECASE)


class Part(Model):
    """One timed part of a visit: what the counselor does and says."""

    title: Text
    minutes: int = Field(ge=1, le=30)
    do: Text
    say: str = Field(default="", description="The script: what to say and ask (Markdown)")


class OverdoseStep(Model):
    step: Text
    detail: Text = Field(description="Participant words: what to do at this step")


class TelehealthEmergency(Model):
    """What a telehealth program collects, confirms and does when someone on video is in danger."""

    collect: list[Text] = Field(min_length=3, description="Collected at orientation, kept in the private record")
    find_the_number: list[Text] = Field(min_length=2, description="How to find the dispatch center's 10-digit number")
    check_in: Text = Field(description="The private confirmation at each telehealth check-in")
    routine: Text = Field(description="The standard safety note: what to do in an emergency on video")
    cameras: Text


class Section(Model):
    """A short part of a participant packet: a heading, plain prose, a few points."""

    heading: Text
    text: Text
    points: list[Text] = Field(default=[], max_length=8)
    steps: bool = Field(default=False, description="Print the five overdose steps under this section")


class Packet(Model):
    """What the person takes home: short sections, then forms to fill in by hand."""

    title: Text
    intro: Text
    sections: list[Section] = Field(min_length=1)
    forms: list[Worksheet] = []


class Visit(Model):
    """An individual visit: the orientation before the first group, or the step-down visit after the last."""

    schema_: Literal[1] = Field(alias="schema")
    kind: Literal["orientation", "step-down"]
    title: Text
    who: Text = Field(description="Who attends: one-to-one, or with that week's other new members")
    summary: Text
    before: list[Text] = Field(min_length=1, description="What the counselor prepares")
    parts: list[Part] = Field(min_length=4)
    overdose_steps: list[OverdoseStep] = []
    telehealth_emergency: TelehealthEmergency | None = None
    hard_moments: list[HardMoment] = []
    safety_notes: list[Text] = Field(min_length=1)
    fidelity: list[Text] = Field(min_length=3, max_length=10)
    references: list[Text] = Field(min_length=1)
    packet: Packet

    model_config = Model.model_config | {"populate_by_name": True}

    @property
    def minutes(self) -> int:
        return sum(p.minutes for p in self.parts)


class FinishingStep(Model):
    title: Text
    minutes: int = Field(ge=1, le=10)
    say: Text


class JoinList(Model):
    """How a person's own list of groups reads (``iopkit join``)."""

    orientation: Text = Field(description="The first line: the individual orientation")
    first_group: Text
    last_group: Text
    step_down_visit: Text
    neutral_titles: dict[str, Text] = Field(
        default={}, description="Session id -> the title shown when that session is not the person's last group")


class Finishing(Model):
    """The optional "finishing today" segment, printed in every facilitator guide."""

    schema_: Literal[1] = Field(alias="schema")
    kind: Literal["finishing"]
    title: Text
    when: Text
    before: list[Text] = Field(min_length=1)
    steps: list[FinishingStep] = Field(min_length=3)
    notes: list[Text] = []
    join_list: JoinList

    model_config = Model.model_config | {"populate_by_name": True}

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.steps)

    @model_validator(mode="after")
    def _fits(self) -> "Finishing":
        low, high = FINISHING_MINUTES
        if not low <= self.minutes <= high:
            raise ValueError(f"steps that add up to {low} to {high} minutes (these add up to {self.minutes})")
        return self


@dataclass(frozen=True)
class Individual:
    """The three files of ``curriculum/individual/``, validated."""

    orientation: Visit
    finishing: Finishing
    step_down: Visit
    files: tuple[Path, ...]

    def join_title(self, session) -> str:
        """The title a session shows in the middle of a person's join list: its own, unless that
        speaks of an ending (or a welcome), when the neutral title in finishing.yaml stands in."""
        if not (ENDING_TITLE.search(session.title) or FIRST_DAY_TITLE.search(session.title)):
            return session.title
        neutral = self.finishing.join_list.neutral_titles.get(session.id)
        if neutral:
            return neutral
        if ENDING_TITLE.search(session.title):  # a cohort's own session: no neutral title written
            return "Looking Back and Planning Ahead"
        return session.title


# ------------------------------------------------------------------ loading and rules

def load_individual(root: Path, collector: "Collector", references: dict, curriculum_sessions=None) -> Individual | None:
    """Load and check the three files; add every problem to ``collector``."""
    folder = root / FOLDER
    loaded = {}
    before = len(collector.problems)
    for name in FILES:
        path = folder / name
        if not path.is_file():
            collector.add(path, (), "no such file",
                          f"the {name[:-5]} file in {FOLDER}/ (rolling admission needs it; copy it from the shipped "
                          "curriculum)", raw=True)
            continue
        item = load_individual_file(path, collector, references, curriculum_sessions)
        if item is not None:
            loaded[name] = item
    if len(collector.problems) != before or len(loaded) != len(FILES):
        return None
    return Individual(loaded[ORIENTATION], loaded[FINISHING], loaded[STEP_DOWN],
                      tuple(folder / n for n in FILES))


def load_individual_file(path: Path, collector: "Collector", references: dict, curriculum_sessions=None):
    """One of the three files, checked on its own (``iopkit validate curriculum/individual/FILE``)."""
    from iopkit.content.collect import _read, load_model

    kinds = {ORIENTATION: "orientation", FINISHING: "finishing", STEP_DOWN: "step-down"}
    if path.name not in kinds:
        collector.add(path, (), path.name, "one of " + ", ".join(FILES) + f" (the files of {FOLDER}/)")
        return None
    source = _read(path, collector)
    if source is None:
        return None
    item = load_model(Finishing if path.name == FINISHING else Visit, source, collector)
    if item is None:
        return None
    if item.kind != kinds[path.name]:
        collector.add(source, ("kind",), item.kind, f"{kinds[path.name]} (the kind this file holds)")
    if isinstance(item, Visit):
        _check_visit(item, source, collector, references)
    else:
        _check_finishing(item, source, collector, curriculum_sessions)
    return item


def _check_visit(visit: Visit, source: "Source", collector: "Collector", references: dict) -> None:
    low, high = VISIT_MINUTES[visit.kind]
    if not low <= visit.minutes <= high:
        collector.add(source, ("parts",), f"{visit.minutes} minutes in all",
                      f"{low} to {high} minutes for the {visit.kind} (change the parts' minutes)", raw=True)
    for i, part in enumerate(visit.parts):
        if len(part.say.split()) < 15:
            collector.add(source, ("parts", i, "say"), f"{len(part.say.split())} words",
                          "a script for this part: what to say and ask (15 words or more)", raw=True)
    for i, key in enumerate(visit.references):
        if references and key not in references:
            collector.add(source, ("references", i), key, "a key from curriculum/references.yaml")
    if visit.kind == "orientation":
        if not visit.telehealth_emergency:
            collector.add(source, ("telehealth_emergency",), None,
                          "the telehealth emergency details collected at orientation")
        if not any(s.steps for s in visit.packet.sections):
            collector.add(source, ("packet", "sections"), "no section with steps: true",
                          "one section that prints the five overdose steps", raw=True)
    if visit.overdose_steps or visit.kind == "orientation":
        names = tuple(s.step for s in visit.overdose_steps)
        if names != FIVE_STEPS:
            collector.add(source, ("overdose_steps",), ", ".join(names) or "no steps",
                          "the curriculum's five steps, in order: " + ", ".join(FIVE_STEPS), raw=True)
    if any(s.steps for s in visit.packet.sections) and not visit.overdose_steps:
        collector.add(source, ("overdose_steps",), None, "the five steps, since a packet section prints them")
    if visit.telehealth_emergency:
        routine = visit.telehealth_emergency.routine
        for needed, why in (("own phone", "the participant, or someone with them, dialling 911 from their own phone"),
                            ("10-digit", "the dispatch center's 10-digit number as the back-up"),
                            ("2.51", "documenting the disclosure (42 CFR 2.51)")):
            if needed not in routine:
                collector.add(source, ("telehealth_emergency", "routine"), f'no "{needed}"', why, raw=True)
    check_text(source, collector, participant_text(visit), facilitator_text(visit))
    prose = "\n\n".join([visit.packet.intro] + [s.text for s in visit.packet.sections])
    _check_grade(source, collector, ("packet",), prose)


def _check_finishing(finishing: Finishing, source: "Source", collector: "Collector", sessions) -> None:
    participant: dict[tuple, str] = {("join_list", k): v for k, v in finishing.join_list.model_dump().items() if isinstance(v, str)}
    for sid, title in finishing.join_list.neutral_titles.items():
        participant[("join_list", "neutral_titles", sid)] = title
        if ENDING_TITLE.search(title):
            collector.add(source, ("join_list", "neutral_titles", sid), title,
                          "a title without graduation or stepping down in it (it is shown mid-list)")
    facilitator: dict[tuple, str] = {("title",): finishing.title, ("when",): finishing.when}
    for i, s in enumerate(finishing.steps):
        facilitator[("steps", i, "say")] = s.say
    for name in ("before", "notes"):
        for i, text in enumerate(getattr(finishing, name)):
            facilitator[(name, i)] = text
    check_text(source, collector, participant, facilitator)
    if sessions:
        for session in sessions.values():
            if ENDING_TITLE.search(session.title) and session.id not in finishing.join_list.neutral_titles:
                collector.add(source, ("join_list", "neutral_titles"), f'no title for session "{session.id}"',
                              f'a neutral title for "{session.title}", shown when it is not a person\'s last group',
                              raw=True)
        for sid in finishing.join_list.neutral_titles:
            if sid not in {s.id for s in sessions.values()}:
                collector.add(source, ("join_list", "neutral_titles", sid), sid, "the id of a session in the curriculum")


def participant_text(visit: Visit) -> dict[tuple, str]:
    p = visit.packet
    out: dict[tuple, str] = {("packet", "title"): p.title, ("packet", "intro"): p.intro}
    for i, s in enumerate(p.sections):
        out[("packet", "sections", i, "heading")] = s.heading
        out[("packet", "sections", i, "text")] = s.text
        for j, point in enumerate(s.points):
            out[("packet", "sections", i, "points", j)] = point
    for i, step in enumerate(visit.overdose_steps):
        out[("overdose_steps", i, "detail")] = step.detail
    for i, form in enumerate(p.forms):
        out[("packet", "forms", i, "title")] = form.title
        out[("packet", "forms", i, "instructions")] = form.instructions
        for j, item in enumerate(form.items):
            out[("packet", "forms", i, "items", j, "prompt")] = item.prompt
            for k, option in enumerate(item.options):
                out[("packet", "forms", i, "items", j, "options", k)] = option
            for k, column in enumerate(item.columns):
                out[("packet", "forms", i, "items", j, "columns", k)] = column
            for k, label in enumerate(item.row_labels):
                out[("packet", "forms", i, "items", j, "row_labels", k)] = label
    return out


def facilitator_text(visit: Visit) -> dict[tuple, str]:
    out: dict[tuple, str] = {("title",): visit.title, ("who",): visit.who, ("summary",): visit.summary}
    for i, part in enumerate(visit.parts):
        out[("parts", i, "do")] = part.do
        out[("parts", i, "say")] = part.say
    for name in ("before", "safety_notes", "fidelity"):
        for i, text in enumerate(getattr(visit, name)):
            out[(name, i)] = text
    for i, moment in enumerate(visit.hard_moments):
        out[("hard_moments", i, "response")] = moment.moment + "\n" + moment.response
    t = visit.telehealth_emergency
    if t:
        for name in ("collect", "find_the_number"):
            for i, text in enumerate(getattr(t, name)):
                out[("telehealth_emergency", name, i)] = text
        for name in ("check_in", "routine", "cameras"):
            out[("telehealth_emergency", name)] = getattr(t, name)
    return out


def check_text(source, collector, participant: dict, facilitator: dict) -> None:
    """Placeholders anywhere; stigmatizing terms (quoted ones allowed in facilitator text): the session rules."""
    rules.report_placeholders(source, collector, [*participant.items(), *facilitator.items()])
    rules.report_stigmatizing_terms(source, collector, participant, strict=True)
    rules.report_stigmatizing_terms(source, collector, facilitator, strict=False)


def _check_grade(source, collector, loc: tuple, prose: str) -> None:
    rules.report_reading_level(source, collector, loc, language.readability(prose))
