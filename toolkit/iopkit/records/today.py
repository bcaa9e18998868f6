"""Today's room: a facilitator-only brief for one cohort and one day.

Who is new today, who is in their last three groups, who missed last time, who is under
the hours floor this week, and which measures are due for each person by the default schedule
(``curriculum/measures/_schedule.yaml``) and which were given today. It reads the cohort's calendar (``iopkit.planning.plan``) and the store.
It is printed on the facilitator's own terminal only; it is never written to a file.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from iopkit.records import people
from iopkit.records.ledger import week_start, weekly_minimum


@dataclass
class Brief:
    cohort_name: str
    day: dt.date
    meets_today: bool
    floor: int
    new: list[str] = field(default_factory=list)
    last_three: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    under_floor: list[str] = field(default_factory=list)
    members: int = 0
    notes: list[str] = field(default_factory=list)
    measures: list[str] | None = None  # None: the curriculum has no measures folder

    def render(self) -> str:
        head = f"Today's room: {self.cohort_name}, {self.day:%A %B} {self.day.day}, {self.day.year}"
        lines = [head, "Facilitator only: do not print, project or share this screen.", ""]
        if not self.meets_today:
            lines.append("The group does not meet on this day by its calendar; the lists below are for it anyway.")
        lines.extend(self.notes)
        lines.append(f"{self.members} member{'s' if self.members != 1 else ''} in the records for this day.")
        for title, items, empty in (
                ("New today", self.new, "nobody new"),
                ("In their last three groups", self.last_three, "nobody"),
                ("Missed last time", self.missed, "nobody"),
                (f"Under the hours floor this week ({self.floor} minutes)", self.under_floor, "nobody")):
            lines.append(f"{title}:")
            lines.extend(f"  {item}" for item in items) if items else lines.append(f"  {empty}")
        if self.measures is not None:
            lines.append("Measures due by the default schedule, and given today:")
            lines.extend(f"  {item}" for item in self.measures) if self.measures else lines.append("  nothing due")
        return "\n".join(lines)


def countable_minutes(cohort) -> int:
    """A full group's countable minutes: the session less its break (180 - 15 = 165)."""
    return cohort.schedule.session_minutes - cohort.schedule.break_minutes


def brief(conn, cohort, curriculum, day: dt.date) -> Brief:
    from iopkit.planning.plan import meeting_dates, plan_join, sequence

    floor, _ = weekly_minimum(cohort.path)
    count = len(sequence(cohort, curriculum))
    # Enough of the calendar to reach past ``day`` (the group runs the curriculum round and round).
    rounds = max(2, (day - cohort.schedule.start_date).days // 7 // max(1, count // 3) + 2)
    dates = meeting_dates(cohort, count * rounds)
    before = [d for d in dates if d < day]
    last_meeting = before[-1] if before else None
    monday = week_start(day)
    left_this_week = [d for d in dates if day <= d <= monday + dt.timedelta(days=6)]
    per_group = countable_minutes(cohort)
    this_week = [d for d in dates if monday <= d <= monday + dt.timedelta(days=6)]
    schedule_week = per_group * len(this_week)

    result = Brief(cohort.cohort.name, day, day in dates, floor)
    if schedule_week < floor:
        result.notes.append(
            f"This week's groups give at most {schedule_week} countable minutes ({len(this_week)} x {per_group}), "
            f"less than the {floor}-minute floor: other services must add the rest for everyone. Listed below are "
            "only those who lost time this week.")
    visits_by_person: dict[str, list[people.Attendance]] = {}
    for visit in people.attendance(conn):
        visits_by_person.setdefault(visit.pseudonym, []).append(visit)
    for person in people.participants(conn, cohort.slug):
        if not person.active_on(day):
            continue
        result.members += 1
        visits = visits_by_person.get(person.pseudonym, [])
        earlier = [v for v in visits if v.date < day]
        if person.admitted == day or (not earlier and person.admitted <= day):
            result.new.append(f"{person.label}: admitted {person.admitted:%b} {person.admitted.day}, first group")
        try:
            theirs = [s.date for s in plan_join(cohort, curriculum, person.admitted).sessions]
        except Exception:  # noqa: BLE001 - admitted before the group started or past its schedule
            theirs = []
        remaining = [d for d in theirs if d >= day]
        if person.discharged:
            remaining = [d for d in remaining if d <= person.discharged]
        if theirs and 1 <= len(remaining) <= 3 and not (person.stepped_down and person.stepped_down <= day):
            result.last_three.append(f"{person.label}: {len(remaining)} group{'s' if len(remaining) != 1 else ''} "
                                     f"left, the last on {remaining[-1]:%a %b} {remaining[-1].day}")
        if last_meeting and last_meeting >= person.admitted:
            visit = next((v for v in visits if v.date == last_meeting), None)
            if visit is None:
                result.missed.append(f"{person.label}: no attendance recorded for {last_meeting:%a %b} "
                                     f"{last_meeting.day}")
            elif visit.status == "absent":
                result.missed.append(f"{person.label}: absent on {last_meeting:%a %b} {last_meeting.day}")
        if person.stepped_down and person.stepped_down <= day:
            continue
        if person.admitted > monday:
            continue  # a partial first week is not held to the floor
        so_far = sum(v.minutes for v in visits if monday <= v.date < day)
        possible = so_far + per_group * len(left_this_week)
        if possible >= floor:
            continue
        if possible < schedule_week:  # time lost this week, beyond what the schedule itself allows
            result.under_floor.append(
                f"{person.label}: {so_far} minutes so far this week; at most {possible} by Sunday even at every "
                f"group left, {floor - possible} short of the floor")
    result.measures = measures_due(conn, cohort, curriculum, day)
    return result


def measures_due(conn, cohort, curriculum, day: dt.date) -> list[str] | None:
    """For each member active on ``day``: the measures due (``iopkit.measures.schedule.due``, counted from
    admission, less those already given in the window) and those given on ``day``."""
    from iopkit.measures.load import load_measures, measures_dir
    from iopkit.measures.schedule import due
    from iopkit.records.measures_store import administrations_in, last_given

    root = getattr(curriculum, "root", None)
    if not measures_dir(root).is_dir():
        return None
    ms = load_measures(root)
    rows = administrations_in(conn, measures=ms)
    out = []
    for person in people.participants(conn, cohort.slug):
        if not person.active_on(day):
            continue
        theirs = [r for r in rows if r.pseudonym == person.pseudonym and r.date <= day]
        names = due(ms.schedule, person.admitted, day, last_given([r for r in theirs if r.date < day]))
        today = [r for r in theirs if r.date == day]
        given = list(dict.fromkeys(r.instrument + (" (safety item: follow-up needed today)" if r.score.safety else "")
                                   for r in today))
        done = {r.instrument for r in today}
        pending = [n + (" (on the partner's form)" if n in ms.elsewhere else "") for n in names if n not in done]
        parts = ([f"due {', '.join(pending)}"] if pending else []) + ([f"given today {', '.join(given)}"] if given else [])
        if parts:
            out.append(f"{person.label}: " + "; ".join(parts))
    return out
