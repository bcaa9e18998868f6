"""The store under real processes: a writer killed mid-write, and two writers at once."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from records_support import PASSPHRASE

from iopkit.records import audit, people
from iopkit.records.store import TEST_KDF, Vault

WRITER = r"""
import sys, datetime as dt
from iopkit.records.store import Vault
from iopkit.records import people

path, passphrase, tag, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
vault = Vault.unlock(path, passphrase, lock_timeout=120)
n = 0
while count < 0 or n < count:
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort=tag, admitted=dt.date(2027, 1, 4))
        for day in range(20):  # a bigger store: each write takes longer, so a kill lands inside one more often
            people.record_attendance(conn, dt.date(2027, 1, 4) + dt.timedelta(days=day), person.pseudonym,
                                     "present", 165)
    n += 1
    print(n, flush=True)
"""


@pytest.fixture
def store(tmp_path):
    vault, _ = Vault.create(tmp_path / "private", PASSPHRASE, kdf=TEST_KDF)
    return vault.path


def writer(tmp_path, store, tag: str, count: int) -> subprocess.Popen:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    return subprocess.Popen([sys.executable, str(script), str(store), PASSPHRASE, tag, str(count)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy())


def test_a_writer_killed_mid_write_leaves_a_store_that_opens(tmp_path, store):
    """Kill a writer at random moments until at least one kill has landed inside a write (its temporary
    file, ciphertext only, is left behind); after every kill the store opens and its audit chain holds."""
    rng = random.Random(16)
    inside_a_write = attempt = 0
    while attempt < 4 or (inside_a_write == 0 and attempt < 20):
        process = writer(tmp_path, store, f"kill-{attempt}", -1)
        first = process.stdout.readline()  # the writer is under way
        assert first.strip() == "1", process.stderr.read()
        time.sleep(rng.uniform(0.05, 0.6))
        process.send_signal(signal.SIGKILL)
        out, _ = process.communicate(timeout=60)
        assert process.returncode == -signal.SIGKILL
        committed = int((first + out).split()[-1])
        inside_a_write += any(p.suffix == ".tmp" for p in store.parent.iterdir())
        with Vault.unlock(store, PASSPHRASE).snapshot() as conn:
            found = len(people.participants(conn, f"kill-{attempt}"))
            audit.verify(conn)
        # Every write the writer saw finish is there; at most the one it was in the middle of is too.
        assert committed <= found <= committed + 1
        attempt += 1
    assert inside_a_write >= 1, "no kill landed inside a write; the test proved nothing"
    # A later write clears what a killed one left behind (ciphertext only) and the store still opens.
    vault = Vault.unlock(store, PASSPHRASE)
    with vault.transaction() as conn:
        people.add_participant(conn, cohort="after", admitted="2027-01-04")
    assert sorted(p.name for p in store.parent.iterdir()) == ["records.iopkit", "records.iopkit.lock"]


def test_two_writers_at_once_never_lose_an_update(tmp_path, store):
    each = 12
    first, second = writer(tmp_path, store, "one", each), writer(tmp_path, store, "two", each)
    for process in (first, second):
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        assert out.split()[-1] == str(each)
    with Vault.unlock(store, PASSPHRASE).snapshot() as conn:
        assert len(people.participants(conn, "one")) == each
        assert len(people.participants(conn, "two")) == each
        assert len(people.attendance(conn)) == 2 * each * 20
        entries = audit.verify(conn)
    assert len(entries) == 1 + 2 * each * 21


def test_a_second_program_waits_for_the_lock_then_says_so_in_plain_words(store):
    from filelock import FileLock

    from iopkit.errors import StoreBusyError

    vault = Vault.unlock(store, PASSPHRASE, lock_timeout=0.5)
    with FileLock(str(store.with_name(store.name + ".lock"))):
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="Another iopkit window or command is using the records store"):
            with vault.transaction():
                pass
        assert time.monotonic() - started >= 0.5
