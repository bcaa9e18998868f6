"""Golden text: session 5 of the example cohort prints the same words as the reviewed copies in tests/golden/.

The example cohort (cohorts/example.toml) has fixed dates, so the facilitator guide and the handout of
session 5 (urge surfing) always print the same text, page headers and dates included. This test builds
that session into a temporary folder, extracts each PDF's text with pypdf, folds the whitespace (see
``normalize``) and compares it with ``tests/golden/session-05-*.txt``. A mismatch prints a unified diff:
what a counselor would now read differently.

When the wording changes on purpose (a session file, a template, the print CSS), regenerate the golden
files with one command, read the diff in git and commit it with the change:

    IOPKIT_REGENERATE_GOLDEN=1 .venv/bin/python -m pytest -q tests/test_golden.py

With that variable set, the test writes the golden files instead of comparing and says which it wrote.
"""
from __future__ import annotations

import difflib
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

GOLDEN = Path(__file__).resolve().parent / "golden"
REGENERATE = os.environ.get("IOPKIT_REGENERATE_GOLDEN") == "1"
SESSION = 5
#: golden file -> the PDF it is the text of, inside the build folder
DOCUMENTS = {
    "session-05-facilitator-guide.txt": "session-05/facilitator-guide.pdf",
    "session-05-handout.txt": "session-05/handout.pdf",
}


def normalize(pdf: Path) -> str:
    """The text a reader sees, page by page: each page under a ``=== page N ===`` line, runs of spaces
    folded to one, lines stripped, blank lines dropped (pypdf's spacing carries no meaning)."""
    from pypdf import PdfReader

    out = []
    for number, page in enumerate(PdfReader(str(pdf)).pages, start=1):
        out.append(f"=== page {number} ===")
        for line in (page.extract_text() or "").splitlines():
            line = re.sub(r"\s+", " ", line).strip()
            if line:
                out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("golden")
    for name in ("example.toml", "riverbend-logo.png"):
        shutil.copy(ROOT / "cohorts" / name, work / name)
    out = work / "out"
    result = run_cli("build", "example.toml", "--sessions", str(SESSION), "--out", str(out), "--quiet", cwd=work)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize("golden_name", sorted(DOCUMENTS))
def test_session_5_prints_the_reviewed_text(built, golden_name):
    """The guide and the handout say, page by page, what the reviewed golden copy says."""
    actual = normalize(built / DOCUMENTS[golden_name])
    golden = GOLDEN / golden_name
    if REGENERATE:
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
        print(f"wrote {golden.relative_to(ROOT)}")
        return
    assert golden.is_file(), (f"{golden.relative_to(ROOT)} is missing; make it with "
                              "IOPKIT_REGENERATE_GOLDEN=1 python -m pytest -q tests/test_golden.py")
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True), actual.splitlines(keepends=True),
                                            fromfile=f"{golden.relative_to(ROOT)} (reviewed)",
                                            tofile=f"{DOCUMENTS[golden_name]} (built now)"))
        pytest.fail(f"{DOCUMENTS[golden_name]} no longer prints the reviewed text. If the change is intended, "
                    "regenerate with IOPKIT_REGENERATE_GOLDEN=1 python -m pytest -q tests/test_golden.py and "
                    f"commit the new golden file with it.\n{diff}", pytrace=False)


def test_normalize_folds_whitespace_and_marks_pages(tmp_path):
    """The normal form keeps words and page breaks and nothing else: a golden diff shows only real changes."""
    from iopkit.pdf import html_to_pdf

    pdf = tmp_path / "two-pages.pdf"
    pdf.write_bytes(html_to_pdf("<p>Ride   the\n wave.</p><p style='break-before: page'>Breathe.</p>"))
    assert normalize(pdf) == "=== page 1 ===\nRide the wave.\n=== page 2 ===\nBreathe.\n"
