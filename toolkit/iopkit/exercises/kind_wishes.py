"""Kind wishes: a guided timer for a loving-kindness practice, for the room or one person,
with a kind sentence to keep. Each step says who the wishes go to, and that anyone may stop
and just breathe (some people find kindness toward themselves hard at first)."""
from __future__ import annotations

from iopkit.exercises import paper
from iopkit.exercises.base import text
from iopkit.exercises.clock import Phase
from iopkit.exercises.timed import TimedExercise
from iopkit.markup import esc

PHASES = (
    Phase("settle", "Settle",
          "Sit in a way that feels steady. Rest your eyes on one spot, or close them. Take three slow breaths.", 1),
    Phase("easy", "Someone easy",
          "Think of someone who is easy to care about: a friend, a grandparent, a pet. Wish them well in your own "
          "words. For example: may you be safe, may you feel at ease.", 2),
    Phase("me", "Me",
          "Now send the same wishes to yourself: may I be safe, may I feel at ease. If this feels hard, that is "
          "okay. Stay with the easy person, or just breathe.", 2),
    Phase("others", "Everyone here",
          "Let the wishes go to the people in this room, then to everyone who is working on recovery today.", 2),
    Phase("return", "Come back",
          "Let the words go. Feel your feet on the floor. Open your eyes when you are ready.", 1),
)


class KindWishes(TimedExercise):
    id = "kind-wishes"
    title = "Kind wishes"
    intro = ("A short practice of wishing someone well, then yourself, then everyone here. Pick a length, press "
             "Start, and follow the words. You can stop at any time and just breathe.")
    paper_instructions = ("Try the practice, then write a few words. There are no right answers. If wishing "
                          "yourself well felt hard, that is common, and it gets easier with practice.")
    phases = PHASES
    lengths = (5, 8)
    default_minutes = 5
    ready_prompt = "Sit in a way that feels steady. When you are ready, press Start."
    done_prompt = "Well done. Take a kind word for yourself with you into the rest of the day."

    def blank(self) -> dict:
        return {"minutes": self.default_minutes, "sentence": ""}

    def clean(self, data: dict) -> dict:
        out = super().clean(data)
        out["sentence"] = text(data.get("sentence"))
        return out

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        from iopkit.exercises import ui

        self._syncing = False
        self._stage_key: tuple[str, int | None] | None = None
        self.steps = ui.html(width="100%")
        self.prompt_box = ui.html(width="100%", min_height="5em")
        self.sentence = ui.text_area("For example: I am doing something hard, and I am still here.", rows=2)
        self.sentence.observe(lambda change: self._typed("sentence", change["new"]), "value")
        return [
            ui.card([*self.timer_controls(), self.steps, self.prompt_box], soft=True),
            ui.card([ui.label("One kind sentence for me", "Optional. Only you see it unless you save it."),
                     self.sentence]),
        ]

    def refresh(self) -> None:
        self._syncing = True
        try:
            self.sentence.value = self.data["sentence"]
        finally:
            self._syncing = False
        self.draw()

    def draw_stage(self) -> None:
        from iopkit.exercises import ui

        state = self.timer.state
        current = None if state in ("ready", "done") else self.phase().index
        key = (state, current)
        if key == self._stage_key:
            return
        self._stage_key = key
        pills = []
        for i, phase in enumerate(self.phases):
            on = i == current
            past = current is not None and i < current or state == "done"
            bg = ui.ACCENT if on else ("#cfe0e6" if past else "#ffffff")
            fg = "#ffffff" if on else ui.INK
            pills.append(
                f'<div style="flex:1 1 0;min-width:7em;border:2px solid {ui.ACCENT};border-radius:10px;'
                f'background:{bg};color:{fg};text-align:center;padding:8px 4px;font-size:18px;font-weight:bold">'
                f"{esc(phase.name)}</div>"
            )
        self.steps.value = f'<div style="display:flex;gap:8px;margin:10px 0">{"".join(pills)}</div>'
        self.prompt_box.value = (f'<div style="font-size:25px;line-height:1.45;color:{ui.INK};max-width:40em">'
                                 f"{esc(self.prompt())}</div>")

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        return [
            paper.Item("lines", "Who did I send kind wishes to?", paper.ruled(2)),
            paper.Item("lines", "What was it like to wish myself well?", paper.ruled(2)),
            paper.Item("lines", "One kind sentence for me:", paper.ruled(2)),
        ]

    def answers_body(self) -> str:
        return "".join([
            paper.answer_item("How long I practiced", paper.answer_text(f"{self.data['minutes']} minutes")),
            paper.answer_item("One kind sentence for me", paper.answer_text(self.data["sentence"])),
        ])
