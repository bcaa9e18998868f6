"""The clinic's program folder: ``iopkit init`` makes it, every command finds it, ``iopkit update`` compares.

The bug this answers: a counselor edited a session, ``iopkit validate`` said all was well,
and the build printed the old text, because the curriculum in use was the copy iopkit
ships. With a program folder, the curriculum in use is the clinic's own, and every
command says which one it uses.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import pdf_text

USING = re.compile(r"^Using the curriculum in (.+) \(program folder\)\.$", re.M)


def no_overrides() -> dict:
    """The environment of a counselor's terminal: no curriculum or program named in it."""
    return {k: v for k, v in os.environ.items() if k not in ("IOPKIT_CURRICULUM", "IOPKIT_PROGRAM")}


def cli(*args: str, cwd: Path, env: dict | None = None):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "iopkit.app.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**no_overrides(), **(env or {})}, timeout=600)


@pytest.fixture
def program(tmp_path) -> Path:
    result = cli("init", "clinic", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "clinic"


def test_init_copies_the_curriculum_cohorts_and_home_notebook_and_writes_the_marker(program):
    import tomllib

    from iopkit import __version__, paths

    shipped = paths.shipped_curriculum()
    for name in ("program.yaml", "references.yaml", "techniques.yaml", "sessions/01-orientation.yaml"):
        assert (program / "curriculum" / name).read_bytes() == (shipped / name).read_bytes()
    assert (program / "cohorts" / "example.toml").is_file() and (program / "cohorts" / "riverbend-logo.png").is_file()
    assert (program / "iopkit-home.ipynb").is_file()
    marker = tomllib.loads((program / "iopkit-program.toml").read_text())
    assert marker["iopkit_version"] == __version__
    assert set(marker["shipped"]) == {p.relative_to(shipped).as_posix() for p in shipped.rglob("*") if p.is_file()
                                      and "__pycache__" not in p.parts}
    assert "build/" in (program / ".gitignore").read_text()
    assert not [p for p in program.parent.iterdir() if p.name.startswith(".clinic")], "a staging folder was left"


def test_init_with_no_folder_makes_the_empty_current_folder_the_program_folder(tmp_path):
    here = tmp_path / "clinic"
    here.mkdir()
    result = cli("init", cwd=here)
    assert result.returncode == 0, result.stderr
    assert (here / "iopkit-program.toml").is_file() and (here / "curriculum" / "program.yaml").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clinic"], "a staging folder was left"


def test_init_never_writes_into_a_folder_that_has_files(tmp_path):
    (tmp_path / "clinic").mkdir()
    (tmp_path / "clinic" / "notes.txt").write_text("mine")
    result = cli("init", "clinic", cwd=tmp_path)
    assert result.returncode == 2
    assert "not empty" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "clinic").iterdir()) == ["notes.txt"]


def test_commands_find_the_program_folder_from_below_it_and_say_so(program):
    result = cli("list", cwd=program / "cohorts")
    assert result.returncode == 0, result.stderr
    assert USING.search(result.stderr).group(1) == str((program / "curriculum").resolve())
    assert result.stdout.splitlines()[0].startswith(" 1  week  1")


def test_program_option_and_variable_name_the_folder_from_anywhere(program, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    by_option = cli("--program", str(program), "coverage", cwd=elsewhere)
    assert USING.search(by_option.stderr).group(1) == str((program / "curriculum").resolve())
    by_variable = cli("validate", cwd=elsewhere, env={"IOPKIT_PROGRAM": str(program)})
    assert by_variable.returncode == 0, by_variable.stderr
    assert USING.search(by_variable.stderr).group(1) == str((program / "curriculum").resolve())

    wrong = cli("--program", str(elsewhere), "list", cwd=tmp_path)
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert f"{elsewhere} is not an iopkit program folder" in wrong.stderr and "iopkit init" in wrong.stderr


def test_without_a_program_folder_the_shipped_curriculum_is_used_and_a_stray_curriculum_folder_is_named(tmp_path):
    from iopkit import paths

    shutil.copytree(paths.shipped_curriculum(), tmp_path / "curriculum")
    result = cli("list", cwd=tmp_path)
    assert result.returncode == 0
    assert "Using the curriculum that ships with iopkit" in result.stderr and "iopkit init FOLDER" in result.stderr
    assert f"the curriculum folder here ({(tmp_path / 'curriculum').resolve()}) is not the one in use" in result.stderr
    # --curriculum still wins, and then the folder here is the one in use: no note.
    chosen = cli("list", "--curriculum", "curriculum", cwd=tmp_path)
    assert "(named by --curriculum)" in chosen.stderr and "is not the one in use" not in chosen.stderr


@pytest.mark.slow
def test_an_edit_in_the_program_folder_shows_in_the_next_build(program):
    """The issue's bug: edit session 1 in the program folder, build from inside it, see the edit in the PDF."""
    session = program / "curriculum" / "sessions" / "01-orientation.yaml"
    text = session.read_text()
    # The guide's title, and the handout's own title.
    assert "and Staying Safe'" in text and "title: Welcome, and Staying Safe" in text
    session.write_text(text.replace("and Staying Safe'", "and Keeping Each Other Safe'", 1)
                       .replace("title: Welcome, and Staying Safe", "title: Welcome, and Keeping Each Other Safe", 1))

    checked = cli("validate", cwd=program)
    assert checked.returncode == 0, checked.stderr
    built = cli("build", "cohorts/example.toml", "--sessions", "1", "--jobs", "1", "--quiet", cwd=program)
    assert built.returncode == 0, built.stdout + built.stderr
    assert USING.search(built.stderr).group(1) == str((program / "curriculum").resolve())
    folder = program / "build" / "example" / "session-01"
    for name in ("facilitator-guide.pdf", "handout.pdf"):
        words = " ".join(pdf_text(folder / name).split())
        assert "Keeping Each Other Safe" in words, name
        assert "and Staying Safe" not in words, name


# ---------------------------------------------------------------- iopkit update


@pytest.fixture
def newer_iopkit(program, tmp_path, monkeypatch) -> Path:
    """The curriculum a later iopkit ships: two sessions changed and a file added."""
    from iopkit import paths

    newer = tmp_path / "newer-curriculum"
    shutil.copytree(paths.shipped_curriculum(), newer)
    for name in ("01-orientation.yaml", "02-automatic-pilot.yaml"):
        path = newer / "sessions" / name
        path.write_text(path.read_text() + "# reviewed by the iopkit authors\n")
    (newer / "CHANGES.md").write_text("Sessions 1 and 2 reviewed.\n")
    monkeypatch.setattr(paths, "shipped_curriculum", lambda: newer)
    monkeypatch.chdir(program)
    return newer


def test_update_lists_what_iopkit_changed_and_changes_nothing(program, newer_iopkit):
    from iopkit.app import program as prog

    edited = program / "curriculum" / "sessions" / "02-automatic-pilot.yaml"
    edited.write_text(edited.read_text() + "# our clinic's note\n")
    before = {p: p.read_bytes() for p in program.rglob("*") if p.is_file()}

    report = prog.compare()
    states = {c.name: (c.shipped, c.local) for c in report.changes}
    assert states == {"sessions/01-orientation.yaml": ("changed", "unedited"),
                      "sessions/02-automatic-pilot.yaml": ("changed", "edited"),
                      "CHANGES.md": ("added", "missing")}
    summary = report.summary()
    assert "3 files of the shipped curriculum changed" in summary and "Nothing has been changed" in summary
    assert "sessions/02-automatic-pilot.yaml: changed in iopkit and edited by you (merge by hand" in summary

    one = prog.diff(name="curriculum/sessions/01-orientation.yaml")
    assert one.startswith("--- as shipped when made/sessions/01-orientation.yaml\n")
    assert "+# reviewed by the iopkit authors\n" in one
    assert {p: p.read_bytes() for p in program.rglob("*") if p.is_file()} == before


def test_update_apply_takes_a_new_version_only_of_a_file_the_clinic_did_not_edit(program, newer_iopkit):
    from iopkit.app import program as prog
    from iopkit.errors import ProgramError

    edited = program / "curriculum" / "sessions" / "02-automatic-pilot.yaml"
    edited.write_text(edited.read_text() + "# our clinic's note\n")
    with pytest.raises(ProgramError, match="merge by hand") as refused:
        prog.apply("sessions/02-automatic-pilot.yaml")
    assert "iopkit update --diff sessions/02-automatic-pilot.yaml" in str(refused.value)
    assert edited.read_text().endswith("# our clinic's note\n")

    written = prog.apply("curriculum/sessions/01-orientation.yaml")
    assert written.read_bytes() == (newer_iopkit / "sessions" / "01-orientation.yaml").read_bytes()
    left = {c.name for c in prog.compare().changes}
    assert left == {"sessions/02-automatic-pilot.yaml", "CHANGES.md"}


def test_update_outside_a_program_folder_says_how_to_make_one(tmp_path):
    result = cli("update", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "There is no program folder here" in result.stderr and "iopkit init FOLDER" in result.stderr
