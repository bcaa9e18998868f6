"""Load ``curriculum/measures/`` and check every rule, reporting all problems at once as
``file:line: field: got X, expected Y``.

Rules (each has a test in tests/test_measures.py):
- every instrument has a licence (status, text, source); a restricted one is never in this folder;
- a printable form has the exact wording of every item and a label for every answer;
- item numbers are unique; totals, subscales, patterns and safety items name items that exist;
- severity bands run without gaps or overlaps over exactly the possible range of the total;
- a reliable-change value fits inside that range; prorating names how many items may be missing;
- every citation is a key of ``curriculum/references.yaml``;
- the schedule names measures that exist here or in ``_elsewhere.yaml``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pydantic

from iopkit import paths
from iopkit.content.curriculum import Collector, _expected, _read, load_model, load_program, load_references
from iopkit.content.schema import CrisisResource
from iopkit.content.sources import Source
from iopkit.errors import IopkitError
from iopkit.measures.schema import Elsewhere, LicenceStatus, Measure, SafetySteps, ScheduleEntry

ELSEWHERE = "_elsewhere.yaml"
SCHEDULE = "_schedule.yaml"
SAFETY = "_safety.yaml"


class UnknownMeasureError(IopkitError):
    """A measure name that is not in curriculum/measures/."""

    exit_code = 2


@dataclass(frozen=True)
class Measures:
    """Everything in ``curriculum/measures/``, validated, plus the program's crisis lines."""

    root: Path
    measures: dict[str, Measure]
    elsewhere: dict[str, Elsewhere]
    schedule: tuple[ScheduleEntry, ...]
    safety: SafetySteps
    crisis: tuple[CrisisResource, ...]
    part2_notice: str
    program_name: str

    def get(self, name: str) -> Measure:
        """A measure by id, ignoring case (``phq-9``, ``PHQ9`` and ``PHQ-9`` all work)."""
        wanted = _key(name)
        for measure in self.measures.values():
            if _key(measure.id) == wanted:
                return measure
        for other in self.elsewhere.values():
            if _key(other.id) == wanted:
                raise UnknownMeasureError(
                    f"{other.id} ({other.name}) is not part of iopkit: {other.licence.text} {other.get_it}")
        known = ", ".join(self.measures)
        raise UnknownMeasureError(f'There is no measure called "{name}". The measures are: {known}. '
                                  "See them all with: iopkit measures list")


def _key(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())


def measures_dir(curriculum: Path | None = None) -> Path:
    return (Path(curriculum) if curriculum else paths.curriculum_dir()) / "measures"


def load_measures(curriculum: Path | None = None) -> Measures:
    """Load and validate the measures folder of a curriculum (the shipped one by default)."""
    root = measures_dir(curriculum)
    files = sorted(root.glob("*.yaml")) + [root.parent / "program.yaml", root.parent / "references.yaml"]
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())
    return _load(root.resolve(), stamp)


@lru_cache(maxsize=4)
def _load(root: Path, _stamp: tuple) -> Measures:
    collector = Collector()
    if not root.is_dir():
        collector.add(root, (), "no such folder", "a folder of measure files (curriculum/measures)")
        collector.raise_if_any()
    references = load_references(root.parent, collector)
    program = load_program(root.parent, collector)
    measures: dict[str, Measure] = {}
    where: dict[str, Path] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        source = _read(path, collector)
        if source is None:
            continue
        if isinstance(source.data, dict) and "licence" not in source.data:
            collector.add(source, ("licence",), None,
                          "a licence (status, text, source): iopkit ships no measure without one")
        measure = load_model(Measure, source, collector)
        if measure is None:
            continue
        check_measure(measure, source, collector, references)
        if measure.id in measures:
            collector.add(source, ("id",), measure.id, f"an id no other measure has ({where[measure.id].name} has it)")
            continue
        measures[measure.id] = measure
        where[measure.id] = path
    elsewhere = _load_list(root / ELSEWHERE, Elsewhere, collector)
    schedule = _load_list(root / SCHEDULE, ScheduleEntry, collector)
    safety_source = _read(root / SAFETY, collector)
    safety = load_model(SafetySteps, safety_source, collector) if safety_source else None
    by_id = {e.id: e for e in elsewhere}
    for other in elsewhere:
        if other.id in measures:
            collector.add(root / ELSEWHERE, (), other.id, "a measure listed either here or as its own file, not both")
    schedule_source = _read(root / SCHEDULE, collector) if (root / SCHEDULE).exists() else None
    for i, entry in enumerate(schedule):
        if entry.measure not in measures and entry.measure not in by_id:
            collector.add(schedule_source or root / SCHEDULE, (i, "measure"), entry.measure,
                          "the id of a measure in curriculum/measures (" + ", ".join([*measures, *by_id]) + ")")
    collector.raise_if_any()
    assert safety is not None and program is not None
    return Measures(root, measures, by_id, tuple(schedule), safety, tuple(program.crisis_resources),
                    program.part2_notice, program.name)


def _load_list(path: Path, model, collector: Collector) -> list:
    source = _read(path, collector)
    if source is None:
        return []
    if not isinstance(source.data, list):
        collector.add(source, (), source.data, "a list (one entry per line, each starting with a dash)")
        return []
    out = []
    for i, value in enumerate(source.data):
        try:
            out.append(model.model_validate(value))
        except pydantic.ValidationError as exc:
            for error in exc.errors():
                got = None if error["type"] == "missing" else error.get("input")
                collector.add(source, (i,) + tuple(error["loc"]), got, _expected(error))
    return out


def check_measure(m: Measure, source: Source, c: Collector, references: dict) -> None:
    """The rules that need more than one field of a measure."""
    numbers = [item.number for item in m.items]
    for i, item in enumerate(m.items):
        if numbers.count(item.number) > 1:
            c.add(source, ("items", i, "number"), item.number, "a number no other item has")
        values = m.values_for(item)
        if not values:
            c.add(source, ("items", i), "an item with no answers",
                  "answers: `options` on the item or the measure, or a `scale`", raw=True)
            continue
        if len(set(values)) != len(values):
            c.add(source, ("items", i, "options"), values, "each answer value once")
        if not item.text and not item.label:
            c.add(source, ("items", i), "an item with no words", "`text` (exact wording) or `label` (a short name)",
                  raw=True)
        if item.safety and item.safety.above >= max(values):
            c.add(source, ("items", i, "safety", "above"), item.safety.above,
                  f"a number below the item's highest answer ({max(values)}), so the alert can fire")
    optional_seen = False
    for i, item in enumerate(m.items):
        if item.optional:
            optional_seen = True
        elif optional_seen:
            c.add(source, ("items", i, "optional"), False, "optional items to come after every required item")
    if m.licence.status == LicenceStatus.restricted:
        c.add(source, ("licence", "status"), "restricted",
              f"free or public-domain here (list a restricted measure in {ELSEWHERE}, where it is never shown)")
    if m.form == "printable":
        for i, item in enumerate(m.items):
            if not item.text:
                c.add(source, ("items", i, "text"), None,
                      "the exact published wording, because the form is printable (or set form: source-only)")
            if m.scale is None or item.options is not None or m.options is not None:
                for j, option in enumerate(m.options_for(item)):
                    if not option.label:
                        where = ("items", i, "options", j) if item.options is not None else ("options", j)
                        c.add(source, where, None, "a label for every answer on a printable form")
    else:
        if not m.get_it:
            c.add(source, ("get_it",), None, "where to get the form, since iopkit does not print it")
    if m.options is not None and m.scale is not None:
        c.add(source, ("scale",), "both options and a scale", "one of them", raw=True)
    for key_loc, key in _citations(m):
        if key and key not in references:
            c.add(source, key_loc, key, "a key from curriculum/references.yaml")
    if m.total:
        _check_numbers(m, source, c, ("total", "items"), m.total.items, numbers)
        _check_total(m, source, c)
    for i, sub in enumerate(m.subscales):
        _check_numbers(m, source, c, ("subscales", i, "items"), sub.items, numbers)
    if m.pattern:
        ids = {s.id for s in m.subscales}
        for name in m.pattern.needs:
            if name not in ids:
                c.add(source, ("pattern", "needs", name), name, "the id of a subscale (" + ", ".join(sorted(ids)) + ")")


def _citations(m: Measure):
    for i, key in enumerate(m.citations):
        yield ("citations", i), key
    if m.total:
        yield ("total", "bands_citation"), m.total.bands_citation
        yield ("total", "missing", "citation"), m.total.missing.citation
        if m.total.reliable_change:
            yield ("total", "reliable_change", "citation"), m.total.reliable_change.citation
    if m.pattern:
        yield ("pattern", "citation"), m.pattern.citation
    yield ("subscales_citation",), m.subscales_citation


def _check_numbers(m: Measure, source: Source, c: Collector, loc: tuple, wanted: list[int], numbers: list[int]) -> None:
    for j, number in enumerate(wanted):
        if number not in numbers:
            c.add(source, loc + (j,), number, "the number of an item of this measure")
        elif m.item(number).optional:
            c.add(source, loc + (j,), number, "a required item (optional items are not added up)")
    if len(set(wanted)) != len(wanted):
        c.add(source, loc, wanted, "each item once")


def _check_total(m: Measure, source: Source, c: Collector) -> None:
    total = m.total
    assert total is not None
    if any(n not in [i.number for i in m.items] for n in total.items):
        return
    low, high = m.range_of(total.items)
    missing = total.missing
    if missing.rule == "prorate":
        if not 1 <= missing.max_missing < len(total.items):
            c.add(source, ("total", "missing", "max_missing"), missing.max_missing,
                  f"how many of the {len(total.items)} items may be missing (at least 1, fewer than all)")
        if not missing.citation:
            c.add(source, ("total", "missing", "citation"), None, "the source that allows prorating")
    if total.bands:
        if not total.bands_citation:
            c.add(source, ("total", "bands_citation"), None, "the source of the cut-offs")
        expected_next = low
        for i, band in enumerate(total.bands):
            if band.min > band.max:
                c.add(source, ("total", "bands", i), f"{band.min} to {band.max}", "a lowest score no higher than the highest")
            if band.min != expected_next:
                c.add(source, ("total", "bands", i, "min"), band.min,
                      f"{expected_next}, so the bands have no gap or overlap")
            expected_next = band.max + 1
        if total.bands[-1].max != high:
            c.add(source, ("total", "bands", len(total.bands) - 1, "max"), total.bands[-1].max,
                  f"{high}, the highest possible total (the bands must cover {low} to {high})")
    if total.reliable_change and total.reliable_change.points > high - low:
        c.add(source, ("total", "reliable_change", "points"), total.reliable_change.points,
              f"at most {high - low}, the whole range of the total")


def load_references_quiet(root):
    """The bibliography (``references.yaml``) for citing a measure's source, problems left to ``validate``."""
    from iopkit.content.curriculum import Collector, load_references

    return load_references(root, Collector())
