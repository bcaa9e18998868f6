"""Things about a cohort that are not errors but that a counselor should hear before printing:
names the print font cannot show, and a handout with no local resources.

``cohort_notices`` returns plain lines (file, field, what will happen, what to do); the
``validate`` and ``build`` commands print them. Nothing here stops a build.
"""
from __future__ import annotations

from functools import cache

from iopkit import paths
from iopkit.errors import display_path

#: The cohort fields printed on guides, handouts and calendars, by where they are in the file.
PRINTED_FIELDS = (
    ("program", "name"), ("cohort", "name"), ("cohort", "facilitators"), ("location", "address"),
    ("location", "platform"), ("resources", "clinic_phone"), ("resources", "local_crisis_line"),
    ("resources", "naloxone"), ("resources", "meetings"), ("resources", "other"),
)


@cache
def printable_characters() -> frozenset[int]:
    """Every character the print font (DejaVu Sans, iopkit.pdf) has a glyph for."""
    from fontTools.ttLib import TTFont

    font = TTFont(paths.handouts_dir() / "fonts" / "DejaVuSans.ttf", lazy=True)
    return frozenset(font.getBestCmap())


def missing_glyphs(text: str) -> list[str]:
    """The characters of ``text`` the print font lacks (each once, in order)."""
    have = printable_characters()
    return list(dict.fromkeys(ch for ch in text if not ch.isspace() and ord(ch) not in have
                              and ord(ch) not in (0x200D, 0xFE0F)))


def _texts(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for item in value for t in _texts(item)]
    if hasattr(value, "model_dump"):
        return [t for item in value.model_dump().values() for t in _texts(item)]
    return []


def cohort_notices(cohort) -> list[str]:
    where = display_path(cohort.path) if cohort.path else "the cohort file"
    notes = []
    for section, name in PRINTED_FIELDS:
        value = getattr(getattr(cohort, section), name)
        missing = missing_glyphs(" ".join(_texts(value)))
        if missing:
            shown = " ".join(missing[:8]) + (" ..." if len(missing) > 8 else "")
            notes.append(f"Note: {where}: {section}, {name}: the print font has no letters for {shown} "
                         "(for example Chinese, Japanese or Korean script, or emoji); they would print as empty "
                         "boxes. Write the name in letters the font has (Latin, Greek or Cyrillic), or leave "
                         "those characters out.")
    r = cohort.resources
    if not (r.clinic_phone or r.local_crisis_line or r.naloxone or r.meetings or r.other):
        notes.append(f"Note: {where}: resources: nothing local is listed, so the handouts' \"Near you\" box will be "
                     "empty and only the national lines (988, SAMHSA) will print. Add clinic_phone, "
                     "local_crisis_line, naloxone or meetings under [resources] (see cohorts/example.toml).")
    return notes
