"""Small widgets the screens share: the safe label, the blurred preview, named controls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QImage, QImageReader, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .display import safe_text, tooltip_html
from .i18n import t

log = logging.getLogger(__name__)

W = TypeVar("W", bound=QWidget)

PREVIEW_MAX_SIDE = 1600  # a revealed preview is decoded no larger than this
BLUR_SIDE = 8  # the blurred preview keeps only this many pixels across: a wash of colour, no shapes
DECODE_LIMIT_MB = 256


def named(widget: W, name: str) -> W:
    """Give a control the name screen readers announce (and tests find it by)."""
    widget.setAccessibleName(name.replace("&", ""))
    return widget


def make_button(text: str, slot: Callable[[], object] | None = None, *, default: bool = False) -> QPushButton:
    b = named(QPushButton(text), text)
    if slot is not None:
        b.clicked.connect(lambda _checked=False: slot())
    if default:
        b.setDefault(True)
        b.setAutoDefault(True)
    else:
        # Issue 16: in a dialog Enter confirms the dialog; it never presses a button that
        # changes data (the source form's "Now" overwrote "When you saw it"). Space still
        # presses the focused button.
        b.setAutoDefault(False)
    return b


def fit_to_screen(window: QWidget, width: int, height: int, *, margin: float = 0.92) -> None:
    """Resize to ``width`` x ``height`` logical pixels, but never beyond the screen's
    available area (issue 16: at 200 % a fixed size put buttons off-screen)."""
    screen = window.screen() if window.screen() is not None else QGuiApplication.primaryScreen()
    if screen is not None:
        avail = screen.availableGeometry()
        width = min(width, int(avail.width() * margin))
        height = min(height, int(avail.height() * margin))
    window.resize(max(width, 200), max(height, 150))


class SafeLabel(QLabel):
    """A label for untrusted text: plain text only, control characters made visible,
    elided to the width it has (the full text in an escaped tooltip), or wrapped."""

    def __init__(
        self,
        text: str = "",
        parent: QWidget | None = None,
        *,
        wrap: bool = False,
        elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
        selectable: bool = False,
        limit: int = 2000,
        data: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        # Marks labels that show evidence or user data rather than the app's own words
        # (the translation test skips their text, never their accessible name).
        self.setProperty("untrusted", data)
        self.setOpenExternalLinks(False)
        self._wrap = wrap
        self._elide = elide
        self._limit = limit
        self._full = ""
        if wrap:
            self.setWordWrap(True)
        else:
            self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        if selectable:
            self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = safe_text(text, self._limit, multiline=self._wrap)
        self._refresh()

    def full_text(self) -> str:
        return self._full

    def setTextFormat(self, fmt: Qt.TextFormat) -> None:
        # Only plain text, ever: a caller cannot turn this label into a rich-text one.
        super().setTextFormat(Qt.TextFormat.PlainText)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._wrap:
            self._refresh()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return hint if self._wrap else QSize(min(hint.width(), 60), hint.height())

    def _refresh(self) -> None:
        if self._wrap:
            shown = self._full
        else:
            width = max(self.contentsRect().width(), 20)
            shown = self.fontMetrics().elidedText(self._full, self._elide, width)
        super().setText(shown)
        self.setToolTip(tooltip_html(self._full) if shown != self._full else "")


def decode_image(data: bytes, max_side: int = PREVIEW_MAX_SIDE) -> QImage | None:
    """Decode an image in memory, no larger than ``max_side`` pixels across; None if it is not one.

    The bytes never touch the disk; Qt's decoders run with an allocation limit, and big
    images are decoded straight to the smaller size (cheap for JPEG).
    """
    ba = QByteArray(data)
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    reader.setAllocationLimit(DECODE_LIMIT_MB)
    reader.setAutoTransform(True)  # EXIF orientation
    size = reader.size()
    if size.isValid() and max(size.width(), size.height()) > max_side:
        reader.setScaledSize(size.scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio))
    img = reader.read()
    buf.close()
    if img.isNull():
        log.info("no preview: %s", reader.errorString())
        return _decode_with_pillow(data, max_side)
    return img


def _decode_with_pillow(data: bytes, max_side: int) -> QImage | None:
    """Formats Qt has no plugin for (HEIC/HEIF, AVIF): the core's in-memory decoder."""
    from ..core.evidence.preview import preview_image

    try:
        im = preview_image(data, blur=False, max_side=max_side)
    except Exception as e:  # undecodable or too large: no preview, as for Qt
        log.info("no preview: %s", type(e).__name__)
        return None
    raw = im.tobytes("raw", "RGB")
    img = QImage(raw, im.width, im.height, 3 * im.width, QImage.Format.Format_RGB888)
    return img.copy()  # own the pixels: ``raw`` goes away with this frame


def shrink_for_blur(img: QImage) -> QImage:
    """The only copy a blurred preview keeps: a tiny version of the picture."""
    return img.scaled(
        QSize(BLUR_SIDE, BLUR_SIDE), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def blurred_pixmap(small: QImage, target: QSize) -> QPixmap:
    """Scale the tiny copy up in two smooth steps: a soft wash of colour, not a picture."""
    mid = small.scaled(
        small.size() * 3, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )
    up = mid.scaled(target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return QPixmap.fromImage(up)


class BlurredPreview(QWidget):
    """A preview that is blurred until the person deliberately reveals it.

    While blurred it holds only a tiny copy of the picture. Revealing asks the owner
    (``reveal_requested``) for the image, which the owner reads from the vault so the
    view is logged; :meth:`conceal` (on every selection change) drops it again.
    """

    reveal_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._small: QImage | None = None
        self._revealed: QImage | None = None
        self.view = named(QLabel(), t("Preview"))
        self.view.setTextFormat(Qt.TextFormat.PlainText)
        self.view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.view.setWordWrap(True)
        self.view.setMinimumSize(160, 60)  # small enough for 200 % on a 1600x1000 screen
        self.view.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.view.setStyleSheet("QLabel { background: #3a3f44; color: #f0f0f0; border-radius: 4px; }")
        self.notice = SafeLabel(wrap=True)
        self.button = make_button(t("Reveal"), self._toggle)
        self.button.setToolTip(t("Show the picture clearly. Viewing is recorded in the custody log."))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.notice)
        lay.addWidget(self.button)
        self.clear()

    @property
    def revealed(self) -> bool:
        return self._revealed is not None

    @property
    def has_image(self) -> bool:
        return self._small is not None

    def clear(self, message: str = "") -> None:
        """Forget every picture; show ``message`` instead."""
        self._small = None
        self._revealed = None
        self.view.clear()
        self.view.setText(message or t("Select an item to see its details."))
        self.notice.setText("")
        self.button.setEnabled(False)
        self.button.setText(t("Reveal"))

    def set_image(self, img: QImage) -> None:
        """Show ``img`` blurred; only a tiny copy of it is kept."""
        self._small = shrink_for_blur(img)
        self._revealed = None
        self.notice.setText(t("Blurred to protect you. Reveal it only when you are ready."))
        self.button.setEnabled(True)
        self.button.setText(t("Reveal"))
        self._render()

    def show_revealed(self, img: QImage) -> None:
        self._revealed = img
        self.notice.setText(t("Shown clearly. It will be blurred again when you select something else."))
        self.button.setText(t("Blur again"))
        self._render()

    def conceal(self) -> None:
        """Back to the blurred view (selection changed, window locked, or the person asked)."""
        if self._revealed is not None:
            self._revealed = None
            self.notice.setText(t("Blurred to protect you. Reveal it only when you are ready."))
            self.button.setText(t("Reveal"))
            self._render()

    def shown_pixmap(self) -> QPixmap:
        return self.view.pixmap()

    def _toggle(self) -> None:
        if self.revealed:
            self.conceal()
        elif self.has_image:
            self.reveal_requested.emit()

    def _render(self) -> None:
        target = self.view.contentsRect().size().expandedTo(QSize(200, 150))
        if self._revealed is not None:
            pm = QPixmap.fromImage(
                self._revealed.scaled(
                    target, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        elif self._small is not None:
            pm = blurred_pixmap(self._small, target)
        else:
            return
        self.view.setPixmap(pm)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._render()


def monospace() -> QFont:
    f = QFont("monospace")
    f.setStyleHint(QFont.StyleHint.Monospace)
    return f
