"""Issue 20: the desktop app in portable mode writes nothing to the computer.

The CLI's portable session is checked in tests/test_backup_portable.py; this runs the real app
entry point (``evidence-kit-gui --portable``, Qt offscreen, fonts, settings, previews, the
worker thread, report and bundle) in a child process with a fresh HOME, TMPDIR and no XDG
variables, then compares both trees byte for byte. Qt and fontconfig would otherwise write
caches and settings under HOME; the control test shows that the comparison can fail.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import PASSPHRASE
from ..test_backup_portable import _png, _tree

pytestmark = pytest.mark.gui

CHILD = Path(__file__).with_name("portable_child.py")


def _env(home: Path, tmp: Path, stick: Path | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "EVIDENCE_KIT_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp), QT_QPA_PLATFORM="offscreen",
               EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)
    if stick is not None:
        env["EVIDENCE_KIT_PORTABLE_DIR"] = str(stick)
    return env


def _folders(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    home, tmp, stick, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "stick", tmp_path / "chosen"
    for d in (home / ".config", home / ".cache", home / ".local" / "share", tmp, stick, out):
        d.mkdir(parents=True)
    (home / ".bashrc").write_text("# the host's\n")
    (tmp / "someone-elses.txt").write_text("x")
    return home, tmp, stick, out


def _cli(env: dict[str, str], *args: str) -> None:
    r = subprocess.run([sys.executable, "-m", "evidence_kit.cli", "--lang", "en", *args], env=env,
                       capture_output=True, text=True, timeout=300, check=False)
    assert r.returncode == 0, (args, r.stdout, r.stderr)


def test_portable_app_session_writes_nothing_to_home_or_tmp(tmp_path: Path) -> None:
    home, tmp, stick, out = _folders(tmp_path)
    from PIL import Image

    (out / "first.png").write_bytes(_png())
    evidence = out / "picture.png"
    Image.new("RGB", (80, 60), (20, 90, 200)).save(evidence)
    env = _env(home, tmp, stick)
    _cli(env, "init")
    _cli(env, "case", "new", "사건 A")
    _cli(env, "add", str(out / "first.png"))
    before_home, before_tmp = _tree(home), _tree(tmp)
    r = subprocess.run([sys.executable, str(CHILD), str(evidence), str(out)], env=env, capture_output=True,
                       text=True, timeout=600, check=False)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert (out / "report.pdf").is_file() and (out / "bundle" / "SHA256SUMS").is_file()
    assert (stick / "settings" / "gui-settings.json").is_file()  # the setting went to the stick
    assert _tree(home) == before_home
    assert _tree(tmp) == before_tmp


def test_control_app_without_portable_writes_to_home(tmp_path: Path) -> None:
    """The comparison above can fail: the same app session without portable mode writes its
    settings (and Qt its caches) under HOME."""
    home, tmp, _stick, out = _folders(tmp_path)
    from PIL import Image

    evidence = out / "picture.png"
    Image.new("RGB", (80, 60), (20, 90, 200)).save(evidence)
    (out / "first.png").write_bytes(_png())
    env = _env(home, tmp, None)
    env["EVIDENCE_KIT_VAULT"] = str(tmp_path / "vault")
    env["EVIDENCE_KIT_STATE_DIR"] = str(tmp_path / "state")
    _cli(env, "init")
    _cli(env, "case", "new", "사건 A")
    _cli(env, "add", str(out / "first.png"))
    before_home = _tree(home)
    r = subprocess.run([sys.executable, str(CHILD), str(evidence), str(out), "--not-portable"], env=env,
                       capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert (out / "report.pdf").is_file()  # the same session ran to the end
    written = set(_tree(home)) - set(before_home)
    assert any("gui-settings.json" in p for p in written), written
