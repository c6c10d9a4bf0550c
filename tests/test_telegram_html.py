"""Telegram Desktop HTML exports: evidence first, messages with byte ranges, joined senders,
replies across files, forwards, media present and missing, full-account exports, the same
chat as HTML and JSON, hostile HTML."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from evidence_kit.cli import main as cli_main
from evidence_kit.core.chat.errors import ChatFormatError
from evidence_kit.core.chat.importer import detect, import_chat
from evidence_kit.core.chat.model import (
    EV_DATE,
    EV_SERVICE,
    F_BIDI,
    F_CONTROL,
    KIND_MESSAGE,
    R_NOT_IN_EXPORT,
    R_NOT_INCLUDED,
    R_TOO_LARGE,
    R_UNSAFE_PATH,
    ST_MISSING,
    ST_STORED,
)
from evidence_kit.core.chat.store import ChatStore, SearchQuery
from evidence_kit.core.vault.vault import Vault

from . import fixtures_telegram_html as fh
from .conftest import PASSPHRASE


def msgs(vault: Vault, chat_id: str) -> list:
    return list(ChatStore(vault).iter_messages(chat_id))


def export(tmp_path: Path, name: str, chat: list[fh.Msg], per_file: int = 1000, **kw) -> Path:
    return fh.write_html(tmp_path / "canary-src" / name, "우리반 단톡", chat, per_file=per_file, **kw)


def test_korean_multi_file_export_imported_as_evidence(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("텔레그램 HTML")
    folder = export(tmp_path, "ChatExport_2024-03-16", fh.korean_chat(), per_file=7)
    assert (folder / "messages4.html").exists()
    d = detect([folder], lang="ko")
    assert d.family == "telegram-html" and "HTML" in d.label and d.title == "우리반 단톡"
    assert d.texts == ["messages.html", "messages2.html", "messages3.html", "messages4.html"]
    res = import_chat(vault, case.id, [folder])
    items = {i.relative_path.split("/", 1)[1]: i for i in vault.list_items(case.id)}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert set(items) == on_disk  # every file, pages and css included
    for rel, it in items.items():
        assert b"".join(vault.iter_plaintext(it.id)) == (folder / rel).read_bytes()
    chat = res.chats[0]
    assert chat.title == "우리반 단톡" and chat.family == "telegram-html"
    assert chat.zone == "+03:00" and chat.zone_source == "export"
    got = msgs(vault, chat.id)
    by = {m.native_id: m for m in got}
    # provenance: each message is exactly its <div class="message ..."> element in the sealed page
    pages = {it.id: b"".join(vault.iter_plaintext(it.id)) for it in items.values()}
    for m in got:
        raw = pages[m.source.item_id][m.source.byte_start:m.source.byte_end]
        assert raw.startswith(b'<div class="message ') and raw.endswith(b"</div>")
        assert f'id="message{m.native_id}"'.encode() in raw[:80]
    # joined: the exporter leaves out the sender, the import carries it over
    assert by["3"].extra.get("joined") is True and by["3"].sender == "김민수"
    assert by["2"].text == "안녕하세요 여러분\n둘째 줄 <b>굵게 아님</b> & 'quote'"
    assert (by["2"].local_time, by["2"].utc, by["2"].time_basis) == (
        "2024-03-15T23:01:00", "2024-03-15T20:01:00Z", "unixtime")
    assert by["4"].reply_to == "2" and by["4"].entities[0]["href"] == "https://example.com/x?a=1&b=2"
    assert by["4"].text == "링크: https://example.com/x?a=1&b=2"
    assert by["5"].forwarded_from == "어떤 채널"
    assert by["5"].extra["forwarded_date"] == "13.03.2024 20:00:00 UTC+03:00"
    assert by["5"].extra["forwarded_utc"] == "2024-03-13T17:00:00Z"
    # a reply into an earlier file
    last_reply = next(m for m in got if m.text.startswith("다음 날"))
    assert last_reply.reply_to == "3" and last_reply.extra["reply_file"] == "messages.html"
    assert last_reply.extra["file"] != "messages.html"
    # service messages and day separators are events
    assert by["1"].kind == "event" and by["1"].event == EV_SERVICE and "우리반 단톡" in by["1"].text
    assert [m.text for m in got if m.event == EV_DATE] == ["15 March 2024", "16 March 2024"]
    # every media kind, present (stored, linked to its item) and missing (with the exporter's reason)
    stored = [a for m in got for a in m.attachments if a.status == ST_STORED]
    assert sorted(a.kind for a in stored) == sorted(
        ["photo", "video", "video", "voice", "audio", "file", "sticker", "animation"])
    for a in stored:
        assert vault.get_item(a.item_id).relative_path.endswith(a.name)
    missing = [a for m in got for a in m.attachments if a.status == ST_MISSING]
    assert sorted(a.kind for a in missing if a.reason == R_NOT_INCLUDED) == sorted(
        ["photo", "video", "video", "voice", "audio", "file", "sticker", "animation"])
    assert [a.detail for a in missing if a.reason == R_TOO_LARGE] == [fh.TOO_LARGE]
    assert res.missing_total == 9 == chat.missing_count
    # hostile characters kept as written, flagged
    evil = next(m for m in got if m.text.startswith("제어문자"))
    assert "\x0b" in evil.text and "\u202e" in evil.text
    assert F_CONTROL in evil.flags and F_BIDI in evil.flags
    # search and marking work as for any chat
    st = ChatStore(vault)
    hits = [m for _c, m in st.search(case.id, SearchQuery(sender="김민수", messages_only=True))]
    assert {m.native_id for m in hits} >= {"2", "3"}


def _cmp(m) -> tuple:
    return (
        m.native_id,
        m.sender,
        m.local_time,
        m.utc,
        m.text,
        m.reply_to,
        m.forwarded_from,
        [(a.kind, a.name, a.status, a.reason) for a in m.attachments],
    )


def test_same_chat_as_html_and_json_gives_the_same_messages(vault: Vault, tmp_path: Path) -> None:
    chat = fh.korean_chat()
    hfold = export(tmp_path, "html", chat, per_file=5)
    jfold = fh.write_json(tmp_path / "canary-src" / "json", "우리반 단톡", chat)
    for p in hfold.rglob("*"):  # the same media files beside result.json
        rel = p.relative_to(hfold)
        if p.is_file() and not rel.name.endswith(".html") and rel.parts[0] not in ("css", "js", "images"):
            (jfold / rel).parent.mkdir(parents=True, exist_ok=True)
            (jfold / rel).write_bytes(p.read_bytes())
    ch = import_chat(vault, vault.create_case("html").id, [hfold]).chats[0]
    cj = import_chat(vault, vault.create_case("json").id, [jfold]).chats[0]
    hm = [m for m in msgs(vault, ch.id) if m.kind == KIND_MESSAGE]
    jm = [m for m in msgs(vault, cj.id) if m.kind == KIND_MESSAGE]
    assert len(hm) == len(jm) == 23
    assert [_cmp(m) for m in hm] == [_cmp(m) for m in jm]
    hs = [m.native_id for m in msgs(vault, ch.id) if m.event == EV_SERVICE]
    js = [m.native_id for m in msgs(vault, cj.id) if m.kind != KIND_MESSAGE]
    assert hs == js
    assert (ch.export_offset, ch.zone) == (cj.export_offset, cj.zone) == ("+03:00", "+03:00")
    # media links point at items with the same bytes
    for a, b in zip((a for m in hm for a in m.attachments), (a for m in jm for a in m.attachments), strict=True):
        if a.item_id:
            assert vault.get_item(a.item_id).sha256 == vault.get_item(b.item_id).sha256


def test_english_export_and_old_export_without_offset(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("en")
    folder = fh.write_html(tmp_path / "canary-src" / "en", "Alice Smith", fh.english_chat())
    res = import_chat(vault, case.id, [folder / "messages.html"], lang="en")
    assert "Telegram Desktop (HTML)" in res.label
    got = {m.native_id: m for m in msgs(vault, res.chats[0].id)}
    assert got["2"].sender == "Alice Smith" and got["2"].extra["joined"]
    assert got["3"].attachments[0].status == ST_STORED and got["3"].reply_to == "1"
    assert got["4"].forwarded_from == "News Channel"
    assert (got["4"].attachments[0].reason, got["4"].attachments[0].detail) == (R_NOT_INCLUDED, fh.NOT_INCLUDED)
    old = fh.write_html(tmp_path / "canary-src" / "old", "Alice Smith", fh.english_chat(), tz=None)
    res2 = import_chat(vault, vault.create_case("old").id, [old])
    c2 = res2.chats[0]
    assert c2.zone_source == "unknown" and any("no UTC offset" in w for w in c2.warnings)
    m2 = next(m for m in msgs(vault, c2.id) if m.native_id == "1")
    assert (m2.local_time, m2.utc, m2.time_basis) == ("2024-03-15T23:00:00", "", "unknown")
    res3 = import_chat(vault, vault.create_case("old+zone").id, [old], zone="Europe/Moscow")
    m3 = next(m for m in msgs(vault, res3.chats[0].id) if m.native_id == "1")
    assert (m3.utc, m3.time_basis) == ("2024-03-15T20:00:00Z", "zone")


def _account(tmp_path: Path) -> Path:
    root = tmp_path / "canary-src" / "DataExport_2024-03-16"
    root.mkdir(parents=True)
    (root / "export_results.html").write_text(
        '<!DOCTYPE html>\n<html>\n <body>\n  <div class="page_wrap">\n   <div class="page_header">\n'
        '    <div class="content">\n     <div class="text bold">\nExported Data\n     </div>\n'
        "    </div>\n   </div>\n  </div>\n </body>\n</html>\n", encoding="utf-8")
    fh.write_html(root / "chats" / "chat_001", "Alice Smith", fh.english_chat())
    fh.write_html(root / "chats" / "chat_002", "우리반 단톡", fh.korean_chat())
    return root


def test_full_account_export_lists_chats_and_imports_the_chosen_one(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("account")
    root = _account(tmp_path)
    with pytest.raises(ChatFormatError) as ei:
        import_chat(vault, case.id, [root])
    en, ko = ei.value.message("en"), ei.value.message("ko")
    assert "chat_001" in en and "Alice Smith" in en and "우리반 단톡" in ko and "--chat" in en
    with pytest.raises(ChatFormatError):
        import_chat(vault, case.id, [root], chat="nobody")
    assert vault.list_items(case.id) == []  # nothing stored before a chat is chosen
    res = import_chat(vault, case.id, [root / "export_results.html"], chat="우리반 단톡")
    assert res.chats[0].title == "우리반 단톡"
    names = {i.relative_path for i in vault.list_items(case.id)}
    assert "chat_002/messages.html" in names and not any(n.startswith("chat_001") for n in names)
    res2 = import_chat(vault, vault.create_case("2").id, [root], chat="1")
    assert res2.chats[0].title == "Alice Smith"


def test_cli_chat_option(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from evidence_kit.core.service import EvidenceService

    from .conftest import fast_kdf

    vp = tmp_path / "vault"
    svc = EvidenceService(vp)
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    svc.create_case("cli")
    svc.lock()
    monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
    root = _account(tmp_path)
    base = ["--vault", str(vp), "--lang", "en"]
    assert cli_main([*base, "chat", "import", str(root)]) != 0
    assert "chat_002" in capsys.readouterr().err
    assert cli_main([*base, "chat", "import", str(root), "--chat", "chat_002"]) == 0
    assert "Telegram Desktop (HTML)" in capsys.readouterr().out
    assert cli_main([*base, "--json", "chat", "search", "--sender", "이지은"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits and all(h["sender"] == "이지은" for h in hits)


# --------------------------------------------------------------------------- hostile input


def _page(body: str) -> str:
    return ('<!DOCTYPE html>\n<html>\n <head>\n  <meta charset="utf-8"/>\n<title>Exported Data</title>\n'
            ' </head>\n <body>\n  <div class="page_wrap">\n   <div class="page_header">\n    <div class="content">\n'
            '     <div class="text bold">\nHostile\n     </div>\n    </div>\n   </div>\n'
            '   <div class="page_body chat_page">\n    <div class="history">\n' + body)


def _msg(mid: int, inner: str, *, sender: str = "Mallory", close: bool = True) -> str:
    s = (f'<div class="message default clearfix" id="message{mid}">\n <div class="body">\n'
         f'  <div class="pull_right date details" title="15.03.2024 23:0{mid % 10}:00 UTC+09:00">\n23:00\n  </div>\n'
         f'  <div class="from_name">\n{sender}\n  </div>\n{inner}')
    return s + ("\n </div>\n</div>\n" if close else "")


def test_hostile_html(vault: Vault, tmp_path: Path) -> None:
    folder = tmp_path / "canary-src" / "hostile"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "ok.jpg").write_bytes(b"\xff\xd8\xff\xe0 real enough")
    secret = tmp_path / "canary-src" / "secret.txt"
    secret.write_bytes(b"outside the export")
    big = "가" * (10 * 1024 * 1024 // 3 + 10)  # a 10 MB single message
    body = "".join([
        _msg(1, '<div class="text">\nbefore<script>alert("x")</script>after<style>p{}</style>\n</div>'),
        _msg(2, '<div class="media_wrap clearfix">\n<a class="photo_wrap clearfix pull_left" '
             'href="../secret.txt"><img src="../secret.txt"/></a>\n</div>'),
        _msg(3, '<div class="media_wrap clearfix">\n<a class="media clearfix pull_left block_link media_file" '
             'href="/etc/passwd"><div class="body"><div class="title bold">x</div></div></a>\n</div>'),
        _msg(4, '<div class="media_wrap clearfix">\n<a class="photo_wrap clearfix pull_left" '
             'href="photos/ok.jpg"></a>\n</div>\n<div class="text">\n<a href="javascript:alert(1)">click</a>\n</div>'),
        _msg(5, '<div class="media_wrap clearfix">\n<a class="photo_wrap clearfix pull_left" '
             'href="photos/none.jpg"></a>\n</div>'),
        _msg(6, f'<div class="text">\n{big}\n</div>'),
        _msg(7, '<div class="text">\nunclosed <b><i>tags <div class="reply_to details">', close=False),
        _msg(8, '<div class="text">\n&#x0B;&#x202E;&#0; &#xD800; &bogus; &lt;b&gt;\n</div>', sender="Bad&#x200F;Name"),
        _msg(9, '<div class="text">\nlast one, file cut here', close=False),
    ])
    (folder / "messages.html").write_bytes(_page(body).encode("utf-8") + b"\xff\xfe broken utf-8")
    res = import_chat(vault, vault.create_case("hostile").id, [folder])
    chat = res.chats[0]
    got = {m.native_id: m for m in msgs(vault, chat.id)}
    assert sorted(got, key=int) == [str(i) for i in range(1, 10)]
    assert got["1"].text == "beforeafter"  # no script or style content
    a2 = got["2"].attachments[0]
    assert (a2.status, a2.reason, a2.item_id) == (ST_MISSING, R_UNSAFE_PATH, None)
    assert got["3"].attachments[0].reason == R_UNSAFE_PATH
    assert got["4"].attachments[0].status == ST_STORED and got["4"].entities[0]["href"] == "javascript:alert(1)"
    assert got["5"].attachments[0].reason == R_NOT_IN_EXPORT
    assert got["6"].text == big
    page = b"".join(vault.iter_plaintext(got["6"].source.item_id))
    assert page[got["6"].source.byte_start:got["6"].source.byte_end].count("가".encode()) == len(big)
    assert got["7"].text.startswith("unclosed tags")
    assert got["8"].text.startswith("\x0b\u202e\x00 \ufffd &bogus; <b>")
    assert F_CONTROL in got["8"].flags and F_BIDI in got["8"].flags
    assert got["8"].sender == "Bad\u200fName"
    assert "invalid-utf8" in got["9"].flags
    assert any("refused media path" in w for w in chat.warnings)
    # nothing outside the export was stored
    assert all(i.original_name != "secret.txt" for i in vault.list_items(chat.case_id))


def test_joined_sender_carries_across_files(vault: Vault, tmp_path: Path) -> None:
    t = fh.T0
    chat = [fh.Msg(i, t + timedelta(seconds=30 * i), "Alice", "user1", f"m{i}") for i in range(1, 6)]
    folder = export(tmp_path, "carry", chat, per_file=2)
    res = import_chat(vault, vault.create_case("carry").id, [folder])
    got = [m for m in msgs(vault, res.chats[0].id) if m.kind == KIND_MESSAGE]
    assert [m.sender for m in got] == ["Alice"] * 5
    assert [bool(m.extra.get("joined")) for m in got] == [False, True, True, True, True]
    assert len({m.source.item_id for m in got}) == 3


def test_marked_html_messages_in_the_report(vault: Vault, tmp_path: Path) -> None:
    from evidence_kit.core.documents.chat_section import ChatSectionStyle, build_chat_section

    from .test_chat_report import render

    case = vault.create_case("보고서")
    folder = export(tmp_path, "report", fh.korean_chat(), per_file=7)
    res = import_chat(vault, case.id, [folder])
    store = ChatStore(vault)
    got = {m.native_id: m for m in store.iter_messages(res.chats[0].id)}
    evil = next(m for m in got.values() if m.text.startswith("제어문자"))
    missing = next(m for m in got.values() if m.attachments and m.attachments[0].status == ST_MISSING)
    store.mark(case.id, [got["3"].id, evil.id, missing.id], note="표시")
    flat = render(build_chat_section(vault, case.id, "ko", ChatSectionStyle(max_text=2000))).replace("\n", "")
    assert "우리반 단톡" in flat and "이어서 보낸 메시지" in flat and "김민수" in flat
    assert "2024-03-15 20:02:00 UTC" in flat
    assert "[U+202E]" in flat and "[U+000B]" in flat
    assert "not-included" in flat and "바이트" in flat


def test_compact_markup_from_other_exporter_versions(vault: Vault, tmp_path: Path) -> None:
    """Everything on one line, the skip reason in "status details", an <a> without href, a
    service message with a link to the pinned message, " via @bot" in the sender line."""
    folder = tmp_path / "canary-src" / "compact"
    folder.mkdir(parents=True)
    page = (
        '<!DOCTYPE html><html><head></head><body><div class="page_header"><div class="content">'
        '<div class="text bold">My Chat</div></div></div><div class="history">'
        '<div class="message default clearfix" id="message1"><div class="body">'
        '<div class="pull_right date details" title="26.05.2021 18:03:43 UTC+03:00">18:03</div>'
        '<div class="from_name">Alice via @somebot</div>'
        '<div class="text">hello <a href="https://example.com">link</a></div></div></div>'
        '<div class="message default clearfix joined" id="message2"><div class="body">'
        '<div class="pull_right date details" title="26.05.2021 18:04:00 UTC+03:00">18:04</div>'
        '<div class="text">second message</div></div></div>'
        '<div class="message service" id="message3"><div class="body details">Alice pinned '
        '<a href="#go_to_message2" onclick="return GoToMessage(2)">this message</a></div></div>'
        '<div class="message default clearfix" id="message4"><div class="body">'
        '<div class="pull_right date details" title="26.05.2021 18:05:00 UTC+03:00">18:05</div>'
        '<div class="from_name">Bob</div><div class="media_wrap clearfix">'
        '<a class="media clearfix pull_left block_link media_photo"><div class="body">'
        '<div class="title bold">Photo</div><div class="status details">Not included, change data '
        'exporting settings to download.</div></div></a></div></div></div></div></body></html>'
    )
    (folder / "messages.html").write_text(page, encoding="utf-8")
    res = import_chat(vault, vault.create_case("compact").id, [folder])
    assert res.chats[0].title == "My Chat"
    got = {m.native_id: m for m in msgs(vault, res.chats[0].id)}
    assert (got["1"].sender, got["1"].extra["via_bot"], got["1"].text) == ("Alice", "somebot", "hello link")
    assert got["2"].sender == "Alice" and got["2"].text == "second message"
    assert got["3"].event == EV_SERVICE and got["3"].reply_to == "2" and got["3"].text == "Alice pinned this message"
    a = got["4"].attachments[0]
    assert (a.kind, a.status, a.reason) == ("photo", ST_MISSING, R_NOT_INCLUDED)
    assert page.encode()[got["4"].source.byte_start:got["4"].source.byte_end].endswith(b"</a></div></div></div>")
