"""Collecting problems: every problem in a file is gathered, then reported at once as
``file:line: field: got X, expected Y`` (the Carpentries ``lesson_check`` way).

``Collector`` holds the problems; ``load_model`` turns a pydantic validation error into
problems a counselor can read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

import pydantic

from iopkit.content.sources import Source, read_yaml
from iopkit.errors import Problem, ValidationError, describe, display_path


@dataclass
class Collector:
    """Gathers problems from many files so validation can report them all at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, source: Source | Path, loc: tuple, got: object, expected: str, raw: bool = False) -> None:
        path = source.path if isinstance(source, Source) else source
        line = source.line_of(loc) if isinstance(source, Source) else None
        self.problems.append(Problem(_display(path), line, field_name(loc), str(got) if raw else describe(got), expected))

    def raise_if_any(self) -> None:
        if self.problems:
            raise ValidationError(self.problems)


def _display(path: Path) -> str:
    return display_path(path)


def field_name(loc: Iterable) -> str:
    """``("agenda", 2, "minutes")`` -> ``agenda, item 3, minutes`` (items counted from 1)."""
    parts = []
    for part in loc:
        parts.append(f"item {part + 1}" if isinstance(part, int) else str(part))
    return ", ".join(parts) or "file"


#: What each pattern in the schemas means, in words (a pattern error must speak of its own field).
PATTERN_WORDS = {
    r"^[a-z0-9]+(-[a-z0-9]+)*$": "lowercase words joined by hyphens, like urge-surfing",
    r"^#[0-9a-fA-F]{6}$": "a colour written as # and six digits or letters a to f, like #2f6b7e",
}


def _expected(error: Mapping[str, Any]) -> str:
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return "a value for this required field"
    if kind == "extra_forbidden":
        return "no such field (check its spelling against curriculum/SCHEMA.md)"
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "a whole number"
    if kind == "multiple_of":
        return f"a multiple of {ctx.get('multiple_of')}"
    if kind == "greater_than_equal":
        return f"a number of at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"a number of at most {ctx.get('le')}"
    if kind == "too_short":
        return f"at least {ctx.get('min_length')} item{'s' if ctx.get('min_length') != 1 else ''}"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} items"
    if kind == "string_too_short":
        return "some text"
    if kind in ("string_type",):
        return "text"
    if kind == "list_type":
        return "a list (one item per line, each starting with a dash)"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "a group of fields"
    if kind == "enum":
        return "one of: " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "literal_error":
        return "one of: " + str(ctx.get("expected", "")).replace("'", "")
    if kind == "string_pattern_mismatch":
        return PATTERN_WORDS.get(str(ctx.get("pattern")), "text written like the example in the documentation")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    if kind == "bool_parsing":
        return "true or false"
    return error["msg"][0].lower() + error["msg"][1:]


#: What to do when a colon in text made YAML see a field (the most common mistake in session files).
COLON_FIX = ("text: put the whole text in quotes (\"Ask: what happened?\"), or write | and put the text "
             "on the next lines, indented")


def pydantic_problems(source: Source, exc: pydantic.ValidationError, collector: Collector) -> None:
    for error in exc.errors():
        loc = tuple(error["loc"])
        if loc and loc[-1] == "schema_":
            loc = loc[:-1] + ("schema",)
        got = error.get("input") if error["type"] != "extra_forbidden" else loc[-1]
        if error["type"] == "missing":
            got = None
        if error["type"] == "extra_forbidden":
            collector.add(source, loc, f'a field named "{loc[-1]}"', _expected(error), raw=True)
        elif error["type"] == "string_type" and isinstance(got, dict) and len(got) == 1:
            # "- Ask: what happened?" -- YAML reads an unquoted colon and a space as a field name.
            key, value = next(iter(got.items()))
            collector.add(source, loc, f"text with a colon that YAML read as a field name "
                          f"({describe(f'{key}: {value}')})", COLON_FIX, raw=True)
        else:
            collector.add(source, loc, got, _expected(error))


def load_model(model: type[pydantic.BaseModel], source: Source, collector: Collector):
    if not isinstance(source.data, dict):
        collector.add(source, (), source.data, "a YAML file of fields (name: value)")
        return None
    try:
        return model.model_validate(source.data)
    except pydantic.ValidationError as exc:
        pydantic_problems(source, exc, collector)
        return None


def _read(path: Path, collector: Collector) -> Source | None:
    try:
        return read_yaml(path)
    except ValidationError as exc:
        collector.problems.extend(exc.problems)
        return None
