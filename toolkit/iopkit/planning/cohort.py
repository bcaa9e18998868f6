"""A cohort file (``cohorts/<name>.toml``): one group's calendar, place, branding,
local resources and changes to the curriculum.

``load_cohort`` returns a validated ``Cohort`` or raises one ``CohortError`` that
lists every problem as ``file:line: field: got X, expected Y``.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pydantic

from iopkit.content.sources import Source, leaves, read_toml
from iopkit.errors import CohortError, Problem, describe
from iopkit.limits import FIRST_YEAR, LAST_YEAR, MAX_IMAGE_PIXELS, MAX_LINE_CHARS
from iopkit.planning import hours, plan, reminders
from iopkit.planning.cohort_schema import (  # noqa: F401  (the models, by the names callers use)
    _TIME,
    AFTERCARE_MINUTES,
    ASAM_LEVELS,
    WEEKDAYS,
    Add,
    Changes,
    Clock,
    Cohort,
    CohortInfo,
    Handouts,
    Holidays,
    LevelOfCare,
    LocalResource,
    Location,
    Model,
    ProgramInfo,
    Reminders,
    Resources,
    Schedule,
    StepDown,
    Swap,
    Text,
    Weekday,
    parse_clock,
    parse_weekday,
)


def load_cohort(path: str | Path, curriculum=None) -> Cohort:
    """Read and validate a cohort file; with ``curriculum``, also check its curriculum changes."""
    from iopkit.content.curriculum import Collector, _expected  # the shared message wording

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
    for loc, value in leaves(source.data):
        if isinstance(value, str):
            if len(value) > MAX_LINE_CHARS:
                collector.add(source, loc, f"{len(value):,} characters", f"at most {MAX_LINE_CHARS} characters "
                              "(see docs/limits.md)", raw=True)
            elif _CONTROL.search(value):
                collector.add(source, loc, "text with a line break or a control character",
                              "one line of text: write it on one line, with no \\n inside the quotes", raw=True)
        elif isinstance(value, (dt.date, dt.datetime)) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            collector.add(source, loc, value, f"a date in the years {FIRST_YEAR} to {LAST_YEAR}")


def check_cohort(cohort: Cohort, source: Source, collector, curriculum) -> None:
    """Rules that span fields: these need the whole file (and the curriculum) to check."""
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
    hours.check_level_of_care(cohort, source, collector)
    reminders.check_reminders(cohort, source, collector, curriculum)
    if curriculum is not None and not collector.problems:
        plan.check_changes(cohort, source, collector, curriculum)
        if not collector.problems:
            plan.check_calendar(cohort, source, collector, curriculum)
        if not collector.problems:
            check_aftercare_file(cohort, source, collector, curriculum)
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
    from iopkit.reach import check_image

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


def check_aftercare_file(cohort: Cohort, source, collector, curriculum) -> None:
    """An IOP cohort's ``aftercare`` names an aftercare cohort file that is valid on its own."""

    name = cohort.cohort.aftercare
    if not name or cohort.track != "iop":
        return
    path = cohort.folder / name
    if not path.is_file():
        collector.add(source, ("cohort", "aftercare"), name,
                      f"an aftercare cohort file next to this one (looked for {path})")
        return
    try:
        group = load_cohort(path, curriculum=curriculum)
    except CohortError as exc:
        collector.problems.extend(exc.problems)
        return
    if group.track != "aftercare":
        collector.add(source, ("cohort", "aftercare"), name,
                      f'a cohort file with track = "aftercare" in its [cohort] section ({path.name} is an IOP group)')
