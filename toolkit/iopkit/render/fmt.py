"""Formatting helpers that know the curriculum and the cohort: the running header, the rescaled-times note,
the logo, the crisis lines in a language, and one worksheet item laid out to fill in by hand. The plain
ones (Markdown, escaping, dates, clock times) are in ``iopkit.markup`` and re-exported here."""
from __future__ import annotations

import re
from pathlib import Path

from iopkit.content.schema import WorksheetItem
from iopkit.markup import META_MIME, clock, esc, long_date, md, md_inline, short_date  # noqa: F401
from iopkit.planning.cohort import Cohort
from iopkit.planning.plan import PlannedSession

def rescaled_note(item: PlannedSession, cohort: Cohort) -> str:
    """Said under a run of show whose blocks were rescaled to the cohort's session length."""
    if sum(b.minutes for b in item.blocks) == item.session.minutes:
        return ""
    return (f'<p class="muted">Times are rescaled from the curriculum\'s {item.session.minutes} minutes '
            f"to this group's {cohort.schedule.session_minutes}, in 5-minute steps.</p>")


def runhead(program: str, session: str, kind: str) -> str:
    """Invisible text the print CSS copies into each page's running header.

    Hidden on screen by an inline style (JupyterLab keeps it even in untrusted outputs);
    the print stylesheet shows it with !important so its text reaches the header.
    """
    return ('<div class="runhead" aria-hidden="true" style="display:none">'
            f'<span class="rh-program">{esc(program)}</span><span class="rh-session">{esc(session)}</span>'
            f'<span class="rh-kind">{esc(kind)}</span></div>')


class Html:
    """A display object: JupyterLab shows the HTML; the exporters print it."""

    def __init__(self, body: str, meta: dict | None = None):
        self.body, self.meta = body, meta

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.body}
        if self.meta:
            bundle[META_MIME] = self.meta
        return bundle

    def __str__(self) -> str:
        return self.body


def crisis_resources(program, lang: str) -> list:
    """The national crisis lines in ``lang`` (curriculum/program.yaml's translations), else the English."""
    translated = getattr(program, "translations", {}).get(lang)
    return list(translated.crisis_resources) if translated and translated.crisis_resources else \
        list(program.crisis_resources)


def logo_data_uri(path: Path) -> str:
    """The logo inlined, so it shows in JupyterLab and prints without a file path in the document."""
    from iopkit.reach import data_uri

    return data_uri(path)


def render_item(number: int, item: WorksheetItem, other_label: str = "Something else:") -> str:
    """One worksheet item, laid out to be filled in by hand."""
    # A prompt the writer numbered already ("1. My reasons...") keeps its own number.
    numbered = re.match(r"^\s*\d+[.)]\s", item.prompt)
    label = "" if numbered else f'<span class="n">{number}.</span> '
    prompt = f'<p class="prompt">{label}{md_inline(item.prompt)}</p>'
    if item.kind == "lines":
        lines = '<div class="line"></div>' * item.lines
        return f'<div class="item lines">{prompt}<div class="write">{lines}</div></div>'
    if item.kind == "scale":
        scale = item.scale or None
        low, high = (scale.low, scale.high) if scale else (0, 10)
        cells = "".join(f'<span class="pt">{n}</span>' for n in range(low, high + 1))
        labels = ""
        if scale and (scale.low_label or scale.high_label):
            labels = (f'<div class="scale-labels"><span>{esc(scale.low_label)}</span>'
                      f"<span>{esc(scale.high_label)}</span></div>")
        return f'<div class="item scale">{prompt}<div class="points">{cells}</div>{labels}</div>'
    if item.kind == "checklist":
        options = "".join(f'<li><span class="box"></span>{md_inline(o)}</li>' for o in item.options)
        other = (f'<li><span class="box"></span>{esc(other_label)} <span class="inline-line"></span></li>'
                 if item.other_option else "")
        return f'<div class="item checklist">{prompt}<ul class="options">{options}{other}</ul></div>'
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in item.columns)
    if item.row_labels:  # the first column is printed, the rest are left to fill in
        blanks = "".join("<td></td>" for _ in item.columns[1:])
        fit = "row-label short" if max(len(x) for x in item.row_labels) <= 32 else "row-label"
        body = "".join(f'<tr><th scope="row" class="{fit}">{md_inline(label)}</th>{blanks}</tr>'
                       for label in item.row_labels)
    else:
        row = "".join("<td></td>" for _ in item.columns)
        body = "".join(f"<tr>{row}</tr>" for _ in range(item.rows))
    return f'<div class="item table">{prompt}<table class="fill"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'
