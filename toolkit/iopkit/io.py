"""Writing files safely, fingerprinting inputs, and the one cache folder.

- ``write_atomic``: every file iopkit writes for a counselor appears whole or not at all
  (a temporary file beside it, flushed to disk, then renamed over).
- ``digest``: the one fingerprint helper (SHA-256 over parts separated by a zero byte).
- ``JsonCache``: small caches that only save time, one JSON file per purpose, in the user's
  cache folder (``platformdirs``; ``$XDG_CACHE_HOME/iopkit`` on Linux). Losing one costs time, never
  correctness, so a cache that cannot be read or written is ignored.
- ``PickleCache``: the same for objects JSON cannot hold (a validated session file), one pickle
  file per purpose in the same folder, each object under the digest of everything it was made from.

Participant records never go through here: the encrypted store has its own durable write
(``iopkit.records.store``), and nothing with a name is ever cached.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

#: The name of the cache folder (``platformdirs.user_cache_dir``).
APP_NAME = "iopkit"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Put ``data`` at ``path`` whole or not at all: a temporary file beside it, fsync, rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def digest(*parts: bytes | str) -> str:
    """The SHA-256 of ``parts`` in order (a zero byte between them, so ("ab", "c") != ("a", "bc"))."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else part.encode("utf-8"))
        h.update(b"\0")
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """The SHA-256 of one file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def cache_dir() -> Path:
    """The user's cache folder for iopkit (created when something is first saved there)."""
    from platformdirs import user_cache_dir

    return Path(user_cache_dir(APP_NAME, appauthor=False))


class JsonCache:
    """One cache file, read once per process, saved atomically after each change.

    ``purpose`` names the file (``readability`` -> ``readability.json``).
    """

    def __init__(self, purpose: str):
        self.purpose = purpose
        self._data: dict | None = None

    @property
    def path(self) -> Path:
        return cache_dir() / f"{self.purpose}.json"

    @property
    def data(self) -> dict:
        if self._data is None:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self._data = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                self._data = {}
        return self._data

    def get(self, key: str, default=None):
        return self.data.get(key, default)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def __getitem__(self, key: str):
        return self.data[key]

    def __setitem__(self, key: str, value) -> None:
        self.data[key] = value
        self.save()

    def save(self) -> None:
        """Best effort: a cache that cannot be written only costs time."""
        try:
            write_atomic(self.path, json.dumps(self.data))
        except OSError:
            pass

    def forget(self) -> None:
        """Drop what this process has read (the next use reads the file again)."""
        self._data = None


class PickleCache:
    """Objects that take long to make, one pickle file per purpose (``sessions`` -> ``sessions.pickle``),
    each under a key that is the digest of everything it was made from, so a stale entry is never
    found. Read once per process; ``save`` writes it atomically when something was added.

    The file is the user's own (their cache folder), like the code they run: it is trusted as that.
    At most ``limit`` entries are kept, the oldest dropped first.
    """

    #: What the file holds besides its entries: changing it makes every older file unreadable, on purpose.
    FORMAT = 1

    def __init__(self, purpose: str, limit: int = 400):
        self.purpose = purpose
        self.limit = limit
        self._entries: dict[str, bytes] | None = None
        self._changed = False

    @property
    def path(self) -> Path:
        return cache_dir() / f"{self.purpose}.pickle"

    @property
    def entries(self) -> dict[str, bytes]:
        if self._entries is None:
            try:
                loaded = pickle.loads(self.path.read_bytes())
                ok = isinstance(loaded, dict) and loaded.get("format") == self.FORMAT
                self._entries = dict(loaded["entries"]) if ok else {}
            except Exception:  # missing, half-written by an older version, or not ours: start again
                self._entries = {}
        return self._entries

    def get(self, key: str):
        blob = self.entries.get(key)
        if blob is None:
            return None
        try:
            return pickle.loads(blob)
        except Exception:  # made by another version of a class: make it again
            self.entries.pop(key, None)
            return None

    def put(self, key: str, value) -> None:
        try:
            blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # something in it cannot be pickled: it is only not cached
            return
        entries = self.entries
        entries.pop(key, None)
        entries[key] = blob
        while len(entries) > self.limit:
            entries.pop(next(iter(entries)))
        self._changed = True

    def save(self) -> None:
        """Best effort, and only when something was added: a cache that cannot be written only costs time."""
        if not self._changed:
            return
        self._changed = False
        try:
            write_atomic(self.path, pickle.dumps({"format": self.FORMAT, "entries": self.entries},
                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass

    def forget(self) -> None:
        """Drop what this process has read (the next use reads the file again)."""
        self._entries = None
        self._changed = False
