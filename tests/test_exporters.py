"""The nbconvert exporters: registered, listed by the Jupyter server, and giving the right view."""
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
