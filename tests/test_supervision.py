"""Supervision and the program view: fidelity forms with sign-off, the synthetic program, the dashboard.

Every dashboard figure is checked against numbers worked out by hand from the records the demo
generator wrote for a fixed seed (the listings are in the comments). The generator draws its
choices with ``random.Random(seed)`` in a fixed order; the fidelity forms also depend on how many
fidelity items sessions 1-8 have. If a session's item count or the generator changes, these
numbers must be worked out again by hand from a new listing (``tests/test_supervision.py`` says
how: print ``people.attendance``, ``administrations_in`` and ``fidelity.forms`` for the store).
"""
from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from conftest import ROOT, pdf_text, run_cli
from records_support import PASSPHRASE, fast_env

from iopkit.errors import RecordInputError
from iopkit.records import audit, fidelity
from iopkit.records.store import TEST_KDF, Vault

WED = dt.date(2027, 1, 6)  # the example cohort's second group: session 2, Automatic Pilot


@pytest.fixture(scope="module")
def curriculum():
    from iopkit.content.curriculum import load_curriculum

    return load_curriculum()


@pytest.fixture(scope="module")
def example(curriculum):
    from iopkit.planning.cohort import load_cohort

    return load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)


@pytest.fixture
def vault(tmp_path):
    made, _ = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=TEST_KDF)
    return made


def _demo(tmp_path_factory, example, curriculum, *, weeks, initial, seed):
    from iopkit.records import dashboard, demo

    made, _ = Vault.create(tmp_path_factory.mktemp("demo") / "vault", PASSPHRASE, kdf=TEST_KDF)
    demo.make_demo(made, [example], curriculum, seed=seed, weeks=weeks, initial=initial, weekly=(0,))
    with made.snapshot() as conn:
        view = dashboard.compute(conn, [example], curriculum)
    return made, view


@pytest.fixture(scope="module")
def small(tmp_path_factory, example, curriculum):
    """Three weeks, two people, seed 6: the fidelity figures are worked out from this one."""
    return _demo(tmp_path_factory, example, curriculum, weeks=3, initial=2, seed=6)


@pytest.fixture(scope="module")
def long(tmp_path_factory, example, curriculum):
    """Fourteen weeks, three people, seed 2: retention, step-down, completion, not on track."""
    return _demo(tmp_path_factory, example, curriculum, weeks=14, initial=3, seed=2)


def _session(example, curriculum, day=WED):
    return fidelity.session_of_day(example, curriculum, day)


# ---------------------------------------------------------------- the form


def test_the_form_is_the_sessions_own_fidelity_items_with_anchored_ratings_and_no_certification(example, curriculum):
    """The form lists the session's fidelity items from its YAML file, the five global ratings with
    anchors for 1, 3 and 5, and says plainly it certifies nobody in CRA or MBRP."""
    session = _session(example, curriculum)
    assert session.position == 2 and session.title.startswith("Automatic Pilot")
    import yaml

    (source,) = [p for p in (ROOT / "curriculum" / "sessions").glob("*.yaml")
                 if yaml.safe_load(p.read_text(encoding="utf-8")).get("id") == session.session]
    assert list(session.items) == [str(t) for t in yaml.safe_load(source.read_text(encoding="utf-8"))["fidelity"]]
    text = fidelity.blank_form_text(session, "self")
    for item in session.items:
        assert item in text
    for name in ("Warmth and collaborative spirit", "Pacing to the clock", "Handling hard moments",
                 "Drawing people in", "Safety follow-up"):
        assert name in text
    assert "not a certification" in text and "CRA" in text and "MBRP" in text
    assert "Self-rating (after the group, about two minutes)" in text
    assert "Supervisor observation" in fidelity.blank_form_text(session, "supervisor")


def test_a_day_without_a_group_and_a_facilitator_not_in_the_cohort_file_are_plain_messages(example, curriculum):
    with pytest.raises(RecordInputError, match=r"no group on 2027-01-05 .*2027-01-04 or 2027-01-06"):
        fidelity.session_of_day(example, curriculum, dt.date(2027, 1, 5))
    session = _session(example, curriculum)
    with pytest.raises(RecordInputError, match="facilitators: Jordan Rivera, LADC; Sam Chen, LCSW"):
        fidelity.new_form(session, mode="self", facilitator="Pat Doe", rater=None, items=["done"] * 8,
                          ratings=dict.fromkeys(fidelity.GLOBAL_KEYS, 4), different="")


@pytest.mark.parametrize("items, ratings, message", [
    (["done"] * 7, [4] * 5, "got 7 answers, expected 8"),
    (["done"] * 7 + ["maybe"], [4] * 5, 'item 8: got "maybe", expected done, partly, not done or n.a.'),
    (["done"] * 8, [4, 4, 4, 4, 6], 'Safety follow-up: got "6", expected a whole number from 1 to 5'),
    (["done"] * 8, [4, 4, "3.5", 4, 4], 'Handling hard moments: got "3.5"'),
])
def test_bad_answers_are_refused_with_the_item_named(example, curriculum, items, ratings, message):
    session = _session(example, curriculum)
    with pytest.raises(RecordInputError, match=re.escape(message)):
        fidelity.new_form(session, mode="self", facilitator="Sam Chen", rater=None, items=items,
                          ratings=dict(zip(fidelity.GLOBAL_KEYS, ratings)), different="")


def test_a_self_rating_names_the_facilitator_as_the_cohort_file_writes_them(example, curriculum, vault):
    session = _session(example, curriculum)
    form = fidelity.new_form(session, mode="self", facilitator="sam chen", rater=None,
                             items=["done", "partly", "not done", "n.a.", "done", "done", "done", "done"],
                             ratings=dict(zip(fidelity.GLOBAL_KEYS, [5, 4, 3, 4, 5])), different="Start the scan earlier.")
    assert form.facilitator == "Sam Chen, LCSW" and form.rater == "Sam Chen, LCSW"
    # 7 applicable items (n.a. left out): 5 done + 0.5 partly + 0 not done = 5.5 of 7
    assert form.adherence() == pytest.approx(5.5 / 7)
    with vault.transaction() as conn:
        fidelity.save_form(conn, form)
    with vault.snapshot() as conn:
        (stored,) = fidelity.forms(conn)
        actions = [(e.action, e.record_type, e.pseudonym) for e in audit.verify(conn)]
    assert stored.items == form.items and stored.ratings == form.ratings and stored.mode == "self"
    assert ("fidelity", "fidelity", None) in actions
    with pytest.raises(RecordInputError, match="--rater"):
        fidelity.new_form(session, mode="supervisor", facilitator="Sam Chen", rater="", items=["done"] * 8,
                          ratings=dict.fromkeys(fidelity.GLOBAL_KEYS, 4), different="")


def _signed(vault, example, curriculum):
    session = _session(example, curriculum)
    form = fidelity.new_form(session, mode="supervisor", facilitator="Jordan Rivera", rater="Morgan Lee",
                             items=["done"] * 6 + ["partly", "done"], ratings=dict.fromkeys(fidelity.GLOBAL_KEYS, 4),
                             different="")
    with vault.transaction() as conn:
        fidelity.save_form(conn, form)
        fidelity.sign_form(conn, form.id, name="Morgan Lee", credential="LICSW", feedback="You waited for answers.",
                           plan="Timebox check-in to 25 minutes.", now=dt.datetime(2027, 1, 8, 15, tzinfo=dt.timezone.utc))
    return form.id


def test_a_signed_form_keeps_a_sha256_and_any_later_edit_shows_as_changed(example, curriculum, vault):
    """Sign-off: feedback, a plan item, name, credential and time; the hash covers all of it."""
    number = _signed(vault, example, curriculum)
    with vault.snapshot() as conn:
        (check,) = fidelity.verify(conn)
        form = check.form
    assert check.state == "signed, unchanged"
    assert form.signed_at == "2027-01-08T15:00:00+00:00" and form.signed_credential == "LICSW"
    assert re.fullmatch(r"[0-9a-f]{64}", form.signed_hash)
    with vault.transaction() as conn:
        with pytest.raises(RecordInputError, match="is not signed again"):
            fidelity.sign_form(conn, number, name="X Y", credential="LADC", feedback="f", plan="p")
    for column, value in (("different", "Edited later."), ("items", '[["x", "done"]]'), ("signed_credential", "LADC")):
        with vault.transaction() as conn:
            before = conn.execute(f"SELECT {column} FROM fidelity WHERE id = ?", (number,)).fetchone()[0]
            conn.execute(f"UPDATE fidelity SET {column} = ? WHERE id = ?", (value, number))
        with vault.snapshot() as conn:
            assert fidelity.verify(conn)[0].state == "CHANGED after signing", column
        with vault.transaction() as conn:
            conn.execute(f"UPDATE fidelity SET {column} = ? WHERE id = ?", (before, number))
    with vault.snapshot() as conn:
        assert fidelity.verify(conn)[0].state == "signed, unchanged"
        actions = [e.action for e in audit.verify(conn)]
    assert actions.count("sign") == 1


def test_a_signed_form_exports_to_pdf_for_the_supervision_log(example, curriculum, vault, tmp_path):
    number = _signed(vault, example, curriculum)
    out = fidelity.export_pdf(vault, number, tmp_path / "log" / "form.pdf")
    text = " ".join(pdf_text(out).split())
    for words in ("Fidelity form: Supervisor observation", "Jordan Rivera, LADC", "Morgan Lee, LICSW",
                  "Timebox check-in to 25 minutes.", "signed, unchanged", "not a certification",
                  "Automatic Pilot"):
        assert words in text, words
    assert [p.name for p in out.parent.iterdir()] == ["form.pdf"]  # nothing half-written beside it
    unsigned = fidelity.new_form(_session(example, curriculum), mode="self", facilitator="Sam Chen", rater=None,
                                 items=["done"] * 8, ratings=dict.fromkeys(fidelity.GLOBAL_KEYS, 3), different="")
    with vault.transaction() as conn:
        fidelity.save_form(conn, unsigned)
    with pytest.raises(RecordInputError, match="not signed yet"):
        fidelity.export_pdf(vault, unsigned.id, tmp_path / "unsigned.pdf")
    assert not (tmp_path / "unsigned.pdf").exists()


def test_the_form_template_escapes_what_people_type(example, curriculum):
    form = fidelity.new_form(_session(example, curriculum), mode="self", facilitator="Sam Chen", rater=None,
                             items=["done"] * 8, ratings=dict.fromkeys(fidelity.GLOBAL_KEYS, 3),
                             different="<script>alert(1)</script>")
    form.signed_hash, form.feedback, form.plan = "0" * 64, "<b>x</b>", "p"
    form.signed_name, form.signed_credential, form.signed_at = "A B", "LADC", "2027-01-08T15:00:00+00:00"
    html = fidelity.form_html(form, program="Clinic", state="signed, unchanged")
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>x</b>" not in html


# ---------------------------------------------------------------- the dashboard, worked by hand


def _row(view, slug="example"):
    frame = view.cohorts
    return frame[frame["cohort"] == slug].iloc[0].to_dict()


def test_small_program_figures_match_the_hand_count(small):
    """Seed 6, three weeks (to Sun Jan 24, 2027), two people admitted Mon Jan 4. The store holds:

    calendar (example cohort, MLK day Jan 18 skipped): Jan 4, 6, 8, 11, 13, 15, 20, 22 -> 8 planned
    person A: Jan 4 late 135, 6 present, 8 present, 11 present, 15 present, 20 present, 22 late 135
    person B: Jan 4 present, Tue 5 individual 60, 6, 8, 11, 15, 20, 22 present (165 each)
    Nobody on Jan 13 (cancelled)              -> delivered 7 of 8
    group-day entries 7 + 7 = 14, none absent -> attendance 14 of 14
    admitted Jan 4, day 30 is Feb 3 > Jan 24  -> nobody due for 30-day retention
    floor 540 a week (example.toml has no [level_of_care]):
      week Jan 4: A 135+165+165=465 under; B 165+60+165+165=555 meets
      week Jan 11: A 330, B 330 under; week Jan 18 is still in progress on Jan 24 (not held)
      -> 1 of 4 participant-weeks at or above the floor
    PHQ-9: A 20 (Jan 4), 20 (Jan 20); B 13, 14 -> 2 measured twice; 16 days apart, no change of 5+:
      nobody not on track
    """
    _, view = small
    assert view.as_of == dt.date(2027, 1, 24) and view.demo
    row = _row(view)
    assert (row["planned"], row["delivered"]) == (8, 7)
    assert row["admissions"] == 2
    assert (row["attended"], row["entries"]) == (14, 14)
    assert row["retention_due"] == 0 and row["retained"] == 0
    assert (row["step_downs"], row["completions"]) == (0, 0)
    assert (row["floor_met"], row["floor_weeks"]) == (1, 4)
    assert (row["measured_twice"], row["not_on_track"]) == (2, 0)
    assert view.admissions.loc[dt.date(2027, 1, 4), "example"] == 2
    assert list(view.admissions["example"]) == [2, 0, 0]  # weeks of Jan 4, 11, 18
    assert view.notes_exported == "not tracked"


def test_small_program_fidelity_figures_match_the_hand_count(small):
    """The six forms of seed 6 (d done, p partly, x not done, - n.a.; globals warmth..safety):

    1 Jan 4  s1 self Jordan  p d d - p d x d   3 5 4 4 4  -> 5 of 7 = 71.4%, mean 4.0
    2 Jan 6  s2 self Sam     d d d d d d d d   5 3 5 5 3  -> 8/8 = 100%, 4.2
    3 Jan 8  s3 self Jordan  d d x d d d d     3 5 4 3 3  -> 6/7 = 85.7%, 3.6
    4 Jan 8  s3 supv Jordan  d d d - d d d     4 5 5 2 3  -> 6/6 = 100%, 3.8 (signed)
    5 Jan 15 s6 self Sam     d d p d d d d d   4 4 4 5 4  -> 7.5/8 = 93.75%, 4.2
    6 Jan 22 s8 self Sam     d d d d d - d d   3 3 4 5 3  -> 7/7 = 100%, 3.6
    Jordan self: (71.4 + 85.7) / 2 = 78.6% -> "79%", ratings (4.0 + 3.6) / 2 = 3.8
    Jordan supervisor: 100%, 3.8; Sam self: (100 + 93.75 + 100) / 3 = 97.9% -> "98%", (4.2+4.2+3.6)/3 = 4.0
    Self against supervisor (forms 3 and 4): items alike 5 of 7 (item 3 x/d, item 4 d/-) = 71%;
    globals self 18, supervisor 19 -> (18 - 19) / 5 = -0.2
    """
    from iopkit.records.dashboard import facilitator_rows, sessions_fidelity_rows

    _, view = small
    rows = [(r["facilitator"], r["mode"], r["forms"], r["adherence"], r["global"]) for r in facilitator_rows(view)]
    assert rows == [("Jordan Rivera, LADC", "self-rating", 2, "79%", "3.8"),
                    ("Jordan Rivera, LADC", "supervisor", 1, "100%", "3.8"),
                    ("Sam Chen, LCSW", "self-rating", 3, "98%", "4.0")]
    supervisor = facilitator_rows(view)[1]["agreement"]
    assert supervisor == ("71% of items alike in 1 pair (same group, self-rating and observation); self minus "
                          "supervisor -0.2 on the 1-5 ratings")
    sessions = [(r["position"], r["mode"], r["forms"], r["adherence"], r["global"]) for r in sessions_fidelity_rows(view)]
    assert sessions == [(1, "self-rating", 1, "71%", "4.0"), (2, "self-rating", 1, "100%", "4.2"),
                        (3, "self-rating", 1, "86%", "3.6"), (3, "supervisor", 1, "100%", "3.8"),
                        (6, "self-rating", 1, "94%", "4.2"), (8, "self-rating", 1, "100%", "3.6")]
    # A facilitator sees their own rows first; otherwise alphabetical, never by score.
    assert [r["facilitator"] for r in facilitator_rows(view, "Sam Chen")][0] == "Sam Chen, LCSW"


def test_long_program_figures_match_the_hand_count(long):
    """Seed 2, fourteen weeks (to Sun Apr 11, 2027), three people admitted Mon Jan 4; 39 planned groups
    (Jan 18, Feb 15 holidays and the Mar 15 closure skipped).

    C (stops after Jan 13): present Jan 4-13 (5), absent Jan 15, 20, 22, 25, 27, discharged Fri Jan 29
    S (steps down Fri Mar 5): absent Jan 4 and 6, then present at every group to Mar 5 (late Feb 19):
      24 group entries, 22 attended; individual sessions Tue Jan 5, Tue Jan 12, Mon Feb 15 (not groups)
    W (completes): 36 group entries, absent Jan 13, 20, 22, Feb 12, Mar 1, Apr 5 -> 30 attended;
      discharged Wed Apr 7, after the 36th group of their join plan (Apr 2): a completion
    Groups nobody attended: Feb 26 and Mar 19 (cancelled), Apr 5 (W absent, the only member),
      Apr 9 (nobody left) -> delivered 35 of 39
    attendance: (5 + 22 + 30) of (10 + 24 + 36) = 57 of 70
    30-day retention (day 30 = Feb 3; all three due): S and W came after Feb 3, C did not -> 2 of 3
    floor (540 a week): C weeks Jan 4 (495), 11 (330), 18 (0) under, Jan 25 partial (discharge);
      S: Jan 11 (165+60+165+165 = 555) meets, 7 other weeks to Feb 22 under, Mar 1 stepped down;
      W: Jan 4 (555) meets, 12 other weeks to Mar 29 under, Apr 5 partial -> 2 of 24
    PHQ-9: C once (19); S 11, 12, 13, 14, 14 (Jan 8 to Mar 5: 8 weeks, not better, not in the lowest
      band) -> not on track; W 17 down to 8 -> on track. Measured twice: S and W.
    """
    _, view = long
    row = _row(view)
    assert (row["planned"], row["delivered"]) == (39, 35)
    assert row["admissions"] == 3
    assert (row["attended"], row["entries"]) == (57, 70)
    assert (row["retained"], row["retention_due"]) == (2, 3)
    assert (row["step_downs"], row["completions"]) == (1, 1)
    assert (row["floor_met"], row["floor_weeks"]) == (2, 24)
    assert (row["measured_twice"], row["not_on_track"]) == (2, 1)
    (who, reasons), = view.not_on_track.items()
    assert re.fullmatch(r"P-[A-Z0-9]{4}", who) and "has not improved after 8 weeks (11 then, 14 now)" in reasons[0]


def test_inside_the_program_exact_counts_and_pseudonyms(long):
    from iopkit.records.dashboard import render_html, render_text

    _, view = long
    (who,) = view.not_on_track
    text = render_text(view)
    assert "35 of 39" in text and "81% (57 of 70)" in text and "67% (2 of 3)" in text and "8% (2 of 24)" in text
    assert who in text and "SYNTHETIC DEMO" in text and "Notes exported: not tracked" in text
    page = render_html(view, export=False)
    assert who in page and "<svg" in page and "Admissions per week" in page


def test_exports_are_aggregated_with_small_cells_hidden_and_no_pseudonyms(long, small):
    """Every count of people from 1 to 10 shows as <11; a rate is hidden when its numerator, denominator
    or their difference is 1-10; no pseudonym anywhere; attendance 57 of 70 (13 absent) may show."""
    from iopkit.records.dashboard import render_html, to_csv

    _, view = long
    csv_text = to_csv(view).decode()
    page = render_html(view, export=True)
    for out in (csv_text, page):
        assert not re.search(r"P-[2-9A-Z]{4}", out)
        assert "Not on track (facilitator" not in out and "Admissions per week" not in out
    lines = {line.split(",")[0]: line.split(",")[1:] for line in csv_text.splitlines() if line}
    assert lines["Admissions"] == ["<11", "<11"]
    assert lines["Step-downs"] == ["<11", "<11"] and lines["Completions"] == ["<11", "<11"]
    assert lines["Attendance entries"] == ["70", "70"]
    assert lines["Attendance rate"] == ["81%", "81%"]
    assert lines["30-day retention"] == ["hidden (<11)", "hidden (<11)"]
    assert lines["Participant-weeks at or above the hours floor"] == ["hidden (<11)", "hidden (<11)"]
    assert lines["Sessions delivered of planned"] == ["35 of 39", "35 of 39"]
    for label in ("Admissions", "Step-downs", "Completions", "People measured at least twice", "Not on track"):
        assert not any(re.fullmatch(r"([1-9]|10)", cell) for cell in lines[label]), label
    small_csv = to_csv(small[1]).decode()
    assert "Attendance rate,100%,100%" in small_csv  # 14 of 14: nothing small to hide


# ---------------------------------------------------------------- from the terminal


@pytest.fixture
def clinic(tmp_path):
    work = tmp_path / "work"
    (work / "cohorts").mkdir(parents=True)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / "cohorts" / name)
    store = tmp_path / "private" / "records.iopkit"
    return work, store


def test_the_commands_from_a_terminal(clinic):
    work, store = clinic
    env = fast_env(store)
    made = run_cli("records", "demo", str(store), "--seed", "3", cwd=work, env=env)
    assert made.returncode == 0, made.stderr
    assert "synthetic participants" in made.stdout
    filled = run_cli("fidelity", "cohorts/example.toml", "--date", "2027-01-06", "--mode", "supervisor",
                     "--facilitator", "Sam Chen", "--rater", "Morgan Lee", "--items",
                     "done,done,partly,done,not done,n.a.,done,done", "--ratings", "4,3,4,5,4", "--different",
                     "Start earlier.", cwd=work, env=env)
    assert filled.returncode == 0, filled.stderr
    number = re.search(r"Saved fidelity form (\d+)", filled.stderr)[1]
    signed = run_cli("fidelity", "sign", number, "--name", "Morgan Lee", "--credential", "LICSW", "--feedback",
                     "Good pacing.", "--plan", "Timebox check-in.", cwd=work, env=env)
    assert signed.returncode == 0, signed.stderr
    ok = run_cli("fidelity", "verify", cwd=work, env=env)
    assert ok.returncode == 0 and "0 changed after signing" in ok.stdout
    pdf = run_cli("fidelity", "pdf", number, "--pdf", str(work / "form.pdf"), cwd=work, env=env)
    assert pdf.returncode == 0, pdf.stderr
    assert "Good pacing." in pdf_text(work / "form.pdf")
    bad = run_cli("fidelity", "cohorts/example.toml", "--date", "2027-01-05", "--items", "done", "--ratings", "4",
                  cwd=work, env=env)
    assert bad.returncode == 2 and "no group on 2027-01-05" in bad.stderr and "Traceback" not in bad.stderr
    dash = run_cli("dashboard", "--csv", str(work / "out" / "dash.csv"), "--html", str(work / "out" / "dash.html"),
                   cwd=work, env=env)
    assert dash.returncode == 0, dash.stderr
    assert "SYNTHETIC DEMO" in dash.stdout and "up to Sunday April 11, 2027" in dash.stdout
    for name in ("dash.csv", "dash.html"):
        assert not re.search(r"P-[2-9A-Z]{4}", (work / "out" / name).read_text())
    # An edit after signing shows.
    vault = Vault.unlock(store, PASSPHRASE)
    with vault.transaction() as conn:
        conn.execute("UPDATE fidelity SET feedback = 'Changed.' WHERE id = ?", (int(number),))
    changed = run_cli("fidelity", "verify", cwd=work, env=env)
    assert changed.returncode == 1 and f"Form {number} " in changed.stdout and "CHANGED" in changed.stdout


# ---------------------------------------------------------------- the Workbench's Supervision tab and the page


def test_the_supervision_tab_saves_a_self_rating_for_the_chosen_session(tmp_path, monkeypatch):
    """The Workbench's Supervision tab lays out the chosen session's form, refuses a half-filled one,
    and saves a complete one in the store; the passphrase box is emptied at once."""
    from iopkit.app.workbench import Workbench

    work = tmp_path / "work"
    (work / "cohorts").mkdir(parents=True)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / "cohorts" / name)
    made, _ = Vault.create(tmp_path / "private" / "records.iopkit", PASSPHRASE, kdf=TEST_KDF)
    monkeypatch.setenv("IOPKIT_RECORDS", str(made.path))
    monkeypatch.chdir(work)
    bench = Workbench(work)
    assert "Supervision" in bench.tabs.titles
    assert bench.tabs.children[bench.tabs.titles.index("Supervision")] is bench.supervision.widget
    bench.select(2)
    screen = bench.supervision
    screen.open_button.click()
    assert "Automatic Pilot" in screen.title.value and len(screen._items) == 8
    assert screen.facilitator.value == "Sam Chen, LCSW"  # session 2: the second facilitator in turn
    screen.password.value = PASSPHRASE
    screen.save_button.click()
    assert "Items 1, 2, 3, 4, 5, 6, 7, 8: choose" in screen.message.value
    for toggle in screen._items:
        toggle.value = "done"
    for toggle in screen._globals:
        toggle.value = "4"
    screen.different.value = "Start the body scan earlier."
    screen.password.value = PASSPHRASE
    screen.save_button.click()
    assert screen.password.value == "" and "Saved fidelity form 1" in screen.message.value
    with made.snapshot() as conn:
        (form,) = fidelity.forms(conn)
    assert (form.position, form.mode, form.facilitator, form.different) == (
        2, "self", "Sam Chen, LCSW", "Start the body scan earlier.")
    assert "iopkit-dashboard.ipynb" in screen.dashboard.value


def test_the_dashboard_page_unlocks_shows_and_locks(long, tmp_path, monkeypatch):
    from iopkit.app.dashboard_screen import DashboardScreen

    made, _ = long
    (tmp_path / "cohorts").mkdir()
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / "cohorts" / name)
    (tmp_path / "cohorts" / "zz-broken.toml").write_text('schema = 1\n[program]\nname = "Clinic"\n')
    monkeypatch.setenv("IOPKIT_RECORDS", str(made.path))
    screen = DashboardScreen(tmp_path)
    screen.password.value = PASSPHRASE
    screen.show_button.click()
    assert screen.password.value == "" and "35 of 39" in screen.page.value
    assert "zz-broken.toml has problems" in screen.message.value
    assert [label for label, _ in screen.me.options] == ["(nobody)", "Jordan Rivera, LADC", "Sam Chen, LCSW"]
    screen.me.value = "Sam Chen, LCSW"
    assert screen.page.value.index("Sam Chen, LCSW") < screen.page.value.index("Jordan Rivera, LADC")
    screen.lock_button.click()
    assert screen.page.value == "" and screen.view is None
    now = [0.0]
    idle = DashboardScreen(tmp_path, idle_seconds=300, clock=lambda: now[0])
    idle.password.value = PASSPHRASE
    idle.show_button.click()
    assert "35 of 39" in idle.page.value
    now[0] = 200.0
    idle.check_idle()
    assert idle.view is not None
    now[0] = 501.0
    idle.check_idle()
    assert idle.view is None and idle.page.value == "" and "no clicks" in idle.message.value


def test_no_alias_reaches_the_dashboard_inside_or_out(vault, example, curriculum):
    """The dashboard names people by pseudonym only (inside), and not at all in exports."""
    from records_support import CANARY_ALIAS, CANARY_FIRST

    from iopkit.records import dashboard, people

    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort=example, admitted=dt.date(2027, 1, 4), alias=CANARY_ALIAS)
        for day in (dt.date(2027, 1, 4), dt.date(2027, 1, 6)):
            people.record_attendance(conn, day, person.pseudonym, "present", 165)
    with vault.snapshot() as conn:
        view = dashboard.compute(conn, [example], curriculum, dt.date(2027, 1, 10))
    outputs = [dashboard.render_text(view), dashboard.render_html(view, export=False),
               dashboard.render_html(view, export=True), dashboard.to_csv(view).decode()]
    for out in outputs:
        assert CANARY_FIRST.lower() not in out.lower()
    assert person.pseudonym not in outputs[2] and person.pseudonym not in outputs[3]
    assert _row(view)["admissions"] == 1 and _row(view)["entries"] == 2 and not view.demo


def test_demo_never_replaces_a_store(clinic):
    work, store = clinic
    first = run_cli("records", "demo", str(store), "--seed", "1", cwd=work, env=fast_env(store))
    assert first.returncode == 0, first.stderr
    again = run_cli("records", "demo", str(store), "--seed", "1", cwd=work, env=fast_env(store))
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
