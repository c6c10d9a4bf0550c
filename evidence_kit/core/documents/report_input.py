"""What a report render takes: its options and each item's re-verified evidence.

:func:`collect_item_evidence` re-reads every retained item's sealed bytes (checking its
SHA-256) and makes its preview in memory; the report and the bundle both render from it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..common.errors import CancelledError, IntegrityError
from ..common.model import Item
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..evidence.preview import Preview, make_preview

if TYPE_CHECKING:
    from ..vault.vault import Vault

# Items larger than this get no preview (their hash is still re-verified by streaming).
PREVIEW_LOAD_LIMIT = 64 * 1024 * 1024


@dataclass
class ReportOptions:
    lang: str = "ko"
    clear_previews: bool = False
    report_file: str = "report.pdf"


@dataclass
class ItemEvidence:
    """What the report knows about one item's bytes from this build."""

    preview: Preview
    verified: bool  # SHA-256 of the stored blob recomputed during this build and equal
    frames: list[tuple[int, bytes]] = field(default_factory=list)  # videos: (ms, JPEG) key frames


def collect_item_evidence(
    vault: Vault,
    items: Sequence[Item],
    *,
    clear_previews: bool,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> dict[int, ItemEvidence]:
    """Re-verify every retained item's SHA-256 and make its preview, in memory.

    A mismatch is an :class:`IntegrityError` (the report must not claim anything about
    a changed file); a missing blob too.
    """
    out: dict[int, ItemEvidence] = {}
    for i, item in enumerate(items):
        if cancel():
            raise CancelledError()
        out[item.exhibit] = item_evidence(vault, item, clear_previews=clear_previews)
        progress(i + 1, len(items))
    return out


def item_evidence(
    vault: Vault, item: Item, *, clear_previews: bool, data: bytes | None = None, verified: bool = False
) -> ItemEvidence:
    blur = not clear_previews
    if not item.retained:
        return ItemEvidence(make_preview(None, item.media_type, blur=blur, problem="not-retained"), False)
    is_image = item.media_type.startswith("image/")
    if data is None and is_image and item.size <= PREVIEW_LOAD_LIMIT:
        data = vault.read_item_bytes(item.id, limit=PREVIEW_LOAD_LIMIT, log_view=False)  # checks SHA-256
        verified = True
    elif data is None and not item.media_type.startswith("video/"):  # videos: checked below
        h = hashlib.sha256()
        n = 0
        for chunk in vault.iter_plaintext(item.id):
            h.update(chunk)
            n += len(chunk)
        if h.hexdigest() != item.sha256 or n != item.size:
            raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
        verified = True
    problem = "" if data is not None else ("too-large" if is_image else "")
    frames: list[tuple[int, bytes]] = []
    if item.media_type.startswith("video/") and data is None:
        from ..evidence import video

        # Key frames decoded in memory through a seekable reader over the sealed copy, whose
        # SHA-256 it checks first: a few chunks in memory whatever the size (issue 23).
        with vault.open_item_stream(item.id) as f:
            frames = video.contact_sheet(f, blur=blur, duration_ms=item.image.get("duration_ms"))
        verified = True
    pv = make_preview(data if is_image else None, item.media_type, blur=blur, problem=problem)
    return ItemEvidence(pv, verified, frames)


