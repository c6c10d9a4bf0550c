"""Timestamps in the vault: the stamp queue, the stored tokens, and their offline re-check.

Storage (vault.metastore.MIGRATIONS[3]): ``timestamp_queue(checkpoint_id, sealed)`` and
``timestamps(id, checkpoint_id, ord, sealed)``. Clear columns are ids and order only; each
sealed value is canonical JSON AEAD-bound to its table, row id and clear columns, like every
other table.
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography import x509

from ..common.canonical import canonical_json, parse_canonical
from ..common.clock import iso_utc
from ..common.errors import IntegrityError, NotFoundError
from ..vault.custody import SignedHead, verify_head
from .certs import cert_sha256, load_der_cert, sha256_hex
from .checks import FAIL, Check, TokenVerification
from .tsa_defaults import KNOWN_ROOTS
from .verify import gen_time_check, verify_token

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

STATE_PENDING = "pending"
STATE_STAMPED = "stamped"
STATE_SUPERSEDED = "superseded"


def _queue_aad(cp_id: int) -> str:
    return f"timestamp_queue\x00{cp_id}"


def _token_aad(token_id: str, cp_id: int, ordinal: int) -> str:
    return f"timestamps\x00{token_id}\x00{cp_id}\x00{ordinal}"


def load_checkpoint(vault: Vault, cp_id: int) -> SignedHead:
    """A stored checkpoint, its signature checked with the vault's key."""
    row = vault._conn.execute("SELECT size, body, signature FROM checkpoints WHERE id = ?", (cp_id,)).fetchone()
    if row is None:
        raise NotFoundError(f"checkpoint {cp_id}", ko="그런 체크포인트가 없습니다.", en="No such checkpoint.")
    head = SignedHead(bytes(row[1]), bytes(row[2]))
    if not verify_head(head, vault.keys.public_key_raw()) or head.size != int(row[0]):
        raise IntegrityError(f"checkpoint {cp_id}: signature or size does not match")
    return head


@dataclass
class StoredToken:
    id: str
    checkpoint_id: int
    ord: int
    record: dict[str, Any]

    @property
    def tsa(self) -> str:
        return str(self.record["tsa"])

    @property
    def url(self) -> str:
        return str(self.record["url"])

    @property
    def reply(self) -> bytes:
        return base64.b64decode(self.record["reply"])

    @property
    def nonce(self) -> int:
        return int(self.record["nonce"], 16)

    @property
    def chain(self) -> list[x509.Certificate]:
        return [c for c in (load_der_cert(base64.b64decode(d)) for d in self.record["chain"]) if c is not None]

    @property
    def root_sha256(self) -> str | None:
        v = self.record.get("root_sha256")
        return str(v) if v else None

    @property
    def gen_time(self) -> str:
        return str(self.record["gen_time"])


@dataclass
class CheckpointStamps:
    """A queued or stamped checkpoint and its tokens, each verified offline when listed."""

    checkpoint_id: int
    head: SignedHead
    state: str
    queued_utc: str
    superseded_by: int | None
    tokens: list[tuple[StoredToken, TokenVerification]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return self.head.size

    @property
    def imprint(self) -> str:
        return sha256_hex(self.head.body)

    @property
    def trusted(self) -> list[tuple[StoredToken, TokenVerification]]:
        return [(t, v) for t, v in self.tokens if v.ok]

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint_id,
            "size": self.size,
            "root": self.head.root.hex(),
            "head_time": self.head.fields["time"],
            "imprint_sha256": self.imprint,
            "state": self.state,
            "queued_utc": self.queued_utc,
            "superseded_by": self.superseded_by,
            "tokens": [
                {
                    "tsa": t.tsa,
                    "url": t.url,
                    "gen_time": t.gen_time,
                    "serial": t.record.get("serial"),
                    "reply_sha256": t.record.get("reply_sha256"),
                    "root_sha256": t.root_sha256,
                    "ok": v.ok,
                    "checks": [c.to_json() for c in v.checks],
                }
                for t, v in self.tokens
            ],
        }


def read_queue(vault: Vault) -> dict[int, dict[str, Any]]:
    rows = vault._conn.execute("SELECT checkpoint_id, sealed FROM timestamp_queue ORDER BY checkpoint_id")
    return {int(cp): parse_canonical(vault.keys.open(sealed, _queue_aad(int(cp)))) for cp, sealed in rows}


def write_queue(vault: Vault, cp_id: int, rec: dict[str, Any]) -> None:
    vault._conn.execute(
        "INSERT OR REPLACE INTO timestamp_queue(checkpoint_id, sealed) VALUES (?, ?)",
        (cp_id, vault.keys.seal(canonical_json(rec), _queue_aad(cp_id))),
    )


def add_tokens(vault: Vault, cp_id: int, records: Sequence[dict[str, Any]]) -> None:
    """Store token records for a checkpoint after the ones it has. Inside the caller's ``vault._write()``."""
    start = int(
        vault._conn.execute(
            "SELECT COALESCE(MAX(ord), 0) FROM timestamps WHERE checkpoint_id = ?", (cp_id,)
        ).fetchone()[0]
    )
    for i, rec in enumerate(records, start + 1):
        tid = str(uuid.uuid4())
        vault._conn.execute(
            "INSERT INTO timestamps(id, checkpoint_id, ord, sealed) VALUES (?,?,?,?)",
            (tid, cp_id, i, vault.keys.seal(canonical_json(rec), _token_aad(tid, cp_id, i))),
        )


def read_tokens(vault: Vault, cp_id: int | None = None) -> list[StoredToken]:
    sql = "SELECT id, checkpoint_id, ord, sealed FROM timestamps"
    args: tuple[int, ...] = ()
    if cp_id is not None:
        sql += " WHERE checkpoint_id = ?"
        args = (cp_id,)
    out: list[StoredToken] = []
    for tid, cp, ordinal, sealed in vault._conn.execute(sql + " ORDER BY checkpoint_id, ord", args):
        rec = parse_canonical(vault.keys.open(sealed, _token_aad(str(tid), int(cp), int(ordinal))))
        out.append(StoredToken(str(tid), int(cp), int(ordinal), rec))
    return out


def verify_stored(token: StoredToken, head: SignedHead) -> TokenVerification:
    """Re-check a stored token offline against its checkpoint and its stored root."""
    chain = token.chain
    root = token.root_sha256
    known = dict(KNOWN_ROOTS)
    if root and token.record.get("root_pinned"):
        known[root] = str(token.record.get("root_name") or root[:16])
    res = verify_token(
        token.reply,
        head.body,
        nonce=token.nonce,
        certs=chain,
        anchors=[c for c in chain if root and cert_sha256(c) == root],
        root_sha256=(root,) if root else (),
        trusted_roots=known,
    )
    if sha256_hex(head.body) != token.record.get("imprint"):
        res.checks.insert(0, Check("checkpoint", FAIL, "ts_cp_mismatch", {"id": token.checkpoint_id}))
    if res.info is not None:
        res.checks.append(gen_time_check(res.info.gen_time, head))
    return res


@dataclass
class QueuedCheckpoint:
    checkpoint_id: int
    head: SignedHead

    @property
    def imprint(self) -> str:
        return sha256_hex(self.head.body)


def queue_checkpoint(vault: Vault, checkpoint_id: int | None = None) -> QueuedCheckpoint:
    """Put a checkpoint in the stamp queue (a new one if none is named). Offline."""
    if checkpoint_id is None:
        checkpoint_id, head = vault.checkpoint()
    else:
        head = load_checkpoint(vault, checkpoint_id)
    with vault._write():
        if checkpoint_id not in read_queue(vault):
            write_queue(
                vault,
                checkpoint_id,
                {
                    "state": STATE_PENDING,
                    "queued_utc": iso_utc(vault.clock.now()),
                    "imprint": sha256_hex(head.body),
                    "superseded_by": None,
                },
            )
    vault.flush()
    log.info("checkpoint %s queued for trusted timestamps", checkpoint_id)
    return QueuedCheckpoint(checkpoint_id, head)


def timestamp_status(vault: Vault) -> list[CheckpointStamps]:
    """Every queued or stamped checkpoint, tokens re-verified offline. Newest last."""
    queue = read_queue(vault)
    tokens = read_tokens(vault)
    ids = sorted(set(queue) | {t.checkpoint_id for t in tokens})
    out: list[CheckpointStamps] = []
    for cp in ids:
        head = load_checkpoint(vault, cp)
        q = queue.get(cp, {})
        if q and q.get("imprint") != sha256_hex(head.body):
            raise IntegrityError(f"checkpoint {cp} does not match its queue record")
        entry = CheckpointStamps(
            cp,
            head,
            str(q.get("state", STATE_STAMPED)),
            str(q.get("queued_utc", "")),
            q.get("superseded_by"),
        )
        for t in tokens:
            if t.checkpoint_id == cp:
                entry.tokens.append((t, verify_stored(t, head)))
        out.append(entry)
    return out


def pending(vault: Vault) -> list[int]:
    return [cp for cp, q in read_queue(vault).items() if q.get("state") == STATE_PENDING]
