"""Family 4 of issue 13: every interruption is recoverable.

Ctrl+C with two workers, a stop signal (a closed terminal, a timeout), a worker killed from
outside: each gives one plain line (no worker tracebacks, no "install ipykernel" for every
session); the next successful build leaves no staging folders; a notebook kept in
``failed/`` is removed once that session builds. The slow tests run real builds in real
processes and send real signals, each bounded in time.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from iopkit import interrupts
from iopkit.pipeline import build

STOPPED_LINE = "Stopped. Files that were already finished are kept; nothing is half-written."


@pytest.fixture
def room(tmp_path):
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    return tmp_path


def start_build(room: Path, *extra: str) -> subprocess.Popen:
    """``iopkit build`` in its own process group, as a terminal would run it (Ctrl+C reaches the group)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}
    return subprocess.Popen([sys.executable, "-m", "iopkit.app.cli", "build", "example.toml", "--out", "out", *extra],
                            cwd=room, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def wait_for_staging(room: Path, process: subprocess.Popen, timeout: float = 180) -> None:
    """Until a session is being made (a staging folder exists), so the signal lands mid-build."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if list((room / "out").glob(".staging-*")):
            time.sleep(1.5)  # let the notebook start running in the kernel
            return
        if process.poll() is not None:
            pytest.fail(f"the build ended before any session started: {process.communicate()}")
        time.sleep(0.1)
    pytest.fail("no session started within the time allowed")


def finish(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"the build did not stop within {timeout} s: {err}")
    return process.returncode, out, err


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def leftovers(room: Path) -> list[str]:
    return sorted(p.name for p in (room / "out").rglob("*") if p.name.startswith(".staging") or p.name.endswith(".tmp"))


@pytest.mark.slow
def test_ctrl_c_with_two_workers_prints_one_plain_line(room):
    """Ctrl+C reaches the whole process group: one line, exit 130, no tracebacks, no staging folder."""
    process = start_build(room, "--sessions", "1-2", "--jobs", "2")
    wait_for_staging(room, process)
    os.killpg(process.pid, signal.SIGINT)
    code, out, err = finish(process)
    assert code == 130, err
    assert _without_curriculum_line(err) == [STOPPED_LINE]
    assert leftovers(room) == []


@pytest.mark.slow
def test_ctrl_c_while_building_in_this_process(room):
    """With one job the notebook runs in the build's own kernel: Ctrl+C is the same one line."""
    process = start_build(room, "--sessions", "1", "--jobs", "1")
    wait_for_staging(room, process)
    os.killpg(process.pid, signal.SIGINT)
    code, out, err = finish(process)
    assert code == 130, err
    assert _without_curriculum_line(err) == [STOPPED_LINE]
    assert leftovers(room) == []


@pytest.mark.slow
def test_a_stop_signal_is_handled_like_ctrl_c(room):
    """SIGTERM to the build alone (a timeout, a closed window) stops its workers too, with the same line."""
    process = start_build(room, "--sessions", "1-2", "--jobs", "2")
    wait_for_staging(room, process)
    workers = children(process.pid)
    process.send_signal(signal.SIGTERM)
    code, out, err = finish(process)
    assert code == 130, err
    assert _without_curriculum_line(err) == [STOPPED_LINE]
    assert leftovers(room) == []
    time.sleep(0.5)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists() and
                "Z" not in (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0])]


@pytest.mark.slow
def test_a_killed_worker_is_one_plain_line_and_the_next_build_cleans_up(room):
    """A worker killed with SIGKILL: one line naming the sessions not built (never "install ipykernel");
    the next build removes the staging folder it left, and the failed notebook kept from before."""
    process = start_build(room, "--sessions", "1-2", "--jobs", "2")
    wait_for_staging(room, process)
    command = Path(f"/proc/{process.pid}/cmdline").read_bytes()
    workers = [pid for pid in children(process.pid)  # forked workers share the command line
               if Path(f"/proc/{pid}/cmdline").read_bytes() == command]
    assert workers, "no worker processes found"
    os.kill(workers[0], signal.SIGKILL)
    code, out, err = finish(process)
    assert code == 1
    assert "ipykernel" not in out + err and "Traceback" not in out + err
    not_built = [line for line in out.splitlines() if "NOT BUILT" in line]
    assert len(not_built) == 1
    assert "a build process stopped before it finished" in not_built[0]
    assert "Run the same command again to build them." in not_built[0]

    # What a crash of an earlier build left: a notebook in failed/ for session 1.
    (room / "out" / "failed").mkdir(exist_ok=True)
    (room / "out" / "failed" / "session-01.ipynb").write_text("{}")
    again = start_build(room, "--sessions", "1-2", "--jobs", "2")
    code, out, err = finish(again, timeout=300)
    assert code == 0, out + err
    assert leftovers(room) == []
    assert not (room / "out" / "failed").exists()


def test_leftovers_of_dead_processes_are_removed_and_live_ones_kept(tmp_path):
    """Staging folders of a process that is gone (or in the old name) go; one of a running build stays."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    gone = tmp_path / f".staging-01-{dead.pid}-abcd"
    old = tmp_path / ".staging-02-xyzw1234"
    running = tmp_path / f".staging-03-{os.getppid()}-efgh"
    for folder in (gone, old, running):
        folder.mkdir()
        (folder / "session.ipynb").write_text("{}")
    stale = tmp_path / ".calendar.pdf.abc.tmp"
    stale.write_text("half")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    removed = interrupts.clean_leftovers(tmp_path)
    assert set(removed) == {gone, old, stale}
    assert running.is_dir()


def test_the_summary_names_sessions_lost_with_a_worker_once():
    """Sessions lost with a killed worker are listed on one line, with what to do."""
    result = build.BuildResult("Group", Path("out"), [
        build.SessionResult(1, "One", "failed", build.WORKER_STOPPED),
        build.SessionResult(2, "Two", "failed", build.WORKER_STOPPED),
        build.SessionResult(3, "Three", "built"),
    ])
    lines = result.summary().splitlines()
    assert [line for line in lines if "stopped" in line] == [
        f"  NOT BUILT sessions 1, 2: {build.WORKER_STOPPED}. Run the same command again to build them."]
    assert "ipykernel" not in result.summary()


def _without_curriculum_line(err: str) -> list[str]:
    """stderr's lines less the one that says which curriculum is in use (every command prints it first)."""
    return [line for line in err.strip().splitlines() if not line.startswith("Using the curriculum")]


def test_ctrl_c_while_waiting_for_another_build_is_the_same_one_line(room):
    """A build waiting for the folder's lock (another build holds it) stops on Ctrl+C like any
    other: one plain line, exit 130, and the folder is as the other build left it."""
    import select

    from iopkit.pipeline.lock import LOCK_NAME, build_lock

    with build_lock(room / "out"):
        env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit"), "IOPKIT_BUILD_WAIT": "120"}
        process = subprocess.Popen([sys.executable, "-m", "iopkit.app.cli", "build", "example.toml", "--out", "out",
                                    "--sessions", "1"], cwd=room, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, start_new_session=True)
        seen, deadline = [], time.monotonic() + 120
        while not any(line.startswith("Another build is writing") for line in seen):
            assert time.monotonic() < deadline and process.poll() is None, seen
            if select.select([process.stderr], [], [], 0.5)[0]:
                seen.append(process.stderr.readline())
        os.killpg(process.pid, signal.SIGINT)
        code, out, err = finish(process)
    assert code == 130, err
    assert _without_curriculum_line(err) == [STOPPED_LINE]
    assert sorted(p.name for p in (room / "out").iterdir()) == [LOCK_NAME]
