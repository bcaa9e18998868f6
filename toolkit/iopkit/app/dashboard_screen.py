"""The program dashboard as a page (``notebooks/dashboard.ipynb``, served by ``iopkit dashboard --app``).

The director (or a facilitator) types the records store's passphrase; the figures are computed
once, the store is locked again at once, and the page shows them inside the program (exact counts,
pseudonyms where needed). Everything is in widgets, never a cell output, so a notebook saved in
JupyterLab keeps no figure and no pseudonym (``saveState`` is off, see ``launch.LAB_SETTINGS``).
"Me first" puts one facilitator's own rows on top. "Lock" clears the page, and so does
``IDLE_SECONDS`` without a click (the same idle time as the attendance screen).
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING

from iopkit import theme
from iopkit.app.screens import IDLE_SECONDS, LockingScreen, store_fields
from iopkit.markup import esc
from iopkit.records.store import STORE_VARIABLE

if TYPE_CHECKING:
    from iopkit.records.dashboard import ProgramView


class DashboardScreen(LockingScreen):
    """The director's dashboard: unlock, see the page, and it clears itself after a while with no clicks."""

    idle_message = "Cleared after a while with no clicks. Type the passphrase to see it again."

    def __init__(self, folder: Path | str | None = None, curriculum_dir: Path | str | None = None, *,
                 idle_seconds: float = IDLE_SECONDS, clock=time.monotonic):
        import ipywidgets as w

        self.idle_seconds, self.clock = idle_seconds, clock
        self._start_idle_clock()
        self.folder = Path(folder) if folder else Path.cwd()
        self.curriculum_dir = curriculum_dir
        self.view: ProgramView | None = None
        self.head = w.HTML(f"<h2 style='color:{theme.ACCENT};margin:.2em 0'>Program dashboard</h2><p>Type the records "
                           "store's passphrase to see how the program's groups are doing. The page shows "
                           "pseudonyms: do not project or share it. Definitions of every number: "
                           "docs/dashboard.md.</p>", layout=w.Layout(width="100%"))
        self.store_path, self.password = store_fields(os.environ.get(STORE_VARIABLE, ""))
        self.show_button = w.Button(description="Show the dashboard", layout=w.Layout(width="auto"))
        self.show_button.add_class("dash-show")
        self.me = w.Dropdown(description="Me first", options=[("(nobody)", "")], value="",
                             layout=w.Layout(width="min(100%, 30em)"), style={"description_width": "7em"})
        self.lock_button = w.Button(description="Lock", tooltip="Clear the page", layout=w.Layout(width="auto"))
        self.message = w.HTML(layout=w.Layout(width="100%"))
        self.page = w.HTML(layout=w.Layout(width="100%"))
        self.unlock_box = w.VBox([self.store_path, w.HBox([self.password, self.show_button])])
        self.tools = w.HBox([self.me, self.lock_button])
        self.widget = w.VBox([self.head, self.unlock_box, self.tools, self.message, self.page],
                             layout=w.Layout(width="100%"))
        self.widget.add_class("iopkit-dashboard")
        self.tools.layout.display = "none"
        self.show_button.on_click(lambda _: self._guard(self.unlock))
        self.lock_button.on_click(lambda _: self._guard(self.lock))
        self.me.observe(lambda _: self._guard(self._draw), names="value")

    def unlock(self) -> None:
        from iopkit.content.curriculum import load_curriculum
        from iopkit.records import audit, dashboard

        vault = self.open_vault("Show the dashboard")
        if vault is None:
            return
        try:
            curriculum = load_curriculum(Path(self.curriculum_dir) if self.curriculum_dir else None)
            problems: list[str] = []
            cohorts = dashboard.load_cohorts(self.folder / "cohorts", curriculum, problems)
            with vault.transaction() as conn:
                self.view = dashboard.compute(conn, cohorts, curriculum)
                audit.append(conn, "view", "dashboard", None)
        finally:
            vault.lock()
        names = sorted({str(f) for c in cohorts for f in c.cohort.facilitators})
        self.me.options = [("(nobody)", "")] + [(n, n) for n in names]
        self.message.value = "".join(f"<div class='wb-message'>{esc(p)}</div>" for p in problems)
        self.unlock_box.layout.display = self.head.layout.display = "none"  # the page has its own heading
        self.tools.layout.display = None
        self._draw()
        self._arm_idle()

    def _draw(self) -> None:
        from iopkit.records import dashboard

        if self.view is not None:
            self.page.value = dashboard.render_html(self.view, export=False, facilitator=self.me.value or None,
                                                    standalone=False)

    @property
    def is_open(self) -> bool:
        return self.view is not None

    def lock(self, message: str = "Locked. Type the passphrase to see the dashboard again.") -> None:
        self._stop_idle()
        self.view = None
        self.page.value = ""
        self.unlock_box.layout.display = self.head.layout.display = None
        self.tools.layout.display = "none"
        self._say(message)

    def show(self) -> None:
        from IPython.display import display

        display(self.widget)
