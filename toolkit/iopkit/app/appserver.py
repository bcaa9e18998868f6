"""What ``iopkit app`` gives Voilà so that only the person who started it can use it.

Voilà answers any Host header (it sets ``allow_remote_access``), has no token unless asked,
and starts a kernel for every page load. ``iopkit.app.launch.app_command`` passes a token, turns
the Host check back on through ``Voila.tornado_settings`` (only 127.0.0.1 and localhost: a
web page reached through DNS rebinding is refused) and uses the kernel manager below, which
refuses to start more than ``limits.MAX_APP_KERNELS`` kernels at once and shuts down kernels
left idle.
"""
from __future__ import annotations

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer, default

from iopkit.limits import MAX_APP_KERNELS

#: Kernels with no open page and no activity for this long are shut down (seconds).
IDLE_SECONDS = 1800


class CappedKernelManager(AsyncMappingKernelManager):
    """A kernel per page, as Voilà expects, but never more than ``max_kernels`` at once."""

    max_kernels = Integer(MAX_APP_KERNELS, config=True, help="Most kernels running at once.")

    @default("cull_idle_timeout")
    def _default_cull_idle_timeout(self):
        return IDLE_SECONDS

    async def start_kernel(self, *args, **kwargs):
        if len(self.list_kernel_ids()) >= self.max_kernels:
            raise web.HTTPError(503, reason="Too many open pages", log_message=(
                f"iopkit app: {self.max_kernels} pages are open already; close one (or press Ctrl+C and start "
                "iopkit app again) before opening another."))
        return await super().start_kernel(*args, **kwargs)
