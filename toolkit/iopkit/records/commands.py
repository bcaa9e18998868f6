"""``iopkit records ...`` and ``iopkit today``: thin commands over the records library.

Each command finds the store (``--vault`` or ``IOPKIT_RECORDS``), asks for the passphrase
(or reads ``IOPKIT_RECORDS_PASSPHRASE``, the weaker choice, for scripts), calls the library
and prints plain words. Errors are ``RecordsError``s: cli.main prints them and exits 2.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import tomllib
from pathlib import Path

from iopkit.errors import RecordInputError


def add_commands(sub) -> None:
    """Register ``records`` (with its subcommands) and ``today`` on the main parser's subparsers."""
    vault = argparse.ArgumentParser(add_help=False)
    vault.add_argument("--vault", metavar="PATH",
                       help="the records store (default: the IOPKIT_RECORDS environment variable)")

    r = sub.add_parser("records", help="opt-in encrypted clinic records: participants, attendance, hours, audit")
    rs = r.add_subparsers(title="records commands", metavar="COMMAND")
    r.set_defaults(func=lambda args: (r.print_help(), 0)[1])

    i = rs.add_parser("init", help="turn records on: make a new encrypted store and print its recovery key")
    i.add_argument("path", type=Path, help="the store file, or a folder of its own (outside the project folder)")
    i.set_defaults(func=cmd_init)

    a = rs.add_parser("add", parents=[vault], help="add a participant; prints their pseudonym (like P-7K2Q)")
    a.add_argument("--alias", help='optional: first name and last initial, like "Sam R." (facilitator screens only; '
                   "note that a shell keeps the command line in its history file: --ask-alias avoids that)")
    a.add_argument("--ask-alias", action="store_true", help="type the alias at a prompt instead (kept out of shell history)")
    a.add_argument("--admitted", required=True, help="admission date, like 2027-01-04")
    a.add_argument("--cohort", required=True, type=Path, help="the cohort file the person attends")
    a.set_defaults(func=cmd_add)

    t = rs.add_parser("attend", parents=[vault], help="record one person's attendance for one day")
    t.add_argument("date", help="the day of the group, like 2027-01-04")
    t.add_argument("pseudonym", help="the person's pseudonym, like P-7K2Q")
    t.add_argument("--status", required=True, help="present, absent, late or left-early")
    t.add_argument("--minutes", type=int, help="countable minutes (present without this: the cohort's full group)")
    t.add_argument("--private", choices=["yes", "no"],
                   help="telehealth: did the person confirm a private location?")
    t.set_defaults(func=cmd_attend)

    d = rs.add_parser("dates", parents=[vault], help="record a step-down or discharge date")
    d.add_argument("pseudonym")
    d.add_argument("--stepped-down", metavar="DATE")
    d.add_argument("--discharged", metavar="DATE")
    d.set_defaults(func=cmd_dates)

    lg = rs.add_parser("ledger", parents=[vault], help="countable hours per person per week against the floor")
    lg.add_argument("--week", help="only the week holding this date, like 2027-01-06")
    lg.add_argument("--cohort", type=Path, action="append", metavar="FILE",
                    help="only this cohort (its file gives the floor); may be repeated")
    lg.add_argument("--csv", type=Path, metavar="FILE", help="also export the ledger as a CSV file (pseudonyms only)")
    lg.set_defaults(func=cmd_ledger)

    au = rs.add_parser("audit", parents=[vault], help="check the audit trail and print the weekly review")
    au.add_argument("--days", type=int, default=7, help="how many days the review covers (default 7)")
    au.set_defaults(func=cmd_audit)

    e = rs.add_parser("export", parents=[vault], help="a person's own record as a PDF, with the Part 2 notice")
    e.add_argument("pseudonym")
    e.add_argument("--pdf", required=True, type=Path, metavar="FILE")
    e.set_defaults(func=cmd_export)

    pw = rs.add_parser("passphrase", parents=[vault],
                       help="set a new passphrase (open with the old one or the recovery key)")
    pw.set_defaults(func=cmd_passphrase)

    td = sub.add_parser("today", parents=[vault], help="facilitator-only brief: who is new, leaving, missed, short")
    td.add_argument("cohort", type=Path, help="the cohort file")
    td.add_argument("--date", help="another day than today, like 2027-01-06")
    td.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    td.set_defaults(func=cmd_today)


# ---------------------------------------------------------------- helpers

def _say(text: str) -> None:
    print(text, file=sys.stderr)


def open_vault(args):
    """Find and unlock the store; print its warnings (weak test settings) on stderr."""
    from iopkit.records.store import Vault, find_store, read_passphrase

    path = find_store(getattr(args, "vault", None))
    vault = Vault.unlock(path, read_passphrase())
    for warning in vault.warnings:
        _say(warning)
    return vault


def _countable(cohort_file: Path) -> int | None:
    """A full group's countable minutes from a cohort file (session less break), or None."""
    try:
        schedule = tomllib.loads(cohort_file.read_text(encoding="utf-8")).get("schedule", {})
        return int(schedule.get("session_minutes", 180)) - int(schedule.get("break_minutes", 15))
    except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError):
        return None


# ---------------------------------------------------------------- commands

def cmd_init(args) -> int:
    from iopkit.records.store import MIN_PASSPHRASE, Vault, check_place, read_passphrase, store_path

    check_place(store_path(args.path).parent)  # refuse before asking for anything
    _say(f"A new records store. Choose a passphrase of at least {MIN_PASSPHRASE} characters (four or more ordinary "
         "words work well). Nobody can open the store without it or the recovery key.")
    vault, recovery = Vault.create(args.path, read_passphrase("New passphrase: ", confirm=True))
    for warning in vault.warnings:
        _say(warning)
    print(f"Records are on. The store is {vault.path}")
    print("")
    print(f"Recovery key (shown once, never stored):  {recovery}")
    print("")
    print("Write the recovery key on paper and keep it locked away from this computer (not in a file, not in email).")
    print("It opens the store if the passphrase is lost. Then point iopkit at the store, for example:")
    print(f"  export IOPKIT_RECORDS={vault.path}")
    return 0


def cmd_add(args) -> int:
    from iopkit.records import people

    if not args.cohort.is_file():
        raise RecordInputError(f"--cohort: there is no cohort file at {args.cohort}")
    if args.ask_alias:
        if not sys.stdin.isatty():
            raise RecordInputError("--ask-alias: there is no terminal to ask on; give --alias instead")
        args.alias = input("Alias (first name and last initial, or Enter for none): ")
    people.check_alias(args.alias)  # before the passphrase is asked for
    people.check_date(args.admitted, "--admitted")
    vault = open_vault(args)
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort=args.cohort, admitted=args.admitted, alias=args.alias)
    print(person.pseudonym)
    _say(f"Added {person.pseudonym} to {person.cohort}, admitted {person.admitted.isoformat()}. Use the pseudonym "
         "in every other command and paper.")
    return 0


def cmd_attend(args) -> int:
    from iopkit.records import people

    people.check_date(args.date, "DATE")  # before the passphrase is asked for
    people.check_pseudonym(args.pseudonym)
    people.check_status(args.status)
    vault = open_vault(args)
    private = None if args.private is None else args.private == "yes"
    with vault.transaction() as conn:
        person = people.participant(conn, args.pseudonym)
        default = None
        if args.minutes is None:
            candidate = Path.cwd() / "cohorts" / f"{person.cohort}.toml"
            default = _countable(candidate) if candidate.is_file() else None
        visit = people.record_attendance(conn, args.date, person.pseudonym, args.status, args.minutes,
                                         telehealth_private=private, default_minutes=default)
    print(f"{visit.pseudonym} {visit.date.isoformat()}: {visit.status}, {visit.minutes} countable minutes")
    return 0


def cmd_dates(args) -> int:
    from iopkit.records import people

    vault = open_vault(args)
    with vault.transaction() as conn:
        person = people.set_dates(conn, args.pseudonym, stepped_down=args.stepped_down, discharged=args.discharged)
    print(f"{person.pseudonym}: admitted {person.admitted}, stepped down {person.stepped_down or '-'}, "
          f"discharged {person.discharged or '-'}")
    return 0


def cmd_ledger(args) -> int:
    from iopkit.records import audit, people
    from iopkit.records.ledger import cohort_floors, ledger_frame, render_text, to_csv
    from iopkit.records.store import write_replace

    week = people.check_date(args.week, "--week") if args.week else None
    floors = cohort_floors(args.cohort, Path.cwd())
    vault = open_vault(args)
    only = [people.cohort_slug(c) for c in args.cohort] if args.cohort else None
    with vault.transaction() as conn:
        frame = ledger_frame(conn, week=week, floors=floors)
        if only:
            frame = frame[frame["cohort"].isin(only)]
        audit.append(conn, "export-csv" if args.csv else "view", "ledger", None)
    print(render_text(frame))
    if args.csv:
        out = args.csv.expanduser()
        out.parent.mkdir(parents=True, exist_ok=True)
        write_replace(out, to_csv(frame))
        _say(f"Exported the ledger to {out}: {len(frame)} rows, by pseudonym only. This CSV file is NOT encrypted and "
             "is a Part 2 record: keep it on an encrypted disk, share it only as the clinic's policy allows, and "
             "delete it when done.")
    return 0


def cmd_audit(args) -> int:
    from iopkit.records import audit

    vault = open_vault(args)
    with vault.transaction() as conn:
        entries = audit.verify(conn)  # raises before anything is added to a broken chain
        audit.append(conn, "audit", "store", None)
    print(audit.summary(entries, str(vault.path), days=args.days))
    return 0


def cmd_export(args) -> int:
    from iopkit.records.export import export_record

    vault = open_vault(args)
    out = export_record(vault, args.pseudonym, args.pdf)
    _say(f"Wrote {out}: {args.pseudonym.upper()}'s own record with the Part 2 notice, for that person. It is NOT "
         "encrypted: hand it over, then delete this copy.")
    return 0


def cmd_passphrase(args) -> int:
    from iopkit.records.store import read_passphrase

    vault = open_vault(args)
    vault.change_passphrase(read_passphrase("New passphrase: ", confirm=True))
    print(f"The passphrase of {vault.path} is changed. The recovery key is the same.")
    return 0


def cmd_today(args) -> int:
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.records import audit, people
    from iopkit.records.today import brief

    day = people.check_date(args.date, "--date") if args.date else dt.date.today()
    curriculum = load_curriculum(args.curriculum)
    cohort = load_cohort(args.cohort, curriculum=curriculum)
    vault = open_vault(args)
    with vault.transaction() as conn:
        result = brief(conn, cohort, curriculum, day)
        audit.append(conn, "view", "brief", None)
    print(result.render())
    return 0
