"""Chat parsers without a vault: detection of every family and locale, the guide's traps,
hostile text, and the property that rendering parsed records gives back the file."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_kit.core.chat import kakao, whatsapp
from evidence_kit.core.chat.common import MediaIndex, MediaRef
from evidence_kit.core.chat.detect import sniff_text
from evidence_kit.core.chat.jsonstream import MAX_VALUE, JsonStream, JsonSyntaxError, loads_tolerant
from evidence_kit.core.chat.model import (
    EV_BLANK,
    EV_DATE,
    EV_DELETED,
    EV_HIDDEN,
    EV_INVITED,
    EV_JOINED,
    EV_LEFT,
    F_EDITED,
    F_INVALID_UTF8,
    KIND_MESSAGE,
    R_OMITTED,
    ST_MISSING,
    search_key,
)
from evidence_kit.core.chat.phrases import Phrase, parse_table, phrases_path
from evidence_kit.core.chat.phrases import table as phrase_table
from evidence_kit.core.chat.telegram import flatten_text, walk
from evidence_kit.core.chat.textlines import Record, iter_lines
from evidence_kit.core.chat.timeutil import hour24

from . import fixtures_chat as fx
from .fixtures_chat import LRM


def chunked(data: bytes, n: int) -> Iterator[bytes]:
    for i in range(0, len(data), n):
        yield data[i : i + n]


def kakao_records(family: str, data: bytes, n: int = 7) -> list[Record]:
    return list(kakao.KakaoParser(family, MediaIndex()).records(chunked(data, n), "item"))


def wa_records(data: bytes, order: str, n: int = 5) -> list[Record]:
    sn = sniff_text(data, "x.txt")
    assert sn is not None
    shape = sn.signature[0]
    assert isinstance(shape, whatsapp.Shape)
    return list(whatsapp.WhatsAppParser(shape, order, MediaIndex()).records(chunked(data, n), "item"))


def rendered(recs: list[Record]) -> str:
    return "".join(r.prefix + r.text + r.eol for r in recs)


def check_lossless(recs: list[Record], data: bytes) -> None:
    assert rendered(recs) == data.decode("utf-8", errors="replace")
    pos = 0
    for r in recs:  # byte ranges tile the file exactly
        assert r.source.byte_start == pos
        pos = r.source.byte_end
    assert pos == len(data)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("builder", "family", "locale", "year"),
    [
        (fx.kakao_pc_ko, kakao.PC, "ko", "2025"),
        (fx.kakao_pc_en, kakao.PC, "en", "2015"),
        (fx.kakao_android_ko, kakao.ANDROID, "ko", "2025"),
        (fx.kakao_android_en, kakao.ANDROID, "en", "2025"),
        (fx.kakao_ios_en, kakao.IOS, "en", "2021"),
        # The English header decides, not the Korean message text (issue 18.5).
        (fx.kakao_mac_csv, kakao.MAC_CSV, "en", "2015"),
        (fx.wa_android_dmy_12h, whatsapp.ANDROID, "en", "2023"),
        (fx.wa_android_ko, whatsapp.ANDROID, "ko", "2023"),
        (fx.wa_ios_dmy, whatsapp.IOS, "en", "2022"),
        (fx.wa_ios_mdy_12h, whatsapp.IOS, "en", "2022"),
    ],
)
def test_detection_by_shape(builder, family, locale, year) -> None:
    name, data = builder()
    sn = sniff_text(data, name)
    assert sn is not None and (sn.family, sn.locale, sn.year) == (family, locale, year)


def test_detection_ios_parts_and_unknown() -> None:
    for name, data in fx.kakao_ios_ko_parts():
        sn = sniff_text(data, name)
        assert sn is not None and sn.family == kakao.IOS and sn.locale == "ko"
    assert sniff_text(b"just some notes\nnothing chat-like\n", "notes.txt") is None
    assert sniff_text("\ufeffhello".encode("utf-16"), "x.txt") is None


def test_whatsapp_date_order_evidence() -> None:
    for builder, order in (
        (fx.wa_android_dmy_12h, "dmy"),
        (fx.wa_android_mdy_24h, "mdy"),
        (fx.wa_android_ko, "ymd"),
        (fx.wa_android_ambiguous, ""),
    ):
        _n, data = builder()
        sn = sniff_text(data, "x.txt")
        assert sn is not None
        shape = sn.signature[0]
        assert isinstance(shape, whatsapp.Shape)
        assert whatsapp.scan_date_order([data], shape)[0] == order
    assert whatsapp.resolve_order("", 0, 0, "dmy") == ("dmy", "user")
    assert whatsapp.resolve_order("mdy", 0, 3, None) == ("mdy", "file")
    with pytest.raises(whatsapp.DateOrderNeededError):
        whatsapp.resolve_order("", 0, 0, None)
    with pytest.raises(whatsapp.DateOrderConflictError):
        whatsapp.resolve_order("dmy", 2, 0, "mdy")
    with pytest.raises(whatsapp.DateOrderConflictError):
        whatsapp.resolve_order("", 2, 2, None)


def test_twelve_hour_clock() -> None:
    assert hour24(12, "오후") == 12 and hour24(12, "오전") == 0 and hour24(1, "오후") == 13
    assert hour24(12, "AM") == 0 and hour24(12, "p. m.") == 12 and hour24(11, "pm") == 23
    with pytest.raises(ValueError):
        hour24(13, "오후")


# --------------------------------------------------------------------------- KakaoTalk traps


def test_kakao_pc_traps() -> None:
    _n, data = fx.kakao_pc_ko()
    recs = kakao_records(kakao.PC, data)
    check_lossless(recs, data)
    msgs = [r for r in recs if r.kind == KIND_MESSAGE]
    # multi-line with bare LF inside a CRLF record; "[대전]" at a line start stays body text
    assert msgs[1].text == "첫 줄\n둘째 줄\n[대전] 은 몸말" and msgs[1].eol == "\r\n"
    assert msgs[1].source.line_start == 6 and msgs[1].source.line_end == 8
    assert msgs[2].text == msgs[1].text  # identical lines in one minute are both kept
    assert msgs[3].sender == "[반장] 박:서준" and msgs[3].local_time == "2023-01-05T12:03"  # 오후 12:03 is noon
    assert msgs[4].local_time == "2023-01-05T00:05"  # 오전 12:05 is just after midnight
    assert msgs[4].text.endswith("--------------- not a separator")  # dashes alone are body text
    events = [r.event for r in recs if r.kind != KIND_MESSAGE]
    assert EV_LEFT in events and EV_INVITED in events and events.count(EV_DATE) == 2
    left = next(r for r in recs if r.event == EV_LEFT)
    assert left.local_time == "2023-01-05"  # PC system lines take the last separator's date


def test_kakao_android_and_ios_lines() -> None:
    _n, data = fx.kakao_android_ko()
    recs = kakao_records(kakao.ANDROID, data)
    check_lossless(recs, data)
    assert recs[0].text.startswith("\ufeff")  # the BOM is kept in the first record
    msgs = [r for r in recs if r.kind == KIND_MESSAGE]
    assert msgs[2].sender == "박서준" and msgs[2].text == "샵검색 : #정오"  # " : " inside the body
    assert any(r.event == EV_JOINED for r in recs)
    _n, data = fx.kakao_android_en()
    recs = kakao_records(kakao.ANDROID, data)
    check_lossless(recs, data)
    assert [r.local_time for r in recs if r.kind == KIND_MESSAGE] == [
        "2018-03-03T20:54",
        "2018-03-03T20:55",
        "2014-02-20T09:46",
    ]
    for name, data in fx.kakao_ios_ko_parts():
        recs = kakao_records(kakao.IOS, data)
        check_lossless(recs, data)
        assert recs[0].event == "header"
    _n, data = fx.kakao_ios_en()
    recs = kakao_records(kakao.IOS, data)
    assert [r.event for r in recs if r.kind != KIND_MESSAGE][-1] == EV_LEFT


def test_kakao_placeholders_and_media_names() -> None:
    idx = MediaIndex()
    from evidence_kit.core.chat.common import MediaRef

    hexname = "a" * 64 + ".jpg"
    idx.add(f"KakaoTalk_Chats/{hexname}", MediaRef("item-photo", "stored", hexname))
    idx.add("계약서.pdf", MediaRef("item-pdf", "stored", "계약서.pdf"))
    assert kakao.body_attachments(hexname, idx)[0].item_id == "item-photo"
    a = kakao.body_attachments("파일: %EA%B3%84%EC%95%BD%EC%84%9C.pdf", idx)[0]
    assert a.item_id == "item-pdf"  # %-encoded name found
    assert kakao.body_attachments("파일: 없는파일.hwp", idx)[0].reason == "not-in-export"
    assert kakao.body_attachments("b" * 64 + ".jpg", idx)[0].reason == "not-in-export"
    for body in ("사진", "사진 3장", "동영상", "<사진 읽지 않음>", "이모티콘 ", "(이모티콘)", "Photo"):
        att = kakao.body_attachments(body, idx)
        assert att and att[0].reason == "placeholder" and att[0].detail == body
    assert kakao.body_attachments("사진 보여줘", idx) == []


def test_kakao_csv_quotes_bom_and_deleted_rows() -> None:
    for bom in (True, False):
        _n, data = fx.kakao_mac_csv(bom)
        recs = list(kakao.csv_records(chunked(data, 9), "item"))
        assert recs[0].event == "header"
        msgs = [r for r in recs if r.kind == KIND_MESSAGE]
        assert msgs[1].text == '여러 줄\n두 번째 "따옴표", 쉼표'
        assert msgs[1].source.line_end == msgs[1].source.line_start + 1
        assert msgs[3].event == "deleted" and msgs[3].sender == ""
        out = recs[0].text + recs[0].eol
        for r in msgs:
            q = r.extra["csv_quoted"]
            assert isinstance(q, list)
            out += kakao.render_csv_record((r.written_time, r.sender, r.text), q) + r.eol
        assert out == data.decode("utf-8")


def test_invalid_utf8_mixed_line_ends_and_long_lines() -> None:
    big = "가" * (10 * 1024 * 1024 // 3)
    data = (
        "[김민수] [오전 8:48] 정상\r\n".encode()
        + b"[\xff\xfe] [\xec\x98\xa4\xec\xa0\x84 8:49] broken \xc3\x28 bytes\n"
        + "[김민수] [오전 8:50] lone CR\rnext line\r".encode()
        + f"[김민수] [오전 8:51] {big}\n".encode()
    )
    data = "--------------- 2023년 1월 5일 목요일 ---------------\n".encode() + data
    recs = kakao_records(kakao.PC, data, n=65536)
    check_lossless(recs, data)
    bad = recs[2]
    assert F_INVALID_UTF8 in bad.flags and "\ufffd" in bad.sender
    assert data[bad.source.byte_start : bad.source.byte_end].startswith(b"[\xff\xfe]")
    assert recs[3].text == "lone CR\rnext line" and recs[3].eol == "\r"
    assert len(recs[4].text) == len(big)


def test_line_splitter_across_chunk_boundaries() -> None:
    data = b"a\r\nb\rc\nd\r\r\ne"
    for n in range(1, 6):
        lines = list(iter_lines(chunked(data, n)))
        assert [(x.text, x.eol) for x in lines] == [
            ("a", "\r\n"),
            ("b", "\r"),
            ("c", "\n"),
            ("d", "\r"),
            ("", "\r\n"),
            ("e", ""),
        ]


# --------------------------------------------------------------------------- WhatsApp traps


def test_whatsapp_android_lines() -> None:
    _n, data = fx.wa_android_dmy_12h()
    recs = wa_records(data, "dmy")
    check_lossless(recs, data)
    msgs = [r for r in recs if r.kind == KIND_MESSAGE]
    assert msgs[1].text == "multi\nline\n25/12 is a date in a body"
    assert msgs[2].sender == "~\u202fUnsaved"  # invisible characters kept
    assert msgs[6].sender == "\u202a+82\u00a010-1234-5678\u202c"
    assert msgs[4].local_time == "2023-12-26T00:01"  # 12:01 am
    assert [r.text for r in recs if r.kind != KIND_MESSAGE][-1] == "Ben left"
    _n, data = fx.wa_android_mdy_24h()
    assert [r.local_time for r in wa_records(data, "mdy")] == [
        "2023-12-25T15:53",
        "2023-12-25T15:54",
        "2024-01-02T09:00",
    ]
    _n, data = fx.wa_android_ko()
    assert [r.local_time for r in wa_records(data, "ymd")][-1] == "2023-12-25T12:05"


def test_whatsapp_ios_lines() -> None:
    _n, data = fx.wa_ios_dmy()
    recs = wa_records(data, "dmy")
    check_lossless(recs, data)
    assert recs[0].kind != KIND_MESSAGE and recs[0].sender == "Family"  # pseudo-author system line
    assert recs[1].prefix.startswith("\u200e[") and recs[1].text.startswith("\u200e<attached:")
    assert recs[2].text == "hello [13/06/2022, 10:00:00] inside"
    assert recs[1].local_time == "2022-06-02T13:07:14"
    _n, data = fx.wa_ios_mdy_12h()
    assert [r.local_time for r in wa_records(data, "mdy")] == ["2022-06-13T13:07:14", "2022-06-13T00:00:00"]


def test_whatsapp_a_differently_shaped_timestamp_is_body_text() -> None:
    data = b"25/12/2023, 15:53 - Anna: first\n2023-12-25, 15:54 - not: the same shape\n"
    recs = wa_records(data, "dmy")
    assert len(recs) == 1 and "not: the same shape" in recs[0].text


# --------------------------------------------------------------------------- property


_BODY = st.text(
    alphabet=st.characters(
        codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    ),
    max_size=40,
)
_NAME = _BODY.filter(lambda s: s.strip() and " : " not in s and ": " not in s and "] [" not in s)
_EOL = st.sampled_from(["\n", "\r\n"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    msgs=st.lists(st.tuples(_NAME, st.lists(_BODY, min_size=1, max_size=3), _EOL, _EOL), min_size=1, max_size=8),
    chunk=st.integers(1, 64),
    bom=st.booleans(),
)
def test_property_kakao_android_render_round_trip(msgs, chunk, bom) -> None:
    """Rendering parsed records back gives the original text, whatever the bodies hold."""
    out = ["\ufeff" if bom else "", "방 2 카카오톡 대화\r\n", "저장한 날짜 : 2025년 3월 7일 오후 4:23\r\n"]
    for i, (name, body_lines, inner, end) in enumerate(msgs):
        out.append(f"2023년 1월 {1 + i % 28}일 오후 {1 + i % 12}:{i % 60:02d}, {name} : {inner.join(body_lines)}{end}")
    text = "".join(out)
    data = text.encode("utf-8")
    recs = kakao_records(kakao.ANDROID, data, chunk)
    check_lossless(recs, data)
    got = [r for r in recs if r.kind == KIND_MESSAGE]
    assert len(got) <= len(msgs)


@settings(max_examples=60, deadline=None)
@given(
    msgs=st.lists(st.tuples(_NAME, st.lists(_BODY, min_size=1, max_size=3), _EOL), min_size=1, max_size=8),
    chunk=st.integers(1, 64),
)
def test_property_whatsapp_render_round_trip(msgs, chunk) -> None:
    out = []
    for i, (name, body_lines, end) in enumerate(msgs):
        out.append(f"[{13 + i % 15:02d}/06/2022, 13:{i % 60:02d}:00] {name}: {end.join(body_lines)}{end}")
    data = "".join(out).encode()
    recs = wa_records(data, "dmy", chunk)
    check_lossless(recs, data)


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(_NAME, st.text(max_size=30).filter(lambda s: "\ud800" > s or True)), max_size=6))
def test_property_csv_round_trip(rows) -> None:
    rows = [(n, t.encode("utf-8", "replace").decode()) for n, t in rows]
    text = "Date,User,Message\r\n" + "".join(
        kakao.render_csv_record(("2015-07-09 20:35:19", n, t), [False, True, True]) + "\r\n" for n, t in rows
    )
    data = text.encode()
    recs = list(kakao.csv_records([data], "i"))
    msgs = [r for r in recs if r.kind == KIND_MESSAGE]
    assert [(m.sender, m.text) for m in msgs] == [(n, t.replace("\r\n", "\n") if False else t) for n, t in rows]


# --------------------------------------------------------------------------- Telegram JSON


def test_tolerant_json_reader() -> None:
    raw = b'{"a": "x\\x0By", "text": "1", "text": "2", "lat": 37.5665, "s": "\\ud83d\\ude00\\ud800", "n": -3}'
    v = loads_tolerant(raw)
    assert v == {"a": "x\x0by", "text": "1", "text#2": "2", "lat": "37.5665", "s": "\U0001f600\ufffd", "n": -3}
    with pytest.raises(JsonSyntaxError):
        loads_tolerant(b'{"a": [1, 2}')
    with pytest.raises(JsonSyntaxError):
        loads_tolerant(b'{"a": "unterminated')
    with pytest.raises(JsonSyntaxError, match="deep"):
        JsonStream([b"[" * 100 + b"]" * 100]).value()
    js = JsonStream([b'{"k": "\xff\xfe"}'])
    assert js.value() == {"k": "\ufffd\ufffd"} and F_INVALID_UTF8 in js.flags


def test_tolerant_json_refuses_a_giant_value() -> None:
    def gen() -> Iterator[bytes]:
        yield b'{"messages": [{"text": "'
        block = b"a" * (1 << 20)
        for _ in range(MAX_VALUE // len(block) + 8):
            yield block

    with pytest.raises(JsonSyntaxError, match="64 MiB"):
        list(walk(gen()))


def test_telegram_walk_streams_messages_with_ranges(tmp_path) -> None:
    folder = fx.telegram_export(tmp_path)
    data = (folder / "result.json").read_bytes()
    events = list(walk(chunked(data, 333)))
    msgs = [e[2] for e in events if e[0] == "message"]
    assert len(msgs) == 15
    for m in msgs:  # each byte range is exactly one message object
        assert loads_tolerant(data[m.start : m.end])["id"] == m.obj["id"]
        assert data[: m.start].count(b"\n") + 1 == m.line_start
    assert msgs[7].obj["text"] == "삭제된 계정의 메시지\x0bcontrol \u202eevil.exe"
    with pytest.raises(json.JSONDecodeError):
        json.loads(data)  # \x0B: real Telegram files are not strict JSON
    meta = [e for e in events if e[0] == "meta" and e[1] == "0"][-1][2]
    assert meta["name"] == "우리반 단톡" and meta["type"] == "private_supergroup"


def test_telegram_full_account_export() -> None:
    chat1 = {"name": "A", "type": "personal_chat", "id": 1, "messages": [fx.tg_message(1, fx.T0, "A", "user1", "hi")]}
    chat2 = {"name": "B", "type": "private_group", "id": 2, "messages": [fx.tg_message(5, fx.T0, "B", "user2", "yo")]}
    root = {"about": "Here is the data you requested.", "chats": {"about": "x", "list": [chat1, chat2]}}
    data = fx.tg_json(root)
    events = list(walk(chunked(data, 50)))
    assert [e[1] for e in events if e[0] == "chat"] == ["chats:0", "chats:1"]
    assert [e[2].obj["text"] for e in events if e[0] == "message"] == ["hi", "yo"]


def test_telegram_text_forms() -> None:
    text, ents = flatten_text(["a ", {"type": "text_link", "text": "here", "href": "https://x"}], None)
    assert text == "a here" and ents == [{"type": "text_link", "text": "here", "href": "https://x"}]
    assert flatten_text("plain", [{"type": "plain", "text": "plain"}]) == ("plain", [])


def test_search_key_normalises_only_a_copy() -> None:
    assert search_key("\u200eHello\u202fWorld\u00a0 ") == "hello world"
    assert search_key("ＡＢＣ") == "abc"
    assert EV_BLANK and EV_HIDDEN  # constants exported for the importers


# --------------------------------------------------------------------------- issue 18: real-world variants


@pytest.mark.parametrize(
    ("ap", "h", "want"),
    [("pm", 9, 21), ("p.m.", 9, 21), ("P.M.", 12, 12), ("a. m.", 12, 0), ("a.\u00a0m.", 0, 0),
     ("A\u202fM", 7, 7), ("오후", 1, 13), ("am", 0, 0)],
)
def test_hour24_every_spelling(ap: str, h: int, want: int) -> None:
    assert hour24(h, ap) == want


def test_hour24_refuses_pm_zero_and_thirteen() -> None:
    for h, ap in ((0, "pm"), (13, "am")):
        with pytest.raises(ValueError):
            hour24(h, ap)


def test_kakao_lowercase_and_dotted_ampm_android_pc() -> None:
    name, data = fx.kakao_android_en_lower_pm()
    sn = sniff_text(data, name)
    assert sn is not None and (sn.family, sn.locale) == (kakao.ANDROID, "en")
    recs = kakao_records(kakao.ANDROID, data)
    check_lossless(recs, data)
    msgs = [(r.sender, r.local_time) for r in recs if r.kind == KIND_MESSAGE]
    assert msgs == [("Kim", "2015-08-01T21:05"), ("Lee", "2015-08-01T21:06"), ("Kim", "2015-08-01T00:07")]
    assert [r.event for r in recs if r.local_time == "2015-08-01T21:08"] == [EV_LEFT]
    name, data = fx.kakao_pc_en_lower_pm()
    sn = sniff_text(data, name)
    assert sn is not None and sn.family == kakao.PC
    recs = kakao_records(kakao.PC, data)
    check_lossless(recs, data)
    assert [r.local_time for r in recs if r.kind == KIND_MESSAGE] == ["2015-08-01T21:05", "2015-08-01T00:30"]


def test_kakao_ios_told_from_android_with_deciding_lines() -> None:
    name, data = fx.kakao_ios_en_no_file_line()
    sn = sniff_text(data, name)
    assert sn is not None and (sn.family, sn.locale) == (kakao.IOS, "en")
    assert any("line 7" in e and "iOS" in e for e in sn.evidence)  # the "time: text" system line
    assert "family KakaoTalk iOS" in sn.evidence[-1]
    recs = kakao_records(kakao.IOS, data)
    check_lossless(recs, data)
    assert [r.event for r in recs if r.kind != KIND_MESSAGE and r.local_time.endswith(("10:16", "10:17"))] == [
        EV_LEFT,
        EV_INVITED,
    ]
    assert not [r for r in recs if r.event == "unparsed"]
    assert sn.title == "Kim"


def test_kakao_language_from_format_not_header_or_content() -> None:
    name, data = fx.kakao_pc_en_header_ko_times()
    sn = sniff_text(data, name)
    assert sn is not None and (sn.family, sn.locale) == (kakao.PC, "ko")  # 오전/오후 and 년월일 decide
    assert "Korean" in sn.evidence[-1]
    name, data = fx.kakao_mac_csv()  # English header, Korean text: English format
    sn = sniff_text(data, name)
    assert sn is not None and sn.locale == "en"
    ko_csv = data.replace(b"Date,User,Message", "날짜,사용자,메시지".encode())
    sn = sniff_text(ko_csv, name)
    assert sn is not None and sn.locale == "ko"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("친구들 님과 카카오톡 대화", "친구들"),
        ("친구들 님과의 카카오톡 대화", "친구들"),
        ("우리반 23 카카오톡 대화", "우리반 23"),
        ("Friends with KakaoTalk Chats", "Friends"),
        ("KakaoTalk Chats with Friends", "Friends"),
        ("KakaoTalk Chat with Friends  ", "Friends"),
        ("Talk with Kim KakaoTalk Chats", "Talk with Kim"),
    ],
)
def test_kakao_title_forms(line: str, title: str) -> None:
    data = (
        f"\ufeff{line}\r\n저장한 날짜 : 2024년 5월 1일 오후 3:00\r\n\r\n"
        "2024년 5월 1일 오후 2:00, 김민수 : 안녕\r\n"
    ).encode()
    sn = sniff_text(data, "KakaoTalkChats.txt")
    assert sn is not None and sn.title == title
    recs = kakao_records(kakao.ANDROID, data)
    assert recs[0].event == "header" and not [r for r in recs if r.event == "unparsed"]


def test_kakao_ios_file_line_is_a_header_whatever_the_family() -> None:
    _name, data = fx.kakao_ios_en()
    recs = kakao_records(kakao.IOS, data)
    assert recs[0].event == "header"


def _media(names: list[str]) -> MediaIndex:
    mi = MediaIndex()
    for i, n in enumerate(names):
        mi.add(f"KakaoTalk_Chats_2024-05-01/{n}", MediaRef(f"item{i}", "stored", f"KakaoTalk_Chats_2024-05-01/{n}"))
    return mi


def test_kakao_multi_photo_message_links_every_file() -> None:
    names = [f"{i:064x}.jpg" for i in range(1, 5)]
    mi = _media(names)
    _name, data = fx.kakao_android_multi_photo(names)
    kp = kakao.KakaoParser(kakao.ANDROID, mi)
    recs = list(kp.records(chunked(data, 11), "item"))
    check_lossless(recs, data)
    (msg,) = [r for r in recs if r.kind == KIND_MESSAGE and r.sender == "김민수"]
    _ev, atts = kp.attachments(msg)
    assert [(a.kind, a.name, a.item_id) for a in atts] == [("photo", n, f"item{i}") for i, n in enumerate(names)]
    assert mi.unreferenced() == []
    # space-separated on one line too; a body that merely mentions a file links nothing
    mi2 = _media(names)
    assert len(kakao.body_attachments(" ".join(names), mi2)) == 4
    assert len(kakao.body_attachments(", ".join(names), _media(names))) == 4
    mi3 = _media(names)
    assert kakao.body_attachments(f"look at {names[0]}\nnice", mi3) == []
    assert len(mi3.unreferenced()) == 4  # a rejected body marks nothing as referenced


def test_whatsapp_spanish_a_m_midnight() -> None:
    name, data = fx.wa_android_es_am()
    sn = sniff_text(data, name)
    assert sn is not None and sn.family == whatsapp.ANDROID and sn.date_order == "dmy"
    recs = wa_records(data, "dmy")
    check_lossless(recs, data)
    assert [(r.sender, r.local_time, r.flags) for r in recs] == [
        ("Ana", "2023-12-03T00:08", []),
        ("Luis", "2023-12-03T13:15", []),
        ("Ana", "2023-12-13T00:00", []),
    ]


def _phrase_rows() -> list[Phrase]:
    return list(phrase_table().rows)


def test_phrase_file_covers_required_languages_with_sources() -> None:
    t = phrase_table()
    langs = {p.lang for p in t.rows}
    assert {"ko", "en", "de", "fr", "es", "pt", "it", "nl", "tr", "ru", "ja", "zh", "id", "he", "hi"} <= langs
    data = json.loads(phrases_path().read_text(encoding="utf-8"))
    for lang in langs:  # every language has all three kinds of marker
        assert {p.what for p in t.rows if p.lang == lang} == {"omitted", "deleted", "edited"}
    assert all(p.source in data["sources"] for p in t.rows)
    bad = dict(data, sources={})
    with pytest.raises(ValueError, match="unknown source"):
        parse_table(bad)


@pytest.mark.parametrize("row", _phrase_rows(), ids=lambda p: f"{p.lang}-{p.what}-{p.text}")
def test_every_whatsapp_phrase_row(row: Phrase) -> None:
    body = f"so {row.text}" if row.what == "edited" else row.text
    # the second copy differs only in case (where the language's case mapping round-trips;
    # Turkish dotless i does not) and a trailing mark, as app versions differ
    other = body.upper() if body.upper().casefold() == body.casefold() else body
    name, data = fx.wa_ios_phrase_chat([body, other + f" {LRM}"])
    sn = sniff_text(data, name)
    assert sn is not None
    shape = sn.signature[0]
    assert isinstance(shape, whatsapp.Shape)
    wp = whatsapp.WhatsAppParser(shape, "dmy", MediaIndex())
    recs = list(wp.records(chunked(data, 13), "item"))
    check_lossless(recs, data)
    assert recs[0].kind != KIND_MESSAGE and recs[0].sender == "Familie"  # pseudo-author stays a system line
    rows = recs[2:]
    assert len(rows) == 2 and all(r.kind == KIND_MESSAGE and r.sender == "Anna" for r in rows)
    for r in rows:
        event, atts, flags = wp.attachments(r)
        if row.what == "omitted":
            assert [(a.kind, a.status, a.reason) for a in atts] == [(row.kind, ST_MISSING, R_OMITTED)]
        elif row.what == "deleted":
            assert event == EV_DELETED and atts == []
        else:
            assert flags == [F_EDITED] and atts == []


def test_whatsapp_member_line_is_a_message_even_if_it_reads_like_a_system_phrase() -> None:
    lines = [
        "[13/06/2022, 09:00:00] Anna: Hallo\r\n",
        f"{LRM}[13/06/2022, 09:00:01] Anna: {LRM}Anna hat die Gruppe verlassen\r\n",
        f"[13/06/2022, 09:00:02] Familie: {LRM}Ben hat die Gruppe verlassen\r\n",
    ]
    data = "".join(lines).encode()
    recs = wa_records(data, "dmy")
    assert [r.kind == KIND_MESSAGE for r in recs] == [True, True, False]


# --------------------------------------------------------------------------- in-memory search index


def test_search_index_matches_full_scan_and_follows_marks_and_tampering(vault, tmp_path) -> None:
    from evidence_kit.core.chat.importer import import_chat
    from evidence_kit.core.chat.store import _INDEXES, ChatStore, SearchQuery
    from evidence_kit.core.common.errors import IntegrityError

    case = vault.create_case("idx")
    name, data = fx.kakao_pc_ko()
    p = tmp_path / "src"
    p.mkdir()
    (p / name).write_bytes(data)
    chat = import_chat(vault, case.id, [p / name]).chats[0]
    store = ChatStore(vault)
    queries = [
        SearchQuery(text="몸말"),
        SearchQuery(text="사진"),
        SearchQuery(sender="김민"),
        SearchQuery(date_from="2023-01-06"),
        SearchQuery(date_to="2023-01-05T12"),
        SearchQuery(messages_only=True, text="메시지"),
        SearchQuery(text="없는 말"),
        SearchQuery(text="\x00"),  # the index separator never creates a hit by itself
    ]
    for q in queries:
        want = [m.id for m in store.iter_messages(chat.id) if q.matches(m)]
        assert [m.id for _c, m in store.search(case.id, q)] == want
        assert [m.id for _c, m in store.search(case.id, q)] == want  # second query: from the index
    assert chat.id in _INDEXES[vault]
    (hit,) = [m for _c, m in store.search(case.id, SearchQuery(text="정오 메시지"))]
    store.mark(case.id, [hit.id])
    assert [m.id for _c, m in ChatStore(vault).search(case.id, SearchQuery(marked=True))] == [hit.id]
    # a sealed value swapped between rows is caught when the index is built
    rows = vault._conn.execute("SELECT id, sealed FROM chat_messages ORDER BY seq LIMIT 2").fetchall()
    vault._conn.execute("UPDATE chat_messages SET sealed = ? WHERE id = ?", (rows[1][1], rows[0][0]))
    _INDEXES.pop(vault, None)
    with pytest.raises(IntegrityError):
        list(store.search(case.id, SearchQuery(text="안녕")))
    vault._conn.execute("UPDATE chat_messages SET sealed = ? WHERE id = ?", (rows[0][1], rows[0][0]))
    assert [m.id for _c, m in store.search(case.id, SearchQuery(text="안녕"))]
    assert vault in _INDEXES
    vault.lock()
    assert vault not in _INDEXES  # locking drops the opened text


@given(st.text(max_size=40))
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_fast_search_key_equals_search_key(s: str) -> None:
    from evidence_kit.core.chat.store import _fast_key

    assert _fast_key(s) == search_key(s)
    assert _fast_key(f"\u200e{s}\u00a0\u202f") == search_key(f"\u200e{s}\u00a0\u202f")


@pytest.mark.parametrize(
    "zone", ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Seoul", "Asia/Kolkata", "UTC"]
)
def test_zone_converter_hour_cache_equals_direct_conversion(zone: str) -> None:
    from datetime import datetime as dt
    from datetime import timedelta as td

    from evidence_kit.core.chat.timeutil import ZoneConverter, resolve_zone, utc_iso

    tz = resolve_zone(zone)
    conv = ZoneConverter(tz)
    # around both 2024 DST changes (Lord Howe shifts by 30 minutes at 02:00)
    for start in (dt(2024, 3, 30, 22, 0), dt(2024, 10, 26, 22, 0), dt(2024, 4, 6, 22, 0), dt(2024, 10, 5, 22, 0)):
        for k in range(0, 8 * 60, 7):
            t = start + td(minutes=k)
            a, b = t.replace(tzinfo=tz, fold=0), t.replace(tzinfo=tz, fold=1)
            want = (utc_iso(a), a.utcoffset() != b.utcoffset())
            for local in (t.strftime("%Y-%m-%dT%H:%M"), t.strftime("%Y-%m-%dT%H:%M:") + f"{k % 60:02d}"):
                if local.endswith(f":{k % 60:02d}") and len(local) == 19:
                    a2 = t.replace(second=k % 60, tzinfo=tz, fold=0)
                    b2 = t.replace(second=k % 60, tzinfo=tz, fold=1)
                    want = (utc_iso(a2), a2.utcoffset() != b2.utcoffset())
                assert conv.to_utc(local) == want, local


def test_whatsapp_language_from_clock_and_generated_lines_not_from_messages() -> None:
    en_clock_ko_text = f"25/12/2023, 3:53{fx.NNBSP}pm - 김민수: 한국어로 쓴 메시지\n".encode()
    sn = sniff_text(en_clock_ko_text, "x.txt")
    assert sn is not None and sn.locale == "en"
    ko_clock_en_text = "2023. 12. 25. 오후 3:54 - Kim: all English words, deleted omitted\n".encode()
    sn = sniff_text(ko_clock_en_text, "x.txt")
    assert sn is not None and sn.locale == "ko"
    no_words = "25/12/2023, 15:53 - 김민수: 한국어 메시지\n25/12/2023, 15:54 - Anna: image omitted\n".encode()
    sn = sniff_text(no_words, "x.txt")
    assert sn is not None and sn.locale == "other"  # the importer will ask for --zone


def test_german_ios_export_imports_placeholders_deletions_and_edits(vault, tmp_path) -> None:
    """The de-AT shape of issue 18, end to end through the importer."""
    from evidence_kit.core.chat.importer import import_chat
    from evidence_kit.core.chat.store import ChatStore

    body = [
        f"[13/06/2022, 09:00:00] Familie: {LRM}Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.\r\n",
        "[13/06/2022, 09:00:01] Anna: Hallo\r\n",
        "[13/06/2022, 09:00:02] Ben: Servus\r\n",
        fx.wa_ios_line("Anna", "Bild weggelassen", sec=3),
        fx.wa_ios_line("Ben", "Video weggelassen", sec=4),
        fx.wa_ios_line("Anna", "Sticker weggelassen", sec=5),
        fx.wa_ios_line("Ben", "GIF weggelassen", sec=6),
        fx.wa_ios_line("Anna", "Diese Nachricht wurde gelöscht.", sec=7),
        fx.wa_ios_line("Ben", "Du hast diese Nachricht gelöscht.", sec=8),
        f"[13/06/2022, 09:00:09] Anna: korrigiert {LRM}<Diese Nachricht wurde bearbeitet>\r\n",
        f"{LRM}[13/06/2022, 09:00:10] Anna: {LRM}<Anhang: 00000013-PHOTO-2022-06-13-09-00-10.jpg>\r\n",
    ]
    z = fx.make_zip(
        tmp_path / "WhatsApp Chat - Familie.zip",
        [("_chat.txt", "".join(body).encode()), ("00000013-PHOTO-2022-06-13-09-00-10.jpg", fx.jpeg_bytes("de"))],
    )
    case = vault.create_case("de")
    chat = import_chat(vault, case.id, [z], zone="Europe/Vienna").chats[0]
    msgs = list(ChatStore(vault).iter_messages(chat.id))
    real = [m for m in msgs if m.kind == KIND_MESSAGE]
    assert len(real) == 10 and chat.message_count == 10
    assert chat.missing_count == 4  # the four "weggelassen" placeholders
    assert [m.event for m in real].count(EV_DELETED) == 2
    assert [m.sender for m in real if F_EDITED in m.flags] == ["Anna"]
    (att,) = [a for m in real for a in m.attachments if a.status != ST_MISSING]
    assert att.name == "00000013-PHOTO-2022-06-13-09-00-10.jpg" and att.item_id
    assert chat.unreferenced_media == []
    assert [m.sender for m in msgs if m.kind != KIND_MESSAGE] == ["Familie"]
