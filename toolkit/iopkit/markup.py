"""Markup: the one Jinja environment for everything iopkit prints or shows as HTML, and the plain
helpers its templates use (Markdown to safe HTML, escaping, dates and clock times).

Markup lives in templates under ``handouts/templates/`` (nbconvert's model): Python builds a
context (plain values), a template turns it into HTML. HTML templates (``*.html.j2``,
``*.svg.j2``) are autoescaped; text and Markdown templates (``*.txt.j2``, ``*.md.j2``) are not.
Every printed document extends ``iopkit/base.html.j2``: one shell with the language, the print
CSS, the accent colour and the large-print switch.

Filters every template may use: ``md`` and ``md_inline`` (Markdown to safe HTML, images only
from the allowed folders, ``IMAGE_ROOTS``), ``clock``, ``long_date``, ``short_date``; the global
``theme`` holds the named colours (``iopkit.theme``).
"""
from __future__ import annotations

import datetime as dt
import html
from functools import cache
from pathlib import Path

from markdown_it import MarkdownIt

from iopkit import paths, theme

_md = MarkdownIt("commonmark", {"html": False, "typographer": True}).enable("table")
#: The MIME type of the metadata a view attaches to its HTML (which cell it is, for the exporters).
META_MIME = "application/vnd.iopkit+json"

#: The folders Markdown images may come from while a session is shown (set by SessionView.load):
#: the curriculum's and the cohort's. Images are inlined; anything else shows as its alt text.
IMAGE_ROOTS: tuple[Path, ...] = ()


def _render_image(self, tokens, idx, options, env):
    from iopkit.reach import check_image, data_uri

    token = tokens[idx]
    alt = "".join(child.content for child in token.children or ()) or token.content
    why, target = check_image(str(token.attrs.get("src", "")), IMAGE_ROOTS)
    if target is None:
        return f'<span class="image-left-out">[{esc(alt or "image")}]</span>'
    return f'<img src="{data_uri(target)}" alt="{esc(alt)}">'


_md.add_render_rule("image", _render_image)


def md(text: str) -> str:
    """Markdown to HTML; raw HTML in the source is escaped, never passed through."""
    return _md.render(text or "")


def md_inline(text: str) -> str:
    return _md.renderInline(text or "")


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def clock(t: dt.datetime) -> str:
    return t.strftime("%I:%M %p").lstrip("0")


def long_date(d: dt.date) -> str:
    return f"{d:%A}, {d:%B} {d.day}, {d.year}"


def short_date(d: dt.date) -> str:
    return f"{d:%a}, {d:%b} {d.day}, {d.year}"


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".svg.j2", ".html"))


@cache
def environment():
    """The environment (one per process): StrictUndefined, so a missing value fails loudly in tests."""
    import jinja2
    from markupsafe import Markup

    folder = paths.handouts_dir() / "templates"
    if not folder.is_dir():
        from iopkit.errors import TemplateMissingError

        raise TemplateMissingError(f"The print templates are missing: {folder}. Reinstall iopkit.")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=_autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["md"] = lambda text: Markup(md(text))
    env.filters["md_inline"] = lambda text: Markup(md_inline(text))
    env.filters["clock"] = clock
    env.filters["long_date"] = long_date
    env.filters["short_date"] = short_date
    env.globals["theme"] = theme  # the named colours (iopkit.theme), for screen templates
    return env


def render(template: str, **context) -> str:
    """``template`` (a path under handouts/templates/) filled in with ``context``."""
    return environment().get_template(template).render(**context)


def render_markup(template: str, **context):
    """The same, as safe HTML (``Markup``) for another template or a display object to hold."""
    from markupsafe import Markup

    return Markup(render(template, **context))
