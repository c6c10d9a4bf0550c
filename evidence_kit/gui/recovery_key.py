"""Showing a recovery key once, with Save and Print (only where the person chooses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.common.errors import EvidenceKitError
from ..core.common.fsutil import atomic_write_bytes
from .dialogs import dialog_buttons
from .file_dialogs import choose_save_path
from .i18n import t
from .widgets import SafeLabel, fit_to_screen, make_button, monospace, named

log = logging.getLogger(__name__)


# -------------------------------------------------------------- recovery key


def recovery_key_text(key: str) -> str:
    return (
        t("Evidence Kit recovery key") + "\n\n" + key + "\n\n"
        + t("Anyone with this key can open the vault. Keep it somewhere safe and private.") + "\n"
    )


class RecoveryKeyView(QWidget):
    """Shows a recovery key once, with Save and Print (only where the person chooses)."""

    saved = Signal(object)

    def __init__(self, key: str, parent: QWidget | None = None, *, on_error: Callable[[BaseException], None]) -> None:
        super().__init__(parent)
        self.key = key
        self._on_error = on_error
        lay = QVBoxLayout(self)
        lay.addWidget(SafeLabel(t("This is your recovery key. If you ever forget the passphrase, it is the only way "
                                  "to open the vault. It is shown only now."), wrap=True))
        self.key_label = QLabel(key)
        self.key_label.setTextFormat(Qt.TextFormat.PlainText)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setWordWrap(True)
        font = monospace()
        font.setPointSizeF(max(QFont().pointSizeF(), 9) * 1.3)
        self.key_label.setFont(font)
        named(self.key_label, t("Recovery key"))
        self.key_label.setProperty("untrusted", True)  # data, not words to translate
        lay.addWidget(self.key_label)
        # Issue 16: copied by hand, a key must not be misread.
        self.alphabet_note = SafeLabel(t("Only the letters A to Z and the digits 2 to 7 are used: there is no 0 or 1, "
                                         "so O and I are always letters. The dashes only separate groups of four."),
                                       wrap=True)
        lay.addWidget(self.alphabet_note)
        lay.addWidget(SafeLabel(t("Write it on paper, or save or print it and keep it away from this computer."),
                                wrap=True))
        self.saved_note = SafeLabel(wrap=True, data=True)
        self.saved_note.setVisible(False)
        lay.addWidget(self.saved_note)
        written = t("I have written it down or saved it")
        self.written = named(QCheckBox(written), written)
        lay.addWidget(self.written)
        row = QHBoxLayout()
        self.save_button = make_button(t("Save as a file…"), self.save)
        self.print_button = make_button(t("Print…"), self.print_key)
        row.addWidget(self.save_button)
        row.addWidget(self.print_button)
        row.addStretch(1)
        lay.addLayout(row)

    def save(self) -> None:
        path = choose_save_path(self, t("Save the recovery key"), "recovery-key.txt")
        if path is None:
            return
        try:
            atomic_write_bytes(path, recovery_key_text(self.key).encode("utf-8"))
        except (OSError, EvidenceKitError) as e:
            self._on_error(e)
            return
        self.saved_note.setText(t("Saved: {path}. Move this file away from this computer (a USB stick you keep "
                                  "safe, or print it and delete the file).", path=str(path)))
        self.saved_note.setVisible(True)
        self.written.setChecked(True)
        self.saved.emit(path)

    def print_key(self) -> None:
        try:
            from PySide6.QtGui import QPainter
            from PySide6.QtPrintSupport import QPrintDialog, QPrinter
        except ImportError as e:  # a build without print support
            self._on_error(e)
            return
        printer = QPrinter()
        dlg = QPrintDialog(printer, self)
        dlg.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)  # paper, not a stray file
        if dlg.exec() != QDialog.DialogCode.Accepted:
            return
        painter = QPainter(printer)
        try:
            painter.setFont(monospace())
            rect = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            painter.drawText(rect, int(Qt.TextFlag.TextWordWrap), recovery_key_text(self.key))
        finally:
            painter.end()


class RecoveryKeyDialog(QDialog):
    def __init__(self, parent: QWidget | None, key: str, on_error: Callable[[BaseException], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Recovery key"))
        lay = QVBoxLayout(self)
        self.view = RecoveryKeyView(key, on_error=on_error)
        lay.addWidget(self.view)
        buttons = dialog_buttons(self, t("Done"))
        done = buttons.buttons()[0]
        done.setEnabled(False)  # only once the person says the key is kept somewhere
        self.view.written.toggled.connect(done.setEnabled)
        lay.addWidget(buttons)
        fit_to_screen(self, 560, 300)
