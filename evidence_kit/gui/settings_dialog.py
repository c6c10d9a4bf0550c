"""Vault ▸ Settings: language, auto-lock and the neutral window title.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QCheckBox, QComboBox, QDialog, QFormLayout, QSpinBox, QVBoxLayout, QWidget

from .dialogs import dialog_buttons
from .i18n import t
from .settings import AUTO_LOCK_MAX, AUTO_LOCK_MIN, Settings
from .widgets import SafeLabel, fit_to_screen, named

log = logging.getLogger(__name__)


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
