"""Timestamps in a bundle: the ``timestamps/`` folder written on export, and its offline check.

A bundle's token counts only when its chain ends at a root the verifier trusts (built in,
``--tsa-ca``, or pinned by the caller); the bundle cannot vouch for its own authority.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ..common.canonical import canonical_json, parse_canonical
from ..common.i18n import tr
from ..common.jsonlimits import check_depth
from ..crypto import merkle
from ..crypto.keys import key_fingerprint
from ..vault.custody import SignedHead, verify_head
from .certs import cert_display_name, cert_sha256, certs_to_pem, common_name, load_pem_certs
from .checks import FAIL, PASS, SKIP, WARN, Check, both_times
from .store import StoredToken, load_checkpoint, read_tokens
from .tsa_defaults import KNOWN_ROOTS, builtin_roots
from .verify import gen_time_check, verify_token

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

BUNDLE_DIR = "timestamps"
BUNDLE_INDEX = f"{BUNDLE_DIR}/index.json"
BUNDLE_FORMAT = "evidence-kit-timestamps"


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s[:32] or "tsa"


def _token_files(t: StoredToken) -> tuple[str, str]:
    base = f"{BUNDLE_DIR}/checkpoint-{t.checkpoint_id}.{t.ord}-{_slug(t.tsa)}"
    return f"{base}.tsr", f"{base}.chain.pem"


def bundle_entries(
    vault: Vault, checkpoint_ids: Iterable[int] | None = None, *, max_size: int | None = None
) -> dict[str, bytes]:
    """Files for a bundle's ``timestamps/`` folder (empty if nothing is stamped).

    Per stamped checkpoint: ``checkpoint-N.json`` (the signed-head body: the exact bytes
    whose hash is the imprint), ``checkpoint-N.sig`` (its raw Ed25519 signature, checkable
    with signer.pub.pem); per token ``checkpoint-N.K-<tsa>.tsr`` (the TSA's reply) and
    ``checkpoint-N.K-<tsa>.chain.pem`` (signer to stored root); and ``index.json`` tying
    them together with each request's nonce. ``max_size``: only checkpoints the bundle's
    custody log covers (pass the bundle head's size). Works offline.
    """
    wanted = set(checkpoint_ids) if checkpoint_ids is not None else None
    tokens = [t for t in read_tokens(vault) if wanted is None or t.checkpoint_id in wanted]
    files: dict[str, bytes] = {}
    entries: list[dict[str, Any]] = []
    heads: dict[int, SignedHead] = {}
    for t in tokens:
        head = heads.get(t.checkpoint_id) or load_checkpoint(vault, t.checkpoint_id)
        if max_size is not None and head.size > max_size:
            continue
        heads[t.checkpoint_id] = head
        data_name = f"{BUNDLE_DIR}/checkpoint-{t.checkpoint_id}.json"
        sig_name = f"{BUNDLE_DIR}/checkpoint-{t.checkpoint_id}.sig"
        files[data_name] = head.body
        files[sig_name] = head.signature
        tsr, chain = _token_files(t)
        files[tsr] = t.reply
        files[chain] = certs_to_pem(t.chain)
        entries.append(
            {
                "checkpoint": t.checkpoint_id,
                "size": head.size,
                "root": head.root.hex(),
                "data": data_name,
                "signature": sig_name,
                "token": tsr,
                "chain": chain,
                "tsa": t.tsa,
                "url": t.url,
                "hash_alg": t.record.get("hash_alg", "sha256"),
                "imprint": t.record.get("imprint"),
                "nonce": t.record["nonce"],
                "gen_time": t.gen_time,
                "serial": t.record.get("serial"),
                "reply_sha256": t.record.get("reply_sha256"),
                "root_sha256": t.root_sha256,
            }
        )
    if not entries:
        return {}
    files[BUNDLE_INDEX] = canonical_json(
        {
            "format": BUNDLE_FORMAT,
            "version": 1,
            "imprint": "SHA-256 of checkpoint-N.json, the signed custody-log head body",
            "verify": "openssl ts -verify -data <data> -in <token> -CAfile <chain>",
            "tokens": entries,
        }
    )
    return files


def private_root_tsas(files: Mapping[str, bytes]) -> list[str]:
    """The TSAs in a bundle's ``timestamps/`` whose chain ends at a root not built into
    Evidence Kit (a user's own ``--tsa-ca``): police count those tokens only if they are given
    the same root, so the export says so."""
    try:
        index = parse_canonical(files[BUNDLE_INDEX])
    except (KeyError, ValueError, UnicodeDecodeError):
        return []
    names: list[str] = []
    for e in index.get("tokens", []):
        if e.get("root_sha256") not in KNOWN_ROOTS and str(e.get("tsa", "")) not in names:
            names.append(str(e.get("tsa", "")))
    return names


def openssl_commands(files: Mapping[str, bytes]) -> list[str]:
    """The stock command for every token in a bundle's ``timestamps/`` (for README-VERIFY)."""
    try:
        index = parse_canonical(files[BUNDLE_INDEX])
    except (KeyError, ValueError, UnicodeDecodeError):
        return []
    out = []
    for e in index.get("tokens", []):
        out.append(f"openssl ts -verify -data {e['data']} -in {e['token']} -CAfile {e['chain']}")
    return out


@dataclass
class TimestampResult:
    """One token in a bundle: what it claims and every check, in Korean and English.

    ``tsa`` is the verified signer certificate's name once the token passes; until then it
    is index.json's claim and ``name_verified`` is False (shown as unverified)."""

    checkpoint: int
    size: int
    tsa: str
    gen_time: str
    token_path: str
    checks: list[Check]
    name_verified: bool = False

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "checkpoint": self.checkpoint,
            "size": self.size,
            "tsa": self.tsa,
            "tsa_name_verified": self.name_verified,
            "gen_time": self.gen_time or None,
            "token": self.token_path,
            "ok": self.ok,
            "checks": [c.to_json() for c in self.checks],
            "summary": self.summary(lang),
        }

    def summary(self, lang: str) -> str:
        key = "ts_result_ok" if self.ok else "ts_result_fail"
        name = self.tsa if self.name_verified else tr("ts_name_unverified", lang, name=self.tsa or "?")
        return tr(key, lang, tsa=name, id=self.checkpoint, size=self.size, time=both_times(self.gen_time))


def _bundle_leaves(data: bytes) -> list[bytes] | None:
    """Leaf hashes of a bundle's custody.jsonl (other cases' lines carry their leaf hash)."""
    leaves: list[bytes] = []
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    for line in lines:
        try:
            obj = parse_canonical(line)
        except (ValueError, UnicodeDecodeError):
            return None
        if isinstance(obj, dict) and set(obj) == {"leaf", "redacted", "seq"} and obj["redacted"] is True:
            try:
                leaves.append(bytes.fromhex(str(obj["leaf"])))
            except ValueError:
                return None
        else:
            leaves.append(merkle.leaf_hash(line))
    return leaves


def _public_key_from_pem(pem: bytes) -> bytes | None:
    try:
        key = serialization.load_pem_public_key(pem)
    except (ValueError, UnsupportedAlgorithm):
        return None
    if not isinstance(key, ed25519.Ed25519PublicKey):
        return None
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


@dataclass(frozen=True)
class _Trust:
    """What a bundle's tokens may be anchored at, and which roots are reported by name."""

    anchors: list[x509.Certificate]  # built in, plus the verifier's --tsa-ca
    known: dict[str, str]  # fingerprint -> name
    pinned: Mapping[str, str]  # roots the caller vouches for, found by fingerprint in the bundle

    @classmethod
    def build(cls, trusted_roots: Mapping[str, str] | None, extra_roots: Sequence[x509.Certificate]) -> _Trust:
        known = {**KNOWN_ROOTS, **(trusted_roots or {})}
        for c in extra_roots:
            known.setdefault(cert_sha256(c), f"{common_name(c.subject)} (--tsa-ca)")
        return cls([*builtin_roots(), *extra_roots], known, trusted_roots or {})


def verify_bundle_timestamps(
    files: Mapping[str, bytes],
    *,
    public_key_raw: bytes | None = None,
    leaves: Sequence[bytes] | None = None,
    trusted_roots: Mapping[str, str] | None = None,
    extra_roots: Sequence[x509.Certificate] = (),
) -> list[TimestampResult]:
    """Verify every token in a bundle offline; ``[]`` when the bundle has no timestamps.

    A token counts only when its chain ends at a root built into Evidence Kit
    (:func:`tsa_defaults.builtin_roots`), at one of ``extra_roots`` (the verifier's
    ``--tsa-ca``), or at a certificate in the bundle whose SHA-256 is a key of
    ``trusted_roots``. The bundle's own chain file is only a pool of intermediates: a
    chain ending anywhere else, and index.json's ``root_sha256``, count for nothing.

    ``files`` maps bundle paths ("timestamps/index.json", "signer.pub.pem",
    "custody.jsonl", ...) to bytes. The vault key and the custody leaves are taken from
    ``signer.pub.pem`` and ``custody.jsonl`` unless given. Per token the checks are:
    checkpoint (its Ed25519 signature), log (its root equals the custody log's first
    ``size`` entries), then those of :func:`.verify.verify_token` with the bundle's chain
    file as the pool of intermediates, then time (genTime not before the checkpoint).
    ``trusted_roots`` (fingerprint -> name) adds roots reported as known.
    """
    raw_index = files.get(BUNDLE_INDEX)
    if raw_index is None:
        return []
    try:
        check_depth(raw_index)
        index = parse_canonical(raw_index)
        entries = list(index["tokens"])
        if index.get("format") != BUNDLE_FORMAT:
            raise ValueError("unknown format")
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        return [_bad_index(e)]
    if public_key_raw is None and "signer.pub.pem" in files:
        public_key_raw = _public_key_from_pem(files["signer.pub.pem"])
    if leaves is None and "custody.jsonl" in files:
        leaves = _bundle_leaves(files["custody.jsonl"])
    trust = _Trust.build(trusted_roots, extra_roots)
    return [_verify_entry(entry, files, public_key_raw, leaves, trust) for entry in entries]


def _bad_index(e: Exception) -> TimestampResult:
    bad = Check("parse", FAIL, "ts_index_bad", {"path": BUNDLE_INDEX, "why": str(e)[:100]})
    return TimestampResult(0, 0, "", "", BUNDLE_INDEX, [bad])


def _verify_entry(
    entry: Any,
    files: Mapping[str, bytes],
    public_key_raw: bytes | None,
    leaves: Sequence[bytes] | None,
    trust: _Trust,
) -> TimestampResult:
    """Every check of one index.json entry: its files, its checkpoint, its token."""
    try:
        cp, size = int(entry["checkpoint"]), int(entry["size"])
        names = {k: str(entry[k]) for k in ("data", "signature", "token", "chain")}
        tsa = str(entry.get("tsa", ""))
        nonce = int(str(entry["nonce"]), 16) if entry.get("nonce") else None
    except (KeyError, TypeError, ValueError) as err:
        return _bad_index(err)
    checks: list[Check] = []
    res = TimestampResult(cp, size, tsa, str(entry.get("gen_time", "")), names["token"], checks)
    missing = [p for p in names.values() if not p.startswith(f"{BUNDLE_DIR}/") or p not in files]
    if names["data"] in missing or names["token"] in missing:
        checks.extend(Check("file", FAIL, "ts_file_missing", {"path": p}) for p in missing)
        return res
    # the checkpoint: signed by the vault key, and its root is the custody log's
    head = SignedHead(files[names["data"]], files.get(names["signature"], b""))
    checks.extend(_checkpoint_checks(head, cp, size, public_key_raw, leaves, names["signature"] in missing))
    chain = load_pem_certs(files.get(names["chain"], b""))
    _check_token(res, files[names["token"]], head, nonce, chain, trust)
    return res


def _checkpoint_checks(
    head: SignedHead,
    cp: int,
    size: int,
    public_key_raw: bytes | None,
    leaves: Sequence[bytes] | None,
    signature_missing: bool,
) -> list[Check]:
    """The checkpoint's Ed25519 signature and size, and its root against the custody log."""
    try:
        head_size, head_root = head.size, head.root
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return [Check("checkpoint", FAIL, "ts_cp_bad", {"id": cp})]
    checks: list[Check] = []
    if head_size != size:
        checks.append(Check("checkpoint", FAIL, "ts_cp_bad", {"id": cp}))
    elif public_key_raw is None:
        checks.append(Check("checkpoint", SKIP, "ts_cp_nokey", {"id": cp}))
    elif signature_missing or not verify_head(head, public_key_raw):
        checks.append(Check("checkpoint", FAIL, "ts_cp_sig", {"id": cp}))
    else:
        kw = {"id": cp, "size": size, "fp": key_fingerprint(public_key_raw)[:16]}
        checks.append(Check("checkpoint", PASS, "ts_cp_ok", kw))
    if leaves is None:
        checks.append(Check("log", SKIP, "ts_log_skip"))
    elif size > len(leaves) or merkle.root_from_leaves(leaves[:size]) != head_root:
        checks.append(Check("log", FAIL, "ts_log_fail", {"size": size}))
    else:
        checks.append(Check("log", PASS, "ts_log_ok", {"size": size}))
    return checks


def _check_token(
    res: TimestampResult,
    token: bytes,
    head: SignedHead,
    nonce: int | None,
    chain: list[x509.Certificate],
    trust: _Trust,
) -> None:
    """The token's own checks, appended to ``res``; the TSA's name once everything passed."""
    checks = res.checks
    pinned = [c for c in chain if trust.pinned and cert_sha256(c) in trust.pinned]
    v = verify_token(
        token, head.body, nonce=nonce, certs=chain, anchors=[*trust.anchors, *pinned], trusted_roots=trust.known
    )
    for chk in v.checks:
        if chk.name == "chain" and chk.key in ("ts_chain_root", "ts_chain_missing", "ts_chain_lookalike"):
            # Said plainly: the bundle cannot vouch for its own timestamp authority.
            kw = {"name": chk.kw.get("name", ""), "fp": chk.kw.get("fp", "-")}
            checks.append(Check("chain", FAIL, "ts_chain_untrusted", kw))
        else:
            checks.append(chk)
    if v.info is not None:
        res.gen_time = v.info.gen_time_iso
        checks.append(gen_time_check(v.info.gen_time, head))
    if all(c.ok for c in checks) and v.path:
        res.tsa, res.name_verified = cert_display_name(v.signer or v.path[0]), True


def result_lines(results: Sequence[TimestampResult], lang: str) -> list[str]:
    """Human-readable lines for ``evidence-kit verify`` (one summary, then each check)."""
    lines: list[str] = []
    mark = {PASS: tr("bv_pass", lang), FAIL: tr("bv_fail", lang), WARN: tr("ts_warn", lang), SKIP: "-"}
    for r in results:
        lines.append(r.summary(lang))
        for c in r.checks:
            lines.append(f"  [{mark[c.status]}] {c.message(lang)}")
    return lines
