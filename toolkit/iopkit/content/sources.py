"""Read YAML and TOML files and remember the line of every field.

Validation messages point at ``file:line``, so the loaders keep a map from a
field's path (``("agenda", 2, "minutes")``) to the line it starts on.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from iopkit.errors import FileSystemError, Problem, ValidationError, display_path, problem
from iopkit.fsguard import explain, input_file
from iopkit.limits import MAX_COHORT_FILE_BYTES, MAX_SESSION_FILE_BYTES, MAX_YAML_NODES

_Loader: Any
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


def _read_text(path: Path, limit: int, kind: str) -> str:
    """The file's text: a plain problem if it is a folder, a loop, too large, or not UTF-8 text."""
    try:
        input_file(path, kind)
        size = path.stat().st_size
        if size > limit:
            raise ValidationError([Problem(display_path(path), None, "file", f"{size:,} bytes",
                f"a {kind} of at most {limit // 1000:,} KB (see docs/limits.md); split it or remove pasted text")])
        with path.open("rb") as handle:  # read at most the limit: the size may change under us
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise ValidationError([Problem(display_path(path), None, "file", "a file that keeps growing",
                                           f"a {kind} of at most {limit // 1000:,} KB")])
        return data.decode("utf-8")
    except FileSystemError as exc:
        raise ValidationError([Problem(display_path(path), None, "file", exc.what, _expected_file(kind, exc.fix))]) from None
    except UnicodeDecodeError:
        raise ValidationError([problem(path, "file", "text that is not UTF-8", "a file saved as UTF-8 text")]) from None
    except OSError as exc:
        error = explain(exc, path)
        raise ValidationError([Problem(display_path(path), None, "file", error.what, _expected_file(kind, error.fix))]) from None


def _expected_file(kind: str, fix: str) -> str:
    return f"a {kind} that can be read ({fix[0].lower()}{fix[1:].rstrip('.')})"


def read_yaml(path: Path) -> Source:
    """Parse a YAML file; a syntax error becomes a ValidationError naming the line.

    Anchors and aliases (``&name``, ``*name``) are refused: session files never need them,
    and a few lines of them can expand to gigabytes (an alias bomb). A key written twice in
    one group is an error naming both lines (YAML would silently keep the second).
    """
    text = _read_text(path, MAX_SESSION_FILE_BYTES, "YAML file")
    loader = _Loader(text)
    try:
        if "*" in text:
            _refuse_aliases(path, text)
        node = loader.get_single_node()
        if node is not None:
            _check_nodes(path, node)
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        what = getattr(exc, "problem", None) or "text YAML cannot read"
        if "mapping values are not allowed" in what:  # "title: Check-in: craving" -- the second colon
            raise ValidationError([Problem(display_path(path), line, "YAML",
                                           f"a second colon on one line ({what}: YAML reads \"name: value\" as a "
                                           "field)", "valid YAML: text with a colon in quotes (title: \"Check-in: "
                                           "craving\"), or written after a | on the next lines, indented")]) from None
        raise ValidationError(
            [problem(path, "YAML", what, "valid YAML (check indentation, and put text with a colon in quotes)", line)]
        ) from None
    except RecursionError:
        raise ValidationError([problem(path, "YAML", "lists or groups nested hundreds deep",
                                       "a session file as described in curriculum/SCHEMA.md")]) from None
    finally:
        loader.dispose()
    lines: dict[Path_, int] = {(): 1}
    if node is not None:
        _record_lines(node, (), lines)
    return Source(path, data, lines, text)


def _refuse_aliases(path: Path, text: str) -> None:
    """Each alias (``*name``), at its own line: the parser's events, before anything is built from them."""
    aliases = [event for event in yaml.parse(text, Loader=_Loader) if isinstance(event, yaml.AliasEvent)]
    if aliases:
        first = aliases[0]
        more = f" (and {len(aliases) - 1} more)" if len(aliases) > 1 else ""
        raise ValidationError([Problem(display_path(path), first.start_mark.line + 1, "YAML",
                                       f"an alias (*{first.anchor}) that repeats another part of the file{more}",
                                       "each text written out where it is used (no &anchors or *aliases)")])


def _check_nodes(path: Path, root: yaml.Node) -> None:
    """Refuse aliases, too many nodes, and keys written twice in one group (every one at once)."""
    problems: list[Problem] = []
    seen: set[int] = set()
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        if id(node) in seen:  # the composer hands an alias back as the anchored node itself
            problems.append(Problem(display_path(path), node.start_mark.line + 1, "YAML",
                                    "an alias (*name) that repeats another part of the file",
                                    "each text written out where it is used (no &anchors or *aliases)"))
            break
        seen.add(id(node))
        count += 1
        if count > MAX_YAML_NODES:
            problems.append(Problem(display_path(path), node.start_mark.line + 1, "file",
                                    f"more than {MAX_YAML_NODES:,} fields and list items",
                                    "a session file of normal size (see docs/limits.md)"))
            break
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    line = key_node.start_mark.line + 1
                    if key_node.value in first:
                        problems.append(Problem(display_path(path), line, str(key_node.value)[:60],
                                                f"this field a second time (first on line {first[key_node.value]})",
                                                "each field once in its group: delete one of the two, or merge them"))
                    else:
                        first[key_node.value] = line
                stack.extend((value_node, key_node))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(reversed(node.value))
    if problems:
        raise ValidationError(problems)


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
    text = _read_text(path, MAX_COHORT_FILE_BYTES, "cohort file")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"at line (\d+)", str(exc))
        line = int(found.group(1)) if found else None
        message = str(exc).split(" (at line")[0]
        if line and message.startswith(("Cannot overwrite a value", "Cannot declare")):
            first = _first_setting_line(text, line)
            if first:
                key = _strip_comment(text.splitlines()[line - 1]).split("=", 1)[0].strip().strip("[]").strip()
                raise ValidationError([Problem(display_path(path), line, key[:60] or "TOML",
                                               f"this setting a second time (first on line {first})",
                                               "each setting once: delete one of the two, or merge them")]) from None
        raise ValidationError(
            [problem(path, "TOML", message, "valid TOML (put text in quotes, one setting per line)", line)]
        ) from None
    return Source(path, data, _toml_lines(text), text)


def _first_setting_line(text: str, line: int) -> int | None:
    """The earlier line that sets (or opens) what ``line`` sets again, or None."""
    lines = text.splitlines()
    this = _strip_comment(lines[line - 1]).strip()
    key = this.split("=", 1)[0].strip() if not this.startswith("[") else this
    for number in range(line - 1, 0, -1):
        other = _strip_comment(lines[number - 1]).strip()
        if this.startswith("["):
            if other == key:
                return number
        elif other.startswith("[") and not other.startswith("[["):
            break  # the start of this table: a key is only repeated within one
        elif "=" in other and other.split("=", 1)[0].strip() == key:
            return number
    return None


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


def leaves(value, loc: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every value in a file's data that is not a table or a list, with its location (a field path)."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, loc + (i,))
    else:
        yield loc, value
