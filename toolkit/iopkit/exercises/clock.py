"""The clock behind the guided timers, kept apart from the screen.

``Timer`` counts time from a ``now`` function (``time.monotonic`` by default), so a test
can hand it a fake clock and check where a practice is after 7 minutes without waiting.
``Phase`` and ``phase_at`` say which step of a practice a moment falls in. ``Ticker``
redraws the screen about twice a second while a timer runs; it never decides the time.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Phase:
    """One step of a guided practice; ``weight`` is its share of the whole length."""

    key: str
    name: str
    prompt: str
    weight: float = 1.0


@dataclass(frozen=True)
class PhaseSpan:
    index: int
    phase: Phase
    start: float
    end: float


def spans(phases: tuple[Phase, ...] | list[Phase], total: float) -> list[PhaseSpan]:
    """Each phase's start and end, in seconds, for a practice of ``total`` seconds."""
    whole = sum(p.weight for p in phases)
    out, start = [], 0.0
    for i, phase in enumerate(phases):
        end = total if i == len(phases) - 1 else start + total * phase.weight / whole
        out.append(PhaseSpan(i, phase, start, end))
        start = end
    return out


def phase_at(phases: tuple[Phase, ...] | list[Phase], elapsed: float, total: float) -> PhaseSpan:
    """The phase that ``elapsed`` seconds into the practice falls in (the last one once time is up)."""
    all_spans = spans(phases, total)
    for span in all_spans:
        if elapsed < span.end:
            return span
    return all_spans[-1]


def clock_text(seconds: float) -> str:
    """``125`` -> ``2:05``: minutes and seconds, rounded up so 0:00 means time is up."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


class Timer:
    """A countdown of ``total`` seconds that can start, pause, go on and reset."""

    def __init__(self, total: float, now: Callable[[], float] = time.monotonic):
        self.total = float(total)
        self.now = now
        self._banked = 0.0
        self._since: float | None = None

    @property
    def elapsed(self) -> float:
        running = (self.now() - self._since) if self._since is not None else 0.0
        return min(self.total, self._banked + running)

    @property
    def remaining(self) -> float:
        return self.total - self.elapsed

    @property
    def fraction(self) -> float:
        return self.elapsed / self.total if self.total else 1.0

    @property
    def done(self) -> bool:
        return self.elapsed >= self.total

    @property
    def running(self) -> bool:
        return self._since is not None and not self.done

    @property
    def state(self) -> str:
        """``ready``, ``running``, ``paused`` or ``done``."""
        if self.done:
            return "done"
        if self._since is not None:
            return "running"
        return "paused" if self._banked > 0 else "ready"

    def start(self) -> None:
        if self._since is None and not self.done:
            self._since = self.now()

    def pause(self) -> None:
        if self._since is not None:
            self._banked = self.elapsed
            self._since = None

    def reset(self, total: float | None = None) -> None:
        if total is not None:
            self.total = float(total)
        self._banked, self._since = 0.0, None


class Ticker:
    """Calls ``tick`` about every ``interval`` seconds on a background thread until ``tick``
    returns False or ``stop`` is called. Widgets can be updated from such a thread."""

    def __init__(self, tick: Callable[[], bool], interval: float = 0.5):
        self.tick, self.interval = tick, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self.alive:
            return
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(self._stop,), daemon=True, name="iopkit-timer")
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self, stop: threading.Event) -> None:
        while not stop.wait(self.interval):
            try:
                keep_going = self.tick()
            except Exception:  # a closed widget or a gone kernel ends the ticking, nothing else
                break
            if not keep_going:
                break
