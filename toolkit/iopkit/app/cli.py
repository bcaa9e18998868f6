"""The ``iopkit`` command: a thin layer over the library.

Each command parses its arguments, calls one library function and turns the
library's errors into a plain message and an exit code (2 for files that need
fixing, 1 for a build that failed). Nobody sees a traceback.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

# jsonschema (under nbformat) builds a URI grammar at import when this optional module is
# installed: about 1.5 s for every command. jsonschema works without it.
sys.modules.setdefault("rfc3987_syntax", None)

from iopkit.errors import IopkitError, OptionError, ValidationError
from iopkit.fsguard import explain, input_file, output_file
from iopkit.io import write_atomic
from iopkit.paths import PROGRAM_VARIABLE, describe_curriculum


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    if args.program_folder is not None:
        # In the environment, so the build's kernels and workers find the same program folder.

        os.environ[PROGRAM_VARIABLE] = str(args.program_folder.expanduser().resolve())
    try:
        return args.func(args) or 0
    except BrokenPipeError:  # `iopkit list | head`
        return 0
    except IopkitError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # the file system as it is (a full disk, a read-only folder): plain words, exit 2

        if exc.errno is None:  # raised by iopkit with its own plain words (iopkit.paths)
            print(str(exc), file=sys.stderr)
            return 2
        error = explain(exc)
        print(str(error), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Stopped. Files that were already finished are kept; nothing is half-written.", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours, not the counselor's: say so plainly
        if os.environ.get("IOPKIT_DEBUG"):
            raise
        print(f"iopkit stopped because of an internal problem ({type(exc).__name__}: {exc}). Files that were "
              "already finished are kept; nothing is half-written. Run the command again with IOPKIT_DEBUG=1 "
              "set to see the details for a bug report.", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="iopkit",
        description="Build facilitator guides, exercises and handouts for an Intensive Outpatient Program.",
    )
    p.add_argument("--program", type=Path, metavar="FOLDER", dest="program_folder",
                   help="the program folder to use (default: the one this folder is in; or $IOPKIT_PROGRAM)")
    sub = p.add_subparsers(title="commands", metavar="COMMAND")

    init = sub.add_parser("init", help="make the clinic's own program folder: curriculum, cohorts, home notebook")
    init.add_argument("folder", nargs="?", type=Path, default=Path("."),
                      help="a new or empty folder, for example clinic (default: here)")
    init.set_defaults(func=cmd_init)

    up = sub.add_parser("update", help="show what changed in iopkit's curriculum since the program folder was made")
    up.add_argument("--diff", nargs="?", const="", metavar="FILE",
                    help="show the changes line by line (all files, or one, like sessions/05-urge-surfing.yaml)")
    up.add_argument("--apply", metavar="FILE",
                    help="take iopkit's new version of one file you have not edited")
    up.set_defaults(func=cmd_update)

    v = sub.add_parser("validate", help="check the curriculum and cohort files and list every problem")
    v.add_argument("files", nargs="*", type=Path,
                   help="cohort files (.toml) or session files (.yaml) to check as well as the curriculum")
    v.add_argument("--curriculum", type=Path, help="a curriculum folder other than the one iopkit ships")
    v.set_defaults(func=cmd_validate)

    ls = sub.add_parser("list", help="list the sessions of the curriculum, or of a cohort with dates")
    ls.add_argument("cohort", nargs="?", type=Path, help="a cohort file: show each session's date and time")
    ls.add_argument("--track", choices=("iop", "aftercare"), default="iop",
                    help="which track to list: iop (the 36 sessions, the default) or aftercare (the weekly cycle)")
    ls.add_argument("--electives", action="store_true",
                    help="list the elective sessions a cohort can swap in or add, with what each pairs with")
    ls.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    ls.set_defaults(func=cmd_list)

    c = sub.add_parser("coverage", help="show which sessions teach each required technique")
    c.add_argument("--markdown", action="store_true", help="print the coverage page as Markdown")
    c.add_argument("--track", choices=("iop", "aftercare"), default="iop",
                   help="aftercare: show which skills the aftercare cycle practises")
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
    b.add_argument("--require-reviewed", action="store_true",
                   help="refuse to build a handout whose translation no person has reviewed")
    b.set_defaults(func=cmd_build)
    tr = sub.add_parser("translations", help="translated handouts: stamp an overlay with the English it matches")
    trs = tr.add_subparsers(dest="translations_command", required=True)
    st = trs.add_parser("stamp", help="write into each overlay the hash of the English it translates")
    st.add_argument("files", nargs="+", type=Path, help="overlay files, like curriculum/translations/es/sessions/01-orientation.yaml")
    st.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    st.set_defaults(func=cmd_translations_stamp)

    j = sub.add_parser("join", help="list the 36 sessions a person joining on a date will attend (no name needed)")
    j.add_argument("cohort", type=Path, help="the cohort file")
    j.add_argument("--date", required=True, help="the day the person joins, like 2027-02-10")
    j.add_argument("--pdf", type=Path, metavar="FILE", help="also write the schedule as a PDF for the person")
    j.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    j.set_defaults(func=cmd_join)

    n = sub.add_parser("new-cohort", help="write a new, commented cohort file (asks, or takes flags)")
    n.add_argument("path", type=Path, help="where to write it, for example cohorts/evening.toml")
    n.add_argument("--program", default="", help="program name")
    n.add_argument("--name", default="", help="group name")
    n.add_argument("--facilitators", default="", help="facilitators, separated by commas")
    n.add_argument("--start", default="", help="first session date, like 2027-01-04")
    n.add_argument("--days", default="", help="meeting days, like Monday,Wednesday,Friday")
    n.add_argument("--time", default="", help="start time, like 9:00 AM")
    n.add_argument("--time-zone", default="", help="time zone, like America/Chicago")
    n.add_argument("--minutes", type=int, default=180, help="session length in minutes (default 180)")
    n.add_argument("--break-minutes", type=int, default=15, help="break length in minutes (default 15)")
    n.add_argument("--state", default="", help="state or province code for holidays, like MN")
    n.add_argument("--country", default="US", help="country code for holidays (default US)")
    where = n.add_mutually_exclusive_group()
    where.add_argument("--address", default="", help="where the group meets in person")
    where.add_argument("--telehealth", action="store_true", help="the group meets on video")
    n.add_argument("--platform", default="", help="the video platform, for telehealth")
    n.add_argument("--force", action="store_true", help="replace the file if it exists")
    n.set_defaults(func=cmd_new_cohort)
    nt = sub.add_parser("notes", help="after the group: the group section of the progress notes, a member "
                                      "template and sign-in sheets (no participant data)")
    nt.add_argument("cohort", type=Path, help="the cohort file")
    when = nt.add_mutually_exclusive_group(required=True)
    when.add_argument("--date", help="the day of the group, like 2027-01-13")
    when.add_argument("--session", type=int, metavar="N", help="the session's number in this cohort's plan")
    nt.add_argument("--format", default="dap", help="the note's shape: dap, birp, soap or girp (default dap)")
    nt.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: build/<cohort>/notes/<date>)")
    nt.add_argument("--roster", type=Path, metavar="FILE",
                    help="print these first names and last initials (one a line) on the sign-in sheets; "
                         "the file is read for this run only and its names are kept nowhere else")
    nt.add_argument("--draft", action="store_true",
                    help="with clinic records on: print each member in the room that day with their member "
                         "template pre-filled from the attendance (on this screen only: nothing is written)")
    nt.add_argument("--vault", type=Path, metavar="PATH", help="the records store (default: $IOPKIT_RECORDS)")
    nt.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    nt.set_defaults(func=cmd_notes)
    cc = sub.add_parser("check-notes", help="warn when two members' notes are more than 80%% alike "
                                            "(copied notes are what auditors look for)")
    cc.add_argument("files", nargs="+", type=Path,
                    help="one text file per member's individual note, as you wrote it (only file names are shown)")
    cc.set_defaults(func=cmd_check_notes)

    cu = sub.add_parser("catchup", help="a catch-up kit for someone who missed a group: the handout and a "
                                        "one-page summary")
    cu.add_argument("cohort", type=Path, help="the cohort file")
    cu.add_argument("--session", type=int, required=True, metavar="N", help="the missed session's number")
    cu.add_argument("--out", type=Path, metavar="DIR", help="where to write (default: build/<cohort>/catchup)")
    cu.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    cu.set_defaults(func=cmd_catchup)

    rm = sub.add_parser("reminders", help="print reminder texts (English and Spanish) to send from your own "
                                          "messaging system; iopkit sends nothing")
    rm.add_argument("cohort", type=Path, help="the cohort file")
    rm.add_argument("--date", help="the group the texts are about, like 2027-01-13 (default: the next one)")
    rm.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    rm.set_defaults(func=cmd_reminders)

    lab = sub.add_parser("lab", help="open JupyterLab on the counselor's home notebook (this computer only)")
    lab.add_argument("folder", nargs="?", type=Path, default=Path("."), help="the folder to work in (default: here)")
    lab.add_argument("--port", type=int, help="the port (default: 8888, or a free one)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    lab.set_defaults(func=cmd_lab)

    app = sub.add_parser("app", help="serve the home notebook as an app with Voila, code hidden (this computer only)")
    app.add_argument("folder", nargs="?", type=Path, default=Path("."), help="the folder to work in (default: here)")
    app.add_argument("--port", type=int, help="the port (default: 8866, or a free one)")
    app.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    app.set_defaults(func=cmd_app)

    from iopkit.app.measures_cli import add_commands as add_measures_commands

    add_measures_commands(sub)
    from iopkit.records.commands import add_commands  # `records ...` and `today`: opt-in encrypted clinic records

    add_commands(sub)
    from iopkit.app.supervision_cli import add_commands as add_supervision_commands  # fidelity, dashboard, demo

    add_supervision_commands(sub)
    return p


def cmd_lab(args) -> int:
    from iopkit.app.launch import lab

    return lab(args.folder, port=args.port, open_browser=not args.no_browser)


def cmd_app(args) -> int:
    from iopkit.app.launch import app

    return app(args.folder, port=args.port, open_browser=not args.no_browser)


def _announce(args) -> None:
    """Say which curriculum the command uses, on stderr (the output itself stays clean)."""
    print(describe_curriculum(getattr(args, "curriculum", None)), file=sys.stderr)


def _curriculum(args):
    from iopkit.content.curriculum import load_curriculum

    _announce(args)
    return load_curriculum(getattr(args, "curriculum", None))


def cmd_init(args) -> int:
    from iopkit.app.program import init_program

    folder = init_program(args.folder)
    print(f"Made the program folder {folder}: your own copy of the curriculum (curriculum/), example cohorts "
          f"(cohorts/) and the home notebook. Every iopkit command run in it uses this curriculum. Next: "
          f"cd {folder} && iopkit build cohorts/example.toml --sessions 1")
    return 0


def cmd_update(args) -> int:
    from iopkit.app import program

    if args.apply:
        written = program.apply(args.apply)
        print(f"Took iopkit's new version of {written}. Check it with: iopkit validate")
        return 0
    if args.diff is not None:
        print(program.diff(name=args.diff or None), end="")
        return 0
    print(program.compare().summary())
    return 0


def cmd_validate(args) -> int:
    from iopkit.content.curriculum import validate_files

    problems = []
    curriculum = None
    sessions = [p for p in args.files if p.suffix != ".toml"]
    cohorts = [p for p in args.files if p.suffix == ".toml"]
    overlays = [p for p in sessions if "translations" in p.resolve().parts]
    if overlays and len(overlays) == len(sessions) and not cohorts:
        return _validate_overlays(args, overlays)
    if sessions and not cohorts:
        # Checking session files one by one (a writer at work): only those files.
        _announce(args)
        validate_files(sessions, getattr(args, "curriculum", None))
        print(f"OK: {len(sessions)} file{'s' if len(sessions) != 1 else ''} passed every check.")
        return 0
    try:
        curriculum = _curriculum(args)
    except ValidationError as exc:
        problems += exc.problems
    else:
        from iopkit.planning.reminders import check_curriculum_texts

        problems += check_curriculum_texts(curriculum)
    problems += _measure_problems(args)
    translation_warnings = []
    if curriculum is not None:  # the handouts' translation overlays (issue 19)
        from iopkit.content.translations import check_translations

        checked = check_translations(curriculum)
        problems += checked.problems
        translation_warnings = checked.warnings
    for warning in translation_warnings:
        print("Warning: " + warning, file=sys.stderr)
    loaded = []
    notes = []
    for path in cohorts:
        try:
            from iopkit.planning.cohort import load_cohort
            from iopkit.render.notices import cohort_notices

            cohort = load_cohort(path, curriculum=curriculum)
            loaded.append(cohort)
            notes += cohort_notices(cohort)
        except ValidationError as exc:
            problems += exc.problems
    if problems:
        raise ValidationError(list(dict.fromkeys(problems)))  # a curriculum text is named once
    for note in notes:
        print(note)
    complete = len(curriculum.complete())
    total = len(curriculum.sessions)
    extra = f" and {len(cohorts)} cohort file{'s' if len(cohorts) != 1 else ''}" if cohorts else ""
    tracks = "".join(f", {len(group)} {name}" for name, group in
                     (("electives", curriculum.electives), ("aftercare sessions", curriculum.aftercare)) if group)
    print(f"OK: the curriculum ({total} sessions, {complete} written in full, {total - complete} outlines"
          f"{tracks}){extra} passed every check.")
    for cohort in loaded:  # the hours check: warnings only, the files are valid
        from iopkit.planning.hours import hours_report
        from iopkit.planning.plan import plan_cohort

        report = hours_report(plan_cohort(cohort, curriculum))
        print("\n".join([f"{cohort.path.name}:"] + report.lines() + report.warnings()))
    return 0


def _validate_overlays(args, files) -> int:
    """Checking translation overlays one by one (a translator at work): only those files."""
    from iopkit.content.curriculum import Collector
    from iopkit.content.translations import (
        _english_sessions,
        english_path,
        load_overlay,
        reading_warning,
        stale_warning,
    )

    curriculum = _curriculum(args)
    english = _english_sessions(curriculum)
    collector, warnings = Collector(), []
    for path in files:
        session = english.get(english_path(path))
        if session is None or not hasattr(session, "handout"):
            collector.add(path, (), path.name, "an overlay named like the English session file it translates, under "
                          "curriculum/translations/<language>/<folder>/", raw=True)
            continue
        overlay = load_overlay(path, session, collector)
        if overlay is not None:
            warnings += [w for w in (stale_warning(path, overlay, session), reading_warning(path, overlay)) if w]
    for warning in warnings:
        print("Warning: " + warning, file=sys.stderr)
    if collector.problems:
        raise ValidationError(collector.problems)
    print(f"OK: {len(files)} translation file{'s' if len(files) != 1 else ''} passed every check.")
    return 0


def _measure_problems(args) -> list:
    """The measures folder (curriculum/measures) is checked with the curriculum, when there is one."""
    from iopkit.measures.load import load_measures, measures_dir

    if not measures_dir(getattr(args, "curriculum", None)).is_dir():
        return []
    try:
        load_measures(getattr(args, "curriculum", None))
    except ValidationError as exc:
        return exc.problems
    return []


def cmd_list(args) -> int:
    from iopkit.content.schema import Session

    curriculum = _curriculum(args)
    if args.electives:
        return _list_electives(curriculum)
    if args.cohort:
        from iopkit.planning.cohort import load_cohort
        from iopkit.planning.plan import plan_cohort

        plan = plan_cohort(load_cohort(args.cohort, curriculum=curriculum), curriculum)
        for item in plan.sessions:
            print(f"{item.position:>2}  {item.date:%a %b %d, %Y}  {item.start:%I:%M %p}  {item.session.title}")
        return 0
    sessions = curriculum.track(args.track)[0]
    if not sessions:
        print(f"This curriculum has no {args.track} sessions (none in {curriculum.root / 'aftercare'}).")
        return 0
    for number, session in sessions.items():
        state = "" if isinstance(session, Session) else "  (outline)"
        print(f"{number:>2}  week {session.week:>2}  {session.title}{state}")
    if args.track == "aftercare":
        print("\nThe aftercare cycle repeats: a person can join any week and stay as long as they need.",
              file=sys.stderr)
    return 0


def _list_electives(curriculum) -> int:
    from iopkit.content.curriculum import ELECTIVE_PREFIX
    from iopkit.content.schema import Session

    if not curriculum.electives:
        print(f"This curriculum has no electives yet (none in {curriculum.root / 'electives'}).")
        return 0
    for session in curriculum.electives.values():
        state = "" if isinstance(session, Session) else "  (outline: not yet written in full)"
        text = " ".join(getattr(session, "summary", "").split())
        summary = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
        pairs = ", ".join(session.pairs_with)
        print(f"{ELECTIVE_PREFIX}{session.id}  {session.title}{state}")
        if summary:
            print(f"    {summary}.")
        print(f"    Pairs with: {pairs}")
    print('\nTo use one, add to the cohort file\'s [curriculum] section, for example\n'
          '  swap = [{ replace = "work-job-skills", with = "elective:tobacco" }]\n'
          '  add = [{ after = "lapse-relapse", session = "elective:grief" }]', file=sys.stderr)
    return 0


def _aftercare_coverage(rows) -> int:
    """Aftercare keeps IOP skills going: which ones its cycle practises, and in which sessions."""
    taught = [r for r in rows if r.aftercare]
    if not taught:
        print("The aftercare cycle has no sessions written in full yet.", file=sys.stderr)
        return 1
    width = max(len(r.name) for r in taught)
    for row in taught:
        print(f"{row.name:<{width}}  aftercare {', '.join(map(str, row.aftercare))}")
    print(f"\nThe aftercare cycle practises {len(taught)} of the curriculum's techniques.", file=sys.stderr)
    return 0


def cmd_coverage(args) -> int:
    from iopkit.content.coverage import coverage_map, render_markdown

    rows = coverage_map(_curriculum(args))
    if args.track == "aftercare":
        return _aftercare_coverage(rows)
    if args.markdown:
        print(render_markdown(rows), end="")
    else:
        width = max(len(r.name) for r in rows)
        for row in rows:
            mark = "ok     " if row.covered else "MISSING"
            taught = ", ".join(map(str, row.taught_in)) or "-"
            planned = f"  (planned: {', '.join(map(str, row.planned_in))})" if row.planned_in else ""
            electives = f"  (electives: {', '.join(row.electives)})" if row.electives else ""
            if not row.required:
                mark = "extra  "
            print(f"{mark}  {row.name:<{width}}  {taught}{planned}{electives}")
    missing = [r for r in rows if not r.covered]
    required = [r for r in rows if r.required]
    if missing:
        print(f"\n{len(missing)} of {len(required)} required techniques are not yet taught in a session written in full.",
              file=sys.stderr)
        return 1
    added = sum(1 for r in rows if not r.required and r.electives)
    print(f"\nAll {len(required)} required techniques are taught."
          + (f" Electives add {added} more topics." if added else ""), file=sys.stderr)
    return 0


def cmd_join(args) -> int:
    import datetime as dt

    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_join

    try:
        joined = dt.date.fromisoformat(args.date)
    except ValueError:
        raise OptionError(f'--date: got "{args.date[:40]}", expected a date written like 2027-02-10') from None
    curriculum = _curriculum(args)
    if args.pdf:  # before any work: a folder or an unwritable place here is said at once

        output_file(args.pdf, "schedule PDF")
    cohort = load_cohort(args.cohort, curriculum=curriculum)
    join = plan_join(cohort, curriculum, joined)
    print(f"Joining {cohort.cohort.name} on {joined:%A, %B} {joined.day}, {joined.year}: "
          f"{len(join.sessions)} sessions, first on {join.sessions[0].date:%a %b} {join.sessions[0].date.day}, "
          f"last on {join.finish:%a %b} {join.finish.day}, {join.finish.year}.")
    if curriculum.individual:  # orientation first; the first and last groups named
        from iopkit.render.individual_docs import join_lines

        print("\n".join(join_lines(join, curriculum.individual)))
    else:
        for n, item in enumerate(join.sessions, 1):
            print(f"{n:>2}  {item.date:%a %b %d, %Y}  {item.start:%I:%M %p}  {item.session.title}")
    if args.pdf:
        from iopkit.render.books import join_pdf

        write_atomic(output_file(args.pdf, "schedule PDF"), join_pdf(join, curriculum))
        print(f"Wrote {args.pdf}")
    return 0


def cmd_new_cohort(args) -> int:
    from iopkit.app.newcohort import Answers, ask, write_cohort

    answers = Answers(
        program=args.program, name=args.name,
        facilitators=[f.strip() for f in args.facilitators.split(",") if f.strip()],
        start=args.start, days=[d.strip() for d in args.days.split(",") if d.strip()], time=args.time,
        time_zone=args.time_zone, minutes=args.minutes, break_minutes=args.break_minutes,
        telehealth=args.telehealth, address=args.address, platform=args.platform, country=args.country,
        state=args.state,
    )
    if sys.stdin.isatty():
        answers = ask(answers)
    path = write_cohort(args.path, answers, force=args.force)
    print(f"Wrote {path}. Check it with: iopkit validate {path}   Build with: iopkit build {path}")
    return 0


def cmd_notes(args) -> int:
    from iopkit.render.notes import write_notes_kit

    if args.draft:
        return _print_note_drafts(args)
    kit = write_notes_kit(args.cohort, date=args.date, session=args.session, fmt=args.format, out=args.out,
                          roster=args.roster, curriculum_dir=args.curriculum)
    print(kit.summary())
    return 0


def _print_note_drafts(args) -> int:
    """Each member in the room, with the template pre-filled from the encrypted records. Printed on the
    terminal only: a draft holds a person's attendance, so it is never written to a file here."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_cohort
    from iopkit.records.commands import open_vault
    from iopkit.records.drafts import prefill
    from iopkit.render.notes import check_format, choose_session, draft_prefill, group_facts, render_member_template

    fmt = check_format(args.format)
    curriculum = load_curriculum(args.curriculum)
    cohort = load_cohort(args.cohort, curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    item = choose_session(plan, args.date, args.session)
    facts = group_facts(plan, item, curriculum)
    members = prefill(open_vault(args), cohort, item.date)
    if not members:
        print(f"No one is marked in the room on {item.date.isoformat()} for {cohort.cohort.name}. Take the roll "
              "first (iopkit records attend, or the Attendance tab).", file=sys.stderr)
        return 0
    for row in members:
        print(render_member_template(facts, fmt, "txt", draft_prefill(row)))
        print("-" * 72)
    print(f"{len(members)} member template(s) pre-filled from the records for {item.date.isoformat()}. They were "
          "printed here only; paste each into that member's note, then write the clinician's parts.",
          file=sys.stderr)
    return 0


def cmd_check_notes(args) -> int:
    from iopkit.records.drafts import clone_check

    texts = {}
    for path in args.files:
        texts[path.name] = input_file(path, "note").read_text(encoding="utf-8", errors="replace")
    pairs = clone_check(texts)
    for pair in pairs:
        print(pair.message())
    if not pairs:
        print(f"No two of the {len(texts)} notes are more than 80% alike.")
    return 1 if pairs else 0


def cmd_catchup(args) -> int:
    from iopkit.pipeline.catchup import write_catchup_kit

    kit = write_catchup_kit(args.cohort, args.session, out=args.out, curriculum_dir=args.curriculum)
    print(kit.summary())
    return 0


def cmd_reminders(args) -> int:
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_cohort
    from iopkit.planning.reminders import parse_date, print_reminders

    when = parse_date(args.date)
    curriculum = load_curriculum(args.curriculum)
    plan = plan_cohort(load_cohort(args.cohort, curriculum=curriculum), curriculum)
    print(print_reminders(plan, when, curriculum.root))
    return 0


def cmd_translations_stamp(args) -> int:
    from iopkit.content.translations import stamp

    for line in stamp(args.files, args.curriculum):
        print(line)
    return 0


def cmd_build(args) -> int:
    from iopkit.pipeline.build import build_cohort

    _announce(args)
    result = build_cohort(
        args.cohort, sessions=args.sessions, out=args.out, jobs=args.jobs, force=args.force,
        curriculum_dir=args.curriculum, require_reviewed=args.require_reviewed,
        progress=not args.quiet and sys.stderr.isatty() or os.environ.get("IOPKIT_PROGRESS") == "1",
    )
    print(result.summary())
    return 0 if result.ok else 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
