"""Self-entry on a clinic tablet: one measure as large buttons, submitted by the person.

On submit the answers are scored, handed to ``on_submit`` (the records store, once wired) and the
screen is cleared at once: every button goes back to unselected and nothing about the answers is
left in the widgets' state or in any cell output, so a saved notebook holds none of them. The
widget never prints.

If a safety item was answered above its threshold (or left blank), a banner covers the form until
a staff member acknowledges it; the banner says what to do and lists the crisis lines, and shows
no answers. No option turns it off.
"""
from __future__ import annotations

from typing import Callable

from iopkit.markup import esc as escape
from iopkit.measures.load import Measures
from iopkit.measures.safety import alert_html
from iopkit.measures.schema import Measure
from iopkit.measures.score import Score, score_answers

ACCENT = "#1f4e5f"
STYLE = """<style>
.iopkit-tablet { font-size: 20px; --jp-widgets-font-size: 20px; --jp-widgets-inline-height: 44px;
  font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1b1b1b; }
.iopkit-tablet .widget-toggle-button { min-width: 3em; height: auto; min-height: 44px; white-space: normal; }
.iopkit-tablet .jupyter-button.mod-active { background: #1f4e5f !important; color: #fff !important; font-weight: bold; }
.iopkit-safety { border: 4px solid #b5473a; background: #fff7f5; padding: 8px 18px; border-radius: 10px; }
.iopkit-safety h2 { color: #9c3326; }
</style>"""


class TabletForm:
    """A measure for self-entry. ``root`` is the widget to display; ``submit()`` is what the button does."""

    def __init__(self, measure: Measure, measures: Measures, on_submit: Callable[[Score], None] | None = None):
        import ipywidgets as W

        self.measure = measure
        self.measures = measures
        self.on_submit = on_submit
        self.buttons: list = []
        rows = [W.HTML(STYLE + f"<h2>{escape(measure.name)}</h2>"
                       + (f"<p>{escape(measure.instructions)}</p>" if measure.instructions else "")
                       + (f"<p><strong>{escape(measure.stem)}</strong></p>" if measure.stem else ""))]
        for item in measure.items:
            options = [(o.label or str(o.value), o.value) for o in measure.options_for(item)]
            buttons = W.ToggleButtons(options=options, value=None, layout=W.Layout(width="auto"),
                                      style={"button_width": "auto"})
            words = item.text or item.label
            ends = ""
            if measure.scale is not None and item.options is None:
                low, high = item.low or measure.scale.low, item.high or measure.scale.high
                ends = f"<div style='font-size:16px;color:#555'>{escape(str(measure.scale.min))} = {escape(low)}; " \
                       f"{escape(str(measure.scale.max))} = {escape(high)}</div>" if low or high else ""
            rows.append(W.VBox([W.HTML(f"<p style='margin:10px 0 4px'><strong>{item.number}.</strong> {escape(words)}</p>{ends}"),
                                buttons]))
            self.buttons.append(buttons)
        self.send = W.Button(description="I'm done: send my answers", button_style="primary",
                             layout=W.Layout(width="auto", margin="14px 0"))
        self.send.on_click(lambda _: self.submit())
        self.message = W.HTML()
        self.form = W.VBox(rows + [self.send, self.message])
        self.banner = W.HTML()
        self.acknowledge = W.Button(description="A staff member has seen this", button_style="danger",
                                    layout=W.Layout(width="auto", display="none"))
        self.acknowledge.on_click(lambda _: self.acknowledged())
        self.root = W.VBox([self.banner, self.acknowledge, self.form])
        self.root.add_class("iopkit-tablet")

    # ------------------------------------------------------------ what the buttons do

    def answers(self) -> list[int | None]:
        return [b.value for b in self.buttons]

    def submit(self) -> Score:
        score = score_answers(self.measure, self.answers())
        self.clear()  # first: the person's answers leave the screen before anything else happens
        if score.follow_up_needed:
            self.banner.value = alert_html(score.safety, self.measures, for_person=True)
            self.acknowledge.layout.display = ""
            self.form.layout.display = "none"
        saved = True
        if self.on_submit is not None:
            try:
                self.on_submit(score)
            except Exception:  # the person still sees a clear screen; staff hear it was not saved
                saved = False
        self.message.value = (
            "<p style='font-size:22px'>Thank you. Your answers went to your counselor, and the screen is clear "
            "for the next person.</p>" if saved else
            "<p style='font-size:22px;color:#9c3326'>Thank you. Your answers could not be saved. Please tell a "
            "staff member; the screen has been cleared.</p>")
        return score

    def clear(self) -> None:
        for b in self.buttons:
            b.value = None

    def acknowledged(self) -> None:
        self.banner.value = ""
        self.acknowledge.layout.display = "none"
        self.form.layout.display = ""
        self.message.value = ""
