"""A cohort file (``cohorts/<name>.toml``): one group's calendar, place, branding,
local resources and changes to the curriculum.

``load_cohort`` returns a validated ``Cohort`` or raises one ``CohortError`` that
lists every problem as ``file:line: field: got X, expected Y``.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

import pydantic
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from .errors import CohortError, Problem, describe
from .sources import Source, read_toml

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
    accent_color: str = Field(default="#2f6b7e", pattern=r"^#[0-9a-fA-F]{6}$")


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
#: the program writes its own ``weekly_minimum_minutes`` (see iopkit.hours).
ASAM_LEVELS = ("1.0", "2.1", "2.5")


class LevelOfCare(Model):
    """The level of care the group is billed at, and what the payer counts (see iopkit.hours)."""

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
    """The cohort's own reminder texts (see iopkit.reminders); each replaces the curriculum's of that name."""

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
        stem = self.path.stem if self.path else self.cohort.name
        return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "cohort"

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


def load_cohort(path: str | Path, curriculum=None) -> Cohort:
    """Read and validate a cohort file; with ``curriculum``, also check its curriculum changes."""
    from .curriculum import Collector, _expected  # the shared message wording

    path = Path(path)
    if path.suffix.lower() != ".toml":
        raise CohortError([Problem(str(path), None, "file", describe(path.name), "a cohort file ending in .toml")])
    source = read_toml(path)
    collector = Collector()
    check_values(source, collector)
    if collector.problems:  # a line break or a million characters: say only that, nothing else is reliable
        raise CohortError(collector.problems)
    data = dict(source.data)
    data.pop("path", None)
    try:
        cohort = Cohort.model_validate(data).model_copy(update={"path": path.resolve()})
    except pydantic.ValidationError as exc:
        for error in exc.errors():
            loc = tuple("schema" if p == "schema_" else "with" if p == "with_" else p for p in error["loc"])
            if error["type"] == "extra_forbidden":
                collector.add(source, loc, f'a setting named "{loc[-1]}"',
                              "no such setting (check its spelling against cohorts/example.toml)", raw=True)
            elif error["type"] == "missing":
                collector.add(source, loc, None, "a value for this required setting")
            else:
                expected = _expected(error)
                if error["type"] in ("date_from_datetime_parsing", "date_parsing", "date_type"):
                    expected = "a date written like 2027-01-04 (no quotes)"
                if error["type"] == "string_pattern_mismatch" and loc[-1] == "accent_color":
                    expected = "a color written like #2f6b7e (# and six digits or letters a to f)"
                collector.add(source, loc, error.get("input"), expected)
        raise CohortError(collector.problems) from None
    check_cohort(cohort, source, collector, curriculum)
    if collector.problems:
        raise CohortError(collector.problems)
    return cohort


_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]")


def check_values(source: Source, collector) -> None:
    """Every text in a cohort file is one line, short, and every date within the years iopkit plans.

    These land in the calendar file, running headers and table cells, where a line break can
    start a new calendar entry and a million characters can fill a thousand pages.
    """
    from .limits import FIRST_YEAR, LAST_YEAR, MAX_LINE_CHARS

    def walk(value, loc):
        if isinstance(value, str):
            if len(value) > MAX_LINE_CHARS:
                collector.add(source, loc, f"{len(value):,} characters", f"at most {MAX_LINE_CHARS} characters "
                              "(see docs/limits.md)", raw=True)
            elif _CONTROL.search(value):
                collector.add(source, loc, "text with a line break or a control character",
                              "one line of text: write it on one line, with no \\n inside the quotes", raw=True)
        elif isinstance(value, (dt.date, dt.datetime)) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            collector.add(source, loc, value, f"a date in the years {FIRST_YEAR} to {LAST_YEAR}")
        elif isinstance(value, dict):
            for key, item in value.items():
                walk(item, loc + (key,))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, loc + (i,))

    walk(source.data, ())


def check_cohort(cohort: Cohort, source: Source, collector, curriculum) -> None:
    """Rules that span fields: these need the whole file (and the curriculum) to check."""
    from . import plan  # the calendar rules live with the calendar

    s = cohort.schedule
    if s.break_minutes * 2 > s.session_minutes:
        collector.add(source, ("schedule", "break_minutes"), s.break_minutes,
                      f"at most half the session length ({s.session_minutes // 2} of its {s.session_minutes} minutes)")
    if s.session_minutes % 5:
        collector.add(source, ("schedule", "session_minutes"), s.session_minutes, "a multiple of 5")
    if s.break_minutes % 5:
        collector.add(source, ("schedule", "break_minutes"), s.break_minutes, "a multiple of 5")
    check_track(cohort, source, collector)
    first_days = s.step_down[0].days if s.step_down else s.meeting_days
    if WEEKDAYS[s.start_date.weekday()] not in first_days:
        collector.add(source, ("schedule", "start_date"),
                      f"{s.start_date.isoformat()}, a {WEEKDAYS[s.start_date.weekday()]}",
                      "a date that falls on a meeting day (" + ", ".join(first_days) + ")", raw=True)
    plan.check_time_zone(cohort, source, collector)
    plan.check_holidays(cohort, source, collector)
    if s.step_down:
        if any(step.weeks is None for step in s.step_down[:-1]):
            collector.add(source, ("schedule", "step_down"), "a stretch with no weeks before the last",
                          "weeks = N on every stretch but the last", raw=True)
    if cohort.location.mode == "in-person" and not cohort.location.address.strip():
        collector.add(source, ("location", "address"), None, "the address where the group meets (in person)")
    if cohort.program.logo:
        check_logo(cohort, source, collector)
    from . import hours, reminders  # the level-of-care and reminder-text rules live with their features

    hours.check_level_of_care(cohort, source, collector)
    reminders.check_reminders(cohort, source, collector, curriculum)
    if curriculum is not None and not collector.problems:
        from .plan import check_changes

        check_changes(cohort, source, collector, curriculum)
        if not collector.problems:
            plan.check_calendar(cohort, source, collector, curriculum)
        if not collector.problems:
            plan.check_aftercare_file(cohort, source, collector, curriculum)
    check_start_is_open(cohort, source, collector)


def check_track(cohort: Cohort, source: Source, collector) -> None:
    """IOP meets two to five days a week for the 36 sessions; aftercare meets one day a week for the
    weeks planned (``weeks`` or ``end_date``)."""
    s = cohort.schedule
    if cohort.track == "iop":
        if len(s.meeting_days) < 2:
            collector.add(source, ("schedule", "meeting_days"), f"{len(s.meeting_days)} day",
                          'two to five days (an IOP group); for a weekly group set track = "aftercare" in [cohort]',
                          raw=True)
        for name in ("weeks", "end_date"):
            if getattr(s, name) is not None:
                collector.add(source, ("schedule", name), getattr(s, name),
                              'no such setting for an IOP group (it plans the 36 sessions); it is for track = '
                              '"aftercare"')
        return
    if len(s.meeting_days) != 1:
        collector.add(source, ("schedule", "meeting_days"), ", ".join(s.meeting_days),
                      "one day: aftercare meets once a week", raw=False)
    if s.step_down:
        collector.add(source, ("schedule", "step_down"), "a step-down", "none for aftercare (it meets once a week)",
                      raw=True)
    if (s.weeks is None) == (s.end_date is None):
        collector.add(source, ("schedule", "weeks"), "both" if s.weeks else None,
                      "either weeks = N (how many weeks to plan) or end_date = YYYY-MM-DD, not both")
    elif s.end_date is not None and s.end_date < s.start_date:
        collector.add(source, ("schedule", "end_date"), s.end_date.isoformat(),
                      f"a date after start_date ({s.start_date.isoformat()})")
    if cohort.cohort.aftercare:
        collector.add(source, ("cohort", "aftercare"), cohort.cohort.aftercare,
                      "no aftercare file in an aftercare cohort (it names the group people step down to)")


def check_start_is_open(cohort: Cohort, source: Source, collector) -> None:
    """The first session falls on a day the clinic is open (checked last: closures may say more)."""
    from . import plan

    s = cohort.schedule
    if s.start_date in s.closures:
        collector.add(source, ("schedule", "start_date"), f"{s.start_date.isoformat()}, listed in closures",
                      "a first session on a day the clinic is open (choose the next meeting day)", raw=True)
    elif s.holidays and not any(p.field.startswith("schedule, holidays") for p in collector.problems) \
            and plan.is_holiday(cohort, s.start_date):
        collector.add(source, ("schedule", "start_date"), f"{s.start_date.isoformat()}, a public holiday",
                      "a first session on a day that is not a holiday (choose the next meeting day)", raw=True)


def check_logo(cohort: Cohort, source: Source, collector) -> None:
    """The logo is an image file in the cohort's folder: no URL, no absolute path, no SVG that
    refers to other files, and not too large (iopkit.reach, docs/limits.md)."""
    from .limits import MAX_IMAGE_PIXELS
    from .reach import check_image

    why, path = check_image(cohort.program.logo, (cohort.folder,))
    if path is None and why == "an image that is not in the curriculum's or the cohort's folder":
        collector.add(source, ("program", "logo"), cohort.program.logo,
                      f"an image file next to the cohort file (looked for {cohort.folder / cohort.program.logo})")
        return
    if why:
        collector.add(source, ("program", "logo"), f"{why} ({describe(cohort.program.logo)})",
                      "an image file (PNG, JPEG or SVG) saved next to the cohort file, named like logo.png", raw=True)
        return
    if path.suffix.lower() == ".svg":
        if b"<svg" not in path.read_bytes()[:4096]:
            collector.add(source, ("program", "logo"), cohort.program.logo,
                          "an image file (PNG, JPEG or SVG) that opens; this one does not")
        return
    try:
        import warnings

        from PIL import Image

        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a decompression bomb is an error, not a warning
            with Image.open(path) as image:
                if image.size[0] * image.size[1] > MAX_IMAGE_PIXELS:
                    collector.add(source, ("program", "logo"), f"an image of {image.size[0]} by {image.size[1]} "
                                  "pixels", f"at most {MAX_IMAGE_PIXELS // 1_000_000} million pixels "
                                  "(save a smaller copy)", raw=True)
                    return
                image.verify()
    except Exception:
        collector.add(source, ("program", "logo"), cohort.program.logo,
                      "an image file (PNG, JPEG or SVG) that opens; this one does not")
