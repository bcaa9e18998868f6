"""HTML to PDF with WeasyPrint: US Letter, pinned fonts, no network, tagged (PDF/UA)."""
from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from . import paths

#: The only URL schemes a document may load: its own files and inlined data. Nothing remote.
ALLOWED_PROTOCOLS = {"file", "data"}


#: The pinned print font, shipped with iopkit (DejaVu Sans; licence in handouts/fonts/LICENSE),
#: so every machine lays out the same pages whatever fonts it has installed.
FONT_FILES = (("normal", "normal", "DejaVuSans.ttf"), ("bold", "normal", "DejaVuSans-Bold.ttf"),
              ("normal", "italic", "DejaVuSans-Oblique.ttf"), ("bold", "italic", "DejaVuSans-BoldOblique.ttf"))


@cache
def font_faces() -> str:
    """@font-face rules for the shipped DejaVu Sans."""
    folder = paths.handouts_dir() / "fonts"
    faces = []
    for weight, style, name in FONT_FILES:
        faces.append(f'@font-face {{ font-family: "iopkit Sans"; src: url("{(folder / name).as_uri()}"); '
                     f"font-weight: {weight}; font-style: {style}; }}")
    return "\n".join(faces)


@cache
def print_css() -> str:
    css_path = paths.handouts_dir() / "print.css"
    if not css_path.is_file():
        from .errors import TemplateMissingError

        raise TemplateMissingError(f"The print stylesheet is missing: {css_path}. Reinstall iopkit.")
    extra = paths.handouts_dir() / "large-print.css"  # Spanish page footers and the large-print edition
    return (font_faces() + "\n" + css_path.read_text(encoding="utf-8")
            + ("\n" + extra.read_text(encoding="utf-8") if extra.is_file() else ""))


@cache
def _fetcher():
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return weasyprint.URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, timeout=5)


@cache
def _font_config():
    """One font configuration per process: loading the @font-face fonts again for every
    document costs about a quarter of a long guide's layout time."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render(html: str):
    """Lay out a print-ready HTML document into pages (a WeasyPrint Document)."""
    import weasyprint

    return weasyprint.HTML(string=html, base_url=paths.handouts_dir().as_uri() + "/",
                           url_fetcher=_fetcher()).render(font_config=_font_config())


def write(*documents) -> bytes:
    """One tagged PDF (PDF/UA) of the pages of ``documents``, in order; metadata from the first."""
    first = documents[0]
    if len(documents) > 1:
        first = first.copy([page for document in documents for page in document.pages])
    return first.write_pdf(pdf_variant="pdf/ua-1")


def html_to_pdf(html: str) -> bytes:
    """Render a print-ready HTML document to PDF bytes."""
    return write(render(html))
