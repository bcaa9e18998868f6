"""Tracks and electives: the aftercare cycle (curriculum/aftercare/) and elective sessions
(curriculum/electives/) that a cohort swaps in or adds.

The tests make their own small tracks from copies of core sessions, so they check the
machinery whatever the shipped electives and aftercare sessions say.
"""
from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, pdf_text, run_cli

from iopkit.content.curriculum import load_curriculum
from iopkit.errors import CohortError, ValidationError
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort, plan_join, rescale


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _dump(data: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")


def _core(root: Path, number: int) -> dict:
    return _load(next((root / "sessions").glob(f"{number:02d}-*.yaml")))


def make_elective(root: Path, number: int, elective_id: str, pairs_with: list[str]) -> Path:
    data = _core(root, number)
    data.pop("number")
    data.pop("week")
    data = {"schema": 1, "status": "complete", "track": "elective", "id": elective_id,
            **{k: v for k, v in data.items() if k not in ("schema", "status", "id")}, "pairs_with": pairs_with}
    data["title"] = f"Elective: {data['title']}"
    path = root / "electives" / f"{elective_id}.yaml"
    _dump(data, path)
    return path


def make_aftercare(root: Path, number: int) -> Path:
    """An aftercare session made from core session ``number``: 90 minutes, no break."""
    from iopkit.content.schema import AgendaBlock

    data = _core(root, number)
    agenda = [b for b in data["agenda"] if b["kind"] != "break"]
    minutes = rescale([AgendaBlock(**b) for b in agenda], 90, 0)
    for block, m in zip(agenda, minutes):
        block["minutes"] = m
    data.update({"track": "aftercare", "id": f"aftercare-{data['id']}", "number": number, "week": number,
                 "agenda": agenda, "title": f"Aftercare: {data['title']}"})
    path = root / "aftercare" / f"{number:02d}-{data['id']}.yaml"
    _dump(data, path)
    return path


@pytest.fixture(scope="module")
def tracks_curriculum(tmp_path_factory) -> Path:
    """A copy of the shipped curriculum with two electives and a 12-session aftercare cycle of its own."""
    from iopkit import paths

    root = tmp_path_factory.mktemp("tracks") / "curriculum"
    shutil.copytree(paths.curriculum_dir(), root)
    for folder in ("electives", "aftercare"):
        shutil.rmtree(root / folder, ignore_errors=True)
    make_elective(root, 28, "jobs-again", ["work-job-skills"])
    make_elective(root, 27, "rest-and-move", ["sleep-movement", "lifestyle-balance"])
    for number in range(1, 13):
        make_aftercare(root, number)
    return root


@pytest.fixture(scope="module")
def curriculum(tracks_curriculum):
    return load_curriculum(tracks_curriculum)


def cohort_file(folder: Path, curriculum_section: str = "", extra_cohort: str = "",
                schedule: str | None = None) -> Path:
    shutil.copy(ROOT / "cohorts" / "riverbend-logo.png", folder / "riverbend-logo.png")
    text = (ROOT / "cohorts" / "example.toml").read_text(encoding="utf-8")
    text = "\n".join(line for line in text.splitlines() if not line.startswith("aftercare = ")) + "\n"
    text = text.replace('time_of_day = "morning"                 # morning, afternoon or evening',
                        'time_of_day = "morning"\n' + extra_cohort)
    if schedule is not None:
        start = text.index("[schedule]")
        end = text.index("[location]")
        text = text[:start] + "[schedule]\n" + schedule + "\n" + text[end:]
    text += "\n" + curriculum_section
    path = folder / "cohort.toml"
    path.write_text(text, encoding="utf-8")
    return path


AFTERCARE_SCHEDULE = textwrap.dedent("""\
    start_date = 2027-04-06
    meeting_days = ["Tuesday"]
    start_time = "6:00 PM"
    weeks = 26
    time_zone = "America/Chicago"
    holidays = { country = "US", subdivision = "MN" }
    closures = [2027-05-25]
    """)


# ------------------------------------------------------------------ electives

def test_electives_load_with_what_they_pair_with(curriculum):
    """An elective has no number or week; it names the core sessions it pairs with."""
    assert set(curriculum.electives) == {"jobs-again", "rest-and-move"}
    assert curriculum.elective("elective:jobs-again").pairs_with == ["work-job-skills"]
    assert len(curriculum.sessions) == 36  # electives are not among the 36


def test_list_electives_shows_each_with_its_pairing(tracks_curriculum):
    result = run_cli("list", "--electives", env={"IOPKIT_CURRICULUM": str(tracks_curriculum)})
    assert result.returncode == 0, result.stderr
    assert "elective:jobs-again" in result.stdout
    assert "Pairs with: sleep-movement, lifestyle-balance" in result.stdout
    assert 'with = "elective:tobacco"' in result.stderr  # how to use one


def test_an_elective_with_a_number_or_without_pairs_with_is_refused(tracks_curriculum, tmp_path):
    root = tmp_path / "curriculum"
    shutil.copytree(tracks_curriculum, root)
    path = root / "electives" / "jobs-again.yaml"
    data = _load(path)
    data["number"] = 28
    data["pairs_with"] = []
    _dump(data, path)
    with pytest.raises(ValidationError) as caught:
        load_curriculum(root)
    message = str(caught.value)
    assert "jobs-again.yaml" in message
    assert "number: got 28, expected no number for an elective" in message
    assert "pairs_with: got nothing, expected the ids of one or more core sessions" in message


def _with_changes(tmp_path: Path, changes: str) -> Path:
    path = cohort_file(tmp_path)
    text = path.read_text()
    start = text.index("[curriculum]")
    path.write_text(text[:start] + "[curriculum]\n" + changes + "\n")
    return path


def test_a_swapped_in_elective_takes_the_slot_and_its_week(tmp_path, curriculum):
    path = _with_changes(tmp_path, 'swap = [{ replace = "work-job-skills", with = "elective:jobs-again" }]')
    plan = plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)
    assert len(plan.sessions) == 36
    item = plan.at(28)
    assert item.session.id == "jobs-again" and not item.custom
    assert item.week == 10  # the week of the session it replaces
    assert item.source.name == "jobs-again.yaml"


def test_an_added_elective_follows_its_session_and_the_calendar_grows(tmp_path, curriculum):
    path = _with_changes(tmp_path, 'add = [{ after = "lapse-relapse", session = "elective:rest-and-move" }]')
    plan = plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)
    ids = [item.session.id for item in plan.sessions]
    assert len(ids) == 37
    assert ids[ids.index("lapse-relapse") + 1] == "rest-and-move"
    assert plan.sessions[-1].position == 37 and plan.sessions[0].total == 37
    assert plan.finish > dt.date(2027, 4, 2)  # one meeting later than the 36-session finish


@pytest.mark.parametrize("changes, field, expected", [
    ('swap = [{ replace = "work-job-skills", with = "elective:jobs-again" },\n'
     '        { replace = "work-job-skills", with = "elective:rest-and-move" }]',
     "curriculum, swap, item 2, replace", "each session swapped once (swap item 1 already replaces it)"),
    ('skip = ["work-job-skills"]\nswap = [{ replace = "work-job-skills", with = "elective:jobs-again" }]',
     "curriculum, swap, item 1, replace", "a session this group keeps: work-job-skills is also in skip"),
    ('swap = [{ replace = "work-job-skills", with = "elective:jobs-again" }]\n'
     'add = [{ after = "lapse-relapse", session = "elective:jobs-again" }]',
     "curriculum, add, item 1, session", "each elective or custom session used once (swap item 1 already uses it)"),
    ('swap = [{ replace = "work-job-skills", with = "elective:tobaco" }]',
     "curriculum, swap, item 1, with", "an elective from `iopkit list --electives`"),
    ('skip = ["lapse-relapse"]\nadd = [{ after = "lapse-relapse", session = "elective:jobs-again" }]',
     "curriculum, add, item 1, after", "a session this group keeps: lapse-relapse is in skip"),
    ('skip = ["lapse-relapse", "23"]', "curriculum, skip, item 2", "each session skipped once"),
])
def test_conflicting_or_repeated_changes_name_the_file_and_field(tmp_path, curriculum, changes, field, expected):
    path = _with_changes(tmp_path, changes)
    with pytest.raises(CohortError) as caught:
        load_cohort(path, curriculum=curriculum)
    message = str(caught.value)
    assert "cohort.toml:" in message and f": {field}: got " in message, message
    assert expected in message, message


def test_validate_exits_2_for_a_conflict(tmp_path, tracks_curriculum):
    path = _with_changes(tmp_path, 'skip = ["work-job-skills"]\n'
                                   'swap = [{ replace = "work-job-skills", with = "elective:jobs-again" }]')
    result = run_cli("validate", str(path), env={"IOPKIT_CURRICULUM": str(tracks_curriculum)})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout


def test_coverage_lists_what_electives_add(tmp_path, tracks_curriculum):
    root = tmp_path / "curriculum"
    shutil.copytree(tracks_curriculum, root)
    path = root / "electives" / "jobs-again.yaml"
    data = _load(path)
    data["techniques"] = list(data["techniques"]) + ["tobacco-nicotine"]
    _dump(data, path)
    result = run_cli("coverage", "--markdown", env={"IOPKIT_CURRICULUM": str(root)})
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("| Tobacco and nicotine"))
    assert "*(elective topic)*" in line and "jobs-again" in line
    assert "Electives add 1 more topics." in result.stderr


# ------------------------------------------------------------------ aftercare

def test_the_aftercare_cycle_is_checked_at_its_own_length(tmp_path, tracks_curriculum):
    """Aftercare sessions add up to the aftercare length in program.yaml, not to 180."""
    root = tmp_path / "curriculum"
    shutil.copytree(tracks_curriculum, root)
    path = next((root / "aftercare").glob("03-*.yaml"))
    data = _load(path)
    data["agenda"][1]["minutes"] += 5
    data["week"] = 1
    _dump(data, path)
    with pytest.raises(ValidationError) as caught:
        load_curriculum(root)
    message = str(caught.value)
    assert "agenda: got 95 minutes in all, expected 90 (the aftercare session length" in message
    assert "week: got 1, expected 3 (aftercare meets once a week" in message


def test_an_aftercare_group_meets_weekly_and_the_cycle_repeats(tmp_path, curriculum):
    path = cohort_file(tmp_path, extra_cohort='track = "aftercare"\n', schedule=AFTERCARE_SCHEDULE)
    cohort = load_cohort(path, curriculum=curriculum)
    assert cohort.schedule.session_minutes == 90 and cohort.schedule.break_minutes == 0
    plan = plan_cohort(cohort, curriculum)
    dates = [item.date for item in plan.sessions]
    assert dt.date(2027, 5, 25) not in dates  # a closure
    assert len(dates) == 25  # 26 Tuesdays, one closed
    assert all(d.weekday() == 1 for d in dates)
    assert [item.session.number for item in plan.sessions[:14]] == list(range(1, 13)) + [1, 2]
    first = plan.sessions[0]
    assert first.start.strftime("%H:%M") == "18:00" and first.end.strftime("%H:%M") == "19:30"
    assert sum(b.minutes for b in first.blocks) == 90
    assert [item.week for item in plan.sessions[:3]] == [1, 2, 3]


def test_joining_aftercare_lists_one_full_cycle(tmp_path, curriculum):
    path = cohort_file(tmp_path, extra_cohort='track = "aftercare"\n', schedule=AFTERCARE_SCHEDULE)
    cohort = load_cohort(path, curriculum=curriculum)
    join = plan_join(cohort, curriculum, dt.date(2027, 5, 1))
    assert join.sessions[0].date == dt.date(2027, 5, 4)
    assert len(join.sessions) == 12
    assert len({item.session.id for item in join.sessions}) == 12  # every topic once


@pytest.mark.parametrize("schedule_change, extra, field, expected", [
    (('meeting_days = ["Tuesday"]', 'meeting_days = ["Tuesday", "Thursday"]'), 'track = "aftercare"\n',
     "schedule, meeting_days", "one day: aftercare meets once a week"),
    (("weeks = 26", "weeks = 26\nend_date = 2027-09-28"), 'track = "aftercare"\n',
     "schedule, weeks", "either weeks = N"),
    (("weeks = 26", ""), 'track = "aftercare"\n', "schedule, weeks", "either weeks = N"),
    (("weeks = 26", "end_date = 2027-01-05"), 'track = "aftercare"\n', "schedule, end_date",
     "a date after start_date"),
    (("weeks = 26", ""), "", "schedule, meeting_days", 'for a weekly group set track = "aftercare"'),
])
def test_aftercare_schedule_mistakes_are_named(tmp_path, curriculum, schedule_change, extra, field, expected):
    schedule = AFTERCARE_SCHEDULE.replace(*schedule_change)
    path = cohort_file(tmp_path, extra_cohort=extra, schedule=schedule)
    with pytest.raises(CohortError) as caught:
        load_cohort(path, curriculum=curriculum)
    message = str(caught.value)
    assert f": {field}: got " in message and expected in message, message


def test_list_and_coverage_for_the_aftercare_track(tracks_curriculum):
    env = {"IOPKIT_CURRICULUM": str(tracks_curriculum)}
    listing = run_cli("list", "--track", "aftercare", env=env)
    assert listing.returncode == 0, listing.stderr
    assert len(listing.stdout.strip().splitlines()) == 12
    assert "join any week" in listing.stderr
    coverage = run_cli("coverage", "--track", "aftercare", env=env)
    assert coverage.returncode == 0, coverage.stderr
    assert "Urge surfing" in coverage.stdout and "aftercare 5" in coverage.stdout


@pytest.mark.slow
def test_an_aftercare_session_builds_with_90_minute_clock_times(tmp_path, tracks_curriculum):
    path = cohort_file(tmp_path, extra_cohort='track = "aftercare"\n', schedule=AFTERCARE_SCHEDULE)
    out = tmp_path / "out"
    result = run_cli("build", str(path), "--sessions", "1", "--out", str(out), "--jobs", "1",
                     env={"IOPKIT_CURRICULUM": str(tracks_curriculum)})
    assert result.returncode == 0, result.stderr + result.stdout
    guide = pdf_text(out / "session-01" / "facilitator-guide.pdf")
    handout = pdf_text(out / "session-01" / "handout.pdf")
    assert "6:00" in guide and "7:30" in guide
    assert "Break" not in guide.split("The session, block by block")[0]
    assert "988" in handout and "1-800-662-4357" in handout
    assert "import " not in handout and "def " not in handout


# ------------------------------------------------------------------ the hand-off

def _iop_with_aftercare(folder: Path, aftercare_text: str) -> Path:
    (folder / "aftercare.toml").write_text(aftercare_text, encoding="utf-8")
    return cohort_file(folder, extra_cohort='aftercare = "aftercare.toml"\n')


def _aftercare_text(folder: Path) -> str:
    return cohort_file(folder, extra_cohort='track = "aftercare"\n', schedule=AFTERCARE_SCHEDULE).read_text()


def test_the_step_down_session_names_the_aftercare_group(tmp_path, tracks_curriculum):
    """Session 36's handout and guide say the aftercare group's day, time and next meeting."""
    from iopkit.render.views import SessionView

    aftercare = _aftercare_text(tmp_path).replace("Monday-Wednesday-Friday Morning Group", "Tuesday Aftercare")
    path = _iop_with_aftercare(tmp_path, aftercare)
    view = SessionView.load(str(path), 36, str(tracks_curriculum))
    home = str(view.take_home())
    assert "Your aftercare group" in home
    assert "Tuesday Aftercare" in home and "every Tuesday, 6:00 PM to 7:30 PM" in home
    assert "Tuesday, April 6, 2027" in home  # session 36 is on Friday April 2; aftercare starts the Tuesday after
    assert "The aftercare group" in str(view.preparation())
    early = SessionView.load(str(path), 5, str(tracks_curriculum))
    assert "aftercare group" not in str(early.take_home())


@pytest.mark.parametrize("aftercare, expected", [
    (None, "an aftercare cohort file next to this one"),
    ("iop", 'a cohort file with track = "aftercare"'),
])
def test_a_wrong_aftercare_file_is_named(tmp_path, curriculum, aftercare, expected):
    path = _iop_with_aftercare(tmp_path, "")
    if aftercare is None:
        (tmp_path / "aftercare.toml").unlink()
    else:
        iop = (ROOT / "cohorts" / "example.toml").read_text()
        (tmp_path / "aftercare.toml").write_text(iop.replace('aftercare = "aftercare.toml"', "# no aftercare"))
    with pytest.raises(CohortError) as caught:
        load_cohort(path, curriculum=curriculum)
    assert "cohort, aftercare: got" in str(caught.value) and expected in str(caught.value)


def test_the_step_down_visit_names_the_aftercare_group(tmp_path, tracks_curriculum, curriculum):
    from iopkit.render import individual_docs

    aftercare = _aftercare_text(tmp_path).replace("Monday-Wednesday-Friday Morning Group", "Tuesday Aftercare")
    cohort = load_cohort(_iop_with_aftercare(tmp_path, aftercare), curriculum=curriculum)
    visit = curriculum.individual.step_down
    guide = individual_docs.visit_guide_html(curriculum, cohort, visit)
    sheet = individual_docs.visit_packet_html(curriculum, cohort, visit)
    assert "Tuesday Aftercare: every Tuesday, 6:00 PM to 7:30 PM" in guide
    assert "Your aftercare group" in sheet and "every Tuesday, 6:00 PM to 7:30 PM" in sheet
    orientation = individual_docs.visit_packet_html(curriculum, cohort, curriculum.individual.orientation)
    assert "Your aftercare group" not in orientation


# ------------------------------------------------------------------ the shipped examples

def test_the_shipped_example_cohorts_use_electives_and_aftercare():
    """cohorts/with-electives.toml swaps in two electives, adds a third, and hands off to
    cohorts/aftercare.toml, a weekly aftercare group."""
    curriculum = load_curriculum()
    plan = plan_cohort(load_cohort(ROOT / "cohorts" / "with-electives.toml", curriculum=curriculum), curriculum)
    electives = [(item.position, item.session.id) for item in plan.sessions if item.session.track == "elective"]
    assert electives == [(27, "yoga-movement"), (29, "parenting"), (34, "tobacco")]
    assert len(plan.sessions) == 37
    aftercare = load_cohort(ROOT / "cohorts" / "aftercare.toml", curriculum=curriculum)
    assert aftercare.track == "aftercare"
    assert len(plan_cohort(aftercare, curriculum).sessions) == 26
    example = load_cohort(ROOT / "cohorts" / "with-electives.toml", curriculum=curriculum)
    from iopkit.planning.aftercare import aftercare_handoff

    handoff = aftercare_handoff(example, curriculum, plan_cohort(example, curriculum).finish)
    assert handoff.weekday == "Tuesday" and handoff.first == dt.date(2027, 4, 6)


@pytest.mark.slow
def test_a_cohort_with_three_electives_builds_them(tmp_path):
    folder = tmp_path / "cohorts"
    folder.mkdir()
    for name in ("with-electives.toml", "aftercare.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, folder / name)
    out = tmp_path / "out"
    result = run_cli("build", str(folder / "with-electives.toml"), "--sessions", "27,29,34", "--out", str(out))
    assert result.returncode == 0, result.stderr + result.stdout
    for position, title in ((27, "Yoga and Mindful Movement"), (29, "Parenting in Recovery"),
                            (34, "Tobacco and Nicotine")):
        guide = " ".join(pdf_text(out / f"session-{position:02d}" / "facilitator-guide.pdf").split())
        handout = " ".join(pdf_text(out / f"session-{position:02d}" / "handout.pdf").split())
        assert title in guide and f"Session {position} of 37" in guide
        assert "Elective session" in guide
        assert "988" in handout and "1-800-662-4357" in handout


def test_an_aftercare_guide_names_the_group_week_and_the_cycle_session(tmp_path, tracks_curriculum):
    from iopkit.render.views import SessionView

    path = cohort_file(tmp_path, extra_cohort='track = "aftercare"\n', schedule=AFTERCARE_SCHEDULE)
    view = SessionView.load(str(path), 14, str(tracks_curriculum))
    assert "14 of this group · aftercare session 2 of 12" in str(view.cover())
