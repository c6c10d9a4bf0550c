"""A focus ring every keyboard user can see (issue 16).

Some styles draw keyboard focus on buttons, check boxes and flat buttons as a faint dotted
line or not at all, so Tab seemed to go nowhere on the welcome and unlock screens. This
proxy style draws the platform look first and then a clear 2-pixel ring in the highlight
colour around the control that has focus.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QStyleOptionComplex, QWidget

RING = 2
_installed: QProxyStyle | None = None

_CONTROLS = (
    QStyle.ControlElement.CE_PushButton,
    QStyle.ControlElement.CE_CheckBox,
    QStyle.ControlElement.CE_RadioButton,
)
_COMPLEX = (
    QStyle.ComplexControl.CC_ToolButton,
    QStyle.ComplexControl.CC_ComboBox,
    QStyle.ComplexControl.CC_SpinBox,
)


class FocusRingStyle(QProxyStyle):
    """The current style plus a visible ring around the focused control."""

    def drawControl(self, element: QStyle.ControlElement, option: QStyleOption, painter: QPainter,
                    widget: QWidget | None = None) -> None:
        super().drawControl(element, option, painter, widget)
        if element in _CONTROLS:
            self._ring(option, painter)

    def drawComplexControl(self, control: QStyle.ComplexControl, option: QStyleOptionComplex, painter: QPainter,
                           widget: QWidget | None = None) -> None:
        super().drawComplexControl(control, option, painter, widget)
        if control in _COMPLEX:
            self._ring(option, painter)

    @staticmethod
    def _ring(option: QStyleOption, painter: QPainter) -> None:
        if not (option.state & QStyle.StateFlag.State_HasFocus):
            return
        color = QColor(option.palette.highlight().color())
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color, RING, Qt.PenStyle.SolidLine))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r: QRect = option.rect.adjusted(1, 1, -1, -1)
        painter.drawRoundedRect(r, 3, 3)
        painter.restore()


def install_focus_ring() -> None:
    """Wrap the application's style once (the app and the tests call it)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or isinstance(app.style(), FocusRingStyle):
        return
    base = app.style().name() if app.style() is not None else ""
    from PySide6.QtWidgets import QStyleFactory

    global _installed
    # Held here as well: if Python collected the wrapper, Qt would paint with a deleted style.
    _installed = FocusRingStyle(QStyleFactory.create(base) if base else None)
    app.setStyle(_installed)
