"""RFC 3161 trusted timestamps over signed custody-log checkpoints (issue 11).

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
    then. Requests go to every configured TSA at once over plain ``urllib`` (timeouts, no
    redirects followed, a neutral User-Agent, replies capped at 1 MiB); each answer is
    verified before it is stored, and each attempt, good or bad, is a "stamp" event in the
    custody log (which TSA, which checkpoint, the reply's SHA-256 or why it failed).

How a token is checked (offline, each check reported separately in Korean and English)
    imprint  the message imprint equals H(checkpoint file), H in SHA-256/384/512
    nonce    equals the nonce we sent
    signer   the signer certificate is the one named by the signed ESSCertID(v2) hash,
             never found by name (a reply can carry look-alike certificates)
    signature  the CMS signature over the signed attributes verifies with that key, and the
             signed message digest matches the TSTInfo
    eku      the signer has exactly the timeStamping extended key usage, marked critical
    chain    each link's signature verifies, every certificate was valid at the token's
             genTime (a TSA certificate that expired since is normal), and the path ends
             at the stored root (pinned by the SHA-256 of its DER)
    root     whether that root is one of the built-in public TSA roots (a warning if not)
    asn1crypto only parses; every signature and certificate decision is made here with
    ``cryptography``. Revocation is not checked (no network at verification time).

Storage (vault.MIGRATIONS[3])
    ``timestamp_queue(checkpoint_id, sealed)`` and ``timestamps(id, checkpoint_id, ord,
    sealed)``. Clear columns are ids and order only; each sealed value is canonical JSON
    AEAD-bound to its table, row id and clear columns, like every other table.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import Message
from typing import IO, TYPE_CHECKING, Any

from asn1crypto import cms as a_cms
from asn1crypto import core as a_core
from asn1crypto import tsp as a_tsp
from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..common.canonical import canonical_json, parse_canonical
from ..common.clock import iso_utc, to_kst, utc_display
from ..common.errors import CancelledError, EvidenceKitError, IntegrityError, NotFoundError
from ..common.i18n import tr
from ..common.jsonlimits import check_depth
from ..crypto import merkle
from ..crypto.keys import key_fingerprint
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..vault.custody import SignedHead, verify_head
from .tsa_defaults import KNOWN_ROOTS, REQUIRED_TSAS, TsaConfig, builtin_roots

if TYPE_CHECKING:
    from ..common.model import Item
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

HASHES: dict[str, Callable[[bytes], Any]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}
_CRYPTO_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# ESSCertID (v1) identifies the signer by SHA-1 of its certificate, by definition (RFC 2634).
_ESS_HASHES: dict[str, Callable[[bytes], Any]] = {**HASHES, "sha1": hashlib.sha1}

CONTENT_TYPE_QUERY = "application/timestamp-query"
CONTENT_TYPE_REPLY = "application/timestamp-reply"
USER_AGENT = "tsp-client/1"  # neutral on purpose: the TSA need not learn which app asked
DEFAULT_TIMEOUT = 20.0
MAX_REPLY_BYTES = 1024 * 1024
MAX_CHAIN_DEPTH = 8
# How much earlier than the checkpoint's own signed time a token's genTime may be. A token
# is requested only after its checkpoint is signed, so genTime can precede it only through
# clock error; the checkpoint time comes from the submitter's computer, whose clock may run
# a few minutes fast without NTP. Anything earlier is a back-dated claim (issue 15).
GEN_TIME_ALLOWANCE = timedelta(minutes=15)

BUNDLE_DIR = "timestamps"
BUNDLE_INDEX = f"{BUNDLE_DIR}/index.json"
BUNDLE_FORMAT = "evidence-kit-timestamps"

STATE_PENDING = "pending"
STATE_STAMPED = "stamped"
STATE_SUPERSEDED = "superseded"

PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"


# --------------------------------------------------------------------------- errors


class TimestampError(EvidenceKitError):
    """Trusted time could not be obtained or the stored tokens are unusable."""

    exit_code = 10
    ko = "신뢰할 수 있는 타임스탬프를 받지 못했습니다."
    en = "No trusted timestamp could be obtained."


class TsaFailure(Exception):
    """One TSA attempt failed; carries an i18n key so the reason is told in both languages.

    ``check``: the verification step that failed, whose own message becomes ``{why}``.
    """

    def __init__(self, key: str, check: Check | None = None, **kw: Any) -> None:
        self.key = key
        self.check = check
        self.kw = kw
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        kw = dict(self.kw)
        if self.check is not None:
            kw["why"] = self.check.message(lang)
        return tr(self.key, lang, **kw)


# --------------------------------------------------------------------------- helpers


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def cert_sha256(cert: x509.Certificate) -> str:
    return sha256_hex(cert.public_bytes(serialization.Encoding.DER))


def _cert_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _cn(name: x509.Name) -> str:
    cns = name.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    if cns:
        return str(cns[0].value)
    return name.rfc4514_string()


def certs_to_pem(certs: Iterable[x509.Certificate]) -> bytes:
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def load_pem_certs(data: bytes) -> list[x509.Certificate]:
    """Certificates from PEM text; empty for anything that is not PEM certificates."""
    try:
        certs = x509.load_pem_x509_certificates(data)
    except ValueError:
        return []
    return [c for c in certs if _usable(c)]


def load_der_cert(der: bytes) -> x509.Certificate | None:
    """A certificate from untrusted DER, or None. cryptography parses fields lazily, so
    every field the checks read is touched here: a damaged certificate is dropped now
    rather than raising in the middle of a verification."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    return cert if _usable(cert) else None


def _usable(cert: x509.Certificate) -> bool:
    try:
        cert.subject.rfc4514_string()
        cert.issuer.rfc4514_string()
        _ = cert.not_valid_before_utc, cert.not_valid_after_utc, cert.serial_number
        list(cert.extensions)
        cert.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _is_self_signed(cert: x509.Certificate) -> bool:
    if cert.issuer != cert.subject:
        return False
    try:
        cert.verify_directly_issued_by(cert)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _valid_at(cert: x509.Certificate, at: datetime) -> bool:
    return cert.not_valid_before_utc <= at <= cert.not_valid_after_utc


def _slug(name: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return s[:32] or "tsa"


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class Check:
    """One verification step. ``status`` is pass, fail, warn (not a failure) or skip."""

    name: str
    status: str
    key: str
    kw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != FAIL

    def message(self, lang: str) -> str:
        return tr(self.key, lang, **self.kw)

    @property
    def ko(self) -> str:
        return self.message("ko")

    @property
    def en(self) -> str:
        return self.message("en")

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "status": self.status, "ok": self.ok, "ko": self.ko, "en": self.en}


@dataclass
class TokenInfo:
    gen_time: datetime
    serial: int
    policy: str
    hash_alg: str
    imprint: bytes
    nonce: int | None
    tsa_field: str  # the TSTInfo "tsa" name, if the TSA filled it in
    accuracy: str

    @property
    def gen_time_iso(self) -> str:
        return iso_utc(self.gen_time)


@dataclass
class TokenVerification:
    checks: list[Check]
    info: TokenInfo | None = None
    signer: x509.Certificate | None = None
    path: list[x509.Certificate] = field(default_factory=list)  # signer .. root, when built
    token_certs: list[x509.Certificate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every check passed (a "warn", e.g. a root not in the built-in list, is no failure)."""
        return all(c.ok for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]

    @property
    def root_sha256(self) -> str | None:
        return cert_sha256(self.path[-1]) if self.path else None

    @property
    def signer_name(self) -> str:
        return _cn(self.signer.subject) if self.signer is not None else ""


# --------------------------------------------------------------------------- request


def new_nonce() -> int:
    """A random positive 64-bit nonce (RFC 3161 section 2.4.1)."""
    return secrets.randbits(63) | (1 << 62)


def build_request(digest: bytes, *, hash_alg: str = "sha256", nonce: int, cert_req: bool = True) -> bytes:
    """DER TimeStampReq for an already-computed digest: version 1, no policy, no extensions."""
    if hash_alg not in HASHES or len(digest) != HASHES[hash_alg](b"").digest_size:
        raise ValueError(f"digest is not a {hash_alg} value")
    req = a_tsp.TimeStampReq(
        {
            "version": "v1",
            "message_imprint": {"hash_algorithm": {"algorithm": hash_alg}, "hashed_message": digest},
            "nonce": nonce,
            "cert_req": cert_req,
        }
    )
    der: bytes = req.dump()
    return der


# --------------------------------------------------------------------------- HTTP


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would send the request somewhere the user did not choose: refuse it."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


def post_request(url: str, body: bytes, *, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """POST a TimeStampReq; the reply's bytes, or :class:`TsaFailure` saying why not.

    Only called from :func:`stamp_now` (the explicit "go online" act).
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise TsaFailure("ts_err_url", url=url)
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": CONTENT_TYPE_QUERY,
            "Accept": CONTENT_TYPE_REPLY,
            "User-Agent": USER_AGENT,
        },
    )
    opener = urllib.request.build_opener(_NoRedirect)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as resp:
            status = int(resp.status)
            if status != 200:
                raise TsaFailure("ts_err_http", code=status)
            chunks: list[bytes] = []
            size = 0
            while True:
                if time.monotonic() > deadline:
                    raise TsaFailure("ts_err_timeout", seconds=f"{timeout:g}")
                block = resp.read(64 * 1024)
                if not block:
                    break
                size += len(block)
                if size > MAX_REPLY_BYTES:
                    raise TsaFailure("ts_err_too_large", limit=MAX_REPLY_BYTES)
                chunks.append(block)
            return b"".join(chunks)
    except TsaFailure:
        raise
    except urllib.error.HTTPError as e:
        if 300 <= e.code < 400:
            raise TsaFailure("ts_err_redirect", code=e.code) from e
        raise TsaFailure("ts_err_http", code=e.code) from e
    except urllib.error.URLError as e:
        if isinstance(e.reason, TimeoutError):
            raise TsaFailure("ts_err_timeout", seconds=f"{timeout:g}") from e
        raise TsaFailure("ts_err_connect", why=str(e.reason)[:200]) from e
    except TimeoutError as e:
        raise TsaFailure("ts_err_timeout", seconds=f"{timeout:g}") from e
    except (OSError, ValueError) as e:
        raise TsaFailure("ts_err_connect", why=str(e)[:200]) from e


# --------------------------------------------------------------------------- parsing


@dataclass
class ParsedToken:
    status: str
    status_text: str
    signed_data: Any
    tst_bytes: bytes
    tst: Any
    signer_info: Any
    certs: list[x509.Certificate]


class _TimeStampResp(a_core.Sequence):  # type: ignore[misc]
    """RFC 3161 TimeStampResp with the token OPTIONAL, as the RFC has it: asn1crypto's own
    class requires it, so a genuine rejection (status only) would look like garbage."""

    _fields = [  # noqa: RUF012 (asn1crypto's declaration style)
        ("status", a_tsp.PKIStatusInfo),
        ("time_stamp_token", a_cms.ContentInfo, {"optional": True}),
    ]


def _status_text(status_info: Any) -> str:
    try:
        texts = status_info["status_string"].native or []
        fail = status_info["fail_info"].native
        parts = [str(t) for t in texts] + ([", ".join(sorted(fail))] if fail else [])
        return "; ".join(parts)[:300]
    except Exception:  # untrusted bytes: a bad status text must not hide the status
        return ""


def parse_token(data: bytes) -> ParsedToken:
    """Parse a TimeStampResp (or a bare TimeStampToken) strictly; :class:`TsaFailure` if not one.

    Every failure of the ASN.1 parser on untrusted bytes means "not a valid reply".
    """
    try:
        try:
            resp = _TimeStampResp.load(data, strict=True)
            status = str(resp["status"]["status"].native)
            status_text = _status_text(resp["status"])
            if status not in ("granted", "granted_with_mods"):
                raise TsaFailure("ts_err_rejected", status=status, text=status_text)
            content_info = resp["time_stamp_token"]
            if isinstance(content_info, a_core.Void):
                raise ValueError("status granted but no token")
        except TsaFailure:
            raise
        except Exception:
            content_info = a_cms.ContentInfo.load(data, strict=True)
            status, status_text = "granted", ""
        if content_info["content_type"].native != "signed_data":
            raise ValueError("the token is not CMS SignedData")
        sd = content_info["content"]
        eci = sd["encap_content_info"]
        if eci["content_type"].native != "tst_info":
            raise ValueError("the signed content is not a TSTInfo")
        tst_bytes = bytes(eci["content"].contents)
        tst = a_tsp.TSTInfo.load(tst_bytes, strict=True)
        tst.native  # noqa: B018 (forces a full parse now, not at some later access)
        infos = list(sd["signer_infos"])
        if len(infos) != 1:
            raise ValueError(f"{len(infos)} signers (a timestamp token has exactly one)")
        certs: list[x509.Certificate] = []
        for choice in sd["certificates"] or []:
            if choice.name == "certificate":
                cert = load_der_cert(choice.chosen.dump())
                if cert is None:
                    log.info("an embedded certificate could not be parsed; ignored")
                else:
                    certs.append(cert)
        return ParsedToken(status, status_text, sd, tst_bytes, tst, infos[0], certs)
    except TsaFailure:
        raise
    except Exception as e:  # asn1crypto raises many kinds on hostile input
        raise TsaFailure("ts_err_garbage", why=f"{type(e).__name__}: {e}"[:160]) from e


def _token_info(tst: Any) -> TokenInfo:
    tsa_name = ""
    if tst["tsa"].native is not None:
        gn = tst["tsa"].chosen
        tsa_name = gn.chosen.human_friendly if gn.name == "directory_name" else str(gn.native)
    acc = tst["accuracy"].native
    accuracy = ""
    if acc:
        accuracy = " ".join(f"{v} {k}" for k, v in acc.items() if v is not None)
    gen: datetime = tst["gen_time"].native
    return TokenInfo(
        gen_time=gen,
        serial=int(tst["serial_number"].native),
        policy=str(tst["policy"].dotted),
        hash_alg=str(tst["message_imprint"]["hash_algorithm"]["algorithm"].native),
        imprint=bytes(tst["message_imprint"]["hashed_message"].native),
        nonce=None if tst["nonce"].native is None else int(tst["nonce"].native),
        tsa_field=tsa_name,
        accuracy=accuracy,
    )


# --------------------------------------------------------------------------- verification


def _signed_attrs(si: Any) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    for attr in si["signed_attrs"] or []:
        name = attr["type"].native
        if name in attrs:
            raise ValueError(f"signed attribute {name} appears twice")
        values = list(attr["values"])
        if len(values) != 1:
            raise ValueError(f"signed attribute {name} has {len(values)} values")
        attrs[name] = values[0]
    return attrs


def _find_signer(
    attrs: dict[str, Any], si: Any, candidates: Sequence[x509.Certificate]
) -> tuple[x509.Certificate | None, Check]:
    """The signer certificate named by the signed ESSCertID(v2) hash (never by name)."""
    if "signing_certificate_v2" in attrs:
        ess = attrs["signing_certificate_v2"]["certs"][0]
        alg = str(ess["hash_algorithm"]["algorithm"].native)
    elif "signing_certificate" in attrs:
        ess = attrs["signing_certificate"]["certs"][0]
        alg = "sha1"
    else:
        return None, Check("signer", FAIL, "ts_signer_noattr")
    if alg not in _ESS_HASHES:
        return None, Check("signer", FAIL, "ts_signer_alg", {"alg": alg})
    want = bytes(ess["cert_hash"].native)
    match = next((c for c in candidates if _ESS_HASHES[alg](_cert_der(c)).digest() == want), None)
    if match is None:
        if not candidates:
            return None, Check("signer", FAIL, "ts_signer_nocerts")
        # Something claims to be the signer (same issuer and serial as the signer
        # identifier) but is not the certificate the signature names: a look-alike.
        sid = si["sid"]
        if sid.name == "issuer_and_serial_number":
            for c in candidates:
                asn_c = a_x509.Certificate.load(_cert_der(c))
                if asn_c.issuer == sid.chosen["issuer"] and asn_c.serial_number == sid.chosen["serial_number"].native:
                    return None, Check("signer", FAIL, "ts_signer_lookalike", {"subject": _cn(c.subject)})
        return None, Check("signer", FAIL, "ts_signer_fail")
    asn = a_x509.Certificate.load(_cert_der(match))
    issuer_serial = ess["issuer_serial"]
    if issuer_serial.native is not None:
        names = [g.chosen for g in issuer_serial["issuer"] if g.name == "directory_name"]
        if issuer_serial["serial_number"].native != asn.serial_number or not any(n == asn.issuer for n in names):
            return None, Check("signer", FAIL, "ts_signer_sid")
    sid = si["sid"]
    if sid.name == "issuer_and_serial_number":
        ok = sid.chosen["issuer"] == asn.issuer and sid.chosen["serial_number"].native == asn.serial_number
    else:
        ok = asn.key_identifier is not None and bytes(sid.chosen.native) == asn.key_identifier
    if not ok:
        return None, Check("signer", FAIL, "ts_signer_sid")
    return match, Check("signer", PASS, "ts_signer_ok", {"subject": _cn(match.subject), "alg": alg})


def _verify_signature(si: Any, attrs: dict[str, Any], tst_bytes: bytes, signer: x509.Certificate) -> Check:
    digest_alg = str(si["digest_algorithm"]["algorithm"].native)
    if digest_alg not in HASHES:
        return Check("signature", FAIL, "ts_sig_alg", {"alg": digest_alg})
    if attrs.get("content_type") is None or attrs["content_type"].native != "tst_info":
        return Check("signature", FAIL, "ts_sig_attrs")
    md = attrs.get("message_digest")
    if md is None or bytes(md.native) != HASHES[digest_alg](tst_bytes).digest():
        return Check("signature", FAIL, "ts_sig_digest")
    signed = bytearray(si["signed_attrs"].dump())
    signed[0] = 0x31  # signed over as a SET OF, not with the [0] implicit tag (RFC 5652 5.4)
    sig = bytes(si["signature"].native)
    algo = si["signature_algorithm"]
    kind = str(algo.signature_algo)
    h = _CRYPTO_HASHES[digest_alg]()
    key = signer.public_key()
    try:
        if kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(sig, bytes(signed), padding.PKCS1v15(), h)
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            params = algo["parameters"]
            pss_hash = str(params["hash_algorithm"]["algorithm"].native)
            mgf_hash = str(params["mask_gen_algorithm"]["parameters"]["algorithm"].native)
            if pss_hash not in _CRYPTO_HASHES or mgf_hash not in _CRYPTO_HASHES:
                return Check("signature", FAIL, "ts_sig_alg", {"alg": f"rsassa_pss/{pss_hash}"})
            key.verify(
                sig,
                bytes(signed),
                padding.PSS(padding.MGF1(_CRYPTO_HASHES[mgf_hash]()), int(params["salt_length"].native)),
                _CRYPTO_HASHES[pss_hash](),
            )
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(sig, bytes(signed), ec.ECDSA(h))
        elif kind == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(sig, bytes(signed))
        elif kind == "ed448" and isinstance(key, ed448.Ed448PublicKey):
            key.verify(sig, bytes(signed))
        elif kind == "dsa" and isinstance(key, dsa.DSAPublicKey):
            key.verify(sig, bytes(signed), h)
        else:
            return Check("signature", FAIL, "ts_sig_alg", {"alg": f"{kind}/{type(key).__name__}"})
    except (InvalidSignature, ValueError, UnsupportedAlgorithm):
        return Check("signature", FAIL, "ts_sig_fail")
    return Check("signature", PASS, "ts_sig_ok", {"alg": f"{kind} {digest_alg}"})


def _check_eku(signer: x509.Certificate) -> Check:
    try:
        ext = signer.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        return Check("eku", FAIL, "ts_eku_fail", {"why": "no extendedKeyUsage"})
    except ValueError as e:
        return Check("eku", FAIL, "ts_eku_fail", {"why": str(e)[:100]})
    if list(ext.value) != [ExtendedKeyUsageOID.TIME_STAMPING]:
        return Check("eku", FAIL, "ts_eku_fail", {"why": ", ".join(o.dotted_string for o in ext.value) or "empty"})
    if not ext.critical:
        return Check("eku", FAIL, "ts_eku_fail", {"why": "not marked critical"})
    try:
        ku = signer.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (ku.digital_signature or ku.content_commitment):
            return Check("eku", FAIL, "ts_eku_fail", {"why": "keyUsage forbids signing"})
    except x509.ExtensionNotFound:
        pass
    return Check("eku", PASS, "ts_eku_ok")


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        if not cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return False
    except x509.ExtensionNotFound:
        return False
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_cert_sign
    except x509.ExtensionNotFound:
        return True


def build_chain(
    leaf: x509.Certificate,
    pool: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    at: datetime,
) -> tuple[list[x509.Certificate] | None, Check]:
    """A path leaf -> ... -> anchor where every signature verifies and every certificate
    was valid at ``at``. Issuers are looked up by name but *accepted by signature*, so a
    look-alike with the same name is tried and rejected. Returns the path or the most
    specific reason none exists."""
    at_s = utc_display(iso_utc(at))
    anchor_fps = {cert_sha256(a) for a in anchors}
    best: list[tuple[int, Check]] = []

    def fail(depth: int, key: str, **kw: Any) -> None:
        if not best or depth > best[0][0]:
            best[:] = [(depth, Check("chain", FAIL, key, kw))]

    if not _valid_at(leaf, at):
        return None, Check("chain", FAIL, "ts_chain_time", {"name": _cn(leaf.subject), "time": at_s})

    def walk(cert: x509.Certificate, path: list[x509.Certificate]) -> list[x509.Certificate] | None:
        depth = len(path)
        if depth > MAX_CHAIN_DEPTH:
            fail(depth, "ts_chain_missing", name=_cn(cert.issuer))
            return None
        seen = {cert_sha256(c) for c in path}
        cands = [a for a in anchors if a.subject == cert.issuer]
        cands += [p for p in pool if p.subject == cert.issuer and cert_sha256(p) not in seen | anchor_fps]
        if not cands:
            if _is_self_signed(cert):
                fail(depth, "ts_chain_root", name=_cn(cert.subject), fp=cert_sha256(cert))
            else:
                fail(depth, "ts_chain_missing", name=_cn(cert.issuer))
            return None
        signed_by_any = False
        for cand in cands:
            if cand is cert or cert_sha256(cand) == cert_sha256(cert):
                continue
            try:
                cert.verify_directly_issued_by(cand)
            except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
                continue
            signed_by_any = True
            is_anchor = cert_sha256(cand) in anchor_fps
            if not _valid_at(cand, at):
                fail(depth + 1, "ts_chain_time", name=_cn(cand.subject), time=at_s)
                continue
            if is_anchor:
                return [*path, cand]
            if not _is_ca(cand):
                fail(depth + 1, "ts_chain_ca", name=_cn(cand.subject))
                continue
            if _is_self_signed(cand):
                fail(depth + 1, "ts_chain_root", name=_cn(cand.subject), fp=cert_sha256(cand))
                continue
            found = walk(cand, [*path, cand])
            if found is not None:
                return found
        if not signed_by_any:
            if _is_self_signed(cert):
                fail(depth, "ts_chain_root", name=_cn(cert.subject), fp=cert_sha256(cert))
            else:
                fail(depth, "ts_chain_lookalike", name=_cn(cert.issuer))
        return None

    path = walk(leaf, [leaf])
    if path is not None:
        root = path[-1]
        return path, Check(
            "chain", PASS, "ts_chain_ok", {"time": at_s, "root": _cn(root.subject), "fp": cert_sha256(root)}
        )
    return None, best[0][1] if best else Check("chain", FAIL, "ts_chain_missing", {"name": _cn(leaf.issuer)})


def verify_token(
    token: bytes,
    data: bytes,
    *,
    nonce: int | None = None,
    certs: Sequence[x509.Certificate] = (),
    anchors: Sequence[x509.Certificate] = (),
    root_sha256: Collection[str] = (),
    trusted_roots: Mapping[str, str] | None = None,
) -> TokenVerification:
    """Check a TimeStampResp (or bare token) over ``data`` completely, offline.

    ``certs``: extra untrusted certificates (a supplied chain; needed when the token
    carries none). ``anchors``: root certificates the chain may end at; with
    ``root_sha256`` only those whose DER SHA-256 is listed count (the stored root).
    ``trusted_roots``: fingerprint -> name of roots reported as known (default: the
    built-in public TSA roots).
    """
    known = KNOWN_ROOTS if trusted_roots is None else trusted_roots
    try:
        parsed = parse_token(token)
    except TsaFailure as e:
        skipped = ("imprint", "nonce", "signer", "signature", "eku", "chain")
        return TokenVerification([Check("parse", FAIL, e.key, e.kw), *(Check(n, SKIP, "ts_skip") for n in skipped)])
    try:
        return _verify_parsed(parsed, data, nonce, certs, anchors, root_sha256, known)
    except Exception as e:  # a check tripped over hostile input: a refusal, never a crash
        log.info("token check failed on malformed input", exc_info=True)
        return TokenVerification([Check("parse", FAIL, "ts_err_garbage", {"why": f"{type(e).__name__}: {e}"[:160]})])


def _verify_parsed(
    parsed: ParsedToken,
    data: bytes,
    nonce: int | None,
    certs: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    root_sha256: Collection[str],
    known: Mapping[str, str],
) -> TokenVerification:
    checks: list[Check] = [Check("parse", PASS, "ts_parse_ok")]
    info = _token_info(parsed.tst)
    result = TokenVerification(checks, info, token_certs=list(parsed.certs))

    # imprint: the token's own algorithm, which must be one we accept
    if info.hash_alg not in HASHES:
        checks.append(Check("imprint", FAIL, "ts_imprint_alg", {"alg": info.hash_alg}))
    elif HASHES[info.hash_alg](data).digest() != info.imprint:
        checks.append(Check("imprint", FAIL, "ts_imprint_fail", {"alg": info.hash_alg}))
    else:
        checks.append(Check("imprint", PASS, "ts_imprint_ok", {"alg": info.hash_alg.upper()}))

    if nonce is None:
        checks.append(Check("nonce", SKIP, "ts_nonce_skip"))
    elif info.nonce is None:
        checks.append(Check("nonce", FAIL, "ts_nonce_missing"))
    elif info.nonce != nonce:
        checks.append(Check("nonce", FAIL, "ts_nonce_fail"))
    else:
        checks.append(Check("nonce", PASS, "ts_nonce_ok"))

    si = parsed.signer_info
    try:
        attrs = _signed_attrs(si)
    except Exception as e:  # hostile attribute encodings
        checks.append(Check("signer", FAIL, "ts_signer_noattr"))
        checks.append(Check("signature", FAIL, "ts_sig_attrs_bad", {"why": str(e)[:100]}))
        attrs = None
    if attrs is not None:
        candidates = [*parsed.certs, *certs]
        try:
            signer, signer_check = _find_signer(attrs, si, candidates)
        except Exception as e:  # malformed ESSCertID
            signer, signer_check = None, Check("signer", FAIL, "ts_signer_bad", {"why": str(e)[:100]})
        checks.append(signer_check)
        result.signer = signer
        if signer is None:
            checks.append(Check("signature", FAIL, "ts_sig_nosigner"))
        else:
            try:
                checks.append(_verify_signature(si, attrs, parsed.tst_bytes, signer))
            except Exception as e:  # malformed algorithm parameters
                checks.append(Check("signature", FAIL, "ts_sig_attrs_bad", {"why": str(e)[:100]}))

    signer = result.signer
    if signer is None:
        checks.append(Check("eku", SKIP, "ts_skip_nosigner"))
        checks.append(Check("chain", SKIP, "ts_skip_nosigner"))
        return result
    checks.append(_check_eku(signer))

    use = [a for a in anchors if not root_sha256 or cert_sha256(a) in root_sha256]
    if not use:
        if anchors and root_sha256:
            checks.append(Check("chain", FAIL, "ts_chain_noroot", {"fp": ", ".join(sorted(root_sha256))}))
        else:
            checks.append(Check("chain", FAIL, "ts_chain_missing", {"name": _cn(signer.issuer)}))
        return result
    pool = [*parsed.certs, *certs]
    path, chain_check = build_chain(signer, pool, use, info.gen_time)
    checks.append(chain_check)
    if path is None:
        return result
    result.path = path
    fp = cert_sha256(path[-1])
    if fp in known:
        checks.append(Check("root", PASS, "ts_root_known", {"name": known[fp], "fp": fp}))
    else:
        checks.append(Check("root", WARN, "ts_root_unknown", {"name": _cn(path[-1].subject), "fp": fp}))
    return result


# --------------------------------------------------------------------------- vault storage


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


def _read_queue(vault: Vault) -> dict[int, dict[str, Any]]:
    rows = vault._conn.execute("SELECT checkpoint_id, sealed FROM timestamp_queue ORDER BY checkpoint_id")
    return {int(cp): parse_canonical(vault.keys.open(sealed, _queue_aad(int(cp)))) for cp, sealed in rows}


def _write_queue(vault: Vault, cp_id: int, rec: dict[str, Any]) -> None:
    vault._conn.execute(
        "INSERT OR REPLACE INTO timestamp_queue(checkpoint_id, sealed) VALUES (?, ?)",
        (cp_id, vault.keys.seal(canonical_json(rec), _queue_aad(cp_id))),
    )


def _read_tokens(vault: Vault, cp_id: int | None = None) -> list[StoredToken]:
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
        res.checks.append(_gen_time_check(res.info.gen_time, head))
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
        if checkpoint_id not in _read_queue(vault):
            _write_queue(
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
    queue = _read_queue(vault)
    tokens = _read_tokens(vault)
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
    return [cp for cp, q in _read_queue(vault).items() if q.get("state") == STATE_PENDING]


# --------------------------------------------------------------------------- stamping


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
            return tr("ts_stamp_ok", lang, tsa=self.tsa.name, time=_both_times(self.gen_time), sha=self.reply_sha256)
        why = self.error.message(lang) if self.error else ""
        if self.stored:
            return tr("ts_stamp_kept", lang, tsa=self.tsa.name, time=_both_times(self.gen_time), why=why)
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


def _both_times(iso: str) -> str:
    if not iso:
        return ""
    return f"{utc_display(iso)} ({to_kst(iso)})"


def _fetch_all(
    jobs: list[tuple[TsaConfig, bytes]],
    *,
    timeout: float,
    post: Callable[..., bytes],
    progress: Progress,
    cancel: Cancel,
) -> list[tuple[bytes | None, TsaFailure | None, float]]:
    """POST to every TSA at once (daemon threads, so a hung TSA never holds the app open)."""
    results: list[tuple[bytes | None, TsaFailure | None, float] | None] = [None] * len(jobs)
    done = threading.Event()
    lock = threading.Lock()

    def run(i: int, tsa: TsaConfig, body: bytes) -> None:
        t0 = time.monotonic()
        try:
            reply: bytes | None = post(tsa.url, body, timeout=timeout)
            err: TsaFailure | None = None
        except TsaFailure as e:
            reply, err = None, e
        except Exception as e:  # a bug or an odd library error: one TSA failing, not the run
            log.warning("TSA %s: unexpected %s", tsa.name, type(e).__name__, exc_info=True)
            reply, err = None, TsaFailure("ts_err_connect", why=type(e).__name__)
        with lock:
            results[i] = (reply, err, time.monotonic() - t0)
        done.set()

    threads = [
        threading.Thread(target=run, args=(i, tsa, body), name=f"ek-tsa-{i}", daemon=True)
        for i, (tsa, body) in enumerate(jobs)
    ]
    for t in threads:
        t.start()
    hard_stop = time.monotonic() + timeout + 5.0
    reported = 0
    while True:
        with lock:
            finished = sum(r is not None for r in results)
        if finished > reported:
            reported = finished
            progress(finished, len(jobs))
        if finished == len(jobs):
            break
        if cancel():
            raise CancelledError()
        if time.monotonic() > hard_stop:
            break
        done.wait(0.1)
        done.clear()
    with lock:
        return [
            r if r is not None else (None, TsaFailure("ts_err_timeout", seconds=f"{timeout:g}"), timeout)
            for r in results
        ]


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
    queue = _read_queue(vault)
    if checkpoint_id is None:
        waiting = [cp for cp, q in queue.items() if q.get("state") == STATE_PENDING]
        if not waiting:
            raise TimestampError(
                "nothing queued",
                ko="대기 중인 체크포인트가 없습니다. 먼저 체크포인트를 대기열에 넣으세요.",
                en="No checkpoint is waiting. Queue one first.",
            )
        checkpoint_id = max(waiting)
    head = load_checkpoint(vault, checkpoint_id)
    data = head.body
    digest = hashlib.sha256(data).digest()
    nonces = [new_nonce() for _ in tsas]
    jobs = [(tsa, build_request(digest, nonce=n)) for tsa, n in zip(tsas, nonces, strict=True)]
    requested = iso_utc(vault.clock.now())
    log.info("requesting timestamps for checkpoint %s from %d TSA(s)", checkpoint_id, len(tsas))
    fetched = _fetch_all(jobs, timeout=timeout, post=post, progress=progress, cancel=cancel)
    received = iso_utc(vault.clock.now())

    outcomes: list[TsaOutcome] = []
    rows: list[dict[str, Any]] = []
    for (tsa, _), nonce, (reply, err, secs) in zip(jobs, nonces, fetched, strict=True):
        out = TsaOutcome(tsa, seconds=secs, error=err)
        outcomes.append(out)
        if reply is None:
            continue
        out.reply_sha256 = sha256_hex(reply)
        anchors = [*tsa.anchors(), *extra_anchors]
        pins = tuple(tsa.root_sha256)
        if pins and extra_anchors:
            pins += tuple(cert_sha256(a) for a in extra_anchors)
        v = verify_token(reply, data, nonce=nonce, anchors=anchors, root_sha256=pins)
        if v.info is not None:
            # the same rule a bundle verifier applies: a genTime before the checkpoint's own
            # signed time (less the allowance) means this computer's clock is far off
            v.checks.append(_gen_time_check(v.info.gen_time, head))
        out.verification = v
        first_bad = next((c for c in v.checks if c.status == FAIL and c.name != "chain"), None)
        if first_bad is not None:
            if first_bad.name == "parse":  # garbage or a refusal: say so as such
                out.error = TsaFailure(first_bad.key, **first_bad.kw)
            else:
                out.error = TsaFailure("ts_err_verify", first_bad)
            continue
        assert v.info is not None and v.signer is not None
        out.gen_time = v.info.gen_time_iso
        out.stored = True
        out.ok = v.ok
        if not v.ok:
            out.error = TsaFailure("ts_err_chain", v.check("chain"))
        path = v.path or [v.signer, *[c for c in v.token_certs if c != v.signer]]
        root = v.root_sha256
        rows.append(
            {
                "tsa": tsa.name,
                "url": tsa.url,
                "requested_utc": requested,
                "received_utc": received,
                "hash_alg": "sha256",
                "imprint": sha256_hex(data),
                "nonce": f"{nonce:x}",
                "reply": base64.b64encode(reply).decode("ascii"),
                "reply_sha256": out.reply_sha256,
                "gen_time": out.gen_time,
                "serial": f"{v.info.serial:x}",
                "policy": v.info.policy,
                "signer": v.signer_name,
                "chain": [base64.b64encode(_cert_der(c)).decode("ascii") for c in path],
                "root_sha256": root,
                "root_name": _cn(v.path[-1].subject) if v.path else None,
                "root_pinned": bool(root and (root in pins or root in KNOWN_ROOTS)),
                "verified": v.ok,
            }
        )

    with vault._write():
        start = int(
            vault._conn.execute(
                "SELECT COALESCE(MAX(ord), 0) FROM timestamps WHERE checkpoint_id = ?", (checkpoint_id,)
            ).fetchone()[0]
        )
        for i, rec in enumerate(rows, start + 1):
            tid = str(uuid.uuid4())
            vault._conn.execute(
                "INSERT INTO timestamps(id, checkpoint_id, ord, sealed) VALUES (?,?,?,?)",
                (tid, checkpoint_id, i, vault.keys.seal(canonical_json(rec), _token_aad(tid, checkpoint_id, i))),
            )
        for out in outcomes:
            event: dict[str, Any] = {
                "checkpoint": checkpoint_id,
                "size": head.size,
                "root": head.root.hex(),
                "imprint": sha256_hex(data),
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
            vault.log.append("stamp", data=event)
        if any(o.stored for o in outcomes):
            for cp, q in queue.items():
                if cp < checkpoint_id and q.get("state") == STATE_PENDING:
                    _write_queue(vault, cp, {**q, "state": STATE_SUPERSEDED, "superseded_by": checkpoint_id})
            q = queue.get(checkpoint_id) or {
                "queued_utc": requested,
                "imprint": sha256_hex(data),
                "superseded_by": None,
            }
            _write_queue(vault, checkpoint_id, {**q, "state": STATE_STAMPED})
    vault.flush()
    run = StampRun(checkpoint_id, head, min(required, len(tsas)), outcomes)
    log.info("checkpoint %s: %d of %d TSA(s) gave a verified token", checkpoint_id, run.trusted, len(tsas))
    return run


# --------------------------------------------------------------------------- bundle


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
    tokens = [t for t in _read_tokens(vault) if wanted is None or t.checkpoint_id in wanted]
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
        return tr(key, lang, tsa=name, id=self.checkpoint, size=self.size, time=_both_times(self.gen_time))


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
    ``size`` entries), then those of :func:`verify_token` with the bundle's chain file
    as the stored chain and the root pinned by index.json's ``root_sha256``.
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
        bad = Check("parse", FAIL, "ts_index_bad", {"path": BUNDLE_INDEX, "why": str(e)[:100]})
        return [TimestampResult(0, 0, "", "", BUNDLE_INDEX, [bad])]
    if public_key_raw is None and "signer.pub.pem" in files:
        public_key_raw = _public_key_from_pem(files["signer.pub.pem"])
    if leaves is None and "custody.jsonl" in files:
        leaves = _bundle_leaves(files["custody.jsonl"])
    known = {**KNOWN_ROOTS, **(trusted_roots or {})}
    anchors = [*builtin_roots(), *extra_roots]
    for c in extra_roots:
        known.setdefault(cert_sha256(c), f"{_cn(c.subject)} (--tsa-ca)")
    results: list[TimestampResult] = []
    for entry in entries:
        try:
            cp, size = int(entry["checkpoint"]), int(entry["size"])
            names = {k: str(entry[k]) for k in ("data", "signature", "token", "chain")}
            tsa = str(entry.get("tsa", ""))
            nonce = int(str(entry["nonce"]), 16) if entry.get("nonce") else None
        except (KeyError, TypeError, ValueError) as err:
            bad = Check("parse", FAIL, "ts_index_bad", {"path": BUNDLE_INDEX, "why": str(err)[:100]})
            results.append(TimestampResult(0, 0, "", "", BUNDLE_INDEX, [bad]))
            continue
        checks: list[Check] = []
        res = TimestampResult(cp, size, tsa, str(entry.get("gen_time", "")), names["token"], checks)
        results.append(res)
        missing = [p for p in names.values() if not p.startswith(f"{BUNDLE_DIR}/") or p not in files]
        if names["data"] in missing or names["token"] in missing:
            checks.extend(Check("file", FAIL, "ts_file_missing", {"path": p}) for p in missing)
            continue
        data = files[names["data"]]
        # the checkpoint: signed by the vault key, and its root is the custody log's
        head = SignedHead(data, files.get(names["signature"], b""))
        try:
            head_size, head_root = head.size, head.root
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            checks.append(Check("checkpoint", FAIL, "ts_cp_bad", {"id": cp}))
            head_size, head_root = -1, b""
        if head_size >= 0:
            if head_size != size:
                checks.append(Check("checkpoint", FAIL, "ts_cp_bad", {"id": cp}))
            elif public_key_raw is None:
                checks.append(Check("checkpoint", SKIP, "ts_cp_nokey", {"id": cp}))
            elif names["signature"] in missing or not verify_head(head, public_key_raw):
                checks.append(Check("checkpoint", FAIL, "ts_cp_sig", {"id": cp}))
            else:
                checks.append(
                    Check(
                        "checkpoint",
                        PASS,
                        "ts_cp_ok",
                        {"id": cp, "size": size, "fp": key_fingerprint(public_key_raw)[:16]},
                    )
                )
            if leaves is None:
                checks.append(Check("log", SKIP, "ts_log_skip"))
            elif size > len(leaves) or merkle.root_from_leaves(leaves[:size]) != head_root:
                checks.append(Check("log", FAIL, "ts_log_fail", {"size": size}))
            else:
                checks.append(Check("log", PASS, "ts_log_ok", {"size": size}))
        chain = load_pem_certs(files.get(names["chain"], b""))
        pinned = [c for c in chain if trusted_roots and cert_sha256(c) in trusted_roots]
        v = verify_token(
            files[names["token"]], data, nonce=nonce, certs=chain, anchors=[*anchors, *pinned], trusted_roots=known
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
            checks.append(_gen_time_check(v.info.gen_time, head))
        if all(c.ok for c in checks) and v.path:
            res.tsa, res.name_verified = _cert_display_name(v.signer or v.path[0]), True
    return results


def _cert_display_name(cert: x509.Certificate) -> str:
    """The TSA's name as its verified certificate gives it: organisation, else common name."""
    try:
        orgs = cert.subject.get_attributes_for_oid(x509.oid.NameOID.ORGANIZATION_NAME)
    except ValueError:
        orgs = []
    org = str(orgs[0].value) if orgs else ""
    cn = _cn(cert.subject)
    return f"{org} ({cn})" if org and cn and org not in cn else (cn or org or "?")


def _gen_time_check(gen_time: datetime, head: SignedHead) -> Check:
    """genTime may not be earlier than the checkpoint's own signed time (less the allowance):
    a token cannot predate the data it stamps, so an earlier one is back-dated."""
    try:
        signed = datetime.fromisoformat(str(head.fields["time"]).replace("Z", "+00:00"))
    except (KeyError, TypeError, ValueError, UnicodeDecodeError):
        return Check("time", FAIL, "ts_time_unknown")
    if signed.tzinfo is None or gen_time.tzinfo is None:
        return Check("time", FAIL, "ts_time_unknown")
    kw = {
        "gen": utc_display(iso_utc(gen_time)),
        "signed": utc_display(iso_utc(signed)),
        "min": int(GEN_TIME_ALLOWANCE.total_seconds() // 60),
    }
    if gen_time < signed - GEN_TIME_ALLOWANCE:
        return Check("time", FAIL, "ts_time_before", kw)
    return Check("time", PASS, "ts_time_ok", kw)


def result_lines(results: Sequence[TimestampResult], lang: str) -> list[str]:
    """Human-readable lines for ``evidence-kit verify`` (one summary, then each check)."""
    lines: list[str] = []
    mark = {PASS: tr("bv_pass", lang), FAIL: tr("bv_fail", lang), WARN: tr("ts_warn", lang), SKIP: "-"}
    for r in results:
        lines.append(r.summary(lang))
        for c in r.checks:
            lines.append(f"  [{mark[c.status]}] {c.message(lang)}")
    return lines


# --------------------------------------------------------------------------- report


@dataclass
class Seal:
    tsa: str
    gen_time: str  # ISO UTC from the token
    checkpoint_id: int
    size: int
    reply_sha256: str


@dataclass
class ExhibitSeal:
    item: Item
    seals: list[Seal]  # per TSA, the earliest verified token whose checkpoint covers the item

    @property
    def sealed(self) -> bool:
        return bool(self.seals)

    def lines(self, lang: str) -> list[str]:
        out = [
            tr(
                "ts_collected",
                lang,
                utc=utc_display(self.item.acquired_utc),
                kst=to_kst(self.item.acquired_utc),
            )
        ]
        if not self.seals:
            out.append(tr("ts_not_sealed", lang))
        for s in self.seals:
            out.append(
                tr(
                    "ts_sealed",
                    lang,
                    utc=utc_display(s.gen_time),
                    kst=to_kst(s.gen_time),
                    tsa=s.tsa,
                    id=s.checkpoint_id,
                )
            )
        return out


def stamped_checkpoints(vault: Vault) -> list[CheckpointStamps]:
    """Checkpoints with at least one completely verified token (for the 해시값 확인서)."""
    return [c for c in timestamp_status(vault) if c.trusted]


def exhibit_seals(vault: Vault, case_id: str) -> list[ExhibitSeal]:
    """Per exhibit of a case: the trusted times that cover it (offline)."""
    stamped = stamped_checkpoints(vault)
    out: list[ExhibitSeal] = []
    for item in vault.list_items(case_id):
        best: dict[str, Seal] = {}
        for cp in stamped:
            if not 0 <= item.log_index < cp.size:
                continue
            for t, _ in cp.trusted:
                cur = best.get(t.url)
                if cur is None or t.gen_time < cur.gen_time:
                    best[t.url] = Seal(
                        t.tsa, t.gen_time, cp.checkpoint_id, cp.size, str(t.record.get("reply_sha256", ""))
                    )
        out.append(ExhibitSeal(item, sorted(best.values(), key=lambda s: (s.gen_time, s.tsa))))
    return out


def report_lines(vault: Vault, case_id: str, lang: str) -> list[str]:
    """Plain lines per exhibit: "collected at" (local clock) and "sealed no later than"."""
    lines: list[str] = []
    for es in exhibit_seals(vault, case_id):
        label = es.item.exhibit_label_ko if lang == "ko" else es.item.exhibit_label_en
        lines.append(label)
        lines.extend(f"  {s}" for s in es.lines(lang))
    return lines


def checkpoint_lines(vault: Vault, lang: str) -> list[str]:
    """The stamped checkpoints for the integrity section and the 해시값 확인서."""
    lines: list[str] = []
    for cp in stamped_checkpoints(vault):
        lines.append(
            tr("ts_cp_line", lang, id=cp.checkpoint_id, size=cp.size, root=cp.head.root.hex(), imprint=cp.imprint)
        )
        for t, _ in cp.trusted:
            lines.append("  " + tr("ts_cp_token", lang, tsa=t.tsa, time=_both_times(t.gen_time)))
    return lines
