"""The same-day safety prompt, worded once (``curriculum/measures/_safety.yaml`` plus the
program's crisis lines from ``program.yaml``) and rendered for each place that shows it: the
command line (plain text, always on stderr), the tablet widget and printed summaries (HTML).

There is deliberately no option, setting or environment variable that hides it.
"""
from __future__ import annotations

from iopkit.markup import esc as escape
from iopkit.measures.load import Measures
from iopkit.measures.score import SafetyAlert

#: The exit status of a command that scored a safety item that needs follow-up today.
EXIT_SAFETY = 3


RULE = "!" * 72


def crisis_lines(measures: Measures) -> list[str]:
    return [f"{r.name}: {r.contact}" + (f" ({r.note})" if r.note else "") for r in measures.crisis]


def alert_text(alerts: tuple[SafetyAlert, ...] | list[SafetyAlert], measures: Measures) -> str:
    """The prompt for staff as plain text (for the terminal)."""
    if not alerts:
        return ""
    steps = measures.safety
    lines = [RULE, f"!! {steps.heading.upper()}", RULE]
    lines += [f"- {a.says}" for a in alerts]
    if any(a.kind == "unanswered" for a in alerts):
        lines.append(f"- {steps.when_unknown}")
    lines.append("What to do now:")
    lines += [f"  {n}. {step}" for n, step in enumerate(steps.for_staff, 1)]
    lines.append("Crisis lines:")
    lines += [f"  - {line}" for line in crisis_lines(measures)]
    lines.append(RULE)
    return "\n".join(lines)


def alert_html(alerts, measures: Measures, *, for_person: bool = False) -> str:
    """The prompt as an HTML block (escaped). ``for_person`` adds the words for the person who answered
    (the tablet); staff steps are always there."""
    if not alerts:
        return ""
    steps = measures.safety
    said = "".join(f"<li>{escape(a.says)}</li>" for a in alerts)
    if any(a.kind == "unanswered" for a in alerts):
        said += f"<li>{escape(steps.when_unknown)}</li>"
    person = f'<p class="iopkit-safety-person">{escape(steps.for_person)}</p>' if for_person else ""
    todo = "".join(f"<li>{escape(s)}</li>" for s in steps.for_staff)
    lines = "".join(f"<li>{escape(line)}</li>" for line in crisis_lines(measures))
    return (f'<section class="iopkit-safety" role="alertdialog" aria-label="{escape(steps.heading)}">'
            f"<h2>{escape(steps.heading)}</h2>{person}<ul>{said}</ul>"
            f"<h3>For staff: what to do now</h3><ol>{todo}</ol>"
            f"<h3>Crisis lines</h3><ul>{lines}</ul></section>")
