"""The records store as a library: encryption, keys, what it holds, the audit chain, the ledger,
today's brief, note drafts and where a store may live.

Every store here uses the test-only fast scrypt (``TEST_KDF``, passed explicitly)."""
from __future__ import annotations

import datetime as dt
import shutil
import struct

import pytest
from conftest import ROOT
from records_support import CANARY_ALIAS, CANARY_FIRST, PASSPHRASE, files_with_canary

from iopkit.errors import AuditChainError, RecordInputError, StoreDamagedError, StorePlaceError, StoreUnlockError
from iopkit.records import audit, people
from iopkit.records.store import MAGIC, PRODUCTION_KDF, TEST_KDF, Vault, default_kdf, parse_recovery_key

MON = dt.date(2027, 1, 4)  # the example cohort's first group (Mon/Wed/Fri)


@pytest.fixture
def vault(tmp_path):
    made, recovery = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=TEST_KDF)
    made.recovery = recovery
    return made


@pytest.fixture
def cohort(tmp_path):
    from iopkit.content.curriculum import load_curriculum
    from iopkit.planning.cohort import load_cohort

    folder = tmp_path / "cohorts"
    folder.mkdir()
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, folder / name)
    curriculum = load_curriculum()
    return load_cohort(folder / "example.toml", curriculum=curriculum), curriculum


# ---------------------------------------------------------------- the file

def test_the_store_file_holds_no_plaintext_and_opens_with_passphrase_or_recovery_key(vault):
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=MON, alias=CANARY_ALIAS)
        people.record_attendance(conn, MON, person.pseudonym, "present", 165)
    raw = vault.path.read_bytes()
    assert raw.startswith(MAGIC)
    for plain in (CANARY_FIRST.encode(), person.pseudonym.encode(), b"participants", b"SQLite format"):
        assert plain not in raw
    for secret in (PASSPHRASE, vault.recovery, vault.recovery.lower().replace("-", " ")):
        with Vault.unlock(vault.path, secret).snapshot() as conn:
            assert people.participant(conn, person.pseudonym).alias == CANARY_ALIAS
    assert parse_recovery_key(vault.recovery) is not None and len(vault.recovery.replace("-", "")) == 32


def test_a_wrong_passphrase_is_refused_in_plain_words(vault):
    with pytest.raises(StoreUnlockError, match="That passphrase does not open the records store"):
        Vault.unlock(vault.path, "not the passphrase at all")


def test_a_changed_header_fails_like_a_changed_body(vault):
    """The whole header is associated data: changing the stored cost parameter's text is caught."""
    raw = bytearray(vault.path.read_bytes())
    prefix = struct.calcsize(">8sHI")
    length = struct.unpack_from(">I", raw, 10)[0]
    header = bytes(raw[prefix:prefix + length])
    changed = header.replace(b'"r":8', b'"r":9')
    assert changed != header
    vault.path.write_bytes(bytes(raw[:prefix]) + changed + bytes(raw[prefix + length:]))
    with pytest.raises((StoreUnlockError, StoreDamagedError)):
        Vault.unlock(vault.path, PASSPHRASE)


@pytest.mark.parametrize("cut", [5, 20, -1, -40])
def test_a_truncated_store_is_reported_as_damaged(vault, cut):
    raw = vault.path.read_bytes()
    vault.path.write_bytes(raw[:cut])
    with pytest.raises(StoreDamagedError, match="damaged or cut short"):
        Vault.unlock(vault.path, PASSPHRASE)


def test_a_file_that_is_not_a_store_says_so(tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("hello, this is not a records store at all")
    with pytest.raises(StoreDamagedError, match="is not an iopkit records store"):
        Vault.unlock(other, PASSPHRASE)


def test_writes_leave_no_temporary_files_and_clean_up_after_a_cut_off_write(vault):
    stale = vault.path.parent / f".{vault.path.name}.deadbeef.tmp"
    stale.write_bytes(b"ciphertext from a write that was killed")
    with vault.transaction() as conn:
        people.add_participant(conn, cohort="example", admitted=MON)
    names = sorted(p.name for p in vault.path.parent.iterdir())
    assert names == ["records.iopkit", "records.iopkit.lock"]
    assert (vault.path.stat().st_mode & 0o777) == 0o600


def test_a_store_made_with_test_settings_warns_when_opened(vault):
    assert any("test settings" in w for w in Vault.unlock(vault.path, PASSPHRASE).warnings)


def test_the_fast_scrypt_knob_works_only_inside_a_pytest_run(monkeypatch):
    monkeypatch.setenv("IOPKIT_RECORDS_TEST_KDF", "fast")
    assert default_kdf() == TEST_KDF
    monkeypatch.delenv("PYTEST_CURRENT_TEST")
    assert default_kdf() == PRODUCTION_KDF
    assert PRODUCTION_KDF.n >= 2**17


def test_changing_the_passphrase_keeps_the_recovery_key(vault, monkeypatch):
    monkeypatch.setenv("IOPKIT_RECORDS_TEST_KDF", "fast")
    vault.change_passphrase("a brand new passphrase here")
    Vault.unlock(vault.path, "a brand new passphrase here")
    Vault.unlock(vault.path, vault.recovery)
    with pytest.raises(StoreUnlockError):
        Vault.unlock(vault.path, PASSPHRASE)


def test_a_locked_vault_refuses_to_read(vault):
    vault.lock()
    with pytest.raises(StoreUnlockError, match="is locked"):
        with vault.transaction():
            pass


# ---------------------------------------------------------------- where a store may live

def test_init_refuses_a_folder_inside_a_git_checkout_or_program_folder(tmp_path):
    with pytest.raises(StorePlaceError, match="git checkout"):
        Vault.create(ROOT / "records-here", PASSPHRASE, kdf=TEST_KDF)
    program = tmp_path / "program"
    (program / "curriculum").mkdir(parents=True)
    with pytest.raises(StorePlaceError, match="holds curriculum/"):
        Vault.create(program / "private" / "store.iopkit", PASSPHRASE, kdf=TEST_KDF)
    assert not (ROOT / "records-here").exists() and not (program / "private").exists()


def test_init_warns_on_a_cloud_sync_folder(tmp_path):
    made, _ = Vault.create(tmp_path / "Dropbox (Clinic)" / "records", PASSPHRASE, kdf=TEST_KDF)
    assert any("cloud-sync folder (Dropbox (Clinic))" in w for w in made.warnings)
    made, _ = Vault.create(tmp_path / "OneDrive - Riverbend" / "r", PASSPHRASE, kdf=TEST_KDF)
    assert any("OneDrive - Riverbend" in w for w in made.warnings)
    plain, _ = Vault.create(tmp_path / "clinic-records", PASSPHRASE, kdf=TEST_KDF)
    assert not [w for w in plain.warnings if "cloud-sync folder" in w]


def test_init_never_replaces_a_store_and_wants_a_real_passphrase(vault):
    with pytest.raises(StorePlaceError, match="already exists"):
        Vault.create(vault.path, PASSPHRASE, kdf=TEST_KDF)
    with pytest.raises(StoreUnlockError, match="too short"):
        Vault.create(vault.path.parent.parent / "other", "short", kdf=TEST_KDF)


# ---------------------------------------------------------------- what it holds

@pytest.mark.parametrize("typed, stored", [("Sam R.", "Sam R."), ("sam r", "Sam R."), ("  Mary-Jo  k. ", "Mary-Jo K."),
                                           ("José M.", "José M."), ("", None)])
def test_an_alias_is_a_first_name_and_last_initial(typed, stored):
    assert people.check_alias(typed) == stored


@pytest.mark.parametrize("typed", ["Sam Robertson", "Sam R. Jones", "Sam 2", "sam@example.org", "S. R.", "Sam"])
def test_anything_more_than_first_name_and_initial_is_refused(typed):
    with pytest.raises(RecordInputError, match="first name and a last initial"):
        people.check_alias(typed)


def test_pseudonyms_are_random_unique_and_unambiguous(vault):
    with vault.transaction() as conn:
        made = [people.add_participant(conn, cohort="example", admitted=MON).pseudonym for _ in range(60)]
    assert len(set(made)) == 60
    assert all(people.PSEUDONYM_PATTERN.match(p) for p in made)
    assert not set("".join(p[2:] for p in made)) & set("01OIL5S8BZUV")


def test_the_schema_has_no_field_for_other_identifiers(vault):
    with vault.snapshot() as conn:
        columns = {row[1] for table in ("participants", "attendance")
                   for row in conn.execute(f"PRAGMA table_info({table})")}
    assert columns == {"pseudonym", "alias", "cohort", "admitted", "stepped_down", "discharged", "date", "status",
                       "minutes", "telehealth_private"}


def test_attendance_rules(vault):
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=MON)
        assert people.record_attendance(conn, MON, person.pseudonym, "absent").minutes == 0
        with pytest.raises(RecordInputError, match="--status"):
            people.record_attendance(conn, MON, person.pseudonym, "here")
        with pytest.raises(RecordInputError, match="countable minutes for someone marked late"):
            people.record_attendance(conn, MON, person.pseudonym, "late")
        with pytest.raises(RecordInputError, match="on or after"):
            people.record_attendance(conn, MON - dt.timedelta(days=1), person.pseudonym, "present", 165)
        with pytest.raises(RecordInputError, match="is not in this records store"):
            people.record_attendance(conn, MON, "P-2222", "present", 165)
        people.record_attendance(conn, MON, person.pseudonym, "left early", 90, telehealth_private=True)
        (visit,) = people.attendance(conn, person.pseudonym)
    assert (visit.status, visit.minutes, visit.telehealth_private) == ("left-early", 90, True)


# ---------------------------------------------------------------- the audit chain

def _trail(vault, n=4):
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=MON)
        for i in range(n):
            people.record_attendance(conn, MON + dt.timedelta(days=2 * i), person.pseudonym, "present", 165)
    return person


def test_the_audit_chain_verifies_and_names_who_did_what(vault):
    person = _trail(vault)
    with vault.snapshot() as conn:
        entries = audit.verify(conn)
    assert [e.action for e in entries] == ["init", "add", "attend", "attend", "attend", "attend"]
    assert all(e.os_user for e in entries) and entries[1].pseudonym == person.pseudonym
    text = audit.summary(entries, "store", today=entries[-1].at.date())
    assert "6 entries, chain intact" in text and "4 attendance entries saved" in text


@pytest.mark.parametrize("tamper, message", [
    ("UPDATE audit SET action = 'view' WHERE seq = 3", "entry 3 .* was edited"),
    ("UPDATE audit SET pseudonym = 'P-2222' WHERE seq = 2", "entry 2 .* was edited"),
    ("DELETE FROM audit WHERE seq = 3", "entry 3 is missing or out of order"),
    ("DELETE FROM audit WHERE seq = 6", "the last ones were removed"),
    ("DELETE FROM audit WHERE seq = 1", "entry 1 is missing"),
])
def test_editing_or_deleting_one_audit_entry_fails_the_audit(vault, tamper, message):
    _trail(vault)
    with vault.transaction() as conn:
        conn.execute(tamper)
    with vault.snapshot() as conn, pytest.raises(AuditChainError, match=message):
        audit.verify(conn)


def test_reordering_two_audit_entries_fails_the_audit(vault):
    _trail(vault)
    with vault.transaction() as conn:
        a = dict(conn.execute("SELECT * FROM audit WHERE seq = 3").fetchone())
        b = dict(conn.execute("SELECT * FROM audit WHERE seq = 4").fetchone())
        for row, seq in ((a, 4), (b, 3)):
            conn.execute("UPDATE audit SET at=?, os_user=?, action=?, record_type=?, pseudonym=?, prev=?, hash=? "
                         "WHERE seq=?", (row["at"], row["os_user"], row["action"], row["record_type"],
                                         row["pseudonym"], row["prev"], row["hash"], seq))
    with vault.snapshot() as conn, pytest.raises(AuditChainError, match="entry 3"):
        audit.verify(conn)


# ---------------------------------------------------------------- the ledger

def test_the_ledger_counts_minutes_per_week_against_the_floor(vault, tmp_path):
    from iopkit.records.ledger import cohort_floors, ledger_frame, weekly_minimum

    shutil.copy(ROOT / "cohorts" / "example.toml", tmp_path / "example.toml")
    assert weekly_minimum(tmp_path / "example.toml") == (540, "default for adult ASAM Level 2.1")
    strict = tmp_path / "strict.toml"
    strict.write_text((ROOT / "cohorts" / "example.toml").read_text()
                      .replace("[level_of_care]", "[level_of_care]\nweekly_minimum_minutes = 480", 1))
    assert weekly_minimum(strict)[0] == 480
    with vault.transaction() as conn:
        full = people.add_participant(conn, cohort=strict, admitted=MON)
        short = people.add_participant(conn, cohort=strict, admitted=MON)
        late_joiner = people.add_participant(conn, cohort=strict, admitted=MON + dt.timedelta(days=2))
        for day in (MON, MON + dt.timedelta(days=2), MON + dt.timedelta(days=4)):
            people.record_attendance(conn, day, full.pseudonym, "present", 165)
            people.record_attendance(conn, day, short.pseudonym, "present" if day == MON else "absent",
                                     165 if day == MON else None)
        people.record_attendance(conn, MON + dt.timedelta(days=2), late_joiner.pseudonym, "late", 120)
        people.record_attendance(conn, MON + dt.timedelta(days=7), full.pseudonym, "present", 165)
        frame = ledger_frame(conn, week=MON + dt.timedelta(days=3), floors=cohort_floors([strict]),
                             today=dt.date(2027, 2, 1))
    rows = {r.pseudonym: r for r in frame.itertuples()}
    assert (rows[full.pseudonym].minutes, rows[full.pseudonym].hours, rows[full.pseudonym].status) == (
        495, 8.25, "meets floor")
    assert (rows[short.pseudonym].minutes, rows[short.pseudonym].status, rows[short.pseudonym].short_minutes) == (
        165, "UNDER floor", 315)
    assert rows[late_joiner.pseudonym].status == "partial week (admitted)"
    assert set(frame["floor_minutes"]) == {480}


# ---------------------------------------------------------------- today's brief and note drafts

def test_todays_brief_names_new_leaving_missed_and_short(vault, cohort):
    from iopkit.planning.plan import plan_join
    from iopkit.records.today import brief

    cohort, curriculum = cohort
    wed, fri, mon2, wed2 = (MON + dt.timedelta(days=d) for d in (2, 4, 7, 9))
    with vault.transaction() as conn:
        steady = people.add_participant(conn, cohort=cohort, admitted=MON, alias="Ann B.")
        missed = people.add_participant(conn, cohort=cohort, admitted=MON, alias="Cal D.")
        newcomer = people.add_participant(conn, cohort=cohort, admitted=wed2, alias="Eve F.")
        for day in (MON, wed, fri, mon2):
            people.record_attendance(conn, day, steady.pseudonym, "present", 165)
            people.record_attendance(conn, day, missed.pseudonym, "absent" if day == mon2 else "present",
                                     None if day == mon2 else 165)
        result = brief(conn, cohort, curriculum, wed2)
    text = result.render()
    assert "Facilitator only" in text and result.meets_today
    assert [line.split(":")[0] for line in result.new] == ["Eve F. (P-" + newcomer.pseudonym[2:] + ")"]
    assert len(result.missed) == 1 and missed.pseudonym in result.missed[0] and "absent on Mon Jan 11" in text
    assert len(result.under_floor) == 1 and missed.pseudonym in result.under_floor[0]
    assert result.last_three == []
    # Near the end of a member's 36 groups, they are in their last three.
    ending = plan_join(cohort, curriculum, MON).sessions[-2].date
    with vault.snapshot() as conn:
        late = brief(conn, cohort, curriculum, ending)
    assert any(steady.pseudonym in line and "2 groups left" in line for line in late.last_three)


def test_prefill_gives_each_member_in_the_room_and_their_minutes(vault, cohort, isolated_home):
    from iopkit.records.drafts import prefill

    cohort, _ = cohort
    with vault.transaction() as conn:
        a = people.add_participant(conn, cohort=cohort, admitted=MON, alias=CANARY_ALIAS)
        b = people.add_participant(conn, cohort=cohort, admitted=MON)
        c = people.add_participant(conn, cohort=cohort, admitted=MON)
        other = people.add_participant(conn, cohort="another-group", admitted=MON)
        people.record_attendance(conn, MON, a.pseudonym, "present", 165)
        people.record_attendance(conn, MON, b.pseudonym, "late", 140, telehealth_private=True)
        people.record_attendance(conn, MON, c.pseudonym, "absent")
        people.record_attendance(conn, MON, other.pseudonym, "present", 165)
    rows = prefill(vault, cohort, MON)
    assert files_with_canary([isolated_home, vault.path.parent.parent], allowed={vault.path}) == []
    assert {r["pseudonym"]: (r["status"], r["minutes"]) for r in rows} == {
        a.pseudonym: ("present", 165), b.pseudonym: ("late", 140)}
    assert next(r for r in rows if r["pseudonym"] == a.pseudonym)["alias"] == CANARY_ALIAS
    assert next(r for r in rows if r["pseudonym"] == b.pseudonym)["telehealth_private_location"] is True
    with vault.snapshot() as conn:
        assert audit.verify(conn)[-1].action == "view"


def test_the_clone_check_flags_notes_more_than_80_percent_alike():
    from iopkit.records.drafts import clone_check

    base = ("Member shared a plan to call a sponsor when cravings rise after work, and practiced the urge-surfing "
            "exercise with the group. Member said the breathing helped.")
    pairs = clone_check({
        "P-2AAA": base,
        "P-3CCC": base.replace("a sponsor", "her sister"),
        "P-4DDD": "Member was quiet, listened to others, and named one trigger: payday. Plans to bring it up next time.",
        "P-6EEE": "",
    })
    assert [(p.first, p.second) for p in pairs] == [("P-2AAA", "P-3CCC")]
    assert pairs[0].ratio > 0.8 and "alike" in pairs[0].message()


def test_a_header_asking_for_absurd_scrypt_settings_is_damaged_not_obeyed(vault):
    raw = vault.path.read_bytes()
    prefix = struct.calcsize(">8sHI")
    length = struct.unpack_from(">I", raw, 10)[0]
    header = raw[prefix:prefix + length].replace(f'"n":{TEST_KDF.n}'.encode(), f'"n":{2**30}'.encode())
    vault.path.write_bytes(struct.pack(">8sHI", MAGIC, 1, len(header)) + header + raw[prefix + length:])
    with pytest.raises(StoreDamagedError, match="its header cannot be read"):
        Vault.unlock(vault.path, PASSPHRASE)
