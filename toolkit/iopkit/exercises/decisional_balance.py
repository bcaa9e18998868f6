"""Decisional balance: the good and the not-so-good things about using and about not
using, in a two-by-two grid."""
from __future__ import annotations

from iopkit.exercises import paper
from iopkit.exercises.base import FieldsExercise
from iopkit.markup import esc

GRID = (("About using", ("good_using", "not_so_good_using")),
        ("About not using", ("good_not_using", "not_so_good_not_using")))
COLUMNS = ("Good things", "Not-so-good things")


class DecisionalBalance(FieldsExercise):
    id = "decisional-balance"
    title = "Weighing it up"
    intro = ("Most people have mixed feelings about change. Write what is true for you in each box. "
             "Every box counts, even the good things about using.")
    paper_instructions = ("Write what is true for you in each of the four boxes. There are no wrong answers. "
                          "Every box counts, even the good things about using.")
    fields = (
        ("good_using", "Good things about using", "What do I like about it? What does it do for me?"),
        ("not_so_good_using", "Not-so-good things about using", "What has it cost me, or the people I care about?"),
        ("good_not_using", "Good things about not using", "What could get better? What could I have or do?"),
        ("not_so_good_not_using", "Not-so-good things about not using", "What will be hard? What might I miss?"),
        ("stands_out", "Looking at all four boxes, what stands out to me?", "A sentence or two is enough."),
    )

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        areas = self.text_areas(rows=6)
        labels = {key: label for key, label, _ in self.fields}

        def head(text: str, align: str = "center") -> W.HTML:
            return W.HTML(f'<div style="font-size:20px;font-weight:bold;color:{ui.ACCENT};text-align:{align};line-height:1.3">'
                          f"{esc(text)}</div>")

        cells = [W.HTML(""), head(COLUMNS[0]), head(COLUMNS[1])]
        for row_name, keys in GRID:
            cells.append(head(row_name, "left"))
            for key in keys:
                cells.append(ui.card([ui.label(labels[key], size="17px"), areas[key]], margin="0"))
        grid = W.GridBox(cells, layout=W.Layout(grid_template_columns="9em 1fr 1fr", grid_gap="10px",
                                                align_items="center", width="100%"))
        after = ui.card([ui.label(labels["stands_out"]), areas["stands_out"]], soft=True)
        areas["stands_out"].rows = 2
        return [grid, after]

    def paper_body(self) -> str:
        labels = {key: (label, hint) for key, label, hint in self.fields}
        return paper.render_part("decisional-balance.html.j2", columns=COLUMNS,
                                 rows=[(row_name, [labels[k] for k in keys]) for row_name, keys in GRID],
                                 stands_out=labels["stands_out"][0])

    def paper_items(self) -> list[paper.Item]:
        return []
