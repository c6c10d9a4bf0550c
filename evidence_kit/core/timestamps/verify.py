"""Checking a timestamp token completely, offline.

Each check is reported separately in Korean and English:

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
    time     genTime is not earlier than the checkpoint's own signed time (less an allowance)

Every decision is made here with ``cryptography``. Revocation is not checked (no network
at verification time).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from asn1crypto import x509 as a_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..common.clock import iso_utc, utc_display
from ..vault.custody import SignedHead
from .certs import cert_der, cert_sha256, common_name, is_ca, is_self_signed, valid_at
from .checks import FAIL, HASHES, PASS, SKIP, WARN, Check, TokenInfo, TokenVerification, TsaFailure
from .parse import ParsedToken, parse_token, token_info
from .tsa_defaults import KNOWN_ROOTS

log = logging.getLogger(__name__)

_CRYPTO_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}
# ESSCertID (v1) identifies the signer by SHA-1 of its certificate, by definition (RFC 2634).
_ESS_HASHES: dict[str, Callable[[bytes], Any]] = {**HASHES, "sha1": hashlib.sha1}

MAX_CHAIN_DEPTH = 8
# How much earlier than the checkpoint's own signed time a token's genTime may be. A token
# is requested only after its checkpoint is signed, so genTime can precede it only through
# clock error; the checkpoint time comes from the submitter's computer, whose clock may run
# a few minutes fast without NTP. Anything earlier is a back-dated claim (issue 15).
GEN_TIME_ALLOWANCE = timedelta(minutes=15)


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
    match = next((c for c in candidates if _ESS_HASHES[alg](cert_der(c)).digest() == want), None)
    if match is None:
        if not candidates:
            return None, Check("signer", FAIL, "ts_signer_nocerts")
        # Something claims to be the signer (same issuer and serial as the signer
        # identifier) but is not the certificate the signature names: a look-alike.
        sid = si["sid"]
        if sid.name == "issuer_and_serial_number":
            for c in candidates:
                asn_c = a_x509.Certificate.load(cert_der(c))
                if asn_c.issuer == sid.chosen["issuer"] and asn_c.serial_number == sid.chosen["serial_number"].native:
                    return None, Check("signer", FAIL, "ts_signer_lookalike", {"subject": common_name(c.subject)})
        return None, Check("signer", FAIL, "ts_signer_fail")
    asn = a_x509.Certificate.load(cert_der(match))
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
    return match, Check("signer", PASS, "ts_signer_ok", {"subject": common_name(match.subject), "alg": alg})


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

    if not valid_at(leaf, at):
        return None, Check("chain", FAIL, "ts_chain_time", {"name": common_name(leaf.subject), "time": at_s})

    def walk(cert: x509.Certificate, path: list[x509.Certificate]) -> list[x509.Certificate] | None:
        depth = len(path)
        if depth > MAX_CHAIN_DEPTH:
            fail(depth, "ts_chain_missing", name=common_name(cert.issuer))
            return None
        seen = {cert_sha256(c) for c in path}
        cands = [a for a in anchors if a.subject == cert.issuer]
        cands += [p for p in pool if p.subject == cert.issuer and cert_sha256(p) not in seen | anchor_fps]
        if not cands:
            if is_self_signed(cert):
                fail(depth, "ts_chain_root", name=common_name(cert.subject), fp=cert_sha256(cert))
            else:
                fail(depth, "ts_chain_missing", name=common_name(cert.issuer))
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
            if not valid_at(cand, at):
                fail(depth + 1, "ts_chain_time", name=common_name(cand.subject), time=at_s)
                continue
            if is_anchor:
                return [*path, cand]
            if not is_ca(cand):
                fail(depth + 1, "ts_chain_ca", name=common_name(cand.subject))
                continue
            if is_self_signed(cand):
                fail(depth + 1, "ts_chain_root", name=common_name(cand.subject), fp=cert_sha256(cand))
                continue
            found = walk(cand, [*path, cand])
            if found is not None:
                return found
        if not signed_by_any:
            if is_self_signed(cert):
                fail(depth, "ts_chain_root", name=common_name(cert.subject), fp=cert_sha256(cert))
            else:
                fail(depth, "ts_chain_lookalike", name=common_name(cert.issuer))
        return None

    path = walk(leaf, [leaf])
    if path is not None:
        root = path[-1]
        return path, Check(
            "chain", PASS, "ts_chain_ok", {"time": at_s, "root": common_name(root.subject), "fp": cert_sha256(root)}
        )
    return None, best[0][1] if best else Check("chain", FAIL, "ts_chain_missing", {"name": common_name(leaf.issuer)})


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
    info = token_info(parsed.tst)
    result = TokenVerification(checks, info, token_certs=list(parsed.certs))
    checks.append(_imprint_check(info, data))
    checks.append(_nonce_check(info, nonce))
    result.signer = _signer_checks(parsed, certs, checks)
    signer = result.signer
    if signer is None:
        checks.append(Check("eku", SKIP, "ts_skip_nosigner"))
        checks.append(Check("chain", SKIP, "ts_skip_nosigner"))
        return result
    checks.append(_check_eku(signer))
    _chain_checks(result, signer, [*parsed.certs, *certs], anchors, root_sha256, known)
    return result


def _imprint_check(info: TokenInfo, data: bytes) -> Check:
    """The token's own algorithm, which must be one we accept, over ``data``."""
    if info.hash_alg not in HASHES:
        return Check("imprint", FAIL, "ts_imprint_alg", {"alg": info.hash_alg})
    if HASHES[info.hash_alg](data).digest() != info.imprint:
        return Check("imprint", FAIL, "ts_imprint_fail", {"alg": info.hash_alg})
    return Check("imprint", PASS, "ts_imprint_ok", {"alg": info.hash_alg.upper()})


def _nonce_check(info: TokenInfo, nonce: int | None) -> Check:
    if nonce is None:
        return Check("nonce", SKIP, "ts_nonce_skip")
    if info.nonce is None:
        return Check("nonce", FAIL, "ts_nonce_missing")
    if info.nonce != nonce:
        return Check("nonce", FAIL, "ts_nonce_fail")
    return Check("nonce", PASS, "ts_nonce_ok")


def _signer_checks(
    parsed: ParsedToken, certs: Sequence[x509.Certificate], checks: list[Check]
) -> x509.Certificate | None:
    """Appends the signer and signature checks; the signer certificate when one was found."""
    si = parsed.signer_info
    try:
        attrs = _signed_attrs(si)
    except Exception as e:  # hostile attribute encodings
        checks.append(Check("signer", FAIL, "ts_signer_noattr"))
        checks.append(Check("signature", FAIL, "ts_sig_attrs_bad", {"why": str(e)[:100]}))
        return None
    candidates = [*parsed.certs, *certs]
    try:
        signer, signer_check = _find_signer(attrs, si, candidates)
    except Exception as e:  # malformed ESSCertID
        signer, signer_check = None, Check("signer", FAIL, "ts_signer_bad", {"why": str(e)[:100]})
    checks.append(signer_check)
    if signer is None:
        checks.append(Check("signature", FAIL, "ts_sig_nosigner"))
        return None
    try:
        checks.append(_verify_signature(si, attrs, parsed.tst_bytes, signer))
    except Exception as e:  # malformed algorithm parameters
        checks.append(Check("signature", FAIL, "ts_sig_attrs_bad", {"why": str(e)[:100]}))
    return signer


def _chain_checks(
    result: TokenVerification,
    signer: x509.Certificate,
    pool: Sequence[x509.Certificate],
    anchors: Sequence[x509.Certificate],
    root_sha256: Collection[str],
    known: Mapping[str, str],
) -> None:
    """Appends the chain check and, once a path exists, whether its root is a known one."""
    checks = result.checks
    use = [a for a in anchors if not root_sha256 or cert_sha256(a) in root_sha256]
    if not use:
        if anchors and root_sha256:
            checks.append(Check("chain", FAIL, "ts_chain_noroot", {"fp": ", ".join(sorted(root_sha256))}))
        else:
            checks.append(Check("chain", FAIL, "ts_chain_missing", {"name": common_name(signer.issuer)}))
        return
    assert result.info is not None
    path, chain_check = build_chain(signer, pool, use, result.info.gen_time)
    checks.append(chain_check)
    if path is None:
        return
    result.path = path
    fp = cert_sha256(path[-1])
    if fp in known:
        checks.append(Check("root", PASS, "ts_root_known", {"name": known[fp], "fp": fp}))
    else:
        checks.append(Check("root", WARN, "ts_root_unknown", {"name": common_name(path[-1].subject), "fp": fp}))


def gen_time_check(gen_time: datetime, head: SignedHead) -> Check:
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
