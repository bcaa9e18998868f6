"""The cohort file as a form sees it: read a cohort file into plain values, write changed values back.

The Workbench's Group tab (``iopkit.app.cohort_editor``) shows these values as widgets. This module
has no widgets, so a test can check every step without a browser:

- ``open_document`` / ``new_document``: the cohort file as a tomlkit document (comments, order
  and spacing kept), or a new one laid out like ``cohorts/example.toml``.
- ``read_values(doc)``: ``{(section, key): value}`` for every setting the form knows.
- ``apply_values(doc, values)``: write back only the settings whose meaning changed, each in
  its place; a new setting goes where ``cohorts/example.toml`` documents it. Settings and
  sections the form does not know are left exactly as they were.
- ``check_text(text, path, curriculum)``: the same check as ``iopkit validate`` (``load_cohort``
  with the curriculum), on an unsaved draft; each ``Problem`` is mapped to the form's field by
  ``field_of``.
- ``calendar(...)``: what the calendar preview shows (dates, holidays and closures skipped,
  step-down weeks, hours a week).
- ``save_text(path, text, ...)``: validate, then write atomically.
"""
from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Array, Item, Table

from iopkit import paths, theme
from iopkit.errors import CohortError, IopkitError, Problem
from iopkit.io import write_atomic
from iopkit.planning.cohort import AFTERCARE_MINUTES, WEEKDAYS, parse_clock, parse_weekday

Key = tuple[str, str]

#: Every setting the form edits, in the order cohorts/example.toml documents them.
SETTINGS: dict[str, tuple[str, ...]] = {
    "program": ("name", "logo", "accent_color"),
    "cohort": ("name", "facilitators", "group_size", "time_of_day", "track", "aftercare"),
    "schedule": ("start_date", "meeting_days", "start_time", "session_minutes", "break_minutes", "weeks",
                 "end_date", "time_zone", "holidays", "closures", "step_down"),
    "location": ("mode", "address", "platform"),
    "resources": ("clinic_phone", "local_crisis_line", "naloxone", "meetings", "other"),
    "curriculum": ("order", "skip", "swap", "add"),
    "level_of_care": ("asam_level", "population", "count_breaks", "weekly_minimum_minutes", "daily_minimum_minutes",
                      "hcpcs", "revenue_code", "per_diem"),
}
KEYS: tuple[Key, ...] = tuple((section, key) for section, keys in SETTINGS.items() for key in keys)

#: What a setting means when the file leaves it out (the cohort model's defaults).
DEFAULTS: dict[Key, Any] = {
    ("program", "name"): "", ("program", "logo"): None, ("program", "accent_color"): theme.ACCENT,
    ("cohort", "name"): "", ("cohort", "facilitators"): [], ("cohort", "group_size"): 10,
    ("cohort", "time_of_day"): "morning", ("cohort", "track"): "iop", ("cohort", "aftercare"): None,
    ("schedule", "start_date"): None, ("schedule", "meeting_days"): [], ("schedule", "start_time"): "",
    ("schedule", "session_minutes"): 180, ("schedule", "break_minutes"): 15, ("schedule", "weeks"): None,
    ("schedule", "end_date"): None, ("schedule", "time_zone"): "America/New_York", ("schedule", "holidays"): None,
    ("schedule", "closures"): [], ("schedule", "step_down"): [],
    ("location", "mode"): "in-person", ("location", "address"): "", ("location", "platform"): "",
    ("resources", "clinic_phone"): "", ("resources", "local_crisis_line"): "", ("resources", "naloxone"): "",
    ("resources", "meetings"): [], ("resources", "other"): [],
    ("curriculum", "order"): [], ("curriculum", "skip"): [], ("curriculum", "swap"): [], ("curriculum", "add"): [],
    ("level_of_care", "asam_level"): "2.1", ("level_of_care", "population"): "adult",
    ("level_of_care", "count_breaks"): False, ("level_of_care", "weekly_minimum_minutes"): None,
    ("level_of_care", "daily_minimum_minutes"): None, ("level_of_care", "hcpcs"): "",
    ("level_of_care", "revenue_code"): "", ("level_of_care", "per_diem"): "",
}
#: Settings that leave the file when the form empties them (the rest are written even when empty).
DROP_WHEN_EMPTY = {("program", "logo"), ("cohort", "aftercare"), ("schedule", "weeks"), ("schedule", "end_date"),
                   ("schedule", "holidays"), ("location", "address"), ("location", "platform"),
                   ("level_of_care", "weekly_minimum_minutes"), ("level_of_care", "daily_minimum_minutes")}

HEADER = """# Cohort file for one group, made in the iopkit Workbench (Group tab) on {today}.
# You can also change it by hand; check it with `iopkit validate THIS-FILE`.
# Dates are written like 2027-01-04 (no quotes); times like "9:00 AM" or "18:30".
# Nothing about participants goes in this file: it is printed on handouts.
"""


# ---------------------------------------------------------------- the document


def open_document(path: Path) -> tomlkit.TOMLDocument:
    """The cohort file as tomlkit reads it; a file TOML cannot read is a plain ``CohortError``."""
    from iopkit.content.sources import read_toml

    read_toml(Path(path))  # the same plain message as `iopkit validate` for a file TOML cannot read
    return tomlkit.parse(Path(path).read_text(encoding="utf-8"))


def new_document(today: dt.date | None = None) -> tomlkit.TOMLDocument:
    """A new cohort file laid out like the example (its comments, its order), ready for the form's values."""
    text = paths.example_cohort().read_text(encoding="utf-8")
    body = text[text.index("schema = 1"):]
    return tomlkit.parse(HEADER.format(today=(today or dt.date.today()).isoformat()) + body)


def parse(text: str) -> tomlkit.TOMLDocument:
    return tomlkit.parse(text)


def text_of(doc: tomlkit.TOMLDocument) -> str:
    return tomlkit.dumps(doc)


# ---------------------------------------------------------------- values


def _plain(value: Any) -> Any:
    return value.unwrap() if isinstance(value, Item) else value


def read_values(doc: tomlkit.TOMLDocument) -> dict[Key, Any]:
    """Every setting the form knows, as plain Python values (the default where the file has none)."""
    values: dict[Key, Any] = {}
    track = _plain(doc.get("cohort", {}).get("track", "iop")) if isinstance(doc.get("cohort"), dict) else "iop"
    for key in KEYS:
        table = doc.get(key[0])
        if isinstance(table, dict) and key[1] in table:
            values[key] = _plain(table[key[1]])
        else:
            values[key] = default_of(key, track)
    return values


def default_of(key: Key, track: str = "iop") -> Any:
    if track == "aftercare" and key == ("schedule", "session_minutes"):
        return AFTERCARE_MINUTES
    if track == "aftercare" and key == ("schedule", "break_minutes"):
        return 0
    value = DEFAULTS[key]
    return list(value) if isinstance(value, list) else value


def _norm(key: Key, value: Any, resolve=None) -> Any:
    """A value as it means: two values that normalize alike need no change in the file."""
    value = _plain(value)
    if key == ("schedule", "start_time"):
        try:
            return parse_clock(value)
        except ValueError:
            return value
    if key == ("schedule", "meeting_days") and isinstance(value, list):
        return sorted((_day(d) for d in value), key=str)
    if key == ("schedule", "step_down") and isinstance(value, list):
        return [{**s, "days": sorted((_day(d) for d in s.get("days", [])), key=str)} if isinstance(s, dict) else s
                for s in value]
    if key == ("schedule", "holidays") and isinstance(value, dict):
        return {k: v for k, v in value.items() if v not in (None, "")}
    if isinstance(value, str) and key not in (("schedule", "start_time"),):
        return value.strip()
    if key[0] == "curriculum" and resolve is not None:
        return resolve(key, value)
    if isinstance(value, list):
        return [v.strip() if isinstance(v, str) else v for v in value]
    return value


def _day(value: Any) -> Any:
    try:
        return parse_weekday(value)
    except ValueError:
        return value


def apply_values(doc: tomlkit.TOMLDocument, values: dict[Key, Any], resolve=None) -> list[Key]:
    """Write the settings whose meaning changed into ``doc``; return the keys written.

    ``resolve(key, value)`` gives a curriculum change's meaning (session ids instead of numbers,
    the whole order instead of the sessions moved to the front), so an unchanged list is not
    rewritten. A setting the form empties that the model does not need (``DROP_WHEN_EMPTY``)
    leaves the file; the rest keep their line.
    """
    before = read_values(doc)
    changed = []
    for key in KEYS:
        if key not in values:
            continue
        new, old = values[key], before[key]
        if _norm(key, new, resolve) == _norm(key, old, resolve):
            continue
        changed.append(key)
        section, name = key
        table = doc.get(section)
        if new is None or (key in DROP_WHEN_EMPTY and new in ("", [], {})):
            if isinstance(table, dict) and name in table:
                del table[name]
            continue
        if table is None:
            table = _add_section(doc, section)
        _set(table, name, new, SETTINGS[section])
    return changed


def _add_section(doc: tomlkit.TOMLDocument, section: str) -> Table:
    """A new ``[section]`` after the sections the example puts before it, with a blank line above."""
    table = tomlkit.table()
    table.trivia.indent = "\n"
    previous = _previous(doc, section, SETTINGS)
    later = [s for s in list(SETTINGS)[list(SETTINGS).index(section) + 1:] if s in doc]
    if previous is not None:
        doc._insert_after(previous, section, table)
    elif later:
        doc._insert_at(list(doc).index(later[0]), section, table)
    else:
        doc.append(section, table)
    return doc[section]


def _previous(container, name: str, order) -> str | None:
    order = list(order)
    for earlier in reversed(order[:order.index(name)]):
        if earlier in container:
            return earlier
    return None


def _set(table: Table, name: str, value: Any, order) -> None:
    """Set one setting, keeping its comment and, for a list written over several lines, that layout."""
    old: Any = table.item(name) if name in table else None  # an Item (tomlkit's union also names table proxies)
    written = old.as_string() if isinstance(old, Array) else ""
    found = re.match(r"\[\n([ \t]+)", written)
    item = _item(value, multiline="\n" in written, indent=found.group(1) if found else "  ")
    if old is not None:
        item.trivia.comment = old.trivia.comment
        # Keep the comment in its column: the old value's width plus its spaces, less the new value's.
        column = len(old.as_string()) + len(old.trivia.comment_ws)
        item.trivia.comment_ws = " " * max(1, column - len(item.as_string())) if old.trivia.comment else ""
        item.trivia.indent = old.trivia.indent
        table[name] = item
        return
    previous = _previous(table, name, order)
    if previous is not None:
        table.value._insert_after(previous, name, item)
    else:
        table.value._insert_at(0, name, item) if len(table.value) else table.append(name, item)


def _item(value: Any, multiline: bool = False, indent: str = "  ") -> Item:
    """A value as the example file writes it: ``{ key = value }`` tables, long lists one item a line."""
    if isinstance(value, (list, dict)):
        return tomlkit.parse("x = " + _inline(value, multiline, indent) + "\n")["x"]
    return tomlkit.item(value)


def _inline(value: Any, multiline: bool = False, indent: str = "  ") -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_inline(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, list):
        parts = [_inline(v) for v in value]
        if parts and (multiline or sum(len(p) + 2 for p in parts) > 70
                      or any(isinstance(v, dict) for v in value) and len(value) > 1):
            return "[\n" + "".join(f"{indent}{p},\n" for p in parts) + "]"
        return "[" + ", ".join(parts) + "]"
    return tomlkit.item(value).as_string()


# ---------------------------------------------------------------- the curriculum changes


@dataclass
class Changes:
    """The counselor's changes to the curriculum as a list they can reorder.

    ``rows`` holds the ids of the core sessions in the group's order; ``skipped``, ``swaps``
    (id -> elective or custom file) and ``adds`` ((after id, elective or custom file), in file
    order) are the other changes. Keys the curriculum does not know are kept as written in
    ``unknown`` (the validator names them) so nothing a counselor wrote is lost.
    """

    rows: list[str]
    skipped: set[str] = field(default_factory=set)
    swaps: dict[str, str] = field(default_factory=dict)
    adds: list[tuple[str, str]] = field(default_factory=list)
    unknown: dict[str, list] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values: dict[Key, Any], curriculum, track: str = "iop") -> "Changes":
        find = _finder(curriculum, track)
        core = [s.id for s in curriculum.track(track)[0].values()]
        unknown: dict[str, list] = {}
        front = []
        for key in values.get(("curriculum", "order"), []):
            got = find(key)
            (front.append(got) if got and got not in front else unknown.setdefault("order", []).append(key))
        rows = front + [i for i in core if i not in front]
        skipped = set()
        for key in values.get(("curriculum", "skip"), []):
            got = find(key)
            skipped.add(got) if got else unknown.setdefault("skip", []).append(key)
        swaps = {}
        for swap in values.get(("curriculum", "swap"), []):
            got = find(swap.get("replace", "")) if isinstance(swap, dict) else None
            if got and got not in swaps:
                swaps[got] = swap.get("with", "")
            else:
                unknown.setdefault("swap", []).append(swap)
        adds = []
        for add in values.get(("curriculum", "add"), []):
            got = find(add.get("after", "")) if isinstance(add, dict) else None
            if got:
                adds.append((got, add.get("session", "")))
            else:
                unknown.setdefault("add", []).append(add)
        return cls(rows, skipped, swaps, adds, unknown)

    def to_values(self, core_order: list[str]) -> dict[Key, Any]:
        """The four curriculum settings: ``order`` is the shortest list of sessions moved to the front."""
        cut = len(self.rows)
        while cut > 0 and [i for i in core_order if i not in self.rows[:cut - 1]] == self.rows[cut - 1:]:
            cut -= 1
        order = self.unknown.get("order", []) + self.rows[:cut]
        skip = [i for i in self.rows if i in self.skipped] + self.unknown.get("skip", [])
        swap = [{"replace": i, "with": self.swaps[i]} for i in self.rows if i in self.swaps]
        swap += self.unknown.get("swap", [])
        add = [{"after": a, "session": s} for a, s in self.adds] + self.unknown.get("add", [])
        return {("curriculum", "order"): order, ("curriculum", "skip"): skip, ("curriculum", "swap"): swap,
                ("curriculum", "add"): add}

    def move(self, session_id: str, step: int) -> None:
        i = self.rows.index(session_id)
        j = max(0, min(len(self.rows) - 1, i + step))
        self.rows.insert(j, self.rows.pop(i))

    def toggle_skip(self, session_id: str) -> None:
        if session_id in self.skipped:
            self.skipped.discard(session_id)
        else:
            self.skipped.add(session_id)
            self.swaps.pop(session_id, None)

    def replace(self, session_id: str, with_: str | None) -> None:
        if with_:
            self.swaps[session_id] = with_
            self.skipped.discard(session_id)
        else:
            self.swaps.pop(session_id, None)

    def add_after(self, session_id: str, session: str) -> None:
        self.adds.append((session_id, session))

    def remove_add(self, index: int) -> None:
        del self.adds[index]


def _finder(curriculum, track: str):
    from iopkit.planning.plan import _find

    def find(key) -> str | None:
        found = _find(curriculum, key, track)
        return found.id if found else None

    return find


def resolver(curriculum, track: str = "iop"):
    """``resolve`` for ``apply_values``: a curriculum change as the sequence it makes."""
    find = _finder(curriculum, track)
    core = [s.id for s in curriculum.track(track)[0].values()]

    def resolve(key: Key, value: Any) -> Any:
        value = _plain(value) or []
        if key == ("curriculum", "order"):
            ids = [find(k) or k for k in value]
            return ids + [i for i in core if i not in ids]
        if key == ("curriculum", "skip"):
            return sorted(find(k) or k for k in value)
        if key == ("curriculum", "swap"):
            return sorted((find(s.get("replace", "")) or s.get("replace"), str(s.get("with", "")).strip())
                          for s in value if isinstance(s, dict))
        if key == ("curriculum", "add"):
            return [(find(a.get("after", "")) or a.get("after"), str(a.get("session", "")).strip())
                    for a in value if isinstance(a, dict)]
        return value

    return resolve


# ---------------------------------------------------------------- checking a draft


def draft_copy(text: str, path: Path, folder: Path) -> Path:
    """An unsaved copy of the cohort file in ``folder``, under the file's own name (so its build
    folder has the same name): its logo is copied beside it, and the files it names (aftercare,
    custom sessions) are made absolute so they still point next to the real file."""
    doc = tomlkit.parse(text)
    home = Path(path).resolve().parent

    def absolute(name):
        name = str(name).strip()
        return str(home / name) if name and not name.startswith("elective:") and not Path(name).is_absolute() else name

    program, cohort, changes = doc.get("program"), doc.get("cohort"), doc.get("curriculum")
    if isinstance(program, dict) and isinstance(program.get("logo"), str):
        _copy_logo(str(program["logo"]), home, Path(folder))
    if isinstance(cohort, dict) and isinstance(cohort.get("aftercare"), str) and cohort["aftercare"].strip():
        cohort["aftercare"] = absolute(cohort["aftercare"])
    if isinstance(changes, dict):
        for name, field_ in (("swap", "with"), ("add", "session")):
            for item in changes.get(name, []) or []:
                if isinstance(item, dict) and isinstance(item.get(field_), str):
                    item[field_] = absolute(item[field_])
    copy = Path(folder) / Path(path).name
    copy.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return copy


def _copy_logo(name: str, home: Path, folder: Path) -> None:
    """The logo beside the copy, as it is beside the file: a logo must be in the cohort's own folder
    (iopkit.reach), so the copy's logo is copied too, under the same relative name."""
    relative = Path(name.strip())
    if not name.strip() or relative.is_absolute() or ".." in relative.parts:
        return  # the check names it, as it would in the saved file
    source = home / relative
    if source.is_file():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, folder / relative)


def check_text(text: str, path: Path, curriculum):
    """``(cohort, problems)``: the draft checked as ``iopkit validate`` checks a cohort file."""
    from iopkit.planning.cohort import load_cohort

    with tempfile.TemporaryDirectory(prefix="iopkit-draft-") as tmp:
        try:
            copy = draft_copy(text, path, Path(tmp))
        except Exception as exc:  # noqa: BLE001 - TOML tomlkit cannot write back: shown as a plain problem
            return None, [Problem(str(path), None, "file", str(exc).splitlines()[0], "settings the form can write")]
        try:
            return load_cohort(copy, curriculum=curriculum), []
        except IopkitError as exc:
            problems = getattr(exc, "problems", None) or [Problem(str(path), None, "file", str(exc), "a valid file")]
            return None, [_tidy(p, copy, path) for p in problems]


def _tidy(problem: Problem, copy: Path, path: Path) -> Problem:
    """A draft problem as the form shows it: no temporary folder, no TOML words."""
    tmp = str(copy.parent)
    home = str(Path(path).resolve().parent) + "/"
    expected = problem.expected.replace(" (no quotes)", "").replace(tmp + "/", "").replace(home, "")
    got = problem.got.replace(tmp + "/", "").replace(home, "")
    file = str(path) if tmp in problem.file or problem.file.endswith(copy.name) else problem.file
    return Problem(file, problem.line, problem.field, got, expected)


#: How a problem's field (``schedule, step_down, item 2, days``) maps to a field of the form.
def field_of(problem: Problem, path: Path) -> Key | None:
    parts = [p.strip() for p in problem.field.split(",")]
    if Path(problem.file).name != Path(path).name:  # a custom session or the aftercare file
        return ("cohort", "aftercare") if problem.file.endswith(".toml") else ("curriculum", "swap")
    if len(parts) >= 2 and (parts[0], parts[1]) in DEFAULTS:
        key = (parts[0], parts[1])
        return ("curriculum", "swap") if key[0] == "curriculum" else key
    if parts and parts[0] in SETTINGS:
        return (parts[0], SETTINGS[parts[0]][0])
    return None


def plain_problem(problem: Problem) -> str:
    """One problem in the words the form shows beside its field."""
    parts = [p.strip() for p in problem.field.split(",")]
    where = ", ".join(parts[2:]) if len(parts) > 2 else ""
    got = "nothing yet" if problem.got in ("nothing", "an empty text", "a list of 0") else problem.got
    return (f"{where}: " if where else "") + f"got {got}; expected {problem.expected}."


# ---------------------------------------------------------------- the calendar preview


@dataclass(frozen=True)
class Calendar:
    dates: list[tuple[int, dt.date, str, str]]  # position, date, title, kind (session, elective, custom)
    skipped: list[tuple[dt.date, str]]  # a meeting day the group does not meet, and why
    stretches: list[str]  # step-down: "Weeks 1-8: Monday, Wednesday, Friday"
    weekly_hours: list[tuple[str, float, int]]  # weeks, hours a week, how many weeks
    hours_goal: str = ""  # the level of care's weekly minimum, in words (iopkit.planning.hours)
    hours_warnings: tuple[str, ...] = ()  # each week below it, with the arithmetic and a way out


def calendar(cohort, curriculum) -> Calendar:
    from iopkit.planning.plan import _days_for, _holiday_calendar, plan_cohort

    plan = plan_cohort(cohort, curriculum)
    rows = []
    for item in plan.sessions:
        kind = ("custom" if item.custom else "elective" if getattr(item.session, "track", "") == "elective"
                else "session")
        rows.append((item.position, item.date, item.session.title, kind))
    s = cohort.schedule
    skipped = []
    if plan.sessions:
        holidays = (_holiday_calendar(s.holidays.country, s.holidays.subdivision, s.start_date.year)
                    if s.holidays else frozenset())
        day, last = s.start_date, plan.finish
        while day <= last:
            days = _days_for(s.step_down, s.meeting_days, (day - s.start_date).days // 7)
            if days and WEEKDAYS[day.weekday()] in days:
                if day in s.closures:
                    skipped.append((day, "closed"))
                elif day in holidays:
                    skipped.append((day, "public holiday"))
            day += dt.timedelta(days=1)
    stretches = []
    week = 1
    for stretch in s.step_down:
        if stretch.weeks:
            stretches.append(f"Weeks {week} to {week + stretch.weeks - 1}: {', '.join(stretch.days)}")
            week += stretch.weeks
        else:
            stretches.append(f"From week {week} to the end: {', '.join(stretch.days)}")
    from iopkit.planning.hours import countable_minutes

    per_week: dict[int, int] = {}
    for item in plan.sessions:
        index = (item.date - s.start_date).days // 7
        per_week[index] = per_week.get(index, 0) + countable_minutes(cohort, item)
    hours: list[tuple[str, float, int]] = []
    for index in sorted(per_week):
        value = round(per_week[index] / 60, 2)
        if hours and hours[-1][1] == value:
            label, _, count = hours[-1]
            hours[-1] = (label.split(" to ")[0].replace("Week ", "Weeks ") + f" to {index + 1}", value, count + 1)
        else:
            hours.append((f"Week {index + 1}", value, 1))
    goal, warnings = _hours(plan)
    return Calendar(rows, skipped, stretches, hours, goal, tuple(warnings))


def _hours(plan) -> tuple[str, list[str]]:
    """The hours check of `iopkit validate` (iopkit.planning.hours): the weekly minimum and each shortfall."""
    from iopkit.planning import hours

    report = hours.hours_report(plan)
    loc = plan.cohort.level_of_care
    if report.minimum is None:
        label = hours.level_label(plan.cohort)
        return f"{label[:1].upper() + label[1:]}: no weekly minimum set", []
    breaks = "the break counts" if loc.count_breaks else "the break is not counted"
    label = hours.level_label(plan.cohort)
    goal = (f"{label[:1].upper() + label[1:]} needs at least {report.minimum} minutes "
            f"({report.minimum / 60:g} hours) a week; {breaks}")
    head = re.compile(r"^Warning: .*?: level_of_care: ")
    return goal, [head.sub("", w) for w in report.warnings()]


# ---------------------------------------------------------------- saving


def save_text(path: Path, text: str, curriculum) -> Path:
    """Check the draft as `iopkit validate` does, then write it atomically; nothing is written when it is invalid."""
    _, problems = check_text(text, path, curriculum)
    if problems:
        raise CohortError(problems)
    write_atomic(Path(path), text)
    return Path(path)


def file_name(name: str) -> str:
    """A group's name as a cohort file name: ``Evening Telehealth`` -> ``evening-telehealth.toml``."""
    stem = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return (stem or "new-group") + ".toml"


