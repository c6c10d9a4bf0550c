"""Issue 20: verified, incremental backups; restore; FAT-like constraints; faults during backup."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from evidence_kit.cli import main
from evidence_kit.core.common.errors import InputError, IntegrityError, VaultExistsError
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.vault import backup as bk
from evidence_kit.core.vault.localstate import OlderVaultError
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf


def _make(path: Path, n: int = 3) -> tuple[Vault, str]:
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    for i in range(n):
        v.add_bytes(case.id, os.urandom(1000 + 50_000 * i), ItemInput(name=f"{i}.bin", method="paste"))
    return v, case.id


def _blobs(path: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((path / "blobs").glob("*/*.age"))}


def test_round_trip_byte_identical_and_opens_with_passphrase(tmp_path: Path) -> None:
    v, case_id = _make(tmp_path / "v")
    rec = v.add_recovery_key()
    res = bk.backup(v, tmp_path / "usb" / "backup")
    assert res.blobs_copied == 3 and res.items_verified == 3
    dest = tmp_path / "usb" / "backup"
    assert _blobs(dest) == _blobs(tmp_path / "v")
    assert bk.last_backup(v)["items"] == 3  # type: ignore[index]
    assert v.events()[-1].action == "backup"
    assert not bk.backup_is_stale(v)
    items = {i.sha256 for i in v.list_items(case_id)}
    v.lock()
    # The backup is a vault: same passphrase, or the recovery key; it verifies.
    with Vault.unlock(dest, PASSPHRASE) as b:
        assert {i.sha256 for i in b.list_items(case_id)} == items
        assert b.verify().ok
        assert b.alerts == []
    with Vault.unlock_with_recovery_key(dest, rec) as b:
        assert b.verify().ok
    # The original still opens without an "older copy" alert.
    with Vault.unlock(tmp_path / "v", PASSPHRASE) as again:
        assert again.older is None and again.alerts == []


def test_incremental_copies_only_new_blobs(tmp_path: Path) -> None:
    v, case_id = _make(tmp_path / "v")
    dest = tmp_path / "b"
    bk.backup(v, dest)
    before = {p.name: p.stat().st_mtime_ns for p in (dest / "blobs").glob("*/*.age")}
    v.add_bytes(case_id, os.urandom(5000), ItemInput(name="new.bin", method="paste"))
    assert bk.backup_is_stale(v)
    res = bk.backup(v, dest)
    assert res.blobs_copied == 1 and res.blobs_total == 4
    after = {p.name: p.stat().st_mtime_ns for p in (dest / "blobs").glob("*/*.age")}
    assert all(after[n] == t for n, t in before.items())  # untouched
    again = bk.backup(v, dest)
    assert again.blobs_copied == 0
    v.lock()
    with Vault.unlock(dest, PASSPHRASE) as b:
        assert len(b.list_items(case_id)) == 4 and b.verify().ok


def test_passphrase_change_recopies_rewrapped_headers(tmp_path: Path) -> None:
    v, _ = _make(tmp_path / "v")
    dest = tmp_path / "b"
    bk.backup(v, dest)
    v.change_passphrase(PASSPHRASE, "a brand new passphrase 2")
    res = bk.backup(v, dest)
    assert res.blobs_copied == 3
    v.lock()
    with Vault.unlock(dest, "a brand new passphrase 2") as b:
        assert b.verify().ok


def test_damaged_blob_in_backup_is_found_and_recopied(tmp_path: Path) -> None:
    v, _ = _make(tmp_path / "v")
    dest = tmp_path / "b"
    bk.backup(v, dest)
    victim = max((dest / "blobs").glob("*/*.age"), key=lambda p: p.stat().st_size)
    data = bytearray(victim.read_bytes())
    data[-10] ^= 1  # payload, not header: same size, same header
    victim.write_bytes(bytes(data))
    assert not bk.verify_copy(dest, v).ok
    # Same size and header, so an incremental run skips it, and verification must refuse
    # to call the backup complete.
    with pytest.raises(IntegrityError):
        bk.backup(v, dest)
    victim.unlink()
    assert bk.backup(v, dest).blobs_copied == 1


def test_refuses_other_vault_nonempty_and_inside(tmp_path: Path) -> None:
    v, _ = _make(tmp_path / "v", 1)
    other = Vault.create(tmp_path / "o", PASSPHRASE, kdf=fast_kdf())
    other.lock()
    with pytest.raises(VaultExistsError):
        bk.backup(v, tmp_path / "o")
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / "x.txt").write_text("x")
    with pytest.raises(VaultExistsError):
        bk.backup(v, tmp_path / "junk")
    with pytest.raises(InputError):
        bk.backup(v, tmp_path / "v" / "inside")


def test_fat_4gib_limit_is_refused_with_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    v, _ = _make(tmp_path / "v", 2)
    monkeypatch.setenv("EVIDENCE_KIT_ASSUME_FAT", "1")
    monkeypatch.setattr(bk, "FAT_LIMIT", 20_000)  # the 51,000-byte item stands in for a 4 GiB one
    with pytest.raises(bk.BackupTooLargeError) as e:
        bk.backup(v, tmp_path / "b")
    assert "FAT32" in e.value.message("en") and "FAT32" in e.value.message("ko")
    assert not (tmp_path / "b" / "vault.json").exists()


def test_no_chmod_destination(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    v, _ = _make(tmp_path / "v", 1)

    def no_chmod(*a: object, **k: object) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "chmod", no_chmod)
    assert bk.backup(v, tmp_path / "b").items_verified == 1


def test_case_insensitive_collision_is_refused(tmp_path: Path) -> None:
    v, _ = _make(tmp_path / "v", 1)
    name = v._conn.execute("SELECT blob FROM items").fetchone()[0]
    # Forge a second row naming the same blob in upper case (what a case-folding drive would merge).
    upper = name.upper().replace(".AGE", ".age")
    src = v.path / "blobs" / name[:2] / name
    (v.path / "blobs" / upper[:2]).mkdir(exist_ok=True)
    (v.path / "blobs" / upper[:2] / upper).write_bytes(src.read_bytes())
    orig = v._conn

    class Conn:
        def execute(self, sql: str, *a: object) -> object:
            if "DISTINCT blob" in sql:
                return [(name,), (upper,)]
            return orig.execute(sql, *a)

        def __getattr__(self, k: str) -> object:
            return getattr(orig, k)

    v._conn = Conn()  # type: ignore[assignment]
    try:
        with pytest.raises(IntegrityError, match="letter case"):
            bk.copy_vault(v, tmp_path / "b")
    finally:
        v._conn = orig


def test_restore_older_backup_needs_confirmation_and_is_logged(tmp_path: Path) -> None:
    v, case_id = _make(tmp_path / "v")
    dest = tmp_path / "b"
    bk.backup(v, dest)
    v.add_bytes(case_id, os.urandom(3000), ItemInput(name="later.bin", method="paste"))
    v.lock()
    older = Vault.unlock(dest, PASSPHRASE)
    try:
        assert older.older is not None
        with pytest.raises(OlderVaultError):
            bk.restore(older, tmp_path / "new")
        assert not (tmp_path / "new" / "vault.json").exists()
        res = bk.restore(older, tmp_path / "new", accept_older=True)
        assert res.items_verified == 3
    finally:
        older.lock(seal=False)
    with Vault.unlock(tmp_path / "new", PASSPHRASE) as r:
        assert r.older is None and r.alerts == []
        recover = [e for e in r.events() if e.action == "recover"]
        assert recover and "accepted_older_vault" in recover[-1].data
        assert r.verify().ok


def test_restore_current_backup_via_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    v, _ = _make(tmp_path / "v", 2)
    v.lock()
    monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
    assert main(["--vault", str(tmp_path / "v"), "backup", str(tmp_path / "b")]) == 0
    assert main(["--vault", str(tmp_path / "b"), "restore", str(tmp_path / "b"), str(tmp_path / "r")]) == 0
    assert main(["--vault", str(tmp_path / "r"), "verify"]) == 0


def test_interrupted_switch_rolls_forward(tmp_path: Path) -> None:
    v, case_id = _make(tmp_path / "v")
    dest = tmp_path / "b"
    bk.backup(v, dest)
    v.add_bytes(case_id, os.urandom(3000), ItemInput(name="later.bin", method="paste"))
    real_replace = os.replace
    calls = {"n": 0}

    def die_after_first_meta(src: object, dst: object) -> None:
        real_replace(src, dst)  # type: ignore[arg-type]
        if str(dst).endswith("meta.sqlite"):
            calls["n"] += 1
            raise KeyboardInterrupt  # stands in for a kill between the renames

    import evidence_kit.core.vault.backup as mod

    mod.os.replace = die_after_first_meta  # type: ignore[assignment]
    try:
        with pytest.raises(KeyboardInterrupt):
            bk.copy_vault(v, dest)
    finally:
        mod.os.replace = real_replace
    assert calls["n"] == 1
    assert (dest / "staging" / "next" / "READY").exists()
    assert bk.verify_copy(dest, v).ok  # finish_pending completed the switch first
    assert bk.verify_copy(dest, v).items_checked == 4


@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EIO])
def test_disk_full_during_blob_copy_says_nothing_lost(tmp_path: Path, err: int) -> None:
    v, case_id = _make(tmp_path / "v")
    dest = tmp_path / "b"
    bk.backup(v, dest)
    v.add_bytes(case_id, os.urandom(3000), ItemInput(name="later.bin", method="paste"))
    real_fsync = os.fsync

    def failing(fd: int) -> None:
        # Only the destination drive is full: the vault's own writes still work.
        if os.readlink(f"/proc/self/fd/{fd}").startswith(str(dest)):
            raise OSError(err, os.strerror(err))
        real_fsync(fd)

    import evidence_kit.core.vault.backup as mod

    mod.os.fsync = failing  # type: ignore[assignment]
    try:
        with pytest.raises(bk.DiskFullError) as e:
            bk.backup(v, dest)
    finally:
        mod.os.fsync = real_fsync
    assert "nothing was lost" in e.value.message("en")
    assert "잃지 않았습니다" in e.value.message("ko")
    assert list((dest / "staging").glob("**/*.part")) == []
    assert bk.verify_copy(dest, v).items_checked == 3  # the old backup, still good
    assert bk.backup(v, dest).items_verified == 4
