"""Shared fixtures. Qt runs offscreen unless a test starts its own X server."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from evidence_kit.core.keys import KdfParams, floor_params  # noqa: E402
from evidence_kit.core.service import EvidenceService  # noqa: E402
from evidence_kit.core.vault import Vault  # noqa: E402

PASSPHRASE = "correct horse battery staple"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def fast_kdf() -> KdfParams:
    """The safe floor (m=64 MiB, t=3): the cheapest parameters a vault may have."""
    return floor_params()


@pytest.fixture
def vault(tmp_path: Path) -> Iterator[Vault]:
    v = Vault.create(tmp_path / "vault", PASSPHRASE, kdf=fast_kdf())
    try:
        yield v
    finally:
        v.lock()


@pytest.fixture
def service(tmp_path: Path) -> Iterator[EvidenceService]:
    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    try:
        yield svc
    finally:
        svc.lock()
