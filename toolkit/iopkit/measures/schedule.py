"""Which measures are due for a person on a day, from a schedule counted from admission.

Each entry of ``curriculum/measures/_schedule.yaml`` says how often a measure is given
(``every_weeks``), whether at entry too (``at_entry``), and for how many days after each due
day it stays due (``window_days``). ``due`` works from dates alone, so it needs no name and no
records; pass ``given`` (the last day each measure was given) to drop the ones already done.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Mapping

from iopkit.errors import IopkitError
from iopkit.measures.schema import ScheduleEntry


class DateError(IopkitError):
    """A date that could not be read."""

    exit_code = 2


def due_days(entry: ScheduleEntry, admitted: dt.date, until: dt.date) -> list[dt.date]:
    """Every day the measure falls due, from admission up to ``until``."""
    step = dt.timedelta(weeks=entry.every_weeks)
    day = admitted if entry.at_entry else admitted + step
    out = []
    while day <= until:
        out.append(day)
        day += step
    return out


def due(schedule: Iterable[ScheduleEntry], admitted: dt.date, today: dt.date,
        given: Mapping[str, dt.date] | None = None) -> list[str]:
    """The ids of the measures due ``today`` for a person admitted on ``admitted``, in schedule order.

    A measure is due from each of its due days for ``window_days`` days, unless ``given`` shows it was
    given on or after that due day. Nothing is due before admission.
    """
    given = given or {}
    out: list = []
    if today < admitted:
        return out
    for entry in schedule:
        days = due_days(entry, admitted, today)
        if not days:
            continue
        last = days[-1]
        if (today - last).days >= entry.window_days:
            continue
        done = given.get(entry.measure)
        if done is not None and done >= last:
            continue
        if entry.measure not in out:
            out.append(entry.measure)
    return out
