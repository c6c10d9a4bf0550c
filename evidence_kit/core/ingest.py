"""Read a source once: hash the plaintext and encrypt it in the same pass.

Memory stays flat (one reusable 1 MiB buffer) for files of any size. SHA-256 runs on a
helper thread while the main thread encrypts the same buffer: hashlib and cryptography
both release the GIL, so on two cores the pass costs about what hashing alone costs.
The thread lives only inside one call; it is an implementation detail of a single pass,
not a background job (those belong to the GUI worker helper).

MD5 and SHA-1 (which many police forensic tools still ask for) cost more than SHA-256
and encryption together, so for large files they are computed right after the item is
durable, from the sealed copy whose SHA-256 is checked in the same pass (see
``Vault.complete_legacy_hashes``). SHA-256 at collection is what ties the copy to the
original.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

from .errors import CancelledError
from .metadata import HEAD_BYTES

BLOCK = 1024 * 1024
LEGACY_INLINE_LIMIT = 64 * 1024 * 1024

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
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> Digests:
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False) if legacy else None
    sha1 = hashlib.sha1(usedforsecurity=False) if legacy else None
    head = bytearray()
    size = 0

    def update(view: memoryview) -> None:
        sha256.update(view)
        if md5 is not None and sha1 is not None:
            md5.update(view)
            sha1.update(view)

    buffers = (bytearray(BLOCK), bytearray(BLOCK))
    turn = 0
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ek-hash") as pool:
        while True:
            if cancel():
                raise CancelledError()
            buf = buffers[turn]
            turn ^= 1
            n = src.readinto(buf)
            if not n:
                break
            view = memoryview(buf)[:n]
            fut = pool.submit(update, view)
            sink.write(view)
            fut.result()
            if len(head) < HEAD_BYTES:
                head += view[: HEAD_BYTES - len(head)]
            size += n
            progress(size, total)
    return Digests(
        size=size,
        sha256=sha256.hexdigest(),
        md5=md5.hexdigest() if md5 else None,
        sha1=sha1.hexdigest() if sha1 else None,
        head=bytes(head),
    )


def legacy_digests(
    chunks: Iterable[bytes], progress: Progress = no_progress, total: int = 0, cancel: Cancel = never_cancel
) -> tuple[str, str, str, int]:
    """(sha256, md5, sha1, size) over decrypted chunks, for deferred legacy hashes."""
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
