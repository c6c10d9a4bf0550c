"""SIGKILL at random moments during import: nothing acknowledged is lost, the vault
opens and verifies, and no plaintext is left on disk."""

from __future__ import annotations

import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf
from .crash_child import CANARY

KILLS = int(os.environ.get("EK_CRASH_KILLS", "200"))


def scan_for(root: Path, needle: bytes) -> list[Path]:
    hits = []
    for p in root.rglob("*"):
        if p.is_file() and needle in p.read_bytes():
            hits.append(p)
    return hits


@pytest.mark.slow
def test_sigkill_during_import_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "vault"
    src = tmp_path / "canary-src"
    src.mkdir()
    v = Vault.create(path, PASSPHRASE, kdf=fast_kdf())
    v.create_case("crash")
    keys = v.keys
    v.lock()
    env = dict(
        os.environ, EK_TEST_MASTER=keys.master.hex(), PYTHONPATH=str(Path(__file__).resolve().parents[1])
    )
    rng = random.Random(int(os.environ.get("EK_CRASH_SEED", "11")))
    acked: set[str] = set()
    killed_mid_work = 0
    for i in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_child", str(path), str(src), str(i)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=Path(__file__).resolve().parents[1],
        )
        assert child.stdout is not None
        # Wait for the child to open the vault, then kill it somewhere in its work
        # (or, some of the time, during its start-up recovery).
        if rng.random() < 0.15:
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            line = child.stdout.readline()
            assert line.startswith(b"OPEN"), child.stderr.read() if child.stderr else line
            time.sleep(rng.uniform(0.0, 0.12))
        child.send_signal(signal.SIGKILL)
        out, err = child.communicate()
        lines = out.decode().splitlines()
        if "DONE" not in lines:
            killed_mid_work += 1
        # Only whole "ACK <sha256>" lines acknowledge an item (a kill can cut the last line short).
        acked |= {ln[4:] for ln in lines if re.fullmatch(r"ACK [0-9a-f]{64}", ln)}
        assert b"Traceback" not in err, err.decode()
        # Every acknowledged item is there and the vault opens (running its recovery).
        reopened = Vault.open_with_keyring(path, keys)
        try:
            assert reopened.alerts == [], reopened.alerts
            have = {it.sha256 for it in reopened.list_items(reopened.list_cases()[0].id)}
            assert acked <= have, f"lost after kill {i}: {acked - have}"
            assert reopened.log.verify() == []
            if i % 40 == 39:
                assert reopened.verify().ok
        finally:
            reopened.lock()
    assert killed_mid_work > KILLS * 0.6
    assert len(acked) > 0
    final = Vault.open_with_keyring(path, keys)
    try:
        res = final.verify()
        assert res.ok, res.problems
    finally:
        final.lock()
    assert not list((path / "staging").iterdir())
    assert scan_for(path, CANARY) == []
