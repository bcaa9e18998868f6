"""Rolling admission, read as a counselor would: the individual orientation before a person's
first group, the finishing-today block in every guide, the step-down visit, the telehealth
emergency routine, and a person's own join page."""
from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest
from conftest import FIXTURES, ROOT, pdf_text, run_cli

from iopkit.content.curriculum import load_curriculum
from iopkit.content.individual import FIVE_STEPS
from iopkit.errors import ValidationError
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort, plan_join

INVALID = FIXTURES / "individual" / "invalid"
#: The standard safety note every session carries, word for word (issue 12).
ROUTINE = ("dialling 911 from your own phone reaches your own dispatch center, not the participant's",
           "ask them, or someone with them, to dial 911 from their own phone",
           "the co-facilitator calls that dispatch center's 10-digit number and gives the address, then the "
           "emergency contact", "(42 CFR 2.51)")


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


@pytest.fixture(scope="module")
def joined_at_19(curriculum):
    """A person who joins the example cohort on the day it runs session 19."""
    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    day = plan_cohort(cohort, curriculum).at(19).date
    return plan_join(cohort, curriculum, day)


# ------------------------------------------------------------------ the files and their rules

def test_shipped_files_validate_and_agree_with_the_group_sessions(curriculum):
    """The orientation runs 45-60 minutes and teaches the same five overdose steps as session 1."""
    individual = curriculum.individual
    assert individual is not None
    assert 45 <= individual.orientation.minutes <= 60
    assert tuple(s.step for s in individual.orientation.overdose_steps) == FIVE_STEPS
    assert tuple(s.step for s in individual.step_down.overdose_steps) == FIVE_STEPS
    session1 = flat(curriculum.session(1).fidelity[6]).lower()
    assert "check, call 911, give naloxone, help them breathe, stay" in session1
    routine = flat(individual.orientation.telehealth_emergency.routine)
    for part in ROUTINE:
        assert part in routine
    headings = [s.heading for s in individual.orientation.packet.sections]
    assert "Our group agreement" in headings and "What stays private" in headings
    forms = [f.title for f in individual.orientation.packet.forms]
    assert forms == ["My Safety Plan", "My Details for Video Groups", "My First Happiness Scale"]


def test_validate_command_checks_the_individual_files():
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert "passed every check" in result.stdout


@pytest.mark.parametrize("fixture, field, expected", [
    ("orientation-too-long.yaml", "parts", "45 to 60 minutes for the orientation"),
    ("orientation-steps-differ.yaml", "overdose_steps",
     "the curriculum's five steps, in order: Check, Call 911, Give naloxone, Help them breathe, Stay"),
    ("orientation-stigmatizing-word.yaml", "packet, sections, item 4, text", 'the word "addict"'),
    ("orientation-placeholder.yaml", "packet, intro", 'placeholder text "TODO"'),
    ("orientation-unknown-reference.yaml", "references, item 7", "a key from curriculum/references.yaml"),
    ("orientation-routine-without-dispatch-number.yaml", "telehealth_emergency, routine",
     "the dispatch center's 10-digit number as the back-up"),
    ("finishing-neutral-title-says-graduation.yaml", "join_list, neutral_titles, step-down",
     "without graduation or stepping down"),
    ("finishing-unknown-field.yaml", "whenn", "no such field"),
])
def test_a_broken_individual_file_is_named_with_its_field(curriculum_copy, fixture, field, expected):
    """Each rule fires on its fixture, and the message names the file, the field and the fix."""
    target = "finishing.yaml" if fixture.startswith("finishing") else "orientation.yaml"
    shutil.copy(INVALID / fixture, curriculum_copy / "individual" / target)
    with pytest.raises(ValidationError) as caught:
        load_curriculum(curriculum_copy)
    message = str(caught.value)
    lines = [x for x in message.splitlines() if f"individual/{target}:" in x and f": {field}: got " in x]
    assert any(expected in line for line in lines), message
    assert "Fix each line above" in message


def test_a_writer_can_check_one_individual_file_on_its_own(tmp_path):
    """`iopkit validate curriculum/individual/orientation.yaml` checks it by its own schema, not a session's."""
    ok = run_cli("validate", str(ROOT / "curriculum" / "individual" / "orientation.yaml"),
                 str(ROOT / "curriculum" / "individual" / "step-down.yaml"))
    assert ok.returncode == 0 and "OK: 2 files passed every check." in ok.stdout, ok.stderr
    broken = tmp_path / "individual" / "orientation.yaml"
    broken.parent.mkdir()
    shutil.copy(INVALID / "orientation-too-long.yaml", broken)
    result = run_cli("validate", str(broken))
    assert result.returncode == 2
    assert "orientation.yaml:" in result.stderr and "parts: got 73 minutes in all, expected 45 to 60" in result.stderr


def test_a_missing_individual_file_is_a_plain_problem(curriculum_copy):
    (curriculum_copy / "individual" / "step-down.yaml").unlink()
    result = run_cli("validate", "--curriculum", str(curriculum_copy))
    assert result.returncode == 2
    assert "step-down.yaml: file: got no such file" in result.stderr
    assert "Traceback" not in result.stderr


# ------------------------------------------------------------------ the session guides

def test_every_guide_prints_the_finishing_today_block_in_its_check_out(curriculum):
    from iopkit.render.views import SessionView

    for position in (5, 36):
        html = str(SessionView.load(str(ROOT / "cohorts" / "example.toml"), position).script())
        check_out = html[html.rindex('kind-check-out'):]
        assert "If someone finishes today" in check_out
        for part in ("A goodbye round", "What they take with them", "Their next step", "The crisis numbers"):
            assert part in check_out


def test_telehealth_guide_carries_the_emergency_routine_and_a_private_location_check(curriculum):
    from iopkit.render.views import SessionView

    tele = SessionView.load(str(ROOT / "cohorts" / "evening-telehealth.toml"), 7)
    room = SessionView.load(str(ROOT / "cohorts" / "example.toml"), 7)
    page = flat(re.sub(r"<[^>]+>", " ", str(tele.preparation()))).replace("&#39;", "'")
    for part in ROUTINE:
        assert part in page
    assert "Never ask for addresses aloud in the group." in page
    assert "Telehealth emergencies" not in str(room.preparation())
    check_in = flat(str(tele.script()))
    assert "Location check (telehealth), in private" in check_in and "never aloud in the group" in check_in


# ------------------------------------------------------------------ a person's join list

def test_join_list_starts_with_the_orientation_and_names_the_first_and_last_groups(curriculum, joined_at_19):
    from iopkit.render.individual_docs import join_rows

    rows = join_rows(joined_at_19, curriculum.individual)
    assert len(rows) == 38
    assert rows[0]["title"].startswith("Before your first group: your orientation")
    assert rows[1]["note"] == "Your first group" and joined_at_19.sessions[0].position == 19
    assert rows[-2]["note"] == "Your last group: finishing and stepping down"
    assert joined_at_19.sessions[-1].position == 18
    assert rows[-1]["title"].startswith("After your last group: your step-down visit")
    middle = [r["title"] for r in rows[2:-2]]
    assert not [t for t in middle if re.search(r"graduat|stepping down|step-down", t, re.IGNORECASE)]
    assert curriculum.individual.join_title(curriculum.session(36)) in middle  # session 36, as the 18th group
    assert not [t for t in middle if t.lower().startswith("welcome")]  # session 1, as the 19th


def test_join_command_prints_the_list_and_a_one_page_pdf_with_every_title_whole(tmp_path, curriculum,
                                                                                joined_at_19):
    from pypdf import PdfReader

    pdf = tmp_path / "schedule.pdf"
    day = joined_at_19.sessions[0].date.isoformat()
    result = run_cli("join", str(ROOT / "cohorts" / "example.toml"), "--date", day, "--pdf", str(pdf))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "your orientation" in lines[1] and "(Your first group)" in lines[2]
    assert "(Your last group: finishing and stepping down)" in lines[-3] and "step-down visit" in lines[-2]
    assert "Graduation" not in result.stdout

    reader = PdfReader(str(pdf))
    assert len(reader.pages) == 1
    text = flat(reader.pages[0].extract_text())
    assert "Graduation" not in text and "Stepping Down" not in text
    assert "Your last group: finishing and stepping down" in text and "Your first group" in text
    assert text.index("your orientation") < text.index("Your first group:")
    for item in joined_at_19.sessions[1:-1]:
        assert flat(curriculum.individual.join_title(item.session)) in text, item.session.title
    for item in (joined_at_19.sessions[0], joined_at_19.sessions[-1]):
        assert flat(item.session.title) in text
    assert "988" in text and "1-800-662-4357" in text

    png = tmp_path / "schedule"
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(png)], check=True)
    assert (tmp_path / "schedule-1.png").stat().st_size > 10_000  # a page with something on it


def test_a_person_who_starts_on_the_step_down_session_does_not_start_with_graduation(curriculum):
    from iopkit.render.individual_docs import join_rows

    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    join = plan_join(cohort, curriculum, plan_cohort(cohort, curriculum).at(36).date)
    rows = join_rows(join, curriculum.individual)
    assert join.sessions[0].position == 36
    assert rows[1]["note"] == "Your first group"
    assert not re.search(r"graduat|stepping down", rows[1]["title"], re.IGNORECASE)


def test_a_person_whose_last_group_is_the_step_down_session_keeps_its_title(curriculum):
    from iopkit.render.individual_docs import join_rows

    cohort = load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum)
    join = plan_join(cohort, curriculum, cohort.schedule.start_date)
    rows = join_rows(join, curriculum.individual)
    assert rows[-2]["title"] == curriculum.session(36).title and rows[-2]["mark"] == "last"
    assert rows[1]["title"] == curriculum.session(1).title  # "Welcome..." as the first group


# ------------------------------------------------------------------ the build

@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """`iopkit build evening-telehealth.toml --sessions 1`: the orientation and step-down documents too."""
    work = tmp_path_factory.mktemp("orient")
    for name in ("evening-telehealth.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / name)
    result = run_cli("build", "evening-telehealth.toml", "--sessions", "1", "--quiet", cwd=work)
    assert result.returncode == 0, result.stdout + result.stderr
    return {"out": work / "build" / "evening-telehealth", "work": work, "result": result}


@pytest.mark.slow
def test_build_writes_the_orientation_and_step_down_documents(built):
    out = built["out"]
    for name in ("orientation/guide.pdf", "orientation/packet.pdf", "step-down/guide.pdf", "step-down/sheet.pdf"):
        assert (out / name).is_file(), name
        assert f"also wrote {name}" in built["result"].stdout
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_orientation_packet_has_the_crisis_numbers_the_five_steps_and_the_dispatch_number(built):
    from pypdf import PdfReader

    text = flat(pdf_text(built["out"] / "orientation" / "packet.pdf"))
    for number in ("988", "1-800-662-4357", "741741", "911", "(507) 555-0142"):
        assert number in text, number
    steps = [text.index(f"{step}.") for step in FIVE_STEPS]
    assert steps == sorted(steps)
    assert "the phone number of the 911 center for your address" in text
    assert "10-digit number is answered day and night. It is not the non-emergency line." in text
    assert "Never say it out loud in the group." in text
    assert "Riverbend Recovery Center" in text  # the cohort's branding
    # The forms are blank: between the emergency details' headings and the next prompt, nothing is filled in.
    blank = re.search(r"Name of the 911 center 10-digit number Date checked(.*?)5\. If I join", text)
    assert blank and blank.group(1).strip() == "", blank and blank.group(1)
    reader = PdfReader(str(built["out"] / "orientation" / "packet.pdf"))
    safety_plan = [i for i, page in enumerate(reader.pages) if "My Safety Plan" in (page.extract_text() or "")]
    page = flat(reader.pages[safety_plan[-1]].extract_text())
    assert "1. Signs that a hard time is coming" in page and "7. The one thing that matters most" in page


@pytest.mark.slow
def test_orientation_guide_has_the_telehealth_routine_and_how_to_find_the_number(built):
    text = flat(pdf_text(built["out"] / "orientation" / "guide.pdf")).replace("co- facilitator", "co-facilitator")
    for part in ROUTINE:
        assert part in text, part
    assert "is NOT it" in text and "24 hours a day" in text
    assert "About 55 minutes" in text
    assert "Welcome to the Group" in text  # the packet follows the guide


@pytest.mark.slow
def test_step_down_documents_compare_the_happiness_scale_and_keep_the_crisis_numbers(built):
    guide = flat(pdf_text(built["out"] / "step-down" / "guide.pdf"))
    sheet = flat(pdf_text(built["out"] / "step-down" / "sheet.pdf"))
    for part in ("The Happiness Scale, then and now", "The relapse-prevention plan, reviewed",
                 "The aftercare plan and referrals", "Overdose risk after treatment"):
        assert part in guide
    assert "SMART Recovery" in sheet and "Part of my life First Today What changed" in sheet
    assert "988" in sheet and "1-800-662-4357" in sheet and "Give naloxone." in sheet


@pytest.mark.slow
def test_session_guide_of_a_telehealth_cohort_prints_the_routine_and_the_finishing_block(built):
    text = flat(pdf_text(built["out"] / "session-01" / "facilitator-guide.pdf")).replace("co- facilitator",
                                                                                         "co-facilitator")
    assert "Telehealth emergencies" in text and "If someone finishes today" in text
    assert ROUTINE[2] in text


@pytest.mark.slow
def test_an_unchanged_rebuild_does_not_rewrite_them(built):
    again = run_cli("build", "evening-telehealth.toml", "--sessions", "1", "--quiet", cwd=built["work"])
    assert again.returncode == 0
    assert "orientation/guide.pdf" not in again.stdout and "0 sessions built, 1 unchanged" in again.stdout


@pytest.mark.slow
def test_the_pages_render_to_images(built, tmp_path):
    """Every page of the packet and the sheet renders (pdftoppm), as a counselor would print it."""
    from pypdf import PdfReader

    for name in ("orientation/packet.pdf", "step-down/sheet.pdf"):
        pdf = built["out"] / name
        pages = len(PdfReader(str(pdf)).pages)
        subprocess.run(["pdftoppm", "-png", "-r", "30", str(pdf), str(tmp_path / pdf.parent.name)], check=True)
        assert len(list(tmp_path.glob(f"{pdf.parent.name}-*.png"))) == pages


# ------------------------------------------------------------------ the binder and the workbook

def _blank_pdf(path, pages: int) -> None:
    import pikepdf

    path.parent.mkdir(parents=True, exist_ok=True)
    with pikepdf.new() as pdf:
        for _ in range(pages):
            pdf.add_blank_page(page_size=(612, 792))
        pdf.save(path)


def test_binder_and_workbook_put_the_orientation_first_and_the_step_down_visit_last(tmp_path, curriculum):
    """With stand-in pages for the 36 sessions: the orientation comes right after the contents,
    the step-down visit after session 36, each with its bookmark and its line in the contents."""
    from pypdf import PdfReader

    from iopkit.render import individual_docs as docs
    from iopkit.render.books import binder_pdf, workbook_pdf

    plan = plan_cohort(load_cohort(ROOT / "cohorts" / "example.toml", curriculum=curriculum), curriculum)
    for n in range(1, 37):
        _blank_pdf(tmp_path / f"session-{n:02d}" / "facilitator-guide.pdf", 2)
        _blank_pdf(tmp_path / f"session-{n:02d}" / "handout.pdf", 1)
    _blank_pdf(tmp_path / docs.ORIENTATION_DIR / docs.GUIDE, 5)
    _blank_pdf(tmp_path / docs.ORIENTATION_DIR / docs.PACKET, 3)
    _blank_pdf(tmp_path / docs.STEP_DOWN_DIR / docs.GUIDE, 4)
    _blank_pdf(tmp_path / docs.STEP_DOWN_DIR / docs.SHEET, 2)
    for make, first, per_session, last in ((binder_pdf, 5, 2, 4), (workbook_pdf, 3, 1, 2)):
        reader = PdfReader(io.BytesIO(make(plan, tmp_path)))
        marks = [(o.title, reader.get_destination_page_number(o)) for o in reader.outline]
        assert len(marks) == 39 and marks[0][0] == "Contents"
        front = len(reader.pages) - (first + 36 * per_session + last)
        assert marks[1] == (marks[1][0], front) and marks[1][0].startswith("Before the first group")
        assert marks[2] == (f"Session 1: {plan.sessions[0].session.title}", front + first)
        assert marks[-1][0].startswith("After the last group") and marks[-1][1] == front + first + 36 * per_session
        contents = flat(" ".join(reader.pages[p].extract_text() for p in range(front)))
        assert "Before the first group: orientation" in contents and "After the last group" in contents


# ---------------------------------------------------------------- one source for the crisis lines (issue 11)


def _box_entries(box_html: str) -> list[str]:
    """The lines of a crisis box as a reader sees them: its headings and each list item, tags removed."""
    import html as html_lib

    found = re.findall(r"<(h2|h3|li)>(.*?)</\1>", box_html, flags=re.DOTALL)
    return [flat(html_lib.unescape(re.sub(r"<[^>]+>", "", inner))).strip() for _, inner in found]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_join_page_prints_the_same_crisis_lines_as_the_handouts(curriculum, tmp_path, language):
    """Issue 11: the join schedule printed a shorter crisis list than the handouts (no Crisis Text Line,
    no 988 chat). Every line of a session handout's crisis box, program.yaml's national lines and the
    cohort's own, is on the person's join page in the same order, and its footer reads program.yaml's
    first lines: in English and in Spanish."""
    from iopkit.render import i18n
    from iopkit.render.individual_docs import join_pdf
    from iopkit.render.views import SessionView

    text = (ROOT / "cohorts" / "example.toml").read_text(encoding="utf-8")
    if language == "es":
        text = text.replace("# [handouts]", "[handouts]").replace('# language = "es"', 'language = "es"')
    shutil.copy(ROOT / "cohorts" / "riverbend-logo.png", tmp_path / "riverbend-logo.png")
    (tmp_path / "cohort.toml").write_text(text, encoding="utf-8")
    handout = SessionView.load(str(tmp_path / "cohort.toml"), 5)
    entries = _box_entries(handout.crisis_box())
    assert any("741741" in e for e in entries) and any("988" in e for e in entries)
    assert any("Rice County Crisis Line" in e for e in entries)  # the cohort's own [resources] too

    cohort = load_cohort(tmp_path / "cohort.toml", curriculum=curriculum)
    join = plan_join(cohort, curriculum, plan_cohort(cohort, curriculum).at(19).date)
    (tmp_path / "schedule.pdf").write_bytes(join_pdf(join, curriculum))
    page = flat(pdf_text(tmp_path / "schedule.pdf"))
    at = 0
    for entry in entries:
        assert entry in page[at:], f"the join page lacks, or misorders, the handout's line: {entry}"
        at = page.index(entry, at)
    assert flat(i18n.help_line(curriculum.program, language)) in page
    if language == "en":
        assert "Crisis Text Line: Text HOME to 741741" in page and "988lifeline.org" in page


def test_the_help_line_reads_the_program_files_first_lines(curriculum):
    """The footer of what a participant holds names program.yaml's first two lines, in each language:
    a program that edits its lines sees the footer follow, with no number typed in the code."""
    from iopkit.render import i18n

    program = curriculum.program
    assert i18n.help_line(program, "en") == ("Need help now? Call or text 988, or chat at 988lifeline.org. "
                                             "SAMHSA National Helpline: 1-800-662-4357.")
    spanish = i18n.help_line(program, "es")
    assert spanish.startswith("¿Necesita ayuda ahora?") and "oprima el 2" in spanish and "1-800-662-4357" in spanish
    lines = list(program.crisis_resources)
    edited = program.model_copy(update={"crisis_resources": [
        lines[0].model_copy(update={"contact": "Call or text 988, or call our clinic line 555-0100"})] + lines[1:]})
    assert "our clinic line 555-0100" in i18n.help_line(edited, "en")
    assert "our clinic line 555-0100" in i18n.help_short(edited, "en")
