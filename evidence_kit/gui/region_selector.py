"""The full-screen still picture of the desktop a capture region is dragged over (issue 5).

The selector shows a frozen picture, so it is itself never in the evidence.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QCursor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import QWidget

from ..core.evidence.capture import Rect
from .i18n import t
from .screen_grabber import FrozenDesktop, qrect
from .widgets import named

log = logging.getLogger(__name__)

MIN_REGION = 4  # logical pixels: a click is not a region


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
