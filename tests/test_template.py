"""The notebook template's interface: its parameters cell and its cell tags."""
from __future__ import annotations

import json

import papermill
from conftest import ROOT

from iopkit.notebook.exporters import FACILITATOR_TAGS, PARTICIPANT_TAGS
from iopkit.pipeline.build import notebook_parameters

TEMPLATE = ROOT / "notebooks" / "session.ipynb"
#: The documented tag contract (notebooks/README.md).
TAGS = {"parameters", "setup", "facilitator", "participant", "room", "workbench", "interactive"}


def test_builder_passes_exactly_the_template_parameters():
    """papermill warns about unknown names and silently keeps defaults for missing ones: neither may happen."""
    declared = {p["name"]: p for p in papermill.inspect_notebook(str(TEMPLATE)).values()}
    passed = notebook_parameters(ROOT / "cohorts" / "example.toml", 3, None)
    assert set(declared) == set(passed)
    for name, value in passed.items():
        assert declared[name]["inferred_type_name"] == type(value).__name__
        assert declared[name]["help"], f"parameter {name} has no comment explaining it"


def test_template_has_one_parameters_cell_and_every_cell_is_tagged():
    nb = json.loads(TEMPLATE.read_text())
    tags = [set(c["metadata"].get("tags", [])) for c in nb["cells"]]
    assert sum("parameters" in t for t in tags) == 1
    for cell, cell_tags in zip(nb["cells"], tags):
        assert len(cell_tags & TAGS) == 1, f"cell {cell['id']} must carry exactly one documented tag"
    assert any(t & set(PARTICIPANT_TAGS) for t in tags)
    assert any(t & (set(FACILITATOR_TAGS) - set(PARTICIPANT_TAGS)) for t in tags)


def test_template_is_committed_without_outputs():
    nb = json.loads(TEMPLATE.read_text())
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
    assert "papermill" not in nb["metadata"]


def test_tag_contract_is_documented():
    readme = (ROOT / "notebooks" / "README.md").read_text()
    for tag in TAGS:
        assert f"`{tag}`" in readme
