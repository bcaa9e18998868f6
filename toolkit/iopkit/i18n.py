"""The fixed words on what participants hold (headings, labels, dates), in each handout language.

Session text comes from the curriculum and its translation overlays (iopkit.translations); these
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
        "help_line": "Need help now? Call or text 988. SAMHSA Helpline: 1-800-662-4357.",
        "help_short": "Need help now? Call or text 988.",
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
        "help_line": "¿Necesita ayuda ahora? Llame o escriba al 988 (para español, oprima el 2). "
                     "SAMHSA: 1-800-662-4357.",
        "help_short": "¿Necesita ayuda? Llame al 988, oprima el 2.",
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
    },
}

_DAYS_ES = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre",
              "octubre", "noviembre", "diciembre")


def text(lang: str, key: str, **values) -> str:
    words = STRINGS.get(lang, STRINGS["en"])[key]
    return words.format(**values) if values else words


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
