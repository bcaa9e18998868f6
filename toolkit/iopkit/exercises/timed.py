"""What the two guided timers share: a chosen length, start, pause and reset, and a
prompt that follows the phase. The time comes from ``clock.Timer``; the screen only
shows it, redrawn by a ``clock.Ticker`` while the timer runs."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Callable, ClassVar

from iopkit.exercises.base import Exercise
from iopkit.exercises.clock import Phase, PhaseSpan, Ticker, Timer, clock_text, phase_at


class TimedExercise(Exercise):
    phases: ClassVar[tuple[Phase, ...]] = ()
    #: The lengths a person can pick, in minutes, and the one picked at first.
    lengths: ClassVar[tuple[int, ...]] = ()
    default_minutes: ClassVar[int] = 0
    #: What the screen says once the time is up.
    done_prompt: ClassVar[str] = ""
    ready_prompt: ClassVar[str] = ""

    def __init__(self, save_dir: str | Path | None = None, context=None, *, now: Callable[[], float] = time.monotonic,
                 ticking: bool = True):
        """``now`` is the clock (a test passes a fake one); ``ticking`` False keeps the screen
        from redrawing on its own, so a test can call ``draw()`` itself."""
        super().__init__(save_dir, context)
        self.timer = Timer(self.data["minutes"] * 60, now)
        self.ticking = ticking
        self.ticker = Ticker(self._tick)

    def clean(self, data: dict) -> dict:
        out = super().clean(data)
        minutes = data.get("minutes")
        out["minutes"] = minutes if minutes in self.lengths else self.default_minutes
        return out

    def load_answers(self, data: dict) -> None:
        super().load_answers(data)
        if self.timer.total != self.data["minutes"] * 60:
            self.set_minutes(self.data["minutes"])

    # ------------------------------------------------------------ the clock

    def phase(self) -> PhaseSpan:
        return phase_at(self.phases, self.timer.elapsed, self.timer.total)

    def prompt(self) -> str:
        """What to read or do now: the phase's prompt, or the words before and after."""
        if self.timer.state == "ready":
            return self.ready_prompt
        if self.timer.done:
            return self.done_prompt
        return self.phase().phase.prompt

    def set_minutes(self, minutes: int) -> None:
        if minutes not in self.lengths:
            raise ValueError(f"The length can be {', '.join(map(str, self.lengths))} minutes.")
        self.data["minutes"] = minutes
        self.ticker.stop()
        self.timer.reset(minutes * 60)
        self.draw()

    def start(self) -> None:
        self.timer.start()
        if self.ticking and self._frame is not None:
            self.ticker.start()
        self.draw()

    def pause(self) -> None:
        self.timer.pause()
        self.ticker.stop()
        self.draw()

    def reset(self) -> None:
        self.ticker.stop()
        self.timer.reset()
        self.draw()

    def _tick(self) -> bool:
        self.draw()
        return self.timer.running

    # ------------------------------------------------------------ the screen

    def timer_controls(self) -> list:
        """The length picker, the buttons and the time left."""
        import ipywidgets as W

        from iopkit.exercises import ui

        self.length = W.ToggleButtons(options=[(f"{m} minutes", m) for m in self.lengths],
                                      value=self.data["minutes"], style={"button_width": "130px"})
        self.start_button = ui.button("Start", primary=True, icon="play")
        self.pause_button = ui.button("Pause", icon="pause")
        self.reset_button = ui.button("Reset", icon="undo")
        self.time_left = ui.html(margin="0 0 0 14px")
        self.length.observe(lambda change: self._length_picked(change["new"]), "value")
        self.start_button.on_click(lambda _: self.start())
        self.pause_button.on_click(lambda _: self.pause())
        self.reset_button.on_click(lambda _: self.reset())
        return [ui.row([ui.label("How long?", size="18px"), self.length]),
                ui.row([self.start_button, self.pause_button, self.reset_button, self.time_left],
                       margin="6px 0")]

    def _length_picked(self, minutes: int) -> None:
        if minutes != self.data["minutes"]:
            self.set_minutes(minutes)

    def draw(self) -> None:
        """Show where the practice is now (safe to call from the ticker's thread)."""
        if self._frame is None:
            return
        from iopkit.exercises import ui

        state = self.timer.state
        self.start_button.description = "Go on" if state == "paused" else "Start"
        self.start_button.disabled = state in ("running", "done")
        self.pause_button.disabled = state != "running"
        self.length.disabled = state in ("running", "paused")
        if self.length.value != self.data["minutes"]:
            self.length.value = self.data["minutes"]
        left = "Time is up" if state == "done" else f"{clock_text(self.timer.remaining)} left"
        self.time_left.value = (f'<span style="font-size:30px;font-weight:bold;color:{ui.ACCENT};'
                                f'font-variant-numeric:tabular-nums">{left}</span>')
        self.draw_stage()

    def draw_stage(self) -> None:
        """The part of the screen that follows the phase."""

    def refresh(self) -> None:
        self.draw()
