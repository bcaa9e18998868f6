"""Family 1 of issue 13: the file system as it really is.

A folder where a file belongs, a link loop, a full or read-only disk, ``--out`` that is a
file, ``--curriculum`` that is a file, ``join --pdf`` that is a folder: each is one plain
line naming the path and what to do, exit code 2, and nothing is written.
"""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from iopkit import fsguard
from iopkit.app import cli
from iopkit.errors import FileSystemError


@pytest.fixture
def room(tmp_path, monkeypatch):
    """A working folder with the example cohort and its logo, as a counselor would have it."""
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys, *args) -> tuple[int, str]:
    code = cli.main(list(args))
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "internal problem" not in captured.err
    return code, captured.err


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def test_a_folder_given_as_the_cohort_file(room, capsys):
    """A cohort "file" that is a folder: the message says it is a folder and to give the file itself."""
    (room / "evening.toml").mkdir()
    code, err = run(capsys, "validate", "evening.toml")
    assert code == 2
    assert "evening.toml: file: got a folder, not a cohort file" in err
    assert "give the path of the cohort file itself" in err


def test_a_link_loop_as_the_cohort_file(room, capsys):
    """A link that points back to itself is named as a link loop, not an internal problem."""
    os.symlink("b.toml", room / "a.toml")
    os.symlink("a.toml", room / "b.toml")
    before = files_in(room)
    code, err = run(capsys, "build", "a.toml", "--sessions", "1")
    assert code == 2
    assert "a.toml: file: got a link that points back to itself (a link loop)" in err
    assert files_in(room) == before


def test_a_dangling_link_as_a_session_file(room, capsys):
    """A session file that is a link to nothing says so."""
    os.symlink("gone.yaml", room / "13-mine.yaml")
    code, err = run(capsys, "validate", "13-mine.yaml")
    assert code == 2
    assert "13-mine.yaml: file: got a link to something that is not there" in err


def test_out_that_is_an_existing_file(room, capsys):
    """``build --out`` naming a file: it must be a folder; the file is left alone and nothing is built."""
    (room / "packet").write_text("my notes")
    before = files_in(room)
    code, err = run(capsys, "build", "example.toml", "--sessions", "1", "--out", "packet")
    assert code == 2
    assert "packet: a file, but the output folder must be a folder" in err
    assert (room / "packet").read_text() == "my notes"
    assert files_in(room) == before


def test_out_below_a_file(room, capsys):
    """``--out`` whose parent is a file names the file in the way."""
    (room / "notes.txt").write_text("x")
    code, err = run(capsys, "build", "example.toml", "--out", "notes.txt/packet")
    assert code == 2
    assert "notes.txt/packet: a path with a file where a folder should be" in err
    assert not (room / "build").exists()


def test_curriculum_that_is_a_file(room, capsys):
    """``--curriculum`` naming a file: it must be the curriculum folder."""
    (room / "curriculum.zip").write_bytes(b"PK")
    for command in (["validate"], ["build", "example.toml"], ["list"]):
        code, err = run(capsys, *command, "--curriculum", "curriculum.zip")
        assert code == 2, command
        assert "curriculum.zip: a file, not a curriculum folder" in err
    assert not (room / "build").exists()


def test_join_pdf_that_is_a_folder(room, capsys):
    """``join --pdf`` naming a folder: say to give a file name; the folder stays empty."""
    (room / "schedules").mkdir()
    code, err = run(capsys, "join", "example.toml", "--date", "2027-02-10", "--pdf", "schedules")
    assert code == 2
    assert "schedules: a folder, but a schedule PDF is to be written here" in err
    assert "schedules/schedule.pdf" in err
    assert list((room / "schedules").iterdir()) == []


def test_a_full_disk_while_writing(room, capsys, monkeypatch):
    """A full disk while the PDF is written: "a full disk" and what to do; no half-written file is left."""
    import iopkit.pipeline.build

    def no_space(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(iopkit.pipeline.build.os, "replace", no_space)
    code, err = run(capsys, "join", "example.toml", "--date", "2027-02-10", "--pdf", "mine.pdf")
    assert code == 2
    assert "mine.pdf: a full disk. Free some space" in err
    assert not [p for p in room.iterdir() if p.name.startswith((".mine", "mine"))]


def test_a_read_only_disk_while_writing(room, capsys, monkeypatch):
    """A read-only disk: say so and suggest a folder that can be written."""
    import iopkit.pipeline.build

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system", str(room / "mine.pdf"))

    monkeypatch.setattr(iopkit.pipeline.build.tempfile, "mkstemp", read_only)
    code, err = run(capsys, "join", "example.toml", "--date", "2027-02-10", "--pdf", "mine.pdf")
    assert code == 2
    assert "a read-only disk" in err and "Choose a folder you can write to" in err
    assert not (room / "mine.pdf").exists()


def test_a_read_only_output_folder_is_found_before_building(tmp_path, monkeypatch):
    """An output folder on a read-only disk is refused before anything runs (checked by the folder's flags)."""
    class Flags:
        f_flag = os.ST_RDONLY

    monkeypatch.setattr(fsguard.os, "access", lambda *a, **k: False)
    monkeypatch.setattr(fsguard.os, "statvfs", lambda *a: Flags())
    with pytest.raises(FileSystemError) as caught:
        fsguard.output_folder(tmp_path / "build")
    assert "a read-only disk" in str(caught.value)
    assert caught.value.exit_code == 2


def test_every_os_error_reaching_the_command_is_plain(room, capsys, monkeypatch):
    """Any OSError the checks did not foresee still reaches the counselor as one plain line, exit 2."""
    def broken(args):
        raise OSError(errno.EIO, "Input/output error", "build/example/calendar.pdf")

    monkeypatch.setattr(cli, "cmd_list", broken)
    code, err = run(capsys, "list")
    assert code == 2
    assert err.strip() == ("build/example/calendar.pdf: a disk read or write error. "
                           "Check the disk (or copy the files to another one).")


def test_new_cohort_into_a_folder_or_with_a_line_break(room, capsys):
    """``new-cohort`` naming a folder, or given a line break in a flag: plain, exit 2, nothing written."""
    (room / "evening.toml").mkdir()
    flags = ["--program", "P", "--name", "Evening", "--facilitators", "A. Smith", "--start", "2027-01-04",
             "--days", "Monday,Wednesday", "--time", "6:00 PM", "--time-zone", "America/Chicago", "--address", "1 Main"]
    code, err = run(capsys, "new-cohort", "evening.toml", *flags)
    assert code == 2 and "evening.toml: a folder, but a cohort file is to be written here" in err
    flags[3] = "Evening\nBEGIN:VEVENT"
    code, err = run(capsys, "new-cohort", "late.toml", *flags)
    assert code == 2 and "late.toml: name: got text with a line break, expected one line of text" in err
    assert not (room / "late.toml").exists()
