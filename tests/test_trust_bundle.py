"""Issue 15, bundle half: each attack performed for real, and the failure it meets now.

1. A bundle rebuilt and re-signed with a new Ed25519 key (project's own merkle and
   canonical helpers): internally consistent, so only the out-of-band fingerprint
   (``--signer``) catches it; without it the verdict never says a bare PASS.
2. A trusted timestamp from a self-made CA named "DigiCert Trusted Root G4", and a genuine-
   chain token back-dated two years: both FAIL the token and the bundle (exit 6).
3. The built-in TSA roots are exactly the Mozilla-store certificates (certifi, Debian).
4. A ZIP with a local header hidden in a gap; manifest.json / custody.jsonl nested 200,000
   levels deep; a ZIP that is not an Evidence Kit bundle; hostile names on the terminal.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from asn1crypto import cms as a_cms
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from cryptography.x509.oid import ExtendedKeyUsageOID

from evidence_kit.core.common.canonical import canonical_json
from evidence_kit.core.crypto import merkle
from evidence_kit.core.crypto.anchor import check_code, group_hex, normalise_signer, readable
from evidence_kit.core.crypto.keys import key_fingerprint, public_key_pem
from evidence_kit.core.documents import bundle
from evidence_kit.core.documents.bundle_result import SignerFormatError, report_lines
from evidence_kit.core.documents.bundle_texts import receipt_lines
from evidence_kit.core.documents.bundle_verify import verify_bundle
from evidence_kit.core.timestamps.bundle import BUNDLE_FORMAT, verify_bundle_timestamps
from evidence_kit.core.timestamps.certs import cert_sha256
from evidence_kit.core.timestamps.tsa_defaults import (
    BUILTIN_ROOTS_PEM,
    DEFAULT_TSAS,
    DIGICERT_TRUSTED_ROOT_G4_PEM,
    REQUIRED_TSAS,
)
from evidence_kit.core.timestamps.verify import GEN_TIME_ALLOWANCE
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf
from .test_report_data import make_case
from .tsa_server import LocalTSA, Pki, _name, _sd, alter_gen_time, make_cert, new_key, pem, resign

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Made:
    vault: Vault
    case_id: str
    folder: Path
    fingerprint: str
    manifest_sha: str
    head_size: int
    head_root: str


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Made]:
    base = tmp_path_factory.mktemp("trust")
    (base / "out").mkdir()
    v = Vault.create(base / "vault", PASSPHRASE, kdf=fast_kdf())
    try:
        case, _ = make_case(v)
        res = bundle.export_bundle(v, case.id, base / "out" / "bundle", kind="folder", lang="en")
        yield Made(v, case.id, res.path, res.fingerprint, res.manifest_sha256, res.head_size, res.head_root)
    finally:
        v.lock()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "evidence_kit", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def copy(m: Made, tmp_path: Path, name: str = "copy") -> Path:
    dst = tmp_path / name
    shutil.copytree(m.folder, dst)
    return dst


def resign_folder(base: Path, key: Ed25519PrivateKey) -> None:
    """What a forger with their own key does after editing: rebuild SHA256SUMS and sign
    SHA256SUMS, manifest.json and custody-head.json again, and ship the new public key."""
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    (base / bundle.PUBKEY).write_bytes(public_key_pem(raw))
    (base / bundle.MANIFEST_SIG).write_bytes(key.sign((base / bundle.MANIFEST).read_bytes()))
    (base / bundle.HEAD_SIG).write_bytes(key.sign((base / bundle.HEAD).read_bytes()))
    names = sorted(
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file() and p.name not in (bundle.SUMS, bundle.SUMS_SIG)
    )
    sums = "".join(f"{hashlib.sha256((base / n).read_bytes()).hexdigest()}  {n}\n" for n in names).encode()
    (base / bundle.SUMS).write_bytes(sums)
    (base / bundle.SUMS_SIG).write_bytes(key.sign(sums))


# --------------------------------------------------------------------------- attack 1


def forge_resigned(m: Made, dst: Path) -> tuple[Path, str]:
    """Change exhibit 1's file, rebuild custody log, head, proofs and manifest with the
    project's own helpers, and sign it all with a brand-new key."""
    key = Ed25519PrivateKey.generate()
    new_fp = key_fingerprint(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
    manifest = json.loads((dst / bundle.MANIFEST).read_bytes())
    item = next(i for i in manifest["items"] if i.get("path"))
    target = dst / item["path"]
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF  # same size, different content
    target.write_bytes(bytes(data))
    old_sha, new_sha = item["sha256"], hashlib.sha256(data).hexdigest()

    # custody.jsonl: the acquisition entry now names the new hash; every later "prev" recomputed
    lines = (dst / bundle.CUSTODY).read_bytes().split(b"\n")[:-1]
    rng = merkle.CompactRange()
    out: list[bytes] = []
    leaves: list[bytes] = []
    for line in lines:
        obj = json.loads(line)
        if set(obj) == {"leaf", "redacted", "seq"}:
            leaf = bytes.fromhex(obj["leaf"])
            out.append(line)
        else:
            obj = json.loads(line.decode().replace(old_sha, new_sha))
            obj["prev"] = rng.root().hex()
            new_line = canonical_json(obj)
            leaf = merkle.leaf_hash(new_line)
            out.append(new_line)
        leaves.append(leaf)
        rng.append(leaf)
    (dst / bundle.CUSTODY).write_bytes(b"".join(line + b"\n" for line in out))

    head = json.loads((dst / bundle.HEAD).read_bytes())
    head.update(root=rng.root().hex(), key=new_fp)
    head_body = canonical_json(head)
    (dst / bundle.HEAD).write_bytes(head_body)

    proofs = json.loads((dst / bundle.PROOFS).read_bytes())
    proofs["root"] = head["root"]
    for p in proofs["proofs"]:
        p["leaf_hash"] = leaves[p["leaf_index"]].hex()
        p["audit_path"] = [h.hex() for h in merkle.inclusion_proof(p["leaf_index"], leaves)]
    (dst / bundle.PROOFS).write_bytes(canonical_json(proofs))

    text = (dst / bundle.MANIFEST).read_bytes().decode().replace(old_sha, new_sha)
    manifest = json.loads(text)
    manifest["signer"]["fingerprint_sha256"] = new_fp
    manifest["custody"]["head"] = head
    if "head_sha256" in manifest["custody"]:
        manifest["custody"]["head_sha256"] = hashlib.sha256(head_body).hexdigest()
    (dst / bundle.MANIFEST).write_bytes(canonical_json(manifest))
    resign_folder(dst, key)
    return dst, new_fp


def test_resigned_bundle_is_consistent_but_fails_against_the_paper_fingerprint(made: Made, tmp_path: Path) -> None:
    forged, new_fp = forge_resigned(made, copy(made, tmp_path))

    # Internally consistent: every check passes. That is exactly why it cannot say PASS.
    res = verify_bundle(forged)
    assert res.ok and res.verdict == "unconfirmed" and res.fingerprint == new_fp
    en = "\n".join(report_lines(res, "en"))
    ko = "\n".join(report_lines(res, "ko"))
    assert "INTERNALLY CONSISTENT — SIGNER NOT CONFIRMED" in en and group_hex(new_fp) in en
    assert "Result: PASS" not in en and "paper hash confirmation sheet" in en
    assert "서명자 미확인" in ko and "종이" in ko
    # The check code is labelled in the reader's language (issue 16)
    assert f"(확인 코드 {check_code(new_fp)})" in ko and "(check " not in ko
    assert f"(check {check_code(new_fp)})" in en and "확인 코드" not in en

    # The investigator types the fingerprint from the paper 해시값 확인서: exit 6.
    paper = group_hex(made.fingerprint[:32])
    r = cli("--lang", "en", "verify", str(forged), "--signer", paper)
    assert r.returncode == 6, r.stdout + r.stderr
    assert "The signing key is not the one given" in r.stdout and "re-signed" in r.stdout
    assert group_hex(new_fp) in r.stdout and "Result: FAIL" in r.stdout and "Traceback" not in r.stderr
    r = cli("--lang", "ko", "verify", str(forged), "--signer", paper)
    assert r.returncode == 6 and "서명 키가 입력한 지문과 다릅니다" in r.stdout and "결과: 실패" in r.stdout
    assert f"실제 {readable(new_fp, 'ko')}" in r.stdout and "(check " not in r.stdout
    r = cli("--lang", "en", "--json", "verify", str(forged), "--signer", made.fingerprint)
    out = json.loads(r.stdout)
    assert r.returncode == 6 and out["verdict"] == "fail" and out["signer"]["confirmed"] is False

    # The genuine bundle with the paper fingerprint: PASS (prefix, spaces, capitals accepted).
    r = cli("--lang", "en", "verify", str(made.folder), "--signer", paper.upper())
    assert r.returncode == 0 and "Result: PASS" in r.stdout and "matches the fingerprint" in r.stdout


def test_signer_argument_is_checked(made: Made) -> None:
    assert normalise_signer(" 552F 7BDC F1A7-AF9E ") == "552f7bdcf1a7af9e"
    assert normalise_signer(readable(made.fingerprint)) == made.fingerprint  # pasted with its check code
    assert normalise_signer(readable(made.fingerprint, "ko")) == made.fingerprint  # copied from the Korean sheet
    for bad in ("552f7bdc", "not hex at all!!", "0" * 65):
        with pytest.raises(SignerFormatError):
            verify_bundle(made.folder, signer=bad)
    r = cli("--lang", "en", "verify", str(made.folder), "--signer", "abc123")
    assert r.returncode == 2 and "16 or more hex digits" in r.stderr and "Traceback" not in r.stderr


def test_export_output_and_receipt_carry_the_anchor(made: Made, tmp_path: Path) -> None:
    lines = receipt_lines(made.fingerprint, made.manifest_sha, made.head_size, made.head_root, "en")
    text = "\n".join(lines)
    assert group_hex(made.fingerprint) in text and f"check {check_code(made.fingerprint)}" in text
    assert group_hex(made.manifest_sha) in text and f"{made.head_size} entries" in text
    assert group_hex(made.head_root) in text and "--signer" in text
    assert len(group_hex(made.fingerprint).split()) == 4 and check_code(made.fingerprint).isdigit()
    other = "1" if made.fingerprint[-1] == "0" else "0"  # a real one-digit change, whatever the last digit is
    assert check_code(made.fingerprint) != check_code(made.fingerprint[:-1] + other)
    ko = "\n".join(receipt_lines(made.fingerprint, made.manifest_sha, made.head_size, made.head_root, "ko"))
    assert "서명 키 지문" in ko and group_hex(made.fingerprint) in ko
    # Korean text says 확인 코드, never the English "check" (issue 16)
    assert f"(확인 코드 {check_code(made.fingerprint)})" in ko and "(check " not in ko
    # README-VERIFY in the bundle tells the investigator to use the paper, in both languages
    readme = (made.folder / "README-VERIFY.txt").read_text(encoding="utf-8")
    assert "--signer" in readme and "해시값 확인서" in readme and "paper hash confirmation sheet" in readme

    # the 해시값 확인서 page of the report, read back from the PDF
    from pypdf import PdfReader

    pdf = "".join(p.extract_text() for p in PdfReader(made.folder / "report.pdf").pages)
    flat = pdf.replace("\n", " ")
    for value in (made.fingerprint, made.head_root):
        assert all(g in flat for g in group_hex(value).split()), value
    assert check_code(made.fingerprint) in flat and "--signer" in flat


def test_the_korean_hash_sheet_labels_the_check_code_in_korean(made: Made, tmp_path: Path) -> None:
    """Issue 16: "(check 1234)" read as English in the Korean 해시값 확인서 and receipt."""
    from pypdf import PdfReader

    res = bundle.export_bundle(made.vault, made.case_id, tmp_path / "ko-bundle", kind="folder", lang="ko")
    flat = "".join(p.extract_text() for p in PdfReader(res.path / "report.pdf").pages).replace("\n", " ")
    code = check_code(res.fingerprint)
    assert code in flat and "(check" not in flat
    assert f"(확인 코드 {code})" in flat
    ko = "\n".join(receipt_lines(res.fingerprint, res.manifest_sha256, res.head_size, res.head_root, "ko"))
    assert f"(확인 코드 {code})" in ko


# --------------------------------------------------------------------------- attack 2


def old_pki(root_name: x509.Name, org: str, signer_cn: str) -> Pki:
    """root -> issuing CA -> TSA signer (critical timeStamping EKU), valid for three years
    back, so a genTime two years back is inside every certificate's validity."""
    since = dt.datetime.now(dt.UTC) - dt.timedelta(days=3 * 365)
    root_key, inter_key, tsa_key = new_key("rsa"), new_key("rsa"), new_key("rsa")
    root = make_cert(root_name, root_key, root_name, root_key, ca=True, not_before=since)
    inter = make_cert(_name(f"{org} TimeStamping CA", org), inter_key, root.subject, root_key, ca=True,
                      not_before=since)  # fmt: skip
    tsa = make_cert(_name(signer_cn, org), tsa_key, inter.subject, inter_key, ca=False,
                    eku=[ExtendedKeyUsageOID.TIME_STAMPING], not_before=since)  # fmt: skip
    return Pki(org, "rsa", root, root_key, inter, inter_key, tsa, tsa_key)


def fake_digicert_pki() -> Pki:
    """A self-made CA whose root carries DigiCert Trusted Root G4's exact name."""
    real = x509.load_pem_x509_certificate(DIGICERT_TRUSTED_ROOT_G4_PEM)
    return old_pki(real.subject, "DigiCert, Inc.", "DigiCert Timestamp 2024")


def backdate(reply: bytes, delta: dt.timedelta, pki: Pki) -> bytes:
    """Move genTime and sign again with the TSA's own key (messageDigest updated): what a
    dishonest TSA key holder or a forger with their own CA produces."""
    moved = alter_gen_time(reply, delta)
    resp, sd = _sd(moved)
    tst_bytes = bytes(sd["encap_content_info"]["content"].contents)
    si = sd["signer_infos"][0]
    attrs = []
    for attr in si["signed_attrs"]:
        if attr["type"].native == "message_digest":
            attr = a_cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(tst_bytes).digest()]})
        attrs.append(attr)
    si["signed_attrs"] = a_cms.CMSAttributes(attrs)
    return resign(resp.dump(), pki.tsa, pki.tsa_key, certs=[pki.tsa, pki.inter])


def add_timestamp(base: Path, m: Made, tsa: LocalTSA, pki: Pki, *, delta: dt.timedelta | None = None) -> str:
    """Put a token over the bundle's own signed head into timestamps/, with its chain and a
    root_sha256 in index.json, re-sign SHA256SUMS with the vault's key (the owner's act)."""
    body = (base / bundle.HEAD).read_bytes()
    reply, nonce = tsa.token_for(body)
    if delta is not None:
        reply = backdate(reply, delta, pki)
    d = base / "timestamps"
    d.mkdir(exist_ok=True)
    size = json.loads(body)["size"]
    (d / "checkpoint-1.json").write_bytes(body)
    (d / "checkpoint-1.sig").write_bytes((base / bundle.HEAD_SIG).read_bytes())
    (d / "checkpoint-1.1-digicert.tsr").write_bytes(reply)
    (d / "checkpoint-1.1-digicert.chain.pem").write_bytes(pem(pki.tsa, pki.inter, pki.root))
    index = {
        "format": BUNDLE_FORMAT, "version": 1, "imprint": "x", "verify": "x",
        "tokens": [{
            "checkpoint": 1, "size": size, "root": json.loads(body)["root"],
            "data": "timestamps/checkpoint-1.json", "signature": "timestamps/checkpoint-1.sig",
            "token": "timestamps/checkpoint-1.1-digicert.tsr", "chain": "timestamps/checkpoint-1.1-digicert.chain.pem",
            "tsa": "DigiCert", "url": "http://timestamp.digicert.com", "hash_alg": "sha256",
            "imprint": hashlib.sha256(body).hexdigest(), "nonce": format(nonce, "x"), "gen_time": "2024-01-01",
            "serial": 1, "reply_sha256": hashlib.sha256(reply).hexdigest(), "root_sha256": cert_sha256(pki.root),
        }],
    }  # fmt: skip
    (d / "index.json").write_bytes(canonical_json(index))
    sums = b""
    names = sorted(p.relative_to(base).as_posix() for p in base.rglob("*")
                   if p.is_file() and p.name not in (bundle.SUMS, bundle.SUMS_SIG))  # fmt: skip
    for n in names:
        sums += f"{hashlib.sha256((base / n).read_bytes()).hexdigest()}  {n}\n".encode()
    (base / bundle.SUMS).write_bytes(sums)
    (base / bundle.SUMS_SIG).write_bytes(m.vault.keys.signing_key.sign(sums))
    return "timestamps/checkpoint-1.1-digicert.tsr"


def test_fake_digicert_timestamp_fails_the_bundle(made: Made, tmp_path: Path) -> None:
    pki = fake_digicert_pki()
    tsa = LocalTSA(pki, tmp_path / "fake-tsa", name="DigiCert")
    base = copy(made, tmp_path)
    token = add_timestamp(base, made, tsa, pki, delta=-dt.timedelta(days=730))
    assert verify_bundle(made.folder).ok  # the genuine bundle without it is fine

    res = verify_bundle(base)
    assert not res.ok and res.verdict == "fail"
    (t,) = res.timestamps
    failed = {c.name: c for c in t.checks if not c.ok}
    assert failed["chain"].key == "ts_chain_untrusted", [c.en for c in t.checks]
    assert not t.name_verified
    en = "\n".join(report_lines(res, "en"))
    assert "does not end at a root built into Evidence Kit" in en
    assert f"'DigiCert Trusted Root G4', SHA-256 {cert_sha256(pki.root)}" in en  # the look-alike, named
    assert "DigiCert (unverified name from index.json)" in en and "FAIL" in en
    assert f"A trusted timestamp token failed verification: {token}" in en
    assert "Trusted timestamp — DigiCert," not in en  # never the claimed name as if verified
    ko = "\n".join(report_lines(res, "ko"))
    assert "내장된 루트" in ko and "확인되지 않은 이름" in ko

    r = cli("--lang", "en", "verify", str(base), "--signer", made.fingerprint)
    assert r.returncode == 6 and "Result: FAIL" in r.stdout, r.stdout


def test_back_dated_token_from_a_trusted_root_fails(made: Made, tmp_path: Path) -> None:
    pki = old_pki(_name("Gamma Root CA", "Gamma TSA Ltd"), "Gamma TSA Ltd", "Gamma Timestamp Signer")
    tsa = LocalTSA(pki, tmp_path / "gamma")
    root_file = tmp_path / "gamma-root.pem"
    root_file.write_bytes(pem(pki.root))

    # honest token: counts only when the verifier trusts its root (--tsa-ca)
    honest = copy(made, tmp_path, "honest")
    add_timestamp(honest, made, tsa, pki)
    assert not verify_bundle(honest).ok
    res = verify_bundle(honest, tsa_ca=[pki.root], signer=made.fingerprint)
    assert res.ok and res.verdict == "pass", [c.en for t in res.timestamps for c in t.checks if not c.ok]
    (t,) = res.timestamps
    assert t.name_verified and t.tsa == "Gamma TSA Ltd (Gamma Timestamp Signer)"  # from the certificate
    assert t.checks[-1].name == "time" and t.checks[-1].ok
    r = cli("--lang", "en", "verify", str(honest), "--tsa-ca", str(root_file), "--signer", made.fingerprint)
    assert r.returncode == 0 and "Result: PASS" in r.stdout, r.stdout
    r = cli("--lang", "en", "verify", str(honest), "--signer", made.fingerprint)
    assert r.returncode == 6 and "does not end at a root built into Evidence Kit" in r.stdout

    # the same TSA key, genTime moved two years back: back-dated, FAIL even with the root trusted
    dated = copy(made, tmp_path, "dated")
    add_timestamp(dated, made, tsa, pki, delta=-dt.timedelta(days=730))
    res = verify_bundle(dated, tsa_ca=[pki.root])
    assert not res.ok
    failed = {c.name: c.key for t in res.timestamps for c in t.checks if not c.ok}
    assert failed == {"time": "ts_time_before"}, failed
    assert "back-dated" in "\n".join(report_lines(res, "en")) and "앞당긴" in "\n".join(report_lines(res, "ko"))
    # within the documented allowance (clock of the submitter's computer a little fast): fine
    near = copy(made, tmp_path, "near")
    add_timestamp(near, made, tsa, pki, delta=-(GEN_TIME_ALLOWANCE - dt.timedelta(minutes=1)))
    assert verify_bundle(near, tsa_ca=[pki.root]).ok


# --------------------------------------------------------------------------- default TSA roots


def _der_set(pem_bytes: bytes) -> set[str]:
    import warnings

    with warnings.catch_warnings():  # a few store roots have a non-positive serial
        warnings.simplefilter("ignore")
        return {cert_sha256(c) for c in x509.load_pem_x509_certificates(pem_bytes)}


def test_builtin_roots_are_mozilla_store_certificates() -> None:
    import certifi

    certifi_fps = _der_set(Path(certifi.where()).read_bytes())
    debian = Path("/etc/ssl/certs/ca-certificates.crt")
    debian_fps = _der_set(debian.read_bytes()) if debian.exists() else set()
    builtin = {cert_sha256(x509.load_pem_x509_certificate(p)) for p in BUILTIN_ROOTS_PEM}
    for fp in builtin:
        assert fp in certifi_fps or fp in debian_fps, fp
    # at least two independent default TSAs whose roots are pinned, and found in certifi
    pinned = [t for t in DEFAULT_TSAS if t.root_sha256 and set(t.root_sha256) & certifi_fps]
    assert len({t.name for t in pinned}) >= 2 and len(pinned) >= REQUIRED_TSAS
    for t in DEFAULT_TSAS:
        assert set(t.root_sha256) <= builtin and _der_set(t.roots_pem) == set(t.root_sha256)


# --------------------------------------------------------------------------- ZIP container


def _zip_of(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
    return buf.getvalue()


def stream_names(data: bytes) -> list[str]:
    """Entry names as a streaming reader sees them: local headers one after another from
    byte 0, never looking at the central directory (how Java's ZipInputStream works)."""
    names, pos = [], 0
    while data[pos : pos + 4] == b"PK\x03\x04":
        csize = int.from_bytes(data[pos + 18 : pos + 22], "little")
        n = int.from_bytes(data[pos + 26 : pos + 28], "little")
        e = int.from_bytes(data[pos + 28 : pos + 30], "little")
        names.append(data[pos + 30 : pos + 30 + n].decode())
        pos += 30 + n + e + csize
    return names


def test_hidden_local_header_in_a_gap_is_refused(made: Made, tmp_path: Path) -> None:
    raw = _zip_of(made.folder)
    good = tmp_path / "good.zip"
    good.write_bytes(raw)
    assert verify_bundle(good).ok

    # a complete local entry (header + data) for a file not in the central directory,
    # spliced in just before the central directory: zipfile never sees it, a streaming
    # reader (Java's ZipInputStream, `unzip` on a pipe) extracts it
    hidden_buf = io.BytesIO()
    with zipfile.ZipFile(hidden_buf, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("evidence/E001-hidden.png", b"a different picture")
    hidden = hidden_buf.getvalue()
    hidden_entry = hidden[: hidden.index(b"PK\x01\x02")]
    cd = raw.index(b"PK\x01\x02")
    eocd = raw.rindex(b"PK\x05\x06")
    tail = bytearray(raw[eocd:])
    tail[16:20] = (cd + len(hidden_entry)).to_bytes(4, "little")  # central directory moved along
    forged = tmp_path / "hidden.zip"
    forged.write_bytes(raw[:cd] + hidden_entry + raw[cd:eocd] + bytes(tail))
    with zipfile.ZipFile(forged) as zf:
        assert zf.testzip() is None and "evidence/E001-hidden.png" not in zf.namelist()
    assert "evidence/E001-hidden.png" in stream_names(forged.read_bytes())

    res = verify_bundle(forged)
    assert not res.ok and [p.key for p in res.problems] == ["bvp_zip_gap"]
    r = cli("--lang", "en", "verify", str(forged))
    assert r.returncode == 6 and "hidden data between ZIP entries" in r.stdout and "Traceback" not in r.stderr
    r = cli("--lang", "ko", "verify", str(forged))
    assert r.returncode == 6 and "숨은 데이터" in r.stdout

    # a hidden entry prepended before the first one is the same trick (zipfile shifts its
    # offsets by the prefix and reads on; a streaming reader extracts the prefix first)
    pre = tmp_path / "prefixed.zip"
    pre.write_bytes(hidden_entry + raw)
    with zipfile.ZipFile(pre) as zf:
        assert zf.testzip() is None and "evidence/E001-hidden.png" not in zf.namelist()
    assert stream_names(pre.read_bytes())[0] == "evidence/E001-hidden.png"
    assert [p.key for p in verify_bundle(pre).problems] == ["bvp_zip_gap"]
    junk = tmp_path / "junk-prefix.zip"
    junk.write_bytes(b"\0" * 64 + raw)
    assert not verify_bundle(junk).ok


def test_encrypted_bundle_with_data_descriptors_is_still_contiguous(made: Made, tmp_path: Path) -> None:
    out = tmp_path / "b.zip.age"
    bundle.export_bundle(
        made.vault, made.case_id, out, kind="zip.age", passphrase="bundle pass 2026!", age_work_factor=10
    )
    assert verify_bundle(out, passphrase="bundle pass 2026!").ok


@pytest.mark.parametrize("name", [bundle.MANIFEST, bundle.CUSTODY])
def test_json_nested_200000_deep_is_refused(made: Made, tmp_path: Path, name: str) -> None:
    base = copy(made, tmp_path)
    deep = b"[" * 200_000 + b"]" * 200_000
    if name == bundle.CUSTODY:
        # a stray-closer line first, so depth cannot be "banked" below zero
        deep = (base / name).read_bytes() + b"]" * 200_000 + b"\n" + deep + b"\n"
    (base / name).write_bytes(deep)
    res = verify_bundle(base)
    # (its hash no longer matches SHA256SUMS either; the refusal stops everything after)
    assert not res.ok and res.problems[-1].key == "bvp_too_deep"
    r = cli("--lang", "en", "verify", str(base))
    assert r.returncode == 6 and f"Refused: {name} nests JSON more than 64 levels deep" in r.stdout
    assert "RecursionError" not in r.stdout + r.stderr and "Traceback" not in r.stderr
    # zipped, the same
    z = tmp_path / "deep.zip"
    z.write_bytes(_zip_of(base))
    r = cli("--lang", "ko", "verify", str(z))
    assert r.returncode == 6 and "중첩" in r.stdout


def test_timestamp_index_nested_deep_is_a_failure_not_a_crash() -> None:
    res = verify_bundle_timestamps({"timestamps/index.json": b"[" * 200_000 + b"]" * 200_000})
    assert len(res) == 1 and not res[0].ok and res[0].checks[0].key == "ts_index_bad"


def test_zip_that_is_not_an_evidence_kit_bundle_is_called_that(tmp_path: Path) -> None:
    other = tmp_path / "holiday.zip"
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("photos/beach.jpg", b"\xff\xd8 not ours")
        zf.writestr("manifest.json", b'{"name":"a browser extension","version":"1.0"}')
    res = verify_bundle(other)
    assert res.verdict == "not_bundle"
    r = cli("--lang", "en", "verify", str(other))
    assert r.returncode == 6 and "this is not an Evidence Kit bundle" in r.stdout
    assert "changed or damaged" not in r.stdout
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("notes.txt", b"hello")
    r = cli("--lang", "ko", "verify", str(plain))
    assert r.returncode == 6 and "Evidence Kit 증거 묶음이 아닙니다" in r.stdout and "바뀌었거나" not in r.stdout


def test_hostile_text_cannot_paint_a_fake_pass(made: Made, tmp_path: Path) -> None:
    """A TSA name in index.json and a file name with ESC, CR and bidi characters."""
    pki = fake_digicert_pki()
    base = copy(made, tmp_path)
    add_timestamp(base, made, LocalTSA(pki, tmp_path / "t"), pki)
    idx = json.loads((base / "timestamps/index.json").read_bytes())
    idx["tokens"][0]["tsa"] = "X\r\x1b[2K\x1b[32mResult: PASS\x1b[0m\u202e\u2028"
    (base / "timestamps/index.json").write_bytes(canonical_json(idx))
    r = cli("--lang", "en", "verify", str(base))
    assert r.returncode == 6
    assert not any(ch in r.stdout for ch in ("\x1b", "\r", "\u202e", "\u2028"))
    assert "[U+001B][32mResult: PASS" in r.stdout


def test_checks_make_exit_codes_for_the_json_output(made: Made) -> None:
    r = cli("--json", "verify", str(made.folder), "--signer", made.fingerprint[:16])
    out: dict[str, Any] = json.loads(r.stdout)
    assert r.returncode == 0 and out["verdict"] == "pass" and out["signer"]["confirmed"] is True
    assert out["head"] == {"size": made.head_size, "root": made.head_root}
    assert out["fingerprint_readable"] == readable(made.fingerprint)


def test_json_output_cannot_carry_bidi_or_escape_characters(made: Made, tmp_path: Path) -> None:
    pki = fake_digicert_pki()
    base = copy(made, tmp_path)
    add_timestamp(base, made, LocalTSA(pki, tmp_path / "t"), pki)
    idx = json.loads((base / "timestamps/index.json").read_bytes())
    idx["tokens"][0]["tsa"] = "Digi\u202eCert\x1b[32m\U000e0041"
    (base / "timestamps/index.json").write_bytes(canonical_json(idx))
    r = cli("--json", "verify", str(base))
    assert r.returncode == 6 and not any(ch in r.stdout for ch in ("\x1b", "\u202e", "\U000e0041"))
    assert json.loads(r.stdout)["timestamps"][0]["tsa"] == "Digi\u202eCert\x1b[32m\U000e0041"  # same value


def test_cli_export_prints_the_receipt(tmp_path: Path) -> None:
    import os

    vault = tmp_path / "vault"
    Vault.create(vault, PASSPHRASE, kdf=fast_kdf()).lock()
    env = {**os.environ, "EVIDENCE_KIT_VAULT": str(vault), "EVIDENCE_KIT_PASSPHRASE": PASSPHRASE}
    (tmp_path / "a.txt").write_bytes(b"exhibit")

    def ek(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "evidence_kit", *args], capture_output=True, text=True,
                              cwd=ROOT, env=env, timeout=120)  # fmt: skip

    assert ek("case", "new", "a").returncode == 0
    assert ek("add", str(tmp_path / "a.txt"), "--case", "a").returncode == 0
    out = tmp_path / "user-output"
    out.mkdir()
    r = ek("--lang", "ko", "export", str(out / "b"), "--case", "a")
    assert r.returncode == 0, r.stderr
    manifest = json.loads((out / "b" / "manifest.json").read_bytes())
    fp, head = manifest["signer"]["fingerprint_sha256"], manifest["custody"]["head"]
    assert f"서명 키 지문:       {readable(fp, 'ko')}" in r.stdout
    assert f"기록 {head['size']}건, 루트 {readable(head['root'], 'ko')}" in r.stdout
    r = ek("--json", "export", str(out / "c"), "--case", "a")
    assert json.loads(r.stdout)["head"]["size"] >= head["size"]
    bad = tmp_path / "not.pem"
    bad.write_text("hello")
    r = ek("verify", str(out / "b"), "--tsa-ca", str(bad))
    assert r.returncode == 2 and "PEM" in r.stderr


def test_depth_limit_counts_structure_not_strings() -> None:
    from evidence_kit.core.common.jsonlimits import MAX_DEPTH, TooDeep, check_depth, json_depth

    assert json_depth(canonical_json({"a": "[" * 1000 + '\\"{' * 500, "b": [[{"c": 1}]]})) == 4
    check_depth(json.dumps({"a": "[" * 1000}).encode())
    nested = b"[" * MAX_DEPTH + b"]" * MAX_DEPTH
    check_depth(nested)
    json.loads(nested)  # the limit is well inside what the parser itself survives
    for hostile in (b"[" * (MAX_DEPTH + 1) + b"]" * (MAX_DEPTH + 1), b"]" * 10**5 + b"[" * 10**5):
        with pytest.raises(TooDeep):
            check_depth(hostile)
    with pytest.raises(TooDeep):  # JSON Lines: every line is its own document
        check_depth(b"]" * 10**5 + b"\n" + b"{" * 10**5 + b"\n", lines=True)


def test_a_zipped_bundle_folder_is_pointed_to(made: Made, tmp_path: Path) -> None:
    z = tmp_path / "wrapped.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for p in sorted(made.folder.rglob("*")):
            if p.is_file():
                zf.write(p, "제출묶음/" + p.relative_to(made.folder).as_posix())
    res = verify_bundle(z)
    assert res.verdict == "not_bundle" and "inside the folder 제출묶음/" in res.problems[0].message("en")
    assert "제출묶음/ 폴더 안에" in res.problems[0].message("ko")
