"""The Workbench's Measures tab: a person answers a measure on the clinic tablet, and the answers go
straight into the encrypted store through ``measures_store.record_administration``.

Staff unlock the store, choose the person and the measure, and press "Hand over the tablet". The
chooser (the only widget that shows aliases) is closed at that moment, so the person holding the
tablet sees only the measure. When the person presses "I'm done", ``TabletForm`` clears the screen
first; the answers are scored, stored (entered by ``tablet``, audited), the form is closed and the
screen **locks** (the person still holds the tablet; the staff screen would list the group). If a
safety item was answered above 0 or left blank, the safety banner covers the screen until a staff
member acknowledges it (then it locks); the answers are stored all the same.

Nothing reaches the notebook: no cell output, no answer left in any widget (the form's widgets are
closed after each person), no alias after hand-over, and the key is forgotten on Lock or after
``IDLE_SECONDS`` without a click.
"""
from __future__ import annotations

import datetime as dt
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from iopkit.app.screens import IDLE_SECONDS, LockingScreen, store_fields
from iopkit.errors import RecordInputError
from iopkit.records import audit, people
from iopkit.records.store import STORE_VARIABLE, Vault

if TYPE_CHECKING:
    from iopkit.measures.tablet import TabletForm
    from iopkit.planning.cohort_schema import Cohort


class MeasuresScreen(LockingScreen):
    """Staff side: unlock, choose a person and a measure; tablet side: ``TabletForm``."""

    idle_message = "Locked after a while with no clicks. Unlock to give a measure."

    def __init__(self, context: Callable[[], tuple[Cohort | None, dt.date | None]], *,
                 store: str | Path | None = None, idle_seconds: float = IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic, curriculum: Path | None = None):
        import ipywidgets as w

        self._w = w
        self.context = context
        self.idle_seconds = idle_seconds
        self.clock = clock
        self.curriculum = curriculum
        self.vault: Vault | None = None
        self.tablet: TabletForm | None = None  # the form being answered, if any
        self._pseudonym: str | None = None  # whose answers the tablet will store: in memory, never in a widget
        self._day: dt.date | None = None
        self._start_idle_clock()

        self.intro = w.HTML(
            "<p>A person answers a measure on this screen, and the answers go into the encrypted records store. "
            "Choose the person and the measure, then hand over the tablet. The screen clears after each person; "
            f"it locks itself after {int(idle_seconds // 60) or 1} idle minutes.</p>", layout=w.Layout(width="100%"))
        default = str(store) if store else os.environ.get(STORE_VARIABLE, "")
        self.store_path, self.password = store_fields(default)
        self.unlock_button = w.Button(description="Unlock", layout=w.Layout(width="auto"))
        self.unlock_button.add_class("wb-primary")
        self.lock_button = w.Button(description="Lock", tooltip="Close this screen and forget the key",
                                    layout=w.Layout(width="auto"))
        self.day_picker = w.DatePicker(description="Given on", style={"description_width": "7em"})
        self.choose_button = w.Button(description="Choose a person", layout=w.Layout(width="auto"))
        self.choose_button.add_class("wb-primary")
        self.measure = w.Dropdown(description="Measure", options=self._measure_options(),
                                  style={"description_width": "7em"})
        self.chooser_box = w.VBox(layout=w.Layout(width="100%"))
        self.hand_over = w.Button(description="Hand over the tablet", layout=w.Layout(width="auto"))
        self.hand_over.add_class("wb-primary")
        self.tablet_box = w.VBox(layout=w.Layout(width="100%"))
        self.message = w.HTML(layout=w.Layout(width="100%"))
        self.unlock_box = w.VBox([self.store_path, w.HBox([self.password, self.unlock_button])])
        self.staff_box = w.VBox([w.HBox([self.day_picker, self.measure]),
                                 w.HBox([self.choose_button, self.lock_button]), self.chooser_box, self.hand_over])
        self.widget = w.VBox([self.intro, self.unlock_box, self.staff_box, self.tablet_box, self.message],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("iopkit-measures")

        self.unlock_button.on_click(lambda _: self._guard(self.unlock))
        self.lock_button.on_click(lambda _: self._guard(lambda: self.lock("Locked. Unlock to give a measure.")))
        self.choose_button.on_click(lambda _: self._guard(self.choose))
        self.hand_over.on_click(lambda _: self._guard(self.start))
        self._show_state()

    # -------------------------------------------------- state

    def _measures(self):
        from iopkit.measures.load import load_measures

        return load_measures(self.curriculum)

    def _measure_options(self) -> list[tuple[str, str]]:
        try:
            ms = self._measures()
        except Exception:  # noqa: BLE001 - a curriculum without measures: the tab says so when used
            return []
        # Only measures whose exact wording iopkit holds are shown on a screen (as on paper).
        return [(f"{m.id}: {m.name}", m.id) for m in ms.measures.values() if m.printable]

    @property
    def chooser(self):
        return self.chooser_box.children[0] if self.chooser_box.children else None

    def _show_state(self) -> None:
        self.unlock_box.layout.display = "none" if self.is_open or self.tablet else None
        self.staff_box.layout.display = None if self.is_open and self.tablet is None else "none"
        self.hand_over.layout.display = None if self.chooser is not None else "none"

    # -------------------------------------------------- unlock, lock, idle

    def unlock(self) -> None:
        self.vault = self.open_vault()
        if self.vault is None:
            return
        with self.vault.transaction() as conn:
            audit.append(conn, "unlock", "store", None)
        _, day = self.context()
        self.day_picker.value = dt.date.today() if day is None else day
        self._say(" ".join(self.vault.warnings) or "Unlocked. Choose the measure and the person.")
        self._show_state()
        self._arm_idle()

    def lock(self, message: str = "") -> None:
        """Close the chooser and any form, forget whose turn it is and the key."""
        self._close_chooser()
        self._close_tablet()
        self.password.value = ""
        if self.vault is not None:
            self.vault.lock()
        self.vault = None
        self._stop_idle()
        self._show_state()
        self._say(message)

    def idle_waiting(self) -> bool:
        """A safety banner waiting for staff keeps the screen open (it must be seen)."""
        return bool(self.tablet is not None and self.tablet.banner.value)

    # -------------------------------------------------- staff: whose turn

    def choose(self) -> None:
        if not self.is_open:
            raise RecordInputError("The store is locked. Type the passphrase and press Unlock.")
        cohort, _ = self.context()
        if cohort is None:
            raise RecordInputError("Choose a cohort above first (one without problems).")
        day = self.day_picker.value or dt.date.today()
        with self.vault.transaction() as conn:
            members = [p for p in people.participants(conn, people.cohort_slug(cohort)) if p.active_on(day)]
            audit.append(conn, "view", "participant", None)
        self._close_chooser()
        if not members:
            self._say(f"Nobody in this cohort is in the records for {day:%a %b} {day.day}.")
            self._show_state()
            return
        w = self._w
        self.chooser_box.children = [w.Dropdown(description="Person", options=[(p.label, p.pseudonym) for p in members],
                                                value=None, style={"description_width": "7em"})]
        self._say("Choose the person, check the measure, then press Hand over the tablet.")
        self._show_state()

    def start(self) -> None:
        """Hand over: the chooser (aliases) is closed, and the person sees only the measure."""
        from iopkit.measures.tablet import TabletForm

        if not self.is_open:
            raise RecordInputError("The store is locked. Type the passphrase and press Unlock.")
        chooser = self.chooser
        if chooser is None or chooser.value is None:
            raise RecordInputError("Choose the person first.")
        if not self.measure.value:
            raise RecordInputError("Choose the measure first.")
        ms = self._measures()
        measure = ms.get(self.measure.value)
        self._pseudonym, self._day = chooser.value, self.day_picker.value or dt.date.today()
        self._close_chooser()
        self.tablet = TabletForm(measure, ms, on_submit=self._store)
        self.tablet.acknowledge.on_click(lambda _: self._guard(self._finish))  # after TabletForm's own handler
        for buttons in self.tablet.buttons:  # answering counts as activity for the idle lock
            buttons.observe(lambda _: self.touch(), names="value")
        self.tablet_box.children = [self.tablet.root]
        self._say("")
        self._show_state()

    # -------------------------------------------------- tablet: the person's answers

    def _store(self, score) -> None:
        """``TabletForm.on_submit``: called after the form is cleared and, if needed, the banner shown."""
        from iopkit.records.measures_store import record_administration

        pseudonym, day = self._pseudonym, self._day
        self._pseudonym = None  # one submission per hand-over
        if pseudonym is None or day is None or not self.is_open:
            raise RecordInputError("No person was chosen for this form (or the store locked); nothing was stored.")
        tablet = self.tablet

        def show_banner(score, measures):
            from iopkit.measures.safety import alert_html

            if tablet is not None and not tablet.banner.value:  # TabletForm normally shows it already
                tablet.banner.value = alert_html(score.safety, measures, for_person=True)
                tablet.acknowledge.layout.display = ""
                tablet.form.layout.display = "none"

        record_administration(self.vault, pseudonym, score.measure, day, list(score.answers), "tablet",
                              measures=tablet.measures if tablet else None, prompt=show_banner)
        if not score.follow_up_needed:
            self._finish()

    def _finish(self) -> None:
        """Close the form (its widgets held the answers until cleared) and lock: the person still holds the
        tablet, and the staff screen would let them list the group's aliases."""
        self.lock("Thank you. Your answers are stored and the screen is clear. Please hand the tablet back. "
                  "Staff: unlock to give the next measure.")

    def _close_chooser(self) -> None:
        boxes = list(self.chooser_box.children)
        self.chooser_box.children = []
        for box in boxes:
            box.options = []
            box.close()

    def _close_tablet(self) -> None:
        tablet, self.tablet = self.tablet, None
        self._pseudonym = None
        self.tablet_box.children = []
        if tablet is None:
            return
        tablet.clear()
        tablet.banner.value = ""
        for widget in [tablet.root, tablet.form, tablet.banner, tablet.acknowledge, tablet.send, tablet.message,
                       *tablet.buttons, *tablet.form.children]:
            widget.close()


def measures_tab(workbench) -> MeasuresScreen:
    """The Workbench's Measures tab: the Workbench's cohort; the chosen session's date as the default day."""

    def context() -> tuple[Cohort | None, dt.date | None]:
        plan = getattr(workbench, "plan", None)
        item = getattr(workbench, "item", None)
        return (plan.cohort if plan is not None else None), (item.date if item is not None else None)

    return MeasuresScreen(context)
