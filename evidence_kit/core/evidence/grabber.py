"""Who reads the pixels: the grabber interface, and a Pillow fake for tests with no display.

The app's Qt grabber implements :class:`ScreenGrabber`; :class:`FakeGrabber` paints pictures."""

from __future__ import annotations

import io
from typing import Any, Protocol, runtime_checkable

from ..common.clock import Clock
from ..platforms.desktop import Rect, WindowInfo
from .capture import (
    MODE_ALL,
    MODE_REGION,
    MODE_WINDOW,
    CaptureError,
    CaptureRequest,
    CaptureResult,
    ScreenInfo,
    make_context,
)


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
