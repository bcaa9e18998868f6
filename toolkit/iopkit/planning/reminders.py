"""Reminder texts (English and Spanish) for the clinic's own messaging system. iopkit sends nothing.

The texts live in ``curriculum/reminders.yaml``; a cohort's ``[reminders]`` section can sign
them (``sender``) and replace any of them (``[reminders.en]``, ``[reminders.es]``). Every text
is checked by ``lint_text``: at most 160 characters once filled in (70 when it holds a letter
outside the basic SMS alphabet, because phones then send it in pieces of 70), only the known
fill-ins, and no word that tells whoever sees the phone what the group is.
"""
from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from iopkit import paths
from iopkit.errors import NotesError, Problem, ReminderError, ValidationError, describe, display_path

LANGUAGES = ("en", "es")
FILL_INS = ("sender", "day", "date", "time", "phone", "program")
DEFAULT_SENDER = {"en": "your care team", "es": "su equipo de salud"}
MAX_CHARS = 160
MAX_CHARS_UNICODE = 70

#: Words that reveal substance-use treatment on a lock screen (matched without accents or case).
REVEALING = (
    r"iop", r"intensive outpatient", r"outpatient program", r"addict\w*", r"addiction\w*", r"recovery",
    r"recovering", r"treatment\w*", r"substances?", r"sober\w*", r"sobriety", r"rehab\w*", r"detox\w*",
    r"relaps\w*", r"drugs?", r"alcohol\w*", r"narcotics?", r"methadone", r"suboxone", r"buprenorphine",
    r"naloxone", r"narcan", r"12[- ]step", r"twelve[- ]step", r"chemical dependency",
    # Spanish
    r"adiccion\w*", r"adict[oa]s?", r"recuperacion", r"tratamiento\w*", r"sustancias?", r"sobri[oa]s?",
    r"sobriedad", r"rehabilitacion", r"desintoxicacion", r"recaida\w*", r"drogas?", r"alcoholic[oa]s?",
    r"ambulatorio intensivo", r"abstinencia", r"dependencia",
)
_REVEALING = re.compile(r"\b(" + "|".join(REVEALING) + r")\b", re.IGNORECASE)
_REVEALING_CAPS = re.compile(r"\b(AA|NA|IOP|SUD|AOD)\b")  # short names, matched in capitals only

# The GSM 03.38 alphabet: texts made only of these go out in pieces of 160 characters.
_GSM = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
           "¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = set("^{}\\[~]|€")  # two characters each

_DAYS = {"en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
         "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sabado", "domingo")}
_MONTHS_ES = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
              "noviembre", "diciembre")


def _plain(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def revealing_words(text: str) -> list[str]:
    """The words in ``text`` that tell a reader it is about substance-use treatment."""
    plain = _plain(text)
    return [m.group(0) for m in _REVEALING.finditer(plain)] + [m.group(0) for m in _REVEALING_CAPS.finditer(plain)]


def sms_length(text: str) -> tuple[int, int]:
    """(length as a phone counts it, the most one text may hold)."""
    if all(c in _GSM or c in _GSM_EXTENDED for c in text):
        return sum(2 if c in _GSM_EXTENDED else 1 for c in text), MAX_CHARS
    return len(text), MAX_CHARS_UNICODE


def fill_ins(template: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    except ValueError:
        return ["{"]


def lint_text(template: str, values: dict[str, str]) -> list[tuple[str, str]]:
    """What is wrong with one text, filled in with ``values``: (got, expected) pairs; empty when fine."""
    problems = []
    unknown = [n for n in fill_ins(template) if n not in FILL_INS]
    if unknown:
        return [(describe("{" + unknown[0] + "}"), "only the fill-ins " + ", ".join("{" + n + "}" for n in FILL_INS))]
    filled = template.format(**values)
    words = revealing_words(filled)
    if words:
        where = "the text" if revealing_words(template) else "a fill-in (the sender or program name)"
        problems.append((f'"{words[0]}" in {where}',
                         "wording that does not say what the group is (anyone can see a text on a locked phone)"))
    length, most = sms_length(filled)
    if length > most:
        odd = sorted({c for c in filled if c not in _GSM and c not in _GSM_EXTENDED})
        why = (f" (it holds {', '.join(odd)}, so phones send it in pieces of {MAX_CHARS_UNICODE}; write it without "
               "those letters)" if most == MAX_CHARS_UNICODE else "")
        problems.append((f"{length} characters once filled in{why}", f"at most {most} characters"))
    return problems


# ---------------------------------------------------------------- the texts


def load_texts(cohort, curriculum_root: Path | None = None) -> dict[str, dict[str, tuple[str, str]]]:
    """{language: {name: (text, where it comes from)}}: the curriculum's, with the cohort's in their place."""
    from iopkit.content.sources import read_yaml

    root = Path(curriculum_root) if curriculum_root else paths.curriculum_dir()
    path = root / "reminders.yaml"
    if not path.is_file():  # a program's own copy of the curriculum from before reminders existed
        path = paths.shipped_curriculum() / "reminders.yaml"
    texts: dict[str, dict[str, tuple[str, str]]] = {lang: {} for lang in LANGUAGES}
    if path.is_file():
        source = read_yaml(path)
        data = source.data or {}
        problems = []
        if not isinstance(data, dict):
            problems.append(Problem(display_path(path), None, "file", describe(data), "a table with en: and es: texts"))
            data = {}
        for lang in LANGUAGES:
            table = data.get(lang) or {}
            if not isinstance(table, dict):
                problems.append(Problem(display_path(path), source.line_of((lang,)), lang, describe(table),
                                        "texts by name, like  day_before: \"Hi, ...\""))
                continue
            for name, text in table.items():
                if not isinstance(text, str) or not text.strip():
                    problems.append(Problem(display_path(path), source.line_of((lang, name)), f"{lang}, {name}",
                                            describe(text), "the text of a message, in quotes"))
                    continue
                texts[lang][str(name)] = (text, f"{display_path(path)}: {lang}, {name}")
        if problems:
            raise ValidationError(problems)
    for lang in LANGUAGES:
        for name, text in getattr(cohort.reminders, lang).items():
            where = display_path(cohort.path) if cohort.path else "the cohort file"
            texts[lang][name] = (text, f"{where}: reminders, {lang}, {name}")
    return texts


def _time(t: dt.datetime | dt.time) -> str:
    return t.strftime("%I:%M %p").lstrip("0")


def values_for(cohort, lang: str, when: dt.datetime | None = None) -> dict[str, str]:
    """The fill-ins for one language; without ``when``, the longest day and date, to check the length."""
    sender = cohort.reminders.sender.strip() or DEFAULT_SENDER[lang]
    phone = cohort.resources.clinic_phone.strip() or "(555) 555-0100"
    if when is None:
        days = [_DAYS[lang][_index(d)] for d in cohort.schedule.meeting_days]
        day = max(days, key=len)
        date = "September 30" if lang == "en" else "30 de septiembre"
        clock = dt.datetime.combine(dt.date(2000, 1, 1), cohort.schedule.start_time)
    else:
        day = _DAYS[lang][when.weekday()]
        date = f"{when:%B} {when.day}" if lang == "en" else f"{when.day} de {_MONTHS_ES[when.month - 1]}"
        clock = when
    time = _time(clock) if lang == "en" else f"{clock.hour}:{clock.minute:02d}"
    return {"sender": sender, "day": day, "date": date, "time": time, "phone": phone,
            "program": cohort.program.name}


def _index(weekday: str) -> int:
    from iopkit.planning.cohort_schema import WEEKDAYS

    return WEEKDAYS.index(weekday)


def check_reminders(cohort, source, collector, curriculum=None) -> None:
    """Part of validating a cohort: every reminder text it would use, filled in with its values."""
    root = getattr(curriculum, "root", None)
    try:
        texts = load_texts(cohort, root)
    except Exception as exc:  # a broken reminders.yaml: its own message names the file
        problems = getattr(exc, "problems", None)
        if problems:
            collector.problems.extend(problems)
            return
        raise
    sender_words = revealing_words(cohort.reminders.sender)
    if sender_words:
        collector.add(source, ("reminders", "sender"), cohort.reminders.sender,
                      "a name that does not say what the group is (anyone can see a text on a locked phone)")
    for lang in LANGUAGES:
        values = values_for(cohort, lang)
        if sender_words:  # said once, above: the texts are checked as if signed by the default
            values["sender"] = DEFAULT_SENDER[lang]
        for name, (text, where) in texts[lang].items():
            for got, expected in lint_text(text, values):
                if where.startswith(display_path(cohort.path) if cohort.path else "\0"):
                    collector.add(source, ("reminders", lang, name), got, expected, raw=True)
                else:
                    file, field = where.split(": ", 1)
                    collector.problems.append(Problem(file, None, field, got, expected))
        other = "es" if lang == "en" else "en"
        for name in getattr(cohort.reminders, lang):
            if name not in texts[other]:
                collector.add(source, ("reminders", lang, name), name,
                              f"the same text in {'Spanish' if other == 'es' else 'English'} as well: "
                              f"add {name} under [reminders.{other}]")


def check_curriculum_texts(curriculum) -> list[Problem]:
    """The curriculum's own texts, checked without a cohort (the default sender, a long day and date)."""
    from types import SimpleNamespace

    from iopkit.planning.cohort_schema import Reminders

    stand_in = SimpleNamespace(
        reminders=Reminders(), path=None, resources=SimpleNamespace(clinic_phone="(555) 555-0100"),
        program=SimpleNamespace(name="Clinic"),
        schedule=SimpleNamespace(meeting_days=["Wednesday"], start_time=dt.time(12, 30)))
    try:
        texts = load_texts(stand_in, getattr(curriculum, "root", None))
    except Exception as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            return list(problems)
        raise
    out = []
    for lang in LANGUAGES:
        values = values_for(stand_in, lang)
        for text, where in texts[lang].values():
            file, field = where.split(": ", 1)
            out += [Problem(file, None, field, got, expected) for got, expected in lint_text(text, values)]
        other = "es" if lang == "en" else "en"
        for name in texts[lang]:
            if name not in texts[other]:
                file = texts[lang][name][1].split(": ", 1)[0]
                out.append(Problem(file, None, f"{lang}, {name}", describe(name),
                                   f"the same text under {other}: as well (every text in English and Spanish)"))
    return out


@dataclass(frozen=True)
class Reminder:
    name: str
    lang: str
    text: str


def reminders_for(plan, when: dt.date | None = None, curriculum_root: Path | None = None) -> list[Reminder]:
    """Every reminder text, filled in for the session on ``when`` (or the plan's next session)."""
    cohort = plan.cohort
    item = _item_for(plan, when)
    texts = load_texts(cohort, curriculum_root)
    out = []
    for lang in LANGUAGES:
        values = values_for(cohort, lang, item.start)
        for name, (text, where) in texts[lang].items():
            problems = lint_text(text, values)
            if problems:
                got, expected = problems[0]
                raise ReminderError(f"{where}: got {got}, expected {expected}")
            out.append(Reminder(name, lang, text.format(**values)))
    return out


def parse_date(date: str | None) -> dt.date | None:
    """The ``--date`` of ``iopkit reminders``: a date like 2027-01-06, or None for the next group."""
    if not date:
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise NotesError(f'--date: got "{date}", expected a date written like 2027-01-06') from None


def print_reminders(plan, when: dt.date | None = None, curriculum_root: Path | None = None) -> str:
    """The texts for one group, ready to copy, with a line saying which group they are about."""
    texts = reminders_for(plan, when, curriculum_root)
    item = _item_for(plan, when)
    names = {"en": "English", "es": "Spanish"}
    lines = [f"Reminder texts for the group on {item.date:%A}, {item.date:%B} {item.date.day}, {item.date.year} "
             f"(session {item.position}). Copy them into your messaging system; iopkit sends nothing.", ""]
    for r in texts:
        length, most = sms_length(r.text)
        lines.append(f"[{names[r.lang]}, {r.name.replace('_', ' ')}, {length}/{most} characters]")
        lines.append(r.text)
        lines.append("")
    return "\n".join(lines).rstrip()


def _item_for(plan, when: dt.date | None):
    if when is None:
        today = dt.date.today()
        return next((i for i in plan.sessions if i.date >= today), plan.sessions[-1])
    from iopkit.planning.plan import session_on

    return session_on(plan, when)
