"""iopkit on a real JupyterHub, as a clinic runs it: ``deploy/jupyterhub/jupyterhub_config.py``.

Two counselors (system accounts made for the test) sign in through Debian's chromium, each
lands on the Workbench (Voilà), builds session 1 from the clinic's program folder and opens
its PDF. Then, as the counselors themselves (``runuser``): neither can read the other's home
or records, and neither can change the shared program folder, which the clinical director's
group can.

What is real: JupyterHub from PyPI, configurable-http-proxy from the npm registry (``tests/run.sh``
installs it into ``.hub-node/``), the local process spawner (each server runs as its owner),
the shipped hub configuration. What is the test's own: sign-in with a shared password made
at random for this run (``SharedPasswordAuthenticator``; a clinic uses PAM or its identity
provider), and the counselors' Python: a virtual environment in a folder they can reach
(the test environment's may sit under root's home) that borrows the test environment's
packages and the iopkit under test.

Creating system accounts needs root: the test skips without it (CI runs as root). Everything
it starts (hub, proxy, counselors' servers) is stopped and the accounts are deleted.
"""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import ROOT

from .conftest import SLOW, Offline, new_page, shot

pytestmark = [pytest.mark.hub, pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                 reason="the hub test creates two system accounts, which needs root (CI runs as root)")]

PROXY = ROOT / ".hub-node" / "node_modules" / ".bin" / "configurable-http-proxy"
SHIPPED_CONFIG = ROOT / "deploy" / "jupyterhub" / "jupyterhub_config.py"
WB = ".iopkit-wb"
EDIT = "Keeping Each Other Safe"
HANDOUT = "build/example/session-01/handout.pdf"

TEST_CONFIG = """\
# The test's own settings, over the configuration a clinic uses.
import os
c = get_config()
load_subconfig({shipped!r})
# Sign-in for the test only: one password made at random for this run (never a default).
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = os.environ["IOPKIT_TEST_PASSWORD"]
c.Authenticator.allowed_users = {users!r}
c.JupyterHub.hub_bind_url = "http://127.0.0.1:{hub_port}"
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{api_port}"
c.ConfigurableHTTPProxy.command = [{proxy!r}]
# The counselors' Python borrows the test environment's Jupyter data and settings (its templates,
# the Voila server extension, JupyterLab's app), which a real installation has in its own prefix.
c.Spawner.environment.update({{
    "JUPYTER_PATH": {data!r}, "JUPYTER_CONFIG_PATH": {config!r}, "JUPYTERLAB_DIR": {lab!r},
}})
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), capture_output=True, text=True, check=check, timeout=120)


def as_user(user: str, *cmd: str) -> subprocess.CompletedProcess:
    """Run a command as ``user``, as that counselor would in a terminal on the server."""
    return subprocess.run(["runuser", "-u", user, "--", *cmd], capture_output=True, text=True, timeout=60)


def processes_of(uid: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    pids.append(int(entry.name))
            except OSError:
                pass
    return pids


def reachable_by_all(path: Path) -> bool:
    """Every folder from / down to ``path`` lets other users through."""
    return all(os.stat(p).st_mode & stat.S_IXOTH for p in [path, *path.parents])


def open_the_way(paths: list[Path], changed: list[tuple[Path, int]]) -> None:
    """Let other users pass through (not list) every folder down to ``paths``; ``changed`` gets what to restore."""
    for path in paths:
        for folder in reversed([path, *path.parents]):
            mode = stat.S_IMODE(os.stat(folder).st_mode)
            if not mode & stat.S_IXOTH and folder not in [f for f, _ in changed]:
                os.chmod(folder, mode | stat.S_IXOTH)
                changed.append((folder, mode))


def counselors_interpreter(base: Path) -> tuple[str, str]:
    """A Python the counselors' accounts can run, the same build as the test's: ``(python, library folder)``
    (the borrowed packages may need a newer Python than the system's: soupsieve 4 wants 3.11.5).

    When the test's interpreter sits where other users cannot reach (pyenv under /root), its
    standard library and shared library are copied under ``base`` (without site-packages and
    the test suite); the library folder then goes on ``LD_LIBRARY_PATH``, which the dynamic
    loader searches before the interpreter's built-in run path.
    """
    home = Path(sys.base_prefix)
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    executable = home / "bin" / version
    if reachable_by_all(executable.parent):
        return str(executable), ""
    copy = base / "python"
    (copy / "bin").mkdir(parents=True)
    shutil.copy2(executable, copy / "bin" / version)
    skip = {"site-packages", "test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pkgconfig"}
    shutil.copytree(home / "lib", copy / "lib", symlinks=True,
                    ignore=lambda folder, names: [n for n in names if n in skip or n.startswith("config-")])
    run("chmod", "-R", "a+rX", str(copy))
    return str(copy / "bin" / version), str(copy / "lib")


@dataclass
class Hub:
    url: str
    password: str
    counselors: list[str]
    director: str
    program: Path
    homes: dict[str, Path]
    log: Path

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="module")
def hub():
    assert PROXY.exists(), (f"{PROXY} is missing: tests/run.sh installs it with "
                            "`npm install --prefix .hub-node configurable-http-proxy`")
    tag = secrets.token_hex(3)
    counselors = [f"iopk{tag}a", f"iopk{tag}b"]
    director, directors = f"iopk{tag}d", f"iopkdir{tag}"
    # Under /tmp, not pytest's own temporary folder: that one is closed to other users.
    base = Path(tempfile.mkdtemp(prefix="iopkit-hub-"))
    os.chmod(base, 0o755)
    made_users: list[str] = []
    opened: list[tuple[Path, int]] = []
    process = handle = None
    try:
        (base / "home").mkdir(mode=0o755)
        run("groupadd", directors)
        for user in [*counselors, director]:
            run("useradd", "--create-home", "--home-dir", str(base / "home" / user), "--shell", "/bin/sh",
                *(["--groups", directors] if user == director else []), user)
            made_users.append(user)

        # The clinic's program folder, as docs/deploy.md makes it: the director's group writes, counselors read.
        program = base / "program"
        made = subprocess.run([sys.executable, "-m", "iopkit.app.cli", "init", str(program)], capture_output=True,
                              text=True, env={k: v for k, v in os.environ.items() if k != "IOPKIT_CURRICULUM"})
        assert made.returncode == 0, made.stderr
        session = program / "curriculum" / "sessions" / "01-orientation.yaml"
        # The director's edit: the guide's title and the handout's own title.
        session.write_text(session.read_text().replace("and Staying Safe'", f"and {EDIT}'", 1)
                           .replace("title: Welcome, and Staying Safe", f"title: Welcome, and {EDIT}", 1))
        run("chgrp", "-R", directors, str(program))
        run("chmod", "-R", "g+rwX,o+rX,o-w", str(program))
        run("find", str(program), "-type", "d", "-exec", "chmod", "g+s", "{}", "+")

        # The counselors' Python (see the module docstring).
        venv = base / "venv"
        python, library = counselors_interpreter(base)
        run(python, "-m", "venv", "--without-pip", str(venv))
        purelib = run(str(venv / "bin" / "python"), "-c",
                      "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip()
        import iopkit

        borrowed = [Path(iopkit.__file__).resolve().parent.parent, Path(sysconfig.get_paths()["purelib"]),
                    Path(sys.prefix) / "share" / "jupyter", Path(sys.prefix) / "etc" / "jupyter"]
        # A checkout under a closed folder (root's home, say): let the counselors through, for this test only.
        open_the_way([p for p in borrowed if p.exists()], opened)
        Path(purelib, "iopkit-under-test.pth").write_text("".join(f"{p}\n" for p in borrowed[:2]))
        run("chmod", "-R", "a+rX", str(venv))

        state = base / "state"
        state.mkdir(mode=0o700)
        port, hub_port, api_port = free_port(), free_port(), free_port()
        share = Path(sys.prefix) / "share" / "jupyter"
        config = state / "test_jupyterhub_config.py"
        config.write_text(TEST_CONFIG.format(
            shipped=str(SHIPPED_CONFIG), users=set(counselors), hub_port=hub_port, api_port=api_port,
            proxy=str(PROXY), data=str(share), config=str(Path(sys.prefix) / "etc" / "jupyter"),
            lab=str(share / "lab")))
        password = secrets.token_urlsafe(18)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("IOPKIT_", "JUPYTER"))}
        if library:
            env["LD_LIBRARY_PATH"] = library  # LocalProcessSpawner passes it on to the counselors' servers
        env.update({"IOPKIT_PROGRAM": str(program), "IOPKIT_USER_PYTHON": str(venv / "bin" / "python"),
                    "IOPKIT_HUB_STATE": str(state), "IOPKIT_HUB_URL": f"http://127.0.0.1:{port}",
                    "IOPKIT_TEST_PASSWORD": password, "PYTHONPATH": ""})
        log = base / "hub.log"
        handle = open(log, "w")
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)], cwd=state, env=env,
                                   stdout=handle, stderr=subprocess.STDOUT, start_new_session=True)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the hub stopped while starting:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{url}/hub/api/", timeout=2):
                    break
            except (OSError, urllib.error.HTTPError):
                if time.monotonic() > deadline:
                    raise AssertionError(f"the hub did not answer:\n{log.read_text()[-4000:]}") from None
                time.sleep(0.3)
        yield Hub(url, password, counselors, director, program,
                  {u: base / "home" / u for u in made_users}, log)
    finally:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)  # the hub stops the counselors' servers and its proxy
            try:
                process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        if handle is not None:
            handle.close()
        for user in made_users:
            try:
                uid = pwd.getpwnam(user).pw_uid
            except KeyError:
                continue
            for pid in processes_of(uid):  # anything of theirs still running (the hub started it)
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            run("userdel", "--remove", user, check=False)
        run("groupdel", directors, check=False)
        shutil.rmtree(base, ignore_errors=True)
        for folder, mode in reversed(opened):
            os.chmod(folder, mode)


def fetch_anonymously(url: str) -> tuple[int, bytes]:
    """What someone who has not signed in gets (redirects followed, as a browser would)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(5)
    except urllib.error.HTTPError as error:
        return error.code, error.read(5)


def sign_in_and_build(page, hub: Hub, user: str) -> str:
    """Sign in as ``user``, land on the Workbench, start building session 1; return where they landed."""
    from iopkit.app.workbench import load_plan, session_label

    page.goto(f"{hub.url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", hub.password)
    page.click("#login_submit")
    # The hub starts the counselor's server and sends them to the Workbench.
    page.wait_for_selector(f"{WB} .wb-head h1", timeout=SLOW)
    landed = page.url
    shot(page, f"hub-01-workbench-{user[-1]}")
    assert "Workbench().show()" not in page.content()
    # The Workbench says which curriculum it builds from: the clinic's program folder.
    source = page.locator(f"{WB} .wb-source").first.inner_text()
    assert source == f"Using the curriculum in {hub.program / 'curriculum'} (program folder).", source

    plan = load_plan(hub.program / "cohorts" / "example.toml", hub.program / "curriculum")
    page.locator(f"{WB} .widget-dropdown select").nth(0).select_option(label="Program folder: cohorts/example.toml")
    page.locator(f"{WB} .widget-dropdown select").nth(1).select_option(label=session_label(plan.at(1)))
    page.locator(f"{WB} .wb-title", has_text=EDIT).wait_for()
    page.locator(f"{WB} .lm-TabBar-tab", has_text="Guide and handout").click()
    page.locator(f"{WB} button", has_text="Build guide and handout").click()
    return landed


def wait_for_build(page, hub: Hub, user: str, landed: str) -> dict:
    """Wait for the build the counselor started, then open its PDFs and the JupyterLab link."""
    links = page.locator(f"{WB} .wb-links a")
    page.locator(f"{WB} .wb-links a, {WB} .wb-message").first.wait_for(timeout=240_000)
    assert links.count(), page.locator(f"{WB} .wb-message").first.inner_text()
    shot(page, f"hub-02-built-{user[-1]}")
    hrefs = [a.get_attribute("href") for a in links.all()]
    pdfs = {href: page.request.get(hub.url + href) for href in hrefs}
    lab_href = page.locator(f"{WB} a.wb-lab-link").get_attribute("href")
    lab = page.request.get(hub.url + lab_href)
    return {"landed": landed, "hrefs": hrefs, "pdfs": {h: (r.status, r.body()) for h, r in pdfs.items()},
            "lab": (lab.status, lab.text())}


def test_two_counselors_sign_in_build_session_1_and_keep_to_their_own_files(browser, hub):
    from io import BytesIO

    from pypdf import PdfReader

    seen, pages, offline = {}, {}, Offline()
    try:
        # Both counselors at once, as in a clinic: the second signs in while the first one's build runs.
        landed = {}
        for user in hub.counselors:
            pages[user] = new_page(browser, offline)
            landed[user] = sign_in_and_build(pages[user], hub, user)
        for user in hub.counselors:
            seen[user] = wait_for_build(pages[user], hub, user, landed[user])
        # Both servers run now: each counselor asks for the other's handout through the hub, both ways
        # a page could link to it; and so does someone who has not signed in at all.
        for user, page in pages.items():
            other = next(u for u in hub.counselors if u != user)
            seen[user]["theirs"] = [
                (r.status, r.body()[:5]) for r in (page.request.get(f"{hub.url}/user/{other}/{way}/{HANDOUT}")
                                                   for way in ("files", "voila/files"))]
            seen[user]["anyone"] = [fetch_anonymously(f"{hub.url}/user/{user}/{way}/{HANDOUT}")
                                    for way in ("files", "voila/files")]
    except Exception:
        print(hub.log_tail())
        raise
    finally:
        for page in pages.values():
            page.context.close()
    assert offline.refused == [], f"pages asked for something off this computer: {offline.refused}"

    for user, got in seen.items():
        assert got["landed"].startswith(f"{hub.url}/user/{user}/voila/render/iopkit-home.ipynb"), got["landed"]
        assert got["hrefs"] == [f"/user/{user}/files/build/example/session-01/facilitator-guide.pdf",
                                f"/user/{user}/files/{HANDOUT}"]
        for href, (status, body) in got["pdfs"].items():
            assert status == 200 and body[:5] == b"%PDF-", href
            text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(BytesIO(body)).pages).split())
            assert EDIT in text, f"{href} does not show the program folder's session 1"
        status, page = got["lab"]
        assert status == 200 and "JupyterLab" in page  # JupyterLab, one click away
        # The hub refuses the other counselor; nobody gets a PDF without signing in as its owner.
        assert [status for status, _ in got["theirs"]] == [403, 403], got["theirs"]
        assert all(start != b"%PDF-" for _, start in got["theirs"] + got["anyone"]), got

    a, b = hub.counselors
    for me, other in ((a, b), (b, a)):
        home, records = hub.homes[other], hub.homes[other] / "iopkit-records"
        # The builds are in each counselor's own home, and the home and records folder are theirs alone.
        assert (home / "build" / "example" / "session-01" / "handout.pdf").is_file()
        for folder in (home, records):
            info = folder.stat()
            assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == pwd.getpwnam(other).pw_uid, folder
        for cmd in (["ls", str(home)], ["ls", str(records)],
                    ["cat", str(home / "build" / "example" / "session-01" / "handout.pdf")]):
            denied = as_user(me, *cmd)
            assert denied.returncode != 0 and "Permission denied" in denied.stderr, (me, cmd, denied)

        # The shared program folder: counselors read it, and cannot change it.
        session = hub.program / "curriculum" / "sessions" / "01-orientation.yaml"
        assert as_user(me, "cat", str(session)).returncode == 0
        for cmd in (["sh", "-c", f"echo changed >> {session}"], ["touch", str(hub.program / "cohorts" / "mine.toml")],
                    ["rm", "-f", str(hub.program / "cohorts" / "example.toml")]):
            refused = as_user(me, *cmd)
            assert refused.returncode != 0 and "Permission denied" in refused.stderr, (me, cmd, refused)
    assert EDIT in session.read_text() and "changed" not in session.read_text().splitlines()[-1]
    assert (hub.program / "cohorts" / "example.toml").is_file()
    # The clinical director's group can.
    assert as_user(hub.director, "touch", str(hub.program / "cohorts" / "evening-2027.toml")).returncode == 0

    # Idle servers are stopped by the culler the configuration starts with the hub.
    assert "Starting managed service jupyterhub-idle-culler-service" in hub.log.read_text()
