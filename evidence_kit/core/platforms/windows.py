"""Windows: %LOCALAPPDATA% folders, msvcrt locks, no directory fsync, window listing and
DPI awareness through user32/dwmapi/kernel32 via ctypes.

Every OS call goes through :class:`Win32Api`; :class:`CtypesWin32` is the real one
(written, not run here: no Windows machine), tests pass a fake.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Protocol

from .base import Platform, WindowList
from .desktop import Rect, WindowInfo

log = logging.getLogger(__name__)

DWMWA_EXTENDED_FRAME_BOUNDS = 9
DWMWA_CLOAKED = 14
GWL_EXSTYLE = -20
WS_EX_TOOLWINDOW = 0x00000080
PROCESS_QUERY_LIMITED_INFORMATION = 0x1000
DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2 = -4
PROCESS_PER_MONITOR_DPI_AWARE = 2


class Win32Api(Protocol):
    """The few Win32 calls window listing needs, one method each."""

    def enum_windows(self) -> list[int]: ...  # EnumWindows, top-level, Z order
    def is_visible(self, hwnd: int) -> bool: ...  # IsWindowVisible
    def is_iconic(self, hwnd: int) -> bool: ...  # IsIconic (minimised)
    def is_cloaked(self, hwnd: int) -> bool: ...  # DwmGetWindowAttribute(DWMWA_CLOAKED)
    def is_tool_window(self, hwnd: int) -> bool: ...  # GetWindowLongW(GWL_EXSTYLE) & WS_EX_TOOLWINDOW
    def title(self, hwnd: int) -> str: ...  # GetWindowTextW
    def class_name(self, hwnd: int) -> str: ...  # GetClassNameW
    def pid(self, hwnd: int) -> int: ...  # GetWindowThreadProcessId
    def image_path(self, pid: int) -> str: ...  # OpenProcess + QueryFullProcessImageNameW
    def bounds(self, hwnd: int) -> tuple[int, int, int, int] | None: ...  # left, top, right, bottom (physical)
    def dpi(self, hwnd: int) -> int: ...  # GetDpiForWindow (96 = 100 %)


def window_list(api: Win32Api, own_pid: int | None = None) -> WindowList:
    """The windows a victim would want to capture: visible, not minimised, not cloaked
    (DWM hides windows on other virtual desktops and suspended UWP apps by cloaking),
    not tool windows, with a title, not ours. Geometry is in logical pixels."""
    own = os.getpid() if own_pid is None else own_pid
    out: list[WindowInfo] = []
    for hwnd in api.enum_windows():
        try:
            if not api.is_visible(hwnd) or api.is_iconic(hwnd) or api.is_cloaked(hwnd):
                continue
            if api.is_tool_window(hwnd):
                continue
            title = api.title(hwnd)
            if not title.strip():
                continue
            pid = api.pid(hwnd)
            if pid == own:
                continue
            path = api.image_path(pid) if pid else ""
            b = api.bounds(hwnd)
            geom: Rect | None = None
            if b is not None:
                scale = max(api.dpi(hwnd), 1) / 96.0
                left, top, right, bottom = b
                w, h = round((right - left) / scale), round((bottom - top) / scale)
                if w <= 0 or h <= 0:
                    continue
                geom = Rect(round(left / scale), round(top / scale), w, h)
            out.append(
                WindowInfo(
                    id=hwnd,
                    title=title,
                    app=api.class_name(hwnd),
                    process=Path(path.replace("\\", "/")).name if path else "",
                    pid=pid or None,
                    geometry=geom,
                )
            )
        except OSError:  # the window closed while we looked: skip it
            log.debug("window vanished during listing")
    return WindowList(out)


class CtypesWin32:
    """The real calls. Written against the Win32 documentation; not run here."""

    def __init__(self) -> None:
        import ctypes
        from ctypes import wintypes

        self.ct: Any = ctypes
        self.wt: Any = wintypes
        self.user32: Any = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        self.kernel32: Any = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        self.dwmapi: Any = ctypes.WinDLL("dwmapi")  # type: ignore[attr-defined]

    def enum_windows(self) -> list[int]:
        found: list[int] = []
        proto = self.ct.WINFUNCTYPE(self.wt.BOOL, self.wt.HWND, self.wt.LPARAM)

        def cb(hwnd: Any, _l: Any) -> bool:
            found.append(int(hwnd or 0))
            return True

        self.user32.EnumWindows(proto(cb), 0)
        return [h for h in found if h]

    def is_visible(self, hwnd: int) -> bool:
        return bool(self.user32.IsWindowVisible(self.wt.HWND(hwnd)))

    def is_iconic(self, hwnd: int) -> bool:
        return bool(self.user32.IsIconic(self.wt.HWND(hwnd)))

    def is_cloaked(self, hwnd: int) -> bool:
        v = self.wt.DWORD(0)
        hr = self.dwmapi.DwmGetWindowAttribute(
            self.wt.HWND(hwnd), DWMWA_CLOAKED, self.ct.byref(v), self.ct.sizeof(v)
        )
        return bool(hr == 0 and v.value != 0)

    def is_tool_window(self, hwnd: int) -> bool:
        return bool(self.user32.GetWindowLongW(self.wt.HWND(hwnd), GWL_EXSTYLE) & WS_EX_TOOLWINDOW)

    def title(self, hwnd: int) -> str:
        n = self.user32.GetWindowTextLengthW(self.wt.HWND(hwnd))
        buf = self.ct.create_unicode_buffer(min(max(n, 0), 4096) + 1)
        self.user32.GetWindowTextW(self.wt.HWND(hwnd), buf, len(buf))
        return str(buf.value)

    def class_name(self, hwnd: int) -> str:
        buf = self.ct.create_unicode_buffer(257)
        self.user32.GetClassNameW(self.wt.HWND(hwnd), buf, 257)
        return str(buf.value)

    def pid(self, hwnd: int) -> int:
        p = self.wt.DWORD(0)
        self.user32.GetWindowThreadProcessId(self.wt.HWND(hwnd), self.ct.byref(p))
        return int(p.value)

    def image_path(self, pid: int) -> str:
        h = self.kernel32.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, False, pid)
        if not h:
            return ""  # elevated or protected process: no name, still listed
        try:
            size = self.wt.DWORD(32768)
            buf = self.ct.create_unicode_buffer(size.value)
            if not self.kernel32.QueryFullProcessImageNameW(h, 0, buf, self.ct.byref(size)):
                return ""
            return str(buf.value)
        finally:
            self.kernel32.CloseHandle(h)

    def bounds(self, hwnd: int) -> tuple[int, int, int, int] | None:
        r = self.wt.RECT()
        # The visible frame without the invisible resize borders Windows 10 adds.
        hr = self.dwmapi.DwmGetWindowAttribute(
            self.wt.HWND(hwnd), DWMWA_EXTENDED_FRAME_BOUNDS, self.ct.byref(r), self.ct.sizeof(r)
        )
        if hr != 0 and not self.user32.GetWindowRect(self.wt.HWND(hwnd), self.ct.byref(r)):
            return None
        return int(r.left), int(r.top), int(r.right), int(r.bottom)

    def dpi(self, hwnd: int) -> int:
        f = getattr(self.user32, "GetDpiForWindow", None)  # Windows 10 1607+
        return int(f(self.wt.HWND(hwnd))) if f else 96


class WindowsPlatform(Platform):
    name = "windows"

    def __init__(self, api: Win32Api | None = None) -> None:
        self._api = api

    def api(self) -> Win32Api:
        if self._api is None:
            self._api = CtypesWin32()
        return self._api

    def fsync_dir(self, path: Path) -> None:
        # NTFS makes a MoveFileEx durable with the file's own flush; a directory cannot
        # be opened for fsync from Python on Windows (os.open on a folder fails).
        return None

    def lock_exclusive(self, fd: int) -> None:
        import msvcrt

        # Lock the first byte: msvcrt locks byte ranges, and LK_NBLCK fails at once
        # (OSError) when another process holds it. The lock file is never written.
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]

    def list_windows(self, own_pid: int | None = None) -> WindowList:
        try:
            return window_list(self.api(), own_pid)
        except (OSError, AttributeError) as e:
            log.warning("cannot list windows: %s", type(e).__name__)
            return WindowList([], supported=False)

    def enable_dpi_awareness(self) -> bool:
        return set_dpi_awareness(_dpi_calls())


class DpiCalls(Protocol):
    def set_context(self, context: int) -> bool: ...  # SetProcessDpiAwarenessContext (10 1703+)
    def set_awareness(self, value: int) -> bool: ...  # shcore.SetProcessDpiAwareness (8.1+)


def set_dpi_awareness(calls: DpiCalls | None) -> bool:
    """Per-monitor v2 when the OS has it, else per-monitor v1. Qt 6 asks for the same; if
    it already did, the call fails with access denied, which is fine."""
    if calls is None:
        return False
    if calls.set_context(DPI_AWARENESS_CONTEXT_PER_MONITOR_AWARE_V2):
        return True
    return calls.set_awareness(PROCESS_PER_MONITOR_DPI_AWARE)


class _CtypesDpi:
    def __init__(self) -> None:
        import ctypes

        self.user32: Any = ctypes.WinDLL("user32", use_last_error=True)  # type: ignore[attr-defined]
        self.ct: Any = ctypes

    def set_context(self, context: int) -> bool:
        f = getattr(self.user32, "SetProcessDpiAwarenessContext", None)
        if f is None:
            return False
        f.argtypes = [self.ct.c_void_p]
        return bool(f(self.ct.c_void_p(context)))

    def set_awareness(self, value: int) -> bool:
        try:
            shcore: Any = self.ct.WinDLL("shcore")
        except OSError:
            return False
        return int(shcore.SetProcessDpiAwareness(value)) == 0


def _dpi_calls() -> DpiCalls | None:
    try:
        return _CtypesDpi()
    except (OSError, AttributeError):
        return None
