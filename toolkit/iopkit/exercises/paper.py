"""Paper: the blank printable version of an exercise and one person's filled-in answers.

The markup lives in templates (``handouts/templates/iopkit/exercises/``): ``_paper.html.j2`` holds
one macro per piece (a numbered item, ruled lines, a 0-10 scale, tick boxes, a table to fill in,
an answer), ``paper.html.j2`` the blank sheet, ``answers.html.j2`` the answers. The functions
here give the exercises those pieces as HTML strings, rendered by ``iopkit.markup``; an exercise
whose sheet has a shape of its own (a grid, a chain, cut-out slips or cards) has a template of its
own beside them (``render_part``). The classes follow the worksheet items of ``handouts/print.css``,
so a paper exercise prints like every other worksheet; what print.css does not cover is in
``handouts/exercises.css``, which each fragment carries in a ``<style>`` element of its own.

Functions that take ``body`` take HTML (made here or by an exercise's own template); every other
argument is plain text, escaped by the template.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from markupsafe import Markup

from iopkit import markup
from iopkit.markup import esc

#: Where the exercises' templates are, under handouts/templates/ (iopkit.markup's loader).
TEMPLATES = "iopkit/exercises/"


@cache
def _macros():
    """The macros of ``_paper.html.j2``, callable from Python (each returns safe HTML)."""
    return markup.environment().get_template(TEMPLATES + "_paper.html.j2").module


def _piece(name: str, *args, **kwargs) -> str:
    return str(getattr(_macros(), name)(*args, **kwargs))


def render_part(template: str, **context) -> str:
    """An exercise's own template in ``iopkit/exercises/`` (HTML pieces in ``context`` as ``Markup``)."""
    return markup.render(TEMPLATES + template, **context).rstrip("\n")


def text_html(text: str) -> str:
    """Plain text a person typed, escaped, with their line breaks kept."""
    return _piece("typed", text)


@cache
def exercise_css() -> str:
    """``handouts/exercises.css``: what the paper and answers versions need beyond print.css."""
    from iopkit import paths

    path = paths.handouts_dir() / "exercises.css"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


# ---------------------------------------------------------------- blank paper items


@dataclass(frozen=True)
class Item:
    """One thing to fill in on paper: a numbered prompt and the space to answer (``body``, HTML)."""

    kind: str
    prompt: str
    body: str

    def html(self, number: int | None) -> str:
        return _piece("item", self.kind, self.prompt, Markup(self.body), number)


def ruled(lines: int) -> str:
    return _piece("ruled", lines)


def points(low: int = 0, high: int = 10, low_label: str = "", high_label: str = "") -> str:
    return _piece("points", low, high, low_label, high_label)


def boxes(options: list[str], other: bool = False, css_class: str = "options") -> str:
    """Tick boxes; ``css_class`` "options two-col" or "options three-col" sets them in columns."""
    return _piece("boxes", options, other, css_class)


def fill_table(columns: list[str], rows: int, first_column: list[str] | None = None, row_height: str = "",
               css_class: str = "") -> str:
    """A table to fill in by hand; ``first_column`` pre-prints the first cell of each row."""
    return _piece("fill_table", columns, rows, first_column, row_height, css_class)


def hint(text: str) -> str:
    return _piece("hint", text)


def figure(svg: str, css_class: str) -> str:
    """A chart or drawing (HTML or SVG from ``iopkit.exercises.charts``) in a box of ``css_class``."""
    return _piece("figure", Markup(svg), css_class)


def paragraph(text: str, css_class: str = "", strong: bool = False) -> str:
    return _piece("paragraph", text, css_class, strong)


def lines(prompt: str, count: int = 3) -> Item:
    return Item("lines", prompt, ruled(count))


def scale(prompt: str, low: int = 0, high: int = 10, low_label: str = "", high_label: str = "") -> Item:
    return Item("scale", prompt, points(low, high, low_label, high_label))


def checklist(prompt: str, options: list[str], other: bool = False) -> Item:
    return Item("checklist", prompt, boxes(options, other))


def table(prompt: str, columns: list[str], rows: int = 4, first_column: list[str] | None = None,
          row_height: str = "", css_class: str = "") -> Item:
    return Item("table", prompt, fill_table(columns, rows, first_column, row_height, css_class))


PAPER_PROMISE = "No name needed. Keep this sheet somewhere private. It is yours."


def paper_section(title: str, instructions: str, body: str) -> str:
    return render_part("paper.html.j2", title=title, instructions=instructions, body=Markup(body),
                       promise=PAPER_PROMISE, css=Markup(exercise_css()))


def numbered(items: list[Item]) -> str:
    return "".join(item.html(i) for i, item in enumerate(items, 1))


# ---------------------------------------------------------------- filled-in answers


def answer_text(text: str | None) -> str:
    return _piece("answer_text", text)


def answer_list(items: list[str]) -> str:
    return _piece("answer_list", [i for i in items if str(i).strip()])


def answer_table(columns: list[str], rows: list[list[str]]) -> str:
    return _piece("answer_table", columns, rows)


def answer_item(prompt: str, body: str) -> str:
    return _piece("answer_item", prompt, Markup(body))


def ticked(options: list[tuple[str, bool]]) -> str:
    """Tick boxes as a person left them: (label, ticked) for each."""
    return _piece("ticked", options)


def answers_section(title: str, when: str, body: str, notice: str, kept: str) -> str:
    """One person's answers, with the redisclosure notice the answers PDF runs at the foot of every page."""
    return render_part("answers.html.j2", title=title, when=when, body=Markup(body), notice=notice, kept=kept,
                       css=Markup(exercise_css()))


# ---------------------------------------------------------------- other languages (issue 19)


@cache
def paper_words(lang: str) -> dict[str, str]:
    """English -> ``lang`` for the words on the blank sheets (``paper.<lang>.yaml`` beside this file)."""
    from pathlib import Path

    import yaml

    path = Path(__file__).with_name(f"paper.{lang}.yaml")
    if not path.is_file():
        return {}
    return {str(k): str(v) for k, v in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items()}


def in_language(fragment: str, lang: str, lines: dict[str, str] | None = None) -> tuple[str, list[str]]:
    """A blank sheet's HTML with each printed text in ``lang``; also the texts left in English.

    The sheets' own words come from ``paper.<lang>.yaml``; the crisis lines a sheet prints come from
    program.yaml's translation of them, never from that file: ``lines`` is
    ``ExerciseContext.paper_words(lang)`` of the curriculum in use (the program folder's when None).
    """
    import html as _html
    import re

    if lang == "en":
        return fragment, []
    if lines is None:
        from iopkit.exercises.context import default_context

        lines = default_context().paper_words(lang)
    words = {**paper_words(lang), **lines}
    missing: list[str] = []

    def swap(match) -> str:
        raw = match.group(1)
        text = _html.unescape(raw).strip()
        if not text or text.isdigit() or re.fullmatch(r"\d+\.", text):
            return match.group(0)
        if text in words:
            lead, tail = raw[: len(raw) - len(raw.lstrip())], raw[len(raw.rstrip()):]
            return ">" + lead + esc(words[text]) + tail + "<"
        if any(c.isalpha() for c in text):
            missing.append(text)
        return match.group(0)

    # Only text between tags, never inside the <style> element.
    parts = re.split(r"(<style>.*?</style>)", fragment, flags=re.DOTALL)
    out = [p if p.startswith("<style>") else re.sub(r">([^<>]+)<", swap, p) for p in parts]
    return "".join(out), missing
