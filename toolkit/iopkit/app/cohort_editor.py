"""The Group tab of the Workbench: set up a group, or change one, without touching a file.

A form for every setting of a cohort file. As the counselor types, the form's values are
written into an unsaved copy of the file and checked by the same rules as ``iopkit validate``
(``iopkit.app.cohort_form.check_text``); each problem shows in plain words beside its field, and the
calendar preview follows the settings. Saving writes the cohort file with tomlkit: the file's
comments, order and any section the form does not know stay as they were. Nothing is saved
while a setting is invalid, and the form keeps what was typed.

``CohortEditor`` wires ``iopkit.app.cohort_form`` to ipywidgets; ``GroupTab`` builds it the first
time the Workbench's Group tab is opened (so the Workbench starts as fast as before).
"""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from iopkit import theme
from iopkit.app import cohort_form as form
from iopkit.app.screens import render
from iopkit.markup import esc
from iopkit.planning.cohort import WEEKDAYS

if TYPE_CHECKING:
    from iopkit.app.workbench import Workbench

Key = form.Key
IMAGES = (".png", ".jpg", ".jpeg", ".svg")
TIME_ZONES = ("America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
              "America/Anchorage", "Pacific/Honolulu", "America/Puerto_Rico", "America/Toronto", "America/Vancouver")
PLATFORMS = ("Zoom for Healthcare", "Doxy.me", "Microsoft Teams", "VSee")
#: Why each local resource matters: shown under its field.
HINTS = {
    ("program", "name"): "Printed at the top of every guide and handout.",
    ("program", "logo"): "An image in the same folder as the cohort file. It prints on every page.",
    ("program", "accent_color"): "The color of headings and boxes on the printed pages.",
    ("cohort", "facilitators"): "One person on each line, with their credentials: Dana Okafor, LADC",
    ("cohort", "track"): "IOP runs the 36 sessions. Aftercare is the weekly group people step down to.",
    ("cohort", "aftercare"): "The aftercare group's file: its day and time print on the last session's handout.",
    ("schedule", "weeks"): "Aftercare only: how many weeks to plan (or give an end date instead).",
    ("schedule", "start_date"): "The first session. It must fall on a meeting day.",
    ("schedule", "meeting_days"): "IOP meets two to five days a week; aftercare one.",
    ("schedule", "start_time"): "Like 9:00 AM or 6:00 PM.",
    ("schedule", "session_minutes"): "The curriculum is written for 180 minutes; other lengths rescale every block.",
    ("schedule", "holidays"): "Public holidays are skipped. Add your state for its own holidays (like CO).",
    ("schedule", "closures"): "Other days the clinic is closed. One date on each line, like 2027-03-15.",
    ("schedule", "step_down"): "Meet more days at first, then fewer. Put 0 weeks on the last stretch: it runs "
                               "until the sessions are done.",
    ("location", "platform"): "The video platform: it prints on handouts and join pages.",
    ("resources", "clinic_phone"): "Who to call between sessions: printed in every handout's resource box.",
    ("resources", "local_crisis_line"): "A local line for a crisis, printed beside 988 (988 is always printed).",
    ("resources", "naloxone"): "Where to get naloxone nearby. It reverses an opioid overdose and saves lives.",
    ("resources", "meetings"): "Mutual-help meetings nearby, one on each line: support between sessions.",
    ("resources", "other"): "Any other help nearby, one on each line: name, a colon, then how to reach it.",
    ("level_of_care", "asam_level"): "The level this group is billed at. Adult 2.1 needs 9 hours a week, "
                                     "adolescent 2.1 needs 6 (the calendar shows each week).",
    ("level_of_care", "count_breaks"): "Only if your payer counts the break (get that in writing).",
    ("level_of_care", "weekly_minimum_minutes"): "Minutes a week your payer requires. 0: the level's own "
                                                 "(540 for adult 2.1).",
    ("level_of_care", "daily_minimum_minutes"): "Only if your payer sets a daily minimum. 0: none.",
    ("level_of_care", "hcpcs"): "Billing fields print on progress notes as you write them, never guessed.",
}
LABELS = {
    ("program", "name"): "Program name", ("program", "logo"): "Logo", ("program", "accent_color"): "Color",
    ("cohort", "name"): "Group name", ("cohort", "facilitators"): "Facilitators",
    ("cohort", "group_size"): "Group size", ("cohort", "time_of_day"): "Time of day", ("cohort", "track"): "Track",
    ("cohort", "aftercare"): "Aftercare group", ("schedule", "start_date"): "First session",
    ("schedule", "meeting_days"): "Meeting days", ("schedule", "start_time"): "Start time",
    ("schedule", "session_minutes"): "Minutes", ("schedule", "break_minutes"): "Break minutes",
    ("schedule", "weeks"): "Weeks to plan", ("schedule", "end_date"): "Or an end date",
    ("schedule", "time_zone"): "Time zone", ("schedule", "holidays"): "Holidays",
    ("schedule", "closures"): "Closed days", ("schedule", "step_down"): "Step-down",
    ("location", "mode"): "Where", ("location", "address"): "Address", ("location", "platform"): "Platform",
    ("resources", "clinic_phone"): "Clinic phone", ("resources", "local_crisis_line"): "Crisis line",
    ("resources", "naloxone"): "Naloxone", ("resources", "meetings"): "Meetings",
    ("resources", "other"): "Other help", ("curriculum", "swap"): "Sessions",
    ("level_of_care", "asam_level"): "ASAM level", ("level_of_care", "population"): "Who",
    ("level_of_care", "count_breaks"): "Break", ("level_of_care", "weekly_minimum_minutes"): "Weekly minimum",
    ("level_of_care", "daily_minimum_minutes"): "Daily minimum", ("level_of_care", "hcpcs"): "HCPCS code",
    ("level_of_care", "revenue_code"): "Revenue code", ("level_of_care", "per_diem"): "Per diem",
}



def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class DayPicker:
    """Seven toggle buttons, Monday to Sunday."""

    def __init__(self, on_change: Callable[[], None]):
        import ipywidgets as w

        self.buttons = [w.ToggleButton(description=day[:3], tooltip=day, layout=w.Layout(width="4.4em"))
                        for day in WEEKDAYS]
        for button in self.buttons:
            button.observe(lambda _: on_change(), names="value")
        self.widget = w.HBox(self.buttons)
        self.widget.add_class("ce-days")
        self.widget.add_class("ce-buttons")

    @property
    def value(self) -> list[str]:
        return [day for day, button in zip(WEEKDAYS, self.buttons) if button.value]

    @value.setter
    def value(self, days) -> None:
        chosen = {form._day(d) for d in days or []}
        for day, button in zip(WEEKDAYS, self.buttons):
            button.value = day in chosen


class CohortEditor:
    """The form: ``new()`` or ``open(path)``, then every change is checked; ``save()`` writes the file."""

    def __init__(self, folder: Path | str | None = None, curriculum_dir: Path | str | None = None,
                 on_saved: Callable[[Path], None] | None = None, debounce: float = 0.6):
        import ipywidgets as w

        from iopkit.content.curriculum import load_curriculum

        self.folder = Path(folder) if folder else Path.cwd()
        self.curriculum_dir = Path(curriculum_dir) if curriculum_dir else None
        self.curriculum = load_curriculum(self.curriculum_dir)
        self.core = [s.id for s in self.curriculum.sessions.values()]
        self.on_saved = on_saved
        self.debounce = debounce
        self.path: Path | None = None
        self.base = ""  # the cohort file's text as opened (or the new file's starting text)
        self.changes = form.Changes(list(self.core))
        self.problems: list = []
        self.cohort = None  # the draft as a valid Cohort, when it is one
        self._filling = False
        self._timer: threading.Timer | None = None
        self._lock = threading.RLock()
        self._previewing = False
        self._leaving: str | None = None
        self.fields: dict[Key, Any] = {}
        self.problem_html: dict[Key, Any] = {}
        self.rows: dict[Key, Any] = {}
        changed = self._changed

        def text(placeholder=""):
            x = w.Text(placeholder=placeholder, layout=w.Layout(width="min(100%, 34em)"), continuous_update=True)
            x.observe(lambda _: changed(), names="value")
            return x

        def area(placeholder="", rows=3):
            x = w.Textarea(placeholder=placeholder, rows=rows, layout=w.Layout(width="min(100%, 40em)"))
            x.observe(lambda _: changed(), names="value")
            return x

        def number():
            x = w.IntText(layout=w.Layout(width="7em"))
            x.observe(lambda _: changed(), names="value")
            return x

        def watch(x):
            x.observe(lambda _: changed(), names="value")
            return x

        # ---- choosing the file
        self.choice = w.Dropdown(description="Group", layout=w.Layout(width="min(100%, 34em)"),
                                 style={"description_width": "4em"})
        self.open_button = w.Button(description="Open", tooltip="Open this group's settings")
        self.new_button = w.Button(description="New group", tooltip="Start a new group from a blank form")
        self.file_name = w.Text(description="File name", placeholder="made from the group name",
                                layout=w.Layout(width="min(100%, 30em)"), style={"description_width": "6em"})
        self.title = w.HTML()

        f = self.fields
        f[("program", "name")] = text("Riverbend Recovery Center")
        f[("program", "logo")] = watch(w.Dropdown(layout=w.Layout(width="20em")))
        f[("program", "accent_color")] = watch(w.ColorPicker(concise=False, layout=w.Layout(width="14em")))
        f[("cohort", "name")] = text("Evening Telehealth Group")
        f[("cohort", "facilitators")] = area("Dana Okafor, LADC", rows=2)
        f[("cohort", "group_size")] = number()
        f[("cohort", "time_of_day")] = watch(w.Dropdown(options=["morning", "afternoon", "evening"],
                                                        layout=w.Layout(width="12em")))
        f[("cohort", "track")] = watch(w.ToggleButtons(options=[("IOP (36 sessions)", "iop"),
                                                                ("Aftercare (weekly)", "aftercare")],
                                                       style={"button_width": "auto"}))
        f[("cohort", "aftercare")] = watch(w.Dropdown(layout=w.Layout(width="24em")))
        f[("schedule", "start_date")] = watch(w.DatePicker(layout=w.Layout(width="12em")))
        self.days = DayPicker(changed)
        f[("schedule", "meeting_days")] = self.days
        f[("schedule", "start_time")] = text("6:00 PM")
        f[("schedule", "start_time")].layout.width = "10em"
        f[("schedule", "start_time")].observe(lambda c: self._time_of_day(c["new"]), names="value")
        f[("schedule", "session_minutes")] = number()
        f[("schedule", "break_minutes")] = number()
        f[("schedule", "weeks")] = number()
        f[("schedule", "end_date")] = watch(w.DatePicker(layout=w.Layout(width="12em")))
        f[("schedule", "time_zone")] = watch(w.Combobox(options=TIME_ZONES, ensure_option=False,
                                                        layout=w.Layout(width="18em")))
        self.holidays_on = watch(w.Checkbox(description="Skip public holidays", indent=False,
                                            layout=w.Layout(width="13em")))
        self.country = text("US")
        self.country.layout.width = "5em"
        self.state = text("state, like CO")
        self.state.layout.width = "10em"
        f[("schedule", "holidays")] = w.HBox([self.holidays_on, w.Label("country"), self.country,
                                              w.Label("state or province"), self.state])
        f[("schedule", "closures")] = area("2027-03-15", rows=2)
        self.closure_pick = w.DatePicker(layout=w.Layout(width="12em"))
        self.closure_add = w.Button(description="Add this closed day", layout=w.Layout(width="auto"))
        self.step_on = watch(w.Checkbox(description="This group steps down (fewer days later on)", indent=False,
                                        layout=w.Layout(width="30em")))
        self.stretches = w.VBox()
        self.stretch_rows: list[tuple[Any, DayPicker, Any]] = []
        self.add_stretch = w.Button(description="Add a stretch", layout=w.Layout(width="auto", align_self="flex-start"))
        f[("schedule", "step_down")] = w.VBox([self.step_on, self.stretches, self.add_stretch])
        f[("location", "mode")] = watch(w.ToggleButtons(options=[("In person", "in-person"),
                                                                 ("Telehealth", "telehealth")],
                                                        style={"button_width": "auto"}))
        f[("location", "address")] = text("412 Mill Street, Northfield, MN 55057")
        f[("location", "platform")] = watch(w.Combobox(options=PLATFORMS, ensure_option=False,
                                                       placeholder="Zoom for Healthcare",
                                                       layout=w.Layout(width="20em")))
        f[("resources", "clinic_phone")] = text("(507) 555-0142")
        f[("resources", "local_crisis_line")] = text("County Crisis Line: (507) 555-0199")
        f[("resources", "naloxone")] = text("Free at the front desk")
        f[("resources", "meetings")] = area("SMART Recovery online: daily at smartrecovery.org", rows=3)
        f[("resources", "other")] = area("Food shelf: (507) 555-0100", rows=2)
        from iopkit.planning.cohort import ASAM_LEVELS

        f[("level_of_care", "asam_level")] = watch(w.Dropdown(options=ASAM_LEVELS, layout=w.Layout(width="8em")))
        f[("level_of_care", "population")] = watch(w.ToggleButtons(options=[("Adults", "adult"),
                                                                           ("Adolescents", "adolescent")],
                                                                  style={"button_width": "auto"}))
        f[("level_of_care", "count_breaks")] = watch(w.Checkbox(description="The payer counts the break as service "
                                                                "time", indent=False, layout=w.Layout(width="30em")))
        f[("level_of_care", "weekly_minimum_minutes")] = number()
        f[("level_of_care", "daily_minimum_minutes")] = number()
        for key in ("hcpcs", "revenue_code", "per_diem"):
            f[("level_of_care", key)] = text()
            f[("level_of_care", key)].layout.width = "12em"

        # ---- the curriculum
        self.sessions = w.Select(rows=12, layout=w.Layout(width="min(100%, 44em)"))
        self.up = w.Button(description="Move up", layout=w.Layout(width="auto"))
        self.down = w.Button(description="Move down", layout=w.Layout(width="auto"))
        self.skip = w.Button(description="Skip or keep", layout=w.Layout(width="auto"))
        self.insert = w.Dropdown(layout=w.Layout(width="min(100%, 36em)"), description="Other session",
                                 style={"description_width": "8em"})
        self.custom = w.Text(placeholder="custom/our-session.yaml (next to the cohort file)",
                             layout=w.Layout(width="min(100%, 30em)", display="none"))
        self.replace = w.Button(description="Replace the chosen session with it", layout=w.Layout(width="auto"))
        self.unreplace = w.Button(description="Undo replace", layout=w.Layout(width="auto"))
        self.add_after = w.Button(description="Add it after the chosen session", layout=w.Layout(width="auto"))
        self.added = w.Dropdown(description="Added", layout=w.Layout(width="min(100%, 36em)"),
                                style={"description_width": "8em"})
        self.remove_added = w.Button(description="Remove this added session", layout=w.Layout(width="auto"))
        f[("curriculum", "swap")] = w.VBox([
            self.sessions, _buttons(self.up, self.down, self.skip),
            _buttons(self.insert, self.custom), _buttons(self.replace, self.unreplace, self.add_after),
            _buttons(self.added, self.remove_added)])

        # ---- status, preview, saving
        self.status = w.HTML()
        self.calendar_html = w.HTML()
        self.save_button = w.Button(description="Save the group", tooltip="Write the cohort file")
        self.save_button.add_class("wb-primary")
        self.saved = w.HTML()
        self.preview_choice = w.Dropdown(description="Session", layout=w.Layout(width="min(100%, 40em)"),
                                         style={"description_width": "5em"})
        self.preview_button = w.Button(description="Preview guide and handout", layout=w.Layout(width="auto"))
        self.preview_status = w.HTML()
        self.preview_links = w.Output()
        self.preview_page = w.HTML()

        sections = [
            ("Program and branding", [("program", "name"), ("program", "logo"), ("program", "accent_color")]),
            ("The group", [("cohort", "name"), ("cohort", "facilitators"), ("cohort", "group_size"),
                           ("cohort", "time_of_day"), ("cohort", "track"), ("cohort", "aftercare")]),
            ("Schedule", [("schedule", "start_date"), ("schedule", "meeting_days"), ("schedule", "start_time"),
                          ("schedule", "session_minutes"), ("schedule", "break_minutes"), ("schedule", "weeks"),
                          ("schedule", "end_date"), ("schedule", "time_zone"), ("schedule", "holidays"),
                          ("schedule", "closures"), ("schedule", "step_down")]),
            ("Where the group meets", [("location", "mode"), ("location", "address"), ("location", "platform")]),
            ("Local resources (printed on every handout)",
             [("resources", "clinic_phone"), ("resources", "local_crisis_line"), ("resources", "naloxone"),
              ("resources", "meetings"), ("resources", "other")]),
            ("Level of care (the hours check and progress notes)",
             [("level_of_care", k) for k in form.SETTINGS["level_of_care"]]),
        ]
        body = []
        for heading, keys in sections:
            body.append(w.HTML(f"<h3>{esc(heading)}</h3>"))
            body.extend(self._row(key) for key in keys)
        self.closure_row = w.HBox([self.closure_pick, self.closure_add], layout=w.Layout(margin="0 0 .4em 9.8em"))
        body.insert(body.index(self.rows[("schedule", "closures")]) + 1, self.closure_row)
        body.append(w.HTML("<h3>The sessions</h3><p>Choose a session in the list, then move it, skip it, or "
                           "replace it with an elective or your own session. Dates show once the schedule "
                           "above is complete.</p>"))
        body.append(self._row(("curriculum", "swap")))
        body += [w.HTML("<h3>Calendar</h3>"), self.calendar_html,
                 w.HTML("<h3>Preview one session</h3><p>See a session's guide and handout with these settings, "
                        "before you save.</p>"),
                 w.HBox([self.preview_choice, self.preview_button]), self.preview_status, self.preview_links,
                 self.preview_page]
        self.form_box = w.VBox(body)
        self.widget = w.VBox([w.HTML(render("group-tab-style.html.j2")), w.HTML("<p>Set up a group, or change one: every setting of its cohort "
                                                   "file, checked as you type.</p>"),
                              w.HBox([self.choice, self.open_button, self.new_button]), self.title,
                              w.HBox([self.file_name, self.save_button]), self.status, self.saved, self.form_box])
        self.widget.add_class("iopkit-ce")

        self.open_button.on_click(
            lambda _: self._guard(lambda: self._leave("open", lambda: self.open(self.choice.value))))
        self.new_button.on_click(lambda _: self._guard(lambda: self._leave("new", self.new)))
        self.save_button.on_click(lambda _: self._guard(self.save))
        self.closure_add.on_click(lambda _: self._guard(self._add_closure))
        self.add_stretch.on_click(lambda _: self._guard(lambda: self._stretch_row(None, [])))
        self.up.on_click(lambda _: self._guard(lambda: self._curriculum(lambda i: self.changes.move(i, -1))))
        self.down.on_click(lambda _: self._guard(lambda: self._curriculum(lambda i: self.changes.move(i, 1))))
        self.skip.on_click(lambda _: self._guard(lambda: self._curriculum(self.changes.toggle_skip)))
        self.replace.on_click(lambda _: self._guard(
            lambda: self._curriculum(lambda i: self.changes.replace(i, self._inserted()))))
        self.unreplace.on_click(lambda _: self._guard(
            lambda: self._curriculum(lambda i: self.changes.replace(i, None))))
        self.add_after.on_click(lambda _: self._guard(
            lambda: self._curriculum(lambda i: self.changes.add_after(i, self._inserted()))))
        self.remove_added.on_click(lambda _: self._guard(self._remove_added))
        self.insert.observe(lambda _: self._show_custom(), names="value")
        self.preview_button.on_click(lambda _: self._guard(self.preview))
        self.file_name.observe(lambda _: self._draw_status(), names="value")
        self._fill_choices()
        self.new()

    # ------------------------------------------------------------ layout

    def _row(self, key: Key):
        import ipywidgets as w

        widget = self.fields[key]
        widget = getattr(widget, "widget", widget)
        problem = w.HTML(layout=w.Layout(display="none"))
        problem.add_class("ce-problem")
        self.problem_html[key] = problem
        parts = [w.HBox([w.HTML(f'<span class="ce-label">{esc(LABELS.get(key, key[1]))}</span>'), widget])]
        parts[0].add_class("ce-row")
        if key in HINTS:
            hint = w.HTML(f'<div class="ce-hint">{esc(HINTS[key])}</div>')
            parts.append(hint)
        parts.append(problem)
        row = w.VBox(parts)
        row.add_class(f"ce-field-{key[0]}-{key[1]}".replace("_", "-"))
        self.rows[key] = row
        return row

    def _guard(self, action) -> None:
        from iopkit.app.screens import plain_error

        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a counselor reads the message, not a traceback
            self.saved.value = f'<div class="wb-message">{esc(plain_error(exc))}</div>'

    # ------------------------------------------------------------ files

    def cohort_files(self) -> list[Path]:
        return sorted((self.folder / "cohorts").glob("*.toml"), key=lambda p: p.name.lower())

    def _fill_choices(self) -> None:
        files = self.cohort_files()
        self.choice.options = [(f"cohorts/{p.name}", p) for p in files]
        self.choice.value = files[0] if files else None
        self.open_button.disabled = not files

    def _home(self) -> Path:
        return self.path.parent if self.path else self.folder / "cohorts"

    def _fill_file_options(self) -> None:
        home = self._home()
        images = sorted(p.name for p in home.glob("*") if p.suffix.lower() in IMAGES) if home.is_dir() else []
        logo = self.fields[("program", "logo")]
        current = logo.value
        logo.options = [("No logo", "")] + [(name, name) for name in images] + (
            [(current, current)] if current and current not in images else [])
        groups = [p.name for p in self.cohort_files() if self.path is None or p.resolve() != self.path.resolve()]
        aftercare = self.fields[("cohort", "aftercare")]
        aftercare.options = [("None", "")] + [(f"cohorts/{name}", name) for name in groups]
        electives = [(f"{s.title} (elective:{i})", f"elective:{i}") for i, s in self.curriculum.electives.items()
                     if _complete(s)]
        self.insert.options = electives + [("My own session file (type its name)", "custom")]
        self.insert.value = electives[0][1] if electives else "custom"

    def unsaved(self) -> bool:
        """Whether the form holds changes the file does not have yet."""
        return self.draft() != self.base if self.path is not None else any(
            self.values()[key] not in (None, "", [], form.default_of(key)) for key in
            (("program", "name"), ("cohort", "name"), ("cohort", "facilitators"), ("schedule", "start_date")))

    def _leave(self, action: str, go: Callable[[], None]) -> None:
        """Opening another group asks first when this one has changes that are not saved (a second click goes)."""
        if self.unsaved() and self._leaving != action:
            self._leaving = action
            self.saved.value = ('<div class="wb-message">This group has changes that are not saved. Choose '
                                "<strong>Save the group</strong> to keep them, or choose "
                                f"<strong>{'Open' if action == 'open' else 'New group'}</strong> again to leave "
                                "them.</div>")
            return
        self._leaving = None
        go()

    def new(self) -> None:
        """A blank form for a new group (saved as a new file)."""
        self.path = None
        self.base = form.text_of(form.new_document())
        values = {key: form.default_of(key) for key in form.KEYS}
        values[("schedule", "start_time")] = ""
        values[("schedule", "holidays")] = {"country": "US"}
        values[("schedule", "closures")] = []
        self.file_name.value = ""
        self.file_name.disabled = False
        self.title.value = "<h2>A new group</h2>"
        self._load(values)

    def open(self, path: Path | str) -> None:
        """The settings of an existing cohort file (its comments and unknown sections are kept on save)."""
        path = Path(path)
        doc = form.open_document(path)
        self.base = form.text_of(doc)
        self.path = path
        self.file_name.value = path.name
        self.file_name.disabled = True
        self.title.value = f"<h2>{esc('cohorts/' + path.name)}</h2>"
        self._load(form.read_values(doc))

    def _load(self, values: dict) -> None:
        self.saved.value = ""
        self.preview_status.value = self.preview_page.value = ""
        self.preview_links.outputs = ()
        self._fill_file_options()
        track = values.get(("cohort", "track")) or "iop"
        self.changes = form.Changes.from_values(values, self.curriculum, "iop" if track not in ("aftercare",)
                                                else "aftercare")
        self.fill(values)
        self.check_now()

    # ------------------------------------------------------------ form <-> values

    def fill(self, values: dict[Key, Any]) -> None:
        """Show ``values`` in the widgets (without checking after each one)."""
        f = self.fields
        self._filling = True
        try:
            for key in (("program", "name"), ("cohort", "name"), ("schedule", "time_zone"), ("location", "address"),
                        ("location", "platform"), ("resources", "clinic_phone"), ("resources", "local_crisis_line"),
                        ("resources", "naloxone")):
                f[key].value = str(values.get(key) or "")
            f[("schedule", "start_time")].value = _clock_text(values.get(("schedule", "start_time")))
            logo = values.get(("program", "logo")) or ""
            if logo not in [v for _, v in f[("program", "logo")].options]:
                f[("program", "logo")].options = list(f[("program", "logo")].options) + [(logo, logo)]
            f[("program", "logo")].value = logo
            color = str(values.get(("program", "accent_color")) or theme.ACCENT)
            try:
                f[("program", "accent_color")].value = color
            except Exception:  # noqa: BLE001 - not a colour the picker knows: the check names it
                f[("program", "accent_color")].value = theme.ACCENT
            f[("cohort", "facilitators")].value = "\n".join(values.get(("cohort", "facilitators")) or [])
            f[("cohort", "group_size")].value = _int(values.get(("cohort", "group_size")), 10)
            time_of_day = values.get(("cohort", "time_of_day")) or "morning"
            f[("cohort", "time_of_day")].value = time_of_day if time_of_day in ("morning", "afternoon",
                                                                                "evening") else "morning"
            f[("cohort", "track")].value = "aftercare" if values.get(("cohort", "track")) == "aftercare" else "iop"
            aftercare = values.get(("cohort", "aftercare")) or ""
            if aftercare not in [v for _, v in f[("cohort", "aftercare")].options]:
                f[("cohort", "aftercare")].options = list(f[("cohort", "aftercare")].options) + [(aftercare,
                                                                                                  aftercare)]
            f[("cohort", "aftercare")].value = aftercare
            f[("schedule", "start_date")].value = _date(values.get(("schedule", "start_date")))
            self.days.value = values.get(("schedule", "meeting_days")) or []
            f[("schedule", "session_minutes")].value = _int(values.get(("schedule", "session_minutes")), 180)
            f[("schedule", "break_minutes")].value = _int(values.get(("schedule", "break_minutes")), 15)
            f[("schedule", "weeks")].value = _int(values.get(("schedule", "weeks")), 0)
            f[("schedule", "end_date")].value = _date(values.get(("schedule", "end_date")))
            holidays = values.get(("schedule", "holidays"))
            self.holidays_on.value = isinstance(holidays, dict)
            self.country.value = str((holidays or {}).get("country", "US")) if isinstance(holidays, dict) else "US"
            self.state.value = str((holidays or {}).get("subdivision") or "") if isinstance(holidays, dict) else ""
            f[("schedule", "closures")].value = "\n".join(
                d.isoformat() if isinstance(d, dt.date) else str(d) for d in values.get(("schedule", "closures"))
                or [])
            self.stretches.children = ()
            self.stretch_rows = []
            steps = values.get(("schedule", "step_down")) or []
            self.step_on.value = bool(steps)
            for step in steps:
                if isinstance(step, dict):
                    self._stretch_row(step.get("weeks"), step.get("days") or [])
            f[("location", "mode")].value = ("telehealth" if values.get(("location", "mode")) == "telehealth"
                                             else "in-person")
            loc = "level_of_care"
            level = str(values.get((loc, "asam_level")) or "2.1")
            f[(loc, "asam_level")].value = level if level in f[(loc, "asam_level")].options else "2.1"
            f[(loc, "population")].value = ("adolescent" if values.get((loc, "population")) == "adolescent"
                                            else "adult")
            f[(loc, "count_breaks")].value = values.get((loc, "count_breaks")) is True
            f[(loc, "weekly_minimum_minutes")].value = _int(values.get((loc, "weekly_minimum_minutes")), 0)
            f[(loc, "daily_minimum_minutes")].value = _int(values.get((loc, "daily_minimum_minutes")), 0)
            for billing in ("hcpcs", "revenue_code", "per_diem"):
                f[(loc, billing)].value = str(values.get((loc, billing)) or "")
            f[("resources", "meetings")].value = "\n".join(values.get(("resources", "meetings")) or [])
            f[("resources", "other")].value = "\n".join(
                f"{o.get('name', '')}: {o.get('contact', '')}" for o in values.get(("resources", "other")) or []
                if isinstance(o, dict))
        finally:
            self._filling = False
        self._show_track()
        self._draw_sessions()

    def values(self) -> dict[Key, Any]:
        """The form's settings, as the cohort file will hold them."""
        f = self.fields
        v: dict[Key, Any] = {}
        for key in (("program", "name"), ("cohort", "name"), ("schedule", "time_zone"), ("location", "address"),
                    ("location", "platform"), ("resources", "clinic_phone"), ("resources", "local_crisis_line"),
                    ("resources", "naloxone")):
            v[key] = f[key].value.strip()
        v[("program", "logo")] = f[("program", "logo")].value or None
        v[("program", "accent_color")] = f[("program", "accent_color")].value or theme.ACCENT
        v[("cohort", "facilitators")] = _lines(f[("cohort", "facilitators")].value)
        v[("cohort", "group_size")] = f[("cohort", "group_size")].value
        v[("cohort", "time_of_day")] = f[("cohort", "time_of_day")].value
        track = f[("cohort", "track")].value
        v[("cohort", "track")] = track
        v[("cohort", "aftercare")] = (f[("cohort", "aftercare")].value or None) if track == "iop" else None
        v[("schedule", "start_date")] = f[("schedule", "start_date")].value
        v[("schedule", "meeting_days")] = self.days.value
        v[("schedule", "start_time")] = f[("schedule", "start_time")].value.strip()
        v[("schedule", "session_minutes")] = f[("schedule", "session_minutes")].value
        v[("schedule", "break_minutes")] = f[("schedule", "break_minutes")].value
        weeks, end = f[("schedule", "weeks")].value, f[("schedule", "end_date")].value
        v[("schedule", "weeks")] = (weeks or None) if track == "aftercare" else None
        v[("schedule", "end_date")] = end if track == "aftercare" else None
        if self.holidays_on.value:
            holidays = {"country": self.country.value.strip()}
            if self.state.value.strip():
                holidays["subdivision"] = self.state.value.strip()
            v[("schedule", "holidays")] = holidays
        else:
            v[("schedule", "holidays")] = None
        closures: list[dt.date | str] = []
        for line in _lines(f[("schedule", "closures")].value):
            try:
                closures.append(dt.date.fromisoformat(line))
            except ValueError:
                closures.append(line)  # the check names it: "a date written like 2027-01-04"
        v[("schedule", "closures")] = closures
        steps = []
        if self.step_on.value:
            for weeks_box, days, _ in self.stretch_rows:
                step: dict[str, Any] = {}
                if weeks_box.value:
                    step["weeks"] = weeks_box.value
                step["days"] = days.value
                steps.append(step)
        v[("schedule", "step_down")] = steps
        v[("location", "mode")] = f[("location", "mode")].value
        v[("resources", "meetings")] = _lines(f[("resources", "meetings")].value)
        other = []
        for line in _lines(f[("resources", "other")].value):
            name, _, contact = line.partition(":")
            other.append({"name": name.strip(), "contact": contact.strip()})
        v[("resources", "other")] = other
        loc = "level_of_care"
        v[(loc, "asam_level")] = f[(loc, "asam_level")].value
        v[(loc, "population")] = f[(loc, "population")].value
        v[(loc, "count_breaks")] = f[(loc, "count_breaks")].value
        v[(loc, "weekly_minimum_minutes")] = f[(loc, "weekly_minimum_minutes")].value or None
        v[(loc, "daily_minimum_minutes")] = f[(loc, "daily_minimum_minutes")].value or None
        for billing in ("hcpcs", "revenue_code", "per_diem"):
            v[(loc, billing)] = f[(loc, billing)].value.strip()
        v.update(self.changes.to_values(self._core()))
        return v

    def _core(self) -> list[str]:
        track = self.fields[("cohort", "track")].value
        return [s.id for s in self.curriculum.track(track)[0].values()]

    # ------------------------------------------------------------ checking

    def _changed(self) -> None:
        if self._filling:
            return
        self._leaving = None
        self._show_track()
        if set(self.changes.rows) != set(self._core()):  # the track changed: its own sessions, no changes yet
            self.changes = form.Changes(self._core())
            self._track_lengths()
            self._draw_sessions()
        if self.debounce <= 0:
            self.check_now()
            return
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            self._timer = threading.Timer(self.debounce, lambda: self._guard(self.check_now))
            self._timer.daemon = True
            self._timer.start()

    def draft(self) -> str:
        """The cohort file as it would be saved now."""
        values = self.values()
        track = values[("cohort", "track")]
        doc = form.parse(self.base)  # the file as opened: each draft starts from it, so nothing drifts
        form.apply_values(doc, values, form.resolver(self.curriculum, track))
        return form.text_of(doc)

    def target(self) -> Path:
        if self.path is not None:
            return self.path
        typed = Path(self.file_name.value.strip()).name
        name = form.file_name(typed[:-5] if typed.lower().endswith(".toml") else typed) if typed else \
            form.file_name(self.fields[("cohort", "name")].value)
        return self.folder / "cohorts" / name

    def check_now(self) -> list:
        """Check the form now, as `iopkit validate` would check the saved file; show each problem by its field."""
        with self._lock:
            text = self.draft()
            cohort, problems = form.check_text(text, self.target(), self.curriculum)
            self.cohort, self.problems = cohort, problems
            shown: dict[Key, list[str]] = {}
            general = []
            for p in problems:
                key = form.field_of(p, self.target())
                if key == ("curriculum", "order") or (key and key[0] == "curriculum"):
                    key = ("curriculum", "swap")
                if key in self.problem_html:
                    shown.setdefault(key, []).append(form.plain_problem(p))
                elif key in (("cohort", "aftercare"),):
                    shown.setdefault(key, []).append(form.plain_problem(p))
                else:
                    general.append(str(p))
            for key, box in self.problem_html.items():
                messages = shown.get(key, [])
                box.value = "<br>".join(esc(m) for m in messages)
                box.layout.display = None if messages else "none"
                row = self.rows[key]
                (row.add_class if messages else row.remove_class)("ce-bad")
            self._general = general
            self._draw_status()
            self._draw_calendar()
            self._draw_sessions()
            return problems

    def _draw_status(self) -> None:
        problems = self.problems
        general = getattr(self, "_general", [])
        exists = self.path is None and self.target().exists()
        self.save_button.disabled = bool(problems) or exists
        if problems:
            count = len(problems)
            text = (f"Not saved yet: {count} setting{'s need' if count != 1 else ' needs'} fixing, marked below. "
                    "What you typed is kept.")
            extra = "".join(f"<div>{esc(g)}</div>" for g in general)
            self.status.value = f'<div class="wb-message ce-status">{esc(text)}{extra}</div>'
        elif exists:
            self.status.value = (f'<div class="wb-message ce-status">{esc("cohorts/" + self.target().name)} is '
                                 "another group's file. Choose another name to save this one.</div>")
        else:
            where = "cohorts/" + self.target().name
            self.status.value = (f'<div class="ce-ok ce-status">Every setting checks out. Save writes '
                                 f"{esc(where)}.</div>")

    def _show_track(self) -> None:
        aftercare = self.fields[("cohort", "track")].value == "aftercare"
        telehealth = self.fields[("location", "mode")].value == "telehealth"
        for key, shown in ((("schedule", "weeks"), aftercare), (("schedule", "end_date"), aftercare),
                           (("cohort", "aftercare"), not aftercare), (("schedule", "step_down"), not aftercare),
                           (("location", "platform"), telehealth)):
            self.rows[key].layout.display = None if shown else "none"
        self.stretches.layout.display = self.add_stretch.layout.display = None if self.step_on.value else "none"

    # ------------------------------------------------------------ the calendar

    def _draw_calendar(self) -> None:
        if self.cohort is None:
            self.calendar_html.value = ('<div class="wb-note">The calendar shows here once every setting above '
                                        "checks out.</div>")
            self.preview_choice.options = []
            self.preview_button.disabled = True
            return
        cal = form.calendar(self.cohort, self.curriculum)
        first, last = cal.dates[0][1], cal.dates[-1][1]
        self.calendar_html.value = render(
            "calendar.html.j2", first=f"{first:%A %B} {first.day}, {first.year}",
            last=f"{last:%A %B} {last.day}, {last.year}",
            rows=[(n, f"{date:%a %b} {date.day}, {date.year}", title, kind) for n, date, title, kind in cal.dates],
            skipped=[f"{d:%a %b} {d.day} ({why})" for d, why in cal.skipped], stretches=cal.stretches,
            hours=[f"{label}: {hours:g} hours" for label, hours, _ in cal.weekly_hours], hours_goal=cal.hours_goal,
            warnings=cal.hours_warnings)
        choices = [(f"{n} · {date:%a %b} {date.day} · {title}", n) for n, date, title, _ in cal.dates]
        keep = self.preview_choice.value
        self.preview_choice.options = choices
        self.preview_choice.value = keep if keep in [n for _, n in choices] else choices[0][1] if choices else None
        self.preview_button.disabled = self._previewing

    # ------------------------------------------------------------ the sessions list

    def _draw_sessions(self) -> None:
        track = self.fields[("cohort", "track")].value
        sessions = {s.id: s for s in self.curriculum.track(track)[0].values()}
        dates: dict[str, dt.date] = {}
        if self.cohort is not None:
            from iopkit.planning.plan import plan_cohort

            for item in plan_cohort(self.cohort, self.curriculum).sessions:
                dates.setdefault(item.session.id, item.date)
        options = []
        for row in self.changes.rows:
            s = sessions.get(row)
            if s is None:
                continue
            label = f"{s.number}. {s.title}"
            if row in self.changes.skipped:
                label = f"(skipped) {label}"
            elif row in self.changes.swaps:
                new = self.changes.swaps[row]
                shown = _title(self.curriculum, new)
                label = f"{label}  →  replaced by {shown}"
                when = dates.get(_insert_id(self.curriculum, new))
                label = (f"{when:%a %b} {when.day} · " if when else "") + label
            else:
                when = dates.get(row)
                label = (f"{when:%a %b} {when.day} · " if when else "") + label
            for after, extra in self.changes.adds:
                if after == row:
                    label += f"  + then {_title(self.curriculum, extra)}"
            options.append((label, row))
        keep = self.sessions.value
        self.sessions.options = options
        if keep in self.changes.rows:
            self.sessions.value = keep
        self.added.options = [(f"{_title(self.curriculum, s)} after {sessions[a].title if a in sessions else a}", i)
                              for i, (a, s) in enumerate(self.changes.adds)]
        self.remove_added.disabled = not self.changes.adds

    def _curriculum(self, change: Callable[[str], None]) -> None:
        chosen = self.sessions.value
        if chosen is None:
            self.saved.value = '<div class="wb-message">Choose a session in the list first.</div>'
            return
        change(chosen)
        self.saved.value = ""
        self._draw_sessions()
        self.sessions.value = chosen
        self._changed()

    def _inserted(self) -> str:
        if self.insert.value == "custom":
            name = self.custom.value.strip()
            if not name:
                raise ValueError("Type the name of your session file first, like custom/our-session.yaml")
            return name
        return self.insert.value

    def _show_custom(self) -> None:
        self.custom.layout.display = None if self.insert.value == "custom" else "none"

    def _remove_added(self) -> None:
        if self.added.value is None:
            return
        self.changes.remove_add(self.added.value)
        self._draw_sessions()
        self._changed()

    # ------------------------------------------------------------ schedule helpers

    def _stretch_row(self, weeks, days) -> None:
        import ipywidgets as w

        box = w.IntText(value=_int(weeks, 0), layout=w.Layout(width="5em"))
        box.observe(lambda _: self._changed(), names="value")
        picker = DayPicker(self._changed)
        picker.value = days
        remove = w.Button(description="Remove", layout=w.Layout(width="auto"))
        row = _buttons(box, w.Label("weeks on", layout=w.Layout(width="auto", margin="0 .5em")), picker.widget,
                       remove)
        entry = (box, picker, row)
        self.stretch_rows.append(entry)
        self.stretches.children = tuple(r for _, _, r in self.stretch_rows)

        def drop(_):
            self.stretch_rows.remove(entry)
            self.stretches.children = tuple(r for _, _, r in self.stretch_rows)
            self._changed()

        remove.on_click(drop)
        self._changed()

    def _track_lengths(self) -> None:
        """A new track brings its own session length and break, unless the counselor set their own."""
        from iopkit.planning.cohort import AFTERCARE_MINUTES

        minutes, pause = self.fields[("schedule", "session_minutes")], self.fields[("schedule", "break_minutes")]
        aftercare = self.fields[("cohort", "track")].value == "aftercare"
        lengths = {"iop": (180, 15), "aftercare": (AFTERCARE_MINUTES, 0)}
        level = self.fields[("level_of_care", "asam_level")]
        self._filling = True
        try:
            if (minutes.value, pause.value) == lengths["iop" if aftercare else "aftercare"]:
                minutes.value, pause.value = lengths["aftercare" if aftercare else "iop"]
            # Aftercare is outpatient care (ASAM 1.0, as cohorts/aftercare.toml says); IOP is 2.1.
            if level.value == ("2.1" if aftercare else "1.0"):
                level.value = "1.0" if aftercare else "2.1"
        finally:
            self._filling = False

    def _time_of_day(self, text: str) -> None:
        """A start time chooses the time of day (the counselor can still change it after)."""
        from iopkit.planning.cohort import parse_clock

        if self._filling:
            return
        try:
            hour = parse_clock(text).hour
        except ValueError:
            return
        self.fields[("cohort", "time_of_day")].value = ("evening" if hour >= 16 else "afternoon" if hour >= 12
                                                        else "morning")

    def _add_closure(self) -> None:
        day = self.closure_pick.value
        if day is None:
            return
        box = self.fields[("schedule", "closures")]
        lines = _lines(box.value)
        if day.isoformat() not in lines:
            box.value = "\n".join(lines + [day.isoformat()])

    # ------------------------------------------------------------ saving

    def save(self) -> Path | None:
        """Write the cohort file when every setting checks out; otherwise write nothing and say so."""
        problems = self.check_now()
        if problems:
            self.saved.value = ('<div class="wb-message">Nothing was saved: fix the settings marked below first. '
                                "Everything you typed is still here.</div>")
            return None
        target = self.target()
        if self.path is None and target.exists():
            self.saved.value = (f'<div class="wb-message">{esc("cohorts/" + target.name)} already exists. '
                                "Choose another name.</div>")
            return None
        text = self.draft()
        form.save_text(target, text, self.curriculum)
        self.path = target
        self.base = target.read_text(encoding="utf-8")
        self.file_name.value, self.file_name.disabled = target.name, True
        self.title.value = f"<h2>{esc('cohorts/' + target.name)}</h2>"
        self._fill_choices()
        self.choice.value = target
        self._draw_status()
        self.saved.value = (f'<div class="ce-ok">Saved {esc("cohorts/" + target.name)} at '
                            f"{dt.datetime.now():%H:%M}. Choose it under Sessions to build its guides and "
                            "handouts.</div>")
        if self.on_saved:
            self.on_saved(target)
        return target

    # ------------------------------------------------------------ preview

    def preview(self, wait: bool = False) -> threading.Thread | None:
        """Build one session from an unsaved copy of the form, in build/preview/ (in the background)."""
        if self._previewing:
            return None
        if self.check_now() or self.preview_choice.value is None:
            self.preview_status.value = ('<div class="wb-message">A preview needs every setting above to check out '
                                         "first, and a session chosen.</div>")
            return None
        position = self.preview_choice.value
        text = self.draft()
        self._previewing = True
        self.preview_button.disabled = True
        self.preview_status.value = (f'<div class="wb-note">Building session {position} with these settings '
                                     "(not saved): about 10 to 20 seconds.</div>")
        self.preview_links.outputs = ()
        self.preview_page.value = ""
        thread = threading.Thread(target=self._preview, args=(text, position), daemon=True,
                                  name="iopkit-group-preview")
        thread.start()
        if wait:
            thread.join()
        return thread

    def _preview(self, text: str, position: int) -> None:
        from IPython.display import HTML

        from iopkit.app.screens import file_href, plain_error
        from iopkit.pipeline.build import build_cohort

        target = self.target()
        out = self.folder / "build" / "preview" / target.stem
        try:
            if out.exists():
                shutil.rmtree(out)
            with tempfile.TemporaryDirectory(prefix="iopkit-unsaved-") as tmp:
                copy = form.draft_copy(text, target, Path(tmp))
                result = build_cohort(copy, sessions=str(position), jobs=1, out=out, force=True,
                                      curriculum_dir=self.curriculum_dir)
            folder = out / f"session-{position:02d}"
            guide, handout = folder / "facilitator-guide.pdf", folder / "handout.pdf"
            if not (guide.is_file() and handout.is_file()):
                self.preview_status.value = f'<div class="wb-message">{esc(result.summary())}</div>'
                return
            items = [(label, file_href(path, self.folder), path)
                     for label, path in (("Facilitator guide (PDF)", guide), ("Participant handout (PDF)", handout))]
            self.preview_status.value = (f'<div class="wb-note">Preview of session {position}, built from the '
                                         "form as it is now (not saved). It is kept in "
                                         f"{esc(out.relative_to(self.folder))}.</div>")
            self.preview_links.outputs = ()
            self.preview_links.append_display_data(HTML(render("links.html.j2", items=items)))
            if (folder / "session.ipynb").is_file():
                self.preview_page.value = _handout_frame(folder / "session.ipynb")
        except Exception as exc:  # noqa: BLE001 - shown as a plain message
            why = "The preview could not be built.\n\n" + plain_error(exc)
            self.preview_status.value = f'<div class="wb-message">{esc(why)}</div>'
        finally:
            self._previewing = False
            self.preview_button.disabled = self.cohort is None


def _buttons(*children):
    import ipywidgets as w

    box = w.HBox(children)
    box.add_class("ce-buttons")
    return box


def _handout_frame(notebook: Path) -> str:
    import nbformat

    from iopkit.notebook.exporters import ParticipantHTMLExporter

    nb = nbformat.read(notebook, as_version=4)
    page, _ = ParticipantHTMLExporter().from_notebook_node(nb)
    return render("preview.html.j2", heading="The handout", page=page)


def _complete(session) -> bool:
    from iopkit.content.schema import Session

    return isinstance(session, Session)


def _title(curriculum, key: str) -> str:
    key = str(key)
    if key.startswith("elective:"):
        found = curriculum.electives.get(key.removeprefix("elective:").strip())
        return f"{found.title} (elective)" if found else key
    return f"your session {key}"


def _insert_id(curriculum, key: str) -> str | None:
    key = str(key)
    if key.startswith("elective:"):
        return key.removeprefix("elective:").strip()
    return None


def _clock_text(value) -> str:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value or "")


def _int(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


class GroupTab:
    """The Workbench's Group tab: empty until first opened, then a ``CohortEditor``."""

    def __init__(self, workbench: Workbench) -> None:
        import ipywidgets as w

        self.workbench = workbench
        self.editor: CohortEditor | None = None
        self.widget = w.VBox(layout=w.Layout(width="100%"))

    def open(self) -> CohortEditor:
        if self.editor is None:
            wb = self.workbench

            def saved(path: Path) -> None:
                wb.refresh_cohorts()

            self.editor = CohortEditor(wb.folder, wb.curriculum_dir, on_saved=saved)
            self.widget.children = (self.editor.widget,)
            # The group chosen under Sessions opens here (a file that does not check out yet, too: fix it here).
            chosen = wb.cohort.value
            if chosen is not None and any(Path(chosen).resolve() == p.resolve() for p in self.editor.cohort_files()):
                self.editor.choice.value = next(p for p in self.editor.cohort_files()
                                                if p.resolve() == Path(chosen).resolve())
                self.editor.open(self.editor.choice.value)
        return self.editor
