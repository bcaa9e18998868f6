"""The room view: what ten people see on one screen (a projector, or a shared screen on a
video call), derived from the same executed session notebook as the guide and the handout.

``RoomView`` gives one display object per cell tagged ``room`` in ``notebooks/session.ipynb``;
each holds one or more ``<section class="room-slide">`` elements. The ``room_html`` exporter
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

from iopkit.content.schema import BlockKind
from iopkit.render.fmt import Html, clock, esc, long_date, md, md_inline

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


def _slide(kind: str, inner: str, label: str) -> str:
    return f'<section class="room-slide room-{kind}" aria-label="{esc(label)}">{inner}</section>'


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
    """The slides of one session for the room, from a ``SessionView``."""

    def __init__(self, view: "SessionView"):
        self.view = view

    @property
    def session(self):
        return self.view.session

    def title(self) -> Html:
        v = self.view
        zone = v.item.start.strftime("%Z")
        when = f"{clock(v.item.start)} to {clock(v.item.end)} {zone}".strip()
        inner = (f'<p class="room-kicker">{esc(v.cohort.program.name)} · {esc(v.session_line)}</p>'
                 f"<h1>{esc(self.session.title)}</h1>"
                 f'<p class="room-date">{esc(long_date(v.item.date))}</p><p class="room-time">{esc(when)}</p>')
        return Html(_slide("title", inner, "Title"), v.meta("room"))

    def run_of_show(self) -> Html:
        """Today's blocks with clock times; each row carries its times for the timer overlay."""
        rows = []
        for b in self.view.item.blocks:
            rows.append(f'<tr class="kind-{esc(b.block.kind.value)}" data-start="{b.start.isoformat()}" '
                        f'data-end="{b.end.isoformat()}"><td class="time">{clock(b.start)}</td>'
                        f"<td>{esc(b.block.title)}</td></tr>")
        inner = ('<h2>Today</h2><table class="room-run"><thead><tr><th scope="col">Time</th>'
                 f'<th scope="col">What we do</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')
        return Html(_slide("run", inner, "Today's run of show"))

    def teaching(self) -> Html:
        """What we learn and practice today (block titles), then the handout's key points, a few to a slide."""
        learn = [b.block.title for b in self.view.item.blocks
                 if b.block.kind in (BlockKind.teaching, BlockKind.practice)]
        out = [_slide("learn", "<h2>What we learn and practice today</h2><ul>"
                      + "".join(f"<li>{esc(t)}</li>" for t in learn) + "</ul>", "What we learn today")]
        points = list(self.session.handout.key_points)
        chunks = _chunks(points, POINTS_PER_SLIDE) if points else []
        for i, chunk in enumerate(chunks, 1):
            more = f' <span class="room-count">({i} of {len(chunks)})</span>' if len(chunks) > 1 else ""
            out.append(_slide("points", f"<h2>Remember{more}</h2><ul>"
                              + "".join(f"<li>{md_inline(p)}</li>" for p in chunk) + "</ul>", "Key points"))
        return Html("".join(out))

    def discussion(self) -> Html:
        prompts = list(self.session.discussion_prompts)
        chunks = _chunks(prompts, QUESTIONS_PER_SLIDE)
        out = []
        for i, chunk in enumerate(chunks, 1):
            more = f' <span class="room-count">({i} of {len(chunks)})</span>' if len(chunks) > 1 else ""
            out.append(_slide("discussion", f"<h2>Let's talk{more}</h2><ol start=\"{(i - 1) * QUESTIONS_PER_SLIDE + 1}\">"
                              + "".join(f"<li>{md_inline(p)}</li>" for p in chunk) + "</ol>", "Discussion questions"))
        return Html("".join(out))

    def practice(self) -> Html:
        """The practice, in words for the room: the steps if they speak to the room, else the worksheet's instructions."""
        e, w = self.session.exercise, self.session.handout.worksheet
        if steps_for_the_room(e.steps):
            body = "<ol>" + "".join(f"<li>{md_inline(s)}</li>" for s in e.steps) + "</ol>"
        else:
            body = (f'<p class="room-lead">{md_inline(w.instructions)}</p>'
                    f'<p class="room-note">In your handout: <strong>{esc(w.title)}</strong></p>')
        return Html(_slide("practice", f'<p class="room-kicker">Practice · about {e.minutes} minutes</p>'
                           f"<h2>{esc(e.title)}</h2>{body}", "Practice"))

    def exercise(self) -> Html:
        """The interactive exercise, described (in JupyterLab it runs live in the cell after this one)."""
        from iopkit.exercises import make_exercise

        widget = self.session.exercise.widget
        if not widget:
            return Html("")
        ex = make_exercise(widget, context=self.view.exercise_context)
        anonymous = ("" if ex.personal else
                     '<p class="room-note">No names. The screen shows only how many people chose each answer.</p>')
        paper = ('<p class="room-note">Its paper version is in your handout.</p>'
                 if self.session.exercise.sheet_in_handout else "")
        phases = getattr(ex, "phases", ())  # a guided timer: its steps, in order
        steps = ('<p class="room-steps">' + " → ".join(esc(p.name) for p in phases) + "</p>") if phases else ""
        inner = (f'<p class="room-kicker">On this screen, together</p><h2>{esc(ex.title)}</h2>'
                 f'<p class="room-lead">{esc(ex.intro)}</p>{steps}{anonymous}{paper}')
        return Html(_slide("exercise", inner, "Exercise"))

    def homework(self) -> Html:
        return Html(_slide("homework", f'<h2>Your practice before next time</h2><div class="room-md">'
                           f"{md(self.session.homework)}</div>", "Practice before next time"))

    def crisis(self) -> Html:
        """The crisis lines, always the last slide: the handout's lines (program.yaml and the cohort), no meetings."""
        v = self.view
        lines = [(r.name, r.contact, r.note) for r in v.curriculum.program.crisis_resources]
        res = v.cohort.resources
        if res.local_crisis_line:
            lines.append(("Local crisis line", res.local_crisis_line, ""))
        if res.clinic_phone:
            lines.append((v.cohort.program.name, res.clinic_phone, ""))
        if res.naloxone:
            lines.append(("Naloxone", res.naloxone, ""))
        items = "".join(f"<li><strong>{esc(name)}:</strong> {esc(contact)}"
                        + (f' <span class="note">{esc(note)}</span>' if note else "") + "</li>"
                        for name, contact, note in lines)
        inner = ('<aside class="crisis"><h2>If you need help now</h2>'
                 f"<p>You are not alone. These lines are free and open day and night.</p><ul>{items}</ul></aside>")
        return Html(_slide("crisis", inner, "If you need help now"))


def room_notebook(view: "SessionView"):
    """The session template with only its ``room`` cells' outputs filled in, without a kernel.

    Each room cell is one expression on ``view`` (and ``room``), so evaluating it here gives the
    same outputs the executed notebook holds; a test renders all 36 room views this way in a
    second, through the same exporter ``iopkit build`` uses.
    """
    import nbformat

    from iopkit import paths

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
