"""The custody log: canonical JSON lines in a Merkle tree whose head is signed.

Each event is one canonical JSON line, stored sealed in SQLite next to its RFC 6962 leaf
hash, and appended in the same transaction as the change it records: that commit is the
acknowledgement. After every append the new tree head (size, root) is signed with the
vault's Ed25519 key. Each line also names the root before it ("prev"), so the lines form a
hash chain readable without any tree code.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ..common.canonical import canonical_json, parse_canonical
from ..common.clock import Clock, iso_utc
from ..common.errors import IntegrityError
from ..common.model import CustodyEvent
from ..crypto import merkle
from ..crypto.keys import Keyring, key_fingerprint

log = logging.getLogger(__name__)

LOG_FORMAT = "evidence-kit custody log v1"

ACTIONS = (
    "create-vault",
    "create-case",
    "edit-case",
    "import",
    "capture",
    "duplicate",
    "view",
    "edit",
    "hash",
    "export-file",
    "report",
    "export",
    "checkpoint",
    "rekey",
    "recovery-key",
    "export-identity",
    "recover",
    "integrity-alert",
    "verify",
    "policy",
    "derive",
    "stamp",
    "chat-import",
    "mark",
    "takedown",
    "backup",
    "restore",
)


@dataclass(frozen=True)
class SignedHead:
    body: bytes  # canonical JSON: {"log", "vault", "size", "root", "time", "key"}
    signature: bytes

    @property
    def fields(self) -> dict[str, Any]:
        obj: dict[str, Any] = parse_canonical(self.body)
        return obj

    @property
    def size(self) -> int:
        return int(self.fields["size"])

    @property
    def root(self) -> bytes:
        return bytes.fromhex(self.fields["root"])


def _as_bytes(value: object, what: str) -> bytes:
    """A BLOB from the database, or an integrity error if a damaged row holds something else."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise IntegrityError(f"{what} is damaged")


def verify_head(head: SignedHead, public_key_raw: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public_key_raw).verify(head.signature, head.body)
    except (InvalidSignature, ValueError):
        return False
    return True


class CustodyLog:
    def __init__(self, conn: sqlite3.Connection, keyring: Keyring, clock: Clock, vault_id: str) -> None:
        self._conn = conn
        self._keys = keyring
        self._clock = clock
        self._vault_id = vault_id
        self._range = merkle.CompactRange()
        self._snapshot: tuple[int, list[tuple[int, bytes]]] | None = None
        rows = conn.execute("SELECT seq, leaf FROM custody_log ORDER BY seq").fetchall()
        for expected, (seq, leaf) in enumerate(rows):
            if seq != expected:
                raise IntegrityError("custody log sequence has a gap")
            self._range.append(_as_bytes(leaf, "custody log leaf"))

    @property
    def size(self) -> int:
        return self._range.size

    def root(self) -> bytes:
        return self._range.root()

    # The vault's transaction helper snapshots and restores the in-memory tree state so a
    # rolled-back append leaves no trace here either.
    def snapshot(self) -> None:
        self._snapshot = (self._range.size, list(self._range._stack))

    def restore(self) -> None:
        if self._snapshot is not None:
            self._range.size, self._range._stack = self._snapshot[0], list(self._snapshot[1])
        self._snapshot = None

    def committed(self) -> None:
        """The transaction holding the appends since :meth:`snapshot` committed."""
        self._snapshot = None

    def append(
        self,
        action: str,
        *,
        case_id: str | None = None,
        item_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> CustodyEvent:
        """Append one event; the caller commits (same transaction as the change)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown custody action {action!r}")
        seq = self._range.size
        now = iso_utc(self._clock.now())
        tz = self._clock.local_offset()
        obj = {
            "v": 1,
            "seq": seq,
            "time": now,
            "tz": tz,
            "action": action,
            "case": case_id,
            "item": item_id,
            "data": data or {},
            "prev": self._range.root().hex(),
        }
        line = canonical_json(obj)
        leaf = merkle.leaf_hash(line)
        self._conn.execute(
            "INSERT INTO custody_log(seq, case_id, item_id, leaf, sealed) VALUES (?,?,?,?,?)",
            (seq, case_id, item_id, leaf, self._keys.seal(line, f"custody_log\x00{seq}")),
        )
        self._range.append(leaf)
        head = self._sign_head(now)
        self._conn.execute(
            "INSERT OR REPLACE INTO log_head(id, body, signature) VALUES (1, ?, ?)",
            (head.body, head.signature),
        )
        return CustodyEvent(seq, now, tz, action, case_id, item_id, data or {}, line)

    def _sign_head(self, now: str) -> SignedHead:
        body = canonical_json(
            {
                "log": LOG_FORMAT,
                "vault": self._vault_id,
                "size": self._range.size,
                "root": self._range.root().hex(),
                "time": now,
                "key": key_fingerprint(self._keys.public_key_raw()),
            }
        )
        return SignedHead(body, self._keys.signing_key.sign(body))

    def head(self) -> SignedHead:
        row = self._conn.execute("SELECT body, signature FROM log_head WHERE id = 1").fetchone()
        if row is None:
            raise IntegrityError("custody log head missing")
        return SignedHead(_as_bytes(row[0], "log head"), _as_bytes(row[1], "log head signature"))

    def checkpoint(self) -> tuple[int, SignedHead]:
        """Store the current signed head as a durable checkpoint (for reports and stamps)."""
        head = self.head()
        cur = self._conn.execute(
            "INSERT INTO checkpoints(size, body, signature) VALUES (?,?,?)",
            (head.size, head.body, head.signature),
        )
        return int(cur.lastrowid or 0), head

    def _decode(self, seq: int, leaf: bytes, sealed: object) -> CustodyEvent:
        line = self._keys.open(sealed, f"custody_log\x00{seq}")
        if merkle.leaf_hash(line) != leaf:
            raise IntegrityError(f"custody log line {seq} does not match its hash")
        try:
            obj: dict[str, Any] = parse_canonical(line)
        except ValueError as e:
            raise IntegrityError(f"custody log line {seq}") from e
        if obj.get("seq") != seq:
            raise IntegrityError(f"custody log line {seq} is out of place")
        return CustodyEvent(
            seq, obj["time"], obj["tz"], obj["action"], obj.get("case"), obj.get("item"), obj["data"], line
        )

    def events(self, *, case_id: str | None = None, item_id: str | None = None) -> list[CustodyEvent]:
        sql = "SELECT seq, leaf, sealed FROM custody_log"
        args: tuple[str, ...] = ()
        if item_id is not None:
            sql += " WHERE item_id = ?"
            args = (item_id,)
        elif case_id is not None:
            sql += " WHERE case_id = ? OR case_id IS NULL"
            args = (case_id,)
        rows = self._conn.execute(sql + " ORDER BY seq", args).fetchall()
        return [self._decode(int(s), _as_bytes(lf, "custody log leaf"), sd) for s, lf, sd in rows]

    def leaves(self) -> list[bytes]:
        return [
            _as_bytes(r[0], "custody log leaf") for r in self._conn.execute("SELECT leaf FROM custody_log ORDER BY seq")
        ]

    def verify(self) -> list[str]:
        """Recompute everything from the sealed lines; return problems (empty = intact)."""
        problems: list[str] = []
        rng = merkle.CompactRange()
        prev = merkle.EMPTY_ROOT
        rows = self._conn.execute("SELECT seq, leaf, sealed FROM custody_log ORDER BY seq").fetchall()
        for expected, (seq, leaf, sealed) in enumerate(rows):
            if seq != expected:
                problems.append(f"custody log: entry {expected} missing")
                break
            try:
                ev = self._decode(int(seq), _as_bytes(leaf, "custody log leaf"), sealed)
            except IntegrityError as e:
                problems.append(f"custody log: {e.detail}")
                break
            if parse_canonical(ev.line)["prev"] != prev.hex():
                problems.append(f"custody log: entry {seq} breaks the hash chain")
            rng.append(_as_bytes(leaf, "custody log leaf"))
            prev = rng.root()
        try:
            head = self.head()
            ok = verify_head(head, self._keys.public_key_raw())
            if not ok:
                problems.append("custody log: the signature on the log head is not valid")
            elif head.size != len(rows) or head.root != rng.root():
                problems.append("custody log: entries do not match the signed log head")
        except (IntegrityError, ValueError, KeyError) as e:
            problems.append(f"custody log head: {e}")
        return problems
