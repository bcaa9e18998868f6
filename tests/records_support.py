"""Helpers for the records tests: fast test-only scrypt, canaries, and a search for them on disk."""
from __future__ import annotations

import os
import secrets
import string
from pathlib import Path

from conftest import ROOT

PASSPHRASE = "violet harbor seventeen lanterns"


def _canary(first: str) -> str:
    """A made-up first name, new for each test run, so no source or cache file can hold it by chance."""
    return first + "".join(secrets.choice(string.ascii_lowercase) for _ in range(9))


#: Names nobody else would ever write: if one turns up in a file outside the store, a path leaks.
CANARY_FIRST = _canary("Q")
CANARY_ALIAS = f"{CANARY_FIRST} V."
CANARY_FIRST_2 = _canary("Z")
CANARY_ALIAS_2 = f"{CANARY_FIRST_2} W."
CANARIES = (CANARY_FIRST, CANARY_FIRST_2)


def fast_env(store: Path | None = None, **extra) -> dict:
    """Environment for a CLI subprocess: the test-only fast scrypt knob, the store and its passphrase."""
    env = {"IOPKIT_RECORDS_TEST_KDF": "fast", "IOPKIT_RECORDS_PASSPHRASE": PASSPHRASE}
    if store is not None:
        env["IOPKIT_RECORDS"] = str(store)
    env.update(extra)
    return env


def files_with_canary(roots: list[Path], *, allowed: set[Path] = frozenset(), canaries=CANARIES,
                      since: float | None = None) -> list[str]:
    """Every file under ``roots`` (except ``allowed`` ones) that holds a canary, in any letter case;
    with ``since`` (a time.time()), only files changed since then (for big shared folders like /tmp)."""
    needles = [c.lower().encode() for c in canaries] + [c.encode("utf-16-le") for c in canaries]
    allowed = {Path(p).resolve() for p in allowed}
    found = []
    for root in roots:
        root = Path(root)
        if not root.exists():
            continue
        walk = [(str(root.parent), [], [root.name])] if root.is_file() else os.walk(root)
        for folder, dirs, files in walk:
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in files:
                path = Path(folder) / name
                try:
                    if path.is_symlink() or not path.is_file() or path.resolve() in allowed:
                        continue
                    if since is not None and path.stat().st_mtime < since:
                        continue
                    data = path.read_bytes()
                except (OSError, RuntimeError):  # gone meanwhile, unreadable, or a symlink loop
                    continue
                lower = data.lower()
                if any(n in lower or n in data for n in needles):
                    found.append(str(path))
    return found


def working_tree() -> Path:
    return ROOT
