"""The cohort file's settings as pydantic models (``cohorts/<name>.toml``); reading and checking
a file is ``iopkit.planning.cohort``."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from iopkit import theme

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: An aftercare group's default session length (curriculum/program.yaml's aftercare: session_minutes).
AFTERCARE_MINUTES = 90
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_TIME = re.compile(r"^\s*(\d{1,2})(?::(\d{2}))?\s*([AaPp]\.?[Mm]\.?)?\s*$")


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def parse_weekday(value: object) -> str:
    if isinstance(value, str):
        for day in WEEKDAYS:
            if value.strip().lower() in (day.lower(), day[:3].lower()):
                return day
    raise ValueError("a weekday name, like Monday or Tue")


def parse_clock(value: object) -> dt.time:
    """``09:00``, ``9:00 AM``, ``6:30 pm`` or a TOML time."""
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, str):
        match = _TIME.match(value)
        if match:
            hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
            if half:
                if not 1 <= hour <= 12:
                    raise ValueError("a time like 9:00 AM or 18:00")
                hour = hour % 12 + (12 if half[0].lower() == "p" else 0)
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
    raise ValueError("a time like 9:00 AM or 18:00")


Weekday = Annotated[str, pydantic.BeforeValidator(parse_weekday)]
Clock = Annotated[dt.time, pydantic.BeforeValidator(parse_clock)]


class ProgramInfo(Model):
    name: Text
    logo: str | None = Field(default=None, description="An image file, relative to the cohort file.")
    accent_color: str = Field(default=theme.ACCENT, pattern=r"^#[0-9a-fA-F]{6}$")


class CohortInfo(Model):
    name: Text
    facilitators: list[Text] = Field(min_length=1, max_length=12)
    group_size: int = Field(default=10, ge=2, le=16)
    time_of_day: Literal["morning", "afternoon", "evening"] = "morning"
    track: Literal["iop", "aftercare"] = Field(default="iop", description="iop (the 36 sessions) or aftercare "
                                                                          "(the weekly step-down group)")
    aftercare: str | None = Field(default=None, description="An IOP group's aftercare cohort file, relative to "
                                                            "this one: its day and time print at the hand-off.")


class Holidays(Model):
    country: Text = "US"
    subdivision: str | None = None


class StepDown(Model):
    """A stretch of the schedule: ``weeks`` weeks on ``days`` (the last stretch has no ``weeks``)."""

    weeks: int | None = Field(default=None, ge=1, le=52)
    days: list[Weekday] = Field(min_length=1, max_length=5)

    @field_validator("days")
    @classmethod
    def _distinct(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError("each day once in a stretch")
        return sorted(days, key=WEEKDAYS.index)


class Schedule(Model):
    start_date: dt.date
    meeting_days: list[Weekday] = Field(min_length=1, max_length=5)
    start_time: Clock
    session_minutes: int = Field(default=180, ge=60, le=300)
    break_minutes: int = Field(default=15, ge=0)
    weeks: int | None = Field(default=None, ge=1, le=104, description="Aftercare: how many weeks to plan.")
    end_date: dt.date | None = Field(default=None, description="Aftercare: the last date to plan.")
    time_zone: Text = "America/New_York"
    holidays: Holidays | None = None
    closures: list[dt.date] = Field(default=[], max_length=400)
    step_down: list[StepDown] = Field(default=[], max_length=12)

    @field_validator("meeting_days")
    @classmethod
    def _distinct(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError("each meeting day once")
        return sorted(days, key=WEEKDAYS.index)


class Location(Model):
    mode: Literal["in-person", "telehealth"] = "in-person"
    address: str = ""
    platform: str = Field(default="", description="The video platform, for telehealth groups.")


class LocalResource(Model):
    name: Text
    contact: Text


class Resources(Model):
    clinic_phone: str = ""
    local_crisis_line: str = ""
    naloxone: str = Field(default="", description="Where to get naloxone nearby.")
    meetings: list[Text] = Field(default=[], max_length=20)
    other: list[LocalResource] = Field(default=[], max_length=20)


class Swap(Model):
    replace: Text = Field(description="The id or number of the curriculum session to replace.")
    with_: Text = Field(alias="with", description="An elective (elective:tobacco) or a custom session file, "
                                                  "relative to the cohort file.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Add(Model):
    after: Text = Field(description="The id or number of the session the new one follows.")
    session: Text = Field(description="An elective (elective:grief) or a custom session file, relative to the "
                                      "cohort file.")


class Changes(Model):
    order: list[Text] = Field(default=[], max_length=100)
    skip: list[Text] = Field(default=[], max_length=100)
    swap: list[Swap] = Field(default=[], max_length=100)
    add: list[Add] = Field(default=[], max_length=100)


#: ASAM levels a cohort may name. Only adult and adolescent 2.1 have a weekly minimum built in
#: (ASAM Criteria, 3rd ed., 2013: 9 hours a week for adults, 6 for adolescents); for the others
#: the program writes its own ``weekly_minimum_minutes`` (see iopkit.planning.hours).
ASAM_LEVELS = ("1.0", "2.1", "2.5")


class LevelOfCare(Model):
    """The level of care the group is billed at, and what the payer counts (see iopkit.planning.hours)."""

    asam_level: str = Field(default="2.1", description="The ASAM level, like 2.1")
    population: Literal["adult", "adolescent"] = "adult"
    count_breaks: bool = Field(default=False, description="Whether the payer counts the break as service time")
    weekly_minimum_minutes: int | None = Field(default=None, ge=0, le=7 * 24 * 60)
    daily_minimum_minutes: int | None = Field(default=None, ge=0, le=24 * 60)
    # Billing: free text the program supplies, printed in note headers and never inferred.
    hcpcs: str = ""
    revenue_code: str = ""
    per_diem: str = ""

    @field_validator("asam_level", mode="before")
    @classmethod
    def _level(cls, value: object) -> str:
        text = str(value).strip() if isinstance(value, (str, int, float)) and not isinstance(value, bool) else ""
        text = "1.0" if text == "1" else text
        if text not in ASAM_LEVELS:
            raise ValueError("an ASAM level written like \"2.1\" (one of " + ", ".join(ASAM_LEVELS) + ")")
        return text


class Reminders(Model):
    """The cohort's own reminder texts (see iopkit.planning.reminders); each replaces the curriculum's of that name."""

    sender: str = Field(default="", description="The name texts are signed with; it must not say what the group is")
    en: dict[str, Text] = {}
    es: dict[str, Text] = {}


class Handouts(Model):
    """What participants hold: the language(s) of the handouts and workbook, and large print (issue 19)."""

    language: str | list[str] = Field(default="en", description='"en", "es", or ["en", "es"] for both')
    large_print: bool = False

    @pydantic.field_validator("language")
    @classmethod
    def _known(cls, value):
        codes = [value] if isinstance(value, str) else list(value)
        if not codes or any(c not in ("en", "es") for c in codes) or len(set(codes)) != len(codes):
            raise ValueError('"en", "es", or ["en", "es"] (English and Spanish, each once)')
        return value

    @property
    def languages(self) -> tuple[str, ...]:
        return (self.language,) if isinstance(self.language, str) else tuple(self.language)


class Cohort(Model):
    """A validated cohort file."""

    schema_: Literal[1] = Field(alias="schema")
    program: ProgramInfo
    cohort: CohortInfo
    schedule: Schedule
    location: Location = Location()
    resources: Resources = Resources()
    curriculum: Changes = Changes()
    level_of_care: LevelOfCare = LevelOfCare()
    reminders: Reminders = Reminders()
    handouts: Handouts = Handouts()

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # Filled in by load_cohort: where the file is, and its short name (the build folder).
    path: Path | None = Field(default=None, exclude=True)

    @property
    def slug(self) -> str:
        return slug_for(self.path.stem if self.path else self.cohort.name)

    @property
    def folder(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    @property
    def telehealth(self) -> bool:
        return self.location.mode == "telehealth"

    @property
    def track(self) -> str:
        return self.cohort.track

    @model_validator(mode="before")
    @classmethod
    def _track_defaults(cls, data):
        """An aftercare group's sessions are 90 minutes with no break unless the file says otherwise
        (the numbers in curriculum/program.yaml's aftercare section)."""
        if isinstance(data, dict) and isinstance(data.get("cohort"), dict) \
                and data["cohort"].get("track") == "aftercare" and isinstance(data.get("schedule"), dict):
            schedule = dict(data["schedule"])
            schedule.setdefault("session_minutes", AFTERCARE_MINUTES)
            schedule.setdefault("break_minutes", 0)
            data = {**data, "schedule": schedule}
        return data


def slug_for(name: str) -> str:
    """A cohort's folder name in build/: its file's name in lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "cohort"
