"""Build a cohort's packet: for each session, run the notebook template with papermill
and export the facilitator guide and the participant handout; then the cohort-wide files.

The build of a session is an ordered list of small steps with the same shape (``STEPS``, below),
handing on a ``SessionWork``. ``build_cohort`` validates everything first (nothing is written if
any file is wrong), takes the build folder's lock (iopkit.pipeline.lock), skips sessions whose
inputs have not changed (``shared_fingerprint``, ``session_fingerprint``), builds the rest in
parallel, writes every file atomically, keeps going when one session fails, and returns a
``BuildResult``. The calendar is made again only when what it shows changed
(``calendar_fingerprint``); the binder and the workbook are put together from the session PDFs
(iopkit.render.books) once every session is current.

Where the work runs (``_Workers``): several sessions in forked worker processes, each with its
own warm kernel; one session here, its kernel starting and its notebook running in a thread
while this process imports the rest, and the binder begun in a forked side process from every
other guide while the session builds. That is what makes an edit of one session quick.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path

from iopkit import interrupts, paths
from iopkit._version import __version__
from iopkit.errors import SessionBuildError, TemplateMissingError
from iopkit.exercises import ExerciseContext
from iopkit.interrupts import STAGING_PREFIX, WORKER_STOPPED
from iopkit.io import digest as _digest
from iopkit.io import write_atomic
from iopkit.pipeline.lock import build_lock

TEMPLATE = "session.ipynb"
KERNEL = "python3"
ENGINE = "iopkit_warm"
MANIFEST = ".build.json"


def notebook_parameters(cohort_file: Path, position: int, curriculum_dir: Path | None) -> dict:
    """Exactly the names in the template's ``parameters`` cell (a test holds them together).

    Nothing about a participant ever goes here: papermill writes parameters into the
    executed notebook's metadata.
    """
    return {
        "cohort_file": str(cohort_file),
        "position": int(position),
        "curriculum_dir": str(curriculum_dir) if curriculum_dir else "",
    }


# ------------------------------------------------------------------ results

@dataclass
class SessionResult:
    position: int
    title: str
    status: str  # "built", "unchanged" or "failed"
    message: str = ""
    seconds: float = 0.0
    files: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    cohort_name: str
    out_dir: Path
    sessions: list[SessionResult]
    extras: list[str] = field(default_factory=list)
    extra_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0

    notes: list[str] = field(default_factory=list)

    @property
    def failed(self) -> list[SessionResult]:
        return [s for s in self.sessions if s.status == "failed"]

    @property
    def ok(self) -> bool:
        return not self.failed and not self.extra_failures

    def summary(self) -> str:
        built = sum(s.status == "built" for s in self.sessions)
        same = sum(s.status == "unchanged" for s in self.sessions)
        lines = [f"{self.cohort_name}: {built} session{'s' if built != 1 else ''} built, "
                 f"{same} unchanged, {len(self.failed)} failed, in {self.seconds:.1f} s. Output: {self.out_dir}"]
        for name in self.extras:
            lines.append(f"  also wrote {name}")
        for note in self.notes:
            lines.append(f"  {note}")
        stopped = [s for s in self.failed if s.message == WORKER_STOPPED]
        for s in self.failed:
            if s.message != WORKER_STOPPED:
                lines.append(f"  FAILED session {s.position} ({s.title}): {s.message}")
        if stopped:
            numbers = ", ".join(str(s.position) for s in stopped)
            lines.append(f"  NOT BUILT session{'s' if len(stopped) > 1 else ''} {numbers}: {WORKER_STOPPED}. "
                         "Run the same command again to build them.")
        for message in self.extra_failures:
            lines.append(f"  FAILED {message}")
        if not self.ok:
            lines.append("Fix what each FAILED line names, then run the same command again: "
                         "sessions that were built are kept and will not be built again.")
        return "\n".join(lines)


# ------------------------------------------------------------------ fingerprints

#: Code that never shapes a session's documents: editing it does not rebuild anything. Folders
#: end with "/" (what people touch, and the records); the rest are single modules. hours.py and
#: reminders.py check the cohort file as it loads (every build does that first) and print nothing
#: in a session's files. The books (calendar, binder, workbook) have a fingerprint of their own
#: (``packet_code``). tests/test_build.py checks that no module the documents are made with
#: imports any of these.
NOT_IN_DOCUMENTS = ("app/", "records/", "measures/", "content/coverage.py", "content/schema_doc.py",
                    "planning/hours.py", "planning/reminders.py", "render/notes.py", "render/notices.py",
                    "render/books.py", "pipeline/catchup.py", "pipeline/lock.py", "interrupts.py", "views.py",
                    "workbench.py", "dashboard_screen.py")


#: Print templates of the after-group kit (iopkit.render.notes) and of the books: no session document uses them.
HANDOUTS_NOT_IN_DOCUMENTS = (b"notes.css", b"templates/iopkit/notes/", b"templates/iopkit/books/")


def packet_code() -> str:
    """The code and templates of the calendar, the binder and the workbook (left out of ``shared_fingerprint``)."""
    package = Path(__file__).parents[1]
    return _digest((package / "render" / "books.py").read_bytes(),
                   *_tree_bytes(paths.handouts_dir() / "templates" / "iopkit" / "books", "*"))


def _tree_bytes(folder: Path, pattern: str, skip: tuple[str, ...] = ()) -> list[bytes]:
    out = []
    for p in sorted(folder.rglob(pattern)):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and "__pycache__" not in p.parts and not rel.startswith(skip):
            out.append(rel.encode() + p.read_bytes())
    return out


def shared_fingerprint(curriculum_root: Path, cohort_path: Path, logo: Path | None) -> str:
    """What every session's documents depend on: code, templates, program, bibliography, cohort."""
    package = Path(__file__).parents[1]  # the whole iopkit package
    parts = [__version__.encode()]
    parts += _tree_bytes(package, "*.py", NOT_IN_DOCUMENTS)
    parts.append((paths.notebooks_dir() / TEMPLATE).read_bytes())
    parts += [b for b in _tree_bytes(paths.handouts_dir(), "*") if not b.startswith(HANDOUTS_NOT_IN_DOCUMENTS)]
    for name in ("program.yaml", "references.yaml", "techniques.yaml"):
        parts.append((curriculum_root / name).read_bytes())
    # Every guide prints the finishing-today block and the telehealth routine from these files.
    parts += _tree_bytes(curriculum_root / "individual", "*.yaml") if (curriculum_root / "individual").is_dir() else []
    if (curriculum_root / "translations").is_dir():  # the handouts' translations (issue 19)
        parts += _tree_bytes(curriculum_root / "translations", "*.yaml")
    parts.append(cohort_path.read_bytes())
    aftercare = _aftercare_file(cohort_path)
    if aftercare:  # its day and time print at the hand-off
        parts.append(aftercare.read_bytes())
    if logo and logo.is_file():
        parts.append(logo.read_bytes())
    return _digest(*parts)


def _aftercare_file(cohort_path: Path) -> Path | None:
    import tomllib

    try:
        name = tomllib.loads(cohort_path.read_text(encoding="utf-8")).get("cohort", {}).get("aftercare")
    except (OSError, ValueError):
        return None
    path = cohort_path.parent / name if isinstance(name, str) else None
    return path if path and path.is_file() else None


def session_fingerprint(shared: str, item) -> str:
    return _digest(shared, item.source.read_bytes(), str(item.position), str(item.total),
                   item.start.isoformat(), ",".join(str(b.minutes) for b in item.blocks))


def _is_current(folder: Path, fingerprint: str) -> bool:
    """The folder holds a finished build of exactly these inputs: its manifest and every file it lists."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return False
    files = manifest.get("files") or []
    return (manifest.get("fingerprint") == fingerprint and set(SESSION_FILES) <= set(files)
            and all((folder / f).is_file() for f in files))


# ------------------------------------------------------------------ atomic writes

# ------------------------------------------------------------------ one session

#: The files every session folder holds when its build succeeded (plus exercise.ipynb when the
#: session has an interactive exercise).
SESSION_FILES = ("session.ipynb", "facilitator-guide.pdf", "handout.pdf", "room.html")
EXERCISE_NOTEBOOK = "exercise.ipynb"


@dataclass(frozen=True)
class SessionTask:
    position: int
    title: str
    exercise: tuple  # (widget id or None, exercise title, ExerciseContext as JSON)
    cohort_file: str
    curriculum_dir: str
    out_dir: str
    fingerprint: str


@dataclass
class SessionWork:
    """What one session's steps hand on to each other, filled in as they run."""

    task: SessionTask
    staging: Path  # the hidden folder the files are made in before they are moved into place
    nb: object = None  # the executed notebook (nbformat)
    guide: object = None  # the laid-out facilitator guide (a WeasyPrint document)
    handout: object = None  # the laid-out handout
    files: list[str] = field(default_factory=list)  # what step_publish moved into the session folder
    beside: "_LayoutBeside | None" = None  # the process laying out the guide and the handout, if any


# The steps of one session's build, in order. Each takes and returns the SessionWork.
# execute comes first (the views come from the executed notebook); render lays out
# both views from it; write_pdfs uses the layout (the facilitator exporter in JupyterLab
# runs the same render_views and write, so both give the same PDF); room needs only the executed
# notebook (the room_html exporter in JupyterLab runs the same render_room); publish comes last
# (it moves the finished files into place, then records the manifest).

def step_execute(work: SessionWork) -> SessionWork:
    import papermill

    task = work.task
    template = paths.notebooks_dir() / TEMPLATE
    params = notebook_parameters(Path(task.cohort_file), task.position,
                                 Path(task.curriculum_dir) if task.curriculum_dir else None)
    staged = work.staging / "session.ipynb"
    try:
        work.nb = papermill.execute_notebook(
            str(template), str(staged), parameters=params, engine_name=ENGINE, kernel_name=KERNEL,
            progress_bar=False, request_save_on_cell_execute=False, log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        _scrub_and_save(staged, task)
        raise SessionBuildError(f"session {task.position}", _plain(exc), notebook=staged) from None
    work.nb = _scrub_and_save(staged, task, work.nb)
    return work


def _scrub_and_save(staged: Path, task: "SessionTask", nb=None):
    """No trace of the build machine in the saved notebook: the parameters papermill recorded
    (in its metadata and the injected cell) become paths relative to the session folder, where
    JupyterLab runs the notebook, and the template's and staging folder's paths become names."""
    import nbformat
    from papermill.translators import translate_parameters

    if nb is None:
        try:
            nb = nbformat.read(str(staged), as_version=4)
        except (OSError, ValueError):
            return None
    folder = Path(task.out_dir) / f"session-{task.position:02d}"
    meta = nb.metadata.setdefault("papermill", {})
    params = dict(meta.get("parameters") or {})
    for name in ("cohort_file", "curriculum_dir"):
        if params.get(name):
            params[name] = _relative(params[name], folder)
    meta["parameters"] = params
    meta["input_path"] = TEMPLATE
    meta["output_path"] = "session.ipynb"
    meta["environment_variables"] = {}
    for cell in nb.cells:
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell.source = translate_parameters(KERNEL, "python", params, "Parameters")
    nbformat.write(nb, str(staged))
    return nb


def _relative(path: str, folder: Path) -> str:
    try:
        return Path(os.path.relpath(path, folder)).as_posix()
    except ValueError:  # another drive (Windows): the name alone
        return Path(path).name


def _plain(exc) -> str:
    """The notebook's own error message, without the traceback."""
    text = (getattr(exc, "evalue", "") or str(exc)).strip()
    return text.splitlines()[0] if text else "the notebook stopped with an error"


def step_render(work: SessionWork) -> SessionWork:
    """Lay out the guide and the handout (the handout once: the guide ends with it)."""
    from iopkit.notebook.exporters import render_views

    resources = {"metadata": {"name": f"session-{work.task.position:02d}"}}
    work.guide, work.handout, _ = render_views(work.nb, resources)
    return work


def step_write_pdfs(work: SessionWork) -> SessionWork:
    """The handout's PDF, and the guide's: its own pages, then the handout's (iopkit.pdf.join)."""
    from iopkit.pdf import join, write

    handout = write(work.handout)
    (work.staging / "facilitator-guide.pdf").write_bytes(join(write(work.guide, scopes=False), handout))
    (work.staging / "handout.pdf").write_bytes(handout)
    return work


def lay_out_apart(work: SessionWork) -> SessionWork:
    """step_render, step_write_pdfs and step_room with the work shared by two processes: this one lays
    out the guide's pages while a copy of it (forked: it has WeasyPrint and the fonts loaded already)
    lays out the handout and makes the room view; then the guide's PDF gets the handout's pages.
    For a process that runs no other thread (the layout process of ``_LayoutBeside``)."""
    from iopkit.notebook.exporters import views_html
    from iopkit.pdf import join, render, write

    resources = {"metadata": {"name": f"session-{work.task.position:02d}"}}
    guide_html, handout_html, _ = views_html(work.nb, resources)
    handout_pdf = work.staging / "handout.pdf"
    read, written = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: the handout and the room view, then it ends at once
        os.close(read)
        code, note = 0, b""
        try:
            handout_pdf.write_bytes(write(render(handout_html)))
            step_room(work)
        except BaseException as exc:
            code, note = 1, _failure_message(exc).encode("utf-8", "replace")
        try:
            os.write(written, note[:60000])
        finally:
            os._exit(code)
    os.close(written)
    try:
        guide = write(render(guide_html), scopes=False)
    finally:
        _, status = os.waitpid(pid, 0)
        with os.fdopen(read, "rb") as pipe:
            said = pipe.read().decode("utf-8", "replace")
    if status != 0 or not handout_pdf.is_file():
        raise _FailedBeside(said or "the handout could not be laid out (its process stopped)")
    (work.staging / "facilitator-guide.pdf").write_bytes(join(guide, handout_pdf.read_bytes()))
    return work


def step_room(work: SessionWork) -> SessionWork:
    """The room view (``room.html``): slides for the projector, from the same executed notebook."""
    from iopkit.notebook.exporters import render_room

    resources = {"metadata": {"name": f"session-{work.task.position:02d}"}}
    (work.staging / "room.html").write_text(render_room(work.nb, resources), encoding="utf-8")
    return work


def step_exercise_notebook(work: SessionWork) -> SessionWork:
    """For a session with an interactive exercise, a small notebook that opens it (JupyterLab or Voila)."""
    import nbformat

    from iopkit.pipeline.exercise_notebook import exercise_notebook

    widget, title, context = work.task.exercise
    if widget:
        nb = exercise_notebook(widget, title, ExerciseContext.from_json(context))
        nbformat.write(nb, str(work.staging / EXERCISE_NOTEBOOK))
    return work


def step_publish(work: SessionWork) -> SessionWork:
    """Move each finished file into the session folder, then record the manifest."""
    task = work.task
    folder = Path(task.out_dir) / f"session-{task.position:02d}"
    folder.mkdir(parents=True, exist_ok=True)
    names = [n for n in (*SESSION_FILES, EXERCISE_NOTEBOOK) if (work.staging / n).is_file()]
    for name in names:
        os.replace(work.staging / name, folder / name)
    if EXERCISE_NOTEBOOK not in names:  # the session no longer has one: do not leave an old copy
        (folder / EXERCISE_NOTEBOOK).unlink(missing_ok=True)
    write_atomic(folder / MANIFEST, json.dumps({"fingerprint": task.fingerprint, "files": names,
                                                "iopkit": __version__}, indent=1))
    work.files = [str(folder / n) for n in names]
    return work


def step_lay_out_beside(work: SessionWork) -> SessionWork:
    """Ask the layout process (``_LayoutBeside``) for the guide, the handout and the room view: it makes
    them from the notebook just saved (``lay_out_apart``), while this process goes on."""
    assert work.beside is not None
    work.beside.request(work.task, work.staging)
    return work


def step_collect_layout(work: SessionWork) -> SessionWork:
    """Wait for the layout process's files; if it is gone, make them here."""
    assert work.beside is not None
    if not work.beside.collect():
        if work.nb is None:
            import nbformat

            work.nb = nbformat.read(str(work.staging / "session.ipynb"), as_version=4)
        for step in LAID_OUT_BESIDE:
            work = step(work)
    return work


STEPS = (step_execute, step_render, step_write_pdfs, step_room, step_exercise_notebook, step_publish)
#: What the layout process does (``_LayoutBeside``, with ``lay_out_apart``), as steps of this process (when it is gone),
#: and the steps of a session whose documents are laid out there.
LAID_OUT_BESIDE = (step_render, step_write_pdfs, step_room)
STEPS_BESIDE = (step_execute, step_lay_out_beside, step_exercise_notebook, step_collect_layout, step_publish)


def begin_session(task: SessionTask) -> SessionWork:
    """The session's hidden staging folder, where its files are made before they are moved into place."""
    out_dir = Path(task.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{task.position:02d}-{os.getpid()}-", dir=out_dir))
    interrupts.CURRENT_STAGING = staging
    return SessionWork(task, staging)


def build_session(task: SessionTask, executed: "_Executed | None" = None,
                  beside: "_LayoutBeside | None" = None) -> SessionResult:
    """Run every step for one session; on failure remove its partial output and keep the notebook.

    ``executed``: the session's first step already run (or tried) in a thread of this process.
    ``beside``: a process that lays out the guide and the handout while this one goes on.
    """
    started = time.perf_counter()
    out_dir = Path(task.out_dir)
    steps: tuple = STEPS_BESIDE if beside is not None else STEPS
    if executed is not None:
        work, steps = executed.take(), steps[1:]
    else:
        work = begin_session(task)
    work.beside = beside
    staging = work.staging
    try:
        if executed is not None:
            executed.raise_error()
        for step in steps:
            work = step(work)
        interrupts.forget_failed_notebook(out_dir, task.position)
        return SessionResult(task.position, task.title, "built", seconds=time.perf_counter() - started,
                             files=work.files)
    except Exception as exc:  # one session's failure must not stop the others
        message = _failure_message(exc)
        kept = _keep_failed_notebook(out_dir, task.position, staging / "session.ipynb")
        if kept:
            message += f" (the notebook, with the error at its top: {kept})"
        (out_dir / f"session-{task.position:02d}" / MANIFEST).unlink(missing_ok=True)
        return SessionResult(task.position, task.title, "failed", message, time.perf_counter() - started)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        interrupts.CURRENT_STAGING = None


class _FailedBeside(Exception):
    """A step run in another process failed; ``str()`` is what ``_failure_message`` said there."""


def _failure_message(exc: BaseException) -> str:
    """What a session's summary line says of the error that stopped it."""
    if isinstance(exc, _FailedBeside):
        return str(exc)
    if isinstance(exc, OSError):  # a full or read-only disk: say so, not the errno
        from iopkit.fsguard import explain

        return str(explain(exc))
    if isinstance(exc, SessionBuildError):
        return str(exc).split(": ", 1)[-1]
    return f"{type(exc).__name__}: {exc}"


def _keep_failed_notebook(out_dir: Path, position: int, staged: Path) -> Path | None:
    if not staged.is_file():
        return None
    target = out_dir / "failed" / f"session-{position:02d}.ipynb"
    write_atomic(target, staged.read_bytes())
    return target


def warm_engine():
    """The warm-kernel engine, as papermill registered it from our entry point.

    papermill imports ``iopkit.notebook.engine`` itself while it starts; importing that module
    before papermill would be circular, so we always ask papermill for it.
    """
    from papermill.engines import papermill_engines

    return papermill_engines.get_engine(ENGINE)


def _worker_init() -> None:
    """Each worker process: quiet logs, and a warm kernel started before the first session
    (iopkit.notebook.kernel needs jupyter_client alone: the kernel starts while papermill loads)."""
    import logging

    logging.getLogger("papermill").setLevel(logging.ERROR)
    logging.getLogger("traitlets").setLevel(logging.ERROR)
    import multiprocessing.util

    from iopkit.notebook import kernel

    kernel.start(KERNEL)
    # Pool workers leave through multiprocessing, which skips atexit: shut the kernel down here.
    multiprocessing.util.Finalize(kernel, kernel.shutdown, exitpriority=10)


def _shutdown_kernel() -> None:
    from iopkit.notebook import kernel

    kernel.shutdown()


class _LayoutBeside:
    """A process forked to lay out the one session's guide and handout (step_render, step_write_pdfs)
    while this one starts the kernel, runs the notebook and makes the room view.

    It is forked before anything else (no thread runs yet), loads WeasyPrint and lays out a small
    page while the kernel starts, and is ready when the notebook has run: laying out is the longest
    step, and this process then has only the room view to make. A plain forked process and a pipe:
    ``request`` sends the task, ``collect`` waits for the answer (None, or why it failed). If the
    process is gone, ``collect`` says so and the caller lays the documents out itself.
    """

    def __init__(self):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_lay_out_here, args=(child,), name="iopkit-layout", daemon=True)
        self.process.start()
        child.close()
        self.sent = False
        self.closed = False

    @classmethod
    def fork(cls) -> "_LayoutBeside | None":
        """One, if a process beside this one helps and is safe (``_Workers._may_fork``)."""
        if not _Workers._may_fork():
            return None
        try:
            return cls()
        except (OSError, RuntimeError):
            return None

    def request(self, task: SessionTask, staging: Path) -> None:
        try:
            self.conn.send((task, str(staging)))
            self.sent = True
        except (OSError, ValueError):
            self.sent = False

    def collect(self) -> bool:
        """True when the PDFs are in the staging folder; False when this process must make them.
        Raises what stopped the layout (a picture without alt text, a full disk) as it was worded there."""
        if not self.sent:
            return False
        self.sent = False
        try:
            reply = self.conn.recv()
        except (EOFError, OSError):
            return False
        if reply is not None:
            raise _FailedBeside(reply)
        return True

    def finish(self) -> None:
        """Nothing more to lay out: the process ends (``close`` waits for it)."""
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            self.process.terminate()

    def close(self, now: bool = False) -> None:
        if self.closed:
            return
        self.closed = True
        if now and self.process.is_alive():
            self.process.terminate()
        elif self.process.is_alive():
            self.finish()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


def _lay_out_here(conn) -> None:
    """The layout process (``_LayoutBeside``): get ready, then lay out each session it is sent."""
    import gc
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the main process's to handle
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    try:  # while it gets ready the kernel starts: the notebook comes first
        os.nice(5)
    except OSError:
        pass
    from iopkit.notebook import exporters

    try:
        exporters.warm_up()
    except Exception:  # reported when a session is laid out
        pass
    gc.freeze()
    gc.set_threshold(*_Workers.GC_THRESHOLDS)
    import nbformat

    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        task, staging = message
        try:
            work = SessionWork(task, Path(staging))
            work.nb = nbformat.read(str(work.staging / "session.ipynb"), as_version=4)
            lay_out_apart(work)
            reply = None
        except Exception as exc:
            reply = _failure_message(exc)
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Starting:
    """The warm kernel starting in a thread of this process (``_worker_init``), and then the first
    session's notebook running in it (``step_execute``), while the process itself imports and
    prepares the rest. How each went is kept for the thread that builds the sessions."""

    def __init__(self, first: SessionTask | None, only: bool = False):
        import threading

        self.first = first
        self.only = only  # the first session is the only one: its kernel can go once it has run
        self.done = threading.Event()  # the kernel is ready and the first notebook has run (or failed)
        self.ended = threading.Event()  # ... and the thread has finished (the kernel shut down, if only)
        self.error: BaseException | None = None
        self.executed: _Executed | None = None

    def run(self) -> None:
        try:
            try:
                _worker_init()
            except BaseException as exc:  # reported when the first session asks for the kernel
                self.error = exc
                return
            if self.first is not None:
                self.executed = _Executed(self.first)
                self.executed.run()
                if self.only:  # shut down here, while the session's documents are laid out
                    self.done.set()
                    _shutdown_kernel()
        finally:
            self.done.set()
            self.ended.set()

    def result(self) -> None:
        self.done.wait()
        if self.error is not None:
            raise self.error

    def discard(self) -> None:
        """The build stopped before it took the first session: remove what was made for it."""
        self.ended.wait()
        if self.executed is not None and not self.executed.taken and self.executed.work is not None:
            shutil.rmtree(self.executed.work.staging, ignore_errors=True)
            interrupts.CURRENT_STAGING = None


class _Executed:
    """One session's first step, run ahead in a thread: its work so far, or the error it raised."""

    def __init__(self, task: SessionTask):
        self.task = task
        self.work: SessionWork | None = None
        self.error: Exception | None = None
        self.taken = False

    def run(self) -> None:
        try:
            self.work = begin_session(self.task)
            self.work = step_execute(self.work)
        except Exception as exc:  # reported by build_session, as if it had run the step itself
            self.error = exc

    def take(self) -> SessionWork:
        self.taken = True
        if self.work is None:  # the staging folder itself could not be made
            raise self.error or RuntimeError("the session could not be started")
        return self.work

    def raise_error(self) -> None:
        if self.error is not None:
            raise self.error


#: Set once the sessions of the build under way are done (a multiprocessing Event, made before the
#: side process is forked so that both have it): the binder begun early waits for it.
_SESSIONS_BUILT = None


class _SessionsNotBuilt(Exception):
    """The binder begun early found a session it waited for not built (the build reports that session)."""


def _write_binder_after(plan, out_dir: Path, pending: dict[int, str]) -> list[str]:
    """The binder, begun before the sessions in ``pending`` (position: fingerprint) are built: every
    other guide goes in first, then it waits for them (in the side process, while they build)."""
    from iopkit.render import books

    def ready() -> None:
        if _SESSIONS_BUILT is not None:
            _SESSIONS_BUILT.wait()
        missing = [p for p, f in pending.items() if not _is_current(Path(out_dir) / f"session-{p:02d}", f)]
        if missing:
            raise _SessionsNotBuilt(", ".join(map(str, missing)))

    return books.write_binder(plan, Path(out_dir), frozenset(pending), ready)


def _side_ready() -> None:
    """The side process's first job: load what assembling a book needs, while the sessions build."""
    import pikepdf  # noqa: F401

    from iopkit.render import books  # noqa: F401


def _side_worker_init() -> None:
    """A process forked for one packet job: Ctrl+C is the main process's to handle, and a stop
    signal ends it at once (it has nothing half-written: its file appears whole or not at all).
    It ends without tidying up (multiprocessing ends it with os._exit), so what a book opened
    is left open rather than closed piece by piece."""
    import signal

    from iopkit.render import books

    books.LEAVE_OPEN = True
    try:  # its jobs wait for the sessions or run beside them: the sessions go first on the processors
        os.nice(10)
    except OSError:
        pass

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def _pool_worker_init() -> None:
    """A forked worker: Ctrl+C is the main process's to handle (it stops the workers), and a
    stop signal (SIGTERM, SIGHUP) removes this worker's staging folder and kernel first.

    A kernel that will not start is not an error here (it would print a traceback from the
    pool); the first session tries again and reports it in plain words.
    """
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupts.worker_stopped)
    try:
        _worker_init()
    except Exception:
        pass


# ------------------------------------------------------------------ the whole cohort

def build_cohort(cohort_file, sessions: str | None = None, out: Path | None = None, jobs: int | None = None,
                 force: bool = False, progress: bool = False, curriculum_dir: Path | None = None,
                 require_reviewed: bool = False, on_wait: Callable[[str], None] | None = None) -> BuildResult:
    """Validate, plan and build a cohort's packet; see the module docstring.

    While it reads and writes the build folder it holds the folder's lock (iopkit.pipeline.lock):
    when another build is writing there, ``on_wait`` gets one line saying so (printed to stderr
    unless given) and this build waits for it, for a bounded time.
    """
    from iopkit.errors import OptionError
    from iopkit.fsguard import output_folder
    from iopkit.limits import MAX_JOBS

    started = time.perf_counter()
    if jobs is not None and not 1 <= jobs <= MAX_JOBS:
        raise OptionError(f"--jobs: got {jobs}, expected a number of sessions to build at once from 1 to {MAX_JOBS} "
                          "(leave it out to use one per processor core)")
    if out is not None:
        output_folder(out)
    # Forked now, while little is loaded and no thread runs: if the build turns out to have one session
    # to build, this process lays out its guide and handout (it loads WeasyPrint meanwhile); else it goes.
    layout = _LayoutBeside.fork() if jobs in (None, 1) else None
    # And when the files' times say that one session changed since the last build, its kernel is
    # launched now too (only its process: no thread yet, so the build may still fork).
    early = layout is not None and not force and _likely_one_session(cohort_file, out, curriculum_dir)
    if early:
        _launch_kernel()
    try:
        return _validate_and_build(cohort_file, sessions, out, jobs, force, progress, curriculum_dir,
                                   require_reviewed, on_wait, started, layout)
    finally:
        if layout is not None:
            layout.close(now=True)
        if early:  # not needed after all (nothing to build, or many sessions), or done with
            _shutdown_kernel()


def _likely_one_session(cohort_file, out, curriculum_dir) -> bool:
    """A guess from file times alone (a millisecond or two): one session file of the curriculum is newer
    than the packet's manifest, and nothing all sessions share in the curriculum or the cohort is.
    Wrong guesses cost only a kernel launched for nothing (iopkit's own code is not looked at: a new
    version rebuilds every session, and the build shuts that kernel down before its workers start)."""
    from iopkit.planning.cohort_schema import slug_for

    try:
        cohort = Path(cohort_file)
        out_dir = Path(out) if out else Path("build") / slug_for(cohort.stem)
        stamp = (out_dir / PACKET_MANIFEST).stat().st_mtime_ns
        root = Path(curriculum_dir) if curriculum_dir else paths.curriculum_dir()
        shared = [cohort, *(root / n for n in ("program.yaml", "references.yaml", "techniques.yaml"))]
        shared += [*root.glob("individual/*.yaml"), *root.glob("translations/*.yaml")]
        if any(p.stat().st_mtime_ns > stamp for p in shared):
            return False
        sessions = [*root.glob("sessions/*.yaml"), *root.glob("electives/*.yaml"), *root.glob("aftercare/*.yaml")]
        return sum(p.stat().st_mtime_ns > stamp for p in sessions) == 1
    except OSError:
        return False


def _launch_kernel() -> None:
    from iopkit.notebook import kernel

    try:
        kernel.launch(KERNEL)
    except Exception:  # the first session starts it again, and says so in plain words if it cannot
        pass


def _validate_and_build(cohort_file, sessions, out, jobs, force, progress, curriculum_dir, require_reviewed,
                        on_wait, started: float, layout: "_LayoutBeside | None") -> BuildResult:
    from iopkit.content.curriculum import load_curriculum
    from iopkit.fsguard import output_folder
    from iopkit.planning.cohort import load_cohort
    from iopkit.planning.plan import parse_selection, plan_cohort

    curriculum = load_curriculum(curriculum_dir)
    cohort = load_cohort(cohort_file, curriculum=curriculum)
    plan = plan_cohort(cohort, curriculum)
    chosen = parse_selection(sessions, len(plan.sessions))
    if require_reviewed:
        from iopkit.content.translations import check_reviewed

        check_reviewed(plan, curriculum, chosen)
    template = paths.notebooks_dir() / TEMPLATE
    if not template.is_file():
        raise TemplateMissingError(f"The notebook template is missing: {template}. Reinstall iopkit.")
    out_dir = Path(output_folder(Path(out) if out else Path("build") / cohort.slug)).resolve()
    with build_lock(out_dir, on_wait=on_wait):  # from here on, this build alone reads and writes out_dir
        result = _build(plan, curriculum, chosen, out_dir, jobs, force, progress, layout)
    result.seconds = time.perf_counter() - started
    return result


def _build(plan, curriculum, chosen: list[int], out_dir: Path, jobs: int | None, force: bool,
           progress: bool, layout: "_LayoutBeside | None" = None) -> BuildResult:
    """The build proper, holding the folder's lock: skip what is current, build the rest, then the packet."""
    cohort = plan.cohort
    logo = cohort.folder / cohort.program.logo if cohort.program.logo else None
    shared = shared_fingerprint(curriculum.root, cohort.path, logo)

    # The notebooks get the curriculum folder only when it is not the shipped one.
    custom_root = "" if curriculum.root == paths.shipped_curriculum().resolve() else str(curriculum.root)
    results: dict[int, SessionResult] = {}
    tasks: list[SessionTask] = []
    fingerprints = {item.position: session_fingerprint(shared, item) for item in plan.sessions}
    for position in chosen:
        item = plan.at(position)
        fingerprint = fingerprints[position]
        folder = out_dir / f"session-{position:02d}"
        if not force and _is_current(folder, fingerprint):
            results[position] = SessionResult(position, item.session.title, "unchanged")
            continue
        exercise = getattr(item.session, "exercise", None)
        context = ExerciseContext.from_curriculum(curriculum, item.session).to_json() if exercise else ""
        tasks.append(SessionTask(position, item.session.title,
                                 (exercise.widget, f"Session {position}: {exercise.title}", context)
                                 if exercise else (None, "", ""),
                                 str(cohort.path), custom_root, str(out_dir), fingerprint))

    interrupts.clean_leftovers(out_dir)
    for position in results:  # unchanged: a failed notebook from an earlier try is stale
        interrupts.forget_failed_notebook(out_dir, position)
    result = BuildResult(cohort.cohort.name, out_dir, [])
    packet = _Packet(plan, out_dir, shared, fingerprints, force)
    # The binder and the workbook will be made if the sessions being built are the only ones missing.
    building = {task.position: task.fingerprint for task in tasks}
    books_due = bool(tasks) and all(_is_current(out_dir / f"session-{p:02d}", f)
                                    for p, f in fingerprints.items() if p not in building)
    individual_key = _individual_key(curriculum, shared, out_dir, force)
    with interrupts.stop_signals_interrupt(), \
            _Workers(jobs, len(tasks), beside=books_due, first=tasks[0] if tasks else None, layout=layout) as workers:
        # The calendar needs no session: it is made beside them. So is the binder, in the side
        # process, from every other guide, while the sessions build (when no other part changes).
        packet.start(workers, pending=building if books_due and individual_key is None else None)
        individual = _start_individual(packet, workers, curriculum, individual_key)  # nor do these
        result.notes += _notes(plan)  # while the first notebook runs
        for session_result in workers.build(tasks, progress):
            results[session_result.position] = session_result
        workers.sessions_built()
        if individual is not None:  # the binder and the workbook include them: let them finish first
            from concurrent.futures import wait

            wait([individual])
        result.sessions = [results[p] for p in sorted(results)]
        packet.finish(workers, result)
    return result


def _notes(plan) -> list[str]:
    """What the summary says about the cohort besides the build: missing print glyphs, the hours."""
    from iopkit.planning.hours import hours_report  # warnings only: the build goes on
    from iopkit.render.notices import cohort_notices

    report = hours_report(plan)
    return cohort_notices(plan.cohort) + report.lines() + report.warnings()


def _individual_key(curriculum, shared: str, out_dir: Path, force: bool) -> str | None:
    """The fingerprint of the orientation and step-down documents when they must be made again, else None."""
    from iopkit.render import individual_docs

    if curriculum.individual is None:
        return None
    key = individual_docs.fingerprint(shared, curriculum)
    return key if force or not individual_docs.is_current(out_dir, key) else None


def _start_individual(packet: "_Packet", workers: "_Workers", curriculum, key: str | None) -> Future | None:
    """The orientation and step-down documents (iopkit.render.individual_docs), when their inputs changed."""
    import functools

    from iopkit.render import individual_docs

    if key is None:
        return None
    packet._submit(workers, "the orientation and step-down documents",
                   functools.partial(individual_docs.write_documents, str(curriculum.root), key))
    return packet.jobs[-1][1]


# ------------------------------------------------------------------ where the work runs

def _inline(fn, *args) -> Future:
    future: Future = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:
        future.set_exception(exc)
    return future


class _Workers:
    """Where the build's jobs run: forked worker processes, each with its own warm kernel,
    or this process alone (one session to build, or none: then only the packet is made).

    ``submit`` has the shape of an executor's; jobs that cannot reach a worker (the pool
    broke because a kernel would not start) run here instead.
    """

    #: Python's garbage collector while sessions are built. Laying out a long guide makes
    #: millions of short-lived objects; with the default thresholds the collector scans the
    #: whole heap again and again and takes about a tenth of the build.
    GC_THRESHOLDS = (50_000, 50, 1_000)

    def __init__(self, jobs: int | None, sessions: int, beside: bool = False, first: SessionTask | None = None,
                 layout: "_LayoutBeside | None" = None):
        self.sessions = sessions
        self.first = first  # with one job, the session whose notebook runs while this process prepares
        self.beside = beside  # a job will run beside this process's own (the binder beside the workbook)
        self.jobs = max(1, min(jobs or os.cpu_count() or 1, sessions))
        self.pool: ProcessPoolExecutor | None = None
        self.side: ProcessPoolExecutor | None = None  # a forked process for jobs beside this one's (no pool)
        # One session to build here: its guide and handout are laid out in this process (forked by build_cohort).
        self.layout = layout if self.jobs == 1 and sessions == 1 else None
        if layout is not None and self.layout is None:
            layout.close(now=True)
        self._kernel_started = False
        self._kernel_starting = None
        self._gc = None

    def __enter__(self):
        if not self.sessions or self.jobs > 1:  # a kernel launched early is not this build's: before the fork
            _shutdown_kernel()
        if not self.sessions:
            return self
        import gc

        if self.jobs == 1:
            # Forked before the thread below exists (the layout process was forked by build_cohort).
            if self.beside:
                self._start_side()
            # The sessions run here: the kernel starts in its own process while this one imports
            # and prepares the rest (a thread waits for it), and is ready by the first session.
            import threading

            self._kernel_started = True
            self._kernel_starting = _Starting(self.first, only=self.sessions == 1)
            threading.Thread(target=self._kernel_starting.run, daemon=True, name="iopkit-kernel-start").start()
        # Import the heavy libraries and build the templates once, here: forked workers inherit them.
        import papermill  # noqa: F401
        from papermill.engines import papermill_engines  # noqa: F401  (registers the warm engine)

        if self.layout is None:  # else the guide, the handout and the room view are made there
            import weasyprint  # noqa: F401

            from iopkit import pdf  # noqa: F401
            from iopkit.notebook import exporters

            exporters.warm_up()
        # What is loaded by now lives as long as the build: the collector can stop scanning it.
        # (Collected first when workers are forked from here, so that they do not copy garbage.)
        self._gc = gc.get_threshold()
        if self.jobs > 1:
            gc.collect()
        gc.freeze()
        gc.set_threshold(*self.GC_THRESHOLDS)
        if self.jobs > 1:
            import multiprocessing

            self.pool = ProcessPoolExecutor(self.jobs, mp_context=multiprocessing.get_context("fork"),
                                            initializer=_pool_worker_init)
        return self

    def __exit__(self, exc_type, *exc_info):
        global _SESSIONS_BUILT
        if self.layout is not None:
            self.layout.close(now=exc_type is not None)
        if self.side is not None:
            if exc_type is not None:
                for process in list((getattr(self.side, "_processes", None) or {}).values()):
                    if process.is_alive():
                        process.terminate()
            self.side.shutdown(wait=True, cancel_futures=True)
            _SESSIONS_BUILT = None
        if self._kernel_starting is not None:
            if exc_type is not None and not self._kernel_starting.done.is_set():
                _shutdown_kernel()  # stopped: a notebook running ahead stops with its kernel
            self._kernel_starting.discard()  # a kernel half started is shut down with the rest
        if self.pool is not None:
            if exc_type is not None:  # Ctrl+C or a stop signal: stop the workers now (each cleans up first)
                for process in list((getattr(self.pool, "_processes", None) or {}).values()):
                    if process.is_alive():
                        process.terminate()
            self.pool.shutdown(wait=True, cancel_futures=True)
        elif self._kernel_started:
            _shutdown_kernel()
        if self._gc is not None:  # the build may run inside a counselor's kernel: leave it as it was
            import gc

            if not _command_line():
                gc.unfreeze()
            gc.set_threshold(*self._gc)

    def submit(self, fn, *args) -> Future:
        if self.pool is not None:
            try:
                return self.pool.submit(fn, *args)
            except BrokenProcessPool:
                pass
        return _inline(fn, *args)

    def sessions_built(self) -> None:
        """Every session of this build is done (built or failed): a binder waiting for them goes on."""
        if _SESSIONS_BUILT is not None:
            _SESSIONS_BUILT.set()

    @staticmethod
    def _may_fork() -> bool:
        """Whether a process beside this one helps and is safe: two cores or more, and no other thread
        running (never inside a Jupyter kernel, say): a thread holding a lock at the fork would leave
        it held in the copy for good."""
        import threading

        return (os.cpu_count() or 1) >= 2 and hasattr(os, "fork") and threading.active_count() == 1

    def _start_side(self) -> None:
        """Fork the process for ``submit_beside``, if this one may fork (``_may_fork``)."""
        if self.side is not None or not self._may_fork():
            return
        import multiprocessing

        global _SESSIONS_BUILT
        try:
            context = multiprocessing.get_context("fork")
            _SESSIONS_BUILT = context.Event()  # shared with the side process by the fork
            self.side = ProcessPoolExecutor(1, mp_context=context, initializer=_side_worker_init)
            self.side.submit(_side_ready)  # the fork happens now, not at the first real job
        except (OSError, RuntimeError):
            self.side = None

    def submit_beside(self, fn, *args) -> Future:
        """Like ``submit``, but with no pool the job runs in the side process (forked for it), so that
        this one can do the next job at the same time (the binder beside the workbook, on two cores)."""
        if self.pool is None and self.side is None:
            self._start_side()
        if self.side is not None:
            try:
                return self.side.submit(fn, *args)
            except (RuntimeError, BrokenProcessPool):
                pass
        return self.submit(fn, *args)

    def result(self, future: Future, fn, *args):
        """The job's result; a job lost with a broken pool is run again here."""
        try:
            return future.result()
        except BrokenProcessPool:
            return fn(*args)

    def build(self, tasks: list[SessionTask], progress: bool) -> list[SessionResult]:
        if not tasks:
            return []
        bar = None
        if progress:
            from tqdm import tqdm

            bar = tqdm(total=len(tasks), unit="session", desc="Building", leave=False)
        done = []
        try:
            if self.pool is None:
                try:
                    self._kernel_started = True
                    if self._kernel_starting is not None:
                        self._kernel_starting.result()
                    else:
                        _worker_init()
                except Exception as exc:
                    return [_not_started(task, exc) for task in tasks]
                ahead = self._kernel_starting.executed if self._kernel_starting is not None else None
                for task in tasks:
                    first = ahead is not None and ahead.task is task
                    done.append(build_session(task, ahead if first else None, self.layout if first else None))
                    if bar:
                        bar.update()
                if self.layout is not None:  # its work is done: let it go while the books are made
                    self.layout.finish()
            else:
                futures = {self.pool.submit(build_session, task): task for task in tasks}
                for future in as_completed(futures):
                    try:
                        done.append(future.result())
                    except BrokenProcessPool:  # a worker was killed (by a person, or for memory)
                        done.append(SessionResult(futures[future].position, futures[future].title, "failed",
                                                  WORKER_STOPPED))
                    except Exception as exc:
                        done.append(_not_started(futures[future], exc))
                    if bar:
                        bar.update()
        finally:
            if bar:
                bar.close()
        return done


# ------------------------------------------------------------------ the cohort-wide files

PACKET_MANIFEST = ".packet.json"


def calendar_fingerprint(shared: str, plan) -> str:
    """What the calendar shows: the shared inputs (code, templates, program, cohort, logo) and each
    session's number, date, times and title (iopkit.render.books.calendar_facts). A change to a
    session's text alone leaves it the same, so the calendar is not laid out again."""
    from iopkit.render.books import calendar_facts

    return _digest(shared, packet_code(), json.dumps(calendar_facts(plan)))


class _Packet:
    """The calendar when what it shows changed; the binder and the workbook once every session of
    the plan is current, when any session (or anything they all share) changed.

    ``key`` fingerprints every session's inputs and ``calendar`` what the calendar shows; the
    manifest records both and whether the binder and the workbook were made from ``key``, so a
    no-op build writes nothing and an edit of one session's text leaves the calendar alone.
    """

    def __init__(self, plan, out_dir: Path, shared: str, fingerprints: dict[int, str], force: bool):
        self.plan, self.out_dir, self.fingerprints, self.force = plan, out_dir, fingerprints, force
        self.key = _digest(shared, packet_code(), json.dumps(fingerprints, sort_keys=True))
        self.calendar = calendar_fingerprint(shared, plan)
        try:
            self.recorded = json.loads((out_dir / PACKET_MANIFEST).read_text())
        except (OSError, ValueError):
            self.recorded = {}
        self.same_inputs = not force and self.recorded.get("fingerprint") == self.key
        self.jobs: list[tuple[str, Future, object]] = []
        self.early: tuple[Future, object] | None = None  # the binder, begun while sessions build

    def _present(self, *names: str) -> bool:
        return all((self.out_dir / n).is_file() for n in names)

    def _submit(self, workers: _Workers, label: str, fn, beside: bool = False) -> None:
        self.out_dir.mkdir(parents=True, exist_ok=True)
        submit = workers.submit_beside if beside else workers.submit
        self.jobs.append((label, submit(fn, self.plan, self.out_dir), fn))

    def start(self, workers: _Workers, pending: dict[int, str] | None = None) -> None:
        """The calendar, if what it shows changed; and with ``pending`` (the sessions about to be built,
        when they are all the binder waits for) the binder, begun in the side process."""
        import functools

        from iopkit.render import books as packet

        same = not self.force and self.recorded.get("calendar") == self.calendar
        if not (same and self._present(packet.CALENDAR_ICS, packet.CALENDAR_PDF)):
            self._submit(workers, "the calendar", packet.write_calendar, beside=workers.side is not None)
        if pending and workers.side is not None:
            fn = functools.partial(_write_binder_after, pending=pending)
            self.early = (workers.submit_beside(fn, self.plan, self.out_dir), fn)

    def finish(self, workers: _Workers, result: BuildResult) -> None:
        from iopkit.render import books as packet

        complete = all(_is_current(self.out_dir / f"session-{p:02d}", f) for p, f in self.fingerprints.items())
        kept = bool(self.same_inputs and self.recorded.get("complete"))  # the books on disk match these inputs
        books = (packet.BINDER, packet.WORKBOOK)
        if complete and not (kept and self._present(*books)):
            # Side by side: the binder in another process (the longer job), the workbook here.
            if self.early is not None:
                self.jobs.append(("the facilitator binder", *self.early))
            else:
                self._submit(workers, "the facilitator binder", packet.write_binder, beside=True)
            self._submit(workers, "the participant workbook", packet.write_workbook)
        if not complete:
            if not kept:
                for name in books:  # made from other inputs: printing them would mislead
                    (self.out_dir / name).unlink(missing_ok=True)
            if not self._present(*books):
                result.notes.append(f"The facilitator binder and participant workbook are made once all "
                                    f"{len(self.fingerprints)} sessions are built.")
        failed = False
        for label, future, fn in self.jobs:
            try:
                result.extras += workers.result(future, fn, self.plan, self.out_dir)
            except Exception as exc:  # the sessions are built; say what is missing and how to retry
                failed = True
                if isinstance(exc, OSError):
                    from iopkit.fsguard import explain

                    why = str(explain(exc))
                else:
                    why = f"{type(exc).__name__}: {exc}"
                result.extra_failures.append(f"{label} could not be written ({why}); "
                                             "the session folders are complete")
        manifest = self.out_dir / PACKET_MANIFEST
        if failed:
            manifest.unlink(missing_ok=True)
            return
        recorded = {"fingerprint": self.key, "complete": complete or kept, "calendar": self.calendar}
        if self.jobs or self.recorded != recorded:
            if self.out_dir.is_dir():
                write_atomic(manifest, json.dumps(recorded))


def _command_line() -> bool:
    """Whether this process is the ``iopkit`` command itself, which ends when its build does. Then
    what the build froze stays frozen: the interpreter's last collection at exit skips it (about a
    quarter of a second sooner on a long build's heap). Anywhere else (a Jupyter kernel, a test,
    a program using the library) the collector is left as the build found it."""
    from iopkit.pipeline.lock import running_command

    return running_command().startswith("iopkit ")


def _not_started(task: SessionTask, exc: BaseException) -> SessionResult:
    return SessionResult(task.position, task.title, "failed",
                         f"the notebook could not be run: the Python kernel did not start ({exc}). "
                         "Check that ipykernel is installed: python3 -m pip install ipykernel")
