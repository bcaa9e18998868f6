"""The dependencies pyproject.toml declares are the ones the code imports (issue 11).

A module imported but not declared works only by luck (another package pulled it in); a
package declared but never imported is install size for nothing, unless it is needed at run
time without an import, which RUNTIME_ONLY lists with the reason.
"""
from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import iopkit

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(iopkit.__file__).parent

#: Declared, needed, never imported by iopkit's code.
RUNTIME_ONLY = {
    "jupyterlab": "iopkit lab starts it as a program",
    "voila": "iopkit app starts it as a program",
    "ipykernel": "the kernel papermill and the Workbench run",
    "nbclient": "papermill's client; declared for its upper bound (the warm engine relies on its internals)",
    "tzdata": "time zone data for zoneinfo where the system has none",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def declared() -> set[str]:
    return {_name(d) for d in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]}


def imported_modules() -> set[str]:
    found = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(a.name.split(".")[0] for a in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "iopkit"}


def test_every_imported_package_is_declared():
    distributions = packages_distributions()
    missing = {}
    for module in sorted(imported_modules()):
        names = {d.lower().replace("_", "-") for d in distributions.get(module, [])}
        if not names & declared():
            missing[module] = sorted(names) or "not installed"
    assert not missing, f"imported but not in pyproject.toml's dependencies: {missing}"


def test_every_declared_package_is_imported_or_needed_at_run_time():
    distributions = packages_distributions()
    used = {d.lower().replace("_", "-") for m in imported_modules() for d in distributions.get(m, [])}
    unused = sorted(declared() - used - set(RUNTIME_ONLY))
    assert not unused, f"declared in pyproject.toml but never imported: {unused}"
    assert not set(RUNTIME_ONLY) - declared(), "RUNTIME_ONLY names a package that is no longer declared"


def test_the_test_tools_stay_out_of_the_install():
    """pytest, pypdf, playwright, ruff and mypy are for the tests (the [test] extra), never imported by iopkit."""
    assert not {"pytest", "pypdf", "playwright", "ruff", "mypy", "hypothesis"} & imported_modules()
