"""One person's measures over time: change and reliable change, the not-on-track flag, and
trajectory charts as SVG (``handouts/templates/iopkit/measures/trajectory.svg.j2``).

Everything works on an in-memory list of ``Administration`` (a day and a ``Score``); nothing is
read from or written to storage here.

Not on track (documented in docs/measures.md):
- **worse**: the latest total is worse than the first by at least the measure's reliable-change
  value (only measures that publish one: PHQ-9, PCL-5);
- **no improvement by week 3**: 21 days or more after the first administration, the latest total is
  no better than the first, unless the first was already in the lowest band (nothing to improve).
"""
from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from iopkit import theme
from iopkit.measures.schema import Direction, Measure
from iopkit.measures.score import Score

#: Days after the first administration from which "no improvement" counts (end of week 3).
NO_IMPROVEMENT_DAYS = 21

_ids = itertools.count(1)


@dataclass(frozen=True)
class Administration:
    """One scored administration on a day. Holds no name: the caller keeps who it belongs to."""

    day: dt.date
    score: Score


@dataclass(frozen=True)
class Change:
    points: float
    better: bool
    worse: bool
    reliable: bool | None  # None: the measure publishes no reliable-change value

    def text(self, measure: Measure) -> str:
        if self.points == 0:
            return "no change"
        way = "better" if self.better else "worse"
        size = f"{abs(self.points):g} point{'s' if abs(self.points) != 1 else ''} {way}"
        if self.reliable is None:
            return size
        rc = measure.total.reliable_change.points  # type: ignore[union-attr]
        return size + (f" (reliable change: {rc} or more)" if self.reliable else f" (less than the {rc} points of reliable change)")


def totals(administrations: list[Administration], measure: Measure) -> list[tuple[dt.date, float]]:
    """(day, total) for each administration of ``measure`` that has a total, oldest first."""
    rows = [(a.day, a.score.total) for a in administrations if a.score.measure == measure.id and a.score.total is not None]
    return sorted(rows)  # type: ignore[arg-type]


def change(measure: Measure, before: float, after: float) -> Change:
    """How ``after`` compares with ``before`` on this measure's total."""
    assert measure.total is not None
    points = round(after - before, 1)
    lower_better = measure.total.direction == Direction.lower_is_better
    better = points < 0 if lower_better else points > 0
    worse = points > 0 if lower_better else points < 0
    rc = measure.total.reliable_change
    reliable = None if rc is None else abs(points) >= rc.points
    return Change(points, better, worse, reliable)


def not_on_track(measure: Measure, administrations: list[Administration]) -> list[str]:
    """Why this person is not on track on this measure (an empty list means on track or too early)."""
    if measure.total is None:
        return []
    rows = totals(administrations, measure)
    if len(rows) < 2:
        return []
    (first_day, first), (last_day, last) = rows[0], rows[-1]
    reasons = []
    c = change(measure, first, last)
    if c.worse and c.reliable:
        reasons.append(f"{measure.id} is {abs(c.points):g} points worse than at the first administration "
                       f"({first:g} to {last:g}); reliable change is {measure.total.reliable_change.points} points.")  # type: ignore[union-attr]
    lowest = measure.total.bands[0] if measure.total.bands else None
    already_low = lowest is not None and lowest.min <= first <= lowest.max
    if (last_day - first_day).days >= NO_IMPROVEMENT_DAYS and not c.better and not already_low:
        weeks = (last_day - first_day).days // 7
        reasons.append(f"{measure.id} has not improved after {weeks} weeks ({first:g} then, {last:g} now).")
    return reasons


def chart_svg(measure: Measure, administrations: list[Administration], *, width: int = 360, height: int = 200) -> str:
    """A trajectory chart of the measure's total: severity bands shaded, reliable change circled."""
    from iopkit import markup
    from iopkit.measures.forms import TEMPLATES

    if measure.total is None:
        raise ValueError(f"{measure.id} has no total to chart; chart its items or subscales instead.")
    rows = totals(administrations, measure)
    low, high = measure.range_of(measure.total.items)
    left, top, right, bottom = 34, 20, 10, 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def y_of(value: float) -> float:
        return round(top + plot_h - (value - low) / (high - low) * plot_h, 1)

    if rows:
        start, end = rows[0][0], rows[-1][0]
    else:
        start = end = dt.date.today()
    span = max((end - start).days, 1)

    def x_of(day: dt.date) -> float:
        return round(left + 8 + (day - start).days / span * (plot_w - 16), 1)

    shades = ["#eef6f1", "#f6f6ea", "#fbf1e6", "#fbe9e4", "#f7e1e1"]
    bands = []
    for i, band in enumerate(measure.total.bands):
        y1, y2 = y_of(band.max + 1 if band.max < high else high), y_of(band.min)
        bands.append({"y": y1, "h": round(y2 - y1, 1), "label": band.label.split(" - ")[0][:28],
                      "fill": shades[min(i, len(shades) - 1)]})
    points = []
    rc = measure.total.reliable_change
    for day, value in rows:
        mark, color = "", ""
        if rc and rows and day != rows[0][0]:
            c = change(measure, rows[0][1], value)
            if c.reliable and c.better:
                mark, color = "better", "#2e7d4f"
            elif c.reliable and c.worse:
                mark, color = "worse", theme.SAFETY
        points.append({"x": x_of(day), "y": y_of(value), "mark": mark, "color": color,
                       "text": f"{day:%b} {day.day}: {value:g}"})
    ticks = sorted({low, high, *[b.min for b in measure.total.bands]})
    yticks = [{"y": y_of(t), "label": t} for t in ticks]
    xticks = [{"x": x_of(day), "label": f"{day:%b} {day.day}"} for day, _ in rows]
    if len(xticks) > 6:
        xticks = xticks[:: max(1, len(xticks) // 6)]
    desc = (f"{measure.id} totals: " + ", ".join(f"{d:%b} {d.day} {v:g}" for d, v in rows)) if rows else "No totals yet."
    note = f"Circled: reliable change from the first ({rc.points}+ points)." if rc else "This measure publishes no reliable-change value."
    return markup.render(TEMPLATES + "trajectory.svg.j2",
        w=width, h=height, left=left, top=top, plot_w=plot_w, plot_h=plot_h, bands=bands, points=points,
        path=" ".join(f"{p['x']},{p['y']}" for p in points), yticks=yticks, xticks=xticks,
        title=f"{measure.id} total over time", desc=desc, note=note, uid=next(_ids))
