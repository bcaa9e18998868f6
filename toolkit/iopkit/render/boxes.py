"""The boxes printed on more than one kind of page: the crisis box (every handout, the join page,
the orientation packet, the step-down sheet) and the aftercare box."""
from __future__ import annotations

from iopkit.render import i18n
from iopkit.render.fmt import crisis_resources, esc


def crisis_box(program, cohort, lang: str = "en") -> str:
    """The national crisis lines (curriculum/program.yaml), then the cohort's own, in ``lang``."""
    def t(key: str) -> str:
        return i18n.text(lang, key)

    national = "".join(
        f"<li><strong>{esc(r.name)}:</strong> {esc(r.contact)}"
        + (f' <span class="note">{esc(r.note)}</span>' if r.note else "") + "</li>"
        for r in crisis_resources(program, lang)
    )
    res = cohort.resources
    local = []
    if res.local_crisis_line:
        local.append(f"<li><strong>{esc(t('local_crisis'))}:</strong> {esc(res.local_crisis_line)}</li>")
    if res.clinic_phone:
        local.append(f"<li><strong>{esc(cohort.program.name)}:</strong> {esc(res.clinic_phone)}</li>")
    if res.naloxone:
        local.append(f"<li><strong>{esc(t('naloxone'))}:</strong> {esc(res.naloxone)}</li>")
    for other in res.other:
        local.append(f"<li><strong>{esc(other.name)}:</strong> {esc(other.contact)}</li>")
    meetings = ""
    if res.meetings:
        meetings = (f"<h3>{esc(t('meetings'))}</h3><ul>" + "".join(f"<li>{esc(m)}</li>" for m in res.meetings)
                    + "</ul>")
    local_html = f"<h3>{esc(t('near_you'))}</h3><ul>{''.join(local)}</ul>" if local else ""
    return (
        f'<aside class="crisis"><h2>{esc(t("crisis_title"))}</h2>'
        f"<p>{esc(t('crisis_intro'))}</p>"
        f"<ul>{national}</ul>{local_html}{meetings}</aside>"
    )


def aftercare_box(handoff, lang: str = "en") -> str:
    """The aftercare group's day, time and place (``iopkit.planning.aftercare``); "" when there is none."""
    h = handoff
    if h is None:
        return ""
    when = i18n.text(lang, "aftercare_when", weekday=i18n.weekday(h.weekday, lang), start=i18n.clock(h.start, lang),
                     end=i18n.clock(h.end, lang), first=i18n.long_date(h.first, lang), where=h.where)
    return (
        f'<aside class="keypoints aftercare"><h2>{esc(i18n.text(lang, "aftercare_title"))}</h2>'
        f"<p><strong>{esc(h.name)}</strong>: {esc(when)}</p>"
        f"<p>{esc(i18n.text(lang, 'aftercare_any_week'))}</p></aside>"
    )
