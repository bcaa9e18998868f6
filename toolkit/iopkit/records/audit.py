"""The audit trail: append-only and hash-chained, inside the encrypted store.

Each entry holds the time (UTC), the operating-system user, the action, the record type and
the pseudonym it touched (never an alias). Its hash covers its own fields and the previous
entry's hash; the first entry chains to the store's random id; the store's meta table keeps
the count and the last hash. So changing an entry, removing one (first, middle or last) or
putting two in another order makes ``verify`` fail with the number of the first bad entry.

The chain finds accidental or careless changes made inside the store. It cannot stop someone
who holds the passphrase and rewrites the whole chain; docs/records-security.md says so.
"""
from __future__ import annotations

import collections
import datetime as dt
import getpass
import hashlib
import json
import sqlite3
from dataclasses import dataclass

from iopkit.errors import AuditChainError

#: Actions a supervisor should look at one by one in the weekly review (the rest are counted).
REVIEW_ACTIONS = ("export", "export-csv", "update", "discharge", "step-down", "change-passphrase", "init")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service account): still record something
        return "unknown"


def _genesis(conn: sqlite3.Connection) -> str:
    store_id = conn.execute("SELECT value FROM meta WHERE key = 'store_id'").fetchone()[0]
    return hashlib.sha256(f"iopkit records audit|{store_id}".encode()).hexdigest()


def _digest(prev: str, seq: int, at: str, user: str, action: str, record_type: str, pseudonym: str | None) -> str:
    fields = json.dumps([seq, at, user, action, record_type, pseudonym], ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(f"{prev}\n{fields}".encode()).hexdigest()


def _meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def append(conn: sqlite3.Connection, action: str, record_type: str, pseudonym: str | None = None, *,
           at: dt.datetime | None = None, user: str | None = None) -> None:
    """Add one entry at the end of the chain (inside the caller's transaction)."""
    count = int(_meta(conn, "audit_count") or 0)
    prev = _meta(conn, "audit_head") or _genesis(conn)
    seq = count + 1
    when = (at or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    who = user or os_user()
    digest = _digest(prev, seq, when, who, action, record_type, pseudonym)
    conn.execute("INSERT INTO audit (seq, at, os_user, action, record_type, pseudonym, prev, hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", (seq, when, who, action, record_type, pseudonym, prev, digest))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('audit_count', ?)", (str(seq),))
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('audit_head', ?)", (digest,))


@dataclass(frozen=True)
class Entry:
    seq: int
    at: dt.datetime
    os_user: str
    action: str
    record_type: str
    pseudonym: str | None


def verify(conn: sqlite3.Connection) -> list[Entry]:
    """Every entry, in order, once the whole chain checks out; ``AuditChainError`` at the first break."""
    rows = conn.execute("SELECT seq, at, os_user, action, record_type, pseudonym, prev, hash FROM audit "
                        "ORDER BY rowid").fetchall()
    broken = ("The audit trail has been changed: {what}. Entries cannot be edited, removed or reordered. Tell the "
              "clinic's privacy officer; keep this file as it is and compare it with the last backup copy.")
    prev = _genesis(conn)
    entries = []
    for expected, row in enumerate(rows, 1):
        seq, at, user, action, record_type, pseudonym, stored_prev, stored_hash = tuple(row)
        if seq != expected:
            what = (f"entry {expected} is missing or out of order (found entry {seq} in its place)")
            raise AuditChainError(broken.format(what=what))
        if stored_prev != prev:
            raise AuditChainError(broken.format(
                what=f"entry {seq} does not follow entry {seq - 1} (an entry before it was removed, changed or moved)"))
        if _digest(prev, seq, at, user, action, record_type, pseudonym) != stored_hash:
            raise AuditChainError(broken.format(what=f"entry {seq} ({at}) was edited after it was written"))
        prev = stored_hash
        entries.append(Entry(seq, dt.datetime.fromisoformat(at), user, action, record_type, pseudonym))
    count = int(_meta(conn, "audit_count") or 0)
    if count != len(entries) or (_meta(conn, "audit_head") or _genesis(conn)) != prev:
        raise AuditChainError(broken.format(
            what=f"the store recorded {count} entries but {len(entries)} are there (the last ones were removed)"))
    return entries


_LABELS = {
    "init": "store made", "add": "participants added", "attend": "attendance entries saved",
    "update": "records changed", "discharge": "discharges", "step-down": "step-downs", "view": "times records viewed",
    "export": "records exported as PDF", "export-csv": "CSV files exported", "audit": "audit checks",
    "unlock": "unlocks in the Workbench", "change-passphrase": "passphrase changes",
    "record": "measures recorded", "upgrade": "store layout upgrades",
}


def summary(entries: list[Entry], store: str, *, days: int = 7, today: dt.date | None = None) -> str:
    """What a supervisor reads each week: the chain is intact, who did what, and what to look at."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    since = today - dt.timedelta(days=days - 1)
    recent = [e for e in entries if e.at.date() >= since]
    lines = [f"Audit trail of {store}: {len(entries)} entries, chain intact "
             f"(first {entries[0].at:%Y-%m-%d}, last {entries[-1].at:%Y-%m-%d})." if entries
             else f"Audit trail of {store}: no entries."]
    lines.append(f"Last {days} days ({since.isoformat()} to {today.isoformat()}): {len(recent)} entries.")
    by_user: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for e in recent:
        by_user[e.os_user][e.action] += 1
    for user in sorted(by_user):
        parts = [f"{n} {_LABELS.get(action, action)}" for action, n in sorted(by_user[user].items())]
        lines.append(f"  {user}: " + ", ".join(parts))
    review = [e for e in recent if e.action in REVIEW_ACTIONS]
    if review:
        lines.append("To review one by one:")
        for e in review:
            who = f" {e.pseudonym}" if e.pseudonym else ""
            lines.append(f"  #{e.seq} {e.at:%Y-%m-%d %H:%M} UTC  {e.os_user}  {e.action} {e.record_type}{who}")
    else:
        lines.append("Nothing to review one by one (no exports, changes, discharges or passphrase changes).")
    return "\n".join(lines)
