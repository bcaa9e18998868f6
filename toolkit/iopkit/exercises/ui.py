"""Widget parts every exercise uses, sized for a projector or a shared screen.

Imported only when a widget is built, so that ``import iopkit.exercises`` (and the paper
versions) never pay for ipywidgets. Large type comes from the ipywidgets CSS variables,
set on the exercise's own box, plus ``style`` and ``Layout`` on each widget; nothing is
loaded from the network.
"""
from __future__ import annotations

from typing import Callable

import ipywidgets as W

from iopkit import theme
from iopkit.exercises.charts import ACCENT, INK, MUTED, TRACK
from iopkit.markup import esc

WARM = theme.WARM
FONT = '"DejaVu Sans", "Helvetica Neue", Arial, sans-serif'
BASE = "18px"

#: Scoped to ``.iopkit-exercise``: bigger type and controls, calm colors, cards.
STYLE = f"""<style>
.iopkit-exercise {{
  --jp-widgets-font-size: {BASE};
  --jp-widgets-inline-height: 40px;
  --jp-widgets-inline-label-width: 11em;
  --jp-widgets-slider-handle-size: 22px;
  --jp-widgets-slider-track-thickness: 6px;
  --jp-widgets-input-padding: 6px;
  --jp-widgets-input-focus-border-color: {ACCENT};
  --jp-widgets-slider-active-handle-color: {ACCENT};
  /* The same light card in any JupyterLab theme, so a projector shows what was tested. */
  --jp-widgets-color: {INK}; --jp-widgets-label-color: {INK}; --jp-widgets-readout-color: {ACCENT};
  --jp-widgets-input-color: {INK}; --jp-widgets-input-background-color: #ffffff;
  --jp-widgets-input-border-color: {theme.RULE}; --jp-ui-font-color1: {INK}; --jp-ui-font-color2: {MUTED};
  --jp-layout-color1: #ffffff; --jp-layout-color2: #eceff1; --jp-layout-color3: #d6dde1; --jp-border-color1: {theme.RULE};
  font-family: {FONT}; font-size: {BASE}; color: {INK}; line-height: 1.45;
  background: #fff; border-radius: 12px; padding: 14px 20px 18px !important;
  border: 1px solid #d3dde2; box-sizing: border-box;
}}
.iopkit-exercise .widget-label, .iopkit-exercise .widget-readout {{ font-size: {BASE}; color: {INK}; }}
.iopkit-exercise .widget-readout {{ font-weight: bold; color: {ACCENT}; min-width: 2em; }}
.iopkit-exercise textarea, .iopkit-exercise input, .iopkit-exercise select {{
  font-size: {BASE} !important; font-family: {FONT}; color: {INK}; line-height: 1.4; }}
.iopkit-exercise textarea {{ border-radius: 6px; }}
.iopkit-exercise .jupyter-button {{ font-size: 17px; height: auto; min-height: 40px; padding: 6px 16px;
  border-radius: 8px; font-family: {FONT}; }}
.iopkit-exercise .widget-toggle-button {{ padding: 6px 4px; }}
.iopkit-exercise .jupyter-button.mod-active {{ background: {ACCENT} !important; color: #fff !important;
  box-shadow: none; font-weight: bold; }}
.iopkit-exercise .iopkit-card {{ border: 1px solid #d3dde2; border-radius: 10px; padding: 10px 16px 14px;
  margin: 6px 0; background: #fff; }}
.iopkit-exercise .iopkit-soft {{ background: {TRACK}; border-color: {TRACK}; }}
.iopkit-exercise .iopkit-row {{ gap: 8px 12px; }}
.iopkit-exercise .widget-checkbox {{ height: auto; min-height: 36px; }}
.iopkit-exercise .widget-checkbox input {{ width: 22px; height: 22px; accent-color: {ACCENT}; }}
@keyframes iopkit-breathe {{ 0%, 100% {{ transform: scale(0.55); }} 50% {{ transform: scale(1); }} }}
</style>"""


def stylesheet() -> W.HTML:
    return W.HTML(STYLE, layout=W.Layout(height="0px", margin="0"))


def html(value: str = "", **layout) -> W.HTML:
    return W.HTML(value, layout=W.Layout(**layout))


def title_bar(title: str, intro: str) -> W.HTML:
    return W.HTML(
        f'<div style="font-size:30px;font-weight:bold;color:{ACCENT};line-height:1.2;margin:2px 0 6px">'
        f"{esc(title)}</div>"
        f'<div style="font-size:20px;color:{INK};line-height:1.45;max-width:46em">{esc(intro)}</div>',
        layout=W.Layout(margin="0 0 8px 0"),
    )


def label_html(text: str, hint: str = "", size: str = "19px") -> str:
    hint_html = f'<div style="font-size:16px;color:{MUTED};font-weight:normal">{esc(hint)}</div>' if hint else ""
    return (f'<div style="font-size:{size};font-weight:bold;color:{INK};line-height:1.35;margin:8px 0 3px">'
            f"{esc(text)}</div>{hint_html}")


def label(text: str, hint: str = "", size: str = "19px") -> W.HTML:
    return W.HTML(label_html(text, hint, size))


def note_html(text: str, color: str = MUTED, size: str = "16px") -> str:
    return f'<div style="font-size:{size};color:{color};line-height:1.4">{esc(text)}</div>'


def note(text: str, color: str = MUTED, size: str = "16px") -> W.HTML:
    return W.HTML(note_html(text, color, size))


# Width "auto" lets a box fill its column: "100%" plus the widget's own margin would spill over.
def text_area(placeholder: str = "", rows: int = 3, width: str = "auto") -> W.Textarea:
    return W.Textarea(placeholder=placeholder, rows=rows, layout=W.Layout(width=width),
                      style={"font_size": BASE})


def text_box(placeholder: str = "", width: str = "auto") -> W.Text:
    return W.Text(placeholder=placeholder, layout=W.Layout(width=width), style={"font_size": BASE})


def button(text: str, primary: bool = False, icon: str = "", width: str = "auto") -> W.Button:
    style = {"font_size": "17px"}
    if primary:
        style.update(button_color=ACCENT, text_color="#ffffff", font_weight="bold")
    b = W.Button(description=text, icon=icon, tooltip=text, layout=W.Layout(width=width), style=style)
    if primary:
        b.add_class("iopkit-primary")
    return b


def rating(low: int = 0, high: int = 10) -> W.ToggleButtons:
    """A row of number buttons with none picked yet: nothing to leave behind for the next person."""
    return W.ToggleButtons(options=[(str(n), n) for n in range(low, high + 1)], value=None,
                           style={"button_width": "46px", "font_weight": "bold"},
                           layout=W.Layout(width="auto", margin="2px 0"))


def ends(low_label: str, high_label: str) -> W.HTML:
    return W.HTML(f'<div style="display:flex;justify-content:space-between;max-width:560px;font-size:15px;'
                  f'color:{MUTED}"><span>{esc(low_label)}</span><span>{esc(high_label)}</span></div>')


def slider(low: int, high: int, value: int, width: str = "100%") -> W.IntSlider:
    return W.IntSlider(min=low, max=high, value=value, step=1, continuous_update=True,
                       layout=W.Layout(width=width), style={"handle_color": ACCENT})


def card(children: list, soft: bool = False, **layout) -> W.VBox:
    box = W.VBox(children, layout=W.Layout(**layout))
    box.add_class("iopkit-card")
    if soft:
        box.add_class("iopkit-soft")
    return box


def row(children: list, **layout) -> W.HBox:
    """Widgets side by side, wrapping on a narrow screen, with a little space between."""
    layout.setdefault("align_items", "center")
    layout.setdefault("flex_flow", "row wrap")
    box = W.HBox(children, layout=W.Layout(**layout))
    box.add_class("iopkit-row")
    return box


def show(widget: W.Widget, visible: bool) -> None:
    widget.layout.display = "" if visible else "none"


class Confirm:
    """A button that asks once more before it does something that cannot be undone."""

    def __init__(self, text: str, question: str, action: Callable[[], None]):
        self.action = action
        self.first = button(text)
        self.yes = button("Yes, " + text[0].lower() + text[1:])
        self.no = button("No, keep it")
        self.ask = W.HTML(note_html(question, INK))
        self.box = row([self.first, self.ask, self.yes, self.no])
        self.first.on_click(lambda _: self._asking(True))
        self.no.on_click(lambda _: self._asking(False))
        self.yes.on_click(self._do)
        self._asking(False)

    def _asking(self, asking: bool) -> None:
        show(self.first, not asking)
        for w in (self.ask, self.yes, self.no):
            show(w, asking)

    def _do(self, _=None) -> None:
        self._asking(False)
        self.action()


class RowList:
    """Rows a person can add and remove, each with the same fields.

    ``fields`` are ``(key, label, kind, placeholder)``; ``kind`` is ``text``, ``area`` or
    ``scale`` (0 to 10). ``on_change`` gets the rows as plain dicts after every edit.
    """

    def __init__(self, fields: list[tuple[str, str, str, str]], add_text: str,
                 on_change: Callable[[list[dict]], None], remove_text: str = "Remove"):
        self.fields, self.on_change, self.remove_text = fields, on_change, remove_text
        self.rows: list[tuple[W.Widget, dict[str, W.Widget]]] = []
        self.rows_box = W.VBox([])
        self.add_button = button(add_text, icon="plus")
        self.add_button.layout.align_self = "flex-start"
        self.add_button.on_click(lambda _: self.add(notify=True))
        self.box = W.VBox([self.rows_box, self.add_button])
        self._quiet = False

    def _field(self, kind: str, placeholder: str) -> W.Widget:
        if kind == "area":
            return text_area(placeholder, rows=2)
        if kind == "scale":
            return slider(0, 10, 5, width="95%")
        return text_box(placeholder)

    def add(self, values: dict | None = None, notify: bool = False) -> None:
        widgets: dict[str, W.Widget] = {}
        cells = []
        for key, text, kind, placeholder in self.fields:
            w = self._field(kind, placeholder)
            if values and values.get(key) is not None:
                w.value = values[key]
            w.observe(lambda _change: self._changed(), "value")
            widgets[key] = w
            cell = W.VBox([W.HTML(f'<div style="font-size:15px;color:{MUTED}">{esc(text)}</div>'), w],
                          layout=W.Layout(flex="0 0 22%" if kind == "scale" else "1 1 0%", min_width="200px",
                                          margin="0 10px 0 0"))
            cells.append(cell)
        remove = button(self.remove_text, icon="trash")
        remove.layout.margin = "24px 0 0 0"  # level with the boxes, below their labels
        line = W.HBox(cells + [remove], layout=W.Layout(align_items="flex-start", width="100%",
                                                         padding="6px 0", border_bottom="1px solid #e3e9ec"))
        remove.on_click(lambda _b, line=line: self.remove(line))
        self.rows.append((line, widgets))
        self.rows_box.children = [r for r, _ in self.rows]
        if notify:
            self._changed()

    def remove(self, line: W.Widget) -> None:
        self.rows = [(r, w) for r, w in self.rows if r is not line]
        self.rows_box.children = [r for r, _ in self.rows]
        self._changed()

    def values(self) -> list[dict]:
        return [{key: w.value for key, w in widgets.items()} for _, widgets in self.rows]

    def set(self, rows: list[dict]) -> None:
        self._quiet = True
        try:
            self.rows = []
            for values in rows:
                self.add(values)
            self.rows_box.children = [r for r, _ in self.rows]
        finally:
            self._quiet = False

    def _changed(self) -> None:
        if not self._quiet:
            self.on_change(self.values())
