"""macOS: folders under ~/Library, fcntl locks, and the Quartz window list.

Since macOS 10.15 ``CGWindowListCopyWindowInfo`` leaves out other apps' window titles
until the user allows Evidence Kit under System Settings > Privacy & Security > Screen
Recording (the same permission the screenshot itself needs). We detect that and explain
it instead of showing a list of nameless windows. Quartz (pyobjc) is imported only when
present; the parsing runs under tests with a fake list here, the real call is written,
not run here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .base import Platform, WindowList
from .desktop import Rect, WindowInfo

PERMISSION_KO = (
    "다른 앱 창의 제목을 보려면 화면 기록 권한이 필요합니다. 시스템 설정 > 개인정보 보호 및 보안 > "
    "화면 기록에서 Evidence Kit을 켠 뒤 앱을 다시 시작하세요."
)
PERMISSION_EN = (
    "To see other apps' window titles, Evidence Kit needs the Screen Recording permission: System Settings > "
    "Privacy & Security > Screen Recording, turn on Evidence Kit, then restart the app."
)

WindowSource = Callable[[], Sequence[Mapping[str, Any]]]


def window_list(rows: Sequence[Mapping[str, Any]], own_pid: int | None = None) -> WindowList:
    """Parse CGWindowListCopyWindowInfo rows: normal layer (0) only, on screen, not ours.
    Bounds are already in points (logical pixels)."""
    own = os.getpid() if own_pid is None else own_pid
    out: list[WindowInfo] = []
    others = 0
    for row in rows:
        if int(row.get("kCGWindowLayer", 0) or 0) != 0:
            continue  # menu bar, dock, overlays
        if not row.get("kCGWindowIsOnscreen", True):
            continue
        pid = int(row.get("kCGWindowOwnerPID", 0) or 0)
        if pid == own:
            continue
        others += 1
        title = str(row.get("kCGWindowName") or "")
        if not title.strip():
            continue
        b = row.get("kCGWindowBounds") or {}
        try:
            geom = Rect(int(b["X"]), int(b["Y"]), int(b["Width"]), int(b["Height"]))
        except (KeyError, TypeError, ValueError):
            geom = None
        if geom is not None and (geom.width <= 0 or geom.height <= 0):
            continue
        out.append(
            WindowInfo(
                id=int(row.get("kCGWindowNumber", 0) or 0),
                title=title,
                app=str(row.get("kCGWindowOwnerName") or ""),
                process=str(row.get("kCGWindowOwnerName") or ""),
                pid=pid or None,
                geometry=geom,
            )
        )
    if others and not out:
        # Other apps have windows but none has a title: the permission is missing.
        return WindowList([], supported=True, permission_ko=PERMISSION_KO, permission_en=PERMISSION_EN)
    return WindowList(out)


def quartz_source() -> WindowSource | None:
    try:
        import Quartz  # type: ignore[import-not-found]  # pyobjc-framework-Quartz
    except ImportError:
        return None

    def rows() -> Sequence[Mapping[str, Any]]:
        opts = Quartz.kCGWindowListOptionOnScreenOnly | Quartz.kCGWindowListExcludeDesktopElements
        return list(Quartz.CGWindowListCopyWindowInfo(opts, Quartz.kCGNullWindowID) or [])

    return rows


class MacPlatform(Platform):
    name = "macos"

    def __init__(self, source: WindowSource | None = None) -> None:
        self._source = source

    def lock_exclusive(self, fd: int) -> None:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def list_windows(self, own_pid: int | None = None) -> WindowList:
        src = self._source or quartz_source()
        if src is None:
            return WindowList([], supported=False)
        return window_list(src(), own_pid)

    def enable_dpi_awareness(self) -> bool:
        return False  # macOS apps are always in points; Qt handles Retina
