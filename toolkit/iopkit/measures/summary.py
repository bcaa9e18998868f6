"""The one-page outcomes summary for one person, for reauthorization: first and latest totals,
change and reliable change, the not-on-track flag, safety items, trajectory charts, and the
42 CFR Part 2 redisclosure notice. It is made from an in-memory list of scored administrations
and a pseudonym; it never reads or writes storage, and it takes no name.
"""
from __future__ import annotations

import datetime as dt

from iopkit.measures.load import Measures
from iopkit.measures.progress import Administration, change, chart_svg, not_on_track, totals


def _day(d: dt.date) -> str:
    return f"{d:%b} {d.day}, {d.year}"


def summary_context(pseudonym: str, administrations: list[Administration], measures: Measures,
                    prepared: dt.date | None = None) -> dict:
    if not pseudonym.strip():
        raise ValueError("A pseudonym is needed (never a name).")
    if not administrations:
        raise ValueError("There are no scored administrations to summarize.")
    from iopkit.measures.load import load_references_quiet

    rows: list[dict] = []
    charts: list[str] = []
    subscales: list[dict] = []
    safety: list[str] = []
    cited: list[str] = []
    by_measure: dict[str, list[Administration]] = {}
    for a in sorted(administrations, key=lambda a: a.day):
        by_measure.setdefault(a.score.measure, []).append(a)
        for alert in a.score.safety:
            safety.append(f"{_day(a.day)}: {alert.says}")
    for mid, items in by_measure.items():
        measure = measures.get(mid)
        if measure.total is not None:
            points = totals(items, measure)
            if not points:
                continue
            (d0, v0), (d1, v1) = points[0], points[-1]
            s0 = next(a.score for a in items if a.day == d0 and a.score.total is not None)
            s1 = next(a.score for a in reversed(items) if a.day == d1 and a.score.total is not None)
            c = change(measure, v0, v1)
            flags = not_on_track(measure, items)
            rows.append({"measure": measure.id, "first": f"{_day(d0)}: {s0.total_text()}" + (f", {s0.band}" if s0.band else ""),
                         "latest": f"{_day(d1)}: {s1.total_text()}" + (f", {s1.band}" if s1.band else ""),
                         "change": c.text(measure) if len(points) > 1 else "one administration",
                         "flags": flags, "on_track": "Yes" if len(points) > 1 else "Too early to tell"})
            if len(points) > 1 and len(charts) < 3:
                charts.append(chart_svg(measure, items, width=300, height=170))
            for key in [measure.total.bands_citation, measure.total.reliable_change.citation if measure.total.reliable_change else ""]:
                if key and key not in cited:
                    cited.append(key)
        elif measure.subscales:
            latest = items[-1]
            text = "; ".join(f"{s.name} {s.value if s.value is not None else 'not added up'} of {s.high}"
                             for s in latest.score.subscales)
            subscales.append({"measure": measure.id, "day": _day(latest.day), "text": text})
    refs = load_references_quiet(measures.root.parent)
    sources = "; ".join(_short(refs[k]) for k in cited if k in refs) or "none used."
    days = [a.day for a in administrations]
    return {"pseudonym": pseudonym, "program": measures.program_name, "first": _day(min(days)),
            "last": _day(max(days)), "prepared": _day(prepared or dt.date.today()), "rows": rows,
            "charts": charts, "subscales": subscales, "safety": safety, "sources": sources,
            "notice": measures.part2_notice}


def _short(ref) -> str:
    """"Kroenke et al. 2001, Journal of General Internal Medicine 16(9)": enough to find the source."""
    first = ref.authors.split(",")[0].strip()
    more = " et al." if "," in ref.authors.split(",", 2)[-1] or " and " in ref.authors else ""
    return f"{first}{more} {ref.year}, {ref.source.split(',')[0].split(' doi')[0]}"


def summary_html(pseudonym: str, administrations: list[Administration], measures: Measures,
                 prepared: dt.date | None = None) -> str:
    from iopkit import markup
    from iopkit.measures.forms import TEMPLATES, page_css

    context = summary_context(pseudonym, administrations, measures, prepared)
    return markup.render(TEMPLATES + "summary.html.j2", css=page_css(), **context)


def summary_pdf(pseudonym: str, administrations: list[Administration], measures: Measures,
                prepared: dt.date | None = None) -> bytes:
    from iopkit.pdf import html_to_pdf

    return html_to_pdf(summary_html(pseudonym, administrations, measures, prepared))
