"""First run, unlock, wrong passphrase and the recovery key, driven through the real screens."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.errors import WrongPassphraseError
from evidence_kit.core.crypto.keys import parse_recovery_key
from evidence_kit.gui import i18n

from ..conftest import PASSPHRASE
from .conftest import WAIT_MS, MakeWindow, unlock, wait_idle

pytestmark = pytest.mark.gui


def test_first_run_creates_a_vault_and_offers_a_recovery_key(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    win = make_window(tmp_path / "new-vault")
    assert win.current_page() is win.welcome
    qtbot.mouseClick(win.welcome.create_button, Qt.MouseButton.LeftButton)
    page = win.create_page
    assert win.current_page() is page
    assert not page.create_button.isEnabled()

    qtbot.keyClicks(page.passphrase, "short")
    assert page.meter.value() == 0
    assert "10" in page.strength.full_text()
    page.passphrase.clear()
    qtbot.keyClicks(page.passphrase, PASSPHRASE)
    qtbot.keyClicks(page.repeat, PASSPHRASE + "!")
    assert not page.create_button.isEnabled()
    assert page.match.full_text() == "The two passphrases are not the same yet."
    page.repeat.clear()
    qtbot.keyClicks(page.repeat, PASSPHRASE)
    assert page.create_button.isEnabled()
    assert page.meter.value() >= 2
    page.role_counselor.setChecked(True)
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: win.current_page() is win.recovery_page, timeout=WAIT_MS)

    assert page.passphrase.text() == "" and page.repeat.text() == ""  # not kept in the widgets
    assert win.service.is_unlocked
    assert win.service.vault.get_setting("role") == "counselor"

    qtbot.mouseClick(win.recovery_page.make_button, Qt.MouseButton.LeftButton)
    view = win.recovery_page.key_view
    assert view is not None
    key = view.key_label.text()
    parse_recovery_key(key)  # a well-formed key, shown once
    assert view.key_label.textFormat() == Qt.TextFormat.PlainText
    assert [e.action for e in win.service.vault.events()][-1] == "recovery-key"
    assert not win.recovery_page.continue_button.isEnabled()  # not before "I have written it down"
    assert "no 0 or 1" in view.alphabet_note.full_text()
    view.written.setChecked(True)
    qtbot.mouseClick(win.recovery_page.continue_button, Qt.MouseButton.LeftButton)
    assert win.current_page() is win.workspace

    # The recovery key opens the vault from the unlock screen.
    win.lock()
    assert win.current_page() is win.unlock_page
    assert win.recovery_page.key_view is None
    qtbot.mouseClick(win.unlock_page.recovery_toggle, Qt.MouseButton.LeftButton)
    assert win.unlock_page.secret.accessibleName() == "Recovery key"
    unlock(qtbot, win, key.lower())
    assert win.service.is_unlocked
    assert win.current_page() is win.workspace


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_wrong_passphrase_is_said_plainly_then_the_right_one_opens(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], lang: str
) -> None:
    i18n.set_language(lang)
    path, ids = vault_with_items
    win = make_window(path)
    page = win.unlock_page
    assert win.current_page() is page
    qtbot.keyClicks(page.secret, "this is not the passphrase")
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    assert page.busy.isVisible()  # Argon2 runs on the worker: the window stays responsive
    wait_idle(qtbot, win)
    assert page.error.full_text() == WrongPassphraseError().message(lang)
    assert page.error.textFormat() == Qt.TextFormat.PlainText
    assert page.secret.text() == ""
    assert page.secret.isEnabled()
    assert not win.service.is_unlocked
    assert win.current_page() is page

    unlock(qtbot, win)
    assert win.service.is_unlocked
    assert win.current_page() is win.workspace
    assert page.error.full_text() == ""
    assert win.workspace.model.rowCount() == len(ids)
    assert win.workspace.case_combo.currentText() == "사건 A"


def test_language_switch_on_the_unlock_screen_is_remembered_and_harmless(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    win = make_window(vault_with_items[0])
    qtbot.mouseClick(win.unlock_page.ko_button, Qt.MouseButton.LeftButton)
    assert i18n.language() == "ko"
    assert win.unlock_page.unlock_button.text() == "보관함 열기"
    saved = (tmp_path / "gui-settings.json").read_text(encoding="utf-8")
    assert '"language": "ko"' in saved
    # Only the app's own preferences: nothing about the vault, cases or evidence.
    import json

    assert set(json.loads(saved)) == {"language", "auto_lock_minutes", "neutral_title"}
    unlock(qtbot, win)
    assert win.workspace.import_files_button.text() == "파일 가져오기"


def test_neutral_title(qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]) -> None:
    from evidence_kit.gui.settings import Settings

    win = make_window(vault_with_items[0])
    assert win.windowTitle() == "Evidence Kit"
    win.apply_settings(Settings(language="en", neutral_title=True))
    assert win.windowTitle() == "Notes"
    unlock(qtbot, win)
    assert win.windowTitle() == "Notes"  # never the case name either


def test_rebuilding_the_menus_leaves_one_set_of_corner_buttons(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    from PySide6.QtWidgets import QPushButton

    win = make_window(vault_with_items[0])
    win.set_language("ko")  # rebuilds every screen and the menus
    win._build_menus()  # rebuilds the menus again (as installing a feature does)
    qtbot.wait(10)  # let deleteLater run
    visible = [b for b in win.menuBar().findChildren(QPushButton) if b.isVisible()]
    assert sorted(b.text() for b in visible) == ["빠른 나가기"]  # Lock is hidden while locked


def test_shortcuts_still_work_after_a_rebuild(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    from PySide6.QtTest import QTest

    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    win.set_language("ko")  # rebuilds screens and menus (stays unlocked, same case)
    win._build_menus()  # rebuilds the menus again (as installing a feature does)
    qtbot.wait(10)
    assert win.service.is_unlocked and win.workspace.model.rowCount() == 2
    police = [b for b in win.workspace.findChildren(type(win.workspace.import_files_button))
              if b.text() == "경찰 제출"]
    assert len(police) == 1
    with qtbot.waitSignal(win.locked, timeout=5000):
        QTest.keyClick(win.windowHandle(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert not win.service.is_unlocked


def test_no_screen_is_explained_not_a_qt_abort() -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    r = subprocess.run([sys.executable, "-m", "evidence_kit.gui"], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2
    assert "화면을 찾을 수 없습니다" in r.stderr and "No screen was found" in r.stderr
    assert "platform plugin" not in r.stderr
