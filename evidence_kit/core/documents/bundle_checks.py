"""The signed files of a bundle: its public key, SHA256SUMS, manifest.json and the log head.

Each check appends to the ``BundleVerification`` it was given: a named check (pass or
fail) and, for every failure, a problem naming the file concerned. Nothing here raises
for bad content except ``BundleRefused`` (not one of ours, or JSON nested deeper than any
parser should be given).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Sequence
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key

from ..common.canonical import parse_canonical
from ..common.errors import CancelledError
from ..common.jsonlimits import MAX_DEPTH, TooDeep, check_depth
from ..crypto.keys import key_fingerprint
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .bundle_result import BundleRefused, BundleVerification, Check, Problem, printable
from .bundle_source import BundleSource, unsafe_reason
from .snapshot import (
    BUNDLE_FORMAT,
    BUNDLE_VERSION,
    CUSTODY,
    HEAD,
    HEAD_SIG,
    MANIFEST,
    MANIFEST_SIG,
    PROOFS,
    PUBKEY,
    SUMS,
    SUMS_SIG,
)

REQUIRED = (MANIFEST, MANIFEST_SIG, PUBKEY, SUMS, SUMS_SIG, CUSTODY, HEAD, HEAD_SIG, PROOFS)
_SUMS_LINE = re.compile(rb"^([0-9a-f]{64}) [ *](.+)$")


class SignedFileChecks:
    """Reading a bundle's files for the checks, and the checks of its signed files."""

    def __init__(
        self,
        src: BundleSource,
        res: BundleVerification,
        *,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        tsa_ca: Sequence[Any] = (),
    ) -> None:
        self.tsa_ca = list(tsa_ca)
        self.src = src
        self.res = res
        self.names = set(src.names())
        self.actual: dict[str, tuple[str, int]] = {}
        self._progress = progress
        self._cancel = cancel

    def problem(self, key: str, **kw: Any) -> None:
        self.res.problems.append(Problem(key, kw))

    def check(self, key: str, ok: bool, **kw: Any) -> bool:
        self.res.checks.append(Check(key, ok, kw))
        return ok

    def small(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        try:
            data = self.src.read_small(name)
        except (ValueError, OSError, zipfile.BadZipFile, EOFError, zlib.error) as e:
            self.problem("bvp_read", path=name, why=str(e)[:200])
            return None
        if name.endswith((".json", ".jsonl")):
            try:
                check_depth(data, lines=name.endswith(".jsonl"))
            except TooDeep as e:
                # Refused outright: no parser is given a chance to recurse on it.
                raise BundleRefused("bvp_too_deep", path=printable(name), limit=MAX_DEPTH) from e
        return data

    def hash_of(self, name: str) -> tuple[str, int] | None:
        if name in self.actual:
            return self.actual[name]
        if self._cancel():
            raise CancelledError()
        try:
            got = self.src.hash(name)
        except (OSError, zipfile.BadZipFile, EOFError, zlib.error, ValueError, NotImplementedError) as e:
            self.problem("bvp_read", path=name, why=str(e)[:200])
            return None
        self.actual[name] = got
        self._progress(len(self.actual), len(self.names))
        return got

    @staticmethod
    def sig_ok(key: Ed25519PublicKey | None, data: bytes | None, sig: bytes | None) -> bool:
        if key is None or data is None or sig is None:
            return False
        try:
            key.verify(sig, data)
        except (InvalidSignature, ValueError):
            return False
        return True

    def require_bundle(self) -> None:
        """Refuse what is not one of ours; name every required file that is missing."""
        if MANIFEST not in self.names and SUMS not in self.names:
            nested = sorted(n.rsplit("/", 1)[0] for n in self.names if n.endswith(f"/{SUMS}"))
            if nested:  # someone zipped the bundle's folder rather than its contents
                raise BundleRefused("bvp_nested_bundle", path=printable(nested[0]))
            raise BundleRefused("bvp_not_ek_bundle", why=f"no {MANIFEST} and no {SUMS}")
        for name in REQUIRED:
            if name not in self.names:
                self.problem("bvp_missing", path=name)

    def public_key(self) -> Ed25519PublicKey | None:
        """The bundled public key; its fingerprint goes into the result."""
        res = self.res
        key: Ed25519PublicKey | None = None
        pem = self.small(PUBKEY)
        if pem is not None:
            try:
                k = load_pem_public_key(pem)
                if not isinstance(k, Ed25519PublicKey):
                    raise ValueError("not an Ed25519 key")
                key = k
                res.fingerprint = key_fingerprint(k.public_bytes(Encoding.Raw, PublicFormat.Raw))
            except (ValueError, TypeError) as e:
                self.problem("bvp_pubkey", path=PUBKEY, why=str(e)[:100])
        return key

    def check_sums(self, key: Ed25519PublicKey | None) -> None:
        """SHA256SUMS, its signature, and every file it lists (none missing, none extra)."""
        res = self.res
        sums = self.small(SUMS)
        self.check("bv_check_sums_sig", self.sig_ok(key, sums, self.small(SUMS_SIG)))
        if sums is not None and not res.checks[-1].ok:
            self.problem("bvp_sig", path=SUMS, sig=SUMS_SIG)
        listed: dict[str, str] = {}
        if sums is not None:
            for no, raw in enumerate(sums.split(b"\n"), 1):
                if not raw:
                    continue
                m = _SUMS_LINE.match(raw)
                name = m.group(2).decode("utf-8", "replace") if m else ""
                if not m or unsafe_reason(name) or name in listed:
                    self.problem("bvp_sums_line", line=no)
                    continue
                listed[unicodedata.normalize("NFC", name)] = m.group(1).decode("ascii")
        sums_ok = True
        for name in sorted(self.names - {SUMS, SUMS_SIG}):
            if name not in listed and sums is not None:
                self.problem("bvp_extra", path=name)
                sums_ok = False
        for name, want in sorted(listed.items()):
            if name not in self.names:
                self.problem("bvp_missing", path=name)
                sums_ok = False
                continue
            got = self.hash_of(name)
            if got is None:
                sums_ok = False
            elif got[0] != want:
                self.problem("bvp_hash", path=name)
                sums_ok = False
        res.files_checked = len(self.actual)
        self.check("bv_check_sums", sums is not None and sums_ok, n=len(listed))

    def check_manifest(self, key: Ed25519PublicKey | None) -> dict[str, Any]:
        """manifest.json, its signature, and that it names the bundled key."""
        res = self.res
        manifest_bytes = self.small(MANIFEST)
        manifest: dict[str, Any] = {}
        if manifest_bytes is not None:
            res.manifest_sha256 = hashlib.sha256(manifest_bytes).hexdigest()
            if not self.check(
                "bv_check_manifest_sig", self.sig_ok(key, manifest_bytes, self.small(MANIFEST_SIG))
            ):
                self.problem("bvp_sig", path=MANIFEST, sig=MANIFEST_SIG)
            try:
                obj = parse_canonical(manifest_bytes)
                if not isinstance(obj, dict) or obj.get("format") != BUNDLE_FORMAT:
                    raise BundleRefused("bvp_not_ek_bundle", why=f"{MANIFEST} is not an Evidence Kit manifest")
                if obj.get("version") != BUNDLE_VERSION:
                    raise ValueError(f"bundle version {obj.get('version')!r} is not supported")
                if not isinstance(obj.get("items"), list):
                    raise ValueError("no item list")
                manifest = obj
            except (ValueError, UnicodeDecodeError) as e:
                self.problem("bvp_manifest", path=MANIFEST, why=str(e)[:200])
        else:
            self.check("bv_check_manifest_sig", False)
        res.report_id = str(manifest.get("report_id", ""))
        signer = manifest.get("signer") if isinstance(manifest.get("signer"), dict) else {}
        res.manifest_fingerprint = str((signer or {}).get("fingerprint_sha256", ""))
        if manifest:
            fp_ok = bool(res.fingerprint) and res.manifest_fingerprint == res.fingerprint
            if not self.check("bv_check_fingerprint", fp_ok):
                self.problem("bvp_fingerprint", path=MANIFEST)
        return manifest

    def check_head(self, key: Ed25519PublicKey | None, manifest: dict[str, Any]) -> dict[str, Any]:
        """The signed custody-log head, its key, and that the manifest carries the same head."""
        res = self.res
        head_body = self.small(HEAD)
        head: dict[str, Any] = {}
        head_sig_ok = self.sig_ok(key, head_body, self.small(HEAD_SIG))
        if head_body is not None:
            try:
                h = parse_canonical(head_body)
                if not isinstance(h, dict) or not isinstance(h.get("size"), int):
                    raise ValueError("no size")
                bytes.fromhex(str(h.get("root")))
                head = h
                res.head_size, res.head_root = int(h["size"]), str(h["root"])
            except (ValueError, UnicodeDecodeError, TypeError) as e:
                self.problem("bvp_head", path=HEAD, why=str(e)[:200])
        if not self.check("bv_check_head_sig", head_sig_ok, n=head.get("size", "?")):
            self.problem("bvp_sig", path=HEAD, sig=HEAD_SIG)
        if head and res.fingerprint and head.get("key") != res.fingerprint:
            self.problem("bvp_head_key", path=HEAD)
        custody = manifest.get("custody") if isinstance(manifest.get("custody"), dict) else None
        if manifest and head and (custody or {}).get("head") != head:
            self.problem("bvp_head_mismatch", path=MANIFEST)
        return head
