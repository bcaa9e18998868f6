"""``iopkit new-cohort``: write a commented cohort file from a few answers.

It asks on a terminal for what the flags did not give, or takes everything from flags
(for scripts). The file is validated before it is written, and written atomically.
"""
from __future__ import annotations

import datetime as dt
import sys
from dataclasses import dataclass, field
from pathlib import Path

from iopkit import theme
from iopkit.errors import CohortError, OptionError, Problem, ValidationError
from iopkit.fsguard import output_file
from iopkit.io import write_atomic


@dataclass
class Answers:
    program: str = ""
    name: str = ""
    facilitators: list[str] = field(default_factory=list)
    start: str = ""
    days: list[str] = field(default_factory=list)
    time: str = ""
    time_zone: str = ""
    minutes: int = 180
    break_minutes: int = 15
    telehealth: bool = False
    address: str = ""
    platform: str = ""
    country: str = "US"
    state: str = ""
    clinic_phone: str = ""
    local_crisis_line: str = ""
    naloxone: str = ""


QUESTIONS = [
    ("program", "Program name (printed on every page)", None),
    ("name", "Group name (for example: Monday-Wednesday-Friday Morning Group)", None),
    ("facilitators", "Facilitators, separated by commas", None),
    ("start", "First session date (YYYY-MM-DD)", None),
    ("days", "Meeting days, separated by commas (for example: Monday, Wednesday, Friday)", None),
    ("time", "Start time (for example: 9:00 AM or 18:00)", None),
    ("time_zone", "Time zone", "America/New_York"),
    ("state", "State or province code for holidays (for example: MN); leave empty for national holidays only", ""),
]


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(a: Answers) -> str:
    """The cohort file's text, with a comment on every setting."""
    days = ", ".join(_toml_str(d) for d in a.days)
    facilitators = ", ".join(_toml_str(f) for f in a.facilitators)
    holidays = (f'{{ country = {_toml_str(a.country)}, subdivision = {_toml_str(a.state)} }}' if a.state
                else f"{{ country = {_toml_str(a.country)} }}")
    location = (f'mode = "telehealth"\nplatform = {_toml_str(a.platform)}      # the video platform\n'
                if a.telehealth else f'mode = "in-person"\naddress = {_toml_str(a.address)}\n')
    return f"""# Cohort file written by `iopkit new-cohort` on {dt.date.today().isoformat()}.
# Check it with `iopkit validate THIS-FILE`, build with `iopkit build THIS-FILE`.
# Dates are written like 2027-01-04 (no quotes). Nothing about participants goes here.
schema = 1

[program]
name = {_toml_str(a.program)}        # printed on every guide and handout
# logo = "logo.png"                   # an image next to this file
accent_color = "{theme.ACCENT}"              # the color of headings and boxes

[cohort]
name = {_toml_str(a.name)}
facilitators = [{facilitators}]
group_size = 10
time_of_day = "{'evening' if _hour(a.time) >= 16 else 'afternoon' if _hour(a.time) >= 12 else 'morning'}"

[schedule]
start_date = {a.start}               # must fall on a meeting day
meeting_days = [{days}]
start_time = {_toml_str(a.time)}
session_minutes = {a.minutes}         # the curriculum is written for 180; others rescale
break_minutes = {a.break_minutes}
time_zone = {_toml_str(a.time_zone)}
holidays = {holidays}                 # skipped automatically
closures = []                         # other days the program is closed, like [2027-03-15]
# step_down = [{{ weeks = 8, days = ["Monday", "Wednesday", "Friday"] }}, {{ days = ["Monday", "Thursday"] }}]

[location]
{location}
[resources]                           # printed in every handout's resource box
clinic_phone = {_toml_str(a.clinic_phone)}
local_crisis_line = {_toml_str(a.local_crisis_line)}
naloxone = {_toml_str(a.naloxone)}
meetings = []                         # nearby mutual-help meetings, one text each

[curriculum]                          # changes to the 36 sessions (all optional)
# skip = ["work-job-skills"]
# swap = [{{ replace = "practical-stressors", with = "custom/our-session.yaml" }}]

# The level of care: the weekly hours check and the progress-note headers. Without this section
# iopkit checks adult ASAM 2.1: at least 540 minutes (9 hours) a week, the break not counted.
# [level_of_care]
# asam_level = "2.1"
# population = "adult"                # adult or adolescent (at least 6 hours a week)
# count_breaks = false                # true only if your payer counts the break as service time
# weekly_minimum_minutes = 540
# daily_minimum_minutes = 180         # only if your payer sets a daily minimum
# hcpcs = "H0015"                     # billing fields, printed on progress notes, never guessed
# revenue_code = ""
# per_diem = ""

# Reminder texts (`iopkit reminders THIS-FILE`): how they are signed. Never a name that says what
# the group is, since anyone can see a text on a locked phone.
# [reminders]
# sender = "Front desk"
"""


def _hour(text: str) -> int:
    from iopkit.planning.cohort import parse_clock

    try:
        return parse_clock(text).hour
    except ValueError:
        return 9


def ask(answers: Answers, stdin=sys.stdin, stdout=sys.stdout) -> Answers:
    """Fill in what is missing by asking on the terminal, one plain question at a time."""
    for name, question, default in QUESTIONS:
        current = getattr(answers, name)
        if current:
            continue
        suffix = f" [{default}]" if default else ""
        stdout.write(f"{question}{suffix}: ")
        stdout.flush()
        reply = stdin.readline().strip() or (default or "")
        if name in ("facilitators", "days"):
            setattr(answers, name, [x.strip() for x in reply.split(",") if x.strip()])
        else:
            setattr(answers, name, reply)
    if not answers.telehealth and not answers.address:
        stdout.write("Address where the group meets (leave empty for a telehealth group): ")
        stdout.flush()
        reply = stdin.readline().strip()
        if reply:
            answers.address = reply
        else:
            answers.telehealth = True
    return answers


def write_cohort(path: Path, answers: Answers, force: bool = False) -> Path:
    """Validate the answers as a cohort file, then write it atomically."""
    import tempfile

    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort

    for name, _, default in QUESTIONS:  # flags left empty take the question's default
        if default and not getattr(answers, name):
            setattr(answers, name, default)
    missing = [n for n, _, _ in QUESTIONS if not getattr(answers, n) and n not in ("state",)]
    if missing:
        raise CohortError([Problem(str(path), None, m.replace("_", " "), "nothing", "an answer (or the --" +
                                   m.replace("_", "-") + " flag)") for m in missing])
    try:
        dt.date.fromisoformat(answers.start)
    except ValueError:
        raise CohortError([Problem(str(path), None, "start", f'"{answers.start}"', "a date like 2027-01-04")]) from None
    from dataclasses import fields

    from iopkit.planning.cohort import _CONTROL

    broken = [f.name for f in fields(answers) if any(_CONTROL.search(v) for v in (
        getattr(answers, f.name) if isinstance(getattr(answers, f.name), list) else [getattr(answers, f.name)])
        if isinstance(v, str))]
    if broken:  # a line break typed into a flag would otherwise reach the calendar file
        raise CohortError([Problem(str(path), None, name.replace("_", " "), "text with a line break",
                                   "one line of text") for name in broken])
    output_file(path, "cohort file", "evening.toml")
    if path.exists() and not force:
        raise OptionError(f"{path} already exists. Choose another name, or add --force to replace it.")
    text = render(answers)
    with tempfile.TemporaryDirectory() as tmp:
        draft = Path(tmp) / path.name
        draft.write_text(text)
        try:
            load_cohort(draft, curriculum=load_curriculum())
        except ValidationError as exc:  # report against the file the counselor asked for
            raise CohortError([Problem(str(path), p.line, p.field, p.got, p.expected) for p in exc.problems]) from None
    write_atomic(path, text)
    return path
