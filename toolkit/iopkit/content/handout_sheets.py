"""Rules for the exercise sheet printed in a handout: it must neither repeat the worksheet nor
contradict the session.

When a session names an interactive exercise (``exercise.widget``) and keeps
``exercise.sheet_in_handout`` true, the handout prints the exercise's blank paper version after
the worksheet. Two things go wrong on paper:

- the worksheet already is that form, so the person gets the same boxes twice;
- the sheet asks for something the session does not teach (a "good things about using" box in
  a problem-solving session).

``sheet_problems`` returns each as ``(location, got, expected)`` for the validator to report.
"""
from __future__ import annotations

import html
import re
from functools import cache

from iopkit.content.schema import WIDGET_TECHNIQUES, Session

#: Words that say nothing about what a box is for.
_FILLER = frozenset(
    "a an the and or of to in on for my i me is am are was it at by with what how do did does this that be "
    "about thing one your you each when which who where why from so any if not no can could will would all"
    .split()
)
#: A sheet heading counts as repeated when one worksheet line holds this share of its words.
SAME_HEADING = 0.7
#: The sheet repeats the worksheet when at least this many of its headings are repeated ...
MIN_REPEATED = 2
#: ... and they are at least this share of the sheet's headings.
REPEATED_SHARE = 1 / 3


def _words(text: str) -> frozenset[str]:
    text = re.sub(r"^\s*\d+\.\s*", "", text.lower())
    words = (w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[a-z]+", text))
    return frozenset(w for w in words if w not in _FILLER)


@cache
def sheet_headings(widget: str) -> tuple[str, ...]:
    """The prompts and column headings printed on an exercise's blank paper sheet."""
    from iopkit.exercises import ExerciseContext, make_exercise

    # Only the blank sheet's prompts and headings are read: no notice, crisis line or card is on them.
    body = make_exercise(widget, context=ExerciseContext(part2_notice="", crisis_lines=())).paper_body()
    found = re.findall(r'<(?:p class="prompt"|th[^>]*)>(.*?)</(?:p|th)>', body, re.S)
    texts = (html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in found)
    return tuple(dict.fromkeys(t for t in texts if t))


def worksheet_lines(session: Session) -> list[str]:
    """Every prompt, column and printed row label of the session's own worksheet."""
    out: list[str] = []
    for item in session.handout.worksheet.items:
        out += [item.prompt, *item.columns, *item.row_labels]
    return out


def repeated_headings(widget: str, lines: list[str]) -> tuple[list[tuple[str, str]], int]:
    """The sheet's headings that a worksheet line already asks (heading, line), and how many were compared.

    One-word headings ("Day", "Name") are left out: worksheets share them without repeating a form.
    """
    line_words = [(line, _words(line)) for line in lines]
    repeated, compared = [], 0
    for heading in sheet_headings(widget):
        words = _words(heading)
        if len(words) < 2:
            continue
        compared += 1
        best = max(line_words, key=lambda lw: len(words & lw[1]), default=None)
        if best and len(words & best[1]) / len(words) >= SAME_HEADING:
            repeated.append((heading, best[0]))
    return repeated, compared


def sheet_problems(session: Session) -> list[tuple[tuple, str, str]]:
    """What is wrong with printing this session's exercise sheet in its handout."""
    exercise = session.exercise
    if not exercise.widget or not exercise.sheet_in_handout or exercise.widget not in WIDGET_TECHNIQUES:
        return []
    problems = []
    loc = ("exercise", "sheet_in_handout")
    serves = WIDGET_TECHNIQUES[exercise.widget]
    if serves is not None and not set(serves) & set(session.techniques):
        problems.append((
            loc,
            f'true, so the handout prints the {exercise.widget} sheet, which this session does not teach '
            f'(its techniques: {", ".join(session.techniques) or "none"})',
            f"false (or a widget that fits; the {exercise.widget} sheet is for sessions teaching "
            f"{', '.join(serves)})",
        ))
    repeated, compared = repeated_headings(exercise.widget, worksheet_lines(session))
    if len(repeated) >= MIN_REPEATED and len(repeated) >= REPEATED_SHARE * compared:
        shown = "; ".join(f'"{h}"' for h, _ in repeated[:3])
        problems.append((
            loc,
            f"true, so the handout prints the {exercise.widget} sheet, whose boxes the worksheet already "
            f"has ({len(repeated)} of {compared}: {shown})",
            "false, since the worksheet already is this form (or change the worksheet so it asks "
            "something the sheet does not)",
        ))
    return problems
