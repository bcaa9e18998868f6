"""Read YAML and TOML files and remember the line of every field.

Validation messages point at ``file:line``, so the loaders keep a map from a
field's path (``("agenda", 2, "minutes")``) to the line it starts on.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ValidationError, problem

try:  # the C loader is several times faster; fall back when libyaml is missing
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _Loader = yaml.SafeLoader

Path_ = tuple[Any, ...]


@dataclass
class Source:
    """A parsed file: its data and where each field starts."""

    path: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    text: str = ""

    def line_of(self, loc: Path_) -> int | None:
        """The line of ``loc``, or of its nearest parent that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get((), 1)


def read_yaml(path: Path) -> Source:
    """Parse a YAML file; a syntax error becomes a ValidationError naming the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError([problem(path, "file", "no such file", "a YAML file at this path")]) from None
    except UnicodeDecodeError:
        raise ValidationError([problem(path, "file", "text that is not UTF-8", "a file saved as UTF-8 text")]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or "text YAML cannot read"
        raise ValidationError(
            [problem(path, "YAML", what, "valid YAML (check indentation, and put text with a colon in quotes)", line)]
        ) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): 1}
    if node is not None:
        _record_lines(node, (), lines)
    return Source(path, data, lines, text)


def _record_lines(node: yaml.Node, loc: Path_, lines: dict[Path_, int]) -> None:
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = loc + (key_node.value,)
            lines[key] = key_node.start_mark.line + 1
            _record_lines(value_node, key, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _record_lines(item, loc + (i,), lines)


def read_toml(path: Path) -> Source:
    """Parse a TOML file; lines are found by looking for each key's assignment."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValidationError([problem(path, "file", "no such file", "a cohort file (.toml) at this path")]) from None
    except UnicodeDecodeError:
        raise ValidationError([problem(path, "file", "text that is not UTF-8", "a file saved as UTF-8 text")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        message = str(exc).split(" (at line")[0]
        raise ValidationError(
            [problem(path, "TOML", message, "valid TOML (put text in quotes, one setting per line)", line)]
        ) from None
    return Source(path, data, _toml_lines(text), text)


def _strip_comment(line: str) -> str:
    """Drop a trailing ``# comment`` that is not inside a quoted string."""
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _toml_lines(text: str) -> dict[Path_, int]:
    """Approximate lines for TOML keys: tables by header, keys by ``key =`` within a table."""
    lines: dict[Path_, int] = {(): 1}
    table: Path_ = ()
    counts: dict[Path_, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = _strip_comment(raw).strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[[") and line.endswith("]]"):
            name = tuple(part.strip().strip('"') for part in line[2:-2].split("."))
            index = counts.get(name, 0)
            counts[name] = index + 1
            table = name + (index,)
            lines.setdefault(name, number)
            lines[table] = number
        elif line.startswith("[") and line.endswith("]"):
            table = tuple(part.strip().strip('"') for part in line[1:-1].split("."))
            lines[table] = number
        elif "=" in line:
            key = line.split("=", 1)[0].strip().strip('"')
            lines.setdefault(table + tuple(k.strip() for k in key.split(".")), number)
    return lines
