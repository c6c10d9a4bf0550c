"""Where the person saw the material: the source form, and the import dialog that asks for it.
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from ..core.common.model import PLATFORMS, Source
from .dialogs import dialog_buttons, line_edit, plain_box, scrolled
from .display import safe_text
from .i18n import language, t
from .models import platform_label
from .widgets import SafeLabel, fit_to_screen, make_button, named

log = logging.getLogger(__name__)


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
