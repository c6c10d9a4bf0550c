"""Auto-lock, quick exit, and file dialogs that leave no trace."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
from pytestqt.qtbot import QtBot

from evidence_kit.gui.file_dialogs import choose_files
from evidence_kit.gui.settings_dialog import SettingsDialog

from .conftest import MakeWindow, unlock

pytestmark = pytest.mark.gui


def test_auto_lock_after_idle_clears_everything(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace
    ws.table.selectRow(0)
    qtbot.waitUntil(lambda: ws.detail.preview.has_image)
    assert win.idle.is_active()
    win.idle.set_interval_ms(300)
    with qtbot.waitSignal(win.locked, timeout=5000):
        pass
    assert not win.service.is_unlocked
    assert win.current_page() is win.unlock_page
    assert ws.model.rowCount() == 0
    assert ws.case_combo.count() == 0
    assert ws.detail.item is None
    assert not ws.detail.preview.has_image and ws.detail.preview.shown_pixmap().isNull()
    assert "not used" in win.unlock_page.reason.full_text()
    assert not win.idle.is_active()


def test_activity_postpones_auto_lock(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    win.idle.set_interval_ms(1200)
    for _ in range(4):
        qtbot.wait(500)
        win.safety._last_activity = 0.0  # no throttling inside this test
        QTest.keyClick(win.windowHandle(), Qt.Key.Key_Shift)
    assert win.service.is_unlocked


def test_quick_exit_with_escape_twice(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    QTest.keyClick(win.windowHandle(), Qt.Key.Key_Escape)
    assert win.isVisible() and win.service.is_unlocked  # one Esc alone does nothing
    with qtbot.waitSignal(win.exit_requested, timeout=5000):
        QTest.keyClick(win.windowHandle(), Qt.Key.Key_Escape)
        assert not win.isVisible()  # hidden at once, before locking
    assert not win.service.is_unlocked
    assert win.workspace.model.rowCount() == 0


def test_quick_exit_with_ctrl_shift_q_from_inside_a_dialog(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    win.open_settings()
    dlg = win._dialogs[-1]
    assert isinstance(dlg, SettingsDialog)
    qtbot.waitExposed(dlg)
    with qtbot.waitSignal(win.exit_requested, timeout=5000):
        # Only the press: quick exit acts on it, and the dialog (with its QWindow) may already be
        # deleted when a test-sent release would arrive; a real window system drops events for
        # windows that are gone, QTest would send it through a dangling pointer.
        QTest.keyPress(dlg.windowHandle(), Qt.Key.Key_Q,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not shiboken6.isValid(dlg) or not dlg.isVisible()  # closed (and deleted)
    assert not win.isVisible()
    assert win._dialogs == []
    assert not win.service.is_unlocked


def test_file_dialog_leaves_no_history_or_last_folder(qtbot: QtBot, tmp_path: Path) -> None:
    """Qt's own file dialog stores history and the last folder in the shared QtProject settings."""
    cfg = tmp_path / "config"
    cfg.mkdir()
    conf = cfg / "QtProject.conf"
    conf.write_text("[FileDialog]\nhistory=file:///previous-app\n", encoding="utf-8")
    secret_dir = tmp_path / "canary-src" / "evidence folder"
    secret_dir.mkdir(parents=True)
    (secret_dir / "photo.png").write_bytes(b"x")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(cfg))
    try:
        def accept() -> None:
            dlg = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QFileDialog) and w.isVisible())
            assert dlg.testOption(QFileDialog.Option.DontUseNativeDialog)
            dlg.setDirectory(str(secret_dir))
            name = dlg.findChild(QLineEdit, "fileNameEdit")
            name.setText("photo.png")
            dlg.accept()

        QTimer.singleShot(300, accept)
        chosen = choose_files(None, "pick")  # type: ignore[arg-type]
        assert chosen == [secret_dir / "photo.png"]
        text = conf.read_text(encoding="utf-8")
        assert "evidence folder" not in text and "canary-src" not in text
        assert "previous-app" in text  # another app's history is left as it was
    finally:
        QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                          QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericConfigLocation))
