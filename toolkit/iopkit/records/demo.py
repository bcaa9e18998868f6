"""A synthetic program in a new store, so the dashboard can be shown and tested without real people.

``make_demo(vault, cohorts, curriculum, seed=N)`` fills a new, empty store with made-up
participants (pseudonyms only, no aliases), their attendance, drop-outs, step-downs and
completions, PHQ-9 scores and fidelity forms, for the first ``weeks`` weeks of each cohort.
``random.Random(seed)`` makes every choice, in a fixed order, so the same seed and cohort files
always give the same program (only the pseudonyms, drawn by ``people.add_participant``, differ).
The store's meta table says it is a demo and until when (``demo_until``); the dashboard shows
"synthetic program" and counts up to that day.

How a person's story is drawn (``_Person``):

* admitted on the first group day (``initial`` people per cohort), or on a group day of a later
  week (0, 1 or 2 a week, equally likely);
* at each of their groups: present (full countable minutes) with chance 0.82, late (30 minutes
  fewer) 0.06, absent 0.12;
* with chance 0.3 they stop coming after their group number 3 to 15; absences are recorded for two
  more weeks, then a discharge;
* otherwise with chance 0.2 they step down to a lower level of care at their 24th group (the step-down
  date is also their discharge from IOP); the rest complete: discharged at their 36th group;
* an individual session (60 minutes, on a day the group does not meet) in a week with chance 0.5;
* PHQ-9 at their first group and every 14 days after, on a day they came: an "improver" (chance
  0.7) goes down about 2 points each time, the others stay or go up.

Fidelity: the lead facilitator of a group is the cohort's facilitators in turn (position 1 the
first, 2 the second, ...); a self-rating after a group with chance 0.75; a supervisor observation
at every session whose position is 3, 9, 15, ... (signed a week later by ``SUPERVISOR``). A group
day is cancelled (nobody recorded) with chance 0.03.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from iopkit.errors import RecordInputError
from iopkit.records import fidelity, people
from iopkit.records.ledger import week_start

SUPERVISOR = ("Morgan Lee", "LICSW, clinical supervisor")
DEFAULT_WEEKS = 14
FEEDBACKS = ("You waited for answers and let the quiet members speak first; keep that.",
             "The skill practice was cut short when check-in ran long; timebox check-in to 25 minutes.",
             "You followed up the craving rating of 8 at the break, as the guide asks.")
PLANS = ("Practise the check-in timebox with a visible timer in the next three groups.",
         "Before the next observation, rehearse the session's exercise debrief questions.",
         "Read the session's safety follow-up steps aloud at the start of the next supervision.")
DIFFERENT = ("Start the skill practice earlier.", "Invite the quiet members in by name, gently.",
             "Write the safety follow-up down before leaving.", "Give the break reminder at the clock time.")


@dataclass
class _Person:
    cohort: str
    admitted: dt.date
    groups: list[dt.date]          # the group days from admission to the end of the demo
    visits: list[tuple[dt.date, str, int]] = field(default_factory=list)
    stepped_down: dt.date | None = None
    discharged: dt.date | None = None
    phq: list[tuple[dt.date, list[int]]] = field(default_factory=list)
    pseudonym: str = ""


def _phq_answers(total: int) -> list[int]:
    """Nine answers summing to ``total`` (0-24; item 9, self-harm, is always 0 in the demo)."""
    answers = [0] * 9
    for i in range(max(0, min(total, 24))):
        answers[i % 8] += 1
    return answers


def make_demo(vault, cohorts, curriculum, *, seed: int = 1, weeks: int = DEFAULT_WEEKS, initial: int = 6,
              weekly: tuple[int, ...] = (0, 1, 2)) -> str:
    """Fill a new store with a synthetic program; returns a one-line summary.

    ``weekly`` is the choice of later admissions a week (equally likely); ``(0,)`` admits only the first
    ``initial`` people (the tests use small programs like that, worked out by hand).
    """
    from iopkit.records.measures_store import insert_administration, score_administration

    rng = random.Random(seed)
    cohorts = sorted(cohorts, key=lambda c: c.slug)
    if not cohorts:
        raise RecordInputError("--cohorts: no cohort files were found to make a demo program from")
    start = min(c.schedule.start_date for c in cohorts)
    until = start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    persons: list[_Person] = []
    forms: list[fidelity.FidelityForm] = []
    signatures: list[tuple[fidelity.FidelityForm, dt.datetime, int]] = []
    cancelled: set[tuple[str, dt.date]] = set()
    for cohort in cohorts:
        calendar = fidelity.group_calendar(cohort, curriculum, until)
        group_days = [d for d, _, _ in calendar]
        for day in group_days:
            if rng.random() < 0.03:
                cancelled.add((cohort.slug, day))
        minutes = cohort.schedule.session_minutes - cohort.schedule.break_minutes
        admissions = [group_days[0]] * initial
        monday = week_start(group_days[0]) + dt.timedelta(weeks=1)
        while monday <= until:
            days = [d for d in group_days if monday <= d < monday + dt.timedelta(days=7)]
            for _ in range(rng.choice(weekly) if days else 0):
                admissions.append(rng.choice(days))
            monday += dt.timedelta(weeks=1)
        for admitted in admissions:
            person = _Person(cohort.slug, admitted, [d for d in group_days if d >= admitted])
            _story(rng, person, minutes, cancelled, until)
            persons.append(person)
        forms += _fidelity_forms(rng, cohort, calendar, cancelled, signatures)

    with vault.transaction() as conn:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('demo_until', ?)", (until.isoformat(),))
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('demo_seed', ?)", (str(seed),))
        for person in persons:
            added = people.add_participant(conn, cohort=person.cohort, admitted=person.admitted)
            person.pseudonym = added.pseudonym
            for day, status, mins in person.visits:
                people.record_attendance(conn, day, added.pseudonym, status, mins)
            if person.stepped_down or person.discharged:
                people.set_dates(conn, added.pseudonym, stepped_down=person.stepped_down,
                                 discharged=person.discharged)
            for day, answers in person.phq:
                insert_administration(conn, added.pseudonym, day, score_administration("PHQ-9", answers), "paper",
                                      entered_at=dt.datetime.combine(day, dt.time(17), dt.timezone.utc))
        for form in forms:
            fidelity.save_form(conn, form)
        for form, when, choice in signatures:
            fidelity.sign_form(conn, form.id, name=SUPERVISOR[0], credential=SUPERVISOR[1],
                               feedback=FEEDBACKS[choice], plan=PLANS[choice], now=when)
    return (f"{len(cohorts)} cohorts, {len(persons)} synthetic participants, "
            f"{sum(len(p.visits) for p in persons)} attendance entries, {len(forms)} fidelity forms, "
            f"from {start.isoformat()} to {until.isoformat()} (seed {seed}).")


def _story(rng: random.Random, person: _Person, minutes: int, cancelled: set, until: dt.date) -> None:
    drops = rng.random() < 0.3
    stop_after = rng.randint(3, 15) if drops else None
    steps_down = (not drops) and rng.random() < 0.2
    improver = rng.random() < 0.7
    phq = rng.randint(9, 20)
    last_phq: dt.date | None = None
    count = 0
    weeks_with_individual: set[dt.date] = set()
    stopped_on: dt.date | None = None
    for day in person.groups:
        if (person.cohort, day) in cancelled:
            continue
        count += 1
        if stop_after is not None and count > stop_after:
            stopped_on = stopped_on or day
            if day > stopped_on + dt.timedelta(days=13):
                person.discharged = day
                break
            person.visits.append((day, "absent", 0))
            continue
        roll = rng.random()
        status, mins = ("present", minutes) if roll < 0.82 else ("late", minutes - 30) if roll < 0.88 else ("absent", 0)
        person.visits.append((day, status, mins))
        monday = week_start(day)
        if monday not in weeks_with_individual:
            weeks_with_individual.add(monday)
            if rng.random() < 0.5:
                extra = next(monday + dt.timedelta(days=i) for i in range(7)
                             if monday + dt.timedelta(days=i) not in person.groups)
                if person.admitted <= extra <= until:
                    person.visits.append((extra, "present", 60))
        if status != "absent" and (last_phq is None or (day - last_phq).days >= 14):
            if last_phq is not None:
                phq += -rng.choice((1, 2, 3)) if improver else rng.choice((0, 1, 2))
            phq = max(0, min(24, phq))
            person.phq.append((day, _phq_answers(phq)))
            last_phq = day
        if steps_down and count == 24:
            person.stepped_down = person.discharged = day
            break
        if count == 36:
            person.discharged = day
            break
    person.visits.sort()


def _fidelity_forms(rng: random.Random, cohort, calendar, cancelled: set, signatures: list) -> list:
    out: list[fidelity.FidelityForm] = []
    facilitators = [str(f) for f in cohort.cohort.facilitators]
    for day, position, session in calendar:
        if (cohort.slug, day) in cancelled or not getattr(session, "fidelity", None):
            continue
        lead = facilitators[(position - 1) % len(facilitators)]
        sod = fidelity.SessionOfDay(cohort.slug, str(cohort.cohort.name), tuple(facilitators), day, position,
                                    str(session.id), str(session.title), tuple(str(t) for t in session.fidelity))
        stamp = dt.datetime.combine(day, dt.time(18), dt.timezone.utc)
        own = [rng.choices(fidelity.ITEM_RATINGS, weights=(75, 15, 7, 3))[0] for _ in sod.items]
        globals_ = [rng.randint(3, 5) for _ in fidelity.GLOBAL_KEYS]
        if rng.random() < 0.75:
            out.append(fidelity.new_form(sod, mode="self", facilitator=lead, rater=None, items=own,
                                         ratings=dict(zip(fidelity.GLOBAL_KEYS, globals_)),
                                         different=rng.choice(DIFFERENT), now=stamp))
        if position % 6 == 3:
            seen = [r if rng.random() < 0.8 else rng.choice(fidelity.ITEM_RATINGS) for r in own]
            rated = [max(1, min(5, g + rng.choice((-1, 0, 0, 1)))) for g in globals_]
            out.append(fidelity.new_form(sod, mode="supervisor", facilitator=lead, rater=SUPERVISOR[0], items=seen,
                                         ratings=dict(zip(fidelity.GLOBAL_KEYS, rated)), different="", now=stamp))
            signatures.append((out[-1], stamp + dt.timedelta(days=7), rng.randrange(len(FEEDBACKS))))
    return out
