"""Issue 20: portable mode leaves a fresh HOME and TMPDIR byte-for-byte unchanged.

A whole CLI session (init, case, add, report, export, backup) runs in a subprocess with
HOME, TMPDIR and the XDG folders pointing at fresh, empty-but-populated folders; the
portable folder is given by EVIDENCE_KIT_PORTABLE_DIR (a launcher's way; the marker file
and --portable use the program's own folder). Afterwards both trees are compared.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from evidence_kit.core.common import portable

from .conftest import PASSPHRASE


def _tree(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        out[rel] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


def _png() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


def test_portable_session_writes_nothing_to_home_or_tmp(tmp_path: Path) -> None:
    home, tmp, stick, out = tmp_path / "home", tmp_path / "tmp", tmp_path / "stick", tmp_path / "chosen"
    for d in (home / ".config", home / ".cache", tmp, stick, out):
        d.mkdir(parents=True)
    (home / ".bashrc").write_text("# the host's\n")
    (tmp / "someone-elses.txt").write_text("x")
    before_home, before_tmp = _tree(home), _tree(tmp)
    evidence = out / "picture.png"
    evidence.write_bytes(_png())
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "EVIDENCE_KIT_"))}
    env.update(HOME=str(home), TMPDIR=str(tmp), TEMP=str(tmp), TMP=str(tmp),
               EVIDENCE_KIT_PORTABLE_DIR=str(stick), EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)

    def ek(*args: str) -> None:
        r = subprocess.run([sys.executable, "-m", "evidence_kit.cli", "--lang", "en", *args], env=env,
                           capture_output=True, text=True, timeout=300, check=False)
        assert r.returncode == 0, (args, r.stdout, r.stderr)

    ek("init")
    ek("case", "new", "사건 A")
    ek("add", str(evidence))
    ek("report", str(out / "report.pdf"))
    ek("export", str(out / "bundle"))
    ek("backup", str(out / "usb-backup"))
    assert (stick / "vault" / "vault.json").exists()
    assert (stick / "state" / "vault-heads.json").exists()
    assert _tree(home) == before_home
    assert _tree(tmp) == before_tmp


def test_marker_file_and_flag(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    mp: pytest.MonkeyPatch = monkeypatch  # type: ignore[assignment]
    mp.delenv(portable.ENV, raising=False)
    mp.setattr(sys, "argv", [str(tmp_path / "evidence-kit")])
    assert portable.portable_root() is None
    assert portable.portable_root(True) == tmp_path
    (tmp_path / portable.MARKER).write_text("")
    assert portable.portable_root() == tmp_path


def test_control_without_portable_home_does_change(tmp_path: Path) -> None:
    """The check above can fail: without portable mode, init writes into HOME."""
    home = tmp_path / "home"
    home.mkdir()
    before = _tree(home)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "EVIDENCE_KIT_"))}
    env.update(HOME=str(home), EVIDENCE_KIT_PASSPHRASE=PASSPHRASE)
    r = subprocess.run([sys.executable, "-m", "evidence_kit.cli", "init"], env=env, capture_output=True,
                       timeout=300, check=False)
    assert r.returncode == 0
    assert _tree(home) != before
