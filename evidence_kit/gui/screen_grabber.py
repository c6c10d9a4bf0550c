"""Reading the screen's pixels with Qt (issue 5): whole screens, windows, frozen desktops and crops.

``QScreen.grabWindow`` reads the pixels; the PNG is encoded in memory (``QBuffer``, never a file).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect
from PySide6.QtGui import QColor, QCursor, QGuiApplication, QImage, QPainter, QPixmap, QScreen

from ..core.common.clock import Clock
from ..core.evidence.capture import (
    MODE_ALL,
    MODE_REGION,
    MODE_SCREEN,
    MODE_WINDOW,
    CaptureContext,
    CaptureError,
    CaptureRequest,
    CaptureResult,
    ScreenInfo,
    make_context,
)
from ..core.platforms import can_list_native_windows, native_window_list, native_windows
from ..core.platforms.desktop import Rect, WindowInfo
from .x11_windows import X11Windows

log = logging.getLogger(__name__)


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
    """:class:`~evidence_kit.core.evidence.grabber.ScreenGrabber` with Qt: ``QScreen.grabWindow``."""

    name = "qt"

    def __init__(self, *, clock: Clock | None = None, x11: X11Windows | None = None) -> None:
        self.clock = clock or Clock()
        self.x11 = x11 if x11 is not None else X11Windows()
        # (Korean, English) when the OS hid the window titles until a permission is given (macOS)
        self.permission_note: tuple[str, str] = ("", "")

    # -- what there is

    def screens(self) -> list[ScreenInfo]:
        return [screen_info(s) for s in QGuiApplication.screens()]

    @property
    def can_list_windows(self) -> bool:
        return self.x11.available or can_list_native_windows()

    def windows(self) -> list[WindowInfo]:
        if self.x11.available:
            self.permission_note = ("", "")
            return self.x11.windows()
        found = native_window_list()
        self.permission_note = (found.permission_ko, found.permission_en)
        return found.windows

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
