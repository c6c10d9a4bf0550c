"""File-system helpers: private permissions, durable atomic writes.

"Saved" means durable: write to a staging file, fsync it, rename atomically, fsync the
directory. Every write the vault makes goes through here so the rule lives in one place.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


def private_umask() -> None:
    """Files we create are readable by the owner only."""
    os.umask(0o077)


def ensure_private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, 0o700)


def fsync_dir(path: Path) -> None:
    """Make a rename or create inside ``path`` durable (POSIX needs the directory fsynced)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_writer(target: Path, staging_dir: Path | None = None) -> Iterator[BinaryIO]:
    """Yield a file; on clean exit it is fsynced and atomically renamed to ``target``.

    On error the staging file is removed and ``target`` is untouched.
    """
    staging = staging_dir or target.parent
    tmp = staging / f".{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    f = os.fdopen(fd, "wb")
    try:
        yield f
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(tmp, target)
        fsync_dir(target.parent)
        if staging != target.parent:
            fsync_dir(staging)
    except BaseException:
        f.close()
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def atomic_write_bytes(target: Path, data: bytes, staging_dir: Path | None = None) -> None:
    with atomic_writer(target, staging_dir) as f:
        f.write(data)


class EarlyWriteback:
    """A file wrapper that asks the kernel to write data out while we are still producing it.

    Every ``every`` bytes it starts an ``fdatasync`` on a helper thread (skipping one if the
    previous has not finished), so the disk works in parallel with hashing and encryption
    and the final fsync, the one that makes an item "saved", has little left to do.
    """

    def __init__(self, f: BinaryIO, every: int = 8 * 1024 * 1024) -> None:
        from concurrent.futures import Future, ThreadPoolExecutor

        self._f = f
        self._every = every
        self._written = 0
        self._mark = 0
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ek-writeback")
        self._pending: Future[None] | None = None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        n = self._f.write(data)
        self._written += len(data)
        if self._written - self._mark >= self._every and (self._pending is None or self._pending.done()):
            if self._pending is not None:
                self._pending.result()  # surface an I/O error from the last one
            self._f.flush()
            self._mark = self._written
            self._pending = self._pool.submit(os.fdatasync, self._f.fileno())
        return n

    def finish(self) -> None:
        """Flush and fsync: after this returns the bytes are on stable storage."""
        try:
            if self._pending is not None:
                self._pending.result()
            self._f.flush()
            os.fsync(self._f.fileno())
        finally:
            self._pool.shutdown(wait=True)

    def abort(self) -> None:
        self._pool.shutdown(wait=True)
