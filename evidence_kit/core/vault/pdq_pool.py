"""PDQ for many photos at once, beside the import instead of after each item.

An import seals one file after another on the calling thread (the hashes and encryption
of each already run on helper threads inside ``ingest.seal_stream``). Each image item,
once committed and acknowledged, hands the plaintext the ingest pass kept in memory to
this pool; workers decode it (once, at the size PDQ needs) and hash it while the next
files are sealed. The results are recorded on the calling thread (the vault's SQLite
connection belongs to it) as they come, each with its own custody "hash" event.

Workers are threads: Pillow decodes and the PDQ core (called so that it releases the GIL,
see ``perceptual._native_hasher``) run in parallel on every core. At most ``window``
images wait in memory, so a folder of any size needs bounded memory. A cancelled import
stops waiting: items already saved stay saved, and the PDQ of the few in flight can be
computed later (``evidence-kit pdq``).
"""

from __future__ import annotations

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

    def __init__(self, vault: Vault, *, workers: int | None = None) -> None:
        self._vault = vault
        self.workers = workers or worker_count()
        self.window = 2 * self.workers
        self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="ek-pdq")
        self._pending: dict[Future[pq.PdqResult], str] = {}
        self.outcomes: dict[str, pq.PdqOutcome] = {}

    def submit(self, item: Item, data: bytes) -> None:
        """Queue PDQ of a committed item's bytes; blocks while ``window`` are in flight."""
        while len(self._pending) >= self.window:
            self._record(block=True)
        self._pending[self._pool.submit(pq.pdq_job, data)] = item.id
        self._record(block=False)

    def _record(self, *, block: bool) -> None:
        if block and self._pending:
            wait(list(self._pending), return_when=FIRST_COMPLETED)
        for fut in [f for f in self._pending if f.done()]:
            item_id = self._pending.pop(fut)
            self.outcomes[item_id] = self._vault.record_perceptual(item_id, fut.result())

    def finish(self) -> dict[str, pq.PdqOutcome]:
        """Wait for every queued hash and record it; returns outcomes by item id."""
        while self._pending:
            self._record(block=True)
        self._pool.shutdown()
        return self.outcomes

    def abandon(self) -> None:
        """Stop without recording what is still running (cancel or error)."""
        for fut in self._pending:
            fut.cancel()
        self._pending.clear()
        self._pool.shutdown(wait=True, cancel_futures=True)
