"""The Workbench's Supervision tab: the two-minute fidelity self-rating (or a supervisor's observation)
for the session chosen above, and a link to the program dashboard.

The form names staff only (facilitators as the cohort file writes them); it never shows a
participant. The passphrase box is emptied the moment it is read, and the store is locked again
as soon as the form is saved. What a test can check without a browser is in ``SupervisionScreen``'s
``fill`` and ``save``.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit.app.screens import MessageLine, render, store_fields
from iopkit.errors import RecordInputError
from iopkit.markup import esc
from iopkit.records import fidelity
from iopkit.records.store import STORE_VARIABLE, Vault, find_store

if TYPE_CHECKING:
    import ipywidgets

    from iopkit.content.curriculum import Curriculum
    from iopkit.planning.cohort_schema import Cohort

#: What the Supervision tab asks the Workbench: its cohort, curriculum and the chosen session's date.
Context = Callable[[], "tuple[Cohort | None, Curriculum | None, dt.date | None]"]

DASHBOARD_NOTEBOOK = "iopkit-dashboard.ipynb"
ITEM_OPTIONS = (("Done", "done"), ("Partly", "partly"), ("Not done", "not done"), ("n.a.", "n.a."))

def dashboard_link_html(environ: Mapping[str, str] | None = None) -> str:
    """Where the program dashboard is: a link in JupyterLab (it opens the notebook in a tab); in the app
    (Voilà serves one notebook only) the command that opens it as an app of its own."""
    environ = os.environ if environ is None else environ
    app = "<code style='white-space:nowrap'>iopkit dashboard --app</code>"
    if environ.get("SERVER_SOFTWARE", "").startswith("voila"):
        where = f"Open it with {app} in a terminal, in this folder."
    else:
        where = (f"Open <a href='{DASHBOARD_NOTEBOOK}' target='_blank' style='text-decoration:underline'>"
                 f"{DASHBOARD_NOTEBOOK}</a> (in this folder), or run {app} for it as an app.")
    return f"<p><strong>Program dashboard.</strong> {where} It asks for the records store's passphrase.</p>"


class SupervisionScreen(MessageLine):
    """``context()`` gives (cohort, curriculum, date) — the Workbench's cohort and chosen session."""

    def __init__(self, context: Context, *,
                 store: str | Path | None = None):
        import ipywidgets as w

        self._w = w
        self.context = context
        self.session: fidelity.SessionOfDay | None = None
        self._items: list[ipywidgets.ToggleButtons] = []
        self._globals: list[ipywidgets.ToggleButtons] = []
        default = str(store) if store else os.environ.get(STORE_VARIABLE, "")

        self.intro = w.HTML(
            "<p>After every group, a two-minute self-rating of the session you chose above: each fidelity item from "
            "the guide, five global ratings and one thing you would do differently. A supervisor who observed the "
            "group fills in the same form as a supervisor observation, then signs it with <code>iopkit fidelity "
            f"sign</code>. Write no participant's name on the form: it is about the facilitator's work.</p>"
            f"<p class='fid-notice'>{esc(fidelity.NOT_CERTIFICATION)}</p>",
            layout=w.Layout(width="100%"))
        self.mode = w.ToggleButtons(options=(("Self-rating", "self"), ("Supervisor observation", "supervisor")),
                                    value="self", style={"button_width": "16em"})
        self.open_button = w.Button(description="Show the form", layout=w.Layout(width="auto"))
        self.open_button.add_class("wb-primary")
        # Buttons, not a dropdown: one click, and the Workbench's only dropdowns stay the cohort and session.
        self.facilitator = w.ToggleButtons(description="Facilitator", style={"button_width": "14em",
                                                                          "description_width": "7em"})
        self.rater = w.Text(description="Observed by", placeholder="the supervisor's name",
                            layout=w.Layout(width="min(100%, 30em)"), style={"description_width": "7em"})
        self.title = w.HTML(layout=w.Layout(width="100%"))
        self.items_box = w.VBox(layout=w.Layout(width="100%"))
        self.items_box.add_class("fid-items")
        self.globals_box = w.VBox(layout=w.Layout(width="100%"))
        self.globals_box.add_class("fid-globals")
        self.different = w.Text(description="Differently", placeholder="What I'd do differently next time",
                                layout=w.Layout(width="min(100%, 48em)"), style={"description_width": "7em"})
        self.store_path, self.password = store_fields(default)
        self.save_button = w.Button(description="Save the form", layout=w.Layout(width="auto"))
        self.save_button.add_class("wb-primary")
        self.message = w.HTML(layout=w.Layout(width="100%"))
        self.dashboard = w.HTML(dashboard_link_html(), layout=w.Layout(width="100%"))
        self.form_box = w.VBox([self.facilitator, self.rater, self.title, self.items_box, self.globals_box,
                                self.different, self.store_path, w.HBox([self.password, self.save_button])],
                               layout=w.Layout(width="100%"))
        self.widget = w.VBox([w.HTML(render("supervision-style.html.j2")), self.intro, w.HBox([self.mode, self.open_button]), self.form_box,
                              self.message, self.dashboard], layout=w.Layout(width="100%"))
        self.widget.add_class("iopkit-fid")
        self.form_box.layout.display = "none"
        self.open_button.on_click(lambda _: self._guard(self.fill))
        self.save_button.on_click(lambda _: self._guard(self.save))
        self.mode.observe(lambda _: self._guard(self._show_rater), names="value")

    def _show_rater(self) -> None:
        self.rater.layout.display = None if self.mode.value == "supervisor" else "none"

    def fill(self) -> None:
        """Lay out the form for the Workbench's cohort and session."""
        w = self._w
        cohort, curriculum, day = self.context()
        if cohort is None or day is None:
            raise RecordInputError("Choose a cohort and a session above first.")
        self.session = fidelity.session_of_day(cohort, curriculum, day)
        s = self.session
        self.title.value = (f"<h3>{esc(fidelity.MODE_LABELS[self.mode.value])}: session {s.position}, "
                            f"{esc(s.title)} ({day:%a %b} {day.day})</h3>")
        self.facilitator.options = list(s.facilitators)
        self.facilitator.value = s.facilitators[(s.position - 1) % len(s.facilitators)]
        self._items = [w.ToggleButtons(options=ITEM_OPTIONS, value=None, style={"button_width": "6.4em"})
                       for _ in s.items]
        self.items_box.children = [w.VBox([w.HTML(f"<p class='fid-item'>{n}. {esc(text)}</p>"), toggle])
                                   for n, (text, toggle) in enumerate(zip(s.items, self._items), 1)]
        self._globals = [w.ToggleButtons(options=[str(n) for n in range(1, 6)], value=None,
                                         style={"button_width": "3em"}) for _ in fidelity.GLOBALS]
        rows = [w.HTML("<h4>Global ratings (1 to 5)</h4>")]
        for (_key, name, anchors), toggle in zip(fidelity.GLOBALS, self._globals):
            text = " · ".join(f"{n}: {esc(a)}" for n, a in anchors.items())
            rows.append(w.VBox([w.HTML(f"<p class='fid-item'><strong>{esc(name)}</strong></p>"
                                       f"<p class='fid-anchor'>{text}</p>"), toggle]))
        self.globals_box.children = rows
        self.different.value = ""
        self.form_box.layout.display = None
        self._show_rater()
        self._say("Choose one answer for each item and each rating, then type the passphrase and save.")

    def answers(self) -> tuple[list[str], dict[str, str]]:
        missing = [str(n) for n, t in enumerate(self._items, 1) if t.value is None]
        if missing:
            raise RecordInputError(f"Items {', '.join(missing)}: choose done, partly, not done or n.a. for each.")
        unrated = [name for (_, name, _), t in zip(fidelity.GLOBALS, self._globals) if t.value is None]
        if unrated:
            raise RecordInputError(f"Choose a rating from 1 to 5 for: {', '.join(unrated)}.")
        return [t.value for t in self._items], {k: t.value for (k, _, _), t in zip(fidelity.GLOBALS, self._globals)}

    def save(self) -> None:
        if self.session is None:
            raise RecordInputError("Press Show the form first.")
        items, ratings = self.answers()
        form = fidelity.new_form(self.session, mode=self.mode.value, facilitator=self.facilitator.value,
                                 rater=self.rater.value, items=items, ratings=ratings, different=self.different.value)
        secret, self.password.value = self.password.value, ""
        if not secret:
            raise RecordInputError("Type the records store's passphrase, then press Save the form.")
        vault = Vault.unlock(find_store(self.store_path.value.strip() or None), secret)
        del secret
        try:
            with vault.transaction() as conn:
                fidelity.save_form(conn, form)
        finally:
            vault.lock()
        self.form_box.layout.display = "none"
        self._say(f"Saved fidelity form {form.id} for session {form.position} ({form.facilitator}). Thank you."
                  + (f" A supervisor signs it with: iopkit fidelity sign {form.id}" if form.mode == "supervisor" else ""))


def supervision_tab(workbench) -> SupervisionScreen:
    """The Workbench's Supervision tab, for its cohort and chosen session."""

    def context() -> tuple[Cohort | None, Curriculum | None, dt.date | None]:
        from iopkit.content.curriculum import load_curriculum

        plan = getattr(workbench, "plan", None)
        item = getattr(workbench, "item", None)
        if plan is None or item is None:
            return None, None, None
        return plan.cohort, load_curriculum(Path(workbench.curriculum_dir) if workbench.curriculum_dir else None), item.date

    return SupervisionScreen(context)
