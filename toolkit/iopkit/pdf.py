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
    return font_faces() + "\n" + css_path.read_text(encoding="utf-8")


def allowed_roots() -> tuple[Path, ...]:
    """The only folders a document may load files from: the print templates and the pinned fonts.

    Everything else a page shows (logos, images) is inlined as ``data:`` by the views, so a
    ``file:`` URL anywhere else (a Markdown image with an absolute path, an SVG ``<image>``)
    is refused here, whoever wrote it.
    """
    import matplotlib

    return (paths.handouts_dir().resolve(), (Path(matplotlib.get_data_path()) / "fonts" / "ttf").resolve())


def local_file_allowed(url: str) -> bool:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return False
    try:
        target = Path(unquote(parts.path)).resolve()
    except (OSError, RuntimeError):
        return False
    return any(target.is_relative_to(root) for root in allowed_roots())


@cache
def _fetcher():
    import weasyprint

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)

    class LocalFetcher(weasyprint.URLFetcher):
        """WeasyPrint's fetcher, limited to ``data:`` and files under ``allowed_roots``."""

        def fetch(self, url, headers=None):
            if url.lower().startswith("file:") and not local_file_allowed(url):
                raise ValueError("iopkit prints only its own templates and fonts and inlined images")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=ALLOWED_PROTOCOLS, timeout=5)


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
