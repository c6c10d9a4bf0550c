"""Screen capture in the desktop app (issue 5): the Qt grabber, the region selector,
the capture dialog and the tray icon.

The flow of one capture: the app hides every one of its windows, waits for the window
system to repaint what was behind them (and for the chosen delay), reads the pixels
(``QScreen.grabWindow``), shows its windows again, then encodes the picture as PNG in
memory (``QBuffer``, never a file) on the worker thread and seals it into the vault
through :mod:`evidence_kit.core.evidence.capture`. A region is chosen by dragging over a frozen
picture of the screen, so the selector itself is never in the evidence.

Window lists, titles and geometry come from the X11 window manager (EWMH) through
``xprop`` and ``xwininfo``; ``xdotool`` (when installed) brings a window to the front.
Elsewhere window capture is not offered and the context says the active window is not
exposed. Window titles are evidence: they are never logged above DEBUG and are shown
only through :func:`safe_text` in plain-text widgets.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPixmap,
    QScreen,
    QWindow,
)
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QRadioButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from ..core.common.clock import Clock
from ..core.common.errors import EvidenceKitError
from ..core.common.model import AddResult, Source
from ..core.evidence.capture import (
    DELAYS,
    MODE_ALL,
    MODE_REGION,
    MODE_SCREEN,
    MODE_WINDOW,
    BlankCaptureError,
    CaptureContext,
    CaptureError,
    CaptureRequest,
    CaptureResult,
    ScreenInfo,
    make_context,
)
from ..core.evidence.capture_env import (
    CaptureEnvironment,
    check_capture_possible,
    detect_environment,
    request_macos_screen_permission,
)
from ..core.evidence.capture_store import CaptureSession
from ..core.platforms import can_list_native_windows, native_windows
from ..core.platforms.desktop import Rect, WindowInfo
from ..core.service import EvidenceService
from .dialogs import SourceForm, scrolled
from .display import safe_text
from .i18n import language, t
from .models import exhibit_label
from .widgets import SafeLabel, fit_to_screen, make_button, named
from .worker import JobContext, Worker

if TYPE_CHECKING:
    from .main_window import MainWindow

log = logging.getLogger(__name__)

HIDE_SETTLE_MS = 350  # after hiding our windows: the window system repaints what was behind them
ACTIVATE_SETTLE_MS = 300  # after bringing a window to the front
X_TOOL_TIMEOUT_S = 2.0
MIN_REGION = 4  # logical pixels: a click is not a region


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


# ---------------------------------------------------------------- grabber


def qrect(r: Rect) -> QRect:
    return QRect(r.x, r.y, r.width, r.height)


def rect(r: QRect) -> Rect:
    return Rect(r.x(), r.y(), r.width(), r.height())


def encode_png(img: QImage) -> bytes:
    """Lossless PNG, encoded in memory: the picture never touches the disk in the clear."""
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = img.save(buf, "PNG")  # type: ignore[call-overload]  # the stubs say bytes; PySide6 wants str
    buf.close()
    if not ok:
        raise CaptureError("PNG encoding failed")
    data = bytes(ba.data())
    ba.clear()
    return data


@dataclass
class Grab:
    """Pixels just read, with their context; becomes a CaptureResult once encoded."""

    image: QImage
    context: CaptureContext

    def result(self) -> CaptureResult:
        return CaptureResult(encode_png(self.image), self.context)


@dataclass
class FrozenDesktop:
    """A picture of every screen taken at one moment: what the region selector shows."""

    image: QImage  # device pixels
    virtual: Rect  # the virtual desktop, logical pixels
    scale: float  # device pixels per logical pixel in ``image``
    screens: list[ScreenInfo]
    context: CaptureContext  # time and active window of the moment it was taken
    extra: dict[str, Any] = field(default_factory=dict)


def screen_info(s: QScreen) -> ScreenInfo:
    model = " ".join(x for x in (s.manufacturer(), s.model()) if x).strip()
    return ScreenInfo(
        name=s.name() or "screen",
        geometry=rect(s.geometry()),
        device_pixel_ratio=float(s.devicePixelRatio()),
        primary=s is QGuiApplication.primaryScreen(),
        model=model,
    )


class QtScreenGrabber:
    """:class:`~evidence_kit.core.evidence.capture.ScreenGrabber` with Qt: ``QScreen.grabWindow``."""

    name = "qt"

    def __init__(self, *, clock: Clock | None = None, x11: X11Windows | None = None) -> None:
        self.clock = clock or Clock()
        self.x11 = x11 if x11 is not None else X11Windows()

    # -- what there is

    def screens(self) -> list[ScreenInfo]:
        return [screen_info(s) for s in QGuiApplication.screens()]

    @property
    def can_list_windows(self) -> bool:
        return self.x11.available or can_list_native_windows()

    def windows(self) -> list[WindowInfo]:
        return self.x11.windows() if self.x11.available else native_windows()

    def _qscreen(self, name: str | None) -> QScreen:
        screens = QGuiApplication.screens()
        if not screens:
            raise CaptureError("no screens", ko="화면을 찾을 수 없습니다.", en="No screen was found.")
        if name is None:  # the screen the mouse is on
            return QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen() or screens[0]
        for s in screens:
            if s.name() == name:
                return s
        raise CaptureError(f"no screen {name!r}", ko="그 화면(모니터)을 찾을 수 없습니다. 연결이 바뀌었을 수 있습니다.",
                           en="That screen (monitor) was not found. Its connection may have changed.")

    def _context(self, mode: str, screen: ScreenInfo, geometry: Rect, image: QImage, when: datetime,
                 **extra: Any) -> CaptureContext:
        """The context of pixels read at ``when`` (taken just before reading them)."""
        active_title: str | None = None
        active_app: str | None = None
        if mode != MODE_WINDOW and self.x11.available:
            active = self.x11.active()
            active_title, active_app = (active.title, active.app or active.process) if active else ("", "")
        return make_context(
            mode=mode,
            screen_name=screen.name,
            screen_geometry=screen.geometry,
            geometry=geometry,
            device_pixel_ratio=screen.device_pixel_ratio,
            image_size=(image.width(), image.height()),
            clock=self.clock,
            when=when,
            window_system=QGuiApplication.platformName(),
            grabber=self.name,
            active_window_title=active_title,
            active_window_app=active_app,
            **extra,
        )

    # -- grabbing

    @staticmethod
    def _pixels(pm: QPixmap, what: str) -> QImage:
        if pm.isNull() or pm.width() == 0 or pm.height() == 0:
            raise CaptureError(f"{what}: no pixels", ko="화면을 읽지 못했습니다. 다시 시도하세요.",
                               en="The screen could not be read. Please try again.")
        img = pm.toImage()
        img.setDevicePixelRatio(1.0)
        return img

    def freeze(self) -> FrozenDesktop:
        """Every screen at once, as one picture of the virtual desktop."""
        qscreens = QGuiApplication.screens()
        if not qscreens:
            raise CaptureError("no screens", ko="화면을 찾을 수 없습니다.", en="No screen was found.")
        infos = [screen_info(s) for s in qscreens]
        virtual = infos[0].geometry
        for info in infos[1:]:
            virtual = virtual.united(info.geometry)
        scale = max(info.device_pixel_ratio for info in infos)
        when = self.clock.now()
        if len(qscreens) == 1:
            image = self._pixels(qscreens[0].grabWindow(0), "screen")
        else:
            image = QImage(round(virtual.width * scale), round(virtual.height * scale), QImage.Format.Format_RGB32)
            image.fill(QColor(0, 0, 0))
            painter = QPainter(image)
            try:
                for s, info in zip(qscreens, infos, strict=True):
                    part = self._pixels(s.grabWindow(0), info.name)
                    g = info.geometry
                    target = QRect(round((g.x - virtual.x) * scale), round((g.y - virtual.y) * scale),
                                   round(g.width * scale), round(g.height * scale))
                    painter.drawImage(target, part)
            finally:
                painter.end()
        all_screens = ScreenInfo("all" if len(infos) > 1 else infos[0].name, virtual, scale)
        ctx = self._context(MODE_ALL, all_screens, virtual, image, when, screens=infos if len(infos) > 1 else [])
        return FrozenDesktop(image, virtual, scale, infos, ctx)

    def crop(self, frozen: FrozenDesktop, region: Rect) -> Grab:
        """Part of a frozen desktop; ``region`` in virtual-desktop logical pixels."""
        area = region.intersected(frozen.virtual)
        if area.empty or area.width < 1 or area.height < 1:
            raise CaptureError("empty region", ko="선택한 영역이 화면 밖에 있습니다.",
                               en="The chosen area is off the screen.")
        s = frozen.scale
        px = QRect(round((area.x - frozen.virtual.x) * s), round((area.y - frozen.virtual.y) * s),
                   round(area.width * s), round(area.height * s))
        image = frozen.image.copy(px)
        # The screen the area is (mostly) on names it in the context.
        cx, cy = area.x + area.width // 2, area.y + area.height // 2
        screen = next((i for i in frozen.screens if i.geometry.contains_point(cx, cy)), frozen.screens[0])
        context = replace(
            frozen.context, mode=MODE_REGION, screen_name=screen.name, screen_geometry=screen.geometry,
            geometry=area, device_pixel_ratio=s, image_width=image.width(), image_height=image.height(),
            screens=list(frozen.screens) if len(frozen.screens) > 1 else [], notes=list(frozen.context.notes))
        return Grab(image, context)

    def grab_window(self, wid: int) -> Grab:
        info = (self.x11.info(wid) if self.x11.available
                else next((w for w in native_windows() if w.id == wid), None))
        geometry = info.geometry if info and info.geometry else None
        qscreen = QGuiApplication.primaryScreen()
        if geometry is not None:
            centre = QPoint(geometry.x + geometry.width // 2, geometry.y + geometry.height // 2)
            qscreen = QGuiApplication.screenAt(centre) or qscreen
        if qscreen is None:
            raise CaptureError("no screens", ko="화면을 찾을 수 없습니다.", en="No screen was found.")
        when = self.clock.now()
        pm = qscreen.grabWindow(wid)
        if pm.isNull():
            raise CaptureError(f"window {wid:#x}: no pixels",
                               ko="그 창을 캡처하지 못했습니다. 창이 닫혔거나 최소화되어 있을 수 있습니다.",
                               en="That window could not be captured. It may have been closed or minimised.")
        image = self._pixels(pm, "window")
        sinfo = screen_info(qscreen)
        if geometry is None:
            geometry = Rect(0, 0, round(image.width() / sinfo.device_pixel_ratio),
                            round(image.height() / sinfo.device_pixel_ratio))
        ctx = self._context(MODE_WINDOW, sinfo, geometry, image, when,
                            window_title=info.title if info else None,
                            window_app=(info.app or None) if info else None,
                            window_process=(info.process or None) if info else None)
        return Grab(image, ctx)

    def grab_image(self, request: CaptureRequest) -> Grab:
        """Read the pixels now (no delay, no hiding: see :class:`CaptureController`)."""
        if request.mode == MODE_WINDOW:
            assert request.window_id is not None
            grab = self.grab_window(request.window_id)
        elif request.mode == MODE_SCREEN:
            qscreen = self._qscreen(request.screen)
            info = screen_info(qscreen)
            when = self.clock.now()
            image = self._pixels(qscreen.grabWindow(0), info.name)
            grab = Grab(image, self._context(MODE_SCREEN, info, info.geometry, image, when))
        elif request.mode == MODE_ALL:
            frozen = self.freeze()
            grab = Grab(frozen.image, frozen.context)
        else:
            if request.region is None:
                raise CaptureError("a region must be chosen first")
            grab = self.crop(self.freeze(), request.region)
        grab.context.delay_s = request.delay_s
        return grab

    def grab(self, request: CaptureRequest) -> CaptureResult:
        return self.grab_image(request).result()


# --------------------------------------------------------- region selector


def _span(a: QPoint, b: QPoint) -> QRect:
    """The pixels between two pointer positions: a drag from x=10 to x=20 covers 10 pixels."""
    return QRect(min(a.x(), b.x()), min(a.y(), b.y()), abs(b.x() - a.x()), abs(b.y() - a.y()))


class RegionSelector(QWidget):
    """A full-screen still picture of the desktop to drag a rectangle over.

    Emits ``selected`` with the rectangle in virtual-desktop logical pixels. Keyboard:
    arrows move the rectangle, Shift+arrows resize it, Enter captures (the whole desktop
    when nothing is selected), Esc cancels.
    """

    selected = Signal(object)  # Rect
    cancelled = Signal()

    def __init__(self, frozen: FrozenDesktop) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint
                         | Qt.WindowType.WindowStaysOnTopHint)
        self.frozen = frozen
        self.setWindowTitle(t("Choose an area to capture"))
        named(self, t("Choose an area to capture"))
        self._picture = QPixmap.fromImage(frozen.image)
        self._picture.setDevicePixelRatio(frozen.scale)
        self._origin: QPoint | None = None
        self.selection = QRect()
        self._done = False
        self.setGeometry(qrect(frozen.virtual))
        self.setCursor(QCursor(Qt.CursorShape.CrossCursor))
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.hint = t("Drag over the area to capture; it is taken when you let go. Esc: cancel. "
                      "Keyboard: arrows move, Shift+arrows resize, Enter captures.")

    def present(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()
        self.setFocus()

    def to_virtual(self, r: QRect) -> Rect:
        return Rect(r.x() + self.frozen.virtual.x, r.y() + self.frozen.virtual.y, r.width(), r.height())

    # -- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.drawPixmap(0, 0, self._picture)
        shade = QColor(0, 0, 0, 120)
        full = self.rect()
        sel = self.selection.normalized()
        if sel.isEmpty():
            p.fillRect(full, shade)
        else:
            p.fillRect(QRect(0, 0, full.width(), sel.top()), shade)
            p.fillRect(QRect(0, sel.bottom() + 1, full.width(), full.height() - sel.bottom() - 1), shade)
            p.fillRect(QRect(0, sel.top(), sel.left(), sel.height()), shade)
            p.fillRect(QRect(sel.right() + 1, sel.top(), full.width() - sel.right() - 1, sel.height()), shade)
            p.setPen(QPen(QColor("#2f80ed"), 2))
            p.drawRect(sel.adjusted(-1, -1, 0, 0))
            self._label(p, f"{sel.width()} × {sel.height()}", sel.bottomLeft() + QPoint(0, 6))
        self._hint(p)
        p.end()

    def _label(self, p: QPainter, text: str, at: QPoint) -> None:
        fm = p.fontMetrics()
        box = QRect(at, QSize(fm.horizontalAdvance(text) + 12, fm.height() + 6))
        if box.bottom() > self.height():
            box.moveBottom(at.y() - 12)
        p.fillRect(box, QColor(20, 20, 20, 220))
        p.setPen(QColor("white"))
        p.drawText(box, int(Qt.AlignmentFlag.AlignCenter), text)

    def _hint(self, p: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF(), 9.0) * 1.15)
        p.setFont(font)
        width = min(self.width() - 40, 760)
        fm = p.fontMetrics()
        text_rect = fm.boundingRect(QRect(0, 0, width - 24, 1000), int(Qt.TextFlag.TextWordWrap), self.hint)
        box = QRect(0, 0, width, text_rect.height() + 16)
        box.moveCenter(QPoint(self.width() // 2, 0))
        box.moveTop(18)
        if self.selection.normalized().intersects(box):
            box.moveBottom(self.height() - 18)
        p.fillRect(box, QColor(20, 20, 20, 225))
        p.setPen(QColor("white"))
        p.drawText(box.adjusted(12, 8, -12, -8), int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignCenter),
                   self.hint)

    # -- mouse and keys

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._origin = event.position().toPoint()
            self.selection = QRect(self._origin, QSize(0, 0))
            self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._origin is not None:
            self.selection = _span(self._origin, event.position().toPoint())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self._origin is None:
            return
        self.selection = _span(self._origin, event.position().toPoint())
        self._origin = None
        if self.selection.width() >= MIN_REGION and self.selection.height() >= MIN_REGION:
            self._finish()
        else:
            self.selection = QRect()
            self.update()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Qt.Key(event.key())
        if key == Qt.Key.Key_Escape:
            self._cancel()
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.selection.width() < MIN_REGION or self.selection.height() < MIN_REGION:
                self.selection = self.rect()
            self._finish()
            return
        moves = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1), Qt.Key.Key_Down: (0, 1)}
        if key in moves:
            step = 10 if event.modifiers() & Qt.KeyboardModifier.ControlModifier else 1
            dx, dy = (v * step for v in moves[key])
            if self.selection.isEmpty():
                self.selection = QRect(0, 0, min(400, self.width() // 2), min(300, self.height() // 2))
                self.selection.moveCenter(self.rect().center())
            elif event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self.selection.setWidth(max(MIN_REGION, self.selection.width() + dx))
                self.selection.setHeight(max(MIN_REGION, self.selection.height() + dy))
            else:
                self.selection.translate(dx, dy)
            self.selection = self.selection.intersected(self.rect())
            self.update()
            return
        super().keyPressEvent(event)

    def _finish(self) -> None:
        if self._done:
            return
        self._done = True
        sel = self.selection.intersected(self.rect())
        self.hide()
        self.selected.emit(self.to_virtual(sel))

    def _cancel(self) -> None:
        if self._done:
            return
        self._done = True
        self.hide()
        self.cancelled.emit()


# --------------------------------------------------------------- controller


def own_windows() -> list[QWidget]:
    """Every visible window of this app (main window, dialogs, menus, tooltips)."""
    return [w for w in QApplication.topLevelWidgets() if w.isVisible() and not isinstance(w, RegionSelector)]


class CaptureController(QObject):
    """Hide the app, wait, grab (or let the person choose a region), show the app again.

    Emits exactly one of ``grabbed(Grab)``, ``failed(Exception)`` or ``cancelled()``
    per started capture, always after the app's windows are back.
    """

    grabbed = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    countdown = Signal(int)  # seconds left before the picture is taken

    def __init__(
        self,
        grabber: QtScreenGrabber,
        parent: QObject | None = None,
        *,
        settle_ms: int = HIDE_SETTLE_MS,
        windows: Callable[[], list[QWidget]] = own_windows,
    ) -> None:
        super().__init__(parent)
        self.grabber = grabber
        self.settle_ms = settle_ms
        self._windows = windows
        self._hidden: list[QWidget] = []
        self._active: QWidget | None = None
        self._request: CaptureRequest | None = None
        self._remaining = 0
        self.selector: RegionSelector | None = None
        self._fire = QTimer(self)
        # Coarse timers (Qt's default) may fire up to 5% early: a "3 s" delay must never be 2.85 s.
        self._fire.setTimerType(Qt.TimerType.PreciseTimer)
        self._fire.setSingleShot(True)
        self._fire.timeout.connect(self._grab_now)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._after_activate = QTimer(self)
        self._after_activate.setSingleShot(True)
        self._after_activate.timeout.connect(self._grab_window)
        self._window_in_front = True

    @property
    def busy(self) -> bool:
        return self._request is not None

    def start(self, request: CaptureRequest) -> bool:
        if self.busy:
            return False
        self._request = request
        self._hide_app()
        self._remaining = request.delay_s
        if self._remaining:
            self.countdown.emit(self._remaining)
            self._tick.start()
        self._fire.start(max(request.delay_s * 1000, self.settle_ms))
        return True

    def abort(self, *, restore: bool = True) -> None:
        """Stop without a picture (the vault is locking): nothing is emitted.

        ``restore=False`` (quick exit) leaves the app's windows hidden.
        """
        if not self.busy:
            return
        self._stop_timers()
        self._close_selector()
        if restore:
            self._restore()
        else:
            self._hidden, self._active = [], None
        self._request = None

    # -- steps

    def _on_tick(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self._tick.stop()
        self.countdown.emit(max(self._remaining, 0))

    def _stop_timers(self) -> None:
        self._fire.stop()
        self._tick.stop()
        self._after_activate.stop()

    def _grab_now(self) -> None:
        request = self._request
        if request is None:
            return
        self._tick.stop()
        try:
            if request.mode == MODE_WINDOW:
                assert request.window_id is not None
                self._window_in_front = self.grabber.x11.activate(request.window_id)
                if not self._window_in_front:
                    log.debug("window %#x did not become active", request.window_id)
                self._after_activate.start(ACTIVATE_SETTLE_MS)
                return
            if request.interactive:
                self._show_selector(self.grabber.freeze())
                return
            grab = self.grabber.grab_image(request)
        except Exception as e:  # shown to the person; the app must come back in every case
            self._fail(e)
            return
        self._done(grab)

    def _grab_window(self) -> None:
        request = self._request
        if request is None or request.window_id is None:
            return
        try:
            grab = self.grabber.grab_image(request)
        except Exception as e:
            self._fail(e)
            return
        if not self._window_in_front:
            grab.context.notes.append("the window could not be brought to the front; other windows may cover it")
        self._done(grab)

    def _show_selector(self, frozen: FrozenDesktop) -> None:
        sel = self.selector = RegionSelector(frozen)
        sel.selected.connect(lambda r: self._region_chosen(frozen, r))
        sel.cancelled.connect(self._region_cancelled)
        sel.present()

    def _close_selector(self) -> None:
        if self.selector is not None:
            sel, self.selector = self.selector, None
            sel.hide()
            sel.deleteLater()

    def _region_chosen(self, frozen: FrozenDesktop, region: Rect) -> None:
        self._close_selector()
        if self._request is None:
            return
        try:
            grab = self.grabber.crop(frozen, region)
        except Exception as e:
            self._fail(e)
            return
        self._done(grab)

    def _region_cancelled(self) -> None:
        self._close_selector()
        if self._request is None:
            return
        self._restore()
        self._request = None
        self.cancelled.emit()

    def _done(self, grab: Grab) -> None:
        assert self._request is not None
        grab.context.delay_s = self._request.delay_s
        grab.context.app_windows_hidden = True
        self._restore()
        self._request = None
        self.grabbed.emit(grab)

    def _fail(self, error: Exception) -> None:
        self._close_selector()
        self._restore()
        self._request = None
        self.failed.emit(error)

    # -- the app's windows

    def _hide_app(self) -> None:
        self._active = QApplication.activeWindow()
        self._hidden = self._windows()
        for w in self._hidden:
            w.hide()

    def _restore(self) -> None:
        hidden, self._hidden = self._hidden, []
        keep = [w for w in hidden if shiboken6.isValid(w)
                and w.windowType() not in (Qt.WindowType.Popup, Qt.WindowType.ToolTip)]
        keep.sort(key=lambda w: isinstance(w, QDialog))  # main windows first, their dialogs on top
        for w in keep:
            w.show()
        active, self._active = self._active, None
        if active is not None and shiboken6.isValid(active) and active.isVisible():
            active.raise_()
            active.activateWindow()


# ------------------------------------------------------------------- dialog

def _mode_text(mode: str) -> str:
    return {
        MODE_SCREEN: t("Whole screen"),
        MODE_ALL: t("All screens together"),
        MODE_REGION: t("An area I choose (drag over a still picture of the screen)"),
        MODE_WINDOW: t("One window"),
    }[mode]


def _delay_text(seconds: int) -> str:
    return t("No delay") if seconds == 0 else t("{n} seconds", n=seconds)


class CaptureDialog(QDialog):
    """Choose what to capture and where it is from. Stays open for the next part."""

    capture_requested = Signal(object, object)  # CaptureRequest, Source
    import_requested = Signal()

    def __init__(self, parent: QWidget | None, flow: CaptureFlow) -> None:
        super().__init__(parent)
        self.flow = flow
        self.setWindowTitle(t("Capture the screen"))
        grabber = flow.grabber
        ok, why = flow.possible()

        intro = SafeLabel(t("The picture goes straight into the encrypted vault; it is never saved as a file. "
                            "This app's windows are hidden while the picture is taken."), wrap=True)

        # -- when capture is impossible here: why, and the file-import fallback
        self.unavailable = QFrame()
        self.unavailable.setFrameShape(QFrame.Shape.StyledPanel)
        self.unavailable.setStyleSheet("QFrame { background: #fff4e5; border: 1px solid #e0a040; }"
                                       "QLabel { border: none; }")
        ul = QVBoxLayout(self.unavailable)
        self.unavailable_text = SafeLabel(why, wrap=True)
        named(self.unavailable_text, t("Why capture is not possible"))
        ul.addWidget(self.unavailable_text)
        urow = QHBoxLayout()
        self.import_button = make_button(t("Import a screenshot file…"), self._import)
        urow.addWidget(self.import_button)
        self.permission_button = make_button(t("Ask macOS for permission"), self._ask_permission)
        self.permission_button.setVisible(flow.environment().system == "macos")
        urow.addWidget(self.permission_button)
        urow.addStretch(1)
        ul.addLayout(urow)
        self.unavailable.setVisible(not ok)

        # -- what to capture
        what = QGroupBox(t("What to capture"))
        wl = QVBoxLayout(what)
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for i, mode in enumerate((MODE_SCREEN, MODE_ALL, MODE_REGION, MODE_WINDOW)):
            rb = named(QRadioButton(_mode_text(mode)), _mode_text(mode))
            self.modes.addButton(rb, i)
            self.mode_buttons[mode] = rb
            wl.addWidget(rb)
            if mode == MODE_SCREEN:
                self.screen_combo = named(QComboBox(), t("Screen"))
                self.screen_combo.setProperty("untrusted", True)  # monitor names come from the system
                for s in grabber.screens():
                    g = s.geometry
                    label = f"{safe_text(s.name, 40)} — {g.width}×{g.height}"
                    if s.primary:
                        label += " " + t("(main)")
                    self.screen_combo.addItem(label, s.name)
                wl.addWidget(self._indent(self.screen_combo))
            if mode == MODE_WINDOW:
                self.window_combo = named(QComboBox(), t("Window"))
                self.window_combo.setProperty("untrusted", True)  # other programs' titles
                self.window_combo.setMinimumContentsLength(30)
                self.window_combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                self.refresh_button = make_button(t("Refresh the list"), self.refresh_windows)
                row = QWidget()
                rl = QHBoxLayout(row)
                rl.setContentsMargins(0, 0, 0, 0)
                rl.addWidget(self.window_combo, 1)
                rl.addWidget(self.refresh_button)
                wl.addWidget(self._indent(row))
                self.window_note = SafeLabel(wrap=True)
                wl.addWidget(self._indent(self.window_note))
        self.mode_buttons[MODE_ALL].setVisible(len(grabber.screens()) > 1)
        self.mode_buttons[MODE_SCREEN].setChecked(True)
        self.modes.idToggled.connect(lambda _id, _on: self._update())

        form = QFormLayout()
        self.delay = named(QComboBox(), t("Delay"))
        for seconds in DELAYS:
            self.delay.addItem(_delay_text(seconds), seconds)
        self.delay.setToolTip(t("Time to open a menu or scroll before the picture is taken."))
        form.addRow(t("Delay"), self.delay)
        wl.addLayout(form)

        # -- sets of parts
        sets = QGroupBox(t("Several parts of one conversation"))
        sl = QVBoxLayout(sets)
        self.in_set = named(QCheckBox(t("Keep these captures together as one set, in order")),
                            t("Keep these captures together as one set, in order"))
        self.set_label = named(QLineEdit(), t("Name of the set"))
        self.set_label.setPlaceholderText(t("e.g. Telegram chat with the account, scrolled"))
        self.part_label = SafeLabel()
        self.new_set_button = make_button(t("Start a new set"), self._new_set)
        sl.addWidget(self.in_set)
        sl.addWidget(self.set_label)
        prow = QHBoxLayout()
        prow.addWidget(self.part_label, 1)
        prow.addWidget(self.new_set_button)
        sl.addLayout(prow)
        self.in_set.toggled.connect(self._set_toggled)
        self.set_label.editingFinished.connect(self._label_changed)

        left = QVBoxLayout()
        left.addWidget(what)
        left.addWidget(sets)
        left.addStretch(1)

        # -- where it is from
        source_box = QGroupBox(t("Where is this from? (optional, kept for the next capture)"))
        srl = QVBoxLayout(source_box)
        self.form = SourceForm()
        self.form.set_source(flow.session_for_case().prefill())
        srl.addWidget(scrolled(self.form))

        cols = QGridLayout()
        cols.addLayout(left, 0, 0)
        cols.addWidget(source_box, 0, 1)
        cols.setColumnStretch(0, 2)
        cols.setColumnStretch(1, 3)

        self.outcome = SafeLabel(wrap=True)
        named(self.outcome, t("Result"))
        self.buttons = QDialogButtonBox()
        self.capture_button = self.buttons.addButton(t("Capture"), QDialogButtonBox.ButtonRole.ActionRole)
        named(self.capture_button, t("Capture"))
        self.capture_button.setDefault(True)
        self.capture_button.clicked.connect(lambda _c=False: self.request_capture())
        close = self.buttons.addButton(t("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        named(close, t("Close"))
        self.buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.unavailable)
        lay.addLayout(cols, 1)
        lay.addWidget(self.outcome)
        lay.addWidget(self.buttons)
        self._possible = ok
        self.refresh_windows()
        self._sync_set()
        self._update()
        fit_to_screen(self, 900, 600)

    @staticmethod
    def _indent(w: QWidget) -> QWidget:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(24, 0, 0, 0)
        lay.addWidget(w)
        return box

    # -- state

    def mode(self) -> str:
        for mode, rb in self.mode_buttons.items():
            if rb.isChecked():
                return mode
        return MODE_SCREEN

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)

    def refresh_windows(self) -> None:
        grabber = self.flow.grabber
        current = self.window_combo.currentData()
        self.window_combo.clear()
        if not grabber.can_list_windows:
            self.window_note.setText(t("Window capture needs an X11 desktop with the xprop and xwininfo tools. "
                                       "Capture an area instead."))
        else:
            for w in grabber.windows():
                title = safe_text(w.title, 80) or t("(untitled)")
                app = safe_text(w.app or w.process, 40)
                self.window_combo.addItem(f"{title} — {app}" if app else title, w.id)
            self.window_note.setText("" if self.window_combo.count() else t("No other windows are open."))
            idx = self.window_combo.findData(current)
            if idx >= 0:
                self.window_combo.setCurrentIndex(idx)
        self._update()

    def select_window(self, wid: int) -> bool:
        idx = self.window_combo.findData(wid)
        if idx >= 0:
            self.window_combo.setCurrentIndex(idx)
        return idx >= 0

    def _update(self) -> None:
        mode = self.mode()
        windows_ok = self.window_combo.count() > 0
        self.mode_buttons[MODE_WINDOW].setEnabled(self.flow.grabber.can_list_windows)
        self.screen_combo.setEnabled(mode == MODE_SCREEN and self.screen_combo.count() > 1)
        self.window_combo.setEnabled(mode == MODE_WINDOW and windows_ok)
        self.refresh_button.setEnabled(mode == MODE_WINDOW and self.flow.grabber.can_list_windows)
        self.window_note.setVisible(bool(self.window_note.full_text()))
        can = self._possible and (mode != MODE_WINDOW or windows_ok)
        self.capture_button.setEnabled(can)

    def _sync_set(self) -> None:
        group = self.flow.session_for_case().group
        self.in_set.blockSignals(True)
        self.in_set.setChecked(group is not None)
        self.in_set.blockSignals(False)
        self.set_label.setEnabled(group is not None)
        self.new_set_button.setEnabled(group is not None)
        if group is not None:
            if not self.set_label.hasFocus():
                self.set_label.setText(group.label)
            self.part_label.setText(t("The next capture is part {n} of the set.", n=group.next_part))
        else:
            self.part_label.setText("")

    def _set_toggled(self, on: bool) -> None:
        session = self.flow.session_for_case()
        if on:
            session.start_group(self.set_label.text())
        else:
            session.end_group()
        self._sync_set()

    def _label_changed(self) -> None:
        group = self.flow.session_for_case().group
        if group is not None and group.next_part == 1:
            group.label = self.set_label.text().strip()  # named before its first part only

    def _new_set(self) -> None:
        self.set_label.clear()
        self.flow.session_for_case().start_group("")
        self._sync_set()
        self.set_label.setFocus()

    def request(self) -> CaptureRequest:
        mode = self.mode()
        delay = int(self.delay.currentData() or 0)
        if mode == MODE_SCREEN:
            return CaptureRequest(MODE_SCREEN, screen=self.screen_combo.currentData(), delay_s=delay)
        if mode == MODE_WINDOW:
            return CaptureRequest(MODE_WINDOW, window_id=int(self.window_combo.currentData()), delay_s=delay)
        return CaptureRequest(mode, delay_s=delay)

    def request_capture(self) -> None:
        if not self.capture_button.isEnabled():
            return
        self._label_changed()
        self.outcome.setText("")
        self.capture_requested.emit(self.request(), self.form.source())

    # -- results

    def show_stored(self, res: AddResult) -> None:
        item = res.item
        if res.duplicate:
            text = t("This picture is identical to {exhibit}; it was not stored twice.", exhibit=exhibit_label(item))
        elif item.group_part:
            text = t("Saved as {exhibit}, part {n} of the set. Scroll to the next part and capture again, "
                     "or close this window.", exhibit=exhibit_label(item), n=item.group_part)
        else:
            text = t("Saved as {exhibit}. You can capture again, or close this window.", exhibit=exhibit_label(item))
        self.outcome.setText(text)
        self._sync_set()

    def show_problem(self, error: BaseException) -> None:
        if isinstance(error, EvidenceKitError):
            self.outcome.setText(error.message(language()))
        else:
            self.outcome.setText(t("Something unexpected went wrong. Evidence that was already saved is safe."))
        if isinstance(error, BlankCaptureError):
            self.unavailable_text.setText(error.message(language()))
            self.unavailable.setVisible(True)

    def _import(self) -> None:
        self.reject()
        self.import_requested.emit()

    def _ask_permission(self) -> None:
        granted = request_macos_screen_permission()
        self.unavailable_text.setText(
            t("Permission is on. Quit the app completely and open it again to capture.") if granted else
            t("Turn on this app under System Settings > Privacy & Security > Screen Recording, then quit the app "
              "completely and open it again."))


# --------------------------------------------------------------------- flow


class CaptureFlow(QObject):
    """Capture, then store: the one path the dialog, the menu and the tray icon use."""

    stored = Signal(object)  # AddResult
    problem = Signal(object)  # an exception (already shown)

    def __init__(
        self,
        parent: QWidget,
        *,
        service: Callable[[], EvidenceService],
        worker: Worker,
        case_id: Callable[[], str | None],
        show_error: Callable[[BaseException], None],
        open_dialog: Callable[[QDialog], None],
        on_stored: Callable[[AddResult], None] | None = None,
        import_files: Callable[[], None] | None = None,
        grabber: QtScreenGrabber | None = None,
        settle_ms: int = HIDE_SETTLE_MS,
    ) -> None:
        super().__init__(parent)
        self.host = parent
        self._service = service
        self.worker = worker
        self._case_id = case_id
        self._show_error = show_error
        self._open_dialog = open_dialog
        self._on_stored = on_stored
        self._import_files = import_files
        self.grabber = grabber or QtScreenGrabber()
        self.controller = CaptureController(self.grabber, self, settle_ms=settle_ms)
        self.controller.grabbed.connect(self._grabbed)
        self.controller.failed.connect(self._failed)
        self.controller.countdown.connect(self._countdown)
        self.session = CaptureSession()
        self.redact_dialog: QDialog | None = None  # open while a record-only capture waits
        self.dialog: CaptureDialog | None = None
        self.tray: QSystemTrayIcon | None = None
        self._source: Source | None = None
        self._case_for_grab: str | None = None

    # -- state

    def environment(self) -> CaptureEnvironment:
        return detect_environment(qt_platform=QGuiApplication.platformName())

    def possible(self) -> tuple[bool, str]:
        ok, ko, en = check_capture_possible(self.environment())
        return ok, (ko if language() == "ko" else en)

    def session_for_case(self) -> CaptureSession:
        case_id = self._case_id()
        if self.session.case_id != case_id:
            self.session = CaptureSession(case_id)  # another case: another source, another set
        return self.session

    def problem_text(self) -> str | None:
        """Why a capture cannot start now, or None."""
        svc = self._service()
        if not svc.is_unlocked:
            return t("Unlock the vault first: captures are saved straight into it.")
        if not self._case_id():
            return t("Create a case first: evidence is kept in a case.")
        if self.controller.busy:
            return t("A capture is already in progress.")
        if self.worker.busy:
            return t("Wait until the current task has finished.")
        ok, why = self.possible()
        return None if ok else why

    # -- entry points

    def open_dialog(self) -> CaptureDialog | None:
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        if not self._service().is_unlocked or not self._case_id():
            problem = self.problem_text()
            if problem:
                self._tell(problem)
            return None
        dlg = CaptureDialog(self.host, self)
        dlg.capture_requested.connect(self.capture)
        dlg.import_requested.connect(self.import_instead)
        dlg.finished.connect(lambda _r: self._dialog_closed(dlg))
        self.dialog = dlg
        self._open_dialog(dlg)
        return dlg

    def _dialog_closed(self, dlg: CaptureDialog) -> None:
        if self.dialog is dlg:
            self.dialog = None

    def capture(self, request: CaptureRequest, source: Source | None = None) -> bool:
        """Start a capture; the result arrives through ``stored`` or ``problem``."""
        problem = self.problem_text()
        if problem:
            self._tell(problem)
            return False
        session = self.session_for_case()
        self._source = source if source is not None else session.prefill()
        self._case_for_grab = session.case_id
        return self.controller.start(request)

    def import_instead(self) -> None:
        if self._import_files is not None:
            self._import_files()

    def forget(self, *, restore: bool = True) -> None:
        """The vault locked: stop any capture, forget the session's sources and sets."""
        self.controller.abort(restore=restore)
        self.session = CaptureSession()
        self._source = None
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.reject()
        self.dialog = None

    def shutdown(self) -> None:
        """Quick exit or quit: stop at once, bring nothing back on screen, remove the tray icon."""
        self.forget(restore=False)
        if self.tray is not None:
            self.tray.hide()

    # -- results

    def _grabbed(self, grab: Grab) -> None:
        svc = self._service()
        session = self.session
        source = self._source or Source()
        if not svc.is_unlocked or session.case_id != self._case_for_grab or session.case_id is None:
            log.info("capture dropped: the vault locked or the case changed meanwhile")
            return

        if svc.is_record_only(session.case_id):
            # Record-only case (issue 9): only a redacted version will be stored, so the person
            # first chooses what to hide (chat text stays readable, the picture goes black).
            def encode(ctx: JobContext) -> CaptureResult:
                return grab.result()  # PNG in memory, on the worker thread

            self.worker.start(
                encode,
                name="capture-encode",
                on_done=lambda result: self._choose_hidden(result, source),
                on_error=self._failed,
            )
            return

        def run(ctx: JobContext) -> AddResult:
            result = grab.result()  # PNG in memory, on the worker thread
            return session.store(svc, result, source)

        self.worker.start(run, name="capture", on_done=self._stored, on_error=self._failed)

    def _choose_hidden(self, result: CaptureResult, source: Source) -> None:
        from .redact_dialog import RedactDialog

        svc, session, case_id = self._service(), self.session, self.session.case_id
        parent = self.dialog if self.dialog is not None and shiboken6.isValid(self.dialog) else self.host
        def log_view() -> None:
            if case_id is not None:
                svc.vault.log_event("view", case_id=case_id, data={"stage": "before-recording", "what": "capture"})

        dlg = RedactDialog(parent, result.png, record_only=True, log_view=log_view)
        self.redact_dialog = dlg

        def chosen(code: int) -> None:
            self.redact_dialog = None
            dlg.take_data()  # the dialog forgets its copy; ``result`` is the only one left
            if code != QDialog.DialogCode.Accepted or not svc.is_unlocked or self.session.case_id != case_id:
                self._tell(t("Nothing was saved."))
                return
            regions = dlg.rects()

            def run(ctx: JobContext) -> AddResult:
                return session.store(svc, result, source, regions=regions)

            self.worker.start(run, name="capture", on_done=self._stored, on_error=self._failed)

        dlg.finished.connect(chosen)
        self._open_dialog(dlg)

    def _stored(self, res: AddResult) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.show_stored(res)
            if not res.duplicate:  # ready for the next part: same place, new "when" and "why"
                self.dialog.form.set_source(self.session.prefill())
        if self._on_stored is not None:
            self._on_stored(res)
        self._tray_message(t("Saved as {exhibit}.", exhibit=exhibit_label(res.item)))
        self.stored.emit(res)

    def _failed(self, error: Exception) -> None:
        log.info("capture failed: %s", type(error).__name__)
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.show_problem(error)
        else:
            self._show_error(error)
        self.problem.emit(error)

    def _tell(self, text: str) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.outcome.setText(text)
        elif self.tray is not None and self.tray.isVisible() and not self.host.isVisible():
            self._tray_message(text)
        else:
            self._show_error(CaptureError("", ko=text, en=text))

    def _countdown(self, seconds: int) -> None:
        if self.tray is not None:
            self.tray.setToolTip(t("Capturing in {n} s…", n=seconds) if seconds else self.host.windowTitle())

    def _tray_message(self, text: str) -> None:
        if self.tray is not None and self.tray.isVisible() and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(self.host.windowTitle(), text, QSystemTrayIcon.MessageIcon.Information, 2500)


# --------------------------------------------------------------------- tray


def make_tray(flow: CaptureFlow, window: QWidget) -> QSystemTrayIcon | None:
    """A tray icon with capture actions, so a capture can start while the app is in the background."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(window.windowIcon(), flow)
    menu = QMenu(window)  # owned by the window: deleted with it

    def show_window() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    def open_dialog() -> None:
        show_window()
        flow.open_dialog()

    def rebuild() -> None:
        """Built each time it opens: always in the current language, with what is possible now."""
        menu.clear()
        blocked = flow.problem_text()
        for text, mode in ((t("Capture the whole screen"), MODE_SCREEN), (t("Capture an area"), MODE_REGION)):
            a = menu.addAction(text)
            a.setEnabled(blocked is None)
            a.triggered.connect(lambda _c=False, m=mode: flow.capture(CaptureRequest(m)))
        more = menu.addAction(t("Capture screen…"))
        more.setEnabled(blocked is None)
        more.triggered.connect(lambda _c=False: open_dialog())
        if blocked:
            note = menu.addAction(safe_text(blocked, 120))
            note.setEnabled(False)
        menu.addSeparator()
        menu.addAction(t("Show the window")).triggered.connect(lambda _c=False: show_window())

    menu.aboutToShow.connect(rebuild)
    rebuild()
    tray.setContextMenu(menu)
    tray.setToolTip(window.windowTitle())
    window.windowIconChanged.connect(tray.setIcon)
    window.windowTitleChanged.connect(tray.setToolTip)
    tray.activated.connect(
        lambda reason: show_window() if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
    tray.show()
    return tray


def install_capture(window: MainWindow) -> CaptureFlow:
    """Wire capture into the main window: its service, worker, case, dialogs and lock."""

    def case_id() -> str | None:
        return window.workspace.case_id if window.service.is_unlocked else None

    def stored(res: AddResult) -> None:
        ws = window.workspace
        if ws.case_id == res.item.case_id:
            ws.refresh_items(select_id=res.item.id)
            if not res.duplicate:
                ws.status.setText(t("Screen captured and saved as {exhibit}.", exhibit=exhibit_label(res.item)))

    flow = CaptureFlow(
        window,
        service=lambda: window.service,
        worker=window.worker,
        case_id=case_id,
        show_error=window.show_error,
        open_dialog=window.open_dialog,
        on_stored=stored,
        import_files=lambda: window.workspace.import_files(),
    )
    window.locked.connect(flow.forget)
    window.safety.quick_exit.connect(flow.shutdown)  # before the lock, which would show the windows again
    window.exit_requested.connect(flow.shutdown)
    flow.tray = make_tray(flow, window)
    return flow
