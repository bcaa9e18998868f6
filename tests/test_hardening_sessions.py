"""Family 3 of issue 13: session files that would eat the computer or hide a mistake.

Alias bombs, keys written twice, huge files, titles on two lines, texts longer than anyone
writes: each is one plain problem naming the file, the line and the field, exit code 2,
with the limit named (docs/limits.md lists them), and the build writes nothing.
"""
from __future__ import annotations

import shutil

import pytest
from conftest import FIXTURES

from iopkit.app import cli
from iopkit.content.curriculum import validate_files
from iopkit.errors import ValidationError

HERE = FIXTURES / "invalid" / "hardening"
NAME = "13-high-risk-situations.yaml"


def problems_for(fixture: str, tmp_path) -> list[str]:
    target = tmp_path / NAME
    shutil.copy(HERE / f"{fixture}.yaml", target)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    return [str(p) for p in caught.value.problems]


def test_an_alias_bomb_is_refused_before_it_grows(tmp_path):
    """Aliases are refused at the first one, before YAML expands them (about 390 million copies here:
    without the rule this test runs out of memory instead of passing)."""
    lines = problems_for("alias-bomb", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(":3: YAML: got an alias (*a) that repeats another part of the file (and 80 more), "
                             "expected each text written out where it is used (no &anchors or *aliases)")


def test_a_key_written_twice_names_both_lines(tmp_path):
    """A field written twice in one group: YAML would keep the second silently; we name both lines."""
    lines = problems_for("duplicate-key", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(":7: title: got this field a second time (first on line 5), expected each field "
                             "once in its group: delete one of the two, or merge them")


def test_a_title_on_two_lines(tmp_path):
    """Titles reach running headers and calendar entries: one line only."""
    lines = problems_for("title-on-two-lines", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(":5: title: got a title on more than one line, expected a title on one line "
                             "(no | and no line break)")


def test_a_text_longer_than_anyone_writes(tmp_path):
    """A text over 20,000 characters is named with its length, never echoed."""
    lines = problems_for("text-too-long", tmp_path)
    assert len(lines) == 1
    assert lines[0].endswith(":21: summary: got 26,023 characters, expected at most 20,000 characters "
                             "(see docs/limits.md)")
    assert "We breathe in" not in lines[0]


def test_a_huge_file_is_not_read(tmp_path):
    """A session file over the size limit is refused by its size; its text is not read or echoed."""
    target = tmp_path / NAME
    target.write_text("title: " + "x" * 600_000 + "\n")
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    message = str(caught.value)
    assert f"{NAME}: file: got 600,008 bytes, expected a YAML file of at most 512 KB" in message
    assert "xxxx" not in message


def test_nesting_hundreds_deep(tmp_path):
    """Lists nested thousands deep are a plain problem, not a crash."""
    target = tmp_path / NAME
    target.write_text("title: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    assert f"{NAME}:1: YAML: got " in str(caught.value)
    assert "expected valid YAML" in str(caught.value)


@pytest.mark.parametrize("fixture", ["alias-bomb", "duplicate-key"])
def test_build_with_such_a_session_exits_2_and_writes_nothing(fixture, curriculum_copy, tmp_path, monkeypatch,
                                                               capsys):
    """The same problem stops ``iopkit build`` before it writes anything."""
    shutil.copy(HERE / f"{fixture}.yaml", curriculum_copy / "sessions" / NAME)
    shutil.copy(FIXTURES / "cohorts" / "valid.toml", tmp_path / "c.toml")
    shutil.copy(FIXTURES / "cohorts" / "riverbend-logo.png", tmp_path)
    monkeypatch.chdir(tmp_path)
    code = cli.main(["build", "c.toml", "--sessions", "1", "--out", "out", "--curriculum", str(curriculum_copy)])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{NAME}:" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_too_many_fields_and_items(tmp_path):
    """25,000 list items in a small file: refused by count, before pydantic builds anything."""
    target = tmp_path / NAME
    target.write_text("objectives:\n" + "- a\n" * 25_000)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 1
    assert ": file: got more than 20,000 fields and list items, expected a session file of normal size" in lines[0]
