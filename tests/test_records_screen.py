"""The Workbench's attendance screen, without a browser: unlock, take the roll, save, auto-lock,
and no name left in any widget, file or saved notebook afterwards."""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, FakeClock
from records_support import CANARIES, CANARY_ALIAS, CANARY_ALIAS_2, CANARY_FIRST, PASSPHRASE, files_with_canary

from iopkit.records import audit, people
from iopkit.records.store import TEST_KDF, Vault

WED = dt.date(2027, 1, 6)


@pytest.fixture
def setting(tmp_path):
    """A store with two canary members and one discharged member of the example cohort."""
    from iopkit.app.workbench import load_plan

    folder = tmp_path / "work" / "cohorts"
    folder.mkdir(parents=True)
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, folder / name)
    cohort = load_plan(folder / "example.toml").cohort
    vault, _ = Vault.create(tmp_path / "private", PASSPHRASE, kdf=TEST_KDF)
    with vault.transaction() as conn:
        a = people.add_participant(conn, cohort=cohort, admitted="2027-01-04", alias=CANARY_ALIAS)
        b = people.add_participant(conn, cohort=cohort, admitted="2027-01-04", alias=CANARY_ALIAS_2)
        gone = people.add_participant(conn, cohort=cohort, admitted="2027-01-04", alias="Ann B.")
        people.set_dates(conn, gone.pseudonym, discharged="2027-01-05")
    vault.lock()
    return {"cohort": cohort, "store": vault.path, "a": a.pseudonym, "b": b.pseudonym, "tmp": tmp_path}


def live_widget_state() -> str:
    """Every live widget's state, as a saved notebook would hold it (JupyterLab's saveState)."""
    from ipywidgets.widgets.widget import _instances

    return json.dumps([w.get_state() for w in list(_instances.values())], default=str)


def screen_for(setting, clock=None):
    from iopkit.app.records_screen import RollScreen

    kwargs = {"clock": clock} if clock else {}
    return RollScreen(lambda: (setting["cohort"], WED), store=setting["store"], **kwargs)


def test_taking_the_roll_saves_everyone_and_clears_the_names(setting):
    screen = screen_for(setting)
    screen.password.value = "not the passphrase at all"
    screen.unlock_button.click()
    assert not screen.unlocked and "does not open" in screen.message.value and screen.password.value == ""

    screen.password.value = PASSPHRASE
    screen.unlock_button.click()
    assert screen.unlocked and screen.password.value == "" and screen.day_picker.value == WED
    screen.take_button.click()
    rows = {entry.pseudonym: (status, minutes) for entry, _, status, minutes, _ in screen._rows}
    assert set(rows) == {setting["a"], setting["b"]}  # the discharged member is not on the roll
    assert all(s.value == "present" and m.value == 165 for s, m in rows.values())
    assert CANARY_FIRST in live_widget_state()  # shown while the roll is open...
    assert "2 members on the roll for Wed Jan 6" in screen.message.value

    rows[setting["b"]][0].value = "late"
    rows[setting["b"]][1].value = 120
    labels = [label for _, label, *_ in screen._rows]
    screen.save_button.click()
    assert "Saved the roll: 2 members on Wed Jan 6" in screen.message.value
    assert not any(c in screen.message.value for c in CANARIES)
    # ...and gone from every widget once it is saved: the widgets that showed names are closed.
    assert screen._rows == [] and screen.rows_box.children == ()
    assert all(label.comm is None for label in labels)
    assert not any(c in live_widget_state() for c in CANARIES)

    with Vault.unlock(setting["store"], PASSPHRASE).snapshot() as conn:
        saved = {(a.pseudonym, a.status, a.minutes) for a in people.attendance(conn) if a.date == WED}
        actions = [e.action for e in audit.verify(conn)]
    assert saved == {(setting["a"], "present", 165), (setting["b"], "late", 120)}
    assert actions[-3:] == ["view", "attend", "attend"] and "unlock" in actions


def test_the_screen_locks_itself_after_idle_time(setting):
    clock = FakeClock()
    screen = screen_for(setting, clock)
    screen.password.value = PASSPHRASE
    screen.unlock_button.click()
    screen.take_button.click()
    vault = screen.vault
    clock.advance(screen.idle_seconds - 1)
    screen.check_idle()
    assert screen.unlocked and screen._rows
    clock.advance(2)
    screen.check_idle()
    assert not screen.unlocked and vault.locked and screen._rows == []
    assert "Locked after a while" in screen.message.value
    assert not any(c in live_widget_state() for c in CANARIES)
    assert screen.roll_box.layout.display == "none" and screen.unlock_box.layout.display is None


def test_the_workbench_has_an_attendance_tab_for_its_cohort_and_session(setting):
    from iopkit.app.workbench import Workbench

    wb = Workbench(folder=setting["tmp"] / "work")
    at = wb.tabs.titles.index("Attendance")
    assert wb.tabs.children[at] is wb.roll.widget
    cohort, day = wb.roll.context()
    assert cohort.slug == "example" and day == wb.item.date


def test_a_saved_notebook_holds_no_name_after_the_roll(setting, isolated_home, tmp_path, monkeypatch):
    """Run the roll in a real kernel, save the notebook with its widget state, and search it and the disk."""
    import nbformat
    from nbclient import NotebookClient

    temp = tmp_path / "kernel-tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    code = f"""
import datetime as dt
from iopkit.app.workbench import load_plan
from iopkit.app.records_screen import RollScreen
plan = load_plan({str(setting['cohort'].path)!r})
screen = RollScreen(lambda: (plan.cohort, dt.date(2027, 1, 6)), store={str(setting['store'])!r})
screen.widget
"""
    steps = f"""
screen.password.value = {PASSPHRASE!r}
screen.unlock_button.click()
screen.take_button.click()
assert len(screen._rows) == 2
screen._rows[0][2].value = "absent"
screen.save_button.click()
screen.message.value
"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code), nbformat.v4.new_code_cell(steps)])
    NotebookClient(nb, timeout=120, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    saved = tmp_path / "roll.ipynb"
    nbformat.write(nb, saved)
    text = saved.read_text()
    assert "Saved the roll: 2 members" in text  # the notebook really ran and kept its outputs and widgets
    assert "application/vnd.jupyter.widget-state+json" in text
    assert files_with_canary([saved, ROOT, isolated_home, temp]) == []
    with Vault.unlock(setting["store"], PASSPHRASE).snapshot() as conn:
        assert sorted(a.status for a in people.attendance(conn) if a.date == WED) == ["absent", "present"]


def test_iopkit_lab_keeps_widget_state_out_of_saved_notebooks(tmp_path):
    """JupyterLab as ``iopkit lab`` starts it never writes widget values into a notebook it saves."""
    from iopkit.app import launch

    server = launch.lab_server(tmp_path, port=8899, open_browser=False, token="tok", settings_parent=tmp_path / "s")
    first = Path(server.env["JUPYTER_CONFIG_PATH"].split(os.pathsep)[0])
    overrides = json.loads((first / "labconfig" / "default_setting_overrides.json").read_text())
    assert overrides["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": False}


def test_running_the_workbench_again_locks_the_old_attendance_screen(setting, monkeypatch):
    import iopkit.app.workbench as workbench
    from iopkit.app.workbench import Workbench

    monkeypatch.setattr("IPython.display.display", lambda *a, **k: None)
    old = Workbench(folder=setting["tmp"] / "work")
    old.show()
    old.roll.store_path.value = str(setting["store"])
    old.roll.password.value = PASSPHRASE
    old.roll.unlock_button.click()
    old.roll.take_button.click()
    assert old.roll.unlocked and old.roll._rows
    Workbench(folder=setting["tmp"] / "work").show()
    assert not old.roll.unlocked and old.roll._rows == []
    assert not any(c in live_widget_state() for c in CANARIES)
    workbench._SHOWN = None
