"""Reading evidence back out of the vault: every byte checked against the item's SHA-256."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from ..common.errors import InputError, IntegrityError
from ..common.model import Item
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .blobstore import BlobStore, not_retained
from .custody import CustodyLog
from .items import ItemRecords, stored_sha256
from .metastore import MetaStore


class ItemReader:
    def __init__(self, items: ItemRecords, blobs: BlobStore, db: MetaStore, log: CustodyLog) -> None:
        self.items = items
        self.blobs = blobs
        self.db = db
        self.log = log

    def iter_plaintext(self, item_id: str) -> Iterator[bytes]:
        """Authenticated plaintext chunks of an item (in memory only)."""
        blob = self.items.blob_of(item_id)
        if blob is None:
            raise not_retained()
        yield from self.blobs.iter_plaintext(blob)

    def open_item_stream(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> io.BufferedReader:
        """A seekable plaintext view of an item's sealed copy, decrypting only the chunks read.

        Before it is returned, the whole plaintext is read once through the same open file and
        checked against the item's recorded SHA-256 and size: per-chunk authentication only
        proves the vault's key sealed these bytes, not that they are this item's (a sealed copy
        of another item swapped in would pass it). Keeping the one descriptor open means what is
        later read is the file that was checked."""
        item = self.items.get(item_id)
        blob = self.items.blob_of(item_id)
        if blob is None:
            raise not_retained()
        return self.blobs.open_checked(
            blob,
            sha256=stored_sha256(item),
            size=item.stored_size or item.size,
            label=f"exhibit {item.exhibit}",
            progress=progress,
            cancel=cancel,
        )

    def read_item_bytes(self, item_id: str, *, limit: int = 256 * 1024 * 1024, log_view: bool = True) -> bytes:
        """The whole plaintext in memory (previews); refuses items bigger than ``limit``."""
        item = self.items.get(item_id)
        if (item.stored_size or item.size) > limit:
            raise InputError("too large to preview", ko="미리보기에는 너무 큽니다.", en="Too large to preview.")
        data = b"".join(self.iter_plaintext(item_id))
        if hashlib.sha256(data).hexdigest() != stored_sha256(item):
            raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
        if log_view:
            with self.db.transaction():
                self.log.append("view", case_id=item.case_id, item_id=item.id, data={"exhibit": item.exhibit})
            self.db.flush()
        return data

    def export_file(self, item_id: str, out: Path, *, purpose: str = "") -> Item:
        """Write an exact copy of the original to ``out`` (the user chose to), checked by SHA-256."""
        item = self.items.get(item_id)
        out = Path(out)
        if out.exists():
            raise InputError(
                str(out), ko="같은 이름의 파일이 이미 있습니다.", en="A file with that name already exists."
            )
        h = hashlib.sha256()
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
        try:
            with open(tmp, "xb") as f:
                for chunk in self.iter_plaintext(item_id):
                    h.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if h.hexdigest() != stored_sha256(item):
                raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
            os.replace(tmp, out)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        with self.db.transaction():
            self.log.append(
                "export-file",
                case_id=item.case_id,
                item_id=item.id,
                data={"exhibit": item.exhibit, "sha256": item.sha256, "purpose": purpose},
            )
        self.db.flush()
        return item
