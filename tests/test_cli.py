"""The command line as a user or a script runs it: real processes, real exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evidence_kit.core.vault.vault import Vault

from .conftest import CANARY, PASSPHRASE, canary_hits, fast_kdf


def ek(
    vault: Path, *args: str, passphrase: str | None = PASSPHRASE, lang: str = "en"
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, EVIDENCE_KIT_VAULT=str(vault))
    env.pop("EVIDENCE_KIT_PASSPHRASE", None)
    if passphrase is not None:
        env["EVIDENCE_KIT_PASSPHRASE"] = passphrase
    return subprocess.run(
        [sys.executable, "-m", "evidence_kit", "--lang", lang, *args],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def cli_vault(tmp_path: Path) -> Path:
    # Created at the KDF floor so each command below unlocks in 0.2 s, not 1 s.
    v = tmp_path / "vault"
    Vault.create(v, PASSPHRASE, kdf=fast_kdf()).lock()
    return v


def test_init_creates_a_calibrated_vault(tmp_path: Path) -> None:
    v = tmp_path / "vault"
    r = ek(v, "init", lang="ko")
    assert r.returncode == 0, r.stderr
    assert "만들었습니다" in r.stdout
    kdf = json.loads((v / "vault.json").read_text())["body"]["slots"][0]["kdf"]
    assert kdf["alg"] == "argon2id" and kdf["memory_kib"] >= 64 * 1024
    assert ek(v, "init").returncode == 4


def test_full_cli_flow(cli_vault: Path, tmp_path: Path) -> None:
    src = tmp_path / "canary-src"
    (src / "folder").mkdir(parents=True)
    (src / "folder" / f"{CANARY.decode()} 사진.png").write_bytes(CANARY + b"\x89PNG not really" + CANARY)
    (src / "note.txt").write_bytes(CANARY + "메모".encode())
    assert ek(cli_vault, "case", "new", "학생 A").returncode == 0
    r = ek(
        cli_vault,
        "--json",
        "add",
        str(src / "folder"),
        str(src / "note.txt"),
        "--platform",
        "Telegram",
        "--url",
        "https://t.me/c/123",
        "--chatroom",
        "방",
        "--account",
        "@bad",
    )
    assert r.returncode == 0, r.stderr
    added = json.loads(r.stdout)["added"]
    assert [a["exhibit"] for a in added] == [1, 2]
    assert all(a["source"]["platform"] == "Telegram" for a in added)
    r = ek(cli_vault, "add", str(src / "note.txt"), lang="ko")
    assert r.returncode == 0 and "이미 있음" in r.stdout
    r = ek(cli_vault, "--json", "list")
    listed = json.loads(r.stdout)
    assert len(listed) == 2 and listed[0]["exhibit_label"] == "증 제1호증"
    r = ek(cli_vault, "edit", "2", "--url", "https://t.me/c/456")
    assert r.returncode == 0
    r = ek(cli_vault, "--json", "show", "2")
    shown = json.loads(r.stdout)
    assert shown["source"]["url"] == "https://t.me/c/456"
    assert [e["action"] for e in shown["events"]] == ["import", "duplicate", "edit"]
    out = tmp_path / "user-output"
    out.mkdir()
    r = ek(cli_vault, "export-file", "2", str(out / "copy.txt"))
    assert r.returncode == 0 and (out / "copy.txt").read_bytes() == CANARY + "메모".encode()
    r = ek(cli_vault, "verify")
    assert r.returncode == 0 and "no problems" in r.stdout
    r = ek(cli_vault, "verify", lang="ko")
    assert "이상 없음" in r.stdout
    r = ek(cli_vault, "--json", "log")
    log = json.loads(r.stdout)
    assert log["head"]["size"] == len(log["events"])
    # nothing readable left behind: the vault holds ciphertext only, temp/home/cache nothing
    assert canary_hits(cli_vault) == []
    assert canary_hits(Path(os.environ["HOME"])) == []
    assert canary_hits(Path(os.environ["TMPDIR"]), skip=("canary-src", "user-output")) == []


def test_exit_codes(cli_vault: Path, tmp_path: Path) -> None:
    r = ek(cli_vault, "unlock-check", passphrase="wrong passphrase here")
    assert r.returncode == 3 and "not correct" in r.stderr and "Traceback" not in r.stderr
    r = ek(cli_vault, "unlock-check", passphrase="wrong passphrase here", lang="ko")
    assert "암호가 맞지 않습니다" in r.stderr
    r = ek(tmp_path / "nowhere", "unlock-check")
    assert r.returncode == 4
    r = ek(cli_vault, "unlock-check", passphrase=None)
    assert r.returncode == 2  # no terminal, no passphrase given
    assert ek(cli_vault, "case", "new", "a").returncode == 0
    r = ek(cli_vault, "add", str(tmp_path / "missing.png"))
    assert r.returncode == 7 and "not found" in r.stderr
    r = ek(cli_vault, "show", "99")
    assert r.returncode == 9
    r = ek(cli_vault, "--json", "unlock-check", passphrase="wrong passphrase here")
    assert json.loads(r.stdout)["error"] == "WrongPassphraseError"


def test_tampered_vault_exit_code(cli_vault: Path, tmp_path: Path) -> None:
    src = tmp_path / "canary-src"
    src.mkdir()
    (src / "a.bin").write_bytes(os.urandom(1000))
    assert ek(cli_vault, "case", "new", "a").returncode == 0
    assert ek(cli_vault, "add", str(src / "a.bin")).returncode == 0
    blob = next(cli_vault.glob("blobs/*/*.age"))
    data = bytearray(blob.read_bytes())
    data[-5] ^= 0x40
    blob.write_bytes(bytes(data))
    r = ek(cli_vault, "verify")
    assert r.returncode == 6
    assert "FAILED" in r.stdout and "Exhibit 1" in r.stdout and "Traceback" not in r.stderr


def test_passwd_and_recovery_key(cli_vault: Path, tmp_path: Path) -> None:
    env_new = tmp_path / "new.txt"
    env_new.write_text("another long passphrase\n")
    r = ek(cli_vault, "--new-passphrase-file", str(env_new), "passwd")
    assert r.returncode == 0, r.stderr
    assert ek(cli_vault, "unlock-check").returncode == 3
    assert ek(cli_vault, "unlock-check", passphrase="another long passphrase").returncode == 0
    r = ek(cli_vault, "--json", "recovery-key", passphrase="another long passphrase")
    assert r.returncode == 0 and len(json.loads(r.stdout)["recovery_key"]) > 50
