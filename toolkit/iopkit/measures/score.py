"""Score one administration of a measure exactly as published.

``score_answers(measure, answers)`` takes the answers in item order (``None`` for an item left
blank) and returns a ``Score``: the total (or none, when the missing-item rule says so), its
band, subscales, the symptom pattern, and any **safety alerts**. ``Score.safety`` comes first
and ``Score.follow_up_needed`` is true whenever a safety item was answered above its threshold
or left blank: every caller shows it (see ``safety.py``); nothing turns it off.

Bad answers (too many, too few, out of range, not whole numbers) raise ``AnswerError`` listing
every problem; nothing is scored and nothing is stored.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Sequence

from iopkit.errors import IopkitError
from iopkit.measures.schema import Measure

#: What a person may type for an item left blank.
BLANK = {"", "-", "?", "x", "blank", "none"}


class AnswerError(IopkitError):
    """The answers given cannot be scored (count, range or kind); nothing was scored or kept."""

    exit_code = 2


@dataclass(frozen=True)
class SafetyAlert:
    """A safety item needs a same-day follow-up: answered above its threshold, or left blank."""

    measure: str
    item: int
    kind: Literal["endorsed", "unanswered"]
    says: str


@dataclass(frozen=True)
class ItemAnswer:
    number: int
    name: str
    value: int | None
    label: str


@dataclass(frozen=True)
class SubscaleScore:
    id: str
    name: str
    value: int | None
    low: int
    high: int
    direction: str


@dataclass(frozen=True)
class Score:
    """One scored administration. ``safety`` is the first thing to read."""

    safety: tuple[SafetyAlert, ...]
    measure: str
    name: str
    answers: tuple[int | None, ...]
    items: tuple[ItemAnswer, ...]
    total: float | None
    total_range: tuple[int, int] | None
    estimated: bool
    band: str | None
    subscales: tuple[SubscaleScore, ...]
    pattern: bool | None
    missing: tuple[int, ...]
    notes: tuple[str, ...]

    @property
    def follow_up_needed(self) -> bool:
        """True when any safety item was answered above its threshold or left blank."""
        return bool(self.safety)

    def total_text(self) -> str:
        if self.total is None:
            return "no total"
        number = f"{self.total:.1f}" if self.estimated else f"{int(self.total)}"
        high = f" of {self.total_range[1]}" if self.total_range else ""
        return f"{number}{high}" + (" (estimated)" if self.estimated else "")


def parse_answers(text: str) -> list[int | None]:
    """``"0,1,2,-,3"`` -> ``[0, 1, 2, None, 3]``. Commas or spaces separate answers; ``-`` is a blank."""
    parts = [p.strip() for p in text.split(",")] if "," in text else text.split()
    out: list[int | None] = []
    problems = []
    for n, part in enumerate(parts, 1):
        if part.lower() in BLANK:
            out.append(None)
        elif re.fullmatch(r"[+-]?\d+", part):
            out.append(int(part))
        else:
            problems.append(f'answer {n}: got "{part}", expected a whole number (or - for an item left blank)')
    if problems:
        raise AnswerError("\n".join(problems + ["Nothing was scored. Type the answers again, for example: 0,1,2,-,3"]))
    return out


def score_answers(measure: Measure, answers: Sequence[int | None]) -> Score:
    """Score one administration. Raises AnswerError, listing every problem, if it cannot be scored."""
    answers = list(answers)
    _check(measure, answers)
    given = {item.number: (answers[i] if i < len(answers) else None) for i, item in enumerate(measure.items)}
    items = tuple(
        ItemAnswer(item.number, item.name(), given[item.number], _label(measure, item, given[item.number]))
        for item in measure.items
    )
    notes: list[str] = []
    total = None
    estimated = False
    band = None
    total_range = None
    missing: tuple[int, ...] = ()
    if measure.total:
        t = measure.total
        total_range = measure.range_of(t.items)
        missing = tuple(n for n in t.items if given[n] is None)
        answered = [given[n] for n in t.items if given[n] is not None]
        if not missing:
            total = float(sum(answered))
        elif (t.missing.rule == "prorate" and len(missing) <= t.missing.max_missing
              and not set(missing) & set(t.missing.never_impute)):
            exact = Decimal(sum(answered)) * len(t.items) / len(answered)
            total = float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
            estimated = True
            notes.append(f"Item{'s' if len(missing) > 1 else ''} {_list(missing)} left blank: the total is "
                         f"estimated. {t.missing.says}")
        else:
            notes.append(f"Item{'s' if len(missing) > 1 else ''} {_list(missing)} left blank, so there is no "
                         f"total. {t.missing.says}")
        if total is not None and t.bands:
            whole = int(Decimal(str(total)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
            band = next(b.label for b in t.bands if b.min <= whole <= b.max)
    subscales = []
    for sub in measure.subscales:
        values = [given[n] for n in sub.items]
        low, high = measure.range_of(sub.items)
        value = sum(values) if all(v is not None for v in values) else None  # type: ignore[arg-type]
        if value is None and measure.subscales_missing:
            notes.append(f"{sub.name}: {measure.subscales_missing}")
        subscales.append(SubscaleScore(sub.id, sub.name, value, low, high, sub.direction.value))
    pattern = _pattern(measure, given)
    safety = tuple(_safety(measure, given))
    return Score(safety, measure.id, measure.name, tuple(answers), items, total, total_range, estimated, band,
                 tuple(subscales), pattern, missing, tuple(dict.fromkeys(notes)))


def _check(measure: Measure, answers: list) -> None:
    required, everything = measure.required_count(), len(measure.items)
    if not required <= len(answers) <= everything:
        expected = (f"{required}" if required == everything
                    else f"{required} or {everything}" if everything - required == 1
                    else f"{required} to {everything}")
        numbers = _list([i.number for i in measure.items])
        raise AnswerError(
            f"{measure.id} answers: got {len(answers)}, expected {expected}, one for each item ({numbers}) in order, "
            "separated by commas (use - for an item left blank). Nothing was scored.")
    problems = []
    for item, value in zip(measure.items, answers):
        if value is None:
            continue
        allowed = measure.values_for(item)
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            problems.append(f"{measure.id} item {item.number}: got {value!r}, expected {_allowed(allowed)} "
                            "(or - for an item left blank)")
    if problems:
        raise AnswerError("\n".join(problems + ["Nothing was scored. Check the answers against the form."]))


def _allowed(values: list[int]) -> str:
    ordered = sorted(values)
    if ordered == list(range(ordered[0], ordered[-1] + 1)) and len(ordered) > 2:
        return f"a whole number from {ordered[0]} to {ordered[-1]}"
    return "one of " + ", ".join(map(str, ordered))


def _label(measure: Measure, item, value: int | None) -> str:
    if value is None:
        return "left blank"
    for option in measure.options_for(item):
        if option.value == value and option.label:
            return option.label
    return str(value)


def _pattern(measure: Measure, given: dict) -> bool | None:
    p = measure.pattern
    if p is None:
        return None
    unknown = False
    for sub in measure.subscales:
        need = p.needs.get(sub.id, 0)
        values = [given[n] for n in sub.items]
        endorsed = sum(1 for v in values if v is not None and v >= p.endorsed_at)
        blank = sum(1 for v in values if v is None)
        if endorsed >= need:
            continue
        if endorsed + blank >= need:
            unknown = True
        else:
            return False
    return None if unknown else True


def _safety(measure: Measure, given: dict):
    for item in measure.safety_items():
        value = given[item.number]
        assert item.safety is not None
        if value is None:
            yield SafetyAlert(measure.id, item.number, "unanswered",
                              f"{measure.id} item {item.number} (a safety question) was left blank: risk is unknown.")
        elif value > item.safety.above:
            yield SafetyAlert(measure.id, item.number, "endorsed", item.safety.says)


def _list(numbers) -> str:
    numbers = list(numbers)
    if len(numbers) <= 1:
        return "".join(map(str, numbers))
    return ", ".join(map(str, numbers[:-1])) + " and " + str(numbers[-1])
