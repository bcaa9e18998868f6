"""``iopkit fidelity ...``, ``iopkit dashboard`` and ``iopkit records demo``: thin commands.

* ``iopkit fidelity COHORT --date D [--mode self|supervisor]``: the session's fidelity form; with
  ``--items``/``--ratings`` (or answered at the terminal's prompts) it is stored in the vault.
* ``iopkit fidelity list | sign FORM | verify | pdf FORM --pdf FILE``.
* ``iopkit dashboard [--vault P] [--html FILE] [--csv FILE] [--facilitator NAME]``.
* ``iopkit records demo PATH --seed N``: a synthetic program in a new vault.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iopkit.errors import RecordInputError

ACTIONS = ("list", "sign", "verify", "pdf")


def add_commands(sub) -> None:
    vault = argparse.ArgumentParser(add_help=False)
    vault.add_argument("--vault", metavar="PATH",
                       help="the records store (default: the IOPKIT_RECORDS environment variable)")

    f = sub.add_parser(
        "fidelity", parents=[vault], help="fidelity forms: rate a group (self or supervisor), sign, verify, PDF",
        description="iopkit fidelity COHORT --date D [--mode self|supervisor]: fill in the session's form. "
                    "iopkit fidelity list | sign FORM | verify | pdf FORM --pdf FILE.")
    f.add_argument("target", metavar="COHORT|list|sign|verify|pdf", help="a cohort file, or one of list, sign, "
                   "verify, pdf")
    f.add_argument("form", nargs="?", metavar="FORM", help="the form number (for sign and pdf)")
    f.add_argument("--date", help="the day of the group, like 2027-01-06")
    f.add_argument("--mode", default="self", help="self (after every group) or supervisor (an observation)")
    f.add_argument("--facilitator", help="the facilitator rated, as the cohort file writes them")
    f.add_argument("--rater", help="supervisor mode: who observed")
    f.add_argument("--items", help="one answer per item, in order, separated by commas: done, partly, not done, n.a.")
    f.add_argument("--ratings", help="five numbers from 1 to 5 (warmth, pacing, hard moments, drawing in, safety)")
    f.add_argument("--different", help="what I'd do differently (a short sentence)")
    f.add_argument("--blank", action="store_true", help="only print the blank form")
    f.add_argument("--name", help="sign: the supervisor's name")
    f.add_argument("--credential", help="sign: the supervisor's credential, like LADC, LCSW")
    f.add_argument("--feedback", help="sign: feedback for the facilitator")
    f.add_argument("--plan", help="sign: one development-plan item")
    f.add_argument("--pdf", type=Path, metavar="FILE", help="pdf: where to write the signed form")
    f.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    f.set_defaults(func=cmd_fidelity)

    d = sub.add_parser("dashboard", parents=[vault],
                       help="the director's program view: sessions, admissions, attendance, retention, fidelity")
    d.add_argument("--html", type=Path, metavar="FILE", help="export an aggregated page (small cells suppressed)")
    d.add_argument("--csv", type=Path, metavar="FILE", help="export the aggregated figures as CSV (small cells "
                   "suppressed)")
    d.add_argument("--facilitator", help="show this facilitator's own data first")
    d.add_argument("--as-of", metavar="DATE", help="count up to this day (default: today)")
    d.add_argument("--cohorts", type=Path, metavar="DIR", help="the folder of cohort files (default: ./cohorts)")
    d.add_argument("--app", action="store_true", help="open the dashboard page in the browser (Voila, this "
                   "computer only); the passphrase is typed on the page")
    d.add_argument("--port", type=int, help="with --app: the port (default: 8866, or a free one)")
    d.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    d.set_defaults(func=cmd_dashboard)

    records = sub.choices["records"]
    rs = next(a for a in records._actions if isinstance(a, argparse._SubParsersAction))
    m = rs.add_parser("demo", help="make a NEW store holding a synthetic program (no real people), for the dashboard")
    m.add_argument("path", type=Path, help="the new store file, or a folder of its own")
    m.add_argument("--seed", type=int, default=1, help="the same seed always makes the same program (default 1)")
    m.add_argument("--cohorts", type=Path, metavar="DIR", help="the folder of cohort files (default: ./cohorts)")
    m.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    m.set_defaults(func=cmd_demo)


def _say(text: str) -> None:
    print(text, file=sys.stderr)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",")]


def cmd_fidelity(args) -> int:
    if args.target in ACTIONS:
        return {"list": _list, "sign": _sign, "verify": _verify, "pdf": _pdf}[args.target](args)
    return _fill(args)


def _fill(args) -> int:
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.records import fidelity, people
    from iopkit.records.commands import open_vault

    cohort_file = Path(args.target)
    if not cohort_file.is_file():
        raise RecordInputError(f"COHORT: there is no cohort file at {cohort_file} (or use one of: "
                               f"{', '.join(ACTIONS)})")
    if not args.date:
        raise RecordInputError("--date: expected the day of the group, like 2027-01-06")
    day = people.check_date(args.date, "--date")
    mode = fidelity.check_mode(args.mode)
    curriculum = load_curriculum(args.curriculum)
    session = fidelity.session_of_day(load_cohort(cohort_file, curriculum=curriculum), curriculum, day)
    if args.blank:
        print(fidelity.blank_form_text(session, mode))
        return 0
    items, ratings, different = args.items, args.ratings, args.different
    if items is None or ratings is None:
        if not sys.stdin.isatty():
            print(fidelity.blank_form_text(session, mode))
            raise RecordInputError("Nothing was stored: give --items (one answer per item) and --ratings (five "
                                   "numbers from 1 to 5), or run this in a terminal to be asked.")
        items, ratings, different = _ask(session, mode)
    else:
        items, ratings = _split(items), _split(ratings)
    if len(ratings) != len(fidelity.GLOBAL_KEYS):
        raise RecordInputError(f"--ratings: got {len(ratings)} numbers, expected 5 (warmth, pacing, hard moments, "
                               "drawing in, safety)")
    form = fidelity.new_form(session, mode=mode, facilitator=args.facilitator, rater=args.rater, items=items,
                             ratings=dict(zip(fidelity.GLOBAL_KEYS, ratings)), different=different)
    vault = open_vault(args)
    with vault.transaction() as conn:
        fidelity.save_form(conn, form)
    print(fidelity.render_text(form))
    _say(f"Saved fidelity form {form.id} in the records store." + (
        f" A supervisor signs it with: iopkit fidelity sign {form.id} --name ... --credential ... --feedback ... "
        "--plan ..." if mode == "supervisor" else ""))
    return 0


def _ask(session, mode: str):
    from iopkit.records import fidelity

    print(fidelity.blank_form_text(session, mode))
    print("")
    items = []
    for n, _text in enumerate(session.items, 1):
        while True:
            answer = input(f"Item {n} (done / partly / not done / n.a.): ")
            try:
                items.append(fidelity.check_item_rating(answer, n))
                break
            except Exception as exc:  # noqa: BLE001 - ask again with the plain message
                print(exc)
    ratings = []
    for key, name, _ in fidelity.GLOBALS:
        while True:
            answer = input(f"{name} (1-5): ")
            try:
                ratings.append(fidelity.check_global(answer, key))
                break
            except Exception as exc:  # noqa: BLE001
                print(exc)
    return items, ratings, input("What I'd do differently (one sentence): ")


def _list(args) -> int:
    from iopkit.records import audit, fidelity
    from iopkit.records.commands import open_vault

    vault = open_vault(args)
    with vault.transaction() as conn:
        checks = fidelity.verify(conn)
        audit.append(conn, "view", "fidelity", None)
    if not checks:
        print("No fidelity forms in this records store yet.")
    for c in sorted(checks, key=lambda c: c.form.id):
        f = c.form
        print(f"{f.id:>4}  {f.date.isoformat()}  {f.cohort}  session {f.position}  {f.mode:<10}  {f.facilitator}  "
              f"({c.state})")
    return 0


def _form_number(args) -> int:
    if not args.form or not str(args.form).isdigit():
        raise RecordInputError(f'FORM: got "{args.form or ""}", expected a form number (iopkit fidelity list shows them)')
    return int(args.form)


def _sign(args) -> int:
    from iopkit.records import fidelity
    from iopkit.records.commands import open_vault

    number = _form_number(args)
    for flag in ("name", "credential", "feedback", "plan"):
        if not getattr(args, flag):
            raise RecordInputError(f"--{flag}: expected it to sign a form (name, credential, feedback and one "
                                   "development-plan item)")
    vault = open_vault(args)
    with vault.transaction() as conn:
        form = fidelity.sign_form(conn, number, name=args.name, credential=args.credential, feedback=args.feedback,
                                  plan=args.plan)
    print(fidelity.render_text(form))
    _say(f"Signed fidelity form {form.id}. SHA-256 of its content: {form.signed_hash}. Any later change shows in: "
         "iopkit fidelity verify")
    return 0


def _verify(args) -> int:
    from iopkit.records import audit, fidelity
    from iopkit.records.commands import open_vault

    vault = open_vault(args)
    with vault.transaction() as conn:
        checks = fidelity.verify(conn)
        audit.append(conn, "verify", "fidelity", None)
    changed = [c for c in checks if c.state.startswith("CHANGED")]
    signed = [c for c in checks if c.form.signed]
    for c in changed:
        print(f"Form {c.form.id} ({c.form.date.isoformat()}, {c.form.facilitator}) was CHANGED after it was signed by "
              f"{c.form.signed_name} on {c.form.signed_at}.")
    print(f"{len(checks)} fidelity forms; {len(signed)} signed; {len(changed)} changed after signing.")
    if changed:
        _say("A signed form should never change. Tell the clinical director; compare with the PDF in the "
             "supervision log.")
        return 1
    return 0


def _pdf(args) -> int:
    from iopkit.records.commands import open_vault
    from iopkit.records.fidelity import export_pdf

    number = _form_number(args)
    if not args.pdf:
        raise RecordInputError("--pdf: expected the file to write, like supervision/form-12.pdf")
    vault = open_vault(args)
    out = export_pdf(vault, number, args.pdf)
    _say(f"Wrote {out}: fidelity form {number} for the supervision log. It names staff only.")
    return 0


def cmd_dashboard(args) -> int:
    from iopkit.content.curriculum import load_curriculum
    from iopkit.records import audit, dashboard, people
    from iopkit.records.commands import open_vault
    from iopkit.records.store import write_replace

    if args.app:
        from iopkit.app.launch import dashboard_app

        return dashboard_app(Path("."), port=args.port)
    as_of = people.check_date(args.as_of, "--as-of") if args.as_of else None  # None: today, or a demo's end
    folder = args.cohorts or Path.cwd() / "cohorts"
    curriculum = load_curriculum(args.curriculum)
    problems: list[str] = []
    cohorts = dashboard.load_cohorts(folder, curriculum, problems)
    for problem in problems:
        _say(problem)
    vault = open_vault(args)
    with vault.transaction() as conn:
        data = dashboard.compute(conn, cohorts, curriculum, as_of)
        audit.append(conn, "export-csv" if (args.html or args.csv) else "view", "dashboard", None)
    print(dashboard.render_text(data, facilitator=args.facilitator))
    for out, content, kind in ((args.html, lambda: dashboard.render_html(data, export=True,
                                                                          facilitator=args.facilitator).encode(), "page"),
                               (args.csv, lambda: dashboard.to_csv(data), "CSV")):
        if out:
            out = out.expanduser()
            out.parent.mkdir(parents=True, exist_ok=True)
            write_replace(out, content())
            _say(f"Exported the dashboard {kind} to {out}: aggregated counts only, every count from 1 to 10 shown as "
                 "<11, no pseudonyms.")
    return 0


def cmd_demo(args) -> int:
    from iopkit.content.curriculum import load_curriculum
    from iopkit.records import demo
    from iopkit.records.store import Vault, read_passphrase

    folder = args.cohorts or Path.cwd() / "cohorts"
    curriculum = load_curriculum(args.curriculum)
    from iopkit.records import dashboard

    cohorts = dashboard.load_cohorts(folder, curriculum)
    _say("A new records store holding a synthetic program: made-up pseudonyms, no real people. Choose a passphrase.")
    vault, recovery = Vault.create(args.path, read_passphrase("New passphrase: ", confirm=True))
    for warning in vault.warnings:
        _say(warning)
    summary = demo.make_demo(vault, cohorts, curriculum, seed=args.seed)
    print(f"Made {vault.path}: {summary}")
    print(f"Recovery key (shown once): {recovery}")
    print(f"Show it with: iopkit dashboard --vault {vault.path}")
    return 0
