"""Record-only cases and redacted copies in the desktop app (issue 9)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.guidance import load_guidance
from evidence_kit.core.service import EvidenceService
from evidence_kit.gui import i18n
from evidence_kit.gui.main_window import MainWindow
from evidence_kit.gui.redact_dialog import RedactDialog
from evidence_kit.gui.settings import Settings

from ..conftest import PASSPHRASE, fast_kdf
from .conftest import MakeWindow, unlock, wait_idle

pytestmark = pytest.mark.gui


def screenshot_png(size: tuple[int, int] = (200, 120)) -> bytes:
    """A light "screenshot": white with a coloured bar, no black anywhere."""
    im = Image.new("RGB", size, (250, 250, 250))
    for x in range(size[0]):
        for y in range(10):
            im.putpixel((x, y), (40, 90, 200))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def counselor_vault(tmp_path: Path) -> Path:
    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf(), role="counselor")
    case = svc.create_case("상담 사례")
    assert case.policy == "record_only"
    svc.lock()
    return tmp_path / "vault"


def korean_window(make_window: MakeWindow, path: Path) -> MainWindow:
    i18n.set_language("ko")
    return make_window(path, settings=Settings(language="ko"))


def paste(qtbot: QtBot, win: MainWindow, png: bytes) -> RedactDialog:
    img = QImage()
    assert img.loadFromData(png)
    QGuiApplication.clipboard().setImage(img)
    assert win.workspace.paste_image() is None  # nothing stored before the person chooses
    dlg = win.workspace.redact_dialog
    assert dlg is not None
    qtbot.waitExposed(dlg)
    assert win.service.items(win.workspace.case_id or "") == []
    return dlg


def test_record_only_case_header_guidance_and_redacted_paste(
    qtbot: QtBot, make_window: MakeWindow, counselor_vault: Path
) -> None:
    win = korean_window(make_window, counselor_vault)
    unlock(qtbot, win)
    ws = win.workspace
    assert ws.policy_label.full_text() == "기록 전용 — 원본은 저장하지 않습니다"

    # The guidance comes from the one resource file, in Korean with the English below.
    assert ws.guidance.isVisible()
    guidance = load_guidance()
    shown = [(main.full_text(), sub.full_text()) for main, sub in ws.guidance.statements]
    assert [m for m, _ in shown] == ["• " + s.ko for s in guidance.statements]
    assert all(s.source in sub and s.en not in sub for s, (_, sub) in zip(guidance.statements, shown, strict=True))
    assert any("02-735-8994" in m for m, _ in shown) and any("1366" in m for m, _ in shown)
    assert ws.guidance.toggle.text() == guidance.title_ko

    dlg = paste(qtbot, win, screenshot_png())
    canvas = dlg.canvas
    assert not dlg.undo_button.isEnabled()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(20, 30))
    qtbot.mouseMove(canvas, canvas.widget_point(60, 60))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(100, 90))
    rects = dlg.rects()
    assert len(rects) == 1
    r = rects[0]
    assert abs(r.x - 20) <= 2 and abs(r.y - 30) <= 2 and abs(r.x + r.w - 101) <= 2 and abs(r.y + r.h - 91) <= 2
    assert dlg.undo_button.isEnabled() and dlg.undo_button.accessibleName() == "마지막 영역 취소"
    assert dlg.ok_button.accessibleName() == "저장"
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)

    items = win.service.items(ws.case_id or "")
    assert len(items) == 1
    item = items[0]
    assert not item.retained and item.stored_sha256 and item.stored_sha256 != item.sha256
    stored = Image.open(io.BytesIO(win.service.vault.read_item_bytes(item.id, log_view=False))).convert("RGB")
    for x, y in ((r.x, r.y), (r.x + r.w - 1, r.y + r.h - 1), (60, 60)):
        assert stored.getpixel((x, y)) == (0, 0, 0)
    assert stored.getpixel((150, 100)) == (250, 250, 250)  # the rest stays readable
    assert stored.getpixel((5, 5)) == (40, 90, 200)

    d = ws.detail
    assert d.item is not None and d.item.id == item.id
    assert d.f_policy.full_text() == "기록 전용 — 원본은 저장하지 않습니다"
    assert d.f_kept.full_text() == "원본 미보관 — 해시값만 기록"
    assert d.f_sha256.text() == item.sha256  # the original's, though the original is not kept
    assert d.f_stored_sha256.text() == item.stored_sha256
    assert d.f_derivation.full_text() == "1개 영역을 검게 가림, 나머지는 그대로"
    qtbot.waitUntil(lambda: d.preview.has_image)  # the redacted version, still blurred until revealed
    QGuiApplication.clipboard().clear()


def test_cancel_stores_nothing_and_no_rectangles_pixelates(
    qtbot: QtBot, make_window: MakeWindow, counselor_vault: Path
) -> None:
    win = make_window(counselor_vault)
    unlock(qtbot, win)
    ws = win.workspace
    dlg = paste(qtbot, win, screenshot_png())
    dlg.reject()
    assert win.service.items(ws.case_id or "") == []
    assert ws.status.full_text() == "Nothing was saved."

    dlg = paste(qtbot, win, screenshot_png((160, 90)))
    dlg.accept()
    (item,) = win.service.items(ws.case_id or "")
    assert not item.retained and item.derivation.startswith("pixelated")
    assert "pixelated" in ws.detail.f_derivation.full_text()
    QGuiApplication.clipboard().clear()


def test_changing_the_policy_in_the_case_dialog_is_logged(
    qtbot: QtBot, make_window: MakeWindow, counselor_vault: Path
) -> None:
    win = make_window(counselor_vault)
    unlock(qtbot, win)
    ws = win.workspace
    case_id = ws.case_id or ""
    dlg = ws.edit_case()
    assert dlg is not None
    assert dlg.policy.currentData() == "record_only"
    dlg.policy.setCurrentIndex(dlg.policy.findData("keep_originals"))
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    assert win.service.vault.get_case(case_id).policy == "keep_originals"
    events = [e for e in win.service.vault.events(case_id=case_id) if e.action == "policy"]
    assert len(events) == 1
    assert events[0].data["changes"]["policy"] == {"old": "record_only", "new": "keep_originals"}
    assert ws.policy_label.full_text() == "Keeps originals"


def test_make_a_redacted_copy_in_a_keep_originals_case(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace
    assert ws.policy_label.full_text() == "Keeps originals"
    assert not ws.guidance.isVisible()
    ws.table.selectRow(0)
    original = ws.selected_item()
    assert original is not None and ws.redact_copy_button.isEnabled()
    dlg = ws.make_redacted_copy()
    assert dlg is not None
    qtbot.waitExposed(dlg)
    canvas = dlg.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(0, 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(40, 30))
    assert len(dlg.rects()) == 1
    qtbot.mouseClick(dlg.ok_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, win)

    copies = [i for i in win.service.items(ws.case_id or "") if i.derived_from]
    assert len(copies) == 1
    copy = copies[0]
    assert copy.derived_from == original.id and copy.method == "derived"
    assert any(e.action == "derive" for e in win.service.vault.events(item_id=original.id))
    assert ws.detail.item is not None and ws.detail.item.id == copy.id
    assert ws.detail.f_derived_from.full_text().startswith(f"Exhibit {original.exhibit}")
    assert not ws.redact_copy_button.isEnabled()  # no copies of copies
