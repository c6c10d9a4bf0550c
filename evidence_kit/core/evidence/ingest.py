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
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False) if legacy else None
    sha1 = hashlib.sha1(usedforsecurity=False) if legacy else None
    head = bytearray()
    kept: bytearray | None = None
    size = 0

    def lane_a(view: memoryview) -> None:
        sha256.update(view)
        if sha1 is not None:
            sha1.update(view)

    buffers = [bytearray(BLOCK) for _ in range(_BUFFERS)]
    in_flight: deque[tuple[Future[None], Future[None] | None]] = deque()

    def settle(n: int) -> None:
        while len(in_flight) > n:
            fa, fb = in_flight.popleft()
            fa.result()
            if fb is not None:
                fb.result()

    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ek-hash-a") as pool_a,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="ek-hash-b") as pool_b,
    ):
        try:
            turn = 0
            while True:
                if cancel():
                    raise CancelledError()
                settle(_BUFFERS - 1)  # the buffer about to be refilled is no longer hashed
                buf = buffers[turn]
                turn = (turn + 1) % _BUFFERS
                n = src.readinto(buf)
                if not n:
                    break
                view = memoryview(buf)[:n]
                fa = pool_a.submit(lane_a, view)
                fb = pool_b.submit(md5.update, view) if md5 is not None else None
                in_flight.append((fa, fb))
                sink.write(view)
                if size == 0 and keep_images and 0 < total <= keep_images:
                    if sniff_media_type(bytes(view[:64]), name).startswith("image/"):
                        kept = bytearray()
                if kept is not None:
                    kept += view
                if len(head) < HEAD_BYTES:
                    head += view[: HEAD_BYTES - len(head)]
                size += n
                progress(size, total)
            settle(0)
        finally:
            # Never leave a lane running over a buffer the caller may reuse or free.
            for fa, fb in in_flight:
                fa.exception()
                if fb is not None:
                    fb.exception()
    if kept is not None and len(kept) > keep_images:
        kept = None  # the file grew while read: too big to keep after all
    return Digests(
        size=size,
        sha256=sha256.hexdigest(),
        md5=md5.hexdigest() if md5 else None,
        sha1=sha1.hexdigest() if sha1 else None,
        head=bytes(head),
        data=bytes(kept) if kept is not None else None,
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
