"""HTML for paper: the blank printable version of an exercise and one person's filled-in answers.

The markup follows the worksheet items of ``handouts/print.css`` (``.item``, ``.prompt``,
``.write .line``, ``.points .pt``, ``table.fill``, ``ul.options`` with ``.box``), so a paper
exercise prints like every other worksheet in the handout. What print.css does not cover
(chains, grids, cut-out slips and cards, the answers PDF) is in ``handouts/exercises.css``,
which each fragment carries in a ``<style>`` element of its own.
"""
from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def text_html(text: str) -> str:
    """Plain text a person typed, escaped, with their line breaks kept."""
    return "<br>".join(esc(line) for line in str(text).strip().splitlines())


@cache
def exercise_css() -> str:
    """``handouts/exercises.css``: what the paper and answers versions need beyond print.css."""
    from iopkit import paths

    path = paths.handouts_dir() / "exercises.css"
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def style_element() -> str:
    css = exercise_css()
    return f"<style>{css}</style>" if css else ""


# ---------------------------------------------------------------- blank paper items


@dataclass(frozen=True)
class Item:
    """One thing to fill in on paper: a numbered prompt and the space to answer."""

    kind: str
    prompt: str
    body: str

    def html(self, number: int | None) -> str:
        n = f'<span class="n">{number}.</span> ' if number is not None else ""
        return f'<div class="item {self.kind}"><p class="prompt">{n}{esc(self.prompt)}</p>{self.body}</div>'


def ruled(lines: int) -> str:
    return '<div class="write">' + '<div class="line"></div>' * lines + "</div>"


def points(low: int = 0, high: int = 10, low_label: str = "", high_label: str = "") -> str:
    cells = "".join(f'<span class="pt">{n}</span>' for n in range(low, high + 1))
    labels = ""
    if low_label or high_label:
        labels = f'<div class="scale-labels"><span>{esc(low_label)}</span><span>{esc(high_label)}</span></div>'
    return f'<div class="points">{cells}</div>{labels}'


def boxes(options: list[str], other: bool = False) -> str:
    items = "".join(f'<li><span class="box"></span>{esc(o)}</li>' for o in options)
    if other:
        items += '<li><span class="box"></span>Something else: <span class="inline-line"></span></li>'
    return f'<ul class="options">{items}</ul>'


def fill_table(columns: list[str], rows: int, first_column: list[str] | None = None, row_height: str = "",
               css_class: str = "") -> str:
    """A table to fill in by hand; ``first_column`` pre-prints the first cell of each row."""
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in columns)
    height = f' style="height: {row_height}"' if row_height else ""
    body = []
    for i in range(len(first_column) if first_column else rows):
        first = f"<td{height}>{esc(first_column[i])}</td>" if first_column else f"<td{height}></td>"
        body.append("<tr>" + first + f"<td{height}></td>" * (len(columns) - 1) + "</tr>")
    classes = f"fill {css_class}".strip()
    return f'<table class="{classes}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


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
    return (
        f'<section class="iopkit-doc handout worksheet exercise-paper">{style_element()}'
        f"<h2>{esc(title)}</h2><p class=\"instructions\">{esc(instructions)}</p>{body}"
        f'<p class="paper-promise">{esc(PAPER_PROMISE)}</p></section>'
    )


def numbered(items: list[Item]) -> str:
    return "".join(item.html(i) for i, item in enumerate(items, 1))


# ---------------------------------------------------------------- filled-in answers


def answer_text(text: str | None) -> str:
    if text is None or not str(text).strip():
        return '<div class="answer empty">Not filled in</div>'
    return f'<div class="answer">{text_html(str(text))}</div>'


def answer_list(items: list[str]) -> str:
    kept = [i for i in items if str(i).strip()]
    if not kept:
        return '<div class="answer empty">Not filled in</div>'
    return '<ul class="answer-list">' + "".join(f"<li>{text_html(i)}</li>" for i in kept) + "</ul>"


def answer_table(columns: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return '<div class="answer empty">Not filled in</div>'
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{text_html(str(cell))}</td>" for cell in row) + "</tr>" for row in rows)
    return f'<table class="answers-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def answer_item(prompt: str, body: str) -> str:
    return f'<div class="item answered"><p class="prompt">{esc(prompt)}</p>{body}</div>'


def part2_block(notice: str, kept: str) -> str:
    """The redisclosure notice; the answers PDF runs it at the foot of every page."""
    return (f'<div class="part2-notice" role="note"><p class="kept">{esc(kept)}</p>'
            f"<p>{esc(notice)}</p></div>")


def answers_section(title: str, when: str, body: str, notice: str, kept: str) -> str:
    return (
        f'<section class="iopkit-doc handout exercise-answers">{style_element()}{part2_block(notice, kept)}'
        f'<p class="kicker">My answers · {esc(when)}</p><h1>{esc(title)}</h1>{body}</section>'
    )


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


def in_language(fragment: str, lang: str) -> tuple[str, list[str]]:
    """A blank sheet's HTML with each printed text in ``lang``; also the texts left in English."""
    import re

    if lang == "en":
        return fragment, []
    words = paper_words(lang)
    missing: list[str] = []

    def swap(match) -> str:
        raw = match.group(1)
        text = html.unescape(raw).strip()
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
