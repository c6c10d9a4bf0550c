"""One capture's steps (issue 5): hide the app, wait, grab (or let the person drag a region), show it again."""

from __future__ import annotations

import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from ..core.evidence.capture import MODE_WINDOW, CaptureRequest, Rect
from .region_selector import RegionSelector
from .screen_grabber import FrozenDesktop, Grab, QtScreenGrabber

log = logging.getLogger(__name__)

HIDE_SETTLE_MS = 350  # after hiding our windows: the window system repaints what was behind them
ACTIVATE_SETTLE_MS = 300  # after bringing a window to the front


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

