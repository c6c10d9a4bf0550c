"""The signed export bundle and its verification (issue 8).

Real vault, real files, stock tools (sha256sum, openssl, unzip, age through a pty), and
a tamper matrix: any one-byte change, added, removed, renamed or swapped file must fail
verification and be named.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from evidence_kit.core.common.canonical import parse_canonical
from evidence_kit.core.common.errors import CancelledError, InputError, WrongPassphraseError
from evidence_kit.core.common.model import Item
from evidence_kit.core.crypto import age_recipients, age_stream, merkle
from evidence_kit.core.documents import bundle, bundle_texts, snapshot
from evidence_kit.core.documents.bundle_result import BundleVerification, report_lines
from evidence_kit.core.documents.bundle_verify import verify_bundle
from evidence_kit.core.vault.vault import Vault

from .conftest import CANARY, PASSPHRASE, canary_hits, fast_kdf
from .test_report_data import add_record_only, have, make_case, squash
from .ttyhelp import run_on_tty

BUNDLE_PASS = "bundle passphrase 2026"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Built:
    vault_path: Path
    out: Path  # a "user-output" folder: plaintext there is what the user asked for
    case_id: str
    items: list[Item]
    folder: Path
    zip: Path
    enc: Path
    fingerprint: str
    manifest_sha: str
    vault: Vault
    case_validate: subprocess.Popen[str] | None  # started early: pyshacl takes ~10 s on one core


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    base = tmp_path_factory.mktemp("bundle")
    out = base / "user-output"
    out.mkdir()
    v = Vault.create(base / "vault", PASSPHRASE, kdf=fast_kdf())
    validator: subprocess.Popen[str] | None = None
    try:
        case, items = make_case(v, canary=CANARY.decode())
        add_record_only(v, case.id)
        res = bundle.export_bundle(v, case.id, out / "bundle", kind="folder", lang="ko")
        bundle.export_bundle(v, case.id, out / "bundle.zip", kind="zip", lang="en")
        bundle.export_bundle(
            v, case.id, out / "bundle.zip.age", kind="zip.age", passphrase=BUNDLE_PASS, age_work_factor=10
        )
        items = v.list_items(case.id)
        if have("case_validate"):
            exe = shutil.which("case_validate") or str(Path(sys.executable).parent / "case_validate")
            validator = subprocess.Popen(
                [exe, str(out / "bundle" / "case.jsonld")],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        yield Built(
            base / "vault",
            out,
            case.id,
            items,
            out / "bundle",
            out / "bundle.zip",
            out / "bundle.zip.age",
            res.fingerprint,
            res.manifest_sha256,
            v,
            validator,
        )
    finally:
        v.lock()
        if validator is not None and validator.poll() is None:
            validator.kill()
            validator.communicate()


def copy_folder(b: Built, tmp_path: Path) -> Path:
    dst = tmp_path / "user-output" / "copy"
    shutil.copytree(b.folder, dst)
    return dst


def messages(res: BundleVerification) -> str:
    return "\n".join(report_lines(res, "en") + report_lines(res, "ko"))


# ------------------------------------------------------------------ layout and stock tools


def test_layout_and_stock_tools(built: Built) -> None:
    d = built.folder
    names = sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file())
    for required in [
        "manifest.json",
        "manifest.sig",
        "signer.pub.pem",
        "SHA256SUMS",
        "SHA256SUMS.sig",
        "custody.jsonl",
        "custody-head.json",
        "custody-head.sig",
        "inclusion-proofs.json",
        "report.pdf",
        "evidence-list.csv",
        "case.jsonld",
        "README-VERIFY.txt",
    ]:
        assert required in names
    evidence = [n for n in names if n.startswith("evidence/")]
    assert evidence == sorted(evidence) and len(evidence) == 4  # the record-only item has no file
    assert evidence[0].startswith("evidence/E001_") and evidence[2].startswith("evidence/E003_")

    # stock tools: every file hash, every signature, the key fingerprint
    subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=d, check=True, capture_output=True)
    for data, sig in [
        ("manifest.json", "manifest.sig"),
        ("SHA256SUMS", "SHA256SUMS.sig"),
        ("custody-head.json", "custody-head.sig"),
    ]:
        r = subprocess.run(
            [
                "openssl",
                "pkeyutl",
                "-verify",
                "-pubin",
                "-inkey",
                "signer.pub.pem",
                "-rawin",
                "-in",
                data,
                "-sigfile",
                sig,
            ],
            cwd=d,
            capture_output=True,
            text=True,
        )
        assert r.returncode == 0 and "Signature Verified Successfully" in r.stdout, (data, r.stdout, r.stderr)
    fp = subprocess.run(
        "openssl pkey -pubin -in signer.pub.pem -outform DER | tail -c 32 | sha256sum",
        shell=True,
        cwd=d,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    assert fp == built.fingerprint

    # the originals, byte for byte, and the manifest that ties them together
    manifest = parse_canonical((d / "manifest.json").read_bytes())
    assert hashlib.sha256((d / "manifest.json").read_bytes()).hexdigest() == built.manifest_sha
    assert manifest["signer"]["fingerprint_sha256"] == built.fingerprint
    assert manifest["report"]["file"] == "report.pdf" and "report_sha256" not in json.dumps(manifest)
    by_exhibit = {m["exhibit"]: m for m in manifest["items"]}
    for item in built.items:
        m = by_exhibit[item.exhibit]
        assert m["sha256"] == item.sha256 and m["original_name"] == item.original_name
        assert m["log_index"] == item.log_index and m["label_ko"] == f"증 제{item.exhibit}호증"
        if item.retained:
            data = (d / m["path"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == item.sha256 and len(data) == item.size
        else:
            assert m["path"] is None and m["retained"] is False

    # the report prints the manifest hash and the fingerprint
    text = squash("".join(p.extract_text() for p in PdfReader(d / "report.pdf").pages))
    assert built.manifest_sha in text and built.fingerprint in text


def test_custody_log_proofs_and_privacy(built: Built) -> None:
    d = built.folder
    lines = (d / "custody.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b""
    lines = lines[:-1]
    head = json.loads((d / "custody-head.json").read_bytes())
    leaves = []
    redacted = 0
    for i, line in enumerate(lines):
        obj = json.loads(line)
        if obj.get("redacted"):
            redacted += 1
            leaves.append(bytes.fromhex(obj["leaf"]))
        else:
            assert obj["seq"] == i
            leaves.append(merkle.leaf_hash(line))
    assert redacted >= 2  # the other case's creation and its item
    assert len(leaves) == head["size"] and merkle.root_from_leaves(leaves).hex() == head["root"]
    proofs = json.loads((d / "inclusion-proofs.json").read_bytes())
    for p in proofs["proofs"]:
        assert merkle.verify_inclusion(
            p["leaf_index"],
            head["size"],
            leaves[p["leaf_index"]],
            [bytes.fromhex(h) for h in p["audit_path"]],
            bytes.fromhex(head["root"]),
        )
    # nothing of the other case in any file of the bundle
    for p in d.rglob("*"):
        if p.is_file():
            blob = p.read_bytes()
            assert b"OTHER-CASE-SECRET-NAME" not in blob and b"OTHER-FILE-SECRET" not in blob, p


def test_export_is_logged_after_the_head(built: Built) -> None:
    events = built.vault.events(case_id=built.case_id)
    exports = [e for e in events if e.action == "export"]
    reports = [e for e in events if e.action == "report"]
    assert len(exports) == 3 and len(reports) == 3
    first = exports[0]
    assert first.data["manifest_sha256"] == built.manifest_sha and first.data["kind"] == "folder"
    assert {e.data["kind"] for e in exports} == {"folder", "zip", "zip.age"}
    head = json.loads((built.folder / "custody-head.json").read_bytes())
    assert first.seq >= head["size"]  # appended after the head the bundle carries
    assert any(e.action == "checkpoint" and e.seq == head["size"] - 1 for e in events)


def test_csv_and_readme(built: Built) -> None:
    raw = (built.folder / "evidence-list.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"))))
    assert rows[0][0].startswith("순번") and len(rows) == 1 + len(built.items)
    assert rows[1][1] == "증 제1호증" and rows[1][13] == built.items[0].sha256
    readme = (built.folder / "README-VERIFY.txt").read_text("utf-8")
    assert "sha256sum -c SHA256SUMS" in readme and built.fingerprint in readme and built.manifest_sha in readme
    assert "확인 방법" in readme and "How to verify" in readme


def test_csv_neutralises_formulas(vault: Vault, tmp_path: Path) -> None:
    from evidence_kit.core.common.model import ItemInput, Source

    case = vault.create_case("csv")
    vault.add_bytes(
        case.id,
        b"x",
        ItemInput(
            name='=HYPERLINK("http://evil")',
            method="paste",
            source=Source(purpose="+cmd|' /C calc'!A0", account="@acc"),
        ),
    )
    snap = snapshot.snapshot_case(vault, case.id)
    rows = list(csv.reader(io.StringIO(bundle_texts.evidence_csv(snap)[3:].decode("utf-8"))))
    assert rows[1][2].startswith("'=") and rows[1][12].startswith("'+") and rows[1][3] == "'@acc"


# ------------------------------------------------------------------ zip and encrypted


def test_zip_is_stored_and_verifies(built: Built) -> None:
    with zipfile.ZipFile(built.zip) as zf:
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.infolist())
        assert zf.testzip() is None
    if have("unzip"):
        subprocess.run(["unzip", "-tq", str(built.zip)], check=True, capture_output=True)
    res = verify_bundle(built.zip)
    assert res.ok, messages(res)
    assert res.fingerprint == built.fingerprint and len(res.exhibits) == len(built.items)


def test_encrypted_bundle(built: Built, tmp_path: Path) -> None:
    assert built.enc.read_bytes().startswith(b"age-encryption.org/v1\n")
    with built.enc.open("rb") as f:
        plain = age_stream.AgeReader(f, [age_recipients.ScryptIdentity(BUNDLE_PASS)]).read_all()
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        assert "manifest.json" in zf.namelist() and zf.testzip() is None
    res = verify_bundle(built.enc, passphrase=BUNDLE_PASS)
    assert res.ok, messages(res)
    with pytest.raises(WrongPassphraseError):
        verify_bundle(built.enc, passphrase="not the passphrase")


@pytest.mark.skipif(not have("age"), reason="stock age not installed")
def test_stock_age_decrypts_the_bundle(built: Built, tmp_path: Path) -> None:
    out = tmp_path / "user-output" / "from-age.zip"
    out.parent.mkdir()
    age = shutil.which("age")
    assert age is not None
    rc, seen = run_on_tty([age, "-d", "-o", str(out), str(built.enc)], BUNDLE_PASS.encode() + b"\n")
    assert rc == 0, seen
    assert verify_bundle(out).ok


# ------------------------------------------------------------------ tamper matrix


def test_tamper_every_file_one_byte(built: Built, tmp_path: Path) -> None:
    base = copy_folder(built, tmp_path)
    assert verify_bundle(base).ok
    files = sorted(p.relative_to(base) for p in base.rglob("*") if p.is_file())
    for rel in files:
        p = base / rel
        original = p.read_bytes()
        data = bytearray(original)
        data[len(data) // 2] ^= 0x01
        p.write_bytes(bytes(data))
        res = verify_bundle(base)
        out = messages(res)
        assert not res.ok, f"one-byte change in {rel} not detected"
        assert str(rel) in out, f"{rel} not named:\n{out}"
        p.write_bytes(original)
    assert verify_bundle(base).ok


def test_tamper_added_removed_renamed_swapped(built: Built, tmp_path: Path) -> None:
    base = copy_folder(built, tmp_path)
    ev = sorted((base / "evidence").iterdir())

    (base / "evidence" / "E099_extra.png").write_bytes(b"extra")
    res = verify_bundle(base)
    assert not res.ok and "evidence/E099_extra.png" in messages(res)
    (base / "evidence" / "E099_extra.png").unlink()
    (base / "notes.txt").write_bytes(b"added at the top level")
    res = verify_bundle(base)
    assert not res.ok and "notes.txt" in messages(res)
    (base / "notes.txt").unlink()

    data = ev[0].read_bytes()
    ev[0].unlink()
    res = verify_bundle(base)
    rel0 = f"evidence/{ev[0].name}"
    assert not res.ok and rel0 in messages(res) and not res.exhibits[0].ok
    ev[0].write_bytes(data)

    ev[1].rename(base / "evidence" / "E002_renamed.jpg")
    res = verify_bundle(base)
    out = messages(res)
    assert not res.ok and f"evidence/{ev[1].name}" in out and "evidence/E002_renamed.jpg" in out
    (base / "evidence" / "E002_renamed.jpg").rename(ev[1])

    a, b = ev[0].read_bytes(), ev[1].read_bytes()
    ev[0].write_bytes(b)
    ev[1].write_bytes(a)
    res = verify_bundle(base)
    out = messages(res)
    assert not res.ok and f"evidence/{ev[0].name}" in out and f"evidence/{ev[1].name}" in out
    assert [e.ok for e in res.exhibits[:2]] == [False, False]
    ev[0].write_bytes(a)
    ev[1].write_bytes(b)

    for required in ("manifest.sig", "SHA256SUMS", "custody.jsonl", "inclusion-proofs.json"):
        keep = (base / required).read_bytes()
        (base / required).unlink()
        res = verify_bundle(base)
        assert not res.ok and required in messages(res), required
        (base / required).write_bytes(keep)
    assert verify_bundle(base).ok


def test_tamper_inside_zip(built: Built, tmp_path: Path) -> None:
    data = bytearray(built.zip.read_bytes())
    with zipfile.ZipFile(built.zip) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith("evidence/E002"))
        with zf.open(info) as f:
            member = f.read()
    pos = bytes(data).find(member)
    assert pos > 0
    data[pos + len(member) // 2] ^= 0x01
    bad = tmp_path / "user-output" / "bad.zip"
    bad.parent.mkdir()
    bad.write_bytes(bytes(data))
    res = verify_bundle(bad)
    assert not res.ok and info.filename in messages(res)


def test_re_signed_with_another_key_fails(built: Built, tmp_path: Path) -> None:
    """A forger who re-signs everything with their own key still fails the fingerprint check."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    base = copy_folder(built, tmp_path)
    key = Ed25519PrivateKey.generate()
    from evidence_kit.core.crypto.keys import public_key_pem

    raw = key.public_key().public_bytes_raw()
    (base / "signer.pub.pem").write_bytes(public_key_pem(raw))
    for data, sig in [("manifest.json", "manifest.sig"), ("custody-head.json", "custody-head.sig")]:
        (base / sig).write_bytes(key.sign((base / data).read_bytes()))
    sums = "".join(
        f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.relative_to(base)}\n"
        for p in sorted(base.rglob("*"))
        if p.is_file() and p.name not in ("SHA256SUMS", "SHA256SUMS.sig")
    )
    (base / "SHA256SUMS").write_text(sums)
    (base / "SHA256SUMS.sig").write_bytes(key.sign(sums.encode()))
    res = verify_bundle(base)
    assert not res.ok and res.fingerprint != built.fingerprint
    assert "manifest.json" in messages(res) and "custody-head.json" in messages(res)


# ------------------------------------------------------------------ hostile containers


def _zip(path: Path, entries: list[tuple[str | zipfile.ZipInfo, bytes]], method: int = zipfile.ZIP_STORED) -> Path:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are the point of one case
        with zipfile.ZipFile(path, "w", compression=method) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("../evil.txt", "bvp_unsafe_name"),
        ("/etc/passwd", "bvp_unsafe_name"),
        ("evidence/../../x", "bvp_unsafe_name"),
        ("evidence\\..\\x", "bvp_unsafe_name"),
        ("C:/Windows/x", "bvp_unsafe_name"),
        ("evidence/a\u202egpj.exe", "bvp_unsafe_name"),
        ("evidence//x", "bvp_unsafe_name"),
    ],
)
def test_zip_slip_refused(tmp_path: Path, name: str, key: str) -> None:
    z = _zip(tmp_path / "slip.zip", [("manifest.json", b"{}"), (name, b"x")])
    res = verify_bundle(z)
    assert not res.ok and [p.key for p in res.problems] == [key]
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path.parent / "evil.txt").exists()


def test_zip_symlink_duplicate_bomb_overlap_refused(tmp_path: Path) -> None:
    link = zipfile.ZipInfo("evidence/link")
    link.external_attr = 0o120777 << 16
    res = verify_bundle(_zip(tmp_path / "link.zip", [(link, b"/etc/passwd")]))
    assert [p.key for p in res.problems] == ["bvp_symlink"]

    res = verify_bundle(_zip(tmp_path / "dup.zip", [("manifest.json", b"a"), ("manifest.json", b"b")]))
    assert [p.key for p in res.problems] == ["bvp_duplicate"]
    res = verify_bundle(_zip(tmp_path / "dup2.zip", [("Evidence/A.png", b"a"), ("evidence/a.png", b"b")]))
    assert [p.key for p in res.problems] == ["bvp_duplicate"]

    bomb = _zip(tmp_path / "bomb.zip", [("evidence/zeros", b"\0" * (20 * 1024 * 1024))], zipfile.ZIP_DEFLATED)
    assert bomb.stat().st_size < 100_000
    res = verify_bundle(bomb)
    assert [p.key for p in res.problems] == ["bvp_zip_bomb_entry"]
    msg = res.problems[0].message("en")
    assert "evidence/zeros" in msg and str(20 * 1024 * 1024) in msg, msg

    # overlapping entries: a second central-directory record pointing at the first entry
    ok = _zip(tmp_path / "one.zip", [("a.txt", b"A" * 1000)])
    raw = ok.read_bytes()
    cd = raw.index(b"PK\x01\x02")
    eocd = raw.index(b"PK\x05\x06")
    rec = raw[cd:eocd]
    rec2 = rec.replace(b"a.txt", b"b.txt")
    eocd_rec = bytearray(raw[eocd:])
    eocd_rec[8:10] = (2).to_bytes(2, "little")
    eocd_rec[10:12] = (2).to_bytes(2, "little")
    eocd_rec[12:16] = (len(rec) * 2).to_bytes(4, "little")
    overlap = tmp_path / "overlap.zip"
    overlap.write_bytes(raw[:cd] + rec + rec2 + bytes(eocd_rec))
    with zipfile.ZipFile(overlap) as zf:
        assert len(zf.infolist()) == 2  # Python's zipfile accepts it
    res = verify_bundle(overlap)
    assert [p.key for p in res.problems] == ["bvp_zip_overlap"]

    (tmp_path / "junk.zip").write_bytes(b"not a zip at all")
    assert [p.key for p in verify_bundle(tmp_path / "junk.zip").problems] == ["bvp_not_bundle"]
    (tmp_path / "trunc.zip").write_bytes(ok.read_bytes()[:40])
    assert [p.key for p in verify_bundle(tmp_path / "trunc.zip").problems] == ["bvp_zip_bad"]


def test_folder_with_symlink_refused(built: Built, tmp_path: Path) -> None:
    base = copy_folder(built, tmp_path)
    (base / "evidence" / "link.png").symlink_to("/etc/passwd")
    res = verify_bundle(base)
    assert not res.ok and [p.key for p in res.problems] == ["bvp_symlink"]
    assert "evidence/link.png" in messages(res)


def test_hostile_names_are_printable(tmp_path: Path) -> None:
    res = verify_bundle(_zip(tmp_path / "esc.zip", [("evidence/\x1b[31mred\u202e.txt", b"x")]))
    out = messages(res)
    assert "\x1b" not in out and "\u202e" not in out and "[U+001B]" in out


# ------------------------------------------------------------------ export rules


def test_export_refuses_existing_and_vault_targets(vault: Vault, tmp_path: Path) -> None:
    case, _ = make_case(vault, other_case=False)
    (tmp_path / "exists").mkdir()
    with pytest.raises(InputError):
        bundle.export_bundle(vault, case.id, tmp_path / "exists")
    with pytest.raises(InputError):
        bundle.export_bundle(vault, case.id, vault.path / "blobs" / "bundle")
    with pytest.raises(InputError):
        bundle.export_bundle(vault, case.id, tmp_path / "x.zip.age", kind="zip.age")


@pytest.mark.parametrize("kind", ["folder", "zip", "zip.age"])
def test_cancel_leaves_nothing(vault: Vault, tmp_path: Path, kind: str) -> None:
    case, _ = make_case(vault, other_case=False, canary=CANARY.decode())
    out = tmp_path / "user-output"
    out.mkdir()
    n = [0]

    def cancel() -> bool:
        n[0] += 1
        return n[0] > 3

    with pytest.raises(CancelledError):
        bundle.export_bundle(
            vault, case.id, out / "b", kind=kind, passphrase=BUNDLE_PASS, age_work_factor=10, cancel=cancel
        )
    assert list(out.iterdir()) == []


def test_encrypted_export_leaves_no_plaintext(vault: Vault, tmp_path: Path) -> None:
    case, _ = make_case(vault, other_case=False, canary=CANARY.decode())
    out = tmp_path / "send"
    out.mkdir()
    bundle.export_bundle(vault, case.id, out / "b.zip.age", kind="zip.age", passphrase=BUNDLE_PASS, age_work_factor=10)
    assert [p.name for p in out.iterdir()] == ["b.zip.age"]
    assert canary_hits(tmp_path) == []


def test_safe_names() -> None:
    assert snapshot.safe_name("사진 01.PNG") == "사진_01.PNG"
    assert snapshot.safe_name("../../etc/passwd") == "etc_passwd"
    assert snapshot.safe_name("a\u202egpj.exe") == "agpj.exe"
    assert snapshot.safe_name("nul\x00 and <tags> & co.jpg") == "nul_and_tags_co.jpg"
    assert snapshot.safe_name("...") == "file"
    assert snapshot.safe_name("C:\\Windows\\x.txt") == "C_Windows_x.txt"
    long = snapshot.safe_name("가" * 300 + ".jpeg")
    assert long.endswith(".jpeg") and len(long.encode()) <= snapshot.SAFE_NAME_BYTES
    nfd = snapshot.safe_name("\u1100\u1161.txt")  # NFD 가
    assert nfd == "가.txt"


def test_proof_tree_matches_reference() -> None:
    for n in [*list(range(1, 40)), 63, 64, 65, 100]:
        leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
        tree = snapshot.ProofTree(leaves)
        root = merkle.root_from_leaves(leaves)
        assert tree.root() == root
        for i in range(n):
            p = tree.proof(i)
            assert p == merkle.inclusion_proof(i, leaves)
            assert merkle.verify_inclusion(i, n, leaves[i], p, root)


# ------------------------------------------------------------------ CLI (police side: no vault)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_KIT_")}
    e.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "evidence_kit", *args],
        capture_output=True,
        text=True,
        env=e,
        cwd=ROOT,
        timeout=120,
    )


def test_cli_verify_bundle_without_vault(built: Built, tmp_path: Path) -> None:
    from evidence_kit.core.crypto.anchor import group_hex

    r = _cli("--lang", "ko", "verify", str(built.folder))
    assert r.returncode == 0, r.stdout + r.stderr
    # without --signer: consistent, never a bare PASS
    assert "결과: 내부적으로 일관됨 — 서명자 미확인" in r.stdout and "통과 —" not in r.stdout
    assert group_hex(built.fingerprint) in r.stdout and "증 제1호증" in r.stdout
    r = _cli("--lang", "en", "--json", "verify", str(built.zip))
    out = json.loads(r.stdout)
    assert r.returncode == 0 and out["ok"] is True and out["verdict"] == "unconfirmed"
    assert out["signer"] == {"expected": None, "confirmed": False}
    spaced = group_hex(built.fingerprint[:32]).upper()  # as typed from the paper: a prefix, spaces, capitals
    r = _cli("--lang", "en", "verify", str(built.enc), "--signer", spaced,
             env={"EVIDENCE_KIT_BUNDLE_PASSPHRASE": BUNDLE_PASS})  # fmt: skip
    assert r.returncode == 0 and "Result: PASS" in r.stdout, r.stdout
    r = _cli("verify", str(built.enc), env={"EVIDENCE_KIT_BUNDLE_PASSPHRASE": "wrong passphrase!!"})
    assert r.returncode == 3

    base = copy_folder(built, tmp_path)
    target = sorted((base / "evidence").iterdir())[1]
    target.write_bytes(target.read_bytes() + b"!")
    r = _cli("--lang", "en", "verify", str(base))
    assert r.returncode == 6 and f"evidence/{target.name}" in r.stdout and "Result: FAIL" in r.stdout


def test_cli_report_and_export(tmp_path: Path) -> None:
    vault_dir = tmp_path / "vault"
    env = {"EVIDENCE_KIT_VAULT": str(vault_dir), "EVIDENCE_KIT_PASSPHRASE": PASSPHRASE}
    v = Vault.create(vault_dir, PASSPHRASE, kdf=fast_kdf())
    _case, _ = make_case(v, other_case=False)
    v.lock()
    out = tmp_path / "user-output"
    out.mkdir()
    r = _cli("--lang", "en", "report", str(out / "r.pdf"), "--report-lang", "en", env=env)
    assert r.returncode == 0, r.stderr
    assert (out / "r.pdf").is_file() and (out / "r.manifest.json").is_file() and "Report written" in r.stdout
    r = _cli(
        "--json",
        "export",
        str(out / "b.zip.age"),
        "--encrypt",
        env=env | {"EVIDENCE_KIT_BUNDLE_PASSPHRASE": BUNDLE_PASS},
    )
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert info["kind"] == "zip.age" and info["items"] == 4
    assert verify_bundle(out / "b.zip.age", passphrase=BUNDLE_PASS).ok
    r = _cli("export", str(out / "c.zip.age"), "--encrypt", env=env | {"EVIDENCE_KIT_BUNDLE_PASSPHRASE": "short"})
    assert r.returncode == 2 and not (out / "c.zip.age").exists()
    r = _cli("verify", env=env)  # plain `verify` still checks the vault
    assert r.returncode == 0, r.stdout + r.stderr


# ------------------------------------------------------------------ CASE/UCO (last: its validator ran meanwhile)


@pytest.mark.skipif(not have("case_validate"), reason="case-utils (case_validate) not installed")
def test_case_jsonld_validates(built: Built) -> None:
    graph = json.loads((built.folder / "case.jsonld").read_bytes())
    types = [n["@type"] for n in graph["@graph"]]
    assert types.count("uco-observable:File") == len(built.items)
    assert types.count("case-investigation:InvestigativeAction") == len(built.items)
    assert types.count("case-investigation:ProvenanceRecord") == len(built.items)
    exhibits = sorted(
        int(n["case-investigation:exhibitNumber"])
        for n in graph["@graph"]
        if n["@type"] == "case-investigation:ProvenanceRecord"
    )
    assert exhibits == [i.exhibit for i in built.items]
    assert built.case_validate is not None
    stdout, _ = built.case_validate.communicate(timeout=180)
    assert built.case_validate.returncode == 0 and "Conforms: True" in stdout, stdout[-3000:]
