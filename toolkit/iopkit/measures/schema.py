"""The schema of an instrument file (``curriculum/measures/<id>.yaml``) and of the folder's
three special files: ``_elsewhere.yaml`` (measures never shown, and where to get them),
``_schedule.yaml`` (the default schedule) and ``_safety.yaml`` (what staff do when a safety
item is answered). Rules that need more than one field live in ``load.py``.
"""
from __future__ import annotations

from enum import Enum
from typing import Literal

from pydantic import Field

from iopkit.content.schema import Model, Text

MEASURES_SCHEMA_VERSION = 1


class LicenceStatus(str, Enum):
    free = "free"
    public_domain = "public-domain"
    restricted = "restricted"


class Licence(Model):
    """Every instrument says who owns it and on what terms; a measure without one is refused."""

    status: LicenceStatus
    text: Text
    source: Text = Field(description="A web address, or 'this program' for the program's own wording.")
    attribution: str = ""


class Direction(str, Enum):
    lower_is_better = "lower-is-better"
    higher_is_better = "higher-is-better"


class Option(Model):
    value: int
    label: str = ""


class Scale(Model):
    """A 0-10 (or 1-10) line: every whole number from min to max is an answer."""

    min: int
    max: int
    low: str = ""
    high: str = ""


class Safety(Model):
    """An item whose answer above ``above`` needs a same-day safety follow-up."""

    above: int = Field(ge=0)
    says: Text


class Item(Model):
    number: int = Field(ge=1)
    text: str = Field(default="", description="The exact published wording (printable forms only).")
    label: str = Field(default="", description="A short name in our own words, for screens and summaries.")
    options: list[Option] | None = None
    low: str = ""
    high: str = ""
    optional: bool = False
    direction: Direction | None = None
    safety: Safety | None = None

    def name(self) -> str:
        return self.label or self.text


class MissingRule(Model):
    rule: Literal["none", "prorate"]
    max_missing: int = Field(default=0, ge=0)
    never_impute: list[int] = Field(default_factory=list)
    citation: str = ""
    says: Text


class Band(Model):
    min: int
    max: int
    label: Text


class ReliableChange(Model):
    points: int = Field(ge=1)
    citation: Text
    says: Text


class Total(Model):
    items: list[int] = Field(min_length=1)
    direction: Direction
    missing: MissingRule
    bands: list[Band] = Field(default_factory=list)
    bands_citation: str = ""
    reliable_change: ReliableChange | None = None


class Subscale(Model):
    id: Text
    name: Text
    items: list[int] = Field(min_length=1)
    direction: Direction


class Pattern(Model):
    """A symptom pattern counted from items at or above ``endorsed_at`` in each subscale."""

    name: Text
    endorsed_at: int
    needs: dict[str, int]
    citation: Text
    says: Text


class Measure(Model):
    """One instrument: its items and answers, how it is scored, and its licence."""

    schema_: Literal[1] = Field(alias="schema")
    id: Text
    name: Text
    about: Text
    recall: Text
    administration: Literal["self-report", "interview", "either"]
    languages: list[Text] = Field(min_length=1)
    private: bool
    form: Literal["printable", "source-only"]
    get_it: str = ""
    licence: Licence
    citations: list[str] = Field(default_factory=list)
    instructions: str = ""
    stem: str = ""
    options: list[Option] | None = None
    scale: Scale | None = None
    items: list[Item] = Field(min_length=1)
    total: Total | None = None
    subscales: list[Subscale] = Field(default_factory=list)
    subscales_missing: str = ""
    subscales_citation: str = ""
    pattern: Pattern | None = None
    follow_up: list[Text] = Field(default_factory=list)

    model_config = Model.model_config | {"populate_by_name": True}

    # ------------------------------------------------------------ derived facts

    def item(self, number: int) -> Item:
        for item in self.items:
            if item.number == number:
                return item
        raise KeyError(number)

    def options_for(self, item: Item) -> list[Option]:
        """The answers an item accepts, in order."""
        if item.options is not None:
            return list(item.options)
        if self.options is not None:
            return list(self.options)
        if self.scale is not None:
            return [Option(value=v) for v in range(self.scale.min, self.scale.max + 1)]
        return []

    def values_for(self, item: Item) -> list[int]:
        return [o.value for o in self.options_for(item)]

    def range_of(self, numbers: list[int]) -> tuple[int, int]:
        """The lowest and highest possible sum of these items."""
        low = high = 0
        for number in numbers:
            values = self.values_for(self.item(number))
            low += min(values)
            high += max(values)
        return low, high

    def required_count(self) -> int:
        """Answers that must be given (optional items come last and may be left off)."""
        return len([i for i in self.items if not i.optional])

    def safety_items(self) -> list[Item]:
        return [i for i in self.items if i.safety is not None]

    @property
    def printable(self) -> bool:
        return self.form == "printable" and self.licence.status != LicenceStatus.restricted


class Elsewhere(Model):
    """A measure iopkit never renders, and where a program can get it."""

    id: Text
    name: Text
    licence: Licence
    get_it: Text


class ScheduleEntry(Model):
    measure: Text
    at_entry: bool = False
    every_weeks: int = Field(ge=1, le=52)
    window_days: int = Field(default=7, ge=1, le=31)


class SafetySteps(Model):
    heading: Text
    for_staff: list[Text] = Field(min_length=1)
    when_unknown: Text
    for_person: Text
