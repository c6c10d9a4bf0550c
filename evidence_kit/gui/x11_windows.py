"""Other programs' windows on an X11 desktop (issue 5): list, describe and activate them.

Window lists, titles and geometry come from the X11 window manager (EWMH) through
``xprop`` and ``xwininfo``; ``xdotool`` (when installed) brings a window to the front.
Window titles are evidence: they are never logged above DEBUG.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys

from PySide6.QtGui import QGuiApplication, QWindow

from ..core.evidence.capture import Rect, WindowInfo

log = logging.getLogger(__name__)

X_TOOL_TIMEOUT_S = 2.0


# ------------------------------------------------------------ X11 windows


_HEX_ID = re.compile(r"0x[0-9a-fA-F]+")


def _hex_bytes(value: str) -> bytes:
    """xprop's ``8x`` format ("0x50, 0x61, ...") back to bytes: no quoting for a title to escape."""
    out = bytearray()
    for part in value.split(","):
        part = part.strip()
        if part.startswith("0x"):
            try:
                out.append(int(part, 16) & 0xFF)
            except ValueError:
                continue
    return bytes(out)


class X11Windows:
    """Other programs' windows on an X11 desktop with an EWMH window manager.

    Uses ``xprop``/``xwininfo`` (x11-utils) and, when present, ``xdotool``. String
    properties are read as hex bytes, so a hostile window title cannot confuse parsing.
    """

    def __init__(self, own_pid: int | None = None) -> None:
        self.own_pid = own_pid if own_pid is not None else os.getpid()
        self.xprop = shutil.which("xprop")
        self.xwininfo = shutil.which("xwininfo")
        self.xdotool = shutil.which("xdotool")

    @property
    def available(self) -> bool:
        return QGuiApplication.platformName() == "xcb" and bool(self.xprop and self.xwininfo)

    def _run(self, args: list[str]) -> str | None:
        try:
            r = subprocess.run(args, capture_output=True, timeout=X_TOOL_TIMEOUT_S, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            log.debug("%s failed: %s", args[0], type(e).__name__)
            return None
        if r.returncode != 0:
            return None
        return r.stdout.decode("utf-8", "replace")

    def _root_ids(self, prop: str) -> list[int]:
        if not self.xprop:
            return []
        out = self._run([self.xprop, "-root", "-notype", prop])
        if not out or "not found" in out:
            return []
        return [int(h, 16) for h in _HEX_ID.findall(out.partition(":")[2])]

    def client_ids(self) -> list[int]:
        """Managed windows, topmost first."""
        ids = self._root_ids("_NET_CLIENT_LIST_STACKING") or self._root_ids("_NET_CLIENT_LIST")
        return list(reversed(ids))

    def active_id(self) -> int | None:
        ids = self._root_ids("_NET_ACTIVE_WINDOW")
        return ids[0] if ids and ids[0] else None

    def _props(self, wid: int) -> dict[str, str] | None:
        if not self.xprop:
            return None
        out = self._run([
            self.xprop, "-id", str(wid), "-notype",
            "-f", "_NET_WM_NAME", "8x", "-f", "WM_NAME", "8x", "-f", "WM_CLASS", "8x",
            "_NET_WM_NAME", "WM_NAME", "WM_CLASS", "_NET_WM_PID", "_NET_WM_WINDOW_TYPE", "_NET_WM_STATE",
        ])
        if out is None:
            return None
        props: dict[str, str] = {}
        for line in out.splitlines():
            name, sep, value = line.partition(" = ")
            if sep and name.isidentifier():
                props[name] = value.strip()
        return props

    def geometry(self, wid: int) -> Rect | None:
        """The window's contents in root coordinates (xwininfo's "Absolute upper-left")."""
        if not self.xwininfo:
            return None
        out = self._run([self.xwininfo, "-id", str(wid)])
        if out is None:
            return None
        found: dict[str, int] = {}
        # The first line quotes the title; real values come after it, so the last match wins.
        for line in out.splitlines()[1:]:
            key, sep, value = line.strip().partition(":")
            if sep and key in ("Absolute upper-left X", "Absolute upper-left Y", "Width", "Height"):
                try:
                    found[key] = int(value.strip())
                except ValueError:
                    continue
        try:
            return Rect(found["Absolute upper-left X"], found["Absolute upper-left Y"], found["Width"],
                        found["Height"])
        except KeyError:
            return None

    def info(self, wid: int, *, with_geometry: bool = True, props: dict[str, str] | None = None) -> WindowInfo | None:
        props = props if props is not None else self._props(wid)
        if props is None:
            return None
        title_raw = _hex_bytes(props.get("_NET_WM_NAME", "")) or _hex_bytes(props.get("WM_NAME", ""))
        title = title_raw.decode("utf-8", "replace")
        classes = [c.decode("utf-8", "replace") for c in _hex_bytes(props.get("WM_CLASS", "")).split(b"\0") if c]
        pid: int | None = None
        try:
            pid = int(props.get("_NET_WM_PID", "").split(",")[0])
        except ValueError:
            pid = None
        process = ""
        if pid and sys.platform.startswith("linux"):
            try:
                with open(f"/proc/{pid}/comm", encoding="utf-8", errors="replace") as f:
                    process = f.read().strip()
            except OSError:
                process = ""
        return WindowInfo(
            id=wid,
            title=title,
            app=classes[-1] if classes else "",
            process=process,
            pid=pid,
            geometry=self.geometry(wid) if with_geometry else None,
            minimized="_NET_WM_STATE_HIDDEN" in props.get("_NET_WM_STATE", ""),
        )

    @staticmethod
    def _skip(window_type: str) -> bool:
        """Panels, desktops, splash screens and notifications are not windows to capture."""
        return any(k in window_type for k in ("_DOCK", "_DESKTOP", "_SPLASH", "_NOTIFICATION", "_TOOLTIP"))

    def windows(self) -> list[WindowInfo]:
        """Other programs' windows that can be captured, topmost first."""
        found: list[WindowInfo] = []
        for wid in self.client_ids():
            props = self._props(wid)
            if props is None or self._skip(props.get("_NET_WM_WINDOW_TYPE", "")):
                continue
            info = self.info(wid, props=props)
            if info is None or info.pid == self.own_pid or info.geometry is None or info.geometry.empty:
                continue
            if info.minimized and not self.xdotool:
                continue  # an unmapped window has no pixels, and we could not restore it
            found.append(info)
        return found

    def active(self) -> WindowInfo | None:
        """The active window, unless it is one of ours (then: none is recorded)."""
        wid = self.active_id()
        if wid is None:
            return None
        info = self.info(wid, with_geometry=False)
        if info is None or info.pid == self.own_pid:
            return None
        return info

    def activate(self, wid: int) -> bool:
        """Bring a window to the front (it must not be covered while its pixels are read)."""
        if self.xdotool:
            self._run([self.xdotool, "windowactivate", "--sync", str(wid)])
        else:
            win = QWindow.fromWinId(wid)
            win.requestActivate()
            win.raise_()
            win.deleteLater()
        return self.active_id() == wid


