"""Can this program see the screen here? If not, why, and what to do instead.

Where it cannot (Wayland, macOS without the Screen Recording permission, no display at all)
the app says so plainly and offers to import a screenshot file instead."""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .capture import CaptureUnavailableError, session_type


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
