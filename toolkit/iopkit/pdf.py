"""HTML to PDF with WeasyPrint: US Letter, pinned fonts, no network, tagged (PDF/UA)."""
from __future__ import annotations

import logging
import os
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
    document costs about a quarter of a long guide's layout time.

    WeasyPrint copies the fonts into a temporary folder of the configuration's own and removes it
    when the configuration is collected, which a process ending at once (a build's workers) or
    late in the interpreter's shutdown never does: ``forget_font_files`` removes it as the
    process that made it ends (a process forked from it shares the folder and leaves it alone).
    """
    import atexit
    import multiprocessing.util

    from weasyprint.text.fonts import FontConfiguration

    config = FontConfiguration()
    _font_configs.append((os.getpid(), config))
    atexit.register(forget_font_files)
    multiprocessing.util.Finalize(None, forget_font_files, exitpriority=0)  # a worker's end skips atexit
    return config


_font_configs: list = []


def forget_font_files() -> None:
    """Remove the temporary font folders of this process's font configuration (``_font_config``)."""
    import shutil

    for pid, config in _font_configs:
        folder = getattr(config, "_folder", None)
        if pid == os.getpid() and folder:
            shutil.rmtree(folder, ignore_errors=True)
            config._folder = None


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


def write(*documents, scopes: bool = True) -> bytes:
    """One tagged PDF (PDF/UA) of the pages of ``documents``, in order; metadata from the first.

    ``scopes=False`` leaves the table header scopes for ``join`` to mark (it marks them all at once).
    """
    first = documents[0]
    if len(documents) > 1:
        first = first.copy([page for document in documents for page in document.pages])
    data = first.write_pdf(pdf_variant="pdf/ua-1")
    return mark_header_scope(data) if scopes else data


def mark_header_scope(data: bytes) -> bytes:
    """Give every table header cell of the structure tree its scope (PDF/UA, WCAG 1.3.1).

    WeasyPrint tags <th> as /TH but does not carry the HTML scope attribute over: a header in a
    table's <thead> heads its column, any other heads its row (our tables print row labels as <th>).
    """
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        if not _mark_header_scope(pdf):
            return data
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def _mark_header_scope(pdf) -> bool:
    """``mark_header_scope`` on an open PDF; whether it changed anything."""
    import pikepdf

    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return False
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
    return changed


def join(first: bytes, *rest: bytes) -> bytes:
    """One tagged PDF of the pages of ``first`` and then of each of ``rest`` (PDFs this module wrote),
    as ``write`` makes from their layouts: the metadata, language and structure root of ``first``, every
    other document's elements under its Document element (in their own language when it differs),
    every bookmark in order, and table header scopes marked. Each document can then be laid out in a
    process of its own (the facilitator guide ends with the handout's pages)."""
    import io

    import pikepdf

    opened = []
    with pikepdf.open(io.BytesIO(first)) as pdf:
        try:
            root = pdf.Root.get("/StructTreeRoot")
            pairs = number_tree(root.ParentTree) if root is not None and "/ParentTree" in root else None
            documents = [k for k in as_array(root.get("/K")) if isinstance(k, pikepdf.Dictionary)
                         and k.get("/S") == "/Document"] if root is not None else []
            if len(documents) != 1:
                pairs = None
            next_key = (max([int(root.get("/ParentTreeNextKey", 0))] + [key + 1 for key, _ in pairs])
                        if pairs is not None else 0)
            lang = str(pdf.Root.get("/Lang", ""))
            marks = []
            for data in rest:
                other = pikepdf.open(io.BytesIO(data))
                opened.append(other)
                start = len(pdf.pages)
                pdf.pages.extend(other.pages)
                pages = [pdf.pages[start + i] for i in range(len(other.pages))]
                theirs = other.Root.get("/StructTreeRoot")
                found = None
                if pairs is not None and theirs is not None and "/ParentTree" in theirs:
                    theirs = pdf.copy_foreign(theirs)  # its elements point at the pages just copied
                    found = number_tree(theirs.ParentTree)
                if found is None:
                    for page in pages:  # its numbers would point at the first document's tags
                        if "/StructParents" in page.obj:
                            del page.obj["/StructParents"]
                else:
                    shift_pages(pages, next_key)
                    pairs += [(key + next_key, value) for key, value in found]
                    next_key += max([int(theirs.get("/ParentTreeNextKey", 0))] + [key + 1 for key, _ in found])
                    their_lang = str(other.Root.get("/Lang", ""))
                    kids = as_array(documents[0].get("/K"))
                    for top in as_array(theirs.get("/K")):
                        elements = as_array(top.get("/K")) if top.get("/S") == "/Document" else [top]
                        for element in elements:
                            if not isinstance(element, pikepdf.Dictionary):
                                continue
                            element.P = documents[0]
                            if their_lang and their_lang != lang and "/Lang" not in element:
                                element.Lang = pikepdf.String(their_lang)
                            kids.append(element)
                    documents[0].K = pikepdf.Array(kids)
                with other.open_outline() as outline:
                    marks += [_copy_mark(pdf, item) for item in outline.root]
            if pairs is not None:
                root.ParentTree = pdf.make_indirect(
                    pikepdf.Dictionary(Nums=pikepdf.Array([item for pair in sorted(pairs, key=lambda p: p[0])
                                                           for item in pair])))
                root.ParentTreeNextKey = next_key
            if marks:
                with pdf.open_outline() as outline:
                    outline.root.extend(marks)
            _mark_header_scope(pdf)
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()
        finally:
            for other in opened:
                other.close()


def _copy_mark(pdf, item):
    """A bookmark of another PDF (and those under it), pointing at the same place among its pages copied into ``pdf``."""
    import pikepdf

    destination = item.destination
    if isinstance(destination, pikepdf.Array) and len(destination):
        destination = pikepdf.Array([pdf.copy_foreign(destination[0]), *list(destination)[1:]])
    copy = pikepdf.OutlineItem(str(item.title), destination)
    copy.is_closed = item.is_closed
    copy.children.extend(_copy_mark(pdf, child) for child in item.children)
    return copy


# Helpers for joining tagged PDFs (here and in iopkit.render.books).

def shift_pages(pages: list, shift: int) -> None:
    """Renumber the pages' (and their annotations') keys into the parent tree by ``shift``."""
    import pikepdf

    if not shift:
        return
    for page in pages:
        if "/StructParents" in page.obj:
            page.obj.StructParents = int(page.obj.StructParents) + shift
        for annotation in page.obj.get("/Annots", []):
            if isinstance(annotation, pikepdf.Dictionary) and "/StructParent" in annotation:
                annotation.StructParent = int(annotation.StructParent) + shift


def as_array(value) -> list:
    import pikepdf

    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def number_tree(node, depth: int = 0) -> list | None:
    """A number tree's (key, value) pairs in order, or None when it is not one."""
    import pikepdf

    if not isinstance(node, pikepdf.Dictionary) or depth > 20:
        return None
    if "/Nums" in node:
        nums = list(node.Nums)
        return [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums) - 1, 2)]
    pairs = []
    for kid in node.get("/Kids", []):
        found = number_tree(kid, depth + 1)
        if found is None:
            return None
        pairs += found
    return pairs


def html_to_pdf(html: str) -> bytes:
    """Render a print-ready HTML document to PDF bytes."""
    return write(render(html))
