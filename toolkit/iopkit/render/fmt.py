"""Formatting helpers that know the curriculum and the cohort: the running header, the rescaled-times note,
the logo, the crisis lines in a language, and one worksheet item laid out to fill in by hand. Their markup
is in ``handouts/templates/iopkit/parts/``. The plain ones (Markdown, escaping, dates, clock times) are in
``iopkit.markup`` and re-exported here."""
from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from iopkit.content.schema import Session, WorksheetItem
from iopkit.markup import META_MIME, clock, esc, long_date, md, md_inline, render_markup, short_date  # noqa: F401
from iopkit.planning.cohort import Cohort
from iopkit.planning.plan import PlannedSession


def rescaled_note(item: PlannedSession, cohort: Cohort) -> Markup:
    """Said under a run of show whose blocks were rescaled to the cohort's session length ("" if not)."""
    session = item.session
    if not isinstance(session, Session) or sum(b.minutes for b in item.blocks) == session.minutes:
        return Markup("")  # an outline has no blocks to rescale
    return render_markup("iopkit/parts/rescaled-note.html.j2", written=session.minutes,
                         planned=cohort.schedule.session_minutes)


def runhead(program: str, session: str, kind: str, extra: tuple[tuple[str, str], ...] = ()) -> Markup:
    """Invisible text the print CSS copies into each page's running header.

    Hidden on screen by an inline style (JupyterLab keeps it even in untrusted outputs);
    the print stylesheet shows it with !important so its text reaches the header. ``extra``:
    more (class, text) spans, such as the handout's help line.
    """
    return render_markup("iopkit/parts/runhead.html.j2", program=program, session=session, kind=kind,
                         extra=list(extra))


class Html:
    """A display object: JupyterLab shows the HTML; the exporters print it.

    ``meta`` (the document's title, view and running-header facts) travels as ``META_MIME`` beside
    the HTML; the exporters collect it (``iopkit.notebook.exporters.CollectMetadataPreprocessor``).
    """

    def __init__(self, body: str, meta: dict | None = None):
        self.body, self.meta = str(body), meta

    def __html__(self) -> str:
        """Safe HTML for a template that holds this object (one view's part inside another)."""
        return self.body

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


def render_item(number: int, item: WorksheetItem, other_label: str = "Something else:") -> Markup:
    """One worksheet item, laid out to be filled in by hand (``iopkit/parts/worksheet-item.html.j2``)."""
    return render_markup("iopkit/parts/worksheet-item.html.j2", item=worksheet_item(number, item, other_label))


def worksheet_item(number: int, item: WorksheetItem, other_label: str = "Something else:") -> dict:
    """What the worksheet-item template needs: the prompt, its number, and the parts its kind prints."""
    # A prompt the writer numbered already ("1. My reasons...") keeps its own number.
    numbered = re.match(r"^\s*\d+[.)]\s", item.prompt)
    context: dict = {"kind": item.kind, "number": None if numbered else number, "prompt": item.prompt}
    if item.kind == "lines":
        context["lines"] = item.lines
    elif item.kind == "scale":
        scale = item.scale or None
        low, high = (scale.low, scale.high) if scale else (0, 10)
        context["points"] = list(range(low, high + 1))
        context["labels"] = ((scale.low_label, scale.high_label)
                             if scale and (scale.low_label or scale.high_label) else None)
    elif item.kind == "checklist":
        context["options"] = list(item.options)
        context["other"] = other_label if item.other_option else None
    else:
        context["columns"] = list(item.columns)
        # Rows with a printed first column (the rest left to fill in), else blank rows.
        context["row_labels"] = list(item.row_labels)
        context["short_labels"] = bool(item.row_labels) and max(len(x) for x in item.row_labels) <= 32
        context["rows"] = item.rows
    return context
