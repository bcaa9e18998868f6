"""Charts drawn as plain HTML and SVG with inline styles: they show in JupyterLab and Voila
without JavaScript or a plotting library, and print the same way in the answers PDF.

Sizes are in ``em``, so a chart is large on the projector (the widget sets a big font)
and fits the page on paper (the print font).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from iopkit import theme
from iopkit.markup import esc

ACCENT, INK, MUTED = theme.ACCENT, theme.INK, theme.MUTED
#: The track behind a bar.
TRACK = theme.SOFT
#: An earlier rating, beside today's.
EARLIER = "#a9b4bb"


@dataclass(frozen=True)
class Series:
    name: str
    color: str


def _bar(value: float | None, maximum: float, color: str, text: str) -> str:
    if value is None:
        return (f'<div style="height:1.05em;line-height:1.05em;margin:0.12em 0;color:{MUTED};font-size:0.85em">'
                f"{esc(text)}</div>")
    pct = max(0.0, min(100.0, 100.0 * value / maximum)) if maximum else 0.0
    return (f'<div style="background:{TRACK};border-radius:0.3em;height:1.05em;margin:0.12em 0;width:100%">'
            f'<div style="background:{color};border-radius:0.3em;height:1.05em;width:{pct:.1f}%"></div></div>')


def legend(series: list[Series]) -> str:
    keys = "".join(
        f'<span style="display:inline-block;margin-right:1.2em;white-space:nowrap">'
        f'<span style="display:inline-block;width:0.9em;height:0.9em;background:{s.color};border-radius:0.2em;'
        f'vertical-align:-0.1em;margin-right:0.35em"></span>{esc(s.name)}</span>'
        for s in series
    )
    return f'<div style="margin:0.2em 0 0.4em;color:{INK}">{keys}</div>'


def hbars(rows: list[tuple[str, list[float | None]]], series: list[Series], maximum: float,
          change: bool = False, missing: str = "not rated yet") -> str:
    """A horizontal bar chart: one row per label, one bar per series (side by side, top to
    bottom), the numbers at the end and, with ``change``, the change from the first series
    to the last."""
    out = [legend(series) if len(series) > 1 else "",
           '<table style="width:100%;border-collapse:collapse">']
    for label, values in rows:
        bars = "".join(_bar(v, maximum, s.color, missing) for v, s in zip(values, series))
        numbers = " / ".join("–" if v is None else f"{v:g}" for v in values)
        cells = [
            f'<td style="width:34%;padding:0.25em 0.6em 0.25em 0;vertical-align:middle;color:{INK}">{esc(label)}</td>',
            f'<td style="padding:0.25em 0;vertical-align:middle">{bars}</td>',
            f'<td style="width:4.5em;text-align:right;padding:0.25em 0 0.25em 0.5em;vertical-align:middle;'
            f'font-weight:bold;color:{INK}">{numbers}</td>',
        ]
        if change:
            cells.append(f'<td style="width:4.8em;text-align:right;padding:0.25em 0 0.25em 0.5em;'
                         f'vertical-align:middle">{change_text(values[0], values[-1])}</td>')
        out.append('<tr style="border-bottom:1px solid #e3e9ec">' + "".join(cells) + "</tr>")
    out.append("</table>")
    return "".join(out)


def change_text(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return f'<span style="color:{MUTED}">–</span>'
    diff = after - before
    if diff > 0:
        return f'<span style="color:{ACCENT};font-weight:bold">up {diff:g}</span>'
    if diff < 0:
        return f'<span style="color:{theme.TIP};font-weight:bold">down {-diff:g}</span>'
    return f'<span style="color:{MUTED}">same</span>'


def columns(counts: list[int], labels: list[str], title: str, color: str = ACCENT, height_em: float = 7.0) -> str:
    """A histogram: one column per label, its height the count, the count on top."""
    top = max(counts) if counts and max(counts) > 0 else 1
    cells, names = [], []
    for count, label in zip(counts, labels):
        bar = ""
        if count:
            h = height_em * count / top
            bar = (f'<div style="font-weight:bold;color:{INK};font-size:0.9em">{count}</div>'
                   f'<div style="background:{color};height:{h:.2f}em;border-radius:0.25em 0.25em 0 0;'
                   f'margin:0 0.12em"></div>')
        cells.append(f'<td style="vertical-align:bottom;height:{height_em + 1.4:.1f}em;padding:0;'
                     f'border-bottom:2px solid {INK};text-align:center">{bar}</td>')
        names.append(f'<td style="text-align:center;padding:0.2em 0 0;color:{INK}">{esc(label)}</td>')
    return (f'<div style="font-weight:bold;color:{ACCENT};margin:0.3em 0">{esc(title)}</div>'
            '<table style="width:100%;border-collapse:collapse;table-layout:fixed">'
            f'<tr>{"".join(cells)}</tr><tr>{"".join(names)}</tr></table>')


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
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in curve)
    parts = [
        f'<svg viewBox="0 0 {WAVE_W:.0f} {WAVE_H:.0f}" width="100%" role="img" aria-label="{esc(label)}" '
        f'style="max-width:760px;display:block" xmlns="http://www.w3.org/2000/svg">',
        f'<polygon points="0,{WAVE_BASE} {line} {WAVE_W},{WAVE_BASE}" fill="{TRACK}"/>',
    ]
    if progress is not None and progress > 0:
        p = min(1.0, progress)
        done = [point(i / steps * p) for i in range(steps + 1)]
        filled = " ".join(f"{x:.1f},{y:.1f}" for x, y in done)
        parts.append(f'<polygon points="0,{WAVE_BASE} {filled} {p * WAVE_W:.1f},{WAVE_BASE}" '
                     f'fill="{ACCENT}" fill-opacity="0.35"/>')
    parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="3" stroke-linejoin="round"/>')
    for i, (name, start, end) in enumerate(phases):
        if start > 0:
            parts.append(f'<line x1="{start * WAVE_W:.1f}" y1="{WAVE_TOP - 10}" x2="{start * WAVE_W:.1f}" '
                         f'y2="{WAVE_BASE}" stroke="{EARLIER}" stroke-dasharray="4 4"/>')
        weight = "bold" if active == i else "normal"
        color = ACCENT if active == i else MUTED
        parts.append(f'<text x="{(start + end) / 2 * WAVE_W:.1f}" y="{WAVE_BASE + 28}" text-anchor="middle" '
                     f'font-size="19" font-family="DejaVu Sans, Arial, sans-serif" font-weight="{weight}" '
                     f'fill="{color}">{esc(name)}</text>')
    if progress is not None:
        x, y = point(min(1.0, max(0.0, progress)))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="10" fill="#fff" stroke="{ACCENT}" stroke-width="4"/>')
    parts.append(f'<line x1="0" y1="{WAVE_BASE}" x2="{WAVE_W}" y2="{WAVE_BASE}" stroke="{EARLIER}" stroke-width="1.5"/>')
    parts.append("</svg>")
    return "".join(parts)
