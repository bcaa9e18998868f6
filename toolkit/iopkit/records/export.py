"""A person's own record as a PDF, with the 42 CFR Part 2 notice at the top.

Rendered fully in memory (Jinja to an HTML string, WeasyPrint to PDF bytes); the only file
written is the PDF the person asked for, atomically (``store.write_replace``). The export is
recorded in the audit trail.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from iopkit.records import audit, people
from iopkit.records.store import write_replace

_STATUS = {"present": "present", "absent": "absent", "late": "late", "left-early": "left early"}


def _notice_and_program() -> tuple[str, str]:
    from iopkit import paths
    from iopkit.content.curriculum import Collector, load_program
    from iopkit.errors import ValidationError

    collector = Collector()
    program = load_program(paths.curriculum_dir(), collector)
    if program is None:
        raise ValidationError(collector.problems or [], "The Part 2 notice could not be read from program.yaml; "
                              "fix it, then export again.")
    return " ".join(str(program.part2_notice).split()), str(program.name)


def fonts_css():
    """The shipped fonts' @font-face rules, as safe CSS for the document shell (iopkit/base.html.j2)."""
    from markupsafe import Markup

    from iopkit.pdf import font_faces

    return Markup(font_faces())


def record_html(person: people.Participant, visits: list[people.Attendance], *, notice: str, program: str,
                prepared: dt.date | None = None) -> str:
    from iopkit import markup

    def day(d):
        return f"{d:%a %b} {d.day}, {d.year}" if d else ""

    rows = [{"date": day(v.date), "status": _STATUS[v.status], "minutes": v.minutes,
             "private": "" if v.telehealth_private is None else ("yes" if v.telehealth_private else "no")}
            for v in visits]
    total = sum(v.minutes for v in visits)
    prepared = prepared or dt.date.today()
    return markup.render(
        "records/record.html.j2", css=fonts_css(), notice=notice, program=program, prepared=day(prepared), pseudonym=person.pseudonym,
        alias=person.alias, cohort=person.cohort, admitted=day(person.admitted), stepped_down=day(person.stepped_down),
        discharged=day(person.discharged), rows=rows, attended=sum(v.status != "absent" for v in visits),
        total_minutes=total, total_hours=f"{total / 60:.2f}")


def export_record(vault, pseudonym: str, out: str | Path) -> Path:
    """Write ``pseudonym``'s own record to ``out`` as a PDF; audited as an export."""
    from iopkit.pdf import html_to_pdf

    out = Path(out).expanduser()
    if out.suffix.lower() != ".pdf":
        from iopkit.errors import RecordInputError

        raise RecordInputError(f'--pdf: got "{out.name}", expected a file name ending in .pdf')
    notice, program = _notice_and_program()
    with vault.transaction() as conn:
        person = people.participant(conn, pseudonym)
        html = record_html(person, people.attendance(conn, person.pseudonym), notice=notice, program=program)
        data = html_to_pdf(html)
        audit.append(conn, "export", "participant", person.pseudonym)
    # The audit entry is saved first: an export that then fails to write is still on the record.
    out.parent.mkdir(parents=True, exist_ok=True)
    write_replace(out, data)
    return out
