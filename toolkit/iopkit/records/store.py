"""The encrypted store: one file, an in-memory SQLite database that reaches disk only encrypted.

File layout (all integers big-endian)::

    MAGIC (8 bytes) | format version (2) | header length (4) | header (UTF-8 JSON) | body

The header holds the key-derivation parameters and salt, the data key wrapped twice (once
by a key derived from the passphrase with scrypt, once by a key derived from the one-time
recovery key) and the body's nonce. The body is the SQLite database, serialised in memory
(``sqlite3.Connection.serialize``) and encrypted with AES-256-GCM under the data key; every
byte before the body (magic, version, length and header) is its associated data, so a
changed header fails like a changed body.

Why this shape:

* The database is never a file: ``sqlite3.connect(":memory:")`` plus ``deserialize``; no
  journal or WAL file can exist, and ``PRAGMA temp_store=MEMORY`` keeps sorts and temporary
  tables in memory too.
* A write goes to a new file beside the store (``os.open`` with ``O_EXCL``, mode 0600) that
  holds only ciphertext, is fsynced, renamed over the store (``os.replace``), and the folder
  is fsynced. A crash leaves either the old store or the new one, never half of either.
* Every read-modify-write holds a ``filelock`` lock on ``<store>.lock``, so two programs
  writing at once take turns and no update is lost. A program that waits too long is told
  so in plain words.
* Crypto and key derivation come from ``cryptography``; locking from ``filelock``.
"""
from __future__ import annotations

import base64
import json
import os
import re
import secrets
import sqlite3
import struct
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from iopkit import paths
from iopkit.errors import StoreBusyError, StoreDamagedError, StoreNotFoundError, StorePlaceError, StoreUnlockError

MAGIC = b"IOPKREC\x00"
FORMAT_VERSION = 1
#: The schema of the database inside: ``SCHEMA`` is version 1; ``MIGRATIONS`` brings it up to this.
SCHEMA_VERSION = 2
#: A store's file name when ``init`` is given a folder.
DEFAULT_NAME = "records.iopkit"
#: Environment variables: where the store is, and (the weaker choice, for scripts) its passphrase.
STORE_VARIABLE = "IOPKIT_RECORDS"
PASSPHRASE_VARIABLE = "IOPKIT_RECORDS_PASSPHRASE"
#: Seconds a second program waits for the lock before giving up with a plain message.
LOCK_TIMEOUT = 30.0
MIN_PASSPHRASE = 12

_PREFIX = struct.Struct(">8sHI")
_KEY_BYTES = 32
_NONCE_BYTES = 12
_SALT_BYTES = 16


@dataclass(frozen=True)
class KdfParams:
    """scrypt's cost parameters; stored in each file's header, so they can be raised later."""

    n: int
    r: int = 8
    p: int = 1


#: About 0.4 s and 128 MB on a small laptop (measured 0.43 s on this project's 2-core test machine).
PRODUCTION_KDF = KdfParams(n=2**17)
#: A store whose header asks for less than this was made with test settings: opening it warns.
MINIMUM_KDF_N = 2**15
#: Test-only: cheap scrypt so the test suite is quick. Used only when passed explicitly, or in a
#: subprocess started by pytest with ``TEST_KDF_VARIABLE=fast`` (see ``default_kdf``).
TEST_KDF = KdfParams(n=2**10)
TEST_KDF_VARIABLE = "IOPKIT_RECORDS_TEST_KDF"


def default_kdf() -> KdfParams:
    """Production parameters, except inside a pytest run that asked for the test knob by name.

    Both variables must be set: ``IOPKIT_RECORDS_TEST_KDF=fast`` alone does nothing outside pytest
    (``PYTEST_CURRENT_TEST`` is set only while a test runs), so a clinic cannot weaken a store by
    accident. A store made with weak parameters says so every time it is opened.
    """
    if os.environ.get(TEST_KDF_VARIABLE) == "fast" and os.environ.get("PYTEST_CURRENT_TEST"):
        return TEST_KDF
    return PRODUCTION_KDF


# ---------------------------------------------------------------- the database inside

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE participants (
    pseudonym TEXT PRIMARY KEY,
    alias TEXT,
    cohort TEXT NOT NULL,
    admitted TEXT NOT NULL,
    stepped_down TEXT,
    discharged TEXT
);
CREATE TABLE attendance (
    pseudonym TEXT NOT NULL REFERENCES participants(pseudonym),
    date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'left-early')),
    minutes INTEGER NOT NULL CHECK (minutes >= 0),
    telehealth_private INTEGER CHECK (telehealth_private IN (0, 1)),
    PRIMARY KEY (pseudonym, date)
);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    os_user TEXT NOT NULL,
    action TEXT NOT NULL,
    record_type TEXT NOT NULL,
    pseudonym TEXT,
    prev TEXT NOT NULL,
    hash TEXT NOT NULL
);
"""

#: Each later schema version: the SQL that takes a store from the version before to this one.
#: A store of an older version is brought up to date in memory when it is opened (and audited
#: as "upgrade"); the upgrade reaches disk, encrypted, with the next write. Only ever add here.
MIGRATIONS: dict[int, str] = {
    # 2: measures given (records/measures_store.py). Answers and the computed score as JSON; no free text.
    2: """
CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    pseudonym TEXT NOT NULL REFERENCES participants(pseudonym),
    instrument TEXT NOT NULL,
    date TEXT NOT NULL,
    answers TEXT NOT NULL,
    score TEXT NOT NULL,
    entered_by TEXT NOT NULL CHECK (entered_by IN ('tablet', 'paper', 'counselor')),
    entered_at TEXT NOT NULL
);
CREATE INDEX measures_by_person ON measures (pseudonym, instrument, date);
""",
}


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    """Bring a version-``version`` database up to ``SCHEMA_VERSION`` (in memory, in one transaction)."""
    from iopkit.records import audit

    for target in range(max(version, 1) + 1, SCHEMA_VERSION + 1):  # 0: a new store, made at version 1 by SCHEMA
        conn.executescript("BEGIN;" + MIGRATIONS[target] + "COMMIT;")
    conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
    if version:  # a new store is made at the current version; only an older one is upgraded
        audit.append(conn, "upgrade", "store")
    conn.commit()


def _connect(data: bytes | None = None) -> sqlite3.Connection:
    """An in-memory database (never a file), optionally filled from serialised bytes."""
    conn = sqlite3.connect(":memory:")
    if data is not None:
        conn.deserialize(data)
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA journal_mode=MEMORY")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.row_factory = sqlite3.Row
    return conn


# ---------------------------------------------------------------- keys

_RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # base32: no 0, 1, 8 or 9 to mistake


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object) -> bytes:
    if not isinstance(text, str):
        raise ValueError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def _scrypt(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=_KEY_BYTES, n=params.n, r=params.r, p=params.p).derive(
        passphrase.encode("utf-8"))


def _recovery_kek(recovery: bytes, salt: bytes) -> bytes:
    """The recovery key has 160 random bits already; HKDF only shapes it into an AES key."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=salt,
                info=b"iopkit records recovery key").derive(recovery)


def new_recovery_key() -> tuple[str, bytes]:
    """(the text a person writes down, its bytes): 32 base32 letters in groups of four."""
    raw = secrets.token_bytes(20)
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4)), raw


def parse_recovery_key(text: str) -> bytes | None:
    """The bytes of a recovery key as typed (any case, with or without dashes), or None."""
    compact = re.sub(r"[\s-]", "", text).upper()
    if len(compact) != 32 or any(c not in _RECOVERY_ALPHABET for c in compact):
        return None
    return base64.b32decode(compact)


def _wrap_aad(slot: str) -> bytes:
    return MAGIC + FORMAT_VERSION.to_bytes(2, "big") + b"|key slot|" + slot.encode("ascii")


def _gcm(key: bytes):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


# ---------------------------------------------------------------- the file

@dataclass
class _Parsed:
    header: dict
    aad: bytes
    body: bytes


def _parse(path: Path, raw: bytes) -> _Parsed:
    damaged = (f"The records store {path} is damaged or cut short, so it cannot be opened. Restore the last "
               "backup copy of this file (iopkit keeps no other copy).")
    if len(raw) < _PREFIX.size:
        if raw[:len(MAGIC)] == MAGIC[:len(raw)] and raw:
            raise StoreDamagedError(damaged)
        raise StoreDamagedError(f"{path} is not an iopkit records store (it does not start like one). "
                                "Check the path given with --vault or IOPKIT_RECORDS.")
    magic, version, length = _PREFIX.unpack_from(raw)
    if magic != MAGIC:
        raise StoreDamagedError(f"{path} is not an iopkit records store (it does not start like one). "
                                "Check the path given with --vault or IOPKIT_RECORDS.")
    if version != FORMAT_VERSION:
        raise StoreDamagedError(f"The records store {path} was written by a newer iopkit (format {version}; this "
                                f"one reads format {FORMAT_VERSION}). Update iopkit, then try again.")
    end = _PREFIX.size + length
    if end > len(raw):
        raise StoreDamagedError(damaged)
    try:
        header = json.loads(raw[_PREFIX.size:end].decode("utf-8"))
        for field in ("kdf", "keys", "nonce"):
            header[field]  # noqa: B018 - present, or damaged
    except (ValueError, KeyError, TypeError):
        raise StoreDamagedError(damaged) from None
    return _Parsed(header, raw[:end], raw[end:])


def _pack(header: dict, body_plain: bytes, key: bytes) -> bytes:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    header = dict(header, nonce=_b64(nonce))
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    aad = _PREFIX.pack(MAGIC, FORMAT_VERSION, len(text)) + text
    return aad + _gcm(key).encrypt(nonce, body_plain, aad)


def write_replace(path: Path, data: bytes) -> None:
    """Atomically and durably put ``data`` at ``path``: a new file beside it (O_EXCL, 0600), fsync,
    rename over, fsync the folder. Used only for ciphertext and for exports a person asked for."""
    folder = path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(6)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        tmp.unlink(missing_ok=True)
        raise
    os.close(fd)
    try:
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder to fsync it; NTFS journals the rename
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# ---------------------------------------------------------------- where a store may live

#: Folder names of services that copy files to other computers. A store there is encrypted,
#: but every old version of it is kept by someone else: warn, and let the clinic decide.
CLOUD_SYNC = ("dropbox", "onedrive", "google drive", "googledrive", "my drive", "icloud drive", "icloud",
              "mobile documents", "com~apple~clouddocs", "cloudstorage", "box", "box sync", "box drive")


def check_place(folder: Path) -> list[str]:
    """Refuse a folder inside a project or program folder; return warnings (cloud sync) for the rest."""
    folder = folder.expanduser().resolve()

    for parent in (folder, *folder.parents):
        reason = None
        if (parent / ".git").exists():
            reason = "a git checkout (its files are shared and backed up as a project)"
        elif (parent / "curriculum").is_dir():
            reason = "an iopkit program folder (it holds curriculum/)"
        elif parent == folder and ((parent / "iopkit-home.ipynb").is_file() or (parent / "cohorts").is_dir()):
            reason = "a counselor's iopkit working folder (JupyterLab shows and shares its files)"
        if reason:
            where = f"{folder} is" if parent == folder else f"{folder} is inside {parent}, which is"
            raise StorePlaceError(
                f"{where} {reason}. Keep the records store apart from project "
                "files: choose a folder of its own in your home folder, for example ~/clinic-records.")
    try:
        data = paths.data_root().resolve()
    except FileNotFoundError:
        data = None
    if data and (folder == data or data in folder.parents):
        raise StorePlaceError(f"{folder} is inside iopkit's own folder ({data}). Choose a folder of its own in "
                              "your home folder, for example ~/clinic-records.")
    warnings = []
    for part in folder.parts:
        name = part.lower()
        if any(name == c or name.startswith(c + " ") or name.startswith(c + "-") or name.startswith(c + "_")
               for c in CLOUD_SYNC):
            warnings.append(
                f"Warning: {folder} looks like a cloud-sync folder ({part}). The store is encrypted, but the "
                "service keeps copies of every version on other computers, out of the clinic's control. Use it "
                "only if the clinic has a business associate agreement with that service; otherwise choose a "
                "folder that is not synced.")
            break
    return warnings


def store_path(given: str | Path) -> Path:
    """The store file ``init`` makes for PATH: PATH itself if it names a file (has a suffix and is not a
    folder), else ``records.iopkit`` inside the folder PATH."""
    path = Path(given).expanduser()
    if path.is_dir() or (not path.exists() and not path.suffix):
        return path / DEFAULT_NAME
    return path


def find_store(given: str | Path | None = None) -> Path:
    """The store named by ``--vault`` or ``IOPKIT_RECORDS``; a plain message if neither or missing."""
    text = str(given) if given else os.environ.get(STORE_VARIABLE, "")
    if not text:
        raise StoreNotFoundError(
            "No records store was named. Give it with --vault PATH, or set IOPKIT_RECORDS to its path. "
            "Records are off until a clinic turns them on with: iopkit records init PATH")
    path = Path(text).expanduser()
    if path.is_dir():
        path = path / DEFAULT_NAME
    if not path.is_file():
        raise StoreNotFoundError(f"There is no records store at {path}. Check --vault or IOPKIT_RECORDS; a new one "
                                 "is made with: iopkit records init PATH")
    return path


# ---------------------------------------------------------------- the vault

class Vault:
    """An unlocked store: its path and data key, held in this process's memory only.

    ``transaction()`` is the one way in: it takes the lock, reads and decrypts the current file,
    yields an in-memory database, and on success encrypts and replaces the file. ``lock()``
    forgets the key (the Workbench calls it after idle time).
    """

    def __init__(self, path: Path, key: bytes, warnings: list[str] | None = None,
                 lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(path)
        self._key: bytes | None = key
        self.warnings = list(warnings or [])
        self.lock_timeout = lock_timeout

    # -------------------------------------------------- opening

    @classmethod
    def create(cls, path: str | Path, passphrase: str, *, kdf: KdfParams | None = None,
               lock_timeout: float = LOCK_TIMEOUT) -> tuple["Vault", str]:
        """A new, empty store at ``path`` (a file, or a folder to hold ``records.iopkit``).

        Returns the vault and the recovery key text, which is shown once and never stored.
        """
        from iopkit.records import audit

        path = store_path(path)
        warnings = check_place(path.parent)
        if path.exists():
            raise StorePlaceError(f"{path} already exists. iopkit never replaces a records store; choose another "
                                  "name, or open this one with --vault.")
        if len(passphrase) < MIN_PASSPHRASE:
            raise StoreUnlockError(f"The passphrase is too short ({len(passphrase)} characters). Use at least "
                                   f"{MIN_PASSPHRASE}; four or more ordinary words are easy to remember and hard to "
                                   "guess.")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        kdf = kdf or default_kdf()
        if kdf.n < MINIMUM_KDF_N:
            warnings.append(_weak_warning(path))
        data_key = secrets.token_bytes(_KEY_BYTES)
        salt = secrets.token_bytes(_SALT_BYTES)
        recovery_text, recovery = new_recovery_key()
        recovery_salt = secrets.token_bytes(_SALT_BYTES)
        header = {"kdf": {"name": "scrypt", "n": kdf.n, "r": kdf.r, "p": kdf.p, "salt": _b64(salt)},
                  "keys": {"passphrase": _wrap(_scrypt(passphrase, salt, kdf), data_key, "passphrase"),
                           "recovery": dict(_wrap(_recovery_kek(recovery, recovery_salt), data_key, "recovery"),
                                            salt=_b64(recovery_salt))}}
        vault = cls(path, data_key, warnings, lock_timeout)
        conn = _connect()
        try:
            conn.executescript(SCHEMA)
            conn.execute("INSERT INTO meta VALUES ('store_id', ?)", (secrets.token_hex(16),))
            _migrate(conn, 0)
            audit.append(conn, "init", "store")
            conn.commit()
            with vault._locked():
                if path.exists():
                    raise StorePlaceError(f"{path} already exists. iopkit never replaces a records store.")
                write_replace(path, _pack(header, conn.serialize(), data_key))
        finally:
            conn.close()
        return vault, recovery_text

    @classmethod
    def unlock(cls, path: str | Path, secret: str, *, lock_timeout: float = LOCK_TIMEOUT) -> "Vault":
        """Open the store with its passphrase or its recovery key; a plain message if neither fits."""
        path = Path(path)
        if not path.is_file():
            _read(path)  # the plain message for a missing file or a folder
        with _file_lock(path, lock_timeout):
            raw = _read(path)
        parsed = _parse(path, raw)
        key = _unwrap_any(path, parsed.header, secret)
        vault = cls(path, key, lock_timeout=lock_timeout)
        if int(parsed.header["kdf"].get("n", 0)) < MINIMUM_KDF_N:
            vault.warnings.append(_weak_warning(path))
        vault._decrypt(parsed).close()  # a damaged body is reported now, not at the first command
        return vault

    @property
    def locked(self) -> bool:
        return self._key is None

    def lock(self) -> None:
        """Forget the data key. (Python cannot wipe memory; the key's bytes go with the object.)"""
        self._key = None

    # -------------------------------------------------- reading and writing

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Lock, load the current store, yield its database; write it back if the block succeeds."""
        with self._locked():
            parsed = _parse(self.path, _read(self.path))
            conn = self._decrypt(parsed)
            try:
                yield conn
                conn.commit()
                header = {k: v for k, v in parsed.header.items() if k != "nonce"}
                self._clean_temporaries()
                write_replace(self.path, _pack(header, conn.serialize(), self._need_key()))
            finally:
                conn.close()

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """The current database for reading only; nothing is written back."""
        with self._locked():
            conn = self._decrypt(_parse(self.path, _read(self.path)))
        try:
            yield conn
        finally:
            conn.close()

    def change_passphrase(self, new: str) -> None:
        """Wrap the data key under a new passphrase (fresh salt, production cost); the recovery key still works."""
        from iopkit.records import audit

        if len(new) < MIN_PASSPHRASE:
            raise StoreUnlockError(f"The new passphrase is too short ({len(new)} characters). Use at least "
                                   f"{MIN_PASSPHRASE}.")
        kdf = default_kdf()
        salt = secrets.token_bytes(_SALT_BYTES)
        wrapped = _wrap(_scrypt(new, salt, kdf), self._need_key(), "passphrase")
        with self._locked():
            parsed = _parse(self.path, _read(self.path))
            conn = self._decrypt(parsed)
            try:
                audit.append(conn, "change-passphrase", "store")
                conn.commit()
                header = {k: v for k, v in parsed.header.items() if k != "nonce"}
                header["kdf"] = {"name": "scrypt", "n": kdf.n, "r": kdf.r, "p": kdf.p, "salt": _b64(salt)}
                header["keys"] = dict(header["keys"], passphrase=wrapped)
                write_replace(self.path, _pack(header, conn.serialize(), self._need_key()))
            finally:
                conn.close()

    # -------------------------------------------------- inside

    def _need_key(self) -> bytes:
        if self._key is None:
            raise StoreUnlockError(f"The records store {self.path} is locked. Unlock it again with its passphrase.")
        return self._key

    def _decrypt(self, parsed: _Parsed) -> sqlite3.Connection:
        from cryptography.exceptions import InvalidTag

        try:
            nonce = _unb64(parsed.header["nonce"])
            plain = _gcm(self._need_key()).decrypt(nonce, parsed.body, parsed.aad)
        except (InvalidTag, ValueError, TypeError):
            raise StoreDamagedError(
                f"The records store {self.path} is damaged or cut short (or was replaced by a different store), so "
                "it cannot be opened. Restore the last backup copy of this file.") from None
        try:
            conn = _connect(plain)
            version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        except sqlite3.DatabaseError:
            raise StoreDamagedError(f"The records store {self.path} opened but its contents are damaged. Restore "
                                    "the last backup copy of this file.") from None
        number = int(version[0]) if version is not None and str(version[0]).isdigit() else None
        if number is None or not 1 <= number <= SCHEMA_VERSION:
            conn.close()
            raise StoreDamagedError(f"The records store {self.path} has a layout this iopkit does not know. Update "
                                    "iopkit, then try again.")
        if number < SCHEMA_VERSION:
            _migrate(conn, number)
        return conn

    def _locked(self):
        return _file_lock(self.path, self.lock_timeout)

    def _clean_temporaries(self) -> None:
        """Remove leftovers of a write that was cut off (they hold only ciphertext; we hold the lock)."""
        for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            leftover.unlink(missing_ok=True)


@contextmanager
def _file_lock(path: Path, timeout: float):
    """The store's lock (``<store>.lock``, empty): one reader or writer at a time, across programs.
    Reads take it too: on Windows a file open for reading cannot be replaced."""
    from filelock import FileLock, Timeout

    lock = FileLock(str(path.with_name(path.name + ".lock")), timeout=timeout)
    try:
        lock.acquire()
    except Timeout:
        raise StoreBusyError(
            f"Another iopkit window or command is using the records store {path}, and it did not finish "
            f"within {timeout:g} seconds. Finish or close the other one (for example the Workbench's "
            "attendance screen), then try again.") from None
    try:
        yield
    finally:
        lock.release()


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StoreNotFoundError(f"There is no records store at {path}. Check --vault or IOPKIT_RECORDS.") from None
    except IsADirectoryError:
        raise StoreNotFoundError(f"{path} is a folder, not a records store. Give the store file itself.") from None


def _wrap(kek: bytes, data_key: bytes, slot: str) -> dict:
    nonce = secrets.token_bytes(_NONCE_BYTES)
    return {"nonce": _b64(nonce), "wrapped": _b64(_gcm(kek).encrypt(nonce, data_key, _wrap_aad(slot)))}


def _unwrap(kek: bytes, entry: dict, slot: str) -> bytes:
    return _gcm(kek).decrypt(_unb64(entry["nonce"]), _unb64(entry["wrapped"]), _wrap_aad(slot))


def _unwrap_any(path: Path, header: dict, secret: str) -> bytes:
    from cryptography.exceptions import InvalidTag

    try:
        keys = header["keys"]
        attempts = []
        recovery = parse_recovery_key(secret)
        if recovery is not None:
            salt = _unb64(keys["recovery"]["salt"])
            attempts.append(("recovery", lambda: _recovery_kek(recovery, salt)))
        kdf = header["kdf"]
        if kdf.get("name") != "scrypt":
            raise StoreDamagedError(f"The records store {path} asks for a key method this iopkit does not know. "
                                    "Update iopkit.")
        params = KdfParams(int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
        if not _sane(params):
            raise ValueError("scrypt settings out of range")  # a damaged (or hostile) header: never run it
        kdf_salt = _unb64(kdf["salt"])
        attempts.append(("passphrase", lambda: _scrypt(secret, kdf_salt, params)))
        for slot, kek in attempts:
            try:
                return _unwrap(kek(), keys[slot], slot)
            except InvalidTag:
                continue
    except (KeyError, ValueError, TypeError):
        raise StoreDamagedError(f"The records store {path} is damaged (its header cannot be read). Restore the last "
                                "backup copy of this file.") from None
    raise StoreUnlockError(f"That passphrase does not open the records store {path}. Check it and try again; the "
                           "recovery key written down at init also opens it.")


def _sane(params: KdfParams) -> bool:
    """scrypt settings a real store can have: N a power of two from 2^10 to 2^22, r 1-32, p 1-16
    (at most 4 GB of memory; a header asking for more is treated as damaged, not obeyed)."""
    n, r, p = params.n, params.r, params.p
    return 2**10 <= n <= 2**22 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16 and 128 * n * r <= 2**32


def _weak_warning(path: Path) -> str:
    return (f"Warning: the records store {path} was made with test settings (a fast passphrase check). Do not keep "
            "real records in it; make a new store with: iopkit records init PATH")


def read_passphrase(prompt: str = "Records passphrase: ", *, confirm: bool = False) -> str:
    """The passphrase: asked on the terminal (not echoed), or from IOPKIT_RECORDS_PASSPHRASE for scripts."""
    from_env = os.environ.get(PASSPHRASE_VARIABLE)
    if from_env:
        return from_env
    import getpass
    import sys

    if not sys.stdin.isatty():
        raise StoreUnlockError("No passphrase: run this in a terminal to be asked for it, or (for scripts, the weaker "
                               "choice) set IOPKIT_RECORDS_PASSPHRASE.")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("The same passphrase again: ") != first:
        raise StoreUnlockError("The two passphrases were not the same. Nothing was made; run the command again.")
    return first
