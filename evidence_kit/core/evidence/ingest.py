"""Read a source once: all three hashes and the encryption in the same pass.

Memory stays flat (six reusable 1 MiB buffers) for files of any size. The hashes run on
two helper threads while the main thread encrypts the same buffer: hashlib and
cryptography release the GIL for large buffers, so the three hashes (MD5, the slowest,
alone on one lane; SHA-256 and SHA-1 on the other) overlap with sealing instead of
following it. MD5 and SHA-1 are what many police forensic tools still ask for; computing
them here, for every size, means nothing is ever decrypted again to add them later.

Each hash lane is a single-thread executor so its updates stay in file order; a buffer is
refilled only after both lanes are done with it. The threads live only inside one call:
they are an implementation detail of a single pass, not a background job.

Small images are also kept in memory (``keep_images``) so that metadata and PDQ come from
the very bytes just hashed, decoded once, without reading the sealed copy back.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from ..common.errors import CancelledError
from .metadata import HEAD_BYTES, sniff_media_type

BLOCK = 1024 * 1024
_BUFFERS = 6  # one being read while the rest are hashed and sealed: slack for a busy machine
# Kept for callers of older versions; every size now gets all three hashes inline.
LEGACY_INLINE_LIMIT = 1 << 62

Progress = Callable[[int, int], None]  # (bytes done, bytes total or 0 when unknown)
Cancel = Callable[[], bool]


class Readable(Protocol):
    def readinto(self, buffer: bytearray | memoryview, /) -> int | None: ...


class ChunkSink(Protocol):
    def write(self, data: bytes | memoryview) -> None: ...


@dataclass
class Digests:
    size: int
    sha256: str
    md5: str | None
    sha1: str | None
    head: bytes  # first bytes, kept in memory for metadata parsing
    data: bytes | None = None  # the whole plaintext, only for small images (``keep_images``)


def no_progress(done: int, total: int) -> None:
    return None


def never_cancel() -> bool:
    return False


class _Lanes:
    """SHA-256 (and SHA-1) on one worker, MD5 on the other, each fed buffers in file order."""

    def __init__(self, legacy: bool) -> None:
        self.sha256 = hashlib.sha256()
        self.md5 = hashlib.md5(usedforsecurity=False) if legacy else None
        self.sha1 = hashlib.sha1(usedforsecurity=False) if legacy else None
        self.in_flight: deque[tuple[Future[None], Future[None] | None]] = deque()

    def _lane_a(self, view: memoryview) -> None:
        self.sha256.update(view)
        if self.sha1 is not None:
            self.sha1.update(view)

    def submit(self, pool_a: ThreadPoolExecutor, pool_b: ThreadPoolExecutor, view: memoryview) -> None:
        fa = pool_a.submit(self._lane_a, view)
        fb = pool_b.submit(self.md5.update, view) if self.md5 is not None else None
        self.in_flight.append((fa, fb))

    def settle(self, n: int) -> None:
        """Wait until at most ``n`` buffers are still being hashed (raising a lane's error)."""
        while len(self.in_flight) > n:
            fa, fb = self.in_flight.popleft()
            fa.result()
            if fb is not None:
                fb.result()

    def wait_all(self) -> None:
        # Never leave a lane running over a buffer the caller may reuse or free.
        for fa, fb in self.in_flight:
            fa.exception()
            if fb is not None:
                fb.exception()


class _Head:
    """The first bytes of a stream, and the whole of a small image (``keep_images``)."""

    def __init__(self, keep_images: int, total: int, name: str) -> None:
        self.keep_images, self.total, self.name = keep_images, total, name
        self.head = bytearray()
        self.kept: bytearray | None = None

    def add(self, view: memoryview, offset: int) -> None:
        if offset == 0 and self.keep_images and 0 < self.total <= self.keep_images:
            if sniff_media_type(bytes(view[:64]), self.name).startswith("image/"):
                self.kept = bytearray()
        if self.kept is not None:
            self.kept += view
        if len(self.head) < HEAD_BYTES:
            self.head += view[: HEAD_BYTES - len(self.head)]

    def data(self) -> bytes | None:
        if self.kept is None or len(self.kept) > self.keep_images:
            return None  # not an image, or the file grew while read: too big to keep after all
        return bytes(self.kept)


def seal_stream(
    src: Readable,
    sink: ChunkSink,
    *,
    total: int = 0,
    legacy: bool = True,
    keep_images: int = 0,
    name: str = "",
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> Digests:
    """Hash (SHA-256, and MD5 + SHA-1 unless ``legacy`` is False) and write ``src`` to ``sink``.

    ``keep_images``: when the stream is an image (sniffed from its first bytes and ``name``)
    of at most this many bytes, its whole plaintext comes back in ``Digests.data``.
    """
    lanes = _Lanes(legacy)
    first = _Head(keep_images, total, name)
    size = 0
    buffers = [bytearray(BLOCK) for _ in range(_BUFFERS)]
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ek-hash-a") as pool_a,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ek-hash-b") as pool_b,
    ):
        try:
            turn = 0
            while True:
                if cancel():
                    raise CancelledError()
                lanes.settle(_BUFFERS - 1)  # the buffer about to be refilled is no longer hashed
                buf = buffers[turn]
                turn = (turn + 1) % _BUFFERS
                n = src.readinto(buf)
                if not n:
                    break
                view = memoryview(buf)[:n]
                lanes.submit(pool_a, pool_b, view)
                sink.write(view)
                first.add(view, size)
                size += n
                progress(size, total)
            lanes.settle(0)
        finally:
            lanes.wait_all()
    return Digests(
        size=size,
        sha256=lanes.sha256.hexdigest(),
        md5=lanes.md5.hexdigest() if lanes.md5 else None,
        sha1=lanes.sha1.hexdigest() if lanes.sha1 else None,
        head=bytes(first.head),
        data=first.data(),
    )


def legacy_digests(
    chunks: Iterable[bytes], progress: Progress = no_progress, total: int = 0, cancel: Cancel = never_cancel
) -> tuple[str, str, str, int]:
    """(sha256, md5, sha1, size) over decrypted chunks: only for items saved by older
    versions, which deferred MD5/SHA-1 of large files to after the save."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    size = 0
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ek-hash") as pool:
        for chunk in chunks:
            if cancel():
                raise CancelledError()
            f1 = pool.submit(md5.update, chunk)
            f2 = pool.submit(sha1.update, chunk)
            sha256.update(chunk)
            f1.result()
            f2.result()
            size += len(chunk)
            progress(size, total)
    return sha256.hexdigest(), md5.hexdigest(), sha1.hexdigest(), size
