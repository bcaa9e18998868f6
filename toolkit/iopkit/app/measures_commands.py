"""``iopkit measures record | progress | caseload | summary | export``: the measures kept in the
encrypted records store. Thin commands over ``measures_store`` and ``iopkit.measures``.

Who sees what:

* ``record``, ``progress``, ``caseload``: the counselor's own terminal. ``caseload`` shows aliases
  (first name and last initial) beside pseudonyms, as ``today`` does; nothing is written to a file.
* ``progress --svg`` and ``summary --pdf``: one person's scores by pseudonym (no alias), written
  atomically, with the 42 CFR Part 2 notice; an explicit export, audited, said so on stderr.
* ``export --csv``: the director's de-identified aggregates only: counts of people by outcome and
  group, every count from 1 to 10 hidden and complementary cells hidden too
  (``iopkit.measures.suppress``). No pseudonym, alias or date of a person is in it.

Exit codes: 0 done; 2 bad input (nothing stored); 3 stored, and a safety item needs a same-day
follow-up (the prompt is on stderr, before anything else).
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from iopkit.errors import RecordInputError


def add_commands(msub) -> None:
    """Add the store's commands to ``iopkit measures``' subcommands."""
    vault = argparse.ArgumentParser(add_help=False)
    vault.add_argument("--vault", metavar="PATH",
                       help="the records store (default: the IOPKIT_RECORDS environment variable)")
    vault.add_argument("--curriculum", type=Path, help=argparse.SUPPRESS)

    r = msub.add_parser("record", parents=[vault],
                        help="store one administration in the records store (counselor entry from paper)")
    r.add_argument("pseudonym", metavar="PSEUDONYM", help="the person's pseudonym, like P-7K2Q")
    r.add_argument("measure", metavar="INSTRUMENT", help="for example PHQ-9, GAD-7, PCL-5, PACS, BAM")
    r.add_argument("--answers", metavar="LIST",
                   help="the answers in item order, separated by commas; - for an item left blank. Left out: "
                   "iopkit asks for them, which keeps them out of the shell's history file")
    r.add_argument("--date", help="the day the measure was given, like 2027-02-10 (default: today)")
    r.add_argument("--entered-by", choices=("paper", "counselor"), default="paper",
                   help="paper: the person filled in a paper form (the default); counselor: asked aloud")
    r.set_defaults(func=cmd_record)

    p = msub.add_parser("progress", parents=[vault],
                        help="one person's measures over time: change, reliable change, not on track")
    p.add_argument("pseudonym", metavar="PSEUDONYM")
    p.add_argument("--svg", type=Path, metavar="FILE", help="also write the trajectory charts as an SVG file")
    p.set_defaults(func=cmd_progress)

    c = msub.add_parser("caseload", parents=[vault],
                        help="who in a cohort is not on track (counselor's screen only)")
    c.add_argument("cohort", type=Path, metavar="COHORT", help="the cohort file, like cohorts/example.toml")
    c.add_argument("--date", help="another day than today, like 2027-02-01")
    c.set_defaults(func=cmd_caseload)

    s = msub.add_parser("summary", parents=[vault],
                        help="the one-page outcomes summary for reauthorization, with the Part 2 notice")
    s.add_argument("pseudonym", metavar="PSEUDONYM")
    s.add_argument("--pdf", required=True, type=Path, metavar="FILE")
    s.set_defaults(func=cmd_summary)

    e = msub.add_parser("export", parents=[vault],
                        help="the director's outcome counts by group as CSV, small counts hidden")
    e.add_argument("--csv", required=True, type=Path, metavar="FILE")
    e.set_defaults(func=cmd_export)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _measures(args):
    from iopkit.measures.load import load_measures

    return load_measures(getattr(args, "curriculum", None))


def _day(text: str | None, flag: str) -> dt.date:
    from iopkit.records import people

    return people.check_date(text, flag) if text else dt.date.today()


# ---------------------------------------------------------------- record

def cmd_record(args) -> int:
    from iopkit.measures.safety import EXIT_SAFETY
    from iopkit.records import people
    from iopkit.records.commands import open_vault
    from iopkit.records.measures_store import print_prompt, record_administration, score_administration

    ms = _measures(args)
    answers = args.answers
    if answers is None:  # typed at a prompt: a command line with answers would stay in the shell's history

        measure = ms.get(args.measure)
        if not sys.stdin.isatty():
            raise RecordInputError("--answers: expected the answers (like 0,1,2,-,3); there is no terminal to ask on")
        answers = input(f"{measure.id} answers, items {measure.items[0].number} to {measure.items[-1].number} in "
                        "order, separated by commas (- for an item left blank): ")
    score = score_administration(args.measure, answers, ms)  # bad answers: exit 2, nothing asked or stored
    if score.safety:
        print_prompt(score, ms)  # first: before the passphrase is asked for, before any other message
    pseudonym = people.check_pseudonym(args.pseudonym)
    day = _day(args.date, "--date")
    vault = open_vault(args)
    # The prompt was shown above for exactly this score; record_administration scores again and shows it
    # again only if the answers give a different score.
    score = record_administration(vault, pseudonym, score.measure, day, list(score.answers), args.entered_by,
                                  measures=ms, score=score)
    band = f", {score.band}" if score.band else ""
    total = f": total {score.total_text()}{band}" if score.total_range else ""
    subs = "; ".join(f"{s.name} {s.value if s.value is not None else 'not added up'}" for s in score.subscales)
    print(f"Stored {score.measure} for {pseudonym} on {day.isoformat()}{total}" + (f" ({subs})" if subs else "") + ".")
    for note in score.notes:
        print(note)
    if score.safety:
        _say("The answers are stored. The safety follow-up above is still needed today.")
        return EXIT_SAFETY
    return 0


# ---------------------------------------------------------------- progress

def progress_text(pseudonym: str, rows, ms) -> str:
    """One person's measures, measure by measure, for the counselor's terminal (no alias)."""
    from iopkit.measures.progress import change, not_on_track, totals

    if not rows:
        return f"{pseudonym}: no measures recorded yet."
    lines = [f"Measures for {pseudonym} ({len(rows)} administration{'s' if len(rows) != 1 else ''}):"]
    by_measure: dict[str, list] = {}
    for row in rows:
        by_measure.setdefault(row.instrument, []).append(row)
    for instrument, given in by_measure.items():
        measure = ms.get(instrument)
        lines.append("")
        lines.append(f"{measure.id}: {measure.name}")
        for row in given:
            s = row.score
            if s.total_range:
                what = s.total_text() + (f", {s.band}" if s.band else "")
            elif s.subscales:
                what = "; ".join(f"{x.name} {x.value if x.value is not None else 'not added up'} of {x.high}"
                                 for x in s.subscales)
            else:
                what = ", ".join(f"{i.name} {i.value if i.value is not None else '-'}" for i in s.items)
            alert = "  SAFETY ITEM: follow-up needed that day" if s.safety else ""
            lines.append(f"  {row.date:%a %b} {row.date.day}, {row.date.year}  {what}  ({row.entered_by}){alert}")
        if measure.total is None:
            continue
        admins = [r.administration for r in given]
        points = totals(admins, measure)
        if len(points) >= 2:
            c = change(measure, points[0][1], points[-1][1])
            lines.append(f"  Since the first: {c.text(measure)}.")
        reasons = not_on_track(measure, admins)
        if reasons:
            lines += [f"  NOT ON TRACK: {reason}" for reason in reasons]
        elif len(points) >= 2:
            lines.append("  On track by iopkit's rules (not worse by the reliable-change value; improving by week 3).")
        else:
            lines.append("  Too early to tell (one administration).")
    return "\n".join(lines)


def progress_svg(pseudonym: str, rows, ms, notice: str) -> str:
    """Every measure with a total, one chart under another, titled with the pseudonym, with the notice."""
    import textwrap

    from iopkit.markup import esc as escape
    from iopkit.measures.progress import chart_svg

    width, height, gap = 360, 200, 10
    charts = []
    for instrument in dict.fromkeys(r.instrument for r in rows):
        measure = ms.get(instrument)
        if measure.total is not None:
            charts.append(chart_svg(measure, [r.administration for r in rows if r.instrument == instrument],
                                    width=width, height=height))
    notice_lines = textwrap.wrap(" ".join(notice.split()), 80)
    top = 26
    y = top
    parts = []
    for chart in charts:
        parts.append(chart.replace("<svg ", f'<svg x="0" y="{y}" ', 1))
        y += height + gap
    text = "".join(f'<text x="4" y="{y + 12 + 11 * i}" font-size="8.5">{escape(line)}</text>'
                   for i, line in enumerate(notice_lines))
    total = y + 16 + 11 * len(notice_lines)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="{width}" height="{total}" '
            f'font-family="iopkit Sans, DejaVu Sans, sans-serif">'
            f"<title>Measures for {escape(pseudonym)}</title>"
            f'<rect x="0" y="0" width="{width}" height="{total}" fill="#ffffff"/>'
            f'<text x="4" y="17" font-size="13" font-weight="bold">Measures for {escape(pseudonym)}</text>'
            + "".join(parts) + text + "</svg>\n")


def cmd_progress(args) -> int:
    from iopkit.records import audit, people
    from iopkit.records.commands import open_vault
    from iopkit.records.measures_store import administrations_in
    from iopkit.records.store import write_replace

    ms = _measures(args)
    pseudonym = people.check_pseudonym(args.pseudonym)
    if args.svg and args.svg.suffix.lower() != ".svg":
        raise RecordInputError(f'--svg: got "{args.svg.name}", expected a file name ending in .svg')
    vault = open_vault(args)
    with vault.transaction() as conn:
        people.participant(conn, pseudonym)
        rows = administrations_in(conn, pseudonym, measures=ms)
        audit.append(conn, "export" if args.svg else "view", "measure", pseudonym)
    print(progress_text(pseudonym, rows, ms))
    if args.svg:
        if not any(ms.get(r.instrument).total is not None for r in rows):
            raise RecordInputError(f"--svg: {pseudonym} has no measure with a total to chart yet; nothing was written")
        out = args.svg.expanduser()
        out.parent.mkdir(parents=True, exist_ok=True)
        write_replace(out, progress_svg(pseudonym, rows, ms, ms.part2_notice).encode("utf-8"))
        _say(f"Wrote {out}: {pseudonym}'s charts with the Part 2 notice. It is NOT encrypted and is a Part 2 record: "
             "keep it on an encrypted disk and delete it when done.")
    return 0


# ---------------------------------------------------------------- caseload

def caseload_lines(conn, slug: str, day: dt.date, ms) -> list[str]:
    """Who in cohort ``slug`` is not on track on ``day`` (aliases shown: the counselor's screen only)."""
    from iopkit.measures.caseload import not_on_track_list
    from iopkit.records import people
    from iopkit.records.measures_store import administrations_in, by_person

    members = [p for p in people.participants(conn, slug) if p.active_on(day)]
    rows = [r for r in administrations_in(conn, measures=ms) if r.date <= day]
    theirs = by_person([r for r in rows if r.pseudonym in {m.pseudonym for m in members}])
    flagged = not_on_track_list(ms, theirs)
    lines = [f"Measures caseload: {slug}, {day:%A %B} {day.day}, {day.year}",
             "Counselor only: do not print, project or share this screen.", "",
             f"{len(members)} member{'s' if len(members) != 1 else ''} active; "
             f"{sum(1 for m in members if theirs.get(m.pseudonym))} with measures recorded.", "",
             "Not on track (worse by the reliable-change value, or no better by week 3):"]
    if flagged:
        for member in members:
            for i, reason in enumerate(flagged.get(member.pseudonym, [])):
                lines.append(f"  {member.label}: {reason}" if i == 0 else f"  {' ' * len(member.label)}  {reason}")
    else:
        lines.append("  nobody")
    none = [m.label for m in members if not theirs.get(m.pseudonym)]
    lines.append("No measures recorded yet:")
    lines += [f"  {label}" for label in none] or ["  nobody"]
    return lines


def _cohort_slug(conn, given: Path) -> str:
    from iopkit.records import people

    slug = people.cohort_slug(given)
    if given.is_file() or people.participants(conn, slug):
        return slug
    raise RecordInputError(f"COHORT: there is no cohort file at {given}, and nobody in the records store is in a "
                           f'cohort called "{slug}"')


def cmd_caseload(args) -> int:
    from iopkit.records import audit
    from iopkit.records.commands import open_vault

    ms = _measures(args)
    day = _day(args.date, "--date")
    vault = open_vault(args)
    with vault.transaction() as conn:
        lines = caseload_lines(conn, _cohort_slug(conn, args.cohort), day, ms)
        audit.append(conn, "view", "measure", None)
    print("\n".join(lines))
    return 0


# ---------------------------------------------------------------- summary

def cmd_summary(args) -> int:
    from iopkit.measures.summary import summary_pdf
    from iopkit.records import audit, people
    from iopkit.records.commands import open_vault
    from iopkit.records.measures_store import administrations_in
    from iopkit.records.store import write_replace

    ms = _measures(args)
    pseudonym = people.check_pseudonym(args.pseudonym)
    out = args.pdf.expanduser()
    if out.suffix.lower() != ".pdf":
        raise RecordInputError(f'--pdf: got "{out.name}", expected a file name ending in .pdf')
    vault = open_vault(args)
    with vault.transaction() as conn:
        people.participant(conn, pseudonym)
        rows = administrations_in(conn, pseudonym, measures=ms)
        if not rows:
            raise RecordInputError(f"{pseudonym} has no measures recorded yet, so there is nothing to summarize")
        data = summary_pdf(pseudonym, [r.administration for r in rows], ms)  # in memory, never a temp file
        audit.append(conn, "export", "measures-summary", pseudonym)
    # The audit entry is saved first: an export that then fails to write is still on the record.
    out.parent.mkdir(parents=True, exist_ok=True)
    write_replace(out, data)
    _say(f"Wrote {out}: {pseudonym}'s outcomes summary with the Part 2 notice. It is NOT encrypted: send it as the "
         "clinic's policy allows (the person's consent covers it), then delete this copy.")
    return 0


# ---------------------------------------------------------------- the director's export

def outcome_tables(rows, group_of: dict[str, str], ms) -> dict[str, object]:
    """``{measure id: SuppressedTable}`` for each measure with a total that anyone was given."""
    from iopkit.measures.caseload import outcome_table
    from iopkit.records.measures_store import by_person

    out: dict[str, object] = {}
    for instrument in dict.fromkeys(r.instrument for r in rows):
        measure = ms.get(instrument)
        if measure.total is None:
            continue
        people_rows = by_person([r for r in rows if r.instrument == instrument])
        out[measure.id] = outcome_table(measure, people_rows, group_of)
    return out


def tables_csv(tables: dict) -> bytes:
    """One CSV: a block per measure (measure, outcome, each group, Total), suppressed cells as <11 and *."""
    import csv
    import io

    from iopkit.measures.suppress import SMALL

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for measure_id, table in tables.items():
        writer.writerow(["measure", "outcome"] + list(table.columns))
        for row in table.rows:
            writer.writerow([measure_id, row] + [table.shown(row, col) for col in table.columns])
        writer.writerow([])
    writer.writerow([f"<{SMALL + 1}: a count from 1 to {SMALL}, hidden. *: hidden so the small counts cannot be "
                     "worked out from the totals. Counts are people (first against latest total)."])
    return buffer.getvalue().encode("utf-8")


def cmd_export(args) -> int:
    from iopkit.records import audit, people
    from iopkit.records.commands import open_vault
    from iopkit.records.measures_store import administrations_in
    from iopkit.records.store import write_replace

    ms = _measures(args)
    out = args.csv.expanduser()
    if out.suffix.lower() != ".csv":
        raise RecordInputError(f'--csv: got "{out.name}", expected a file name ending in .csv')
    vault = open_vault(args)
    with vault.transaction() as conn:
        group_of = {p.pseudonym: p.cohort for p in people.participants(conn)}
        tables = outcome_tables(administrations_in(conn, measures=ms), group_of, ms)
        if not tables:
            raise RecordInputError("No measure with a total has been recorded yet, so there is nothing to export")
        audit.append(conn, "export-csv", "measures-aggregate", None)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_replace(out, tables_csv(tables))
    _say(f"Explicit export: wrote {out}, outcome counts by group for {', '.join(tables)}. It holds counts only, no "
         "pseudonym or name; every count from 1 to 10 is hidden, and so is any count that could be worked out from "
         "the others.")
    return 0
