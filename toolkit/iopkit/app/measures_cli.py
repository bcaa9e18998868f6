"""``iopkit measures``: list the instruments, score one administration, print a blank form,
and show what is due. Each command calls one library function; nothing here stores answers
(``record`` and the other commands over the records store are in ``records/measures_commands.py``).

Exit codes: 0 done; 2 bad input (unknown measure, wrong answers); 3 scored, and a safety item
needs a same-day follow-up (the prompt is on stderr, even with --quiet).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from iopkit.io import write_atomic

#: Exit code when scoring worked and a safety follow-up is needed, so scripts cannot miss it.


def add_commands(sub) -> None:
    """Add ``iopkit measures ...`` to the main parser's subcommands."""
    m = sub.add_parser("measures", help="standard measures: list them, score answers, print blank forms")
    msub = m.add_subparsers(title="measures commands", metavar="COMMAND")
    m.set_defaults(func=lambda args: (m.print_help(), 0)[1])

    ls = msub.add_parser("list", help="list the measures, their licences, and the ones iopkit never shows")
    ls.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    ls.set_defaults(func=cmd_list)

    s = msub.add_parser("score", help="score one set of answers (nothing is stored)")
    s.add_argument("measure", metavar="MEASURE", help="for example PHQ-9, GAD-7, PCL-5, PACS, BAM")
    s.add_argument("--answers", required=True, metavar="LIST",
                   help="the answers in item order, separated by commas; - for an item left blank")
    s.add_argument("--quiet", action="store_true", help="print only the total (safety prompts still show)")
    s.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    s.set_defaults(func=cmd_score)

    f = msub.add_parser("form", help="write a blank printed form as a PDF")
    f.add_argument("measure", metavar="MEASURE")
    f.add_argument("--pdf", type=Path, required=True, metavar="FILE", help="where to write the PDF")
    f.add_argument("--large-print", action="store_true", help="large print (body text 18 pt or more)")
    f.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    f.set_defaults(func=cmd_form)

    d = msub.add_parser("due", help="which measures the default schedule says are due (no name needed)")
    d.add_argument("--admitted", required=True, help="the day the person was admitted, like 2027-02-10")
    d.add_argument("--today", help="the day to check (default: today)")
    d.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)
    d.set_defaults(func=cmd_due)

    # record, progress, caseload, summary, export: the measures kept in the encrypted records store.
    from iopkit.app.measures_commands import add_commands as add_store_commands

    add_store_commands(msub)


def _measures(args):
    from iopkit.measures.load import load_measures

    return load_measures(getattr(args, "curriculum", None))


def cmd_list(args) -> int:
    ms = _measures(args)
    print("Measures in iopkit:")
    for m in ms.measures.values():
        form = "Printed form in iopkit" if m.printable else "Give the source's own form; enter the answers here"
        print(f"  {m.id:<16} {m.name} ({m.recall}). Licence: {m.licence.status.value}. {form}.")
    print("\nNever shown by iopkit (where to get them):")
    for other in ms.elsewhere.values():
        print(f"  {other.id:<16} {other.name}. Licence: {other.licence.status.value}. {other.get_it}")
    return 0


def cmd_score(args) -> int:
    from iopkit.measures.safety import alert_text
    from iopkit.measures.score import parse_answers, score_answers

    ms = _measures(args)
    measure = ms.get(args.measure)
    score = score_answers(measure, parse_answers(args.answers))
    if score.safety:
        # First, on stderr, before anything else, whatever --quiet says.
        print(alert_text(score.safety, ms), file=sys.stderr)
    if args.quiet:
        print(f"{score.measure}: {score.total_text()}" + (f", {score.band}" if score.band else ""))
    else:
        print(describe(score, measure, ms))
    from iopkit.measures.safety import EXIT_SAFETY

    return EXIT_SAFETY if score.follow_up_needed else 0


def describe(score, measure, ms) -> str:
    """A plain-text report of one scored administration, for the counselor's terminal."""
    lines = [f"{measure.id}: {measure.name} ({measure.recall})"]
    if measure.total:
        band = f", {score.band}" if score.band else ""
        lines.append(f"Total: {score.total_text()}{band}")
        if measure.total.reliable_change:
            rc = measure.total.reliable_change
            lines.append(f"Reliable change: {rc.points} points. {rc.says}")
    for sub in score.subscales:
        value = "not added up (items left blank)" if sub.value is None else f"{sub.value} of {sub.high}"
        better = "higher is better" if sub.direction == "higher-is-better" else "lower is better"
        lines.append(f"{sub.name}: {value} ({better})")
    if measure.pattern:
        state = {True: "present", False: "not present", None: "cannot tell (items left blank)"}[score.pattern]
        lines.append(f"{measure.pattern.name.capitalize()}: {state}. {measure.pattern.says}")
    lines.append("Items:")
    for item in score.items:
        lines.append(f"  {item.number:>2}. {item.name}: {item.label}")
    lines += list(score.notes)
    if measure.subscales and not measure.total:
        lines.append("There is no total score: read the items and subscales.")
    cited = list(measure.citations)
    if cited:
        from iopkit.measures.load import load_references_quiet

        refs = load_references_quiet(ms.root.parent)
        lines.append("Sources: " + " ".join(refs[k].citation() if k in refs else k for k in cited))
    lines.append("Nothing was stored.")
    return "\n".join(lines)


def cmd_form(args) -> int:
    from iopkit.measures.forms import form_pdf

    ms = _measures(args)
    measure = ms.get(args.measure)
    write_atomic(args.pdf, form_pdf(measure, ms, large_print=args.large_print))
    print(f"Wrote {args.pdf}")
    return 0


def cmd_due(args) -> int:
    import datetime as dt

    from iopkit.measures.schedule import DateError, due

    def day(text, flag):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise DateError(f'{flag}: got "{text}", expected a date written like 2027-02-10') from None

    ms = _measures(args)
    admitted = day(args.admitted, "--admitted")
    today = day(args.today, "--today") if args.today else dt.date.today()
    names = due(ms.schedule, admitted, today)
    print("Due: " + (", ".join(names) if names else "nothing today"))
    return 0
