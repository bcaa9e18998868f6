"""Urge surfing: a guided timer that rides an urge like a wave (notice, rise, peak,
fall), with a rating of the urge before and after."""
from __future__ import annotations

from iopkit.exercises import charts, paper
from iopkit.exercises.base import number, text
from iopkit.exercises.clock import Phase, spans
from iopkit.exercises.timed import TimedExercise
from iopkit.markup import esc

PHASES = (
    Phase("notice", "Notice",
          "Sit in a way that feels steady. Notice where you feel the urge in your body: your chest, stomach, "
          "mouth or hands. Just notice it. You do not have to do anything.", 2),
    Phase("rise", "Rise",
          "The urge may get stronger. That is okay. Breathe in and out slowly. Picture the urge as a wave, "
          "and you riding on top of it.", 3),
    Phase("peak", "Peak",
          "This may be the strongest part. Stay with your breath. You do not have to act on the urge. "
          "Every wave reaches a top and then goes down.", 2),
    Phase("fall", "Fall",
          "Notice the wave getting smaller. Keep breathing. What is changing in your body? Let the wave "
          "roll on by.", 3),
)


class UrgeSurfing(TimedExercise):
    id = "urge-surfing"
    title = "Urge surfing"
    intro = ("An urge is like a wave: it rises, peaks and falls, even if you do nothing. Rate your urge, "
             "pick a length and press Start. Then ride the wave with your breath.")
    paper_instructions = ("Use this sheet when you practice riding an urge. Rate the urge before and after, "
                          "and write what you noticed as the wave rose, peaked and fell.")
    phases = PHASES
    lengths = (5, 10, 15)
    default_minutes = 10
    ready_prompt = "When you are ready, rate your urge and press Start. Let your eyes close, or rest them on one spot."
    done_prompt = "You rode the wave. Take one more slow breath. Now notice the urge, and rate it below."

    def blank(self) -> dict:
        return {"minutes": self.default_minutes, "before": None, "after": None, "noticed": ""}

    def clean(self, data: dict) -> dict:
        out = super().clean(data)
        out["before"], out["after"] = number(data.get("before"), 0, 10), number(data.get("after"), 0, 10)
        out["noticed"] = text(data.get("noticed"))
        return out

    def wave_phases(self) -> list[tuple[str, float, float]]:
        total = self.timer.total or 1
        return [(s.phase.name, s.start / total, s.end / total) for s in spans(self.phases, total)]

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        from iopkit.exercises import ui

        self._syncing = False
        self.before = ui.rating()
        self.after = ui.rating()
        self.noticed = ui.text_area("For example: it was strong in my chest, then it eased off.", rows=2)
        self.wave = ui.html(width="100%")
        self.prompt_box = ui.html(width="100%", min_height="4.5em")
        self._wave_step: tuple[int, int | None] | None = None
        for key, w in (("before", self.before), ("after", self.after), ("noticed", self.noticed)):
            w.observe(lambda change, key=key: self._typed(key, change["new"]), "value")
        return [
            ui.card([ui.label("Before: how strong is the urge right now?"), self.before,
                     ui.ends("0 = no urge", "10 = the strongest")]),
            ui.card([*self.timer_controls(), self.wave, self.prompt_box], soft=True),
            ui.card([ui.label("After: how strong is the urge now?"), self.after,
                     ui.ends("0 = no urge", "10 = the strongest"),
                     ui.label("What did you notice?", "Optional. A few words are enough."), self.noticed]),
        ]

    def refresh(self) -> None:
        self._syncing = True
        try:
            self.before.value = self.data["before"]
            self.after.value = self.data["after"]
            self.noticed.value = self.data["noticed"]
        finally:
            self._syncing = False
        self.draw()

    def draw_stage(self) -> None:
        from iopkit.exercises import ui

        state = self.timer.state
        active = None if state == "ready" else self.phase().index
        step = round(self.timer.fraction * 300)  # redraw the wave in small steps, not every tick
        if (step, active) != self._wave_step:
            self._wave_step = (step, active)
            self.wave.value = charts.wave_svg(self.wave_phases(), progress=step / 300 if state != "ready" else None,
                                              active=active)
        heading = "" if state in ("ready", "done") else self.phase().phase.name
        self.prompt_box.value = (
            f'<div style="font-size:16px;color:{ui.MUTED};text-transform:uppercase;letter-spacing:0.06em">'
            f"{esc(heading)}</div>"
            f'<div style="font-size:24px;line-height:1.45;color:{ui.INK};max-width:40em">{esc(self.prompt())}</div>'
        )

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        whole = sum(p.weight for p in self.phases)
        marks, start = [], 0.0
        for p in self.phases:
            marks.append((p.name, start / whole, (start + p.weight) / whole))
            start += p.weight
        wave = paper.figure(charts.wave_svg(marks), "wave")
        return [
            paper.scale("Before: how strong is my urge right now?", 0, 10, "no urge", "the strongest"),
            paper.Item("lines", "As the urge rose, what did I notice in my body?", wave + paper.ruled(2)),
            paper.lines("At the peak, what did I do to stay with it?", 2),
            paper.lines("As it fell, what changed?", 2),
            paper.scale("After: how strong is my urge now?", 0, 10, "no urge", "the strongest"),
            paper.lines("When could I ride an urge like this again this week?", 2),
        ]

    def answers_body(self) -> str:
        def rated(v):
            return paper.answer_text(None if v is None else f"{v} out of 10")

        return "".join([
            paper.answer_item("How long I practiced", paper.answer_text(f"{self.data['minutes']} minutes")),
            paper.answer_item("My urge before (0 to 10)", rated(self.data["before"])),
            paper.answer_item("My urge after (0 to 10)", rated(self.data["after"])),
            paper.answer_item("What I noticed", paper.answer_text(self.data["noticed"])),
        ])
