"""The high-risk map: a person's own high-risk situations, how sure they are they can cope
with each (0 to 10), a coping plan for each, and a chart of that confidence."""
from __future__ import annotations

from iopkit import theme
from iopkit.exercises import charts, paper
from iopkit.exercises.base import Exercise, RowSpec, rows

KINDS = (
    "Hard feelings (anger, sadness, worry, boredom, loneliness)",
    "Conflict with other people",
    "Pressure from others, or being around people who use",
    "Good times and celebrations",
    "Pain, feeling sick, poor sleep or hunger",
    "Testing myself (“just one,” “I can handle it”)",
    "Strong urges or cravings",
)
FIELDS = [
    ("situation", "The situation: who, where, when", "text", "For example: payday Friday, walking past the bar"),
    ("confidence", "How sure I can cope (0-10)", "scale", ""),
    ("plan", "My coping plan", "area", "What will I do before, during and after?"),
]
SPEC: RowSpec = {"situation": "text", "confidence": ("number", 0, 10), "plan": "text"}
CONFIDENCE = charts.Series("How sure I can cope", charts.ACCENT)


class HighRiskMap(Exercise):
    id = "high-risk-map"
    title = "My high-risk map"
    intro = ("List the situations where using could be most likely for you. For each one, rate how sure you "
             "are that you can cope, from 0 to 10, and write a plan. Start with the lowest number.")
    paper_instructions = ("Fill this in on your own or with someone you trust. Be honest. No one grades it. "
                          "0 means not sure at all that you can cope, 10 means completely sure.")

    def blank(self) -> dict:
        return {"situations": [{"situation": "", "confidence": None, "plan": ""} for _ in range(3)]}

    def clean(self, data: dict) -> dict:
        return {"situations": rows(data.get("situations"), SPEC)}

    def filled(self) -> list[dict]:
        return [r for r in self.data["situations"] if r["situation"].strip() or r["plan"].strip()]

    def chart_rows(self) -> list[tuple[str, list[int | None]]]:
        """Each named situation with its confidence."""
        return [(r["situation"].strip() or f"Situation {i}", [r["confidence"]])
                for i, r in enumerate(self.filled(), 1)]

    def chart_html(self) -> str:
        data = self.chart_rows()
        if not data:
            return f'<div style="color:{theme.MUTED}">Your chart shows here once you write a situation.</div>'
        return charts.hbars(data, [CONFIDENCE], maximum=10, missing="not rated yet")

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        from iopkit.exercises import ui

        self.row_list = ui.RowList(FIELDS, "Add a situation", self._edited)
        self.chart = ui.html(width="100%")
        return [
            ui.card([self.row_list.box]),
            ui.card([ui.label("How sure I am that I can cope", "0 means not sure at all, 10 means completely sure. "
                              "A plan for the shortest bar is a good place to start."), self.chart], soft=True),
        ]

    def _edited(self, values: list[dict]) -> None:
        self.data["situations"] = rows(values, SPEC)
        self._draw()

    def refresh(self) -> None:
        self.row_list.set(self.data["situations"])
        self._draw()

    def _draw(self) -> None:
        self.chart.value = f'<div style="font-size:18px">{self.chart_html()}</div>'

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        return [
            paper.checklist("Which kinds of situations have been risky for me? Tick all that fit.", list(KINDS)),
            paper.table("My high-risk situations",
                        ["The situation (who, where, when)", "How sure I can cope (0-10)", "My coping plan"],
                        rows=3, row_height="34pt", css_class="risk-table"),
            paper.lines("The situation with the lowest number: what will I do before, during and after?", 3),
            paper.scale("How sure am I now that I have a plan?", 0, 10, "not sure at all", "completely sure"),
        ]

    def answers_body(self) -> str:
        table = paper.answer_table(
            ["The situation", "How sure I can cope (0-10)", "My coping plan"],
            [[r["situation"], "" if r["confidence"] is None else str(r["confidence"]), r["plan"]]
             for r in self.filled()])
        return (paper.answer_item("My high-risk situations", table)
                + paper.answer_item("How sure I am that I can cope", paper.figure(self.chart_html(), "chart")))
