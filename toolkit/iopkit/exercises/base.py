"""The base class of every exercise, and what they share.

An exercise keeps its answers as plain data (``self.data``); the widgets write to it as a
person types or clicks, and ``load_answers`` writes it back into the widgets. So the
answers can be saved, printed and tested without a browser, and the paper version needs
no widgets at all.
"""
from __future__ import annotations

import copy
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

from iopkit import theme
from iopkit.exercises import paper

if TYPE_CHECKING:
    import ipywidgets

    from iopkit.exercises.context import ExerciseContext

#: Shown near the save buttons of every exercise that holds one person's answers.
PROMISE = ("This asks for no name. When you press a button below, your answers go only into the "
           "folder “{folder}” on this computer. That folder is yours to keep. Nothing is sent anywhere.")


class Exercise:
    """One interactive exercise: a widget for the screen, a paper version, and answers."""

    #: The id sessions use in ``exercise.widget`` (one of ``iopkit.content.schema.WIDGETS``).
    id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    #: One or two plain sentences for the screen.
    intro: ClassVar[str] = ""
    #: What the printed sheet says under its title; the intro if empty.
    paper_instructions: ClassVar[str] = ""
    #: True when the exercise holds one person's answers: it gets save buttons and the promise.
    personal: ClassVar[bool] = True

    def __init__(self, save_dir: str | Path | None = None, context: "ExerciseContext | None" = None):
        """``context``: what the exercise needs from the curriculum in use (the program folder's when None)."""
        from iopkit.exercises.context import default_context

        self.context = context if context is not None else default_context()
        self.save_dir = Path(save_dir) if save_dir is not None else None
        self.data: dict[str, Any] = self.blank()
        self._frame: ipywidgets.Widget | None = None
        self._status: ipywidgets.HTML | None = None

    @property
    def folder(self) -> Path:
        """Where the buttons save: the folder given, or ``my-answers/`` in the working folder."""
        from iopkit.exercises.files import default_folder

        return self.save_dir if self.save_dir is not None else default_folder()

    # ------------------------------------------------------------ answers as data

    def blank(self) -> dict:
        """The answers of someone who has not started."""
        raise NotImplementedError

    def answers(self) -> dict:
        """The current answers as plain JSON-able data."""
        return copy.deepcopy(self.data)

    def load_answers(self, data: dict) -> None:
        """Put answers back (from ``answers()`` or a whole saved file) and show them."""
        self.data = self.clean(unwrap(self.id, data))
        if self._frame is not None:
            self.refresh()

    def clean(self, data: dict) -> dict:
        """Answers from a file, made safe to show: unknown keys dropped, wrong types blanked."""
        out = self.blank()
        for key, empty in out.items():
            value = data.get(key, empty)
            if isinstance(empty, str):
                out[key] = text(value)
            elif isinstance(empty, list) and isinstance(value, list):
                out[key] = copy.deepcopy(value)
            elif isinstance(empty, dict) and isinstance(value, dict):
                out[key] = copy.deepcopy(value)
        return out

    # ------------------------------------------------------------ the screen

    def widget(self) -> "ipywidgets.Widget":
        """The whole interactive exercise (built once; later calls give the same widget)."""
        if self._frame is None:
            import ipywidgets as W

            from iopkit.exercises import ui

            parts = [ui.stylesheet(), ui.title_bar(self.title, self.intro), *self.build()]
            if self.personal:
                parts.append(self._save_bar())
            frame = W.VBox(parts, layout=W.Layout(width="100%", max_width="1100px"))
            frame.add_class("iopkit-exercise")
            frame.add_class(f"iopkit-{self.id}")
            frame.exercise = self  # so a notebook can reach the answers behind a shown widget
            self._frame = frame
            self.refresh()
        return self._frame

    def build(self) -> list:
        """The widgets between the title and the save buttons."""
        raise NotImplementedError

    def refresh(self) -> None:
        """Show ``self.data`` in the widgets."""

    #: True while ``refresh`` writes ``self.data`` into the widgets, so their change events
    #: do not write the same values back.
    _syncing = False

    def _typed(self, key: str, value) -> None:
        """A widget changed because the person typed or chose something: keep it in ``self.data``."""
        if not self._syncing:
            self.data[key] = value

    def _save_bar(self) -> "ipywidgets.Widget":
        from iopkit import errors
        from iopkit.exercises import ui

        save = ui.button("Save my answers", primary=True, icon="save")
        pdf = ui.button("Make a PDF of my answers", icon="file-pdf-o")
        clear = ui.Confirm("Clear this page", "Clear every answer on this page?", self._clear)
        self._status = ui.html(margin="4px 0")
        promise = ui.note(PROMISE.format(folder=errors.display_path(self.folder)), size="16px")
        save.on_click(lambda _: self._run(self.save, "Saved. Your answers are in {path}."))
        pdf.on_click(lambda _: self._run(self.make_pdf, "Your PDF is ready: {path}. Print it or keep it somewhere private."))
        return ui.card([ui.row([save, pdf, clear.box]), self._status, promise], soft=True,
                       margin="14px 0 0 0")

    def _run(self, action, message: str) -> None:
        from iopkit import errors
        from iopkit.exercises import ui

        try:
            path = action()
        except Exception as error:  # shown to the person, in plain words, instead of a hidden traceback
            self._say(f"Sorry, that did not work: {error}", ui.WARM)
            return
        self._say(message.format(path=errors.display_path(path)), ui.ACCENT)

    def _say(self, message: str, color: str) -> None:
        from iopkit.exercises import ui

        if self._status is not None:
            self._status.value = ui.note_html(message, color, "17px")

    def _clear(self) -> None:
        self.load_answers(self.blank())
        self._say("The page is clear.", theme.MUTED)

    def save(self) -> Path:
        from iopkit.exercises.files import save_answers

        path = save_answers(self, self.folder)
        self.saved(path)
        return path

    def make_pdf(self) -> Path:
        from iopkit.exercises.files import export_answers_pdf

        return export_answers_pdf(self, self.folder)

    def saved(self, path: Path) -> None:
        """Called after the answers were saved to ``path``."""

    # ------------------------------------------------------------ paper

    def paper_html(self) -> str:
        """The blank printable version, an HTML fragment for the handout."""
        return paper.paper_section(self.title, self.paper_instructions or self.intro, self.paper_body())

    def paper_body(self) -> str:
        return paper.numbered(self.paper_items())

    def paper_items(self) -> list[paper.Item]:
        raise NotImplementedError

    def answers_html(self, when: str | None = None) -> str:
        """One person's filled-in answers, an HTML fragment for their PDF (with the part 2 notice)."""
        from iopkit.exercises.files import KEPT, long_when

        if when is None:
            import datetime as dt

            when = long_when(dt.datetime.now().astimezone())
        return paper.answers_section(self.title, when, self.answers_body(), self.context.part2_notice, KEPT)

    def answers_body(self) -> str:
        raise NotImplementedError


# ---------------------------------------------------------------- cleaning helpers


def unwrap(exercise_id: str, data: dict) -> dict:
    """The answers inside a whole saved file, or ``data`` itself if it is already answers."""
    if not isinstance(data, dict):
        raise ValueError("Saved answers must be a set of named fields (a JSON object).")
    if "exercise" in data and isinstance(data.get("answers"), dict):
        if data["exercise"] != exercise_id:
            raise ValueError(f'These are saved answers for "{data["exercise"]}", not for "{exercise_id}".')
        return data["answers"]
    return data


def text(value: object) -> str:
    return value if isinstance(value, str) else ""


def number(value: object, low: int, high: int) -> int | None:
    """A whole number from ``low`` to ``high``, or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        return None
    value = int(value)
    return value if low <= value <= high else None


#: What ``rows`` keeps of each row: a key maps to ``"text"`` or ``("number", low, high)``.
RowSpec: TypeAlias = Mapping[str, "tuple[str, int, int] | str"]


def rows(value: object, spec: RowSpec) -> list[dict]:
    """Rows of fields; ``spec`` maps a key to ``"text"`` or ``("number", low, high)``."""
    out = []
    for item in value if isinstance(value, list) else []:
        if not isinstance(item, dict):
            continue
        clean: dict[str, str | int | None] = {}
        for key, kind in spec.items():
            if isinstance(kind, str):  # "text"
                clean[key] = text(item.get(key))
            else:
                clean[key] = number(item.get(key), kind[1], kind[2])
        out.append(clean)
    return out


class FieldsExercise(Exercise):
    """An exercise made of named text boxes; subclasses lay them out."""

    #: ``(key, label, hint)`` for each box, in order.
    fields: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def blank(self) -> dict:
        return {key: "" for key, _, _ in self.fields}

    def text_areas(self, rows: int = 3) -> dict:
        """One text box per field, writing into ``self.data`` as the person types."""
        from iopkit.exercises import ui

        self._syncing = False
        self.areas = {}
        for key, _label, hint in self.fields:
            area = ui.text_area(hint, rows=rows)
            area.observe(lambda change, key=key: self._typed(key, change["new"]), "value")
            self.areas[key] = area
        return self.areas

    def refresh(self) -> None:
        self._syncing = True
        try:
            for key, area in self.areas.items():
                area.value = self.data.get(key, "")
        finally:
            self._syncing = False

    def answers_body(self) -> str:
        return "".join(paper.answer_item(label, paper.answer_text(self.data.get(key))) for key, label, _ in self.fields)
