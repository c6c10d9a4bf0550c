"""RFC 3161 tokens (issue 11): requests, parsing and complete offline verification.

Every token here is signed by the stock ``openssl ts -reply`` with a test PKI (root ->
issuing CA -> TSA certificate with ``extendedKeyUsage=critical,timeStamping``); forged
ones are built from real ones (tests/tsa_server.py). Each refusal must come with its own
message, in Korean and English.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import time
from pathlib import Path

import pytest
from asn1crypto import tsp as a_tsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from evidence_kit.core import timestamps
from evidence_kit.core.common.i18n import MESSAGES
from evidence_kit.core.timestamps.checks import FAIL, PASS, SKIP, WARN, TokenVerification, TsaFailure
from evidence_kit.core.timestamps.parse import parse_token
from evidence_kit.core.timestamps.request import build_request, new_nonce
from evidence_kit.core.timestamps.verify import verify_token

from .tsa_server import (
    LocalTSA,
    Pki,
    alter_gen_time,
    embedded_certs,
    flip_signature,
    lookalike,
    make_pki,
    openssl_verify,
    pem,
    rejection,
    resign,
    set_certs,
)

DATA = b'{"key":"ab","log":"evidence-kit custody log v1","root":"00","size":3,"time":"t","vault":"v"}'


@pytest.fixture(scope="module")
def pki_rsa() -> Pki:
    return make_pki("TSA One", "rsa")


@pytest.fixture(scope="module")
def pki_ec() -> Pki:
    return make_pki("TSA Two", "ec")


@pytest.fixture(scope="module")
def tsa1(pki_rsa: Pki, tmp_path_factory: pytest.TempPathFactory) -> LocalTSA:
    return LocalTSA(pki_rsa, tmp_path_factory.mktemp("tsa1"))


@pytest.fixture(scope="module")
def tsa2(pki_ec: Pki, tmp_path_factory: pytest.TempPathFactory) -> LocalTSA:
    # ESSCertID v1 (SHA-1 of the certificate) and a SHA-384 signature: the other common shape
    return LocalTSA(pki_ec, tmp_path_factory.mktemp("tsa2"), ess_alg="sha1", signer_digest="sha384")


def verify(tsa: LocalTSA, reply: bytes, nonce: int | None, data: bytes = DATA, **kw: object) -> TokenVerification:
    kw.setdefault("anchors", [tsa.pki.root])
    kw.setdefault("root_sha256", [tsa.pki.root_sha256])
    return verify_token(reply, data, nonce=nonce, **kw)  # type: ignore[arg-type]


def statuses(v: TokenVerification) -> dict[str, str]:
    return {c.name: c.status for c in v.checks}


# --------------------------------------------------------------------------- requests


def test_request_carries_only_the_hash_a_nonce_and_cert_req() -> None:
    digest = bytes(range(32))
    der = build_request(digest, nonce=0x1234567890ABCDEF)
    req = a_tsp.TimeStampReq.load(der)
    assert req["version"].native == "v1"
    assert req["message_imprint"]["hash_algorithm"]["algorithm"].native == "sha256"
    assert req["message_imprint"]["hashed_message"].native == digest
    assert req["nonce"].native == 0x1234567890ABCDEF
    assert req["cert_req"].native is True
    assert req["req_policy"].native is None and req["extensions"].native is None
    assert len(der) < 80  # nothing else rides along
    with pytest.raises(ValueError):
        build_request(b"short", nonce=1)
    with pytest.raises(ValueError):
        build_request(digest, hash_alg="sha1", nonce=1)
    nonces = {new_nonce() for _ in range(100)}
    assert len(nonces) == 100 and all(n.bit_length() == 63 for n in nonces)


# --------------------------------------------------------------------------- accepted


@pytest.mark.parametrize("alg", ["sha256", "sha384", "sha512"])
@pytest.mark.parametrize("which", ["tsa1", "tsa2"])
def test_valid_tokens_pass_every_check(which: str, alg: str, request: pytest.FixtureRequest) -> None:
    tsa: LocalTSA = request.getfixturevalue(which)
    reply, nonce = tsa.token_for(DATA, hash_alg=alg)
    v = verify(tsa, reply, nonce)
    assert v.ok, [c.en for c in v.failures]
    assert statuses(v) == {
        "parse": PASS, "imprint": PASS, "nonce": PASS, "signer": PASS,
        "signature": PASS, "eku": PASS, "chain": PASS, "root": WARN,
    }  # fmt: skip
    assert v.info is not None and v.info.hash_alg == alg and v.info.nonce == nonce
    assert abs((v.info.gen_time - dt.datetime.now(dt.UTC)).total_seconds()) < 60
    assert [c.subject for c in v.path] == [tsa.pki.tsa.subject, tsa.pki.inter.subject, tsa.pki.root.subject]
    # a root the caller trusts is reported as known; the default list does not know test roots
    v2 = verify(tsa, reply, nonce, trusted_roots={tsa.pki.root_sha256: "test root"})
    assert v2.check("root").status == PASS


def test_token_without_embedded_certificates_verifies_when_the_chain_is_supplied(tsa1: LocalTSA) -> None:
    reply, nonce = tsa1.token_for(DATA, cert_req=False)
    assert embedded_certs(reply) == []
    bare = verify(tsa1, reply, nonce)
    assert bare.check("signer").key == "ts_signer_nocerts" and not bare.ok
    v = verify(tsa1, reply, nonce, certs=[tsa1.pki.tsa, tsa1.pki.inter])
    assert v.ok, [c.en for c in v.failures]


def test_token_stays_valid_after_the_tsa_certificate_expires(pki_ec: Pki, tmp_path: Path) -> None:
    """Checked at the token's genTime, not today: an expired TSA certificate is normal."""
    cert, key = pki_ec.new_tsa_cert(not_after=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=2))
    tsa = LocalTSA(pki_ec, tmp_path / "short", signer=(cert, key))
    reply, nonce = tsa.token_for(DATA)
    time.sleep(max(0.0, (cert.not_valid_after_utc - dt.datetime.now(dt.UTC)).total_seconds()) + 1.1)
    assert cert.not_valid_after_utc < dt.datetime.now(dt.UTC)
    v = verify(tsa, reply, nonce)
    assert v.ok, [c.en for c in v.failures]
    # the stock tool checks at today's date unless told the token's time
    (tmp_path / "data").write_bytes(DATA)
    (tmp_path / "t.tsr").write_bytes(reply)
    (tmp_path / "ca.pem").write_bytes(pem(pki_ec.root))
    assert "Verification: OK" not in openssl_verify(tmp_path / "data", tmp_path / "t.tsr", tmp_path / "ca.pem").stdout
    assert v.info is not None
    at = str(int(v.info.gen_time.timestamp()))
    ok = openssl_verify(tmp_path / "data", tmp_path / "t.tsr", tmp_path / "ca.pem", "-attime", at)
    assert "Verification: OK" in ok.stdout, ok.stderr


def test_token_signed_outside_the_certificate_validity_is_refused(pki_ec: Pki, tmp_path: Path) -> None:
    now = dt.datetime.now(dt.UTC)
    cert, key = pki_ec.new_tsa_cert(not_before=now - dt.timedelta(days=3), not_after=now - dt.timedelta(days=1))
    tsa = LocalTSA(pki_ec, tmp_path / "expired", signer=(cert, key))
    reply, nonce = tsa.token_for(DATA)
    v = verify(tsa, reply, nonce)
    assert [c.key for c in v.failures] == ["ts_chain_time"]


# --------------------------------------------------------------------------- tamper matrix


def _case(name: str, tsa1: LocalTSA, tsa2: LocalTSA) -> tuple[bytes, int, dict[str, object]]:
    """(reply, the nonce we sent, verify kwargs) for each attack."""
    if name == "other-hash":
        reply, nonce = tsa1.token_for(b"some other checkpoint")
        return reply, nonce, {}
    if name == "wrong-nonce":
        reply, nonce = tsa1.token_for(DATA)
        return reply, nonce + 1, {}
    reply, nonce = tsa1.token_for(DATA)
    pki = tsa1.pki
    if name == "bad-signature":
        return flip_signature(reply), nonce, {}
    if name == "altered-time":
        return alter_gen_time(reply, dt.timedelta(hours=-1)), nonce, {}
    if name == "swapped-signer":  # another real TSA's certificate in place of the signer's
        return set_certs(reply, [tsa2.pki.tsa, pki.inter]), nonce, {}
    if name == "missing-chain":  # the issuing CA is neither in the token nor supplied
        return set_certs(reply, [pki.tsa]), nonce, {}
    if name == "lookalike-signer":  # same subject, issuer and serial; another key
        fake, _ = lookalike(pki.tsa)
        return set_certs(reply, [fake, pki.inter]), nonce, {}
    if name == "lookalike-ca":  # the issuing CA replaced by one with the same name
        fake_ca, _ = lookalike(pki.inter)
        return set_certs(reply, [pki.tsa, fake_ca]), nonce, {}
    if name == "forged-by-lookalike":  # a forger signs with their own look-alike TSA certificate
        fake, fake_key = lookalike(pki.tsa)
        return resign(reply, fake, fake_key, certs=[fake, pki.inter]), nonce, {}
    if name == "lookalike-root":  # the stored root replaced by a self-signed twin
        fake_root, _ = lookalike(pki.root, self_signed=True)
        return reply, nonce, {"anchors": [fake_root], "root_sha256": []}
    if name == "root-not-stored":  # only a root other than the pinned one is at hand
        fake_root, _ = lookalike(pki.root, self_signed=True)
        return reply, nonce, {"anchors": [fake_root]}
    if name == "no-eku":
        cert, key = pki.new_tsa_cert(eku=None)
        return resign(reply, cert, key, certs=[cert, pki.inter]), nonce, {}
    if name == "eku-not-critical":
        cert, key = pki.new_tsa_cert(eku_critical=False)
        return resign(reply, cert, key, certs=[cert, pki.inter]), nonce, {}
    if name == "eku-extra-purpose":
        cert, key = pki.new_tsa_cert(eku=[ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.CODE_SIGNING])
        return resign(reply, cert, key, certs=[cert, pki.inter]), nonce, {}
    raise AssertionError(name)


# attack -> (the check that fails, its message key); every other check must not fail
TAMPER = {
    "other-hash": ("imprint", "ts_imprint_fail"),
    "wrong-nonce": ("nonce", "ts_nonce_fail"),
    "bad-signature": ("signature", "ts_sig_fail"),
    "altered-time": ("signature", "ts_sig_digest"),
    "swapped-signer": ("signer", "ts_signer_fail"),
    "missing-chain": ("chain", "ts_chain_missing"),
    "lookalike-signer": ("signer", "ts_signer_lookalike"),
    "lookalike-ca": ("chain", "ts_chain_lookalike"),
    "forged-by-lookalike": ("chain", "ts_chain_lookalike"),
    "lookalike-root": ("chain", "ts_chain_lookalike"),
    "root-not-stored": ("chain", "ts_chain_noroot"),
    "no-eku": ("eku", "ts_eku_fail"),
    "eku-not-critical": ("eku", "ts_eku_fail"),
    "eku-extra-purpose": ("eku", "ts_eku_fail"),
}


@pytest.mark.parametrize("attack", sorted(TAMPER))
def test_tamper_matrix_each_attack_refused_with_its_own_message(attack: str, tsa1: LocalTSA, tsa2: LocalTSA) -> None:
    reply, nonce, kw = _case(attack, tsa1, tsa2)
    v = verify(tsa1, reply, nonce, **kw)
    check, key = TAMPER[attack]
    assert not v.ok
    failing = v.failures
    assert failing[0].name == check and failing[0].key == key, [(c.name, c.key) for c in failing]
    # a missing signer also means the signature cannot be checked; nothing else may fail
    others = {c.name for c in failing[1:]}
    assert others <= ({"signature"} if check == "signer" else set()), others
    msg = failing[0]
    assert msg.ko != msg.en and msg.ko and msg.en
    assert any("\uac00" <= ch <= "\ud7a3" for ch in msg.ko)  # Hangul


def test_tamper_messages_are_distinct(tsa1: LocalTSA, tsa2: LocalTSA) -> None:
    """The five attacks the issue names are told apart by their words, not only by a flag."""
    named = ["other-hash", "wrong-nonce", "bad-signature", "swapped-signer", "missing-chain", "lookalike-signer"]
    seen: dict[str, str] = {}
    for attack in named:
        reply, nonce, kw = _case(attack, tsa1, tsa2)
        first = verify(tsa1, reply, nonce, **kw).failures[0]
        for lang in ("ko", "en"):
            text = first.message(lang)
            assert text not in seen, f"{attack} and {seen.get(text)} share a message"
            seen[text] = attack


def test_lookalike_next_to_the_real_signer_does_not_confuse(tsa1: LocalTSA) -> None:
    reply, nonce = tsa1.token_for(DATA)
    fake, _ = lookalike(tsa1.pki.tsa)
    for order in ([fake, tsa1.pki.tsa, tsa1.pki.inter], [tsa1.pki.tsa, fake, tsa1.pki.inter]):
        v = verify(tsa1, set_certs(reply, order), nonce)
        assert v.ok and v.signer == tsa1.pki.tsa
    fake_ca, _ = lookalike(tsa1.pki.inter)
    v = verify(tsa1, set_certs(reply, [tsa1.pki.tsa, fake_ca, tsa1.pki.inter]), nonce)
    assert v.ok and v.path[1] == tsa1.pki.inter


def test_nonce_and_chain_reported_as_skipped_or_missing_when_not_supplied(tsa1: LocalTSA) -> None:
    reply, _ = tsa1.token_for(DATA)
    v = verify_token(reply, DATA)
    assert v.check("nonce").status == SKIP
    assert v.check("chain").status == FAIL and v.check("chain").key == "ts_chain_missing"


# --------------------------------------------------------------------------- hostile replies


def test_garbage_and_rejections_are_explained() -> None:
    for junk in (b"", b"<html>503</html>", os.urandom(300), b"\x30\x82\xff\xff" + b"\x00" * 20):
        with pytest.raises(TsaFailure) as e:
            parse_token(junk)
        assert e.value.key == "ts_err_garbage"
        v = verify_token(junk, DATA, nonce=1)
        assert [c.name for c in v.failures] == ["parse"] and all(c.status == SKIP for c in v.checks[1:])
    with pytest.raises(TsaFailure) as e:
        parse_token(rejection())
    assert e.value.key == "ts_err_rejected" and "bad_alg" in e.value.message("en")
    assert "거절" in e.value.message("ko")


def test_random_corruption_never_crashes_and_never_passes_a_changed_signed_part(tsa1: LocalTSA) -> None:
    reply, nonce = tsa1.token_for(DATA)
    rng = random.Random(11)
    passed = 0
    for _ in range(150):
        b = bytearray(reply)
        for _ in range(rng.randint(1, 3)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        v = verify(tsa1, bytes(b), nonce)  # must not raise
        if v.ok:
            passed += 1
            # only an unsigned, unused byte may have changed: what the token says is intact
            assert v.info is not None and v.info.imprint == hashlib.sha256(DATA).digest()
    assert passed < 15


def test_truncated_reply_is_garbage(tsa1: LocalTSA) -> None:
    reply, nonce = tsa1.token_for(DATA)
    for n in (10, len(reply) // 2, len(reply) - 1):
        assert verify(tsa1, reply[:n], nonce).failures[0].key == "ts_err_garbage"


def test_every_message_key_used_exists_in_both_languages() -> None:
    import re

    src = "".join(p.read_text(encoding="utf-8") for p in sorted(Path(timestamps.__file__).parent.glob("*.py")))
    keys = set(re.findall(r'"(ts_[a-z_]+)"', src))
    missing = sorted(k for k in keys if k not in MESSAGES)
    assert not missing, missing
    for k in (k for k in MESSAGES if k.startswith("ts_")):
        ko, en = MESSAGES[k]
        assert ko and en
