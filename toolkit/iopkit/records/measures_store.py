"""Measures given, kept in the encrypted store: one row per administration.

A row holds an administration id, the person's pseudonym, the instrument's id, the day it was
given, the answers and the computed score (both JSON), how it was entered (``tablet``: the
person on the clinic tablet; ``paper``: the person's paper form typed in by staff;
``counselor``: asked aloud and entered by the counselor) and when it was entered. Nothing else:
no free text, no name.

``record_administration`` is the one way in, for every entry path (the command line, the
Workbench tablet, anything later). In this order it:

1. scores the answers with ``iopkit.measures`` (``AnswerError``/``UnknownMeasureError``: plain
   message, exit 2, nothing stored);
2. shows the **safety prompt** if a safety item (PHQ-9 item 9) was answered above 0 or left blank,
   before anything is stored or printed (stderr by default; the tablet shows its banner). There is
   no way to turn it off; a safety answer never stops the answers being stored;
3. checks the pseudonym, the date and ``entered_by`` (``RecordInputError``, exit 2, nothing stored);
4. stores the row and its audit entry (action ``record``, type ``measure``, the pseudonym; never
   the answers) in one transaction.

``administrations(vault, ...)`` reads them back (audited as a ``view``); ``administrations_in(conn,
...)`` does the same inside a transaction the caller already holds.
"""
from __future__ import annotations

import datetime as dt
import json
import secrets
import sqlite3
import sys
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

from iopkit.errors import RecordInputError
from iopkit.measures.load import Measures, load_measures
from iopkit.measures.progress import Administration
from iopkit.measures.score import ItemAnswer, SafetyAlert, Score, SubscaleScore, score_answers
from iopkit.records import audit, people

#: How an administration was entered.
ENTERED_BY = ("tablet", "paper", "counselor")


@dataclass(frozen=True)
class StoredAdministration:
    """One administration as kept in the store. ``score`` is the score computed when it was entered."""

    id: str
    pseudonym: str
    instrument: str
    date: dt.date
    answers: tuple[int | None, ...]
    score: Score
    entered_by: str
    entered_at: dt.datetime

    @property
    def administration(self) -> Administration:
        """For ``iopkit.measures.progress``/``caseload``/``summary`` (which take no pseudonym)."""
        return Administration(self.date, self.score)


# ---------------------------------------------------------------- the safety prompt

def print_prompt(score: Score, measures: Measures) -> None:
    """The default way to show the safety prompt: plain text on stderr (the terminal)."""
    from iopkit.measures.safety import alert_text

    print(alert_text(score.safety, measures), file=sys.stderr, flush=True)


SafetyPrompt = Callable[[Score, Measures], None]


# ---------------------------------------------------------------- the score as JSON

def score_to_json(score: Score) -> str:
    return json.dumps(asdict(score), ensure_ascii=False, separators=(",", ":"))


def score_from_json(text: str) -> Score:
    data = json.loads(text)
    return Score(
        safety=tuple(SafetyAlert(**a) for a in data["safety"]), measure=data["measure"], name=data["name"],
        answers=tuple(data["answers"]), items=tuple(ItemAnswer(**i) for i in data["items"]), total=data["total"],
        total_range=tuple(data["total_range"]) if data["total_range"] is not None else None,
        estimated=data["estimated"], band=data["band"], subscales=tuple(SubscaleScore(**s) for s in data["subscales"]),
        pattern=data["pattern"], missing=tuple(data["missing"]), notes=tuple(data["notes"]))


# ---------------------------------------------------------------- checking

def check_entered_by(text: str) -> str:
    value = str(text).strip().lower()
    if value not in ENTERED_BY:
        raise RecordInputError(f'--entered-by: got "{text}", expected one of {", ".join(ENTERED_BY)}')
    return value


def score_administration(instrument: str, answers: Sequence[int | None] | str,
                         measures: Measures | None = None) -> Score:
    """Score without storing: the check every entry path makes first. ``answers`` may be the typed text."""
    from iopkit.measures.score import parse_answers

    measures = measures or load_measures()
    measure = measures.get(instrument)
    if isinstance(answers, str):
        answers = parse_answers(answers)
    return score_answers(measure, list(answers))


# ---------------------------------------------------------------- writing

def record_administration(vault, pseudonym: str, instrument: str, date: dt.date | str,
                          answers: Sequence[int | None] | str, entered_by: str, *,
                          measures: Measures | None = None, prompt: SafetyPrompt = print_prompt,
                          score: Score | None = None) -> Score:
    """Score one administration, show the safety prompt if needed, then store it (audited).

    ``prompt(score, measures)`` shows the safety prompt; it is called before the row is stored,
    whenever the score has a safety alert. ``score`` lets a caller that has already scored and
    shown the prompt (the command line does it before asking for the passphrase) pass it in: it
    is checked against the answers again, never trusted.
    """
    if prompt is None:
        raise ValueError("The safety prompt cannot be turned off; pass a function that shows it.")
    measures = measures or load_measures()
    fresh = score_administration(instrument, answers, measures)
    shown = score is not None and score == fresh
    score = fresh
    try:
        if score.safety and not shown:  # first: even a mistyped pseudonym or date below comes after it
            prompt(score, measures)
    finally:  # a prompt that could not be shown (a closed terminal) never stops the answers being kept
        pseudonym = people.check_pseudonym(pseudonym)
        day = people.check_date(date, "--date")
        how = check_entered_by(entered_by)
        with vault.transaction() as conn:
            insert_administration(conn, pseudonym, day, score, how)
    return score


def insert_administration(conn: sqlite3.Connection, pseudonym: str, day: dt.date, score: Score,
                          entered_by: str, *, entered_at: dt.datetime | None = None) -> str:
    """Store one scored administration inside the caller's transaction; returns its id."""
    person = people.participant(conn, pseudonym)
    if day < person.admitted:
        raise RecordInputError(f"--date: got {day.isoformat()}, expected a date on or after {person.pseudonym}'s "
                               f"admission ({person.admitted.isoformat()})")
    admin_id = "A-" + secrets.token_hex(6)
    when = (entered_at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc)
    conn.execute(
        "INSERT INTO measures (id, pseudonym, instrument, date, answers, score, entered_by, entered_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (admin_id, person.pseudonym, score.measure, day.isoformat(), json.dumps(list(score.answers)),
         score_to_json(score), check_entered_by(entered_by), when.isoformat(timespec="seconds")))
    audit.append(conn, "record", "measure", person.pseudonym)
    return admin_id


# ---------------------------------------------------------------- reading

def administrations_in(conn: sqlite3.Connection, pseudonym: str | None = None, instrument: str | None = None,
                       *, measures: Measures | None = None) -> list[StoredAdministration]:
    """Administrations (oldest first), for one person and/or one instrument, inside a transaction."""
    where, values = [], []
    if pseudonym:
        where.append("pseudonym = ?")
        values.append(people.check_pseudonym(pseudonym))
    if instrument:
        where.append("instrument = ?")
        values.append((measures or load_measures()).get(instrument).id)
    query = ("SELECT * FROM measures" + (" WHERE " + " AND ".join(where) if where else "")
             + " ORDER BY date, entered_at, rowid")  # same day and second: the order they were entered
    return [StoredAdministration(
        r["id"], r["pseudonym"], r["instrument"], dt.date.fromisoformat(r["date"]), tuple(json.loads(r["answers"])),
        score_from_json(r["score"]), r["entered_by"], dt.datetime.fromisoformat(r["entered_at"]))
        for r in conn.execute(query, values)]


def administrations(vault, pseudonym: str | None = None, instrument: str | None = None, *,
                    measures: Measures | None = None) -> list[StoredAdministration]:
    """Administrations (oldest first), for one person and/or one instrument; the reading is audited."""
    with vault.transaction() as conn:
        rows = administrations_in(conn, pseudonym, instrument, measures=measures)
        audit.append(conn, "view", "measure", people.check_pseudonym(pseudonym) if pseudonym else None)
    return rows


def by_person(rows: Sequence[StoredAdministration]) -> dict[str, list[Administration]]:
    """``{pseudonym: [Administration, ...]}`` for ``iopkit.measures.caseload``."""
    out: dict[str, list[Administration]] = {}
    for row in rows:
        out.setdefault(row.pseudonym, []).append(row.administration)
    return out


def last_given(rows: Sequence[StoredAdministration]) -> dict[str, dt.date]:
    """``{instrument: last day given}`` for ``iopkit.measures.schedule.due``."""
    out: dict[str, dt.date] = {}
    for row in rows:
        if row.instrument not in out or row.date > out[row.instrument]:
            out[row.instrument] = row.date
    return out
