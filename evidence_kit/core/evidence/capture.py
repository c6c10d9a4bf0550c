"""Screen capture as evidence (issue 5): what a grab is, with no display and no Qt.

The desktop app grabs pixels with Qt (``evidence_kit/gui/capture.py``). The capture
modules of this package hold what the grab means and what happens to it:

- here: the modes, :class:`CaptureRequest` (what to grab), :class:`CaptureResult` (PNG
  bytes, held only in memory, plus the :class:`CaptureContext` recorded with them) and
  the errors;
- :mod:`.grabber`: :class:`~.grabber.ScreenGrabber`, the interface a grabber implements,
  and :class:`~.grabber.FakeGrabber` for tests without a display;
- :mod:`.capture_env`: where a program cannot see the screen (Wayland, macOS without
  the Screen Recording permission, no display at all) the app says so plainly and
  offers to import a screenshot file instead;
- :mod:`.capture_store`: blank grabs are refused, numbered parts of one evidence set,
  and the call into the service's ``import_bytes`` with method ``screen-capture``.

Rectangles and windows (:class:`Rect`, :class:`WindowInfo`) are the platform layer's
values (``core.platforms.desktop``).
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from ..common.clock import Clock, iso_utc, parse_iso_utc
from ..common.errors import InputError
from ..platforms.desktop import Rect

# What to grab.
MODE_SCREEN = "screen"  # one monitor
MODE_ALL = "all-screens"  # every monitor, as one picture of the virtual desktop
MODE_REGION = "region"  # a rectangle chosen over a frozen picture of the screen
MODE_WINDOW = "window"  # one window, by its window-system id
MODES = (MODE_SCREEN, MODE_ALL, MODE_REGION, MODE_WINDOW)

DELAYS = (0, 3, 5, 10)  # seconds offered in the app
MAX_DELAY = 60

CONTEXT_SCHEMA = "evidence-kit/capture/1"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


# ----------------------------------------------------------------- errors


class CaptureError(InputError):
    """A capture could not be made or kept; nothing was stored."""

    ko = "화면을 캡처하지 못했습니다. 저장된 것은 없습니다."
    en = "The screen could not be captured. Nothing was saved."


class CaptureUnavailableError(CaptureError):
    """This computer does not let the app see the screen; the message says what to do."""


class BlankCaptureError(CaptureError):
    ko = (
        "캡처한 화면이 전부 검은색(또는 한 가지 색)입니다. 화면을 볼 권한이 막혀 있을 때 이렇게 됩니다. "
        "증거로 저장하지 않았습니다. 다시 캡처하거나, 컴퓨터의 화면 캡처 기능으로 찍은 파일을 "
        "'스크린샷 파일 가져오기'로 가져오세요."
    )
    en = (
        "The captured picture is entirely black (or a single colour). This is what a blocked screen "
        "capture looks like, so it was not saved as evidence. Try again, or take the screenshot with "
        "the computer's own tool and use 'Import a screenshot file'."
    )

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------------ shapes


def ratio_text(ratio: float) -> str:
    """A device pixel ratio as text ("1", "1.25", "2"): the vault's canonical JSON has no floats."""
    return format(round(float(ratio), 4), "g")


@dataclass(frozen=True)
class ScreenInfo:
    """One monitor as the window system describes it."""

    name: str
    geometry: Rect
    device_pixel_ratio: float = 1.0
    primary: bool = False
    model: str = ""  # manufacturer and model, when exposed

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "name": self.name,
            "geometry": self.geometry.to_json(),
            "device_pixel_ratio": ratio_text(self.device_pixel_ratio),
        }
        if self.primary:
            d["primary"] = True
        if self.model:
            d["model"] = self.model
        return d


# ----------------------------------------------------------------- request


@dataclass(frozen=True)
class CaptureRequest:
    mode: str = MODE_SCREEN
    screen: str | None = None  # MODE_SCREEN: the screen's name (None: the primary screen)
    region: Rect | None = None  # MODE_REGION: fixed rectangle; None: the person drags one
    window_id: int | None = None  # MODE_WINDOW
    delay_s: int = 0

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(f"unknown capture mode {self.mode!r}")
        if not 0 <= self.delay_s <= MAX_DELAY:
            raise ValueError(f"capture delay {self.delay_s} s is out of range")
        if self.mode == MODE_WINDOW and self.window_id is None:
            raise ValueError("a window capture needs a window id")
        if self.region is not None and self.region.empty:
            raise ValueError("the capture region is empty")

    @property
    def interactive(self) -> bool:
        """A region the person chooses by dragging over a frozen picture."""
        return self.mode == MODE_REGION and self.region is None


# ----------------------------------------------------------------- context


@dataclass
class CaptureContext:
    """What is recorded with a capture (stored sealed, in the item's ``capture`` field).

    Times are the moment the pixels were read (for a region: when the screen was
    frozen, which is what the person then chose from). ``geometry`` is the captured
    rectangle in logical pixels on the virtual desktop; the image itself has
    ``image_width`` x ``image_height`` device pixels.
    """

    mode: str
    captured_utc: str
    tz_offset: str
    screen_name: str
    screen_geometry: Rect
    geometry: Rect
    device_pixel_ratio: float
    image_width: int
    image_height: int
    platform: str = ""
    session_type: str = ""
    window_system: str = ""  # Qt's platform plugin: xcb, windows, cocoa, ...
    grabber: str = ""
    delay_s: int = 0
    app_windows_hidden: bool = False
    active_window_title: str | None = None  # None: the platform does not expose it
    active_window_app: str | None = None
    window_title: str | None = None  # MODE_WINDOW: the window captured
    window_app: str | None = None
    window_process: str | None = None
    screens: list[ScreenInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. "window could not be brought to the front"

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "schema": CONTEXT_SCHEMA,
            "mode": self.mode,
            "captured_utc": self.captured_utc,
            "tz_offset": self.tz_offset,
            "screen_name": self.screen_name,
            "screen_geometry": self.screen_geometry.to_json(),
            "geometry": self.geometry.to_json(),
            "device_pixel_ratio": ratio_text(self.device_pixel_ratio),
            "image_width": self.image_width,
            "image_height": self.image_height,
            "platform": self.platform,
            "session_type": self.session_type,
            "window_system": self.window_system,
            "grabber": self.grabber,
            "delay_s": self.delay_s,
            "app_windows_hidden": self.app_windows_hidden,
        }
        for key in ("active_window_title", "active_window_app", "window_title", "window_app", "window_process"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.active_window_title is None and self.mode != MODE_WINDOW:
            d["active_window"] = "not exposed by this platform"
        if self.screens:
            d["screens"] = [s.to_json() for s in self.screens]
        if self.notes:
            d["notes"] = list(self.notes)
        return d

    def local_time(self) -> datetime:
        """The capture time on the local clock of the computer that made it."""
        sign = -1 if self.tz_offset.startswith("-") else 1
        hours, _, minutes = self.tz_offset.lstrip("+-").partition(":")
        offset = timedelta(hours=int(hours or 0), minutes=int(minutes or 0)) * sign
        return (parse_iso_utc(self.captured_utc) + offset).replace(tzinfo=None)


@dataclass
class CaptureResult:
    """A grab: PNG bytes that exist only in memory until the vault seals them."""

    png: bytes
    context: CaptureContext


def platform_label() -> str:
    """A short description of the operating system, for the context."""
    if sys.platform == "darwin":
        return f"macOS {platform.mac_ver()[0]}".strip()
    if sys.platform.startswith("win"):
        return f"Windows {platform.release()} ({platform.version()})"
    return f"{platform.system()} {platform.release()}".strip()


def make_context(
    *,
    mode: str,
    screen_name: str,
    screen_geometry: Rect,
    geometry: Rect,
    device_pixel_ratio: float,
    image_size: tuple[int, int],
    clock: Clock | None = None,
    when: datetime | None = None,
    environ: Mapping[str, str] | None = None,
    **extra: Any,
) -> CaptureContext:
    """A context stamped ``when`` (default: now; UTC plus the local offset) with the platform filled in."""
    clock = clock or Clock()
    env = os.environ if environ is None else environ
    return CaptureContext(
        mode=mode,
        captured_utc=iso_utc(when or clock.now()),
        tz_offset=clock.local_offset(),
        screen_name=screen_name,
        screen_geometry=screen_geometry,
        geometry=geometry,
        device_pixel_ratio=float(device_pixel_ratio),
        image_width=image_size[0],
        image_height=image_size[1],
        platform=platform_label(),
        session_type=session_type(env),
        **extra,
    )


def session_type(environ: Mapping[str, str]) -> str:
    st = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    if st in ("x11", "wayland", "tty", "mir"):
        return st
    if environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    if environ.get("DISPLAY"):
        return "x11"
    return st
