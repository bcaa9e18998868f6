"""Shared test set-up: an isolated home folder, and helpers to run the CLI as a counselor would."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# jsonschema builds a grammar at import when this optional module is present (about 2 s a process).
sys.modules.setdefault("rfc3987_syntax", None)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory):
    """Kernels, Jupyter and caches write to a throwaway home, never the developer's."""
    home = tmp_path_factory.mktemp("home")
    patch = pytest.MonkeyPatch()
    patch.setenv("HOME", str(home))
    patch.setenv("IPYTHONDIR", str(home / ".ipython"))
    patch.setenv("JUPYTER_CONFIG_DIR", str(home / ".jupyter"))
    patch.setenv("JUPYTER_RUNTIME_DIR", str(home / ".jupyter-runtime"))
    patch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    # The suite checks the shipped curriculum, or another one named by IOPKIT_TEST_CURRICULUM
    # (a program that keeps its own copy of the curriculum can run every check on it).
    if os.environ.get("IOPKIT_TEST_CURRICULUM"):
        patch.setenv("IOPKIT_CURRICULUM", os.environ["IOPKIT_TEST_CURRICULUM"])
    else:
        patch.delenv("IOPKIT_CURRICULUM", raising=False)
    yield home
    patch.undo()


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``iopkit`` in a fresh process, as a counselor would from a terminal."""
    return subprocess.run([sys.executable, "-m", "iopkit.app.cli", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


@pytest.fixture
def curriculum_copy(tmp_path) -> Path:
    """A writable copy of the shipped curriculum, for tests that break or change it."""
    from iopkit import paths

    dest = tmp_path / "curriculum"
    shutil.copytree(paths.curriculum_dir(), dest)
    return dest


@pytest.fixture
def example_cohort(tmp_path) -> Path:
    """A copy of the example cohort (with its logo) in a temporary folder."""
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, tmp_path / name)
    return tmp_path / "example.toml"


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


class FakeClock:
    """A clock the test moves by hand, for the timers (nothing waits in real time)."""

    def __init__(self):
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds
