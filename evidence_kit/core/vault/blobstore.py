"""Sealed evidence files: ``blobs/ab/<random>.age``, written through ``staging/``.

A blob is encrypted into ``staging/`` while it is hashed, fsynced, then renamed
atomically into ``blobs/`` under a random name and the directory fsynced. Only ciphertext
ever reaches the disk. A blob whose record did not commit is moved to ``quarantine/``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from ..common.errors import CancelledError, IntegrityError, NotFoundError
from ..common.fsutil import EarlyWriteback, ensure_private_dir, fsync_dir
from ..crypto import age, age_stream
from ..crypto.keys import Keyring
from ..evidence.ingest import Cancel, Digests, Progress, Readable, never_cancel, no_progress, seal_stream


def not_retained() -> NotFoundError:
    return NotFoundError(
        "original not retained",
        ko="기록 전용 항목이라 원본이 보관되어 있지 않습니다.",
        en="This is a record-only item: the original is not kept.",
    )


class BlobStore:
    """The sealed files of one vault folder."""

    def __init__(self, path: Path, keys: Keyring) -> None:
        self.path = path
        self.keys = keys

    def blob_path(self, name: str) -> Path:
        return self.path / "blobs" / name[:2] / name

    # ---------------------------------------------------------------- writing

    def seal_to_staging(
        self,
        src: Readable,
        *,
        total: int,
        legacy: bool,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        keep_images: int = 0,
        name: str = "",
    ) -> tuple[Path, Digests]:
        """Encrypt ``src`` into a staging file while hashing it; fsynced on return."""
        staging = self.path / "staging" / f"{secrets.token_hex(8)}.part"
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb", buffering=1 << 20) as f:
                sink = EarlyWriteback(f)
                try:
                    writer = age_stream.AgeWriter(sink, [self.keys.identity.recipient()])
                    digests = seal_stream(
                        src,
                        writer,
                        total=total,
                        legacy=legacy,
                        keep_images=keep_images,
                        name=name,
                        progress=progress,
                        cancel=cancel,
                    )
                    writer.close()
                    sink.finish()
                except BaseException:
                    sink.abort()
                    raise
        except BaseException:
            discard(staging)
            raise
        return staging, digests

    def commit(self, staging: Path) -> tuple[str, Path]:
        """Atomically move a fsynced staging file into ``blobs/`` under a random name."""
        blob = secrets.token_hex(16) + ".age"
        final = self.blob_path(blob)
        try:
            ensure_private_dir(final.parent)
            os.replace(staging, final)
            fsync_dir(final.parent)
        except BaseException:
            discard(staging)
            raise
        return blob, final

    def quarantine(self, blob: str, final: Path) -> None:
        """A blob whose record did not commit: an orphan, set aside at once rather than
        waiting for the next start."""
        with contextlib.suppress(OSError):
            os.replace(final, self.path / "quarantine" / blob)

    # ---------------------------------------------------------------- reading

    def _open_raw(self, blob: str) -> io.BufferedReader:
        try:
            return self.blob_path(blob).open("rb")
        except FileNotFoundError as e:
            raise IntegrityError(f"evidence file {blob} is missing") from e

    def iter_plaintext(self, blob: str) -> Iterator[bytes]:
        """Authenticated plaintext chunks of a blob (in memory only)."""
        with self._open_raw(blob) as f:
            try:
                reader = age_stream.AgeReader(f, [self.keys.identity])
                yield from reader.chunks()
            except age.AgeError as e:
                raise IntegrityError(f"evidence file {blob} was changed: {e}") from e

    def open_checked(
        self,
        blob: str,
        *,
        sha256: str,
        size: int,
        label: str,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> io.BufferedReader:
        """A seekable plaintext view of a blob, decrypting only the chunks read, after one
        pass through the same open file has matched ``sha256`` and ``size``."""
        from ..crypto.agereader import open_sealed

        raw = self._open_raw(blob)
        try:
            f = open_sealed(raw, [self.keys.identity], owns_src=True)
        except age.AgeError as e:
            raw.close()
            raise IntegrityError(f"evidence file {blob} was changed: {e}") from e
        try:
            h = hashlib.sha256()
            n = 0
            while chunk := f.read(1024 * 1024):
                h.update(chunk)
                n += len(chunk)
                progress(n, size)
                if cancel():
                    raise CancelledError()
            if h.hexdigest() != sha256 or n != size:
                raise IntegrityError(f"{label}: content does not match its SHA-256")
            f.seek(0)
        except age.AgeError as e:
            f.close()
            raise IntegrityError(f"evidence file {blob} was changed: {e}") from e
        except BaseException:
            f.close()
            raise
        return f

    # --------------------------------------------------------------- recovery

    def staging_leftovers(self) -> list[Path]:
        staging = self.path / "staging"
        return [p for p in staging.iterdir() if p.is_file()] if staging.exists() else []

    def on_disk(self) -> dict[str, Path]:
        return {p.name: p for p in (self.path / "blobs").glob("*/*.age")}

    def move_to_quarantine(self, name: str, path: Path) -> None:
        ensure_private_dir(self.path / "quarantine")
        os.replace(path, self.path / "quarantine" / name)


def discard(staging: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        staging.unlink()
