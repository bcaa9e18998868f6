"""Participants and attendance: the minimum necessary, and nothing else.

A participant is a random pseudonym (``P-7K2Q``), an optional display alias (first name and
last initial, "Sam R."), the cohort file they attend (its slug), and their admission,
step-down and discharge dates. Attendance is a date, a status, countable minutes, and for
telehealth whether the person confirmed a private location. The schema has no field for an
address, a date of birth, a phone number or anything else: there is nowhere to put them.

Every function here works inside a ``Vault.transaction()`` and writes its audit entry.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from iopkit.errors import RecordInputError
from iopkit.records import audit

#: Letters and digits nobody mixes up when reading a pseudonym aloud or from paper:
#: no 0/O, 1/I/L, 5/S, 8/B, Z (beside 2), U/V.
PSEUDONYM_ALPHABET = "234679ACDEFGHJKMNPQRTWXY"
PSEUDONYM_PATTERN = re.compile(rf"^P-[{PSEUDONYM_ALPHABET}]{{4}}$")
STATUSES = ("present", "absent", "late", "left-early")
_ALIAS = re.compile(r"^(?P<first>[^\W\d_]+(?:['’-][^\W\d_]+)*) (?P<initial>[^\W\d_])\.?$")


@dataclass(frozen=True)
class Participant:
    pseudonym: str
    alias: str | None
    cohort: str
    admitted: dt.date
    stepped_down: dt.date | None
    discharged: dt.date | None

    @property
    def label(self) -> str:
        """What a facilitator sees on a private screen: ``Sam R. (P-7K2Q)``, or the pseudonym alone."""
        return f"{self.alias} ({self.pseudonym})" if self.alias else self.pseudonym

    def active_on(self, day: dt.date) -> bool:
        return self.admitted <= day and (self.discharged is None or day <= self.discharged)


@dataclass(frozen=True)
class Attendance:
    pseudonym: str
    date: dt.date
    status: str
    minutes: int
    telehealth_private: bool | None


# ---------------------------------------------------------------- checking what people type

def check_alias(text: str | None) -> str | None:
    """A first name and a last initial ("Sam R."), tidied; refuses full names and anything else."""
    if text is None or not text.strip():
        return None
    match = _ALIAS.match(" ".join(text.split()))
    if not match:
        raise RecordInputError(
            "--alias: expected a first name and a last initial, like Sam R. (no full last name, no numbers, "
            "nothing else). The alias is only for the facilitator's screen; it may be left out.")
    first = match["first"]
    return f"{first[0].upper()}{first[1:]} {match['initial'].upper()}."


def check_pseudonym(text: str) -> str:
    value = text.strip().upper()
    if not PSEUDONYM_PATTERN.match(value):
        raise RecordInputError(f'pseudonym: got "{text}", expected one like P-7K2Q (as printed by iopkit records add)')
    return value


def check_date(text: str | dt.date, field: str) -> dt.date:
    if isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise RecordInputError(f'{field}: got "{text}", expected a date written like 2027-02-10') from None


def check_status(text: str) -> str:
    value = text.strip().lower().replace("_", "-").replace(" ", "-")
    if value not in STATUSES:
        raise RecordInputError(f'--status: got "{text}", expected one of {", ".join(STATUSES)}')
    return value


def check_minutes(status: str, minutes: int | None, default: int | None = None) -> int:
    """Countable minutes: 0 when absent; the session's countable minutes when present and none given;
    a number the facilitator gives for late or left early."""
    if status == "absent":
        if minutes:
            raise RecordInputError(f"--minutes: got {minutes} for someone absent, expected 0 or nothing")
        return 0
    if minutes is None:
        if status == "present" and default is not None:
            return default
        raise RecordInputError(f"--minutes: expected the countable minutes for someone marked {status}, like 120")
    if not 0 <= minutes <= 24 * 60:
        raise RecordInputError(f"--minutes: got {minutes}, expected a number of minutes from 0 to 1440")
    return int(minutes)


def cohort_slug(cohort: str | Path | object) -> str:
    """The slug a participant's cohort is stored as: the cohort file's name without .toml."""
    slug = getattr(cohort, "slug", None)
    if slug:
        return slug
    stem = Path(str(cohort)).stem
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-") or "cohort"


# ---------------------------------------------------------------- reading

def _participant(row) -> Participant:
    def day(value):
        return dt.date.fromisoformat(value) if value else None

    return Participant(row["pseudonym"], row["alias"], row["cohort"], day(row["admitted"]), day(row["stepped_down"]),
                       day(row["discharged"]))


def participants(conn: sqlite3.Connection, cohort: str | None = None) -> list[Participant]:
    query = "SELECT * FROM participants" + (" WHERE cohort = ?" if cohort else "") + " ORDER BY admitted, pseudonym"
    return [_participant(r) for r in conn.execute(query, (cohort,) if cohort else ())]


def participant(conn: sqlite3.Connection, pseudonym: str) -> Participant:
    pseudonym = check_pseudonym(pseudonym)
    row = conn.execute("SELECT * FROM participants WHERE pseudonym = ?", (pseudonym,)).fetchone()
    if row is None:
        raise RecordInputError(f"pseudonym: {pseudonym} is not in this records store (iopkit records ledger lists "
                               "everyone by pseudonym)")
    return _participant(row)


def attendance(conn: sqlite3.Connection, pseudonym: str | None = None) -> list[Attendance]:
    query = "SELECT * FROM attendance" + (" WHERE pseudonym = ?" if pseudonym else "") + " ORDER BY date, pseudonym"
    return [Attendance(r["pseudonym"], dt.date.fromisoformat(r["date"]), r["status"], r["minutes"],
                       None if r["telehealth_private"] is None else bool(r["telehealth_private"]))
            for r in conn.execute(query, (pseudonym,) if pseudonym else ())]


# ---------------------------------------------------------------- writing

def add_participant(conn: sqlite3.Connection, *, cohort: str, admitted: dt.date | str, alias: str | None = None
                    ) -> Participant:
    """A new participant with a fresh random pseudonym (unique in this store)."""
    alias = check_alias(alias)
    admitted = check_date(admitted, "--admitted")
    taken = {r[0] for r in conn.execute("SELECT pseudonym FROM participants")}
    if len(taken) > len(PSEUDONYM_ALPHABET) ** 4 // 2:
        raise RecordInputError("This store holds too many participants for four-letter pseudonyms; start a new store.")
    while True:
        pseudonym = "P-" + "".join(secrets.choice(PSEUDONYM_ALPHABET) for _ in range(4))
        if pseudonym not in taken:
            break
    slug = cohort_slug(cohort)
    conn.execute("INSERT INTO participants (pseudonym, alias, cohort, admitted) VALUES (?, ?, ?, ?)",
                 (pseudonym, alias, slug, admitted.isoformat()))
    audit.append(conn, "add", "participant", pseudonym)
    return Participant(pseudonym, alias, slug, admitted, None, None)


def set_dates(conn: sqlite3.Connection, pseudonym: str, *, stepped_down: dt.date | str | None = None,
              discharged: dt.date | str | None = None) -> Participant:
    """Record a step-down or a discharge date."""
    person = participant(conn, pseudonym)
    if stepped_down is not None:
        day = check_date(stepped_down, "--stepped-down")
        conn.execute("UPDATE participants SET stepped_down = ? WHERE pseudonym = ?", (day.isoformat(), person.pseudonym))
        audit.append(conn, "step-down", "participant", person.pseudonym)
    if discharged is not None:
        day = check_date(discharged, "--discharged")
        if day < person.admitted:
            raise RecordInputError(f"--discharged: got {day.isoformat()}, expected a date on or after the admission "
                                   f"date ({person.admitted.isoformat()})")
        conn.execute("UPDATE participants SET discharged = ? WHERE pseudonym = ?", (day.isoformat(), person.pseudonym))
        audit.append(conn, "discharge", "participant", person.pseudonym)
    return participant(conn, person.pseudonym)


def record_attendance(conn: sqlite3.Connection, day: dt.date | str, pseudonym: str, status: str,
                      minutes: int | None = None, *, telehealth_private: bool | None = None,
                      default_minutes: int | None = None) -> Attendance:
    """One person's attendance for one day; recording the same day again replaces it (audited as a change)."""
    day = check_date(day, "DATE")
    person = participant(conn, pseudonym)
    if day < person.admitted:
        raise RecordInputError(f"DATE: got {day.isoformat()}, expected a date on or after {person.pseudonym}'s "
                               f"admission ({person.admitted.isoformat()})")
    status = check_status(status)
    minutes = check_minutes(status, minutes, default_minutes)
    private = None if telehealth_private is None else int(bool(telehealth_private))
    before = conn.execute("SELECT 1 FROM attendance WHERE pseudonym = ? AND date = ?",
                          (person.pseudonym, day.isoformat())).fetchone()
    conn.execute("INSERT OR REPLACE INTO attendance (pseudonym, date, status, minutes, telehealth_private) "
                 "VALUES (?, ?, ?, ?, ?)", (person.pseudonym, day.isoformat(), status, minutes, private))
    audit.append(conn, "update" if before else "attend", "attendance", person.pseudonym)
    return Attendance(person.pseudonym, day, status, minutes, None if private is None else bool(private))
