"""The frozen app (PyInstaller, build.spec) builds and passes its self-check offscreen.

Takes a few minutes, so it runs only when asked: EVIDENCE_KIT_BUILD_TEST=1.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

pytestmark = [pytest.mark.gui, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(os.environ.get("EVIDENCE_KIT_BUILD_TEST") != "1", reason="set EVIDENCE_KIT_BUILD_TEST=1")
def test_frozen_app_builds_and_self_checks() -> None:
    pytest.importorskip("PyInstaller")
    r = subprocess.run(["bash", str(ROOT / "scripts" / "build.sh")], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-4000:]
    assert "self-check ok" in r.stdout
    assert (ROOT / "dist" / "EvidenceKit" / "evidence-kit-gui").exists()
    assert (ROOT / "dist" / "EvidenceKit" / "evidence-kit").exists()
