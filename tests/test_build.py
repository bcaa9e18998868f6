"""A real build of session 1 for the example cohort, read back as a counselor would read it."""
from __future__ import annotations

import json
import re
import shutil
import time

import nbformat
import pytest
from conftest import ROOT, pdf_text, run_cli

from iopkit.content.curriculum import load_curriculum
from iopkit.planning.cohort import load_cohort
from iopkit.planning.plan import plan_cohort
from iopkit.render.views import clock, long_date

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """`iopkit build cohorts/example.toml --sessions 1`, once for the module."""
    work = tmp_path_factory.mktemp("build")
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / name)
    result = run_cli("build", "example.toml", "--sessions", "1", cwd=work)
    assert result.returncode == 0, result.stderr + result.stdout
    curriculum = load_curriculum()
    plan = plan_cohort(load_cohort(work / "example.toml", curriculum=curriculum), curriculum)
    return {"dir": work / "build" / "example" / "session-01", "item": plan.at(1), "work": work, "result": result}


def test_session_folder_holds_the_documents_and_the_exercise_notebook(built):
    names = sorted(p.name for p in built["dir"].iterdir())
    assert names == [".build.json", "exercise.ipynb", "facilitator-guide.pdf", "handout.pdf", "room.html",
                     "session.ipynb"]
    assert "room.html" in json.loads((built["dir"] / ".build.json").read_text())["files"]
    assert "1 session built" in built["result"].stdout
    exercise = nbformat.read(built["dir"] / "exercise.ipynb", as_version=4)
    widget = built["item"].session.exercise.widget
    code = "".join(c.source for c in exercise.cells if c.cell_type == "code")
    assert f'show("{widget}", context=context)' in code
    # It carries the crisis lines and the notice of the curriculum it was built from.
    program = load_curriculum().program
    assert program.crisis_resources[0].contact in code and program.part2_notice[:40] in code


def test_handout_carries_the_exercise_paper_version_unless_the_session_opts_out(built):
    """Session 1 prints its own worksheet only (sheet_in_handout: false); a session that keeps
    the default gets the exercise's blank sheet in its handout."""
    from iopkit.exercises import make_exercise
    from iopkit.render.views import SessionView

    session = built["item"].session
    text = re.sub(r"\s+", " ", pdf_text(built["dir"] / "handout.pdf"))
    sheet_title = make_exercise(session.exercise.widget).title
    assert (sheet_title in text) == session.exercise.sheet_in_handout
    curriculum = load_curriculum()
    keeps = next(s for s in curriculum.complete() if s.exercise.widget and s.exercise.sheet_in_handout)
    view = SessionView.load(str(built["work"] / "example.toml"), keeps.number)
    assert make_exercise(keeps.exercise.widget).title in str(view.exercise_sheet())


def test_guide_has_title_date_and_clock_time_of_every_block(built):
    item = built["item"]
    text = pdf_text(built["dir"] / "facilitator-guide.pdf")
    flat = re.sub(r"\s+", " ", text)
    assert item.session.title.split(":")[0] in flat
    assert long_date(item.date) in flat  # Monday, January 4, 2027
    assert "Session 1 of 36" in flat
    assert "Riverbend Recovery Center" in flat
    for block in item.blocks:
        assert f"{clock(block.start)}–{clock(block.end)}" in flat, block.block.title
    for line in item.session.discussion_prompts[:2]:
        assert line.split()[0] in flat
    assert "Page 1 of" in flat


def test_run_of_show_is_whole_on_one_page(built):
    """A counselor prints or pins up the run of show: every block's clock time on the same page."""
    from pypdf import PdfReader

    pages = [re.sub(r"\s+", " ", p.extract_text() or "") for p in PdfReader(str(built["dir"] / "facilitator-guide.pdf")).pages]
    page = next(p for p in pages if "Run of show" in p)
    for block in built["item"].blocks:
        assert f"{clock(block.start)}–{clock(block.end)}" in page, block.block.title
    assert "Do:" not in page  # the block-by-block script starts on a page of its own


def test_handout_has_the_crisis_box_and_no_facilitator_content(built):
    item = built["item"]
    session = item.session
    text = re.sub(r"\s+", " ", pdf_text(built["dir"] / "handout.pdf"))
    assert session.handout.title in text
    assert long_date(item.date).lower() in text.lower() and "Session 1 of 36" in text
    assert "988" in text and "1-800-662-4357" in text and "741741" in text
    assert "(507) 555-0142" in text  # the cohort's own clinic number, next to the national ones
    assert session.handout.worksheet.title in text
    # Nothing meant for the facilitator, and no code.
    for secret in [session.facilitator_notes, session.new_member_bridge] + [m.response for m in session.hard_moments]:
        first_sentence = re.sub(r"\s+", " ", secret.strip()).split(". ")[0][:60]
        assert first_sentence not in text
    for marker in ("Do:", "Run of show", "Fidelity", "SessionView", "import ", "view.", "cohort_file"):
        assert marker not in text


def test_pdfs_are_letter_size_tagged_and_titled(built):
    from pypdf import PdfReader

    for name, kind in (("facilitator-guide.pdf", "Facilitator guide"), ("handout.pdf", "Handout")):
        reader = PdfReader(str(built["dir"] / name))
        box = reader.pages[0].mediabox
        assert (round(float(box.width)), round(float(box.height))) == (612, 792)  # US Letter in points
        assert reader.metadata.title.startswith("Session 1 of 36") and kind in reader.metadata.title
        assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers


def test_executed_notebook_keeps_no_participant_information(built):
    nb = nbformat.read(built["dir"] / "session.ipynb", as_version=4)
    params = nb.metadata["papermill"]["parameters"]
    assert set(params) == {"cohort_file", "position", "curriculum_dir"}


def test_built_notebook_says_how_to_open_the_exercise_instead_of_a_lifeless_widget(built):
    """A widget saved in a file does nothing when clicked; the built notebook says how to open the live one."""
    nb = nbformat.read(built["dir"] / "session.ipynb", as_version=4)
    cell = next(c for c in nb.cells if "interactive" in c.metadata.get("tags", []))
    (output,) = cell.outputs
    assert "application/vnd.jupyter.widget-view+json" not in output["data"]
    note = output["data"]["text/html"]
    assert built["item"].session.exercise.title in note
    assert "Shift+Enter" in note and "exercise.ipynb" in note
    assert not nb.metadata.get("widgets")


def test_run_in_jupyterlab_the_interactive_cell_opens_the_exercise(built, monkeypatch):
    import ipywidgets

    from iopkit.render.views import SessionView

    monkeypatch.delenv("IOPKIT_BUILD", raising=False)
    view = SessionView.load(str(built["work"] / "example.toml"), 1)
    assert isinstance(view.interactive(), ipywidgets.Widget)
    monkeypatch.setenv("IOPKIT_BUILD", "1")
    assert "Shift+Enter" in str(view.interactive())


def test_a_build_inside_a_kernel_leaves_its_garbage_collector_as_it_found_it(built):
    """The Workbench builds inside the counselor's kernel; the build's collector settings end with it."""
    import gc

    from iopkit.pipeline.build import build_cohort

    before = gc.get_threshold()
    result = build_cohort(built["work"] / "example.toml", sessions="1", out=built["work"] / "again", jobs=1,
                          force=True)
    assert result.ok and [s.status for s in result.sessions] == ["built"]
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_rebuild_with_nothing_changed_is_skipped_quickly(built):
    started = time.perf_counter()
    result = run_cli("build", "example.toml", "--sessions", "1", cwd=built["work"])
    assert result.returncode == 0
    assert "0 sessions built, 1 unchanged" in result.stdout
    assert time.perf_counter() - started < 10  # generous: the benchmark measures the real number


def test_a_failed_session_does_not_stop_the_others_and_leaves_nothing_half_written(curriculum_copy, example_cohort,
                                                                                   tmp_path):
    """Session 2 cannot be built (its file is only an outline): session 1 is built, 2 is reported."""
    session2 = next((curriculum_copy / "sessions").glob("02-*.yaml"))
    data = session2.read_text()
    keep = ["schema", "status", "id", "number", "title", "week", "phase", "approaches", "audience", "techniques",
            "objectives"]
    import yaml

    outline = {k: v for k, v in yaml.load(data, Loader=yaml.CSafeLoader).items() if k in keep}
    outline["status"] = "outline"
    session2.write_text(yaml.safe_dump(outline, sort_keys=False))
    out = tmp_path / "out"
    out.mkdir()
    (out / "facilitator-binder.pdf").write_bytes(b"%PDF- a binder from other inputs")  # must not survive
    result = run_cli("build", str(example_cohort), "--curriculum", str(curriculum_copy), "--sessions", "1-2",
                     "--out", str(out), "--jobs", "2")
    assert result.returncode == 1
    assert "1 session built, 0 unchanged, 1 failed" in result.stdout
    assert "FAILED session 2" in result.stdout and "outline" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    assert (out / "session-01" / "handout.pdf").is_file()
    assert not (out / "session-02").exists() or not any((out / "session-02").iterdir())
    failed = nbformat.read(out / "failed" / "session-02.ipynb", as_version=4)
    assert "papermill-error-cell-tag" in failed.cells[0].metadata.get("tags", [])
    leftovers = [p for p in out.rglob("*") if p.name.startswith(".staging") or p.name.endswith(".tmp")]
    assert leftovers == []
    # The calendar is made beside the sessions; a binder that no longer matches the sessions is gone.
    assert (out / "calendar.pdf").is_file() and (out / "calendar.ics").is_file()
    assert not (out / "facilitator-binder.pdf").exists()
    assert "made once all 36 sessions are built" in result.stdout


def test_an_edited_session_is_rebuilt_and_the_others_are_not(curriculum_copy, example_cohort, tmp_path):
    out = tmp_path / "out"
    args = ("build", str(example_cohort), "--curriculum", str(curriculum_copy), "--sessions", "1", "--out", str(out))
    assert run_cli(*args).returncode == 0
    session1 = next((curriculum_copy / "sessions").glob("01-*.yaml"))
    session1.write_text(session1.read_text().replace("\nhomework: |\n", "\nhomework: |\n  Bring this sheet next time.\n", 1))
    result = run_cli(*args)
    assert "1 session built" in result.stdout, result.stdout + result.stderr
    assert "Bring this sheet next time." in pdf_text(out / "session-01" / "handout.pdf")


def test_unknown_session_number_exits_2(example_cohort):
    result = run_cli("build", str(example_cohort), "--sessions", "40")
    assert result.returncode == 2
    assert "--sessions: got 40, expected numbers from 1 to 36" in result.stderr


def test_missing_template_is_a_plain_error(monkeypatch, example_cohort, tmp_path, capsys):
    from iopkit import paths
    from iopkit.app import cli

    monkeypatch.setattr(paths, "notebooks_dir", lambda: tmp_path / "nowhere")
    code = cli.main(["build", str(example_cohort), "--sessions", "1", "--out", str(tmp_path / "out")])
    assert code == 1
    assert "The notebook template is missing" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_warm_kernel_leaks_nothing_between_notebooks(tmp_path, monkeypatch):
    """Two notebooks in one warm kernel: the second sees nothing the first defined or changed."""
    import papermill
    from nbformat.v4 import new_code_cell, new_notebook

    from iopkit.notebook import kernel
    from iopkit.pipeline.build import warm_engine

    first = new_notebook(cells=[new_code_cell("secret = 'from session A'\nimport os\nos.environ['IOPKIT_LEAK'] = '1'\n"
                                              "os.chdir('/')")])
    second = new_notebook(cells=[new_code_cell("import os\nprint('secret' in dir(), 'IOPKIT_LEAK' in os.environ, "
                                               "os.getcwd() == '/')")])
    for nb in (first, second):
        nb.metadata["kernelspec"] = {"name": "python3", "language": "python", "display_name": "Python 3"}
    warm_engine().shutdown()  # a kernel of its own, with an IPython folder of its own
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    try:
        papermill.execute_notebook(first, str(tmp_path / "a.ipynb"), engine_name="iopkit_warm", progress_bar=False)
        kernel_before = kernel.current().km.provisioner.pid
        out = papermill.execute_notebook(second, str(tmp_path / "b.ipynb"), engine_name="iopkit_warm",
                                         progress_bar=False)
        assert kernel.current().km.provisioner.pid == kernel_before  # the same, warm kernel
    finally:
        warm_engine().shutdown()
    assert out.cells[0].outputs[0]["text"].strip() == "False False False"
    # The build's kernel keeps no input history on disk (IPython's history.sqlite).
    assert not list((tmp_path / "ipython").rglob("history.sqlite"))


def test_room_view_is_built_from_the_executed_notebook_and_needs_no_network(built):
    """room.html: the session's title, date and crisis lines on big slides, reveal.js inside the file."""
    page = (built["dir"] / "room.html").read_text(encoding="utf-8")
    item = built["item"]
    assert item.session.title.replace("'", "&#x27;") in page or item.session.title in page
    assert long_date(item.date) in page
    assert "988" in page and "Reveal.initialize" in page
    assert not re.search(r'<(script|link|img)[^>]+(src|href)="(https?:)?//', page)
    notes = re.sub(r"\s+", " ", item.session.facilitator_notes).split(". ")[0]
    assert notes[:60] not in re.sub(r"\s+", " ", page)



#: Builds session 1 in a fresh process (one thread: the build forks its layout process there), with the
#: layout process's work replaced by ``{patch}``; prints the result as JSON.
BESIDE = """
import json, os, sys
sys.modules.setdefault("rfc3987_syntax", None)
from pathlib import Path
from iopkit.errors import SessionBuildError
from iopkit.pipeline import build
assert build._Workers._may_fork()
def fails(work):
    raise SessionBuildError(f"session {{work.task.position}}", "a picture without a text alternative")
build.lay_out_apart = {patch}
result = build.build_cohort(Path(sys.argv[1]), sessions="1", out=Path(sys.argv[2]), jobs=1, force=True)
print(json.dumps({{"statuses": [s.status for s in result.sessions], "messages": [s.message for s in result.sessions],
                  "summary": result.summary()}}))
"""


def _built_beside(built, patch: str, name: str):
    import subprocess
    import sys

    out = built["work"] / name
    done = subprocess.run([sys.executable, "-c", BESIDE.format(patch=patch), str(built["work"] / "example.toml"),
                           str(out)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1]), out


def test_a_failure_in_the_layout_process_is_one_plain_line(built):
    """One session to build: its guide and handout are laid out in a process beside the build. What
    stops them there is the session's FAILED line, in plain words, and its folder keeps nothing half made."""
    result, out = _built_beside(built, "fails", "beside-fails")
    assert result["statuses"] == ["failed"]
    assert result["messages"][0].startswith("a picture without a text alternative")
    assert "Traceback" not in result["summary"]
    assert not (out / "session-01" / "facilitator-guide.pdf").exists()
    assert not [p.name for p in out.rglob("*") if p.name.startswith(".staging")]


def test_when_the_layout_process_dies_the_build_lays_out_the_session_itself(built):
    """The layout process killed mid-way: the build makes the guide, the handout and the room view
    itself, and they are the same documents (the guide ends with the handout's pages)."""
    from pypdf import PdfReader

    result, out = _built_beside(built, "lambda work: os._exit(9)", "beside-dies")
    assert result["statuses"] == ["built"]
    folder = out / "session-01"
    guide = [p.extract_text() for p in PdfReader(str(folder / "facilitator-guide.pdf")).pages]
    handout = [p.extract_text() for p in PdfReader(str(folder / "handout.pdf")).pages]
    assert guide[-len(handout):] == handout and len(guide) > len(handout)
    assert (folder / "room.html").is_file()
