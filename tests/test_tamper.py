"""Tampering: random bit flips across blobs, the database and the custody log, and
chunk-level attacks on blobs. Every one must be detected with a clear error."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from evidence_kit.core.common.canonical import canonical_json
from evidence_kit.core.common.errors import EvidenceKitError
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.crypto.keys import Keyring
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf

CHUNK = 64 * 1024
FLIPS_BLOBS = int(os.environ.get("EK_FLIPS_BLOBS", "4000"))
FLIPS_DB = int(os.environ.get("EK_FLIPS_DB", "4000"))
FLIPS_LOG = int(os.environ.get("EK_FLIPS_LOG", "2000"))


def make_vault(path: Path) -> tuple[Keyring, list[str]]:
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    ids = []
    for name, size in (("small.txt", 100), ("two-chunks.bin", CHUNK + 1000), ("three.bin", 3 * CHUNK)):
        ids.append(v.add_bytes(case.id, os.urandom(size), ItemInput(name=name, method="paste")).item.id)
    v.lock()
    return v.keys, ids


def detected(path: Path, keys: Keyring) -> bool:
    """Open and verify as a user would; True if the change was reported cleanly."""
    try:
        v = Vault.open_with_keyring(path, keys)
    except EvidenceKitError:
        return True
    try:
        return not v.verify().ok
    except EvidenceKitError:
        return True
    finally:
        v.lock()


def flip(data: bytes, rng: random.Random) -> tuple[bytes, int]:
    pos = rng.randrange(len(data))
    b = bytearray(data)
    b[pos] ^= 1 << rng.randrange(8)
    return bytes(b), pos


@pytest.mark.slow
def test_bit_flips_in_blobs_all_detected(tmp_path: Path) -> None:
    path = tmp_path / "v"
    keys, _ = make_vault(path)
    blobs = sorted(path.glob("blobs/*/*.age"))
    originals = {b: b.read_bytes() for b in blobs}
    rng = random.Random(1)
    v = Vault.open_with_keyring(path, keys)
    try:
        assert v.verify().ok
        missed = []
        for _ in range(FLIPS_BLOBS):
            target = rng.choice(blobs)
            data, pos = flip(originals[target], rng)
            target.write_bytes(data)
            try:
                res = v.verify()
                ok = not res.ok and all(isinstance(p, str) and p for p in res.problems)
            except EvidenceKitError:
                ok = True
            if not ok:
                missed.append((target.name, pos))
            target.write_bytes(originals[target])
        assert missed == []
        assert v.verify().ok
    finally:
        v.lock()


@pytest.mark.slow
def test_bit_flips_in_database_all_detected(tmp_path: Path) -> None:
    path = tmp_path / "v"
    keys, _ = make_vault(path)
    pristine = tmp_path / "pristine"
    shutil.copytree(path, pristine)
    db = (path / "meta.sqlite").read_bytes()
    rng = random.Random(2)
    missed = []
    for _ in range(FLIPS_DB):
        data, pos = flip(db, rng)
        (path / "meta.sqlite").write_bytes(data)
        if not detected(path, keys):
            missed.append(pos)
        shutil.rmtree(path)
        shutil.copytree(pristine, path)
    assert missed == []
    assert not detected(path, keys)


def _set_dirty_seal(path: Path, keys: Keyring) -> None:
    """What a crash leaves: the seal says "dirty", so the file MAC cannot be relied on
    and detection rests on the sealed rows and the signed log alone."""
    import hashlib
    import hmac

    from evidence_kit.core.common.canonical import parse_canonical

    # A genuine crash's dirty seal names the session the database records (issue 15).
    conn = sqlite3.connect(path / "meta.sqlite")
    row = conn.execute("SELECT sealed FROM settings WHERE key = 'seal-session'").fetchone()
    conn.close()
    nonce = parse_canonical(keys.open(row[0], "settings\x00seal-session"))["nonce"]
    body = {"state": "dirty", "log_size": 0, "nonce": nonce, "prev": None}
    mac = hmac.new(keys.db_mac_key, canonical_json(body), hashlib.sha256).hexdigest()
    (path / "meta.seal").write_bytes(canonical_json({"body": body, "mac": mac}))


@pytest.mark.slow
def test_bit_flips_in_custody_log_all_detected(tmp_path: Path) -> None:
    path = tmp_path / "v"
    keys, _ = make_vault(path)
    pristine = tmp_path / "pristine"
    shutil.copytree(path, pristine)
    conn = sqlite3.connect(pristine / "meta.sqlite")
    rows = conn.execute("SELECT seq, leaf, sealed FROM custody_log").fetchall()
    head = conn.execute("SELECT body, signature FROM log_head").fetchone()
    conn.close()
    targets = [("custody_log", "leaf", r[0], bytes(r[1])) for r in rows]
    targets += [("custody_log", "sealed", r[0], bytes(r[2])) for r in rows]
    targets += [("log_head", "body", 1, bytes(head[0])), ("log_head", "signature", 1, bytes(head[1]))]
    rng = random.Random(3)
    missed = []
    for _ in range(FLIPS_LOG):
        table, col, key, value = rng.choice(targets)
        data, pos = flip(value, rng)
        conn = sqlite3.connect(path / "meta.sqlite")
        keycol = "seq" if table == "custody_log" else "id"
        conn.execute(f"UPDATE {table} SET {col} = ? WHERE {keycol} = ?", (data, key))
        conn.commit()
        conn.close()
        _set_dirty_seal(path, keys)
        if not detected(path, keys):
            missed.append((table, col, key, pos))
        for name in ("meta.sqlite", "meta.seal"):
            shutil.copyfile(pristine / name, path / name)
        (path / "meta.sqlite-wal").unlink(missing_ok=True)
        (path / "meta.sqlite-shm").unlink(missing_ok=True)
    assert missed == []


def _blob_of(path: Path, keys: Keyring, item_id: str) -> Path:
    v = Vault.open_with_keyring(path, keys)
    try:
        name = v._item_blob(item_id)
    finally:
        v.lock()
    assert name
    return path / "blobs" / name[:2] / name


def _header_len(data: bytes) -> int:
    i = data.index(b"\n---")
    return data.index(b"\n", i + 1) + 1 + 16  # header, then the 16-byte payload nonce


@pytest.mark.parametrize(
    "attack", ["truncate", "drop-last", "reorder", "duplicate", "swap-items", "replay", "append"]
)
def test_chunk_attacks_detected(tmp_path: Path, attack: str) -> None:
    path = tmp_path / "v"
    keys, ids = make_vault(path)
    three = _blob_of(path, keys, ids[2])
    two = _blob_of(path, keys, ids[1])
    data = three.read_bytes()
    h = _header_len(data)
    size = CHUNK + 16
    chunks = [data[h + i : h + i + size] for i in range(0, len(data) - h, size)]
    assert len(chunks) == 3
    if attack == "truncate":
        three.write_bytes(data[:-100])
    elif attack == "drop-last":
        three.write_bytes(data[:h] + b"".join(chunks[:-1]))
    elif attack == "reorder":
        three.write_bytes(data[:h] + chunks[1] + chunks[0] + chunks[2])
    elif attack == "duplicate":
        three.write_bytes(data[:h] + chunks[0] + chunks[0] + chunks[2])
    elif attack == "swap-items":
        a, b = three.read_bytes(), two.read_bytes()
        three.write_bytes(b)
        two.write_bytes(a)
    elif attack == "replay":
        # an older, perfectly valid age file for the same vault put in place of another
        three.write_bytes(two.read_bytes())
    elif attack == "append":
        three.write_bytes(data + chunks[2])
    v = Vault.open_with_keyring(path, keys)
    try:
        res = v.verify()
        assert not res.ok
        assert any("Exhibit" in p for p in res.problems), res.problems
    finally:
        v.lock()
