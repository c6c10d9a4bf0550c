"""Videos in the app (issue 23): facts in the detail panel, key frames blurred until Reveal."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from evidence_kit.core.service import EvidenceService

from ..conftest import PASSPHRASE, fast_kdf
from ..test_video import make_video
from .conftest import MakeWindow, unlock
from .test_detail import luminance_spread

pytestmark = pytest.mark.gui


def test_video_facts_and_key_frames_blurred_until_reveal(
    qtbot: QtBot, make_window: MakeWindow, tmp_path: Path
) -> None:
    clip = tmp_path / "clip.mov"
    clip.write_bytes(make_video(seconds=3, rate=10, rotation=90, tags={"com.apple.quicktime.make": "Apple"}))
    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    case = svc.create_case("동영상")
    item_id = svc.import_paths(case.id, [clip]).added[0].id
    svc.lock()

    win = make_window(tmp_path / "vault")
    unlock(qtbot, win)
    ws = win.workspace
    preview = ws.detail.preview
    ws.table.selectRow(0)
    assert "320 × 240" in ws.detail.f_picture.full_text() and "10 fps" in ws.detail.f_picture.full_text()
    assert "Apple" in ws.detail.f_exif.toPlainText()
    qtbot.waitUntil(lambda: preview.has_image)
    assert not preview.revealed
    assert luminance_spread(preview.shown_pixmap().toImage()) < 90
    views = lambda: [e for e in win.service.item_events(item_id) if e.action == "view"]  # noqa: E731
    assert views() == []
    qtbot.mouseClick(preview.button, Qt.MouseButton.LeftButton)
    assert preview.revealed
    assert luminance_spread(preview.shown_pixmap().toImage()) > 150  # 8-px random blocks, clear
    assert len(views()) == 1
