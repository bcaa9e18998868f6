"""Measurement-based care: standard instruments as data (curriculum/measures/), scored exactly
as published, with safety items that cannot be missed.

- ``schema``/``load``: the instrument files and every rule they must follow;
- ``score``: one administration's answers -> totals, bands, subscales, safety alerts;
- ``safety``: the same-day crisis steps, worded once for every place that shows them;
- ``schedule``: which measures are due for a person today;
- ``progress``: trajectories, reliable change, the not-on-track flag, SVG charts;
- ``suppress``: small-cell suppression for de-identified aggregates;
- ``caseload``: who is not on track in a group; the director's suppressed outcome table;
- ``forms``, ``summary``: printed forms and the one-page outcomes summary (PDF);
- ``tablet``: the self-entry widget for a clinic tablet; ``cli``: ``iopkit measures``.

Nothing here stores answers; the records store does that.
"""
from iopkit.measures.load import Measures, UnknownMeasureError, load_measures
from iopkit.measures.score import AnswerError, SafetyAlert, Score, parse_answers, score_answers

__all__ = ["Measures", "UnknownMeasureError", "load_measures", "AnswerError", "SafetyAlert", "Score",
           "parse_answers", "score_answers"]
