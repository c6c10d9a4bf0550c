"""Going online: RFC 3161 trusted timestamps over signed custody-log checkpoints (issue 11).

The local clock is only a claim. A Time-Stamp Authority (TSA) signs "this hash existed no
later than T"; we ask for that over a *checkpoint*: the signed head of the custody log.

What is stamped
    The imprint is SHA-256 of the checkpoint's signed-head body: the exact canonical JSON
    bytes ``{"key", "log", "root", "size", "time", "vault"}`` that the vault's Ed25519 key
    signed. Only that 32-byte hash (plus a random nonce) leaves the machine. The body
    names the Merkle root, and every item's inclusion proof leads to a root, so one stamp
    covers every item acquired before the checkpoint (``item.log_index < size``). Hashing
    the body rather than sending the root itself means the stock tool can check a token
    against a plain file: ``openssl ts -verify -data checkpoint-N.json -in token.tsr
    -CAfile chain.pem``.

When the network is used
    Never, except inside :func:`stamp_now`, which the user starts explicitly ("get trusted
    timestamps now", ``evidence-kit stamp``). Checkpoints wait in ``timestamp_queue`` until
    then. Requests go to every configured TSA at once (:mod:`.request`); each answer is
    verified before it is stored, and each attempt, good or bad, is a "stamp" event in the
    custody log (which TSA, which checkpoint, the reply's SHA-256 or why it failed).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509

from ..common.clock import iso_utc
from ..common.i18n import tr
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..vault.custody import SignedHead
from .certs import cert_der, cert_sha256, common_name, sha256_hex
from .checks import FAIL, TimestampError, TokenVerification, TsaFailure, both_times
from .request import DEFAULT_TIMEOUT, build_request, fetch_all, new_nonce, post_request
from .store import STATE_PENDING, STATE_STAMPED, STATE_SUPERSEDED, add_tokens, load_checkpoint, read_queue, write_queue
from .tsa_defaults import KNOWN_ROOTS, REQUIRED_TSAS, TsaConfig
from .verify import gen_time_check, verify_token

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)


@dataclass
class TsaOutcome:
    tsa: TsaConfig
    ok: bool = False  # a token that verifies completely was stored
    stored: bool = False  # a token was stored (maybe with a chain that could not be checked)
    gen_time: str = ""
    reply_sha256: str = ""
    error: TsaFailure | None = None
    verification: TokenVerification | None = None
    seconds: float = 0.0

    def message(self, lang: str) -> str:
        if self.ok:
            return tr("ts_stamp_ok", lang, tsa=self.tsa.name, time=both_times(self.gen_time), sha=self.reply_sha256)
        why = self.error.message(lang) if self.error else ""
        if self.stored:
            return tr("ts_stamp_kept", lang, tsa=self.tsa.name, time=both_times(self.gen_time), why=why)
        return tr("ts_stamp_fail", lang, tsa=self.tsa.name, why=why)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "tsa": self.tsa.name,
            "url": self.tsa.url,
            "ok": self.ok,
            "stored": self.stored,
            "gen_time": self.gen_time or None,
            "reply_sha256": self.reply_sha256 or None,
            "error": self.error.message(lang) if self.error else None,
            "message": self.message(lang),
            "checks": [c.to_json() for c in self.verification.checks] if self.verification else [],
        }


@dataclass
class StampRun:
    checkpoint_id: int
    head: SignedHead
    required: int
    outcomes: list[TsaOutcome]

    @property
    def trusted(self) -> int:
        return sum(o.ok for o in self.outcomes)

    @property
    def sealed(self) -> bool:
        return self.trusted >= self.required

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint_id,
            "size": self.head.size,
            "root": self.head.root.hex(),
            "imprint_sha256": sha256_hex(self.head.body),
            "required": self.required,
            "trusted": self.trusted,
            "sealed": self.sealed,
            "tsas": [o.to_json(lang) for o in self.outcomes],
        }


def stamp_now(
    vault: Vault,
    tsas: Sequence[TsaConfig],
    *,
    checkpoint_id: int | None = None,
    extra_anchors: Sequence[x509.Certificate] = (),
    required: int = REQUIRED_TSAS,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
    post: Callable[..., bytes] = post_request,
) -> StampRun:
    """Go online: request tokens for a queued checkpoint from every TSA in ``tsas``.

    The newest pending checkpoint is stamped (or ``checkpoint_id``); older pending ones are
    marked superseded, since the newer root covers everything they covered and a stamp
    asked for now carries the same time either way. Each token is verified before it is
    stored; every attempt is logged as a "stamp" custody event. Returns per-TSA outcomes;
    raises only for an empty queue or cancellation.
    """
    if not tsas:
        raise TimestampError("no TSA configured", ko="설정된 TSA가 없습니다.", en="No TSA is configured.")
    queue = read_queue(vault)
    checkpoint_id = _pick_checkpoint(queue, checkpoint_id)
    head = load_checkpoint(vault, checkpoint_id)
    digest = hashlib.sha256(head.body).digest()
    nonces = [new_nonce() for _ in tsas]
    jobs = [(tsa, build_request(digest, nonce=n)) for tsa, n in zip(tsas, nonces, strict=True)]
    requested = iso_utc(vault.clock.now())
    log.info("requesting timestamps for checkpoint %s from %d TSA(s)", checkpoint_id, len(tsas))
    fetched = fetch_all(jobs, timeout=timeout, post=post, progress=progress, cancel=cancel)
    received = iso_utc(vault.clock.now())

    outcomes: list[TsaOutcome] = []
    rows: list[dict[str, Any]] = []
    for (tsa, _), nonce, (reply, err, secs) in zip(jobs, nonces, fetched, strict=True):
        out = TsaOutcome(tsa, seconds=secs, error=err)
        outcomes.append(out)
        if reply is not None:
            row = _receive(out, reply, head, nonce, extra_anchors)
            if row is not None:
                rows.append({**row, "requested_utc": requested, "received_utc": received})

    _save_run(vault, checkpoint_id, head, queue, rows, outcomes, requested)
    run = StampRun(checkpoint_id, head, min(required, len(tsas)), outcomes)
    log.info("checkpoint %s: %d of %d TSA(s) gave a verified token", checkpoint_id, run.trusted, len(tsas))
    return run


def _pick_checkpoint(queue: dict[int, dict[str, Any]], checkpoint_id: int | None) -> int:
    """The checkpoint asked for, else the newest one waiting in the queue."""
    if checkpoint_id is not None:
        return checkpoint_id
    waiting = [cp for cp, q in queue.items() if q.get("state") == STATE_PENDING]
    if not waiting:
        raise TimestampError(
            "nothing queued",
            ko="대기 중인 체크포인트가 없습니다. 먼저 체크포인트를 대기열에 넣으세요.",
            en="No checkpoint is waiting. Queue one first.",
        )
    return max(waiting)


def _verify_reply(
    tsa: TsaConfig, reply: bytes, head: SignedHead, nonce: int, extra_anchors: Sequence[x509.Certificate]
) -> tuple[TokenVerification, tuple[str, ...]]:
    """Check one TSA's reply over the checkpoint; also the root fingerprints it was pinned to."""
    anchors = [*tsa.anchors(), *extra_anchors]
    pins = tuple(tsa.root_sha256)
    if pins and extra_anchors:
        pins += tuple(cert_sha256(a) for a in extra_anchors)
    v = verify_token(reply, head.body, nonce=nonce, anchors=anchors, root_sha256=pins)
    if v.info is not None:
        # the same rule a bundle verifier applies: a genTime before the checkpoint's own
        # signed time (less the allowance) means this computer's clock is far off
        v.checks.append(gen_time_check(v.info.gen_time, head))
    return v, pins


def _receive(
    out: TsaOutcome, reply: bytes, head: SignedHead, nonce: int, extra_anchors: Sequence[x509.Certificate]
) -> dict[str, Any] | None:
    """Judge one reply and fill in ``out``; the record to store, or None when it is refused.

    A token whose only fault is its chain is still kept (``out.stored``, not ``out.ok``)."""
    out.reply_sha256 = sha256_hex(reply)
    v, pins = _verify_reply(out.tsa, reply, head, nonce, extra_anchors)
    out.verification = v
    first_bad = next((c for c in v.checks if c.status == FAIL and c.name != "chain"), None)
    if first_bad is not None:
        if first_bad.name == "parse":  # garbage or a refusal: say so as such
            out.error = TsaFailure(first_bad.key, **first_bad.kw)
        else:
            out.error = TsaFailure("ts_err_verify", first_bad)
        return None
    assert v.info is not None and v.signer is not None
    out.gen_time = v.info.gen_time_iso
    out.stored = True
    out.ok = v.ok
    if not v.ok:
        out.error = TsaFailure("ts_err_chain", v.check("chain"))
    return _token_record(out, reply, head, nonce, v, pins)


def _token_record(
    out: TsaOutcome, reply: bytes, head: SignedHead, nonce: int, v: TokenVerification, pins: tuple[str, ...]
) -> dict[str, Any]:
    """The sealed record of a kept token (the request and receive times are added by the caller)."""
    assert v.info is not None and v.signer is not None
    path = v.path or [v.signer, *[c for c in v.token_certs if c != v.signer]]
    root = v.root_sha256
    return {
        "tsa": out.tsa.name,
        "url": out.tsa.url,
        "hash_alg": "sha256",
        "imprint": sha256_hex(head.body),
        "nonce": f"{nonce:x}",
        "reply": base64.b64encode(reply).decode("ascii"),
        "reply_sha256": out.reply_sha256,
        "gen_time": out.gen_time,
        "serial": f"{v.info.serial:x}",
        "policy": v.info.policy,
        "signer": v.signer_name,
        "chain": [base64.b64encode(cert_der(c)).decode("ascii") for c in path],
        "root_sha256": root,
        "root_name": common_name(v.path[-1].subject) if v.path else None,
        "root_pinned": bool(root and (root in pins or root in KNOWN_ROOTS)),
        "verified": v.ok,
    }


def _stamp_event(checkpoint_id: int, head: SignedHead, out: TsaOutcome) -> dict[str, Any]:
    """The custody-log "stamp" event for one TSA attempt, good or bad."""
    event: dict[str, Any] = {
        "checkpoint": checkpoint_id,
        "size": head.size,
        "root": head.root.hex(),
        "imprint": sha256_hex(head.body),
        "hash_alg": "sha256",
        "tsa": out.tsa.name,
        "url": out.tsa.url,
        "ok": out.ok,
        "stored": out.stored,
    }
    if out.reply_sha256:
        event["reply_sha256"] = out.reply_sha256
    if out.gen_time:
        event["gen_time"] = out.gen_time
    if out.error is not None:
        event["error"] = out.error.message("en")
    return event


def _save_run(
    vault: Vault,
    checkpoint_id: int,
    head: SignedHead,
    queue: dict[int, dict[str, Any]],
    rows: list[dict[str, Any]],
    outcomes: list[TsaOutcome],
    requested: str,
) -> None:
    """Store the kept tokens, log every attempt and update the queue, in one durable write."""
    with vault._write():
        add_tokens(vault, checkpoint_id, rows)
        for out in outcomes:
            vault.log.append("stamp", data=_stamp_event(checkpoint_id, head, out))
        if any(o.stored for o in outcomes):
            for cp, q in queue.items():
                if cp < checkpoint_id and q.get("state") == STATE_PENDING:
                    write_queue(vault, cp, {**q, "state": STATE_SUPERSEDED, "superseded_by": checkpoint_id})
            q = queue.get(checkpoint_id) or {
                "queued_utc": requested,
                "imprint": sha256_hex(head.body),
                "superseded_by": None,
            }
            write_queue(vault, checkpoint_id, {**q, "state": STATE_STAMPED})
    vault.flush()
