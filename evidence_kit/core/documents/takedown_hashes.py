"""The hash list of a takedown package: ``03-hashes.csv`` and ``03-hashes.json``.

SHA-256, MD5 and PDQ (+ quality) per item with exhibit number and URL; videos carry the
PDQ of frames sampled at one per second. In the CSV (UTF-8 with BOM, for spreadsheets)
cells that a spreadsheet would run as a formula are prefixed with an apostrophe; the JSON
keeps exact values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..common.model import Item
from ..evidence.pdq_groups import NearDuplicateGroup
from ..evidence.perceptual import MATCH_THRESHOLD, MIN_QUALITY, STATUS_OK, hasher_info
from .takedown_forms import TakedownPackage
from .takedown_model import csv_cell, exhibit_label, utf8_safe

HASH_LIST_FORMAT = "evidence-kit-hash-list"


def hash_rows(pkg: TakedownPackage) -> list[dict[str, Any]]:
    rows = []
    for it in pkg.items:
        status = pkg.pdq_status(it)
        rows.append(
            {
                "exhibit": it.exhibit,
                "exhibit_label": exhibit_label(it.exhibit),
                "file_name": utf8_safe(it.relative_path or it.original_name),
                "media_type": it.media_type,
                "size": it.size,
                "sha256": it.sha256,
                "md5": it.md5 or "",
                "pdq": it.pdq or "",
                "pdq_quality": it.pdq_quality if it.pdq else None,
                "pdq_status": status,
                "pdq_reliable": status == STATUS_OK,
                "platform": utf8_safe(it.source.platform),
                "url": utf8_safe(it.source.url),
                "account": utf8_safe(it.source.account),
                "posted_at": utf8_safe(it.source.posted_at),
                "original_retained": it.retained,
                **_video_columns(it),
            }
        )
    return rows


def hashes_csv(rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    cols = list(rows[0]) if rows else ["exhibit"]
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(["" if r[c] is None else csv_cell(r[c]) for c in cols])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def hashes_json(pkg: TakedownPackage, rows: list[dict[str, Any]]) -> bytes:
    info = hasher_info()
    obj = {
        "format": HASH_LIST_FORMAT,
        "version": 1,
        "package_id": pkg.package_id,
        "generated_utc": pkg.now_utc,
        "case": {"name": utf8_safe(pkg.case.name), "reference": utf8_safe(pkg.case.reference)},
        "algorithms": {
            "sha256": "SHA-256 of the original file (identifies the exact file)",
            "md5": "MD5 of the original file (for tools that ask for it)",
            "pdq": {
                "description": "PDQ perceptual hash, 256 bits as 64 hex digits; compare by Hamming "
                "distance, never by string equality",
                "match_threshold_bits": MATCH_THRESHOLD,
                "min_quality": MIN_QUALITY,
                **info,
            },
            "video_frame_pdq": VIDEO_HASH_DESCRIPTION,
        },
        "items": [_with_video_frames(r, pkg.items) for r in rows],
        "near_duplicate_groups": [
            {
                "exhibits": [pkg.by_id[m].exhibit for m in g.members],
                "nearest_bits": list(g.nearest),
                "max_link_bits": g.max_link,
                "video_frames": frame_matches_json(g, pkg.by_id),
            }
            for g in pkg.groups
        ],
    }
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def frame_matches_json(g: NearDuplicateGroup, by_id: Mapping[str, Item]) -> list[dict[str, int | None]]:
    """A group's picture-to-video-frame links: which exhibit shows which moment of which video."""
    return [
        {"exhibit": by_id[fm.picture].exhibit, "video_exhibit": by_id[fm.video].exhibit, "at_ms": fm.at_ms,
         "bits": fm.bits}
        for fm in g.frame_matches
    ]


# Videos (issue 23): PDQ of frames sampled at 1 per second, compared with vPDQ's matching rule.
VIDEO_HASH_DESCRIPTION = {
    "description": "PDQ over frames sampled at one per second, each [millisecond, PDQ hex, quality]; "
    "compared with vPDQ's matching rule: frames with quality below 50 are dropped, two frames match "
    "at Hamming distance <= 31, two videos match when at least 80% of each one's frames match a frame "
    "of the other",
    "frame_match_threshold_bits": 31,
    "min_quality": 50,
    "video_match_percent": 80,
}
# A spreadsheet cell holds at most 32,767 characters: the CSV lists this many frame hashes
# (8 minutes at 1 fps), the JSON all of them.
CSV_VIDEO_FRAMES = 480


def _video_columns(it: Item) -> dict[str, Any]:
    frames = it.frame_pdq or []
    return {
        "video_frame_pdq_count": len(frames) if it.media_type.startswith("video/") else None,
        "video_frame_pdq": " ".join(str(f[1]) for f in frames[:CSV_VIDEO_FRAMES]),
    }


def _with_video_frames(row: dict[str, Any], items: Sequence[Item]) -> dict[str, Any]:
    it = next((i for i in items if i.exhibit == row["exhibit"]), None)
    out = {k: v for k, v in row.items() if k != "video_frame_pdq"}
    if it is not None and it.frame_pdq:
        out["video_frame_pdq"] = it.frame_pdq
    return out
