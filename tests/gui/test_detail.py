"""The detail panel: source edits are logged, previews start blurred and re-blur on leaving."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from pytestqt.qtbot import QtBot

from .conftest import MakeWindow, unlock

pytestmark = pytest.mark.gui


def luminance_spread(img: QImage) -> int:
    """Max minus min grey level over the picture's middle (ignoring the letterbox)."""
    w, h = img.width(), img.height()
    values = [
        QImage.pixelColor(img, x, y).lightness()
        for x in range(w // 3, 2 * w // 3, max(1, w // 60))
        for y in range(h // 3, 2 * h // 3, max(1, h // 60))
    ]
    return max(values) - min(values)


def test_edit_a_source_field_is_saved_and_logged(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws, ids = win.workspace, vault_with_items[1]
    ws.table.selectRow(0)
    detail = ws.detail
    assert detail.item is not None and detail.item.id == ids[0]
    detail.tabs.setCurrentIndex(1)
    form = detail.source_form
    assert form.platform_value() == "Telegram"
    assert not detail.save_button.isEnabled()
    qtbot.keyClicks(form.url, "https://example.com/post/1")
    assert detail.save_button.isEnabled()
    qtbot.mouseClick(detail.save_button, Qt.MouseButton.LeftButton)

    item = win.service.vault.get_item(ids[0])
    assert item.source.url == "https://example.com/post/1"
    assert item.source.platform == "Telegram"
    edits = [e for e in win.service.item_events(ids[0]) if e.action == "edit"]
    assert len(edits) == 1
    assert edits[0].data["changes"] == {"url": {"old": "", "new": "https://example.com/post/1"}}
    shown = [detail.events.data(detail.events.index(r, 2)) for r in range(detail.events.rowCount())]
    assert "Source details edited" in shown
    assert not detail.save_button.isEnabled()
    assert ws.model.items()[0].source.url == "https://example.com/post/1"


def test_typed_source_details_are_kept_when_selecting_another_item(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws, ids = win.workspace, vault_with_items[1]
    ws.table.selectRow(0)
    ws.detail.source_form.platform.setEditText("Line")  # free text beyond the list
    ws.detail.source_form.description.setPlainText("profile picture reused")
    ws.table.selectRow(1)
    item = win.service.vault.get_item(ids[0])
    assert item.source.platform == "Line"
    assert item.source.description == "profile picture reused"
    assert [e.action for e in win.service.item_events(ids[0])].count("edit") == 1


def test_preview_is_blurred_until_revealed_and_reblurred_on_selection_change(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws, ids = win.workspace, vault_with_items[1]
    preview = ws.detail.preview
    ws.table.selectRow(0)
    qtbot.waitUntil(lambda: preview.has_image)
    assert not preview.revealed
    assert preview.button.text() == "Reveal"
    blurred = preview.shown_pixmap().toImage()
    assert luminance_spread(blurred) < 90  # a checkerboard blurred to a wash, not black and white
    views = lambda: [e for e in win.service.item_events(ids[0]) if e.action == "view"]  # noqa: E731
    assert views() == []  # decrypting for the blurred preview is not a view

    qtbot.mouseClick(preview.button, Qt.MouseButton.LeftButton)
    assert preview.revealed
    assert luminance_spread(preview.shown_pixmap().toImage()) > 200
    assert len(views()) == 1  # revealing is
    assert preview.button.text() == "Blur again"

    ws.table.selectRow(1)
    assert not preview.revealed  # leaving the item blurs again at once
    qtbot.waitUntil(lambda: preview.has_image)
    assert not preview.revealed
    assert luminance_spread(preview.shown_pixmap().toImage()) < 90

    ws.table.selectRow(0)
    qtbot.waitUntil(lambda: preview.has_image)
    qtbot.mouseClick(preview.button, Qt.MouseButton.LeftButton)
    assert preview.revealed
    qtbot.mouseClick(preview.button, Qt.MouseButton.LeftButton)  # "Blur again"
    assert not preview.revealed


def test_filter_and_sort(qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace
    assert ws.proxy.rowCount() == 2
    ws.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert ws.proxy.data(ws.proxy.index(0, 0)) == "Exhibit 2"
    qtbot.keyClicks(ws.filter, "picture-0")
    assert ws.proxy.rowCount() == 1
    assert ws.count.full_text() == "1 of 2"
    ws.filter.clear()
    qtbot.keyClicks(ws.filter, "telegram")  # source fields are searched too
    assert ws.proxy.rowCount() == 2
