"""RFC 6962 / 9162 Merkle tree hashing: leaf and node hashes, roots, inclusion proofs.

Leaves are hashed as SHA-256(0x00 || data), interior nodes as SHA-256(0x01 || left || right),
so a leaf can never be passed off as a node. The tree over n leaves splits at the largest
power of two smaller than n.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    k = 1
    while k << 1 < n:
        k <<= 1
    return k


def root_from_leaves(leaves: Sequence[bytes]) -> bytes:
    """Root over already-hashed leaves, computed bottom-up in O(n) without recursion."""
    if not leaves:
        return EMPTY_ROOT
    # Frontier of perfect subtrees, largest first, exactly as in an append-only log.
    frontier = CompactRange()
    for lh in leaves:
        frontier.append(lh)
    return frontier.root()


class CompactRange:
    """The O(log n) state of an append-only tree: one hash per perfect subtree."""

    def __init__(self) -> None:
        self.size = 0
        self._stack: list[tuple[int, bytes]] = []  # (height, hash)

    def append(self, leaf: bytes) -> None:
        height, h = 0, leaf
        while self._stack and self._stack[-1][0] == height:
            _, left = self._stack.pop()
            h = node_hash(left, h)
            height += 1
        self._stack.append((height, h))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        h = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            h = node_hash(left, h)
        return h


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Audit path for leaf ``index`` in the tree over ``leaves`` (RFC 6962 section 2.1.1)."""
    n = len(leaves)
    if not 0 <= index < n:
        raise IndexError("leaf index out of range")
    path: list[bytes] = []
    lo, hi = 0, n
    # Walk down from the root, collecting sibling subtree roots, then reverse.
    while hi - lo > 1:
        k = _split(hi - lo)
        if index - lo < k:
            path.append(root_from_leaves(leaves[lo + k : hi]))
            hi = lo + k
        else:
            path.append(root_from_leaves(leaves[lo : lo + k]))
            lo = lo + k
    path.reverse()
    return path


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2 verification algorithm."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root
