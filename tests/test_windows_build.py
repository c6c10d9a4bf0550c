"""The Windows and macOS parts of build.spec that can be checked on Linux (issue 21)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def test_icons_exist_with_windows_and_mac_sizes() -> None:
    ico = Image.open(ROOT / "resources" / "icons" / "evidence-kit.ico")
    assert ico.format == "ICO"
    assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])
    ico.size = (256, 256)  # type: ignore[misc]
    big = ico.convert("RGBA")
    assert big.getpixel((0, 0))[3] == 0  # transparent corner
    assert big.getpixel((128, 40))[3] == 255  # the shield, opaque
    icns = Image.open(ROOT / "resources" / "icons" / "evidence-kit.icns")
    assert icns.format == "ICNS" and icns.size[0] >= 512


def test_windows_version_resource_parses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the spec's Windows block here and parse its version file with PyInstaller's own
    reader (the part that writes it into an .exe needs Windows)."""
    compat = pytest.importorskip("PyInstaller.compat")
    pytest.importorskip("pefile", reason="PyInstaller's versioninfo imports pefile (Windows build dependency)")
    if not hasattr(compat, "win32api"):
        monkeypatch.setattr(compat, "win32api", None, raising=False)
    from PyInstaller.utils.win32 import versioninfo

    from evidence_kit import __version__

    src = (ROOT / "build.spec").read_text(encoding="utf-8")
    block = src[src.index("WIN_EXE = {}") : src.index("gui_exe = EXE(")]
    assert 'if sys.platform == "win32":' in block
    ns: dict[str, object] = {"sys": sys, "ENTRY": tmp_path, "RES": ROOT / "resources"}
    exec(block.replace('if sys.platform == "win32":', "if True:"), ns)  # our own spec, guarded block only
    opts = ns["WIN_EXE"]
    assert isinstance(opts, dict) and Path(opts["icon"]).is_file()
    vi = versioninfo.load_version_info_from_text_file(str(tmp_path / "version.txt"))
    raw = vi.toRaw()
    assert __version__.encode("utf-16-le") in raw
    assert "디지털 성범죄".encode("utf-16-le") in raw
    major = int(__version__.split(".")[0])
    assert vi.ffi.fileVersionMS >> 16 == major


def test_linux_build_unchanged_blocks_are_guarded() -> None:
    src = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert 'if sys.platform == "darwin":' in src and "BUNDLE(" in src
    assert src.index('if sys.platform == "darwin":') < src.index("BUNDLE(")
    assert "NSScreenCaptureUsageDescription" in src
