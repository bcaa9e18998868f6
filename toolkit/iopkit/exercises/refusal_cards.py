"""Refusal role-play cards: a deck of offers from easier to harder, shown one at a time,
and the parts of a clear refusal as a checklist the observers tick.

The deck is the scenario cards of the curriculum's refusal session (the session whose
exercise uses this widget), so "card 5" on the screen is card 5 in the facilitator
guide. If the curriculum has no such cards, a short deck of its own is used.
"""
from __future__ import annotations

import random

from iopkit.exercises import paper
from iopkit.exercises.base import Exercise, number
from iopkit.markup import esc

#: What observers watch for: the parts of a clear refusal.
PARTS = (
    "Said “no” first",
    "Looked at the person, with a firm voice",
    "No “maybe” and no long excuse",
    "Suggested something else to do",
    "Changed the subject",
    "Asked them to stop offering",
    "Left, or said they would leave, if needed",
)

#: Used only when the curriculum has no refusal cards. Easier to harder.
OWN_DECK = (
    "A server at a restaurant asks once: “Can I get you something from the bar?”",
    "A coworker after a long shift: “A few of us are getting drinks. Come along for one?” They ask once more.",
    "A neighbor at a cookout hands you an open drink: “Here, you look thirsty.”",
    "A cousin at a family party: “It's a celebration! Just one toast.” They push twice.",
    "An old friend you used with calls: “I've got some. Let's hang out like old times.” They push three times.",
    "Your partner, after a hard day, holds it out to you: “Just this once, with me.” They push twice.",
    "A group of old friends tease you: “You're no fun anymore. One won't hurt.” They push three times.",
)

LEVELS = ("Easier", "Harder", "Hardest")


class RefusalCards(Exercise):
    id = "refusal-cards"
    title = "Saying no: role-play cards"
    intro = ("One person reads the offer, one person says no, and the others watch. Observers tick each part "
             "of a clear refusal they see. Then start with one thing the person did well.")
    paper_instructions = ("Cut out the cards. Start with the easier ones. Observers use the checklist at the end "
                          "to notice what the person saying no did well.")
    personal = False

    def __init__(self, save_dir=None, context=None, cards: list[str] | None = None):
        """``cards``: the offers, easier to harder; by default the curriculum's refusal cards."""
        from iopkit.exercises.context import default_context

        context = context if context is not None else default_context()
        self.cards = list(cards) if cards else (list(context.cards) or list(OWN_DECK))
        super().__init__(save_dir, context)

    def blank(self) -> dict:
        return {"order": list(range(len(self.cards))), "position": 0, "ticked": []}

    def clean(self, data: dict) -> dict:
        out = self.blank()
        order = data.get("order")
        if isinstance(order, list) and sorted(order) == list(range(len(self.cards))):
            out["order"] = order
        out["position"] = number(data.get("position"), 0, len(self.cards) - 1) or 0
        ticked = data.get("ticked") if isinstance(data.get("ticked"), list) else []
        out["ticked"] = [p for p in PARTS if p in ticked]
        return out

    # ------------------------------------------------------------ the deck as data

    def level(self, card: int) -> str:
        """Easier, Harder or Hardest, by the card's place in the deck (which goes from easier to harder)."""
        return LEVELS[min(len(LEVELS) - 1, len(LEVELS) * card // max(1, len(self.cards)))]

    def current(self) -> int:
        """The number (from 0) of the card on screen."""
        return self.data["order"][self.data["position"]]

    def go(self, step: int) -> None:
        self.data["position"] = (self.data["position"] + step) % len(self.cards)
        self.data["ticked"] = []
        if self._frame is not None:
            self.refresh()

    def shuffle(self, rng: random.Random | None = None) -> None:
        order = list(range(len(self.cards)))
        (rng or random.Random()).shuffle(order)
        self.data.update(order=order, position=0, ticked=[])
        if self._frame is not None:
            self.refresh()

    def in_order(self) -> None:
        self.data.update(order=list(range(len(self.cards))), position=0, ticked=[])
        if self._frame is not None:
            self.refresh()

    def tick(self, part: str, on: bool = True) -> None:
        if part not in PARTS:
            raise ValueError(f'"{part}" is not one of the parts of a clear refusal.')
        ticked = (set(self.data["ticked"]) | {part}) if on else (set(self.data["ticked"]) - {part})
        self.data["ticked"] = [p for p in PARTS if p in ticked]
        if self._frame is not None:
            self.refresh()

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        self._syncing = False
        self.face = ui.html(width="100%")
        back = ui.button("Back", icon="arrow-left")
        ahead = ui.button("Next card", primary=True, icon="arrow-right")
        mix = ui.button("Shuffle", icon="random")
        start = ui.button("Start again in order")
        back.on_click(lambda _: self.go(-1))
        ahead.on_click(lambda _: self.go(1))
        mix.on_click(lambda _: self.shuffle())
        start.on_click(lambda _: self.in_order())
        self.boxes = {p: W.Checkbox(description=p, indent=False, layout=W.Layout(width="auto")) for p in PARTS}
        for part, box in self.boxes.items():
            box.observe(lambda change, part=part: self._ticked(part, change["new"]), "value")
        self.tally = ui.html()
        return [
            ui.card([self.face, ui.row([back, ahead, mix, start])], soft=True),
            ui.card([ui.label("Observers: tick what you saw", "The ticks clear for each new card."),
                     *self.boxes.values(), self.tally]),
        ]

    def _ticked(self, part: str, on: bool) -> None:
        if not self._syncing:
            self.tick(part, on)

    def refresh(self) -> None:
        from iopkit.exercises import ui

        card = self.current()
        self.face.value = (
            f'<div style="font-size:17px;color:{ui.MUTED}">Card {card + 1} of {len(self.cards)} · '
            f'<strong style="color:{ui.ACCENT}">{self.level(card)}</strong></div>'
            f'<div style="margin:8px 0 10px;padding:20px 26px;border:2px solid {ui.ACCENT};border-radius:14px;'
            f'background:#fff;font-size:27px;line-height:1.45;color:{ui.INK};max-width:34em">'
            f"{esc(self.cards[card])}</div>"
        )
        self._syncing = True
        try:
            for part, box in self.boxes.items():
                box.value = part in self.data["ticked"]
        finally:
            self._syncing = False
        n = len(self.data["ticked"])
        self.tally.value = ui.label_html(f"{n} of {len(PARTS)} parts seen", size="19px")

    # ------------------------------------------------------------ paper

    def paper_body(self) -> str:
        cards = [{"n": i, "level": self.level(i - 1), "text": text} for i, text in enumerate(self.cards, 1)]
        return paper.render_part("refusal-cards.html.j2", cards=cards, parts=list(PARTS))

    def paper_items(self) -> list[paper.Item]:
        return []

    def answers_body(self) -> str:
        return paper.answer_item(f"Card {self.current() + 1}: parts seen",
                                 paper.answer_list(self.data["ticked"]))
