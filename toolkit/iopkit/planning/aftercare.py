"""An IOP cohort's aftercare group: who people step down to, and when that group next meets."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from iopkit.planning.cohort import WEEKDAYS, Cohort, load_cohort
from iopkit.planning.plan import plan_cohort


@dataclass(frozen=True)
class Handoff:
    """The aftercare group an IOP cohort steps people down to, as a person would be told it."""

    name: str
    weekday: str
    start: dt.datetime
    end: dt.datetime
    first: dt.date  # the first aftercare meeting on or after the day asked about
    where: str


def aftercare_handoff(cohort: Cohort, curriculum, after: dt.date) -> Handoff | None:
    """The IOP cohort's aftercare group (``[cohort] aftercare``), with its next meeting after ``after``;
    None when the cohort names no aftercare file or the weeks it plans end before ``after``."""
    if not cohort.cohort.aftercare:
        return None
    group = load_cohort(cohort.folder / cohort.cohort.aftercare, curriculum=curriculum)
    plan = plan_cohort(group, curriculum)
    later = [item for item in plan.sessions if item.date >= after]
    if not later:
        return None
    first = later[0]
    where = ("Telehealth" + (f" ({group.location.platform})" if group.location.platform else "")
             if group.telehealth else group.location.address)
    return Handoff(group.cohort.name, WEEKDAYS[first.date.weekday()], first.start, first.end, first.date, where)
