"""The language rules for what participants read and hear.

One place holds the list of stigmatizing terms (after NIDA's "Words Matter"), the
placeholder markers that must never ship, and how handout prose is scored for
reading level. The validator, the tests and the before-stop hook all use it.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from iopkit.io import JsonCache

#: Terms that label a person by their illness or moralize a test result, with what to say instead.
STIGMATIZING_TERMS: dict[str, str] = {
    "addict": "person with a substance use disorder",
    "junkie": "person who uses drugs",
    "abuser": "person who uses substances",
    "alcoholic": "person with an alcohol use disorder",
    "crackhead": "person who uses stimulants",
    "druggie": "person who uses drugs",
    "drug user": "person who uses drugs",
    "substance user": "person who uses substances",
    "substance abuse": "substance use",
    "drug abuse": "drug use",
    "alcohol abuse": "alcohol use",
    "clean": '"not using" or "in recovery" (for a test: "negative")',
    "dirty": '"using" (for a test: "positive")',
    "relapser": "person who had a return to use",
}

# "Alcoholics Anonymous" is a name, and "alcoholic drink" describes a drink, not a person.
_ALLOWED = re.compile(
    r"alcoholics anonymous|alcoholic (drinks?|beverages?)|non-?alcoholic|"
    r"clean (water|clothes|sheets|air|up|out)|clean(ing)? (your|the|a) |"
    r"drug users?'? (health|services)|(people|person|someone) who (uses?|used)",
    re.IGNORECASE,
)
_TERMS = re.compile(
    r"\b(" + "|".join(re.escape(t).replace(r"\ ", r"\s+") + r"s?" for t in sorted(STIGMATIZING_TERMS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|'[^'\n]{2,}'(?=\W|$)")

PLACEHOLDERS = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum|lorem|placeholder)\b|\[insert|\[fill in|<insert", re.IGNORECASE)


#: Words that show a sentence is correcting a term ("we say X instead of 'addict'").
_CORRECTING = re.compile(
    r"\b(instead|rather than|not|don't|do not|never|avoid|replace|label|labels|word|words|term|terms|"
    r"call|called|calling|say|says|saying|hear|heard|means?|myth|expect|expected|might|may)\b", re.IGNORECASE)


#: Quotes in spoken text; a single quote counts only at a word's edge (not the one in "you're").
_SPOKEN_QUOTED = re.compile(r"\"[^\"\n]*\"|“[^”\n]*”|(?<!\w)'[^'\n]{2,}?'(?!\w)")


def _without_corrections(text: str) -> str:
    """Spoken text with only the quoted terms that are being corrected taken out: a short quote
    (six words or fewer) with a correcting word earlier in its paragraph or just after it ("we say
    ... instead of 'addict'", "Expect: ..."). A quoted spoken line is what the group hears, so it
    is checked."""
    def drop(match):
        paragraph = text.rfind("\n\n", 0, match.start()) + 1  # its paragraph, up to 400 characters back
        context = text[max(paragraph, match.start() - 400):match.start()] + " " + text[match.end():match.end() + 60]
        short = len(match.group(0).strip("\"“”'").split()) <= 6
        return " " if short and _CORRECTING.search(context) else match.group(0)

    return _SPOKEN_QUOTED.sub(drop, text)


def stigmatizing_terms(text: str, allow_quoted: bool = False, spoken: bool = False) -> list[str]:
    """The stigmatizing terms in ``text``. With ``allow_quoted``, words inside quotes are
    not counted (a facilitator note may quote a term in order to say what to use instead).
    With ``spoken`` (what the facilitator says aloud), only a short quoted term in a sentence
    that corrects it is left out: a whole quoted line is what the group hears, so it is checked."""
    if spoken:
        text = _without_corrections(text)
    elif allow_quoted:
        text = _QUOTED.sub(" ", text)
    text = _ALLOWED.sub(" ", text)
    found = []
    for match in _TERMS.finditer(text):
        word = re.sub(r"\s+", " ", match.group(1).lower())
        base = word[:-1] if word.endswith("s") and word[:-1] in STIGMATIZING_TERMS else word
        found.append(base)
    return found


_LIST_ITEM = re.compile(r"^\s*(\d{1,3}[.)]|[-*+])\s+\S")


def joined_list_items(text: str) -> list[str]:
    """Lines written as list items that Markdown joins to the list item before them (a number
    indented under the item above, as in "1. one" then "   2. two"). A wrapped sentence that
    happens to start with a number ("...from 1 to" then "10. Compare") follows a paragraph, not a
    list item, and is left alone. Returns those lines, stripped, in order."""
    if not text or not _LIST_ITEM.search(text, re.MULTILINE) and "\n" not in text:
        return []
    from markdown_it import MarkdownIt

    starts: set[int] = set()
    skip: set[int] = set()
    in_items: set[int] = set()
    for token in MarkdownIt("commonmark").enable("table").parse(text):
        if token.map is None:
            continue
        if token.type == "list_item_open":
            starts.add(token.map[0])
            in_items.update(range(*token.map))
        elif token.type in ("fence", "code_block", "html_block", "table_open"):
            skip.update(range(*token.map))
    lines = text.splitlines()
    return [line.strip() for i, line in enumerate(lines)
            if i not in starts and i not in skip and i - 1 in in_items and _LIST_ITEM.match(line)]


def placeholders(text: str) -> list[str]:
    return [m.group(0) for m in PLACEHOLDERS.finditer(text)]


@dataclass(frozen=True)
class Readability:
    grade: float
    sentences: int
    words: int


def prose_sentences(markdown: str) -> str:
    """The prose of a Markdown text: paragraphs only, without headings, list items or tables.

    Bullet fragments ("Call 988") would pull the score down unfairly, so they are not scored.
    """
    keep = []
    for line in markdown.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(("#", "-", "*", "|", ">")) or re.match(r"^\d+[.)]\s", stripped):
            keep.append("")
            continue
        keep.append(stripped)
    paragraphs = " ".join(keep).split("  ")
    text = " ".join(p.strip() for p in paragraphs if p.strip())
    text = re.sub(r"\*\*?|__|`", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return text


def readability(markdown: str) -> Readability:
    """Flesch-Kincaid grade of the prose in ``markdown`` (textstat, offline).

    textstat loads a 1-second pronunciation dictionary on first use, so scores are kept
    in a small cache (``readability.json`` in iopkit's cache folder, ``iopkit.io``) keyed by the text itself.
    """
    text = prose_sentences(markdown)
    words = len(text.split())
    if not words:
        return Readability(0.0, 0, 0)
    key = hashlib.sha256(("textstat-0.7.8\0" + text).encode("utf-8")).hexdigest()[:32]
    if key in SCORES:
        grade, sentences = SCORES[key]
        return Readability(grade, sentences, words)
    import textstat

    score = Readability(float(textstat.flesch_kincaid_grade(text)), int(textstat.sentence_count(text)), words)
    SCORES[key] = [score.grade, score.sentences]
    return score


def rules_digest() -> str:
    """Changes whenever the rules themselves change (this file), so cached verdicts expire with them."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


def passed_before(text: str) -> bool:
    """Whether exactly this session text already passed every language check under these rules."""
    return _clean_key(text) in PASSED


def remember_passed(text: str) -> None:
    PASSED[_clean_key(text)] = 1


def _clean_key(text: str) -> str:
    return hashlib.sha256((rules_digest() + "\0" + text).encode("utf-8")).hexdigest()[:32]


#: Readability scores by text, and the session texts that passed every check under these rules.
SCORES = JsonCache("readability")
PASSED = JsonCache("language-passed")


#: The highest Flesch-Kincaid grade allowed for handout prose (NIH: 8; AMA: 6, our aim).
MAX_GRADE = 8.0


# ------------------------------------------------------------------ Spanish (issue 19)

#: Spanish terms that label a person by their illness or moralize a test result, with what to
#: say instead (the same rule as the English list above; the terms in TRANSLATION-SPEC.md).
STIGMATIZING_TERMS_ES: dict[str, str] = {
    "adicto": "persona con un trastorno por consumo de sustancias",
    "adicta": "persona con un trastorno por consumo de sustancias",
    "drogadicto": "persona que consume drogas",
    "drogadicta": "persona que consume drogas",
    "alcohólico": "persona con un trastorno por consumo de alcohol",
    "alcohólica": "persona con un trastorno por consumo de alcohol",
    "abusador": "persona que consume sustancias",
    "abusadora": "persona que consume sustancias",
    "abuso de sustancias": "consumo de sustancias (o trastorno por consumo de sustancias)",
    "abuso de drogas": "consumo de drogas",
    "abuso de alcohol": "consumo de alcohol",
    "yonqui": "persona que consume drogas",
    "tecato": "persona que consume drogas",
    "tecata": "persona que consume drogas",
    "limpio": '"sin consumir" o "en recuperación" (para una prueba: "resultado negativo")',
    "limpia": '"sin consumir" o "en recuperación" (para una prueba: "resultado negativo")',
    "sucio": '"consumiendo" (para una prueba: "resultado positivo")',
    "sucia": '"consumiendo" (para una prueba: "resultado positivo")',
}

# Names and things, not people: "Alcohólicos Anónimos", "bebida alcohólica", "jeringas limpias"
# (harm reduction), "ropa sucia".
_ALLOWED_ES = re.compile(
    r"alcoh[oó]licos an[oó]nimos|al-anon|(bebidas?|tragos?|productos?) (no )?alcoh[oó]lic[oa]s?|"
    r"sin alcohol|no alcoh[oó]lic[oa]s?|"
    r"(jeringas?|jeringuillas?|agujas?|material|equipo|ropa|agua|aire|casa|cuarto|s[aá]banas?|platos?|manos?|"
    r"cocina|ba[ñn]o|lugar|espacio|piso|mesa|cama|toallas?|pipas?) (bien |muy )?(limpi|suci)[oa]s?",
    re.IGNORECASE,
)
_TERMS_ES = re.compile(
    r"(?<![\wáéíóúñü])(" + "|".join(
        re.escape(t).replace(r"\ ", r"\s+") + "s?" for t in sorted(STIGMATIZING_TERMS_ES, key=len, reverse=True))
    + r")(?![\wáéíóúñü])",
    re.IGNORECASE,
)


def stigmatizing_terms_es(text: str) -> list[str]:
    """The stigmatizing Spanish terms in ``text`` (a participant text: quotes do not excuse them)."""
    text = _ALLOWED_ES.sub(" ", text)
    found = []
    for match in _TERMS_ES.finditer(text):
        word = re.sub(r"\s+", " ", match.group(1).lower())
        base = word[:-1] if word.endswith("s") and word[:-1] in STIGMATIZING_TERMS_ES else word
        found.append(base)
    return found


#: Fernández-Huerta reading ease (textstat 0.7.8; 0-100, higher is easier): 70-80 is "bastante
#: fácil", 60-70 "normal" (about the English grade 8 limit), below 60 "bastante difícil".
#: Handout prose below MIN_EASE_ES fails validation like an English grade above 8; below
#: AIM_EASE_ES it is a warning (the translators' aim is 70 or more).
MIN_EASE_ES = 60.0
AIM_EASE_ES = 70.0


@dataclass(frozen=True)
class ReadabilityEs:
    ease: float
    sentences: int
    words: int


def readability_es(markdown: str) -> ReadabilityEs:
    """Fernández-Huerta reading ease of the prose in Spanish ``markdown``.

    textstat's language is global state: it is set to Spanish for the score and put back
    afterwards, so an English score computed later in the same process is not changed.
    """
    text = prose_sentences(markdown)
    words = len(text.split())
    if not words:
        return ReadabilityEs(0.0, 0, 0)
    key = "es:" + hashlib.sha256(("textstat-0.7.8-fh\0" + text).encode("utf-8")).hexdigest()[:32]
    if key in SCORES:
        ease, sentences = SCORES[key]
        return ReadabilityEs(ease, sentences, words)
    import textstat

    before = getattr(textstat.textstat, "_textstatistics__lang", "en_US")
    try:
        textstat.set_lang("es")
        score = ReadabilityEs(float(textstat.fernandez_huerta(text)), int(textstat.sentence_count(text)), words)
    finally:
        textstat.set_lang(before)
    SCORES[key] = [score.ease, score.sentences]
    return score
