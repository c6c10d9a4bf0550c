"""PDQ for many photos at once, beside the import instead of after each item.

An import seals one file after another on the calling thread (the hashes and encryption
of each already run on helper threads inside ``ingest.seal_stream``). Each image item,
once committed and acknowledged, hands the plaintext the ingest pass kept in memory to
this pool; workers decode it (once, at the size PDQ needs) and hash it while the next
files are sealed. The results are recorded on the calling thread (the vault's SQLite
connection belongs to it) as they come, each with its own custody "hash" event.

Workers are threads: Pillow decodes and the PDQ core (called so that it releases the GIL,
see ``perceptual._native_hasher``) run in parallel on every core. Waiting images are
started largest first: a camera roll mixes 1-MB screenshots with 30-MB camera files, and
a big one started last would leave one core decoding it alone while the other idles
(measured: seven real HEIC photos, the 33-MP one last, took 1.44x Pillow's decode in
FIFO order). At most ``window`` images, and no more than ``budget`` bytes beyond the first
``workers`` of them, wait in memory, so a folder of any size needs bounded memory. A
cancelled import stops waiting: items already saved stay saved, and the PDQ of the few in
flight can be computed later (``evidence-kit pdq``).
"""

from __future__ import annotations

import heapq
import logging
import os
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TYPE_CHECKING

from ..evidence import perceptual as pq

if TYPE_CHECKING:
    from ..common.model import Item
    from .vault import Vault

log = logging.getLogger(__name__)


def worker_count() -> int:
    """One PDQ worker per core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class PdqPipeline:
    """Submit (item, bytes) pairs; ``collect`` records finished hashes on the caller's thread."""

    def __init__(self, vault: Vault, *, workers: int | None = None, budget: int = 128 * 1024 * 1024) -> None:
        self._vault = vault
        self.workers = workers or worker_count()
        self.window = 8 * self.workers
        self.budget = budget
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ek-pdq")
        self._waiting: list[tuple[int, int, str, bytes]] = []  # heap: (-size, order, item id, bytes)
        self._waiting_bytes = 0
        self._order = 0
        self._running: dict[Future[pq.PdqResult], str] = {}
        self.outcomes: dict[str, pq.PdqOutcome] = {}

    def _full(self) -> bool:
        count = len(self._waiting) + len(self._running)
        return count >= self.window or (count >= self.workers and self._waiting_bytes > self.budget)

    def submit(self, item: Item, data: bytes) -> None:
        """Queue PDQ of a committed item's bytes; blocks while the window is full."""
        while self._full():
            self._record(block=True)
        heapq.heappush(self._waiting, (-len(data), self._order, item.id, data))
        self._order += 1
        self._waiting_bytes += len(data)
        self._start()
        self._record(block=False)

    def _start(self) -> None:
        while self._waiting and len(self._running) < self.workers:
            _, _, item_id, data = heapq.heappop(self._waiting)
            self._waiting_bytes -= len(data)
            self._running[self._pool.submit(pq.pdq_job, data)] = item_id

    def _record(self, *, block: bool) -> None:
        if block and self._running:
            wait(list(self._running), return_when=FIRST_COMPLETED)
        for fut in [f for f in self._running if f.done()]:
            item_id = self._running.pop(fut)
            self._start()  # keep the cores busy before the (fsyncing) record
            self.outcomes[item_id] = self._vault.record_perceptual(item_id, fut.result())
        self._start()

    def finish(self) -> dict[str, pq.PdqOutcome]:
        """Wait for every queued hash and record it; returns outcomes by item id."""
        while self._running or self._waiting:
            self._start()
            self._record(block=True)
        self._pool.shutdown()
        return self.outcomes

    def abandon(self) -> None:
        """Stop without recording what is still running or waiting (cancel or error)."""
        self._waiting.clear()
        self._waiting_bytes = 0
        for fut in self._running:
            fut.cancel()
        self._running.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
