"""The CRA Happiness Scale: eleven life areas rated 1 to 10, a bar chart that follows the
sliders, and a side-by-side comparison with an earlier saved rating."""
from __future__ import annotations

import json
from pathlib import Path

from iopkit.exercises import charts, paper
from iopkit.exercises.base import Exercise, number, text, unwrap

#: The eleven life areas, in the order of the Community Reinforcement Approach's scale.
AREAS = (
    "Not using alcohol or drugs",
    "Job or school",
    "Money",
    "Social life",
    "Personal habits",
    "Family and relationships",
    "Legal matters",
    "Emotional life",
    "Communication",
    "Spiritual life",
    "General happiness",
)

TODAY = charts.Series("Today", charts.ACCENT)
BEFORE = charts.Series("Earlier", charts.EARLIER)


class HappinessScale(Exercise):
    id = "happiness-scale"
    title = "The Happiness Scale"
    intro = ("How happy are you with each part of your life today? Move each slider to a number: "
             "1 means not happy at all, 10 means completely happy. There are no wrong answers.")
    paper_instructions = ("For each part of your life, circle how happy you are with it today. 1 means "
                          "completely unhappy. 10 means completely happy. Go with your first honest number.")

    def blank(self) -> dict:
        return {"ratings": {area: None for area in AREAS}, "earlier": None}

    def clean(self, data: dict) -> dict:
        return {"ratings": _ratings(data.get("ratings")), "earlier": _earlier(data.get("earlier"))}

    # ------------------------------------------------------------ the scale as data

    def rate(self, area: str, value: int | None) -> None:
        """Rate one area (1 to 10, or None to leave it blank)."""
        if area not in AREAS:
            raise ValueError(f'"{area}" is not one of the areas of the Happiness Scale.')
        self.data["ratings"][area] = number(value, 1, 10)
        if self._frame is not None:
            self.refresh()

    def compare_with(self, saved: dict) -> None:
        """Show an earlier rating (a saved file's contents, or its answers) beside today's."""
        when = saved.get("saved", "") if isinstance(saved, dict) else ""
        answers = unwrap(self.id, saved)
        self.data["earlier"] = {"saved": text(when), "ratings": _ratings(answers.get("ratings"))}
        if self._frame is not None:
            self.refresh()

    def forget_earlier(self) -> None:
        self.data["earlier"] = None
        if self._frame is not None:
            self.refresh()

    def chart_rows(self) -> list[tuple[str, list[int | None]]]:
        """Each area with its numbers: [earlier, today] when comparing, else [today]."""
        earlier = self.data["earlier"]
        out = []
        for area in AREAS:
            today = self.data["ratings"].get(area)
            out.append((area, [earlier["ratings"].get(area), today] if earlier else [today]))
        return out

    def chart_html(self) -> str:
        compare = self.data["earlier"] is not None
        series = [BEFORE, TODAY] if compare else [TODAY]
        return charts.hbars(self.chart_rows(), series, maximum=10, change=compare)

    def _earlier_title(self) -> str:
        from iopkit.exercises.files import saved_when

        earlier = self.data["earlier"]
        when = saved_when({"saved": earlier["saved"]}) if earlier else ""
        return f"Earlier rating, saved {when}" if when else "Earlier rating"

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        self._syncing = False
        self.sliders: dict[str, W.IntSlider] = {}
        self.readouts: dict[str, W.HTML] = {}
        lines = []
        for area in AREAS:
            s = ui.slider(1, 10, 5)
            s.readout = False
            s.observe(lambda change, area=area: self._moved(area, change["new"]), "value")
            self.sliders[area] = s
            self.readouts[area] = ui.html(width="5.5em")
            lines.append(W.HBox([W.HTML(ui.label_html(area, size="19px"), layout=W.Layout(width="34%")),
                                 W.Box([s], layout=W.Layout(flex="1 1 auto")), self.readouts[area]],
                                layout=W.Layout(align_items="center", border_bottom="1px solid #eef2f4")))
        self.chart = ui.html(width="100%")
        self.chart_title = ui.html()
        self.files = W.Dropdown(options=[], layout=W.Layout(width="30em"))
        self.show_earlier = ui.button("Show it beside today", icon="columns")
        self.hide_earlier = ui.button("Hide the earlier rating")
        upload = W.FileUpload(accept=".json", multiple=False, description="Open a saved file",
                              style={"font_size": "17px"}, layout=W.Layout(width="auto"))
        self.compare_note = ui.html()
        self.show_earlier.on_click(lambda _: self._show_file())
        self.hide_earlier.on_click(lambda _: self.forget_earlier())
        upload.observe(self._uploaded, "value")
        self._list_files()
        compare = ui.card([
            ui.label("Compare with an earlier rating",
                     "Pick a rating you saved on this screen, or open a file you saved before. "
                     "Both show side by side."),
            ui.row([self.files, self.show_earlier, upload, self.hide_earlier]), self.compare_note,
        ])
        return [ui.card(lines), ui.card([self.chart_title, self.chart], soft=True), compare]

    def _moved(self, area: str, value: int) -> None:
        if self._syncing:
            return
        self.data["ratings"][area] = value
        self._draw()

    def refresh(self) -> None:
        self._syncing = True
        try:
            for area, s in self.sliders.items():
                value = self.data["ratings"].get(area)
                s.value = value if value is not None else 5
        finally:
            self._syncing = False
        self._draw()

    def _draw(self) -> None:
        from iopkit.exercises import ui

        for area, out in self.readouts.items():
            value = self.data["ratings"].get(area)
            out.value = (f'<div style="font-size:26px;font-weight:bold;color:{ui.ACCENT};text-align:center">{value}</div>'
                         if value is not None else
                         f'<div style="font-size:15px;color:{ui.MUTED};text-align:center">not yet</div>')
            self.sliders[area].style.handle_color = ui.ACCENT if value is not None else "#b7c2c8"
        heading = ("Today and earlier, side by side" if self.data["earlier"] else "Your chart for today")
        sub = self._earlier_title() if self.data["earlier"] else "The bars move as you move the sliders."
        self.chart_title.value = ui.label_html(heading, sub)
        self.chart.value = f'<div style="font-size:18px">{self.chart_html()}</div>'

    def _list_files(self) -> None:
        """Only ratings saved on this screen: on a shared computer the folder may hold other
        people's files, and nobody sees another person's answers without choosing a file."""
        from iopkit.exercises.files import read_answers, saved_when

        options = []
        for path in reversed(getattr(self, "_saved_here", [])):
            try:
                when = saved_when(read_answers(path))
            except ValueError:
                continue
            options.append((f"Saved {when}" if when else path.name, str(path)))
        self.files.options = options or [("Nothing saved on this screen yet", "")]
        self.files.value = self.files.options[0][1]  # the newest

    def saved(self, path: Path) -> None:
        self._saved_here = [*getattr(self, "_saved_here", []), Path(path)]
        if self._frame is not None:
            self._list_files()

    def _show_file(self) -> None:
        from iopkit.exercises import ui
        from iopkit.exercises.files import read_answers

        if not self.files.value:
            self.compare_note.value = ui.note_html("There is no saved rating to show yet.")
            return
        try:
            self.compare_with(read_answers(self.files.value))
            self.compare_note.value = ""
        except ValueError as error:
            self.compare_note.value = ui.note_html(str(error), ui.WARM)

    def _uploaded(self, change) -> None:
        from iopkit.exercises import ui

        if not change["new"]:
            return
        item = change["new"][0]
        try:
            record = json.loads(bytes(item["content"]).decode("utf-8"))
            self.compare_with(record)
            self.compare_note.value = ""
        except (ValueError, UnicodeDecodeError, AttributeError) as error:
            self.compare_note.value = ui.note_html(f"{item.get('name', 'That file')} could not be used: {error}", ui.WARM)
        change["owner"].value = ()  # so the same file can be opened again

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        table = paper.render_part("happiness-scale.html.j2", areas=AREAS)
        return [
            paper.Item("table", "How happy am I with each part of my life today?", table),
            paper.lines("Which one or two areas do I most want to change? Why do they matter to me?", 3),
            paper.lines("What is one small thing I could do this week in one of those areas?", 2),
        ]

    def answers_body(self) -> str:
        parts = [paper.answer_item("How happy I am with each part of my life (1 to 10)",
                                   paper.figure(self.chart_html(), "chart"))]
        if self.data["earlier"]:
            parts.append(paper.paragraph(f"Compared with: {self._earlier_title()}.", "muted"))
        return "".join(parts)


def _ratings(value: object) -> dict:
    value = value if isinstance(value, dict) else {}
    return {area: number(value.get(area), 1, 10) for area in AREAS}


def _earlier(value: object) -> dict | None:
    if not isinstance(value, dict) or not isinstance(value.get("ratings"), dict):
        return None
    return {"saved": text(value.get("saved")), "ratings": _ratings(value["ratings"])}
