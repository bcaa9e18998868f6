"""The ``iopkit`` command: a thin layer over the library.

Each command parses its arguments, calls one library function and turns the
library's errors into a plain message and an exit code (2 for files that need
fixing, 1 for a build that failed). Nobody sees a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .errors import IopkitError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args) or 0
    except BrokenPipeError:  # `iopkit list | head`
        return 0
    except IopkitError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("Stopped. Files that were already finished are kept; nothing is half-written.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iopkit",
        description="Build facilitator guides, exercises and handouts for an Intensive Outpatient Program.",
    )
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    v = sub.add_parser("validate", help="check the curriculum and cohort files and list every problem")
    v.add_argument("files", nargs="*", type=Path,
                   help="cohort files (.toml) or session files (.yaml) to check as well as the curriculum")
    v.add_argument("--curriculum", type=Path, help="a curriculum folder other than the one iopkit ships")
    v.set_defaults(func=cmd_validate)

    ls = sub.add_parser("list", help="list the sessions of the curriculum, or of a cohort with dates")
    ls.add_argument("cohort", nargs="?", type=Path, help="a cohort file: show each session's date and time")
    ls.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    ls.set_defaults(func=cmd_list)

    c = sub.add_parser("coverage", help="show which sessions teach each required technique")
    c.add_argument("--markdown", action="store_true", help="print the coverage page as Markdown")
    c.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    c.set_defaults(func=cmd_coverage)

    b = sub.add_parser("build", help="build a cohort's packet: guides, handouts, exercises, binder, calendar")
    b.add_argument("cohort", type=Path, help="the cohort file, for example cohorts/example.toml")
    b.add_argument("--sessions", metavar="LIST", help="only these sessions, for example 1-3,7")
    b.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: build/<cohort>)")
    b.add_argument("--jobs", type=int, metavar="N", help="sessions built at once (default: one per core)")
    b.add_argument("--force", action="store_true", help="rebuild sessions even if nothing changed")
    b.add_argument("--quiet", action="store_true", help="no progress bar")
    b.add_argument("--curriculum", type=Path, help="a curriculum folder other than the one iopkit ships")
    b.set_defaults(func=cmd_build)
    return p


def _curriculum(args):
    from .curriculum import load_curriculum

    return load_curriculum(getattr(args, "curriculum", None))


def cmd_validate(args) -> int:
    from .curriculum import validate_files
    from .errors import ValidationError

    problems = []
    curriculum = None
    sessions = [p for p in args.files if p.suffix != ".toml"]
    cohorts = [p for p in args.files if p.suffix == ".toml"]
    if sessions and not cohorts:
        # Checking session files one by one (a writer at work): only those files.
        validate_files(sessions, getattr(args, "curriculum", None))
        print(f"OK: {len(sessions)} session file{'s' if len(sessions) != 1 else ''} passed every check.")
        return 0
    try:
        curriculum = _curriculum(args)
    except ValidationError as exc:
        problems += exc.problems
    for path in cohorts:
        try:
            from .cohort import load_cohort

            load_cohort(path, curriculum=curriculum)
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(problems)
    complete = len(curriculum.complete())
    total = len(curriculum.sessions)
    extra = f" and {len(cohorts)} cohort file{'s' if len(cohorts) != 1 else ''}" if cohorts else ""
    print(f"OK: the curriculum ({total} sessions, {complete} written in full, {total - complete} outlines){extra} "
          "passed every check.")
    return 0


def cmd_list(args) -> int:
    from .schema import Session

    curriculum = _curriculum(args)
    if args.cohort:
        from .cohort import load_cohort
        from .plan import plan_cohort

        plan = plan_cohort(load_cohort(args.cohort, curriculum=curriculum), curriculum)
        for item in plan.sessions:
            print(f"{item.position:>2}  {item.date:%a %b %d, %Y}  {item.start:%I:%M %p}  {item.session.title}")
        return 0
    for number, session in curriculum.sessions.items():
        state = "" if isinstance(session, Session) else "  (outline)"
        print(f"{number:>2}  week {session.week:>2}  {session.title}{state}")
    return 0


def cmd_coverage(args) -> int:
    from .coverage import coverage_map, render_markdown

    rows = coverage_map(_curriculum(args))
    if args.markdown:
        print(render_markdown(rows), end="")
    else:
        width = max(len(r.name) for r in rows)
        for row in rows:
            mark = "ok     " if row.covered else "MISSING"
            taught = ", ".join(map(str, row.taught_in)) or "-"
            planned = f"  (planned: {', '.join(map(str, row.planned_in))})" if row.planned_in else ""
            print(f"{mark}  {row.name:<{width}}  {taught}{planned}")
    missing = [r for r in rows if not r.covered]
    if missing:
        print(f"\n{len(missing)} of {len(rows)} required techniques are not yet taught in a session written in full.",
              file=sys.stderr)
        return 1
    print(f"\nAll {len(rows)} required techniques are taught.", file=sys.stderr)
    return 0


def cmd_build(args) -> int:
    from .build import build_cohort

    result = build_cohort(
        args.cohort, sessions=args.sessions, out=args.out, jobs=args.jobs, force=args.force,
        curriculum_dir=args.curriculum,
        progress=not args.quiet and sys.stderr.isatty() or os.environ.get("IOPKIT_PROGRESS") == "1",
    )
    print(result.summary())
    return 0 if result.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
