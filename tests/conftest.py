"""Shared fixtures. Qt runs offscreen unless a test starts its own X server."""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Leak canary: every test runs with home, config, cache, data and temp folders inside one
# session folder. Test evidence carries CANARY (in its bytes and sometimes its name); at
# the end the whole session folder (except the user's own source folders, "canary-src")
# and any file written to the real temp folder during the run are scanned for it.
CANARY = b"EK-CANARY-7f3a9c1e"
_REAL_TMP = Path(tempfile.gettempdir())
SESSION_ROOT = Path(tempfile.mkdtemp(prefix="ek-tests-"))
_SESSION_START = time.time()
for _var, _sub in (
    ("HOME", "home"),
    ("XDG_CONFIG_HOME", "home/.config"),
    ("XDG_CACHE_HOME", "home/.cache"),
    ("XDG_DATA_HOME", "home/.local/share"),
    ("XDG_RUNTIME_DIR", "runtime"),
    ("TMPDIR", "tmp"),
):
    (SESSION_ROOT / _sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    os.environ[_var] = str(SESSION_ROOT / _sub)
os.environ.pop("EVIDENCE_KIT_VAULT", None)
os.environ.pop("EVIDENCE_KIT_PASSPHRASE", None)
tempfile.tempdir = None


def canary_hits(
    root: Path, *, since: float | None = None, skip: tuple[str, ...] = ("canary-src",)
) -> list[str]:
    """Files under ``root`` whose bytes or name contain the canary."""
    hits: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = [d for d in dirnames if d not in skip]
        for name in filenames + [d for d in dirnames if CANARY.decode() in d]:
            p = Path(dirpath) / name
            if CANARY.decode() in name:
                hits.append(str(p))
                continue
            try:
                st = p.lstat()
                if not p.is_file() or p.is_symlink() or st.st_size > 512 * 1024 * 1024:
                    continue
                if since is not None and st.st_mtime < since:
                    continue
                with p.open("rb") as f:
                    tail = b""
                    while block := f.read(1 << 20):
                        if CANARY in tail + block:
                            hits.append(str(p))
                            break
                        tail = block[-len(CANARY) :]
            except OSError:
                continue
    return hits


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    # "canary-src": the user's own files; "user-output": where a user chose to export.
    hits = canary_hits(SESSION_ROOT, skip=("canary-src", "user-output"))
    hits += [
        h
        for h in canary_hits(
            _REAL_TMP, since=_SESSION_START, skip=("canary-src", "user-output", SESSION_ROOT.name)
        )
        if "/bash_jobs" not in h
    ]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if hits:
        if reporter:
            reporter.write_line(
                f"LEAK CANARY: plaintext evidence found outside the vault: {hits[:20]}", red=True
            )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    else:
        if reporter:
            reporter.write_line(
                f"leak canary: 0 hits in {SESSION_ROOT} (home, config, cache, temp) and {_REAL_TMP}"
            )
        import shutil

        shutil.rmtree(SESSION_ROOT, ignore_errors=True)


from evidence_kit.core.crypto.keys import KdfParams, floor_params  # noqa: E402
from evidence_kit.core.service import EvidenceService  # noqa: E402
from evidence_kit.core.vault.vault import Vault  # noqa: E402

PASSPHRASE = "correct horse battery staple"
SHARED = Path(__file__).resolve().parents[2] / "shared"


def fast_kdf() -> KdfParams:
    """The safe floor (m=64 MiB, t=3): the cheapest parameters a vault may have."""
    return floor_params()


@pytest.fixture(autouse=True)
def _own_vault_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test remembers vault heads in its own folder (rollback detection, issue 15)."""
    monkeypatch.setenv("EVIDENCE_KIT_STATE_DIR", str(tmp_path_factory.mktemp("ek-state")))


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
