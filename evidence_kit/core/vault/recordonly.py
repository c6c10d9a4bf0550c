"""Record-only acquisition and redacted copies (issue 9): keep the proof, not the picture.

An image up to :data:`RECORD_ONLY_IMAGE_LIMIT` becomes hashes + PDQ + a redacted
derivative (the only thing stored); anything else (videos, archives, undecodable images)
is recorded by its hashes, size and type, plus a video's facts and frame hashes.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Sequence
from pathlib import Path

from ..common.errors import InputError
from ..common.model import METHOD_DERIVED, AddResult, Item, ItemInput
from ..evidence import perceptual as pq
from ..evidence import redact
from ..evidence.ingest import Cancel, Digests, Progress, never_cancel, no_progress, seal_stream
from ..evidence.metadata import HEAD_BYTES, extract, sniff_media_type
from .acquire import Acquirer
from .blobstore import discard
from .itemhashes import ItemHashes
from .reading import ItemReader

log = logging.getLogger(__name__)

# Record-only images are decoded in memory to make their redacted derivative; bigger
# files (or anything that is not an image) are recorded by their hashes only.
RECORD_ONLY_IMAGE_LIMIT = 256 * 1024 * 1024


class _Discard:
    """A sink for hashing without storing (record-only files that are not images)."""

    def write(self, data: bytes | memoryview) -> None:
        return None


def _redact(data: bytes, regions: Sequence[redact.Rect]) -> tuple[bytes, int, int, str]:
    """The redacted derivative of an image, its size, and how it was made."""
    derivative, width, height = redact.black_out(data, list(regions)) if regions else redact.pixelate(data)
    derivation = (
        f"blacked-out: {len(regions)} region(s)" if regions else f"pixelated: {redact.DEFAULT_BLOCKS} blocks"
    )
    return derivative, width, height, derivation


class RecordOnly:
    def __init__(self, acq: Acquirer, reader: ItemReader, hashes: ItemHashes) -> None:
        self.acq = acq
        self.reader = reader
        self.hashes = hashes

    def add_stream(
        self,
        case_id: str,
        src: io.RawIOBase | io.BufferedIOBase,
        info: ItemInput,
        *,
        total: int,
        regions: Sequence[redact.Rect] = (),
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> AddResult:
        """Record-only acquisition (issue 9): an image up to RECORD_ONLY_IMAGE_LIMIT becomes
        hashes + PDQ + a redacted derivative (``add_redacted``); anything else (videos,
        archives, undecodable images) hashes, size and type only, no content."""
        head = src.read(64)
        src.seek(0)
        if sniff_media_type(head, info.name).startswith("image/") and total <= RECORD_ONLY_IMAGE_LIMIT:
            data = src.read()
            try:
                return self.add_redacted(case_id, data, info, regions=regions)
            except InputError:
                log.info("record-only image could not be decoded: recording hashes only")
            finally:
                del data
            src.seek(0)
        digests = seal_stream(src, _Discard(), total=total, legacy=True, progress=progress, cancel=cancel)
        res = self.acq.add_record_only(case_id, digests, info)
        if not res.duplicate and res.item.media_type.startswith("video/"):
            # The facts step sweeps the file a second time: its progress runs over the same span.
            res.item = self.hashes.record_only_video(
                res.item, src, progress=progress, cancel=cancel  # type: ignore[arg-type]
            )
        return res

    def add_redacted(
        self,
        case_id: str,
        data: bytes,
        info: ItemInput,
        *,
        regions: Sequence[redact.Rect] = (),
    ) -> AddResult:
        """Record-only image (issue 9): keep the proof, not the picture.

        The original's bytes are only ever in memory: SHA-256, MD5, SHA-1 and PDQ are taken
        from them here, then a redacted derivative (pixelated beyond recognition, or with
        ``regions`` blacked out) is the only thing stored. The item keeps the original's
        hashes and size with ``retained=False``; ``stored_sha256`` names the derivative.
        No EXIF or embedded thumbnail of the original is kept anywhere.
        """
        self.acq.check_case(case_id)
        sha256 = hashlib.sha256(data).hexdigest()
        dedup, dup = self.acq.duplicate(case_id, sha256, info.name)
        if dup is not None:
            return dup
        derivative, width, height, derivation = _redact(data, regions)
        try:
            pdq, quality = pq.pdq_from_bytes(data)
        except pq.PerceptualHashError:
            pdq, quality = None, None
        original = Digests(
            size=len(data),
            sha256=sha256,
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            sha1=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            head=data[:HEAD_BYTES],
        )
        media_type, facts, _exif, _note = extract(original.head, info.name)
        blobs = self.acq.blobs
        staging, stored = blobs.seal_to_staging(io.BytesIO(derivative), total=len(derivative), legacy=False)
        blob, final = blobs.commit(staging)
        item = self.acq.new_item(
            case_id,
            info,
            original,
            media_type=media_type,
            image={k: v for k, v in facts.items() if k in ("format", "width", "height", "mode", "frames")}
            or {"width": width, "height": height},
            exif={},
            metadata_note="record only: EXIF and embedded thumbnails of the original were not kept",
            retained=False,
            stored_sha256=stored.sha256,
            stored_size=stored.size,
            derivation=derivation,
            pdq=pdq,
            pdq_quality=quality,
        )
        self.acq.insert_with_blob(item, blob, final, dedup)
        return AddResult(item)

    def derive_redacted_copy(
        self, item_id: str, *, regions: Sequence[redact.Rect] = (), name: str | None = None
    ) -> AddResult:
        """A redacted copy of an image item, for a school or family (issue 9).

        The copy is a new item of its own (its hashes are the copy's), linked to its sealed
        original by ``derived_from`` and by a custody event on both items.
        """
        acq = self.acq
        parent = acq.items.get(item_id)
        data = self.reader.read_item_bytes(item_id, log_view=False)
        derivative, _w, _h, derivation = _redact(data, regions)
        del data
        stem = Path(parent.original_name).stem or "image"
        info = ItemInput(name=name or f"{stem}-redacted.png", method=METHOD_DERIVED, source=parent.source)
        staging, digests = acq.blobs.seal_to_staging(io.BytesIO(derivative), total=len(derivative), legacy=True)
        try:
            dedup, dup = acq.duplicate(parent.case_id, digests.sha256, info.name)
        except BaseException:
            discard(staging)
            raise
        if dup is not None:
            discard(staging)
            return dup
        blob, final = acq.blobs.commit(staging)
        item = acq.new_item(parent.case_id, info, digests, derived_from=parent.id, derivation=derivation)

        def link(copy: Item) -> None:
            acq.log.append(
                "derive",
                case_id=parent.case_id,
                item_id=parent.id,
                data={"copy": copy.id, "copy_exhibit": copy.exhibit, "derivation": derivation},
            )

        acq.insert_with_blob(item, blob, final, dedup, then=link)
        return AddResult(item)
