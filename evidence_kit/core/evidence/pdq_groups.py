"""Near-duplicate groups of pictures by their PDQ hashes (issue 10).

Grouping uses multi-index hashing: a 256-bit hash is cut into 16 chunks of 16 bits; two
hashes within 31 bits must agree on some chunk up to one bit (pigeonhole: 16 chunks with
two or more differing bits each would make 32), so only items sharing such a chunk are
compared. For 10,000 unrelated hashes that is ~10^5 comparisons instead of 5 * 10^7
(``benchmarks/pdq.py``). When hashes cluster so tightly that the index would compare more
pairs than a plain scan, a chunked numpy popcount scan is used instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .perceptual import MATCH_THRESHOLD, MIN_QUALITY, is_valid_hex

log = logging.getLogger(__name__)

SCAN_BELOW = 2048  # up to this many hashes a plain popcount scan (~2M pairs) beats the index
_BATCH = 4_000_000  # candidate pairs verified at once by the index (~200 MB of temporaries)


@dataclass(frozen=True)
class FrameMatch:
    """A picture that shows a frame of a video: the frame at ``at_ms`` is ``bits`` away."""

    picture: str
    video: str
    at_ms: int
    bits: int


@dataclass(frozen=True)
class NearDuplicateGroup:
    """Items whose PDQ hashes chain together within the threshold (single linkage).

    ``members`` keep the input order; ``nearest[k]`` is the distance from member k to the
    closest other member; ``max_link`` the largest distance among the links that joined the
    group (members at the two ends of a chain may be further apart than the threshold).
    ``frame_matches``: the links between a picture and a video frame (case_groups.py).
    """

    members: tuple[str, ...]
    nearest: tuple[int, ...]
    max_link: int
    frame_matches: tuple[FrameMatch, ...] = ()


def hash_words(hexes: Sequence[str]) -> Any:
    """256-bit hashes as an N x 4 array of 64-bit words, for vectorised Hamming distances."""
    import numpy as np

    raw = bytes.fromhex("".join(hexes))
    return np.frombuffer(raw, dtype=">u8").reshape(len(hexes), 4).astype(np.uint64)


def _pair_distances(words: Any, i: Any, j: Any) -> Any:
    import numpy as np

    return np.bitwise_count(words[i] ^ words[j]).sum(axis=1, dtype=np.int64)


def brute_force_pairs(words: Any, threshold: int) -> tuple[Any, Any, Any]:
    """All pairs (i < j) within ``threshold``: a chunked popcount scan, O(n^2) but vectorised."""
    import numpy as np

    n = len(words)
    out_i, out_j, out_d = [], [], []
    block = max(1, 2_000_000 // max(n, 1))
    for start in range(0, n, block):
        stop = min(n, start + block)
        d = np.bitwise_count(words[start:stop, None, :] ^ words[None, :, :]).sum(axis=2, dtype=np.int64)
        ii, jj = np.nonzero(d <= threshold)
        ii = ii + start
        keep = ii < jj
        out_i.append(ii[keep])
        out_j.append(jj[keep])
        out_d.append(d[ii[keep] - start, jj[keep]])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_d)


def _probe_masks(radius: int) -> list[int]:
    from itertools import combinations

    masks = [0]
    for r in range(1, radius + 1):
        masks += [sum(1 << b for b in bits) for bits in combinations(range(16), r)]
    return masks


def index_pairs(words: Any, threshold: int) -> tuple[Any, Any, Any] | None:
    """All pairs within ``threshold`` by multi-index hashing, or None when a scan is cheaper."""
    import numpy as np

    n = len(words)
    radius = threshold // 16
    if n < 2 or radius > 2:
        return None
    # 16 chunks of 16 bits, most significant first (byte order only matters consistently).
    chunks = np.ascontiguousarray(words.astype(">u8")).view(">u2").reshape(n, 16).astype(np.int64)
    masks = _probe_masks(radius)
    full = np.arange(65536)
    estimate = 0
    for c in range(16):
        counts = np.bincount(chunks[:, c], minlength=65536)
        for m in masks:
            estimate += int((counts * counts[full ^ m]).sum())
    if estimate // 2 > n * (n - 1) // 4:
        return None
    found_i, found_j, found_d = [], [], []
    idx = np.arange(n, dtype=np.int64)
    for c in range(16):
        keys = chunks[:, c]
        order = np.argsort(keys, kind="stable")  # item indices grouped by chunk value
        bucket = np.zeros(65537, dtype=np.int64)  # bucket[k]:bucket[k+1] = positions of value k
        np.cumsum(np.bincount(keys, minlength=65536), out=bucket[1:])
        for m in masks:
            q = keys ^ m
            lo = bucket[q]
            cnt = bucket[q + 1] - lo
            cum = np.cumsum(cnt)
            total = int(cum[-1])
            if total == 0:
                continue
            # Queries in slices of about _BATCH candidates, so memory stays bounded.
            cuts = [0, *np.searchsorted(cum, np.arange(_BATCH, total, _BATCH), "right").tolist(), n]
            for a, b in pairwise(cuts):
                sub = cnt[a:b]
                size = int(sub.sum())
                if size == 0:
                    continue
                ii = np.repeat(idx[a:b], sub)
                jj = order[np.repeat(lo[a:b] - (np.cumsum(sub) - sub), sub) + np.arange(size)]
                keep = ii < jj
                ii, jj = ii[keep], jj[keep]
                # Verify at once: only true matches are kept (de-duplicated at the end).
                d = _pair_distances(words, ii, jj)
                close = d <= threshold
                found_i.append(ii[close])
                found_j.append(jj[close])
                found_d.append(d[close])
    if not found_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    pairs, first = np.unique(np.concatenate(found_i) * n + np.concatenate(found_j), return_index=True)
    return pairs // n, pairs % n, np.concatenate(found_d)[first]


def _components(n: int, ii: Any, jj: Any) -> Any:
    """Connected-component labels (the smallest index in each component), vectorised."""
    import numpy as np

    labels = np.arange(n)
    if len(ii) == 0:
        return labels
    while True:
        li, lj = labels[ii], labels[jj]
        if (li == lj).all():
            return labels
        low = np.minimum(li, lj)
        np.minimum.at(labels, li, low)
        np.minimum.at(labels, lj, low)
        while True:  # pointer jumping until every node points at its root
            nxt = labels[labels]
            if (nxt == labels).all():
                break
            labels = nxt


def near_duplicate_groups(
    entries: Iterable[tuple[str, str | None, int | None]],
    *,
    threshold: int = MATCH_THRESHOLD,
    min_quality: int = MIN_QUALITY,
) -> list[NearDuplicateGroup]:
    """Group ``(key, pdq_hex, quality)`` entries whose hashes are within ``threshold`` bits.

    Entries without a valid hash, or with quality below ``min_quality``, are left out.
    Groups of two or more are returned, ordered by their first member's input position.
    """
    import numpy as np

    keys: list[str] = []
    hexes: list[str] = []
    for key, pdq, quality in entries:
        if pdq is not None and is_valid_hex(pdq) and quality is not None and quality >= min_quality:
            keys.append(key)
            hexes.append(pdq.lower())
    n = len(keys)
    if n < 2:
        return []
    words = hash_words(hexes)
    found = index_pairs(words, threshold) if n > SCAN_BELOW else None
    ii, jj, dd = found if found is not None else brute_force_pairs(words, threshold)
    if len(ii) == 0:
        return []
    labels = _components(n, ii, jj)
    nearest = np.full(n, 257, dtype=np.int64)
    np.minimum.at(nearest, ii, dd)
    np.minimum.at(nearest, jj, dd)
    link_max = np.zeros(n, dtype=np.int64)
    np.maximum.at(link_max, labels[ii], dd)
    sizes = np.bincount(labels, minlength=n)
    groups = []
    for root in np.flatnonzero(sizes >= 2):
        idx = np.flatnonzero(labels == root)
        groups.append(
            NearDuplicateGroup(
                members=tuple(keys[int(k)] for k in idx),
                nearest=tuple(int(nearest[int(k)]) for k in idx),
                max_link=int(link_max[root]),
            )
        )
    return groups
