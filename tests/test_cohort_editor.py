"""The Group tab without a browser: the form's values <-> the cohort file (tomlkit), live checking
mapped to the right field, saving only what is valid, and the calendar preview."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from iopkit.app import cohort_form as form
from iopkit.content.curriculum import load_curriculum
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import sequence

EXAMPLES = ("example.toml", "evening-telehealth.toml", "aftercare.toml", "with-electives.toml")


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


@pytest.fixture
def folder(tmp_path) -> Path:
    """A counselor's folder with the two example cohorts and the logo."""
    (tmp_path / "cohorts").mkdir()
    for name in (*EXAMPLES, "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / "cohorts" / name)
    return tmp_path


@pytest.fixture
def editor(folder):
    from iopkit.app.cohort_editor import CohortEditor

    return CohortEditor(folder, debounce=0)  # check at once, as the debounced check does after a pause


# ---------------------------------------------------------------- the file <-> the form's values


@pytest.mark.parametrize("name", EXAMPLES)
def test_a_file_read_into_the_form_and_written_back_unchanged_is_byte_identical(name, curriculum):
    path = ROOT / "cohorts" / name
    doc = form.open_document(path)
    values = form.read_values(doc)
    values.update(form.Changes.from_values(values, curriculum).to_values(list(curriculum_ids(curriculum))))
    assert form.apply_values(doc, values, form.resolver(curriculum)) == []
    assert form.text_of(doc) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", EXAMPLES)
def test_opening_a_file_in_the_editor_changes_nothing_and_shows_no_problem(name, editor, folder):
    path = folder / "cohorts" / name
    editor.open(path)
    assert editor.problems == []
    assert editor.draft() == path.read_text(encoding="utf-8")
    assert not editor.save_button.disabled


def test_a_change_keeps_every_comment_and_the_counselors_own(editor, folder):
    path = folder / "cohorts" / "evening-telehealth.toml"
    text = path.read_text(encoding="utf-8").replace(
        'platform = "Zoom for Healthcare"', 'platform = "Zoom for Healthcare"   # Dana hosts; Sam is co-host')
    path.write_text("# Our own note: this group moved to evenings in 2026.\n" + text, encoding="utf-8")
    editor.open(path)
    editor.fields[("schedule", "start_time")].value = "6:30 PM"
    editor.fields[("location", "platform")].value = "Doxy.me"
    editor.fields[("resources", "meetings")].value += "\nNA online: na.org/meetingsearch"
    assert editor.save() == path
    saved = path.read_text(encoding="utf-8")
    assert saved.startswith("# Our own note: this group moved to evenings in 2026.\n")
    assert 'platform = "Doxy.me"' in saved and "# Dana hosts; Sam is co-host" in saved
    assert 'start_time = "6:30 PM"' in saved
    assert "session_minutes = 150                   # blocks rescale from the curriculum's 180" in saved
    assert "step_down = [\n  { weeks = 8" in saved  # untouched settings keep their own layout
    assert '  "NA online: na.org/meetingsearch",\n]' in saved  # a list written over lines stays that way
    cohort = load_cohort(path, curriculum=load_curriculum())
    assert cohort.schedule.start_time == dt.time(18, 30) and cohort.location.platform == "Doxy.me"
    # Nothing else moved: every line but the three changed ones is as it was.
    before, after = text.splitlines(), saved.splitlines()[1:]
    assert len([a for a in after if a not in before]) == 3


def test_a_section_the_form_does_not_know_is_kept_exactly(curriculum):
    """[reminders] has no panel in the form, and a section from a later iopkit has none either: both stay as written."""
    text = (ROOT / "cohorts" / "example.toml").read_text(encoding="utf-8") + (
        "\n[dashboard]                             # from a later version\nshow = [\"hours\",   \"attendance\"]\n")
    doc = form.parse(text)
    values = form.read_values(doc)
    values[("cohort", "group_size")] = 8
    values[("level_of_care", "count_breaks")] = True
    assert form.apply_values(doc, values, form.resolver(curriculum)) == [("cohort", "group_size"),
                                                                        ("level_of_care", "count_breaks")]
    out = form.text_of(doc)
    assert out[out.index("\n[reminders]"):] == text[text.index("\n[reminders]"):]
    assert out == text.replace("group_size = 10", "group_size = 8").replace(
        "count_breaks = false                    #", "count_breaks = true                     #")


def test_a_new_setting_goes_where_the_example_documents_it(curriculum):
    doc = form.parse((ROOT / "cohorts" / "example.toml").read_text(encoding="utf-8"))
    values = form.read_values(doc)
    values[("location", "mode")] = "telehealth"
    values[("location", "platform")] = "Doxy.me"
    values[("cohort", "track")] = "iop"
    form.apply_values(doc, values, form.resolver(curriculum))
    lines = form.text_of(doc).splitlines()
    at = lines.index('platform = "Doxy.me"')
    assert lines[at - 1].startswith("address = ") and lines[at - 2].startswith('mode = "telehealth"')
    # The comment of a changed setting stays in its column.
    assert lines[at - 2].index("#") == 40  # as in the example: mode = "in-person"   # ...


# ---------------------------------------------------------------- live checking


def test_an_invalid_setting_shows_beside_its_own_field_and_nothing_is_saved(editor, folder):
    path = folder / "cohorts" / "evening-telehealth.toml"
    before = path.read_text(encoding="utf-8")
    editor.open(path)
    editor.fields[("schedule", "start_date")].value = dt.date(2027, 1, 6)  # a Wednesday: not a meeting day
    editor.fields[("schedule", "break_minutes")].value = 90
    shown = {key: box.value for key, box in editor.problem_html.items() if box.value}
    assert set(shown) == {("schedule", "start_date"), ("schedule", "break_minutes")}
    assert "a date that falls on a meeting day (Tuesday, Thursday, Saturday)" in shown[("schedule", "start_date")]
    assert "at most half the session length (75 of its 150 minutes)" in shown[("schedule", "break_minutes")]
    assert editor.problem_html[("schedule", "start_date")].layout.display is None
    assert "ce-bad" in editor.rows[("schedule", "start_date")]._dom_classes
    assert editor.save_button.disabled and "Not saved yet: 2 settings need fixing" in editor.status.value
    assert editor.save() is None
    assert path.read_text(encoding="utf-8") == before
    # What was typed is kept, and fixing it saves it.
    assert editor.fields[("schedule", "break_minutes")].value == 90
    editor.fields[("schedule", "start_date")].value = dt.date(2027, 1, 7)
    editor.fields[("schedule", "break_minutes")].value = 20
    assert editor.problems == [] and not editor.save_button.disabled
    assert editor.problem_html[("schedule", "start_date")].layout.display == "none"
    assert editor.save() == path
    saved = load_cohort(path, curriculum=load_curriculum())
    assert saved.schedule.start_date == dt.date(2027, 1, 7) and saved.schedule.break_minutes == 20


@pytest.mark.parametrize("field, value, expected", [
    (("schedule", "time_zone"), "America/Denverr", "a time zone name like America/Chicago"),
    (("schedule", "start_time"), "half past six", "a time like 9:00 AM or 18:00"),
    (("schedule", "closures"), "2027-01-07\nMarch 3", "a date written like 2027-01-04"),
    (("cohort", "facilitators"), "", "at least 1 item"),
    (("program", "accent_color"), "blue", "a color written like #2f6b7e"),
])
def test_each_problem_is_shown_at_the_widget_it_is_about(editor, folder, field, value, expected):
    editor.open(folder / "cohorts" / "evening-telehealth.toml")
    editor.fields[field].value = value
    shown = {key: box.value for key, box in editor.problem_html.items() if box.value}
    assert list(shown) == [field] and expected in shown[field]
    assert "no quotes" not in shown[field]


def test_problem_fields_map_to_the_form(tmp_path):
    from iopkit.errors import Problem

    path = tmp_path / "g.toml"
    assert form.field_of(Problem("g.toml", 3, "schedule, step_down, item 2, days", "", ""), path) == \
        ("schedule", "step_down")
    assert form.field_of(Problem("g.toml", 3, "schedule, holidays, country", "", ""), path) == ("schedule", "holidays")
    assert form.field_of(Problem("g.toml", 3, "curriculum, add, item 1, session", "", ""), path) == \
        ("curriculum", "swap")
    assert form.field_of(Problem("custom/ours.yaml", 3, "title", "", ""), path) == ("curriculum", "swap")


def test_the_calendar_preview_follows_holidays_closures_and_the_step_down(editor, folder):
    editor.open(folder / "cohorts" / "example.toml")
    html = editor.calendar_html.value
    assert "36 sessions" in html and "Mon Mar 15 (closed)" in html and "Mon Jan 18 (public holiday)" in html
    editor.fields[("schedule", "closures")].value = ""
    assert "(closed)" not in editor.calendar_html.value
    editor.open(folder / "cohorts" / "evening-telehealth.toml")
    html = editor.calendar_html.value
    assert "Weeks 1 to 8: Tuesday, Thursday, Saturday" in html and "From week 9 to the end: Tuesday, Thursday" in html
    # The hours check of `iopkit validate`: 3 × (150 − 10) = 420 countable minutes, below adult 2.1's 540.
    assert "Weeks 1 to 8: 7 hours" in html and "Adult ASAM 2.1 needs at least 540 minutes (9 hours) a week" in html
    assert "3 × (150 − 10) = 420 min &lt; 540 in a full week on Tuesday, Thursday, Saturday" in html


# ---------------------------------------------------------------- a new group, from scratch


def test_a_new_telehealth_evening_group_with_curriculum_changes_saves_a_file_that_validates(editor, folder,
                                                                                            curriculum):
    f = editor.fields
    assert editor.save_button.disabled  # a blank form is not a group yet
    f[("program", "name")].value = "Riverbend Recovery Center"
    f[("program", "logo")].value = "riverbend-logo.png"
    f[("cohort", "name")].value = "Tuesday Thursday Evening Telehealth"
    f[("cohort", "facilitators")].value = "Dana Okafor, LADC\nSam Chen, LCSW"
    f[("schedule", "start_date")].value = dt.date(2027, 2, 2)
    editor.days.value = ["Tuesday", "Thursday"]
    f[("schedule", "start_time")].value = "6:00 PM"
    f[("schedule", "session_minutes")].value = 180
    f[("schedule", "time_zone")].value = "America/Denver"
    editor.state.value = "CO"
    f[("location", "mode")].value = "telehealth"
    f[("location", "platform")].value = "Zoom for Healthcare"
    f[("resources", "local_crisis_line")].value = "Colorado Crisis Services: 1-844-493-8255"
    f[("resources", "naloxone")].value = "Mailed free on request"
    assert f[("cohort", "time_of_day")].value == "evening"
    editor.sessions.value = "sobriety-sampling"
    editor.up.click()
    editor.sessions.value = "work-job-skills"
    editor.skip.click()
    editor.sessions.value = "practical-stressors"
    editor.insert.value = "elective:tobacco"
    editor.replace.click()
    editor.sessions.value = "values"
    editor.insert.value = "elective:grief-loss"
    editor.add_after.click()
    assert editor.problems == [], editor.problems
    assert "Tobacco" in editor.calendar_html.value
    path = editor.save()
    assert path == folder / "cohorts" / "tuesday-thursday-evening-telehealth.toml"
    text = path.read_text(encoding="utf-8")
    assert "# must fall on a meeting day" in text and "# printed in every handout's resource box" in text
    assert 'order = ["orientation", "automatic-pilot", "sobriety-sampling"]' in text
    cohort = load_cohort(path, curriculum=curriculum)
    ids = [slot.session.id for slot in sequence(cohort, curriculum)]
    assert ids[:4] == ["orientation", "automatic-pilot", "sobriety-sampling", "functional-analysis"]
    assert "work-job-skills" not in ids and "practical-stressors" not in ids and "tobacco" in ids
    assert ids[ids.index("values") + 1] == "grief-loss" and len(ids) == 36
    assert cohort.telehealth and cohort.schedule.holidays.subdivision == "CO"
    # Reopened, the form shows the same file and saving again changes nothing.
    editor.open(path)
    assert editor.draft() == text


def test_a_new_group_never_replaces_another_groups_file(editor, folder):
    before = (folder / "cohorts" / "example.toml").read_text(encoding="utf-8")
    editor.open(folder / "cohorts" / "example.toml")
    editor.new()
    editor.fill(form.read_values(form.open_document(folder / "cohorts" / "example.toml")))
    editor.file_name.value = "example.toml"
    editor.check_now()
    assert editor.save_button.disabled and "another group's file" in editor.status.value
    assert editor.save() is None
    assert (folder / "cohorts" / "example.toml").read_text(encoding="utf-8") == before


def test_the_workbench_has_a_group_tab_built_when_first_opened(folder):
    from iopkit.app.workbench import Workbench

    (folder / "cohorts" / "zz-broken.toml").write_text('schema = 1\n[program]\nname = "Clinic"\n# ours\n')
    wb = Workbench(folder)
    assert wb.areas.titles == ("Sessions", "Group") and wb.group.editor is None
    wb.cohort.value = folder / "cohorts" / "zz-broken.toml"
    assert "in the Group tab" in wb.message.value
    wb.areas.selected_index = 1
    editor = wb.group.editor
    assert editor is not None and wb.group.widget.children == (editor.widget,)
    # The group chosen under Sessions opens, with what is missing shown at its fields.
    assert editor.path == folder / "cohorts" / "zz-broken.toml"
    assert "a value for this required setting" in editor.problem_html[("schedule", "start_date")].value
    editor.open(folder / "cohorts" / "example.toml")
    editor.fields[("cohort", "name")].value = "Morning Group"
    editor.save()
    assert "Morning Group" in (folder / "cohorts" / "example.toml").read_text(encoding="utf-8")


def curriculum_ids(curriculum):
    return [s.id for s in curriculum.sessions.values()]


def test_typing_is_checked_once_after_a_pause_not_at_every_key(folder, monkeypatch):
    import time

    from iopkit.app.cohort_editor import CohortEditor

    editor = CohortEditor(folder, debounce=0.3)
    editor.open(folder / "cohorts" / "example.toml")
    calls = []
    real = editor.check_now
    monkeypatch.setattr(editor, "check_now", lambda: calls.append(1) or real())
    for text in ("6", "6:", "6:3", "6:30", "6:30 P", "6:30 PM"):
        editor.fields[("schedule", "start_time")].value = text
    assert calls == []
    deadline = time.monotonic() + 10
    while not calls and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.4)
    assert calls == [1] and editor.problems == []
    assert 'start_time = "6:30 PM"' in editor.draft()


def test_a_change_naming_a_session_the_curriculum_does_not_have_is_kept_and_named(editor, folder):
    path = folder / "cohorts" / "example.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('# skip = ["work-job-skills"]',
                                                             'skip = ["work-job-skill"]'),
                    encoding="utf-8")
    editor.open(path)
    shown = editor.problem_html[("curriculum", "swap")].value
    assert "work-job-skill" in shown and "a session id or number from `iopkit list`" in shown
    assert editor.draft() == path.read_text(encoding="utf-8")  # kept as written until the counselor fixes it
    assert editor.save() is None


def test_replacing_a_session_with_a_missing_file_of_ones_own_is_shown_at_the_sessions(editor, folder):
    editor.open(folder / "cohorts" / "example.toml")
    editor.sessions.value = "values"
    editor.insert.value = "custom"
    editor.custom.value = "custom/our-values.yaml"
    editor.replace.click()
    shown = editor.problem_html[("curriculum", "swap")].value
    assert "custom session file" in shown and editor.save_button.disabled
    assert 'with = "custom/our-values.yaml"' in editor.draft()
    editor.unreplace.click()
    assert editor.problems == [] and editor.draft() == (folder / "cohorts" / "example.toml").read_text()


def test_a_step_down_made_in_the_form_is_written_like_the_example_and_shown_in_the_calendar(editor, folder):
    path = folder / "cohorts" / "example.toml"
    editor.open(path)
    editor.step_on.value = True
    editor.add_stretch.click()
    editor.add_stretch.click()
    (weeks, days, _), (_, later, _) = editor.stretch_rows
    weeks.value = 6
    days.value = ["Monday", "Wednesday", "Friday"]
    later.value = ["Monday", "Thursday"]
    assert editor.problems == []
    assert "Weeks 1 to 6: Monday, Wednesday, Friday" in editor.calendar_html.value
    assert editor.save() == path
    text = path.read_text(encoding="utf-8")
    assert ('closures = [2027-03-15]                 # other days the clinic is closed\nstep_down = [\n'
            '  { weeks = 6, days = ["Monday", "Wednesday", "Friday"] },\n  { days = ["Monday", "Thursday"] },\n]\n'
            ) in text
    steps = load_cohort(path).schedule.step_down
    assert [(s.weeks, s.days) for s in steps] == [(6, ["Monday", "Wednesday", "Friday"]),
                                                  (None, ["Monday", "Thursday"])]
    # A stretch with no weeks before the last one is named at the step-down.
    weeks.value = 0
    assert "weeks = N on every stretch but the last" in editor.problem_html[("schedule", "step_down")].value
    assert editor.save() is None and load_cohort(path).schedule.step_down[0].weeks == 6


def test_opening_another_group_asks_first_when_changes_are_not_saved(editor, folder):
    editor.open(folder / "cohorts" / "example.toml")
    editor.fields[("cohort", "name")].value = "Renamed Group"
    editor.choice.value = folder / "cohorts" / "evening-telehealth.toml"
    editor.open_button.click()
    assert editor.path.name == "example.toml" and "changes that are not saved" in editor.saved.value
    assert editor.fields[("cohort", "name")].value == "Renamed Group"
    editor.open_button.click()  # a second click leaves them
    assert editor.path.name == "evening-telehealth.toml"
    editor.new_button.click()  # nothing changed: no question
    assert editor.path is None


def test_the_level_of_care_panel_drives_the_hours_check_and_its_problems_show_at_its_fields(editor, folder):
    path = folder / "cohorts" / "example.toml"
    editor.open(path)
    loc = "level_of_care"
    assert "at least 540 minutes (9 hours) a week" in editor.calendar_html.value
    assert "Below the weekly minimum" in editor.calendar_html.value  # 3 × (180 − 15) = 495
    editor.fields[(loc, "count_breaks")].value = True  # 3 × 180 = 540: no shortfall in a full week
    assert "the break counts" in editor.calendar_html.value
    assert "in a full week" not in editor.calendar_html.value
    editor.fields[(loc, "population")].value = "adolescent"
    assert "at least 360 minutes (6 hours) a week" in editor.calendar_html.value
    editor.fields[(loc, "daily_minimum_minutes")].value = 400
    shown = editor.problem_html[(loc, "daily_minimum_minutes")].value
    assert "at most the weekly minimum (360 minutes)" in shown and editor.save() is None
    editor.fields[(loc, "daily_minimum_minutes")].value = 0
    editor.fields[(loc, "hcpcs")].value = "H0015"
    assert editor.save() == path
    text = path.read_text(encoding="utf-8")
    assert 'population = "adolescent"' in text and 'hcpcs = "H0015"                         # billing fields' in text
    assert "# daily_minimum_minutes = 180           # only if your payer sets a daily minimum" in text
    assert "daily_minimum_minutes =" not in text.replace("# daily_minimum_minutes =", "")


def test_a_new_aftercare_group_plans_weeks_of_the_cycle_with_its_own_length_and_level(editor, folder, curriculum):
    f = editor.fields
    f[("program", "name")].value = "Riverbend Recovery Center"
    f[("cohort", "name")].value = "Thursday Aftercare"
    f[("cohort", "facilitators")].value = "Dana Okafor, LADC"
    f[("schedule", "start_date")].value = dt.date(2027, 4, 1)
    editor.days.value = ["Thursday"]
    f[("schedule", "start_time")].value = "5:30 PM"
    f[("location", "address")].value = "412 Mill Street, Northfield, MN 55057"
    f[("cohort", "track")].value = "aftercare"
    assert (f[("schedule", "session_minutes")].value, f[("schedule", "break_minutes")].value) == (90, 0)
    assert f[("level_of_care", "asam_level")].value == "1.0"
    assert editor.rows[("schedule", "weeks")].layout.display is None
    assert "either weeks = N" in editor.problem_html[("schedule", "weeks")].value
    f[("schedule", "weeks")].value = 12
    assert editor.problems == [] and len(editor.sessions.options) == len(curriculum.aftercare)
    path = editor.save()
    cohort = load_cohort(path, curriculum=curriculum)
    assert cohort.track == "aftercare" and cohort.schedule.weeks == 12 and cohort.level_of_care.asam_level == "1.0"
    assert len(sequence(cohort, curriculum)) == 12


def test_a_typed_file_name_becomes_a_plain_cohort_file_name_in_the_cohorts_folder(editor, folder):
    for typed, expected in (("", "new-group.toml"), ("Evening Group", "evening-group.toml"),
                            ("../../etc/evening.TOML", "evening.toml"), ("tuesday.toml", "tuesday.toml")):
        editor.file_name.value = typed
        assert editor.target() == folder / "cohorts" / expected
    editor.file_name.value = ""
    editor.fields[("cohort", "name")].value = "Mon/Wed Morning"
    assert editor.target().name == "mon-wed-morning.toml"
