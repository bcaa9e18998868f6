"""The weekly planner: pleasant activities that do not involve using, planned into the
mornings, afternoons and evenings of one week, picked from a list of ideas or typed in."""
from __future__ import annotations

from iopkit.exercises import paper
from iopkit.exercises.base import Exercise, text

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
TIMES = (("morning", "Morning"), ("afternoon", "Afternoon"), ("evening", "Evening"))
IDEAS = (
    "Take a walk", "Call or text a friend", "Go to a meeting", "Cook a meal", "Read something I enjoy",
    "Listen to music", "Play a game", "Go to the library", "Work out or play a sport", "Visit family",
    "Watch a movie", "Go to a park", "Try a new recipe", "Work in a garden", "Draw, paint or write",
    "Volunteer", "Go fishing", "Play with a child or a pet", "Take a long shower or bath",
    "Go to a faith service", "Stretch or do yoga", "Go to a free event in town",
)


class WeeklyPlanner(Exercise):
    id = "weekly-planner"
    title = "My week of good things"
    intro = ("Plan things you enjoy that do not involve using, for the mornings, afternoons and evenings of "
             "this week. Pick from the ideas or type your own. Small things count.")
    paper_instructions = ("Write one thing you enjoy that does not involve using in some of the boxes. Small "
                          "things count. You do not have to fill every box.")

    def blank(self) -> dict:
        return {"plan": {day: {key: "" for key, _ in TIMES} for day in DAYS}}

    def clean(self, data: dict) -> dict:
        out = self.blank()
        plan = data.get("plan") if isinstance(data.get("plan"), dict) else {}
        for day in DAYS:
            slots = plan.get(day) if isinstance(plan.get(day), dict) else {}
            for key, _ in TIMES:
                out["plan"][day][key] = text(slots.get(key))
        return out

    def count(self) -> int:
        """How many activities are planned (filled boxes)."""
        return sum(1 for day in DAYS for key, _ in TIMES if self.data["plan"][day][key].strip())

    def plan(self, day: str, time: str, activity: str) -> None:
        """Put an activity in one box; if the box has one already, the new one is added to it."""
        if day not in DAYS or time not in dict(TIMES):
            raise ValueError(f"Pick a day ({', '.join(DAYS)}) and a time ({', '.join(k for k, _ in TIMES)}).")
        now = self.data["plan"][day][time].strip()
        self.data["plan"][day][time] = f"{now}; {activity}" if now and activity not in now else (now or activity)
        if self._frame is not None:
            self.refresh()

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        self._syncing = False
        self.cells: dict[tuple[str, str], W.Combobox] = {}
        grid = [W.HTML("")] + [W.HTML(ui.label_html(name, size="18px")) for _, name in TIMES]
        for day in DAYS:
            grid.append(W.HTML(ui.label_html(day, size="18px")))
            for key, _ in TIMES:
                cell = W.Combobox(options=list(IDEAS), ensure_option=False, placeholder="Type or pick",
                                  layout=W.Layout(width="auto"), style={"font_size": "17px"})
                cell.observe(lambda change, day=day, key=key: self._typed_cell(day, key, change["new"]), "value")
                self.cells[(day, key)] = cell
                grid.append(cell)
        self.idea = W.Dropdown(options=list(IDEAS), layout=W.Layout(width="18em"))
        self.day = W.Dropdown(options=list(DAYS), layout=W.Layout(width="10em"))
        self.time = W.Dropdown(options=[(name, key) for key, name in TIMES], layout=W.Layout(width="10em"))
        add = ui.button("Add to my week", primary=True, icon="plus")
        add.on_click(lambda _: self.plan(self.day.value, self.time.value, self.idea.value))
        self.counter = ui.html()
        picker = ui.card([ui.label("Pick an idea", "Choose an idea, a day and a time, then press Add."),
                          ui.row([self.idea, self.day, self.time, add])], soft=True)
        week = ui.card([W.GridBox(grid, layout=W.Layout(grid_template_columns="8em 1fr 1fr 1fr", grid_gap="6px 10px",
                                                        align_items="center", width="100%")), self.counter])
        return [picker, week]

    def _typed_cell(self, day: str, key: str, value: str) -> None:
        if self._syncing:
            return
        self.data["plan"][day][key] = value
        self._count()

    def refresh(self) -> None:
        self._syncing = True
        try:
            for (day, key), cell in self.cells.items():
                cell.value = self.data["plan"][day][key]
        finally:
            self._syncing = False
        self._count()

    def _count(self) -> None:
        from iopkit.exercises import ui

        n = self.count()
        self.counter.value = (f'<div style="font-size:22px;margin-top:10px;color:{ui.ACCENT};font-weight:bold">'
                              f"{n} {'activity' if n == 1 else 'activities'} planned this week</div>")

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        ideas = paper.boxes(list(IDEAS), css_class="options three-col")
        return [
            paper.table("My week", ["Day"] + [name for _, name in TIMES], first_column=list(DAYS), row_height="30pt"),
            paper.Item("checklist", "Ideas to pick from. Tick the ones you like.", ideas),
            paper.lines("How many did I plan? Which one am I looking forward to most?", 2),
        ]

    def answers_body(self) -> str:
        rows = [[day] + [self.data["plan"][day][key] for key, _ in TIMES] for day in DAYS]
        n = self.count()
        return (paper.answer_item("My week", paper.answer_table(["Day"] + [name for _, name in TIMES], rows))
                + paper.paragraph(f"{n} {'activity' if n == 1 else 'activities'} planned.", strong=True))
