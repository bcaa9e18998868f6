"""Blank printed forms of the printable measures, regular or large print (body 18 pt), as PDF.

Markup lives in ``handouts/templates/iopkit/measures/form.html.j2`` (Jinja, autoescaped); this
module builds its context. A source-only measure (its wording or licence could not be checked)
and a restricted one are refused with where to get the form.
"""
from __future__ import annotations

from iopkit import markup, paths
from iopkit.errors import IopkitError
from iopkit.measures.load import Measures
from iopkit.measures.schema import Measure

#: Body text size of the large-print form, in points (at least 18).
LARGE_PRINT_PT = 18


class NotPrintableError(IopkitError):
    """iopkit does not print this measure's form (licence or wording); the message says where to get it."""

    exit_code = 2


#: Where the measures' templates and stylesheet are, under handouts/templates/ (iopkit.markup's loader).
TEMPLATES = "iopkit/measures/"


def template_dir():
    return paths.handouts_dir() / "templates" / TEMPLATES


def css() -> str:
    return (template_dir() / "measures.css").read_text(encoding="utf-8")


def page_css():
    """The fonts and the measures' stylesheet, as safe CSS for the document shell (iopkit/base.html.j2)."""
    from markupsafe import Markup

    from iopkit.pdf import font_faces

    return Markup(font_faces() + "\n" + css())


def form_groups(measure: Measure) -> list[dict]:
    """The form's parts in order: tables of items sharing one set of answers, or 0-10 lines."""
    groups: list[dict] = []
    for item in measure.items:
        options = measure.options_for(item)
        if measure.scale is not None and item.options is None:
            entry = {"number": item.number, "text": item.text, "values": [o.value for o in options],
                     "low": item.low or measure.scale.low, "high": item.high or measure.scale.high}
            if groups and groups[-1]["kind"] == "scale":
                groups[-1]["items"].append(entry)
            else:
                groups.append({"kind": "scale", "items": [entry]})
            continue
        key = tuple((o.value, o.label) for o in options)
        entry = {"number": item.number, "text": item.text}
        if groups and groups[-1]["kind"] == "table" and groups[-1]["key"] == key:
            groups[-1]["items"].append(entry)
        else:
            stem = measure.stem if not groups else ""
            groups.append({"kind": "table", "key": key, "stem": stem, "options": options, "items": [entry]})
    return groups


def form_html(measure: Measure, measures: Measures, *, large_print: bool = False) -> str:
    if not measure.printable:
        raise NotPrintableError(
            f"iopkit does not print the {measure.id} form: {measure.licence.text} Get it here: "
            f"{measure.get_it or measure.licence.source}. You can still score it with: "
            f"iopkit measures score {measure.id} --answers ...")
    return markup.render(TEMPLATES + "form.html.j2", m=measure, groups=form_groups(measure), large=large_print,
                         crisis=measures.crisis, css=page_css(), large_print=large_print, view="participant")


def form_pdf(measure: Measure, measures: Measures, *, large_print: bool = False) -> bytes:
    from iopkit.pdf import html_to_pdf

    return html_to_pdf(form_html(measure, measures, large_print=large_print))
