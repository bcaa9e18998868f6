"""What a document may pull in: images only from the curriculum's and the cohort's own folders.

A session's Markdown (``![alt](path)``) and a cohort's logo are the only ways a counselor's
files put an image on a page. Both are checked here, once: no URL, no absolute path, no path
that climbs out of its folder, no SVG that refers to anything outside itself. Allowed images
are inlined as ``data:`` URIs (iopkit.render.views), so neither the PDF renderer nor a browser
opening a saved notebook fetches anything; the PDF renderer refuses any other file anyway
(iopkit.pdf.LocalFetcher).
"""
from __future__ import annotations

import base64
import mimetypes
import re
from functools import cache
from pathlib import Path

from iopkit.limits import MAX_IMAGE_BYTES

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
#: What an SVG may not contain: references to other files or pages, scripts, entities.
_SVG_REACH = re.compile(
    rb"<\s*(?:[a-z]+:)?(?:image|script|foreignObject|use|feImage|iframe)\b"
    rb"|(?:xlink:)?href\s*=\s*[\"']\s*(?!#)"
    rb"|url\(\s*[\"']?\s*(?!#)"
    rb"|@import|<!ENTITY|<!DOCTYPE",
    re.IGNORECASE,
)


def image_sources(text: str) -> list[str]:
    """Every image a Markdown text shows (inline and reference style)."""
    if "![" not in (text or ""):
        return []
    found = []
    for token in _parser().parse(text):
        for child in token.children or ():
            if child.type == "image":
                found.append(str(child.attrs.get("src", "")))
    return found


@cache
def _parser():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


def check_image(src: str, roots: tuple[Path, ...]) -> tuple[str | None, Path | None]:
    """(why it may not be used, None) or (None, the file): one image reference against ``roots``."""
    if _SCHEME.match(src) or src.startswith("//"):
        return "an image from the internet or another place (a URL)", None
    if src.startswith(("/", "\\", "~")) or re.match(r"^[a-zA-Z]:[\\/]", src):
        return "an image by absolute path", None
    target = resolve(src, roots)
    if target is None:
        return "an image that is not in the curriculum's or the cohort's folder", None
    if target.suffix.lower() not in IMAGE_SUFFIXES:
        return "a file that is not an image", None
    if target.stat().st_size > MAX_IMAGE_BYTES:
        return f"an image over {MAX_IMAGE_BYTES // 1_000_000} MB", None
    if target.suffix.lower() == ".svg":
        why = svg_reach(target.read_bytes())
        if why:
            return why, None
    return None, target


def resolve(src: str, roots: tuple[Path, ...]) -> Path | None:
    """``src`` as a file inside one of ``roots`` (links followed), or None."""
    from urllib.parse import unquote

    for root in roots:
        try:
            root = Path(root).resolve()
            target = (root / unquote(src)).resolve()
        except (OSError, RuntimeError):
            continue
        if target.is_relative_to(root) and target.is_file():
            return target
    return None


def svg_reach(data: bytes) -> str | None:
    """Why an SVG may not be printed (it refers to files, pages or scripts outside itself), or None."""
    if _SVG_REACH.search(data):
        return "an SVG that refers to other files or pages (an <image>, a link, a script or an entity)"
    return None


def data_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "image/png"
    return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")


EXPECTED = ("an image saved in the curriculum's folder (for a session) or the cohort's folder (for a custom "
            "session or a logo), written as a relative path like images/chart.png")
