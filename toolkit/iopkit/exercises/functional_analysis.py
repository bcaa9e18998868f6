"""The CRA functional analysis: one time of using, traced as a chain from what set it off
to what it gave right away and what it cost later."""
from __future__ import annotations

from iopkit.exercises import paper
from iopkit.exercises.base import FieldsExercise
from iopkit.markup import esc

#: The links of the chain, in order: a heading and the fields under it. A link with one
#: field takes the field's label as its heading.
CHAIN = (
    ("What set it off", ("external", "internal")),
    ("", ("thoughts",)),
    ("", ("feelings",)),
    ("", ("behavior",)),
    ("What happened next", ("short_term", "long_term")),
)


class FunctionalAnalysis(FieldsExercise):
    id = "functional-analysis"
    title = "What led to using, and what it led to"
    intro = ("Think of one recent time you used. Follow it link by link, from what set it off to what "
             "came after. This is about learning, not blame.")
    paper_instructions = ("Think of one recent time you used. Fill in each box, from top to bottom. Short "
                          "notes are fine. This is about learning, not blame.")
    fields = (
        ("external", "Outside triggers", "Who was I with? Where was I? When was it?"),
        ("internal", "Inside triggers", "What was going on in my body? Tired, hungry, in pain, restless?"),
        ("thoughts", "My thoughts", "What went through my mind? “I deserve it.” “Just one.”"),
        ("feelings", "My feelings", "Bored, lonely, angry, stressed, happy? Where did I feel it?"),
        ("behavior", "What I did", "What did I use? How much? For how long?"),
        ("short_term", "Short-term results", "What did I get right away? What felt good, or stopped hurting?"),
        ("long_term", "Long-term results", "What did it cost me later? Health, money, people, work, the law, how I see myself."),
    )

    def build(self) -> list:
        import ipywidgets as W

        from iopkit.exercises import ui

        areas = self.text_areas(rows=3)
        labels = {key: label for key, label, _ in self.fields}
        out = []
        for n, (step, keys) in enumerate(CHAIN, 1):
            if len(keys) > 1:
                body = ui.row([W.VBox([ui.label(labels[k], size="18px"), areas[k]],
                                      layout=W.Layout(flex="1 1 0%", min_width="260px", margin="0 8px 0 0"))
                               for k in keys], align_items="flex-start")
            else:
                body = areas[keys[0]]
            badge = (f'<span style="display:inline-block;width:1.6em;height:1.6em;line-height:1.6em;'
                     f'border-radius:50%;background:{ui.ACCENT};color:#fff;text-align:center;'
                     f'margin-right:0.4em">{n}</span>')
            head = W.HTML(f'<div style="font-size:21px;font-weight:bold;color:{ui.ACCENT}">{badge}'
                          f"{esc(step or labels[keys[0]])}</div>")
            out.append(ui.card([head, body]))
            if n < len(CHAIN):
                out.append(W.HTML(f'<div style="text-align:center;font-size:30px;line-height:1;color:{ui.ACCENT}"'
                                  ' aria-hidden="true">&#8595;</div>'))
        return out

    def paper_body(self) -> str:
        labels = {key: (label, hint) for key, label, hint in self.fields}
        steps = [{"name": step, "pair": [labels[k] for k in keys]} if len(keys) > 1
                 else {"pair": [], "label": labels[keys[0]][0], "hint": labels[keys[0]][1]} for step, keys in CHAIN]
        return paper.render_part("functional-analysis.html.j2", steps=steps)

    def paper_items(self) -> list[paper.Item]:
        return []
