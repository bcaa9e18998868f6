"""The one Jinja environment for everything iopkit prints or shows as HTML.

Markup lives in templates under ``handouts/templates/`` (nbconvert's model): Python builds a
context (plain values), a template turns it into HTML. HTML templates (``*.html.j2``,
``*.svg.j2``) are autoescaped; text and Markdown templates (``*.txt.j2``, ``*.md.j2``) are not.
Every printed document extends ``iopkit/base.html.j2``: one shell with the language, the print
CSS, the accent colour and the large-print switch.

Filters every template may use: ``md`` and ``md_inline`` (Markdown to safe HTML, images only
from the allowed folders), ``clock``, ``long_date``, ``short_date``.
"""
from __future__ import annotations

from functools import cache

from iopkit import paths


def _autoescape(name: str | None) -> bool:
    return bool(name) and name.endswith((".html.j2", ".svg.j2", ".html"))


@cache
def environment():
    """The environment (one per process): StrictUndefined, so a missing value fails loudly in tests."""
    import jinja2
    from markupsafe import Markup

    from iopkit.render import fmt

    folder = paths.handouts_dir() / "templates"
    if not folder.is_dir():
        from iopkit.errors import TemplateMissingError

        raise TemplateMissingError(f"The print templates are missing: {folder}. Reinstall iopkit.")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), autoescape=_autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["md"] = lambda text: Markup(fmt.md(text))
    env.filters["md_inline"] = lambda text: Markup(fmt.md_inline(text))
    env.filters["clock"] = fmt.clock
    env.filters["long_date"] = fmt.long_date
    env.filters["short_date"] = fmt.short_date
    return env


def render(template: str, **context) -> str:
    """``template`` (a path under handouts/templates/) filled in with ``context``."""
    return environment().get_template(template).render(**context)


def render_markup(template: str, **context):
    """The same, as safe HTML (``Markup``) for another template or a display object to hold."""
    from markupsafe import Markup

    return Markup(render(template, **context))
