"""The catch-up kit: for someone who missed a group, that session's handout and a one-page,
self-guided summary (what the group was about, the main ideas, the practice) at grade 6 or below.

The summary is made from the session's shortest participant-facing fields: the handout's title
and key points, the home practice and the worksheet's title. The session's objectives are
written for facilitators (they score around grade 8), so they are not on this page.
``summary_grade`` scores the whole page text, list items included, with iopkit.content.language.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from iopkit.errors import NotesError

#: The highest reading grade the summary may have (the aim for participant text).
MAX_GRADE = 6.0


@dataclass
class CatchupSummary:
    program: str
    group: str
    accent: str
    position: int
    total: int
    date: str
    title: str
    key_points: list[str]
    practice: str
    worksheet: str
    next_group: str
    clinic_phone: str
    #: The crisis box every handout prints (iopkit.render.boxes.crisis_box: program.yaml's lines, then the
    #: cohort's own), as HTML.
    crisis: str
    #: The running footer's help line and the short one (iopkit.render.i18n: program.yaml's first lines).
    help_line: str = ""
    help_short: str = ""

    def text(self) -> str:
        """The page's words as prose (each list item a sentence), for the reading-level check."""
        parts = [intro(self)] + self.key_points + [self.practice, worksheet_line(self), self.next_group]
        return "\n\n".join(p.strip().rstrip(".") + "." for p in parts if p.strip())


def intro(s: CatchupSummary) -> str:
    return (f"We missed you at group on {s.date}. This page tells you what we did, so you can try it at home. "
            "The handout has more.")


def worksheet_line(s: CatchupSummary) -> str:  # noqa: ARG001 - the same shape as intro()
    return "Fill in the worksheet in the handout. Bring it to your next group."


def catchup_summary(plan, item, curriculum) -> CatchupSummary:
    from iopkit.content.schema import Session
    from iopkit.render import i18n
    from iopkit.render.boxes import crisis_box
    from iopkit.render.notes import _md_plain

    if not isinstance(item.session, Session):
        raise NotesError(f"--session: session {item.position} ({item.source.name}) is an outline: it has no "
                         "handout yet.")
    cohort, session = plan.cohort, item.session
    following = plan.sessions[item.position] if item.position < len(plan.sessions) else None
    next_group = (f"Your next group is on {following.date:%A}, {following.date:%B} {following.date.day} at "
                  f"{following.start.strftime('%I:%M %p').lstrip('0')}" if following else "")
    return CatchupSummary(
        program=cohort.program.name, group=cohort.cohort.name, accent=cohort.program.accent_color,
        position=item.position, total=item.total, date=f"{item.date:%A}, {item.date:%B} {item.date.day}",
        title=_md_plain(session.handout.title), key_points=[_md_plain(p) for p in session.handout.key_points],
        practice=_md_plain(session.homework), worksheet=_md_plain(session.handout.worksheet.title),
        next_group=next_group, clinic_phone=cohort.resources.clinic_phone,
        crisis=crisis_box(curriculum.program, cohort, "en"),
        help_line=i18n.help_line(curriculum.program, "en"), help_short=i18n.help_short(curriculum.program, "en"),
    )


def summary_grade(summary: CatchupSummary) -> float:
    from iopkit.content.language import readability

    return readability(summary.text()).grade


def render_summary(summary: CatchupSummary) -> str:
    from markupsafe import Markup

    from iopkit.render.fmt import runhead
    from iopkit.render.notes import _render, _shell

    return _render("catchup.html.j2", s=summary, intro=intro(summary), worksheet_line=worksheet_line(summary),
                   crisis=Markup(summary.crisis),
                   help={"line": summary.help_line, "short": summary.help_short},
                   runhead=Markup(runhead(summary.program, f"Session {summary.position} of {summary.total}",
                                          "Catch-up")), **_shell(summary.accent))


@dataclass
class CatchupKit:
    out_dir: Path
    files: list[Path]
    grade: float

    def summary(self) -> str:
        return "\n".join([f"Catch-up kit (summary at reading grade {self.grade:.1f}): {self.out_dir}"]
                         + [f"  {p.name}" for p in self.files])


def write_catchup_kit(cohort_file, position: int, out: Path | None = None, curriculum_dir: Path | None = None,
                      build_dir: Path | None = None) -> CatchupKit:
    """Write the missed session's handout and its one-page summary to ``out``
    (default ``build/<cohort>/catchup/session-NN``). The handout comes from the cohort's build
    folder (``build_dir``, default ``build/<cohort>``), built first if it is not there or not current."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.errors import UnknownSessionError
    from iopkit.io import write_atomic
    from iopkit.pdf import html_to_pdf
    from iopkit.pipeline.build import build_cohort
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_cohort

    curriculum = load_curriculum(curriculum_dir)
    cohort = load_cohort(cohort_file, curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    try:
        item = plan.at(int(position))
    except UnknownSessionError as exc:
        raise NotesError(f"--session: {exc}") from None
    summary = catchup_summary(plan, item, curriculum)
    grade = summary_grade(summary)
    pdf = html_to_pdf(render_summary(summary))
    build_dir = Path(build_dir) if build_dir else Path("build") / cohort.slug
    result = build_cohort(cohort.path, sessions=str(item.position), out=build_dir, jobs=1,
                          curriculum_dir=curriculum_dir)
    handout = build_dir.resolve() / f"session-{item.position:02d}" / "handout.pdf"
    if not handout.is_file():
        raise NotesError(f"The handout of session {item.position} could not be built:\n{result.summary()}")
    out_dir = Path(out) if out else build_dir / "catchup" / f"session-{item.position:02d}"
    write_atomic(out_dir / "catch-up-summary.pdf", pdf)
    write_atomic(out_dir / "handout.pdf", handout.read_bytes())
    return CatchupKit(out_dir, [out_dir / "catch-up-summary.pdf", out_dir / "handout.pdf"], grade)
