"""The cohort-wide parts of a packet: the calendar (.ics and a one-page PDF), the
facilitator binder (every guide, with contents and bookmarks) and the participant
workbook (a cover, contents and every handout).

Each ``write_*`` function takes the cohort's plan and the output folder, writes its files
atomically and returns their names. The binder and the workbook are made from the session
PDFs the build wrote, so they are assembled only when every session of the plan is current.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit.io import write_atomic
from iopkit.planning.plan import Plan
from iopkit.render.fmt import clock, esc, logo_data_uri, long_date, runhead, short_date

if TYPE_CHECKING:
    import pikepdf

CALENDAR_ICS = "calendar.ics"
CALENDAR_PDF = "calendar.pdf"
BINDER = "facilitator-binder.pdf"
WORKBOOK = "participant-workbook.pdf"


def _where(plan: Plan) -> str:
    c = plan.cohort
    if c.telehealth:
        return f"Telehealth ({c.location.platform})" if c.location.platform else "Telehealth"
    return c.location.address


def calendar_ics(plan: Plan) -> bytes:
    """One event per session, in the cohort's time zone, that imports into common calendar programs."""
    from icalendar import Calendar, Event

    c = plan.cohort
    cal = Calendar()
    cal.add("prodid", "-//iopkit//IOP session calendar//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{c.program.name}: {c.cohort.name}")
    cal.add("x-wr-timezone", c.schedule.time_zone)
    stamp = dt.datetime(plan.sessions[0].date.year, 1, 1, tzinfo=dt.timezone.utc)
    for item in plan.sessions:
        event = Event()
        uid = hashlib.sha1(f"{c.slug}|{item.position}|{item.date}".encode()).hexdigest()[:20]
        event.add("uid", f"{uid}@iopkit")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end)
        event.add("summary", f"IOP session {item.position} of {item.total}: {item.session.title}")
        event.add("location", _where(plan))
        event.add("description", f"{c.cohort.name}. Facilitators: {', '.join(c.cohort.facilitators)}.")
        cal.add_component(event)
    # icalendar writes a zone's changes only for the years asked (1970 to 2037 unless told):
    # ask for the plan's own years, so dates after 2037 get their summer and winter offsets too.
    first, last = plan.sessions[0].date, plan.sessions[-1].date
    cal.add_missing_timezones(first_date=dt.date(first.year, 1, 1), last_date=dt.date(last.year + 1, 12, 31))
    return cal.to_ical()


def _document(title: str, body: str, accent: str, view: str = "facilitator", lang: str = "en-US",
              large_print: bool = False) -> str:
    from iopkit.pdf import print_css

    large = " large-print" if large_print else ""
    return (f'<!DOCTYPE html><html lang="{esc(lang)}"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{print_css()}</style><style>.iopkit-doc {{ --accent: {esc(accent)}; }}</style></head>"
            f'<body class="iopkit-print view-{view}{large}">{body}</body></html>')


def _reader(plan: Plan) -> tuple[str, str, bool]:
    """What participants read this cohort's pages in: (language, its tag, large print)."""
    from iopkit.content.translations import LANGUAGE_TAGS

    lang = plan.cohort.handouts.languages[0]
    return lang, LANGUAGE_TAGS[lang], plan.cohort.handouts.large_print


_PACKET_WORDS = {
    "en": {"calendar": "session calendar", "week": "Week", "date": "Date", "time": "Time", "session": "Session",
           "zone": "{zone} time",
           "sessions_from": "{n} sessions from {first} to {last}", "contents": "Contents",
           "title": "Title", "page": "Page", "session_n": "Session {n}: {title}",
           "crisis": ("If you need help now", "988 Suicide &amp; Crisis Lifeline", "call or text 988",
                      "SAMHSA National Helpline", "1-800-662-4357 (free, private, 24/7)", "Emergency", "call 911")},
    "es": {"calendar": "calendario de sesiones", "week": "Semana", "date": "Fecha", "time": "Hora",
           "zone": "hora de {zone}",
           "session": "Sesión", "sessions_from": "{n} sesiones, del {first} al {last}", "contents": "Contenido",
           "title": "Título", "page": "Página", "session_n": "Sesión {n}: {title}",
           "crisis": ("Si necesita ayuda ahora", "988 Línea de Prevención del Suicidio y Crisis",
                      "llame o envíe un texto al 988 (para español, oprima el 2)",
                      "Línea Nacional de Ayuda de SAMHSA",
                      "1-800-662-4357 (gratis, privada, las 24 horas, en inglés y en español)", "Emergencias",
                      "llame al 911")},
}


def _crisis_list(lang: str, extra: str = "") -> str:
    title, lifeline, call, samhsa, number, emergency, nine = _PACKET_WORDS[lang]["crisis"]
    return (f"<h2>{title}</h2><ul><li><strong>{lifeline}:</strong> {call}</li>"
            f"<li><strong>{samhsa}:</strong> {number}</li>{extra}"
            f"<li><strong>{emergency}:</strong> {nine}</li></ul>")


def calendar_pdf(plan: Plan) -> bytes:
    """The whole schedule on one printable page, by week."""
    from iopkit.pdf import html_to_pdf

    from iopkit.render import i18n
    from iopkit.content.translations import handout_title

    c = plan.cohort
    lang, tag, large = _reader(plan)
    words = _PACKET_WORDS[lang]
    rows = []
    first_monday = plan.sessions[0].date - dt.timedelta(days=plan.sessions[0].date.weekday())
    for item in plan.sessions:
        week = (item.date - first_monday).days // 7 + 1
        # The zone's name on each date: summer and winter names differ (CDT and CST).
        rows.append(f"<tr><td>{week}</td><th scope=\"row\">{item.position}</th>"
                    f"<td>{esc(i18n.short_date(item.date, lang))}</td>"
                    f"<td>{i18n.clock(item.start, lang)}–{i18n.clock(item.end, lang)} {esc(item.start.strftime('%Z'))}</td>"
                    f"<td>{esc(handout_title(item, lang))}</td></tr>")
    logo = (f'<img class="logo" src="{logo_data_uri(c.folder / c.program.logo)}" alt="{esc(c.program.name)}">'
            if c.program.logo else "")
    span = words["sessions_from"].format(n=len(plan.sessions), first=i18n.long_date(plan.sessions[0].date, lang),
                                         last=i18n.long_date(plan.finish, lang))
    body = (
        f'<section class="iopkit-doc calendar">{runhead(c.program.name, c.cohort.name, "Calendar")}'
        f'<div class="brand">{logo}<span class="program">{esc(c.program.name)}</span></div>'
        f"<h1>{esc(c.cohort.name)}: {words['calendar']}</h1>"
        f'<p class="muted">{esc(_where(plan))} · {esc(words["zone"].format(zone=c.schedule.time_zone.replace("_", " ")))} · '
        f'{esc(span)}</p>'
        f'<table class="calendar-table"><thead><tr><th scope="col">{words["week"]}</th><th scope="col">#</th>'
        f'<th scope="col">{words["date"]}</th><th scope="col">{words["time"]}</th>'
        f'<th scope="col">{words["session"]}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )
    return html_to_pdf(_document(f"{c.cohort.name}: {words['calendar']}", body, c.program.accent_color,
                                 lang=tag, large_print=large))


def _contents_pdf(title: str, subtitle: str, entries: list[tuple[str, str, int]], plan: Plan, kind: str,
                  cover: str = "", participant: bool = False) -> bytes:
    from iopkit.pdf import html_to_pdf

    c = plan.cohort
    lang, tag, large = _reader(plan) if participant else ("en", "en-US", False)
    words = _PACKET_WORDS[lang]
    rows = "".join(f'<tr><th scope="row" class="n">{esc(n)}</th><td>{esc(t)}</td><td class="pg">{p}</td></tr>'
                   for n, t, p in entries)
    body = (f'<section class="iopkit-doc contents">{runhead(c.program.name, c.cohort.name, kind)}{cover}'
            f"<h1>{esc(title)}</h1><p class=\"muted\">{esc(subtitle)}</p>"
            f'<table class="toc"><thead><tr><th scope="col">{words["session"]}</th><th scope="col">{words["title"]}'
            f'</th><th scope="col">{words["page"]}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></section>")
    return html_to_pdf(_document(title, body, c.program.accent_color, lang=tag, large_print=large))


def _assemble(front: bytes, parts: list[tuple[str, pikepdf.Pdf]], front_title: str) -> bytes:
    """Front matter, then each part's pages, with a PDF bookmark for each (qpdf, through pikepdf)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(front)) as out:
        marks = [(front_title, 0)]
        for title, source in parts:
            marks.append((title, len(out.pages)))
            out.pages.extend(source.pages)
        with out.open_outline() as outline:
            outline.root.clear()  # the front matter's own heading bookmarks give way to ours
            outline.root.extend(pikepdf.OutlineItem(title, page) for title, page in marks)
        out.Root.PageMode = pikepdf.Name.UseOutlines
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()


def _assembled_with_contents(plan: Plan, out_dir: Path, filename: str, title: str, subtitle: str, kind: str,
                             cover: str = "", before: tuple = (), after: tuple = (), participant: bool = False) -> bytes:
    """``before`` and ``after``: (title, PDF path) of documents that go around the sessions
    (the orientation before them, the step-down visit after), listed in the contents unnumbered."""
    import pikepdf

    from iopkit.content.translations import handout_title

    lang = _reader(plan)[0] if participant else "en"
    sources = []
    try:
        entries = [("", name, pikepdf.open(path)) for name, path in before]
        for item in plan.sessions:
            entries.append((str(item.position), handout_title(item, lang),
                            pikepdf.open(out_dir / f"session-{item.position:02d}" / filename)))
        entries += [("", name, pikepdf.open(path)) for name, path in after]
        sources = [source for _, _, source in entries]
        counts = [len(source.pages) for source in sources]
        # The contents numbers the pages after itself: guess its length (a cover page, then
        # one page for up to 36 sessions), lay it out, and lay it out again only if the guess was wrong.
        front_pages = (2 if cover else 1) + (len(entries) - 1) // 36
        while True:
            page, numbered = front_pages + 1, []
            for (number, name, _), count in zip(entries, counts):
                numbered.append((number, name, page))
                page += count
            front = _contents_pdf(title, subtitle, numbered, plan, kind, cover, participant)
            with pikepdf.open(io.BytesIO(front)) as laid_out:
                actual = len(laid_out.pages)
            if actual == front_pages:
                break
            front_pages = actual
        words = _PACKET_WORDS[lang]
        parts = [(words["session_n"].format(n=number, title=name) if number else name, source)
                 for number, name, source in entries]
        return _assemble(front, parts, words["contents"])
    finally:
        for source in sources:
            source.close()


def _around(out_dir: Path, participant: bool, lang: str = "en") -> tuple[tuple, tuple]:
    """The orientation and step-down documents the build wrote beside the sessions, if it did."""
    from iopkit.render import individual_docs as docs

    first = out_dir / docs.ORIENTATION_DIR / (docs.PACKET if participant else docs.GUIDE)
    last = out_dir / docs.STEP_DOWN_DIR / (docs.SHEET if participant else docs.GUIDE)
    before = (("Before the first group: orientation" + (" packet" if participant else ""), first),)
    after = (("After the last group: " + ("my next steps" if participant else "step-down visit"), last),)
    if lang == "es":
        before = (("Antes del primer grupo: la orientación", first),)
        after = (("Después del último grupo: mis próximos pasos", last),)
    return (before if first.is_file() else ()), (after if last.is_file() else ())


def binder_pdf(plan: Plan, out_dir: Path) -> bytes:
    c = plan.cohort
    before, after = _around(out_dir, participant=False)
    return _assembled_with_contents(
        plan, out_dir, "facilitator-guide.pdf", f"Facilitator binder: {c.cohort.name}",
        f"{c.program.name} · {len(plan.sessions)} sessions, {long_date(plan.sessions[0].date)} to "
        f"{long_date(plan.finish)} · Facilitators: {', '.join(c.cohort.facilitators)}", "Facilitator binder",
        before=before, after=after)


def workbook_pdf(plan: Plan, out_dir: Path) -> bytes:
    from iopkit.render.i18n import text

    c = plan.cohort
    lang = _reader(plan)[0]
    logo = (f'<img class="cover-logo" src="{logo_data_uri(c.folder / c.program.logo)}" alt="{esc(c.program.name)}">'
            if c.program.logo else "")
    cover = (f'<div class="cover-page">{logo}<p class="cover-program">{esc(c.program.name)}</p>'
             f'<p class="cover-title">{esc(text(lang, "workbook_title"))}</p>'
             f'<p class="cover-sub">{esc(text(lang, "workbook_sub", n=len(plan.sessions)))}</p>'
             f'<div class="crisis">{_crisis_list(lang)}</div></div>')
    before, after = _around(out_dir, participant=True, lang=lang)
    return _assembled_with_contents(plan, out_dir, "handout.pdf", _PACKET_WORDS[lang]["contents"],
                                    f"{c.program.name} · {c.cohort.name}", "Workbook", cover, before=before,
                                    after=after, participant=True)


# The packet's writers. Each writes its files atomically and returns their names; the build
# runs them in its worker processes, the calendar beside the sessions and the binder and the
# workbook side by side once every session is current.

def write_calendar(plan: Plan, out_dir: Path) -> list[str]:
    write_atomic(out_dir / CALENDAR_ICS, calendar_ics(plan))
    write_atomic(out_dir / CALENDAR_PDF, calendar_pdf(plan))
    return [CALENDAR_ICS, CALENDAR_PDF]


def write_binder(plan: Plan, out_dir: Path) -> list[str]:
    write_atomic(out_dir / BINDER, binder_pdf(plan, out_dir))
    return [BINDER]


def write_workbook(plan: Plan, out_dir: Path) -> list[str]:
    write_atomic(out_dir / WORKBOOK, workbook_pdf(plan, out_dir))
    return [WORKBOOK]


def join_pdf(join, curriculum=None) -> bytes:
    """A person's own schedule: the sessions they will attend from the day they join. No name.

    With the curriculum's rolling-admission files, the page lists the orientation first and
    names the person's first and last groups (iopkit.render.individual_docs.join_pdf).
    """
    if curriculum is not None and curriculum.individual is not None:
        from iopkit.render.individual_docs import join_pdf as person_join_pdf

        return person_join_pdf(join, curriculum)
    from iopkit.pdf import html_to_pdf

    c = join.cohort
    rows = "".join(f"<tr><td>{n}</td><td>{esc(short_date(i.date))}</td>"
                   f"<td>{clock(i.start)} {esc(i.start.strftime('%Z'))}</td>"
                   f"<td>{esc(i.session.title)}</td></tr>" for n, i in enumerate(join.sessions, 1))
    body = (
        f'<section class="iopkit-doc handout calendar">{runhead(c.program.name, c.cohort.name, "Your schedule")}'
        f'<h1>Your group schedule</h1>'
        f"<p>Welcome to {esc(c.cohort.name)}. Your first session is on <strong>{esc(long_date(join.sessions[0].date))}"
        f"</strong> at {clock(join.sessions[0].start)}. You will come to {len(join.sessions)} sessions, and your last "
        f"one is on <strong>{esc(long_date(join.finish))}</strong>. Each session stands on its own, so you can "
        f"start with any of them.</p>"
        f'<p class="muted">{esc(_where_for(c))}</p>'
        '<table class="calendar-table"><thead><tr><th>#</th><th>Date</th><th>Time</th><th>Topic</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        '<aside class="crisis"><h2>If you need help now</h2><ul>'
        "<li><strong>988 Suicide &amp; Crisis Lifeline:</strong> call or text 988</li>"
        "<li><strong>SAMHSA National Helpline:</strong> 1-800-662-4357 (free, private, 24/7)</li>"
        f"{'<li><strong>' + esc(c.program.name) + ':</strong> ' + esc(c.resources.clinic_phone) + '</li>' if c.resources.clinic_phone else ''}"
        "<li><strong>Emergency:</strong> call 911</li></ul></aside></section>"
    )
    return html_to_pdf(_document("Your group schedule", body, c.program.accent_color, view="participant"))


def _where_for(cohort) -> str:
    if cohort.telehealth:
        return "On video" + (f" ({cohort.location.platform})" if cohort.location.platform else "")
    return cohort.location.address
