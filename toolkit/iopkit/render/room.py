"""The room view: what ten people see on one screen (a projector, or a shared screen on a
video call), derived from the same executed session notebook as the guide and the handout.

``RoomView`` gives one display object per cell tagged ``room`` in ``notebooks/session.ipynb``;
each holds one or more ``<section class="room-slide">`` elements, from the templates in
``handouts/templates/iopkit/room/``. The ``room_html`` exporter
(``iopkit.notebook.exporters.RoomHTMLExporter``) keeps only those cells and lays the sections out as
reveal.js slides, with reveal.js inlined from ``handouts/vendor/`` (no CDN, no network).

What reaches the room is participant text only: the title and date, the run of show's clock
times and block titles, the handout's key points, the discussion questions, the worksheet's
instructions (or the exercise's steps when they are written to the room), the interactive
exercise's own words, the practice before next time and the crisis lines. Never the
facilitator's notes, scripts, hard moments, fidelity items, code or anybody's name.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from iopkit import paths
from iopkit.content.schema import BlockKind
from iopkit.markup import render_markup
from iopkit.render import boxes
from iopkit.render.fmt import Html

if TYPE_CHECKING:
    from iopkit.render.views import SessionView

#: Words that show an exercise step is written to the facilitator, not to the room.
FACILITATOR_VOICE = re.compile(
    r"\b(facilitators?|co-facilitators?|participants?|members?|the group|each person|volunteers?|observers?|"
    r"invite|ask (the|each|people|them|for|who)|have (each|people|them|the|pairs)|hand out|pass out|give each|"
    r"pair (people|up)|model|demonstrate|debrief|read (it )?aloud|welcome|take (one|two|a few)|write (it|them|"
    r"each|all) on the board|rotate|set up|form (groups|pairs)|if (someone|anyone|a person))\b", re.I)
#: Key points on one slide, so each stays big enough to read from the back of the room.
POINTS_PER_SLIDE = 3
QUESTIONS_PER_SLIDE = 3


def _chunks(items: list, size: int) -> list[list]:
    """At most ``size`` to a slide, spread evenly (four points: two and two, not three and one)."""
    if not items:
        return [[]]
    slides = -(-len(items) // size)
    size = -(-len(items) // slides)
    return [items[i:i + size] for i in range(0, len(items), size)]


def steps_for_the_room(steps: list[str]) -> bool:
    """True when every step speaks to the room; one facilitator-voiced step keeps them all off screen."""
    return bool(steps) and not any(FACILITATOR_VOICE.search(s) for s in steps)


class RoomView:
    """The slides of one session for the room, from a ``SessionView``.

    Each method builds the context of one template under ``handouts/templates/iopkit/room/``.
    """

    def __init__(self, view: "SessionView"):
        self.view = view

    @property
    def session(self):
        return self.view.session

    def _slides(self, name: str, meta: dict | None = None, **context) -> Html:
        return Html(render_markup(f"iopkit/room/{name}.html.j2", **context), meta)

    def title(self) -> Html:
        v = self.view
        return self._slides("title", v.meta("room"), program=v.cohort.program.name, session_line=v.session_line,
                            title=self.session.title, date=v.item.date, time=v.time_range)

    def run_of_show(self) -> Html:
        """Today's blocks with clock times; each row carries its times for the timer overlay."""
        blocks = [{"kind": b.block.kind.value, "start": b.start, "end": b.end, "title": b.block.title}
                  for b in self.view.item.blocks]
        return self._slides("run-of-show", blocks=blocks)

    def teaching(self) -> Html:
        """What we learn and practice today (block titles), then the handout's key points, a few to a slide."""
        learn = [b.block.title for b in self.view.item.blocks
                 if b.block.kind in (BlockKind.teaching, BlockKind.practice)]
        points = list(self.session.handout.key_points)
        return self._slides("teaching", learn=learn, points=_chunks(points, POINTS_PER_SLIDE) if points else [])

    def discussion(self) -> Html:
        prompts = list(self.session.discussion_prompts)
        return self._slides("discussion", prompts=_chunks(prompts, QUESTIONS_PER_SLIDE), per_slide=QUESTIONS_PER_SLIDE)

    def practice(self) -> Html:
        """The practice, in words for the room: the steps if they speak to the room, else the worksheet's instructions."""
        e, w = self.session.exercise, self.session.handout.worksheet
        return self._slides("practice", minutes=e.minutes, title=e.title,
                            steps=list(e.steps) if steps_for_the_room(e.steps) else None,
                            instructions=w.instructions, worksheet=w.title)

    def exercise(self) -> Html:
        """The interactive exercise, described (in JupyterLab it runs live in the cell after this one)."""
        from iopkit.exercises import make_exercise

        widget = self.session.exercise.widget
        if not widget:
            return Html("")
        ex = make_exercise(widget, context=self.view.exercise_context)
        return self._slides("exercise", title=ex.title, intro=ex.intro,
                            phases=[p.name for p in getattr(ex, "phases", ())],  # a guided timer: its steps
                            anonymous=not ex.personal, paper=self.session.exercise.sheet_in_handout)

    def homework(self) -> Html:
        return self._slides("homework", homework=self.session.homework)

    def crisis(self) -> Html:
        """The crisis lines, always the last slide: the handout's lines (program.yaml and the cohort) in
        English, in one list, without the cohort's other resources and meetings."""
        v = self.view
        lines = boxes.crisis_lines(v.curriculum.program, v.cohort, "en")
        box = {**lines, "national": lines["national"] + lines["local"], "local": [], "meetings": []}
        return self._slides("crisis", box=box)


def room_notebook(view: "SessionView"):
    """The session template with only its ``room`` cells' outputs filled in, without a kernel.

    Each room cell is one expression on ``view`` (and ``room``), so evaluating it here gives the
    same outputs the executed notebook holds; a test renders all 36 room views this way in a
    second, through the same exporter ``iopkit build`` uses.
    """
    import nbformat

    nb = nbformat.read(paths.notebooks_dir() / "session.ipynb", as_version=4)
    names: dict = {"view": view}
    for cell in nb.cells:
        if cell.cell_type != "code" or "room" not in cell.metadata.get("tags", []):
            continue
        *statements, last = cell.source.strip().splitlines()
        exec("\n".join(statements), names)  # noqa: S102 - our own template's cells, one line each
        bundle = eval(last, names)._repr_mimebundle_()  # noqa: S307
        cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    return nb
