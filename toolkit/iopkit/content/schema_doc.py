"""``curriculum/SCHEMA.md``, generated from the pydantic models in ``iopkit.content.schema``.

The field tables (name, kind of value in plain words, required or default, the field's
``description`` and its limits) come from the models, so the page cannot drift from what
``iopkit validate`` accepts. What a model cannot know (the introduction, the YAML examples,
the rules checked across fields) is prose in the template ``schema_doc.md.jinja`` beside
this module, and the per-field rules the validator adds are in ``VALIDATOR_RULES`` below;
a test checks that each of those names a real field.

Regenerate the page after changing either with::

    python -m iopkit.content.schema_doc --write
"""
from __future__ import annotations

import argparse
import datetime
import enum
import re
import sys
import types
import typing
from pathlib import Path

import annotated_types
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, StringConstraints
from pydantic_core import PydanticUndefined

from iopkit.content import schema
from iopkit.io import write_atomic

TEMPLATE = "schema_doc.md.jinja"
#: Where the generated page lives: the repository's curriculum folder (from a source checkout).
PAGE = Path(__file__).resolve().parents[3] / "curriculum" / "SCHEMA.md"
REGENERATE = "python -m iopkit.content.schema_doc --write"

#: The models a table can be made of, by the name the template uses.
MODELS: dict[str, type[BaseModel]] = {
    name: model for name, model in vars(schema).items()
    if isinstance(model, type) and issubclass(model, BaseModel) and model is not schema.Model
}

#: Rules ``iopkit validate`` checks beyond a field's own type and limits (in ``iopkit.content.rules``),
#: printed in the field's "rules" cell. Keys are (model, field); a test checks that each field exists.
VALIDATOR_RULES: dict[tuple[str, str], str] = {
    ("OutlineSession", "track"): "matches the folder: `sessions/`, `aftercare/` or `electives/`",
    ("OutlineSession", "id"): "unique; the file is named `NN-id.yaml` (an elective: `id.yaml`)",
    ("OutlineSession", "number"): "unique in its track; in `sessions/`, from 1 to `sessions` in `program.yaml`",
    ("OutlineSession", "title"): "one line",
    ("OutlineSession", "week"): "sessions 1-3 are week 1, 4-6 week 2, and so on (`sessions_per_week` in "
                                "`program.yaml`); in aftercare, the same as `number`",
    ("OutlineSession", "pairs_with"): "ids from `iopkit list`",
    ("OutlineSession", "audience"): "a family session lists the `family-session` technique",
    ("OutlineSession", "techniques"): "each id is in `curriculum/techniques.yaml`; builds the coverage map",
    ("Session", "agenda"): "minutes add up to the session length in `program.yaml` (180); see below",
    ("Session", "facilitator_notes"): "facilitator only",
    ("Session", "hard_moments"): "facilitator only",
    ("Session", "handout"): "participant-facing",
    ("Session", "discussion_prompts"): "each a question ending with a question mark",
    ("Session", "homework"): "participant-facing; printed on the handout; 10 words or more",
    ("Session", "references"): "each key is in `curriculum/references.yaml`",
    ("AgendaBlock", "minutes"): "the break: the break length in `program.yaml` (15)",
    ("AgendaBlock", "say"): "15 words or more",
    ("Exercise", "widget"): "one of: " + ", ".join(f"`{w}`" for w in schema.WIDGETS),
    ("Handout", "explanation"): "120 to 400 words, so it teaches the idea and fits on one page",
    ("Handout", "title"): "one line",
    ("Exercise", "title"): "one line",
    ("Worksheet", "title"): "one line",
    ("WorksheetItem", "options"): "a checklist needs them",
    ("WorksheetItem", "columns"): "a table needs at least 2",
    ("Program", "session_minutes"): "every complete session's agenda adds up to this",
}

#: Fields the model leaves optional but the validator needs in some files: what the "rules" cell says instead.
REQUIRED_WHEN: dict[tuple[str, str], str] = {
    ("OutlineSession", "number"): "required, except in an elective (which has none)",
    ("OutlineSession", "week"): "required, except in an elective (which has none)",
    ("OutlineSession", "pairs_with"): "required in an elective, and only there",
    ("AgendaBlock", "say"): "required in every block but the break",
}

_SLUG = "a short name (lowercase letters and digits, words joined by hyphens)"
_SLUGS = "short names (lowercase letters and digits, words joined by hyphens)"


def _values(choices) -> str:
    return ", ".join(f"`{c}`" for c in choices)


#: The limits pydantic keeps in a field's metadata, by the attribute that holds each.
_LIMITS = {"ge": annotated_types.Ge, "le": annotated_types.Le, "multiple_of": annotated_types.MultipleOf,
           "min_length": annotated_types.MinLen, "max_length": annotated_types.MaxLen}


def _constraints(metadata) -> dict[str, object]:
    """The limits a field's metadata sets: numbers' bounds, lists' lengths, a text's pattern."""
    found: dict[str, object] = {}
    for item in metadata:
        if isinstance(item, StringConstraints):
            if item.pattern:
                found["pattern"] = item.pattern
            if item.min_length:
                found["text_min"] = item.min_length
        for name, kind in _LIMITS.items():
            if isinstance(item, kind):
                found[name] = getattr(item, name)
    return found


def _unwrap(annotation) -> tuple[object, dict[str, object]]:
    """The type without ``Annotated`` and ``| None``, with the limits found on the way."""
    limits: dict[str, object] = {}
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *metadata = typing.get_args(annotation)
            limits.update(_constraints(metadata))
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                return annotation, limits
            annotation = args[0]
        else:
            return annotation, limits


def _number_words(limits: dict[str, object]) -> str:
    low, high, step = limits.get("ge"), limits.get("le"), limits.get("multiple_of")
    words = "a whole number"
    if low is not None and high is not None:
        words += f" from {low} to {high}"
    elif low is not None:
        words += f", at least {low}"
    elif high is not None:
        words += f", at most {high}"
    if step:
        words += f", a multiple of {step}"
    return words


def _count_words(limits: dict[str, object]) -> str:
    low, high = limits.get("min_length"), limits.get("max_length")
    if low and high:
        return f"{low} to {high}"
    if low:
        return f"at least {low}"
    if high:
        return f"up to {high}"
    return ""


def describe_type(annotation, limits: dict[str, object] | None = None, plural: bool = False) -> str:
    """The kind of value a field takes, in plain words: "text", "a whole number from 5 to 120", "a list of ..."."""
    annotation, found = _unwrap(annotation)
    limits = {**(limits or {}), **found}
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        choices = typing.get_args(annotation)
        if len(choices) == 1:
            return f"`{choices[0]}`"
        return ("each one of: " if plural else "one of: ") + _values(choices)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return ("each one of: " if plural else "one of: ") + _values(m.value for m in annotation)
    if origin is list:
        (item,) = typing.get_args(annotation)
        count = _count_words(limits)
        words = describe_type(item, plural=True)
        words = ("a list; " + words) if words.startswith("each") else ("a list of " + words)
        return words + (f"; {count}" if count else "")
    if origin is dict:
        key, value = typing.get_args(annotation)
        return f"pairs of {describe_type(key)}: {describe_type(value)}"
    if annotation is bool:
        return "`true` or `false`"
    if annotation is int:
        return "whole numbers" if plural else _number_words(limits)
    if annotation is float:
        return "numbers" if plural else "a number"
    if annotation is datetime.date:
        return "dates (YYYY-MM-DD)" if plural else "a date (YYYY-MM-DD)"
    if annotation is str:
        if "pattern" in limits:
            return _SLUGS if plural else _SLUG
        return "text items" if plural else "text"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "items, each with its own fields (below)" if plural else "its own fields (below)"
    raise TypeError(f"schema_doc has no plain words for {annotation!r}")


def _default_words(value) -> str:
    if value is None or value == [] or value == {} or value == "":
        return "optional"
    if isinstance(value, bool):
        return f"optional; default `{str(value).lower()}`"
    return f"optional; default `{value}`"


def _sentence(text: str) -> str:
    text = text.strip()
    return text + "." if text and text[-1] not in ".?!" else text


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, no bare pipe, RST double backticks as single."""
    return re.sub(r"\s+", " ", text.replace("``", "`").replace("|", "\\|")).strip()


def field_rows(model: type[BaseModel], skip: typing.Iterable[str] = ()) -> list[tuple[str, str, str, str]]:
    """One row per field, in the order of the model: (field, what it holds, value, rules)."""
    rows = []
    skip = set(skip)
    for name, info in model.model_fields.items():
        if name in skip:
            continue
        limits = _constraints(info.metadata)
        value = describe_type(info.annotation, limits)
        key = (model.__name__, name)
        if key in REQUIRED_WHEN:
            rules = [REQUIRED_WHEN[key]]
        elif info.is_required():
            rules = ["required"]
        else:
            rules = [_default_words(None if info.default is PydanticUndefined else info.default)]
        rule = VALIDATOR_RULES.get(key)
        if rule:
            rules.append(rule)
        rows.append((f"`{info.alias or name}`", _cell(_sentence(info.description or "")), _cell(value),
                     _cell("; ".join(rules))))
    return rows


def fields_table(name: str, skip: typing.Iterable[str] = ()) -> str:
    """A Markdown table of a model's fields (``name`` as in ``iopkit.content.schema``)."""
    lines = ["| field | what it holds | value | rules |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in field_rows(MODELS[name], skip)]
    return "\n".join(lines)


def field_names(name: str) -> str:
    """The model's field names, as a Markdown list of code spans."""
    return ", ".join(f"`{info.alias or field}`" for field, info in MODELS[name].model_fields.items())


def render_markdown() -> str:
    """The whole page, as ``curriculum/SCHEMA.md`` holds it."""
    env = Environment(loader=FileSystemLoader(Path(__file__).parent), undefined=StrictUndefined,
                      keep_trailing_newline=True, autoescape=False)  # Markdown, not HTML
    outline = set(schema.OutlineSession.model_fields)
    return env.get_template(TEMPLATE).render(
        version=schema.SCHEMA_VERSION,
        fields=fields_table,
        field_names=field_names,
        complete_only=lambda: fields_table("Session", skip=outline),
        widgets=_values(schema.WIDGETS),
        regenerate=REGENERATE,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m iopkit.content.schema_doc",
                                     description="Print curriculum/SCHEMA.md as generated from the schema.")
    parser.add_argument("--write", nargs="?", const=PAGE, type=Path, metavar="FILE",
                        help="write the page instead of printing it (default: curriculum/SCHEMA.md)")
    args = parser.parse_args(argv)
    page = render_markdown()
    if args.write is None:
        sys.stdout.write(page)
        return 0
    if not args.write.parent.is_dir():  # an installed iopkit has no curriculum folder beside its source
        print(f"There is no folder {args.write.parent} to write SCHEMA.md into: name the file, for example "
              "--write curriculum/SCHEMA.md", file=sys.stderr)
        return 2

    write_atomic(args.write, page)
    print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
