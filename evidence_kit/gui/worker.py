"""The one place that owns background work in the app.

Core functions take plain ``progress(done, total)`` and ``cancel()`` callbacks; a job runs
such a function on the worker's thread pool and turns the callbacks into Qt signals that
are delivered on the GUI thread. The worker keeps a reference to every job until its last
signal has been handled, and on lock or close it cancels, then waits ("QThread destroyed
while running" is the classic crash this avoids).

The vault is used by one thread at a time: the pool has a single thread, and while a job
runs the window disables every action that would touch the vault.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.05  # seconds between progress signals: enough for a smooth bar


class JobContext:
    """What a job function is given: callbacks to pass straight to the core."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self._last = 0.0

    def progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= PROGRESS_INTERVAL:
            self._last = now
            self._job.sig_progress.emit(done, total)

    def cancelled(self) -> bool:
        return self._job.is_cancelled()

    def emit(self, obj: Any) -> None:
        """Hand a partial result (an imported item) to the GUI thread."""
        self._job.sig_item.emit(obj)


class _Runnable(QRunnable):
    def __init__(self, job: Job) -> None:
        super().__init__()
        self.setAutoDelete(False)  # the job owns it, so Python and Qt never disagree on lifetime
        self._job = job

    def run(self) -> None:
        job = self._job
        try:
            result = job.fn(JobContext(job))
        except Exception as e:  # every failure goes back to the GUI thread to be shown
            log.debug("job %s failed", job.name, exc_info=True)
            job.sig_failed.emit(e)
        else:
            job.sig_done.emit(result)


class Job(QObject):
    """One background call. Callbacks run on the GUI thread; none run after :meth:`discard`."""

    sig_progress = Signal(object, object)  # object, not int: file sizes overflow a C int
    sig_item = Signal(object)
    sig_done = Signal(object)
    sig_failed = Signal(object)

    def __init__(self, worker: Worker, fn: Callable[[JobContext], Any], name: str) -> None:
        super().__init__(worker)
        self.fn = fn
        self.name = name
        self.on_progress: Callable[[int, int], None] | None = None
        self.on_item: Callable[[Any], None] | None = None
        self.on_done: Callable[[Any], None] | None = None
        self.on_error: Callable[[Exception], None] | None = None
        self._worker = worker
        self._cancel = threading.Event()
        self._discarded = False
        self.runnable = _Runnable(self)
        self.sig_progress.connect(self._deliver_progress)
        self.sig_item.connect(self._deliver_item)
        self.sig_done.connect(self._deliver_done)
        self.sig_failed.connect(self._deliver_failed)

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def discard(self) -> None:
        """Cancel and drop every callback still to come (the window is being locked)."""
        self._discarded = True
        self.cancel()

    def _deliver_progress(self, done: int, total: int) -> None:
        if not self._discarded and self.on_progress:
            self.on_progress(int(done), int(total))

    def _deliver_item(self, obj: Any) -> None:
        if not self._discarded and self.on_item:
            self.on_item(obj)

    def _deliver_done(self, result: Any) -> None:
        self._worker._finished(self)
        if not self._discarded and self.on_done:
            self.on_done(result)

    def _deliver_failed(self, error: Exception) -> None:
        self._worker._finished(self)
        if not self._discarded and self.on_error:
            self.on_error(error)


class Worker(QObject):
    """Runs jobs one at a time on a private thread pool."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._jobs: list[Job] = []

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def start(
        self,
        fn: Callable[[JobContext], Any],
        *,
        name: str = "job",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_item: Callable[[Any], None] | None = None,
    ) -> Job:
        job = Job(self, fn, name)
        job.on_done, job.on_error, job.on_progress, job.on_item = on_done, on_error, on_progress, on_item
        was_busy = self.busy
        self._jobs.append(job)
        self._pool.start(job.runnable)
        if not was_busy:
            self.busy_changed.emit(True)
        return job

    def cancel_all(self) -> None:
        for job in self._jobs:
            job.cancel()

    def shutdown(self, timeout_ms: int = 30_000) -> bool:
        """Cancel every job, drop their callbacks, wait for the thread. True if all stopped."""
        for job in self._jobs:
            job.discard()
        self._pool.clear()  # jobs queued but not started never run
        ok = self._pool.waitForDone(timeout_ms)
        if not ok:
            log.warning("a background job did not stop in time")
        had = self.busy
        for job in self._jobs:
            job.deleteLater()
        self._jobs.clear()
        if had:
            self.busy_changed.emit(False)
        return ok

    def _finished(self, job: Job) -> None:
        if job in self._jobs:
            self._jobs.remove(job)
            job.deleteLater()
            if not self._jobs:
                self.busy_changed.emit(False)
