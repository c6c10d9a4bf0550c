"""The domain never imports Qt: every core module is imported in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import evidence_kit.core


def test_core_imports_no_qt() -> None:
    mods = [m.name for m in pkgutil.walk_packages(evidence_kit.core.__path__, "evidence_kit.core.")]
    assert len(mods) >= 40  # every module of every sub-package, not just the top level
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}: importlib.import_module(m)\n"
        "bad = sorted(k for k in sys.modules if k.startswith(('PySide6', 'PyQt', 'shiboken')))\n"
        "print(bad)\n"
        "raise SystemExit(1 if bad else 0)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
