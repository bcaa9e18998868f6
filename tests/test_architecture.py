"""The package's shape: imports run one way, from the files' content to what people touch.

The graph is read from the source (every import, including those inside functions; imports
under ``if TYPE_CHECKING:`` never run and are left out), so a cycle hidden in a function
fails here as surely as one at the top of a module.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import iopkit

PACKAGE = Path(iopkit.__file__).parent

#: The subpackages, each allowed to import only those before it (and the root modules).
LAYERS = ("exercises", "content", "planning", "measures", "render", "notebook", "pipeline", "records", "app")
#: Modules at the root: the error tree, where things are, file writing, limits and the other
#: foundations every layer uses. They import only each other.
FOUNDATION = {"errors", "paths", "io", "markup", "theme", "fsguard", "limits", "interrupts", "reach", "pdf",
              "_version"}
#: Old names kept for notebooks written before the layout (each is an alias of its new module).
#: (And ``python -m iopkit.hub``, which a JupyterHub configured before the move runs for each counselor.)
ALIASES = {"views": "render.views", "workbench": "app.workbench", "dashboard_screen": "app.dashboard_screen",
           "hub": "app.hub"}
#: The one reach below its layer: an exercise reads the session models (pure data) to check a
#: program file when nobody passed it a curriculum (iopkit.exercises.context).
EXCEPTIONS = {("exercises", "content.schema")}


def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The iopkit modules ``name`` imports (names relative to the package; "" is the package)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    out = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        else:
            assert node.level == 0, f"{path}: relative import; write iopkit.… (the layout test reads absolute names)"
            targets = [f"{node.module}.{a.name}" for a in node.names] + [node.module or ""]
        for target in targets:
            if target != "iopkit" and not target.startswith("iopkit."):
                continue
            rel = target[len("iopkit."):] if target != "iopkit" else ""
            while rel and rel not in known:
                rel = rel.rpartition(".")[0]
            if rel in known and rel != name:
                out.add(rel)
    # "from iopkit.x import y" names both x and x.y; when y is a module, only y is imported from.
    return {m for m in out if not any(o.startswith(m + ".") for o in out) or m == ""} - {""}


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path, known) for name, path in known.items()}


def layer(name: str) -> str:
    top = name.split(".")[0]
    return top if top in LAYERS else "foundation"


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle in ``graph`` (its modules in order), or [] when there is none."""
    from graphlib import CycleError, TopologicalSorter

    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        return list(exc.args[1])
    return []


def test_no_module_imports_itself_through_others(graph):
    """No import cycle: a module never depends, through any chain, on itself."""
    cycle = find_cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_layers_import_only_the_layers_before_them(graph):
    """content -> planning -> measures -> render -> notebook -> pipeline -> records -> app, one way."""
    wrong = []
    for name, targets in graph.items():
        if name in ALIASES or name in ("", "__main__"):  # the package's API and `python -m iopkit`
            continue
        for target in targets:
            if target in ALIASES:
                wrong.append(f"{name} imports the old name iopkit.{target} (use iopkit.{ALIASES[target]})")
                continue
            mine, theirs = layer(name), layer(target)
            if theirs == "foundation" or mine == theirs:
                continue
            if (mine, target) in EXCEPTIONS:
                continue
            if mine == "foundation" or LAYERS.index(theirs) > LAYERS.index(mine):
                wrong.append(f"{name} ({mine}) imports {target} ({theirs})")
    assert not wrong, "\n".join(wrong)


def test_every_root_module_is_a_declared_foundation_or_alias(graph):
    """A new module at the package's root must say what it is: a foundation under every layer, or an old name."""
    root = {name for name in graph if name and "." not in name and name not in LAYERS}
    assert root - FOUNDATION - set(ALIASES) - {"__main__"} == set()


def test_the_old_names_still_work_for_notebooks_written_before():
    """A counselor's copy of session.ipynb or home.ipynb imports iopkit.views or iopkit.workbench."""
    import importlib

    for old, new in ALIASES.items():
        assert importlib.import_module(f"iopkit.{old}") is importlib.import_module(f"iopkit.{new}")


def test_the_test_sees_a_cycle(tmp_path):
    """The graph finds an import hidden in a function, so the cycle check fires on a real cycle."""
    pkg = tmp_path / "iopkit"
    pkg.mkdir()
    (pkg / "a.py").write_text("def f():\n    from iopkit.b import g\n")
    (pkg / "b.py").write_text("from iopkit import a\n")
    known = {"a": pkg / "a.py", "b": pkg / "b.py"}
    assert imports("a", pkg / "a.py", known) == {"b"}
    assert imports("b", pkg / "b.py", known) == {"a"}
    assert set(find_cycle({"a": {"b"}, "b": {"a"}})) == {"a", "b"}
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_a_hub_configured_before_the_move_still_starts_servers():
    """`python -m iopkit.hub singleuser` (the spawner command in older hub configurations) still runs."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "iopkit.hub", "--help"], capture_output=True, text=True, timeout=60)
    new = subprocess.run([sys.executable, "-m", "iopkit.app.hub", "--help"], capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stdout) == (new.returncode, new.stdout)
