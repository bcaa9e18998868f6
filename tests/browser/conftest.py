"""Browser tests: a real JupyterLab and a real Voilà on 127.0.0.1, driven by Debian's chromium.

Servers are started the way ``iopkit lab`` and ``iopkit app`` start them (``iopkit.app.launch``),
on a random free port with a token, in a throwaway folder, and always stopped. Every page
refuses requests that would leave this computer and records them; a test fails if there
were any. Screenshots of each key step go to ``tests/browser/screenshots/`` (git-ignored).
"""
from __future__ import annotations

import re
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
#: Generous: the machine is small and noisy. A passing run takes a fraction of these.
SLOW = 120_000


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(autouse=True)
def screenshot_on_failure(request):
    """When a test fails, a screenshot of each page it used, to see what a person would have seen."""
    yield
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        for name, value in request.node.funcargs.items():
            if name != "page" and hasattr(value, "screenshot") and hasattr(value, "goto"):
                try:
                    shot(value, f"failed-{request.node.name}-{name}")
                except Exception:  # noqa: BLE001 - the page may be gone; the failure is what matters
                    pass


# ---------------------------------------------------------------- the folder a counselor works in


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    """A counselor's folder: two cohorts, one broken cohort, and the home notebook."""
    return make_workdir(tmp_path_factory)


def make_workdir(tmp_path_factory) -> Path:
    """A fresh counselor's folder. Modules that save cohorts or records into it (the Group editor, the
    dashboard) take one of their own, so what they leave behind cannot change another module's Workbench."""
    from iopkit.app import launch

    work = tmp_path_factory.mktemp("counselor")
    (work / "cohorts").mkdir()
    for name in ("example.toml", "riverbend-logo.png", "evening-telehealth.toml"):
        shutil.copy(ROOT / "cohorts" / name, work / "cohorts" / name)
    (work / "cohorts" / "zz-broken.toml").write_text('schema = 1\n[program]\nname = "Clinic"\n')
    launch.ensure_home(work)
    return work


@pytest.fixture(scope="session")
def cli_handout(workdir, tmp_path_factory):
    """``iopkit build --sessions 7`` from the command line, started in the background at once."""
    out = tmp_path_factory.mktemp("cli-build")
    log = open(out / "build.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "iopkit.app.cli", "build", str(workdir / "cohorts" / "example.toml"), "--sessions", "7",
         "--out", str(out), "--jobs", "1", "--quiet"], stdout=log, stderr=subprocess.STDOUT, cwd=out)

    def wait() -> Path:
        assert process.wait(timeout=600) == 0, (out / "build.log").read_text()
        return out / "session-07" / "handout.pdf"

    yield wait
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


# ---------------------------------------------------------------- servers


class Running:
    def __init__(self, server, process, log: Path):
        self.server, self.process, self.log = server, process, log
        parts = urlparse(server.url)
        self.base = f"{parts.scheme}://{parts.netloc}"
        self.token = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p).get("token", "")

    def url(self, path: str) -> str:
        sep = "&" if "?" in path else "?"
        return f"{self.base}{path}{sep}token={self.token}" if self.token else f"{self.base}{path}"


def _serve(server, log: Path):
    from iopkit.app import launch

    handle = open(log, "w")
    process = launch.start(server, log=handle)
    try:
        launch.wait_until_ready(server, process, timeout=120)
    except Exception:
        launch.stop(process)
        handle.close()
        raise AssertionError(f"the server did not start:\n{log.read_text()[-3000:]}") from None
    return process, handle


@pytest.fixture(scope="module")
def lab(workdir, tmp_path_factory):
    """JupyterLab as ``iopkit lab`` starts it (news pop-up off), one per test module."""
    from iopkit.app import launch

    settings = tmp_path_factory.mktemp("lab-settings")
    server = launch.lab_server(workdir, port=launch.free_port(), open_browser=False, token=secrets.token_hex(16),
                               settings_parent=settings)
    log = settings / "lab.log"
    # The log (in the temporary folder) then says which kernels started and stopped, should a test fail.
    server.command[server.command.index("--ServerApp.log_level=WARN")] = "--ServerApp.log_level=INFO"
    process, handle = _serve(server, log)
    yield Running(server, process, log)
    launch.stop(process)  # terminate, then kill if it has not stopped
    handle.close()


@pytest.fixture(scope="module")
def voila(workdir, tmp_path_factory):
    """Voilà as ``iopkit app`` starts it, one per test module."""
    from iopkit.app import launch

    settings = tmp_path_factory.mktemp("voila")
    server = launch.app_server(workdir, port=launch.free_port(), settings_parent=settings)
    log = settings / "voila.log"
    process, handle = _serve(server, log)
    yield Running(server, process, log)
    launch.stop(process)
    handle.close()


# ---------------------------------------------------------------- the browser


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`"
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


#: Any address off this computer. Matched by the browser driver itself, so requests to the
#: local servers are never held up waiting for Python (a sync test that sleeps or runs
#: papermill would otherwise stall JupyterLab's own requests).
OFF_THIS_COMPUTER = re.compile(r"^(https?|wss?)://(?!(127\.0\.0\.1|localhost)([:/]|$))")


class Offline:
    """Refuses and records every request that would leave this computer."""

    def __init__(self):
        self.refused: list[str] = []

    def __call__(self, route):
        self.refused.append(route.request.url)
        route.abort()

    def websocket(self, ws):
        if OFF_THIS_COMPUTER.match(ws.url):
            self.refused.append(ws.url)


def new_page(browser, offline: Offline):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    context.route(OFF_THIS_COMPUTER, offline)
    page = context.new_page()
    page.on("websocket", offline.websocket)
    page.set_default_timeout(60_000)
    return page


@pytest.fixture
def page(browser, request):
    offline = Offline()
    page = new_page(browser, offline)
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        shot(page, f"failed-{request.node.name}")
    page.context.close()
    assert offline.refused == [], "pages asked for something off this computer"


def shot(page, name: str) -> Path:
    """A screenshot of what a person sees now, in tests/browser/screenshots/."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


# ---------------------------------------------------------------- JupyterLab, as a person uses it


def open_in_lab(page, lab: Running, notebook: str) -> None:
    """Open a notebook in a fresh JupyterLab workspace and wait for its kernel."""
    # A workspace of its own: JupyterLab does not reopen what earlier tests left open.
    page.goto(lab.url(f"/lab/workspaces/t{secrets.token_hex(4)}/tree/{notebook}"))
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=SLOW)
    page.wait_for_selector(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=SLOW)
    accept_kernel_dialog(page)


def accept_kernel_dialog(page) -> bool:
    """Choose Select in JupyterLab's Select Kernel dialog, as a person would.

    JupyterLab asks when starting the notebook's kernel took longer than its request
    allows (it happens on a busy machine); the kernel it offers is the notebook's own.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    dialog = page.locator(".jp-Dialog", has_text="Select Kernel")
    if not (dialog.count() and dialog.first.is_visible()):
        return False
    # On a busy machine JupyterLab may ask again while the kernel it chose is still starting, or
    # miss a click made while the dialog was still opening: choose Select until no dialog is left.
    for _ in range(12):
        if not (dialog.count() and dialog.first.is_visible()):
            return True
        try:
            dialog.first.locator("button.jp-mod-accept").click(timeout=5_000)
            dialog.first.wait_for(state="detached", timeout=10_000)
        except PlaywrightTimeout:
            page.wait_for_timeout(1_000)
    raise AssertionError("JupyterLab kept asking which kernel to use (Select Kernel) for two minutes")


def run_all(page, until: str, timeout: float = SLOW / 1000) -> None:
    """Run > Run All Cells (JupyterLab 4 has no shortcut for it), until ``until`` shows.

    If the cells are back to ``[ ]`` with nothing running (the menu click came before the
    notebook was ready, or the kernel restarted), choose Run All Cells again.
    """
    prompts = page.locator(".jp-NotebookPanel .jp-CodeCell .jp-InputPrompt")
    deadline = time.monotonic() + timeout
    while True:
        accept_kernel_dialog(page)
        page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Run$")).click()
        page.locator("[data-command='runmenu:run-all']").click()
        started = time.monotonic()
        while time.monotonic() < deadline:
            if page.locator(until).count() and page.locator(until).first.is_visible():
                return
            if accept_kernel_dialog(page):
                break
            idle = page.locator(".jp-NotebookPanel .jp-Notebook-ExecutionIndicator[data-status='idle']").count()
            if idle and time.monotonic() - started > 10 and "[ ]:" in prompts.all_inner_texts():
                break  # nothing is running and something never ran: ask again
            page.wait_for_timeout(250)  # not time.sleep: the page keeps working meanwhile
        else:
            raise AssertionError(f"{until} did not show after Run All Cells: {prompts.all_inner_texts()}")


def choose(page, scope: str, index: int, label: str) -> None:
    """Pick ``label`` in the ``index``-th dropdown inside ``scope``."""
    page.locator(f"{scope} .widget-dropdown select").nth(index).select_option(label=label)


def scroll_to(locator) -> None:
    """Bring an element to the top of its scrolling area, as a person scrolls to read it."""
    locator.first.evaluate("e => e.scrollIntoView({block: 'start'})")


def text_of(page, selector: str) -> str:
    return page.locator(selector).first.inner_text().strip()


def wait_for_text_change(page, selector: str, before: str, seconds: float = 10) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        now = text_of(page, selector)
        if now != before:
            return now
        page.wait_for_timeout(200)
    return text_of(page, selector)


