"""One case's near-duplicate groups: pictures, videos, and pictures of a video's frames (issue 23).

Three kinds of link, each by its own published rule, joined into one set of groups (single
linkage, as for pictures alone):

- picture ~ picture: PDQ within 31 bits, both of quality >= 50 (pdq_groups.py);
- video ~ video: vPDQ's rule over frames sampled at 1 per second (video.py);
- picture ~ video: a screenshot or photo of the screen showing a video. PDQ allows this: a
  frame hash and a picture hash are the same kind of hash, so the picture matches the video
  when some usable frame (quality >= 50) is within 31 bits of it. The picture's quality
  must reach 50 too, so a flat or dark picture cannot pull every video into one group, and
  a video's flat frames (titles, black fades) are never compared at all.

Only hashes are compared; nothing is decoded here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import perceptual as pq
from .pdq_groups import FrameMatch, NearDuplicateGroup, hash_words, near_duplicate_groups
from .video import usable_frames, video_groups

log = logging.getLogger(__name__)

_BLOCK = 256  # pictures compared with one video's frames at a time (a few MB of temporaries)


@dataclass(frozen=True)
class GroupEntry:
    """What grouping needs of an item: its picture hash, or its video frame hashes."""

    key: str
    pdq: str | None = None
    quality: int | None = None
    frames: list[Any] | None = None  # [[ms, pdq hex, quality], ...] for a video


def entries_of(items: Iterable[Any]) -> list[GroupEntry]:
    """Entries from vault items (anything with id, pdq, pdq_quality and frame_pdq)."""
    return [GroupEntry(i.id, i.pdq, i.pdq_quality, i.frame_pdq) for i in items]


def frame_matches(
    entries: Sequence[GroupEntry], *, threshold: int = pq.MATCH_THRESHOLD, min_quality: int = pq.MIN_QUALITY
) -> list[FrameMatch]:
    """Each picture's closest usable frame in each video, where it is within ``threshold`` bits."""
    import numpy as np

    pics = [
        e for e in entries
        if e.frames is None and e.pdq and pq.is_valid_hex(e.pdq) and (e.quality or 0) >= min_quality
    ]
    if not pics:
        return []
    pic_words = hash_words([str(e.pdq) for e in pics])
    out: list[FrameMatch] = []
    for v in entries:
        usable = usable_frames(v.frames or [])  # vPDQ's own rule: quality >= 50
        if not usable:
            continue
        frame_words = hash_words([str(f[1]) for f in usable])
        for s in range(0, len(pics), _BLOCK):
            d = np.bitwise_count(pic_words[s : s + _BLOCK, None, :] ^ frame_words[None, :, :]).sum(axis=2)
            best = d.argmin(axis=1)
            for k, j in enumerate(best.tolist()):
                bits = int(d[k, j])
                if bits <= threshold:
                    out.append(FrameMatch(pics[s + k].key, v.key, int(usable[j][0]), bits))
    return out


def case_groups(entries: Sequence[GroupEntry]) -> list[NearDuplicateGroup]:
    """Every near-duplicate group of a case, pictures and videos together, in input order."""
    picture = near_duplicate_groups((e.key, e.pdq, e.quality) for e in entries if e.frames is None)
    video = video_groups((e.key, e.frames) for e in entries if e.frames is not None)
    matches = frame_matches(entries)
    if not matches:
        return picture + video
    order = {e.key: n for n, e in enumerate(entries)}
    parent: dict[str, str] = {}

    def root(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    nearest: dict[str, int] = {}
    links: list[tuple[str, int]] = []  # (a member, link bits) for each link, to find each group's largest
    for g in (*picture, *video):
        for m, near in zip(g.members, g.nearest, strict=True):
            parent[root(m)] = root(g.members[0])
            nearest[m] = min(nearest.get(m, 257), near)
        links.append((g.members[0], g.max_link))
    for fm in matches:
        parent[root(fm.picture)] = root(fm.video)
        for k in (fm.picture, fm.video):
            nearest[k] = min(nearest.get(k, 257), fm.bits)
        links.append((fm.picture, fm.bits))
    members: dict[str, list[str]] = {}
    for k in sorted(nearest, key=order.__getitem__):
        members.setdefault(root(k), []).append(k)
    groups = []
    for r, ms in members.items():
        groups.append(
            NearDuplicateGroup(
                members=tuple(ms),
                nearest=tuple(nearest[m] for m in ms),
                max_link=max(bits for k, bits in links if root(k) == r),
                frame_matches=tuple(fm for fm in matches if root(fm.picture) == r),
            )
        )
    groups.sort(key=lambda g: order[g.members[0]])
    log.debug("near-duplicate groups: %d (%d picture-frame links)", len(groups), len(matches))
    return groups
