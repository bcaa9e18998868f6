"""HTML to PDF with WeasyPrint: US Letter, pinned fonts, no network, tagged (PDF/UA)."""
from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path

from iopkit import paths

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
        from iopkit.errors import TemplateMissingError

        raise TemplateMissingError(f"The print stylesheet is missing: {css_path}. Reinstall iopkit.")
    extra = paths.handouts_dir() / "large-print.css"  # Spanish page footers and the large-print edition
    return (font_faces() + "\n" + css_path.read_text(encoding="utf-8")
            + ("\n" + extra.read_text(encoding="utf-8") if extra.is_file() else ""))


def allowed_roots() -> tuple[Path, ...]:
    """The only folders a document may load files from: the print templates and the pinned fonts.

    Everything else a page shows (logos, images) is inlined as ``data:`` by the views, so a
    ``file:`` URL anywhere else (a Markdown image with an absolute path, an SVG ``<image>``)
    is refused here, whoever wrote it.
    """
    return (paths.handouts_dir().resolve(),)  # the pinned fonts ship in handouts/fonts/


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


_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_SVG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_ALT = re.compile(r"""\balt\s*=\s*("[^"]*\S[^"]*"|'[^']*\S[^']*')""", re.IGNORECASE)
_HIDDEN = re.compile(r"""aria-hidden\s*=\s*["']true["']|role\s*=\s*["'](presentation|none)["']""", re.IGNORECASE)
_LABEL = re.compile(r"""aria-label(ledby)?\s*=\s*["'][^"']*\S""", re.IGNORECASE)
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def check_alt_text(html: str) -> None:
    """Every picture has alt text and every chart a label, or the document is not printed (WCAG 1.1.1).

    A picture marked as decoration (aria-hidden="true", role="presentation") needs none.
    """
    missing = [tag for tag in _IMG.findall(html) if not _ALT.search(tag) and not _HIDDEN.search(tag)]
    missing += [tag for tag in _SVG.findall(html) if not _LABEL.search(tag) and not _HIDDEN.search(tag)]
    if missing:
        from iopkit.errors import MissingAltTextError

        title = _TITLE.search(html)
        where = title.group(1).strip() if title else "a document"
        shown = [re.sub(r'src="data:[^"]{40,}"', 'src="data:..."', tag)[:120] for tag in missing[:3]]
        raise MissingAltTextError(
            f"{where}: {len(missing)} picture{'s' if len(missing) != 1 else ''} or chart{'s' if len(missing) != 1 else ''} "
            f"without a text alternative ({'; '.join(shown)}). A screen reader cannot say what it shows: give it "
            "alt text (a picture) or an aria-label (a chart). If it comes from iopkit's own templates, please report it.")


def render(html: str):
    """Lay out a print-ready HTML document into pages (a WeasyPrint Document)."""
    import weasyprint

    check_alt_text(html)

    return weasyprint.HTML(string=html, base_url=paths.handouts_dir().as_uri() + "/",
                           url_fetcher=_fetcher()).render(font_config=_font_config())


def write(*documents) -> bytes:
    """One tagged PDF (PDF/UA) of the pages of ``documents``, in order; metadata from the first."""
    first = documents[0]
    if len(documents) > 1:
        first = first.copy([page for document in documents for page in document.pages])
    return mark_header_scope(first.write_pdf(pdf_variant="pdf/ua-1"))


def mark_header_scope(data: bytes) -> bytes:
    """Give every table header cell of the structure tree its scope (PDF/UA, WCAG 1.3.1).

    WeasyPrint tags <th> as /TH but does not carry the HTML scope attribute over: a header in a
    table's <thead> heads its column, any other heads its row (our tables print row labels as <th>).
    """
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return data
        changed = False
        stack = [root]
        while stack:
            node = stack.pop()
            kids = node.get("/K")
            if kids is None:
                continue
            for kid in (kids if isinstance(kids, pikepdf.Array) else [kids]):
                if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
                    continue
                if kid.S == "/TH":
                    row = kid.get("/P")
                    group = row.get("/P") if isinstance(row, pikepdf.Dictionary) else None
                    scope = "/Column" if isinstance(group, pikepdf.Dictionary) and group.get("/S") == "/THead" \
                        else "/Row"
                    kid.A = pikepdf.Dictionary(O=pikepdf.Name.Table, Scope=pikepdf.Name(scope))
                    changed = True
                stack.append(kid)
        if not changed:
            return data
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def html_to_pdf(html: str) -> bytes:
    """Render a print-ready HTML document to PDF bytes."""
    return write(render(html))
