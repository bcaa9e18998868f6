"""The relapse-prevention plan builder: reasons for recovery, warning signs, high-risk
situations with a coping plan each, the person's own people to call, what to do after a
lapse, and the crisis lines."""
from __future__ import annotations

from iopkit import theme
from iopkit.exercises import paper
from iopkit.exercises.base import Exercise, RowSpec, rows, text
from iopkit.markup import esc

SITUATION_FIELDS = [
    ("situation", "A high-risk situation", "text", "For example: Friday nights alone after payday"),
    ("plan", "My coping plan", "area", "What I will do, and my backup plan"),
]
PEOPLE_FIELDS = [
    ("name", "Name", "text", "For example: my sponsor, my sister"),
    ("number", "Phone number", "text", ""),
]
SITUATION_SPEC: RowSpec = {"situation": "text", "plan": "text"}
PEOPLE_SPEC: RowSpec = {"name": "text", "number": "text"}
TEXTS = (
    ("reasons", "My reasons for recovery", "Why this matters to me: people, health, work, freedom, how I feel about myself."),
    ("warning_signs", "My warning signs", "Early signs that things are slipping. Write one on each line."),
    ("after_lapse", "If I slip: what I will do",
     "How I will stay safe (no using alone, naloxone), who I will tell, and how I will get back to my plan."),
)


class RelapsePreventionPlan(Exercise):
    id = "relapse-prevention-plan"
    title = "My relapse-prevention plan"
    intro = ("Build your plan one part at a time, in your own words. Keep it where you can find it fast, "
             "and share it with someone you trust.")
    paper_instructions = ("Fill in every part in your own words. Keep this plan where you can find it fast, "
                          "and take a photo of it.")

    def blank(self) -> dict:
        return {
            "reasons": "",
            "warning_signs": "",
            "situations": [{"situation": "", "plan": ""} for _ in range(3)],
            "people": [{"name": "", "number": ""} for _ in range(3)],
            "after_lapse": "",
        }

    def clean(self, data: dict) -> dict:
        out: dict[str, object] = {key: text(data.get(key)) for key, _, _ in TEXTS}
        out["situations"] = rows(data.get("situations"), SITUATION_SPEC)
        out["people"] = rows(data.get("people"), PEOPLE_SPEC)
        return out

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        from iopkit.exercises import ui

        self._syncing = False
        self.texts = {}
        for key, _, _hint in TEXTS:
            area = ui.text_area("", rows=4)
            area.observe(lambda change, key=key: self._typed(key, change["new"]), "value")
            self.texts[key] = area
        self.situations = ui.RowList(SITUATION_FIELDS, "Add a situation", lambda v: self._rows("situations", v))
        self.people = ui.RowList(PEOPLE_FIELDS, "Add a person", lambda v: self._rows("people", v))
        labels = {key: (label, hint) for key, label, hint in TEXTS}

        def section(n: int, key: str) -> object:
            return ui.card([ui.label(f"{n}. {labels[key][0]}", labels[key][1]), self.texts[key]])

        crisis = "".join(f'<li><strong>{esc(name)}:</strong> {esc(contact)}</li>'
                         for name, contact in self.context.crisis_lines)
        help_now = ui.html(
            f'<div style="border:2px solid {theme.SAFETY};border-radius:10px;background:#fff7f5;padding:8px 16px">'
            f'<div style="font-size:21px;font-weight:bold;color:{theme.WARM}">6. If I need help now</div>'
            f'<div style="font-size:17px">Free, and open day and night.</div>'
            f'<ul style="font-size:19px;margin:6px 0;padding-left:1.2em">{crisis}</ul></div>', margin="6px 0")
        return [
            section(1, "reasons"),
            section(2, "warning_signs"),
            ui.card([ui.label("3. My high-risk situations and how I will cope"), self.situations.box]),
            ui.card([ui.label("4. People I can call",
                              "My own supports: a sponsor, a friend, family, my counselor."), self.people.box]),
            section(5, "after_lapse"),
            help_now,
        ]

    def _rows(self, key: str, values: list[dict]) -> None:
        self.data[key] = rows(values, SITUATION_SPEC if key == "situations" else PEOPLE_SPEC)

    def refresh(self) -> None:
        self._syncing = True
        try:
            for key, area in self.texts.items():
                area.value = self.data[key]
        finally:
            self._syncing = False
        self.situations.set(self.data["situations"])
        self.people.set(self.data["people"])

    # ------------------------------------------------------------ paper

    def crisis_box(self) -> str:
        """The curriculum's national crisis lines (program.yaml), the same as every handout's crisis box."""
        return paper.render_part("crisis-lines.html.j2", lines=self.context.crisis_lines)

    def paper_items(self) -> list[paper.Item]:
        labels = {key: (label, hint) for key, label, hint in TEXTS}
        return [
            paper.lines(f"{labels['reasons'][0]}. {labels['reasons'][1]}", 4),
            paper.lines(f"{labels['warning_signs'][0]}. {labels['warning_signs'][1]}", 4),
            paper.table("My high-risk situations and how I will cope", ["A high-risk situation", "My coping plan"],
                        rows=4, row_height="32pt"),
            paper.table("People I can call", ["Name", "Phone number"], rows=4),
            paper.lines(f"{labels['after_lapse'][0]}. {labels['after_lapse'][1]}", 5),
        ]

    def paper_body(self) -> str:
        return super().paper_body() + self.crisis_box()

    def answers_body(self) -> str:
        d = self.data
        situations = [[r["situation"], r["plan"]] for r in d["situations"] if r["situation"].strip() or r["plan"].strip()]
        people = [[r["name"], r["number"]] for r in d["people"] if r["name"].strip() or r["number"].strip()]
        labels = {key: label for key, label, _ in TEXTS}
        return "".join([
            paper.answer_item(f"1. {labels['reasons']}", paper.answer_text(d["reasons"])),
            paper.answer_item(f"2. {labels['warning_signs']}", paper.answer_list(d["warning_signs"].splitlines())),
            paper.answer_item("3. My high-risk situations and how I will cope",
                              paper.answer_table(["Situation", "My coping plan"], situations)),
            paper.answer_item("4. People I can call", paper.answer_table(["Name", "Phone number"], people)),
            paper.answer_item(f"5. {labels['after_lapse']}", paper.answer_text(d["after_lapse"])),
            self.crisis_box(),
        ])
