"""After the group: the notes kit, the hours check, the catch-up kit and the reminder texts.

What a counselor would check: the group section says what the session taught, for how long and
by whom, with no names; the member template leaves the clinician's parts blank; sign-in slips
show one person each; bad input says what to fix, exits 2 and writes nothing; a week below the
level of care's minimum is named with its arithmetic and a way out.
"""
from __future__ import annotations

import re
import shutil

import pytest
from conftest import FIXTURES, ROOT, pdf_text, run_cli

from iopkit.content.curriculum import load_curriculum
from iopkit.errors import NotesError, ValidationError
from iopkit.planning.cohort import load_cohort
from iopkit.planning.hours import hours_report
from iopkit.planning.plan import plan_cohort
from iopkit.render import notes

EXAMPLE = ROOT / "cohorts" / "example.toml"
EVENING = ROOT / "cohorts" / "evening-telehealth.toml"
ROSTER = FIXTURES / "notes" / "roster.txt"
ROSTER_NAMES = ["Zephyrine Q.", "Bartholomew X.", "Olamide K.", "Marie-Claire V."]
FIRST_NAMES = ["Zephyrine", "Bartholomew", "Olamide", "Marie-Claire"]


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


@pytest.fixture(scope="module")
def example_plan(curriculum):
    return plan_cohort(load_cohort(EXAMPLE, curriculum=curriculum), curriculum)


@pytest.fixture(scope="module")
def urge_surfing(example_plan, curriculum):
    """Session 5 of the example cohort (Wednesday, January 13, 2027): urge surfing."""
    return notes.group_facts(example_plan, example_plan.at(5), curriculum)


# ---------------------------------------------------------------- the group section


def test_group_section_says_what_the_session_taught_for_how_long_and_by_whom(urge_surfing):
    text = notes.render_group_section(urge_surfing, "dap", "txt")
    for expected in ("Program: Riverbend Recovery Center", "Group: Monday-Wednesday-Friday Morning Group",
                     "Session: 5 of 36: Riding the Wave: Urge Surfing and Mountain Meditation",
                     "Date: Wednesday, January 13, 2027", "Scheduled: 9:00 AM to 12:00 PM CST",
                     "Countable minutes: 165 (180 scheduled, less the 15-minute break)", "Modality: In person",
                     "Facilitators: Jordan Rivera, LADC; Sam Chen, LCSW", "Level of care: ASAM Level 2.1, adult",
                     "Head count: ______"):
        assert expected in text
    # The practice block, worded from its kind and the session's technique names (techniques.yaml).
    assert '- Led guided practice of urge surfing ("Urge surfing, guided"), 35 minutes' in text
    assert "- Led a wellness practice: mountain meditation" in text
    assert "Techniques this session teaches: Urge surfing; Mountain meditation." in text
    # The break is not an intervention, and the interventions add up to the countable minutes.
    minutes = [int(m) for m in re.findall(r"^- .*, (\d+) minutes$", text, re.M)]
    assert sum(minutes) == 165 and "break" not in " ".join(t for t, _ in urge_surfing.interventions).lower()
    assert "Exercise: Urge surfing with a mild, imagined trigger (guided practice, about 35 minutes)" in text
    assert "Home practice assigned: Once a day, surf one urge." in text
    assert "Next group: Friday, January 15: session 6" in text


@pytest.mark.parametrize("fmt, headings", [
    ("dap", ["D - DATA", "A - ASSESSMENT", "P - PLAN"]),
    ("birp", ["B - BEHAVIOR", "I - INTERVENTION", "R - RESPONSE", "P - PLAN"]),
    ("soap", ["S - SUBJECTIVE", "O - OBJECTIVE", "A - ASSESSMENT", "P - PLAN"]),
    ("girp", ["G - GOALS", "I - INTERVENTION", "R - RESPONSE", "P - PLAN"]),
])
def test_each_note_format_has_its_own_sections_in_order(urge_surfing, fmt, headings):
    text = notes.render_group_section(urge_surfing, fmt, "txt")
    places = [text.index(h) for h in headings]
    assert places == sorted(places)
    # Objectives are a pick-list left blank for the clinician, in every format.
    assert text.count("[ ] met   [ ] partly met   [ ] not met") == len(urge_surfing.objectives)
    assert "[x]" not in text
    markdown = notes.render_group_section(urge_surfing, fmt, "md")
    assert all(f"## {h[0]}: {h.split(' - ')[1].title()}" in markdown for h in headings)


def test_plain_text_pastes_into_any_ehr(urge_surfing):
    """The .txt has no markup and no curly quotes that an EHR text box could mangle."""
    text = notes.render_group_section(urge_surfing, "birp", "txt")
    assert not re.search(r"[“”‘’–—]|\*\*|<[a-z]", text)


def test_billing_fields_are_printed_as_given_and_never_inferred(curriculum, urge_surfing):
    plain = notes.render_group_section(urge_surfing, "dap", "txt")
    assert "HCPCS" not in plain and "H0015" not in plain and "Revenue code" not in plain
    cohort = load_cohort(FIXTURES / "cohorts" / "notes-billing.toml", curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    text = notes.render_group_section(notes.group_facts(plan, plan.at(5), curriculum), "dap", "txt")
    assert "HCPCS: H0015" in text and "Revenue code: 0906" in text and "Per diem: $185.00" in text
    # count_breaks = true in that file: the whole session counts.
    assert "Countable minutes: 180 (the 180-minute session; the payer counts the break)" in text


def test_telehealth_groups_say_so(curriculum):
    plan = plan_cohort(load_cohort(EVENING, curriculum=curriculum), curriculum)
    facts = notes.group_facts(plan, plan.at(1), curriculum)
    text = notes.render_group_section(facts, "soap", "txt")
    assert "Modality: Telehealth, group video (Zoom for Healthcare)" in text
    assert "Countable minutes: 140 (150 scheduled, less the 10-minute break)" in text
    assert "Scheduled: 6:00 PM to 8:30 PM MST" in text


def test_html_is_escaped_by_the_template(urge_surfing):
    """Markup comes from templates with autoescape: text that looks like HTML prints as text."""
    import dataclasses

    tricky = dataclasses.replace(urge_surfing, title="<b>Bold</b> & co", interventions=[("<script>x</script>", 5)])
    page = notes.render_group_section(tricky, "dap", "html")
    assert "<script>x</script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in page


# ---------------------------------------------------------------- the member template


@pytest.mark.parametrize("fmt", list(notes.FORMATS))
def test_member_template_leaves_every_clinician_part_blank(urge_surfing, fmt):
    text = notes.render_member_template(urge_surfing, fmt, "txt")
    used = {part for _, _, parts in notes.MEMBER_SECTIONS[fmt] for part in parts if part in notes.CLINICIAN_FIELDS}
    assert {"response", "progress", "risk", "plan"} <= used | ({"response"} if fmt == "soap" else set())
    for key in used | {"signature"}:
        prompt = notes.CLINICIAN_FIELDS[key]
        assert f"CLINICIAN ONLY: {prompt}:\n____" in text or f"CLINICIAN ONLY: {prompt}: ____" in text
    assert "Member: ________________________" in text
    assert "Attendance: [ ] present for the whole session   [ ] arrived late" in text
    assert "Minutes attended: ________ of 165 countable" in text
    assert "[x]" not in text
    assert "42 CFR part 2" in text  # once filled in, it is a record about a person


def test_a_record_can_prefill_attendance_and_minutes_but_not_the_clinicians_words(urge_surfing):
    filled = notes.render_member_template(urge_surfing, "birp", "md", prefill={
        "attendance": "arrived late", "arrival": "9:20 AM", "leave": "12:00 PM", "minutes_attended": 145,
        "participation": "took part when invited", "objectives": ["met", "partly met"]})
    assert "[x] arrived late" in filled and "[ ] present for the whole session" in filled
    assert "**Arrived:** 9:20 AM" in filled and "**Minutes attended:** 145 of 165 countable" in filled
    assert "[x] took part when invited" in filled
    assert filled.count("[x] met") == 1 and filled.count("[x] partly met") == 1
    with pytest.raises(NotesError, match="only the clinician writes behaviour, risk"):
        notes.render_member_template(urge_surfing, prefill={"behaviour": "calm", "risk": "none"})
    with pytest.raises(NotesError, match='attendance: got "here"'):
        notes.render_member_template(urge_surfing, prefill={"attendance": "here"})
    with pytest.raises(NotesError, match="got a field named mood"):
        notes.render_member_template(urge_surfing, prefill={"mood": "good"})


# ---------------------------------------------------------------- the kit from the command line


def test_notes_command_writes_the_kit_into_the_build_folder(tmp_path):
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    result = run_cli("notes", "example.toml", "--date", "2027-01-13", "--format", "girp", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "build" / "example" / "notes" / "2027-01-13"
    assert sorted(p.name for p in out.iterdir()) == sorted([
        "group-section-girp.md", "group-section-girp.txt", "group-section-girp.pdf", "member-template-girp.md",
        "member-template-girp.txt", "member-template-girp.pdf", "sign-in-roster.pdf", "sign-in-slips.pdf"])
    pdf = pdf_text(out / "group-section-girp.pdf")
    assert "Riding the Wave" in pdf and "Led guided practice of urge surfing" in pdf and "Head count" in pdf
    assert "CLINICIAN ONLY" in pdf_text(out / "member-template-girp.pdf")
    roster = pdf_text(out / "sign-in-roster.pdf")
    assert "42 CFR part 2" in roster and "First name, last initial" in roster


def test_every_session_of_both_example_cohorts_has_a_group_section(curriculum):
    for path in (EXAMPLE, EVENING):
        plan = plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)
        for item in plan.sessions:
            facts = notes.group_facts(plan, item, curriculum)
            text = notes.render_group_section(facts, "dap", "txt")
            assert f"Session: {item.position} of 36: " in text
            assert sum(m for _, m in facts.interventions) == facts.countable_minutes
            assert len(facts.interventions) >= 7 and all(t.strip() for t, _ in facts.interventions)


@pytest.mark.parametrize("args, message", [
    (["--date", "2027-01-12"], "--date: got 2027-01-12, a Tuesday, expected a day this group meets "
                               "(cohorts/example.toml, schedule). The nearest meeting days are 2027-01-11 "
                               "(Monday, session 4) and 2027-01-13 (Wednesday, session 5)."),
    (["--date", "2027-01-18"], "got 2027-01-18, a Monday"),  # a holiday (Martin Luther King Jr. Day)
    (["--date", "13/01/2027"], '--date: got "13/01/2027", expected a date written like 2027-01-06'),
    (["--session", "40"], "--session: Session 40 is not in this cohort's plan"),
    (["--session", "5", "--format", "narrative"], '--format: got "narrative", expected one of: dap, birp, soap, girp'),
    (["--session", "5", "--roster", "tests/fixtures/notes/roster-full-name.txt"],
     "roster-full-name.txt:1: roster: got a line that is not a first name and a last initial"),
])
def test_bad_input_says_what_to_fix_exits_2_and_writes_nothing(tmp_path, args, message):
    out = tmp_path / "kit"
    result = run_cli("notes", "cohorts/example.toml", *args, "--out", str(out), cwd=ROOT)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()
    assert "Quillfeather" not in result.stderr  # a full name in a bad roster line is not repeated


@pytest.mark.parametrize("fixture, field, got", [
    ("level-of-care-unknown-level", "level_of_care, asam_level", '"3.7"'),
    ("level-of-care-unknown-population", "level_of_care, population", '"senior"'),
    ("level-of-care-daily-above-weekly", "level_of_care, daily_minimum_minutes", "600"),
])
def test_impossible_level_of_care_names_the_file_and_field(tmp_path, fixture, field, got):
    path = FIXTURES / "cohorts" / "invalid" / f"{fixture}.toml"
    out = tmp_path / "kit"
    result = run_cli("notes", str(path), "--session", "1", "--out", str(out))
    assert result.returncode == 2 and not out.exists()
    line = next(x for x in result.stderr.splitlines() if f": {field}: got " in x)
    assert f"{fixture}.toml:" in line and got in line and "expected" in line
    assert run_cli("validate", str(path)).returncode == 2


# ---------------------------------------------------------------- privacy


def test_names_reach_only_the_sign_in_sheets_and_each_slip_shows_one_person(tmp_path):
    out = tmp_path / "kit"
    kit = notes.write_notes_kit(EXAMPLE, session=5, fmt="dap", out=out, roster=ROSTER)
    assert notes.read_roster(ROSTER) == ROSTER_NAMES
    for path in kit.files:
        text = pdf_text(path) if path.suffix == ".pdf" else path.read_text()
        found = [n for n in FIRST_NAMES if n in text]
        if path.name.startswith(("group-section", "member-template")):
            assert not found, f"{path.name} holds {found}"
        else:
            assert path.name.startswith("sign-in")
            assert "42 CFR part 2" in text
    roster = pdf_text(out / "sign-in-roster.pdf")
    assert all(name in roster for name in ROSTER_NAMES)
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(str(out / "sign-in-slips.pdf")).pages]
    assert len(pages) == len(ROSTER_NAMES)
    for page, name in zip(pages, ROSTER_NAMES):
        assert [n for n in ROSTER_NAMES if n in page] == [name]
    # Nothing else in the folder: the roster itself is not copied or kept.
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in kit.files)


def test_blank_slips_come_two_to_a_page_for_the_group_size(tmp_path, urge_surfing):
    from iopkit.pdf import render

    pages = render(notes.render_sign_in(urge_surfing, "slips", None, group_size=10)).pages
    assert len(pages) == 5


# ---------------------------------------------------------------- the hours check


def test_hours_report_shows_every_week_and_the_arithmetic(example_plan):
    report = hours_report(example_plan)
    lines = report.lines()
    assert lines[0].startswith("Countable time per week (adult ASAM 2.1: at least 540 minutes a week; "
                               "the break is not counted)")
    assert len(report.weeks) == 13
    assert any("Week of Mon Jan 18, 2027" in x and "330 min" in x and "Martin Luther King" in x for x in lines)
    assert any("Week of Mon Mar 15, 2027" in x and "clinic closed" in x for x in lines)
    warnings = report.warnings()
    assert ("3 × (180 − 15) = 495 min < 540 in a full week on Monday, Wednesday, Friday (10 weeks): lengthen each "
            "session by 15 minutes (session_minutes = 195), add an individual session of 45 minutes each week, or "
            "set count_breaks = true in [level_of_care] if your payer counts breaks.") in warnings[0]
    assert warnings[0].startswith("Warning: cohorts/example.toml: level_of_care:")
    assert "week of Jan 18: 2 × 165 = 330 min < 540" in warnings[1]


def test_counting_breaks_meets_the_minimum_in_full_weeks(tmp_path, curriculum):
    path = tmp_path / "counted.toml"
    shutil.copy(ROOT / "cohorts" / "riverbend-logo.png", tmp_path)
    path.write_text(EXAMPLE.read_text().replace("count_breaks = false ", "count_breaks = true  "))
    report = hours_report(plan_cohort(load_cohort(path, curriculum=curriculum), curriculum))
    assert {w.minutes for w in report.weeks} == {540, 360}
    assert [w for w in report.below() if not w.closed] == []
    assert len(report.warnings()) == 1 and "holiday" not in report.warnings()[0].split(":")[0]


def test_step_down_weeks_are_checked_and_explained(curriculum):
    report = hours_report(plan_cohort(load_cohort(EVENING, curriculum=curriculum), curriculum))
    assert [w.sessions for w in report.weeks] == [3] * 8 + [2] * 6
    assert all(w.step_down for w in report.weeks[8:])
    text = "\n".join(report.warnings())
    assert "3 × (150 − 10) = 420 min < 540" in text and "session_minutes = 190" in text
    assert "2 × (150 − 10) = 280 min < 540 in a step-down week" in text and "check with your payer" in text


def test_daily_minimum_is_checked(tmp_path, curriculum):
    path = tmp_path / "daily.toml"
    shutil.copy(ROOT / "cohorts" / "riverbend-logo.png", tmp_path)
    path.write_text(EXAMPLE.read_text().replace("# daily_minimum_minutes = 180", "daily_minimum_minutes = 180"))
    text = "\n".join(hours_report(plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)).warnings())
    assert "daily_minimum_minutes: each session has (180 − 15) = 165 min < 180: lengthen each session by 15" in text


def test_validate_prints_the_weeks_and_warns_but_exits_0():
    result = run_cli("validate", "cohorts/example.toml", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Week of Mon Jan 4, 2027" in result.stdout and "495 min" in result.stdout
    assert "Warning: cohorts/example.toml: level_of_care: 3 × (180 − 15) = 495 min < 540" in result.stdout


def test_the_new_cohort_file_carries_the_level_of_care_section_commented(tmp_path):
    result = run_cli("new-cohort", str(tmp_path / "n.toml"), "--program", "North Clinic", "--name", "Group A",
                     "--facilitators", "A. B., LADC", "--start", "2027-01-04", "--days", "Monday,Wednesday,Friday",
                     "--time", "9:00 AM", "--time-zone", "America/Chicago", "--address", "1 Main St")
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "n.toml").read_text()
    assert "# [level_of_care]" in text and '# asam_level = "2.1"' in text and "# count_breaks = false" in text
    assert load_cohort(tmp_path / "n.toml").level_of_care.asam_level == "2.1"


# ---------------------------------------------------------------- reminder texts


def test_the_shipped_reminders_fit_one_text_and_say_nothing_about_treatment(example_plan):
    from iopkit.planning.reminders import reminders_for, revealing_words, sms_length

    texts = reminders_for(example_plan, example_plan.at(5).date)
    assert {(r.lang, r.name) for r in texts} == {(lang, name) for lang in ("en", "es")
                                                  for name in ("day_before", "same_day", "missed")}
    for r in texts:
        length, most = sms_length(r.text)
        assert most == 160 and length <= 160 and not revealing_words(r.text)
        assert "Riverbend" in r.text and "Recovery" not in r.text and "(507) 555-0142" in r.text
    day_before = {r.lang: r.text for r in texts if r.name == "day_before"}
    assert "Wednesday, January 13, at 9:00 AM" in day_before["en"]
    assert "miércoles 13 de enero a las 9:00" in day_before["es"]


@pytest.mark.parametrize("text, word", [
    ("Your IOP group is tomorrow", "IOP"), ("Treatment group at 9", "Treatment"),
    ("Stay sober this weekend", "sober"), ("Su cita de recuperación", "recuperacion"),
    ("Grupo de adicciones el lunes", "adicciones"), ("Your AA meeting", "AA"), ("rehab at 5", "rehab"),
])
def test_the_linter_catches_words_that_reveal_treatment(text, word):
    from iopkit.planning.reminders import revealing_words

    assert word in revealing_words(text)
    assert not revealing_words("Hi, this is Riverbend. See you Monday at 9:00 AM. Naan and tea after.")


@pytest.mark.parametrize("fixture, field, got, expected", [
    ("reminder-sender-reveals", "reminders, sender", '"Riverbend Recovery"', "a name that does not say what"),
    ("reminder-text-reveals", "reminders, en, day_before", '"IOP" in the text', "wording that does not say"),
    ("reminder-unknown-fill-in", "reminders, en, day_before", '"{name}"', "only the fill-ins {sender}"),
    ("reminder-too-long-with-accents", "reminders, es, day_before", "146 characters once filled in (it holds á, ó",
     "at most 70 characters"),
])
def test_a_cohorts_own_reminder_texts_are_validated(curriculum, fixture, field, got, expected):
    with pytest.raises(ValidationError) as caught:
        load_cohort(FIXTURES / "cohorts" / "invalid" / f"{fixture}.toml", curriculum=curriculum)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 1, lines
    assert f"{fixture}.toml:" in lines[0] and f": {field}: got {got}" in lines[0] and f"expected {expected}" in lines[0]


def test_a_program_name_that_reveals_is_caught_when_a_text_uses_it(tmp_path, curriculum):
    path = tmp_path / "c.toml"
    shutil.copy(ROOT / "cohorts" / "riverbend-logo.png", tmp_path)
    path.write_text(EXAMPLE.read_text().replace('sender = "Riverbend"', 'sender = "Riverbend"\n[reminders.en]\n'
                                                'same_day = "{program}: see you at {time}."\n[reminders.es]\n'
                                                'same_day = "Nos vemos a las {time}."'))
    with pytest.raises(ValidationError, match=r'reminders, en, same_day: got "Recovery" in a fill-in'):
        load_cohort(path, curriculum=curriculum)


def test_reminders_command_prints_the_texts():
    result = run_cli("reminders", "cohorts/example.toml", "--date", "2027-01-13", cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "iopkit sends nothing" in result.stdout and "[Spanish, day before," in result.stdout
    bad = run_cli("reminders", "cohorts/example.toml", "--date", "2027-01-12", cwd=ROOT)
    assert bad.returncode == 2 and "a Tuesday, expected a day this group meets" in bad.stderr


# ---------------------------------------------------------------- the catch-up kit


def test_every_catch_up_summary_reads_at_grade_6_or_below_on_one_page(curriculum):
    from iopkit.pdf import render
    from iopkit.pipeline.catchup import MAX_GRADE, catchup_summary, render_summary, summary_grade

    for path in (EXAMPLE, EVENING):
        plan = plan_cohort(load_cohort(path, curriculum=curriculum), curriculum)
        for item in plan.sessions:
            summary = catchup_summary(plan, item, curriculum)
            assert summary_grade(summary) <= MAX_GRADE, (path.name, item.position)
            # The list items are scored too: every key point is in the text, and every word of it is scored.
            from iopkit.content.language import readability

            assert all(p.rstrip(".") in summary.text() for p in summary.key_points)
            assert readability(summary.text()).words == len(summary.text().split())
            if path == EXAMPLE and item.position in (1, 20, 36):
                assert len(render(render_summary(summary)).pages) == 1


def test_the_catch_up_page_prints_the_handouts_crisis_lines(curriculum, tmp_path):
    """Issue 11: the catch-up page printed program.yaml's four lines and none of the cohort's own. It now
    prints every line of the handouts' crisis box (render.boxes.crisis_box), national and local, on one page,
    and its footer reads program.yaml's first lines."""
    import html as html_lib

    from iopkit.pdf import render
    from iopkit.pipeline.catchup import catchup_summary, render_summary
    from iopkit.render import i18n
    from iopkit.render.boxes import crisis_box

    cohort = load_cohort(EXAMPLE, curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    page = render_summary(catchup_summary(plan, plan.at(5), curriculum))
    document = render(page)
    assert len(document.pages) == 1
    (tmp_path / "summary.pdf").write_bytes(document.write_pdf())
    text = " ".join(pdf_text(tmp_path / "summary.pdf").split())
    box = crisis_box(curriculum.program, cohort, "en")
    lines = [" ".join(html_lib.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="note">.*?</span>', "", li))).split())
             for li in re.findall(r"<li>(.*?)</li>", box)]
    assert len(lines) >= 8  # four national lines, then the cohort's own and its meetings
    for line in lines:
        assert line in text, line
    assert "Rice County Crisis Line" in text and "Crisis Text Line: Text HOME to 741741" in text
    assert i18n.help_line(curriculum.program, "en") in text


@pytest.mark.slow
def test_catchup_command_writes_the_handout_and_the_summary(tmp_path):
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    result = run_cli("catchup", "example.toml", "--session", "5", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "build" / "example" / "catchup" / "session-05"
    summary = pdf_text(out / "catch-up-summary.pdf")
    assert "We missed you at group on Wednesday, January 13" in summary and "988" in summary
    assert "Try it at home" in summary and "Once a day, surf one urge" in summary
    assert "My Urge Surfing Log" in pdf_text(out / "handout.pdf")


# ---------------------------------------------------------------- the Workbench's "After the group" tab


def _after_tab(wb):
    return wb.tabs.children[list(wb.tabs.titles).index("After the group")]


def _all_widgets(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from _all_widgets(child)


def test_after_the_group_tab_writes_the_kit_and_shows_the_text_to_paste(tmp_path):
    import datetime as dt

    from iopkit.app.workbench import Workbench

    wb = Workbench(tmp_path, today=dt.date(2027, 1, 13))
    assert wb.session.value == 5 and "Wednesday, January 13" in wb.after_intro.value
    assert "Riverbend" in wb.reminders_html.value and "iopkit sends nothing" in wb.reminders_html.value
    wb.note_format.value = "soap"
    wb.write_notes_kit()
    out = tmp_path / "build" / "example" / "notes" / "2027-01-13"
    assert (out / "group-section-soap.txt").read_text() == wb.notes_text.value
    assert wb.notes_text.value.startswith("GROUP SECTION (SOAP): Session 5 of 36")
    links = wb.notes_links.outputs[0]["data"]["text/html"]
    assert 'href="build/example/notes/2027-01-13/group-section-soap.pdf"' in links and "Sign-in slips (PDF)" in links
    # Another session or format clears what was shown, so nothing stale is pasted.
    wb.select(6)
    assert wb.notes_text.value == "" and wb.notes_links.outputs == ()


def test_the_after_the_group_tab_has_nowhere_to_type_a_name(tmp_path):
    """Widget values are saved in the notebook: this tab takes no free text and no file."""
    import ipywidgets as w

    from iopkit.app.workbench import Workbench

    wb = Workbench(tmp_path)
    kinds = {type(x) for x in _all_widgets(_after_tab(wb))}
    assert not kinds & {w.Text, w.FileUpload, w.Combobox, w.Password}
    assert w.Textarea in kinds  # only ever holds the group section, which has no names
    assert "iopkit notes COHORT --roster FILE" in wb.after_intro.value


def test_the_catch_up_button_uses_the_library_and_links_both_pdfs(tmp_path, monkeypatch):
    import datetime as dt

    from iopkit.app.workbench import Workbench
    from iopkit.pipeline import catchup

    calls = []

    def fake(cohort_file, position, out=None, curriculum_dir=None, build_dir=None):
        calls.append((position, out, build_dir))
        out.mkdir(parents=True)
        files = [out / "catch-up-summary.pdf", out / "handout.pdf"]
        for f in files:
            f.write_bytes(b"%PDF-1.7")
        return catchup.CatchupKit(out, files, 4.2)

    monkeypatch.setattr(catchup, "write_catchup_kit", fake)
    wb = Workbench(tmp_path, today=dt.date(2027, 1, 13))
    wb.make_catchup_kit()
    wb._build_thread.join(10)
    assert calls == [(5, tmp_path / "build" / "example" / "catchup" / "session-05", tmp_path / "build" / "example")]
    assert "reading grade 4.2" in wb.notes_status.value
    links = wb.notes_links.outputs[0]["data"]["text/html"]
    assert "Catch-up summary (PDF)" in links and "Handout (PDF)" in links
    assert not wb.catchup.disabled


def test_kit_links_work_under_voila(tmp_path):
    from iopkit.app.workbench import kit_links_html

    files = [tmp_path / "build" / "x" / "notes" / "d" / "sign-in-slips.pdf", tmp_path / "build" / "x" / "a.md"]
    html = kit_links_html(files, tmp_path, {"SERVER_SOFTWARE": "voila/0.5", "SCRIPT_NAME": "/"})
    assert 'href="/voila/files/build/x/notes/d/sign-in-slips.pdf"' in html and "a.md" not in html


def test_the_documentation_names_what_the_kit_writes_and_the_defaults_it_checks():
    from iopkit.planning.hours import DEFAULT_WEEKLY_MINUTES

    doc = (ROOT / "docs" / "documentation.md").read_text()
    for name in ("group-section-<format>", "member-template-<format>", "sign-in-roster.pdf", "sign-in-slips.pdf",
                 "catch-up-summary.pdf", "CLINICIAN ONLY", "medical", "cloned", "42 CFR Part 2"):
        assert name in doc, name
    assert f"adult 2.1 {DEFAULT_WEEKLY_MINUTES[('2.1', 'adult')]}" in doc
    assert f"adolescent 2.1 {DEFAULT_WEEKLY_MINUTES[('2.1', 'adolescent')]}" in doc
    readme = (ROOT / "README.md").read_text()
    assert "### After the group" in readme and "docs/documentation.md" in readme


@pytest.mark.parametrize("yaml_text, expected", [
    ('schema: 1\nen:\n  day_before: "Your recovery group meets {day}."\nes:\n  day_before: "Su grupo es el {day}."\n',
     'reminders.yaml: en, day_before: got "recovery" in the text, expected wording that does not say what the group is'),
    ('schema: 1\nen:\n  day_before: "See you {day}."\nes:\n  - "Hola"\n',
     'reminders.yaml:4: es: got a list of 1, expected texts by name'),
    ('schema: 1\nen:\n  day_before: "See you {day}."\n  missed: "We missed you."\nes:\n  day_before: "Hasta el {day}."\n',
     'reminders.yaml: en, missed: got "missed", expected the same text under es: as well'),
])
def test_validate_checks_the_curriculums_own_reminder_texts(curriculum_copy, yaml_text, expected):
    (curriculum_copy / "reminders.yaml").write_text(yaml_text)
    result = run_cli("validate", "--curriculum", str(curriculum_copy))
    assert result.returncode == 2 and expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


def test_member_note_is_the_records_stores_entry_point(example_plan, curriculum):
    text = notes.member_note(example_plan, 5, curriculum, {"attendance": "present for the whole session",
                                                           "minutes_attended": "165"}, fmt="girp", kind="txt")
    assert text.startswith("MEMBER NOTE (GIRP): Session 5 of 36")
    assert "[x] present for the whole session" in text and "Minutes attended: 165 of 165 countable" in text


def test_a_telehealth_roster_is_filled_in_by_the_facilitator(curriculum):
    plan = plan_cohort(load_cohort(EVENING, curriculum=curriculum), curriculum)
    page = notes.render_sign_in(notes.group_facts(plan, plan.at(2), curriculum), "roster")
    assert "the facilitator fills this in during check-in" in page and "Please write your first name" not in page


def test_a_curriculum_copy_without_reminder_texts_uses_the_shipped_ones(curriculum_copy):
    (curriculum_copy / "reminders.yaml").unlink()
    result = run_cli("reminders", "cohorts/example.toml", "--date", "2027-01-13", "--curriculum", str(curriculum_copy),
                     cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "Hi, this is Riverbend. A reminder: your group meets Wednesday, January 13" in result.stdout


def test_editing_the_notes_templates_rebuilds_no_session(tmp_path, monkeypatch):
    """The kit's templates and CSS are not part of any session's documents, so the build's fingerprint ignores them."""
    from iopkit import paths
    from iopkit.pipeline import build

    handouts = tmp_path / "handouts"
    shutil.copytree(paths.handouts_dir(), handouts)
    monkeypatch.setattr(paths, "handouts_dir", lambda: handouts)
    root = paths.curriculum_dir()
    before = build.shared_fingerprint(root, EXAMPLE, None)
    (handouts / "notes.css").write_text("/* changed */")
    (handouts / "templates" / "iopkit" / "notes" / "group.md.j2").write_text("changed")
    assert build.shared_fingerprint(root, EXAMPLE, None) == before
    (handouts / "print.css").write_text("/* changed */")
    assert build.shared_fingerprint(root, EXAMPLE, None) != before
