"""The nbconvert exporters: registered, listed by the Jupyter server, giving the right view, and configured
like nbconvert's own (traitlets config, preprocessors registered by name, class or instance)."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from importlib.metadata import entry_points

import nbformat
import papermill
import pytest
from conftest import ROOT
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from iopkit.errors import SessionBuildError

NAMES = {"facilitator_pdf", "facilitator_html", "participant_pdf", "participant_html"}


def test_exporters_are_registered_under_nbconvert_entry_point():
    found = {ep.name: ep for ep in entry_points(group="nbconvert.exporters") if ep.name in NAMES}
    assert set(found) == NAMES
    from nbconvert.exporters import get_exporter

    for name in NAMES:
        assert get_exporter(name)().file_extension in (".pdf", ".html")


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    out = tmp_path_factory.mktemp("nb") / "session.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks" / "session.ipynb"), str(out),
                               parameters={"cohort_file": str(ROOT / "cohorts" / "example.toml"), "position": 1,
                                           "curriculum_dir": ""}, progress_bar=False)
    return nbformat.read(out, as_version=4)


def test_participant_html_has_only_participant_cells(executed):
    from iopkit.notebook.exporters import ParticipantHTMLExporter

    html, _ = ParticipantHTMLExporter().from_notebook_node(executed)
    assert 'class="iopkit-doc handout' in html and "If you need help now" in html
    assert "guide cover" not in html and "Fidelity checklist" not in html
    assert "<script" not in html and "SessionView" not in html
    assert '<html lang="en-US">' in html and "<title>Session 1 of 36" in html
    # The handout is named by its own first page, not by the guide's cover (the metadata is
    # collected after the view's cells are chosen).
    assert "<title>Session 1 of 36: Welcome" in html and html.count("<title>") == 1


def test_facilitator_pdf_from_the_exporter_ends_with_the_handout(executed):
    from iopkit.notebook.exporters import FacilitatorPDFExporter, ParticipantPDFExporter

    guide, resources = FacilitatorPDFExporter().from_notebook_node(executed)
    handout, _ = ParticipantPDFExporter().from_notebook_node(executed)
    assert guide[:5] == b"%PDF-" and resources["output_extension"] == ".pdf"
    from io import BytesIO

    from pypdf import PdfReader

    g, h = PdfReader(BytesIO(guide)), PdfReader(BytesIO(handout))
    assert len(g.pages) > len(h.pages)
    assert g.pages[-1].extract_text() == h.pages[-1].extract_text()


def test_a_notebook_with_an_error_is_not_exported(executed):
    from iopkit.notebook.exporters import ParticipantPDFExporter

    broken = nbformat.from_dict(json.loads(json.dumps(executed)))
    broken.cells[-1].outputs = [nbformat.v4.new_output("error", ename="ValueError", evalue="bad cohort", traceback=[])]
    with pytest.raises(SessionBuildError, match="stopped with an error"):
        ParticipantPDFExporter().from_notebook_node(broken)


def test_an_error_in_a_cell_never_printed_still_stops_the_export(executed):
    """The setup cell is in no view, yet an error there means the session did not build: errors are
    refused before the view's cells are chosen."""
    from iopkit.notebook.exporters import ParticipantHTMLExporter

    broken = copy_of(executed)
    setup = next(c for c in broken.cells if "setup" in c.metadata.get("tags", []))
    setup.outputs = [nbformat.v4.new_output("error", ename="CohortError", evalue="cohort.toml: no such file",
                                            traceback=[])]
    with pytest.raises(SessionBuildError, match=r"cell \d+ stopped with an error \(CohortError: cohort.toml"):
        ParticipantHTMLExporter().from_notebook_node(broken)


def test_the_preprocessors_run_in_the_documented_order():
    """nbconvert's own defaults first (so --execute runs before anything reads the outputs), then ours."""
    from iopkit.notebook.exporters import IOPKIT_PREPROCESSORS, ParticipantHTMLExporter

    names = [type(p).__name__ for p in ParticipantHTMLExporter()._preprocessors]
    assert names.index("ExecutePreprocessor") < names.index("RefuseErrorsPreprocessor")
    assert names[-len(IOPKIT_PREPROCESSORS):] == ["RefuseErrorsPreprocessor", "KeepTaggedCellsPreprocessor",
                                                 "CollectMetadataPreprocessor", "PrintableOutputsPreprocessor"]


def copy_of(nb):
    return nbformat.from_dict(json.loads(json.dumps(nb)))


def tagged(nb, source: str, tag: str):
    """``nb`` with one more tag on the cell whose source is ``source``."""
    nb = copy_of(nb)
    cell = next(c for c in nb.cells if c.source.strip() == source)
    cell.metadata["tags"] = [*cell.metadata.get("tags", []), tag]
    return nb


def pdf_text(data: bytes) -> str:
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(BytesIO(data)).pages)


# ------------------------------------------------------------ extension points, as nbconvert tests its own


class DraftStamp(Preprocessor):
    """A toy preprocessor a program might add: a line on the first printed cell."""

    def preprocess(self, nb, resources):
        stamp = nbformat.v4.new_output("display_data", data={"text/html": '<p class="draft">Draft copy: not for '
                                                                          "handing out</p>"})
        nb.cells[0].outputs.insert(0, stamp)
        return nb, resources


def stamp_by_name():
    return {"config": Config({"ParticipantHTMLExporter": {"preprocessors": ["test_exporters.DraftStamp"]}})}


def stamp_by_instance():
    return {"config": Config({"ParticipantHTMLExporter": {"preprocessors": [DraftStamp()]}})}


@pytest.mark.parametrize("how", ["name", "class", "instance"])
def test_a_preprocessor_registered_by_name_class_or_instance_takes_effect(executed, how):
    from iopkit.notebook.exporters import ParticipantHTMLExporter

    if how == "class":
        exporter = ParticipantHTMLExporter()
        exporter.register_preprocessor(DraftStamp, enabled=True)
    else:
        exporter = ParticipantHTMLExporter(**(stamp_by_name() if how == "name" else stamp_by_instance()))
    html, _ = exporter.from_notebook_node(executed)
    assert '<p class="draft">Draft copy: not for handing out</p>' in html
    assert "Draft copy" not in ParticipantHTMLExporter().from_notebook_node(executed)[0]


def test_keep_tags_is_a_configurable_trait(executed):
    """The view's tags are the KeepTaggedCellsPreprocessor's keep_tags, set like any nbconvert trait."""
    from iopkit.notebook.exporters import ParticipantHTMLExporter

    config = Config()
    config.ParticipantHTMLExporter.KeepTaggedCellsPreprocessor.keep_tags = {"participant", "facilitator"}
    html, _ = ParticipantHTMLExporter(config=config).from_notebook_node(executed)
    assert "Fidelity checklist" in html and "If you need help now" in html


# ------------------------------------------------------------ the facilitator PDF honours its own config


def test_facilitator_pdf_honours_its_own_config_section(executed):
    """c.FacilitatorPDFExporter reaches the pages the PDF lays out: a cell tag left off, a preprocessor added."""
    from iopkit.notebook.exporters import FacilitatorPDFExporter

    nb = tagged(executed, "view.fidelity()", "supervisor-only")
    config = Config()
    config.FacilitatorPDFExporter.TagRemovePreprocessor.remove_cell_tags = {"supervisor-only"}
    config.FacilitatorPDFExporter.preprocessors = ["test_exporters.DraftStamp"]
    text = pdf_text(FacilitatorPDFExporter(config=config).from_notebook_node(nb)[0])
    assert "Fidelity checklist" not in text
    assert text.count("Draft copy: not for handing out") == 2  # the guide's first page and the handout's
    plain = pdf_text(FacilitatorPDFExporter().from_notebook_node(nb)[0])
    assert "Fidelity checklist" in plain and "Draft copy" not in plain


def test_facilitator_pdf_honours_a_config_given_to_it_and_nested_sections(executed):
    """A config for any class reaches the PDF's pages, and a section nested under the PDF exporter reaches
    one kind of page alone: here the room's slides join the guide's own pages, not the handout."""
    from iopkit.notebook.exporters import FacilitatorPDFExporter, ParticipantPDFExporter

    nb = tagged(executed, "view.fidelity()", "supervisor-only")
    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {"supervisor-only"}
    config.FacilitatorPDFExporter.GuidePagesHTMLExporter.KeepTaggedCellsPreprocessor.keep_tags = {"facilitator",
                                                                                                   "room"}
    guide = FacilitatorPDFExporter(config=config).from_notebook_node(nb)[0]
    handout = ParticipantPDFExporter().from_notebook_node(nb)[0]
    text = pdf_text(guide)
    assert "Fidelity checklist" not in text and "Let's talk" in text
    assert pdf_text(handout) in text  # the handout at the end, as participants get it


def test_build_reuses_exporters_but_never_a_differently_configured_one(executed):
    """iopkit build keeps one exporter per configuration: the same config (even as another object) gets
    the same instance, another config or none never does, and the config reaches the laid-out pages."""
    from iopkit.notebook.exporters import FacilitatorPDFExporter, _exporter, render_views

    def remove(tag):
        config = Config()
        config.FacilitatorPDFExporter.TagRemovePreprocessor.remove_cell_tags = {tag}
        return config

    plain = _exporter(FacilitatorPDFExporter)
    assert _exporter(FacilitatorPDFExporter) is plain
    assert _exporter(FacilitatorPDFExporter, remove("x")) is _exporter(FacilitatorPDFExporter, remove("x"))
    assert _exporter(FacilitatorPDFExporter, remove("x")) is not plain
    assert _exporter(FacilitatorPDFExporter, remove("x")) is not _exporter(FacilitatorPDFExporter, remove("y"))
    by_instance = [Config({"FacilitatorPDFExporter": {"preprocessors": [DraftStamp()]}}) for _ in range(2)]
    assert _exporter(FacilitatorPDFExporter, by_instance[0]) is not _exporter(FacilitatorPDFExporter, by_instance[1])

    nb = tagged(executed, "view.fidelity()", "supervisor-only")
    guide, handout, _ = render_views(nb, {"metadata": {"name": "session-01"}}, config=remove("supervisor-only"))
    from iopkit.pdf import write

    assert "Fidelity checklist" not in pdf_text(write(guide))
    guide, _, _ = render_views(nb, {"metadata": {"name": "session-01"}})
    assert "Fidelity checklist" in pdf_text(write(guide))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_jupyter_server_lists_the_exporters(tmp_path):
    """What JupyterLab's File > Save and Export Notebook As menu is built from."""
    port, token = free_port(), "iopkit-test"
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter_server", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/nbconvert?token={token}", timeout=2) as r:
                    formats = json.load(r)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)
        assert NAMES <= set(formats)
    finally:
        server.terminate()
        server.wait(timeout=30)
