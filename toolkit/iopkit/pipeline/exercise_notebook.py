"""``session-NN/exercise.ipynb``: a small notebook that opens one session's interactive exercise
(in JupyterLab or Voilà), carrying what the exercise needs from the curriculum the packet was
built from (``iopkit.exercises.ExerciseContext``)."""
from __future__ import annotations

import json

import nbformat

from iopkit.content.schema import WIDGETS
from iopkit.errors import UnknownSessionError
from iopkit.exercises import ExerciseContext


def exercise_notebook(widget_id: str, title: str, context: ExerciseContext | None = None):
    """The notebook for ``widget_id``. Cell ids are fixed, so the same exercise gives the same file.

    With ``context`` (the build always passes one), the notice, crisis lines and cards are written
    into the notebook, so the packet shows what it was built from wherever it is copied."""
    if widget_id not in WIDGETS:
        raise UnknownSessionError(
            f'exercise.widget: got "{widget_id}", expected one of the exercises in the library: {", ".join(WIDGETS)}')
    intro = nbformat.v4.new_markdown_cell(
        f"# {title}\n\n"
        "An interactive exercise for the group or for one person. In JupyterLab, choose "
        "*Run > Run All Cells* to start it. Answers you save stay on this computer, in your own "
        "`iopkit-answers` folder in your home folder (never in this packet, which others may open); "
        "nothing is sent anywhere. The `my-answers` folder is used only when you work outside a packet.",
        metadata={"tags": ["workbench"]},
    )
    if context is None:
        code = f"from iopkit.exercises import show\n\nshow({json.dumps(widget_id)})"
    else:
        code = ("from iopkit.exercises import ExerciseContext, show\n\n"
                "# From the curriculum this packet was built from (program.yaml and the session files).\n"
                f"context = {_literal(context)}\n"
                f"show({json.dumps(widget_id)}, context=context)")
    cell = nbformat.v4.new_code_cell(code, metadata={"tags": ["interactive"]})
    intro.id, cell.id = "intro", "exercise"
    nb = nbformat.v4.new_notebook(cells=[intro, cell])
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "title": title,
    }
    return nb


def _literal(context: ExerciseContext) -> str:
    """``ExerciseContext(...)`` as readable Python, one value to a line."""
    lines = ["ExerciseContext(", f"    part2_notice={context.part2_notice!r},", "    crisis_lines=("]
    lines += [f"        ({name!r}, {contact!r})," for name, contact in context.crisis_lines]
    lines.append("    ),")
    if context.cards:
        lines.append("    cards=(")
        lines += [f"        {card!r}," for card in context.cards]
        lines.append("    ),")
    lines.append(")")
    return "\n".join(lines)
