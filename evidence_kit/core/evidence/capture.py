"""Screen capture as evidence (issue 5): everything that needs no display.

The desktop app grabs pixels with Qt (``evidence_kit/gui/capture.py``); this module
holds what the grab means and what happens to it:

- :class:`ScreenGrabber`, the interface a grabber implements, and :class:`FakeGrabber`
  for tests without a display;
- :class:`CaptureRequest` (what to grab) and :class:`CaptureResult` (PNG bytes, held
  only in memory, plus the :class:`CaptureContext` recorded with them);
- :func:`check_capture_possible`: where a program cannot see the screen (Wayland,
  macOS without the Screen Recording permission, no display at all) the app says so
  plainly and offers to import a screenshot file instead;
- :func:`blank_reason`: an all-black or one-colour grab is what a blocked capture
  looks like, so it is never stored silently as evidence;
- :class:`CaptureSession` and :func:`store_capture`: the source form prefilled from
  the previous capture, numbered parts of one evidence set, and the call into
  :meth:`EvidenceService.import_bytes` with method ``screen-capture``.

No Qt here (a test imports every core module and checks).
"""

from __future__ import annotations

import ctypes
import io
import logging
import os
import platform
import shutil
import sys
import uuid
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from ..common.clock import Clock, iso_utc, parse_iso_utc
from ..common.errors import InputError
from ..common.model import METHOD_CAPTURE, Source
from . import redact

if TYPE_CHECKING:
    from ..common.model import AddResult
    from ..service import EvidenceService

log = logging.getLogger(__name__)

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

# A grab whose brightest value in every colour channel is at most this is "black".
# Real screens are never that dark: even a dark-mode chat shows light text.
BLACK_LEVEL = 8


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


@dataclass(frozen=True)
class Rect:
    """A rectangle in logical (device-independent) pixels, virtual-desktop coordinates."""

    x: int
    y: int
    width: int
    height: int

    @property
    def empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def intersected(self, other: Rect) -> Rect:
        x1, y1 = max(self.x, other.x), max(self.y, other.y)
        x2 = min(self.x + self.width, other.x + other.width)
        y2 = min(self.y + self.height, other.y + other.height)
        return Rect(x1, y1, max(0, x2 - x1), max(0, y2 - y1))

    def united(self, other: Rect) -> Rect:
        x1, y1 = min(self.x, other.x), min(self.y, other.y)
        x2 = max(self.x + self.width, other.x + other.width)
        y2 = max(self.y + self.height, other.y + other.height)
        return Rect(x1, y1, x2 - x1, y2 - y1)

    def contains_point(self, x: int, y: int) -> bool:
        return self.x <= x < self.x + self.width and self.y <= y < self.y + self.height

    def to_json(self) -> dict[str, int]:
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> Rect:
        return cls(int(obj["x"]), int(obj["y"]), int(obj["width"]), int(obj["height"]))


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


@dataclass(frozen=True)
class WindowInfo:
    """Another program's window. The title is untrusted text (anyone can name a chat)."""

    id: int
    title: str
    app: str = ""  # the window class (e.g. "TelegramDesktop"), when exposed
    process: str = ""  # the program's process name, when exposed
    pid: int | None = None
    geometry: Rect | None = None  # the window's contents, without the frame
    minimized: bool = False


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


# ----------------------------------------------------------------- grabbers


@runtime_checkable
class ScreenGrabber(Protocol):
    """Reads pixels from the screen. ``grab`` returns at once: delays, hiding the app's
    own windows and choosing a region happen around it, in the app."""

    name: str

    def screens(self) -> list[ScreenInfo]: ...

    def windows(self) -> list[WindowInfo]: ...

    def grab(self, request: CaptureRequest) -> CaptureResult: ...


Pixel = tuple[int, int, int]


class FakeGrabber:
    """A grabber for tests with no display: draws a picture with Pillow.

    ``paint(request) -> (width, height, fill)`` may be replaced; by default every
    grab is four coloured quadrants (a picture that is not blank), different each time.
    """

    name = "fake"

    def __init__(
        self,
        screens: list[ScreenInfo] | None = None,
        windows: list[WindowInfo] | None = None,
        *,
        colour: Pixel | None = None,
        clock: Clock | None = None,
    ) -> None:
        self._screens = screens or [ScreenInfo("FAKE-1", Rect(0, 0, 320, 200), 1.0, primary=True)]
        self._windows = windows or []
        self.colour = colour  # one colour for the whole picture (a "blank" grab), else quadrants
        self.clock = clock or Clock()
        self.requests: list[CaptureRequest] = []

    def screens(self) -> list[ScreenInfo]:
        return list(self._screens)

    def windows(self) -> list[WindowInfo]:
        return list(self._windows)

    def _screen(self, name: str | None) -> ScreenInfo:
        for s in self._screens:
            if s.name == name or (name is None and s.primary):
                return s
        if name is None:
            return self._screens[0]
        raise CaptureError(f"no screen named {name!r}")

    def grab(self, request: CaptureRequest) -> CaptureResult:
        self.requests.append(request)
        extra: dict[str, Any] = {}
        if request.mode == MODE_WINDOW:
            win = next((w for w in self._windows if w.id == request.window_id), None)
            if win is None or win.geometry is None:
                raise CaptureError(
                    "window is gone", ko="그 창을 찾을 수 없습니다.", en="That window could not be found."
                )
            screen = self._screen(None)
            geometry = win.geometry
            extra = {"window_title": win.title, "window_app": win.app, "window_process": win.process}
        elif request.mode == MODE_ALL:
            screen = self._screen(None)
            geometry = self._screens[0].geometry
            for s in self._screens[1:]:
                geometry = geometry.united(s.geometry)
            screen = ScreenInfo("all", geometry, max(s.device_pixel_ratio for s in self._screens))
            extra = {"screens": self.screens()}
        elif request.mode == MODE_REGION and request.region is not None:
            screen = self._screen(request.screen)
            geometry = request.region
        else:
            screen = self._screen(request.screen)
            geometry = screen.geometry
        dpr = screen.device_pixel_ratio
        w, h = max(1, round(geometry.width * dpr)), max(1, round(geometry.height * dpr))
        png = self.paint(w, h, len(self.requests))
        ctx = make_context(
            mode=request.mode,
            screen_name=screen.name,
            screen_geometry=screen.geometry,
            geometry=geometry,
            device_pixel_ratio=dpr,
            image_size=(w, h),
            clock=self.clock,
            grabber=self.name,
            window_system="fake",
            delay_s=request.delay_s,
            **extra,
        )
        return CaptureResult(png, ctx)

    def paint(self, width: int, height: int, serial: int) -> bytes:
        from PIL import Image, ImageDraw

        if self.colour is not None:
            im = Image.new("RGB", (width, height), self.colour)
        else:
            im = Image.new("RGB", (width, height), (255, 0, 0))
            draw = ImageDraw.Draw(im)
            hw, hh = width // 2, height // 2
            draw.rectangle((hw, 0, width, hh), fill=(0, 255, 0))
            draw.rectangle((0, hh, hw, height), fill=(0, 0, 255))
            draw.rectangle((hw, hh, width, height), fill=(255, 255, 0))
            im.putpixel((0, 0), (serial % 256, serial // 256 % 256, 7))  # every grab differs
        buf = io.BytesIO()
        im.save(buf, "PNG")
        return buf.getvalue()


# ------------------------------------------------------------ blank grabs


def blank_reason(png: bytes) -> str | None:
    """Why a grab is no picture at all, or None when it shows something.

    ``"empty"`` (no pixels, or no PNG), ``"transparent"``, ``"black"`` (every channel
    at most :data:`BLACK_LEVEL`) or ``"one-colour"``. Decoded in memory with Pillow.
    """
    from PIL import Image

    if not png.startswith(PNG_SIGNATURE):
        return "empty"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # our own grab of big screens
            with Image.open(io.BytesIO(png)) as im:
                if im.format != "PNG" or im.width == 0 or im.height == 0:
                    return "empty"
                im.load()
                pic = im if im.mode in ("RGB", "RGBA", "L", "LA") else im.convert("RGBA")
                extrema = pic.getextrema()
                bands = pic.getbands()
    except (OSError, ValueError, Image.DecompressionBombError, SyntaxError):
        return "empty"
    flat: list[Any] = [extrema] if len(bands) == 1 else list(extrema)
    ranges = [(int(lo), int(hi)) for lo, hi in flat]
    colour = [r for b, r in zip(bands, ranges, strict=True) if b != "A"]
    alpha = [r for b, r in zip(bands, ranges, strict=True) if b == "A"]
    if alpha and alpha[0][1] == 0:
        return "transparent"
    if all(hi <= BLACK_LEVEL for _lo, hi in colour):
        return "black"
    if all(lo == hi for lo, hi in colour):
        return "one-colour"
    return None


def is_blank(png: bytes) -> bool:
    return blank_reason(png) is not None


# ------------------------------------------------------ platform detection


@dataclass(frozen=True)
class CaptureEnvironment:
    """What decides whether a program may read the screen here."""

    system: str  # "linux", "windows", "macos" or another sys.platform
    session_type: str = ""  # "x11", "wayland", "tty" or "" (unknown)
    display: str = ""  # $DISPLAY
    wayland_display: str = ""  # $WAYLAND_DISPLAY
    qt_platform: str = ""  # the window-system plugin in use ("xcb", "wayland", "offscreen", ...)
    portal_available: bool | None = None  # xdg-desktop-portal installed (Wayland's screenshot service)
    macos_permission: bool | None = None  # Screen Recording allowed; None: unknown


def system_name(plat: str | None = None) -> str:
    plat = plat or sys.platform
    if plat == "darwin":
        return "macos"
    if plat.startswith("win"):
        return "windows"
    if plat.startswith("linux"):
        return "linux"
    return plat


def session_type(environ: Mapping[str, str]) -> str:
    st = environ.get("XDG_SESSION_TYPE", "").strip().lower()
    if st in ("x11", "wayland", "tty", "mir"):
        return st
    if environ.get("WAYLAND_DISPLAY"):
        return "wayland"
    if environ.get("DISPLAY"):
        return "x11"
    return st


_PORTAL_FILES = (
    "/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service",
    "/usr/libexec/xdg-desktop-portal",
    "/usr/lib/xdg-desktop-portal",
)


def _portal_installed() -> bool:
    return any(os.path.exists(p) for p in _PORTAL_FILES) or shutil.which("xdg-desktop-portal") is not None


def _macos_core_graphics() -> Any:
    return ctypes.cdll.LoadLibrary("/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics")


def macos_screen_permission() -> bool | None:
    """macOS 10.15+: may this app record the screen? None where it cannot be asked."""
    if sys.platform != "darwin":
        return None
    try:
        fn = _macos_core_graphics().CGPreflightScreenCaptureAccess
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_bool
    return bool(fn())


def request_macos_screen_permission() -> bool | None:
    """Ask macOS to show its Screen Recording prompt (once); the app must be restarted after."""
    if sys.platform != "darwin":
        return None
    try:
        fn = _macos_core_graphics().CGRequestScreenCaptureAccess
    except (OSError, AttributeError):
        return None
    fn.restype = ctypes.c_bool
    return bool(fn())


def detect_environment(
    environ: Mapping[str, str] | None = None, *, qt_platform: str = "", plat: str | None = None
) -> CaptureEnvironment:
    env = os.environ if environ is None else environ
    system = system_name(plat)
    return CaptureEnvironment(
        system=system,
        session_type=session_type(env) if system not in ("windows", "macos") else "",
        display=env.get("DISPLAY", ""),
        wayland_display=env.get("WAYLAND_DISPLAY", ""),
        qt_platform=qt_platform or env.get("QT_QPA_PLATFORM", "").split(":")[0],
        portal_available=_portal_installed() if system == "linux" else None,
        macos_permission=macos_screen_permission() if system == "macos" else None,
    )


IMPORT_HINT_KO = "컴퓨터의 화면 캡처 기능으로 찍은 뒤 '스크린샷 파일 가져오기'로 가져올 수 있습니다."
IMPORT_HINT_EN = "You can take the screenshot with the computer's own tool, then use 'Import a screenshot file'."


def check_capture_possible(env: CaptureEnvironment) -> tuple[bool, str, str]:
    """(possible, why not in Korean, why not in English). The reasons say what to do."""
    qpa = env.qt_platform.lower()
    if qpa in ("offscreen", "minimal", "minimalegl"):
        return (
            False,
            "이 앱이 지금 화면 없이 실행되고 있어 화면을 캡처할 수 없습니다. " + IMPORT_HINT_KO,
            "The app is running without a screen, so it cannot capture one. " + IMPORT_HINT_EN,
        )
    if env.system == "windows":
        return True, "", ""
    if env.system == "macos":
        if env.macos_permission is False:
            return (
                False,
                "macOS가 이 앱의 화면 기록을 허용하지 않았습니다. 시스템 설정 > 개인정보 보호 및 보안 > "
                "화면 기록에서 이 앱을 켠 다음, 앱을 완전히 종료했다가 다시 여세요. " + IMPORT_HINT_KO,
                "macOS has not allowed this app to record the screen. Open System Settings > Privacy & "
                "Security > Screen Recording, turn this app on, then quit the app completely and open it "
                "again. " + IMPORT_HINT_EN,
            )
        return True, "", ""
    wayland = qpa.startswith("wayland") or env.session_type == "wayland" or bool(env.wayland_display)
    if wayland:
        if env.portal_available:
            return (
                False,
                "이 컴퓨터는 Wayland 화면 방식을 사용합니다. Wayland에서는 앱이 화면을 직접 캡처할 수 없고, "
                "시스템 캡처 서비스는 사진을 먼저 파일로 저장하므로 이 앱은 사용하지 않습니다. "
                "Print Screen 키로 찍은 뒤 '스크린샷 파일 가져오기'로 가져오고, 원래 파일은 지우세요. "
                "또는 로그인 화면에서 'X11(Xorg)' 세션을 선택하면 이 앱에서 바로 캡처할 수 있습니다.",
                "This computer uses Wayland. On Wayland apps cannot capture the screen directly, and the "
                "system's screenshot service saves the picture to a file first, so this app does not use it. "
                "Press Print Screen, then use 'Import a screenshot file' and delete the saved file "
                "afterwards. Or choose an 'X11 (Xorg)' session on the login screen to capture from this app.",
            )
        return (
            False,
            "이 컴퓨터는 Wayland 화면 방식을 사용하고, 화면 캡처 서비스(xdg-desktop-portal)도 없습니다. "
            "Wayland에서는 앱이 화면을 직접 캡처할 수 없습니다. 로그인 화면에서 'X11(Xorg)' 세션을 선택하거나, "
            + IMPORT_HINT_KO,
            "This computer uses Wayland and has no screenshot service (xdg-desktop-portal). On Wayland apps "
            "cannot capture the screen directly. Choose an 'X11 (Xorg)' session on the login screen, or: "
            + IMPORT_HINT_EN,
        )
    if env.system == "linux" or env.display or env.session_type == "x11":
        if not env.display and qpa in ("", "xcb"):
            return (
                False,
                "그래픽 화면(디스플레이)을 찾을 수 없어 캡처할 수 없습니다. " + IMPORT_HINT_KO,
                "No graphical display was found, so nothing can be captured. " + IMPORT_HINT_EN,
            )
        return True, "", ""
    return (
        False,
        "이 운영체제에서는 화면 캡처를 지원하지 않습니다. " + IMPORT_HINT_KO,
        "Screen capture is not supported on this operating system. " + IMPORT_HINT_EN,
    )


def ensure_capture_possible(env: CaptureEnvironment) -> None:
    """Raise :class:`CaptureUnavailableError` (with what to do) where capture cannot work."""
    ok, ko, en = check_capture_possible(env)
    if not ok:
        raise CaptureUnavailableError(env.session_type or env.system, ko=ko, en=en)


# --------------------------------------------------------- sessions, sets


@dataclass
class CaptureGroup:
    """One evidence set: e.g. a long conversation captured in several scrolled parts."""

    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    label: str = ""
    next_part: int = 1


PREFILLED_FIELDS = ("platform", "url", "chatroom", "account", "description")


class CaptureSession:
    """One sitting of work in one case (forgotten when the vault locks).

    It remembers the source of the previous capture to prefill the next form, and
    numbers the parts of the current evidence set.
    """

    def __init__(self, case_id: str | None = None) -> None:
        self.case_id = case_id
        self.last_source: Source | None = None
        self.group: CaptureGroup | None = None
        self.stored = 0

    def prefill(self) -> Source:
        """The form for the next capture: where the previous one came from (not when)."""
        if self.last_source is None:
            return Source()
        return Source(**{k: getattr(self.last_source, k) for k in PREFILLED_FIELDS})

    def start_group(self, label: str = "") -> CaptureGroup:
        self.group = CaptureGroup(label=label.strip())
        return self.group

    def end_group(self) -> None:
        self.group = None

    def store(
        self,
        service: EvidenceService,
        result: CaptureResult,
        source: Source,
        *,
        allow_blank: bool = False,
        regions: Sequence[redact.Rect] = (),
    ) -> AddResult:
        if self.case_id is None:
            raise CaptureError(
                "no case", ko="먼저 사건을 만드세요.", en="Create a case first: evidence is kept in a case."
            )
        res = store_capture(
            service, self.case_id, result, source, self.group, allow_blank=allow_blank, regions=regions
        )
        self.last_source = replace(source)
        if not res.duplicate:
            self.stored += 1
        return res


def capture_name(context: CaptureContext, part: int | None = None) -> str:
    stamp = context.local_time().strftime("%Y%m%d-%H%M%S")
    return f"screen-capture-{stamp}" + (f"-part{part:02d}" if part else "") + ".png"


def store_capture(
    service: EvidenceService,
    case_id: str,
    result: CaptureResult,
    source: Source | None = None,
    group: CaptureGroup | None = None,
    *,
    allow_blank: bool = False,
    regions: Sequence[redact.Rect] = (),
) -> AddResult:
    """Seal a grab into the vault as a ``screen-capture`` item (custody event ``capture``).

    In a record-only case (issue 9) only a redacted derivative is stored: ``regions``
    blacked out, or with none the whole picture pixelated; the grab's hashes are kept.

    An all-black, transparent or one-colour grab raises :class:`BlankCaptureError`
    unless ``allow_blank`` (the person looked at it and chose to keep it; the context
    then says ``"blank"``). With ``group``, the item is the set's next part.
    """
    from ..common.model import ItemInput

    if not result.png.startswith(PNG_SIGNATURE):
        raise CaptureError("not a PNG")
    reason = blank_reason(result.png)
    if reason is not None and not allow_blank:
        log.info("capture refused: the grab is %s", reason)
        raise BlankCaptureError(reason)
    capture = result.context.to_json()
    if reason is not None:
        capture["blank"] = reason
    part = group.next_part if group is not None else None
    if group is not None and group.label:
        capture["set_label"] = group.label
    info = ItemInput(
        name=capture_name(result.context, part),
        method=METHOD_CAPTURE,
        source=source or Source(),
        capture=capture,
        group_id=group.id if group is not None else None,
        group_part=part,
    )
    res = service.import_bytes(case_id, result.png, info, regions=regions)
    if group is not None and not res.duplicate:
        group.next_part += 1
    log.info("capture stored as exhibit %d%s", res.item.exhibit, " (duplicate)" if res.duplicate else "")
    return res
