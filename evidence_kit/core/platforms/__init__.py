"""The operating-system layer: one module per platform behind :class:`~.base.Platform`.

Folders, durable replace, the single-instance lock, window enumeration for capture and
DPI awareness differ between Linux, Windows and macOS; everything else in core is
portable. :func:`current` picks the module for this machine. The Windows and macOS
modules talk to the OS through thin seams (``Win32Api``, ``QuartzApi``) so their logic
runs under unit tests with fakes on any machine; the real ctypes/Quartz calls are
"written, not run here" (docs/windows.md).

Layer 1. May import: ``common``.
"""

from __future__ import annotations

import sys
from functools import lru_cache

from .base import Platform, WindowList
from .desktop import WindowInfo


def for_name(name: str) -> Platform:
    if name == "win32":
        from .windows import WindowsPlatform

        return WindowsPlatform()
    if name == "darwin":
        from .macos import MacPlatform

        return MacPlatform()
    from .linux import LinuxPlatform

    return LinuxPlatform()


@lru_cache(maxsize=1)
def current() -> Platform:
    return for_name(sys.platform)


def native_windows() -> list[WindowInfo]:
    """Other programs' windows from the OS (Windows, macOS); [] on Linux, where
    gui/capture.py asks X11 itself."""
    return native_window_list().windows


def native_window_list() -> WindowList:
    """As :func:`native_windows`, with why titles are hidden (macOS screen-recording permission)."""
    return current().list_windows()


def can_list_native_windows() -> bool:
    return sys.platform in ("win32", "darwin")


__all__ = [
    "Platform", "WindowList", "can_list_native_windows", "current", "for_name", "native_window_list", "native_windows",
]
