"""The workbench without a browser: the block timer, the cohort and session choices, the
exercise notebook, the home notebook, and the command lines behind ``iopkit lab`` and ``iopkit app``."""
from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import sys
import types
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, FakeClock

from iopkit import paths
from iopkit.app import launch
from iopkit.app.workbench import (
    BlockTimer,
    Workbench,
    build_status_html,
    clock_text,
    cohort_choices,
    default_position,
    file_href,
    is_complete,
    load_plan,
    session_choices,
)
from iopkit.pipeline.exercise_notebook import exercise_notebook

BLOCKS = [("Check-in", 25), ("Teaching", 20), ("Break", 15)]


# ---------------------------------------------------------------- the block timer


def test_elapsed_seconds_give_the_current_block_the_time_left_and_what_is_next():
    timer = BlockTimer(BLOCKS)
    first = timer.at(0)
    assert (first.index, first.title, first.left) == (0, "Check-in", 1500)
    assert (first.next_title, first.next_minutes) == ("Teaching", 20)
    assert timer.at(1499.5).index == 0 and timer.at(1499.5).left == pytest.approx(0.5)
    second = timer.at(1500)
    assert (second.index, second.title, second.left, second.next_title) == (1, "Teaching", 1200, "Break")
    last = timer.at(2700 + 60)
    assert (last.title, last.left, last.next_title, last.done) == ("Break", 840, None, False)
    done = timer.at(99_999)
    assert done.done and done.left == 0 and done.index == 2
    assert timer.at(-5).index == 0 and timer.at(-5).left == 1500


def test_the_timer_counts_only_while_it_runs():
    clock = FakeClock()
    timer = BlockTimer(BLOCKS, now=clock)
    assert timer.state == "ready" and timer.elapsed == 0
    clock.advance(30)  # not started: nothing counts
    timer.start()
    clock.advance(90)
    assert timer.state == "running" and timer.elapsed == 90
    timer.pause()
    clock.advance(100)
    assert timer.state == "paused" and timer.elapsed == 90
    timer.start()
    clock.advance(10)
    assert timer.current.left == 1500 - 100


def test_next_block_jumps_to_the_start_of_the_next_block_and_keeps_running():
    clock = FakeClock()
    timer = BlockTimer(BLOCKS, now=clock)
    timer.start()
    clock.advance(60)
    timer.next_block()
    assert timer.current.index == 1 and timer.current.left == 1200 and timer.running
    clock.advance(5)
    assert timer.current.left == 1195
    timer.next_block()
    timer.next_block()  # past the last block: time is up
    assert timer.done and timer.state == "done" and not timer.running
    timer.next_block()  # nothing further
    timer.reset()
    assert timer.state == "ready" and timer.current.index == 0


def test_next_block_while_paused_stays_paused():
    timer = BlockTimer(BLOCKS, now=FakeClock())
    timer.next_block()
    assert timer.state == "paused" and timer.current.title == "Teaching"


def test_time_runs_out_at_the_end_of_the_last_block():
    clock = FakeClock()
    timer = BlockTimer(BLOCKS, now=clock)
    timer.start()
    clock.advance(3 * 3600)
    assert timer.done and timer.elapsed == 3600 and timer.state == "done"


def test_clock_text_rounds_up_so_zero_means_time_is_up():
    assert clock_text(1500) == "25:00"
    assert clock_text(754.2) == "12:35"
    assert clock_text(0.01) == "0:01"
    assert clock_text(0) == "0:00" and clock_text(-3) == "0:00"


def test_an_outline_session_has_no_blocks_to_time():
    timer = BlockTimer([])
    assert timer.current.done and timer.total == 0


# ---------------------------------------------------------------- cohorts and sessions


def test_cohort_choices_list_the_folders_cohorts_then_the_shipped_example(tmp_path):
    (tmp_path / "cohorts").mkdir()
    for name in ("b-evening.toml", "A-morning.toml"):
        (tmp_path / "cohorts" / name).write_text("schema = 1\n")
    (tmp_path / "cohorts" / "notes.txt").write_text("not a cohort")
    labels = [label for label, _ in cohort_choices(tmp_path)]
    assert labels == ["cohorts/A-morning.toml", "cohorts/b-evening.toml", "The example cohort that ships with iopkit"]
    assert cohort_choices(tmp_path)[-1][1] == paths.example_cohort()


def test_a_folder_without_cohorts_still_offers_the_example(tmp_path):
    assert cohort_choices(tmp_path) == [("The example cohort that ships with iopkit", paths.example_cohort())]


def test_the_shipped_example_is_listed_once_in_the_repository():
    paths_ = [p.resolve() for _, p in cohort_choices(ROOT)]
    assert len(paths_) == len(set(paths_)) and paths.example_cohort().resolve() in paths_


def test_session_choices_show_number_date_and_title():
    plan = load_plan(paths.example_cohort())
    choices = session_choices(plan)
    assert len(choices) == len(plan.sessions) == 36
    label, position = choices[0]
    assert position == 1 and label.startswith("1 · Mon Jan 4 · ")
    assert label.removeprefix("1 · Mon Jan 4 · ").removesuffix(" (outline)") == plan.sessions[0].session.title
    assert choices[6][0].startswith("7 · Wed Jan 20 · ")  # MLK Day moves the week on
    for (label, _), item in zip(choices, plan.sessions):
        assert label.endswith(" (outline)") is (not is_complete(item))


def test_the_default_session_is_the_next_one_from_today():
    plan = load_plan(paths.example_cohort())
    assert default_position(plan, dt.date(2026, 12, 1)) == 1
    assert default_position(plan, dt.date(2027, 1, 5)) == 2
    assert default_position(plan, dt.date(2027, 1, 6)) == 2
    assert default_position(plan, dt.date(2030, 1, 1)) == 36


def _complete(plan, with_widget: bool | None = None):
    for item in plan.sessions:
        if is_complete(item) and (with_widget is None or bool(item.session.exercise.widget) == with_widget):
            return item
    pytest.skip("the curriculum has no such session yet")


def test_choosing_a_session_shows_its_date_and_run_of_show_with_clock_times(tmp_path):
    from iopkit.render.views import clock, long_date

    wb = Workbench(tmp_path, today=dt.date(2026, 1, 1))
    assert wb.session.value == 1 and not wb.message.value
    item = _complete(wb.plan)
    wb.select(item.position)
    assert long_date(item.date) in wb.card.value and item.session.title in wb.card.value
    for block in item.blocks:
        assert f"{clock(block.start)}–{clock(block.end)}" in wb.run_html.value
        assert f"{block.minutes} min" in wb.run_html.value
    first = item.blocks[0]
    assert f"{first.minutes}:00" in wb.timer_html.value and wb.start.disabled is False


def test_an_invalid_cohort_shows_the_plain_message_never_a_traceback(tmp_path):
    from iopkit.errors import IopkitError

    (tmp_path / "cohorts").mkdir()
    broken = tmp_path / "cohorts" / "broken.toml"
    broken.write_text('schema = 1\n[program]\nname = "Clinic"\n')
    wb = Workbench(tmp_path)
    assert wb.cohort.value == broken
    with pytest.raises(IopkitError) as caught:
        load_plan(broken)
    import html

    shown = html.unescape(wb.message.value)
    assert str(caught.value) in shown and "Traceback" not in shown
    assert "broken.toml" in shown and "expected a value for this required setting" in shown
    assert wb.session.disabled and wb.session.options == () and wb.tabs.layout.display == "none"
    # A cohort that is not TOML at all reads the same way.
    broken.write_text("this is = = not toml")
    wb.refresh_cohorts()
    assert "broken.toml" in wb.message.value and "Traceback" not in wb.message.value
    # Fixed, then Reload: the sessions come back.
    shutil.copy(paths.example_cohort(), broken)
    shutil.copy(paths.example_cohort().parent / "riverbend-logo.png", tmp_path / "cohorts")
    wb.refresh_cohorts()
    assert not wb.message.value and len(wb.session.options) == 36 and wb.tabs.layout.display is None


def test_an_outline_session_says_so_and_offers_nothing_to_build(tmp_path, curriculum_copy):
    import yaml

    from iopkit.content.schema import OutlineSession

    session_file = sorted((curriculum_copy / "sessions").glob("03-*.yaml"))[0]
    data = yaml.safe_load(session_file.read_text())
    keep = {f.alias or name for name, f in OutlineSession.model_fields.items()}
    outline = {k: v for k, v in data.items() if k in keep}
    outline["status"] = "outline"
    session_file.write_text(yaml.safe_dump(outline, sort_keys=False))
    wb = Workbench(tmp_path, curriculum_dir=curriculum_copy)
    wb.select(3)
    assert wb.session.label.endswith("(outline)")
    assert "still an outline" in wb.run_html.value and wb.build.disabled and wb.open_exercise.disabled
    assert wb.timer_box.layout.display == "none" and "nothing to build" in wb.build_intro.value


def test_the_workbench_timer_buttons_drive_the_play_widget(tmp_path):
    clock = FakeClock()
    wb = Workbench(tmp_path, now=clock)
    item = _complete(wb.plan)
    wb.select(item.position)
    first, second = item.blocks[0], item.blocks[1]
    wb.start.click()
    assert wb.play.playing and wb.pause.disabled is False and wb.start.disabled
    clock.advance(61)
    wb.play.value += 1  # what the browser's Play widget does every half second
    assert clock_text(first.minutes * 60 - 61) in wb.timer_html.value
    assert 'class="kind-' in wb.run_html.value and " now" in wb.run_html.value
    assert f"Next: {second.block.title}" in wb.timer_html.value.replace("&#x27;", "'")
    wb.pause.click()
    assert not wb.play.playing and wb.start.description == "Resume"
    wb.next.click()
    assert wb.timer.current.index == 1 and f"{second.minutes}:00" in wb.timer_html.value
    wb.reset.click()
    assert wb.timer.state == "ready" and wb.play.value == 0 and not wb.play.playing
    # Choosing another session stops the timer.
    wb.start.click()
    wb.select(1 if item.position != 1 else 2)
    assert not wb.play.playing and wb.timer.state == "ready"


def test_the_timer_stops_the_play_widget_when_time_is_up(tmp_path):
    clock = FakeClock()
    wb = Workbench(tmp_path, now=clock)
    wb.select(_complete(wb.plan).position)
    wb.start.click()
    clock.advance(24 * 3600)
    wb.play.value += 1
    assert not wb.play.playing and "Session time is up" in wb.timer_html.value and wb.start.disabled


@pytest.fixture
def stand_in_exercises(monkeypatch):
    """A tiny stand-in for iopkit.exercises: this test checks the workbench, not the exercises."""
    import ipywidgets

    shown = []

    def show(exercise_id, save_dir=None, context=None):
        shown.append(exercise_id)
        module.contexts.append(context)
        return ipywidgets.Label(f"exercise {exercise_id}")

    module = types.ModuleType("iopkit.exercises")
    module.show, module.EXERCISES, module.shown, module.contexts = show, {}, shown, []
    monkeypatch.setitem(sys.modules, "iopkit.exercises", module)
    return module


def test_open_the_exercise_shows_the_sessions_widget(tmp_path, stand_in_exercises):
    wb = Workbench(tmp_path)
    item = _complete(wb.plan, with_widget=True)
    wb.select(item.position)
    assert not wb.open_exercise.disabled and item.session.exercise.title in wb.exercise_intro.value
    wb.open_exercise.click()
    assert stand_in_exercises.shown == [item.session.exercise.widget]
    # The exercise gets what it needs from the Workbench's own curriculum.
    assert stand_in_exercises.contexts[0].part2_notice == wb.plan.curriculum.program.part2_notice
    assert wb.exercise_box.children[0].value == f"exercise {item.session.exercise.widget}"
    wb.select(1 if item.position != 1 else 2)
    assert wb.exercise_box.children == ()


@pytest.fixture
def no_widget_in_16(curriculum_copy):
    """The curriculum with session 16's widget taken out, loaded (and cached) before the stand-in exercises."""
    from iopkit.content.curriculum import load_curriculum

    session_file = sorted((curriculum_copy / "sessions").glob("16-*.yaml"))[0]
    text = session_file.read_text()
    session_file.write_text("".join(line for line in text.splitlines(keepends=True)
                                    if not line.startswith(("  widget:", "  sheet_in_handout:"))))
    load_curriculum(curriculum_copy)
    return curriculum_copy


def test_a_session_without_an_interactive_exercise_says_so_plainly(tmp_path, no_widget_in_16, stand_in_exercises):
    """Every shipped session has one now; a program's own session file may not."""
    wb = Workbench(tmp_path, curriculum_dir=no_widget_in_16)
    item = _complete(wb.plan, with_widget=False)
    assert item.position == 16
    wb.select(item.position)
    assert "no interactive version" in wb.exercise_intro.value
    assert wb.open_exercise.disabled and wb.open_exercise.layout.display == "none"


def test_an_exercise_that_fails_to_open_shows_a_plain_message(tmp_path, stand_in_exercises):
    def broken(exercise_id, save_dir=None, context=None):
        raise ValueError("the exercise could not start\nwith a second line")

    stand_in_exercises.show = broken
    wb = Workbench(tmp_path)
    wb.select(_complete(wb.plan, with_widget=True).position)
    wb.open_exercise.click()
    assert "ValueError: the exercise could not start" in wb.message.value
    assert "second line" not in wb.message.value and "Traceback" not in wb.message.value


def test_build_calls_the_library_for_this_one_session_and_links_both_pdfs(tmp_path, monkeypatch):
    from iopkit.pipeline import build
    from iopkit.pipeline.build import BuildResult, SessionResult

    calls = []

    def fake_build(cohort_file, sessions=None, out=None, jobs=None, **kw):
        calls.append((Path(cohort_file), sessions, Path(out), jobs))
        folder = Path(out) / f"session-{int(sessions):02d}"
        folder.mkdir(parents=True)
        for name in ("facilitator-guide.pdf", "handout.pdf"):
            (folder / name).write_bytes(b"%PDF-1.7 stand-in")
        return BuildResult("Group", Path(out), [SessionResult(int(sessions), "T", "built", seconds=1.0)])

    monkeypatch.setattr(build, "build_cohort", fake_build)
    wb = Workbench(tmp_path)
    item = _complete(wb.plan)
    wb.select(item.position)
    wb.build.click()
    wb._build_thread.join(timeout=30)
    assert calls == [(paths.example_cohort().resolve(), str(item.position), tmp_path / "build" / "example", 1)]
    assert f"Session {item.position} is built" in wb.build_status.value
    html = wb.links.outputs[0]["data"]["text/html"]
    assert f'href="build/example/session-{item.position:02d}/handout.pdf"' in html
    assert f'href="build/example/session-{item.position:02d}/facilitator-guide.pdf"' in html
    assert not wb.build.disabled and wb.build.description == "Build guide and handout"


def test_build_status_says_what_happened_to_the_session():
    from iopkit.pipeline.build import BuildResult, SessionResult

    def result(status, message=""):
        return BuildResult("Group", Path("/out"), [SessionResult(7, "T", status, message)])

    assert "Session 7 is built" in build_status_html(7, result("built"))
    assert "has not changed" in build_status_html(7, result("unchanged"))
    failed = build_status_html(7, result("failed", "cell 3 stopped"))
    assert "could not be built: cell 3 stopped" in failed and "wb-message" in failed


# ---------------------------------------------------------------- links to the PDFs


def test_links_are_relative_in_jupyterlab_and_under_voila_files_in_voila(tmp_path):
    pdf = tmp_path / "build" / "my group" / "handout.pdf"
    assert file_href(pdf, tmp_path, environ={}) == "build/my%20group/handout.pdf"
    assert file_href(Path("/elsewhere/handout.pdf"), tmp_path, environ={}) is None
    voila = {"SERVER_SOFTWARE": "voila/0.5.13", "SCRIPT_NAME": "/", "VOILA_SERVER_URL": "/"}
    assert file_href(pdf, tmp_path, environ=voila) == "/voila/files/build/my%20group/handout.pdf"
    tree = {**voila, "SCRIPT_NAME": "/voila/render/work/iopkit-home.ipynb"}
    assert file_href(pdf, tmp_path, environ=tree) == "/voila/files/work/build/my%20group/handout.pdf"
    prefixed = {**voila, "VOILA_SERVER_URL": "/user/x/"}
    assert file_href(pdf, tmp_path, environ=prefixed) == "/user/x/voila/files/build/my%20group/handout.pdf"
    # On JupyterHub, Voilà runs inside each counselor's Jupyter server: links go to the server's own
    # files/, which only its signed-in owner may open (Voilà's voila/files/ checks nobody).
    hub = {"SERVER_SOFTWARE": "voila/0.5.13", "SCRIPT_NAME": "/user/sam/voila/render/iopkit-home.ipynb",
           "VOILA_SERVER_URL": "/", "VOILA_BASE_URL": "/user/sam/", "JUPYTERHUB_SERVICE_PREFIX": "/user/sam/"}
    assert file_href(pdf, tmp_path, environ=hub) == "/user/sam/files/build/my%20group/handout.pdf"


def test_on_jupyterhub_the_workbench_links_to_jupyterlab_and_nowhere_else():
    from iopkit.app.workbench import lab_link_html

    assert lab_link_html({}) == ""
    link = lab_link_html({"JUPYTERHUB_SERVICE_PREFIX": "/user/sam/"})
    assert 'href="/user/sam/lab/tree/iopkit-home.ipynb"' in link and ">Open JupyterLab</a>" in link


def test_the_workbench_says_which_curriculum_it_builds_from(tmp_path, monkeypatch):
    from iopkit.app import program

    monkeypatch.delenv("IOPKIT_CURRICULUM", raising=False)
    folder = program.init_program(tmp_path / "clinic")
    monkeypatch.setenv("IOPKIT_PROGRAM", str(folder))
    bench = Workbench(tmp_path)
    assert f"Using the curriculum in {folder.resolve() / 'curriculum'} (program folder)." in bench.head.value


def test_cohort_choices_add_the_program_folders_cohorts_before_the_shipped_example(tmp_path, monkeypatch):
    program = tmp_path / "program"
    (program / "cohorts").mkdir(parents=True)
    (program / "iopkit-program.toml").write_text("schema = 1\n[shipped]\n")
    (program / "cohorts" / "evening.toml").write_text("schema = 1\n")
    home = tmp_path / "home"
    (home / "cohorts").mkdir(parents=True)
    (home / "cohorts" / "mine.toml").write_text("schema = 1\n")
    monkeypatch.setenv("IOPKIT_PROGRAM", str(program))
    labels = [label for label, _ in cohort_choices(home)]
    assert labels == ["cohorts/mine.toml", "Program folder: cohorts/evening.toml",
                      "The example cohort that ships with iopkit"]


# ---------------------------------------------------------------- notebooks


def test_the_home_notebook_is_two_small_cells_without_outputs():
    nb = nbformat.read(ROOT / "notebooks" / "home.ipynb", as_version=4)
    nbformat.validate(nb)
    assert [c.cell_type for c in nb.cells] == ["code", "code"]
    setup, show = nb.cells
    assert setup.metadata.tags == ["setup"] and setup.source == "from iopkit.app.workbench import Workbench"
    assert "Workbench(" in show.source and show.source.count("\n") == 0
    for cell in nb.cells:
        assert cell.outputs == [] and cell.execution_count is None
    assert nb.metadata.kernelspec.name == "python3"


def test_the_exercise_notebook_opens_one_exercise():
    nb = exercise_notebook("happiness-scale", "Rate and aim: the Happiness Scale")
    nbformat.validate(nb)
    intro, cell = nb.cells
    assert intro.cell_type == "markdown" and intro.source.startswith("# Rate and aim: the Happiness Scale")
    assert "Run > Run All Cells" in intro.source and "my-answers" in intro.source
    assert cell.cell_type == "code" and cell.source.endswith('show("happiness-scale")')
    assert "from iopkit.exercises import show" in cell.source and cell.metadata.tags == ["interactive"]
    assert nb.metadata.kernelspec.name == "python3" and cell.outputs == []
    # The same exercise gives the same file (the build can tell nothing changed).
    again = exercise_notebook("happiness-scale", "Rate and aim: the Happiness Scale")
    assert nbformat.writes(nb) == nbformat.writes(again)


def test_the_exercise_notebook_refuses_an_unknown_exercise():
    from iopkit.errors import IopkitError

    with pytest.raises(IopkitError, match='got "happy-scale", expected one of'):
        exercise_notebook("happy-scale", "x")


# ---------------------------------------------------------------- iopkit lab and iopkit app


def test_lab_command_serves_the_home_notebook_on_this_computer_only(tmp_path, monkeypatch):
    monkeypatch.setattr(launch, "running_as_root", lambda: False)
    cmd = launch.lab_command(tmp_path, 8890, "secret", open_browser=False)
    assert cmd[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert cmd[4] == str(tmp_path.resolve() / "iopkit-home.ipynb")
    for arg in ("--ServerApp.ip=127.0.0.1", "--ServerApp.port=8890", "--ServerApp.port_retries=0",
                "--IdentityProvider.token=secret", "--ServerApp.open_browser=False",
                f"--ServerApp.root_dir={tmp_path.resolve()}"):
        assert arg in cmd
    assert "--allow-root" not in cmd
    assert "--ServerApp.open_browser=True" in launch.lab_command(tmp_path, 8890, "t", open_browser=True)


def test_allow_root_only_when_running_as_root(tmp_path, monkeypatch):
    monkeypatch.setattr(launch, "running_as_root", lambda: True)
    assert launch.lab_command(tmp_path, 1, "t")[-1] == "--allow-root"
    assert "--allow-root" not in launch.app_command(tmp_path, 1)  # Voilà has no such flag and does not refuse root
    monkeypatch.setattr(launch, "running_as_root", lambda: False)
    assert "--allow-root" not in launch.lab_command(tmp_path, 1, "t")


def test_app_command_serves_the_home_notebook_with_voila_code_hidden(tmp_path):
    cmd = launch.app_command(tmp_path, 8870)
    assert cmd[:3] == [sys.executable, "-m", "voila"] and cmd[3] == str(tmp_path.resolve() / "iopkit-home.ipynb")
    for arg in ("--Voila.ip=127.0.0.1", "--port=8870", "--strip_sources=True", "--show_tracebacks=False",
                "--Voila.open_browser=False", f"--Voila.root_dir={tmp_path.resolve()}"):
        assert arg in cmd
    allow = next(a for a in cmd if a.startswith("--VoilaConfiguration.file_allowlist="))
    import re

    pattern = allow.split("=", 1)[1]
    assert re.fullmatch(pattern, "build/example/session-07/handout.pdf")
    assert not re.fullmatch(pattern, "cohorts/example.toml") and not re.fullmatch(pattern, "iopkit-home.ipynb")


def test_the_app_uses_a_voila_template_that_fetches_nothing_from_a_cdn(tmp_path):
    import os

    server = launch.app_server(tmp_path, port=8897, settings_parent=tmp_path / "s")
    assert "--template=iopkit" in server.command
    data = Path(server.env["JUPYTER_PATH"].split(os.pathsep)[0])
    template = data / "voila" / "templates" / "iopkit"
    index = (template / "index.html.j2").read_text()
    assert "cdn." not in index and "http" not in index and "super.super()" in index
    assert json.loads((template / "conf.json").read_text()) == {"base_template": "lab"}
    # Without a folder for the template, plain Voilà (its own lab template).
    assert not any(a.startswith("--template") for a in launch.app_server(tmp_path, port=8897).command)


def test_lab_server_turns_off_the_news_pop_up_without_touching_the_persons_settings(tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_CONFIG_PATH", "/some/where")
    server = launch.lab_server(tmp_path, port=8899, open_browser=False, token="tok", settings_parent=tmp_path / "s")
    first, *rest = server.env["JUPYTER_CONFIG_PATH"].split(":")
    assert rest == ["/some/where"]
    overrides = json.loads((Path(first) / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false", "checkForUpdates": False}
    assert server.url == "http://127.0.0.1:8899/lab/tree/iopkit-home.ipynb?token=tok"
    assert server.ready_url.startswith("http://127.0.0.1:8899/api/status")
    app = launch.app_server(tmp_path, port=8898, token="apptok")
    assert app.url == "http://127.0.0.1:8898/?token=apptok" and app.ready_url.startswith("http://127.0.0.1:8898/voila/")


def test_the_home_notebook_is_copied_once_and_never_overwritten(tmp_path):
    home = launch.ensure_home(tmp_path)
    assert home == tmp_path / "iopkit-home.ipynb"
    assert home.read_bytes() == (paths.notebooks_dir() / "home.ipynb").read_bytes()
    home.write_text("{}")  # the counselor's own changes
    launch.ensure_home(tmp_path)
    assert home.read_text() == "{}"


def test_a_missing_folder_is_a_plain_error(tmp_path):
    with pytest.raises(launch.LaunchError, match="does not exist"):
        launch.ensure_home(tmp_path / "nowhere")


def test_a_free_port_is_chosen_when_the_usual_one_is_busy():
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        taken = busy.getsockname()[1]
        assert launch.free_port(taken) != taken
    assert launch.free_port(None) > 0


# ---------------------------------------------------------------- the room view


def test_the_room_view_opens_in_its_own_tab_where_its_script_runs(tmp_path):
    """JupyterLab's HTML viewer runs no script: the link goes to the server's raw files; Voilà serves room.html."""
    from iopkit.app.workbench import room_href, room_link_html

    room = tmp_path / "build" / "example" / "session-03" / "room.html"
    assert room_href(room, tmp_path, environ={}) == "/files/build/example/session-03/room.html"
    voila = {"SERVER_SOFTWARE": "voila/0.5.13", "SCRIPT_NAME": "/", "VOILA_SERVER_URL": "/"}
    assert room_href(room, tmp_path, environ=voila) == "/voila/files/build/example/session-03/room.html"
    assert re.fullmatch(launch.APP_FILES, "build/example/session-03/room.html")
    assert not re.fullmatch(launch.APP_FILES, "build/example/session-03/other.html")
    assert "made when you build this session" in room_link_html(room, tmp_path, environ={})
    room.parent.mkdir(parents=True)
    room.write_text("<html></html>")
    link = room_link_html(room, tmp_path, environ={})
    assert 'href="/files/build/example/session-03/room.html"' in link and 'target="_blank"' in link
    assert "Open the room view" in link


def test_todays_tab_offers_the_room_view_once_the_session_is_built(tmp_path):
    wb = Workbench(tmp_path)
    item = _complete(wb.plan)
    wb.select(item.position)
    assert "made when you build this session" in wb.room_link.outputs[0]["data"]["text/html"]
    room = tmp_path / "build" / "example" / f"session-{item.position:02d}" / "room.html"
    room.parent.mkdir(parents=True)
    room.write_text("<html></html>")
    wb.select(item.position + 1)
    wb.select(item.position)
    assert f"session-{item.position:02d}/room.html" in wb.room_link.outputs[0]["data"]["text/html"]


# ---------------------------------------------------------------- one palette (issue 11)


def test_the_colours_are_named_once():
    """The accent and the other colours live in iopkit.theme; the print CSS names the same ones as custom
    properties, and no module types the accent's hex itself (a message may show it as an example)."""
    import re

    from iopkit import paths, theme
    from iopkit.app import cohort_form
    from iopkit.planning.cohort_schema import ProgramInfo

    root = re.search(r":root\s*\{([^}]*)\}", (paths.handouts_dir() / "print.css").read_text(encoding="utf-8"))
    declared = dict(re.findall(r"--([a-z]+):\s*(#[0-9a-fA-F]{6})", root.group(1)))
    assert declared == theme.CSS_NAMES
    assert ProgramInfo.model_fields["accent_color"].default == theme.ACCENT == cohort_form.default_of(("program", "accent_color"))
    package = Path(theme.__file__).parent
    typed = [f"{path.relative_to(package)}:{n}" for path in package.rglob("*.py") if path.name != "theme.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if theme.ACCENT in line.lower() and f"like {theme.ACCENT}" not in line]
    templates = [str(p.relative_to(paths.handouts_dir())) for p in (paths.handouts_dir() / "templates").rglob("*.j2")
                 if theme.ACCENT in p.read_text(encoding="utf-8").lower()]
    assert typed == [] and templates == []
