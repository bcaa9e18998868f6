"""The printed side of rolling admission: the orientation guide and packet, the step-down
visit guide and sheet, the "finishing today" block and the telehealth-emergency page in
every session guide, and a person's own join page.

Markup lives in Jinja templates with autoescape (``handouts/templates/iopkit/individual/``);
this module builds each template's context from the curriculum and the cohort and prints
it with WeasyPrint through ``iopkit.pdf``. ``write_documents`` is the build's step: it
writes ``orientation/`` and ``step-down/`` in the cohort's build folder, atomically, and
skips them when nothing they depend on changed. Nothing here knows a participant's name.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit import markup, paths, theme
from iopkit.content.individual import ENDING_TITLE
from iopkit.render.fmt import logo_data_uri, render_item, runhead

if TYPE_CHECKING:
    from iopkit.content.curriculum import Curriculum
    from iopkit.content.individual import Individual, Visit
    from iopkit.planning.cohort import Cohort
    from iopkit.planning.plan import JoinPlan, Plan

#: What the build writes, by folder: (facilitator guide, participant document).
ORIENTATION_DIR = "orientation"
STEP_DOWN_DIR = "step-down"
GUIDE = "guide.pdf"
PACKET = "packet.pdf"  # the orientation packet
SHEET = "sheet.pdf"  # the participant's step-down sheet
MANIFEST = ".build.json"
STYLESHEET = "individual.css"
#: The crisis box in two columns, for a page that must stay on one sheet (shared with the catch-up page).
CRISIS_COMPACT = "crisis-compact.css"


# ------------------------------------------------------------------ templates

#: Where this module's templates are, under handouts/templates/ (iopkit.markup's loader).
TEMPLATES = "iopkit/individual/"


def _item(pair, other: str = "Something else:"):
    """A numbered worksheet item of a visit form (iopkit.render.fmt.render_item), as safe HTML."""
    from markupsafe import Markup

    return Markup(render_item(pair[0], pair[1], other))


def render(template: str, **context) -> str:
    """``template`` (a name in iopkit/individual/) with ``context``, in iopkit's one Jinja environment."""
    return markup.render(TEMPLATES + template, item=_item, **context)


@cache
def stylesheet() -> str:
    from iopkit.pdf import print_css

    extra = [paths.handouts_dir() / name for name in (STYLESHEET, CRISIS_COMPACT)]
    return "\n".join([print_css()] + [p.read_text(encoding="utf-8") for p in extra if p.is_file()])


def _brand(cohort: "Cohort") -> dict:
    logo = logo_data_uri(cohort.folder / cohort.program.logo) if cohort.program.logo else ""
    return {"program": cohort.program.name, "logo": logo}


def crisis_box(curriculum: "Curriculum", cohort: "Cohort", lang: str = "en"):
    """The same crisis box as every session handout (national lines, then the cohort's own), in ``lang``."""
    from markupsafe import Markup

    from iopkit.render import boxes

    return Markup(boxes.crisis_box(curriculum.program, cohort, lang))


def _help(curriculum: "Curriculum", lang: str) -> dict:
    """The running footer's help line (and the large-print header's short one): program.yaml's first lines."""
    from iopkit.render import i18n

    return {"line": i18n.help_line(curriculum.program, lang), "short": i18n.help_short(curriculum.program, lang)}


def _reader(cohort: "Cohort") -> dict:
    """The language and print size of what a participant holds: context for the participant templates."""
    from markupsafe import Markup

    from iopkit.content.translations import LANGUAGE_TAGS
    from iopkit.render.i18n import STRINGS

    lang = cohort.handouts.languages[0]
    words = {k: (Markup(v) if k == "join_intro" else v) for k, v in STRINGS[lang].items()}
    return {"lang": lang, "lang_tag": LANGUAGE_TAGS[lang], "large_print": cohort.handouts.large_print, "t": words,
            # the language of a packet's body: English until the packet has a translation overlay
            "body_lang": LANGUAGE_TAGS[lang] if lang == "en" else "en-US"}


def _where(cohort: "Cohort") -> str:
    if cohort.telehealth:
        return "On video" + (f" ({cohort.location.platform})" if cohort.location.platform else "")
    return cohort.location.address


def _timed(parts) -> list[dict]:
    """Each part with its running minutes from the start of the visit ("0–3 min")."""
    out, at = [], 0
    for part in parts:
        out.append({"part": part, "start": at, "end": at + part.minutes})
        at += part.minutes
    return out


def _common(curriculum: "Curriculum", cohort: "Cohort", kind: str, heading: str) -> dict:
    from markupsafe import Markup

    return {
        "brand": _brand(cohort), "cohort": cohort, "css": Markup(stylesheet()), "accent": theme.accent_of(cohort),
        "runhead": Markup(runhead(cohort.program.name, f"{heading} · {cohort.cohort.name}", kind)),
        "crisis": crisis_box(curriculum, cohort), "where": _where(cohort),
    }


# ------------------------------------------------------------------ the four documents

def _handoff(curriculum: "Curriculum", cohort: "Cohort", visit: "Visit"):
    """The step-down visit names the aftercare group when the cohort file names its file."""
    if visit.kind == "orientation":
        return None
    from iopkit.planning.aftercare import aftercare_handoff

    return aftercare_handoff(cohort, curriculum, cohort.schedule.start_date)


def visit_guide_html(curriculum: "Curriculum", cohort: "Cohort", visit: "Visit") -> str:
    heading = "Individual orientation" if visit.kind == "orientation" else "Step-down visit"
    refs = [curriculum.references[k].citation() for k in visit.references if k in curriculum.references]
    return render("visit-guide.html.j2", visit=visit, heading=heading, parts=_timed(visit.parts),
                  references=refs, telehealth=cohort.telehealth, handoff=_handoff(curriculum, cohort, visit),
                  **_common(curriculum, cohort, "Facilitator guide", heading))


def visit_packet_html(curriculum: "Curriculum", cohort: "Cohort", visit: "Visit") -> str:
    """The orientation packet or step-down sheet. In Spanish, its headings, the crisis box and the
    aftercare box are Spanish; the body stays English (marked lang="en-US") with a note saying so,
    until the packets have translation overlays."""
    from iopkit.content.translations import translate_visit

    reader = _reader(cohort)
    t = reader["t"]
    translated = translate_visit(curriculum, visit, reader["lang"])
    if translated is not None:  # the whole packet in the cohort's language: no note, no English body
        visit = translated
        reader = reader | {"body_lang": reader["lang_tag"],
                           "t": {**t, "packet_not_translated": ""}}
    heading = t["before_first"] if visit.kind == "orientation" else t["after_last"]
    kind = t["orientation_packet"] if visit.kind == "orientation" else t["step_down_sheet"]
    handoff = _handoff(curriculum, cohort, visit)
    aftercare = ""
    if handoff:
        from iopkit.render import boxes

        aftercare = boxes.aftercare_box(handoff, reader["lang"])
    from markupsafe import Markup

    from iopkit.content.translations import individual_overlay, individual_steps

    steps = individual_steps(curriculum, visit, reader["lang"])
    overlay = individual_overlay(curriculum, visit, reader["lang"])
    status = ""
    if overlay is not None:  # the same small print as a session handout's last page
        status = t["status_machine"] if not overlay.reviewed else t["status_reviewed"].format(who=overlay.reviewed_by)
    return render("visit-packet.html.j2", visit=visit, heading=heading, numbered=_numbered_forms(visit),
                  handoff=handoff, aftercare=Markup(aftercare), translated_steps=steps, status_line=status,
                  view="participant", help=_help(curriculum, reader["lang"]), **_common(curriculum, cohort, kind, heading)
                  | {"crisis": crisis_box(curriculum, cohort, reader["lang"])} | reader)


def _numbered_forms(visit: "Visit") -> list[dict]:
    return [{"form": form, "entries": list(enumerate(form.items, 1))} for form in visit.packet.forms]


def finishing_html(individual: "Individual") -> str:
    """The optional "finishing today" block printed in every session guide's check-out."""
    f = individual.finishing
    return render("finishing.html.j2", finishing=f, minutes=f.minutes)


def telehealth_emergency_html(individual: "Individual") -> str:
    """The telehealth emergency routine for the guide's telehealth page (telehealth cohorts)."""
    return render("telehealth-emergency.html.j2", t=individual.orientation.telehealth_emergency)


def check_in_html(individual: "Individual") -> str:
    """The private location check at the start of every telehealth check-in."""
    return render("check-in.html.j2", t=individual.orientation.telehealth_emergency)


def orientation_pdfs(curriculum: "Curriculum", cohort: "Cohort") -> dict[str, bytes]:
    """{"guide.pdf": the facilitator guide followed by the packet, "packet.pdf": the packet}."""
    visit = curriculum.individual.orientation
    packet = visit_packet_html(curriculum, cohort, visit)
    from iopkit.pdf import render as layout
    from iopkit.pdf import write

    packet_pages = layout(packet)
    return {GUIDE: write(layout(visit_guide_html(curriculum, cohort, visit)), packet_pages),
            PACKET: write(packet_pages)}


def step_down_pdfs(curriculum: "Curriculum", cohort: "Cohort") -> dict[str, bytes]:
    visit = curriculum.individual.step_down
    from iopkit.pdf import render as layout
    from iopkit.pdf import write

    sheet_pages = layout(visit_packet_html(curriculum, cohort, visit))
    return {GUIDE: write(layout(visit_guide_html(curriculum, cohort, visit)), sheet_pages),
            SHEET: write(sheet_pages)}


# ------------------------------------------------------------------ the build's step

def fingerprint(shared: str, curriculum: "Curriculum") -> str:
    """Everything the documents depend on: the build's shared inputs and the three files."""
    from iopkit.io import digest as _digest

    files = curriculum.individual.files if curriculum.individual else ()
    return _digest(shared, *[p.read_bytes() for p in files], *(str(p.name) for p in files))


def is_current(out_dir: Path, key: str) -> bool:
    for folder, names in ((ORIENTATION_DIR, (GUIDE, PACKET)), (STEP_DOWN_DIR, (GUIDE, SHEET))):
        try:
            recorded = json.loads((out_dir / folder / MANIFEST).read_text())
        except (OSError, ValueError):
            return False
        if recorded.get("fingerprint") != key or not all((out_dir / folder / n).is_file() for n in names):
            return False
    return True


def write_documents(curriculum_root: str, key: str, plan: "Plan", out_dir: Path) -> list[str]:
    """Write orientation/ and step-down/ for the plan's cohort; return the names written."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.io import write_atomic

    curriculum = load_curriculum(Path(curriculum_root))
    written = []
    for folder, pdfs in ((ORIENTATION_DIR, orientation_pdfs(curriculum, plan.cohort)),
                         (STEP_DOWN_DIR, step_down_pdfs(curriculum, plan.cohort))):
        target = Path(out_dir) / folder
        (target / MANIFEST).unlink(missing_ok=True)  # a half-replaced folder is never taken as current
        for name, data in pdfs.items():
            write_atomic(target / name, data)
            written.append(f"{folder}/{name}")
        write_atomic(target / MANIFEST, json.dumps({"fingerprint": key, "files": sorted(pdfs)}, indent=1))
    return written


# ------------------------------------------------------------------ a person's join page

def join_rows(join: "JoinPlan", individual: "Individual", lang: str = "en") -> list[dict]:
    """The person's list: the orientation, each group in order (first and last named), the step-down visit.

    In the middle of the list, a session whose title speaks of an ending shows a neutral
    title: the person's real last group is the one marked as their last.
    """
    from iopkit.content.translations import handout_title
    from iopkit.render import i18n

    labels = individual.finishing.join_list
    if lang != "en":  # the Spanish labels and each group's Spanish handout title
        labels = labels.model_copy(update={"orientation": i18n.text(lang, "join_orientation"),
                                           "first_group": i18n.text(lang, "join_first"),
                                           "last_group": i18n.text(lang, "join_last"),
                                           "step_down_visit": i18n.text(lang, "join_step_down")})
    rows = [{"n": "", "date": i18n.text(lang, "join_before") if lang != "en" else "Before", "time": "",
             "title": labels.orientation, "mark": "visit"}]
    last = len(join.sessions)
    for n, item in enumerate(join.sessions, 1):
        if n == 1:  # "Welcome" reads well on a first day; "Graduation" does not
            ending = ENDING_TITLE.search(item.session.title) and n != last
            title = individual.join_title(item.session) if ending else item.session.title
            mark, note = "first", labels.first_group
        elif n == last:
            title, mark, note = item.session.title, "last", labels.last_group
        else:
            title, mark, note = individual.join_title(item.session), "", ""
        if lang != "en":
            title = handout_title(item, lang)
        rows.append({"n": str(n), "date": i18n.short_date(item.date, lang), "time": i18n.clock(item.start, lang),
                     "title": title, "mark": mark, "note": note})
    rows.append({"n": "", "date": i18n.text(lang, "join_after") if lang != "en" else "After", "time": "",
                 "title": labels.step_down_visit, "mark": "visit"})
    return rows


def join_lines(join: "JoinPlan", individual: "Individual") -> list[str]:
    """The same list as plain text lines, for the terminal."""
    out = []
    for row in join_rows(join, individual):
        if row["mark"] == "visit":
            out.append(f"    {row['title']}")
            continue
        note = f"  ({row['note']})" if row.get("note") else ""
        out.append(f"{row['n']:>2}  {row['date']:<17} {row['time']:>8}  {row['title']}{note}")
    return out


def join_html(join: "JoinPlan", curriculum: "Curriculum", compact: bool = False) -> str:
    from markupsafe import Markup

    from iopkit.render import i18n

    c = join.cohort
    individual = curriculum.individual
    reader = _reader(c)
    lang, t = reader["lang"], reader["t"]
    first, last = join.sessions[0], join.sessions[-1]
    intro = Markup(i18n.text(lang, "join_intro", group=Markup.escape(c.cohort.name),
                             first_date=i18n.long_date(first.date, lang), first_time=i18n.clock(first.start, lang),
                             count=len(join.sessions), last_date=i18n.long_date(last.date, lang),
                             last_time=i18n.clock(last.start, lang)))
    context = _common(curriculum, c, t["join_kind"], t["join_title"]) | reader | {
        # the very box every handout prints (program.yaml's lines, then the cohort's), set in two columns
        "crisis": crisis_box(curriculum, c, lang),
        "runhead": Markup(runhead(c.program.name, c.cohort.name, t["join_kind"]))}
    return render(
        "join.html.j2", rows=join_rows(join, individual, lang), count=len(join.sessions), intro=intro,
        first_date=i18n.long_date(first.date, lang), first_time=i18n.clock(first.start, lang),
        last_date=i18n.long_date(last.date, lang), last_time=i18n.clock(last.start, lang),
        labels=individual.finishing.join_list, compact=compact, view="participant", help=_help(curriculum, lang),
        **context)


def join_pdf(join: "JoinPlan", curriculum: "Curriculum") -> bytes:
    """A person's own schedule on one page: no name, orientation first, first and last groups named."""
    from iopkit.pdf import render as layout
    from iopkit.pdf import write

    document = layout(join_html(join, curriculum))
    if len(document.pages) > 1:  # many local lines or long titles: the same page, in smaller type
        document = layout(join_html(join, curriculum, compact=True))
    return write(document)


__all__ = ["write_documents", "orientation_pdfs", "step_down_pdfs", "join_pdf", "join_lines", "finishing_html",
           "telehealth_emergency_html", "check_in_html"]
