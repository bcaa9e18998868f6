"""The colours iopkit shows on screen and prints, each named once.

A cohort's ``[program] accent_color`` replaces ``ACCENT`` on everything made for that cohort
(guides, handouts, the orientation documents, the notes kit, the Workbench); ``ACCENT`` is the
default, used where no cohort is known (a blank measure form, an exercise opened on its own,
the cohort schema's default). The print stylesheet (``handouts/print.css``) names the same
colours as CSS custom properties (``--accent``, ``--ink``...); a test keeps the two in step.
Widgets and screen templates take their colours from here (templates through the ``theme``
global of ``iopkit.markup.environment()``), never from hex strings of their own.
"""
from __future__ import annotations

#: Headings, boxes and buttons: the default accent colour (a cohort's accent_color replaces it).
ACCENT = "#2f6b7e"
#: Body text.
INK = "#1d2327"
#: Small print, hints, labels.
MUTED = "#5b6670"
#: Rules and input borders.
RULE = "#9aa5ad"
#: The soft tint behind notes and chart tracks.
SOFT = "#eef4f6"
#: Thin lines between table rows on screen.
LINE = "#d5dde1"
#: A warning or something that went wrong, said kindly.
WARM = "#9c3326"
#: The crisis box's border and the safety colour.
SAFETY = "#b5473a"
#: Something that worked.
GOOD = "#2f7e4f"
#: A tip on screen: not wrong, not done yet.
TIP = "#8a5a00"
#: A setting or a step that needs fixing, on screen.
PROBLEM = "#b5651d"

#: The same colours by the names the CSS custom properties use (``--accent`` and so on).
CSS_NAMES = {"accent": ACCENT, "ink": INK, "muted": MUTED, "rule": RULE, "soft": SOFT}


def accent_of(cohort=None) -> str:
    """The cohort's accent colour, or the default when there is no cohort (or it names none)."""
    program = getattr(cohort, "program", None)
    return getattr(program, "accent_color", "") or ACCENT
