"""Choosing files, folders and save paths without leaving a trace on the computer.

Qt's own (non-native) file dialog is used everywhere: native dialogs add what they
open to the system's "recent files" (GTK's recently-used.xbel, Windows Jump Lists).
Qt's dialog itself remembers the last folder and a history in the user's shared
"QtProject" settings when it is destroyed; we put those values back as they were.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QFileDialog, QWidget

log = logging.getLogger(__name__)


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
