"""The boxes printed on more than one kind of page: the crisis box (every handout, the join page,
the orientation packet, the step-down sheet, the room view's last slide) and the aftercare box.

Their markup is in ``handouts/templates/iopkit/parts/crisis-box.html.j2`` and ``aftercare-box.html.j2``;
here is only what they say, read from ``curriculum/program.yaml`` and the cohort file."""
from __future__ import annotations

from markupsafe import Markup

from iopkit.markup import render_markup
from iopkit.render import i18n
from iopkit.render.fmt import crisis_resources

CRISIS_BOX = "iopkit/parts/crisis-box.html.j2"
AFTERCARE_BOX = "iopkit/parts/aftercare-box.html.j2"


def crisis_lines(program, cohort, lang: str = "en") -> dict:
    """What the crisis box says in ``lang``: the national lines, the cohort's own (``local``: its crisis
    line, the clinic and naloxone; ``other``: the [[resources.other]] entries) and its meetings."""
    def t(key: str) -> str:
        return i18n.text(lang, key)

    res = cohort.resources
    local = []
    if res.local_crisis_line:
        local.append({"name": t("local_crisis"), "contact": res.local_crisis_line, "note": ""})
    if res.clinic_phone:
        local.append({"name": cohort.program.name, "contact": res.clinic_phone, "note": ""})
    if res.naloxone:
        local.append({"name": t("naloxone"), "contact": res.naloxone, "note": ""})
    return {
        "title": t("crisis_title"),
        "intro": t("crisis_intro"),
        "national": [{"name": r.name, "contact": r.contact, "note": r.note} for r in crisis_resources(program, lang)],
        "near_you": t("near_you"),
        "local": local,
        "other": [{"name": other.name, "contact": other.contact, "note": ""} for other in res.other],
        "meetings_title": t("meetings"),
        "meetings": list(res.meetings),
    }


def crisis_box(program, cohort, lang: str = "en") -> Markup:
    """The national crisis lines (curriculum/program.yaml), then the cohort's own, in ``lang``."""
    lines = crisis_lines(program, cohort, lang)
    return render_markup(CRISIS_BOX, box={**lines, "local": lines["local"] + lines["other"]})


def aftercare_box(handoff, lang: str = "en") -> Markup:
    """The aftercare group's day, time and place (``iopkit.planning.aftercare``); "" when there is none."""
    h = handoff
    if h is None:
        return Markup("")
    when = i18n.text(lang, "aftercare_when", weekday=i18n.weekday(h.weekday, lang), start=i18n.clock(h.start, lang),
                     end=i18n.clock(h.end, lang), first=i18n.long_date(h.first, lang), where=h.where)
    return render_markup(AFTERCARE_BOX, box={"title": i18n.text(lang, "aftercare_title"), "name": h.name,
                                             "when": when, "any_week": i18n.text(lang, "aftercare_any_week")})
