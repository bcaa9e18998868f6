"""The Workbench's attendance screen: take the roll for today's group in under a minute.

Unlock the store with its passphrase, press "Take the roll": every member of the chosen
cohort who is active on the group's date is listed as present with the group's countable
minutes; change the few who were late, left early or absent; press "Save the roll".

Names never stay in the notebook:

* Nothing is printed or displayed as a cell output; every word is in a widget.
* The passphrase box is emptied the moment it is read.
* The rows that show aliases are *closed* (their widget models destroyed, so no saved widget
  state can hold them) as soon as the roll is saved, when the screen is locked, and after
  ``IDLE_SECONDS`` without a click (auto-lock, which also forgets the key).
* Messages on this screen name counts and dates, never a person.

What a test can check without a browser lives in ``roll_members`` and ``save_roll``;
``RollScreen`` wires them to ipywidgets.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from iopkit.app.screens import IDLE_SECONDS, LockingScreen, render, store_fields
from iopkit.errors import RecordInputError
from iopkit.records import audit, people
from iopkit.records.store import STORE_VARIABLE, Vault

if TYPE_CHECKING:
    import ipywidgets

    from iopkit.planning.cohort_schema import Cohort

STATUS_OPTIONS = (("Present", "present"), ("Late", "late"), ("Left early", "left-early"), ("Absent", "absent"))


@dataclass
class RollEntry:
    pseudonym: str
    label: str  # alias and pseudonym: shown only while the roll is open
    status: str
    minutes: int
    telehealth_private: bool | None


def roll_members(conn, cohort, day: dt.date, full_minutes: int) -> list[RollEntry]:
    """The members of ``cohort`` active on ``day``: what is already recorded for that day, else present."""
    recorded = {a.pseudonym: a for a in people.attendance(conn) if a.date == day}
    out = []
    for person in people.participants(conn, people.cohort_slug(cohort)):
        if not person.active_on(day):
            continue
        seen = recorded.get(person.pseudonym)
        private = seen.telehealth_private if seen else (True if getattr(cohort, "telehealth", False) else None)
        out.append(RollEntry(person.pseudonym, person.label, seen.status if seen else "present",
                             seen.minutes if seen else full_minutes, private))
    return out


def save_roll(vault: Vault, day: dt.date, entries: list[RollEntry]) -> int:
    """Record every entry for ``day`` in one transaction (all or nothing); returns how many."""
    with vault.transaction() as conn:
        for entry in entries:
            people.record_attendance(conn, day, entry.pseudonym, entry.status,
                                     0 if entry.status == "absent" else entry.minutes,
                                     telehealth_private=entry.telehealth_private)
    return len(entries)


class RollScreen(LockingScreen):
    """The attendance screen. ``context()`` gives (cohort, default date) — the Workbench's choice."""

    idle_message = "Locked after a while with no clicks. Unlock to take the roll again."

    def __init__(self, context: Callable[[], tuple[Cohort | None, dt.date | None]], *,
                 store: str | Path | None = None, idle_seconds: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        import ipywidgets as w

        self._w = w
        self.context = context
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.vault: Vault | None = None
        self.cohort: Cohort | None = None
        self.day: dt.date | None = None
        #: Each member's row: entry, name label, status, minutes and (telehealth) the private-place box.
        self._rows: list[tuple[RollEntry, ipywidgets.Label, ipywidgets.ToggleButtons, ipywidgets.BoundedIntText,
                               ipywidgets.Checkbox | None]] = []
        self._start_idle_clock()

        self.intro = w.HTML(
            "<p>Take the roll for the group chosen above. Everyone starts as present with the group's countable "
            "minutes; change the few who were late, left early or absent, then save. Names show only while the roll "
            f"is open; the screen locks itself after {int(idle_seconds // 60) or 1} idle minutes.</p>",
            layout=w.Layout(width="100%"))
        default = str(store) if store else os.environ.get(STORE_VARIABLE, "")
        self.off_note = w.HTML(
            "" if default else "<p>Records are off on this computer until the clinic turns them on (see "
            "docs/records-security.md: <code>iopkit records init</code>). If they are on, give the store's file "
            "below.</p>", layout=w.Layout(width="100%"))
        self.store_path, self.password = store_fields(default)
        self.unlock_button = w.Button(description="Unlock", layout=w.Layout(width="auto"))
        self.unlock_button.add_class("wb-primary")
        self.lock_button = w.Button(description="Lock", tooltip="Close the roll and forget the key",
                                    layout=w.Layout(width="auto"))
        self.day_picker = w.DatePicker(description="Group date", style={"description_width": "7em"})
        self.take_button = w.Button(description="Take the roll", layout=w.Layout(width="auto"))
        self.take_button.add_class("wb-primary")
        self.save_button = w.Button(description="Save the roll", layout=w.Layout(width="auto"))
        self.save_button.add_class("wb-primary")
        self.rows_box = w.VBox(layout=w.Layout(width="100%"))
        self.message = w.HTML(layout=w.Layout(width="100%"))
        self.unlock_box = w.VBox([self.off_note, self.store_path, w.HBox([self.password, self.unlock_button])])
        self.roll_box = w.VBox([w.HBox([self.day_picker, self.take_button, self.lock_button]), self.rows_box,
                                self.save_button])
        self.widget = w.VBox([w.HTML(render("roll-style.html.j2")), self.intro, self.unlock_box, self.roll_box, self.message],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("iopkit-roll")

        self.unlock_button.on_click(lambda _: self._guard(self.unlock))
        self.lock_button.on_click(lambda _: self._guard(lambda: self.lock("Locked. Unlock to take the roll again.")))
        self.take_button.on_click(lambda _: self._guard(self.take_roll))
        self.save_button.on_click(lambda _: self._guard(self.save))
        self._show_state()

    # -------------------------------------------------- state

    def _show_state(self) -> None:
        self.unlock_box.layout.display = "none" if self.is_open else None
        self.roll_box.layout.display = None if self.is_open else "none"
        self.save_button.layout.display = None if self._rows else "none"

    # -------------------------------------------------- unlock, lock, idle

    def unlock(self) -> None:
        self.vault = self.open_vault()
        if self.vault is None:
            return
        with self.vault.transaction() as conn:
            audit.append(conn, "unlock", "store", None)
        cohort, day = self.context()
        self.day_picker.value = day or dt.date.today()
        self._say(" ".join(self.vault.warnings) or "Unlocked. Check the date, then press Take the roll.")
        self._show_state()
        self._arm_idle()

    def lock(self, message: str = "") -> None:
        """Close the roll (destroying the widgets that showed names) and forget the key."""
        self._close_rows()
        self.password.value = ""
        if self.vault is not None:
            self.vault.lock()
        self.vault = None
        self._stop_idle()
        self._show_state()
        self._say(message)

    # -------------------------------------------------- the roll

    def take_roll(self) -> None:
        from iopkit.records.today import countable_minutes

        if not self.is_open:
            raise RecordInputError("The store is locked. Type the passphrase and press Unlock.")
        cohort, _ = self.context()
        if cohort is None:
            raise RecordInputError("Choose a cohort above first (one without problems).")
        day = self.day_picker.value or dt.date.today()
        full = countable_minutes(cohort)
        with self.vault.transaction() as conn:
            entries = roll_members(conn, cohort, day, full)
            audit.append(conn, "view", "attendance", None)
        self._close_rows()
        self.cohort, self.day = cohort, day
        w = self._w
        for entry in entries:
            label = w.Label(value=entry.label, layout=w.Layout(width="16em"))
            status = w.ToggleButtons(options=STATUS_OPTIONS, value=entry.status, style={"button_width": "6.2em"},
                                     layout=w.Layout(width="auto", flex="0 0 auto"))
            minutes = w.BoundedIntText(value=entry.minutes, min=0, max=24 * 60, description="min",
                                       layout=w.Layout(width="8.5em"), style={"description_width": "2.5em"})
            private = (w.Checkbox(value=bool(entry.telehealth_private), description="private place confirmed",
                                  indent=False) if getattr(cohort, "telehealth", False) else None)

            def on_status(change, minutes=minutes, full=full):
                self.touch()
                if change["new"] == "absent":
                    minutes.value = 0
                elif change["new"] == "present":
                    minutes.value = full

            status.observe(on_status, names="value")
            minutes.observe(lambda _: self.touch(), names="value")
            self._rows.append((entry, label, status, minutes, private))
        self.rows_box.children = [w.HBox([label, status, minutes] + ([private] if private else []),
                                         layout=w.Layout(align_items="center", flex_flow="row nowrap"))
                                  for _, label, status, minutes, private in self._rows]
        count = len(entries)
        self._say(f"{count} member{'s' if count != 1 else ''} on the roll for {day:%a %b} {day.day}. "
                  "Change anyone who was not present for the whole group, then press Save the roll."
                  if count else f"Nobody in this cohort is in the records for {day:%a %b} {day.day}.")
        self._show_state()

    def entries(self) -> list[RollEntry]:
        """What the screen shows now."""
        out = []
        for entry, _, status, minutes, private in self._rows:
            out.append(RollEntry(entry.pseudonym, entry.label, status.value,
                                 0 if status.value == "absent" else int(minutes.value),
                                 None if private is None else bool(private.value)))
        return out

    def save(self) -> None:
        if not self._rows:
            raise RecordInputError("Press Take the roll first.")
        count = save_roll(self.vault, self.day, self.entries())
        day = self.day
        self._close_rows()
        self._show_state()
        self._say(f"Saved the roll: {count} member{'s' if count != 1 else ''} on {day:%a %b} {day.day}. "
                  "The names are cleared from this screen.")

    def _close_rows(self) -> None:
        """Destroy every widget that showed a name, so no saved widget state can hold one."""
        rows, self._rows = self._rows, []
        boxes = list(self.rows_box.children)
        self.rows_box.children = []
        for _, label, status, minutes, private in rows:
            label.value = ""
            for widget in (label, status, minutes, private):
                if widget is not None:
                    widget.close()
        for box in boxes:
            box.close()
        self.cohort = self.day = None


def attendance_tab(workbench) -> RollScreen:
    """The Workbench's Attendance tab: the roll for the Workbench's cohort and chosen session's date."""

    def context() -> tuple[Cohort | None, dt.date | None]:
        plan = getattr(workbench, "plan", None)
        item = getattr(workbench, "item", None)
        return (plan.cohort if plan is not None else None), (item.date if item is not None else None)

    return RollScreen(context)
