"""The marked-messages report section, rendered to a PDF with reportlab and read back."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from evidence_kit.core.chat.importer import import_chat
from evidence_kit.core.chat.store import ChatStore
from evidence_kit.core.documents.chat_section import ChatSectionStyle, build_chat_section
from evidence_kit.core.vault.vault import Vault

from . import fixtures_chat as fx


def render(flowables: list) -> str:
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=40, rightMargin=40, topMargin=40, bottomMargin=40).build(
        flowables
    )
    reader = PdfReader(io.BytesIO(buf.getvalue()))
    return "\n".join(p.extract_text() or "" for p in reader.pages)


def test_report_section_renders_marked_messages(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("보고서")
    tg = import_chat(vault, case.id, [fx.telegram_export(tmp_path)])
    (tmp_path / "canary-src" / "k.txt").write_bytes(fx.kakao_pc_ko()[1])
    kk = import_chat(vault, case.id, [tmp_path / "canary-src" / "k.txt"])
    store = ChatStore(vault)
    tg_msgs = list(store.iter_messages(tg.chats[0].id))
    kk_msgs = list(store.iter_messages(kk.chats[0].id))
    long_line = "긴줄" * 3000  # one unbroken 6,000-character line must wrap, not overflow
    store.mark(
        case.id,
        [tg_msgs[2].id, tg_msgs[7].id, tg_msgs[5].id, kk_msgs[5].id, kk_msgs[7].id],
        note="<b>증거</b> & 메모",
    )
    assert build_chat_section(vault, case.id, "ko")  # smoke: builds without a document
    text = render(build_chat_section(vault, case.id, "ko", ChatSectionStyle(max_text=2000)))
    flat = text.replace("\n", "")
    assert "대화 내보내기: 표시한 메시지" in flat
    assert "우리반 단톡" in flat and "친구들" in flat
    assert "2024-03-15 23:31:00 KST" in flat and "2024-03-15 14:31:00 UTC" in flat
    assert "첫 줄" in flat and "둘째 줄" in flat and "[반장] 박:서준" in flat
    assert "[U+202E]" in flat and "[U+000B]" in flat  # RTL override and control char shown, not obeyed
    assert "증 제" in flat and "SHA-256" in flat
    items = vault.list_items(case.id)
    photo = next(i for i in items if i.original_name.startswith("photo_1@") and "thumb" not in i.original_name)
    assert photo.sha256 in flat
    assert "not-included" in flat  # missing media with its reason
    assert "<b>증거</b> & 메모" in flat  # untrusted markup escaped, printed literally
    assert "바이트" in flat and "줄 6–8" in flat  # source position: byte range and lines
    assert "Asia/Seoul" in flat
    # English, and a message longer than the print limit
    (tmp_path / "canary-src" / "long.txt").write_bytes(
        ("--------------- 2023년 1월 5일 목요일 ---------------\n[가] [오전 9:00] " + long_line + "\n").encode()
    )
    lg = import_chat(vault, case.id, [tmp_path / "canary-src" / "long.txt"])
    long_msg = list(store.iter_messages(lg.chats[0].id))[1]
    store.mark(case.id, [long_msg.id])
    en = render(build_chat_section(vault, case.id, "en", ChatSectionStyle(max_text=2000))).replace("\n", "")
    assert "Chat exports: marked messages" in en and "part of 6,000 characters" in en
    assert "KST and UTC are from Telegram's date_unixtime" in en


def test_report_section_when_nothing_is_marked(vault: Vault) -> None:
    case = vault.create_case("empty")
    text = render(build_chat_section(vault, case.id, "en"))
    assert "No messages are marked." in text
