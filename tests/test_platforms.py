"""The platform layer (issue 21). Windows and macOS logic runs here against fakes of the
thin OS seams; the real ctypes/Quartz calls are written, not run here (docs/windows.md)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from evidence_kit.core import platforms
from evidence_kit.core.common.errors import VaultBusyError
from evidence_kit.core.platforms import macos, windows
from evidence_kit.core.platforms.linux import LinuxPlatform
from evidence_kit.core.vault.vault import Vault

from .conftest import PASSPHRASE, fast_kdf


@dataclass
class FakeWin:
    hwnd: int
    title: str
    pid: int
    path: str = r"C:\Program Files\Telegram Desktop\Telegram.exe"
    cls: str = "Qt51517QWindowIcon"
    visible: bool = True
    iconic: bool = False
    cloaked: bool = False
    tool: bool = False
    bounds: tuple[int, int, int, int] | None = (100, 50, 900, 650)
    dpi: int = 96
    vanishes: bool = False


@dataclass
class FakeWin32:
    wins: list[FakeWin]
    calls: list[str] = field(default_factory=list)

    def _w(self, h: int) -> FakeWin:
        w = next(x for x in self.wins if x.hwnd == h)
        if w.vanishes:
            raise OSError("invalid window handle")
        return w

    def enum_windows(self) -> list[int]:
        return [w.hwnd for w in self.wins]

    def is_visible(self, hwnd: int) -> bool:
        return self._w(hwnd).visible

    def is_iconic(self, hwnd: int) -> bool:
        return self._w(hwnd).iconic

    def is_cloaked(self, hwnd: int) -> bool:
        return self._w(hwnd).cloaked

    def is_tool_window(self, hwnd: int) -> bool:
        return self._w(hwnd).tool

    def title(self, hwnd: int) -> str:
        return self._w(hwnd).title

    def class_name(self, hwnd: int) -> str:
        return self._w(hwnd).cls

    def pid(self, hwnd: int) -> int:
        return self._w(hwnd).pid

    def image_path(self, pid: int) -> str:
        self.calls.append(f"image_path {pid}")
        return next(w.path for w in self.wins if w.pid == pid)

    def bounds(self, hwnd: int) -> tuple[int, int, int, int] | None:
        return self._w(hwnd).bounds

    def dpi(self, hwnd: int) -> int:
        return self._w(hwnd).dpi


def test_windows_listing_skips_cloaked_minimised_hidden_tool_untitled_and_own() -> None:
    own = 4242
    fake = FakeWin32([
        FakeWin(0x10, "텔레그램 — 단체방", 100),
        FakeWin(0x11, "Minimised chat", 101, iconic=True),
        FakeWin(0x12, "Other desktop", 102, cloaked=True),
        FakeWin(0x13, "hidden", 103, visible=False),
        FakeWin(0x14, "tooltip", 104, tool=True),
        FakeWin(0x15, "   ", 105),
        FakeWin(0x16, "Evidence Kit", own),
        FakeWin(0x17, "KakaoTalk", 106, path=r"C:\Program Files (x86)\Kakao\KakaoTalk\KakaoTalk.exe",
                cls="EVA_Window_Dblclk", bounds=(300, 300, 1500, 1800), dpi=144),
        FakeWin(0x18, "closed meanwhile", 107, vanishes=True),
        FakeWin(0x19, "zero size", 108, bounds=(10, 10, 10, 40)),
        FakeWin(0x1A, "protected", 109, path=""),
    ])
    got = windows.window_list(fake, own_pid=own)
    assert [w.id for w in got.windows] == [0x10, 0x17, 0x1A]
    tg, kakao, prot = got.windows
    assert tg.title == "텔레그램 — 단체방" and tg.process == "Telegram.exe" and tg.pid == 100
    assert tg.app == "Qt51517QWindowIcon"
    assert (tg.geometry.x, tg.geometry.y, tg.geometry.width, tg.geometry.height) == (100, 50, 800, 600)  # type: ignore[union-attr]
    # 150 % scaling: physical pixels back to logical.
    assert (kakao.geometry.x, kakao.geometry.y, kakao.geometry.width, kakao.geometry.height) == (200, 200, 800, 1000)  # type: ignore[union-attr]
    assert kakao.process == "KakaoTalk.exe"
    assert prot.process == ""  # an elevated process: listed without a name
    assert "image_path 4242" not in fake.calls  # our own window is dropped before any lookup


def test_windows_platform_list_windows_uses_the_seam_and_fsync_dir_is_a_no_op(tmp_path: Path) -> None:
    p = windows.WindowsPlatform(api=FakeWin32([FakeWin(1, "a", 5)]))
    assert p.list_windows(own_pid=1).windows[0].title == "a"
    p.fsync_dir(tmp_path / "does-not-exist")  # never opens a directory on Windows


@dataclass
class FakeDpi:
    v2: bool
    v1: bool = True
    calls: list[tuple[str, int]] = field(default_factory=list)

    def set_context(self, context: int) -> bool:
        self.calls.append(("context", context))
        return self.v2

    def set_awareness(self, value: int) -> bool:
        self.calls.append(("awareness", value))
        return self.v1


def test_dpi_awareness_prefers_per_monitor_v2() -> None:
    f = FakeDpi(v2=True)
    assert windows.set_dpi_awareness(f) and f.calls == [("context", -4)]
    f = FakeDpi(v2=False)
    assert windows.set_dpi_awareness(f) and f.calls == [("context", -4), ("awareness", 2)]
    assert not windows.set_dpi_awareness(FakeDpi(v2=False, v1=False))
    assert not windows.set_dpi_awareness(None)


def test_windows_data_dir_is_localappdata(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # platformdirs' Windows rules, run here with its environment-variable resolver in place
    # of SHGetKnownFolderPath (which gives the same folder on a real Windows).
    import platformdirs.windows as pw
    from platformdirs.windows import Windows

    monkeypatch.setattr(pw, "_RESOLVE_WIN_FOLDER", pw.get_win_folder_from_env_vars)
    monkeypatch.setenv("LOCALAPPDATA", r"C:\Users\지원\AppData\Local")
    monkeypatch.setenv("APPDATA", r"C:\Users\지원\AppData\Roaming")
    d = Windows("EvidenceKit", appauthor=False).user_data_dir
    assert d.replace("/", "\\") == r"C:\Users\지원\AppData\Local\EvidenceKit"


# ------------------------------------------------------------------ macOS


def test_macos_quartz_rows_parsed() -> None:
    rows = [
        {"kCGWindowLayer": 25, "kCGWindowOwnerName": "Dock", "kCGWindowOwnerPID": 50, "kCGWindowName": "Dock"},
        {"kCGWindowLayer": 0, "kCGWindowOwnerName": "Telegram", "kCGWindowOwnerPID": 60, "kCGWindowNumber": 7,
         "kCGWindowName": "단체방", "kCGWindowIsOnscreen": True,
         "kCGWindowBounds": {"X": 10, "Y": 20, "Width": 300, "Height": 400}},
        {"kCGWindowLayer": 0, "kCGWindowOwnerName": "Evidence Kit", "kCGWindowOwnerPID": 99, "kCGWindowNumber": 8,
         "kCGWindowName": "Evidence Kit", "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 5, "Height": 5}},
        {"kCGWindowLayer": 0, "kCGWindowOwnerName": "Safari", "kCGWindowOwnerPID": 61, "kCGWindowNumber": 9,
         "kCGWindowName": "", "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 5, "Height": 5}},
        {"kCGWindowLayer": 0, "kCGWindowOwnerPID": 62, "kCGWindowNumber": 10, "kCGWindowName": "odd",
         "kCGWindowBounds": "garbage"},
    ]
    got = macos.window_list(rows, own_pid=99)
    assert [(w.id, w.title, w.app, w.pid) for w in got.windows] == [(7, "단체방", "Telegram", 60), (10, "odd", "", 62)]
    g = got.windows[0].geometry
    assert g is not None and (g.x, g.y, g.width, g.height) == (10, 20, 300, 400)
    assert got.windows[1].geometry is None
    assert not got.permission_en


def test_macos_missing_screen_recording_permission_is_explained() -> None:
    rows = [{"kCGWindowLayer": 0, "kCGWindowOwnerName": n, "kCGWindowOwnerPID": i, "kCGWindowNumber": i,
             "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 50, "Height": 50}}
            for i, n in enumerate(["Safari", "KakaoTalk"], 1)]
    got = macos.window_list(rows, own_pid=99)
    assert got.windows == [] and got.supported
    assert "Screen Recording" in got.permission_en and "화면 기록" in got.permission_ko
    assert macos.MacPlatform(source=lambda: rows).list_windows(own_pid=99).permission_ko == macos.PERMISSION_KO


def test_macos_without_pyobjc_is_unsupported_not_an_error() -> None:
    if macos.quartz_source() is not None:
        pytest.skip("pyobjc is installed here")
    assert macos.MacPlatform().list_windows().supported is False


# ------------------------------------------------------------------ Linux: unchanged behaviour


def test_current_platform_here_is_linux_and_lists_no_native_windows() -> None:
    assert sys.platform.startswith("linux")
    assert isinstance(platforms.current(), LinuxPlatform)
    assert platforms.native_windows() == []
    assert not platforms.can_list_native_windows()
    assert isinstance(platforms.for_name("win32"), windows.WindowsPlatform)
    assert isinstance(platforms.for_name("darwin"), macos.MacPlatform)


def _hold_lock(path: str, ready: multiprocessing.synchronize.Event, done: multiprocessing.synchronize.Event) -> None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    LinuxPlatform().lock_exclusive(fd)
    ready.set()
    done.wait(30)
    os.close(fd)


def test_linux_lock_is_exclusive_across_processes(tmp_path: Path) -> None:
    ctx = multiprocessing.get_context("spawn")
    ready, done = ctx.Event(), ctx.Event()
    p = ctx.Process(target=_hold_lock, args=(str(tmp_path / "lock"), ready, done))
    p.start()
    try:
        assert ready.wait(30)
        fd = os.open(tmp_path / "lock", os.O_RDWR)
        with pytest.raises(OSError):
            LinuxPlatform().lock_exclusive(fd)
        os.close(fd)
    finally:
        done.set()
        p.join(30)
    fd = os.open(tmp_path / "lock", os.O_RDWR)
    LinuxPlatform().lock_exclusive(fd)  # free again once the holder exited
    os.close(fd)


def test_vault_lock_goes_through_the_layer(tmp_path: Path) -> None:
    v = Vault.create(tmp_path / "v", PASSPHRASE, kdf=fast_kdf())
    try:
        with pytest.raises(VaultBusyError):
            Vault._take_lock(tmp_path / "v")  # a second opener in this process (flock per open file)
    finally:
        v.lock()
    fd = Vault._take_lock(tmp_path / "v")
    os.close(fd)
