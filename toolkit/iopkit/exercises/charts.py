"""Charts drawn as plain HTML and SVG with inline styles: they show in JupyterLab and Voila
without JavaScript or a plotting library, and print the same way in the answers PDF.

The markup is in templates (``handouts/templates/iopkit/exercises/_charts.html.j2`` and
``wave.svg.j2``); this module works out the numbers. Sizes are in ``em``, so a chart is large on
the projector (the widget sets a big font) and fits the page on paper (the print font).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from iopkit import markup, theme

ACCENT, INK, MUTED = theme.ACCENT, theme.INK, theme.MUTED
#: The track behind a bar.
TRACK = theme.SOFT
#: An earlier rating, beside today's.
EARLIER = "#a9b4bb"


@dataclass(frozen=True)
class Series:
    name: str
    color: str


@cache
def _macros():
    """The macros of ``_charts.html.j2``, callable from Python."""
    return markup.environment().get_template("iopkit/exercises/_charts.html.j2").module


def _bar(value: float | None, maximum: float, color: str, text: str) -> dict:
    if value is None:
        return {"missing": text}
    pct = max(0.0, min(100.0, 100.0 * value / maximum)) if maximum else 0.0
    return {"missing": "", "color": color, "pct": f"{pct:.1f}"}


def legend(series: list[Series]) -> str:
    return str(_macros().legend(series))


def hbars(rows: Sequence[tuple[str, Sequence[float | None]]], series: list[Series], maximum: float,
          change: bool = False, missing: str = "not rated yet") -> str:
    """A horizontal bar chart: one row per label, one bar per series (side by side, top to
    bottom), the numbers at the end and, with ``change``, the change from the first series
    to the last."""
    shown = [{"label": label, "bars": [_bar(v, maximum, s.color, missing) for v, s in zip(values, series)],
              "numbers": " / ".join("–" if v is None else f"{v:g}" for v in values),
              "change": _change(values[0], values[-1]) if change else None} for label, values in rows]
    return str(_macros().hbars(shown, series, len(series) > 1, change))


def _change(before: float | None, after: float | None) -> tuple[str, str]:
    """(kind, words) of the change from ``before`` to ``after``: up, down, same, or unknown."""
    if before is None or after is None:
        return "unknown", "–"
    diff = after - before
    if diff > 0:
        return "up", f"up {diff:g}"
    if diff < 0:
        return "down", f"down {-diff:g}"
    return "same", "same"


def change_text(before: float | None, after: float | None) -> str:
    return str(_macros().change(*_change(before, after)))


def columns(counts: list[int], labels: list[str], title: str, color: str = ACCENT, height_em: float = 7.0) -> str:
    """A histogram: one column per label, its height the count, the count on top."""
    top = max(counts) if counts and max(counts) > 0 else 1
    cells = [{"count": count, "label": label, "height": f"{height_em * count / top:.2f}"}
             for count, label in zip(counts, labels)]
    return str(_macros().columns(title, cells, color, f"{height_em + 1.4:.1f}"))


# ---------------------------------------------------------------- the urge wave

WAVE_W, WAVE_H, WAVE_BASE, WAVE_TOP = 600.0, 190.0, 150.0, 28.0


def wave_height(t: float, crest: float) -> float:
    """How high the wave is at ``t`` (0 to 1 of the practice): low swells, one crest."""
    swell = math.exp(-(((t - crest) / 0.24) ** 2))
    ripple = 0.04 * math.sin(2 * math.pi * 7 * t)
    return max(0.0, swell * 0.92 + 0.06 + ripple)


def wave_svg(phases: list[tuple[str, float, float]], progress: float | None = None, active: int | None = None,
             crest: float | None = None, label: str = "The urge wave") -> str:
    """The urge as a wave: phases marked below it; with ``progress``, the part already
    ridden is filled in and a dot shows where you are now."""
    if crest is None:
        crest = next(((a + b) / 2 for name, a, b in phases if name.lower() == "peak"), 0.55)
    steps = 120

    def point(t: float) -> tuple[float, float]:
        return t * WAVE_W, WAVE_BASE - (WAVE_BASE - WAVE_TOP) * wave_height(t, crest)

    curve = [point(i / steps) for i in range(steps + 1)]
    filled = filled_to = ""
    if progress is not None and progress > 0:
        p = min(1.0, progress)
        filled = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i / steps * p) for i in range(steps + 1)))
        filled_to = f"{p * WAVE_W:.1f}"
    dot = None
    if progress is not None:
        x, y = point(min(1.0, max(0.0, progress)))
        dot = (f"{x:.1f}", f"{y:.1f}")
    marks = [{"name": name, "x": f"{(start + end) / 2 * WAVE_W:.1f}", "mark": f"{start * WAVE_W:.1f}" if start > 0 else "",
              "active": active == i} for i, (name, start, end) in enumerate(phases)]
    return markup.render("iopkit/exercises/wave.svg.j2", width=f"{WAVE_W:.0f}", height=f"{WAVE_H:.0f}", label=label,
                         base=WAVE_BASE, full=WAVE_W, line=" ".join(f"{x:.1f},{y:.1f}" for x, y in curve),
                         filled=filled, filled_to=filled_to, phases=marks, dot=dot, mark_top=WAVE_TOP - 10,
                         label_y=WAVE_BASE + 28, earlier=EARLIER).rstrip("\n")
