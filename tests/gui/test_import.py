"""Importing: drag and drop, the source asked up front, duplicates and skips reported, paste, cancel."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.errors import CancelledError
from evidence_kit.gui.dialogs import MessageDialog
from evidence_kit.gui.main_window import MainWindow
from evidence_kit.gui.source_form import ImportDialog

from ..conftest import CANARY
from .conftest import WAIT_MS, MakeWindow, checkerboard_png, unlock, wait_idle

pytestmark = pytest.mark.gui


def drop_files(win: MainWindow, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    target = win.workspace
    pos = target.rect().center()
    enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, drop)
    return drop


def test_drag_and_drop_import_with_source_duplicates_and_skips(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    src = tmp_path / "canary-src"  # the user's own folder: plaintext is allowed here
    src.mkdir()
    (src / "chat.png").write_bytes(checkerboard_png(5))
    (src / "notes.txt").write_bytes(b"what they wrote " + CANARY)
    (src / "again.png").write_bytes(checkerboard_png(0))  # same bytes as picture-0
    os.symlink(src / "chat.png", src / "link.png")
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace

    drop = drop_files(win, [src / "chat.png", src / "notes.txt", src / "again.png", src / "link.png"])
    assert drop.isAccepted()
    dlg = win._dialogs[-1]
    assert isinstance(dlg, ImportDialog)
    assert dlg.isVisible()
    form = dlg.form
    form.platform.setCurrentIndex(form.platform.findData("KakaoTalk"))
    form.chatroom.setText("반 단체방")  # QTest types ASCII only
    qtbot.keyClicks(form.account, "@someone")
    dlg.accept()
    assert win.worker.busy and ws.job_bar.isVisible() and ws.cancel_button.isEnabled()
    assert not ws.import_files_button.isEnabled()  # no second vault job while one runs
    wait_idle(qtbot, win)

    assert not ws.job_bar.isVisible()
    assert ws.status.full_text() == "2 saved, 1 duplicate(s), 1 failed."
    names = {it.original_name: it for it in ws.model.items()}
    assert set(names) == {"picture-0.png", "picture-1.png", "chat.png", "notes.txt"}
    for name in ("chat.png", "notes.txt"):
        assert names[name].source.platform == "KakaoTalk"
        assert names[name].source.chatroom == "반 단체방"
        assert names[name].source.account == "@someone"
    report = win._dialogs[-1]
    assert isinstance(report, MessageDialog)
    details = report.details.toPlainText()
    assert "Already there: again.png is the same file as Exhibit 1" in details
    assert "link.png" in details and "Symbolic links are not followed" in details


def test_drop_is_refused_without_a_case_or_while_busy(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    from evidence_kit.core.service import EvidenceService

    from ..conftest import PASSPHRASE, fast_kdf

    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    svc.lock()
    win = make_window(tmp_path / "vault")
    unlock(qtbot, win)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(win.workspace, enter)
    assert not enter.isAccepted()
    assert not win.workspace.import_files_button.isEnabled()
    assert "Create a case" in win.workspace.empty.full_text()


def test_paste_an_image_from_the_clipboard(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace
    QGuiApplication.clipboard().clear()
    assert ws.paste_image() is None
    assert "no picture on the clipboard" in ws.status.full_text()

    img = QImage()
    assert img.loadFromData(checkerboard_png(7))
    QGuiApplication.clipboard().setImage(img)
    res = ws.paste_image()
    assert res is not None and not res.duplicate
    item = res.item
    assert item.method == "paste"
    assert item.media_type == "image/png"
    assert item.original_name.startswith("pasted-") and item.original_name.endswith(".png")
    assert ws.detail.item is not None and ws.detail.item.id == item.id  # selected, ready for its source
    data = win.service.vault.read_item_bytes(item.id, log_view=False)
    back = QImage()
    assert back.loadFromData(data) and back.size() == img.size()
    QGuiApplication.clipboard().clear()


def test_cancel_a_large_import(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    big = tmp_path / "canary-src" / "big-video.mp4"
    big.parent.mkdir()
    with big.open("wb") as f:
        f.truncate(1536 * 1024 * 1024)  # sparse: costs no disk, takes a few seconds to hash and seal
    path, ids = vault_with_items
    win = make_window(path)
    unlock(qtbot, win)
    ws = win.workspace
    job = ws.start_import([big], ws.detail.source_form.source())
    assert job is not None
    qtbot.waitUntil(lambda: ws.progress.maximum() == 1000, timeout=WAIT_MS)  # first progress report
    assert ws.progress.value() < 1000
    qtbot.mouseClick(ws.cancel_button, Qt.MouseButton.LeftButton)
    assert not ws.cancel_button.isEnabled()
    wait_idle(qtbot, win)

    assert ws.status.full_text() == CancelledError().message("en")
    assert [it.id for it in ws.model.items()] == ids
    assert len(win.service.items(ws.case_id or "")) == len(ids)
    assert list((path / "staging").iterdir()) == []
    assert len(list((path / "blobs").glob("*/*.age"))) == len(ids)


def test_import_progress_counts_files_and_bytes(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    """Issue 17: a folder of many photos shows how many files of how many are done, and the bytes."""
    folder = tmp_path / "canary-src" / "camera-roll"
    folder.mkdir(parents=True)
    for n in range(4):
        (folder / f"IMG_{n:04d}.bin").write_bytes(CANARY + os.urandom(3 * 1024 * 1024) + bytes([n]))
    path, _ids = vault_with_items
    win = make_window(path)
    unlock(qtbot, win)
    ws = win.workspace
    formats: list[str] = []
    show = ws._progress

    def record(done: int, total: int) -> None:
        show(done, total)
        formats.append(ws.progress.format())
        if os.environ.get("EK_SHOTS"):
            ws.grab().save(os.path.join(os.environ["EK_SHOTS"], f"import-progress-{len(formats)}.png"))

    ws._progress = record  # type: ignore[method-assign]  # connected when the job starts
    for lang, word in (("en", "files"), ("ko", "파일")):
        from evidence_kit.gui import i18n

        i18n.set_language(lang)
        formats.clear()
        for p in folder.iterdir():  # other bytes each round: a duplicate would not be imported again
            p.write_bytes(p.read_bytes() + lang.encode())
        assert ws.start_import([folder], ws.detail.source_form.source()) is not None
        wait_idle(qtbot, win)
        assert formats, "no progress was shown"
        assert all(word in f and ("MB" in f or "KB" in f or " B" in f) for f in formats), formats
        counted = [f for f in formats if ("3 / 4" in f or "2 / 4" in f or "1 / 4" in f)]
        assert counted, formats  # the file count moves while the bytes do
        assert "4 / 4" in formats[-1], formats  # the last file's count is shown, not left at 3 / 4
    i18n.set_language("en")


def test_drop_a_picture_without_a_file(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    """A picture dragged from another app (no file): converted to PNG in memory and sealed."""
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    img = QImage()
    assert img.loadFromData(checkerboard_png(9))
    mime = QMimeData()
    mime.setImageData(img)
    assert not mime.hasFormat("image/png")
    res = win.workspace.import_mime(mime, "dropped")
    assert res is not None and res.item.original_name.startswith("dropped-")
    assert res.item.capture == {"clipboard": "converted to PNG by the app"}
    assert win.service.vault.read_item_bytes(res.item.id, log_view=False).startswith(b"\x89PNG")
