"""A director opens the program dashboard on the demo program (``iopkit dashboard --app``: Voilà)."""
from __future__ import annotations

import pytest
from records_support import PASSPHRASE

from .conftest import SLOW, Running, _serve, shot

pytestmark = pytest.mark.browser

DASH = ".iopkit-dashboard"




@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """This module's own counselor folder (see make_workdir)."""
    from .conftest import make_workdir

    return make_workdir(tmp_path_factory)

@pytest.fixture(scope="module")
def demo_store(workdir, tmp_path_factory):
    """A synthetic program (seed 4) for the folder's two cohorts, in a store outside the folder."""
    from iopkit.content.curriculum import load_curriculum
    from iopkit.records import dashboard, demo
    from iopkit.records.store import TEST_KDF, Vault

    curriculum = load_curriculum()
    cohorts = dashboard.load_cohorts(workdir / "cohorts", curriculum)
    vault, _ = Vault.create(tmp_path_factory.mktemp("private") / "records.iopkit", PASSPHRASE, kdf=TEST_KDF)
    demo.make_demo(vault, cohorts, curriculum, seed=4)
    with vault.snapshot() as conn:
        view = dashboard.compute(conn, cohorts, curriculum)
    return vault.path, view


@pytest.fixture(scope="module")
def dashboard_app(workdir, demo_store, tmp_path_factory):
    """Voilà on the dashboard notebook, as ``iopkit dashboard --app`` starts it, with IOPKIT_RECORDS set."""
    from iopkit.app import launch

    settings = tmp_path_factory.mktemp("voila-dashboard")
    server = launch.app_server(workdir, port=launch.free_port(), settings_parent=settings,
                               notebook=launch.DASHBOARD_NOTEBOOK)
    server.env["IOPKIT_RECORDS"] = str(demo_store[0])
    log = settings / "voila.log"
    process, handle = _serve(server, log)
    yield Running(server, process, log)
    launch.stop(process)
    handle.close()


def cells(page, table: str, label: str) -> list[str]:
    row = page.locator(f"{DASH} table.{table} tr", has=page.locator("td", has_text=label)).first
    return [t.strip() for t in row.locator("td").all_inner_texts()]


def test_a_director_opens_the_dashboard_on_the_demo_program(page, dashboard_app, demo_store):
    from iopkit.records.dashboard import count_rows, rate_rows, session_rows

    _, view = demo_store
    page.goto(dashboard_app.url("/"))
    page.wait_for_selector(f"{DASH} input[type='password']", timeout=SLOW)
    assert "DashboardScreen" not in page.content()  # no code on the page
    shot(page, "dashboard-01-locked")
    page.locator(f"{DASH} input[type='password']").fill("not the passphrase")
    page.locator(f"{DASH} button", has_text="Show the dashboard").click()
    page.locator(f"{DASH} .wb-message", has_text="does not open").wait_for()
    page.locator(f"{DASH} input[type='password']").fill(PASSPHRASE)
    page.locator(f"{DASH} button", has_text="Show the dashboard").click()
    page.wait_for_selector(f"{DASH} table.dash-cohorts", timeout=SLOW)
    assert page.locator(f"{DASH} .demo", has_text="Synthetic demo program").is_visible()
    shot(page, "dashboard-02-shown")

    # Every number on the page is the one the library computes (and docs/dashboard.md defines).
    columns = list(view.cohorts["cohort"]) + ["Total"]
    for row in session_rows(view) + count_rows(view, False) + rate_rows(view, False):
        assert cells(page, "dash-cohorts", row["label"]) == [row["label"]] + [row["cells"][c] for c in columns]
    assert page.locator(f"{DASH} svg.dash-chart").count() == 4
    assert cells(page, "dash-cohorts", "Notes exported")[1] == "not tracked"
    for who in view.not_on_track:
        assert page.locator(f"{DASH} table.dash-not-on-track td", has_text=who).count() == 1
    page.locator(f"{DASH} table.dash-facilitators").scroll_into_view_if_needed()
    shot(page, "dashboard-03-fidelity")

    # A facilitator sees their own data first.
    page.locator(f"{DASH} select").select_option(label="Sam Chen, LCSW")
    page.locator(f"{DASH} table.dash-facilitators tr.mine td", has_text="Sam Chen, LCSW").wait_for()
    first = page.locator(f"{DASH} table.dash-facilitators tbody tr").first.locator("td").first.inner_text()
    assert first == "Sam Chen, LCSW"
    shot(page, "dashboard-04-me-first")

    page.locator(f"{DASH} button", has_text="Lock").click()
    page.locator(f"{DASH} input[type='password']").wait_for()
    assert page.locator(f"{DASH} table.dash-cohorts").count() == 0


def test_a_facilitator_fills_in_the_self_rating_in_the_workbench(page, voila, workdir, tmp_path_factory):
    """Voilà (``iopkit app``): the Supervision tab shows the chosen session's fidelity items and the five
    ratings with their anchors; a complete form is saved in the store."""
    import re

    from iopkit.app.workbench import load_plan, session_label
    from iopkit.records import fidelity
    from iopkit.records.store import TEST_KDF, Vault

    from .conftest import choose

    vault, _ = Vault.create(tmp_path_factory.mktemp("private-fid") / "records.iopkit", PASSPHRASE, kdf=TEST_KDF)
    plan = load_plan(workdir / "cohorts" / "example.toml")
    second = plan.sessions[1]
    wb, fid = ".iopkit-wb", ".iopkit-fid"
    page.goto(voila.url("/"))
    page.wait_for_selector(f"{wb} .wb-head h1", timeout=SLOW)
    choose(page, wb, 0, "cohorts/example.toml")
    choose(page, wb, 1, session_label(second))
    page.locator(f"{wb} .wb-title", has_text=second.session.title).wait_for()
    page.locator(f"{wb} .lm-TabBar-tab", has_text="Supervision").click()
    assert page.locator(f"{fid} .fid-notice", has_text="not a certification").is_visible()
    page.locator(f"{fid} button", has_text="Show the form").click()
    items = list(second.session.fidelity)
    page.locator(f"{fid} .fid-item", has_text=str(items[-1])[:40]).wait_for()
    item_toggles = page.locator(f"{fid} .fid-items .widget-toggle-buttons")
    rating_toggles = page.locator(f"{fid} .fid-globals .widget-toggle-buttons")
    assert item_toggles.count() == len(items) and rating_toggles.count() == 5
    assert page.locator(f"{fid} select").count() == 0  # the tab adds no dropdown (the Workbench tests count them)
    shot(page, "dashboard-05-self-rating-form")
    for n in range(len(items)):
        item_toggles.nth(n).locator("button", has_text=re.compile(r"^Done$")).click()
    for n in range(5):
        rating_toggles.nth(n).locator("button", has_text=re.compile(r"^4$")).click()
    page.locator(f"{fid} input[placeholder=\"What I'd do differently next time\"]").fill("Start the scan earlier.")
    page.locator(f"{fid} input[placeholder='the records store file']").fill(str(vault.path))
    page.locator(f"{fid} input[type=password]").fill(PASSPHRASE)
    page.wait_for_timeout(500)
    page.locator(f"{fid} button", has_text="Save the form").click()
    page.locator(f"{fid} .wb-note", has_text="Saved fidelity form 1").wait_for()
    shot(page, "dashboard-06-self-rating-saved")
    with vault.snapshot() as conn:
        (form,) = fidelity.forms(conn)
    assert (form.position, form.mode, form.facilitator) == (2, "self", "Sam Chen, LCSW")
    assert [r for _, r in form.items] == ["done"] * len(items) and set(form.ratings.values()) == {4}
    assert form.different == "Start the scan earlier."
