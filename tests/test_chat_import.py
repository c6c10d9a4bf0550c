"""Chat exports into the vault: evidence first, messages with their source, custody events,
record-only cases, hostile inputs, search/filter/mark, and the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
import zipfile
from pathlib import Path

import pytest

from evidence_kit.cli import main as cli_main
from evidence_kit.core.chat.errors import (
    ChatFormatError,
    DateOrderConflictError,
    DateOrderNeededError,
    UnsafeZipError,
    ZoneError,
)
from evidence_kit.core.chat.importer import detect, import_chat
from evidence_kit.core.chat.model import KIND_MESSAGE, ST_MISSING, ST_RECORDED, ST_STORED
from evidence_kit.core.chat.store import ChatStore, SearchQuery
from evidence_kit.core.chat.timeutil import ZoneNeededError
from evidence_kit.core.common.errors import CancelledError, IntegrityError
from evidence_kit.core.vault.vault import Vault

from . import fixtures_chat as fx
from .conftest import CANARY, PASSPHRASE


def src(tmp_path: Path) -> Path:
    d = tmp_path / "canary-src"
    d.mkdir(exist_ok=True)
    return d


def write(tmp_path: Path, built: tuple[str, bytes]) -> Path:
    p = src(tmp_path) / built[0]
    p.write_bytes(built[1])
    return p


@pytest.fixture(scope="module")
def shared_vault(tmp_path_factory: pytest.TempPathFactory):
    from .conftest import fast_kdf

    v = Vault.create(tmp_path_factory.mktemp("shared") / "vault", PASSPHRASE, kdf=fast_kdf())
    try:
        yield v
    finally:
        v.lock()


def messages(vault: Vault, chat_id: str) -> list:
    return list(ChatStore(vault).iter_messages(chat_id))


# --------------------------------------------------------------------------- Telegram


def test_telegram_export_imported_as_evidence_with_context(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("텔레그램")
    folder = fx.telegram_export(tmp_path)
    ticks: list[tuple[int, int]] = []
    res = import_chat(vault, case.id, [folder], progress=lambda d, t: ticks.append((d, t)))
    assert ticks and ticks[-1][0] == ticks[-1][1]
    # every file of the export is an item; result.json byte for byte
    items = {i.original_name: i for i in vault.list_items(case.id)}
    assert set(items) == {
        "result.json",
        "photo_1@15-03-2024_23-31-00.jpg",
        "photo_1@15-03-2024_23-31-00_thumb.jpg",
        "계약서 (1).pdf",
        "IMG_0001.MP4",
    }
    rj = items["result.json"]
    assert b"".join(vault.iter_plaintext(rj.id)) == (folder / "result.json").read_bytes()
    assert all(i.method == "chat-export" and i.source.platform == "Telegram" for i in items.values())
    (chat,) = res.chats
    assert (chat.title, chat.chat_type, chat.native_id) == ("우리반 단톡", "private_supergroup", "1234567890")
    assert chat.zone == "+09:00" and chat.zone_source == "export" and chat.complete
    msgs = messages(vault, chat.id)
    assert len(msgs) == 15 and chat.message_count == 13 and chat.event_count == 2
    data = (folder / "result.json").read_bytes()
    m2 = msgs[1]
    assert (m2.native_id, m2.sender, m2.sender_id, m2.text) == ("2", "김민수", "user111", "안녕하세요 여러분")
    assert m2.written_time == "2024-03-15T23:31:00" and m2.utc == "2024-03-15T14:31:00Z"
    assert m2.time_basis == "unixtime"
    assert json.loads(data[m2.source.byte_start : m2.source.byte_end])["id"] == 2
    # media linked to its item; placeholders and absent files listed with a reason
    assert msgs[2].attachments[0].item_id == items["photo_1@15-03-2024_23-31-00.jpg"].id
    assert msgs[4].attachments[0].item_id == items["계약서 (1).pdf"].id
    reasons = {(mm.seq, mm.reason) for mm in res.missing}
    assert {(5, "not-included"), (6, "too-large"), (9, "self-destruct"), (10, "unsafe-path"),
            (11, "unsafe-path"), (12, "not-in-export")} == reasons
    assert any("../../etc/passwd" in w for w in res.warnings)
    assert chat.unreferenced_media == ["photos/photo_1@15-03-2024_23-31-00_thumb.jpg"]
    # text kept exactly, formatted text flattened with its entities, flags for hostile text
    assert msgs[3].text == "링크: https://example.com/x 그리고 굵게"
    assert {e["type"] for e in msgs[3].entities} == {"link", "bold"} and msgs[3].reply_to == "3"
    assert msgs[7].text == "삭제된 계정의 메시지\x0bcontrol \u202eevil.exe"
    assert {"control-chars", "bidi-controls"} <= set(msgs[7].flags) and msgs[7].extra.get("sender_null")
    assert msgs[8].edited and msgs[8].edited_utc == "2024-03-15T14:38:00Z"
    assert msgs[13].extra["location_information"] == {"latitude": "37.5665", "longitude": "126.978"}
    assert msgs[0].kind == "event" and msgs[0].extra["action"] == "create_group"
    # custody: one import event per file, then one chat-import event
    ev = [e for e in vault.events(case_id=case.id) if e.action == "chat-import"]
    assert len(ev) == 1 and ev[0].data["messages"] == 13 and ev[0].data["sources"][0]["sha256"] == rj.sha256
    assert vault.verify().ok


def test_telegram_old_export_has_unknown_zone_unless_given(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("old")
    folder = fx.telegram_export(tmp_path, unixtime=False)
    res = import_chat(vault, case.id, [folder])
    assert res.chats[0].zone == "" and res.chats[0].zone_source == "unknown"
    assert any("date_unixtime" in w for w in res.warnings)
    m = messages(vault, res.chats[0].id)[1]
    assert m.utc == "" and m.time_basis == "unknown"
    case2 = vault.create_case("old2")
    res2 = import_chat(vault, case2.id, [folder / "result.json"], zone="Asia/Seoul")
    m = messages(vault, res2.chats[0].id)[1]
    assert (m.utc, m.time_basis, res2.chats[0].zone_source) == ("2024-03-15T14:31:00Z", "zone", "user")
    with pytest.raises(ZoneError):
        import_chat(vault, case2.id, [folder], zone="Mars/Olympus")


def test_telegram_html_only_and_unrecognised_store_nothing(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("html")
    html = src(tmp_path) / "ChatExport_html"
    html.mkdir()
    (html / "messages.html").write_text("<!DOCTYPE html><html><div class='page_wrap'>x</div></html>")
    assert detect([html]).family == "telegram-html"  # imported since issue 22 (tests/test_telegram_html.py)
    notes = write(tmp_path, ("notes.txt", b"shopping list\nmilk\n"))
    with pytest.raises(ChatFormatError) as ei2:
        import_chat(vault, case.id, [notes])
    assert "Telegram" in ei2.value.message("en") and "KakaoTalk" in ei2.value.message("en")
    other = write(tmp_path, ("data.json", b'{"hello": "world"}'))
    with pytest.raises(ChatFormatError):
        import_chat(vault, case.id, [other])
    assert vault.list_items(case.id) == []


def test_telegram_malformed_json_truncated_and_garbage(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("broken")
    folder = fx.telegram_export(tmp_path)
    rj = folder / "result.json"
    data = rj.read_bytes()
    cut = data.index(b'"id": 5')
    rj.write_bytes(data[:cut])  # an interrupted export: the first messages are readable
    res = import_chat(vault, case.id, [folder])
    chat = res.chats[0]
    assert not chat.complete and chat.message_count + chat.event_count == 4
    assert any("could not be read past byte" in w for w in res.warnings)
    case2 = vault.create_case("garbage")
    rj.write_bytes(b'{"name": "x", "messages": [ {"id": 1, "text": "a" !!! ]}')
    with pytest.raises(ChatFormatError) as ei:
        import_chat(vault, case2.id, [folder])
    assert "stored as evidence" in ei.value.message("en")
    assert any(i.original_name == "result.json" for i in vault.list_items(case2.id))  # evidence kept
    assert ChatStore(vault).list_chats(case2.id) == []  # but no half chat


def test_telegram_symlinks_in_export_are_not_followed(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("links")
    folder = fx.telegram_export(tmp_path)
    outside = tmp_path / "secret.txt"
    outside.write_text("outside the export")
    os.symlink(outside, folder / "photos" / "link.jpg")
    res = import_chat(vault, case.id, [folder])
    assert any("symbolic link" in w for w in res.warnings)
    assert "link.jpg" not in {i.original_name for i in vault.list_items(case.id)}
    os.symlink(folder, tmp_path / "linked-export")
    with pytest.raises(Exception, match="ymbolic"):
        import_chat(vault, case.id, [tmp_path / "linked-export"])


def test_telegram_huge_text_and_cancel(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("huge")
    folder = src(tmp_path) / "big"
    folder.mkdir()
    huge = "가" * 3_000_000 + "\u202e" + "끝"
    chat = {"name": "h", "type": "personal_chat", "id": 5, "messages": [fx.tg_message(1, fx.T0, "a", "user1", huge)]}
    (folder / "result.json").write_bytes(fx.tg_json(chat))
    res = import_chat(vault, case.id, [folder])
    m = messages(vault, res.chats[0].id)[0]
    assert m.text == huge and "bidi-controls" in m.flags
    # cancel during parsing: files stay stored (logged), no chat rows at all
    case2 = vault.create_case("cancel")
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 6

    with pytest.raises(CancelledError):
        import_chat(vault, case2.id, [fx.telegram_export(tmp_path / "c")], cancel=cancel)
    assert ChatStore(vault).list_chats(case2.id) == []
    assert vault.verify().ok


def test_sealed_rows_are_bound_to_their_place(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("aad")
    res = import_chat(vault, case.id, [write(tmp_path, fx.kakao_pc_ko())])
    conn = vault._conn
    rows = conn.execute("SELECT id, sealed FROM chat_messages ORDER BY seq LIMIT 2").fetchall()
    conn.execute("UPDATE chat_messages SET sealed = ? WHERE id = ?", (rows[1][1], rows[0][0]))
    with pytest.raises(IntegrityError):
        messages(vault, res.chats[0].id)


# --------------------------------------------------------------------------- KakaoTalk


@pytest.mark.parametrize(
    ("builder", "label", "zone", "n_msgs"),
    [
        (fx.kakao_pc_ko, "KakaoTalk PC, Korean, 2025", "Asia/Seoul", 11),
        (fx.kakao_pc_en, "KakaoTalk PC, English, 2015", None, 4),
        (fx.kakao_android_en, "KakaoTalk Android, English, 2025", None, 3),
        (fx.kakao_ios_en, "KakaoTalk iOS, English, 2021", None, 2),
        (fx.kakao_mac_csv, "KakaoTalk Mac (CSV), English, 2015", None, 4),  # header decides, not text
    ],
)
def test_kakao_families(shared_vault: Vault, tmp_path: Path, builder, label, zone, n_msgs) -> None:
    vault = shared_vault
    case = vault.create_case("k")
    p = write(tmp_path, builder())
    assert detect([p]).label == label
    if not zone:  # English format: the zone is asked for, never taken from this computer silently
        with pytest.raises(ZoneNeededError) as ei:
            import_chat(vault, case.id, [p])
        assert "--zone" in ei.value.message("ko") and "--zone" in ei.value.message("en")
    res = import_chat(vault, case.id, [p], zone=None if zone else "local")
    chat = res.chats[0]
    assert chat.label == label and chat.message_count == n_msgs
    if zone:
        assert (chat.zone, chat.zone_source) == (zone, "korean-locale")
    else:
        assert chat.zone_source == "computer"
        ev = [e for e in vault.events(case_id=case.id) if e.action == "chat-import"][-1]
        assert ev.data["zone_source"] == "computer" and ev.data["zone"] == chat.zone
        assert ev.data["detected_by"] and "language en" in ev.data["detected_by"][-1]
    (item,) = [i for i in vault.list_items(case.id) if i.id in chat.source_items]
    raw = b"".join(vault.iter_plaintext(item.id))
    assert raw == p.read_bytes()
    for m in messages(vault, chat.id):  # every record points at its own bytes
        assert m.source is not None and m.source.item_id == item.id
        piece = raw[m.source.byte_start : m.source.byte_end].decode("utf-8", "replace")
        if chat.family != "kakao-mac-csv":
            assert piece == m.render()


@pytest.mark.parametrize(
    "builder",
    [fx.kakao_pc_ko, fx.kakao_pc_en, fx.kakao_android_ko, fx.kakao_android_en, fx.kakao_ios_en,
     fx.kakao_mac_csv, fx.kakao_android_en_lower_pm, fx.kakao_ios_en_no_file_line,
     fx.kakao_pc_en_header_ko_times, lambda: fx.kakao_ios_ko_parts()[0]],
)
def test_detection_evidence_is_shown_in_korean_and_english(tmp_path: Path, builder) -> None:
    from evidence_kit.core.common.i18n import detection_text

    p = write(tmp_path, builder())
    lines = detect([p]).detected_by
    assert lines and lines[-1].startswith(("family KakaoTalk", "line 1: CSV header"))
    for line in lines:
        ko = detection_text(line, "ko")
        assert detection_text(line, "en") == line
        # every English word of the recorded line has a Korean wording; only names and format
        # patterns (PC, iOS, YYYY. M. D., Talk_….txt, "Date,User,Message", language codes) remain
        words = set(re.findall(r"[A-Za-z]{2,}", ko)) - {
            "PC", "iOS", "Android", "Mac", "CSV", "YYYY", "MM", "DD", "HH", "SS", "Talk_", "txt", "Talk",
            "Date", "User", "Message", "ko", "en",
        }
        assert not words, (line, ko)


def test_kakao_ios_split_parts_are_one_chat(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("ios")
    paths = [write(tmp_path, part) for part in reversed(fx.kakao_ios_ko_parts())]
    res = import_chat(vault, case.id, paths)
    (chat,) = res.chats
    assert chat.label == "KakaoTalk iOS, Korean, 2023 (2 parts)" and len(chat.source_items) == 2
    items = [vault.get_item(i) for i in chat.source_items]
    assert [i.original_name for i in items] == ["Talk_2023.5.2 20_06-1.txt", "Talk_2023.5.2 20_06-2.txt"]
    assert items[0].group_id and items[0].group_id == items[1].group_id and items[1].group_part == 2
    texts = [m.text for m in messages(vault, chat.id) if m.kind == KIND_MESSAGE]
    assert texts == ["안녕", "정오\n이어지는 줄", "24시간제 줄", "둘째 파일"]


def test_same_export_twice_is_one_chat_but_another_zone_is_a_new_reading(
    shared_vault: Vault, tmp_path: Path
) -> None:
    vault = shared_vault
    case = vault.create_case("twice")
    paths = [write(tmp_path, part) for part in fx.kakao_ios_ko_parts()]
    first = import_chat(vault, case.id, paths)
    imports = [e for e in vault.log.events(case_id=case.id) if e.action == "chat-import"]
    again = import_chat(vault, case.id, list(reversed(paths)))
    assert again.already_imported and [c.id for c in again.chats] == [first.chats[0].id]
    assert not again.stored and len(again.duplicates) == 2
    store = ChatStore(vault)
    assert [c.id for c in store.list_chats(case.id)] == [first.chats[0].id]
    assert len(list(store.search(case.id, SearchQuery(text="둘째 파일")))) == 1  # one hit, not two
    # the duplicate files are logged as every duplicate is; no second chat-import event
    assert [e for e in vault.log.events(case_id=case.id) if e.action == "chat-import"] == imports
    # The same files read in another zone are another reading of them, kept beside the first.
    other = import_chat(vault, case.id, paths, zone="UTC")
    assert not other.already_imported and other.chats[0].zone == "UTC"
    assert len(store.list_chats(case.id)) == 2


def test_kakao_android_zip_links_media_and_lists_placeholders(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("zip")
    hexname = hashlib.sha256(b"not the content").hexdigest() + ".jpg"
    name, text = fx.kakao_android_ko(hexname)
    folder = "KakaoTalk_Chats_2025-03-07_16.23.45_1"
    z = fx.make_zip(
        src(tmp_path) / f"{folder}.zip",
        [(f"{folder}/{name}", text), (f"{folder}/{hexname}", fx.jpeg_bytes("k")), (f"{folder}/extra.jpg", b"x")],
    )
    res = import_chat(vault, case.id, [z])
    chat = res.chats[0]
    items = {i.original_name: i for i in vault.list_items(case.id)}
    assert items[z.name].sha256 == hashlib.sha256(z.read_bytes()).hexdigest()  # the zip as it is
    msg = next(m for m in messages(vault, chat.id) if m.text == hexname)
    assert msg.attachments[0].item_id == items[hexname].id and msg.attachments[0].status == ST_STORED
    assert {mm.detail for mm in res.missing} == {"<사진 읽지 않음>", "동영상"}
    assert chat.unreferenced_media == [f"{folder}/extra.jpg"]
    hidden = [m for m in messages(vault, chat.id) if m.event == "hidden"]
    assert len(hidden) == 1


# --------------------------------------------------------------------------- WhatsApp


def test_whatsapp_ambiguous_date_order_is_asked_and_recorded(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("wa")
    p = write(tmp_path, fx.wa_android_ambiguous())
    assert detect([p]).needs_date_order
    with pytest.raises(DateOrderNeededError) as ei:
        import_chat(vault, case.id, [p])
    assert "--date-order" in ei.value.message("ko")
    assert vault.list_items(case.id) == []  # asked before anything was stored
    res = import_chat(vault, case.id, [p], date_order="mdy", zone="UTC")
    assert (res.date_order, res.date_order_source) == ("mdy", "user")
    first = messages(vault, res.chats[0].id)[0]
    assert first.local_time == "2024-01-02T10:00"
    ev = next(e for e in vault.events(case_id=case.id) if e.action == "chat-import")
    assert ev.data["date_order"] == "mdy" and ev.data["date_order_source"] == "user"
    p2 = write(tmp_path, fx.wa_android_dmy_12h())
    with pytest.raises(DateOrderConflictError):
        import_chat(vault, case.id, [p2], date_order="mdy", zone="UTC")


def test_whatsapp_ios_zip_with_media_and_zone(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("ios")
    z = fx.wa_ios_zip(src(tmp_path) / "WhatsApp Chat - Family.zip")
    res = import_chat(vault, case.id, [z], zone="Europe/Berlin")
    chat = res.chats[0]
    assert chat.title == "Family" and chat.label.startswith("WhatsApp iOS, English, 2022 (day/month/year")
    msgs = messages(vault, chat.id)
    photo = next(i for i in vault.list_items(case.id) if i.original_name.endswith("PHOTO-2022-06-02-16-18-56.jpg"))
    assert msgs[1].attachments[0].item_id == photo.id
    assert msgs[1].local_time == "2022-06-02T13:07:14" and msgs[1].utc == "2022-06-02T11:07:14Z"  # CEST
    assert msgs[1].text.startswith("\u200e")  # invisible marks kept in the stored text
    hits = ChatStore(vault).search(case.id, SearchQuery(text="attached: 00000013"))
    assert [m.seq for _c, m in hits] == [1]  # ...and normalised only for search
    assert "time-goes-back" in msgs[-1].flags


@pytest.mark.parametrize(
    ("entries", "why"),
    [
        ([("../evil.txt", b"x")], "outside"),
        ([("/abs/evil.txt", b"x")], "absolute"),
        ([("a\\b.txt", b"x")], "backslash"),
        ([("_chat.txt", b"a"), ("_chat.txt", b"b")], "duplicate"),
    ],
)
def test_unsafe_zips_are_refused_whole(shared_vault: Vault, tmp_path: Path, entries, why) -> None:
    vault = shared_vault
    case = vault.create_case("zips")
    name, text = fx.wa_ios_dmy()
    p = src(tmp_path) / "evil.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(name, text)
        for n, d in entries:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # zipfile warns about the duplicate we make on purpose
                z.writestr(zipfile.ZipInfo(n), d)
    with pytest.raises(UnsafeZipError) as ei:
        import_chat(vault, case.id, [p])
    assert why in ei.value.message("en").lower() or why in str(ei.value.detail).lower()
    assert vault.list_items(case.id) == []


def test_zip_symlink_bomb_and_overlap_refused(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("zips2")
    name, text = fx.wa_ios_dmy()
    p = src(tmp_path) / "link.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr(name, text)
        info = zipfile.ZipInfo("photo.jpg")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    with pytest.raises(UnsafeZipError, match="symbolic"):
        import_chat(vault, case.id, [p])
    bomb = src(tmp_path) / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr(name, text)
        z.writestr("zeros.bin", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(UnsafeZipError, match="bomb"):
        import_chat(vault, case.id, [bomb])
    # two central-directory entries pointing at the same local data (overlap)
    ov = src(tmp_path) / "overlap.zip"
    with zipfile.ZipFile(ov, "w") as z:
        z.writestr(name, text)
        z.writestr("a.jpg", b"A" * 100)
    raw = bytearray(ov.read_bytes())
    cd = raw.rfind(b"PK\x01\x02")  # second central entry: point it at the first local header
    raw[cd + 42 : cd + 46] = (0).to_bytes(4, "little")
    ov.write_bytes(bytes(raw))
    with pytest.raises(UnsafeZipError):
        import_chat(vault, case.id, [ov])
    assert vault.list_items(case.id) == []


# --------------------------------------------------------------------------- record-only


def test_record_only_case_keeps_text_and_only_hashes_media(vault: Vault, tmp_path: Path) -> None:
    case = vault.create_case("상담", policy="record_only")
    z = fx.wa_ios_zip(src(tmp_path) / "WhatsApp Chat - Family.zip")
    res = import_chat(vault, case.id, [z], zone="Europe/Berlin")
    items = {i.original_name: i for i in vault.list_items(case.id)}
    photo = items["00000013-PHOTO-2022-06-02-16-18-56.jpg"]
    assert not photo.retained and photo.stored_sha256 is None and photo.stored_size is None
    with zipfile.ZipFile(z) as zz:
        raw = zz.read("00000013-PHOTO-2022-06-02-16-18-56.jpg")
    assert (photo.sha256, photo.md5, photo.sha1, photo.size) == (
        hashlib.sha256(raw).hexdigest(),
        hashlib.md5(raw).hexdigest(),
        hashlib.sha1(raw).hexdigest(),
        len(raw),
    )
    assert not items[z.name].retained  # the zip holds the images, so it is recorded only too
    assert items["_chat.txt"].retained  # the text is kept
    ev = [e for e in vault.events(item_id=photo.id) if e.action == "import"]
    assert ev and ev[0].data["retained"] is False
    msg = messages(vault, res.chats[0].id)[1]
    assert msg.attachments[0].status == ST_RECORDED and msg.attachments[0].item_id == photo.id
    blobs = list(vault.path.glob("blobs/*/*.age"))
    assert len(blobs) == 1  # only _chat.txt is in the vault
    assert not any(CANARY in b.read_bytes() for b in blobs)
    assert vault.verify().ok


# --------------------------------------------------------------------------- search and mark


def test_search_filter_mark_and_custody(shared_vault: Vault, tmp_path: Path) -> None:
    vault = shared_vault
    case = vault.create_case("search")
    res = import_chat(vault, case.id, [write(tmp_path, fx.kakao_pc_ko())])
    store = ChatStore(vault)
    chat = res.chats[0]
    by_sender = [m for _c, m in store.search(case.id, SearchQuery(sender="이지은"))]
    assert [m.seq for m in by_sender] == [5, 6, 17]
    by_text = [m.seq for _c, m in store.search(case.id, SearchQuery(text="샵검색"))]
    assert by_text == [7]
    day = [m.seq for _c, m in store.search(case.id, SearchQuery(date_from="2023-01-06", messages_only=True))]
    assert day == [17]
    window = store.search(case.id, SearchQuery(date_from="2023-01-05T12:00", date_to="2023-01-05T13:00"))
    assert [m.seq for _c, m in window] == [7, 9, 10]
    marked = store.mark(case.id, [by_sender[0].id, f"{chat.id[:8]}:7"], note="증거")
    assert [m.seq for m in marked] == [5, 7]
    assert [m.seq for _c, m in store.marked(case.id)] == [5, 7]
    ev = [e for e in vault.events(case_id=case.id) if e.action == "mark"]
    assert len(ev) == 1 and ev[0].data["marked"] is True and len(ev[0].data["messages"]) == 2
    store.mark(case.id, ["1:5"], marked=False)
    assert [m.seq for _c, m in store.marked(case.id)] == [7]
    assert [e.action for e in vault.events(case_id=case.id)].count("mark") == 2
    missing = store.missing_media(chat.id)
    assert {m.reason for m in missing} == {"placeholder", "not-in-export"}
    assert all(a.status == ST_MISSING for m in messages(vault, chat.id) if m.seq == 9 for a in m.attachments)


def test_cli_chat_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from evidence_kit.core.service import EvidenceService

    from .conftest import fast_kdf

    vp = tmp_path / "vault"
    svc = EvidenceService(vp)
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    svc.create_case("cli")
    svc.lock()
    monkeypatch.setenv("EVIDENCE_KIT_PASSPHRASE", PASSPHRASE)
    p = write(tmp_path, fx.wa_android_ambiguous())
    base = ["--vault", str(vp), "--lang", "en"]
    assert cli_main([*base, "chat", "import", str(p)]) == 2  # asks for the date order
    assert "--date-order" in capsys.readouterr().err
    assert cli_main([*base, "chat", "import", str(p), "--date-order", "dmy"]) == 2  # then for the zone
    assert "--zone" in capsys.readouterr().err
    assert cli_main([*base, "chat", "import", str(p), "--date-order", "dmy", "--zone", "Asia/Seoul"]) == 0
    out = capsys.readouterr().out
    assert "WhatsApp Android" in out and "Asia/Seoul" in out
    assert cli_main([*base, "chat", "list"]) == 0
    assert "Ambi" in capsys.readouterr().out
    assert cli_main([*base, "--json", "chat", "search", "--sender", "ben"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["text"] for h in hits] == ["nobody knows"] and hits[0]["local_time"] == "2024-04-03T11:00"
    assert cli_main([*base, "chat", "mark", f"{hits[0]['chat_id'][:8]}:{hits[0]['seq']}"]) == 0
    assert "marked" in capsys.readouterr().out
    assert cli_main([*base, "--json", "chat", "search", "--marked"]) == 0
    assert [h["seq"] for h in json.loads(capsys.readouterr().out)] == [1]
    assert cli_main([*base, "chat", "show", "1"]) == 0
    assert "nobody knows" in capsys.readouterr().out
    assert cli_main([*base, "chat", "search", "--from", "2024-02-01", "--to", "2024-02-01"]) == 0
    assert "Ambi" not in capsys.readouterr().out
