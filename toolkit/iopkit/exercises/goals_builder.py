"""The goals builder: one goal in one life area, checked for being positive, specific and
measurable, with a first step, a day to take it, and how sure the person is."""
from __future__ import annotations

import datetime as dt
import re

from iopkit import theme
from iopkit.exercises import paper
from iopkit.exercises.base import Exercise, number, text
from iopkit.exercises.happiness_scale import AREAS
from iopkit.markup import esc

CHECKS = (
    ("positive", "It says what I will do, not what I will stop."),
    ("specific", "It is specific: what, where, and with whom."),
    ("measurable", "It is measurable: someone could see it or count it."),
    ("up_to_me", "It is up to me, not up to someone else."),
)

_STOPPING = re.compile(r"\b(stop\w*|quit\w*|don'?t|do not|no more|never|not|avoid\w*|give up|cut (out|back|down)|less)\b",
                       re.IGNORECASE)
_MEASURE = re.compile(
    r"\d|\b(once|twice|one|two|three|four|five|six|seven|eight|nine|ten|every|each|daily|weekly|times?|minutes?|"
    r"hours?|days?|weeks?|months?|monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekend|tonight|"
    r"tomorrow|today|morning|afternoon|evening|night)\b",
    re.IGNORECASE,
)


def goal_tips(goal: str) -> dict[str, tuple[bool, str]]:
    """A first look at a goal: for ``positive``, ``specific`` and ``measurable``, whether it
    seems to pass and a tip in plain words. Only a helper: the person decides."""
    words = re.findall(r"[A-Za-z0-9']+", goal)
    if not words:
        return {key: (False, "Write your goal first.") for key in ("positive", "specific", "measurable")}
    return {
        "positive": (True, "It says what you will do.") if not _STOPPING.search(goal)
        else (False, "It sounds like something to stop. What will you do instead?"),
        "specific": (True, "It paints a clear picture.") if len(words) >= 6
        else (False, "Add more detail: what, where, or with whom?"),
        "measurable": (True, "Someone could count it or see it.") if _MEASURE.search(goal)
        else (False, "Add how often, how much, or by when."),
    }


class GoalsBuilder(Exercise):
    id = "goals-builder"
    title = "Build one goal"
    intro = ("Pick one part of your life you want to improve. Write one goal that says what you will do, "
             "then a small first step and the day you will take it.")
    paper_instructions = ("Pick one part of your life. Write one goal and check it. Then write a small first "
                          "step you can take this week.")

    def blank(self) -> dict:
        return {"area": "", "goal": "", "checks": {key: False for key, _ in CHECKS}, "first_step": "",
                "day": "", "confidence": None}

    def clean(self, data: dict) -> dict:
        checks = data.get("checks") if isinstance(data.get("checks"), dict) else {}
        day = text(data.get("day"))
        try:
            day = dt.date.fromisoformat(day).isoformat() if day else ""
        except ValueError:
            day = ""
        area = text(data.get("area"))
        return {
            "area": area if area in AREAS else "",
            "goal": text(data.get("goal")),
            "checks": {key: checks.get(key) is True for key, _ in CHECKS},
            "first_step": text(data.get("first_step")),
            "day": day,
            "confidence": number(data.get("confidence"), 0, 10),
        }

    def tips(self) -> dict[str, tuple[bool, str]]:
        return goal_tips(self.data["goal"])

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        self._syncing = False
        self.area = W.Dropdown(options=[("Pick a part of your life", "")] + [(a, a) for a in AREAS],
                               layout=W.Layout(width="24em"))
        self.goal = ui.text_area("For example: Walk around the park after dinner three times this week.", rows=3)
        self.tips_box = ui.html(width="100%")
        self.checks = {key: W.Checkbox(description=label, indent=False, layout=W.Layout(width="auto"))
                       for key, label in CHECKS}
        self.first_step = ui.text_area("For example: Put my walking shoes by the door tonight.", rows=2)
        self.day = W.DatePicker(layout=W.Layout(width="14em"))
        self.confidence = ui.rating()
        self.confidence_tip = ui.html()
        watch = [(self.area, "area"), (self.goal, "goal"), (self.first_step, "first_step"),
                 (self.day, "day"), (self.confidence, "confidence")]
        for w, key in watch:
            w.observe(lambda change, key=key: self._changed(key, change["new"]), "value")
        for key, box in self.checks.items():
            box.observe(lambda change, key=key: self._checked(key, change["new"]), "value")
        return [
            ui.card([ui.label("1. Which part of my life?", "Pick one you rated low and care about."), self.area]),
            ui.card([ui.label("2. My goal", "What I will do, how often or how much, and by when."), self.goal,
                     self.tips_box]),
            ui.card([ui.label("3. Check my goal", "Tick each one that is true."), *self.checks.values()]),
            ui.card([ui.label("4. My first step this week"), self.first_step,
                     ui.row([ui.label("The day I will take it", size="18px"), self.day]),
                     ui.label("How sure am I that I will take this step?"), self.confidence,
                     ui.ends("0 = not sure at all", "10 = completely sure"), self.confidence_tip]),
        ]

    def _changed(self, key: str, value) -> None:
        if self._syncing:
            return
        if key == "day":
            value = value.isoformat() if isinstance(value, dt.date) else ""
        self.data[key] = value if value is not None or key == "confidence" else ""
        self._draw()

    def _checked(self, key: str, value: bool) -> None:
        if not self._syncing:
            self.data["checks"][key] = bool(value)

    def refresh(self) -> None:
        self._syncing = True
        try:
            self.area.value = self.data["area"]
            self.goal.value = self.data["goal"]
            self.first_step.value = self.data["first_step"]
            self.day.value = dt.date.fromisoformat(self.data["day"]) if self.data["day"] else None
            self.confidence.value = self.data["confidence"]
            for key, box in self.checks.items():
                box.value = self.data["checks"][key]
        finally:
            self._syncing = False
        self._draw()

    def _draw(self) -> None:
        from iopkit.exercises import ui

        lines = []
        names = {"positive": "Positive", "specific": "Specific", "measurable": "Measurable"}
        for key, (ok, tip) in self.tips().items():
            mark, color = ("&#10003;", ui.ACCENT) if ok else ("&#9679;", theme.TIP)
            lines.append(f'<div style="font-size:17px;margin:2px 0"><span style="color:{color};font-weight:bold">'
                         f"{mark} {names[key]}:</span> {esc(tip)}</div>")
        self.tips_box.value = (f'<div style="background:{ui.TRACK};border-radius:8px;padding:6px 12px;margin-top:6px">'
                               f'<div style="font-size:15px;color:{ui.MUTED}">Tips (you decide):</div>{"".join(lines)}</div>')
        c = self.data["confidence"]
        self.confidence_tip.value = ui.note_html(
            "Under 7? Try making the step smaller, until you feel sure you can do it." if c is not None and c < 7
            else "", theme.TIP, "17px")

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        areas = paper.boxes(list(AREAS), css_class="options two-col")
        return [
            paper.Item("checklist", "Which part of my life is this goal about? Tick one.", areas),
            paper.lines("My goal: what I will do, how often or how much, and by when", 3),
            paper.checklist("Check my goal", [label for _, label in CHECKS]),
            paper.lines("My first step this week, and the day I will take it", 2),
            paper.scale("How sure am I that I will take this step? (Under 7? Make the step smaller.)", 0, 10,
                        "not sure at all", "completely sure"),
        ]

    def answers_body(self) -> str:
        d = self.data
        day = ""
        if d["day"]:
            when = dt.date.fromisoformat(d["day"])
            day = f"{when:%A}, {when:%B} {when.day}, {when.year}"
        checks = paper.ticked([(label, d["checks"][k]) for k, label in CHECKS])
        return "".join([
            paper.answer_item("The part of my life", paper.answer_text(d["area"])),
            paper.answer_item("My goal", paper.answer_text(d["goal"])),
            paper.answer_item("Checking my goal", checks),
            paper.answer_item("My first step", paper.answer_text(d["first_step"])),
            paper.answer_item("The day I will take it", paper.answer_text(day)),
            paper.answer_item("How sure I am (0 to 10)",
                              paper.answer_text(None if d["confidence"] is None else f"{d['confidence']} out of 10")),
        ])
