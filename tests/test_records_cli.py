"""``iopkit records ...`` and ``iopkit today`` from a terminal, as a counselor uses them.

The canary test writes made-up names through every command and then searches the working
tree, the home folder, the temporary folder and the counselor's folder: the names may only
be inside the encrypted store (and in the PDF a person asked for, which is their own record).
"""
from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, pdf_text, run_cli
from records_support import CANARY_ALIAS, CANARY_ALIAS_2, CANARY_FIRST, PASSPHRASE, fast_env, files_with_canary


@pytest.fixture
def clinic(tmp_path, isolated_home):
    """A counselor's folder with the example cohort, a private folder for the store, and a temp folder."""
    work = tmp_path / "work"
    (work / "cohorts").mkdir(parents=True)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / "cohorts" / name)
    temp = tmp_path / "tmp"
    temp.mkdir()
    store = tmp_path / "private" / "records.iopkit"
    result = run_cli("records", "init", str(store.parent), cwd=work, env=fast_env(TMPDIR=str(temp)))
    assert result.returncode == 0, result.stderr
    assert "Recovery key (shown once, never stored):" in result.stdout
    recovery = result.stdout.split("never stored):", 1)[1].split()[0]
    return work, store, temp, recovery


def cli(clinic, *args, **env):
    work, store, temp, _ = clinic
    return run_cli(*args, cwd=work, env=fast_env(store, TMPDIR=str(temp), **env))


def test_canary_names_written_through_every_command_stay_in_the_store(clinic, isolated_home):
    work, store, temp, recovery = clinic
    added = cli(clinic, "records", "add", "--alias", CANARY_ALIAS, "--admitted", "2027-01-04", "--cohort",
                "cohorts/example.toml")
    assert added.returncode == 0, added.stderr
    first = added.stdout.strip()
    assert first.startswith("P-") and CANARY_FIRST not in added.stdout + added.stderr
    second = cli(clinic, "records", "add", "--alias", CANARY_ALIAS_2, "--admitted", "2027-01-06", "--cohort",
                 "cohorts/example.toml").stdout.strip()
    for day in ("2027-01-04", "2027-01-06", "2027-01-08"):
        assert cli(clinic, "records", "attend", day, first, "--status", "present").returncode == 0
    assert cli(clinic, "records", "attend", "2027-01-06", second, "--status", "late", "--minutes", "100",
               "--private", "yes").returncode == 0
    assert cli(clinic, "records", "attend", "2027-01-08", second, "--status", "absent").returncode == 0
    # A record in the next week closes the first one (a week still in progress is not held to the floor).
    assert cli(clinic, "records", "attend", "2027-01-11", first, "--status", "absent").returncode == 0

    ledger = cli(clinic, "records", "ledger", "--week", "2027-01-06", "--csv", str(work / "ledger.csv"))
    assert ledger.returncode == 0, ledger.stderr
    assert "NOT encrypted" in ledger.stderr and "by pseudonym only" in ledger.stderr
    assert f"{first}  {CANARY_ALIAS}" in ledger.stdout and "UNDER floor by 45 min" in ledger.stdout
    csv = (work / "ledger.csv").read_text()
    assert first in csv and "495" in csv

    today = cli(clinic, "today", "cohorts/example.toml", "--date", "2027-01-11")
    assert today.returncode == 0, today.stderr
    assert "Missed last time:" in today.stdout and f"{CANARY_ALIAS_2} ({second}): absent on Fri Jan 8" in today.stdout

    pdf = work / "exports" / f"{first}.pdf"
    export = cli(clinic, "records", "export", first, "--pdf", str(pdf))
    assert export.returncode == 0, export.stderr
    text = " ".join(pdf_text(pdf).split())
    assert "42 CFR part 2" in text and "prohibit you from making any other use or disclosure" in text
    assert first in text and CANARY_ALIAS in text and "3 of 4 groups attended" in text and "495" in text

    # The note drafts: each member in the room, pre-filled from the records, on the terminal only.
    draft = cli(clinic, "notes", "cohorts/example.toml", "--date", "2027-01-06", "--draft")
    assert draft.returncode == 0, draft.stderr
    assert f"{first} ({CANARY_ALIAS})" in draft.stdout and f"{second} ({CANARY_ALIAS_2})" in draft.stdout
    assert "arrived late" in draft.stdout and "100" in draft.stdout
    assert "printed here only" in draft.stderr
    assert not (work / "build" / "example" / "notes").exists()

    assert cli(clinic, "records", "dates", second, "--discharged", "2027-01-08").returncode == 0
    audit = cli(clinic, "records", "audit")
    assert audit.returncode == 0, audit.stderr
    assert "chain intact" in audit.stdout and f"export participant {first}" in audit.stdout
    assert CANARY_FIRST not in audit.stdout

    # The names are in the store, encrypted, and in the one PDF that person asked for: nowhere else.
    assert CANARY_FIRST.encode() not in store.read_bytes()
    leaks = files_with_canary([ROOT, isolated_home, temp, work, store.parent], allowed={store, pdf})
    assert leaks == []
    # The recovery key opens the store too.
    assert cli(clinic, "records", "audit", IOPKIT_RECORDS_PASSPHRASE=recovery).returncode == 0


def test_a_wrong_passphrase_is_a_plain_message_and_exit_2(clinic):
    result = cli(clinic, "records", "audit", IOPKIT_RECORDS_PASSPHRASE="this is not it at all")
    assert result.returncode == 2
    assert result.stderr.strip().endswith("the recovery key written down at init also opens it.")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("damage", ["truncate-body", "truncate-header", "flip-body", "garbage"])
def test_a_damaged_or_truncated_store_is_a_plain_message_and_exit_2(clinic, damage):
    _, store, _, _ = clinic
    raw = store.read_bytes()
    if damage == "truncate-body":
        store.write_bytes(raw[:-100])
    elif damage == "truncate-header":
        store.write_bytes(raw[:30])
    elif damage == "flip-body":
        store.write_bytes(raw[:-50] + bytes([raw[-50] ^ 1]) + raw[-49:])
    else:
        store.write_bytes(b"PK\x03\x04 a zip file, not a store" * 10)
    result = cli(clinic, "records", "ledger")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    if damage == "garbage":
        assert "is not an iopkit records store" in result.stderr and "Check the path" in result.stderr
    else:
        assert "is damaged" in result.stderr and "Restore the last backup copy" in result.stderr


def test_no_store_or_no_passphrase_is_a_plain_message_and_exit_2(clinic):
    work, store, temp, _ = clinic
    none = run_cli("records", "ledger", cwd=work, env={"IOPKIT_RECORDS": "", "IOPKIT_RECORDS_PASSPHRASE": ""})
    assert none.returncode == 2 and "No records store was named" in none.stderr
    missing = run_cli("records", "ledger", "--vault", str(work / "nope.iopkit"), cwd=work)
    assert missing.returncode == 2 and "There is no records store at" in missing.stderr
    no_pass = run_cli("records", "ledger", cwd=work, env={"IOPKIT_RECORDS": str(store), "IOPKIT_RECORDS_PASSPHRASE": ""})
    assert no_pass.returncode == 2 and "IOPKIT_RECORDS_PASSPHRASE" in no_pass.stderr


def test_audit_fails_in_plain_words_when_an_entry_was_edited(clinic):
    from iopkit.records.store import Vault

    _, store, _, _ = clinic
    assert cli(clinic, "records", "add", "--admitted", "2027-01-04", "--cohort", "cohorts/example.toml").returncode == 0
    with Vault.unlock(store, PASSPHRASE).transaction() as conn:
        conn.execute("UPDATE audit SET os_user = 'someone-else' WHERE seq = 2")
    result = cli(clinic, "records", "audit")
    assert result.returncode == 2
    assert "The audit trail has been changed: entry 2" in result.stderr and "privacy officer" in result.stderr


def test_init_refuses_the_project_folder_and_warns_on_cloud_sync(clinic, tmp_path):
    work, _, temp, _ = clinic
    inside = run_cli("records", "init", str(ROOT / "private-records"), cwd=work, env=fast_env())
    assert inside.returncode == 2 and "git checkout" in inside.stderr and not (ROOT / "private-records").exists()
    here = run_cli("records", "init", str(work), cwd=work, env=fast_env())
    assert here.returncode == 2 and "working folder" in here.stderr
    synced = run_cli("records", "init", str(tmp_path / "Dropbox" / "clinic"), cwd=work, env=fast_env())
    assert synced.returncode == 0 and "cloud-sync folder (Dropbox)" in synced.stderr


def test_bad_input_names_the_field_and_the_fix(clinic):
    work, _, _, _ = clinic
    full_name = cli(clinic, "records", "add", "--alias", "Samuel Robertson", "--admitted", "2027-01-04",
                    "--cohort", "cohorts/example.toml")
    assert full_name.returncode == 2 and full_name.stderr.startswith("--alias: expected a first name and a last")
    bad_date = cli(clinic, "records", "add", "--admitted", "Jan 4", "--cohort", "cohorts/example.toml")
    assert bad_date.returncode == 2 and 'got "Jan 4", expected a date written like' in bad_date.stderr
    unknown = cli(clinic, "records", "attend", "2027-01-04", "P-2222", "--status", "present")
    assert unknown.returncode == 2 and "P-2222 is not in this records store" in unknown.stderr


def test_check_notes_flags_two_notes_that_are_nearly_the_same(tmp_path):
    """Copied notes are what auditors look for: two members' texts over 80% alike are named (by file only)."""
    a, b, c = tmp_path / "p-a.txt", tmp_path / "p-b.txt", tmp_path / "p-c.txt"
    same = "Member took an active part in the urge surfing practice and named two triggers for the week. "
    a.write_text(same * 3)
    b.write_text(same * 3 + "Plans to call her sponsor.")
    c.write_text("Quiet today; said the weekend was hard and asked to meet the counselor one to one.")
    result = run_cli("check-notes", str(a), str(b), str(c))
    assert result.returncode == 1
    assert "p-a.txt and p-b.txt" in result.stdout and "alike" in result.stdout
    assert "urge surfing" not in result.stdout  # never echoes what the notes say
    assert run_cli("check-notes", str(a), str(c)).returncode == 0
