"""One build at a time in a build folder (iopkit.pipeline.lock).

A second build into the folder another one is writing says so in one plain line, waits, and
either goes on once the first is done or, after the time allowed, stops with a message that
names the folder and what to do (exit 1, nothing written, no traceback). The lock's own files
are the build's bookkeeping: the cleanup of leftovers keeps them.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from conftest import ROOT, run_cli

from iopkit import interrupts
from iopkit.pipeline.lock import HOLDER_NAME, LOCK_NAME, build_lock


def test_a_second_build_waits_then_refuses_in_plain_words(example_cohort, tmp_path):
    """The folder is held (as by a build in another window): the build says whom it waits for,
    waits the time allowed (IOPKIT_BUILD_WAIT), then stops and says what to do. It writes nothing."""
    out = tmp_path / "out"
    started = time.monotonic()
    with build_lock(out):
        holder = json.loads((out / HOLDER_NAME).read_text())
        result = run_cli("build", str(example_cohort), "--sessions", "1", "--out", str(out),
                         env={"IOPKIT_BUILD_WAIT": "1"})
    assert result.returncode == 1
    lines = [line for line in result.stderr.splitlines() if not line.startswith("Using the curriculum")]
    assert lines[0].startswith(f"Another build is writing {out}{os.sep} (started by ")
    assert f"process {holder['pid']}); waiting up to 1 second for it to finish..." in lines[0]
    assert lines[1].startswith(f"{out}{os.sep}: another build is still writing this folder after 1 second (")
    assert "Let it finish, or stop it (Ctrl+C in its window), then run this command again" in lines[1]
    assert "another folder with --out" in lines[1]
    assert len(lines) == 2 and "Traceback" not in result.stderr and result.stdout == ""
    assert holder["pid"] == os.getpid()
    assert sorted(p.name for p in out.iterdir()) == [LOCK_NAME]  # the holder's note went with its lock
    assert time.monotonic() - started < 60


def test_a_bad_wait_setting_is_a_plain_error(example_cohort, tmp_path):
    result = run_cli("build", str(example_cohort), "--sessions", "1", "--out", str(tmp_path / "out"),
                     env={"IOPKIT_BUILD_WAIT": "soon"})
    assert result.returncode == 2
    assert "IOPKIT_BUILD_WAIT: got 'soon', expected the seconds to wait" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_cleanup_of_leftovers_keeps_the_lock_and_the_kept_fronts(tmp_path):
    """clean_leftovers removes what a stopped build left, never the lock, its note or the kept fronts."""
    from iopkit.render.books import FRONTS_DIR

    keep = [tmp_path / LOCK_NAME, tmp_path / HOLDER_NAME, tmp_path / FRONTS_DIR / "binder-abc-2p.pdf"]
    for path in keep:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("kept")
        os.utime(path, (time.time() - 3600, time.time() - 3600))
    stale = tmp_path / ".calendar.pdf.x1y2.tmp"
    stale.write_text("half")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    assert interrupts.clean_leftovers(tmp_path) == [stale]
    assert all(path.is_file() for path in keep)


@pytest.mark.slow
def test_two_builds_into_one_folder_take_turns(tmp_path):
    """Two real builds of session 1 into one folder, the second started while the first runs: the
    second says it waits for the first (naming its command), then finds session 1 current."""
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}
    first = subprocess.Popen([sys.executable, "-m", "iopkit.app.cli", "build", "example.toml", "--sessions", "1",
                              "--out", "out", "--jobs", "1"], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "out" / HOLDER_NAME).is_file():
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the first build never took the folder"
            time.sleep(0.05)
        second = run_cli("build", "example.toml", "--sessions", "1", "--out", "out", "--jobs", "1", cwd=tmp_path,
                         env={"IOPKIT_BUILD_WAIT": "300"})
        out, err = first.communicate(timeout=300)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, out + err
    assert "1 session built" in out
    assert second.returncode == 0, second.stdout + second.stderr
    waiting = [line for line in second.stderr.splitlines() if line.startswith("Another build is writing")]
    assert len(waiting) == 1
    assert f"out{os.sep} (started by iopkit build example.toml --sessions 1 --out out --jobs 1 at " in waiting[0]
    assert "0 sessions built, 1 unchanged" in second.stdout
    assert not (tmp_path / "out" / HOLDER_NAME).exists()
