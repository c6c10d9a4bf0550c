"""Dialogs: messages and errors, case details, the source form, import, settings, recovery key.

Dialogs are built in their constructors and shown by the caller (``open()`` or
``exec()``), never from inside the constructor, so tests can build them and drive them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import EvidenceKitError
from ..core.common.fsutil import atomic_write_bytes
from ..core.common.model import PLATFORMS, POLICY_KEEP, POLICY_RECORD_ONLY, Case, Source
from .display import safe_text
from .i18n import language, t
from .models import platform_label
from .settings import AUTO_LOCK_MAX, AUTO_LOCK_MIN, Settings
from .widgets import SafeLabel, fit_to_screen, make_button, monospace, named

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


# ------------------------------------------------------------ file dialogs
#
# Qt's own (non-native) file dialog is used everywhere: native dialogs add what they
# open to the system's "recent files" (GTK's recently-used.xbel, Windows Jump Lists).
# Qt's dialog itself remembers the last folder and a history in the user's shared
# "QtProject" settings when it is destroyed; we put those values back as they were.

_QT_DIALOG_KEYS = ("FileDialog/history", "FileDialog/lastVisited", "FileDialog/shortcuts")


def _qt_dialog_state() -> dict[str, Any]:
    s = QSettings(QSettings.Scope.UserScope, "QtProject")
    return {k: s.value(k) for k in _QT_DIALOG_KEYS if s.contains(k)}


def _restore_qt_dialog_state(before: dict[str, Any]) -> None:
    s = QSettings(QSettings.Scope.UserScope, "QtProject")
    for k in _QT_DIALOG_KEYS:
        if k in before:
            s.setValue(k, before[k])
        else:
            s.remove(k)
    s.sync()


def run_file_dialog(dlg: QFileDialog) -> list[Path]:
    """Run a file dialog that leaves no trace: no native dialog, no history, no last folder."""
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dlg.setHistory([])
    from .i18n import fill_qt_gaps

    fill_qt_gaps(dlg)
    before = _qt_dialog_state()
    try:
        accepted = dlg.exec() == QDialog.DialogCode.Accepted
        chosen = [Path(p) for p in dlg.selectedFiles()] if accepted else []
    finally:
        dlg.setHistory([])
        shiboken6.delete(dlg)  # Qt writes its settings in the destructor: let it happen now
        _restore_qt_dialog_state(before)
    return chosen


def choose_files(parent: QWidget, title: str) -> list[Path]:
    dlg = QFileDialog(parent, title)
    dlg.setFileMode(QFileDialog.FileMode.ExistingFiles)
    dlg.setDirectory(str(Path.home()))
    return run_file_dialog(dlg)


def choose_folder(parent: QWidget, title: str) -> Path | None:
    dlg = QFileDialog(parent, title)
    dlg.setFileMode(QFileDialog.FileMode.Directory)
    dlg.setOption(QFileDialog.Option.ShowDirsOnly, True)
    dlg.setDirectory(str(Path.home()))
    chosen = run_file_dialog(dlg)
    return chosen[0] if chosen else None


def choose_save_path(parent: QWidget, title: str, suggested: str) -> Path | None:
    dlg = QFileDialog(parent, title)
    dlg.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dlg.setFileMode(QFileDialog.FileMode.AnyFile)
    dlg.setDirectory(str(Path.home()))
    dlg.selectFile(suggested)
    chosen = run_file_dialog(dlg)
    return chosen[0] if chosen else None


# -------------------------------------------------------------- source form


class SourceForm(QWidget):
    """Where the person saw the material. Every field is optional free text."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, *, with_notes: bool = False) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.platform = named(QComboBox(), t("Platform"))
        self.platform.setEditable(True)
        self.platform.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.platform.addItem("", "")
        for p in PLATFORMS:
            self.platform.addItem(platform_label(p), p)
        editor = self.platform.lineEdit()
        assert editor is not None  # the combo is editable
        editor.setPlaceholderText(t("Choose or type a platform"))
        named(editor, t("Platform"))
        self.url = line_edit(name=t("Web address (URL)"), placeholder="https://")
        self.chatroom = line_edit(name=t("Chat room or channel"))
        self.account = line_edit(name=t("Account that posted it"), placeholder=t("@name, ID or phone number"))
        self.date_seen = line_edit(name=t("When you saw it"), placeholder=t("e.g. 2024-08-28 21:30"))
        self.now = make_button(t("Now"), self._fill_now)
        self.now.setToolTip(t("Fill in the current date and time"))
        self.posted_at = line_edit(name=t("When it was posted"), placeholder=t("if the page shows it"))
        self.description = plain_box(name=t("What it shows"), lines=2)
        self.description.setPlaceholderText(t("A few words are enough."))
        self.purpose = plain_box(name=t("What this exhibit proves"), lines=2)
        self.purpose.setPlaceholderText(t("e.g. that the account posted my photo on this date"))
        seen_row = QHBoxLayout()
        seen_row.addWidget(self.date_seen, 1)
        seen_row.addWidget(self.now)
        form.addRow(t("Platform"), self.platform)
        form.addRow(t("Web address (URL)"), self.url)
        form.addRow(t("Chat room or channel"), self.chatroom)
        form.addRow(t("Account that posted it"), self.account)
        form.addRow(t("When you saw it"), seen_row)
        form.addRow(t("When it was posted"), self.posted_at)
        form.addRow(t("What it shows"), self.description)
        form.addRow(t("What this exhibit proves"), self.purpose)
        self.notes: QPlainTextEdit | None = None
        if with_notes:
            self.notes = plain_box(name=t("Notes"), lines=2)
            form.addRow(t("Notes"), self.notes)
        for edit in (self.url, self.chatroom, self.account, self.date_seen, self.posted_at):
            edit.textEdited.connect(lambda _s: self.changed.emit())
        for box in (self.description, self.purpose, *([self.notes] if self.notes else [])):
            box.textChanged.connect(self.changed.emit)
        self.platform.currentTextChanged.connect(lambda _s: self.changed.emit())

    def _fill_now(self) -> None:
        # With its zone, in the zone the app shows "collected" in (KST for Korean; issue 16).
        if language() == "ko":
            from ..core.common.clock import KST

            text = datetime.now(KST).strftime("%Y-%m-%d %H:%M KST")
        else:
            now = datetime.now().astimezone()
            off = now.strftime("%z")
            text = now.strftime("%Y-%m-%d %H:%M") + f" (UTC{off[:3]}:{off[3:]})"
        self.date_seen.setText(text)
        self.changed.emit()

    def set_source(self, src: Source, notes: str = "") -> None:
        self.blockSignals(True)
        try:
            idx = self.platform.findData(src.platform)
            if idx >= 0:
                self.platform.setCurrentIndex(idx)
            else:
                self.platform.setCurrentIndex(0)
                self.platform.setEditText(src.platform)
            self.url.setText(src.url)
            self.chatroom.setText(src.chatroom)
            self.account.setText(src.account)
            self.date_seen.setText(src.date_seen)
            self.posted_at.setText(src.posted_at)
            self.description.setPlainText(src.description)
            self.purpose.setPlainText(src.purpose)
            if self.notes is not None:
                self.notes.setPlainText(notes)
        finally:
            self.blockSignals(False)

    def platform_value(self) -> str:
        text = self.platform.currentText().strip()
        idx = self.platform.findText(text, Qt.MatchFlag.MatchFixedString)
        data = self.platform.itemData(idx) if idx >= 0 else None
        return str(data) if data else text

    def source(self) -> Source:
        return Source(
            platform=self.platform_value(),
            url=self.url.text().strip(),
            chatroom=self.chatroom.text().strip(),
            account=self.account.text().strip(),
            date_seen=self.date_seen.text().strip(),
            posted_at=self.posted_at.text().strip(),
            description=self.description.toPlainText().strip(),
            purpose=self.purpose.toPlainText().strip(),
        )

    def notes_text(self) -> str | None:
        return self.notes.toPlainText().strip() if self.notes is not None else None

    def clear(self) -> None:
        self.set_source(Source(), "")


# ------------------------------------------------------------------- import


class ImportDialog(QDialog):
    """Before an import: what was chosen, and (optionally) where it all came from."""

    def __init__(self, parent: QWidget | None, paths: list[Path]) -> None:
        super().__init__(parent)
        self.paths = paths
        self.setWindowTitle(t("Import evidence"))
        lay = QVBoxLayout(self)
        folders = sum(1 for p in paths if p.is_dir())
        files = len(paths) - folders
        if files and folders:
            chosen = t("{files} file(s) and {folders} folder(s) selected.", files=files, folders=folders)
        elif folders:  # zero counts are left out (issue 16)
            chosen = t("{n} folder(s) selected.", n=folders)
        else:
            chosen = t("{n} file(s) selected.", n=files)
        lay.addWidget(SafeLabel(chosen, wrap=True))
        shown = "\n".join(safe_text(p.name, 200) for p in paths[:8]) + ("\n…" if len(paths) > 8 else "")
        self.names = SafeLabel(shown, wrap=True, data=True)
        named(self.names, t("Selected files"))
        lay.addWidget(self.names)
        intro = SafeLabel(t("If you know where these came from, say so here; it helps the police. "
                            "Everything is optional and can be changed later."), wrap=True)
        lay.addWidget(intro)
        self.form = SourceForm()
        lay.addWidget(scrolled(self.form), 1)
        self.buttons = dialog_buttons(self, t("Import"), t("Cancel"))
        lay.addWidget(self.buttons)
        fit_to_screen(self, 620, 560)

    def source(self) -> Source:
        return self.form.source()


# --------------------------------------------------------------------- cases

INCIDENT_PROMPTS = ("when", "where", "how", "result")


class CaseDialog(QDialog):
    """Create a case or describe it. Only the name is needed; everything else can wait."""

    def __init__(self, parent: QWidget | None, case: Case | None = None, *, default_policy: str = POLICY_KEEP) -> None:
        super().__init__(parent)
        self.case = case
        self._default_policy = case.policy if case else default_policy
        self.setWindowTitle(t("Case details") if case else t("New case"))
        inner = QWidget()
        form = QFormLayout(inner)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        c = case
        self.name = line_edit(c.name if c else "", t("Case name"), t("e.g. School group chat, 2024"))
        self.reference = line_edit(c.reference if c else "", t("Police case number"), t("if you have one"))
        self.description = plain_box(c.description if c else "", t("Description"), lines=2)
        form.addRow(t("Case name"), self.name)
        form.addRow(t("Police case number"), self.reference)
        form.addRow(t("Description"), self.description)

        self.policy = named(QComboBox(), t("Evidence policy"))
        self.policy.addItem(t("Keep originals (encrypted in the vault)"), POLICY_KEEP)
        self.policy.addItem(t("Record only: hashes and a redacted copy, never the original"), POLICY_RECORD_ONLY)
        self.policy.setCurrentIndex(max(0, self.policy.findData(self._default_policy)))
        form.addRow(t("Evidence policy"), self.policy)
        policy_note = SafeLabel(t("Changing the policy is recorded in the custody log. It applies to evidence added "
                                  "from now on; items already saved stay as they are."), wrap=True)
        form.addRow("", policy_note)

        incident = c.incident if c else {}
        group = QGroupBox(t("What happened (for the report; optional)"))
        g = QFormLayout(group)
        g.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        labels = {
            "when": (t("When (일시)"), t("date and time, as far as you know")),
            "where": (t("Where (장소·공간)"), t("website, app, chat room or place")),
            "how": (t("How (방법)"), t("what the person did")),
            "result": (t("Result (결과)"), t("what happened because of it")),
        }
        self.incident: dict[str, QPlainTextEdit] = {}
        for key in INCIDENT_PROMPTS:
            label, hint = labels[key]
            box = plain_box(str(incident.get(key, "")), label, lines=2)
            box.setPlaceholderText(hint)
            self.incident[key] = box
            g.addRow(label, box)
        form.addRow(group)

        pgroup = QGroupBox(t("Platforms involved"))
        grid = QGridLayout(pgroup)
        chosen = set(c.platforms if c else [])
        self.platform_checks: dict[str, QCheckBox] = {}
        for i, p in enumerate(x for x in PLATFORMS if x != "Other"):
            cb = named(QCheckBox(platform_label(p)), platform_label(p))
            cb.setChecked(p in chosen)
            self.platform_checks[p] = cb
            grid.addWidget(cb, i // 3, i % 3)
        others = [p for p in (c.platforms if c else []) if p not in self.platform_checks]
        self.other_platforms = line_edit(
            ", ".join(others), t("Other platforms"), t("other platforms, separated by commas")
        )
        grid.addWidget(self.other_platforms, (len(self.platform_checks) + 2) // 3, 0, 1, 3)
        form.addRow(pgroup)

        self.suspects = plain_box("\n".join(c.suspects) if c else "", t("Accounts of the person or people responsible"),
                                  lines=2)
        self.suspects.setPlaceholderText(t("one account per line, if known"))
        form.addRow(t("Accounts of the person or people responsible"), self.suspects)
        self.prepared_by = line_edit(c.prepared_by if c else "", t("Prepared by"), t("a name or a pseudonym"))
        self.organisation = line_edit(c.organisation if c else "", t("Organisation"), t("school or counselling centre"))
        form.addRow(t("Prepared by"), self.prepared_by)
        form.addRow(t("Organisation"), self.organisation)

        lay = QVBoxLayout(self)
        lay.addWidget(scrolled(inner), 1)
        self.buttons = dialog_buttons(self, t("Save") if case else t("Create case"), t("Cancel"))
        self.ok_button = self.buttons.buttons()[0]
        lay.addWidget(self.buttons)
        self.name.textChanged.connect(lambda s: self.ok_button.setEnabled(bool(s.strip())))
        self.ok_button.setEnabled(bool(self.name.text().strip()))
        fit_to_screen(self, 640, 640)

    def values(self) -> dict[str, Any]:
        """Every field as the service expects it."""
        platforms = [p for p, cb in self.platform_checks.items() if cb.isChecked()]
        platforms += [s.strip() for s in self.other_platforms.text().split(",") if s.strip()]
        return {
            "name": self.name.text().strip(),
            "reference": self.reference.text().strip(),
            "description": self.description.toPlainText().strip(),
            "incident": {k: box.toPlainText().strip() for k, box in self.incident.items() if box.toPlainText().strip()},
            "platforms": platforms,
            "suspects": [s.strip() for s in self.suspects.toPlainText().splitlines() if s.strip()],
            "prepared_by": self.prepared_by.text().strip(),
            "organisation": self.organisation.text().strip(),
            "policy": str(self.policy.currentData()),
        }

    def changes(self) -> dict[str, Any]:
        """Only the fields that differ from the case being edited (for a new case: those filled
        in, and the policy only when it is not the vault's default for the role)."""
        vals = self.values()
        if self.case is None:
            if vals["policy"] == self._default_policy:
                vals.pop("policy")
            return {k: v for k, v in vals.items() if v}
        return {k: v for k, v in vals.items() if getattr(self.case, k) != v}


# ------------------------------------------------------------------ settings


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None, settings: Settings) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Settings"))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.language = named(QComboBox(), t("Language"))
        self.language.addItem(t("Same as the computer"), "")
        self.language.addItem("한국어", "ko")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(self.language.findData(settings.language), 0))
        form.addRow(t("Language"), self.language)
        self.auto_lock = named(QSpinBox(), t("Lock after this many minutes without use"))
        self.auto_lock.setRange(AUTO_LOCK_MIN, AUTO_LOCK_MAX)
        self.auto_lock.setValue(settings.auto_lock_minutes)
        self.auto_lock.setSuffix(t(" min"))
        form.addRow(t("Lock after this many minutes without use"), self.auto_lock)
        self.neutral = named(QCheckBox(t("Show “Notes” as the window title instead of the app's name")),
                             t("Neutral window title"))
        self.neutral.setChecked(settings.neutral_title)
        form.addRow(self.neutral)
        info = SafeLabel(t("Quick exit: press Esc twice, or Ctrl+Shift+Q. The app locks and closes at once."),
                         wrap=True)
        form.addRow(info)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(dialog_buttons(self, t("Save"), t("Cancel")))
        fit_to_screen(self, 520, 260)

    def result_settings(self) -> Settings:
        return Settings(
            language=str(self.language.currentData() or ""),
            auto_lock_minutes=self.auto_lock.value(),
            neutral_title=self.neutral.isChecked(),
        )


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

