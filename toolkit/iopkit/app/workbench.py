"""The counselor's workbench: one screen, in JupyterLab or Voilà, to run a group from.

Choose a cohort and a session; see the session's date and its run of show with clock
times; time the group block by block; build and preview the facilitator guide and the
participant handout with one click; open the session's interactive exercise.

What a test can check without a browser lives in plain functions and classes
(``cohort_choices``, ``session_choices``, ``BlockTimer``);
``Workbench`` only wires them to ipywidgets. The timer's clock is the kernel's
(``time.monotonic``): an ``ipywidgets.Play`` ticking in the browser only asks it to
redraw, so a tab the browser slows down in the background still shows the right time.
"""
from __future__ import annotations

import datetime as dt
import importlib
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from iopkit import paths, theme
from iopkit.app.screens import file_href, plain_error, render  # noqa: F401  (tests and the Group tab use them from here)
from iopkit.exercises.clock import Timer, clock_text
from iopkit.markup import esc

if TYPE_CHECKING:
    from iopkit.planning.plan import Plan, PlannedSession

#: The Workbench's colours: iopkit.theme's (kept under these names for the screens that import them).
ACCENT, INK, MUTED = theme.ACCENT, theme.INK, theme.MUTED
#: The name the home notebook gets in a counselor's folder (``iopkit lab`` copies it there).
HOME_NOTEBOOK = "iopkit-home.ipynb"
#: How often the browser asks the kernel to redraw the timer, in milliseconds.
TICK_MS = 500


# ---------------------------------------------------------------- markup


def stylesheet() -> str:
    """The Workbench's ``<style>`` element (``iopkit/workbench/style.html.j2``)."""
    return render("style.html.j2")


# ---------------------------------------------------------------- choices


def cohort_choices(folder: Path | str | None = None) -> list[tuple[str, Path]]:
    """(label, path) for each ``cohorts/*.toml`` in ``folder``, then the example cohort iopkit ships."""
    folder = Path(folder) if folder else Path.cwd()
    out: list[tuple[str, Path]] = []
    seen: set[Path] = set()
    for path in sorted((folder / "cohorts").glob("*.toml"), key=lambda p: p.name.lower()):
        if path.is_file() and path.resolve() not in seen:
            seen.add(path.resolve())
            out.append((f"cohorts/{path.name}", path))
    # The program folder's cohorts (on a hub: the clinic's shared examples), then iopkit's own example.
    try:
        program = paths.find_program(folder)
    except Exception:  # noqa: BLE001 - a wrong $IOPKIT_PROGRAM shows when a cohort is loaded, not here
        program = None
    shared = sorted((program / "cohorts").glob("*.toml"), key=lambda p: p.name.lower()) if program else []
    for path in shared:
        if path.is_file() and path.resolve() not in seen:
            seen.add(path.resolve())
            out.append((f"Program folder: cohorts/{path.name}", path))
    example = paths.example_cohort()
    if example.resolve() not in seen:
        out.append(("The example cohort that ships with iopkit", example))
    return out


def load_plan(cohort_path: Path | str, curriculum_dir: Path | str | None = None) -> Plan:
    """The cohort's plan; raises an ``IopkitError`` whose ``str()`` is the message to show."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import plan_cohort

    curriculum = load_curriculum(Path(curriculum_dir) if curriculum_dir else None)
    return plan_cohort(load_cohort(cohort_path, curriculum=curriculum), curriculum)


def is_complete(item) -> bool:
    from iopkit.content.schema import Session

    return isinstance(item.session, Session)


def session_label(item) -> str:
    """``7 · Wed Jan 20 · The Happiness Scale and Setting Goals``."""
    label = f"{item.position} · {item.date:%a %b} {item.date.day} · {item.session.title}"
    return label if is_complete(item) else label + " (outline)"


def session_choices(plan) -> list[tuple[str, int]]:
    """(label, position) for every session of the plan, in order."""
    return [(session_label(item), item.position) for item in plan.sessions]


def default_position(plan, today: dt.date | None = None) -> int:
    """The next session on or after today; the last one once the plan is over."""
    today = today or dt.date.today()
    for item in plan.sessions:
        if item.date >= today:
            return item.position
    return plan.sessions[-1].position if plan.sessions else 1


# ---------------------------------------------------------------- the block timer


@dataclass(frozen=True)
class TimerState:
    """Where the group is: the current block, the time left in it and what comes next."""

    index: int  # the current block, from 0 (the last one once time is up)
    title: str
    block_seconds: float
    left: float  # seconds left in the current block
    elapsed: float  # seconds since the session started
    next_title: str | None
    next_minutes: int | None
    done: bool

    @property
    def fraction(self) -> float:
        """How much of the current block has gone, from 0 to 1."""
        return 1.0 - self.left / self.block_seconds if self.block_seconds else 1.0


class BlockTimer(Timer):
    """Time through an agenda: start, pause, jump to the next block, reset.

    ``blocks`` are (title, minutes). ``at(elapsed)`` is the pure part (seconds since the
    start -> current block, time left, next block); the counting itself is the exercises'
    ``Timer``, which takes a ``now`` function so a test can hand it a fake clock.
    """

    def __init__(self, blocks: Sequence[tuple[str, int]], now: Callable[[], float] = time.monotonic):
        self.blocks = [(str(title), int(minutes)) for title, minutes in blocks]
        self.starts: list[float] = []
        clock = 0.0
        for _, minutes in self.blocks:
            self.starts.append(clock)
            clock += minutes * 60.0
        super().__init__(clock, now)

    def at(self, elapsed: float) -> TimerState:
        if not self.blocks:
            return TimerState(0, "", 0.0, 0.0, 0.0, None, None, True)
        elapsed = max(0.0, min(float(elapsed), self.total))
        last = len(self.blocks) - 1
        for i, ((title, minutes), start) in enumerate(zip(self.blocks, self.starts)):
            end = start + minutes * 60.0
            if elapsed < end:
                following = self.blocks[i + 1] if i < last else (None, None)
                return TimerState(i, title, minutes * 60.0, end - elapsed, elapsed, following[0], following[1], False)
        title, minutes = self.blocks[last]
        return TimerState(last, title, minutes * 60.0, 0.0, self.total, None, None, True)

    @property
    def current(self) -> TimerState:
        return self.at(self.elapsed)

    def next_block(self) -> None:
        """Move on to the start of the next block now (running or not, as it was)."""
        state = self.current
        if state.done:
            return
        running = self._since is not None
        self._banked = min(self.total, self.starts[state.index] + state.block_seconds)
        self._since = self.now() if running and self._banked < self.total else None


# ---------------------------------------------------------------- links to built files


def lab_link_html(environ: Mapping[str, str] | None = None) -> str:
    """On JupyterHub, a link from the Workbench to JupyterLab on the same home notebook (one click away).

    The hub gives each server its URL prefix (``/user/<name>/``) in ``JUPYTERHUB_SERVICE_PREFIX``;
    on a counselor's own computer there is no hub and no link (``iopkit lab`` opens JupyterLab).
    """
    environ = os.environ if environ is None else environ
    prefix = environ.get("JUPYTERHUB_SERVICE_PREFIX", "")
    if not prefix:
        return ""
    return render("lab-link.html.j2", href="/" + prefix.strip("/") + "/lab/tree/" + quote(HOME_NOTEBOOK))


def build_status_html(position: int, result) -> str:
    """The build's outcome for one session in a sentence, then the build's own summary."""
    mine = next((r for r in result.sessions if r.position == position), None)
    if mine is None or mine.status == "failed":
        why = mine.message if mine else "it was not in the build"
        head, kind = f"Session {position} could not be built: {why}", "message"
    elif mine.status == "unchanged":
        head, kind = (f"Session {position} has not changed since it was last built: "
                      "the guide and the handout below are up to date."), "note"
    else:
        head, kind = f"Session {position} is built: the facilitator guide and the handout are ready to print.", "note"
    if mine is not None and mine.status != "failed" and not result.ok:
        head, kind = head + " Some other files of the packet could not be written; see below.", "message"
    return render("build-status.html.j2", kind=kind, head=head, summary=result.summary())


# ---------------------------------------------------------------- the room view

ROOM_FILE = "room.html"


def room_href(path: Path, cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> str | None:
    """A link that opens the room view in its own browser tab, where reveal.js can run.

    Voilà serves it under ``voila/files/`` (``iopkit app`` allows ``room.html``); in JupyterLab a
    relative link would open it in JupyterLab's HTML viewer, which runs no script, so the link
    goes to the server's raw ``/files/`` route (``iopkit lab`` serves the folder at ``/``).
    """
    href = file_href(path, cwd, environ)
    if href is None or href.startswith("/"):
        return href
    return "/files/" + href


def room_link_html(path: Path | None, folder: Path, environ: Mapping[str, str] | None = None) -> str:
    """The button that opens this session's room view, or what to do to make it."""
    made = path is not None and Path(path).is_file()
    return render("room-link.html.j2", made=made, path=path, href=room_href(path, folder, environ) if made else None)


# ---------------------------------------------------------------- after the group


def after_group_intro_html(item, cohort) -> str:
    """What the "After the group" tab makes, for the chosen session."""
    if not is_complete(item):
        return render("after-group.html.j2", outline=True)
    from iopkit.render.notes import default_out

    return render("after-group.html.j2", outline=False, day=f"{item.date:%A, %B} {item.date.day}",
                  folder=default_out(cohort, item.date).as_posix())


def _kit_label(stem: str) -> str:
    """``group-section-birp`` -> ``Group section (BIRP)``; ``sign-in-slips`` -> ``Sign-in slips``."""
    from iopkit.render.notes import FORMATS

    for key, label in FORMATS.items():
        if stem.endswith("-" + key):
            return _kit_label(stem[: -len(key) - 1]) + f" ({label})"
    return stem.replace("sign-in-", "sign-in ").replace("catch-up-", "catch-up ").replace("-", " ").capitalize() \
        .replace("Sign in", "Sign-in").replace("Catch up", "Catch-up")


def kit_links_html(files: Sequence[Path], folder: Path, environ: Mapping[str, str] | None = None) -> str:
    """Links to the PDFs of a kit (the kinds both JupyterLab and Voilà open), and where all files are."""
    items = [(_kit_label(path.stem) + " (PDF)", file_href(path, folder, environ), path) for path in files
             if path.suffix == ".pdf"]
    where = files[0].parent if files else folder
    shown = os.path.relpath(where, folder) if Path(where).resolve().is_relative_to(Path(folder).resolve()) else where
    return render("kit-links.html.j2", items=items, where=shown, after="")


# ---------------------------------------------------------------- the widgets


#: The workbench this kernel showed last (see ``Workbench.show``).
_SHOWN: "Workbench | None" = None


class Workbench:
    """The home screen: ``Workbench().show()`` in a notebook (JupyterLab or Voilà)."""

    def __init__(self, folder: Path | str | None = None, curriculum_dir: Path | str | None = None,
                 today: dt.date | None = None, now: Callable[[], float] = time.monotonic):
        import ipywidgets as w

        self.folder = Path(folder) if folder else Path.cwd()
        self.curriculum_dir = curriculum_dir
        self.today = today
        self.now = now
        self.plan: Plan | None = None
        self.item: PlannedSession | None = None
        self.timer = BlockTimer([], now)
        self._shown_index: int | None = None
        self._building = False
        self._quiet = False
        self._build_thread: threading.Thread | None = None

        self.head = w.HTML(layout=w.Layout(width="100%"))
        self.cohort = w.Dropdown(description="Cohort", layout=w.Layout(width="min(100%, 46em)"),
                                 style={"description_width": "5em"})
        self.reload = w.Button(description="Reload", tooltip="Read the cohort files again (after you edit one)",
                               layout=w.Layout(width="auto"))
        self.session = w.Dropdown(description="Session", layout=w.Layout(width="min(100%, 52em)"),
                                  style={"description_width": "5em"})
        self.message = w.HTML(layout=w.Layout(width="100%"))

        # Today's session: the card, the timer, the run of show.
        self.card = w.HTML(layout=w.Layout(width="100%"))
        self.timer_html = w.HTML(layout=w.Layout(width="100%"))
        self.start = w.Button(description="Start", tooltip="Start the timer for this block")
        self.pause = w.Button(description="Pause", tooltip="Pause the timer")
        self.next = w.Button(description="Next block", tooltip="Move on to the next block now")
        self.reset = w.Button(description="Reset", tooltip="Back to the start of the session")
        self.start.add_class("wb-primary")
        for button in (self.start, self.pause, self.next, self.reset):
            button.layout = w.Layout(width="auto")
        self.play = w.Play(value=0, min=0, max=10**9, step=1, interval=TICK_MS, repeat=True, show_repeat=False,
                           layout=w.Layout(display="none"))
        self.timer_box = w.VBox([self.timer_html, w.HBox([self.start, self.pause, self.next, self.reset]), self.play])
        self.timer_box.add_class("wb-timer")
        self.run_html = w.HTML(layout=w.Layout(width="100%"))
        # The room view (room.html, made by the build): a link that opens it in its own browser tab.
        self.room_link = w.Output(layout=w.Layout(width="100%"))
        today_tab = w.VBox([self.card, self.room_link, self.timer_box, self.run_html])

        # Guide and handout.
        self.build_intro = w.HTML(layout=w.Layout(width="100%"))
        self.build = w.Button(description="Build guide and handout", tooltip="Make this session's guide and handout",
                              layout=w.Layout(width="auto", align_self="flex-start"))
        self.build.add_class("wb-primary")
        self.build_status = w.HTML(layout=w.Layout(width="100%"))
        self.links = w.Output(layout=w.Layout(width="100%"))
        self.preview = w.HTML(layout=w.Layout(width="100%"))
        print_tab = w.VBox([self.build_intro, self.build, self.build_status, self.links, self.preview])

        # The exercise.
        self.exercise_intro = w.HTML(layout=w.Layout(width="100%"))
        self.open_exercise = w.Button(description="Open the exercise",
                                      layout=w.Layout(width="auto", align_self="flex-start"))
        self.open_exercise.add_class("wb-primary")
        self.exercise_box = w.VBox(layout=w.Layout(width="100%"))
        exercise_tab = w.VBox([self.exercise_intro, self.open_exercise, self.exercise_box])

        # After the group: notes kit, catch-up kit, reminder texts. Nothing here takes a name.
        self.after_intro = w.HTML(layout=w.Layout(width="100%"))
        from iopkit.render.notes import FORMATS

        self.note_format = w.Dropdown(description="Format", options=[(label, key) for key, label in FORMATS.items()],
                                      value="dap", layout=w.Layout(width="14em"), style={"description_width": "5em"})
        self.write_notes = w.Button(description="Write the notes kit", layout=w.Layout(width="auto"),
                                    tooltip="Group section, member template and sign-in sheets for this session")
        self.write_notes.add_class("wb-primary")
        self.catchup = w.Button(description="Catch-up kit", layout=w.Layout(width="auto"),
                                tooltip="This session's handout and a one-page summary, for someone who missed it")
        self.notes_status = w.HTML(layout=w.Layout(width="100%"))
        self.notes_links = w.Output(layout=w.Layout(width="100%"))
        self.notes_text = w.Textarea(layout=w.Layout(width="100%", height="18em", display="none"))
        self.reminders_html = w.HTML(layout=w.Layout(width="100%"))
        after_tab = w.VBox([self.after_intro, w.HBox([self.note_format, self.write_notes, self.catchup]),
                            self.notes_status, self.notes_links, self.notes_text, self.reminders_html])

        # Attendance: opt-in clinic records (iopkit.app.records_screen); locked until the store's passphrase is typed.
        from iopkit.app.records_screen import attendance_tab

        self.roll = attendance_tab(self)
        # Measures: a person answers on the clinic tablet, stored in the same store (iopkit.app.measures_screen).
        from iopkit.app.measures_screen import measures_tab

        self.measures_screen = measures_tab(self)
        # Supervision: the fidelity form for the chosen session, and the program dashboard (iopkit.records).
        from iopkit.app.supervision_screen import supervision_tab

        self.supervision = supervision_tab(self)
        self.tabs = w.Tab(children=[today_tab, print_tab, exercise_tab, after_tab, self.roll.widget,
                                    self.measures_screen.widget, self.supervision.widget], layout=w.Layout(width="100%"))
        self.tabs.titles = ("Today's session", "Guide and handout", "Exercise", "After the group",
                            "Attendance", "Measures", "Supervision")
        # The Group tab (iopkit.app.cohort_editor): set up or change a group; built the first time it is opened.
        from iopkit.app.cohort_editor import GroupTab

        self.group = GroupTab(self)
        self.areas = w.Tab(children=[w.VBox([w.HBox([self.cohort, self.reload]), self.session, self.message,
                                             self.tabs]), self.group.widget], layout=w.Layout(width="100%"))
        self.areas.titles = ("Sessions", "Group")
        self.areas.observe(lambda c: self._guard(self.group.open) if c["new"] == 1 else None, names="selected_index")
        self.widget = w.VBox([w.HTML(stylesheet()), self.head, self.areas])
        self.widget.add_class("iopkit-wb")

        self.cohort.observe(self._on_cohort, names="value")
        self.session.observe(self._on_session, names="value")
        self.reload.on_click(lambda _: self._guard(self.refresh_cohorts))
        self.start.on_click(lambda _: self._guard(self.start_timer))
        self.pause.on_click(lambda _: self._guard(self.pause_timer))
        self.next.on_click(lambda _: self._guard(self.next_block))
        self.reset.on_click(lambda _: self._guard(self.reset_timer))
        self.play.observe(lambda _: self._guard(self._tick), names="value")
        self.build.on_click(lambda _: self._guard(self.build_session))
        self.open_exercise.on_click(lambda _: self._guard(self.show_exercise))
        self.write_notes.on_click(lambda _: self._guard(self.write_notes_kit))
        self.catchup.on_click(lambda _: self._guard(self.make_catchup_kit))
        self.note_format.observe(lambda _: self._guard(self._reset_after_group), names="value")
        self.refresh_cohorts()

    # ------------------------------------------------------------ showing it

    def show(self) -> None:
        from IPython.display import display

        global _SHOWN
        # Running the notebook again makes a new workbench; the old one's timer would keep
        # ticking in the browser unseen, so it stops.
        if _SHOWN is not None and _SHOWN is not self:
            _SHOWN._stop_timer()
            _SHOWN.roll.lock()  # and the old attendance screen forgets its key and closes any names
            _SHOWN.measures_screen.lock()  # and the old measures screen too
        _SHOWN = self
        display(self.widget)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def _guard(self, action: Callable[[], object]) -> None:
        """Run a button's action; a problem shows as a plain message, never as a traceback."""
        try:
            action()
        except Exception as exc:  # noqa: BLE001 - a counselor reads the message, not a traceback
            self._say(plain_error(exc))

    def _say(self, text: str, kind: str = "message") -> None:
        self.message.value = f'<div class="wb-{kind}">{esc(text)}</div>' if text else ""

    # ------------------------------------------------------------ cohort and session

    def refresh_cohorts(self) -> None:
        """Read the cohorts folder again, keeping the chosen cohort (and session) if they are still there."""
        previous, position = self.cohort.value, self.session.value
        choices = cohort_choices(self.folder)
        values = [path for _, path in choices]
        keep = previous if previous in values else values[0]
        with self._quietly():
            self.cohort.options = choices
            self.cohort.value = keep
        self._load_cohort(keep, position)

    def _quietly(self):
        """While the code (not the counselor) changes a dropdown, its observers stay out of it."""
        from contextlib import contextmanager

        @contextmanager
        def quiet():
            self._quiet = True
            try:
                yield
            finally:
                self._quiet = False

        return quiet()

    def _on_cohort(self, change) -> None:
        if not self._quiet and change["new"] is not None:
            self._guard(lambda: self._load_cohort(change["new"]))

    def _load_cohort(self, path: Path, position: int | None = None) -> None:
        try:
            plan = load_plan(path, self.curriculum_dir)
        except Exception as exc:  # noqa: BLE001 - an invalid file shows its plain validation message
            self.plan = self.item = None
            self._stop_timer()
            with self._quietly():
                self.session.options = []
            self.session.disabled = True
            self.tabs.layout.display = "none"
            self.head.value = self._head_html(None)
            self._say(f"This cohort cannot be shown yet. Fix what each line below names (in the Group tab, or "
                      f"in the file, then choose Reload).\n\n{plain_error(exc)}")
            return
        self.plan = plan
        self._say("")
        self.head.value = self._head_html(plan.cohort)
        self.session.disabled = False
        self.tabs.layout.display = None
        choices = session_choices(plan)
        chosen = position if position in [p for _, p in choices] else default_position(plan, self.today)
        with self._quietly():
            self.session.options = choices
            self.session.value = chosen
        self._load_session(chosen)

    def _on_session(self, change) -> None:
        if not self._quiet and change["new"] is not None and self.plan is not None:
            self._guard(lambda: self._load_session(change["new"]))

    def select(self, position: int) -> None:
        """Choose a session by its place in the cohort's plan (as the dropdown does)."""
        self.session.value = position

    def _load_session(self, position: int) -> None:
        self._say("")
        self.item = self.plan.at(position)
        self._stop_timer()
        self.timer = BlockTimer([(b.block.title, b.minutes) for b in self.item.blocks], self.now)
        self._shown_index = None
        complete = is_complete(self.item)
        self.card.value = self._card_html()
        self.timer_box.layout.display = None if complete else "none"
        self._draw_timer()
        self.run_html.value = self._run_html()
        self._show_room_link()
        self.build_intro.value = self._build_intro_html()
        self.build.disabled = not complete or self._building
        self.build_status.value = ""
        self.links.outputs = ()
        self.preview.value = ""
        self.exercise_box.children = ()
        self.exercise_intro.value, has_widget = self._exercise_intro_html()
        self.open_exercise.disabled = not has_widget
        self.open_exercise.layout.display = None if has_widget else "none"
        self._reset_after_group()

    # ------------------------------------------------------------ the timer

    def start_timer(self) -> None:
        self.timer.start()
        self.play.playing = self.timer.running
        self._draw_timer()

    def pause_timer(self) -> None:
        self.timer.pause()
        self.play.playing = False
        self._draw_timer()

    def next_block(self) -> None:
        self.timer.next_block()
        self.play.playing = self.timer.running
        self._draw_timer()

    def reset_timer(self) -> None:
        self._stop_timer()
        self._draw_timer()

    def _stop_timer(self) -> None:
        self.timer.reset()
        self.play.playing = False
        self.play.value = 0

    def _tick(self) -> None:
        if self.timer.state != "running" and self.play.playing:
            self.play.playing = False  # time is up, or the timer was paused
        self._draw_timer()

    def _draw_timer(self) -> None:
        timer = self.timer
        state = timer.current
        status = timer.state
        self.start.disabled = status in ("running", "done") or not timer.blocks
        self.start.description = "Resume" if status == "paused" else "Start"
        self.pause.disabled = status != "running"
        self.next.disabled = status == "done" or not timer.blocks
        self.reset.disabled = status == "ready"
        if not timer.blocks:
            self.timer_html.value = ""
            return
        if state.done:
            body = render("timer.html.j2", done=True)
        else:
            body = render("timer.html.j2", done=False, title=state.title, index=state.index + 1, count=len(timer.blocks),
                          label={"ready": "Ready to start", "running": "Now", "paused": "Paused"}[status],
                          left=clock_text(state.left), minutes=int(state.block_seconds // 60),
                          percent=100 * state.fraction, next_title=state.next_title, next_minutes=state.next_minutes)
        if body != self.timer_html.value:
            self.timer_html.value = body
        index = None if status == "ready" else state.index
        if state.done:
            index = len(timer.blocks)
        if index != self._shown_index:
            self._shown_index = index
            self.run_html.value = self._run_html()

    # ------------------------------------------------------------ building

    def build_session(self) -> None:
        """Build this session's guide and handout (in the background: the timer keeps going)."""
        if self.item is None or not is_complete(self.item) or self._building:
            return
        item, cohort = self.item, self.plan.cohort
        out = self.folder / "build" / cohort.slug
        self._building = True
        self.build.disabled = True
        self.build.description = "Building..."
        self.build_status.value = (f'<div class="wb-note">Building session {item.position}: running the notebook and '
                                   "laying out two PDFs. This takes about 10 to 20 seconds.</div>")
        self.links.outputs = ()
        self.preview.value = ""
        thread = threading.Thread(target=self._build_in_background, args=(item, cohort.path, out), daemon=True,
                                  name="iopkit-workbench-build")
        self._build_thread = thread
        thread.start()

    def _build_in_background(self, item, cohort_path: Path, out: Path) -> None:
        from iopkit.pipeline.build import build_cohort

        try:
            result = build_cohort(cohort_path, sessions=str(item.position), jobs=1, out=out,
                                  curriculum_dir=Path(self.curriculum_dir) if self.curriculum_dir else None)
            self._show_build(item, result, out)
        except Exception as exc:  # noqa: BLE001 - shown as a plain message
            why = "The build could not run.\n\n" + plain_error(exc)
            self.build_status.value = f'<div class="wb-message">{esc(why)}</div>'
        finally:
            self._building = False
            self.build.description = "Build guide and handout"
            self.build.disabled = not (self.item is not None and is_complete(self.item))

    def _show_build(self, item, result, out: Path) -> None:
        from IPython.display import HTML

        if self.item is not item:  # the counselor chose another session while this one was building
            return
        self.build_status.value = build_status_html(item.position, result)
        folder = out / f"session-{item.position:02d}"
        guide, handout = folder / "facilitator-guide.pdf", folder / "handout.pdf"
        if not (guide.is_file() and handout.is_file()):
            return
        items = [(label, file_href(path, self.folder), path)
                 for label, path in (("Facilitator guide (PDF)", guide), ("Participant handout (PDF)", handout))]
        where = os.path.relpath(folder, self.folder) if folder.is_relative_to(self.folder) else folder
        # Shown through the notebook's renderer (not an HTML widget), so JupyterLab resolves the links
        # against the notebook's folder. Set from the build's thread, so no ``with self.links``.
        self.links.outputs = ()
        self.links.append_display_data(HTML(render(
            "kit-links.html.j2", items=items, where=where,
            after="Print the handout double-sided, one copy for each person.")))
        self._show_room_link()
        if (folder / "session.ipynb").is_file():
            self.preview.value = self._preview_html(folder / "session.ipynb")

    def _preview_html(self, notebook: Path) -> str:
        import nbformat

        from iopkit.notebook.exporters import ParticipantHTMLExporter

        nb = nbformat.read(notebook, as_version=4)
        page, _ = ParticipantHTMLExporter().from_notebook_node(nb)
        return render("preview.html.j2", heading="Preview of the handout", page=page)

    # ------------------------------------------------------------ the room view

    def room_file(self) -> Path | None:
        if self.item is None or self.plan is None:
            return None
        return self.folder / "build" / self.plan.cohort.slug / f"session-{self.item.position:02d}" / ROOM_FILE

    def _show_room_link(self) -> None:
        from IPython.display import HTML

        self.room_link.outputs = ()
        if self.item is not None and is_complete(self.item):
            self.room_link.append_display_data(HTML(room_link_html(self.room_file(), self.folder)))

    # ------------------------------------------------------------ after the group

    def _reset_after_group(self) -> None:
        if self.item is None:
            return
        complete = is_complete(self.item)
        self.after_intro.value = after_group_intro_html(self.item, self.plan.cohort)
        self.write_notes.disabled = not complete
        self.catchup.disabled = not complete or self._building
        self.notes_status.value = ""
        self.notes_links.outputs = ()
        self.notes_text.value = ""
        self.notes_text.layout.display = "none"
        self.reminders_html.value = self._reminders_html() if complete else ""

    def write_notes_kit(self) -> None:
        """Write this session's notes kit (a second or two: no notebook runs) and show its links."""
        from iopkit.render.notes import write_notes_kit

        if self.item is None or not is_complete(self.item):
            return
        cohort = self.plan.cohort
        out = self.folder / "build" / cohort.slug / "notes" / self.item.date.isoformat()
        kit = write_notes_kit(cohort.path, session=self.item.position, fmt=self.note_format.value, out=out,
                              curriculum_dir=Path(self.curriculum_dir) if self.curriculum_dir else None)
        self.notes_status.value = (f'<div class="wb-note"><strong>The notes kit for session {self.item.position} is '
                                   "written.</strong> Copy the group section below into each member's note, then "
                                   "write that member's own part.</div>")
        self._show_links(self.notes_links, kit.files)
        text = next(p for p in kit.files if p.name.startswith("group-section") and p.suffix == ".txt")
        self.notes_text.value = text.read_text(encoding="utf-8")
        self.notes_text.layout.display = None

    def make_catchup_kit(self) -> None:
        """The catch-up kit for this session (in the background: the handout may need building)."""
        if self.item is None or not is_complete(self.item) or self._building:
            return
        self._building = True
        self.catchup.disabled = self.build.disabled = True
        self.notes_status.value = ('<div class="wb-note">Making the catch-up kit: the handout is built first if it '
                                   "is not ready. This takes up to 20 seconds.</div>")
        thread = threading.Thread(target=self._catchup_in_background, args=(self.item,), daemon=True,
                                  name="iopkit-workbench-catchup")
        self._build_thread = thread
        thread.start()

    def _catchup_in_background(self, item) -> None:
        from iopkit.pipeline.catchup import write_catchup_kit

        cohort = self.plan.cohort
        try:
            out = self.folder / "build" / cohort.slug / "catchup" / f"session-{item.position:02d}"
            kit = write_catchup_kit(cohort.path, item.position, out=out, build_dir=self.folder / "build" / cohort.slug,
                                    curriculum_dir=Path(self.curriculum_dir) if self.curriculum_dir else None)
            if self.item is item:
                self.notes_status.value = (f'<div class="wb-note"><strong>The catch-up kit for session '
                                           f"{item.position} is ready:</strong> the handout and a one-page summary "
                                           f"(reading grade {kit.grade:.1f}). Give or send both to the person."
                                           "</div>")
                self._show_links(self.notes_links, kit.files)
        except Exception as exc:  # noqa: BLE001 - shown as a plain message
            self.notes_status.value = f'<div class="wb-message">{esc(plain_error(exc))}</div>'
        finally:
            self._building = False
            complete = self.item is not None and is_complete(self.item)
            self.catchup.disabled = self.build.disabled = not complete

    def _show_links(self, output, files) -> None:
        from IPython.display import HTML

        output.outputs = ()
        output.append_display_data(HTML(kit_links_html(files, self.folder)))

    def _reminders_html(self) -> str:
        from iopkit.planning.reminders import reminders_for

        try:
            texts = reminders_for(self.plan, self.item.date)
        except Exception as exc:  # noqa: BLE001 - a bad custom text is named plainly
            return f'<div class="wb-message">{esc(plain_error(exc))}</div>'
        return render("reminders.html.j2", texts=texts)

    # ------------------------------------------------------------ the exercise

    def show_exercise(self) -> None:
        widget_id = self._widget_id()
        if not widget_id:
            return
        exercises = importlib.import_module("iopkit.exercises")
        from iopkit.exercises.context import ExerciseContext

        context = ExerciseContext.from_curriculum(self.plan.curriculum, self.item.session)
        self.exercise_box.children = (exercises.show(widget_id, context=context),)

    def _widget_id(self) -> str | None:
        from iopkit.content.schema import Session

        if self.item is None or not isinstance(self.item.session, Session):  # an outline has no exercise
            return None
        return self.item.session.exercise.widget

    # ------------------------------------------------------------ HTML pieces

    def _head_html(self, cohort) -> str:
        from markupsafe import Markup

        try:  # which curriculum the guides are built from (the program folder's, on a hub)
            source = paths.describe_curriculum(self.curriculum_dir, cwd=self.folder).splitlines()[0]
        except Exception as exc:  # noqa: BLE001 - a wrong IOPKIT_PROGRAM: its own plain message
            source = plain_error(exc)
        return render("head.html.j2", lab_link=Markup(lab_link_html()), source=source,
                      program=cohort.program.name if cohort else "", group=cohort.cohort.name if cohort else "")

    def _card_html(self) -> str:
        from iopkit.render.fmt import clock, long_date

        item, cohort = self.item, self.plan.cohort
        where = (f"Telehealth{': ' + cohort.location.platform if cohort.location.platform else ''}"
                 if cohort.telehealth else cohort.location.address)
        zone = item.start.strftime("%Z")
        facts = [long_date(item.date), f"{clock(item.start)} to {clock(item.end)} {zone}".strip()] + ([where] if where else [])
        return render("card.html.j2", item=item, facts=facts, people=", ".join(cohort.cohort.facilitators))

    def _run_html(self) -> str:
        from markupsafe import Markup

        from iopkit.render.fmt import rescaled_note

        item = self.item
        if item is None:
            return ""
        if not is_complete(item):
            return render("run-of-show.html.j2", outline=True, source=item.source.name)
        now = self._shown_index
        rows = [{"kind": b.block.kind.value, "start": b.start, "end": b.end, "minutes": b.minutes, "title": b.block.title,
                 "state": "" if now is None else ("past" if i < now else "now" if i == now else "")}
                for i, b in enumerate(item.blocks)]
        return render("run-of-show.html.j2", outline=False, rows=rows,
                      rescaled=Markup(rescaled_note(item, self.plan.cohort)))

    def _build_intro_html(self) -> str:
        item = self.item
        return render("build-intro.html.j2", outline=not is_complete(item),
                      folder=f"build/{self.plan.cohort.slug}/session-{item.position:02d}")

    def _exercise_intro_html(self) -> tuple[str, bool]:
        from iopkit.content.schema import Session

        session = self.item.session
        if not isinstance(session, Session):  # an outline (``is_complete``)
            return render("exercise-intro.html.j2", outline=True), False
        e = session.exercise
        return (render("exercise-intro.html.j2", outline=False, exercise=e,
                       kind=e.kind.value.replace("-", " ").capitalize()), bool(e.widget))
