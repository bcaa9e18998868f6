"""Measures kept in the encrypted records store: a month of measures for a synthetic group, who is
not on track, the reauthorization summary, the director's suppressed export, bad input, the
safety prompt on every entry path, and canary names that never leave the store.

Every store here uses the test-only fast scrypt (``TEST_KDF`` passed explicitly, or the test
knob in a CLI subprocess, as in the records tests).

The synthetic group (admitted Mon Jan 4, 2027, except F: Jan 18). PHQ-9 and GAD-7 every two
weeks (Jan 4, Jan 18, Feb 1), PCL-5 at entry and at four weeks, BAM weekly for A. Worked by hand
with iopkit's rules (docs/measures.md): not on track = worse than the first by the reliable-change
value (PHQ-9 5, PCL-5 15; GAD-7 and PACS publish none), or 21+ days after the first and no better,
unless the first was in the lowest band.

    person  measure  totals            by hand
    A       PHQ-9    16, 12, 8         better by 8: on track
            GAD-7    12, 9, 6          better: on track
            PCL-5    40, 25            better: on track
    B       PHQ-9    8, 11, 14         worse by 6 (>= 5) and not better after 4 weeks: NOT ON TRACK
    C       PHQ-9    15, 15, 15        no better after 4 weeks: NOT ON TRACK
    D       PHQ-9    15, 14, 13        better by 2 (not reliable, but better): on track
    E       PHQ-9    3, 4, 4           worse by 1, first in the lowest band (0-4): on track
    F       PHQ-9    14, 14            only 14 days: too early, on track
    G       PHQ-9    12, 9, 6          better: on track
            GAD-7    10, 10, 11        no better after 4 weeks: NOT ON TRACK
    H       PHQ-9    10*, 8, 5         better (*item 9 answered 1 on Jan 4: safety)
            PCL-5    30, 46            worse by 16 (>= 15) and no better after 4 weeks: NOT ON TRACK

So the not-on-track list is exactly B, C, G and H.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import shutil
import time

import pytest
from conftest import ROOT, pdf_text, run_cli
from records_support import (
    CANARIES,
    CANARY_ALIAS,
    CANARY_ALIAS_2,
    CANARY_FIRST,
    PASSPHRASE,
    fast_env,
    files_with_canary,
)

from iopkit.errors import RecordInputError, StoreDamagedError
from iopkit.measures import AnswerError, UnknownMeasureError, load_measures
from iopkit.measures.caseload import not_on_track_list
from iopkit.records import audit, people
from iopkit.records import store as store_module
from iopkit.records.measures_store import (
    administrations,
    administrations_in,
    by_person,
    insert_administration,
    record_administration,
)
from iopkit.records.store import TEST_KDF, Vault

JAN4, JAN11, JAN18, JAN25, FEB1 = (dt.date(2027, 1, 4) + dt.timedelta(weeks=n) for n in range(5))
RULE = "!" * 72

#: The hand-worked table above: person -> admitted, alias, {measure: [(day, total), ...]}.
GROUP = {
    "A": (JAN4, CANARY_ALIAS, {"PHQ-9": [(JAN4, 16), (JAN18, 12), (FEB1, 8)], "GAD-7": [(JAN4, 12), (JAN18, 9), (FEB1, 6)],
                                "PCL-5": [(JAN4, 40), (FEB1, 25)]}),
    "B": (JAN4, CANARY_ALIAS_2, {"PHQ-9": [(JAN4, 8), (JAN18, 11), (FEB1, 14)]}),
    "C": (JAN4, "Lee C.", {"PHQ-9": [(JAN4, 15), (JAN18, 15), (FEB1, 15)]}),
    "D": (JAN4, None, {"PHQ-9": [(JAN4, 15), (JAN18, 14), (FEB1, 13)]}),
    "E": (JAN4, "Ana E.", {"PHQ-9": [(JAN4, 3), (JAN18, 4), (FEB1, 4)]}),
    "F": (JAN18, None, {"PHQ-9": [(JAN18, 14), (FEB1, 14)]}),
    "G": (JAN4, "Rob G.", {"PHQ-9": [(JAN4, 12), (JAN18, 9), (FEB1, 6)], "GAD-7": [(JAN4, 10), (JAN18, 10), (FEB1, 11)]}),
    "H": (JAN4, "Kim H.", {"PHQ-9": [(JAN4, 10), (JAN18, 8), (FEB1, 5)], "PCL-5": [(JAN4, 30), (FEB1, 46)]}),
}
NOT_ON_TRACK = {"B", "C", "G", "H"}
#: H answered PHQ-9 item 9 with 1 on Jan 4 (a safety item): the prompt fired, and the answers are kept.
SAFETY = {("H", "PHQ-9", JAN4): 1}
ITEMS = {"PHQ-9": (8, 3), "GAD-7": (7, 3), "PCL-5": (20, 4)}  # items summed by spread(), highest answer
#: BAM's 16 scored items (1-6, 8-17); item 14 (13th here) is 0 or 4.
BAM = [1, 0, 0, 0, 0, 0, 1, 3, 3, 0, 3, 3, 4, 1, 3, 2]


def spread(total: int, count: int, top: int, rng: random.Random) -> list[int]:
    """``count`` answers from 0 to ``top`` adding up to ``total``, in a seeded random order."""
    values = []
    left = total
    for _ in range(count):
        values.append(min(top, left))
        left -= values[-1]
    assert left == 0, "the total does not fit the items"
    rng.shuffle(values)
    return values


def answers_for(who: str, measure: str, day: dt.date, total: int, rng: random.Random) -> list[int]:
    count, top = ITEMS[measure]
    if measure == "PHQ-9":
        item9 = SAFETY.get((who, measure, day), 0)
        return spread(total - item9, count, top, rng) + [item9]
    return spread(total, count, top, rng)


@pytest.fixture
def clinic(tmp_path):
    """The counselor's folder with the example cohort, a private folder for the store, a temp folder."""
    work = tmp_path / "work"
    (work / "cohorts").mkdir(parents=True)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / "cohorts" / name)
    temp = tmp_path / "tmp"
    temp.mkdir()
    vault, _ = Vault.create(tmp_path / "private", PASSPHRASE, kdf=TEST_KDF)
    return {"work": work, "temp": temp, "vault": vault, "store": vault.path, "tmp": tmp_path}


@pytest.fixture
def group(clinic):
    """The synthetic group, recorded as a counselor records paper forms: one administration at a time."""
    rng = random.Random(17)
    ms = load_measures()
    vault = clinic["vault"]
    who = {}
    with vault.transaction() as conn:
        for name, (admitted, alias, _) in GROUP.items():
            who[name] = people.add_participant(conn, cohort="example", admitted=admitted, alias=alias).pseudonym
    prompts = []
    for name, (_, _, given) in GROUP.items():
        for measure, points in given.items():
            for day, total in points:
                score = record_administration(vault, who[name], measure, day, answers_for(name, measure, day, total, rng),
                                              "paper", measures=ms, prompt=lambda s, m: prompts.append(s.measure))
                assert score.total == total
    for day in (JAN4, JAN11, JAN18, JAN25, FEB1):
        record_administration(vault, who["A"], "BAM", day, BAM, "counselor", measures=ms)
    clinic.update(who=who, pseudonym_of=who, name_of={p: n for n, p in who.items()}, prompts=prompts, ms=ms)
    return clinic


def cli(clinic, *args, **env):
    return run_cli(*args, cwd=clinic["work"], env=fast_env(clinic["store"], TMPDIR=str(clinic["temp"]), **env))


def count_rows(vault) -> int:
    with vault.snapshot() as conn:
        return conn.execute("SELECT COUNT(*) FROM measures").fetchone()[0]


# ---------------------------------------------------------------- a month for a group

def test_the_not_on_track_list_is_the_hand_worked_one(group):
    rows = administrations(group["vault"])
    assert len(rows) == sum(len(p) for _, _, g in GROUP.values() for p in g.values()) + 5
    flagged = not_on_track_list(group["ms"], by_person(rows))
    assert {group["name_of"][p] for p in flagged} == NOT_ON_TRACK
    reasons = {group["name_of"][p]: " ".join(r) for p, r in flagged.items()}
    assert "PHQ-9 is 6 points worse than at the first administration (8 to 14)" in reasons["B"]
    assert "PHQ-9 has not improved after 4 weeks (15 then, 15 now)" in reasons["C"]
    assert reasons["G"] == "GAD-7 has not improved after 4 weeks (10 then, 11 now)."
    assert "PCL-5 is 16 points worse" in reasons["H"] and "PHQ-9" not in reasons["H"]
    # The safety answer fired the prompt once and was stored all the same.
    assert group["prompts"] == ["PHQ-9"]
    h = administrations(group["vault"], group["who"]["H"], "phq9")
    assert [r.score.total for r in h] == [10, 8, 5] and h[0].score.safety and h[0].answers[8] == 1


def test_the_caseload_command_lists_the_same_people_on_the_counselors_terminal(group):
    result = cli(group, "measures", "caseload", "cohorts/example.toml", "--date", "2027-02-01")
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("Not on track", 1)[1].split("No measures recorded yet:", 1)[0]
    listed = {group["name_of"][p] for p in group["who"].values() if p in section}
    assert listed == NOT_ON_TRACK
    assert f"{CANARY_ALIAS_2} ({group['who']['B']})" in section  # aliases on the terminal, for the counselor
    assert "8 members active; 8 with measures recorded." in result.stdout
    early = cli(group, "measures", "caseload", "cohorts/example.toml", "--date", "2027-01-18")
    # Two weeks in, nobody is flagged yet: B is 3 points worse (less than 5), nobody has had 21 days.
    assert "Not on track (worse by the reliable-change value, or no better by week 3):\n  nobody" in early.stdout


def test_progress_shows_change_reliable_change_and_the_flag(group):
    h = group["who"]["H"]
    svg = group["work"] / "charts" / "h.svg"
    result = cli(group, "measures", "progress", h, "--svg", str(svg))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "PHQ-9: Patient Health Questionnaire-9" in out and "Mon Jan 4, 2027  10 of 27, moderate  (paper)" in out
    assert "SAFETY ITEM" in out.split("Mon Jan 4, 2027  10 of 27")[1].splitlines()[0]
    assert "Since the first: 5 points better (reliable change: 5 or more)." in out
    assert "NOT ON TRACK: PCL-5 is 16 points worse" in out and "46 of 80" in out
    import xml.etree.ElementTree as ET

    root = ET.fromstring(svg.read_text())
    text = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert f"Measures for {h}" in text and "42 CFR part 2" in text
    assert "NOT encrypted" in result.stderr and "Part 2 record" in result.stderr
    assert not any(c in svg.read_text() for c in CANARIES)


def test_the_summary_pdf_has_the_notice_and_this_persons_scores_only(group):
    h = group["who"]["H"]
    pdf = group["work"] / "out" / "summary.pdf"
    result = cli(group, "measures", "summary", h, "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    text = " ".join(pdf_text(pdf).split())
    assert "42 CFR part 2" in text and "prohibit you from making any other use or disclosure" in text
    assert h in text and "Jan 4, 2027: 10 of 27, moderate" in text and "Feb 1, 2027: 5 of 27, mild" in text
    assert "Jan 4, 2027: 30 of 80" in text and "Feb 1, 2027: 46 of 80" in text and "Not on track" in text
    assert "Safety items" in text
    others = [p for n, p in group["who"].items() if n != "H"]
    assert not any(p in text for p in others) and not any(c.lower() in text.lower() for c in CANARIES)
    assert not list(pdf.parent.glob(".*.tmp"))  # written atomically: no leftover beside it
    with group["vault"].snapshot() as conn:
        last = audit.verify(conn)[-1]
    assert (last.action, last.record_type, last.pseudonym) == ("export", "measures-summary", h)


# ---------------------------------------------------------------- the director's export

def _outcome(first: int, last: int) -> str:
    if abs(last - first) >= 5:
        return "Reliably better" if last < first else "Reliably worse"
    return "No reliable change"


@pytest.fixture
def big_program(clinic):
    """A program-sized population (two cohorts, 70 people) with seeded PHQ-9 first and latest totals."""
    rng = random.Random(2027)
    vault = clinic["vault"]
    ms = load_measures()
    phq = ms.get("PHQ-9")
    from iopkit.measures.score import score_answers

    truth: dict[tuple[str, str], int] = {}
    with vault.transaction() as conn:
        for i in range(70):
            cohort = "mornings" if i < 45 else "evenings"
            person = people.add_participant(conn, cohort=cohort, admitted=JAN4)
            first = rng.randint(8, 24)
            if i % 9 == 0:  # given once only
                insert_administration(conn, person.pseudonym, JAN4, score_answers(phq, answers_for("-", "PHQ-9", JAN4, first, rng)), "paper")
                truth[("Only one administration", cohort)] = truth.get(("Only one administration", cohort), 0) + 1
                continue
            last = max(0, min(24, first + rng.choice([-9, -7, -6, -5, -3, -1, 0, 2, 6])))
            for day, total in ((JAN4, first), (FEB1, last)):
                insert_administration(conn, person.pseudonym, day, score_answers(phq, answers_for("-", "PHQ-9", day, total, rng)),
                                      "paper")
            key = (_outcome(first, last), cohort)
            truth[key] = truth.get(key, 0) + 1
    clinic["truth"] = truth
    return clinic


def _recoverable(table: dict, rows: list[str], cols: list[str]) -> list[tuple[str, str]]:
    """Hidden cells whose value follows from the shown cells and the row and column totals (linear algebra:
    a hidden cell is determined exactly when its unit vector lies in the row space of the equations)."""
    import numpy as np

    hidden = [k for k, v in table.items() if v is None]
    index = {k: i for i, k in enumerate(hidden)}
    inner_rows, inner_cols = rows[:-1], cols[:-1]
    equations = []
    for r in rows:  # each row: its cells add up to its total
        equations.append([(r, c) for c in inner_cols] + [(r, cols[-1], -1)])
    for c in cols:
        equations.append([(r, c) for r in inner_rows] + [(rows[-1], c, -1)])
    matrix = []
    for eq in equations:
        line = [0.0] * len(hidden)
        for term in eq:
            key, sign = (term[:2], term[2]) if len(term) == 3 else (term, 1)
            if key in index:
                line[index[key]] += sign
        matrix.append(line)
    a = np.array(matrix) if hidden else np.zeros((1, 0))
    rank = np.linalg.matrix_rank(a) if hidden else 0
    found = []
    for key, i in index.items():
        unit = np.zeros(len(hidden))
        unit[i] = 1
        if np.linalg.matrix_rank(np.vstack([a, unit])) == rank:
            found.append(key)
    return found


def test_the_directors_export_has_no_small_cell_and_nothing_recoverable(big_program):
    out = big_program["work"] / "director" / "outcomes.csv"
    result = cli(big_program, "measures", "export", "--csv", str(out))
    assert result.returncode == 0, result.stderr
    assert "Explicit export" in result.stderr and "counts only" in result.stderr
    text = out.read_text()
    assert "P-" not in text
    lines = [row for row in csv.reader(io.StringIO(text)) if row]
    header, body = lines[0], [row for row in lines[1:] if row[0] == "PHQ-9"]
    assert header == ["measure", "outcome", "evenings", "mornings", "Total"]
    cols = header[2:]
    rows = [row[1] for row in body]
    assert rows == ["Reliably better", "No reliable change", "Reliably worse", "Only one administration", "Total"]
    table: dict = {}
    shown = hidden = 0
    truth = big_program["truth"]
    for row in body:
        for col, cell in zip(cols, row[2:]):
            if cell in ("<11", "*"):
                table[(row[1], col)] = None
                hidden += 1
                continue
            value = int(cell)
            assert value == 0 or value > 10, f"{row[1]} / {col}: {value} is a small cell"
            table[(row[1], col)] = value
            shown += 1
            if row[1] != "Total" and col != "Total":
                assert value == truth.get((row[1], col), 0)  # the shown counts are the real ones
    assert shown >= 5 and hidden >= 2, "the population should give both shown and hidden cells"
    assert _recoverable(table, rows, cols) == []
    assert text.count("<11") >= 1
    with big_program["vault"].snapshot() as conn:
        last = audit.verify(conn)[-1]
    assert (last.action, last.record_type, last.pseudonym) == ("export-csv", "measures-aggregate", None)


def test_the_recoverability_check_itself_finds_a_lone_hidden_cell():
    """The helper above must be able to fail: one hidden cell in a row is worked out from the total."""
    table = {("a", "x"): 12, ("a", "y"): None, ("a", "Total"): 20, ("Total", "x"): 12, ("Total", "y"): 8,
             ("Total", "Total"): 20}
    assert _recoverable(table, ["a", "Total"], ["x", "y", "Total"]) == [("a", "y")]


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("args, says", [
    (["PHQ-10", "--answers", "0,0,0"], 'There is no measure called "PHQ-10"'),
    (["ORS", "--answers", "5,5,5,5"], "is not part of iopkit"),
    (["PHQ-9", "--answers", "0,1,2"], "PHQ-9 answers: got 3, expected 9 or 10"),
    (["PHQ-9", "--answers", "0,1,2,3,4,0,0,0,0"], "PHQ-9 item 5: got 4, expected a whole number from 0 to 3"),
    (["GAD-7", "--answers", "0,1,two,0,0,0,0"], 'answer 3: got "two", expected a whole number'),
    (["PHQ-9", "--answers", "0,0,0,0,0,0,0,0,0", "--date", "Feb 1"], 'got "Feb 1", expected a date'),
])
def test_wrong_answers_are_a_plain_message_exit_2_and_nothing_stored(clinic, args, says):
    with clinic["vault"].transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=JAN4).pseudonym
    before = clinic["store"].read_bytes()
    result = cli(clinic, "measures", "record", person, *args)
    assert result.returncode == 2 and says in result.stderr and "Traceback" not in result.stderr
    assert clinic["store"].read_bytes() == before  # not even opened for writing
    assert count_rows(clinic["vault"]) == 0


def test_the_library_refuses_the_same_and_stores_nothing(clinic):
    vault = clinic["vault"]
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=JAN18).pseudonym
    with pytest.raises(AnswerError):
        record_administration(vault, person, "GAD-7", JAN18, [0, 1, 2, 3, 4, 0, 0], "paper")
    with pytest.raises(UnknownMeasureError):
        record_administration(vault, person, "SRS", JAN18, [1, 2, 3, 4], "paper")
    with pytest.raises(RecordInputError, match="on or after"):
        record_administration(vault, person, "GAD-7", JAN11, [0] * 7, "paper")
    with pytest.raises(RecordInputError, match="--entered-by"):
        record_administration(vault, person, "GAD-7", JAN18, [0] * 7, "email")
    with pytest.raises(RecordInputError, match="is not in this records store"):
        record_administration(vault, "P-2222", "GAD-7", JAN18, [0] * 7, "paper")
    with pytest.raises(ValueError, match="cannot be turned off"):
        record_administration(vault, person, "GAD-7", JAN18, [0] * 7, "paper", prompt=None)
    assert count_rows(vault) == 0
    unknown = cli(clinic, "measures", "record", "P-2222", "GAD-7", "--answers", "0,0,0,0,0,0,0")
    assert unknown.returncode == 2 and "P-2222 is not in this records store" in unknown.stderr
    # A mistyped pseudonym with a safety answer: the prompt still comes first, then the plain message.
    no_answers = cli(clinic, "measures", "record", person, "GAD-7")
    assert no_answers.returncode == 2 and "--answers: expected the answers" in no_answers.stderr
    typo = cli(clinic, "measures", "record", "P-7K2O", "PHQ-9", "--answers", "0,0,0,0,0,0,0,0,2")
    assert typo.returncode == 2 and typo.stderr.startswith(RULE) and 'pseudonym: got "P-7K2O"' in typo.stderr
    assert count_rows(vault) == 0


# ---------------------------------------------------------------- safety on every entry path

def test_cli_record_shows_the_safety_prompt_first_and_still_stores(clinic):
    with clinic["vault"].transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=JAN4).pseudonym
    result = cli(clinic, "measures", "record", person, "PHQ-9", "--answers", "1,1,1,1,1,1,1,1,2,1", "--date",
                 "2027-01-04")
    assert result.returncode == 3, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == RULE and "SAFETY FOLLOW-UP NEEDED TODAY" in lines[1]  # before anything else
    assert "PHQ-9 item 9" in result.stderr and "988" in result.stderr and "1-800-662-4357" in result.stderr
    assert result.stderr.index("SAFETY FOLLOW-UP") < result.stderr.index("made with test settings")  # before unlocking
    assert "The answers are stored" in result.stderr
    assert f"Stored PHQ-9 for {person} on 2027-01-04: total 10 of 27, moderate." in result.stdout
    rows = administrations(clinic["vault"], person)
    assert len(rows) == 1 and rows[0].answers == (1, 1, 1, 1, 1, 1, 1, 1, 2, 1) and rows[0].score.safety
    # Item 9 left blank: risk unknown, the prompt fires, there is no total, and the answers are kept.
    blank = cli(clinic, "measures", "record", person, "PHQ-9", "--answers", "0,0,0,0,0,0,0,0,-", "--date",
                "2027-01-18", "--entered-by", "counselor")
    assert blank.returncode == 3 and blank.stderr.startswith(RULE) and "left blank" in blank.stderr
    assert "no total" in blank.stdout or "Stored PHQ-9" in blank.stdout
    rows = administrations(clinic["vault"], person)
    assert len(rows) == 2 and rows[1].answers[8] is None and rows[1].entered_by == "counselor"
    # A score without a safety answer prints no prompt.
    calm = cli(clinic, "measures", "record", person, "GAD-7", "--answers", "0,0,0,0,0,0,0", "--date", "2027-01-18")
    assert calm.returncode == 0 and RULE not in calm.stderr


def test_the_library_shows_the_prompt_on_stderr_by_default_before_storing(clinic, capsys, monkeypatch):
    vault = clinic["vault"]
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=JAN4).pseudonym
    seen_rows = []
    real = vault.transaction

    def watching():
        seen_rows.append(capsys.readouterr().err)  # what was on stderr when the store was opened to write
        return real()

    monkeypatch.setattr(vault, "transaction", watching)
    record_administration(vault, person, "PHQ-9", JAN4, [0, 0, 0, 0, 0, 0, 0, 0, 3], "paper")
    assert "SAFETY FOLLOW-UP NEEDED TODAY" in seen_rows[0]
    monkeypatch.undo()
    assert count_rows(vault) == 1


def test_a_prompt_that_fails_never_stops_the_answers_being_stored(clinic):
    vault = clinic["vault"]
    with vault.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=JAN4).pseudonym

    def broken(score, measures):
        raise BrokenPipeError("the terminal went away")

    with pytest.raises(BrokenPipeError):
        record_administration(vault, person, "PHQ-9", JAN4, [0, 0, 0, 0, 0, 0, 0, 0, 1], "paper", prompt=broken)
    assert count_rows(vault) == 1


def live_widget_state() -> str:
    from ipywidgets.widgets.widget import _instances

    return json.dumps([w.get_state() for w in list(_instances.values())], default=str)


@pytest.fixture
def tablet_setting(clinic):
    from iopkit.app.workbench import load_plan

    cohort = load_plan(clinic["work"] / "cohorts" / "example.toml").cohort
    with clinic["vault"].transaction() as conn:
        a = people.add_participant(conn, cohort=cohort, admitted=JAN4, alias=CANARY_ALIAS).pseudonym
        b = people.add_participant(conn, cohort=cohort, admitted=JAN4, alias=CANARY_ALIAS_2).pseudonym
    clinic["vault"].lock()
    clinic.update(cohort=cohort, a=a, b=b)
    return clinic


def hand_over(setting, person: str, measure: str):
    from iopkit.app.measures_screen import MeasuresScreen

    screen = MeasuresScreen(lambda: (setting["cohort"], JAN18), store=setting["store"])
    screen.password.value = PASSPHRASE
    screen.unlock_button.click()
    assert screen.unlocked and screen.password.value == ""
    screen.measure.value = measure
    screen.choose_button.click()
    assert CANARY_FIRST in live_widget_state()  # the chooser shows aliases to staff...
    screen.chooser.value = person
    screen.hand_over.click()
    assert screen.tablet is not None and screen.chooser is None
    assert not any(c in live_widget_state() for c in CANARIES)  # ...and is closed before the person holds it
    return screen


def test_the_tablet_shows_the_safety_banner_and_stores_the_answers(tablet_setting):
    screen = hand_over(tablet_setting, tablet_setting["a"], "PHQ-9")
    tablet = screen.tablet
    for buttons, value in zip(tablet.buttons, [1, 1, 1, 1, 1, 1, 1, 1, 2, 1]):
        buttons.value = value
    tablet.send.click()
    assert all(b.value is None for b in tablet.buttons)  # cleared first
    assert "iopkit-safety" in tablet.banner.value and "988" in tablet.banner.value
    assert tablet.form.layout.display == "none" and screen.tablet is tablet  # covers the form until staff see it
    vault = Vault.unlock(tablet_setting["store"], PASSPHRASE)
    rows = administrations(vault, tablet_setting["a"])
    assert len(rows) == 1 and rows[0].entered_by == "tablet" and rows[0].date == JAN18
    assert rows[0].answers == (1, 1, 1, 1, 1, 1, 1, 1, 2, 1) and rows[0].score.total == 10 and rows[0].score.safety
    tablet.acknowledge.click()
    assert screen.tablet is None and screen.tablet_box.children == () and tablet.root.comm is None
    assert "Your answers are stored" in screen.message.value
    assert not any(c in live_widget_state() for c in CANARIES)
    assert all(b.value is None and b.comm is None for b in tablet.buttons)  # cleared, then closed
    # The screen locks: the person holding the tablet cannot list the group, and the next person cannot
    # answer under the last person's pseudonym. Staff unlock and choose again.
    assert not screen.unlocked and screen.staff_box.layout.display == "none" and screen.unlock_box.layout.display is None


def test_the_tablet_without_a_safety_answer_clears_and_goes_back_to_staff(tablet_setting):
    screen = hand_over(tablet_setting, tablet_setting["b"], "GAD-7")
    tablet = screen.tablet
    for buttons in tablet.buttons[:7]:
        buttons.value = 2
    tablet.send.click()
    assert screen.tablet is None and tablet.banner.value == ""
    rows = administrations(Vault.unlock(tablet_setting["store"], PASSPHRASE), tablet_setting["b"])
    assert [(r.instrument, r.score.total, r.entered_by) for r in rows] == [("GAD-7", 14, "tablet")]
    assert not screen.unlocked and screen.vault is None and "hand the tablet back" in screen.message.value
    assert not any(c in live_widget_state() for c in CANARIES)


def test_the_workbench_has_a_measures_tab(clinic):
    from iopkit.app.workbench import Workbench

    wb = Workbench(folder=clinic["work"])
    at = wb.tabs.titles.index("Measures")
    assert wb.tabs.children[at] is wb.measures_screen.widget
    ids = [value for _, value in wb.measures_screen.measure.options]
    # Only measures whose exact wording iopkit holds are put on a screen (PACS and BAM are source-only).
    assert {"PHQ-9", "GAD-7", "PCL-5"} <= set(ids) and "PACS" not in ids and "BAM" not in ids
    cohort, day = wb.measures_screen.context()
    assert cohort.slug == "example" and day == wb.item.date


# ---------------------------------------------------------------- canaries, audit, today, the store's layout

def test_canary_aliases_never_leave_the_store(group, isolated_home):
    start = time.time()
    work, temp = group["work"], group["temp"]
    a, b = group["who"]["A"], group["who"]["B"]
    outputs = work / "outputs"
    for args in (["measures", "record", a, "GAD-7", "--answers", "1,1,1,1,1,1,1", "--date", "2027-02-01"],
                 ["measures", "progress", a, "--svg", str(outputs / "a.svg")],
                 ["measures", "caseload", "cohorts/example.toml", "--date", "2027-02-01"],
                 ["measures", "summary", b, "--pdf", str(outputs / "b.pdf")],
                 ["measures", "export", "--csv", str(outputs / "director.csv")],
                 ["today", "cohorts/example.toml", "--date", "2027-02-01"]):
        result = cli(group, *args)
        assert result.returncode == 0, (args, result.stderr)
        if args[1] != "caseload" and args[0] != "today":  # the two facilitator-only screens show aliases
            assert not any(c in result.stdout + result.stderr for c in CANARIES), args
    assert sorted(p.name for p in outputs.iterdir()) == ["a.svg", "b.pdf", "director.csv"]
    store = group["store"]
    assert CANARY_FIRST.encode() not in store.read_bytes()
    leaks = files_with_canary([ROOT, isolated_home, work, store.parent, group["tmp"]], allowed={store})
    assert leaks == []
    assert files_with_canary([temp], since=start) == []


def test_every_write_is_audited_and_the_audit_holds_no_answers(group):
    with group["vault"].snapshot() as conn:
        entries = audit.verify(conn)
        rows = conn.execute("SELECT * FROM audit").fetchall()
    recorded = [e for e in entries if e.action == "record"]
    assert len(recorded) == count_rows(group["vault"]) and all(e.record_type == "measure" for e in recorded)
    assert {e.pseudonym for e in recorded} == set(group["who"].values())
    allowed = {"at", "os_user", "action", "record_type", "pseudonym", "prev", "hash", "seq"}
    assert set(rows[0].keys()) == allowed
    text = json.dumps([tuple(r) for r in rows], default=str)
    assert "PHQ-9" not in text and "answers" not in text and "16 of 27" not in text


def test_today_shows_what_is_due_and_what_was_given(group):
    result = cli(group, "today", "cohorts/example.toml", "--date", "2027-01-18")
    assert result.returncode == 0, result.stderr
    section = result.stdout.split("Measures due by the default schedule, and given today:", 1)[1]
    lines = {group["name_of"][p]: line for line in section.splitlines() for p in group["who"].values() if p in line}
    # A: PHQ-9, GAD-7 and BAM given today; BAM-IOP (weekly, on the partner's form) still due. PCL-5 is not due
    # until week 4.
    assert "given today PHQ-9, GAD-7, BAM" in lines["A"] and "due BAM-IOP (on the partner's form)" in lines["A"]
    assert "PCL-5" not in lines["A"]
    # F was admitted today: everything given at entry is due except the PHQ-9 given today.
    assert "due BAM-IOP (on the partner's form), GAD-7, PCL-5; given today PHQ-9" in lines["F"]
    # H had the safety answer on Jan 4, not today.
    assert "safety" not in lines["H"]
    entry = cli(group, "today", "cohorts/example.toml", "--date", "2027-01-04")
    assert "given today PHQ-9 (safety item: follow-up needed today), PCL-5" in entry.stdout


def test_an_older_store_opens_and_is_upgraded_once(tmp_path, monkeypatch):
    """A store made before measures existed (schema 1) opens, gains the measures table, and says so once."""
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", 1)
    old, _ = Vault.create(tmp_path / "old", PASSPHRASE, kdf=TEST_KDF)
    with old.transaction() as conn:
        person = people.add_participant(conn, cohort="example", admitted=JAN4, alias="Lee C.").pseudonym
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "1"
        assert not conn.execute("SELECT name FROM sqlite_master WHERE name = 'measures'").fetchone()
    monkeypatch.undo()
    vault = Vault.unlock(old.path, PASSPHRASE)
    record_administration(vault, person, "GAD-7", JAN4, [1] * 7, "paper")
    with Vault.unlock(old.path, PASSPHRASE).snapshot() as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == "2"
        actions = [e.action for e in audit.verify(conn)]
        assert people.participant(conn, person).alias == "Lee C."
        assert [r.score.total for r in administrations_in(conn, person)] == [7]
    assert actions.count("upgrade") == 1 and actions[-1] == "record"
    # A store from a newer iopkit is refused in plain words, not misread.
    with Vault.unlock(old.path, PASSPHRASE).transaction() as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreDamagedError, match="Update iopkit"):
        Vault.unlock(old.path, PASSPHRASE)


def test_a_saved_notebook_holds_no_alias_and_no_answer_after_the_tablet(tablet_setting, isolated_home, tmp_path,
                                                                          monkeypatch):
    """Give a PHQ-9 on the tablet in a real kernel (with a safety answer), save the notebook with its widget
    state, and search it and the disk: no alias, no selected answer, and the administration is in the store."""
    import nbformat
    from nbclient import NotebookClient

    temp = tmp_path / "kernel-tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    code = f"""
import datetime as dt
from iopkit.app.workbench import load_plan
from iopkit.app.measures_screen import MeasuresScreen
plan = load_plan({str(tablet_setting['cohort'].path)!r})
screen = MeasuresScreen(lambda: (plan.cohort, dt.date(2027, 1, 18)), store={str(tablet_setting['store'])!r})
screen.widget
"""
    steps = f"""
screen.password.value = {PASSPHRASE!r}
screen.unlock_button.click()
screen.measure.value = "PHQ-9"
screen.choose_button.click()
screen.chooser.value = {tablet_setting['a']!r}
screen.hand_over.click()
tablet = screen.tablet
for buttons, value in zip(tablet.buttons, [3, 2, 3, 2, 3, 2, 3, 2, 2, 3]):
    buttons.value = value
tablet.send.click()
assert "iopkit-safety" in tablet.banner.value
tablet.acknowledge.click()
screen.message.value
"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell(steps)])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    saved = tmp_path / "tablet.ipynb"
    nbformat.write(nb, saved)
    text = saved.read_text()
    assert "Your answers are stored" in text  # the notebook really ran and kept its outputs and widgets
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    toggles = [s["state"] for s in state.values() if s["model_name"] == "ToggleButtonsModel"]
    assert all(t.get("index") is None for t in toggles)  # no answer left selected in any saved widget
    assert files_with_canary([saved, ROOT, isolated_home, temp]) == []
    rows = administrations(Vault.unlock(tablet_setting["store"], PASSPHRASE), tablet_setting["a"])
    assert [(r.score.total, r.entered_by, r.answers[8]) for r in rows] == [(22, "tablet", 2)]


def test_running_the_workbench_again_locks_the_old_measures_tab(tablet_setting, monkeypatch):
    from iopkit.app.workbench import Workbench

    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    old = Workbench(folder=tablet_setting["work"])
    old.show()
    screen = old.measures_screen
    screen.store_path.value = str(tablet_setting["store"])
    screen.password.value = PASSPHRASE
    screen.unlock_button.click()
    screen.choose_button.click()
    assert screen.unlocked and screen.chooser is not None and CANARY_FIRST in live_widget_state()
    Workbench(folder=tablet_setting["work"]).show()
    assert not screen.unlocked and screen.chooser is None
    assert not any(c in live_widget_state() for c in CANARIES)
