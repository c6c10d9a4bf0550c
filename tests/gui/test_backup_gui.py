"""Vault ▸ Back up… and the weekly backup reminder (issue 20)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from evidence_kit.core.vault import backup as bk
from evidence_kit.core.vault.vault import Vault
from evidence_kit.gui import backup_dialog
from evidence_kit.gui.dialogs import MessageDialog

from ..conftest import PASSPHRASE
from .conftest import WAIT_MS, MakeWindow, unlock, wait_idle

pytestmark = pytest.mark.gui


def test_back_up_from_the_menu_then_reminder_is_gone(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path, _ = vault_with_items
    win = make_window(path)
    unlock(qtbot, win)
    # Two items and no backup yet: the calm reminder bar is showing.
    assert win._backup_reminder is not None  # type: ignore[attr-defined]
    dest = tmp_path / "usb"
    monkeypatch.setattr(backup_dialog, "choose_folder", lambda *_a: dest)
    assert win.backup_action.isEnabled()
    win.backup_action.trigger()
    wait_idle(qtbot, win)
    qtbot.waitUntil(lambda: any(isinstance(d, MessageDialog) for d in win._dialogs), timeout=WAIT_MS)
    said = [d.message.full_text() for d in win._dialogs if isinstance(d, MessageDialog)]
    assert any("Backup complete" in s and "2 item(s)" in s for s in said)
    assert win._backup_reminder is None  # type: ignore[attr-defined]
    assert "Last verified backup" in backup_dialog.last_backup_text(win)
    win.lock()
    with Vault.unlock(dest, PASSPHRASE) as b:
        assert b.verify().ok


def test_reminder_not_now_waits_a_week(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    path, _ = vault_with_items
    win = make_window(path)
    unlock(qtbot, win)
    bar = win._backup_reminder  # type: ignore[attr-defined]
    assert bar is not None
    not_now = next(b for b in bar.findChildren(type(win.lock_button)) if b.text() == "Not now")
    not_now.click()
    assert win._backup_reminder is None  # type: ignore[attr-defined]
    assert not backup_dialog.maybe_remind(win)  # dismissed: not again today
    in_eight_days = datetime.now(UTC) + timedelta(days=8)
    assert backup_dialog.maybe_remind(win, now=in_eight_days)
    assert bk.backup_is_stale(win.service.vault)
