"""The interactive exercises: an ipywidgets UI for the room or a shared screen, a blank
paper version for the handout, and one person's answers saved on their own computer.

In a notebook cell (JupyterLab or Voila)::

    from iopkit.exercises import show
    show("happiness-scale")                        # answers are saved to ./my-answers/
    show("relapse-prevention-plan", save_dir="~/my-plan")

Every exercise is a subclass of ``Exercise`` registered in ``EXERCISES`` under the id a
session file names in ``exercise.widget`` (``iopkit.content.schema.WIDGETS``). Each has
``widget()``, ``answers()`` and ``load_answers()``, ``paper_html()`` and ``answers_html()``.
``save_answers`` and ``export_answers_pdf`` write a JSON file and a PDF into a local
folder. Nothing here uses the network, and nothing asks for a name.

Importing this package is light: ipywidgets is imported when a widget is built,
WeasyPrint when a PDF is made; pandas is not used.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from iopkit.exercises.base import Exercise
from iopkit.exercises.context import ExerciseContext
from iopkit.exercises.decisional_balance import DecisionalBalance
from iopkit.exercises.files import export_answers_pdf, read_answers, save_answers
from iopkit.exercises.functional_analysis import FunctionalAnalysis
from iopkit.exercises.goals_builder import GoalsBuilder
from iopkit.exercises.group_check_in import GroupCheckIn
from iopkit.exercises.happiness_scale import HappinessScale
from iopkit.exercises.high_risk_map import HighRiskMap
from iopkit.exercises.kind_wishes import KindWishes
from iopkit.exercises.refusal_cards import RefusalCards
from iopkit.exercises.relapse_prevention_plan import RelapsePreventionPlan
from iopkit.exercises.sober_breathing_space import SoberBreathingSpace
from iopkit.exercises.urge_surfing import UrgeSurfing
from iopkit.exercises.values_card_sort import ValuesCardSort
from iopkit.exercises.weekly_planner import WeeklyPlanner

if TYPE_CHECKING:
    import ipywidgets

__all__ = ["EXERCISES", "Exercise", "ExerciseContext", "make_exercise", "show", "save_answers", "export_answers_pdf", "read_answers"]

#: Every exercise by its id, in the order of ``iopkit.content.schema.WIDGETS``.
EXERCISES: dict[str, type[Exercise]] = {
    cls.id: cls
    for cls in (
        GroupCheckIn,
        HappinessScale,
        FunctionalAnalysis,
        DecisionalBalance,
        UrgeSurfing,
        SoberBreathingSpace,
        HighRiskMap,
        ValuesCardSort,
        GoalsBuilder,
        RefusalCards,
        WeeklyPlanner,
        RelapsePreventionPlan,
        KindWishes,
    )
}


def make_exercise(exercise_id: str, save_dir: str | Path | None = None,
                  context: ExerciseContext | None = None) -> Exercise:
    """A new exercise by its id; its save buttons write to ``save_dir`` (default ``./my-answers``).
    ``context`` carries what it needs from the curriculum in use (``ExerciseContext.from_curriculum``)."""
    try:
        cls = EXERCISES[exercise_id]
    except (KeyError, TypeError):
        raise ValueError(
            f'There is no interactive exercise called "{exercise_id}". '
            f"The exercises are: {', '.join(EXERCISES)}."
        ) from None
    return cls(save_dir=Path(save_dir).expanduser() if save_dir is not None else None, context=context)


def show(exercise_id: str, save_dir: str | Path | None = None,
         context: ExerciseContext | str | None = None) -> "ipywidgets.Widget":
    """The exercise's widget, for a notebook cell to show; ``widget.exercise`` is the exercise.
    ``context`` may be given as the JSON an exercise notebook carries (``ExerciseContext.to_json``)."""
    if isinstance(context, str):
        context = ExerciseContext.from_json(context)
    return make_exercise(exercise_id, save_dir, context).widget()
