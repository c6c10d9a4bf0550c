"""A user can get their evidence back with the stock `age` tool, even without this app."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.vault.vault import Vault

from .ttyhelp import run_on_tty

AGE = shutil.which("age")
pytestmark = pytest.mark.skipif(AGE is None, reason="Debian's age package is not installed")


def test_stock_age_decrypts_vault_blobs_with_exported_identity(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("c")
    payloads = [b"", b"small evidence", os.urandom(200 * 1024 + 3)]
    items = [vault.add_bytes(case.id, p, ItemInput(name=f"f{i}", method="paste")).item for i, p in enumerate(payloads)]
    out = tmp_path / "user-output"
    out.mkdir()
    vault.export_identity(out / "identity.age", "export passphrase 123", work_factor=12)
    assert "export-identity" in [e.action for e in vault.events()]
    # Step 1 (as the README tells a user): decrypt the identity with its passphrase.
    assert AGE is not None
    rc, _ = run_on_tty([AGE, "-d", "-o", str(out / "key.txt"), str(out / "identity.age")], b"export passphrase 123\n")
    assert rc == 0
    assert (out / "key.txt").read_text().strip().splitlines()[-1].startswith("AGE-SECRET-KEY-1")
    # Step 2: decrypt each evidence blob with stock age.
    for item, payload in zip(items, payloads, strict=True):
        blob = vault._item_blob(item.id)
        assert blob
        r = subprocess.run(
            [AGE, "-d", "-i", str(out / "key.txt"), str(vault.path / "blobs" / blob[:2] / blob)],
            capture_output=True,
            check=True,
        )
        assert r.stdout == payload


def test_stock_age_encrypted_to_vault_key_reads_back(vault: Vault, tmp_path: Path) -> None:
    from evidence_kit.core.crypto import age_stream

    data = os.urandom(70_000)
    r = subprocess.run([AGE, "-r", vault.keys.recipient], input=data, capture_output=True, check=True)
    assert age_stream.decrypt_bytes(r.stdout, [vault.keys.identity]) == data
