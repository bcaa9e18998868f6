"""nbconvert exporters for the two views of a session notebook.

Registered under the ``nbconvert.exporters`` entry point (underscore names, so the
Jupyter server's route accepts them), they appear in JupyterLab's *File > Save and
Export Notebook As* menu and in ``jupyter nbconvert --to``:

- ``facilitator_html`` / ``facilitator_pdf``: every facilitator and participant cell;
- ``participant_html`` / ``participant_pdf``: participant cells only;
- ``room_html``: the room view, cells tagged ``room``, as reveal.js slides with every asset inlined.

Neither view shows code, prompts, parameters or widget outputs. The tag contract is
documented in ``notebooks/README.md``.
"""
from __future__ import annotations

import json

from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import List, Unicode, default

from iopkit import paths
from iopkit.errors import SessionBuildError

META_MIME = "application/vnd.iopkit+json"
#: Cell tags: which view shows a cell. Cells with none of these tags are never printed.
FACILITATOR_TAGS = ("facilitator", "participant")
PARTICIPANT_TAGS = ("participant",)
ROOM_TAGS = ("room",)
#: Output types that never reach paper.
_PRINTABLE = ("text/html", "text/markdown", "image/png", "image/svg+xml", META_MIME)


class SelectViewPreprocessor(Preprocessor):
    """Keep only the cells tagged for this view, and only their printable outputs.

    Like nbgrader's ClearSolutions, the participant view is derived from the one
    executed notebook, never kept as a second copy.
    """

    keep_tags = List(Unicode(), default_value=list(FACILITATOR_TAGS)).tag(config=True)

    def preprocess(self, nb, resources):
        errors = [
            (i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code"
            for out in cell.get("outputs", []) if out.get("output_type") == "error"
        ]
        if errors:
            index, out = errors[0]
            raise SessionBuildError(
                resources.get("metadata", {}).get("name", "notebook"),
                f"cell {index + 1} stopped with an error ({out.get('ename')}: {_first_line(out.get('evalue', ''))}). "
                "Fix the cohort or session file it names, run the notebook again, then export.",
            )
        kept = []
        meta = {}
        for cell in nb.cells:
            tags = set(cell.get("metadata", {}).get("tags", []))
            if cell.cell_type != "code" or not tags & set(self.keep_tags):
                continue
            outputs = []
            for out in cell.get("outputs", []):
                if out.get("output_type") not in ("display_data", "execute_result"):
                    continue
                data = {k: v for k, v in out.get("data", {}).items() if k in _PRINTABLE}
                if META_MIME in data:
                    value = data.pop(META_MIME)
                    meta.setdefault("first", value if isinstance(value, dict) else json.loads(value))
                if data:
                    out["data"] = data
                    outputs.append(out)
            cell["outputs"] = outputs
            cell["source"] = ""
            kept.append(cell)
        nb.cells = kept
        if not kept:
            raise SessionBuildError(
                resources.get("metadata", {}).get("name", "notebook"),
                "this notebook has no cells tagged for printing, or it has not been run yet. "
                "Choose Run > Run All Cells, then export again.",
            )
        resources.setdefault("iopkit", {})["meta"] = meta.get("first", {})
        return nb, resources


def _first_line(text: str) -> str:
    return (text or "").strip().splitlines()[0][:200] if (text or "").strip() else ""


class _ViewHTMLExporter(HTMLExporter):
    """The shared machinery: our print template, our CSS, one view's cells."""

    view = "facilitator"
    keep_tags: tuple[str, ...] = FACILITATOR_TAGS
    kind_label = "Facilitator guide"

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

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(SelectViewPreprocessor(keep_tags=list(self.keep_tags)), enabled=True)

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
    keep_tags = PARTICIPANT_TAGS
    kind_label = "Handout"


class _GuideOnlyHTMLExporter(_ViewHTMLExporter):
    """The facilitator cells alone: the guide's own pages, before the handout is appended."""

    export_from_notebook = None
    keep_tags = ("facilitator",)


class RoomHTMLExporter(HTMLExporter):
    """The room view: big-type reveal.js slides for a projector or a shared screen (``iopkit.render.room``).

    Only cells tagged ``room`` reach it (participant words, never the facilitator's); reveal.js
    and the room's CSS and timer are inlined from ``handouts/``, so the page needs no network.
    """

    export_from_notebook = "Room view (slides)"

    @default("template_name")
    def _template_name_default(self):
        return "iopkit_room"

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

    def _init_preprocessors(self):
        super()._init_preprocessors()
        self.register_preprocessor(SelectViewPreprocessor(keep_tags=list(ROOM_TAGS)), enabled=True)

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


def render_room(nb, resources=None) -> str:
    """The room view's HTML page from an executed session notebook."""
    html, _ = _exporter(RoomHTMLExporter).from_notebook_node(nb, _copy(resources))
    return html


def render_views(nb, resources=None):
    """Lay out both views of an executed session notebook: (guide pages, handout pages).

    The facilitator guide PDF is the guide's pages followed by the handout's, exactly as
    participants get it, so the handout is laid out once and used twice.
    """
    from iopkit.pdf import render

    guide_html, resources = _exporter(_GuideOnlyHTMLExporter).from_notebook_node(nb, _copy(resources))
    handout_html, _ = _exporter(ParticipantHTMLExporter).from_notebook_node(nb, _copy(resources))
    return render(guide_html), render(handout_html), resources


def _copy(resources):
    return {"metadata": dict((resources or {}).get("metadata", {}))}


_EXPORTERS: dict = {}


def _exporter(cls):
    """One instance per class and process: building the Jinja environment is not free."""
    if cls not in _EXPORTERS:
        _EXPORTERS[cls] = cls()
    return _EXPORTERS[cls]


class _PDFMixin:
    """PDF through WeasyPrint and our print CSS (no LaTeX, no browser)."""

    # nbconvert checks the template against this, and our template makes HTML; the Jupyter
    # server still names the download .pdf from file_extension (as nbconvert's webpdf does).
    output_mimetype = "text/html"

    @default("file_extension")
    def _file_extension_default(self):
        return ".pdf"


class FacilitatorPDFExporter(_PDFMixin, FacilitatorHTMLExporter):
    """The facilitator guide as a printable PDF, with the participant handout at the end."""

    export_from_notebook = "Facilitator guide (PDF)"

    def from_notebook_node(self, nb, resources=None, **kw):
        from iopkit.pdf import write

        guide, handout, resources = render_views(nb, resources)
        resources["output_extension"] = ".pdf"
        return write(guide, handout), resources


class ParticipantPDFExporter(_PDFMixin, ParticipantHTMLExporter):
    """The participant handout as a printable PDF."""

    export_from_notebook = "Participant handout (PDF)"

    def from_notebook_node(self, nb, resources=None, **kw):
        from iopkit.pdf import html_to_pdf

        html, resources = super().from_notebook_node(nb, resources, **kw)
        resources["output_extension"] = ".pdf"
        return html_to_pdf(html), resources


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
    for cls in (_GuideOnlyHTMLExporter, ParticipantHTMLExporter):
        html, _ = _exporter(cls).from_notebook_node(nbformat.from_dict(nb), {"metadata": {"name": "warm-up"}})
    render(html)
