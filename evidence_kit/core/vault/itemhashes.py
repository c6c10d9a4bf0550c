"""Hashes recorded on an item after it is saved: PDQ of pictures (issue 10), facts and
frame PDQ of videos (issue 23), and MD5/SHA-1 of items saved before all three hashes were
taken in the ingest pass. Each is recorded with a custody "hash" event."""

from __future__ import annotations

import hashlib
import logging
from typing import IO, Any

from ..common.canonical import canonical_json
from ..common.errors import CancelledError, IntegrityError
from ..common.model import Item
from ..evidence import perceptual as pq
from ..evidence import video
from ..evidence.ingest import Cancel, Progress, legacy_digests, never_cancel, no_progress
from .custody import CustodyLog
from .items import ItemRecords
from .metastore import MetaStore
from .reading import ItemReader

log = logging.getLogger(__name__)


class _Ticking:
    """A seekable file that reports the bytes read through it, as FFmpeg decodes frames:
    the slow part of a long video's step, which would otherwise show no progress."""

    def __init__(self, f: IO[bytes], size: int, tick: Progress) -> None:
        self._f = f
        self._size = max(size, 1)
        self._tick = tick
        self._read = 0

    def read(self, n: int = -1) -> bytes:
        data = self._f.read(n)
        self._read += len(data)
        self._tick(min(self._read, self._size), self._size)  # re-reads never pass the end
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True


def _read_video(
    f: IO[bytes], size: int, cancel: Cancel, progress: Progress
) -> tuple[dict[str, Any], str, video.FrameHashes]:
    """Facts and 1 fps frame PDQ hashes of an open, seekable video of ``size`` bytes (never
    raises: a note says why facts are unavailable); ``progress`` follows the frame pass."""
    f.seek(0)
    facts, note = video.video_facts(f)
    f.seek(0)
    if note:
        return facts, note, video.FrameHashes(status="unavailable")
    ticking: Any = _Ticking(f, size, progress)
    return facts, note, video.frame_hashes(ticking, cancel=cancel)


class ItemHashes:
    def __init__(self, items: ItemRecords, reader: ItemReader, db: MetaStore, log: CustodyLog) -> None:
        self.items = items
        self.reader = reader
        self.db = db
        self.log = log

    # ------------------------------------------------------------------ PDQ

    def compute_perceptual(self, item_id: str, *, data: bytes | None = None, force: bool = False) -> pq.PdqOutcome:
        """PDQ hash of an image item (issue 10), recorded on the item with a custody "hash" event.

        Called right after an item is committed (the item is already acknowledged) or later
        on demand. The pixels come from ``data`` (the bytes just ingested, checked against
        the item's SHA-256) or from the sealed copy. Bad image content is an outcome status,
        never an exception; the caller flushes.
        """
        item = self.items.get(item_id)
        if not pq.needs_bytes(item, force=force):
            return pq.PdqOutcome(item, pq.status_of(item))
        if data is None:
            if not item.retained:
                return pq.PdqOutcome(item, pq.status_of(item))
            data = self.reader.read_item_bytes(item_id, limit=pq.MAX_PDQ_BYTES, log_view=False)
            origin = "sealed copy, SHA-256 verified"
        else:
            if hashlib.sha256(data).hexdigest() != item.sha256:
                raise IntegrityError(f"exhibit {item.exhibit}: bytes given for PDQ are not this item's")
            origin = "ingest bytes, SHA-256 verified"
        try:
            pdq, quality = pq.pdq_from_bytes(data)
        except pq.PerceptualHashError as e:
            log.info("exhibit %s: no PDQ hash (%s)", item.exhibit, e.status)
            return pq.PdqOutcome(item, pq.status_of(item) if item.pdq else e.status, detail=e.detail)
        return self._record_perceptual(item, pdq, quality, origin)

    def record_perceptual(self, item_id: str, result: pq.PdqResult) -> pq.PdqOutcome:
        """Record a PDQ hash computed elsewhere (a worker of the import) from the bytes of the
        ingest pass that produced this item's SHA-256; bad pixels are an outcome, no error."""
        item = self.items.get(item_id)
        if result.pdq is None or result.quality is None:
            log.info("exhibit %s: no PDQ hash (%s)", item.exhibit, result.status)
            return pq.PdqOutcome(item, pq.status_of(item) if item.pdq else result.status, detail=result.detail)
        return self._record_perceptual(item, result.pdq, result.quality, "ingest bytes, same pass as SHA-256")

    def _record_perceptual(self, item: Item, pdq: str, quality: int, origin: str) -> pq.PdqOutcome:
        if pdq == item.pdq and quality == item.pdq_quality:
            return pq.PdqOutcome(item, pq.status_of(item))
        event: dict[str, Any] = {"exhibit": item.exhibit, "pdq": pdq, "quality": quality, "from": origin}
        event.update(pq.hasher_info())
        if item.pdq:
            event["previous"] = {"pdq": item.pdq, "quality": item.pdq_quality}
        item.pdq, item.pdq_quality = pdq, quality
        with self.db.transaction():
            self.items.update(item)
            self.log.append("hash", case_id=item.case_id, item_id=item.id, data=event)
        return pq.PdqOutcome(item, pq.status_of(item), computed=True)

    # ---------------------------------------------------------------- videos

    def compute_video(self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel) -> Item:
        """Facts and 1 fps frame PDQ hashes of a video item (issue 23), read through a seekable
        reader over its sealed copy (a few 64 KiB chunks in memory, whatever the video's size),
        after one streaming pass has checked the whole plaintext against the item's SHA-256;
        recorded on the item with a "hash" event. Called after the item is committed;
        unreadable videos are a note, never an error. ``progress`` runs once over both passes."""
        item = self.items.get(item_id)
        if not video.is_video(item) or not item.retained or item.frame_pdq is not None:
            return item
        size = item.stored_size or item.size

        def checking(done: int, _total: int) -> None:
            progress(done, 2 * size)

        def decoding(done: int, _total: int) -> None:
            progress(size + done, 2 * size)

        with self.reader.open_item_stream(item_id, progress=checking, cancel=cancel) as f:
            facts, note, hashes = _read_video(f, size, cancel, decoding)
        if cancel():  # hashes cut short by the cancel are not the item's hashes: record nothing
            raise CancelledError()
        return self._record_video(item, facts, note, hashes, "sealed copy, SHA-256 verified")

    def record_only_video(
        self, item: Item, src: IO[bytes], *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> Item:
        """Facts and frame PDQ hashes of a record-only video (issue 23), read from the person's
        own file while it is open; the video itself, and its frames, are never kept."""
        facts, note, hashes = _read_video(src, item.size, cancel, progress)
        return self._record_video(item, facts, note, hashes, "the file being recorded (not kept)")

    def _record_video(
        self, item: Item, facts: dict[str, Any], note: str, hashes: video.FrameHashes, origin: str
    ) -> Item:
        item.frame_pdq = hashes.to_json()
        event: dict[str, Any] = {
            "exhibit": item.exhibit,
            "frame_pdq_count": len(hashes.frames),
            "frame_pdq_sha256": hashlib.sha256(canonical_json(item.frame_pdq)).hexdigest(),
            "status": hashes.status,
            "from": origin,
        }
        event.update(video.hasher_info())
        if facts:
            item.image = facts
        if note and note not in item.metadata_note:
            item.metadata_note = "; ".join(p for p in (item.metadata_note, note) if p)
        with self.db.transaction():
            self.items.update(item)
            self.log.append("hash", case_id=item.case_id, item_id=item.id, data=event)
        return item

    # ----------------------------------------------------------- legacy hashes

    def complete_legacy_hashes(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> Item:
        """Fill MD5/SHA-1 of a large item from its sealed copy (SHA-256 checked in the same pass)."""
        item = self.items.get(item_id)
        if (item.md5 and item.sha1) or not item.retained:
            return item
        sha256, md5, sha1, size = legacy_digests(
            self.reader.iter_plaintext(item_id), progress=progress, total=item.size, cancel=cancel
        )
        if sha256 != item.sha256 or size != item.size:
            raise IntegrityError(f"exhibit {item.exhibit}: sealed copy does not match its SHA-256")
        item.md5, item.sha1 = md5, sha1
        with self.db.transaction():
            self.items.update(item)
            self.log.append(
                "hash",
                case_id=item.case_id,
                item_id=item.id,
                data={"md5": md5, "sha1": sha1, "from": "sealed copy, SHA-256 verified in the same pass"},
            )
        self.db.flush()
        return item
