"""Writing files safely, fingerprinting inputs, and the one cache folder.

- ``write_atomic``: every file iopkit writes for a counselor appears whole or not at all
  (a temporary file beside it, flushed to disk, then renamed over).
- ``digest``: the one fingerprint helper (SHA-256 over parts separated by a zero byte).
- ``JsonCache``: small caches that only save time, one JSON file per purpose, in the user's
  cache folder (``platformdirs``; ``$XDG_CACHE_HOME/iopkit`` on Linux). Losing one costs time, never
  correctness, so a cache that cannot be read or written is ignored.

Participant records never go through here: the encrypted store has its own durable write
(``iopkit.records.store``), and nothing with a name is ever cached.
"""
from __future__ import annotations

import hashlib
import json
import os
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
