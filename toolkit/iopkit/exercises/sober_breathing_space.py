"""The SOBER breathing space: a short guided timer through Stop, Observe, Breathe, Expand
awareness and Respond, with a prompt for each step."""
from __future__ import annotations

from iopkit.exercises import paper
from iopkit.exercises.base import text
from iopkit.exercises.clock import Phase
from iopkit.exercises.timed import TimedExercise
from iopkit.markup import esc

PHASES = (
    Phase("stop", "Stop",
          "Stop what you are doing. Sit or stand still. Let your shoulders drop.", 1),
    Phase("observe", "Observe",
          "Notice what is going on inside you. What do you feel in your body? What feelings are here? "
          "What thoughts? Just notice them, without judging.", 2),
    Phase("breathe", "Breathe",
          "Bring your attention to your breath. Breathe in as the circle grows, and out as it shrinks. "
          "When your mind wanders, gently come back to the breath.", 3),
    Phase("expand", "Expand awareness",
          "Let your attention grow to take in your whole body, then the room around you. Feel your feet "
          "on the floor. You are more than this moment.", 2),
    Phase("respond", "Respond",
          "Ask yourself: what do I need right now? Choose what you will do next, with care.", 1),
)

#: What the paper version asks after each step.
PAPER_QUESTIONS = {
    "stop": "What was I doing when I stopped?",
    "observe": "What did I notice in my body, my feelings and my thoughts?",
    "breathe": "What was my breath like? Did it change?",
    "expand": "What else did I notice, in my body or around me?",
    "respond": "What did I choose to do next?",
}


class SoberBreathingSpace(TimedExercise):
    id = "sober-breathing-space"
    title = "The SOBER breathing space"
    intro = ("A short pause for a hard moment: Stop, Observe, Breathe, Expand awareness, Respond. "
             "Pick a length, press Start, and follow the words on the screen.")
    paper_instructions = ("Practice the SOBER breathing space, then write a few words for each step. "
                          "You can use it any time: in line, before a hard talk, or when an urge shows up.")
    phases = PHASES
    lengths = (3, 5)
    default_minutes = 3
    ready_prompt = "Sit in a way that feels steady. When you are ready, press Start."
    done_prompt = "Well done. Take what you noticed with you, and choose your next step."

    def blank(self) -> dict:
        return {"minutes": self.default_minutes, "noticed": "", "next_step": ""}

    def clean(self, data: dict) -> dict:
        out = super().clean(data)
        out["noticed"], out["next_step"] = text(data.get("noticed")), text(data.get("next_step"))
        return out

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        from iopkit.exercises import ui

        self._syncing = False
        self._stage_key: tuple[str, int | None] | None = None
        self.steps = ui.html(width="100%")
        self.prompt_box = ui.html(width="100%", min_height="5em")
        self.noticed = ui.text_area("For example: my jaw was tight, and I felt worried.", rows=2)
        self.next_step = ui.text_area("For example: I texted my sponsor and went for a walk.", rows=2)
        for key, w in (("noticed", self.noticed), ("next_step", self.next_step)):
            w.observe(lambda change, key=key: self._typed(key, change["new"]), "value")
        return [
            ui.card([*self.timer_controls(), self.steps, self.prompt_box], soft=True),
            ui.card([ui.label("What did you notice?", "Optional. A few words are enough."), self.noticed,
                     ui.label("What did you choose to do next?"), self.next_step]),
        ]

    def refresh(self) -> None:
        self._syncing = True
        try:
            self.noticed.value = self.data["noticed"]
            self.next_step.value = self.data["next_step"]
        finally:
            self._syncing = False
        self.draw()

    def draw_stage(self) -> None:
        from iopkit.exercises import ui

        state = self.timer.state
        current = None if state in ("ready", "done") else self.phase().index
        key = (state, current)
        if key == self._stage_key:
            return  # the breathing circle keeps its rhythm only if its HTML is left alone
        self._stage_key = key
        pills = []
        for i, phase in enumerate(self.phases):
            on = i == current
            past = current is not None and i < current or state == "done"
            bg = ui.ACCENT if on else ("#cfe0e6" if past else "#ffffff")
            fg = "#ffffff" if on else ui.INK
            pills.append(
                f'<div style="flex:1 1 0;min-width:7em;border:2px solid {ui.ACCENT};border-radius:10px;'
                f'background:{bg};color:{fg};text-align:center;padding:6px 4px">'
                f'<div style="font-size:34px;font-weight:bold;line-height:1.1">{phase.name[0]}</div>'
                f'<div style="font-size:16px">{esc(phase.name)}</div></div>'
            )
        circle = ""
        if current is not None and self.phases[current].key == "breathe":
            circle = (f'<div style="width:150px;height:150px;margin:14px auto 0;border-radius:50%;'
                      f'background:{ui.ACCENT};opacity:0.55;animation:iopkit-breathe 10s ease-in-out infinite">'
                      "</div>")
        self.steps.value = f'<div style="display:flex;gap:8px;margin:10px 0">{"".join(pills)}</div>{circle}'
        self.prompt_box.value = (f'<div style="font-size:25px;line-height:1.45;color:{ui.INK};max-width:40em">'
                                 f"{esc(self.prompt())}</div>")

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        items = [paper.Item("lines", f"{p.name[0]} · {p.name}. {PAPER_QUESTIONS[p.key]}",
                            paper.hint(p.prompt) + paper.ruled(2))
                 for p in self.phases]
        return items

    def answers_body(self) -> str:
        return "".join([
            paper.answer_item("How long I practiced", paper.answer_text(f"{self.data['minutes']} minutes")),
            paper.answer_item("What I noticed", paper.answer_text(self.data["noticed"])),
            paper.answer_item("What I chose to do next", paper.answer_text(self.data["next_step"])),
        ])
