"""Benchmark: iopkit's build against the naive way, in one run, on this machine.

Two curricula, each in a temporary copy:

- copies: all 36 sessions are copies of one complete session (session 1 by default), so
  every session costs the same and the naive way can be timed on a sample and scaled;
- real: the shipped curriculum as it is (the sessions counselors build).

For each, and for the example cohort, it times:

- naive: for each session, one after another, papermill's CLI, then `jupyter nbconvert`
  to HTML for the guide and the handout, then WeasyPrint to PDF (the way a person
  would script it by hand); the baseline the other rows are compared with;
- cold: `iopkit build` into an empty folder;
- no-op: `iopkit build` again, nothing changed;
- edit-one: one sentence added to (or taken out of) one session file's facilitator notes,
  then `iopkit build` (that session is built again; the calendar is not; the binder and
  the workbook are put together again without laying out what did not change);
- edit-one, handout text: the same, in the handout's homework (prose the reading-level
  check scores: the first score in a process loads textstat's dictionary).

    python benchmarks/build.py [--curricula copies,real] [--session 1] [--naive-sample N] [--repeat 3]

With --naive-sample N, the naive way runs N sessions and its time is scaled to 36 (for the
real curriculum, sessions 1..N; they differ in length, so that row is an estimate). Each
edit-one row is the median of --repeat builds (each a different edit). Targets on a 2-core
machine: cold at least 15 times faster than naive; no-op under 1 s; edit-one under 3 s.
Run it on a quiet machine: the load average is printed before each row, and numbers taken
while other programs use the processors mean little.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SESSIONS = 36


def make_copies(dest: Path, source_number: int) -> Path:
    """A copy of the curriculum where all 36 sessions are copies of one complete session."""
    shutil.copytree(ROOT / "curriculum", dest)
    sessions = dest / "sessions"
    source = next(sessions.glob(f"{source_number:02d}-*.yaml"))
    text = source.read_text()
    data = yaml.load(text, Loader=yaml.CSafeLoader)
    if data.get("status") != "complete":
        sys.exit(f"Session {source_number} is not written in full yet; choose another with --session.")
    # The orientation and step-down files name the first and last sessions by id: those keep theirs.
    kept = {n: yaml.load(next(sessions.glob(f"{n:02d}-*.yaml")).read_text(), Loader=yaml.CSafeLoader)["id"]
            for n in (1, SESSIONS)}
    for path in sessions.glob("*.yaml"):
        path.unlink()
    # Translations would be overlays of sessions that are no longer there: the copies are English only.
    shutil.rmtree(dest / "translations", ignore_errors=True)
    for n in range(1, SESSIONS + 1):
        slug = kept.get(n, f"copy-{n:02d}")
        body = re.sub(r"^id: .*$", f"id: {slug}", text, count=1, flags=re.M)
        body = re.sub(r"^number: .*$", f"number: {n}", body, count=1, flags=re.M)
        body = re.sub(r"^week: .*$", f"week: {(n - 1) // 3 + 1}", body, count=1, flags=re.M)
        (sessions / f"{n:02d}-{slug}.yaml").write_text(body)
    return dest


def make_real(dest: Path) -> Path:
    """The shipped curriculum, copied so that the edit-one rows can change it."""
    shutil.copytree(ROOT / "curriculum", dest)
    return dest


def run(cmd: list[str], **kw) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, **kw)
    seconds = time.perf_counter() - started
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    return seconds


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


def edit(curriculum: Path, number: int, key: str) -> None:
    """Add one sentence at the top of ``key`` in session ``number``'s file, or take it out again."""
    path = next((curriculum / "sessions").glob(f"{number:02d}-*.yaml"))
    text = path.read_text()
    line = f"  A sentence added for the benchmark ({key}).\n"
    changed = text.replace(line, "", 1) if line in text else text.replace(f"\n{key}: |\n", f"\n{key}: |\n{line}", 1)
    if changed == text:
        sys.exit(f"{path.name} has no '{key}: |' block to edit.")
    path.write_text(changed)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f}/{five:.2f}"


def bench(name: str, curriculum: Path, work: Path, args) -> list[tuple[str, float, str]]:
    cohort = ROOT / "cohorts" / "example.toml"
    env = dict(os.environ, IOPKIT_PROGRESS="0", IOPKIT_CURRICULUM=str(curriculum))
    out = work / f"{name}-fast"
    build = [str(BIN / "iopkit"), "build", str(cohort), "--quiet", "--out", str(out)]
    rows = []
    print(f"{name}: cold ({load()})", file=sys.stderr)
    rows.append(("cold", run(build, env=env), load()))
    print(f"{name}: no-op ({load()})", file=sys.stderr)
    rows.append(("no-op", run(build, env=env), load()))
    for key, label in (("facilitator_notes", "edit-one"), ("homework", "edit-one, handout text")):
        times = []
        loads = []
        for k in range(args.repeat):
            # A different session each time (never the same text twice: each is really new).
            edit(curriculum, 2 + 3 * k, key)
            loads.append(load())
            times.append(run(build, env=env))
        rows.append((label, statistics.median(times), loads[len(loads) // 2]))
    sample = max(1, min(SESSIONS, args.naive_sample))
    print(f"{name}: naive, {sample} session(s) ({load()})", file=sys.stderr)
    slow = naive(curriculum, cohort, work / f"{name}-naive", sample) * SESSIONS / sample
    rows.insert(0, (f"naive (papermill CLI + nbconvert + WeasyPrint, serial)"
                    f"{' scaled from ' + str(sample) if sample < SESSIONS else ''}", slow, ""))
    return rows


TARGETS = {"cold": "target: 15x faster than naive", "no-op": "target: under 1 s", "edit-one": "target: under 3 s"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--curricula", default="copies,real", help="which curricula: copies, real or both (default)")
    parser.add_argument("--session", type=int, default=1, help="the complete session to copy (default 1)")
    parser.add_argument("--naive-sample", type=int, default=SESSIONS,
                        help=f"sessions to build the naive way (default {SESSIONS})")
    parser.add_argument("--repeat", type=int, default=3, help="builds for each edit-one row (default 3)")
    args = parser.parse_args()
    chosen = [c.strip() for c in args.curricula.split(",") if c.strip()]
    if not chosen or set(chosen) - {"copies", "real"}:
        sys.exit("--curricula: give copies, real, or copies,real")
    work = Path(tempfile.mkdtemp(prefix="iopkit-bench-"))
    try:
        print(f"{os.cpu_count()} processors; {load()} at the start")
        for name in chosen:
            curriculum = (make_copies(work / f"{name}-curriculum", args.session) if name == "copies"
                          else make_real(work / f"{name}-curriculum"))
            rows = bench(name, curriculum, work, args)
            slow = rows[0][1]
            print(f"\n{name} curriculum ({'36 copies of session ' + str(args.session) if name == 'copies' else 'as shipped'}):")
            print(f"  {rows[0][0]}: {slow:7.1f} s")
            for label, seconds, when in rows[1:]:
                target = TARGETS.get(label, "")
                print(f"  iopkit build, {label + ':':24} {seconds:7.2f} s  {slow / seconds:6.0f}x faster than naive"
                      f"  ({when}{'; ' + target if target else ''})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
