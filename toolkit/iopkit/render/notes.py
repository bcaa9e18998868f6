"""After the group: the half of every progress note that is the same for every member.

For one meeting of a cohort, ``write_notes_kit`` writes:

- the **group section** (no names): what the session taught, in what order, for how long and
  by whom, in DAP, BIRP, SOAP or GIRP shape, as Markdown, plain text (to paste into an EHR)
  and PDF;
- the **member template**: the per-person skeleton, with pick-lists and clearly marked blanks
  that only the clinician fills (behaviour, response, progress on the person's own goal, risk,
  plan, signature). ``render_member_template`` fills the pick-list fields from a plain dict,
  for the records store to use; it refuses the clinician's fields;
- **sign-in sheets** with the Part 2 notice: a roster, and slips (one person each).

Nothing here reads or keeps participant data. Names reach a sign-in sheet only when the
counselor hands a roster file to ``write_notes_kit`` for that one run; they are never written
anywhere else. Markup lives in ``handouts/templates/iopkit/notes/`` (Jinja, autoescaped).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from iopkit import markup, paths
from iopkit.content.schema import BlockKind, ExerciseKind, Session
from iopkit.errors import NotesError, display_path
from iopkit.planning.plan import session_on  # noqa: F401  (callers of the notes kit use it from here)

FORMATS: dict[str, str] = {"dap": "DAP", "birp": "BIRP", "soap": "SOAP", "girp": "GIRP"}

#: Each format's sections, and what the group section puts under each (see group.*.j2).
GROUP_SECTIONS: dict[str, list[tuple[str, str, list[str]]]] = {
    "dap": [("D", "Data", ["interventions", "exercise"]), ("A", "Assessment", ["objectives_pick"]),
            ("P", "Plan", ["homework", "next"])],
    "birp": [("B", "Behavior", ["focus", "member_part"]), ("I", "Intervention", ["interventions", "exercise"]),
             ("R", "Response", ["objectives_pick"]), ("P", "Plan", ["homework", "next"])],
    "soap": [("S", "Subjective", ["member_part"]), ("O", "Objective", ["interventions", "exercise"]),
             ("A", "Assessment", ["objectives_pick"]), ("P", "Plan", ["homework", "next"])],
    "girp": [("G", "Goals", ["focus"]), ("I", "Intervention", ["interventions", "exercise"]),
             ("R", "Response", ["objectives_pick"]), ("P", "Plan", ["homework", "next"])],
}

#: The member template's sections: pick-lists the kit prints, and blanks (CLINICIAN_FIELDS) it never fills.
MEMBER_SECTIONS: dict[str, list[tuple[str, str, list[str]]]] = {
    "dap": [("D", "Data", ["attendance", "participation", "homework_done", "behaviour"]),
            ("A", "Assessment", ["objectives", "response", "progress", "risk"]), ("P", "Plan", ["plan"])],
    "birp": [("B", "Behavior", ["attendance", "participation", "behaviour"]),
             ("I", "Intervention", ["see_group"]),
             ("R", "Response", ["objectives", "homework_done", "response", "progress", "risk"]),
             ("P", "Plan", ["plan"])],
    "soap": [("S", "Subjective", ["reported"]), ("O", "Objective", ["attendance", "participation", "homework_done",
                                                                   "behaviour"]),
             ("A", "Assessment", ["objectives", "progress", "risk"]), ("P", "Plan", ["plan"])],
    "girp": [("G", "Goals", ["progress"]), ("I", "Intervention", ["see_group"]),
             ("R", "Response", ["attendance", "participation", "objectives", "homework_done", "response", "risk"]),
             ("P", "Plan", ["plan"])],
}

#: What only the clinician writes, with the prompt printed above each blank. The kit never fills these.
CLINICIAN_FIELDS: dict[str, str] = {
    "reported": "What this member said about their week, cravings, use and goals (in their words where useful)",
    "behaviour": "This member's observed behaviour and presentation in group",
    "response": "This member's response to today's interventions",
    "progress": "Progress on this member's own treatment-plan goal",
    "risk": "Risk (suicide, overdose, return to use, safety) and any action taken",
    "plan": "Plan for this member (next steps, referrals, changes to the treatment plan)",
    "signature": "Signature, credentials, date and time",
}

#: The pick-lists, with the choices a record may pre-fill (``render_member_template``).
PICK_LISTS: dict[str, tuple[str, list[str]]] = {
    "attendance": ("Attendance", ["present for the whole session", "arrived late", "left early", "absent, excused",
                                  "absent, no notice"]),
    "participation": ("Participation", ["took an active part", "took part when invited", "took little part",
                                        "did not take part"]),
    "homework_done": ("Home practice from the last session", ["done", "partly done", "not done",
                                                              "none was assigned"]),
}
OBJECTIVE_CHOICES = ["met", "partly met", "not met"]
#: Fields a record may pre-fill besides the pick-lists.
PREFILL_TEXT = ("member", "arrival", "leave", "minutes_attended")

SIGN_IN_LAYOUTS = ("roster", "slips")


# ---------------------------------------------------------------- choosing the meeting


def choose_session(plan, date: dt.date | str | None = None, position: int | None = None):
    if (date is None) == (position is None):
        raise NotesError("Choose the group with --date YYYY-MM-DD or --session N (one of them).")
    if position is not None:
        from iopkit.errors import UnknownSessionError

        try:
            return plan.at(int(position))
        except UnknownSessionError as exc:
            raise NotesError(f"--session: {exc}") from None
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise NotesError(f'--date: got "{date}", expected a date written like 2027-01-06') from None
    return session_on(plan, date)


def check_format(fmt: str) -> str:
    key = str(fmt).strip().lower()
    if key not in FORMATS:
        raise NotesError(f'--format: got "{fmt}", expected one of: {", ".join(FORMATS)}')
    return key


# ---------------------------------------------------------------- the group section's facts


def _md_plain(text: str) -> str:
    """Markdown to plain text for an EHR box: no asterisks, backticks or link syntax."""
    text = re.sub(r"\*\*?|__|`", "", text or "")
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[ \t]*\n[ \t]*(?!\n)", " ", text).strip()


def _clock(t: dt.datetime) -> str:
    return t.strftime("%I:%M %p").lstrip("0")


def _technique_key(name: str) -> str:
    name = re.sub(r"\([^)]*\)", "", name).strip().lower()
    return re.sub(r"^the\s+", "", name)


def _in_sentence(name: str) -> str:
    """``Urge surfing`` -> ``urge surfing``; names in capitals (DEAR MAN, STOP) stay as they are."""
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    first = name.split()[0] if name.split() else name
    if first.isupper() or (len(first) > 1 and first[1:].lower() != first[1:]):
        return name
    return name[0].lower() + name[1:]


def _techniques_in(block, techniques: list[tuple[str, str]]) -> list[str]:
    text = f"{block.title} {block.do}".lower()
    return [name for key, name in techniques if key and key in text]


_PRACTICE = {
    ExerciseKind.guided_practice: "Led guided practice of",
    ExerciseKind.role_play: "Led behavioral rehearsal (role-play) of",
    ExerciseKind.worksheet: "Guided a structured worksheet exercise on",
    ExerciseKind.game: "Led a structured group activity on",
}


def intervention_text(block, session: Session, techniques: list[tuple[str, str]]) -> str | None:
    """One agenda block as a note's intervention line (without its minutes); None for the break."""
    kind, title = block.kind, block.title
    found = [_in_sentence(n) for n in _techniques_in(block, techniques)]
    names = ", ".join(found[:-1]) + (" and " if len(found) > 1 else "") + found[-1] if found else ""
    if kind == BlockKind.brk:
        return None
    if kind == BlockKind.check_in:
        if "craving" in block.do.lower():
            return f"Facilitated check-in with craving and mood ratings and any use since the last session (“{title}”)"
        return f"Facilitated check-in (“{title}”)"
    if kind == BlockKind.bridge:
        return f"Linked today's topic to earlier sessions and oriented any new member (“{title}”)"
    if kind == BlockKind.teaching:
        return f"Taught {names} (psychoeducation: “{title}”)" if names else f"Psychoeducation: “{title}”"
    if kind == BlockKind.discussion:
        return f"Facilitated group discussion: “{title}”"
    if kind == BlockKind.practice:
        verb = _PRACTICE.get(session.exercise.kind, "Led practice of")
        return f"{verb} {names} (“{title}”)" if names else f"{verb} “{title}”"
    if kind == BlockKind.wellness:
        return f"Led a wellness practice: {names} (“{title}”)" if names else f"Led a wellness practice: “{title}”"
    if kind == BlockKind.homework:
        return f"Assigned and explained home practice (“{title}”)"
    if kind == BlockKind.check_out:
        return f"Facilitated check-out and restated the group's confidentiality agreement (“{title}”)"
    return f"“{title}”"


@dataclass
class GroupFacts:
    """Everything the group section says, as plain data (no markup, no participant data)."""

    program: str
    group: str
    position: int
    total: int
    title: str
    date: dt.date
    start: str
    end: str
    zone: str
    scheduled_minutes: int
    break_minutes: int
    countable_minutes: int
    count_breaks: bool
    modality: str
    facilitators: list[str]
    level: str
    billing: list[tuple[str, str]]
    interventions: list[tuple[str, int]]
    techniques: list[str]
    objectives: list[str]
    exercise: str
    worksheet: str
    homework: str
    next_session: str
    part2_notice: str
    accent: str
    header: list[tuple[str, str]] = field(default_factory=list)

    @property
    def session_line(self) -> str:
        return f"Session {self.position} of {self.total}: {self.title}"

    @property
    def long_date(self) -> str:
        return f"{self.date:%A}, {self.date:%B} {self.date.day}, {self.date.year}"


def group_facts(plan, item, curriculum) -> GroupFacts:
    """The group section's content for one meeting, from the cohort and the session file."""
    from iopkit.planning.hours import countable_minutes

    cohort, session = plan.cohort, item.session
    if not isinstance(session, Session):
        raise NotesError(f"Session {item.position} ({item.source.name}) is an outline: its notes can be written "
                         "once it is written in full.")
    loc = cohort.level_of_care
    names = {key: technique.name for key, (_, technique) in curriculum.techniques.items()}
    techniques = [(_technique_key(names.get(t, t.replace("-", " "))), names.get(t, t.replace("-", " ")))
                  for t in session.techniques]
    interventions = []
    for b in item.blocks:
        text = intervention_text(b.block, session, techniques)
        if text:
            interventions.append((text, b.minutes))
    s = cohort.schedule
    countable = countable_minutes(cohort, item)
    if cohort.telehealth:
        modality = "Telehealth, group video" + (f" ({cohort.location.platform})" if cohort.location.platform else "")
    else:
        modality = "In person"
    billing = [(label, value.strip()) for label, value in (("HCPCS", loc.hcpcs), ("Revenue code", loc.revenue_code),
                                                           ("Per diem", loc.per_diem)) if value.strip()]
    following = plan.sessions[item.position] if item.position < len(plan.sessions) else None
    next_session = (f"Next group: {following.date:%A}, {following.date:%B} {following.date.day}: session "
                    f"{following.position}, {following.session.title}." if following
                    else "This was the last session of the cycle: plan each member's step-down or next session.")
    e = session.exercise
    facts = GroupFacts(
        program=cohort.program.name, group=cohort.cohort.name, position=item.position, total=item.total,
        title=session.title, date=item.date, start=_clock(item.start), end=_clock(item.end),
        zone=item.start.strftime("%Z"), scheduled_minutes=s.session_minutes,
        break_minutes=sum(b.minutes for b in item.blocks if b.block.kind == BlockKind.brk),
        countable_minutes=countable, count_breaks=loc.count_breaks, modality=modality,
        facilitators=list(cohort.cohort.facilitators), level=f"ASAM Level {loc.asam_level}, {loc.population}",
        billing=billing, interventions=interventions,
        techniques=[name for _, name in techniques], objectives=[_md_plain(o) for o in session.objectives],
        exercise=f"{_md_plain(e.title)} ({e.kind.value.replace('-', ' ')}, about {e.minutes} minutes)",
        worksheet=_md_plain(session.handout.worksheet.title), homework=_md_plain(session.homework),
        next_session=next_session, part2_notice=" ".join(curriculum.program.part2_notice.split()),
        accent=cohort.program.accent_color,
    )
    minutes = (f"{countable} (the {facts.scheduled_minutes}-minute session; the payer counts the break)"
               if loc.count_breaks else
               f"{countable} ({facts.scheduled_minutes} scheduled, less the {facts.break_minutes}-minute break)")
    facts.header = [
        ("Program", facts.program), ("Group", facts.group), ("Session", f"{facts.position} of {facts.total}: {facts.title}"),
        ("Date", facts.long_date), ("Scheduled", f"{facts.start} to {facts.end} {facts.zone}".strip()),
        ("Countable minutes", minutes), ("Modality", modality), ("Facilitators", "; ".join(facts.facilitators)),
        ("Level of care", facts.level),
    ] + billing
    return facts


# ---------------------------------------------------------------- templates


#: Where the kit's templates are, under handouts/templates/ (iopkit.markup's loader).
TEMPLATES = "iopkit/notes/"


def _css() -> str:
    from iopkit.pdf import print_css

    folder = paths.handouts_dir()  # crisis-compact.css: the catch-up page's crisis box in two columns
    return "\n".join([print_css()] + [(folder / n).read_text(encoding="utf-8") for n in ("crisis-compact.css", "notes.css")])


def _render(template: str, **context) -> str:
    """``template`` (a name in iopkit/notes/): HTML ones are autoescaped, Markdown and text ones are not."""
    return markup.render(TEMPLATES + template, **context)


def _shell(accent: str, kind: str = "html") -> dict:
    """What the one document shell (iopkit/base.html.j2) needs: the print CSS and the cohort's accent."""
    from markupsafe import Markup

    return {"css": Markup(_css()), "accent": accent} if kind == "html" else {"css": "", "accent": accent}


def _check(kind: str) -> str:
    if kind not in ("md", "txt", "html"):
        raise NotesError(f'kind: got "{kind}", expected md, txt or html')
    return kind


#: Curly quotes, dashes and the times sign, each to its plain keyboard twin (position by position).
_ASCII = str.maketrans("“”‘’–—×", "\"\"''--x")


def _ascii_quotes(text: str, kind: str) -> str:
    """Plain text goes into EHR boxes that may not keep curly quotes: straight ones instead."""
    if kind != "txt":
        return text
    return text.translate(_ASCII)


def render_group_section(facts: GroupFacts, fmt: str = "dap", kind: str = "md") -> str:
    """The group section in one note format, as Markdown (``md``), plain text (``txt``) or HTML."""
    fmt = check_format(fmt)
    return _ascii_quotes(_render(f"group.{_check(kind)}.j2", f=facts, fmt=fmt, label=FORMATS[fmt],
                                 sections=GROUP_SECTIONS[fmt], choices=OBJECTIVE_CHOICES,
                                 runhead=_runhead(facts, "Group section"), **_shell(facts.accent, kind)), kind)


def _runhead(facts: GroupFacts, kind: str):
    from markupsafe import Markup

    from iopkit.render.fmt import runhead

    return Markup(runhead(facts.program, f"Session {facts.position} of {facts.total} · {facts.date:%b} "
                                         f"{facts.date.day}, {facts.date.year}", kind))


def member_fields(prefill: dict | None) -> dict:
    """Check a record's pre-filled fields: pick-list choices and times only, never the clinician's parts."""
    prefill = dict(prefill or {})
    clinician = sorted(k for k in prefill if k in CLINICIAN_FIELDS)
    if clinician:
        raise NotesError(f"member template: got {', '.join(clinician)}, expected only the fields a record may "
                         "fill in (" + ", ".join(list(PICK_LISTS) + ["objectives"] + list(PREFILL_TEXT)) +
                         "): only the clinician writes " + ", ".join(clinician))
    known = set(PICK_LISTS) | {"objectives"} | set(PREFILL_TEXT)
    unknown = sorted(set(prefill) - known)
    if unknown:
        raise NotesError(f"member template: got a field named {unknown[0]}, expected one of: " + ", ".join(sorted(known)))
    for key, (_label, choices) in PICK_LISTS.items():
        if key in prefill and prefill[key] not in choices:
            raise NotesError(f'member template: {key}: got "{prefill[key]}", expected one of: ' + "; ".join(choices))
    if "objectives" in prefill:
        bad = [v for v in prefill["objectives"] if v is not None and v not in OBJECTIVE_CHOICES]
        if bad:
            raise NotesError(f'member template: objectives: got "{bad[0]}", expected one of: '
                             + ", ".join(OBJECTIVE_CHOICES))
    return {k: ("" if v is None else str(v)) if k in PREFILL_TEXT else v for k, v in prefill.items()}


def render_member_template(facts: GroupFacts, fmt: str = "dap", kind: str = "md", prefill: dict | None = None) -> str:
    """The per-member skeleton, with ``prefill`` (attendance, times, minutes, pick-list choices) filled in.

    ``prefill`` is a plain dict, for example ``{"attendance": "arrived late", "arrival": "9:20 AM",
    "minutes_attended": 145}``; a field only the clinician writes raises ``NotesError``.
    """
    fmt = check_format(fmt)
    filled = member_fields(prefill)
    objectives = list(filled.get("objectives") or [])
    objectives += [None] * (len(facts.objectives) - len(objectives))
    return _ascii_quotes(_render(f"member.{_check(kind)}.j2", f=facts, fmt=fmt, label=FORMATS[fmt],
                                 sections=MEMBER_SECTIONS[fmt], pick_lists=PICK_LISTS, clinician=CLINICIAN_FIELDS,
                                 choices=OBJECTIVE_CHOICES, filled=filled, objective_marks=objectives,
                                 runhead=_runhead(facts, "Member template"), **_shell(facts.accent, kind)), kind)


#: How the records store's attendance status reads in the member template's pick-list.
ATTENDANCE_WORDS = {"present": "present for the whole session", "late": "arrived late", "left-early": "left early"}


def draft_prefill(row: dict) -> dict:
    """A member's pre-filled fields from a records row (``iopkit.records.drafts.prefill``)."""
    filled = {"member": f"{row['pseudonym']}" + (f" ({row['alias']})" if row.get("alias") else ""),
              "minutes_attended": row.get("minutes")}
    if row.get("status") in ATTENDANCE_WORDS:
        filled["attendance"] = ATTENDANCE_WORDS[row["status"]]
    return filled


def member_note(plan, position: int, curriculum, prefill: dict | None = None, fmt: str = "dap",
                kind: str = "md") -> str:
    """One member's template for the session at ``position`` of ``plan``, with ``prefill`` filled in.

    For the records store: it passes attendance, times, minutes and pick-list choices from a
    person's record (and, if it must, ``member``: then the result holds a name and belongs in
    the encrypted store, under the Part 2 notice the template carries).
    """
    return render_member_template(group_facts(plan, plan.at(position), curriculum), fmt, kind, prefill)


def render_sign_in(facts: GroupFacts, layout: str = "roster", names: list[str] | None = None,
                   group_size: int = 10) -> str:
    """A sign-in sheet (HTML) with the Part 2 notice: a roster, or slips with one person each."""
    if layout not in SIGN_IN_LAYOUTS:
        raise NotesError(f'--sign-in: got "{layout}", expected one of: {", ".join(SIGN_IN_LAYOUTS)}')
    names = list(names or [])
    rows = names + [""] * max(0, (group_size + 2 if not names else len(names) + 2) - len(names))
    slips = names if names else [""] * group_size
    return _render(f"sign-in-{layout}.html.j2", f=facts, rows=rows, slips=slips, named=bool(names),
                   runhead=_runhead(facts, "Sign-in"), **_shell(facts.accent))


# ---------------------------------------------------------------- the roster option

_ROSTER_LINE = re.compile(r"^[^\W\d_][\w'’-]*(?:[ -][^\W\d_][\w'’-]*)*\s+[^\W\d_]\.?$")


def read_roster(path: Path | str) -> list[str]:
    """First names and last initials, one a line (``Maria G.``): only for printing sign-in sheets."""
    path = Path(path)
    where = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        raise NotesError(f"--roster: got {where}, expected a text file of first names and last initials, "
                         "one a line (the file cannot be read)") from None
    names = []
    for number, line in enumerate(text.splitlines(), 1):
        line = " ".join(line.split())
        if not line or line.startswith("#"):
            continue
        if not _ROSTER_LINE.match(line):
            # The line itself is not repeated: it may hold a full name.
            raise NotesError(f"{where}:{number}: roster: got a line that is not a first name and a last initial, "
                             "expected a first name and last initial, like Maria G. (no full last names)")
        names.append(line if line.endswith(".") else line + ".")
    if not names:
        raise NotesError(f"{where}: roster: got no names, expected first names and last initials, one a line")
    return names


# ---------------------------------------------------------------- the kit


@dataclass
class NotesKit:
    out_dir: Path
    files: list[Path]
    facts: GroupFacts

    def summary(self) -> str:
        lines = [f"Notes kit for {self.facts.session_line}, {self.facts.long_date}: {self.out_dir}"]
        lines += [f"  {p.name}" for p in self.files]
        return "\n".join(lines)


def default_out(cohort, date: dt.date, base: Path | None = None) -> Path:
    return (Path(base) if base else Path("build")) / cohort.slug / "notes" / date.isoformat()


def notes_kit(cohort_file, date=None, session: int | None = None, fmt: str = "dap", roster: Path | None = None,
              curriculum_dir: Path | None = None) -> tuple[GroupFacts, dict[str, bytes | str]]:
    """Everything the kit writes, in memory: {file name: content}. Nothing is written here."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.pdf import html_to_pdf
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_cohort

    fmt = check_format(fmt)
    names = read_roster(roster) if roster else []
    curriculum = load_curriculum(curriculum_dir)
    cohort = load_cohort(cohort_file, curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    facts = group_facts(plan, choose_session(plan, date, session), curriculum)
    files: dict[str, bytes | str] = {
        f"group-section-{fmt}.md": render_group_section(facts, fmt, "md"),
        f"group-section-{fmt}.txt": render_group_section(facts, fmt, "txt"),
        f"group-section-{fmt}.pdf": html_to_pdf(render_group_section(facts, fmt, "html")),
        f"member-template-{fmt}.md": render_member_template(facts, fmt, "md"),
        f"member-template-{fmt}.txt": render_member_template(facts, fmt, "txt"),
        f"member-template-{fmt}.pdf": html_to_pdf(render_member_template(facts, fmt, "html")),
        "sign-in-roster.pdf": html_to_pdf(render_sign_in(facts, "roster", names, cohort.cohort.group_size)),
        "sign-in-slips.pdf": html_to_pdf(render_sign_in(facts, "slips", names, cohort.cohort.group_size)),
    }
    return facts, files


def write_notes_kit(cohort_file, date=None, session: int | None = None, fmt: str = "dap", out: Path | None = None,
                    roster: Path | None = None, curriculum_dir: Path | None = None) -> NotesKit:
    """Make the kit for one meeting and write it to ``out`` (default ``build/<cohort>/notes/<date>``).

    Every file is rendered before the first is written, so bad input writes nothing.
    """
    from iopkit.io import write_atomic
    from iopkit.planning.cohort import load_cohort

    facts, files = notes_kit(cohort_file, date, session, fmt, roster, curriculum_dir)
    out_dir = Path(out) if out else default_out(load_cohort(cohort_file), facts.date)
    written = []
    for name, data in files.items():
        write_atomic(out_dir / name, data)
        written.append(out_dir / name)
    return NotesKit(out_dir, written, facts)
