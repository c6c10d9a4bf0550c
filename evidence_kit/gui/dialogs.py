"""Dialog building blocks and message dialogs: buttons, scrolling forms, errors, keyboard shortcuts.

The dialogs with a job of their own live beside it (:mod:`.file_dialogs`, :mod:`.source_form`,
:mod:`.case_dialog`, :mod:`.settings_dialog`, :mod:`.recovery_key`). Dialogs are built in their
constructors and shown by the caller (``open()`` or ``exec()``), never from inside the
constructor, so tests can build them and drive them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import EvidenceKitError
from .display import safe_text
from .i18n import language, t
from .widgets import SafeLabel, fit_to_screen, make_button, named

log = logging.getLogger(__name__)


# --------------------------------------------------------------------- buttons


def dialog_buttons(dialog: QDialog, ok_text: str, cancel_text: str | None = None) -> QDialogButtonBox:
    """OK/Cancel with our own words (and accessible names)."""
    box = QDialogButtonBox()
    ok = box.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
    named(ok, ok_text)
    ok.setDefault(True)
    if cancel_text:
        cancel = box.addButton(cancel_text, QDialogButtonBox.ButtonRole.RejectRole)
        named(cancel, cancel_text)
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box


def scrolled(inner: QWidget) -> QScrollArea:
    """Long forms scroll instead of being cut off at 200 % scaling."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(inner)
    return area


def plain_box(text: str = "", name: str = "", *, read_only: bool = False, lines: int = 3) -> QPlainTextEdit:
    box = named(QPlainTextEdit(), name)
    box.setPlainText(text)
    box.setReadOnly(read_only)
    box.setTabChangesFocus(True)  # Tab moves on (keyboard use); text needs no tab characters
    # As tall as ``lines`` lines: forms stay compact and scroll rather than stretch.
    height = box.fontMetrics().lineSpacing() * (lines + 1) + 12
    box.setMinimumHeight(height)
    if not read_only:
        box.setMaximumHeight(height)
    return box


def line_edit(text: str = "", name: str = "", placeholder: str = "") -> QLineEdit:
    edit = named(QLineEdit(text), name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


# -------------------------------------------------------------------- messages


class MessageDialog(QDialog):
    """A message with optional copyable details: errors, import results, verification."""

    def __init__(
        self, parent: QWidget | None, title: str, message: str, details: str = "", *, show_details: bool = False,
        open_folder: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title.rstrip(".").rstrip())  # window titles carry no full stop
        self.setModal(True)
        self.message = SafeLabel(message, wrap=True, selectable=True)
        named(self.message, title)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        self.details = plain_box(safe_text(details, 100_000, multiline=True), t("Details"), read_only=True, lines=6)
        self.details.setVisible(bool(details) and show_details)
        lay.addWidget(self.details, 1)
        row = QHBoxLayout()
        if details:
            self.toggle = make_button(t("Hide details") if show_details else t("Show details"), self._toggle)
            self.copy = make_button(t("Copy details"), self._copy)
            row.addWidget(self.toggle)
            row.addWidget(self.copy)
        self.open_folder_button = None
        if open_folder is not None:  # done dialogs (report, bundle): where the files are
            folder = open_folder

            def open_it() -> None:
                from PySide6.QtCore import QUrl
                from PySide6.QtGui import QDesktopServices

                QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

            self.open_folder_button = make_button(t("Open folder"), open_it)
            row.addWidget(self.open_folder_button)
        row.addStretch(1)
        self.ok = make_button(t("Close"), self.accept, default=True)
        row.addWidget(self.ok)
        lay.addLayout(row)
        fit_to_screen(self, 560, 320 if details and show_details else 160)

    def _toggle(self) -> None:
        self.details.setVisible(not self.details.isVisible())
        self.toggle.setText(t("Hide details") if self.details.isVisible() else t("Show details"))
        self.toggle.setAccessibleName(self.toggle.text())
        self.adjustSize()

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())


def error_text(exc: BaseException) -> tuple[str, str]:
    """(the sentence to show, copyable details) for any exception; never a traceback."""
    if isinstance(exc, EvidenceKitError):
        return exc.message(language()), f"{type(exc).__name__}: {exc.detail}" if exc.detail else type(exc).__name__
    if isinstance(exc, OSError):
        what = exc.strerror or type(exc).__name__
        return (t("The computer could not read or write a file: {what}", what=what),
                f"{type(exc).__name__}: {exc.filename or ''}")
    return (t("Something unexpected went wrong. Evidence that was already saved is safe."),
            f"{type(exc).__name__}: {exc}")


def error_dialog(parent: QWidget | None, exc: BaseException) -> MessageDialog:
    message, details = error_text(exc)
    return MessageDialog(parent, t("Problem"), message, details)


# ---------------------------------------------------------------- shortcuts


def shortcut_help() -> str:
    rows = [
        ("Esc, Esc", t("Quick exit: lock and close at once")),
        ("Ctrl+Shift+Q", t("Quick exit: lock and close at once")),
        ("Ctrl+L", t("Lock")),
        ("Ctrl+N", t("New case")),
        ("Ctrl+I", t("Import files")),
        ("Ctrl+Shift+I", t("Import a folder")),
        ("Ctrl+Shift+V", t("Paste an image")),
        ("Ctrl+F", t("Search the evidence list")),
        ("Ctrl+S", t("Save source details")),
        ("Ctrl+P", t("Make a report (PDF)…")),
        ("Ctrl+E", t("Export for the police…")),
        ("Ctrl+Shift+S", t("Capture screen…")),
        ("Ctrl+,", t("Settings")),
        ("F1", t("Keyboard shortcuts")),
    ]
    return "\n".join(f"{keys:14}  {what}" for keys, what in rows)


def shortcuts_dialog(parent: QWidget | None) -> MessageDialog:
    return MessageDialog(parent, t("Keyboard shortcuts"), t("Everything can be done with the keyboard. "
                                                             "Tab moves between controls."),
                         shortcut_help(), show_details=True)
