"""Acquiring evidence: hash and seal a stream into a case, durable before it is reported.

The write path for an item is: encrypt into ``staging/`` while hashing, fsync, atomic
rename into ``blobs/``, fsync the directory, then one SQLite transaction inserting the
item row and its custody-log event. Only after that commit is the item reported saved.
"""

from __future__ import annotations

import contextlib
import io
import os
import stat
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..common.clock import Clock, iso_utc
from ..common.errors import CancelledError, InputError
from ..common.model import AddResult, Item, ItemInput
from ..evidence import perceptual as pq
from ..evidence.ingest import Cancel, Digests, Progress, Readable, never_cancel, no_progress
from ..evidence.metadata import extract
from .blobstore import BlobStore, discard
from .cases import Cases
from .custody import CustodyLog
from .items import ItemRecords
from .metastore import MetaStore


@contextlib.contextmanager
def open_regular_file(path: Path) -> Iterator[tuple[io.FileIO, int]]:
    """A regular file opened without following a final symlink, and its size; clear
    errors for a missing file, a folder or anything else."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError as e:
        raise InputError(str(path), ko="파일을 찾을 수 없습니다.", en="The file was not found.") from e
    except IsADirectoryError as e:
        raise InputError(str(path), ko="폴더입니다.", en="That is a folder.") from e
    except OSError as e:
        raise InputError(
            f"{path}: {e.strerror}", ko="파일을 열 수 없습니다.", en="The file could not be opened."
        ) from e
    with os.fdopen(fd, "rb", buffering=0) as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise InputError(str(path), ko="일반 파일이 아닙니다.", en="That is not a regular file.")
        yield f, st.st_size


class Acquirer:
    """Adds items to cases: the blob first, then the record that makes it saved."""

    def __init__(
        self, cases: Cases, items: ItemRecords, blobs: BlobStore, db: MetaStore, log: CustodyLog, clock: Clock
    ) -> None:
        self.cases = cases
        self.items = items
        self.blobs = blobs
        self.db = db
        self.log = log
        self.clock = clock

    def check_case(self, case_id: str) -> None:
        self.db.require_open()
        self.cases.get(case_id)

    def duplicate(self, case_id: str, sha256: str, name: str) -> tuple[bytes, AddResult | None]:
        """The dedup tag for ``sha256`` in the case, and the logged duplicate result if any."""
        dedup = self.db.keys.index_tag("sha256", case_id, sha256)
        existing = self.items.find_duplicate(case_id, dedup)
        if existing is None:
            return dedup, None
        with self.db.transaction():
            self.log.append(
                "duplicate",
                case_id=case_id,
                item_id=existing.id,
                data={"name": name, "sha256": sha256, "same_as_exhibit": existing.exhibit},
            )
        return dedup, AddResult(existing, duplicate=True)

    def new_item(self, case_id: str, info: ItemInput, digests: Digests, **fields: Any) -> Item:
        media_type, facts, exif, note = extract(digests.head, info.name, digests.data)
        kw: dict[str, Any] = {
            "media_type": media_type,
            "image": facts,
            "exif": exif,
            "metadata_note": note,
        }
        kw.update(fields)
        return Item(
            id=str(uuid.uuid4()),
            case_id=case_id,
            exhibit=0,
            original_name=info.name,
            size=digests.size,
            sha256=digests.sha256,
            md5=digests.md5,
            sha1=digests.sha1,
            acquired_utc=iso_utc(self.clock.now()),
            tz_offset=self.clock.local_offset(),
            method=info.method,
            relative_path=info.relative_path,
            source=info.source,
            capture=info.capture,
            notes=info.notes,
            group_id=info.group_id,
            group_part=info.group_part,
            **kw,
        )

    def insert_with_blob(
        self,
        item: Item,
        blob: str | None,
        final: Path | None,
        dedup: bytes,
        *,
        then: Callable[[Item], None] | None = None,
    ) -> None:
        """Commit the record (and whatever ``then`` logs, in the same transaction); a blob
        whose record did not commit goes to quarantine at once."""
        try:
            with self.db.transaction():
                self.items.insert(item, blob, dedup)
                if then is not None:
                    then(item)
        except BaseException:
            if blob is not None and final is not None:
                self.blobs.quarantine(blob, final)
            raise

    def add_stream(
        self,
        case_id: str,
        src: Readable,
        info: ItemInput,
        *,
        total: int = 0,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> AddResult:
        """Hash and seal one stream into the case. Returns only after the item is durable."""
        self.check_case(case_id)
        # All three hashes in the one pass, for every size; small images stay in memory
        # for PDQ (the caller's), so nothing is decrypted again after the save.
        staging, digests = self.blobs.seal_to_staging(
            src,
            total=total,
            legacy=True,
            progress=progress,
            cancel=cancel,
            keep_images=pq.MAX_PDQ_BYTES,
            name=info.name,
        )
        try:
            dedup, dup = self.duplicate(case_id, digests.sha256, info.name)
            if dup is not None:
                staging.unlink()
                return dup
            if cancel():
                raise CancelledError()
        except BaseException:
            discard(staging)
            raise
        blob, final = self.blobs.commit(staging)
        item = self.new_item(case_id, info, digests)
        self.insert_with_blob(item, blob, final, dedup)
        return AddResult(item, data=digests.data)

    def add_record_only(self, case_id: str, digests: Digests, info: ItemInput) -> AddResult:
        """Record an original without keeping its bytes (record-only cases, e.g. images in a
        counselor's chat export): hashes, size and metadata from ``digests.head`` only. The
        item has ``retained=False`` and no blob; its "import" event says so."""
        self.check_case(case_id)
        dedup, dup = self.duplicate(case_id, digests.sha256, info.name)
        if dup is not None:
            return dup
        item = self.new_item(case_id, info, digests, retained=False)
        self.insert_with_blob(item, None, None, dedup)
        return AddResult(item)
