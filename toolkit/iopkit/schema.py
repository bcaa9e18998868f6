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

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

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
}


class AgendaBlock(Model):
    """One timed part of the session and what the facilitator does and says in it."""

    kind: BlockKind
    title: Text
    minutes: int = Field(ge=5, le=120, multiple_of=5)
    do: Text = Field(description="What the facilitator does, in a sentence or two.")
    say: str = Field(default="", description="The script: what to say and ask, answers to expect (Markdown).")


class HardMoment(Model):
    """A hard moment this topic can bring up, and how to respond."""

    moment: Text
    response: Text


class ExerciseKind(str, Enum):
    role_play = "role-play"
    guided_practice = "guided-practice"
    worksheet = "worksheet"
    game = "game"


class Exercise(Model):
    """The experiential exercise, step by step, with its telehealth version."""

    title: Text
    kind: ExerciseKind
    minutes: int = Field(ge=5, le=120)
    materials: list[Text] = []
    steps: list[Text] = Field(min_length=3)
    roles: list[Text] = []
    scenario_cards: list[Text] = []
    observers_watch_for: list[Text] = []
    telehealth: Text
    widget: Slug | None = Field(default=None, description="The id of an interactive exercise in the library.")
    sheet_in_handout: bool = Field(
        default=True, description="Print the widget's blank paper version in the handout (false when the "
                                  "worksheet already is that form, or the sheet is for the facilitator)")


class Scale(Model):
    low: int = 0
    high: int = 10
    low_label: str = ""
    high_label: str = ""


class WorksheetItem(Model):
    """One thing to fill in. ``kind`` picks how it prints on paper."""

    kind: Literal["lines", "scale", "checklist", "table"] = "lines"
    prompt: Text
    lines: int = Field(default=3, ge=1, le=12)
    scale: Scale | None = None
    options: list[Text] = []
    other_option: bool = Field(default=False, description='A checklist ends with "Something else: ____"')
    columns: list[Text] = []
    rows: int = Field(default=4, ge=1, le=14)
    row_labels: list[Text] = Field(default=[], max_length=14, description="A table's first column, printed")

    @model_validator(mode="after")
    def _kind_has_its_parts(self) -> "WorksheetItem":
        if self.kind == "checklist" and not self.options:
            raise ValueError("a checklist item needs options: a list of choices to tick")
        if self.kind == "table" and len(self.columns) < 2:
            raise ValueError("a table item needs columns: at least two column headings")
        return self


class Worksheet(Model):
    title: Text
    instructions: Text
    items: list[WorksheetItem] = Field(min_length=2)


class Handout(Model):
    """What participants take home: a one-page explanation and a worksheet."""

    title: Text
    explanation: Text = Field(description="Plain-language prose (Markdown), grade 8 or below.")
    key_points: list[Text] = Field(default=[], max_length=6)
    worksheet: Worksheet


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

    schema_: Literal[1] = Field(alias="schema")
    status: Literal["outline", "complete"]
    track: Track = "iop"
    id: Slug
    number: int | None = Field(default=None, ge=1, le=99)
    title: Text
    week: int | None = Field(default=None, ge=1, le=52)
    pairs_with: list[Slug] = Field(default=[], description="An elective: ids of core sessions it pairs well "
                                                           "with (or could replace).")
    phase: Phase
    approaches: list[Approach] = Field(min_length=1)
    audience: Literal["group", "family"] = "group"
    techniques: list[Slug] = Field(min_length=1)
    objectives: list[Text] = Field(min_length=2, max_length=4)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Session(OutlineSession):
    """A complete session: every part of the content standard."""

    status: Literal["complete"]
    summary: Text
    agenda: list[AgendaBlock] = Field(min_length=8)
    new_member_bridge: Text
    facilitator_notes: Text
    hard_moments: list[HardMoment] = Field(min_length=3)
    discussion_prompts: list[Text] = Field(min_length=4)
    exercise: Exercise
    handout: Handout
    homework: Text
    fidelity: list[Text] = Field(min_length=4, max_length=8)
    safety_notes: list[Text] = Field(min_length=1)
    telehealth: list[Text] = Field(min_length=1)
    references: list[Text] = Field(min_length=1)

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
    name: Text
    contact: Text
    note: str = ""


class AftercareTrack(Model):
    """``program.yaml``'s ``aftercare:``: the weekly group people step down to, a cycle that repeats."""

    name: Text
    level: Text
    sessions: int = Field(ge=1, le=52, description="How many sessions the cycle has before it repeats.")
    session_minutes: int = Field(ge=30, le=240, multiple_of=5)
    break_minutes: int = Field(default=0, ge=0, le=15, multiple_of=5)


class ProgramTranslation(Model):
    """program.yaml's participant words in another language (issue 19): the crisis lines and the
    Part 2 notice, which is a translation of the federal text (the English prevails)."""

    crisis_resources: list[CrisisResource] = []
    part2_notice: str = ""
    part2_notice_note: str = Field(default="", description="Says the notice is a translation and the English prevails")


class Program(Model):
    """``curriculum/program.yaml``: the numbers the curriculum is written for."""

    schema_: Literal[1] = Field(alias="schema")
    name: Text
    level: Text
    sessions: int = Field(ge=1, le=99)
    weeks: int = Field(ge=1, le=52)
    sessions_per_week: int = Field(ge=1, le=7)
    session_minutes: int = Field(ge=30, le=480, multiple_of=5)
    break_minutes: int = Field(ge=0, le=60, multiple_of=5)
    crisis_resources: list[CrisisResource] = Field(min_length=1)
    part2_notice: Text
    aftercare: AftercareTrack | None = None
    translations: dict[Literal["es"], ProgramTranslation] = {}

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Reference(Model):
    """One entry of ``curriculum/references.yaml``."""

    authors: Text
    year: int = Field(ge=1900, le=2100)
    title: Text
    source: Text = Field(description="Publisher, journal or agency.")
    note: str = ""

    def citation(self) -> str:
        return f"{self.authors} ({self.year}). {self.title}. {self.source}."


class Technique(Model):
    id: Slug
    name: Text
    min_sessions: int = Field(default=1, ge=1)
    required: bool = Field(default=True, description="false for topics only electives teach: the coverage "
                                                     "map lists them but does not require them")




def session_model(status: object) -> type[OutlineSession]:
    """Complete sessions are checked against the full schema, outlines against the outline."""
    return Session if status == "complete" else OutlineSession
