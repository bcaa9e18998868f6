"""Benchmark: iopkit's build against the naive way, in one run, on this machine.

Builds a 36-session cohort whose sessions are all copies of one complete session
(session 1 by default), three ways, and prints times and ratios:

- naive: for each session, one after another, papermill's CLI, then `jupyter nbconvert`
  to HTML for the guide and the handout, then WeasyPrint to PDF (the way a person
  would script it by hand);
- cold: `iopkit build` into an empty folder;
- no-op: `iopkit build` again, nothing changed.

    python benchmarks/build.py [--session 1] [--naive-sample N]

With --naive-sample N, the naive way runs N sessions and its time is scaled to 36
(the sessions are identical copies, so each costs the same). Targets on a 2-core
machine: cold build at least 15 times faster than naive; no-op rebuild under 1 s.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def make_curriculum(dest: Path, source_number: int) -> Path:
    """A copy of the curriculum where all 36 sessions are copies of one complete session."""
    shutil.copytree(ROOT / "curriculum", dest)
    sessions = dest / "sessions"
    source = next(sessions.glob(f"{source_number:02d}-*.yaml"))
    text = source.read_text()
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    if data.get("status") != "complete":
        sys.exit(f"Session {source_number} is not written in full yet; choose another with --session.")
    for path in sessions.glob("*.yaml"):
        path.unlink()
    for n in range(1, 37):
        slug = f"copy-{n:02d}"
        body = re.sub(r"^id: .*$", f"id: {slug}", text, count=1, flags=re.M)
        body = re.sub(r"^number: .*$", f"number: {n}", body, count=1, flags=re.M)
        body = re.sub(r"^week: .*$", f"week: {(n - 1) // 3 + 1}", body, count=1, flags=re.M)
        (sessions / f"{n:02d}-{slug}.yaml").write_text(body)
    return dest


def run(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    return time.perf_counter() - started


def naive(curriculum: Path, cohort: Path, out: Path, count: int) -> float:
    template = ROOT / "notebooks" / "session.ipynb"
    out.mkdir(parents=True, exist_ok=True)
    total = 0.0
    for n in range(1, count + 1):
        nb = out / f"session-{n:02d}.ipynb"
        total += run([str(BIN / "papermill"), str(template), str(nb), "-p", "cohort_file", str(cohort),
                      "-p", "position", str(n), "-p", "curriculum_dir", str(curriculum), "--no-progress-bar"])
        for view in ("facilitator_html", "participant_html"):
            html = out / f"session-{n:02d}-{view}"
            total += run([str(BIN / "jupyter"), "nbconvert", "--to", view, str(nb), "--output", str(html)])
            total += run([str(BIN / "weasyprint"), f"{html}.html", f"{html}.pdf"])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--session", type=int, default=1, help="the complete session to copy (default 1)")
    parser.add_argument("--naive-sample", type=int, default=36, help="sessions to build the naive way (default 36)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="iopkit-bench-"))
    try:
        curriculum = make_curriculum(work / "curriculum", args.session)
        cohort = ROOT / "cohorts" / "example.toml"
        env = dict(os.environ, IOPKIT_PROGRESS="0")
        build = [str(BIN / "iopkit"), "build", str(cohort), "--quiet", "--out", str(work / "fast")]
        os.environ["IOPKIT_CURRICULUM"] = str(curriculum)
        env["IOPKIT_CURRICULUM"] = str(curriculum)
        cold = run(build, env=env)
        noop = run(build, env=env)
        sample = max(1, min(36, args.naive_sample))
        slow = naive(curriculum, cohort, work / "naive", sample) * 36 / sample
        print(f"naive (papermill CLI + nbconvert + WeasyPrint, serial){' (scaled from ' + str(sample) + ')' if sample < 36 else ''}: {slow:7.1f} s")
        print(f"iopkit build, cold:   {cold:7.1f} s   {slow / cold:5.1f}x faster than naive (target: 15x)")
        print(f"iopkit build, no-op:  {noop:7.2f} s   {slow / noop:5.0f}x faster than naive (target: under 1 s)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
