"""Vault ▸ Change passphrase…, the older-copy question and the offer after a recovery unlock (issue 15)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.errors import WrongPassphraseError
from evidence_kit.core.common.model import ItemInput
from evidence_kit.core.service import EvidenceService
from evidence_kit.core.vault.vault import Vault
from evidence_kit.gui import i18n
from evidence_kit.gui.dialogs import MessageDialog
from evidence_kit.gui.passphrase_dialog import ChangePassphraseDialog
from evidence_kit.gui.recovery_key import RecoveryKeyDialog

from ..conftest import PASSPHRASE, fast_kdf
from .conftest import WAIT_MS, MakeWindow, unlock, wait_idle

pytestmark = pytest.mark.gui

NEW = "a new passphrase for the app"


def _dialogs(win: object, kind: type) -> list:  # type: ignore[type-arg]
    return [d for d in win._dialogs if isinstance(d, kind)]  # type: ignore[attr-defined]


def test_change_passphrase_from_the_vault_menu(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    path, _ = vault_with_items
    v = Vault.unlock(path, PASSPHRASE)
    v.add_recovery_key()
    v.lock()
    win = make_window(path)
    unlock(qtbot, win)
    assert win.passphrase_action.isEnabled()
    win.passphrase_action.trigger()
    dlg = _dialogs(win, ChangePassphraseDialog)[0]
    assert not dlg.change_button.isEnabled()
    qtbot.keyClicks(dlg.old, PASSPHRASE)
    qtbot.keyClicks(dlg.new, NEW)
    qtbot.keyClicks(dlg.repeat, NEW)
    assert dlg.change_button.isEnabled()
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    qtbot.waitUntil(lambda: bool(_dialogs(win, RecoveryKeyDialog)), timeout=WAIT_MS)
    said = [d.message.full_text() for d in _dialogs(win, MessageDialog)]
    assert any("A new key was made for the whole vault" in s and "2 evidence file(s)" in s for s in said)
    assert not _dialogs(win, ChangePassphraseDialog)  # closed (and its fields cleared) once done
    win.lock()
    with pytest.raises(WrongPassphraseError):
        Vault.unlock(path, PASSPHRASE)
    v = Vault.unlock(path, NEW)
    try:
        assert v.verify().ok
        assert "rekey" in [e.action for e in v.events()]
    finally:
        v.lock()


def test_wrong_current_passphrase_is_said_in_the_dialog(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    i18n.set_language("ko")
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    win.passphrase_action.trigger()
    dlg = _dialogs(win, ChangePassphraseDialog)[0]
    qtbot.keyClicks(dlg.old, "not the passphrase at all")
    qtbot.keyClicks(dlg.new, NEW)
    qtbot.keyClicks(dlg.repeat, NEW)
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    assert dlg.error.full_text() == WrongPassphraseError().message("ko")
    assert dlg.isVisible()


def test_older_copy_is_asked_about_and_confirmation_is_logged(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    path = tmp_path / "vault"
    svc = EvidenceService(path)
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    svc.create_case("사건 A")
    svc.lock()
    shutil.copytree(path, tmp_path / "backup")
    v = Vault.unlock(path, PASSPHRASE)
    v.add_bytes(v.list_cases()[0].id, b"newest", ItemInput(name="n.txt", method="paste"))
    v.lock()
    shutil.rmtree(path)
    shutil.copytree(tmp_path / "backup", path)

    win = make_window(path)
    unlock(qtbot, win)
    dlg = next(d for d in _dialogs(win, MessageDialog) if hasattr(d, "confirm"))
    assert "older than the one last opened on this computer" in dlg.message.full_text()
    qtbot.mouseClick(dlg.confirm, Qt.MouseButton.LeftButton)
    events = win.service.vault.events()
    assert any(e.action == "recover" and "accepted_older_vault" in e.data for e in events)
    assert win.service.vault.older is None


def test_recovery_unlock_offers_a_new_passphrase(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    path, _ = vault_with_items
    v = Vault.unlock(path, PASSPHRASE)
    key = v.add_recovery_key()
    v.lock()
    win = make_window(path)
    qtbot.mouseClick(win.unlock_page.recovery_toggle, Qt.MouseButton.LeftButton)
    unlock(qtbot, win, key)
    dlg = _dialogs(win, ChangePassphraseDialog)[0]
    assert not dlg.need_old and not dlg.old.isVisible()
    qtbot.keyClicks(dlg.new, NEW)
    qtbot.keyClicks(dlg.repeat, NEW)
    qtbot.mouseClick(dlg.change_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)
    win.lock()
    Vault.unlock(path, NEW).lock()
