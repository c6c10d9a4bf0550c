"""Safety features that watch the whole app: idle auto-lock and the quick exit keys.

Quick exit: Esc pressed twice within ``ESC_INTERVAL`` seconds, or Ctrl+Shift+Q, in any
window of the app including dialogs. Key presses are looked at once, when Qt hands them
to a window, before any widget (a text field, a dialog) can swallow them.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QWindow

ESC_INTERVAL = 0.6
ACTIVITY_THROTTLE = 0.5

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
    QEvent.Type.TabletPress,
}


class SafetyFilter(QObject):
    """Installed on the QApplication: reports activity and quick-exit key presses."""

    activity = Signal()
    quick_exit = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._last_esc = 0.0
        self._last_activity = 0.0

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        et = event.type()
        if et in _ACTIVITY:
            now = time.monotonic()
            if now - self._last_activity >= ACTIVITY_THROTTLE:
                self._last_activity = now
                self.activity.emit()
        if et == QEvent.Type.KeyPress and isinstance(obj, QWindow) and isinstance(event, QKeyEvent):
            return self._key(event)
        return False

    def _key(self, event: QKeyEvent) -> bool:
        mods = event.modifiers()
        ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        if event.key() == Qt.Key.Key_Q and (mods & ctrl_shift) == ctrl_shift:
            self.quick_exit.emit()
            return True
        if event.key() == Qt.Key.Key_Escape and not event.isAutoRepeat():
            now = time.monotonic()
            if now - self._last_esc <= ESC_INTERVAL:
                self._last_esc = 0.0
                self.quick_exit.emit()
                return True
            self._last_esc = now
        return False


class IdleLock(QObject):
    """Fires ``timeout`` after a period without keyboard, mouse or touch input."""

    timeout = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.timeout.emit)
        self.set_minutes(minutes)

    def set_minutes(self, minutes: int) -> None:
        self.set_interval_ms(minutes * 60_000)

    def set_interval_ms(self, ms: int) -> None:
        self._timer.setInterval(ms)
        if self._timer.isActive():
            self._timer.start()

    def interval_ms(self) -> int:
        return self._timer.interval()

    def start(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def is_active(self) -> bool:
        return self._timer.isActive()

    def poke(self) -> None:
        """Activity: start counting again (only while armed)."""
        if self._timer.isActive():
            self._timer.start()
