"""The hours check: how many countable minutes each calendar week of a cohort's plan holds,
against the weekly (and daily) minimum of its level of care.

``check_level_of_care`` holds the rules for settings that can never work (errors, exit 2);
``hours_report(plan)`` returns an ``HoursReport`` whose ``lines()`` are the week-by-week table
and whose ``warnings()`` say, with the arithmetic, which weeks fall short and what to change.
A shortfall is a warning, never an error: the program decides, with its payer.

Minimums built in: ASAM Level 2.1 (Criteria, 3rd ed., 2013), 9 hours a week for adults and
6 for adolescents. Whether the break counts is the payer's rule, so it is a setting
(``count_breaks``, off by default). Billing fields are printed, never inferred.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from iopkit.errors import display_path
from iopkit.planning.cohort_schema import WEEKDAYS, Cohort

#: The longest session a cohort file allows (cohort.Schedule.session_minutes).
MAX_SESSION_MINUTES = 300
#: (ASAM level, population) -> weekly minimum in minutes, when the cohort does not set one.
DEFAULT_WEEKLY_MINUTES = {("2.1", "adult"): 540, ("2.1", "adolescent"): 360}


def weekly_minimum(cohort: Cohort) -> int | None:
    loc = cohort.level_of_care
    if loc.weekly_minimum_minutes is not None:
        return loc.weekly_minimum_minutes
    return DEFAULT_WEEKLY_MINUTES.get((loc.asam_level, loc.population))


def level_label(cohort: Cohort) -> str:
    loc = cohort.level_of_care
    return f"{loc.population} ASAM {loc.asam_level}"


def check_level_of_care(cohort: Cohort, source, collector) -> None:
    """Settings that no schedule can satisfy: reported as errors with the rest of the cohort file."""
    loc = cohort.level_of_care
    weekly = weekly_minimum(cohort)
    if loc.daily_minimum_minutes is not None and weekly is not None and loc.daily_minimum_minutes > weekly:
        collector.add(source, ("level_of_care", "daily_minimum_minutes"), loc.daily_minimum_minutes,
                      f"at most the weekly minimum ({weekly} minutes): a day cannot need more than a week")
    if loc.daily_minimum_minutes is not None and loc.daily_minimum_minutes > 0 and weekly is not None:
        most_days = max([len(cohort.schedule.meeting_days)] + [len(s.days) for s in cohort.schedule.step_down])
        if weekly > most_days * 24 * 60:
            collector.add(source, ("level_of_care", "weekly_minimum_minutes"), weekly,
                          f"at most {most_days} meeting days × 24 hours = {most_days * 1440} minutes")


def countable_minutes(cohort: Cohort, item=None) -> int:
    """The minutes of one session that count toward the minimum (the break only if the payer counts it)."""
    s = cohort.schedule
    if item is not None and item.blocks:
        from iopkit.content.schema import BlockKind

        return sum(b.minutes for b in item.blocks if cohort.level_of_care.count_breaks or b.block.kind != BlockKind.brk)
    return s.session_minutes - (0 if cohort.level_of_care.count_breaks else s.break_minutes)


@dataclass(frozen=True)
class Week:
    """One calendar week (Monday to Sunday) of the plan."""

    monday: dt.date
    positions: tuple[int, ...]
    minutes: int
    scheduled_days: tuple[str, ...]  # the weekdays this stretch of the schedule meets on
    closed: tuple[tuple[dt.date, str], ...] = ()  # meeting days with no group, and why
    step_down: bool = False
    edge: str = ""  # "first" or "last" when the group starts or ends inside the week

    @property
    def sessions(self) -> int:
        return len(self.positions)


@dataclass
class HoursReport:
    cohort: Cohort
    minimum: int | None
    weeks: list[Week] = field(default_factory=list)
    per_session: int = 0

    @property
    def where(self) -> str:
        return display_path(self.cohort.path) if self.cohort.path else "the cohort file"

    def below(self) -> list[Week]:
        return [w for w in self.weeks if self.minimum is not None and w.minutes < self.minimum]

    def lines(self) -> list[str]:
        """The week-by-week table, as a counselor reads it in a terminal."""
        loc = self.cohort.level_of_care
        breaks = "the break counts" if loc.count_breaks else "the break is not counted"
        goal = f"at least {self.minimum} minutes a week" if self.minimum is not None else "no weekly minimum set"
        out = [f"Countable time per week ({level_label(self.cohort)}: {goal}; {breaks}):"]
        for w in self.weeks:
            mark = ""
            if self.minimum is not None:
                mark = "ok" if w.minutes >= self.minimum else f"below {self.minimum}"
            notes = []
            if w.closed:
                notes.append("no group " + ", ".join(f"{d:%a %b} {d.day} ({why})" for d, why in w.closed))
            if w.step_down:
                notes.append("step-down")
            if w.edge:
                notes.append(f"{w.edge} week of the group")
            label = f"Week of {w.monday:%a %b} {w.monday.day}, {w.monday.year}"
            out.append(f"  {label:<26} {w.sessions} session{'s' if w.sessions != 1 else ' '}  {w.minutes:>4} min  "
                       f"{mark:<9}  {'; '.join(notes)}".rstrip())
        return out

    def warnings(self) -> list[str]:
        """Each shortfall once, with its arithmetic and a way out."""
        if self.minimum is None:
            return []
        s, loc = self.cohort.schedule, self.cohort.level_of_care
        minimum, head = self.minimum, f"Warning: {self.where}: level_of_care:"
        out: list[str] = []
        each = f"({s.session_minutes} − {s.break_minutes})" if not loc.count_breaks and s.break_minutes else \
            f"{s.session_minutes}"
        counts_breaks = "set count_breaks = true in [level_of_care] if your payer counts breaks" \
            if not loc.count_breaks and s.break_minutes else ""
        # Full weeks of each stretch of the schedule (three days, then a step-down to two, ...).
        for days in sorted({w.scheduled_days for w in self.weeks}, key=len, reverse=True):
            n = len(days)
            full = n * self.per_session
            weeks = [w for w in self.weeks if w.scheduled_days == days and not w.closed and not w.edge]
            if full >= minimum or not weeks:
                continue
            step = math.ceil((minimum - full) / n / 5) * 5
            ways = [f"add an individual session of {minimum - full} minutes each week"]
            if s.session_minutes + step <= MAX_SESSION_MINUTES:
                ways.insert(0, f"lengthen each session by {step} minutes (session_minutes = {s.session_minutes + step})")
            if counts_breaks and (n * (self.per_session + s.break_minutes)) >= minimum:
                ways.append(counts_breaks)
            count = f"{len(weeks)} week{'s' if len(weeks) != 1 else ''}"
            if any(w.step_down for w in weeks):
                text = (f"{head} {n} × {each} = {full} min < {minimum} in a step-down week on {', '.join(days)} "
                        f"({count}): bill these weeks at the lower level of care they are, keep each person in "
                        "them only 1–2 weeks while stepping down (ASAM Criteria, 3rd ed.), or add an individual "
                        f"session of {minimum - full} minutes each week; check with your payer.")
            else:
                text = (f"{head} {n} × {each} = {full} min < {minimum} in a full week on {', '.join(days)} "
                        f"({count}): {_either(ways)}.")
            out.append(text)
        # Weeks that lose a meeting day to a holiday or closure, and the group's first and last weeks.
        for kind, weeks in (("closed", [w for w in self.below() if w.closed]),
                            ("edge", [w for w in self.below() if w.edge and not w.closed])):
            if not weeks:
                continue
            parts = []
            for w in weeks:
                why = "; ".join(f"no group {d:%a %b} {d.day}: {r}" for d, r in w.closed) or f"{w.edge} week"
                parts.append(f"week of {w.monday:%b} {w.monday.day}: {w.sessions} × {self.per_session} = "
                             f"{w.minutes} min < {minimum} ({why})")
            way = ("add a make-up group or an individual session in those weeks, or document the holiday as the "
                   "reason in each member's record" if kind == "closed" else
                   "start the group early in a week, or add an individual session in those weeks")
            out.append(f"{head} " + "; ".join(parts) + f": {way}.")
        daily = loc.daily_minimum_minutes
        if daily and self.per_session < daily:
            step = math.ceil((daily - self.per_session) / 5) * 5
            fixes = counts_breaks and self.per_session + s.break_minutes >= daily
            out.append(f"{head} daily_minimum_minutes: each session has {each} = {self.per_session} min < {daily}: "
                       f"lengthen each session by {step} minutes (session_minutes = {s.session_minutes + step})"
                       + (f", or {counts_breaks}" if fixes else "") + ".")
        return out


def hours_report(plan) -> HoursReport:
    """The countable minutes of every calendar week of the plan, holiday and step-down weeks included."""
    from iopkit.planning.plan import _days_for, _holiday_calendar

    cohort = plan.cohort
    s = cohort.schedule
    report = HoursReport(cohort, weekly_minimum(cohort))
    if not plan.sessions:
        return report
    report.per_session = countable_minutes(cohort, next((i for i in plan.sessions if i.blocks), None))
    holidays = (_holiday_calendar(s.holidays.country, s.holidays.subdivision, s.start_date.year)
                if s.holidays else frozenset())
    first, last = plan.sessions[0].date, plan.sessions[-1].date
    monday = first - dt.timedelta(days=first.weekday())
    by_week: dict[dt.date, list] = {}
    for item in plan.sessions:
        by_week.setdefault(item.date - dt.timedelta(days=item.date.weekday()), []).append(item)
    names = _HolidayNames(cohort)
    while monday <= last:
        items = by_week.get(monday, [])
        days = _days_for(s.step_down, s.meeting_days, (monday - (s.start_date - dt.timedelta(days=s.start_date.weekday()))).days // 7)
        days = tuple(days or ())
        closed = []
        edge = ""
        for offset in range(7):
            day = monday + dt.timedelta(days=offset)
            if WEEKDAYS[day.weekday()] not in days or day < first or day > last:
                if WEEKDAYS[day.weekday()] in days and (day < first or day > last):
                    edge = "first" if day < first else "last"
                continue
            if day in s.closures:
                closed.append((day, "clinic closed"))
            elif day in holidays:
                closed.append((day, names.get(day)))
        minutes = sum(countable_minutes(cohort, item) for item in items)
        step_down = bool(s.step_down) and days != tuple(s.step_down[0].days)
        report.weeks.append(Week(monday, tuple(i.position for i in items), minutes, days, tuple(closed), step_down,
                                 edge))
        monday += dt.timedelta(days=7)
    return report


def _either(ways: list[str]) -> str:
    return ways[0] if len(ways) == 1 else ", ".join(ways[:-1]) + ", or " + ways[-1]


class _HolidayNames:
    """Holiday names, looked up only for the few days a group does not meet."""

    def __init__(self, cohort: Cohort):
        self.cohort = cohort
        self._calendar: dict | None = None

    def get(self, day: dt.date) -> str:
        from iopkit.planning.plan import holiday_names

        h = self.cohort.schedule.holidays
        if h is None:
            return "holiday"
        if self._calendar is None:
            self._calendar = holiday_names(h.country, h.subdivision, self.cohort.schedule.start_date.year)
        return self._calendar.get(day) or "holiday"
