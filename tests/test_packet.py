"""The cohort-wide packet: calendar (.ics and PDF), binder, workbook, rolling admission, new-cohort."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from conftest import ROOT, pdf_text, run_cli

from iopkit.content.curriculum import load_curriculum
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort, plan_join


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


@pytest.fixture(scope="module")
def plan(curriculum):
    return plan_cohort(load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum), curriculum)


def test_ics_parses_back_with_the_right_dates_times_and_zone(plan):
    from icalendar import Calendar

    from iopkit.render.books import calendar_ics

    cal = Calendar.from_ical(calendar_ics(plan))
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 36
    assert any(c.name == "VTIMEZONE" and str(c["TZID"]) == "America/Chicago" for c in cal.walk())
    for event, item in zip(events, plan.sessions):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert start == item.start and end == item.end
        assert str(start.tzinfo) == "America/Chicago"
        assert item.session.title in str(event["SUMMARY"])
    assert len({str(e["UID"]) for e in events}) == 36
    first = events[0].decoded("DTSTART")
    assert (first.date(), first.hour, first.minute) == (dt.date(2027, 1, 4), 9, 0)


def test_calendar_pdf_is_one_page_with_every_session(plan):
    from pypdf import PdfReader

    from iopkit.render.books import calendar_pdf

    reader = PdfReader(io.BytesIO(calendar_pdf(plan)))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Mon, Jan 4, 2027" in text and "Fri, Apr 2, 2027" in text
    assert "9:00 AM–12:00 PM" in text


@pytest.mark.parametrize("joined, first", [("2027-01-04", dt.date(2027, 1, 4)), ("2027-01-05", dt.date(2027, 1, 6)),
                                           ("2027-02-10", dt.date(2027, 2, 10)), ("2027-04-03", dt.date(2027, 4, 5))])
def test_a_person_joining_attends_36_sessions_in_order(curriculum, plan, joined, first):
    cohort = plan.cohort
    join = plan_join(cohort, curriculum, dt.date.fromisoformat(joined))
    assert len(join.sessions) == 36 and join.sessions[0].date == first
    numbers = [s.position for s in join.sessions]
    assert sorted(numbers) == list(range(1, 37))  # every session once
    start = numbers[0]
    assert numbers == [(start - 1 + k) % 36 + 1 for k in range(36)]  # in curriculum order, wrapping round
    dates = [s.date for s in join.sessions]
    assert dates == sorted(set(dates)) and dt.date(2027, 1, 18) not in dates


def test_join_cli_prints_and_writes_a_pdf_without_a_name(tmp_path):
    pdf = tmp_path / "schedule.pdf"
    result = run_cli("join", str(ROOT / "cohorts" / "example.toml"), "--date", "2027-02-10", "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    assert "first on Wed Feb 10" in result.stdout
    assert len([line for line in result.stdout.splitlines() if line[:2].strip().isdigit()]) == 36
    text = pdf_text(pdf)
    assert "Your group schedule" in text and "988" in text


def test_join_before_the_start_is_a_plain_error():
    result = run_cli("join", str(ROOT / "cohorts" / "example.toml"), "--date", "2026-12-01")
    assert result.returncode == 2 and "on or after the group's start date" in result.stderr


def test_new_cohort_from_flags_writes_a_valid_commented_file(tmp_path, curriculum):
    path = tmp_path / "evening.toml"
    result = run_cli("new-cohort", str(path), "--program", "Lakeside IOP", "--name", "Evening Telehealth Group",
                     "--facilitators", "A. Smith, LADC", "--start", "2027-01-05", "--days", "Tuesday,Thursday,Saturday",
                     "--time", "6:00 PM", "--time-zone", "America/Denver", "--telehealth", "--state", "CO")
    assert result.returncode == 0, result.stderr
    cohort = load_cohort(path, curriculum=curriculum)
    assert cohort.telehealth and cohort.schedule.meeting_days == ["Tuesday", "Thursday", "Saturday"]
    assert path.read_text().count("#") > 10  # commented for the counselor who opens it


def test_new_cohort_refuses_a_bad_start_date_and_writes_nothing(tmp_path):
    path = tmp_path / "bad.toml"
    result = run_cli("new-cohort", str(path), "--program", "P", "--name", "G", "--facilitators", "F",
                     "--start", "2027-01-06", "--days", "Monday,Friday", "--time", "9:00 AM", "--address", "1 Main St")
    assert result.returncode == 2
    assert "start_date: got 2027-01-06, a Wednesday" in result.stderr
    assert not path.exists()


def test_new_cohort_asks_on_a_terminal(tmp_path, monkeypatch, capsys):
    """On a terminal, each missing answer is asked for in plain words."""
    from iopkit.app.newcohort import Answers, ask

    replies = io.StringIO("River IOP\nMorning Group\nJ. Rivera\n2027-01-04\nMonday, Wednesday, Friday\n9:00 AM\n"
                          "America/Chicago\nMN\n12 Main Street\n")
    out = io.StringIO()
    answers = ask(Answers(), stdin=replies, stdout=out)
    assert answers.days == ["Monday", "Wednesday", "Friday"] and answers.address == "12 Main Street"
    assert "First session date" in out.getvalue()


@pytest.mark.slow
def test_full_build_makes_binder_and_workbook_with_bookmarks(tmp_path, example_cohort):
    """All 36 sessions: the binder has every guide with a bookmark at its first page; so does the workbook."""
    from pypdf import PdfReader

    result = run_cli("build", str(example_cohort), "--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout + result.stderr
    out = tmp_path / "out"
    for name, part, around in (("facilitator-binder.pdf", "facilitator-guide.pdf", ("orientation/guide.pdf",
                                                                                    "step-down/guide.pdf")),
                               ("participant-workbook.pdf", "handout.pdf", ("orientation/packet.pdf",
                                                                            "step-down/sheet.pdf"))):
        reader = PdfReader(str(out / name))
        first, last = (len(PdfReader(str(out / doc)).pages) for doc in around)
        counts = [first] + [len(PdfReader(str(out / f"session-{n:02d}" / part)).pages) for n in range(1, 37)] + [last]
        front = len(reader.pages) - sum(counts)
        assert front >= 1
        marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
        assert marks[0] == ("Contents", 0) and len(marks) == 39
        assert marks[1][0].startswith("Before the first group") and marks[-1][0].startswith("After the last group")
        expected = front
        for (_title, page), count in zip(marks[1:], counts):
            assert page == expected
            expected += count
        for (title, _), n in zip(marks[2:-1], range(1, 37)):
            assert title.startswith(f"Session {n}:")
        # The contents prints the page each session starts on, counting its own pages.
        contents = " ".join(reader.pages[p].extract_text() for p in range(front))
        for first_page in (front + 1, front + sum(counts[:-1]) + 1):
            assert re.search(rf"(?<!\d){first_page}(?!\d)", contents), (name, first_page)
    assert "My Recovery Workbook" in PdfReader(str(out / "participant-workbook.pdf")).pages[0].extract_text()
    again = run_cli("build", str(example_cohort), "--out", str(out))
    assert "0 sessions built, 36 unchanged" in again.stdout
    assert "facilitator-binder" not in again.stdout  # nothing changed, nothing rewritten


def test_the_books_are_markup_in_templates_and_context_in_python():
    """render/books.py builds context; its pages are templates under handouts/templates/iopkit/books/
    in the one document shell (no hand-escaped HTML left in Python)."""
    from iopkit import paths

    source = (ROOT / "toolkit" / "iopkit" / "render" / "books.py").read_text()
    assert "esc(" not in source
    assert not re.search(r"<(table|tr|td|th|section|div|h1|h2|p|ul|li|aside|img|strong)\b", source)
    folder = paths.handouts_dir() / "templates" / "iopkit" / "books"
    for name in ("calendar.html.j2", "contents.html.j2", "join.html.j2"):
        assert '{% extends "iopkit/base.html.j2" %}' in (folder / name).read_text(), name


def test_calendar_escapes_what_the_cohort_file_says(plan):
    """A cohort name with markup in it prints as text (the templates autoescape)."""
    from iopkit.planning.plan import Plan
    from iopkit.render.books import calendar_html

    cohort = plan.cohort.model_copy(update={"cohort": plan.cohort.cohort.model_copy(update={"name": "<b>Evening</b> & Co"})})
    html = calendar_html(Plan(cohort, plan.sessions, plan.curriculum))
    assert "&lt;b&gt;Evening&lt;/b&gt; &amp; Co" in html and "<b>Evening" not in html


def test_join_page_without_rolling_admission_files_prints_the_handouts_crisis_lines(plan, curriculum):
    """A curriculum without orientation files still prints a person's schedule, with the same crisis
    lines as every handout: program.yaml's national lines, then the cohort's own."""
    from pypdf import PdfReader

    from iopkit.render.books import join_pdf

    join = plan_join(plan.cohort, curriculum, dt.date(2027, 2, 10))

    text = " ".join((page.extract_text() or "") for page in PdfReader(io.BytesIO(join_pdf(join))).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Your group schedule" in text and "Wed, Feb 10, 2027" in text
    for resource in curriculum.program.crisis_resources:
        assert f"{resource.name}: {resource.contact}" in text, resource.name
    assert "(507) 555-0142" in text and "Rice County Crisis Line" in text
