"""A group's measures at a glance, from in-memory administrations keyed by pseudonym.

- ``not_on_track_list``: for the counselor, who is not on track on which measure, and why;
- ``outcome_table``: for the director, how many people got reliably better, stayed the same or
  got worse on one measure, by group, with small cells suppressed (``suppress.py``). The table
  holds counts only; no pseudonym leaves this function.
"""
from __future__ import annotations

from typing import Mapping

from iopkit.measures.load import Measures
from iopkit.measures.progress import Administration, change, not_on_track, totals
from iopkit.measures.schema import Measure
from iopkit.measures.suppress import SuppressedTable, suppress_table

ONE_ONLY = "Only one administration"


def not_on_track_list(measures: Measures, people: Mapping[str, list[Administration]]) -> dict[str, list[str]]:
    """``{pseudonym: [reasons]}`` for everyone not on track on any measure with a total."""
    out: dict[str, list[str]] = {}
    for who, administrations in people.items():
        reasons = []
        for measure_id in dict.fromkeys(a.score.measure for a in administrations):
            measure = measures.get(measure_id)
            reasons += not_on_track(measure, administrations)
        if reasons:
            out[who] = reasons
    return out


def outcome_categories(measure: Measure) -> list[str]:
    if measure.total and measure.total.reliable_change:
        return ["Reliably better", "No reliable change", "Reliably worse", ONE_ONLY]
    return ["Better", "No change", "Worse", ONE_ONLY]


def outcome_of(measure: Measure, administrations: list[Administration]) -> str | None:
    """The person's category on this measure (first against latest total), or None if never given."""
    rows = totals(administrations, measure)
    if not rows:
        return None
    if len(rows) == 1:
        return ONE_ONLY
    c = change(measure, rows[0][1], rows[-1][1])
    counts = c.reliable is not False  # with no published reliable-change value, any change counts
    better, worse = c.better and counts, c.worse and counts
    names = outcome_categories(measure)
    return names[0] if better else names[2] if worse else names[1]

def outcome_table(measure: Measure, people: Mapping[str, list[Administration]],
                  group_of: Mapping[str, str]) -> SuppressedTable:
    """Counts of people by outcome (rows) and group (columns), small cells suppressed."""
    if measure.total is None:
        raise ValueError(f"{measure.id} has no total; report its items or subscales instead.")
    groups = sorted(set(group_of[who] for who in people))
    counts = {category: {g: 0 for g in groups} for category in outcome_categories(measure)}
    for who, administrations in people.items():
        category = outcome_of(measure, administrations)
        if category is not None:
            counts[category][group_of[who]] += 1
    return suppress_table(counts)
