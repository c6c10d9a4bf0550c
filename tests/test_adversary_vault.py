"""Issue 15, vault half: the attacks performed for real, each must now fail loudly.

3. silent deletion through a hot rollback journal, and through a replayed dirty seal;
4. rollback: the vault folder replaced by an older copy of itself.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

from evidence_kit.cli import main
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.vault.alerts import Alert
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf

JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def _hot_journal(pages: bytes, page_size: int, *, sector: int = 512) -> bytes:
    """A SQLite rollback journal whose "rollback" turns any database into ``pages``.

    Format from https://www.sqlite.org/fileformat.html#the_rollback_journal: a header
    padded to one sector, then (page number, page image, checksum) records. The checksum
    is the header's nonce plus every 200th byte of the page, counted from the end.
    """
    n = len(pages) // page_size
    nonce = 0x5EED
    out = bytearray(JOURNAL_MAGIC + struct.pack(">IIIII", n, nonce, n, sector, page_size))
    out += bytes(sector - len(out))
    for pgno in range(1, n + 1):
        page = pages[(pgno - 1) * page_size : pgno * page_size]
        cksum = nonce
        i = page_size - 200
        while i > 0:
            cksum += page[i]
            i -= 200
        out += struct.pack(">I", pgno) + page + struct.pack(">I", cksum & 0xFFFFFFFF)
    return bytes(out)


def _vault_with_checkpoint(path: Path) -> tuple[Vault, list[str], int]:
    """Three items; a signed checkpoint after the first (the older head an attacker reuses)."""
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    ids = [v.add_bytes(case.id, os.urandom(500), ItemInput(name="first.png", method="paste")).item.id]
    cp_id, _ = v.checkpoint()
    for name in ("second.png", "third.png"):
        ids.append(v.add_bytes(case.id, os.urandom(500), ItemInput(name=name, method="paste")).item.id)
    return v, ids, cp_id


def _truncate_to_checkpoint(db: Path, cp_id: int, keep_items: list[str]) -> None:
    """No key needed: delete the newest items and log rows, put the checkpoint's signed
    head into log_head. Every remaining row still opens and the head still verifies."""
    conn = sqlite3.connect(db)
    size, body, sig = conn.execute("SELECT size, body, signature FROM checkpoints WHERE id = ?", (cp_id,)).fetchone()
    marks = ",".join("?" * len(keep_items))
    conn.execute(f"DELETE FROM items WHERE id NOT IN ({marks})", keep_items)
    conn.execute("DELETE FROM custody_log WHERE seq >= ?", (size,))
    conn.execute("DELETE FROM checkpoints WHERE size > ?", (size,))
    conn.execute("UPDATE log_head SET body = ?, signature = ? WHERE id = 1", (body, sig))
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def _cli(path: Path, *args: str, lang: str = "en") -> int:
    os.environ["EVIDENCE_KIT_PASSPHRASE"] = PASSPHRASE
    try:
        return main(["--vault", str(path), "--lang", lang, *args])
    finally:
        del os.environ["EVIDENCE_KIT_PASSPHRASE"]


def test_hot_journal_cannot_delete_evidence(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v"
    v, ids, cp_id = _vault_with_checkpoint(path)
    v.lock()
    work = tmp_path / "forge"
    shutil.copytree(path, work)
    _truncate_to_checkpoint(work / "meta.sqlite", cp_id, ids[:1])
    forged = (work / "meta.sqlite").read_bytes()
    page_size = struct.unpack(">H", forged[16:18])[0] or 65536
    journal = _hot_journal(forged, page_size)

    # The forged artefact is real: plain SQLite applies it and the newest items vanish.
    probe = tmp_path / "probe"
    shutil.copytree(path, probe)
    (probe / "meta.sqlite-journal").write_bytes(journal)
    conn = sqlite3.connect(probe / "meta.sqlite")
    assert conn.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 1
    conn.close()

    # The attack: the journal beside the untouched database and seal.
    (path / "meta.sqlite-journal").write_bytes(journal)
    v = Vault.unlock(path, PASSPHRASE)
    try:
        assert not (path / "meta.sqlite-journal").exists()
        assert [p.name for p in (path / "quarantine").iterdir() if p.name.startswith("meta.sqlite-journal")]
        case = v.list_cases()[0]
        assert len(v.list_items(case.id)) == 3  # nothing was deleted
        alert = next(a for a in v.alerts if "rollback journal" in a)
        assert isinstance(alert, Alert) and "롤백 저널" in alert.ko
        assert any(e.action == "integrity-alert" and "journal" in e.data["problem"] for e in v.events())
        assert not v.verify().ok
    finally:
        v.lock()
    # Set aside, the journal does not come back: the next open is clean, but the
    # recorded alert stays visible to verify as a warning.
    capsys.readouterr()
    assert _cli(path, "verify", lang="ko") == 0
    assert "롤백 저널" in capsys.readouterr().err


def test_hot_journal_reported_by_verify_in_both_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v"
    v, ids, cp_id = _vault_with_checkpoint(path)
    v.lock()
    work = tmp_path / "forge"
    shutil.copytree(path, work)
    _truncate_to_checkpoint(work / "meta.sqlite", cp_id, ids[:1])
    forged = (work / "meta.sqlite").read_bytes()
    page_size = struct.unpack(">H", forged[16:18])[0] or 65536
    (path / "meta.sqlite-journal").write_bytes(_hot_journal(forged, page_size))
    capsys.readouterr()
    assert _cli(path, "verify", lang="ko") == 6
    out = capsys.readouterr().out
    assert "롤백 저널" in out
    (path / "meta.sqlite-journal").write_bytes(_hot_journal(forged, page_size))
    assert _cli(path, "verify", lang="en") == 6
    assert "rollback journal" in capsys.readouterr().out


def test_replayed_dirty_seal_and_truncated_log_detected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    first = v.add_bytes(case.id, os.urandom(300), ItemInput(name="a.png", method="paste")).item.id
    cp_id, _ = v.checkpoint()
    # Mid-session, while the seal says "dirty": the attacker copies that seal file.
    v.set_setting("ui", {"x": 1})
    v._write_seal("dirty")
    old_dirty_seal = (path / "meta.seal").read_bytes()
    v.flush()
    v._dirty = False
    v.lock()
    v = Vault.unlock(path, PASSPHRASE)
    case = v.list_cases()[0]
    for name in ("b.png", "c.png"):
        v.add_bytes(case.id, os.urandom(300), ItemInput(name=name, method="paste"))
    v.lock()
    state = Path(os.environ["EVIDENCE_KIT_STATE_DIR"]) / "vault-heads.json"
    state.unlink()  # this computer's memory is not what catches it here

    _truncate_to_checkpoint(path / "meta.sqlite", cp_id, [first])
    (path / "meta.seal").write_bytes(old_dirty_seal)
    v = Vault.unlock(path, PASSPHRASE)
    try:
        replay = [a for a in v.alerts if "another session" in a]
        assert replay and isinstance(replay[0], Alert) and "예전 봉인" in replay[0].ko
        assert not v.verify().ok
    finally:
        v.lock()


def test_genuine_crash_dirty_seal_still_opens_clean(tmp_path: Path) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    v.add_bytes(case.id, b"x" * 300, ItemInput(name="a.png", method="paste"))
    v.lock()
    v = Vault.unlock(path, PASSPHRASE)
    v.add_bytes(v.list_cases()[0].id, b"y" * 300, ItemInput(name="b.png", method="paste"))
    # a crash: the process dies without the clean seal
    os.close(v._lock_fd or -1)
    v._lock_fd = None
    v._conn.close()
    v = Vault.unlock(path, PASSPHRASE)
    try:
        assert v.alerts == []
        assert v.verify().ok
    finally:
        v.lock()


def test_rollback_to_older_copy_detected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    v.add_bytes(case.id, os.urandom(300), ItemInput(name="a.png", method="paste"))
    v.lock()
    backup = tmp_path / "older-copy"
    shutil.copytree(path, backup)
    v = Vault.unlock(path, PASSPHRASE)
    v.add_bytes(v.list_cases()[0].id, os.urandom(300), ItemInput(name="newest.png", method="paste"))
    newer_size = v.log.size
    v.lock()

    shutil.rmtree(path)
    shutil.copytree(backup, path)  # the attack: the folder replaced by its older self
    capsys.readouterr()
    assert _cli(path, "unlock-check") == 6
    err = capsys.readouterr().err
    assert "older than the one last opened on this computer" in err and f"{newer_size} entries" in err
    assert _cli(path, "verify", lang="ko") == 6
    assert "마지막으로 연 보관함보다 오래된" in capsys.readouterr().out
    v = Vault.unlock(path, PASSPHRASE)
    try:
        assert v.older is not None and v.older.seen.size == newer_size
        assert not v.older.diverged  # grown by its own sessions since, still "older"
        assert not v.verify().ok
    finally:
        v.lock()

    # Restoring the backup on purpose: confirmed once, logged, then quiet.
    capsys.readouterr()
    assert _cli(path, "unlock-check", "--accept-older-vault") == 0
    said = capsys.readouterr()
    assert f"The copy last opened on this computer had {newer_size} log entries" in said.out + said.err
    assert _cli(path, "verify") == 0
    v = Vault.unlock(path, PASSPHRASE)
    try:
        accepted = [e for e in v.events() if e.action == "recover" and "accepted_older_vault" in e.data]
        assert len(accepted) == 1
        assert accepted[0].data["accepted_older_vault"]["last_seen"]["size"] == newer_size
    finally:
        v.lock()


def test_divergent_copy_with_longer_log_detected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An older copy grown past the last head seen is still not a continuation of it."""
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    v.create_case("학생 A")
    v.lock()
    backup = tmp_path / "older-copy"
    shutil.copytree(path, backup)
    v = Vault.unlock(path, PASSPHRASE)
    v.add_bytes(v.list_cases()[0].id, os.urandom(300), ItemInput(name="newest.png", method="paste"))
    v.lock()
    state = Path(os.environ["EVIDENCE_KIT_STATE_DIR"]) / "vault-heads.json"
    remembered = state.read_bytes()
    shutil.rmtree(path)
    shutil.copytree(backup, path)
    v = Vault.unlock(path, PASSPHRASE)  # grows the old copy (alert events, other actions)
    v.accept_older_vault()
    for i in range(4):
        v.create_case(f"other {i}")
    v.lock()
    state.write_bytes(remembered)  # back to what this computer had seen of the real vault
    v = Vault.unlock(path, PASSPHRASE)
    try:
        assert v.older is not None and v.older.diverged
        assert "does not continue" in v.alerts[0] and "이어지지 않습니다" in v.older.message("ko")
    finally:
        v.lock()
    capsys.readouterr()
    assert _cli(path, "unlock-check", "--accept-older-vault", lang="ko") == 0
    said = capsys.readouterr()
    assert "이 사본을 쓰기로 한 것을 확인했습니다" in said.out + said.err


def test_state_is_outside_the_vault_and_holds_no_evidence(tmp_path: Path) -> None:
    path = tmp_path / "v"
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("CANARY-case-name")
    v.add_bytes(case.id, b"secret bytes", ItemInput(name="secret-name.png", method="paste"))
    size, root = v.log.size, v.log.root().hex()
    v.lock()
    state = Path(os.environ["EVIDENCE_KIT_STATE_DIR"]) / "vault-heads.json"
    text = state.read_text()
    assert root in text and f'"size": {size}' in text
    assert "secret" not in text and "CANARY" not in text
    assert not str(state).startswith(str(path))
