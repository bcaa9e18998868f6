"""Note drafts: what the notes kit pre-fills from the store, and the clone check.

``prefill(store, cohort, date)`` gives, for each member who was in the room on ``date``
(present, late or left early), the facts a member's note starts from: pseudonym, alias,
status, countable minutes and the telehealth private-location answer. It returns plain
dicts in memory; the caller (``iopkit notes --draft``) decides where they go, and must keep
them out of notebook outputs, logs and temporary files.

``clone_check(texts)`` warns when two members' individual text is more than about 80% alike:
copied notes are a documentation-integrity problem an auditor looks for.
"""
from __future__ import annotations

import datetime as dt
import difflib
import itertools
import re
from dataclasses import dataclass
from typing import Mapping

from iopkit.records import audit, people

#: Two notes more alike than this (difflib's ratio, 0 to 1) are flagged.
CLONE_THRESHOLD = 0.8
IN_THE_ROOM = ("present", "late", "left-early")


def prefill(store, cohort, date: dt.date | str) -> list[dict]:
    """The members of ``cohort`` in the room on ``date``, in pseudonym order, as dicts for a note draft.

    ``store`` is an unlocked ``Vault`` (the read is audited) or an open store database;
    ``cohort`` a loaded Cohort, a cohort file path or its slug.
    """
    day = people.check_date(date, "date")
    slug = people.cohort_slug(cohort)
    if hasattr(store, "transaction"):
        with store.transaction() as conn:
            rows = _rows(conn, slug, day)
            audit.append(conn, "view", "attendance", None)
        return rows
    return _rows(store, slug, day)


def _rows(conn, slug: str, day: dt.date) -> list[dict]:
    members = {p.pseudonym: p for p in people.participants(conn, slug)}
    out = []
    for visit in people.attendance(conn):
        person = members.get(visit.pseudonym)
        if person is None or visit.date != day or visit.status not in IN_THE_ROOM:
            continue
        out.append({"pseudonym": person.pseudonym, "alias": person.alias, "cohort": slug, "date": day.isoformat(),
                    "status": visit.status, "minutes": visit.minutes,
                    "telehealth_private_location": visit.telehealth_private})
    return sorted(out, key=lambda row: row["pseudonym"])


@dataclass(frozen=True)
class ClonePair:
    first: str
    second: str
    ratio: float

    def message(self) -> str:
        return (f"The individual text for {self.first} and {self.second} is {self.ratio:.0%} alike. Each member's "
                "note must describe that person's own participation and response; rewrite one of them.")


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text.lower()).strip()


def clone_check(texts: Mapping[str, str], threshold: float = CLONE_THRESHOLD) -> list[ClonePair]:
    """Pairs of members whose individual text is more than ``threshold`` alike (most alike first).

    ``texts`` maps a pseudonym (never a name) to that member's individual text. Empty texts are skipped.
    """
    items = [(key, _normal(text)) for key, text in texts.items() if text and text.strip()]
    pairs = []
    for (a, ta), (b, tb) in itertools.combinations(items, 2):
        matcher = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
        if matcher.real_quick_ratio() <= threshold or matcher.quick_ratio() <= threshold:
            continue
        ratio = matcher.ratio()
        if ratio > threshold:
            pairs.append(ClonePair(a, b, round(ratio, 3)))
    return sorted(pairs, key=lambda p: -p.ratio)
