"""Vault round trips, passphrases, recovery, duplicates, odd names and hostile files."""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from evidence_kit.core.common.canonical import canonical_json
from evidence_kit.core.common.errors import (
    InputError,
    IntegrityError,
    VaultBusyError,
    VaultExistsError,
    VaultFormatError,
    VaultNotFoundError,
    WeakPassphraseError,
    WrongPassphraseError,
)
from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.crypto.keys import KDF_FLOOR_MEMORY_KIB, KdfParams, Keyring, calibrate_kdf
from evidence_kit.core.vault.reading import ItemReader
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf


def png_bytes(w: int = 32, h: int = 24, color: str = "red") -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (w, h), color).save(buf, "PNG")
    return buf.getvalue()


def test_round_trip_file_and_bytes(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("학생 A")
    f = tmp_path / "evidence.bin"
    data = os.urandom(300_000)
    f.write_bytes(data)
    res = vault.add_file(case.id, f)
    assert not res.duplicate
    item = res.item
    assert item.exhibit == 1
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.md5 == hashlib.md5(data).hexdigest()
    assert item.sha1 == hashlib.sha1(data).hexdigest()
    assert item.size == len(data)
    assert b"".join(vault.iter_plaintext(item.id)) == data

    shot = png_bytes()
    res2 = vault.add_bytes(case.id, shot, ItemInput(name="capture.png", method="paste"))
    assert res2.item.exhibit == 2
    assert res2.item.media_type == "image/png"
    assert res2.item.image["width"] == 32
    assert vault.read_item_bytes(res2.item.id) == shot
    actions = [e.action for e in vault.events(item_id=res2.item.id)]
    assert actions == ["import", "view"]
    assert vault.verify().ok


def test_reopen_and_wrong_passphrase(tmp_path: Path) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("c")
    v.add_bytes(case.id, b"hello", ItemInput(name="a.txt", method="paste"))
    v.lock()
    with pytest.raises(WrongPassphraseError) as ei:
        Vault.unlock(path, "not the passphrase at all")
    assert "암호" in ei.value.message("ko") and "passphrase" in ei.value.message("en")
    v2 = Vault.unlock(path, PASSPHRASE)
    try:
        assert [c.name for c in v2.list_cases()] == ["c"]
        assert v2.alerts == []
        with pytest.raises(VaultBusyError):
            Vault.unlock(path, PASSPHRASE)
    finally:
        v2.lock()


def test_missing_and_existing_vault(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFoundError):
        Vault.unlock(tmp_path / "nothing", PASSPHRASE)
    v = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
    v.lock()
    with pytest.raises(VaultExistsError):
        Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
    with pytest.raises(WeakPassphraseError):
        Vault.create(tmp_path / "w", "short", kdf=fast_kdf())


def test_change_passphrase_rewraps_headers_only(tmp_path: Path) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("c")
    item = v.add_bytes(case.id, b"x" * 1000, ItemInput(name="a", method="paste")).item
    blobs_before = {p: p.read_bytes() for p in path.glob("blobs/*/*.age")}
    with pytest.raises(WrongPassphraseError):
        v.change_passphrase("wrong passphrase!!", "a brand new passphrase", kdf=fast_kdf())
    v.change_passphrase(PASSPHRASE, "a brand new passphrase", kdf=fast_kdf())
    v.lock()
    # A new master key (issue 15): each header is re-wrapped, each payload untouched.
    for p, before in blobs_before.items():
        after = p.read_bytes()
        cut = before.index(b"\n---") + 49  # header end: "\n--- " + 43-char MAC + "\n"
        assert after[:cut] != before[:cut] and after[cut:] == before[cut:] and len(after) == len(before)
    with pytest.raises(WrongPassphraseError):
        Vault.unlock(path, PASSPHRASE)
    v2 = Vault.unlock(path, "a brand new passphrase")
    try:
        assert b"".join(v2.iter_plaintext(item.id)) == b"x" * 1000
        assert "rekey" in [e.action for e in v2.events()]
        assert v2.verify().ok
    finally:
        v2.lock()


def test_recovery_key(tmp_path: Path) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    key = v.add_recovery_key()
    v.lock()
    with pytest.raises(WrongPassphraseError):
        Vault.unlock_with_recovery_key(path, key[:-1] + ("A" if key[-1] != "A" else "B"))
    v2 = Vault.unlock_with_recovery_key(path, key.lower().replace("-", " "))
    v2.lock()


def test_duplicate_detected_not_stored_twice(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("c")
    other = vault.create_case("d")
    a = vault.add_bytes(case.id, b"same bytes", ItemInput(name="a", method="paste"))
    b = vault.add_bytes(case.id, b"same bytes", ItemInput(name="b", method="paste"))
    assert b.duplicate and b.item.id == a.item.id
    assert len(vault.list_items(case.id)) == 1
    assert len(list(vault.path.glob("blobs/*/*.age"))) == 1
    assert "duplicate" in [e.action for e in vault.events(item_id=a.item.id)]
    # another case is another student: the same file is evidence there too
    c = vault.add_bytes(other.id, b"same bytes", ItemInput(name="a", method="paste"))
    assert not c.duplicate and c.item.exhibit == 1


ODD_NAMES = [
    "한글 파일.png",
    "\u1112\u1161\u11ab\u1100\u1173\u11af.txt",  # NFD Hangul
    "evil\u202egnp.exe",  # RTL override
    "tab\tand newline\n.txt",
    "emoji 😀.jpg",
    "a" * 250,
    "<para>&amp;<b>.txt",
    "back\\slash.txt",
    " leading and trailing ",
    "zero\u200bwidth.txt",
]


def test_folder_import_odd_names_and_links(service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "src" / "chat export"
    (src / "sub").mkdir(parents=True)
    for i, name in enumerate(ODD_NAMES):
        (src / "sub" / name).write_bytes(f"file {i}".encode())
    (src / "link").symlink_to("/etc/passwd")
    (src / "dirlink").symlink_to("/etc")
    os.mkfifo(src / "fifo")
    case = service.create_case("c")
    summary = service.import_paths(case.id, [src], Source(platform="Telegram"))
    assert len(summary.added) == len(ODD_NAMES)
    names = sorted(i.original_name for i in service.items(case.id))
    assert names == sorted(ODD_NAMES)
    skipped = sorted(Path(p.path).name for p in summary.problems)
    assert skipped == ["dirlink", "fifo", "link"]
    assert all(isinstance(p.error, InputError) for p in summary.problems)
    assert all(i.source.platform == "Telegram" for i in service.items(case.id))
    assert service.vault.verify().ok


def _bomb_png() -> bytes:
    # A 30000x30000 PNG whose compressed data is tiny: a decompression bomb.
    raw = zlib.compress(b"\x00" * (30000 * 3 + 1) * 10, 9)

    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))

    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def _hostile_jpeg() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 16), "blue").save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    # An APP1 EXIF segment with garbage offsets and a huge IFD count.
    exif = b"Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08\xff\xff" + os.urandom(64)
    seg = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    return bytes(data[:2] + seg + data[2:])


def test_hostile_images_import_with_metadata_unavailable(vault: Vault) -> None:
    case = vault.create_case("c")
    good = png_bytes()
    hostile = {
        "truncated.png": good[: len(good) // 2],
        "bomb.png": _bomb_png(),
        "garbage.jpg": b"\xff\xd8\xff" + os.urandom(5000),
        "hostile-exif.jpg": _hostile_jpeg(),
        "empty.png": b"",
    }
    for name, data in hostile.items():
        res = vault.add_bytes(case.id, data, ItemInput(name=name, method="paste"))
        assert res.item.sha256 == hashlib.sha256(data).hexdigest(), name
    items = {i.original_name: i for i in vault.list_items(case.id)}
    assert items["bomb.png"].image == {}
    assert "unavailable" in items["bomb.png"].metadata_note
    assert "unavailable" in items["garbage.jpg"].metadata_note
    assert vault.verify().ok


def test_missing_file_is_a_clear_error(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("c")
    with pytest.raises(InputError) as ei:
        vault.add_file(case.id, tmp_path / "nope.png")
    assert "찾을 수 없습니다" in ei.value.message("ko")


def test_edit_source_is_logged(vault: Vault) -> None:
    case = vault.create_case("c")
    item = vault.add_bytes(
        case.id, b"abc", ItemInput(name="a", method="paste", source=Source(url="https://a"))
    ).item
    vault.update_source(item.id, Source(url="https://b", platform="KakaoTalk"))
    ev = vault.events(item_id=item.id)[-1]
    assert ev.action == "edit"
    assert ev.data["changes"]["url"] == {"old": "https://a", "new": "https://b"}
    assert vault.get_item(item.id).source.platform == "KakaoTalk"
    assert vault.verify().ok


def test_counselor_cases_default_to_record_only(tmp_path: Path) -> None:
    v = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf(), role="counselor")
    try:
        assert v.create_case("student").policy == "record_only"
        assert v.create_case("x", policy="keep_originals").policy == "keep_originals"
    finally:
        v.lock()


def test_kdf_bounds_and_calibration(tmp_path: Path) -> None:
    p = calibrate_kdf(target_seconds=0.3)
    assert p.memory_kib >= KDF_FLOOR_MEMORY_KIB
    with pytest.raises(VaultFormatError):
        KdfParams(4 * 1024 * 1024 * 1024, 2, 4, b"0" * 16).check_bounds()
    with pytest.raises(VaultFormatError):
        KdfParams(1024, 1, 1, b"0" * 16).check_bounds()
    # A vault file claiming absurd parameters is refused before any memory is spent.
    path = tmp_path / "v"
    Vault.create(path, PASSPHRASE, kdf=fast_kdf()).lock()
    obj = json.loads((path / "vault.json").read_bytes())
    obj["body"]["slots"][0]["kdf"]["memory_kib"] = 1 << 40
    (path / "vault.json").write_bytes(canonical_json(obj) + b"\n")
    with pytest.raises(VaultFormatError):
        Vault.unlock(path, PASSPHRASE)


def test_vault_file_edits_detected(tmp_path: Path) -> None:
    path = tmp_path / "v"
    Vault.create(path, PASSPHRASE, kdf=fast_kdf()).lock()
    original = (path / "vault.json").read_bytes()
    obj = json.loads(original)
    obj["body"]["public"]["age_recipient"] = "age1" + "q" * 58
    (path / "vault.json").write_bytes(canonical_json(obj) + b"\n")
    with pytest.raises(IntegrityError):
        Vault.unlock(path, PASSPHRASE)
    (path / "vault.json").write_bytes(original.replace(b'{"body"', b'{ "body"'))
    with pytest.raises(VaultFormatError):
        Vault.unlock(path, PASSPHRASE)


def closed_vault_with_one_item(path: Path) -> Keyring:
    """A locked vault with one small item; its keys, to reopen without the slow KDF."""
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("c")
    v.add_bytes(case.id, b"kept", ItemInput(name="a", method="paste"))
    v.lock()
    return v.keys


def test_crash_leftovers_recovered(tmp_path: Path) -> None:
    path = tmp_path / "v"
    keys = closed_vault_with_one_item(path)
    # What a crash can leave: staging ciphertext, a renamed blob whose record never committed.
    (path / "staging" / "x.part").write_bytes(b"partial ciphertext")
    (path / "blobs" / "ff").mkdir(exist_ok=True)
    (path / "blobs" / "ff" / "ff00.age").write_bytes(b"orphan")
    v2 = Vault.open_with_keyring(path, keys)
    try:
        assert not list((path / "staging").iterdir())
        assert (path / "quarantine" / "ff00.age").exists()
        recover = [e for e in v2.events() if e.action == "recover"]
        assert any(e.data.get("quarantined") == "ff00.age" for e in recover)
        assert v2.verify().ok
    finally:
        v2.lock()


def test_missing_blob_is_loud(tmp_path: Path) -> None:
    path = tmp_path / "v"
    keys = closed_vault_with_one_item(path)
    next(path.glob("blobs/*/*.age")).unlink()
    v2 = Vault.open_with_keyring(path, keys)
    try:
        res = v2.verify()
        assert not res.ok
        assert any("missing" in p for p in res.problems)
        assert "integrity-alert" in [e.action for e in v2.events()]
    finally:
        v2.lock()


def test_export_file_exact_copy(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("c")
    data = os.urandom(200_000)
    item = vault.add_bytes(case.id, data, ItemInput(name="a", method="paste")).item
    out = tmp_path / "out.bin"
    vault.export_file(item.id, out)
    assert out.read_bytes() == data
    with pytest.raises(InputError):
        vault.export_file(item.id, out)
    assert vault.events(item_id=item.id)[-1].action == "export-file"


def test_every_size_gets_all_three_hashes_in_one_pass(
    vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MD5 and SHA-1 come from the same pass as SHA-256 and the encryption, whatever the
    size: no deferred pass, nothing decrypted again after the save."""
    from evidence_kit.core.evidence import ingest as ingest_mod
    from evidence_kit.core.service import EvidenceService

    monkeypatch.setattr(ingest_mod, "BLOCK", 64 * 1024)  # many blocks through the three lanes
    data = os.urandom(3 * 1024 * 1024 + 7)
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    case = vault.create_case("c")

    def no_second_read(*_a: object, **_k: object) -> None:
        raise AssertionError("the sealed copy was read back")

    monkeypatch.setattr(ItemReader, "iter_plaintext", no_second_read)
    svc = EvidenceService(vault.path)
    svc._vault = vault
    assert svc.import_paths(case.id, [f.with_name("missing.bin")], None).problems  # reported, not raised
    item = svc.import_paths(case.id, [f]).added[0]
    assert item.sha256 == hashlib.sha256(data).hexdigest()
    assert item.md5 == hashlib.md5(data).hexdigest()
    assert item.sha1 == hashlib.sha1(data).hexdigest()
    assert [e.action for e in vault.events(item_id=item.id)] == ["import"]
    # The hashes are in the import event itself, the one that says "saved".
    assert vault.events(item_id=item.id)[0].data["md5"] == item.md5
    # Items saved by older versions (MD5/SHA-1 deferred) are still completed on demand.
    monkeypatch.undo()
    old = vault.add_bytes(case.id, data + b"!", ItemInput(name="old", method="paste")).item
    old.md5 = old.sha1 = None
    with vault._write():
        vault._update_item(old)
    done = vault.complete_legacy_hashes(old.id)
    assert done.md5 == hashlib.md5(data + b"!").hexdigest()
    assert vault.events(item_id=old.id)[-1].action == "hash"


def test_cancel_leaves_nothing(vault: Vault, tmp_path: Path) -> None:
    from evidence_kit.core.common.errors import CancelledError

    case = vault.create_case("c")
    f = tmp_path / "big.bin"
    f.write_bytes(os.urandom(5 * 1024 * 1024))
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(CancelledError):
        vault.add_file(case.id, f, cancel=cancel)
    assert vault.list_items(case.id) == []
    assert not list((vault.path / "staging").iterdir())
    assert not list(vault.path.glob("blobs/*/*.age"))
    assert vault.verify().ok


def test_schema_migration_on_open_is_not_tampering(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from evidence_kit.core.vault import metastore as vault_mod

    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    keys = v.keys
    v.lock()
    future = max(vault_mod.MIGRATIONS) + 1  # the next free number: a real upgrade runs
    monkeypatch.setitem(vault_mod.MIGRATIONS, future, "CREATE TABLE future_feature (x INTEGER);")
    v2 = Vault.open_with_keyring(path, keys)
    try:
        assert v2.alerts == []
        assert v2._conn.execute("PRAGMA user_version").fetchone()[0] == future
    finally:
        v2.lock()
    v3 = Vault.open_with_keyring(path, keys)
    try:
        assert v3.alerts == []
        assert v3.verify().ok
    finally:
        v3.lock()


def test_suspect_database_never_moves_evidence(tmp_path: Path) -> None:
    path = tmp_path / "v"
    keys = closed_vault_with_one_item(path)
    (path / "blobs" / "ff").mkdir(exist_ok=True)
    (path / "blobs" / "ff" / "ff00.age").write_bytes(b"looks orphaned")
    (path / "meta.seal").write_bytes(b'{"body":{"state":"clean"},"mac":"00"}')  # altered seal
    v2 = Vault.open_with_keyring(path, keys)
    try:
        assert (path / "blobs" / "ff" / "ff00.age").exists()
        assert any("has no record" in a for a in v2.alerts)
        assert not v2.verify().ok
    finally:
        v2.lock()
