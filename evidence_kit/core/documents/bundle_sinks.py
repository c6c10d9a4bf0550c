"""Where an export bundle's files go: a folder or a stored ZIP (optionally age-encrypted).

Plaintext is written only to the output the user chose: a folder is assembled in a
hidden staging folder beside it and renamed into place when complete; a ZIP is written
to a staging file and renamed; an encrypted bundle streams the ZIP straight into an age
(scrypt passphrase) writer, so the unencrypted ZIP never exists on disk. Each file's
SHA-256 is computed as it is written (for SHA256SUMS).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import shutil
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from ..common import winnames
from ..common.fsutil import fsync_dir
from ..crypto import age_recipients, age_stream
from .snapshot import EVIDENCE_DIR


class BundleSink:
    """Where bundle files go; each file's SHA-256 is computed as it is written."""

    def __init__(self) -> None:
        self.sums: dict[str, str] = {}

    def write(self, rel: str, chunks: Iterable[bytes], size: int | None = None) -> tuple[str, int]:
        why = winnames.path_problem(rel)
        if why:  # a bug of ours: a bundle Windows cannot unpack must not be made
            raise ValueError(f"bundle path not valid on Windows ({why}): {rel!r}")
        h = hashlib.sha256()
        n = 0
        with self._open(rel, size) as f:
            for chunk in chunks:
                h.update(chunk)
                f.write(chunk)
                n += len(chunk)
        digest = h.hexdigest()
        self.sums[rel] = digest
        return digest, n

    def write_bytes(self, rel: str, data: bytes) -> str:
        return self.write(rel, [data], len(data))[0]

    @contextlib.contextmanager
    def _open(self, rel: str, size: int | None) -> Iterator[BinaryIO]:
        raise NotImplementedError
        yield  # pragma: no cover

    def finish(self) -> None:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError


class FolderSink(BundleSink):
    def __init__(self, out: Path) -> None:
        super().__init__()
        self.out = out
        self.staging = out.parent / f".{out.name}.part-{secrets.token_hex(4)}"
        self.staging.mkdir(mode=0o700)

    @contextlib.contextmanager
    def _open(self, rel: str, size: int | None) -> Iterator[BinaryIO]:
        p = self.staging / rel
        p.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())

    def finish(self) -> None:
        for d in (self.staging / EVIDENCE_DIR, self.staging):
            if d.is_dir():
                fsync_dir(d)
        os.rename(self.staging, self.out)
        fsync_dir(self.out.parent)

    def abort(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


class CountingWriter:
    """A write-only stream for zipfile (it needs ``write`` to return the count)."""

    def __init__(self, sink: Callable[[bytes], None]) -> None:
        self._sink = sink

    def write(self, b: bytes | bytearray | memoryview) -> int:
        data = bytes(b)
        self._sink(data)
        return len(data)

    def flush(self) -> None:
        return None


class ZipSink(BundleSink):
    """A stored (uncompressed) ZIP, to a staging file or into an age passphrase stream."""

    def __init__(self, out: Path, *, passphrase: str | None, work_factor: int, when: datetime) -> None:
        super().__init__()
        self.out = out
        self.tmp = out.parent / f".{out.name}.part-{secrets.token_hex(4)}"
        fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._file = os.fdopen(fd, "wb")
        self._age: age_stream.AgeWriter | None = None
        self._when = when.timetuple()[:6]
        target: Any = self._file
        if passphrase is not None:
            recipient = age_recipients.ScryptRecipient(passphrase, work_factor=work_factor)
            self._age = age_stream.AgeWriter(self._file, [recipient])
            target = CountingWriter(self._age.write)
        self.zf = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True)

    @contextlib.contextmanager
    def _open(self, rel: str, size: int | None) -> Iterator[BinaryIO]:
        zi = zipfile.ZipInfo(rel, date_time=self._when)
        zi.compress_type = zipfile.ZIP_STORED
        zi.external_attr = 0o100644 << 16  # a regular file, rw-r--r--
        zi.create_system = 3
        if size is not None:
            zi.file_size = size
        with self.zf.open(zi, "w", force_zip64=size is None or size > 0x7FFF0000) as f:
            yield f  # type: ignore[misc]

    def finish(self) -> None:
        self.zf.close()
        if self._age is not None:
            self._age.close()
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        os.rename(self.tmp, self.out)
        fsync_dir(self.out.parent)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.zf.close()
        with contextlib.suppress(Exception):
            self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()



def open_sink(kind: str, out: Path, *, passphrase: str | None, work_factor: int, when: datetime) -> BundleSink:
    """The sink for a bundle ``kind`` ("folder", "zip" or "zip.age")."""
    if kind == "folder":
        return FolderSink(out)
    return ZipSink(out, passphrase=passphrase if kind == "zip.age" else None, work_factor=work_factor, when=when)
