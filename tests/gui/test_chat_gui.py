"""The desktop app imports chat exports and shows, searches and marks their messages.

Real exports (the generators of tests/fixtures_chat.py and fixtures_telegram_html.py),
a real vault, the real worker; the file choosers are skipped by giving the dialog its paths.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot

from evidence_kit.gui import i18n
from evidence_kit.gui.chat_import_dialog import ChatImportDialog
from evidence_kit.gui.chat_view import ChatViewDialog
from evidence_kit.gui.dialogs import MessageDialog
from evidence_kit.gui.main_window import MainWindow
from evidence_kit.gui.settings import Settings

from .. import fixtures_chat as fc
from .. import fixtures_telegram_html as fh
from .conftest import MakeWindow, unlock, wait_idle

pytestmark = pytest.mark.gui


def src(tmp_path: Path, name: str, data: bytes) -> Path:
    folder = tmp_path / "canary-src"  # the user's own files: plaintext is allowed here
    folder.mkdir(exist_ok=True)
    p = folder / name
    p.write_bytes(data)
    return p


def opened(qtbot: QtBot, make_window: MakeWindow, vault: Path) -> MainWindow:
    win = make_window(vault)
    unlock(qtbot, win)
    return win


def detect_in_dialog(qtbot: QtBot, win: MainWindow, paths: list[Path]) -> ChatImportDialog:
    menu = win.workspace.chat_button.menu()
    assert menu is not None
    import_action, _read_action = menu.actions()
    import_action.trigger()  # the workspace's Chats button, as a person would
    dlg = win.workspace.chat_import_dialog
    assert isinstance(dlg, ChatImportDialog) and dlg.isVisible()
    assert not dlg.import_button.isEnabled()  # nothing chosen yet
    dlg.set_paths(paths)
    wait_idle(qtbot, win)
    assert dlg.info is not None
    return dlg


def import_now(qtbot: QtBot, win: MainWindow, dlg: ChatImportDialog) -> MessageDialog:
    assert dlg.import_button.isEnabled(), dlg.problem.full_text()
    dlg.import_button.click()
    wait_idle(qtbot, win)
    summary = win._dialogs[-1]
    assert isinstance(summary, MessageDialog)
    return summary


def case_chats(win: MainWindow) -> list:
    return win.service.chats(win.workspace.case_id or "")


def test_telegram_json_export_imports_without_questions(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder = fc.telegram_export(tmp_path)
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, [folder])
    assert "Telegram" in dlg.found.full_text() and "우리반 단톡" in dlg.found.full_text()
    assert not dlg.zone_box.isVisibleTo(dlg) and not dlg.order_box.isVisibleTo(dlg)
    assert not dlg.chats_box.isVisibleTo(dlg)
    summary = import_now(qtbot, win, dlg)
    [chat] = case_chats(win)
    assert chat.title == "우리반 단톡" and chat.message_count > 5
    assert "Chat imported: 우리반 단톡" in summary.message.full_text()
    names = {i.original_name for i in win.workspace.model.items()}
    assert "result.json" in names and "계약서 (1).pdf" in names  # the export is evidence, in the list


def test_kakaotalk_english_asks_for_the_zone(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    name, data = fc.kakao_pc_en()
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, [src(tmp_path, name, data)])
    assert dlg.zone_box.isVisibleTo(dlg) and "without a time zone" in dlg.zone_why.text()
    found = dlg.found.full_text()  # the lines that told the format apart are shown, not only logged
    assert "How this was recognised:" in found and "family KakaoTalk PC" in found
    if os.environ.get("EK_SHOTS"):
        dlg.grab().save(os.path.join(os.environ["EK_SHOTS"], "chat-import-decided-by.png"))
    assert not dlg.import_button.isEnabled()  # English UI, English file: no zone is assumed
    assert dlg.problem.full_text() == "Choose the time zone."
    dlg.zone_combo.setCurrentIndex(dlg.zone_combo.findData("other"))
    dlg.zone_other.setText("Mars/Olympus")
    assert not dlg.import_button.isEnabled() and "Unknown time zone" in dlg.problem.full_text()
    dlg.zone_combo.setCurrentIndex(dlg.zone_combo.findData("Europe/Berlin"))
    import_now(qtbot, win, dlg)
    [chat] = case_chats(win)
    assert (chat.zone, chat.zone_source) == ("Europe/Berlin", "user")


def test_kakaotalk_korean_preselects_seoul_and_records_korean_locale(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    name, data = fc.kakao_pc_ko()
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, [src(tmp_path, name, data)])
    assert dlg.zone_box.isVisibleTo(dlg) and "Korean format" in dlg.zone_why.text()
    assert dlg.zone_combo.currentData() == "Asia/Seoul"
    import_now(qtbot, win, dlg)
    [chat] = case_chats(win)
    assert (chat.zone, chat.zone_source) == ("Asia/Seoul", "korean-locale")
    assert chat.message_count >= 8


def test_whatsapp_ambiguous_dates_ask_the_order(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    name, data = fc.wa_android_ambiguous()
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, [src(tmp_path, name, data)])
    assert dlg.order_box.isVisibleTo(dlg) and dlg.zone_box.isVisibleTo(dlg)
    dlg.zone_combo.setCurrentIndex(dlg.zone_combo.findData("UTC"))
    assert dlg.problem.full_text() == "Choose how the dates are written."
    dlg.order_buttons["mdy"].setChecked(True)
    import_now(qtbot, win, dlg)
    [chat] = case_chats(win)
    assert (chat.date_order, chat.date_order_source) == ("mdy", "user")
    first = win.service.chat_messages(chat.id)
    assert any(m.local_time.startswith("2024-01-02T10:00") for m in first)


def test_full_account_telegram_export_lets_the_person_tick_chats(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    root = tmp_path / "canary-src" / "DataExport_2024-03-16"
    root.mkdir(parents=True)
    (root / "export_results.html").write_text("<!DOCTYPE html>\n<html><body>Exported Data</body></html>\n",
                                              encoding="utf-8")
    fh.write_html(root / "chats" / "chat_001", "Alice Smith", fh.english_chat())
    fh.write_html(root / "chats" / "chat_002", "우리반 단톡", fh.korean_chat())
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, [root])
    assert dlg.chats_box.isVisibleTo(dlg) and dlg.chat_model.rowCount() == 2
    assert "2 chat(s)" in dlg.found.full_text()
    assert dlg.problem.full_text() == "Tick at least one chat."
    dlg.chat_model.item(1).setCheckState(Qt.CheckState.Checked)
    import_now(qtbot, win, dlg)
    assert [c.title for c in case_chats(win)] == ["우리반 단톡"]
    paths = {i.relative_path for i in win.service.items(win.workspace.case_id or "")}
    assert not any("chat_001" in (p or "") for p in paths)  # the unticked chat stored nothing


def test_unrecognised_file_shows_the_error_and_stores_nothing(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    win = opened(qtbot, make_window, vault_with_items[0])
    before = len(win.service.items(win.workspace.case_id or ""))
    dlg = win.workspace.import_chat_export()
    assert dlg is not None
    dlg.set_paths([src(tmp_path, "shopping.txt", b"milk\neggs\n")])
    wait_idle(qtbot, win)
    err = win._dialogs[-1]
    assert isinstance(err, MessageDialog) and "not a chat export" in err.message.full_text()
    assert dlg.info is None and not dlg.import_button.isEnabled()
    assert len(win.service.items(win.workspace.case_id or "")) == before


def test_cancel_leaves_no_half_chat(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder = fc.telegram_big(tmp_path / "canary-src" / "Big", 20_000, 5)
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, [folder])
    dlg.import_button.click()
    ws = win.workspace
    assert win.worker.busy and ws.job_bar.isVisible() and not ws.chat_button.isEnabled()
    ws.cancel_job()
    wait_idle(qtbot, win)
    assert "ancel" in ws.status.full_text()
    assert case_chats(win) == []  # the chat rows commit in one transaction, or not at all


def select_rows(view: ChatViewDialog, rows: list[int]) -> None:
    sel = view.table.selectionModel()
    sel.clearSelection()
    for r in rows:
        sel.select(view.model.index(r, 0), QItemSelectionModel.SelectionFlag.Select
                   | QItemSelectionModel.SelectionFlag.Rows)


def test_chat_view_searches_and_marks_for_the_report(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    name, data = fc.kakao_pc_ko()
    win = opened(qtbot, make_window, vault_with_items[0])
    import_now(qtbot, win, detect_in_dialog(qtbot, win, [src(tmp_path, name, data)]))
    case_id = win.workspace.case_id or ""
    win.chats_action.trigger()  # Evidence ▸ Chats…
    view = win.workspace.chat_view
    assert isinstance(view, ChatViewDialog) and view.isVisible() and view.chat_model.rowCount() == 1
    n = view.model.rowCount()
    assert n > 8 and any("김민수" in view.model.data(view.model.index(r, 3)) for r in range(n))
    view.sender_edit.setText("이지은")
    view.search()
    assert view.model.rowCount() >= 2
    assert all(m.sender == "이지은" for m in view.model.messages())
    select_rows(view, [0, 1])
    view.note_edit.setText("threat")
    done = view.mark(True)
    assert done is not None and len(done) == 2
    assert view.model.data(view.model.index(0, 0)) == "✓"
    marked = win.service.search_messages(case_id, marked=True)
    assert sorted(m.id for _c, m in marked) == sorted(m.id for m in done)
    assert all(m.mark_note == "threat" for _c, m in marked)
    select_rows(view, [1])
    view.mark(False)
    assert [m.id for _c, m in win.service.search_messages(case_id, marked=True)] == [done[0].id]
    events = [e for e in win.service.vault.log.events() if e.action == "mark"]
    assert len(events) == 2  # one custody event per click, as `chat mark`
    view.show_all()
    view.marked_only.setChecked(True)
    view.search()
    assert [m.id for m in view.model.messages()] == [done[0].id]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_chat_screens_in_both_languages(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path, lang: str
) -> None:
    from .test_translations import english_words, unnamed_controls, visible_texts

    i18n.set_language(lang)
    win = make_window(vault_with_items[0], settings=Settings(language=lang))
    unlock(qtbot, win)
    name, data = fc.wa_android_ambiguous()
    dlg = detect_in_dialog(qtbot, win, [src(tmp_path, name, data)])
    texts = list(visible_texts(dlg))
    unnamed = unnamed_controls(dlg)
    dlg.zone_combo.setCurrentIndex(dlg.zone_combo.findData("UTC"))
    dlg.order_buttons["dmy"].setChecked(True)
    texts += visible_texts(dlg)
    import_now(qtbot, win, dlg)
    view = win.workspace.open_chats()
    assert view is not None and view.model.rowCount() == 2
    texts += visible_texts(view)
    unnamed += unnamed_controls(view)
    assert len(texts) > 60
    english = [f"{where}: {text!r}" for where, text in texts if lang == "ko" and english_words(text)]
    assert not english, english
    assert not unnamed, unnamed


def test_split_ios_chat_chosen_as_several_files(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    parts = [src(tmp_path, n, d) for n, d in fc.kakao_ios_ko_parts()]
    win = opened(qtbot, make_window, vault_with_items[0])
    dlg = detect_in_dialog(qtbot, win, parts)
    assert "Talk_2023.5.2 20_06-1.txt" in dlg.found.full_text()
    import_now(qtbot, win, dlg)
    [chat] = case_chats(win)
    texts = [m.text for m in win.service.chat_messages(chat.id)]
    assert any("둘째 파일" in x for x in texts) and any(x.startswith("안녕") for x in texts)


def test_record_only_case_imports_the_text_and_records_the_media(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder = fc.telegram_export(tmp_path)
    win = opened(qtbot, make_window, vault_with_items[0])
    case = win.service.create_case("상담 B", policy="record_only", role="counselor")
    win.workspace.load(select_case=case.id)
    import_now(qtbot, win, detect_in_dialog(qtbot, win, [folder]))
    [chat] = win.service.chats(case.id)
    items = {i.original_name: i for i in win.service.items(case.id)}
    assert items["result.json"].retained and not items["계약서 (1).pdf"].retained
    assert chat.message_count > 5


def test_closing_or_locking_leaves_nothing_behind(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], tmp_path: Path
) -> None:
    folder = fc.telegram_export(tmp_path)
    win = opened(qtbot, make_window, vault_with_items[0])
    assert win.import_chat_action.isEnabled() and win.chats_action.isEnabled()
    dlg = win.workspace.import_chat_export()
    assert dlg is not None
    dlg.set_paths([folder])
    assert not dlg.folder_button.isEnabled()  # one detection at a time
    dlg.reject()  # closed while the worker is still looking: its answer goes nowhere
    wait_idle(qtbot, win)
    assert case_chats(win) == [] and not any(isinstance(d, MessageDialog) for d in win._dialogs)
    view = win.workspace.open_chats()
    assert view is not None and view.model.rowCount() == 0
    assert "no imported chats" in view.status.full_text()
    win.lock()
    assert not view.isVisible()
    assert not win.import_chat_action.isEnabled() and not win.chats_action.isEnabled()
