"""Lay the curriculum onto a cohort's calendar: which session falls on which date, and
the clock time of every agenda block.

``plan_cohort(cohort, curriculum)`` returns a ``Plan``; the check_* functions are the
cohort rules that need the calendar (time zone, holidays, closures, step-down).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from iopkit.content.schema import AgendaBlock, BlockKind, OutlineSession, Session
from iopkit.errors import (
    IopkitError,
    NotesError,
    OptionError,
    UnknownSessionError,
    ValidationError,
    display_path,
    problem,
)
from iopkit.io import JsonCache
from iopkit.limits import MAX_GAP_DAYS, MAX_JOIN_YEARS, MIN_BLOCK_MINUTES
from iopkit.planning.cohort_schema import WEEKDAYS, Cohort

#: How far ahead the planner looks for meeting dates before giving up.
HORIZON_DAYS = 730


@dataclass(frozen=True)
class PlannedBlock:
    block: AgendaBlock
    minutes: int
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class PlannedSession:
    position: int  # 1-based place in this cohort's sequence
    total: int
    session: OutlineSession
    source: Path  # the session file (curriculum, elective or custom)
    custom: bool
    date: dt.date
    start: dt.datetime  # aware, in the cohort's time zone
    end: dt.datetime
    blocks: tuple[PlannedBlock, ...]
    week: int  # the program week: the session's own, or for an elective or custom session, its slot's


@dataclass(frozen=True)
class Slot:
    """One place in a cohort's sequence: what is taught there and in which program week."""

    session: OutlineSession
    source: Path
    custom: bool
    week: int


@dataclass(frozen=True)
class Plan:
    cohort: Cohort
    sessions: tuple[PlannedSession, ...]
    #: The curriculum the plan was laid from (what the sessions' exercises and boxes read).
    curriculum: object = field(default=None, compare=False, repr=False)

    def at(self, position: int) -> PlannedSession:
        if not 1 <= position <= len(self.sessions):
            raise UnknownSessionError(
                f"Session {position} is not in this cohort's plan ({self.cohort.path}): "
                f"it has sessions 1 to {len(self.sessions)}."
            )
        return self.sessions[position - 1]

    @property
    def finish(self) -> dt.date:
        return self.sessions[-1].date


# ---------------------------------------------------------------- calendar rules

def check_time_zone(cohort: Cohort, source, collector) -> None:
    try:
        ZoneInfo(cohort.schedule.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        collector.add(source, ("schedule", "time_zone"), cohort.schedule.time_zone,
                      "a time zone name like America/Chicago or America/Los_Angeles")


def check_holidays(cohort: Cohort, source, collector) -> None:
    h = cohort.schedule.holidays
    if h is None:
        return
    try:
        _holiday_calendar(h.country, h.subdivision, cohort.schedule.start_date.year)
    except Exception:
        import holidays

        known = holidays.list_supported_countries()
        if h.country not in known:
            collector.add(source, ("schedule", "holidays", "country"), h.country,
                          "a two-letter country code the holidays package knows, like US or CA")
        else:
            examples = ", ".join(known[h.country][:3]) or "none: leave subdivision out"
            collector.add(source, ("schedule", "holidays", "subdivision"), h.subdivision,
                          f"a state or province code of {h.country}, like {examples}")


def is_holiday(cohort: Cohort, day: dt.date) -> bool:
    h = cohort.schedule.holidays
    return bool(h) and day in _holiday_calendar(h.country, h.subdivision, cohort.schedule.start_date.year)


#: Public holidays by country, subdivision and years.
HOLIDAYS = JsonCache("holidays")


@lru_cache(maxsize=16)
def _holiday_calendar(country: str, subdivision: str | None, first_year: int,
                      last_year: int | None = None) -> frozenset[dt.date]:
    """The public holidays of the years ``first_year`` to ``last_year`` (three years by default).

    An unknown country or subdivision raises NotImplementedError (never cached).
    """
    return frozenset(holiday_names(country, subdivision, first_year, last_year))


@lru_cache(maxsize=16)
def holiday_names(country: str, subdivision: str | None, first_year: int,
                  last_year: int | None = None) -> dict[dt.date, str]:
    """Each public holiday of the years ``first_year`` to ``last_year`` (three by default) and its name.

    The holidays package takes a fifth of a second to import and compute, so the dates and names
    are kept in a small cache (``holidays.json``, ``iopkit.io``), keyed by the package's version.
    An unknown country or subdivision raises NotImplementedError (never cached).
    """
    from importlib.metadata import version

    last_year = last_year if last_year is not None else first_year + 2
    key = f"named|{version('holidays')}|{country}|{subdivision}|{first_year}"
    if last_year != first_year + 2:
        key += f"-{last_year}"
    cache = HOLIDAYS
    if not isinstance(cache.get(key), dict):
        import holidays

        found = holidays.country_holidays(country, subdiv=subdivision, years=range(first_year, last_year + 1))
        cache[key] = {day.isoformat(): str(name) for day, name in sorted(found.items())}
    return {dt.date.fromisoformat(day): name for day, name in cache[key].items()}


def meeting_dates(cohort: Cohort, count: int, horizon_days: int = HORIZON_DAYS) -> list[dt.date]:
    """The first ``count`` dates the group meets, after holidays, closures and step-down,
    looking no further than ``horizon_days`` after the start."""
    s = cohort.schedule
    skip = set(s.closures)
    last = s.start_date + dt.timedelta(days=horizon_days)
    calendar: frozenset[dt.date] | dict = {}
    if s.holidays:
        years = (s.start_date.year, last.year)
        calendar = (_holiday_calendar(s.holidays.country, s.holidays.subdivision, years[0])
                    if years[1] <= years[0] + 2 else
                    _holiday_calendar(s.holidays.country, s.holidays.subdivision, *years))
    stretches = s.step_down or []
    dates: list[dt.date] = []
    day = s.start_date
    while len(dates) < count and day <= last:
        days = _days_for(stretches, s.meeting_days, (day - s.start_date).days // 7)
        if days is None:
            break
        if WEEKDAYS[day.weekday()] in days and day not in skip and day not in calendar:
            dates.append(day)
        day += dt.timedelta(days=1)
    return dates


def _days_for(stretches, default_days, week_index: int):
    if not stretches:
        return default_days
    start = 0
    for stretch in stretches:
        if stretch.weeks is None or week_index < start + stretch.weeks:
            return stretch.days
        start += stretch.weeks
    return None  # past the last stretch: the schedule has ended


def aftercare_dates(cohort: Cohort) -> list[dt.date]:
    """An aftercare group's meeting dates: every meeting day in the weeks planned (``weeks`` from the
    start date, or up to ``end_date``), after holidays and closures."""
    s = cohort.schedule
    last = s.end_date or (s.start_date + dt.timedelta(days=7 * (s.weeks or 0) - 1))
    days = (last - s.start_date).days + 1
    dates = meeting_dates(cohort, days)  # at most one a day: ask for enough, then cut at the last day
    return [d for d in dates if d <= last]


def check_calendar(cohort: Cohort, source, collector, curriculum) -> None:
    if cohort.track == "aftercare":
        if not curriculum.aftercare:
            collector.add(source, ("cohort", "track"), "aftercare",
                          f"a curriculum with aftercare sessions (none in {curriculum.root / 'aftercare'})")
        elif not aftercare_dates(cohort):
            collector.add(source, ("schedule", "weeks"), "no meeting date in the weeks planned",
                          "weeks or end_date long enough for one meeting, after holidays and closures", raw=True)
        return

    items = sequence(cohort, curriculum)
    check_block_minutes(cohort, source, collector, items)
    count = len(items)
    dates = meeting_dates(cohort, count)
    s = cohort.schedule
    if len(dates) >= count:
        gaps = [(b - a).days for a, b in zip(dates, dates[1:])]
        if gaps and max(gaps) > MAX_GAP_DAYS:
            i = gaps.index(max(gaps))
            loc = ("schedule", "closures") if s.closures else ("schedule", "holidays")
            collector.add(source, loc, f"no meeting from {dates[i].isoformat()} to {dates[i + 1].isoformat()} "
                          f"({gaps[i]} days)", raw=True,
                          expected=f"a break of at most {MAX_GAP_DAYS} days between sessions: remove some "
                          "closures (or check their years)")
        return
    if s.step_down and s.step_down[-1].weeks is not None:
        total_weeks = sum(x.weeks for x in s.step_down)
        collector.add(source, ("schedule", "step_down"),
                      f"{len(dates)} meeting dates in {total_weeks} weeks", raw=True,
                      expected=f"room for all {count} sessions: add weeks, add a day, or leave out weeks "
                      "on the last stretch so it runs until the curriculum is done")
    else:
        loc = ("schedule", "closures") if s.closures else ("schedule", "meeting_days")
        collector.add(source, loc, f"only {len(dates)} meeting dates in two years", raw=True,
                      expected=f"dates for all {count} sessions: remove closures or add meeting days")


def check_block_minutes(cohort: Cohort, source, collector, items) -> None:
    """Rescaling a session to the cohort's length must leave every block at least a few minutes."""
    s = cohort.schedule
    worst = None
    for slot in items:
        session = slot.session
        if not isinstance(session, Session):
            continue
        work = sum(b.kind != BlockKind.brk for b in session.agenda)
        breaks = len(session.agenda) - work
        need = work * MIN_BLOCK_MINUTES + breaks * s.break_minutes
        if need > s.session_minutes and (worst is None or need > worst[0]):
            worst = (need, session, work)
    if worst:
        need, session, work = worst
        need = -(-need // 5) * 5
        collector.add(source, ("schedule", "session_minutes"), s.session_minutes,
                      f"at least {need} minutes, so each of the {work} blocks of \"{session.title}\" gets "
                      f"{MIN_BLOCK_MINUTES} minutes (or a shorter break)")


# ---------------------------------------------------------------- curriculum changes

def _find(curriculum, key, track: str = "iop") -> OutlineSession | None:
    """A session of the track by number or id."""
    sessions = curriculum.track(track)[0]
    text = str(key).strip()
    if text.isdigit():
        return sessions.get(int(text))
    return next((s for s in sessions.values() if s.id == text), None)


def _is_elective(key: str) -> bool:
    from iopkit.content.curriculum import ELECTIVE_PREFIX

    return str(key).strip().startswith(ELECTIVE_PREFIX)


def _insert(cohort: Cohort, curriculum, key: str) -> tuple[Session, Path, bool]:
    """What a swap's ``with`` or an add's ``session`` names: an elective or a custom file."""
    if _is_elective(key):
        elective = curriculum.elective(key)
        if not isinstance(elective, Session):
            raise ValidationError([problem(curriculum.elective_files[elective.id], "status", "outline",
                                           "complete (an elective must be written in full to be used)")])
        return elective, curriculum.elective_files[elective.id], False
    path = cohort.folder / key
    return load_custom_session(path, curriculum), path, True


def _check_insert(cohort, source, collector, curriculum, loc: tuple, key: str) -> str | None:
    """Check an elective or custom session a change brings in; return its id when it loads."""
    try:
        return _insert(cohort, curriculum, key)[0].id
    except UnknownSessionError as exc:
        collector.add(source, loc, key, "an elective from `iopkit list --electives`, written like elective:grief "
                      f"({exc})")
    except Exception as exc:  # ValidationError: keep its problems, they name the session file
        problems = getattr(exc, "problems", None)
        if problems:
            collector.problems.extend(problems)
        else:
            collector.add(source, loc, key, "a session file that opens")
    return None


def check_changes(cohort: Cohort, source, collector, curriculum) -> None:
    """Every session a change names exists, and no two changes contradict each other."""
    changes = cohort.curriculum
    track = cohort.track
    where = "a session id or number from `iopkit list`" + (" --track aftercare" if track == "aftercare" else "")

    def find(key):
        return _find(curriculum, key, track)

    for i, key in enumerate(changes.order):
        if find(key) is None:
            collector.add(source, ("curriculum", "order", i), key, where)
    skipped: dict[str, int] = {}
    for i, key in enumerate(changes.skip):
        found = find(key)
        if found is None:
            collector.add(source, ("curriculum", "skip", i), key, where)
        elif found.id in skipped:
            collector.add(source, ("curriculum", "skip", i), key, f"each session skipped once (skip item "
                          f"{skipped[found.id] + 1} already skips {found.id})")
        else:
            skipped[found.id] = i
    brought: dict[str, str] = {}  # elective or custom id -> the change that brings it in

    def bring(loc, key):
        got = _check_insert(cohort, source, collector, curriculum, loc, key)
        if got is None:
            return
        if got in brought:
            collector.add(source, loc, key, f"each elective or custom session used once ({brought[got]} "
                          "already uses it)")
        else:
            brought[got] = f"{loc[1]} item {loc[2] + 1}"

    swapped: dict[str, int] = {}
    for i, swap in enumerate(changes.swap):
        before = len(collector.problems)
        found = find(swap.replace)
        if found is None:
            collector.add(source, ("curriculum", "swap", i, "replace"), swap.replace, where)
        elif found.id in swapped:
            collector.add(source, ("curriculum", "swap", i, "replace"), swap.replace,
                          f"each session swapped once (swap item {swapped[found.id] + 1} already replaces it)")
        elif found.id in skipped:
            collector.add(source, ("curriculum", "swap", i, "replace"), swap.replace,
                          f"a session this group keeps: {found.id} is also in skip (remove one of the two)")
        else:
            swapped[found.id] = i
        if len(collector.problems) == before:  # one line for one mistake
            bring(("curriculum", "swap", i, "with"), swap.with_)
    for i, add in enumerate(changes.add):
        found = find(add.after)
        if found is None:
            collector.add(source, ("curriculum", "add", i, "after"), add.after, where)
        elif found.id in skipped:
            collector.add(source, ("curriculum", "add", i, "after"), add.after,
                          f"a session this group keeps: {found.id} is in skip (add after another session)")
        bring(("curriculum", "add", i, "session"), add.session)
    if changes.order and not collector.problems:
        ids = [find(key).id for key in changes.order]
        if len(set(ids)) != len(ids):
            collector.add(source, ("curriculum", "order"), "a session listed twice", "each session once", raw=True)
    if not collector.problems:
        check_change_conflicts(cohort, source, collector, curriculum)


def check_change_conflicts(cohort: Cohort, source, collector, curriculum) -> None:
    """Changes that leave nothing to run, or give two sessions one id (repeats and contradictions
    between skip, swap and add are named by check_changes)."""
    changes = cohort.curriculum
    track = cohort.track
    sessions = curriculum.track(track)[0]
    skipped = {_find(curriculum, key, track).id for key in changes.skip}
    swapped = {_find(curriculum, swap.replace, track).id for swap in changes.swap}
    if len(skipped) >= len(sessions):
        collector.add(source, ("curriculum", "skip"), f"all {len(sessions)} sessions skipped", raw=True,
                      expected="at least one session left to run")
        return
    # A custom session may share an id with a curriculum session (a copy, edited): harmless until
    # order names that id, which then means two sessions at once.
    kept = {s.id for s in sessions.values() if s.id not in skipped and s.id not in swapped}
    named = {_find(curriculum, key, track).id for key in changes.order}
    seen: dict[str, int] = {}
    for i, swap in enumerate(changes.swap):
        if _is_elective(swap.with_):
            continue
        custom = load_custom_session(cohort.folder / swap.with_, curriculum)
        if custom.id in kept and custom.id in named:
            collector.add(source, ("curriculum", "swap", i, "with"), swap.with_,
                          f'a session whose id is not "{custom.id}": another session of the curriculum has it '
                          "too, and order names it, so it could mean either; change the id in the custom file")
        elif custom.id in seen:
            collector.add(source, ("curriculum", "swap", i, "with"), swap.with_,
                          f'a session whose id is not "{custom.id}" (swap item {seen[custom.id] + 1} has it)')
        seen.setdefault(custom.id, i)


def load_custom_session(path: Path, curriculum) -> Session:
    """A cohort's own session, checked by the same schema and content rules as the curriculum's."""
    from iopkit.content.curriculum import Collector, load_session_file

    collector = Collector()
    if not path.is_file():
        raise ValidationError([problem(path, "file", "no such file", "a custom session file (.yaml) at this path")])
    session = load_session_file(path, collector, program=curriculum.program, references=curriculum.references,
                                techniques=curriculum.techniques, curriculum_file=False)
    collector.raise_if_any()
    if not isinstance(session, Session):
        raise ValidationError([problem(path, "status", "outline", "complete (a custom session must be written in full)")])
    return session


def sequence(cohort: Cohort, curriculum) -> list[Slot]:
    """The cohort's sessions in order, after order, skip, swap and add.

    An IOP group runs its sequence once (and round again for people who join later). An
    aftercare group's sequence is the cycle repeated over the weeks planned; its slots' week
    is the group's own week count.
    """
    track = cohort.track
    sessions, files = curriculum.track(track)
    changes = cohort.curriculum

    def find(key):
        return _find(curriculum, key, track)

    if changes.order:
        ordered = [find(key) for key in changes.order]
        listed = {s.id for s in ordered}
        ordered += [s for s in sessions.values() if s.id not in listed]
    else:
        ordered = list(sessions.values())
    skipped = {find(key).id for key in changes.skip}
    swaps = {find(s.replace).id: s.with_ for s in changes.swap}
    adds: dict[str, list[str]] = {}
    for add in changes.add:
        adds.setdefault(find(add.after).id, []).append(add.session)
    out = []
    for session in ordered:
        if session.id in skipped:
            continue
        if session.id in swaps:
            out.append(Slot(*_insert(cohort, curriculum, swaps[session.id]), session.week))
        else:
            out.append(Slot(session, files[session.number], False, session.week))
        for key in adds.get(session.id, []):
            out.append(Slot(*_insert(cohort, curriculum, key), session.week))
    if track == "aftercare" and out:
        weeks = len(aftercare_dates(cohort))
        out = [Slot(out[i % len(out)].session, out[i % len(out)].source, out[i % len(out)].custom, i + 1)
               for i in range(weeks)]
    return out


# ---------------------------------------------------------------- run of show

def rescale(agenda: list[AgendaBlock], total: int, break_minutes: int) -> list[int]:
    """Minutes for each block so they add up to ``total``, in 5-minute steps.

    The break takes the cohort's break length; the other blocks share the rest in
    proportion to the curriculum's minutes (largest remainder), none below 5.
    """
    breaks = [i for i, b in enumerate(agenda) if b.kind == BlockKind.brk]
    work = [i for i in range(len(agenda)) if i not in breaks]
    available = total - break_minutes * len(breaks)
    written = sum(agenda[i].minutes for i in work)
    steps = available // 5
    exact = {i: agenda[i].minutes * steps / written for i in work}
    out = {i: max(1, int(exact[i])) for i in work}
    leftover = steps - sum(out.values())
    for i in sorted(work, key=lambda i: exact[i] - int(exact[i]), reverse=True):
        if leftover <= 0:
            break
        out[i] += 1
        leftover -= 1
    while leftover < 0:  # only when many blocks were raised to the 5-minute floor
        i = max(work, key=lambda i: out[i])
        out[i] -= 1
        leftover += 1
    minutes = [0] * len(agenda)
    for i in work:
        minutes[i] = out[i] * 5
    for i in breaks:
        minutes[i] = break_minutes
    return minutes


def run_of_show(session: OutlineSession, start: dt.datetime, total: int, break_minutes: int) -> tuple[PlannedBlock, ...]:
    if not isinstance(session, Session):
        return ()
    if total == sum(b.minutes for b in session.agenda) and all(
        b.minutes == break_minutes for b in session.agenda if b.kind == BlockKind.brk
    ):
        minutes = [b.minutes for b in session.agenda]
    else:
        minutes = rescale(list(session.agenda), total, break_minutes)
    blocks, clock = [], start
    for block, m in zip(session.agenda, minutes):
        end = clock + dt.timedelta(minutes=m)
        blocks.append(PlannedBlock(block, m, clock, end))
        clock = end
    return tuple(blocks)


def plan_cohort(cohort: Cohort, curriculum) -> Plan:
    """Every session of the cohort with its date, clock times and run of show."""
    items = sequence(cohort, curriculum)
    dates = meeting_dates(cohort, len(items))
    zone = ZoneInfo(cohort.schedule.time_zone)
    s = cohort.schedule
    planned = []
    for position, (slot, date) in enumerate(zip(items, dates), start=1):
        start = dt.datetime.combine(date, s.start_time, tzinfo=zone)
        end = start + dt.timedelta(minutes=s.session_minutes)
        planned.append(PlannedSession(position, len(items), slot.session, slot.source, slot.custom, date, start,
                                      end, run_of_show(slot.session, start, s.session_minutes, s.break_minutes),
                                      slot.week))
    return Plan(cohort, tuple(planned), curriculum)


def parse_selection(text: str | None, total: int) -> list[int]:
    """``"1-3,7"`` -> ``[1, 2, 3, 7]``; ``None`` -> every session."""
    if not text:
        return list(range(1, total + 1))
    chosen: set[int] = set()
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
            else:
                low = high = int(part)
        except ValueError:
            raise UnknownSessionError(
                f'--sessions: got "{text}", expected session numbers like 1-3,7'
            ) from None
        if low < 1 or high > total or low > high:
            raise UnknownSessionError(
                f"--sessions: got {part}, expected numbers from 1 to {total} (this cohort has {total} sessions)"
            )
        chosen.update(range(low, high + 1))
    return sorted(chosen)


# ---------------------------------------------------------------- rolling admission

@dataclass(frozen=True)
class JoinPlan:
    """The sessions a person joining on ``joined`` attends, in order (no name needed)."""

    cohort: Cohort
    joined: dt.date
    sessions: tuple[PlannedSession, ...]  # position is the curriculum position; date is when they attend it

    @property
    def finish(self) -> dt.date:
        return self.sessions[-1].date


def plan_join(cohort: Cohort, curriculum, joined: dt.date) -> JoinPlan:
    """The group runs the curriculum round and round; a person joins at the next meeting and
    stays for one full round, so they finish with the session just before the one they joined at."""
    if joined < cohort.schedule.start_date:
        raise OptionError(f"--date: got {joined.isoformat()}, expected a date on or after the group's start date "
                          f"({cohort.schedule.start_date.isoformat()}, in {cohort.path})")
    if cohort.track == "aftercare":
        return _join_aftercare(cohort, curriculum, joined)
    items = sequence(cohort, curriculum)
    count = len(items)

    start = cohort.schedule.start_date
    if (joined - start).days > MAX_JOIN_YEARS * 365:
        raise OptionError(f"--date: got {joined.isoformat()}, expected a date within {MAX_JOIN_YEARS} years of the "
                          f"group's start ({start.isoformat()}, in {cohort.path}); for a group that started longer "
                          "ago, make a new cohort file with a later start date")
    # Every meeting from the start until two years after the join date: the group runs round and round.
    dates = meeting_dates(cohort, 10**6, (joined - start).days + HORIZON_DAYS)
    later = [i for i, d in enumerate(dates) if d >= joined]
    if not later or len(dates) - later[0] < count:
        raise OptionError(
            f"--date: got {joined.isoformat()}, but the schedule in {cohort.path} has no room for "
            f"{count} sessions after it (its step_down ends). Choose an earlier date or extend the schedule.")
    first = later[0]
    zone = ZoneInfo(cohort.schedule.time_zone)
    s = cohort.schedule
    planned = []
    for index in range(first, first + count):
        slot = items[index % count]
        start = dt.datetime.combine(dates[index], s.start_time, tzinfo=zone)
        planned.append(PlannedSession(index % count + 1, count, slot.session, slot.source, slot.custom,
                                      dates[index], start, start + dt.timedelta(minutes=s.session_minutes), (),
                                      slot.week))
    return JoinPlan(cohort, joined, tuple(planned))


def _join_aftercare(cohort: Cohort, curriculum, joined: dt.date) -> JoinPlan:
    """Aftercare is open-ended: a person joins any week and stays as long as they need. Their page
    lists one full cycle from the next meeting (every topic once), within the weeks planned."""
    plan = plan_cohort(cohort, curriculum)
    later = [item for item in plan.sessions if item.date >= joined]
    if not later:
        raise IopkitError(f"--date: got {joined.isoformat()}, but the weeks planned in {cohort.path} end on "
                          f"{plan.finish.isoformat()}. Plan more weeks (schedule: weeks or end_date) and try again.")
    cycle = len({item.session.id for item in plan.sessions})
    return JoinPlan(cohort, joined, tuple(later[:cycle]))


# ---------------------------------------------------------------- the hand-off to aftercare


def session_on(plan: Plan, date: dt.date) -> PlannedSession:
    """The planned session on ``date``; a date with no group names the nearest meeting days."""
    for item in plan.sessions:
        if item.date == date:
            return item
    before = [i for i in plan.sessions if i.date < date]
    after = [i for i in plan.sessions if i.date > date]
    near = [i for i in (before[-1:] + after[:1])]
    where = display_path(plan.cohort.path) if plan.cohort.path else "the cohort file"
    listed = " and ".join(f"{i.date.isoformat()} ({i.date:%A}, session {i.position})" for i in near)
    raise NotesError(f"--date: got {date.isoformat()}, a {date:%A}, expected a day this group meets ({where}, "
                     f"schedule). The nearest meeting days are {listed}.")
