"""The fixed words on what participants hold (headings, labels, dates), in each handout language.

Session text comes from the curriculum and its translation overlays (iopkit.content.translations); these
are the words around it that the code prints. English is the source; every other language has
the same keys (a test checks).
"""
from __future__ import annotations

import datetime as dt

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "session_line": "Session {n} of {total}",
        "session_short": "Session {n}",
        "kind_handout": "Handout",
        "remember": "Remember",
        "practice": "Your practice before next time",
        "something_else": "Something else:",
        "crisis_title": "If you need help now",
        "crisis_intro": "You are not alone. These lines are free and open day and night.",
        "near_you": "Near you",
        "local_crisis": "Local crisis line",
        "naloxone": "Naloxone",
        "meetings": "Meetings near you",
        "aftercare_title": "Your aftercare group",
        "aftercare_when": "every {weekday}, {start} to {end}. The next one is {first}. Where: {where}.",
        "aftercare_any_week": "You can start any week and stay as long as it helps.",
        # Typed numbers, kept only while render/views.py reads them (the handouts' running footer);
        "help_lead": "Need help now?",
        "help_lead_short": "Need help now?",
        "not_translated": "",
        "status_machine": "",
        "status_reviewed": "",
        "workbook_title": "My Recovery Workbook",
        "workbook_sub": "{n} sessions of handouts and worksheets. Write in it, bring it to group, and keep it. "
                        "It is yours.",
        "contents": "Contents",
        "toc_session": "Session",
        "toc_title": "Title",
        "toc_page": "Page",
        "page": "Page",
        "of": "of",
        "before_first": "Before your first group",
        "after_last": "After your last group",
        "orientation_packet": "Orientation packet",
        "step_down_sheet": "Step-down sheet",
        "packet_not_translated": "",
        "five_steps": "If someone will not wake up: five steps",
        "join_title": "Your group schedule",
        "join_kind": "Your schedule",
        "join_intro": "Welcome to the {group}. First you meet a counselor for your orientation. "
                      "<strong>Your first group</strong> is on {first_date} at {first_time}. You come to {count} "
                      "groups. <strong>Your last group</strong> is on {last_date} at {last_time}. Each group stands "
                      "on its own.",
        "join_date": "Date",
        "join_group": "Group (each starts at {time})",
        "join_before": "Before",
        "join_after": "After",
        "join_orientation": "",
        "join_first": "",
        "join_last": "",
        "join_step_down": "",
        "on_video": "On video",
    },
    "es": {
        "session_line": "Sesión {n} de {total}",
        "session_short": "Sesión {n}",
        "kind_handout": "Hoja de la sesión",
        "remember": "Para recordar",
        "practice": "Su práctica para la próxima vez",
        "something_else": "Otra cosa:",
        "crisis_title": "Si necesita ayuda ahora",
        "crisis_intro": "No está solo ni sola. Estas líneas son gratis y atienden de día y de noche.",
        "near_you": "Cerca de usted",
        "local_crisis": "Línea local de crisis",
        "naloxone": "Naloxona",
        "meetings": "Reuniones cerca de usted",
        "aftercare_title": "Su grupo de seguimiento",
        "aftercare_when": "cada {weekday}, de {start} a {end}. El próximo es el {first}. Dónde: {where}.",
        "aftercare_any_week": "Puede empezar cualquier semana y quedarse el tiempo que le ayude.",
        "help_lead": "¿Necesita ayuda ahora?",
        "help_lead_short": "¿Necesita ayuda?",
        "not_translated": "Esta hoja todavía no está traducida al español. Por ahora, el texto de la sesión "
                          "está en inglés. Pida ayuda a su consejero o consejera.",
        "status_machine": "Traducción automática, aún sin revisar por una persona. "
                          "(Machine translation, not yet reviewed by a person.)",
        "status_reviewed": "Traducción revisada por {who}.",
        "workbook_title": "Mi cuaderno de recuperación",
        "workbook_sub": "{n} sesiones de hojas y ejercicios. Escriba en él, tráigalo al grupo y guárdelo. "
                        "Es suyo.",
        "contents": "Contenido",
        "toc_session": "Sesión",
        "toc_title": "Título",
        "toc_page": "Página",
        "page": "Página",
        "of": "de",
        "before_first": "Antes de su primer grupo",
        "after_last": "Después de su último grupo",
        "orientation_packet": "Paquete de orientación",
        "step_down_sheet": "Hoja para pasar a la siguiente etapa",
        "packet_not_translated": "Este paquete todavía no está traducido al español: los títulos, los cinco pasos "
                                 "ante una sobredosis y las líneas de ayuda están en español, y el resto está en "
                                 "inglés. Pida a su consejero o "
                                 "consejera que lo repase con usted.",
        "five_steps": "Si alguien no despierta: cinco pasos",
        "join_title": "Su calendario del grupo",
        "join_kind": "Su calendario",
        "join_intro": "Bienvenido o bienvenida a {group}. Primero se reúne con un consejero o consejera para "
                      "su orientación. <strong>Su primer grupo</strong> es el {first_date}, a las {first_time}; "
                      "va a venir a {count} grupos. <strong>Su último grupo</strong> es el {last_date}, a las "
                      "{last_time}; cada grupo se entiende por sí solo.",
        "join_date": "Fecha",
        "join_group": "Grupo (todos empiezan a las {time})",
        "join_before": "Antes",
        "join_after": "Después",
        "join_orientation": "Antes de su primer grupo: su orientación con un consejero o consejera (más o menos una hora)",
        "join_first": "Su primer grupo",
        "join_last": "Su último grupo: terminar y pasar a la siguiente etapa",
        "join_step_down": "Después de su último grupo: una visita con su consejero o consejera para hablar de la "
                          "siguiente etapa",
        "on_video": "Por video",
    },
}

_DAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
              "octubre", "noviembre", "diciembre")


def text(lang: str, key: str, **values) -> str:
    words = STRINGS.get(lang, STRINGS["en"])[key]
    return words.format(**values) if values else words


def _sentence(text: str) -> str:
    text = " ".join(str(text).split())
    return text if text.endswith((".", "!", "?")) else text + "."


def help_line(program, lang: str) -> str:
    """The running footer of what a participant holds: program.yaml's first two crisis lines, in ``lang``
    ("Need help now? Call or text 988, or chat at 988lifeline.org. SAMHSA National Helpline: 1-800-662-4357.")."""
    from iopkit.render.fmt import crisis_resources

    lines = crisis_resources(program, lang)
    words = [text(lang, "help_lead")]
    if lines:
        words.append(_sentence(lines[0].contact))
    if len(lines) > 1:
        words.append(_sentence(f"{lines[1].name}: {lines[1].contact}"))
    return " ".join(words)


def help_short(program, lang: str) -> str:
    """The large-print header: the program's first crisis line only."""
    from iopkit.render.fmt import crisis_resources

    lines = crisis_resources(program, lang)
    return " ".join([text(lang, "help_lead_short")] + ([_sentence(lines[0].contact)] if lines else []))


def long_date(d: dt.date, lang: str) -> str:
    if lang == "es":
        return f"{_DAYS_ES[d.weekday()]}, {d.day} de {_MONTHS_ES[d.month - 1]} de {d.year}"
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


def short_date(d: dt.date, lang: str) -> str:
    if lang == "es":
        return f"{_DAYS_ES[d.weekday()][:3]}, {d.day} {_MONTHS_ES[d.month - 1][:3]} {d.year}"
    return f"{d:%a}, {d:%b} {d.day}, {d.year}"


def weekday(name: str, lang: str) -> str:
    english = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    return _DAYS_ES[english.index(name)] if lang == "es" and name in english else name


def clock(t: dt.datetime, lang: str) -> str:
    """9:00 AM in English; 9:00 a. m. in Spanish (the US Spanish style)."""
    base = t.strftime("%I:%M").lstrip("0")
    if lang == "es":
        return f"{base} {'a. m.' if t.hour < 12 else 'p. m.'}"
    return f"{base} {t.strftime('%p')}"
