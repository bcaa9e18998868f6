"""Family 9 of issue 13: privacy in the room.

On a shared computer nobody sees another person's answers without choosing a file
themselves: "compare with an earlier rating" lists only what was saved on this screen;
answers saved from a session's exercise.ipynb never land inside the built packet (they go
to the person's own folder, readable by them only); answer folders are git-ignored.
"""
from __future__ import annotations

import json
import stat
import subprocess

from conftest import ROOT

from iopkit.exercises.files import default_folder, save_answers
from iopkit.exercises.happiness_scale import AREAS, HappinessScale
from iopkit.pipeline.exercise_notebook import exercise_notebook


def test_compare_lists_only_what_was_saved_on_this_screen(tmp_path):
    """Another person's rating in the same folder is never offered; one's own, saved here, is."""
    someone_else = HappinessScale(save_dir=tmp_path)
    for area in AREAS:
        someone_else.rate(area, 2)
    theirs = save_answers(someone_else, tmp_path)

    mine = HappinessScale(save_dir=tmp_path)
    mine.widget()
    assert [value for _, value in mine.files.options if value] == []
    assert "Nothing saved on this screen yet" in mine.files.options[0][0]
    mine.rate("Money", 7)
    saved = mine.save()
    offered = [value for _, value in mine.files.options if value]
    assert offered == [str(saved)] and str(theirs) not in offered


def test_answers_from_a_built_session_folder_go_to_the_persons_own_folder(tmp_path, monkeypatch):
    """exercise.ipynb runs in build/<cohort>/session-NN/: the answers go to ~/iopkit-answers, not the packet."""
    packet = tmp_path / "build" / "evening"
    session = packet / "session-07"
    session.mkdir(parents=True)
    (packet / ".packet.json").write_text("{}")
    (session / ".build.json").write_text("{}")
    own = tmp_path / "home" / "iopkit-answers"
    monkeypatch.setenv("IOPKIT_ANSWERS", str(own))
    monkeypatch.chdir(session)
    assert default_folder() == own
    exercise = HappinessScale()
    exercise.rate("Money", 5)
    path = exercise.save()
    assert path.parent == own and not path.is_relative_to(packet)
    assert stat.S_IMODE(own.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(path.read_text())["answers"]["ratings"]["Money"] == 5
    # Even when a packet folder is named outright, the answers do not go into it.
    assert save_answers(exercise, session).parent == own
    assert not list(packet.rglob("happiness-scale-*"))


def test_outside_a_packet_answers_stay_in_my_answers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert default_folder() == tmp_path / "my-answers"


def test_the_exercise_notebook_says_where_answers_go():
    intro = exercise_notebook("happiness-scale", "Session 7: The Happiness Scale").cells[0].source
    assert "iopkit-answers" in intro and "never in this packet" in intro


def test_answer_folders_are_git_ignored():
    for path in ("my-answers/happiness-scale-2027-01-04-091500.json", "iopkit-answers/x.json",
                 "cohorts/my-answers/x.pdf"):
        result = subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT)
        assert result.returncode == 0, f"{path} is not ignored"
