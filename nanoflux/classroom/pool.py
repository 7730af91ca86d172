"""The classroom app's kernels: a pool started before the lesson, and never more kernels than places.

Voila 0.5 starts one kernel per page load, without limit (20 page loads at once left 25 kernels and 2.8 GB),
and its preheated pool replaces every kernel taken from it: with a pool of 30, a class of 30 ends with 60
kernels, 30 of them started while the class works. :func:`capped` wraps the kernel manager class Voila builds
(``voila.app.voila_kernel_manager_factory``) so that

* every kernel handed to a page is counted as a student's (``students``), as are the pages being served
  (``arriving``), and ``free_places()`` says how many more pages may be served (the page handler answers
  "the class is full" at 0);
* the pool is filled only up to the places left: students plus pooled kernels never exceed ``max_students``
  (the app's option), and a place freed (a tab closed, a kernel culled) warms a kernel for the next student;
* nothing is refilled while the app shuts down.

Each kernel's own output (a warning, a traceback while it stops because a page closed) goes to ``kernels.log`` in
the app's temporary folder, not to the teacher's terminal (:class:`QuietKernelManager`, voila.json's
``MappingKernelManager.kernel_manager_class``).

It relies on Voila 0.5's kernel manager internals (``_pools``, ``kernel_pools_config``, ``get_rendered_notebook``,
``fill_if_needed``), pinned by pyproject's ``voila>=0.5,<0.6`` and tested by tests/test_classroom_server.py.
"""
from __future__ import annotations

import contextvars
import math
import os
import tempfile

from jupyter_server.services.kernels.kernelmanager import ServerKernelManager


class QuietKernelManager(ServerKernelManager):
    """A kernel whose standard output and error go to ``kernels.log`` in the app's temporary folder (TMPDIR)."""

    async def _async_pre_start_kernel(self, **kw):
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        if "stdout" not in kw and "stderr" not in kw:
            log = open(os.path.join(tempfile.gettempdir(), "kernels.log"), "ab")
            kw["stdout"] = kw["stderr"] = log
        return cmd, kw

    pre_start_kernel = _async_pre_start_kernel


#: The page being served in this request's task, while it waits for its kernel: {"waiting": True} until a kernel is
#: its (the manager then counts it among the students, no longer among the arriving), set by the page handler.
ARRIVAL: contextvars.ContextVar[dict | None] = contextvars.ContextVar("nanoflux_arrival", default=None)


def arrived(manager) -> None:
    """This request's page has its kernel: it stops counting as arriving (once), for it counts as a student now."""
    arrival = ARRIVAL.get()
    if arrival is not None and arrival["waiting"]:
        arrival["waiting"] = False
        manager.arriving -= 1


def capped(original):
    """A replacement for ``voila.app.voila_kernel_manager_factory`` whose classes count places (see the module)."""

    def factory(base_class, preheat_kernel, default_pool_size, page_config_hook=None):
        cls = original(base_class, preheat_kernel, default_pool_size, page_config_hook=page_config_hook)

        class ClassroomKernelManager(cls):
            """Voila's kernel manager, with places (see nanoflux.classroom.pool)."""

            def __init__(self, **kwargs):
                self.students: set[str] = set()
                self.arriving = 0
                self._closing = False
                super().__init__(**kwargs)

            @property
            def places(self) -> int:
                return int(getattr(self.parent, "max_students", 0) or 0)

            def taken(self) -> int:
                """Places held by a page's kernel, or by a page being served."""
                return len(self.students.intersection(self.list_kernel_ids())) + self.arriving

            def free_places(self) -> float:
                return max(0, self.places - self.taken()) if self.places else math.inf

            def fill_if_needed(self, delay=None, notebook_name=None, **kwargs):
                if self._closing:
                    return None
                if self.places:
                    target = max(0, min(default_pool_size, self.places - self.taken()))
                    default = {**self.kernel_pools_config.get("default", {}), "pool_size": target}
                    self.kernel_pools_config = {**self.kernel_pools_config, "default": default}
                return super().fill_if_needed(delay=delay, notebook_name=notebook_name, **kwargs)

            async def get_rendered_notebook(self, *args, **kwargs):
                task, rendered, kernel_id = await super().get_rendered_notebook(*args, **kwargs)
                self.students.add(kernel_id)
                arrived(self)  # in the same step: the page is never counted twice (a student and arriving)
                return task, rendered, kernel_id

            async def start_kernel(self, *args, **kwargs):
                # Only the page handler calls this method; the pool starts its kernels through the base class.
                kernel_id = await super().start_kernel(*args, **kwargs)
                self.students.add(kernel_id)
                arrived(self)
                return kernel_id

            async def shutdown_kernel(self, kernel_id, *args, **kwargs):
                result = await super().shutdown_kernel(kernel_id, *args, **kwargs)
                if kernel_id in self.students:
                    self.students.discard(kernel_id)
                    if preheat_kernel and getattr(self, "notebook_path", None) is not None:
                        self.fill_if_needed(notebook_name=self.notebook_path)  # a place is free: warm its kernel
                return result

            async def shutdown_all(self, *args, **kwargs):
                self._closing = True
                return await super().shutdown_all(*args, **kwargs)

        return ClassroomKernelManager

    return factory
