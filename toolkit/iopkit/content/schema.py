"""The versioned schema of a session file, the program defaults and the bibliography.

A session file (``curriculum/sessions/NN-slug.yaml``) is either an *outline* (its
place in the scope and sequence: title, week, phase, approaches, objectives,
techniques) or *complete* (every part of the content standard). The build only
accepts complete sessions. ``SCHEMA_VERSION`` changes when a field changes meaning.
"""
from __future__ import annotations

import re
from enum import Enum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]


class Model(BaseModel):
    """Strict by default: an unknown field is a typo a counselor should hear about."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Approach(str, Enum):
    CRA = "CRA"
    MBRP = "MBRP"
    RP = "RP"
    DBT = "DBT"
    ACT = "ACT"
    family = "family"
    wellness = "wellness"
    safety = "safety"
    psychoeducation = "psychoeducation"
    transition = "transition"


class Phase(str, Enum):
    """SAMHSA TIP 47's treatment phases."""

    engagement = "engagement"
    early_abstinence = "early-abstinence"
    maintaining_abstinence = "maintaining-abstinence"
    community_integration = "community-integration"


class BlockKind(str, Enum):
    check_in = "check-in"
    bridge = "bridge"
    teaching = "teaching"
    discussion = "discussion"
    practice = "practice"
    brk = "break"
    wellness = "wellness"
    homework = "homework"
    check_out = "check-out"


#: Every complete session's agenda has at least one block of each of these kinds.
REQUIRED_BLOCKS = (
    BlockKind.check_in,
    BlockKind.bridge,
    BlockKind.teaching,
    BlockKind.brk,
    BlockKind.practice,
    BlockKind.wellness,
    BlockKind.homework,
    BlockKind.check_out,
)


#: The interactive exercises in the library (``iopkit.exercises``); a session's
#: ``exercise.widget`` names one of these.
WIDGETS = (
    "group-check-in",
    "happiness-scale",
    "functional-analysis",
    "decisional-balance",
    "urge-surfing",
    "sober-breathing-space",
    "high-risk-map",
    "values-card-sort",
    "goals-builder",
    "refusal-cards",
    "weekly-planner",
    "relapse-prevention-plan",
    "kind-wishes",
)

#: What each interactive exercise's printed sheet is for: a session that prints the sheet in its
#: handout (``exercise.sheet_in_handout``) teaches at least one of these techniques
#: (ids from ``curriculum/techniques.yaml``). ``None``: the sheet fits any session.
WIDGET_TECHNIQUES: dict[str, tuple[str, ...] | None] = {
    "group-check-in": None,
    "happiness-scale": ("happiness-scale", "goals-of-counseling", "stepping-down"),
    "functional-analysis": ("functional-analysis-using", "functional-analysis-pleasant", "high-risk-situations"),
    # "Good things about using" belongs only where outcome expectancies or the decision to stop are taught.
    "decisional-balance": ("outcome-expectancies", "dialectical-abstinence"),
    "urge-surfing": ("urge-surfing",),
    "sober-breathing-space": ("sober-breathing-space",),
    "high-risk-map": ("high-risk-situations", "coping-self-efficacy", "warning-signs"),
    "values-card-sort": ("values", "committed-action", "self-as-context"),
    "goals-builder": ("goals-of-counseling", "committed-action", "job-skills", "aftercare"),
    "refusal-cards": ("refusal-skills",),
    "weekly-planner": ("sobriety-sampling", "social-recreational", "functional-analysis-pleasant", "lifestyle-balance",
                       "self-care-balance", "sleep", "movement", "committed-action"),
    "relapse-prevention-plan": ("relapse-prevention-plan", "warning-signs", "aftercare", "stepping-down"),
    "kind-wishes": ("loving-kindness",),
}


class AgendaBlock(Model):
    """One timed part of the session and what the facilitator does and says in it."""

    kind: BlockKind = Field(description="What kind of block this is.")
    title: Text = Field(description="The block's title, as printed in the guide.")
    minutes: int = Field(ge=5, le=120, multiple_of=5, description="How long the block runs.")
    do: Text = Field(description="What the facilitator does, in a sentence or two.")
    say: str = Field(default="", description="The script: what to say and ask, answers to expect (Markdown).")


class HardMoment(Model):
    """A hard moment this topic can bring up, and how to respond."""

    moment: Text = Field(description="What happens in the room.")
    response: Text = Field(description="What the facilitator says and does.")


class ExerciseKind(str, Enum):
    role_play = "role-play"
    guided_practice = "guided-practice"
    worksheet = "worksheet"
    game = "game"


class Exercise(Model):
    """The experiential exercise, step by step, with its telehealth version."""

    title: Text = Field(description="The exercise's name, as printed.")
    kind: ExerciseKind = Field(description="What kind of exercise it is.")
    minutes: int = Field(ge=5, le=120, description="How long it runs.")
    materials: list[Text] = Field(default=[], description="What to have ready.")
    steps: list[Text] = Field(min_length=3, description="The steps in order, each with its timing.")
    roles: list[Text] = Field(default=[], description="Role-plays: who plays whom.")
    scenario_cards: list[Text] = Field(default=[], description="Role-plays: one situation per card.")
    observers_watch_for: list[Text] = Field(default=[], description="Role-plays: what observers listen for.")
    telehealth: Text = Field(description="How it runs on a video call.")
    widget: Slug | None = Field(default=None, description="The id of an interactive exercise in the library.")
    sheet_in_handout: bool = Field(
        default=True, description="Print the widget's blank paper version in the handout (false when the "
                                  "worksheet already is that form, or the sheet is for the facilitator)")


class Scale(Model):
    low: int = Field(default=0, description="The number at the left end.")
    high: int = Field(default=10, description="The number at the right end.")
    low_label: str = Field(default="", description="Words under the left end.")
    high_label: str = Field(default="", description="Words under the right end.")


class WorksheetItem(Model):
    """One thing to fill in. ``kind`` picks how it prints on paper."""

    kind: Literal["lines", "scale", "checklist", "table"] = Field(default="lines", description="How it prints.")
    prompt: Text = Field(description="The question or instruction, as printed.")
    lines: int = Field(default=3, ge=1, le=12, description="Ruled lines to write on (kind lines).")
    scale: Scale | None = Field(default=None, description="The scale's ends (kind scale).")
    options: list[Text] = Field(default=[], description="The choices to tick (kind checklist).")
    other_option: bool = Field(default=False, description='A checklist ends with "Something else: ____"')
    columns: list[Text] = Field(default=[], description="The column headings (kind table).")
    rows: int = Field(default=4, ge=1, le=14, description="Blank rows (kind table).")
    row_labels: list[Text] = Field(default=[], max_length=14, description="A table's first column, printed")

    @model_validator(mode="after")
    def _kind_has_its_parts(self) -> "WorksheetItem":
        if self.kind == "checklist" and not self.options:
            raise ValueError("options (a list of choices to tick), since this item is a checklist")
        if self.kind == "table" and len(self.columns) < 2:
            raise ValueError("columns (at least two column headings), since this item is a table")
        return self


class Worksheet(Model):
    title: Text = Field(description="The worksheet's title, as printed.")
    instructions: Text = Field(description="One or two sentences on how to fill it in.")
    items: list[WorksheetItem] = Field(min_length=2, description="The things to fill in, in order.")


class Handout(Model):
    """What participants take home: a one-page explanation and a worksheet."""

    title: Text = Field(description="The handout's title, as printed.")
    explanation: Text = Field(description="Plain-language prose (Markdown), grade 8 or below.")
    key_points: list[Text] = Field(default=[], max_length=6, description="Short lines to remember.")
    worksheet: Worksheet = Field(description="The worksheet printed after the explanation.")


#: Where a session file sits: ``iop`` (curriculum/sessions/, the 36), ``aftercare``
#: (curriculum/aftercare/, the weekly step-down group's repeating cycle), ``elective``
#: (curriculum/electives/, swapped in or added by a cohort).
Track = Literal["iop", "aftercare", "elective"]
#: The folder of curriculum/ that holds each track's session files.
TRACK_FOLDERS = {"iop": "sessions", "aftercare": "aftercare", "elective": "electives"}


class OutlineSession(Model):
    """A session's place in the scope and sequence; every session file has these fields.

    Sessions of the 36 have a ``number`` and ``week``; an elective has neither (its place
    is the one a cohort gives it) and names the core sessions it ``pairs_with`` instead.
    """

    schema_: Literal[1] = Field(alias="schema", description="The schema version.")
    status: Literal["outline", "complete"] = Field(description="outline: its place only; complete: every field.")
    track: Track = Field(default="iop", description="iop (the 36), aftercare (the weekly cycle) or elective.")
    id: Slug = Field(description="A short name for the session.")
    number: int | None = Field(default=None, ge=1, le=99, description="The session's place in its track.")
    title: Text = Field(description="The session's title, as printed.")
    week: int | None = Field(default=None, ge=1, le=52, description="The program week.")
    pairs_with: list[Slug] = Field(default=[], description="An elective: ids of core sessions it pairs well "
                                                           "with (or could replace).")
    phase: Phase = Field(description="The treatment phase (SAMHSA TIP 47).")
    approaches: list[Approach] = Field(min_length=1, description="The approaches the session draws on.")
    audience: Literal["group", "family"] = Field(default="group", description="family: designed for family "
                                                                               "members and supporters to attend.")
    techniques: list[Slug] = Field(min_length=1, description="Ids from curriculum/techniques.yaml it teaches.")
    objectives: list[Text] = Field(min_length=2, max_length=4, description="What a participant can do by the end.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Session(OutlineSession):
    """A complete session: every part of the content standard."""

    status: Literal["complete"]
    summary: Text = Field(description="Two or three sentences for the facilitator: what the session is for.")
    agenda: list[AgendaBlock] = Field(min_length=8, description="The timed blocks, in order.")
    new_member_bridge: Text = Field(description="What to say and do when someone is new today.")
    facilitator_notes: Text = Field(description="Background the facilitator needs; the stance taken and why.")
    hard_moments: list[HardMoment] = Field(min_length=3, description="Hard moments and how to respond.")
    discussion_prompts: list[Text] = Field(min_length=4, description="Open questions, easy to deep.")
    exercise: Exercise = Field(description="The experiential exercise.")
    handout: Handout = Field(description="What participants take home.")
    homework: Text = Field(description="One small, concrete practice before the next session.")
    fidelity: list[Text] = Field(min_length=4, max_length=8, description="What a supervisor could tick.")
    safety_notes: list[Text] = Field(min_length=1, description="What can raise risk, and what to do.")
    telehealth: list[Text] = Field(min_length=1, description="What changes on a video call.")
    references: list[Text] = Field(min_length=1, description="Keys from curriculum/references.yaml.")

    @property
    def minutes(self) -> int:
        return sum(block.minutes for block in self.agenda)

    @property
    def script_words(self) -> int:
        """Words a facilitator has to run from: block scripts, notes and hard moments."""
        parts = [b.do + " " + b.say for b in self.agenda]
        parts += [self.facilitator_notes, self.new_member_bridge]
        parts += [m.moment + " " + m.response for m in self.hard_moments]
        return sum(len(re.findall(r"[A-Za-z']+", p)) for p in parts)


class CrisisResource(Model):
    name: Text = Field(description="The service's name.")
    contact: Text = Field(description="How to reach it: a number, a text or a website.")
    note: str = Field(default="", description="When to use it.")


class AftercareTrack(Model):
    """``program.yaml``'s ``aftercare:``: the weekly group people step down to, a cycle that repeats."""

    name: Text = Field(description="The group's name, as printed.")
    level: Text = Field(description="The level of care.")
    sessions: int = Field(ge=1, le=52, description="How many sessions the cycle has before it repeats.")
    session_minutes: int = Field(ge=30, le=240, multiple_of=5, description="How long each session runs.")
    break_minutes: int = Field(default=0, ge=0, le=15, multiple_of=5, description="The break (0: none).")


class ProgramTranslation(Model):
    """program.yaml's participant words in another language (issue 19): the crisis lines and the
    Part 2 notice, which is a translation of the federal text (the English prevails)."""

    crisis_resources: list[CrisisResource] = []
    part2_notice: str = ""
    part2_notice_note: str = Field(default="", description="Says the notice is a translation and the English prevails")


class Program(Model):
    """``curriculum/program.yaml``: the numbers the curriculum is written for."""

    schema_: Literal[1] = Field(alias="schema", description="The schema version.")
    name: Text = Field(description="The curriculum's name.")
    level: Text = Field(description="The level of care.")
    sessions: int = Field(ge=1, le=99, description="How many sessions the program has.")
    weeks: int = Field(ge=1, le=52, description="How many weeks it runs.")
    sessions_per_week: int = Field(ge=1, le=7, description="Sessions a week.")
    session_minutes: int = Field(ge=30, le=480, multiple_of=5, description="How long each session runs.")
    break_minutes: int = Field(ge=0, le=60, multiple_of=5, description="The break in each session.")
    crisis_resources: list[CrisisResource] = Field(min_length=1, description="Printed on every handout.")
    part2_notice: Text = Field(description="The 42 CFR Part 2 notice for documents that name a person.")
    aftercare: AftercareTrack | None = Field(default=None, description="The weekly step-down group.")
    translations: dict[Literal["es"], ProgramTranslation] = Field(
        default={}, description="The printed texts above (crisis lines, Part 2 notice) in another language.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Reference(Model):
    """One entry of ``curriculum/references.yaml``."""

    authors: Text = Field(description="The authors or the agency.")
    year: int = Field(ge=1900, le=2100, description="The year published.")
    title: Text = Field(description="The title.")
    source: Text = Field(description="Publisher, journal or agency.")
    note: str = Field(default="", description="What it is used for.")

    def citation(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}. {self.source}."


class Technique(Model):
    id: Slug = Field(description="A short name sessions use in techniques.")
    name: Text = Field(description="The technique's name, as printed.")
    min_sessions: int = Field(default=1, ge=1, description="How many sessions must teach it.")
    required: bool = Field(default=True, description="false for topics only electives teach: the coverage "
                                                     "map lists them but does not require them")




def session_model(status: object) -> type[OutlineSession]:
    """Complete sessions are checked against the full schema, outlines against the outline."""
    return Session if status == "complete" else OutlineSession
