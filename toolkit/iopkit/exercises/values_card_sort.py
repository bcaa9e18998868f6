"""The values card sort: twenty short value cards, sorted one at a time into Very
important, Important and Not so important; the Very important pile is the top group."""
from __future__ import annotations

from iopkit.exercises import paper
from iopkit.exercises.base import Exercise, text
from iopkit.markup import esc

#: ``(id, name, what it means)``: original short wording.
CARDS = (
    ("family", "Family", "Being close to the people I call family"),
    ("health", "Health", "Taking care of my body and my mind"),
    ("honesty", "Honesty", "Telling the truth, to others and to myself"),
    ("learning", "Learning", "Growing my skills and learning new things"),
    ("faith", "Faith or spirituality", "Feeling part of something bigger"),
    ("friendship", "Friendship", "Having friends I trust, who trust me"),
    ("work", "Work", "Doing work that matters to me"),
    ("creativity", "Creativity", "Making things: music, art, food or new ideas"),
    ("fun", "Fun", "Laughing and enjoying life"),
    ("kindness", "Kindness", "Being caring and gentle with others"),
    ("nature", "Nature", "Spending time outdoors"),
    ("independence", "Independence", "Making my own choices in life"),
    ("community", "Community", "Being part of a group or a neighborhood"),
    ("courage", "Courage", "Facing hard things, even when I am afraid"),
    ("parenting", "Parenting", "Being there for the children in my life"),
    ("fairness", "Fairness", "Treating people equally"),
    ("adventure", "Adventure", "Trying new things and going new places"),
    ("calm", "Calm", "Having peace inside and around me"),
    ("respect", "Respect", "Treating others well, and being treated well"),
    ("growth", "Growth", "Becoming the person I want to be"),
)
NAMES = {cid: name for cid, name, _ in CARDS}
PILES = (("very", "Very important"), ("important", "Important"), ("not_so", "Not so important"))
PILE_NAMES = dict(PILES)


class ValuesCardSort(Exercise):
    id = "values-card-sort"
    title = "What matters most to me"
    intro = ("Sort each card into one of three piles: Very important, Important, or Not so important to you. "
             "There are no right answers. Your top group shows at the bottom.")
    paper_instructions = ("For each value, tick how important it is to you: very important, important, or "
                          "not so important. There are no right answers.")

    def __init__(self, save_dir=None, context=None):
        self._deck = [cid for cid, _, _ in CARDS]  # the order cards come up in; skipping moves one to the back
        super().__init__(save_dir, context)

    def blank(self) -> dict:
        return {"piles": {key: [] for key, _ in PILES}, "why": ""}

    def clean(self, data: dict) -> dict:
        out = self.blank()
        piles = data.get("piles") if isinstance(data.get("piles"), dict) else {}
        seen = set()
        for key, _ in PILES:
            for cid in piles.get(key, []) if isinstance(piles.get(key), list) else []:
                if cid in NAMES and cid not in seen:
                    out["piles"][key].append(cid)
                    seen.add(cid)
        out["why"] = text(data.get("why"))
        return out

    # ------------------------------------------------------------ sorting as data

    def pile_of(self, card_id: str) -> str | None:
        return next((key for key, cards in self.data["piles"].items() if card_id in cards), None)

    def unsorted(self) -> list[str]:
        """The cards still to sort, in deck order (a skipped card goes to the back)."""
        return [cid for cid in self._deck if self.pile_of(cid) is None]

    def place(self, card_id: str, pile: str | None) -> None:
        """Put a card in a pile (``very``, ``important``, ``not_so``), or back in the deck with None."""
        if card_id not in NAMES:
            raise ValueError(f'There is no value card "{card_id}".')
        if pile is not None and pile not in PILE_NAMES:
            raise ValueError(f'"{pile}" is not a pile; the piles are: {", ".join(PILE_NAMES)}.')
        for cards in self.data["piles"].values():
            if card_id in cards:
                cards.remove(card_id)
        if pile:
            self.data["piles"][pile].append(card_id)
        if self._frame is not None:
            self.refresh()

    def skip(self) -> None:
        left = self.unsorted()
        if len(left) > 1:
            self._deck = [cid for cid in self._deck if cid != left[0]] + [left[0]]
        if self._frame is not None:
            self.refresh()

    def top_group(self) -> list[str]:
        """The names of the cards sorted as Very important."""
        return [NAMES[cid] for cid in self.data["piles"]["very"]]

    # ------------------------------------------------------------ the screen

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        self._syncing = False
        self.card_face = ui.html(width="100%")
        self.pile_buttons = {key: ui.button(name, primary=(key == "very")) for key, name in PILES}
        for key, b in self.pile_buttons.items():
            b.on_click(lambda _b, key=key: self._sort_current(key))
        self.skip_button = ui.button("Skip for now")
        self.skip_button.on_click(lambda _: self.skip())
        self.columns = {key: W.VBox([], layout=W.Layout(min_height="3em")) for key, _ in PILES}
        self.top = ui.html(width="100%")
        self.why = ui.text_area("Why do these matter to you? What would living by them look like this week?", rows=2)
        self.why.observe(lambda change: self._why(change["new"]), "value")
        piles = W.HBox([
            ui.card([ui.label(name, size="18px"), self.columns[key]], flex="1 1 0%", min_width="220px",
                    margin="0 8px 0 0")
            for key, name in PILES
        ], layout=W.Layout(flex_flow="row wrap", align_items="stretch"))
        deck = ui.card([self.card_face, ui.row([*self.pile_buttons.values(), self.skip_button])],
                       soft=True)
        return [deck, ui.note("Changed your mind? Click a card in a pile to sort it again.", size="16px"), piles,
                ui.card([self.top, self.why])]

    def _sort_current(self, pile: str) -> None:
        left = self.unsorted()
        if left:
            self.place(left[0], pile)

    def _why(self, value: str) -> None:
        if not self._syncing:
            self.data["why"] = value

    def refresh(self) -> None:
        from iopkit.exercises import ui

        left = self.unsorted()
        done = len(CARDS) - len(left)
        if left:
            cid = left[0]
            desc = next(d for c, _, d in CARDS if c == cid)
            self.card_face.value = (
                f'<div style="font-size:16px;color:{ui.MUTED}">{done} of {len(CARDS)} sorted</div>'
                f'<div style="margin:8px 0 10px;padding:18px 24px;border:2px solid {ui.ACCENT};border-radius:12px;'
                f'background:#fff;max-width:30em"><div style="font-size:34px;font-weight:bold;color:{ui.ACCENT}">'
                f'{esc(NAMES[cid])}</div><div style="font-size:21px;color:{ui.INK}">{esc(desc)}</div></div>'
            )
        else:
            self.card_face.value = ui.label_html("All the cards are sorted.", "Look at your top group below.", "22px")
        for b in (*self.pile_buttons.values(), self.skip_button):
            b.disabled = not left
        for key, box in self.columns.items():
            chips = []
            for cid in self.data["piles"][key]:
                chip = ui.button(NAMES[cid], width="auto")
                chip.tooltip = "Click to sort this card again"
                chip.on_click(lambda _b, cid=cid: self.place(cid, None))
                chips.append(chip)
            box.children = chips
        top = self.top_group()
        names = ", ".join(top) if top else "Nothing yet. Cards you sort as Very important show here."
        self.top.value = ui.label_html("My top group", "", "22px") + (
            f'<div style="font-size:24px;color:{ui.ACCENT};font-weight:bold;margin:4px 0 8px">{esc(names)}</div>')
        self._syncing = True
        try:
            self.why.value = self.data["why"]
        finally:
            self._syncing = False

    # ------------------------------------------------------------ paper

    def paper_items(self) -> list[paper.Item]:
        table = paper.render_part("values-card-sort.html.j2",
                                  columns=("Value", "Very important", "Important", "Not so important"),
                                  cards=[(name, desc) for _, name, desc in CARDS])
        return [
            paper.Item("table", "How important is each value to me? Tick one box on each line.", table),
            paper.lines("My top values, and one thing I could do this week that fits one of them", 3),
        ]

    def answers_body(self) -> str:
        parts = [paper.answer_item("My top group: very important to me", paper.answer_list(self.top_group()))]
        for key, name in PILES[1:]:
            parts.append(paper.answer_item(name, paper.answer_list([NAMES[c] for c in self.data["piles"][key]])))
        parts.append(paper.answer_item("Why these matter to me", paper.answer_text(self.data["why"])))
        return "".join(parts)
