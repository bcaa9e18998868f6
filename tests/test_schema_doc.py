"""curriculum/SCHEMA.md is generated from the schema and stays current (issue 11, deliverable 4).

Regenerate it with `python -m iopkit.content.schema_doc --write` after changing toolkit/iopkit/content/schema.py
or the page's template, toolkit/iopkit/content/schema_doc.md.jinja.
"""
from __future__ import annotations

import difflib
import re
import typing
from pathlib import Path

import yaml
from conftest import ROOT
from pydantic import BaseModel

from iopkit.content import schema, schema_doc

PAGE = ROOT / "curriculum" / "SCHEMA.md"
TEMPLATE = Path(schema_doc.__file__).with_name(schema_doc.TEMPLATE)


def test_schema_page_is_current():
    """The page a counselor reads is exactly what the generator prints from today's schema."""
    expected = schema_doc.render_markdown()
    actual = PAGE.read_text(encoding="utf-8")
    diff = "".join(difflib.unified_diff(actual.splitlines(True), expected.splitlines(True),
                                        "curriculum/SCHEMA.md", "generated from the schema", n=1))
    assert actual == expected, ("curriculum/SCHEMA.md is out of date with toolkit/iopkit/content/schema.py; regenerate it "
                                f"with `{schema_doc.REGENERATE}` and commit it.\n{diff}")


def documented_models() -> list[str]:
    names = re.findall(r'fields\("(\w+)"\)', TEMPLATE.read_text(encoding="utf-8"))
    return names + ["Session"]  # complete_only(): the fields a complete session adds


def test_every_field_of_every_documented_model_says_what_it_holds():
    """A field added to the schema without `Field(description=...)` would print an empty cell."""
    missing = [f"{name}.{field}" for name in documented_models()
               for field, info in schema_doc.MODELS[name].model_fields.items()
               if not (info.description or "").strip() and not (name == "Session" and field == "status")]
    assert not missing, f"add Field(description=...) in toolkit/iopkit/content/schema.py for: {', '.join(missing)}"


def test_the_page_documents_every_field_of_a_session_file():
    """Each field of a complete session and its parts has a row in the page."""
    page = PAGE.read_text(encoding="utf-8")
    for name in ("OutlineSession", "Session", "AgendaBlock", "Exercise", "Handout", "Worksheet", "WorksheetItem",
                 "Program", "AftercareTrack", "Technique"):
        for field, info in schema_doc.MODELS[name].model_fields.items():
            assert f"| `{info.alias or field}` |" in page, f"{name}.{field} has no row in curriculum/SCHEMA.md"


def test_hand_written_rules_name_real_fields():
    """A rule the validator adds (`VALIDATOR_RULES`, `REQUIRED_WHEN`) cannot outlive its field's rename."""
    for model, field in [*schema_doc.VALIDATOR_RULES, *schema_doc.REQUIRED_WHEN]:
        assert field in schema_doc.MODELS[model].model_fields, f"{model} has no field {field}"


def test_plain_words_for_types():
    """Types read as a counselor would say them, never as Python."""
    rows = {(row[0]): row[2] for row in schema_doc.field_rows(schema.AgendaBlock)}
    assert rows["`minutes`"] == "a whole number from 5 to 120, a multiple of 5"
    assert rows["`kind`"].startswith("one of: `check-in`, `bridge`")
    assert rows["`say`"] == "text"
    rows = {row[0]: row[2] for row in schema_doc.field_rows(schema.OutlineSession)}
    assert rows["`objectives`"] == "a list of text items; 2 to 4"
    assert rows["`approaches`"].startswith("a list; each one of: `CRA`")
    assert rows["`schema`"] == "`1`"
    page = PAGE.read_text(encoding="utf-8")
    assert not re.search(r"\b(int|str|bool|list\[|Literal|Optional|None|Annotated)\b", page.split("## Language")[0]
                         .replace("`true` or `false`", ""))


def _model_of(annotation) -> type[BaseModel] | None:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (list, typing.Union, typing.Annotated) or str(origin) == "<class 'types.UnionType'>":
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        else:
            return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _unknown_keys(value, model: type[BaseModel], where: str) -> list[str]:
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    problems = []
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict):
            continue
        for key, sub in item.items():
            if key not in fields:
                problems.append(f"{where}.{key}")
                continue
            inner = _model_of(fields[key].annotation)
            if inner is not None:
                problems += _unknown_keys(sub, inner, f"{where}.{key}")
    return problems


def test_yaml_examples_in_the_page_use_only_real_fields():
    """The hand-written examples (agenda, exercise, handout) parse, and every key in them is a schema field."""
    page = PAGE.read_text(encoding="utf-8")
    examples = re.findall(r"```yaml\n(.*?)```", page, re.S)
    checked = set()
    for text in examples:
        data = yaml.safe_load(text)
        if set(data) <= {"explanation"}:  # the Markdown illustration, not a part of a session
            continue
        assert _unknown_keys(data, schema.Session, "session") == [], text
        checked |= set(data)
    assert checked == {"agenda", "exercise", "handout"}


def test_write_puts_the_page_in_the_named_file(tmp_path, capsys):
    target = tmp_path / "SCHEMA.md"
    assert schema_doc.main(["--write", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == schema_doc.render_markdown()
    assert schema_doc.main([]) == 0
    assert capsys.readouterr().out.endswith(schema_doc.render_markdown())


def test_write_into_a_missing_folder_says_so_plainly(tmp_path, capsys):
    assert schema_doc.main(["--write", str(tmp_path / "no-such-folder" / "SCHEMA.md")]) == 2
    assert "There is no folder" in capsys.readouterr().err
