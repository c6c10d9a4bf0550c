"""Issue 15, attack 5: the old passphrase must stop working after a passphrase change.

The attack performed for real: keep a copy of vault.json, change the passphrase, add
evidence, then try the old vault.json + old passphrase. And the SIGKILL matrix: the change
killed after each named step, in a subprocess, must leave a vault that opens.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_kit.cli import main
from evidence_kit.core.common.errors import IntegrityError, WrongPassphraseError
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.crypto import age, age_stream
from evidence_kit.core.crypto.keys import Keyring, b64d, key_fingerprint
from evidence_kit.core.vault import rekey
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf

NEW = "a brand new passphrase 2"


def _header_end(data: bytes) -> int:
    return data.index(b"\n---") + 49


def _make(path: Path) -> tuple[Vault, list[str]]:
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("학생 A")
    ids = [
        v.add_bytes(case.id, os.urandom(n), ItemInput(name=f"{n}.bin", method="paste")).item.id
        for n in (10, 70_000, 200_000)
    ]
    v.checkpoint()
    return v, ids


def test_old_vault_file_and_passphrase_open_nothing(tmp_path: Path) -> None:
    path = tmp_path / "v"
    v, ids = _make(path)
    old_recovery = v.add_recovery_key()
    old_keys = v.keys
    old_vault_json = (path / "vault.json").read_bytes()  # what an abuser keeps
    blobs_before = {p: p.read_bytes() for p in path.glob("blobs/*/*.age")}

    res = v.change_passphrase(PASSPHRASE, NEW, kdf=fast_kdf())
    assert res.blobs_rewrapped == 3 and res.blobs_damaged == []
    assert res.old_key == key_fingerprint(old_keys.public_key_raw()) != res.new_key
    assert res.recovery_key and res.recovery_key != old_recovery
    later = v.add_bytes(v.list_cases()[0].id, b"added after the change", ItemInput(name="late.txt", method="paste"))
    assert v.verify().ok
    v.lock()

    # Payload bytes untouched, headers re-wrapped; no old key opens any blob.
    for p, before in blobs_before.items():
        after = p.read_bytes()
        assert after[_header_end(before) :] == before[_header_end(before) :]
    for p in path.glob("blobs/*/*.age"):
        with p.open("rb") as f, pytest.raises(age.AgeNoMatchError):
            age_stream.AgeReader(f, [old_keys.identity])
    # No sealed row opens with the old metadata key.
    conn = sqlite3.connect(path / "meta.sqlite")
    for seq, sealed in conn.execute("SELECT seq, sealed FROM custody_log"):
        with pytest.raises(IntegrityError):
            old_keys.open(sealed, f"custody_log\x00{seq}")
    conn.close()

    # The attack: old vault.json back in place, old passphrase typed.
    current = (path / "vault.json").read_bytes()
    (path / "vault.json").write_bytes(old_vault_json)
    with pytest.raises(IntegrityError) as e:
        Vault.unlock(path, PASSPHRASE)
    assert "예전 암호와 예전 키 파일로는" in e.value.message("ko")
    assert "old passphrase and old key file open nothing" in e.value.message("en")
    # Same with the seal of a crashed session: refused before anything is written with it.
    seal = (path / "meta.seal").read_bytes()
    body = {"state": "dirty", "log_size": 0}
    import hashlib
    import hmac

    from evidence_kit.core.common.canonical import canonical_json

    mac = hmac.new(old_keys.db_mac_key, canonical_json(body), hashlib.sha256).hexdigest()
    (path / "meta.seal").write_bytes(canonical_json({"body": body, "mac": mac}))
    db_before = (path / "meta.sqlite").read_bytes()
    with pytest.raises(IntegrityError):
        Vault.unlock(path, PASSPHRASE)
    assert (path / "meta.sqlite").read_bytes() == db_before
    (path / "meta.seal").write_bytes(seal)
    (path / "vault.json").write_bytes(current)

    with pytest.raises(WrongPassphraseError):
        Vault.unlock(path, PASSPHRASE)
    with pytest.raises(WrongPassphraseError):
        Vault.unlock_with_recovery_key(path, old_recovery)
    v = Vault.unlock_with_recovery_key(path, res.recovery_key)
    v.lock()
    v = Vault.unlock(path, NEW)
    try:
        assert v.alerts == []
        assert b"".join(v.iter_plaintext(later.item.id)) == b"added after the change"
        for i in ids:
            v.read_item_bytes(i, log_view=False)
        ev = next(e for e in v.events() if e.action == "rekey")
        assert ev.data["old_key"] == res.old_key and ev.data["new_key"] == res.new_key
        assert rekey.handover_problem(ev.data, v.vault_id) is None
        # The hand-over is signed by the OLD key: a forged one is caught by verify.
        forged = dict(ev.data, new_key="0" * 64)
        assert rekey.handover_problem(forged, v.vault_id) is not None
        assert v.verify().ok
        # Checkpoints stay valid under the new key (their bodies, which timestamps cover, unchanged).
        from evidence_kit.core.vault.custody import SignedHead, verify_head

        for size, body, sig in v._conn.execute("SELECT size, body, signature FROM checkpoints"):
            assert verify_head(SignedHead(bytes(body), bytes(sig)), v.keys.public_key_raw())
        assert b64d(v._body["public"]["previous_ed25519"][0]) == old_keys.public_key_raw()
    finally:
        v.lock()


def test_every_sealed_table_is_resealed(vault: Vault) -> None:
    tables = rekey.sealed_tables(vault._conn)
    assert tables and tables <= set(rekey._SEALED)


def test_dedup_still_works_after_rekey(tmp_path: Path) -> None:
    v = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
    case = v.create_case("c")
    v.add_bytes(case.id, b"same bytes", ItemInput(name="a", method="paste"))
    v.change_passphrase(PASSPHRASE, NEW, kdf=fast_kdf())
    try:
        assert v.add_bytes(case.id, b"same bytes", ItemInput(name="b", method="paste")).duplicate
    finally:
        v.lock()


def test_change_after_recovery_unlock_needs_no_old_passphrase(tmp_path: Path) -> None:
    v = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
    with pytest.raises(WrongPassphraseError):
        v.change_passphrase(None, NEW, kdf=fast_kdf())
    key = v.add_recovery_key()
    v.lock()
    v = Vault.unlock_with_recovery_key(tmp_path / "v", key)
    res = v.change_passphrase(None, NEW, kdf=fast_kdf())
    v.lock()
    assert res.recovery_key
    Vault.unlock(tmp_path / "v", NEW).lock()


_CHILD = """
import sys
from evidence_kit.core.crypto.keys import floor_params
from evidence_kit.core.vault.vault import Vault
v = Vault.unlock(sys.argv[1], sys.argv[2])
v.change_passphrase(sys.argv[2], sys.argv[3], kdf=floor_params())
v.lock()
"""


@pytest.mark.parametrize("step", rekey.STEPS)
def test_sigkill_at_each_step_leaves_a_vault_that_opens(
    tmp_path: Path, step: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "v"
    v, ids = _make(path)
    v.lock()
    env = dict(os.environ, **{rekey.KILL_ENV: step})
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), PASSPHRASE, NEW], env=env, capture_output=True, timeout=300
    )
    assert proc.returncode == -9, proc.stderr.decode()
    finished = step in ("vault-file", "done")
    assert (path / rekey.PENDING).exists() == (step != "done")

    # Never neither: the new passphrase always opens it; the old one until vault.json is new.
    tries = [(NEW, True), (PASSPHRASE, not finished)]
    for passphrase, should_open in tries:
        copy = tmp_path / f"copy-{passphrase[:3]}"
        shutil.copytree(path, copy)
        # Two copies of one vault are each other's "older copy": each gets its own memory.
        monkeypatch.setenv("EVIDENCE_KIT_STATE_DIR", str(tmp_path / f"state-{passphrase[:3]}"))
        if not should_open:
            with pytest.raises(WrongPassphraseError):
                Vault.unlock(copy, passphrase)
            continue
        v = Vault.unlock(copy, passphrase)
        try:
            assert v.alerts == []
            assert not (copy / rekey.PENDING).exists()
            for i in ids:
                assert len(v.read_item_bytes(i, log_view=False)) in (10, 70_000, 200_000)
            assert [e.action for e in v.events()].count("rekey") == 1
            assert v.verify().ok
        finally:
            v.lock()
        # Whichever passphrase finished it, from now on the new one opens it, the old one not.
        with pytest.raises(WrongPassphraseError):
            Vault.unlock(copy, PASSPHRASE)
        Vault.unlock(copy, NEW).lock()


def test_cli_passwd_says_what_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "v"
    v, _ = _make(path)
    v.add_recovery_key()
    v.lock()
    os.environ["EVIDENCE_KIT_PASSPHRASE"] = PASSPHRASE
    os.environ["EVIDENCE_KIT_NEW_PASSPHRASE"] = NEW
    try:
        capsys.readouterr()
        assert main(["--vault", str(path), "--lang", "ko", "passwd"]) == 0
        out = capsys.readouterr().out
        assert "새 마스터 키" in out and "증거 파일 3개" in out and "새 복구 키" in out
        os.environ["EVIDENCE_KIT_PASSPHRASE"] = NEW
        assert main(["--vault", str(path), "--lang", "en", "verify"]) == 0
    finally:
        del os.environ["EVIDENCE_KIT_PASSPHRASE"]
        del os.environ["EVIDENCE_KIT_NEW_PASSPHRASE"]


def test_keyring_of_old_master_differs_everywhere(tmp_path: Path) -> None:
    """The subkeys all come from the master key: a new master changes every one of them."""
    a, b = Keyring(os.urandom(32)), Keyring(os.urandom(32))
    assert a.meta_key != b.meta_key and a.index_key != b.index_key and a.db_mac_key != b.db_mac_key
    assert a.recipient != b.recipient and a.public_key_raw() != b.public_key_raw()


def test_bundle_exported_after_a_rekey_verifies_with_the_new_key(tmp_path: Path) -> None:
    """Checkpoints made before the change are re-signed; the log carries the hand-over."""
    from evidence_kit.core.documents import bundle
    from evidence_kit.core.documents.bundle_verify import verify_bundle

    path = tmp_path / "v"
    v, _ = _make(path)  # has a checkpoint signed by the old key
    res = v.change_passphrase(PASSPHRASE, NEW, kdf=fast_kdf())
    try:
        case = v.list_cases()[0]
        bundle.export_bundle(v, case.id, tmp_path / "bundle", kind="folder", lang="en")
    finally:
        v.lock()
    checked = verify_bundle(tmp_path / "bundle", signer=res.new_key[:32])
    assert checked.ok and checked.verdict == "pass", [p for p in checked.problems]
    assert not verify_bundle(tmp_path / "bundle", signer=res.old_key[:32]).ok
