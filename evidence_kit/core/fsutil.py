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
