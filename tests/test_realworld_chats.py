"""Chat exports nobody on this team wrote, through the service into a real vault.

The WhatsApp and Telegram files under tests/realworld/chats/ come from other projects'
repositories (analyzers' test data; tests/realworld/SOURCES.md says where each one is from).
The KakaoTalk files have the exact shape of genuine exports found in public repositories
(title and saved-date forms, day lines, blank runs, placeholders, settlement requests, the
policy notice, invitations) but our own words and made-up names: those exports were real
people's chats under no licence, so only their structure is kept (issue 18's rule). Every expectation
here was counted from the file itself, by the regular expressions below or by hand, never
taken from our importer's output: message and event counts, first and last sender and
time, placeholders for media, and that each message's byte range is exactly its bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from evidence_kit.core.chat.detect import LONE_HTML, LONE_JSON
from evidence_kit.core.chat.errors import DateOrderNeededError
from evidence_kit.core.chat.import_telegram import NO_LOCAL_DATE, NO_UNIXTIME
from evidence_kit.core.chat.timeutil import ZoneNeededError
from evidence_kit.core.common.i18n import warning_text
from evidence_kit.core.service import EvidenceService

CHATS = Path(__file__).parent / "realworld" / "chats"

# WhatsApp Android: "date, time - " starts a record; "Name: " after it makes it a message.
WA_START = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4},? \d{1,2}:\d{2}(?: ?[ap]\. ?m\.)? - ", re.M)
WA_MESSAGE = re.compile(r"^\d{1,2}[/.]\d{1,2}[/.]\d{2,4},? \d{1,2}:\d{2}(?: ?[ap]\. ?m\.)? - [^\n:]+: ", re.M)
# KakaoTalk mobile: "2023년 6월 21일 오후 2:40, 이름 : ", "2014. 2. 6. 오전 10:25, 이름 : ",
# "March 3, 2018, 8:54 PM, 이름 : ".
KAKAO_MESSAGE = re.compile(
    r"^(?:\d{4}년 \d{1,2}월 \d{1,2}일 오[전후] \d{1,2}:\d{2}|\d{4}\. \d{1,2}\. \d{1,2}\. 오[전후] \d{1,2}:\d{2}"
    r"|[A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M), [^\n]+? : ",
    re.M,
)


def raw(name: str) -> bytes:
    return (CHATS / name).read_bytes()


def text(name: str) -> str:
    return raw(name).decode("utf-8")


def import_one(svc: EvidenceService, name: str, **kw: Any) -> tuple[Any, list[Any], bytes]:
    """Import one export file; returns (chat, its messages and events, the bytes the vault holds)."""
    case = svc.create_case(f"real-world {name}").id
    res = svc.import_chat(case, [CHATS / name], **kw)
    assert len(res.chats) == 1
    chat = res.chats[0]
    items = svc.items(case)
    assert len(items) == 1 and items[0].original_name == name
    assert items[0].sha256 == hashlib.sha256(raw(name)).hexdigest()
    stored = b"".join(svc.vault.iter_plaintext(items[0].id))
    assert stored == raw(name)
    rows = svc.chat_messages(chat.id)
    assert all(r.source is not None and r.source.item_id == items[0].id for r in rows)
    return chat, rows, stored


def messages(rows: Sequence[Any]) -> list[Any]:
    return [r for r in rows if r.kind == "message"]


def assert_tiles(rows: Sequence[Any], data: bytes) -> None:
    """Line-based exports: the records' byte ranges cover the file end to end, in order,
    and each record's bytes hold its own text."""
    pos = 0
    for r in sorted(rows, key=lambda r: r.seq):
        assert r.source.byte_start == pos, (r.seq, r.source)
        piece = data[r.source.byte_start : r.source.byte_end].decode("utf-8")
        assert r.text.strip() in piece, (r.seq, r.text, piece)
        if r.written_time:
            assert r.written_time in piece
        if r.kind == "message":
            assert r.sender in piece
        pos = r.source.byte_end
    assert pos == len(data)


def ko_warning(en: str) -> str:
    """The Korean a person reads for a recorded warning ("" if it has none)."""
    ko = warning_text(en, "ko")
    return "" if ko == en else ko


# --------------------------------------------------------------------------- WhatsApp


def test_whatsapp_chatminer_us_dates_24h_system_lines(service: EvidenceService) -> None:
    name = "whatsapp_chatminer_dateformat1.txt"
    src = text(name)
    with pytest.raises(ZoneNeededError):
        service.import_chat(service.create_case("no zone").id, [CHATS / name])
    chat, rows, data = import_one(service, name, zone="UTC")
    assert chat.family == "whatsapp-android" and chat.date_order == "mdy"
    assert len(WA_START.findall(src)) == 9 and len(WA_MESSAGE.findall(src)) == 6
    msgs = messages(rows)
    assert chat.message_count == len(msgs) == 6 and chat.event_count == 3
    first = (msgs[0].sender, msgs[0].written_time, msgs[0].local_time)
    assert first == ("John Doe", "12/24/19, 11:23", "2019-12-24T11:23")
    assert (msgs[-1].sender, msgs[-1].local_time, msgs[-1].text) == ("+12 345 578", "2017-07-16T19:13", "Lorem ipsum.")
    # "Lorem ipsum : dolor" keeps its colon in the text; the sender ends at the first ": ".
    assert msgs[1].text == "Lorem ipsum : dolor sit amet."
    # A message of six lines is one message, lines 6 to 11.
    long = msgs[4]
    assert (long.source.line_start, long.source.line_end) == (6, 11)
    assert long.text.endswith("Cras scelerisque neque.")
    events = [r for r in rows if r.kind == "event"]
    assert [e.text for e in events][1:] == ['+12 345 578 created group "Groupname"', "You were added"]
    assert events[0].text.startswith("Messages and calls are end-to-end encrypted.")
    assert_tiles(rows, data)


def test_whatsapp_chatminer_spanish_style_pm_markers(service: EvidenceService) -> None:
    name = "whatsapp_chatminer_dateformat2.txt"
    chat, rows, data = import_one(service, name, zone="UTC")
    assert len(WA_MESSAGE.findall(text(name))) == 4
    msgs = messages(rows)
    assert chat.message_count == 4 and chat.event_count == 0
    # "11:30 p.m." and "9:30 p. m." (with a space) are both afternoon; "11:30 a. m." morning.
    assert [m.local_time for m in msgs] == [
        "2019-09-24T23:30", "2019-11-27T21:30", "2019-11-17T21:34", "2019-12-24T11:30",
    ]
    assert msgs[-1].text == "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
    assert_tiles(rows, data)


def test_whatsapp_chatminer_12h_with_emoji_senders_and_odd_hours(service: EvidenceService) -> None:
    name = "whatsapp_chatminer_mmddyyyy_12hrs.txt"
    src = text(name)
    chat, rows, data = import_one(service, name, zone="UTC")
    assert len(WA_START.findall(src)) == 9 and len(WA_MESSAGE.findall(src)) == 6
    msgs = messages(rows)
    assert chat.message_count == 6 and chat.event_count == 3
    assert [m.sender for m in msgs] == ["John Doe", "Jahn Doe", "John-John Doe", "John Doe 🤓", "🤓", "John Doe"]
    assert msgs[-1].local_time == "2021-12-30T22:01"
    by_text = {r.text: r for r in rows}
    # "John Doe:." has no space after the colon: kept whole, as a line we do not read as a message.
    assert by_text["John Doe:."].kind == "event"
    # "00:08 a. m." (a 12-hour clock written with hour 00) is just after midnight; "12:10 p. m." noon.
    assert by_text['+12 345 578 created group "Groupname"'].local_time == "2020-06-20T00:08"
    assert msgs[4].local_time == "2021-12-20T12:10"
    assert_tiles(rows, data)


def test_whatsapp_chatminer_ambiguous_dates_ask_for_the_order(service: EvidenceService) -> None:
    name = "whatsapp_chatminer_unicode.txt"
    with pytest.raises(DateOrderNeededError) as e:
        service.import_chat(service.create_case("ask").id, [CHATS / name], zone="UTC")
    assert e.value.message("ko") != e.value.message("en")
    chat, rows, data = import_one(service, name, zone="UTC", date_order="mdy")
    assert len(WA_MESSAGE.findall(text(name))) == 3 == chat.message_count
    assert [m.sender for m in rows] == ["John Doe", "John Doe 🤓", "🤓"]
    assert {m.local_time for m in rows} == {"2022-09-10T22:37"}
    assert_tiles(rows, data)


def test_whatsapp_pustur_day_first_with_multiline_last_message(service: EvidenceService) -> None:
    name = "whatsapp_pustur_short-chat.txt"
    with pytest.raises(DateOrderNeededError):
        service.import_chat(service.create_case("ask").id, [CHATS / name], zone="UTC")
    chat, rows, data = import_one(service, name, zone="Europe/Zurich", date_order="dmy")
    assert len(WA_START.findall(text(name))) == 5 and len(WA_MESSAGE.findall(text(name))) == 3
    msgs = messages(rows)
    assert chat.message_count == 3 and chat.event_count == 2
    assert (msgs[0].sender, msgs[0].local_time) == ("Sample User", "2017-03-06T00:45")
    assert (msgs[-1].sender, msgs[-1].text) == ("+410123456789", "How are you?\nIs everything alright?")
    assert msgs[-1].local_time == "2017-04-09T01:50" and msgs[-1].utc == "2017-04-08T23:50:00Z"
    assert_tiles(rows, data)


def test_whatsapp_whatstk_dotted_dates_and_trailing_blank_line(service: EvidenceService) -> None:
    name = "whatsapp_whatstk_example.txt"
    src = text(name)
    chat, rows, data = import_one(service, name, zone="UTC")
    assert chat.date_order == "dmy"  # 31.10.2016 settles it
    assert len(WA_START.findall(src)) == 20 and len(WA_MESSAGE.findall(src)) == 18
    msgs = messages(rows)
    assert chat.message_count == 18
    assert {m.sender for m in msgs} == {
        "Ash Ketchum", "Brock", "Misty", "Prof. Oak", "Jessie & James", "Raichu", "Meowth", "Wobbuffet",
    }
    assert (msgs[0].sender, msgs[0].local_time) == ("Ash Ketchum", "2016-08-06T13:23")
    assert (msgs[-1].sender, msgs[-1].text, msgs[-1].local_time) == ("Wobbuffet", "Wo-bbu-ffet", "2016-10-31T12:23")
    assert rows[0].text == "You created group “Sample Group”"
    assert_tiles(rows, data)


# --------------------------------------------------------------------------- Telegram


def _unix(n: int) -> str:
    return datetime.fromtimestamp(n, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("name", ["telegram_chatminer_single_export.json", "telegram_chatminer_batch_export.json"])
def test_telegram_unixtime_only_exports(service: EvidenceService, name: str) -> None:
    doc = json.loads(text(name))
    src_msgs = doc["messages"] if "messages" in doc else doc["chats"]["list"][0]["messages"]
    chat, rows, data = import_one(service, name)
    assert chat.message_count == len(src_msgs) == 2
    assert [r.sender for r in rows] == [m["from"] for m in src_msgs]
    assert [r.utc for r in rows] == [_unix(int(m["date_unixtime"])) for m in src_msgs]
    assert rows[1].text == "Link:https://telegram.org/"
    assert [e["type"] for e in rows[1].entities] == ["bold", "link"]
    # The instant is exact, only the computer's clock is unknown: no false "no date_unixtime".
    assert NO_UNIXTIME not in chat.warnings and NO_LOCAL_DATE in chat.warnings
    assert ko_warning(NO_LOCAL_DATE)
    # Not named result.json: the file alone is the evidence, never the folder around it (here,
    # every other sample; in real life, someone's Downloads folder).
    lone = LONE_JSON.format(name=name)
    assert lone in chat.warnings and name in ko_warning(lone)
    if "chats" in doc:
        assert chat.title == "Chatname"
    for r, m in zip(rows, src_msgs, strict=True):
        obj = json.loads(data[r.source.byte_start : r.source.byte_end])
        assert obj == m


def test_telegram_unixtime_only_with_a_zone_gets_local_times(service: EvidenceService) -> None:
    chat, rows, _ = import_one(service, "telegram_chatminer_single_export.json", zone="Asia/Seoul")
    assert [r.local_time for r in rows] == ["2018-12-05T19:39:10", "2018-12-05T19:49:24"]
    assert NO_LOCAL_DATE not in chat.warnings and NO_UNIXTIME not in chat.warnings


# --------------------------------------------------------------------------- KakaoTalk


def test_kakao_android_korean_2024_group_with_media_and_invite(service: EvidenceService) -> None:
    name = "kakao_android_ko_2024_shape.txt"
    src = text(name)
    chat, rows, data = import_one(service, name)  # Korean: the zone is Korea's without asking
    assert chat.family == "kakao-android" and chat.zone == "Asia/Seoul"
    assert chat.title == "🍀 4"
    n = len(KAKAO_MESSAGE.findall(src))
    assert n == 50
    msgs = messages(rows)
    assert chat.message_count == len(msgs) == n
    # Header, saved-at, 5 day lines, 5 blank runs and one invitation.
    assert chat.event_count == 13
    assert [r.event for r in rows if r.event == "invited"] == ["invited"]
    assert (msgs[0].sender, msgs[0].local_time, msgs[0].utc) == ("가람", "2023-06-21T14:40", "2023-06-21T05:40:00Z")
    assert (msgs[-1].sender, msgs[-1].text, msgs[-1].local_time) == ("가람", "?", "2024-07-05T18:12")
    # Placeholders: media that the text export names but does not carry.
    lines = [m.group(1) for m in re.finditer(r"^.*?, [^\n]+? : (.*)$", src, re.M)]
    photos = sum(1 for t in lines if re.fullmatch(r"사진(?: \d+장)?", t))
    stickers = sum(1 for t in lines if t == "이모티콘")
    videos = sum(1 for t in lines if t == "동영상")
    kinds = [a.kind for m in msgs for a in m.attachments]
    assert (kinds.count("photo"), kinds.count("sticker"), kinds.count("video")) == (photos, stickers, videos)
    assert (photos, stickers, videos) == (7, 14, 1)
    assert all(a.status == "missing" for m in msgs for a in m.attachments)
    assert chat.missing_count == photos + stickers + videos
    # KakaoPay settlement requests run over several lines and stay one message each.
    settle = [m for m in msgs if m.text.startswith("정산하기를 요청했어요.")]
    assert len(settle) == 3 and all(m.text.endswith("송금해 주세요~") for m in settle)
    assert_tiles(rows, data)


def test_kakao_ios_korean_2014_old_title_line(service: EvidenceService) -> None:
    name = "kakao_ios_ko_2014_shape.txt"
    src = text(name)
    chat, rows, data = import_one(service, name)
    assert chat.family == "kakao-ios"
    assert chat.title == "동아리 (6명)"
    assert rows[0].event == "header"  # "…과 카카오톡 대화.txt" was read as unparsed text before
    assert len(KAKAO_MESSAGE.findall(src)) == 11 == chat.message_count
    msgs = messages(rows)
    assert (msgs[0].sender, msgs[0].local_time) == ("가람", "2014-02-06T10:25")
    assert (msgs[-1].sender, msgs[-1].text, msgs[-1].local_time) == ("가람", "어 안돼", "2014-02-06T13:03")
    assert [a.kind for a in msgs[0].attachments] == ["sticker"]  # "(이모티콘) "
    assert [r.event for r in rows if r.kind == "event"] == ["header", "saved-at", "date", "invited"]
    assert_tiles(rows, data)


def test_kakao_android_english_2018_notice_and_joins(service: EvidenceService) -> None:
    name = "kakao_android_en_2018_shape.txt"
    src = text(name)
    with pytest.raises(ZoneNeededError):
        service.import_chat(service.create_case("no zone").id, [CHATS / name])
    chat, rows, data = import_one(service, name, zone="Asia/Seoul")
    assert chat.title == "파이썬 스터디 전체톡 (24)"
    assert rows[0].event == "header"
    assert len(KAKAO_MESSAGE.findall(src)) == 5 == chat.message_count
    joined = src.count(" joined this chatroom.")
    left = src.count(" left this chatroom.")
    assert [r.event for r in rows].count("joined") == joined == 5
    assert [r.event for r in rows].count("left") == left == 1
    # KakaoTalk's policy notice (a line without a time) is its own event, not part of the join.
    notice = [r for r in rows if r.text.startswith("You may temporarily be banned")]
    assert len(notice) == 1 and notice[0].event == "system"
    assert all("banned" not in r.text for r in rows if r.event == "joined")
    msgs = messages(rows)
    assert (msgs[0].sender, msgs[0].local_time, msgs[0].utc) == ("ㅇ", "2018-03-03T20:54", "2018-03-03T11:54:00Z")
    assert msgs[0].text.count("\n") == 2  # three lines
    assert msgs[-1].sender == "이든" and msgs[-1].local_time == "2018-03-03T21:31"
    assert_tiles(rows, data)


# --------------------------------------------------------------------------- the same, as Windows saves them

_ORDER = {"whatsapp_chatminer_unicode.txt": "mdy", "whatsapp_pustur_short-chat.txt": "dmy"}


@pytest.mark.parametrize("name", sorted(p.name for p in CHATS.glob("*.txt")))
def test_crlf_and_bom_copies_read_the_same(service: EvidenceService, tmp_path: Path, name: str) -> None:
    """The index served these files with LF; phones and PCs also write CRLF and a UTF-8 BOM.
    Each sample re-saved that way gives the same records, each over its own bytes."""
    case = service.create_case("crlf").id
    kw: dict[str, Any] = {"zone": "Asia/Seoul", "date_order": _ORDER.get(name)}
    plain = service.import_chat(case, [CHATS / name], **kw).chats[0]
    win = tmp_path / name
    win.write_bytes(b"\xef\xbb\xbf" + raw(name).replace(b"\n", b"\r\n"))
    crlf = service.import_chat(case, [win], **kw).chats[0]
    assert (crlf.message_count, crlf.event_count, crlf.missing_count, crlf.title) == (
        plain.message_count, plain.event_count, plain.missing_count, plain.title,
    )
    a, b = service.chat_messages(plain.id), service.chat_messages(crlf.id)
    # Texts stay as written (CRLF inside a multi-line message is kept), so compare them with LF.
    assert [(m.kind, m.sender, m.local_time, m.text) for m in a] == [
        (m.kind, m.sender, m.local_time, m.text.lstrip("\ufeff").replace("\r\n", "\n")) for m in b
    ]
    assert_tiles(b, win.read_bytes())


# --------------------------------------------------------------------------- an export saved on its own


def _downloads(tmp_path: Path) -> Path:
    """A folder like Downloads: other people's files next to the export someone picked."""
    dl = tmp_path / "Downloads"
    dl.mkdir()
    (dl / "notes.txt").write_text("12/24/19, 11:23 - Someone Else: an unrelated diary line\n", "utf-8")
    (dl / "holiday.jpg").write_bytes(b"\xff\xd8\xff\xe0 not evidence")
    (dl / "sub").mkdir()
    (dl / "sub" / "tax.pdf").write_bytes(b"%PDF-1.4 not evidence")
    return dl


def test_lone_telegram_json_in_downloads_takes_only_itself(service: EvidenceService, tmp_path: Path) -> None:
    dl = _downloads(tmp_path)
    name = "telegram_chatminer_single_export.json"
    (dl / name).write_bytes(raw(name))
    case = service.create_case("downloads").id
    res = service.import_chat(case, [dl / name])
    assert [i.original_name for i in service.items(case)] == [name]
    assert res.chats[0].message_count == 2
    assert LONE_JSON.format(name=name) in res.chats[0].warnings


def test_lone_telegram_html_in_downloads_takes_only_itself(service: EvidenceService, tmp_path: Path) -> None:
    """Before: a renamed messages.html made the importer read the folder, find notes.txt and
    import THAT as a WhatsApp chat, with every other file of the folder as its media."""
    from . import fixtures_telegram_html as fth

    export = tmp_path / "export"
    when = datetime(2024, 1, 1, 10, 0, tzinfo=UTC)
    fth.write_html(export, "Chat", [fth.Msg(1, when, "A", "user1", "hello")])
    dl = _downloads(tmp_path)
    (dl / "chat.html").write_bytes((export / "messages.html").read_bytes())
    case = service.create_case("downloads").id
    assert service.detect_chat([dl / "chat.html"]).family == "telegram-html"
    res = service.import_chat(case, [dl / "chat.html"], zone="UTC")
    assert [i.original_name for i in service.items(case)] == ["chat.html"]
    chat = res.chats[0]
    assert chat.platform == "Telegram" and chat.message_count == 1
    assert [m.text for m in service.chat_messages(chat.id) if m.kind == "message"] == ["hello"]
    warning = LONE_HTML.format(name="chat.html")
    assert warning in chat.warnings and "chat.html" in ko_warning(warning)
    # Named messages.html it is the export folder's first page, as before.
    res = service.import_chat(service.create_case("export").id, [export / "messages.html"], zone="UTC")
    assert res.chats[0].message_count == 1 and not any("not named" in w for w in res.chats[0].warnings)
