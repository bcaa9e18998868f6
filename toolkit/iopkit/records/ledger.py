"""The hours ledger: each person's countable minutes per week against the level-of-care floor.

Weeks run Monday to Sunday. The floor is the cohort file's ``[level_of_care]
weekly_minimum_minutes`` when it has one, else 540 minutes (9 hours: the weekly minimum for
adult ASAM Level 2.1 intensive outpatient care). A week a person was admitted, stepped down
or discharged in is a partial week and is not held to the floor; nor is any week after a
step-down (the person is at a lower level of care), nor a week still in progress (it is not
over today and nothing is recorded after it).

Computed with pandas from the store's attendance; ``to_csv`` is an explicit export (the
caller says so), with pseudonyms only.
"""
from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from iopkit.records import people

#: Adult ASAM Level 2.1 (intensive outpatient): at least 9 hours of services a week.
DEFAULT_WEEKLY_MINIMUM = 540


def weekly_minimum(cohort_file: str | Path | None) -> tuple[int, str]:
    """(minutes, where the number came from), read from the raw TOML so an older cohort file works too."""
    if cohort_file is None:
        return DEFAULT_WEEKLY_MINIMUM, "default for adult ASAM Level 2.1"
    try:
        data = tomllib.loads(Path(cohort_file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return DEFAULT_WEEKLY_MINIMUM, "default for adult ASAM Level 2.1 (cohort file unreadable)"
    value = (data.get("level_of_care") or {}).get("weekly_minimum_minutes")
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value, f"[level_of_care] in {Path(cohort_file).name}"
    return DEFAULT_WEEKLY_MINIMUM, "default for adult ASAM Level 2.1"


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def cohort_floors(cohort_files: list[Path] | None = None, folder: Path | None = None) -> dict[str, tuple[int, str]]:
    """Floors by cohort slug: from the files given, else from ``cohorts/*.toml`` in ``folder``."""
    files = list(cohort_files or [])
    if not files and folder is not None and (folder / "cohorts").is_dir():
        files = sorted((folder / "cohorts").glob("*.toml"))
    return {people.cohort_slug(f): weekly_minimum(f) for f in files}


def ledger_frame(conn, *, week: dt.date | None = None, floors: dict[str, tuple[int, str]] | None = None,
                 cohort: str | None = None, today: dt.date | None = None):
    """One row per person per week: pseudonym, alias, cohort, week, minutes, hours, floor, status.

    Without ``week``, every week from each person's admission to their discharge (or this week).
    """
    import pandas as pd

    floors = floors or {}
    today = today or dt.date.today()
    persons = people.participants(conn, cohort)
    visits = pd.DataFrame([a.__dict__ for a in people.attendance(conn)],
                          columns=["pseudonym", "date", "status", "minutes", "telehealth_private"])
    visits["week"] = pd.to_datetime(visits["date"]).dt.to_period("W-SUN").dt.start_time.dt.date
    totals = visits.groupby(["pseudonym", "week"], as_index=False)["minutes"].sum()

    rows = []
    latest = max(visits["date"].tolist(), default=dt.date.min)  # a week with records after it is over
    last_week = week_start(week or max(today, latest))
    for person in persons:
        first = week_start(person.admitted)
        end = week_start(person.discharged) if person.discharged else last_week
        weeks = [week_start(week)] if week else [first + dt.timedelta(weeks=i)
                                                 for i in range(((min(end, last_week) - first).days // 7) + 1)]
        floor, source = floors.get(person.cohort, (DEFAULT_WEEKLY_MINIMUM, "default for adult ASAM Level 2.1"))
        for monday in weeks:
            sunday = monday + dt.timedelta(days=6)
            if person.admitted > sunday or (person.discharged and person.discharged < monday):
                continue
            status = _status(person, monday, sunday)
            if status == "full week" and not (today > sunday or latest > sunday):
                status = "week in progress"
            rows.append({"pseudonym": person.pseudonym, "alias": person.alias or "", "cohort": person.cohort,
                         "week": monday, "floor_minutes": floor, "floor_source": source, "status": status})
    frame = pd.DataFrame(rows, columns=["pseudonym", "alias", "cohort", "week", "floor_minutes", "floor_source",
                                        "status"])
    frame = frame.merge(totals, on=["pseudonym", "week"], how="left")
    frame["minutes"] = frame["minutes"].fillna(0).astype(int)
    frame["hours"] = (frame["minutes"] / 60).round(2)
    held = frame["status"] == "full week"
    frame.loc[held, "status"] = (frame.loc[held, "minutes"] >= frame.loc[held, "floor_minutes"]).map(
        {True: "meets floor", False: "UNDER floor"})
    frame["short_minutes"] = (frame["floor_minutes"] - frame["minutes"]).clip(lower=0).where(
        frame["status"] == "UNDER floor", 0).astype(int)
    return frame.sort_values(["week", "cohort", "pseudonym"]).reset_index(drop=True)[
        ["week", "pseudonym", "alias", "cohort", "minutes", "hours", "floor_minutes", "status", "short_minutes",
         "floor_source"]]


def _status(person: people.Participant, monday: dt.date, sunday: dt.date) -> str:
    if person.stepped_down and person.stepped_down <= sunday:
        return "stepped down (no floor)"
    if monday < person.admitted:
        return "partial week (admitted)"
    if person.discharged and person.discharged < sunday:
        return "partial week (discharged)"
    return "full week"


def render_text(frame) -> str:
    """The ledger on a terminal, one block per week."""
    if frame.empty:
        return "No participants in the records store (for the weeks asked about)."
    out = []
    for monday, group in frame.groupby("week", sort=True):
        floor = int(group["floor_minutes"].iloc[0])
        out.append(f"Week of {monday:%a %b} {monday.day}, {monday.year}")
        for row in group.itertuples():
            name = f"{row.pseudonym}  {row.alias:<10}" if row.alias else f"{row.pseudonym}  {'':<10}"
            short = f" by {row.short_minutes} min" if row.short_minutes else ""
            floor_text = f"{row.floor_minutes / 60:g} h" if row.floor_minutes != floor else ""
            out.append(f"  {name}  {row.hours:>6.2f} h  ({row.minutes:>4} min)  {row.status}{short}"
                       + (f"  floor {floor_text}" if floor_text else ""))
        out.append(f"  floor: {floor} minutes a week ({floor / 60:g} h; {group['floor_source'].iloc[0]})")
    return "\n".join(out)


def to_csv(frame) -> bytes:
    """The ledger as CSV: pseudonyms only (no aliases), for billing or a supervisor."""
    return frame.drop(columns=["alias"]).to_csv(index=False).encode("utf-8")
