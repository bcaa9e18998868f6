"""The anonymous group check-in: each person adds a craving and a mood rating, and the
group sees only totals.

What is kept is two tallies, one per scale, of how many people picked each number. The
two numbers one person gave are not kept together and the order people rated in is not
kept at all, so no one's pair of numbers can be read back. The chart stays hidden while
people add ratings (a chart that grew with each person would show that person's numbers)
and can be shown once at least ``MIN_TO_SHOW`` people have rated.
"""
from __future__ import annotations

from iopkit.exercises import charts, paper
from iopkit.exercises.base import Exercise, number

SCALE = list(range(0, 11))
#: Fewest ratings before the group chart can be shown.
MIN_TO_SHOW = 3


class GroupCheckIn(Exercise):
    id = "group-check-in"
    title = "Group check-in"
    intro = ("Take turns. Pick your craving and your mood from 0 to 10, then press “Add my rating”. "
             "No names are asked for, and no one's own numbers are ever shown: only the group's totals.")
    paper_instructions = ("Do not write your name. Circle one number on each line, fold the slip, and put it "
                          "in the box. The group sees only the totals.")
    personal = False

    def blank(self) -> dict:
        return {"craving": [0] * len(SCALE), "mood": [0] * len(SCALE)}

    def clean(self, data: dict) -> dict:
        out = self.blank()
        for key in out:
            counts = data.get(key)
            if isinstance(counts, list) and len(counts) == len(SCALE):
                out[key] = [c if isinstance(c, int) and not isinstance(c, bool) and c >= 0 else 0 for c in counts]
        return out

    def answers(self) -> dict:
        return {"craving": list(self.data["craving"]), "mood": list(self.data["mood"]), "people": self.people}

    @property
    def people(self) -> int:
        return sum(self.data["craving"])

    def add_rating(self, craving: int, mood: int) -> None:
        """Count one person's ratings (each 0 to 10) into the group's totals."""
        c, m = number(craving, 0, 10), number(mood, 0, 10)
        if c is None or m is None:
            raise ValueError("Craving and mood are each a whole number from 0 to 10.")
        self.data["craving"][c] += 1
        self.data["mood"][m] += 1

    def reset(self) -> None:
        self.data = self.blank()
        if self._frame is not None:
            self._shown = False
            self.refresh()

    def chart_html(self) -> str:
        labels = [str(n) for n in SCALE]
        return (
            '<div style="display:flex;flex-wrap:wrap;gap:2.5em">'
            f'<div style="flex:1 1 20em;min-width:16em">'
            f'{charts.columns(self.data["craving"], labels, "Craving: 0 is none, 10 is the strongest")}</div>'
            f'<div style="flex:1 1 20em;min-width:16em">'
            f'{charts.columns(self.data["mood"], labels, "Mood: 0 is the lowest, 10 is great", color="#5b8f6a")}</div>'
            "</div>"
        )

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        from iopkit.exercises import ui

        self._shown = False
        self.craving = ui.rating()
        self.mood = ui.rating()
        self.add_button = ui.button("Add my rating", primary=True, icon="plus")
        self.message = ui.html()
        self.count = ui.html()
        self.show_button = ui.button("Show the group's chart", icon="bar-chart")
        self.hide_button = ui.button("Hide the chart")
        self.chart = ui.html(width="100%")
        self.chart_box = ui.card([self.chart], soft=True)
        restart = ui.Confirm("Start over", "Clear all of today's ratings?", self.reset)
        for w in (self.craving, self.mood):
            w.observe(lambda _: self._ready(), "value")
        self.add_button.on_click(lambda _: self._add())
        self.show_button.on_click(lambda _: self._show(True))
        self.hide_button.on_click(lambda _: self._show(False))
        rate = ui.card([
            ui.label("My craving right now"), self.craving, ui.ends("0 = no pull at all", "10 = the strongest"),
            ui.label("My mood right now"), self.mood, ui.ends("0 = the lowest", "10 = great"),
            ui.row([self.add_button, self.message], margin="10px 0 0 0"),
        ])
        privacy = ui.note("Only totals are kept. The chart stays hidden while people rate, so no one's numbers "
                          "can be picked out. Tip: turn the screen away from the room while each person picks.")
        group = ui.card([ui.row([self.count, self.show_button, self.hide_button, restart.box]),
                         privacy, self.chart_box])
        return [rate, group]

    def _ready(self) -> None:
        self.add_button.disabled = self.craving.value is None or self.mood.value is None

    def _add(self) -> None:
        from iopkit.exercises import ui

        if self.craving.value is None or self.mood.value is None:
            return
        self.add_rating(self.craving.value, self.mood.value)
        self.craving.value = None  # nothing of this person's stays on screen for the next
        self.mood.value = None
        self._shown = False
        self.message.value = ui.note_html("Thank you. Your rating was added. Next person, please.", ui.ACCENT, "18px")
        self.refresh()

    def _show(self, visible: bool) -> None:
        self._shown = visible and self.people >= MIN_TO_SHOW
        self.refresh()

    def refresh(self) -> None:
        from iopkit.exercises import ui

        n = self.people
        self.count.value = ui.label_html(f"{n} {'person has' if n == 1 else 'people have'} added a rating")
        self.chart.value = f'<div style="font-size:18px">{self.chart_html()}</div>' if self._shown else ""
        ui.show(self.chart_box, self._shown)
        ui.show(self.hide_button, self._shown)
        ui.show(self.show_button, not self._shown)
        self.show_button.disabled = n < MIN_TO_SHOW
        self.show_button.tooltip = ("Show the group's chart" if n >= MIN_TO_SHOW
                                    else f"The chart can be shown once {MIN_TO_SHOW} people have rated")
        if n == 0:
            self.message.value = ""
        self._ready()

    # ------------------------------------------------------------ paper

    def paper_body(self) -> str:
        return paper.render_part("group-check-in.html.j2", copies=3)

    def paper_items(self) -> list[paper.Item]:
        return []

    def answers_body(self) -> str:
        n = self.people
        return (paper.paragraph(f"{n} {'person' if n == 1 else 'people'} added a rating. Only the group's totals are "
                                "shown.") + paper.figure(self.chart_html(), "chart"))
