"""A papermill engine that runs each notebook in this process's warm kernel (iopkit.notebook.kernel).

A notebook that fails or times out takes its kernel with it: the next one starts fresh.

papermill imports this module through the ``papermill.engine`` entry point while it
starts up, so other code gets the engine from papermill
(``papermill_engines.get_engine("iopkit_warm")``) and never imports this module first.
"""
from __future__ import annotations

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import Engine
from papermill.log import logger
from papermill.utils import merge_kwargs, remove_args

from iopkit.notebook import kernel as warm_kernel


class WarmKernelEngine(Engine):
    """papermill engine: execute each notebook in this process's warm, freshly reset kernel."""

    @classmethod
    def kernel(cls, kernel_name: str, startup_timeout: float = 60):
        return warm_kernel.warm(kernel_name, startup_timeout)

    @classmethod
    def shutdown(cls) -> None:
        warm_kernel.shutdown()

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, **kwargs):
        warm = cls.kernel(kernel_name, start_timeout)
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final = merge_kwargs(kwargs, timeout=execution_timeout or 120, startup_timeout=start_timeout,
                             kernel_name=kernel_name, log=logger, log_output=log_output,
                             stdout_file=stdout_file, stderr_file=stderr_file)
        client = PapermillNotebookClient(nb_man, km=warm.km, **final)
        client.kc = warm.kc  # reuse the open channels: nbclient leaves a client it did not make
        try:
            result = client.execute()
        except BaseException:
            cls.shutdown()
            raise
        if any(cell.get("metadata", {}).get("papermill", {}).get("exception") for cell in nb_man.nb.cells):
            cls.shutdown()  # a notebook that raised may have left the kernel in any state
        return result
