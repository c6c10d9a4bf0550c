"""The app as a victim and a counselor meet it (issue 16): the black-out dialog opens blurred,
record-only imports ask what to black out, Enter confirms dialogs, the report language
follows the app, victims get their own guidance, and every screen fits at 100/150/200 %."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from evidence_kit.gui import i18n
from evidence_kit.gui.redact_dialog import RedactDialog
from evidence_kit.gui.reports import ExportDialog, ReportDialog
from evidence_kit.gui.settings import Settings
from evidence_kit.gui.source_form import ImportDialog

from .conftest import MakeWindow, checkerboard_png, unlock, wait_idle
from .test_record_only_gui import counselor_vault, screenshot_png  # noqa: F401 - fixture

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[2]


def canvas_pixels(dlg: RedactDialog) -> QImage:
    return dlg.canvas.grab().toImage()


def hard_share(img: QImage, dlg: RedactDialog) -> float:
    """Share of the picture's pixels that are pure black or pure white (a sharp checkerboard: ~all)."""
    r = dlg.canvas.image_rect().toRect().adjusted(4, 4, -4, -4)
    n = hard = 0
    for y in range(r.top(), r.bottom(), 2):
        for x in range(r.left(), r.right(), 2):
            light = QColor(img.pixel(x, y)).lightness()
            n += 1
            hard += light < 12 or light > 243
    return hard / max(n, 1)


def test_redaction_dialog_opens_blurred_and_showing_it_is_a_logged_view(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace
    ws.table.selectRow(0)
    item = ws.selected_item()
    assert item is not None
    views = lambda: [e for e in win.service.vault.events(item_id=item.id) if e.action == "view"]  # noqa: E731
    before = len(views())
    dlg = ws.make_redacted_copy()
    assert dlg is not None
    qtbot.waitExposed(dlg)
    assert not dlg.sharp and not dlg.show_button.isChecked()
    assert len(views()) == before  # opening it is not a view: nothing is shown clearly
    blurred = hard_share(canvas_pixels(dlg), dlg)
    # Rectangles can be drawn on the blurred view.
    c = dlg.canvas
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=c.widget_point(0, 0))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=c.widget_point(40, 30))
    assert len(dlg.rects()) == 1
    qtbot.mouseClick(dlg.show_button, Qt.MouseButton.LeftButton)
    assert dlg.sharp
    assert len(views()) == before + 1  # the deliberate view is in the custody log
    sharp = hard_share(canvas_pixels(dlg), dlg)
    assert sharp > 0.6 and blurred < 0.3, (sharp, blurred)
    qtbot.mouseClick(dlg.show_button, Qt.MouseButton.LeftButton)
    assert not dlg.sharp and len(views()) == before + 1
    dlg.reject()


def test_a_failed_log_keeps_the_picture_blurred(qtbot: QtBot) -> None:
    def failing() -> None:
        raise OSError("disk full")

    dlg = RedactDialog(None, checkerboard_png(), record_only=True, log_view=failing)
    qtbot.addWidget(dlg)
    dlg.show_button.setChecked(True)
    assert not dlg.sharp and not dlg.show_button.isChecked()


def test_record_only_import_asks_per_picture_with_apply_to_all(
    qtbot: QtBot, make_window: MakeWindow, counselor_vault: Path, tmp_path: Path  # noqa: F811
) -> None:
    win = make_window(counselor_vault)
    unlock(qtbot, win)
    ws = win.workspace
    files = []
    for i in range(3):
        p = tmp_path / f"chat-{i}.png"
        p.write_bytes(screenshot_png((200 + i, 120)))
        files.append(p)
    (tmp_path / "note.txt").write_text("not a picture")
    assert ws.import_chosen([*files, tmp_path / "note.txt"], ws.detail.source_form.source()) is None
    dlg = ws.redact_dialog
    assert isinstance(dlg, RedactDialog) and not dlg.sharp
    assert dlg.file_label.full_text() == "chat-0.png"
    assert dlg.pixelate_button is not None and dlg.apply_all is not None
    assert win.service.items(ws.case_id or "") == []  # nothing stored before the person chooses
    c = dlg.canvas
    qtbot.mousePress(c, Qt.MouseButton.LeftButton, pos=c.widget_point(20, 30))
    qtbot.mouseRelease(c, Qt.MouseButton.LeftButton, pos=c.widget_point(100, 90))
    dlg.accept()  # the first picture: these areas only
    dlg2 = ws.redact_dialog
    assert isinstance(dlg2, RedactDialog) and dlg2 is not dlg
    assert dlg2.file_label.full_text() == "chat-1.png"
    assert dlg2.apply_all is not None
    dlg2.apply_all.setChecked(True)
    assert dlg2.pixelate_button is not None
    qtbot.mouseClick(dlg2.pixelate_button, Qt.MouseButton.LeftButton)  # pixelate this one and the rest
    assert ws.redact_dialog is None
    wait_idle(qtbot, win)
    items = sorted(win.service.items(ws.case_id or ""), key=lambda i: i.exhibit)
    by_name = {i.original_name: i for i in items}
    assert by_name["chat-0.png"].derivation == "blacked-out: 1 region(s)"
    assert by_name["chat-1.png"].derivation.startswith("pixelated")
    assert by_name["chat-2.png"].derivation.startswith("pixelated")
    assert not by_name["note.txt"].retained


def test_cancel_in_a_record_only_import_stores_nothing(
    qtbot: QtBot, make_window: MakeWindow, counselor_vault: Path, tmp_path: Path  # noqa: F811
) -> None:
    win = make_window(counselor_vault)
    unlock(qtbot, win)
    ws = win.workspace
    p = tmp_path / "chat.png"
    p.write_bytes(screenshot_png())
    ws.import_chosen([p], ws.detail.source_form.source())
    assert ws.redact_dialog is not None
    ws.redact_dialog.reject()
    wait_idle(qtbot, win)
    assert win.service.items(ws.case_id or "") == []
    assert ws.status.full_text() == "Nothing was imported."


def test_enter_in_the_source_form_imports_and_never_fills_in_now(qtbot: QtBot, tmp_path: Path) -> None:
    dlg = ImportDialog(None, [tmp_path / "a.png"])
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    form = dlg.form
    assert not form.now.autoDefault() and not form.now.isDefault()
    form.date_seen.setFocus()
    qtbot.keyClicks(form.date_seen, "2024-08-28 21:30")
    with qtbot.waitSignal(dlg.accepted, timeout=2000):
        qtbot.keyClick(form.date_seen, Qt.Key.Key_Return)
    assert dlg.result() == QDialog.DialogCode.Accepted
    assert form.date_seen.text() == "2024-08-28 21:30"
    # Even with the focus on "Now", Enter confirms; Space presses the focused button.
    dlg2 = ImportDialog(None, [tmp_path / "a.png"])
    qtbot.addWidget(dlg2)
    dlg2.show()
    qtbot.waitExposed(dlg2)
    dlg2.form.now.setFocus()
    with qtbot.waitSignal(dlg2.accepted, timeout=2000):
        qtbot.keyClick(dlg2.form.now, Qt.Key.Key_Return)
    assert dlg2.form.date_seen.text() == ""


def test_space_and_enter_press_the_focused_welcome_button(qtbot: QtBot, make_window: MakeWindow,
                                                         tmp_path: Path) -> None:
    win = make_window(tmp_path / "new-vault")
    assert win.current_page() is win.welcome
    b = win.welcome.create_button
    b.setFocus()
    qtbot.keyClick(b, Qt.Key.Key_Return)
    assert win.current_page() is win.create_page
    win._show(win.welcome)
    b.setFocus()
    qtbot.keyClick(b, Qt.Key.Key_Space)
    assert win.current_page() is win.create_page


def test_report_and_export_default_to_the_app_language(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    i18n.set_language("ko")
    win = make_window(vault_with_items[0], settings=Settings(language="ko"))
    unlock(qtbot, win)
    case_id = win.workspace.case_id or ""
    win.service.update_case(case_id, report_lang="en")  # the case says English: the app's language wins
    win.reports.make_report()
    dlg = win._dialogs[-1]
    assert isinstance(dlg, ReportDialog)
    assert dlg.lang.currentData() == "ko" and dlg.lang.currentText() == "한국어"
    assert "영어" in dlg.lang.itemText(1)
    dlg.reject()
    win.reports.export_bundle()
    dlg2 = win._dialogs[-1]
    assert isinstance(dlg2, ExportDialog)
    assert dlg2.lang.currentData() == "ko"
    dlg2.reject()


def test_a_victims_case_shows_the_calm_guidance(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]]
) -> None:
    win = make_window(vault_with_items[0])
    unlock(qtbot, win)
    ws = win.workspace
    assert not ws.guidance.isVisible()
    g = ws.victim_guidance
    assert g.isVisible() and not g.toggle.isChecked()  # one line until opened
    texts = [m.full_text() for m, _ in g.statements]
    assert any("112" in s for s in texts) and any("02-735-8994" in s for s in texts)
    assert any("without all the evidence" in s for s in texts)


CONFIGS = [(w, h, s, "ko" if s != "1.5" else "en") for s in ("1", "1.5", "2") for (w, h) in ((1366, 768), (1600, 1000))]
# English labels are wider: the smallest screen at 200 % in English too (683x384 logical px).
CONFIGS.append((1366, 768, "2", "en"))


@pytest.mark.parametrize(("width", "height", "scale", "lang"), CONFIGS)
def test_every_screen_fits_at_100_150_200_percent(tmp_path: Path, width: int, height: int, scale: str,
                                                  lang: str) -> None:
    """A fresh process per scale and screen (Qt reads both once), each screen and the main
    dialogs checked for controls outside the window and windows larger than the screen."""
    cfg = tmp_path / "screen.json"
    cfg.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": width, "height": height,
                                            "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM=f"offscreen:configfile={cfg}",
               PYTHONPATH=str(ROOT))
    work = tmp_path / "work"
    work.mkdir()
    r = subprocess.run([sys.executable, str(ROOT / "tests" / "gui" / "layout_child.py"), lang, str(work)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    problems = json.loads(r.stdout.strip().splitlines()[-1])["problems"]
    assert problems == []


def test_korean_times_are_kst_everywhere(qtbot: QtBot, tmp_path: Path) -> None:
    from evidence_kit.gui.display import format_time

    i18n.set_language("ko")
    # Collected on a computer set to UTC: the Korean app still shows KST, like the report.
    assert format_time("2024-08-28T12:30:00.000000Z", "+00:00") == "2024-08-28 21:30:00 KST"
    assert format_time("2024-08-28T12:30:00.000000Z", "+00:00", short=True) == "2024-08-28 21:30"
    dlg = ImportDialog(None, [tmp_path / "a.png"])
    qtbot.addWidget(dlg)
    qtbot.mouseClick(dlg.form.now, Qt.MouseButton.LeftButton)
    assert dlg.form.date_seen.text().endswith(" KST")
    i18n.set_language("en")
    qtbot.mouseClick(dlg.form.now, Qt.MouseButton.LeftButton)
    assert "(UTC" in dlg.form.date_seen.text()
