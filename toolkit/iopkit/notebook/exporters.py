"""nbconvert exporters and preprocessors for the views of a session notebook.

Registered under the ``nbconvert.exporters`` entry point (underscore names, so the
Jupyter server's route accepts them), they appear in JupyterLab's *File > Save and
Export Notebook As* menu and in ``jupyter nbconvert --to``:

- ``facilitator_html`` / ``facilitator_pdf``: every facilitator and participant cell;
- ``participant_html`` / ``participant_pdf``: participant cells only;
- ``room_html``: the room view, cells tagged ``room``, as reveal.js slides with every asset inlined.

Neither view shows code, prompts, parameters or widget outputs. The tag contract is
documented in ``notebooks/README.md``.

Like nbconvert's own, the exporters are configured through traitlets, and what they do to a
notebook is a list of small preprocessors, each configurable by its class name::

    c.TagRemovePreprocessor.remove_cell_tags = {"supervisor-only"}      # leave those cells off
    c.ParticipantPDFExporter.KeepTaggedCellsPreprocessor.keep_tags = {"participant"}
    c.FacilitatorPDFExporter.preprocessors = ["mymodule.MyPreprocessor"]

The facilitator PDF is two documents laid out one after the other (the guide's own pages, then
the handout exactly as participants get it); it builds the exporters of those pages with its own
configuration, so anything set for ``FacilitatorPDFExporter`` (or passed to it) reaches both.
"""
from __future__ import annotations

import copy
import json

from nbconvert.exporters import Exporter, HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, List, Set, Unicode, default, observe
from traitlets.config import Config, Configurable

from iopkit import paths
from iopkit.errors import SessionBuildError

META_MIME = "application/vnd.iopkit+json"
#: Cell tags: which view shows a cell. Cells with none of these tags are never printed.
FACILITATOR_TAGS = ("facilitator", "participant")
PARTICIPANT_TAGS = ("participant",)
GUIDE_TAGS = ("facilitator",)
ROOM_TAGS = ("room",)
#: Output types that reach paper (and the room's screen); widgets, text and JavaScript never do.
PRINTABLE = ("text/html", "text/markdown", "image/png", "image/svg+xml")


def _notebook_name(resources) -> str:
    return (resources or {}).get("metadata", {}).get("name", "notebook")


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0][:200] if (text or "").strip() else ""


# ------------------------------------------------------------ preprocessors


class RefuseErrorsPreprocessor(Preprocessor):
    """Refuse a notebook in which a cell stopped with an error: its pages would be wrong or missing,
    and a counselor would print them without knowing."""

    enabled = Bool(True, help="Refuse a notebook with an error output.").tag(config=True)

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []) if cell.cell_type == "code" else ():
                if out.get("output_type") == "error":
                    raise SessionBuildError(
                        _notebook_name(resources),
                        f"cell {index + 1} stopped with an error ({out.get('ename')}: "
                        f"{_first_line(out.get('evalue', ''))}). "
                        "Fix the cohort or session file it names, run the notebook again, then export.",
                    )
        return nb, resources


class KeepTaggedCellsPreprocessor(Preprocessor):
    """Keep only the code cells tagged for this view: nbconvert's TagRemovePreprocessor the other way round.

    Like nbgrader's ClearSolutions, each view is derived from the one executed notebook, never kept as
    a second copy. ``keep_tags`` defaults to the tags of the exporter it runs in (``view_tags``).
    """

    enabled = Bool(True, help="Keep only the cells tagged for this view.").tag(config=True)
    keep_tags = Set(Unicode(), help="A code cell is kept when it carries one of these tags "
                                    "(cell.metadata.tags); every other cell is left out.").tag(config=True)

    @default("keep_tags")
    def _keep_tags_default(self):
        return set(getattr(self.parent, "view_tags", FACILITATOR_TAGS))

    def preprocess(self, nb, resources):
        kept = [cell for cell in nb.cells
                if cell.cell_type == "code" and self.keep_tags & set(cell.get("metadata", {}).get("tags", []))]
        if not kept:
            raise SessionBuildError(
                _notebook_name(resources),
                "this notebook has no cells tagged for printing, or it has not been run yet. "
                "Choose Run > Run All Cells, then export again.",
            )
        nb.cells = kept
        return nb, resources


class CollectMetadataPreprocessor(Preprocessor):
    """Move iopkit's metadata (``META_MIME``: the document's title, view, language and running-header
    facts, from ``iopkit.render.fmt.Html``) out of the outputs into ``resources["iopkit"]["meta"]``,
    where the template reads it. The first cell that carries it names the document."""

    enabled = Bool(True, help="Collect the document's title and facts for the template.").tag(config=True)

    def preprocess(self, nb, resources):
        found = []
        for cell in nb.cells:
            for out in cell.get("outputs", []):
                value = out.get("data", {}).pop(META_MIME, None)
                if value is not None:
                    found.append(value if isinstance(value, dict) else json.loads(value))
        resources.setdefault("iopkit", {})["meta"] = found[0] if found else {}
        return nb, resources


class PrintableOutputsPreprocessor(Preprocessor):
    """Keep only the outputs paper can show (``mimetypes``), and no code: a widget, a stream or a
    traceback never reaches a page, and neither does a cell's source."""

    enabled = Bool(True, help="Keep only printable outputs.").tag(config=True)
    mimetypes = List(Unicode(), default_value=list(PRINTABLE),
                     help="The output types that are printed; the rest are left out.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") not in ("display_data", "execute_result"):
                continue
            data = {k: v for k, v in out.get("data", {}).items() if k in self.mimetypes}
            if data:
                out["data"] = data
                outputs.append(out)
        cell["outputs"] = outputs
        cell["source"] = ""
        return cell, resources


#: Our preprocessors, in the order they run, after nbconvert's own defaults (so ``--execute`` and
#: ``TagRemovePreprocessor`` come first) and before any the configuration adds (``preprocessors``),
#: which therefore see only what is printed:
#: 1. refuse errors first, while every cell is still there (an error in the setup cell is not printed);
#: 2. keep this view's cells;
#: 3. collect the metadata of the cells this view prints only (the guide is named by its cover, the
#:    handout by its first page), before step 4 drops the mimetype that carries it;
#: 4. keep the printable outputs.
IOPKIT_PREPROCESSORS = (RefuseErrorsPreprocessor, KeepTaggedCellsPreprocessor, CollectMetadataPreprocessor,
                        PrintableOutputsPreprocessor)


# ------------------------------------------------------------ exporters


class _IopkitHTMLExporter(HTMLExporter):
    """What every iopkit exporter shares: our templates, no code or prompts, our preprocessors."""

    #: The cell tags this exporter's view prints (the default of KeepTaggedCellsPreprocessor.keep_tags).
    view_tags: tuple[str, ...] = FACILITATOR_TAGS

    @default("template_name")
    def _template_name_default(self):
        return "iopkit"

    @default("template_file")
    def _template_file_default(self):
        return "index.html.j2"

    @default("extra_template_basedirs")
    def _extra_template_basedirs_default(self):
        return [str(paths.handouts_dir() / "templates")]

    @default("exclude_input")
    def _exclude_input_default(self):
        return True

    @default("exclude_input_prompt")
    def _exclude_input_prompt_default(self):
        return True

    @default("exclude_output_prompt")
    def _exclude_output_prompt_default(self):
        return True

    @default("default_preprocessors")
    def _default_preprocessors_default(self):
        return [*Exporter.class_traits()["default_preprocessors"].default(), *IOPKIT_PREPROCESSORS]


class _ViewHTMLExporter(_IopkitHTMLExporter):
    """The print views: our print template and CSS, one view's cells."""

    view = "facilitator"
    kind_label = "Facilitator guide"

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        from iopkit.pdf import print_css

        info = resources.setdefault("iopkit", {})
        info["css"] = print_css()
        info["view"] = self.view
        info["kind"] = self.kind_label
        info.setdefault("meta", {})
        return resources


class FacilitatorHTMLExporter(_ViewHTMLExporter):
    """The facilitator guide as one HTML page: everything but code."""

    export_from_notebook = "Facilitator guide (HTML)"


class ParticipantHTMLExporter(_ViewHTMLExporter):
    """The participant handout as one HTML page: participant cells only."""

    export_from_notebook = "Participant handout (HTML)"
    view = "participant"
    view_tags = PARTICIPANT_TAGS
    kind_label = "Handout"


class GuidePagesHTMLExporter(_ViewHTMLExporter):
    """The facilitator cells alone: the guide's own pages, before the handout is appended (facilitator_pdf)."""

    export_from_notebook = None
    view_tags = GUIDE_TAGS


class RoomHTMLExporter(_IopkitHTMLExporter):
    """The room view: big-type reveal.js slides for a projector or a shared screen (``iopkit.render.room``).

    Only cells tagged ``room`` reach it (participant words, never the facilitator's); reveal.js
    and the room's CSS and timer are inlined from ``handouts/``, so the page needs no network.
    """

    export_from_notebook = "Room view (slides)"
    view_tags = ROOM_TAGS

    @default("template_name")
    def _template_name_default(self):
        return "iopkit_room"

    def _init_resources(self, resources):
        resources = super()._init_resources(resources)
        info = resources.setdefault("iopkit", {})
        info.update(room_assets())
        info.setdefault("meta", {})
        return resources


def room_assets() -> dict[str, str]:
    """reveal.js and the room's stylesheet and script, read from ``handouts/`` to be inlined."""
    folder = paths.handouts_dir()
    vendor = folder / "vendor" / "reveal.js"

    def read(path):
        return path.read_text(encoding="utf-8").replace("</script", "<\\/script")

    return {"reveal_js": read(vendor / "reveal.js"), "reveal_css": read(vendor / "reveal.css"),
            "reset_css": read(vendor / "reset.css"), "room_css": read(folder / "room.css"),
            "room_js": read(folder / "room.js")}


class _PDFMixin:
    """PDF through WeasyPrint and our print CSS (no LaTeX, no browser)."""

    # nbconvert checks the template against this, and our template makes HTML; the Jupyter
    # server still names the download .pdf from file_extension (as nbconvert's webpdf does).
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"


class FacilitatorPDFExporter(_PDFMixin, FacilitatorHTMLExporter):
    """The facilitator guide as a printable PDF, with the participant handout at the end.

    Two documents, laid out one after the other: the guide's own pages (``GuidePagesHTMLExporter``)
    and the handout (``ParticipantHTMLExporter``), so the handout pages are the participants' own.
    Both are built with this exporter's configuration: its own section (``c.FacilitatorPDFExporter``,
    and ``c.FacilitatorHTMLExporter`` it inherits) is theirs too, and a section nested under it
    (``c.FacilitatorPDFExporter.ParticipantHTMLExporter``) reaches one of them alone.
    """

    export_from_notebook = "Facilitator guide (PDF)"
    #: The exporters of the two documents, in page order.
    page_exporters = (GuidePagesHTMLExporter, ParticipantHTMLExporter)
    _pages: tuple | None = None

    @observe("config")
    def _forget_pages(self, change):
        self._pages = None

    def _config_for(self, cls) -> Config:
        """This exporter's configuration, with its own sections given to ``cls`` as well."""
        config = copy.deepcopy(self.config)
        for klass in reversed(type(self).__mro__):  # the most specific section last, so it wins
            name = klass.__name__
            if (issubclass(klass, Configurable) and not issubclass(cls, klass)
                    and isinstance(config.get(name), Config)):
                config[cls.__name__].merge(copy.deepcopy(config[name]))
        return config

    @property
    def pages(self) -> tuple:
        """The exporters of the guide's pages and the handout's, built once with this exporter's configuration."""
        if self._pages is None:
            self._pages = tuple(cls(config=self._config_for(cls), parent=self) for cls in self.page_exporters)
        return self._pages

    def render_pages(self, nb, resources=None):
        """Lay out both documents of an executed session notebook: (guide pages, handout pages, resources).

        The handout is laid out once: ``iopkit build`` writes it alone and at the end of the guide.
        """
        from iopkit.pdf import render

        guide_html, handout_html, resources = self.pages_html(nb, resources)
        return render(guide_html), render(handout_html), resources

    def pages_html(self, nb, resources=None):
        """The HTML of both documents: (guide pages, handout, resources)."""
        guide, handout = self.pages
        guide_html, resources = guide.from_notebook_node(nb, _copy(resources))
        handout_html, _ = handout.from_notebook_node(nb, _copy(resources))
        return guide_html, handout_html, resources

    def from_notebook_node(self, nb, resources=None, **kw):
        from iopkit.pdf import join, write

        guide, handout, resources = self.render_pages(nb, resources)
        resources["output_extension"] = ".pdf"
        return join(write(guide, scopes=False), write(handout)), resources


class ParticipantPDFExporter(_PDFMixin, ParticipantHTMLExporter):
    """The participant handout as a printable PDF."""

    export_from_notebook = "Participant handout (PDF)"

    def from_notebook_node(self, nb, resources=None, **kw):
        from iopkit.pdf import html_to_pdf

        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html), resources


# ------------------------------------------------------------ for iopkit build


def render_views(nb, resources=None, config=None):
    """Lay out both views of an executed session notebook: (guide pages, handout pages, resources).

    The facilitator guide PDF is the guide's pages followed by the handout's, exactly as
    participants get it, so the handout is laid out once and used twice. ``config``: a traitlets
    Config for the facilitator PDF exporter (``FacilitatorPDFExporter.render_pages`` does the work).
    """
    return _exporter(FacilitatorPDFExporter, config).render_pages(nb, resources)


def views_html(nb, resources=None, config=None):
    """The HTML ``render_views`` lays out: (guide pages, handout, resources), to lay out apart."""
    return _exporter(FacilitatorPDFExporter, config).pages_html(nb, resources)


def render_room(nb, resources=None, config=None) -> str:
    """The room view's HTML page from an executed session notebook."""
    html, _ = _exporter(RoomHTMLExporter, config).from_notebook_node(nb, _copy(resources))
    return html


def _copy(resources):
    return {"metadata": dict((resources or {}).get("metadata", {}))}


_EXPORTERS: dict = {}


def _exporter(cls, config=None):
    """One instance per class and configuration, per process: building the Jinja environment and the
    preprocessors is not free (``iopkit build`` reuses them for every session). Keyed by what the
    configuration says, so an instance built with one configuration is never handed to a caller
    with another, or with none."""
    key = (cls, _config_key(config))
    if key not in _EXPORTERS:
        _EXPORTERS[key] = cls(config=copy.deepcopy(config)) if config else cls()
    return _EXPORTERS[key]


def _config_key(config) -> str:
    return json.dumps(config, sort_keys=True, default=_key_part) if config else ""


def _key_part(value) -> object:
    """A value JSON cannot hold, as a key: a set by its members, a class by its name, anything else
    (a preprocessor instance) by its identity, so two instances never share an exporter."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, type):
        return f"{value.__module__}.{value.__qualname__}"
    return f"{type(value).__module__}.{type(value).__qualname__}@{id(value)}"


def warm_up() -> None:
    """Build the exporters' templates and load the print fonts once, in this process.

    ``iopkit build`` calls it before it forks its workers, so they start with both ready
    (about half a second each otherwise).
    """
    import nbformat

    from iopkit.pdf import render

    cell = nbformat.v4.new_code_cell("", metadata={"tags": list(FACILITATOR_TAGS)})
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": "<p><strong>iopkit</strong> <em>warm</em></p>"})]
    nb = nbformat.v4.new_notebook(cells=[cell])
    for exporter in _exporter(FacilitatorPDFExporter).pages:
        html, _ = exporter.from_notebook_node(nbformat.from_dict(nb), {"metadata": {"name": "warm-up"}})
    render(html)
