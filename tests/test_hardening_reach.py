"""Family 5 of issue 13: nothing is read or fetched beyond what a counselor gave.

Images come only from the curriculum's and the cohort's own folders, never by absolute path
or URL; an SVG logo may not refer to other files; the PDF renderer loads no file outside its
templates and fonts whoever asks; a saved notebook makes no browser fetch a remote image;
messages never repeat a file's content beyond the field at fault.
"""
from __future__ import annotations

import io
import shutil

import pytest
from conftest import FIXTURES

from iopkit import markup, pdf
from iopkit.content.curriculum import load_curriculum, validate_files
from iopkit.errors import ValidationError
from iopkit.planning.cohort import load_cohort
from iopkit.render import views

HERE = FIXTURES / "reach"
EXPECTED_IMAGE = ("expected an image saved in the curriculum's folder (for a session) or the cohort's folder "
                  "(for a custom session or a logo), written as a relative path like images/chart.png")


@pytest.fixture(scope="module")
def curriculum():
    return load_curriculum()


@pytest.mark.parametrize("fixture, got", [
    ("image-absolute-path", 'got an image by absolute path ("/etc/hostname")'),
    ("image-url", 'got an image from the internet or another place (a URL) ("https://example.org/track.png")'),
    ("image-outside-folder", "got an image that is not in the curriculum's or the cohort's folder"),
])
def test_a_session_image_from_elsewhere_is_refused(fixture, got, tmp_path):
    """A Markdown image by absolute path, by URL or climbing out of the folder: named, with where images go."""
    target = tmp_path / "13-high-risk-situations.yaml"
    shutil.copy(HERE / f"{fixture}.yaml", target)
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 1
    assert f":476: handout, explanation: {got}" in lines[0] and EXPECTED_IMAGE in lines[0]


@pytest.mark.parametrize("fixture, got", [
    ("logo-svg-image", "got an SVG that refers to other files or pages (an <image>, a link, a script or an entity)"),
    ("logo-absolute-path", 'got an image by absolute path ("/etc/hostname")'),
    ("logo-url", "got an image from the internet or another place (a URL)"),
    ("logo-outside-folder", 'got "../valid/../../../conftest.py", expected an image file next to the cohort file'),
])
def test_a_logo_from_elsewhere_is_refused(fixture, got, curriculum):
    """The logo is a plain image beside the cohort file: no SVG with references, no absolute path, no URL."""
    with pytest.raises(ValidationError) as caught:
        load_cohort(HERE / f"{fixture}.toml", curriculum=curriculum)
    lines = [str(p) for p in caught.value.problems]
    assert len(lines) == 1
    assert f"{fixture}.toml:8: program, logo: {got}" in lines[0]


def test_the_pdf_renderer_loads_no_file_outside_its_templates(tmp_path):
    """Even HTML that asks for a local file by file: URL gets no image: the fetcher refuses it."""
    from PIL import Image
    from pypdf import PdfReader

    picture = tmp_path / "private.png"
    Image.new("RGB", (40, 40), "red").save(picture)
    html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>t</title></head>'
            f'<body><p>Before</p><img src="{picture.as_uri()}" alt="x"></body></html>')
    assert not pdf.local_file_allowed(picture.as_uri())
    reader = PdfReader(io.BytesIO(pdf.html_to_pdf(html)))
    assert list(reader.pages[0].images) == []
    # The same image inlined (as the views do for allowed images) is printed.
    from iopkit.reach import data_uri

    inlined = html.replace(picture.as_uri(), data_uri(picture))
    assert len(list(PdfReader(io.BytesIO(pdf.html_to_pdf(inlined))).pages[0].images)) == 1


def test_the_fonts_and_templates_stay_allowed():
    """The fetcher still allows what a document needs: the print templates' folder and the pinned fonts."""
    from iopkit import paths

    assert pdf.local_file_allowed((paths.handouts_dir() / "print.css").resolve().as_uri())
    assert "DejaVuSans.ttf" in pdf.font_faces()


def test_markdown_images_are_inlined_or_left_out(tmp_path, monkeypatch):
    """A saved notebook carries no remote or file URL: allowed images are inlined, others become their alt text."""
    from PIL import Image

    (tmp_path / "images").mkdir()
    Image.new("RGB", (4, 4), "blue").save(tmp_path / "images" / "chart.png")
    monkeypatch.setattr(markup, "IMAGE_ROOTS", (tmp_path,))
    out = views.md("![A chart](images/chart.png) ![Tracker](https://example.org/t.png) ![Secret](/etc/hostname)")
    assert 'src="data:image/png;base64,' in out
    assert "example.org" not in out and "/etc/hostname" not in out
    assert "[Tracker]" in out and "[Secret]" in out


def test_messages_do_not_repeat_the_file_beyond_the_field(curriculum):
    """A cohort with a private note in a comment and one wrong field: the message names only that field."""
    with pytest.raises(ValidationError) as caught:
        load_cohort(HERE / "secret-in-a-comment.toml", curriculum=curriculum)
    message = str(caught.value)
    assert 'cohort, group_size: got "ten", expected a whole number' in message
    assert "SECRET" not in message and "4471" not in message


def test_a_yaml_error_does_not_repeat_the_file(tmp_path):
    """A syntax error names the line and the kind of mistake, not the text around it."""
    target = tmp_path / "13-high-risk-situations.yaml"
    target.write_text("title: My session\nsummary: a private note about a person: \"unfinished\n")
    with pytest.raises(ValidationError) as caught:
        validate_files([target])
    assert "private note" not in str(caught.value)
