"""Choose what to black out in a picture (issue 9): rectangles drawn with the mouse.

The picture comes from bytes in memory and is only painted on screen; nothing is written
anywhere. The dialog returns ``core.redact.Rect`` in the picture's own pixels; making the
redacted image is the core's job (``core.redact`` through the vault or the service).
No rectangles means "pixelate the whole picture".

The picture opens blurred (issue 16), like every other preview: rectangles can be drawn on
the blurred view, and seeing it sharp is a deliberate choice that the caller records in the
custody log (``log_view``) before it is shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QImageReader,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QShortcut,
)
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ..core.evidence.redact import Rect
from .dialogs import dialog_buttons
from .i18n import t
from .widgets import SafeLabel, fit_to_screen, make_button, named

log = logging.getLogger(__name__)

# The picture is shown at most this many pixels across (the rectangles stay in full-size pixels).
SHOW_MAX_SIDE = 4096
MIN_RECT = 3  # picture pixels; a click without a drag draws nothing
# The blurred view keeps this many pixels across: enough to tell the address bar and the
# text lines from the picture area, not enough to recognise a face or a body.
BLUR_SIDE = 24

# What the person chose for one picture (record-only imports): black out areas, or pixelate it all.
CHOICE_AREAS = "areas"
CHOICE_PIXELATE = "pixelate"


def read_image(data: bytes, max_side: int = SHOW_MAX_SIDE) -> tuple[QImage, QSize] | None:
    """(picture to show, the picture's full size) decoded in memory; None if it is not a picture."""
    ba = QByteArray(data)
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buf)
    reader.setAutoTransform(False)  # rectangles are in stored pixels, as core.redact sees them
    full = reader.size()
    if not full.isValid() or full.isEmpty():
        return None
    if max(full.width(), full.height()) > max_side:
        reader.setScaledSize(full.scaled(max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio))
    img = reader.read()
    buf.close()
    if img.isNull():
        return None
    return img, full


def blur_image(image: QImage) -> QImage:
    """A soft wash of the picture: shrunk to BLUR_SIDE pixels, then scaled up smoothly."""
    if image.width() <= 1 and image.height() <= 1:
        return image
    small = image.scaled(QSize(BLUR_SIDE, BLUR_SIDE), Qt.AspectRatioMode.KeepAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    mid = small.scaled(small.size() * 4, Qt.AspectRatioMode.KeepAspectRatio,
                       Qt.TransformationMode.SmoothTransformation)
    return mid


class RedactCanvas(QWidget):
    """The picture scaled to fit, with the chosen rectangles painted solid black over it."""

    changed = Signal()

    def __init__(self, image: QImage, full: QSize, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = image
        self._full = full
        self._blurred = blur_image(image)
        self.sharp = False  # the owner turns this on only after the view was logged
        self._rects: list[Rect] = []
        self._start: QPointF | None = None
        self._current: QPointF | None = None
        self.setMinimumSize(240, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)

    # -- geometry

    def image_rect(self) -> QRectF:
        """Where the picture is drawn in the widget (scaled to fit, centred)."""
        avail = self.contentsRect()
        fw, fh = self._full.width(), self._full.height()
        scale = min(avail.width() / fw, avail.height() / fh)
        w, h = fw * scale, fh * scale
        return QRectF(avail.x() + (avail.width() - w) / 2, avail.y() + (avail.height() - h) / 2, w, h)

    def to_image(self, p: QPointF) -> QPointF:
        r = self.image_rect()
        x = (p.x() - r.x()) * self._full.width() / r.width()
        y = (p.y() - r.y()) * self._full.height() / r.height()
        return QPointF(min(max(x, 0.0), self._full.width()), min(max(y, 0.0), self._full.height()))

    def to_widget(self, rect: Rect) -> QRectF:
        r = self.image_rect()
        sx, sy = r.width() / self._full.width(), r.height() / self._full.height()
        return QRectF(r.x() + rect.x * sx, r.y() + rect.y * sy, rect.w * sx, rect.h * sy)

    def widget_point(self, x: int, y: int) -> QPoint:
        """The widget position of picture pixel (x, y); for tests and keyboard helpers."""
        r = self.image_rect()
        return QPoint(round(r.x() + (x + 0.5) * r.width() / self._full.width()),
                      round(r.y() + (y + 0.5) * r.height() / self._full.height()))

    @staticmethod
    def _rect_between(a: QPointF, b: QPointF) -> Rect:
        x0, x1 = sorted((a.x(), b.x()))
        y0, y1 = sorted((a.y(), b.y()))
        x, y = int(x0), int(y0)
        return Rect(x, y, max(0, round(x1) - x), max(0, round(y1) - y))

    # -- the rectangles

    def rects(self) -> list[Rect]:
        return list(self._rects)

    def add_rect(self, rect: Rect) -> None:
        if rect.w >= MIN_RECT and rect.h >= MIN_RECT:
            self._rects.append(rect)
            self.changed.emit()
            self.update()

    def undo(self) -> None:
        if self._rects:
            self._rects.pop()
            self.changed.emit()
            self.update()

    def clear(self) -> None:
        if self._rects:
            self._rects.clear()
            self.changed.emit()
            self.update()

    # -- mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._start = self._current = self.to_image(event.position())
            self.update()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._start is not None:
            self._current = self.to_image(event.position())
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._start is not None and event.button() == Qt.MouseButton.LeftButton:
            start, self._start, self._current = self._start, None, None
            self.add_rect(self._rect_between(start, self.to_image(event.position())))
            self.update()

    # -- painting

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().window())
        target = self.image_rect()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(target, self._image if self.sharp else self._blurred)
        outline = QPen(QColor(220, 40, 40), 2)
        for r in self._rects:
            wr = self.to_widget(r)
            p.fillRect(wr, QColor(0, 0, 0))
            p.setPen(outline)
            p.drawRect(wr)
        if self._start is not None and self._current is not None:
            live = self.to_widget(self._rect_between(self._start, self._current))
            p.fillRect(live, QColor(0, 0, 0, 140))
            p.setPen(QPen(QColor(220, 40, 40), 2, Qt.PenStyle.DashLine))
            p.drawRect(live)
        if self.hasFocus():
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawRect(QRect(1, 1, self.width() - 2, self.height() - 2))
        p.end()


class RedactDialog(QDialog):
    """Draw rectangles to black out; none means the whole picture is pixelated.

    ``record_only``: the picture is about to be recorded in a record-only case (only the
    redacted version will be stored). Otherwise a redacted copy of an item is being made.
    """

    def __init__(
        self,
        parent: QWidget | None,
        data: bytes,
        *,
        record_only: bool,
        log_view: Callable[[], None] | None = None,
        remaining: int = 0,
        name: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Choose what to hide"))
        self._log_view = log_view
        self.choice = CHOICE_AREAS
        self._data: bytes | None = data  # in memory only, for the caller to seal after OK
        decoded = read_image(data)
        if decoded is None:
            decoded = (QImage(1, 1, QImage.Format.Format_RGB32), QSize(1, 1))
            decoded[0].fill(QColor(0, 0, 0))
        image, full = decoded
        self.canvas = named(RedactCanvas(image, full), t("Picture: drag to choose an area to black out"))
        self.canvas.changed.connect(self._update)
        if record_only:
            intro = t("This case is record only: the original picture is not stored. Drag over the parts to "
                      "black out so that the rest (address bar, account, time) stays readable; with no areas "
                      "the whole picture is pixelated. Cancel stores nothing.")
        else:
            intro = t("A new redacted copy is made and linked to the sealed original, which stays as it is. Drag "
                      "over the parts to black out; with no areas the whole picture is pixelated.")
        self.intro = SafeLabel(intro, wrap=True)
        self.file_label = SafeLabel(name, elide=Qt.TextElideMode.ElideMiddle, data=True)
        self.file_label.setVisible(bool(name))
        named(self.file_label, t("File"))
        self.show_button = named(QCheckBox(t("Show the picture clearly")), t("Show the picture clearly"))
        self.show_button.setToolTip(t("The picture is blurred to protect you; you can draw areas on the blurred "
                                      "view. Showing it clearly is recorded in the custody log."))
        self.show_button.toggled.connect(self._show_toggled)
        self.blur_note = SafeLabel(wrap=True)
        row = self._build_buttons(record_only=record_only, remaining=remaining, name=name)
        show_row = QHBoxLayout()
        show_row.addWidget(self.show_button)
        show_row.addWidget(self.blur_note, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.intro)
        lay.addWidget(self.file_label)
        lay.addLayout(show_row)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.summary)
        if self.apply_all is not None:
            lay.addWidget(self.apply_all)
        lay.addLayout(row)
        fit_to_screen(self, 760, 620)
        self._update()

    def _build_buttons(self, *, record_only: bool, remaining: int, name: str) -> QHBoxLayout:
        """Undo, Clear, (Pixelate all), OK and Cancel; the summary and "use for the rest" above them."""
        # Record-only imports: "pixelate all" is one choice among others, and the choice can be
        # used for every remaining picture of the same import.
        self.pixelate_button: QPushButton | None = None
        self.apply_all: QCheckBox | None = None
        if remaining > 0 or name:
            self.pixelate_button = make_button(t("Pixelate the whole picture"), self._pixelate)
            self.pixelate_button.setAutoDefault(False)
        if remaining > 0:
            self.apply_all = named(QCheckBox(t("Use this choice for the other {n} picture(s) of this import",
                                                 n=remaining)),
                                   t("Use this choice for the other pictures of this import"))
        self.summary = SafeLabel(wrap=True)
        self.undo_button = make_button(t("Undo last area"), self.canvas.undo)
        self.clear_button = make_button(t("Clear all areas"), self.canvas.clear)
        self.buttons = dialog_buttons(self, t("Save") if record_only else t("Make the copy"), t("Cancel"))
        self.ok_button = self.buttons.buttons()[0]
        for seq, slot in ((QKeySequence.StandardKey.Undo, self.canvas.undo), (QKeySequence.StandardKey.Delete,
                                                                                 self.canvas.clear)):
            sc = QShortcut(QKeySequence(seq), self)
            sc.activated.connect(slot)
        for b in (self.undo_button, self.clear_button):
            b.setAutoDefault(False)  # Enter confirms the dialog, never "undo"
        row = QHBoxLayout()
        row.addWidget(self.undo_button)
        row.addWidget(self.clear_button)
        if self.pixelate_button is not None:
            row.addWidget(self.pixelate_button)
        row.addStretch(1)
        row.addWidget(self.buttons)
        return row

    @property
    def sharp(self) -> bool:
        return self.canvas.sharp

    def _show_toggled(self, on: bool) -> None:
        if on and not self.canvas.sharp:
            try:
                if self._log_view is not None:
                    self._log_view()  # recorded first; if that fails the picture stays blurred
            except Exception as e:  # a failed log must never show the picture
                log.warning("view not logged, picture stays blurred: %s", type(e).__name__)
                self.show_button.blockSignals(True)
                self.show_button.setChecked(False)
                self.show_button.blockSignals(False)
                self.blur_note.setText(t("The view could not be recorded, so the picture stays blurred."))
                return
            self.canvas.sharp = True
        elif not on:
            self.canvas.sharp = False
        self.canvas.update()
        self._update()

    def _pixelate(self) -> None:
        self.choice = CHOICE_PIXELATE
        self.canvas.clear()
        self.accept()

    def apply_to_rest(self) -> bool:
        return self.apply_all is not None and self.apply_all.isChecked()

    def take_data(self) -> bytes:
        """The picture's bytes, handed back once (the dialog then forgets them)."""
        data, self._data = self._data or b"", None
        return data

    def rects(self) -> list[Rect]:
        """The chosen areas in the picture's own pixels."""
        return self.canvas.rects()

    def _update(self) -> None:
        n = len(self.canvas.rects())
        self.summary.setText(t("{n} area(s) will be blacked out.", n=n) if n
                             else t("No areas chosen: the whole picture will be pixelated."))
        self.blur_note.setText(t("Shown clearly. Viewing was recorded in the custody log.") if self.canvas.sharp
                               else t("Blurred to protect you. You can draw the areas on the blurred picture."))
        self.undo_button.setEnabled(n > 0)
        self.clear_button.setEnabled(n > 0)
