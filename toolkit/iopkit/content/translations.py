"""Translated handouts: overlay files beside the English (issue 19, TRANSLATION-SPEC.md).

A session's Spanish lives in ``curriculum/translations/es/<track folder>/<English file name>``
and holds only what a participant reads (the handout and the homework), in the same shape and
counts as the English. Each overlay records its status (``machine``, ``reviewed``,
``clinically-reviewed``), who reviewed it, and ``source_hash``: the hash of the English it
translates, written by ``iopkit translations stamp``. The English file stays the source of truth.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from iopkit.content import language
from iopkit.errors import Problem, TranslationNotReviewedError, ValidationError, display_path
from iopkit.io import write_atomic

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
#: The languages a handout can be printed in, and each one's tag for the HTML and the PDF.
LANGUAGE_TAGS = {"en": "en-US", "es": "es-US"}
TRANSLATED = ("es",)
STATUSES = ("machine", "reviewed", "clinically-reviewed")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScaleLabels(_Model):
    low_label: str = ""
    high_label: str = ""


class OverlayItem(_Model):
    prompt: Text
    options: list[Text] | None = None
    columns: list[Text] | None = None
    row_labels: list[Text] | None = None
    scale: ScaleLabels | None = None


class OverlayWorksheet(_Model):
    title: Text
    instructions: Text
    items: list[OverlayItem]


class OverlayHandout(_Model):
    title: Text
    explanation: Text
    key_points: list[Text] = []
    worksheet: OverlayWorksheet


class Overlay(_Model):
    """One session's translation."""

    language: Literal["es"]
    status: Literal["machine", "reviewed", "clinically-reviewed"]
    reviewed_by: str = ""
    source_hash: str = ""
    handout: OverlayHandout
    homework: Text

    @property
    def reviewed(self) -> bool:
        return self.status != "machine"


@dataclass
class Checked:
    """What checking overlays found: problems (exit 2) and warnings (the English changed since)."""

    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def source_hash(session) -> str:
    """The hash of the English a participant reads: canonical JSON of the handout and the homework."""
    data = {"handout": session.handout.model_dump(mode="json"), "homework": session.homework}
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def overlay_path(root: Path, english: Path, lang: str) -> Path:
    """Where the overlay of an English session file sits (same name, same track folder)."""
    return Path(root) / "translations" / lang / Path(english).parent.name / Path(english).name


def english_path(overlay: Path) -> Path:
    """The English session file an overlay translates: translations/<lang>/<folder>/<name> -> <folder>/<name>."""
    overlay = Path(overlay).resolve()
    return overlay.parents[3] / overlay.parent.name / overlay.name


# ------------------------------------------------------------------ loading and checking

def load_overlay(path: Path, session, collector) -> Overlay | None:
    """Read and check one overlay against its English session; problems go to ``collector``.

    Returns the overlay when it is valid; None otherwise.
    """
    from iopkit.content.curriculum import _read, load_model

    source = _read(Path(path), collector)
    if source is None:
        return None
    overlay = load_model(Overlay, source, collector)
    if overlay is None:
        return None
    before = len(collector.problems)
    _check_shape(overlay, session, source, collector)
    _check_review(overlay, source, collector)
    _check_language(overlay, source, collector)
    return overlay if len(collector.problems) == before else None


def _check_review(overlay: Overlay, source, collector) -> None:
    if overlay.reviewed and not overlay.reviewed_by.strip():
        collector.add(source, ("reviewed_by",), None,
                      f'the name and credential of the person who reviewed it (status is "{overlay.status}"); '
                      'or status: machine if no person has reviewed it yet')


def _check_shape(overlay: Overlay, session, source, collector) -> None:
    """The same structure and the same counts as the English."""
    en, es = session.handout, overlay.handout

    def count(loc, got: int, want: int, what: str) -> None:
        if got != want:
            collector.add(source, loc, f"{got} {what}", f"{want}, the same number as the English "
                          f"({session.id}: {'.'.join(str(p) for p in loc)})", raw=True)

    count(("handout", "key_points"), len(es.key_points), len(en.key_points), "key points")
    count(("handout", "worksheet", "items"), len(es.worksheet.items), len(en.worksheet.items), "worksheet items")
    for i, (item_en, item_es) in enumerate(zip(en.worksheet.items, es.worksheet.items)):
        loc = ("handout", "worksheet", "items", i)
        for name in ("options", "columns", "row_labels"):
            want, got = getattr(item_en, name), getattr(item_es, name)
            if want and got is None:
                collector.add(source, loc, f"no {name}", f"{len(want)} {name}, like the English item", raw=True)
            elif got is not None:
                count(loc + (name,), len(got), len(want), name.replace("_", " "))
        labels = item_en.scale and (item_en.scale.low_label or item_en.scale.high_label)
        if labels and (item_es.scale is None or not (item_es.scale.low_label or item_es.scale.high_label)):
            collector.add(source, loc, "no scale labels", "scale: {low_label: ..., high_label: ...} like the English",
                          raw=True)


def participant_text(overlay: Overlay) -> dict[tuple, str]:
    """Every translated field, by its place in the overlay file."""
    h = overlay.handout
    out: dict[tuple, str] = {("handout", "title"): h.title, ("handout", "explanation"): h.explanation,
                             ("handout", "worksheet", "title"): h.worksheet.title,
                             ("handout", "worksheet", "instructions"): h.worksheet.instructions,
                             ("homework",): overlay.homework}
    for i, point in enumerate(h.key_points):
        out[("handout", "key_points", i)] = point
    for i, item in enumerate(h.worksheet.items):
        out[("handout", "worksheet", "items", i, "prompt")] = item.prompt
        for name in ("options", "columns", "row_labels"):
            for j, text in enumerate(getattr(item, name) or []):
                out[("handout", "worksheet", "items", i, name, j)] = text
        if item.scale:
            out[("handout", "worksheet", "items", i, "scale", "low_label")] = item.scale.low_label
            out[("handout", "worksheet", "items", i, "scale", "high_label")] = item.scale.high_label
    return out


def _check_language(overlay: Overlay, source, collector) -> None:
    """Person-first Spanish, no placeholders, and easy reading (Fernández-Huerta)."""
    for loc, text in participant_text(overlay).items():
        # "todo" is a Spanish word ("everything"): only the upper-case TODO marks unfinished writing.
        for marker in [m for m in language.placeholders(text) if m.lower() != "todo" or m == "TODO"]:
            collector.add(source, loc, f'placeholder text "{marker}"', "finished writing", raw=True)
        for term in dict.fromkeys(language.stigmatizing_terms_es(text)):
            collector.add(source, loc, f'the word "{term}"',
                          f"person-first language: say {language.STIGMATIZING_TERMS_ES[term]}", raw=True)
    score = language.readability_es(overlay.handout.explanation + "\n\n" + overlay.homework)
    if score.sentences >= 4 and score.ease < language.MIN_EASE_ES:
        collector.add(source, ("handout", "explanation"), f"Fernández-Huerta reading ease {score.ease:.0f}",
                      f"{language.MIN_EASE_ES:.0f} or more (shorter sentences and common words; aim for "
                      f"{language.AIM_EASE_ES:.0f})", raw=True)


def reading_warning(path: Path, overlay: Overlay) -> str | None:
    score = language.readability_es(overlay.handout.explanation + "\n\n" + overlay.homework)
    if score.sentences >= 4 and language.MIN_EASE_ES <= score.ease < language.AIM_EASE_ES:
        return (f"{_display(path)}: handout, explanation: Fernández-Huerta reading ease {score.ease:.0f}; "
                f"the aim is {language.AIM_EASE_ES:.0f} or more (shorter sentences, common words).")
    return None


def stale_warning(path: Path, overlay: Overlay, session) -> str | None:
    """Said when the English changed since the overlay was stamped (or it was never stamped)."""
    now = source_hash(session)
    if not overlay.source_hash:
        return (f"{_display(path)}: source_hash: empty. Once the translation matches the English, run: "
                f"iopkit translations stamp {_display(path)}")
    if overlay.source_hash != now:
        return (f"{_display(path)}: source_hash: the English handout or homework of {session.id} changed since "
                "this translation was stamped. Check the Spanish against the English, then run: "
                f"iopkit translations stamp {_display(path)}")
    return None


def _display(path: Path) -> str:
    return display_path(Path(path))


def _english_sessions(curriculum) -> dict[Path, Any]:
    out = {}
    for sessions, files in ((curriculum.sessions, curriculum.files), (curriculum.aftercare, curriculum.aftercare_files)):
        for number, path in files.items():
            out[Path(path).resolve()] = sessions[number]
    for key, path in curriculum.elective_files.items():
        out[Path(path).resolve()] = curriculum.electives[key]
    return out


def check_translations(curriculum, lang: str | None = None) -> Checked:
    """Check every overlay under curriculum/translations/ (what ``iopkit validate`` runs)."""
    from iopkit.content.curriculum import Collector

    checked = Checked()
    collector = Collector()
    english = _english_sessions(curriculum)
    for code in ([lang] if lang else TRANSLATED):
        folder = Path(curriculum.root) / "translations" / code
        for path in sorted(folder.glob("*/*.yaml")):
            if path.parent.name == "individual":
                continue  # checked below, against curriculum/individual/
            session = english.get(english_path(path))
            if session is None:
                collector.add(path, (), path.name, f"the name of an English session file in "
                              f"curriculum/{path.parent.name}/ (this overlay translates nothing)", raw=True)
                continue
            if not hasattr(session, "handout"):
                collector.add(path, (), "a translation of an outline", "a session written in full", raw=True)
                continue
            overlay = load_overlay(path, session, collector)
            if overlay is not None:
                for warning in (stale_warning(path, overlay, session), reading_warning(path, overlay)):
                    if warning:
                        checked.warnings.append(warning)
    check_individual_translations(curriculum, checked, collector)
    checked.problems = collector.problems
    return checked


@dataclass(frozen=True)
class Translation:
    """A session's participant text in one language, ready to print."""

    lang: str
    overlay: Overlay | None  # None: no translation yet (the English is printed, with a note)
    path: Path | None

    @property
    def reviewed(self) -> bool:
        return self.overlay is not None and self.overlay.reviewed


def find_translation(curriculum_root: Path, source: Path, session, lang: str) -> Translation:
    """The overlay of ``session`` (its English file ``source``) in ``lang``; raises if it is invalid."""
    from iopkit.content.curriculum import Collector

    path = overlay_path(curriculum_root, source, lang)
    if not path.is_file():
        return Translation(lang, None, None)
    collector = Collector()
    overlay = load_overlay(path, session, collector)
    collector.raise_if_any()
    return Translation(lang, overlay, path)


def translate_session(session, overlay: Overlay):
    """A copy of ``session`` with the overlay's participant text in place of the English."""
    en, es = session.handout, overlay.handout
    worksheet = translate_worksheet(en.worksheet, es.worksheet)
    handout = en.model_copy(update={"title": es.title, "explanation": es.explanation,
                                    "key_points": list(es.key_points), "worksheet": worksheet})
    return session.model_copy(update={"handout": handout, "homework": overlay.homework})


def translate_worksheet(en, es: OverlayWorksheet):
    """An English worksheet with the overlay's words (same items, same counts)."""
    items = []
    for item_en, item_es in zip(en.items, es.items):
        update: dict = {"prompt": item_es.prompt}
        for name in ("options", "columns", "row_labels"):
            if getattr(item_es, name):
                update[name] = list(getattr(item_es, name))
        if item_en.scale and item_es.scale:
            update["scale"] = item_en.scale.model_copy(update={"low_label": item_es.scale.low_label,
                                                               "high_label": item_es.scale.high_label})
        items.append(item_en.model_copy(update=update))
    return en.model_copy(update={"title": es.title, "instructions": es.instructions, "items": items})


# ------------------------------------------------------------------ stamping

_HASH_LINE = re.compile(r"^source_hash:.*$", re.MULTILINE)


def stamp(files: list[Path], curriculum_root: Path | None = None) -> list[str]:
    """Write into each overlay the hash of the English it translates; return one line per file."""
    from iopkit.content.curriculum import Collector, load_curriculum

    curriculum = load_curriculum(curriculum_root)
    english = _english_sessions(curriculum)
    said, problems = [], []
    for path in map(Path, files):
        session = english.get(english_path(path))
        if session is None or not hasattr(session, "handout"):
            problems.append(Problem(_display(path), None, "file", path.name,
                                    "an overlay under curriculum/translations/<language>/<folder>/ named like the "
                                    "English session file it translates"))
            continue
        collector = Collector()
        load_overlay(path, session, collector)  # a broken overlay is not stamped as matching
        if collector.problems:
            problems += collector.problems
            continue
        value = source_hash(session)
        text = path.read_text(encoding="utf-8")
        line = f'source_hash: "{value}"'
        if _HASH_LINE.search(text):
            text = _HASH_LINE.sub(line, text, count=1)
        else:
            text = line + "\n" + text
        write_atomic(path, text)
        said.append(f"{_display(path)}: source_hash {value} (the English of {session.id})")
    if problems:
        raise ValidationError(problems)
    return said


def check_reviewed(plan, curriculum, positions) -> None:
    """Refuse (exit 2) when a chosen session's handout would print an unreviewed or missing translation."""
    languages = [lang for lang in plan.cohort.handouts.languages if lang != "en"]
    missing = []
    for position in positions:
        item = plan.at(position)
        if not hasattr(item.session, "handout"):
            continue
        for lang in languages:
            found = find_translation(curriculum.root, item.source, item.session, lang)
            if found.overlay is None:
                missing.append(f"session {position} ({item.session.id}): no {lang} translation yet "
                               f"(looked for {_display(overlay_path(curriculum.root, item.source, lang))})")
            elif not found.reviewed:
                missing.append(f"session {position} ({item.session.id}): the {lang} translation is status: machine "
                               f"in {_display(found.path)}")
    if missing:
        raise TranslationNotReviewedError(
            "Not built: --require-reviewed asks for translations a person has reviewed, and these are not:\n  "
            + "\n  ".join(missing) + "\nHave a qualified reviewer check each one, then set status: reviewed (or "
            "clinically-reviewed) and reviewed_by: their name and credential. Or build without --require-reviewed: "
            "the handout then says on its last page that no person has reviewed the translation.")


def handout_title(item, lang: str) -> str:
    """The title a participant sees for a planned session in ``lang``: the overlay's handout title when
    there is one, else the session's English title (calendar, contents and join page)."""
    if lang == "en" or not hasattr(item.session, "handout"):
        return item.session.title
    source = Path(item.source)
    path = overlay_path(source.parent.parent, source, lang)
    return _overlay_title(str(path)) or item.session.title


def _overlay_title(path: str) -> str:
    import yaml

    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return str(data["handout"]["title"]).strip()
    except (OSError, ValueError, KeyError, TypeError, yaml.YAMLError):
        return ""


# ------------------------------------------------------------------ the orientation and step-down packets

def _check_worksheet(en, es: OverlayWorksheet, loc: tuple, source, collector) -> None:
    """The same items as the English worksheet, with the same counts of options, columns and row labels."""
    if len(es.items) != len(en.items):
        collector.add(source, loc + ("items",), f"{len(es.items)} items", f"{len(en.items)}, the same number as "
                      "the English", raw=True)
    for i, (item_en, item_es) in enumerate(zip(en.items, es.items)):
        for name in ("options", "columns", "row_labels"):
            want, got = getattr(item_en, name), getattr(item_es, name)
            if want and got is None:
                collector.add(source, loc + ("items", i), f"no {name}", f"{len(want)} {name}, like the English item",
                              raw=True)
            elif got is not None and len(got) != len(want):
                collector.add(source, loc + ("items", i, name), f"{len(got)} {name.replace('_', ' ')}",
                              f"{len(want)}, the same number as the English", raw=True)


class OverlaySection(_Model):
    heading: Text
    text: Text
    points: list[Text] = []


class OverlayPacket(_Model):
    title: Text
    intro: Text
    sections: list[OverlaySection]
    forms: list[OverlayWorksheet] = []


class OverlayStep(_Model):
    step: Text
    detail: Text


class IndividualOverlay(_Model):
    """A visit packet's translation (curriculum/translations/<lang>/individual/<file>): for now the five
    overdose steps; the rest of the packet prints in English with a note."""

    # Other fields (the packet's sections and forms, once a translator writes them) are kept, not yet printed.
    model_config = ConfigDict(extra="allow", frozen=True)

    language: Literal["es"]
    status: Literal["machine", "reviewed", "clinically-reviewed"]
    reviewed_by: str = ""
    source_hash: str = ""
    overdose_steps: list[OverlayStep] = []
    packet: OverlayPacket | None = None

    @property
    def reviewed(self) -> bool:
        return self.status != "machine"


def load_individual_overlay(path: Path, visit, collector) -> IndividualOverlay | None:
    from iopkit.content.curriculum import _read, load_model

    source = _read(Path(path), collector)
    if source is None:
        return None
    overlay = load_model(IndividualOverlay, source, collector)
    if overlay is None:
        return None
    before = len(collector.problems)
    if overlay.overdose_steps and len(overlay.overdose_steps) != len(visit.overdose_steps):
        collector.add(source, ("overdose_steps",), f"{len(overlay.overdose_steps)} steps",
                      f"{len(visit.overdose_steps)}, the same number as the English", raw=True)
    _check_review(overlay, source, collector)  # type: ignore[arg-type]
    texts: dict[tuple, str] = {}
    if overlay.packet is not None:
        en, es = visit.packet, overlay.packet
        if len(es.sections) != len(en.sections):
            collector.add(source, ("packet", "sections"), f"{len(es.sections)} sections",
                          f"{len(en.sections)}, the same number as the English", raw=True)
        for i, (sec_en, sec_es) in enumerate(zip(en.sections, es.sections)):
            if len(sec_es.points) != len(sec_en.points):
                collector.add(source, ("packet", "sections", i, "points"), f"{len(sec_es.points)} points",
                              f"{len(sec_en.points)}, the same number as the English", raw=True)
            texts.update({("packet", "sections", i, "heading"): sec_es.heading,
                          ("packet", "sections", i, "text"): sec_es.text})
            texts.update({("packet", "sections", i, "points", j): p for j, p in enumerate(sec_es.points)})
        if len(es.forms) != len(en.forms):
            collector.add(source, ("packet", "forms"), f"{len(es.forms)} forms",
                          f"{len(en.forms)}, the same number as the English", raw=True)
        for i, (form_en, form_es) in enumerate(zip(en.forms, es.forms)):
            _check_worksheet(form_en, form_es, ("packet", "forms", i), source, collector)
            texts[("packet", "forms", i, "instructions")] = form_es.instructions
            for j, item in enumerate(form_es.items):
                texts[("packet", "forms", i, "items", j, "prompt")] = item.prompt
                for name in ("options", "columns", "row_labels"):
                    for k, word in enumerate(getattr(item, name) or []):
                        texts[("packet", "forms", i, "items", j, name, k)] = word
        texts.update({("packet", "title"): es.title, ("packet", "intro"): es.intro})
    for loc, text in texts.items():
        for marker in [m for m in language.placeholders(text) if m.lower() != "todo" or m == "TODO"]:
            collector.add(source, loc, f'placeholder text "{marker}"', "finished writing", raw=True)
        for term in dict.fromkeys(language.stigmatizing_terms_es(text)):
            collector.add(source, loc, f'the word "{term}"',
                          f"person-first language: say {language.STIGMATIZING_TERMS_ES[term]}", raw=True)
    for i, step in enumerate(overlay.overdose_steps):
        for name in ("step", "detail"):
            for term in dict.fromkeys(language.stigmatizing_terms_es(getattr(step, name))):
                collector.add(source, ("overdose_steps", i, name), f'the word "{term}"',
                              f"person-first language: say {language.STIGMATIZING_TERMS_ES[term]}", raw=True)
    return overlay if len(collector.problems) == before else None


def individual_steps(curriculum, visit, lang: str):
    """The visit's overdose steps in ``lang`` (None: no translation, print the English)."""
    overlay = individual_overlay(curriculum, visit, lang)
    return (overlay.overdose_steps or None) if overlay else None


def translate_visit(curriculum, visit, lang: str):
    """The visit with its packet in ``lang`` when the overlay has one; None otherwise."""
    overlay = individual_overlay(curriculum, visit, lang)
    if overlay is None or overlay.packet is None:
        return None
    en, es = visit.packet, overlay.packet
    sections = [sec_en.model_copy(update={"heading": sec_es.heading, "text": sec_es.text,
                                          "points": list(sec_es.points)})
                for sec_en, sec_es in zip(en.sections, es.sections)]
    forms = [translate_worksheet(form_en, form_es) for form_en, form_es in zip(en.forms, es.forms)]
    packet = en.model_copy(update={"title": es.title, "intro": es.intro, "sections": sections, "forms": forms})
    return visit.model_copy(update={"packet": packet})


def individual_overlay(curriculum, visit, lang: str) -> IndividualOverlay | None:
    from iopkit.content.curriculum import Collector

    if lang == "en" or curriculum.individual is None:
        return None
    name = {"orientation": "orientation.yaml", "step-down": "step-down.yaml"}[visit.kind]
    path = Path(curriculum.root) / "translations" / lang / "individual" / name
    if not path.is_file():
        return None
    collector = Collector()
    overlay = load_individual_overlay(path, visit, collector)
    collector.raise_if_any()
    return overlay


def check_individual_translations(curriculum, checked: Checked, collector) -> None:
    if curriculum.individual is None:
        return
    for visit in (curriculum.individual.orientation, curriculum.individual.step_down):
        name = {"orientation": "orientation.yaml", "step-down": "step-down.yaml"}[visit.kind]
        for code in TRANSLATED:
            path = Path(curriculum.root) / "translations" / code / "individual" / name
            if path.is_file():
                load_individual_overlay(path, visit, collector)
