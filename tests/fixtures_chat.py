"""Chat export fixtures built to match the real formats (../shared/guide/*.md).

Telegram: result.json written the way Telegram Desktop's own writer does it (one-space
indent, UTF-8 as is, control characters as \\xHH, `text` as a string or an array,
`text_entities`, `date_unixtime` as a string, media paths relative to the export folder).
KakaoTalk: PC, Android, iOS and Mac CSV, Korean and English, with the traps of the guide.
WhatsApp: Android and iOS, day-first / month-first / year-first, 12- and 24-hour, U+202F
before am/pm, U+200E before generated text.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from .conftest import CANARY

KST = timezone(timedelta(hours=9))
NNBSP = "\u202f"
LRM = "\u200e"


# --------------------------------------------------------------------------- Telegram


_TG_ESC = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def tg_string(s: str) -> str:
    """A JSON string as Telegram writes it: control characters other than \\n \\r \\t as \\xHH."""
    return '"' + re.sub(r'["\\\x00-\x1f]', lambda m: _TG_ESC.get(m.group(0), f"\\x{ord(m.group(0)):02X}"), s) + '"'


def tg_value(v: Any, indent: int) -> str:
    pad = " " * indent
    if isinstance(v, str):
        return tg_string(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, list):
        if not v:
            return "[]"
        inner = ",\n".join(" " * (indent + 1) + tg_value(x, indent + 1) for x in v)
        return "[\n" + inner + "\n" + pad + "]"
    if isinstance(v, dict):
        if not v:
            return "{}"
        inner = ",\n".join(
            " " * (indent + 1) + tg_string(k.split("#")[0]) + ": " + tg_value(x, indent + 1) for k, x in v.items()
        )
        return "{\n" + inner + "\n" + pad + "}"
    raise TypeError(type(v))


def tg_json(chat: dict[str, Any]) -> bytes:
    return (tg_value(chat, 0) + "\n").encode("utf-8")


def tg_time(dt: datetime, tz: timezone = KST) -> tuple[str, str]:
    """(date as the exporting computer shows it, date_unixtime)."""
    return dt.astimezone(tz).strftime("%Y-%m-%dT%H:%M:%S"), str(int(dt.timestamp()))


def tg_message(
    mid: int,
    dt: datetime,
    sender: str | None,
    sender_id: str,
    text: Any,
    *,
    unixtime: bool = True,
    **more: Any,
) -> dict[str, Any]:
    date, unix = tg_time(dt)
    m: dict[str, Any] = {"id": mid, "type": "message", "date": date}
    if unixtime:
        m["date_unixtime"] = unix
    m["from"] = sender
    m["from_id"] = sender_id
    m.update(more)
    m["text"] = text
    if isinstance(text, str):
        m["text_entities"] = [{"type": "plain", "text": text}] if text else []
    else:
        m["text_entities"] = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in text]
    return m


def tg_service(mid: int, dt: datetime, actor: str, actor_id: str, action: str, **more: Any) -> dict[str, Any]:
    date, unix = tg_time(dt)
    m: dict[str, Any] = {
        "id": mid,
        "type": "service",
        "date": date,
        "date_unixtime": unix,
        "actor": actor,
        "actor_id": actor_id,
        "action": action,
    }
    m.update(more)
    m["text"] = ""
    m["text_entities"] = []
    return m


T0 = datetime(2024, 3, 15, 23, 30, tzinfo=KST)


def jpeg_bytes(tag: str = "") -> bytes:
    """A tiny real JPEG whose bytes also carry the leak canary."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(buf, "JPEG")
    data = buf.getvalue()
    return data[:-2] + CANARY + tag.encode() + data[-2:]


def telegram_export(root: Path, *, unixtime: bool = True) -> Path:
    """A private supergroup export: text forms, service messages, media, placeholders, traps."""
    folder = root / "canary-src" / "ChatExport_2024-03-16"  # the user's own files (leak-canary rule)
    (folder / "photos").mkdir(parents=True)
    (folder / "files").mkdir()
    (folder / "video_files").mkdir()
    (folder / "photos" / "photo_1@15-03-2024_23-31-00.jpg").write_bytes(jpeg_bytes("p1"))
    (folder / "photos" / "photo_1@15-03-2024_23-31-00_thumb.jpg").write_bytes(jpeg_bytes("t1"))
    (folder / "files" / "계약서 (1).pdf").write_bytes(b"%PDF-1.4\n" + CANARY + b"\n%%EOF\n")
    (folder / "video_files" / "IMG_0001.MP4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + CANARY)
    t = T0
    msgs = [
        tg_service(1, t, "김민수", "user111", "create_group", title="우리반 단톡", members=["김민수", "이지은"]),
        tg_message(2, t + timedelta(minutes=1), "김민수", "user111", "안녕하세요 여러분", unixtime=unixtime),
        tg_message(
            3,
            t + timedelta(minutes=1),
            "이지은",
            "user222",
            "",
            unixtime=unixtime,
            photo="photos/photo_1@15-03-2024_23-31-00.jpg",
            photo_file_size=1234,
            width=8,
            height=8,
        ),
        tg_message(
            4,
            t + timedelta(minutes=2),
            "김민수",
            "user111",
            ["링크: ", {"type": "link", "text": "https://example.com/x"}, " 그리고 ", {"type": "bold", "text": "굵게"}],
            unixtime=unixtime,
            reply_to_message_id=3,
        ),
        tg_message(
            5,
            t + timedelta(minutes=3),
            "이지은",
            "user222",
            "계약서",
            unixtime=unixtime,
            file="files/계약서 (1).pdf",
            file_name="계약서.pdf",
            file_size=40,
            mime_type="application/pdf",
        ),
        tg_message(
            6,
            t + timedelta(minutes=4),
            "박서준",
            "user333",
            "",
            unixtime=unixtime,
            file="(File not included. Change data exporting settings to download.)",
            file_size=99999999,
            media_type="video_file",
            mime_type="video/mp4",
        ),
        tg_message(
            7,
            t + timedelta(minutes=5),
            "박서준",
            "user333",
            "",
            unixtime=unixtime,
            file="video_files/IMG_0001.MP4",
            thumbnail="(File exceeds maximum size. Change data exporting settings to download.)",
            media_type="video_file",
            mime_type="video/mp4",
        ),
        tg_message(
            8,
            t + timedelta(minutes=6),
            None,
            "user444",
            "삭제된 계정의 메시지\u000bcontrol \u202eevil.exe",
            unixtime=unixtime,
            forwarded_from="어떤 채널",
        ),
        tg_message(
            9,
            t + timedelta(minutes=7),
            "김민수",
            "user111",
            "수정됨",
            unixtime=unixtime,
            edited=tg_time(t + timedelta(minutes=8))[0],
            edited_unixtime=tg_time(t + timedelta(minutes=8))[1],
        ),
        tg_message(
            10,
            t + timedelta(minutes=9),
            "이지은",
            "user222",
            "",
            unixtime=unixtime,
            photo="(Photo unavailable, please try again later)",
            self_destruct_period_seconds=10,
        ),
        tg_message(11, t + timedelta(minutes=10), "해커", "user666", "", unixtime=unixtime, photo="../../etc/passwd"),
        tg_message(12, t + timedelta(minutes=10), "해커", "user666", "", unixtime=unixtime, file="/etc/shadow"),
        tg_message(
            13, t + timedelta(minutes=11), "해커", "user666", "", unixtime=unixtime, photo="photos/없는사진.jpg"
        ),
        tg_message(
            14,
            t + timedelta(minutes=12),
            "김민수",
            "user111",
            "위치",
            unixtime=unixtime,
            location_information={"latitude": 37.5665, "longitude": 126.978},
        ),
        tg_service(15, t + timedelta(minutes=13), "김민수", "user111", "invite_members", members=["최유나"]),
    ]
    if not unixtime:
        for m in msgs:
            m.pop("date_unixtime", None)
    chat = {"name": "우리반 단톡", "type": "private_supergroup", "id": 1234567890, "messages": msgs}
    (folder / "result.json").write_bytes(tg_json(chat))
    return folder


def telegram_big(folder: Path, n_messages: int, n_media: int, *, text_len: int = 60) -> Path:
    """A large export written streaming (benchmarks): n messages, every (n/n_media)-th with a photo."""
    (folder / "photos").mkdir(parents=True, exist_ok=True)
    every = max(1, n_messages // max(n_media, 1))
    jpg = jpeg_bytes()
    with (folder / "result.json").open("w", encoding="utf-8") as f:
        f.write('{\n "name": "대용량 채팅방",\n "type": "public_supergroup",\n "id": 1999,\n "messages": [\n')
        for i in range(1, n_messages + 1):
            dt = T0 + timedelta(seconds=i * 7)
            extra: dict[str, Any] = {}
            if n_media and i % every == 0 and i // every <= n_media:
                name = f"photos/photo_{i // every}@15-03-2024_23-30-00.jpg"
                (folder / name).write_bytes(jpg + i.to_bytes(4, "big"))
                extra["photo"] = name
            body = f"메시지 {i} " + ("가나다라마바사 abc " * (text_len // 16 + 1))[:text_len]
            m = tg_message(i, dt, f"사용자{i % 50}", f"user{i % 50}", body, **extra)
            f.write("  " + tg_value(m, 2) + (",\n" if i < n_messages else "\n"))
        f.write(" ]\n}\n")
    return folder


# --------------------------------------------------------------------------- KakaoTalk

# Each builder returns (file name, bytes, expected) where expected lists message texts
# (sender, text) in order, for the tests to check.


def kakao_pc_ko() -> tuple[str, bytes]:
    lines = [
        "친구들 님과 카카오톡 대화\r\n",
        "저장한 날짜 : 2025-03-25 08:20:41\r\n",
        "\r\n",
        "--------------- 2023년 1월 5일 목요일 ---------------\r\n",
        "[김민수] [오전 8:48] 안녕\r\n",
        # a multi-line message: inner newlines bare LF, record ends CRLF (the 2015/2025 trap)
        "[이지은] [오전 8:48] 첫 줄\n둘째 줄\n[대전] 은 몸말\r\n",
        "[이지은] [오전 8:48] 첫 줄\n둘째 줄\n[대전] 은 몸말\r\n",  # identical line within a minute
        "[[반장] 박:서준] [오후 12:03] 정오 메시지 샵검색 : #검색\r\n",  # brackets and colon in name
        "[김민수] [오전 12:05] 자정 직후\r\n",
        "--------------- not a separator\r\n",
        "[김민수] [오후 1:00] 사진\r\n",
        "[김민수] [오후 1:00] 사진 2장\r\n",
        "[김민수] [오후 1:01] 이모티콘 \r\n",
        "[김민수] [오후 1:01] 파일: %EA%B3%84%EC%95%BD%EC%84%9C.pdf\r\n",
        "[김민수] [오후 1:02] 삭제된 메시지입니다.\r\n",
        "박서준님이 나갔습니다.\r\n",
        "김민수님이 이지은님, 박서준님을 초대했습니다.\r\n",
        "--------------- 2023년 1월 6일 금요일 ---------------\r\n",
        "[이지은] [오후 11:59] 톡게시판 '공지': 내일 봐요\r\n",
    ]
    return "KakaoTalk_20250325_0820_41_123_group.txt", "".join(lines).encode("utf-8")


def kakao_pc_en() -> tuple[str, bytes]:
    lines = [
        "Friends with KakaoTalk Chats\n",
        "Date Saved : 2015-08-02 10:11:12\n",
        "\n",
        "--------------- Saturday, August 1, 2015 ---------------\n",
        "[Kim] [2:37 PM] hello there\n",
        "[Lee] [12:03 PM] noon\n",
        "[Lee] [12:30 AM] after midnight\n",
        "[Kim] [2:38 PM] Photo\n",
        "Lee left this chatroom.\n",
    ]
    return "KakaoTalk_20150802_1011_12_001_group.txt", "".join(lines).encode("utf-8")


def kakao_android_ko(hexname: str = "") -> tuple[str, bytes]:
    lines = [
        "\ufeff우리반 3 카카오톡 대화\r\n",
        "저장한 날짜 : 2025년 3월 7일 오후 4:23\r\n",
        "\r\n",
        "\r\n",
        "2023년 1월 5일 오전 8:48\r\n",
        "2023년 1월 5일 오전 8:48, 김민수 : 안녕\r\n",
        "2023년 1월 5일 오전 8:49, 이지은 : 여러 줄\r\n두번째\r\n",
        "2023년 1월 5일 오후 12:03, 박서준 : 샵검색 : #정오\r\n",
        "2023년 1월 5일 오후 12:04, 최유나님이 들어왔습니다.\r\n",
        "2023년 1월 5일 오후 12:05, 김민수 : <사진 읽지 않음>\r\n",
        "2023년 1월 5일 오후 12:06, 김민수 : 동영상\r\n",
    ]
    if hexname:
        lines.append(f"2023년 1월 5일 오후 12:07, 이지은 : {hexname}\r\n")
    lines.append("2023년 1월 5일 오후 12:08, 이지은 : This message has been hidden by the chatroom managers.\r\n")
    return "KakaoTalkChats.txt", "".join(lines).encode("utf-8")


def kakao_android_en() -> tuple[str, bytes]:
    lines = [
        "\ufeffTalk with Kim KakaoTalk Chats\r\n",  # title shape varies; detection must not need it
        "Date Saved : March 7, 2025 4:23 PM\r\n",
        "\r\n",
        "March 3, 2018, 8:54 PM, Kim : hello\r\n",
        "March 3, 2018, 8:55 PM, Lee : two\nlines\r\n",
        "March 3, 2018, 8:56 PM, Park joined this chatroom.\r\n",
        "9:46AM, February 20, 2014, Old : 2014 style line\r\n",
    ]
    return "KakaoTalkChats.txt", "".join(lines).encode("utf-8")


def kakao_ios_ko_parts() -> list[tuple[str, bytes]]:
    head = "Talk_2023.5.2 20_06-{n}.txt\n저장한 날짜 : 2023. 5. 2. 오후 8:06\n\n"
    p1 = head.format(n=1) + (
        "2022년 5월 13일 금요일\n"
        "2022. 5. 13. 오전 10:28, 김민수 : 안녕\n"
        "2022. 5. 13. 오후 12:03, 이지은 : 정오\n이어지는 줄\n"
        "2022. 5. 13. 오후 12:04: 박서준님이 나갔습니다.\n"
    )
    p2 = head.format(n=2) + (
        "2022년 5월 14일 토요일\n"
        "2022. 5. 14. 13:05, 김민수 : 24시간제 줄\n"  # 24-hour variant inside the same chat
        "2022. 5. 14. 오후 1:06, 김민수 : 둘째 파일\n"
    )
    return [("Talk_2023.5.2 20_06-1.txt", ("\ufeff" + p1).encode()), ("Talk_2023.5.2 20_06-2.txt", p2.encode())]


def kakao_ios_en() -> tuple[str, bytes]:
    text = (
        "Talk_2021.8.3 09_00-1.txt\n"
        "Date Saved : Aug 3, 2021 9:00 AM\n"
        "\n"
        "Monday, August 2, 2021\n"
        "Aug 2, 2021 10:14 AM, Kim : hi\n"
        "Aug 2, 2021 10:15 AM, Lee : Photo\n"
        "Aug 2, 2021 10:16 AM: Lee left this chatroom.\n"
    )
    return "Talk_2021.8.3 09_00-1.txt", text.encode()


def kakao_mac_csv(bom: bool = True) -> tuple[str, bytes]:
    rows = [
        "Date,User,Message\r\n",
        '2015-07-09 20:35:19,"김민수","안녕"\r\n',
        '2015-07-09 20:35:40,"이지은","여러 줄\n두 번째 ""따옴표"", 쉼표"\r\n',
        '2015-07-09 20:36:00,"[반장] 박","사진"\r\n',
        ',,"삭제된 메시지입니다."\r\n',
    ]
    data = "".join(rows).encode()
    return "KakaoTalk_Chat_우리반_2015-07-10-09-00-00.csv", (b"\xef\xbb\xbf" + data if bom else data)


# --------------------------------------------------------------------------- WhatsApp


def wa_android_dmy_12h() -> tuple[str, bytes]:
    s = NNBSP
    lines = [
        f"25/12/2023, 3:53{s}pm - Messages and calls are end-to-end encrypted. No one outside of this chat, "
        "not even WhatsApp, can read or listen to them. Tap to learn more.\n",
        f"25/12/2023, 3:53{s}pm - Anna created group \"Family\"\n",
        f"25/12/2023, 3:54{s}pm - Anna: Merry Christmas!\n",
        f"25/12/2023, 3:55{s}pm - Ben: multi\nline\n25/12 is a date in a body\n",
        f"25/12/2023, 3:56{s}pm - ~{s}Unsaved: <Media omitted>\n",
        f"25/12/2023, 3:57{s}pm - Anna: IMG-20231225-WA0001.jpg (file attached)\n",
        f"26/12/2023, 12:01{s}am - Ben: This message was deleted\n",
        f"26/12/2023, 12:02{s}pm - Anna: fixed <This message was edited>\n",
        f"26/12/2023, 12:03{s}pm - \u202a+82\u00a010-1234-5678\u202c: phone number sender\n",
        f"26/12/2023, 12:04{s}pm - Ben left\n",
    ]
    return "WhatsApp Chat with Family.txt", "".join(lines).encode()


def wa_android_mdy_24h() -> tuple[str, bytes]:
    lines = [
        "12/25/23, 15:53 - Anna: month first, 24 hour\n",
        "12/25/23, 15:54 - Ben: reply\n",
        "1/2/24, 09:00 - Anna: new year\n",
    ]
    return "WhatsApp Chat with Ben.txt", "".join(lines).encode()


def wa_android_ambiguous() -> tuple[str, bytes]:
    lines = ["01/02/2024, 10:00 - Anna: is it Jan 2 or Feb 1?\n", "03/04/2024, 11:00 - Ben: nobody knows\n"]
    return "WhatsApp Chat with Ambi.txt", "".join(lines).encode()


def wa_android_ko() -> tuple[str, bytes]:
    lines = [
        "2023. 12. 25. 오후 3:53 - 김민수님이 그룹을 만들었습니다\n",
        "2023. 12. 25. 오후 3:54 - 김민수: 메리 크리스마스\n",
        "2023. 12. 25. 오후 12:05 - 이지은: 정오 직후\n",
    ]
    return "WhatsApp Chat with 가족.txt", "".join(lines).encode()


def wa_ios_dmy(attach: str = "00000013-PHOTO-2022-06-02-16-18-56.jpg") -> tuple[str, bytes]:
    lines = [
        f"[02/06/2022, 13:07:14] Family: {LRM}Messages and calls are end-to-end encrypted.\r\n",
        f"{LRM}[02/06/2022, 13:07:14] Anna: {LRM}<attached: {attach}>\r\n",
        "[02/06/2022, 13:08:00] Ben: hello [13/06/2022, 10:00:00] inside\r\n",
        "[02/06/2022, 13:09:00] Ben: two\nlines\r\n",
        f"{LRM}[02/06/2022, 13:10:00] Anna: {LRM}image omitted\r\n",
        f"{LRM}[02/06/2022, 13:11:00] Ben: {LRM}This message was deleted.\r\n",
        f"[13/06/2022, 09:00:00] Anna: later {LRM}<This message was edited>\r\n",
        "[01/06/2022, 09:00:00] Anna: timestamp goes backwards\r\n",
    ]
    return "_chat.txt", "".join(lines).encode()


def wa_ios_mdy_12h() -> tuple[str, bytes]:
    lines = [
        f"[6/13/22, 1:07:14{NNBSP}PM] Anna: month first twelve hour\n",
        f"[6/13/22, 12:00:00{NNBSP}AM] Ben: midnight\n",
    ]
    return "_chat.txt", "".join(lines).encode()


# --------------------------------------------------------------------------- ZIPs


def make_zip(path: Path, entries: list[tuple[str, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return path


def wa_ios_zip(path: Path) -> Path:
    name, text = wa_ios_dmy()
    return make_zip(path, [(name, text), ("00000013-PHOTO-2022-06-02-16-18-56.jpg", jpeg_bytes("wa"))])


def utc(y: int, mo: int, d: int, h: int, mi: int, s: int = 0) -> str:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- issue 18: real-world variants
# Each written in the form real exports take (our own words, no one's chat).


def kakao_android_en_lower_pm() -> tuple[str, bytes]:
    """2015 Android English with lowercase, unspaced and dotted am/pm."""
    lines = [
        "\ufeffKakaoTalk Chats with Kim\r\n",
        "Date Saved : Aug 1, 2015 9:10 pm\r\n",
        "\r\n",
        "August 1, 2015, 9:05 pm, Kim : lowercase pm\r\n",
        "August 1, 2015, 9:06pm, Lee : no space\r\n",
        f"August 1, 2015, 12:07{NNBSP}a.m., Kim : dotted, narrow space\r\n",
        "August 1, 2015, 9:08 P.M., Lee left this chatroom.\r\n",
    ]
    return "KakaoTalkChats.txt", "".join(lines).encode()


def kakao_pc_en_lower_pm() -> tuple[str, bytes]:
    lines = [
        "Friends with KakaoTalk Chats\r\n",
        "Date Saved : 2015-08-02 10:11:12\r\n",
        "\r\n",
        "--------------- Saturday, August 1, 2015 ---------------\r\n",
        "[Kim] [9:05 pm] lowercase\r\n",
        "[Lee] [12:30 a.m.] dotted\r\n",
    ]
    return "KakaoTalk_20150802_1011_12_001_group.txt", "".join(lines).encode()


def kakao_ios_en_no_file_line() -> tuple[str, bytes]:
    """iOS English that starts with a title instead of the Talk_ file name: only the
    iOS-only line shapes (no comma after the year, 'time: text' system lines) tell it."""
    text = (
        "KakaoTalk Chats with Kim\n"
        "Date Saved : Aug 3, 2021 9:00 am\n"
        "\n"
        "Monday, August 2, 2021\n"
        "Aug 2, 2021 10:14 am, Kim : hi\n"
        "Aug 2, 2021 10:15 am, Lee : there\n"
        "Aug 2, 2021 10:16 am: Lee left this chatroom.\n"
        "Aug 2, 2021 10:17 am: Kim invited Park.\n"
    )
    return "KakaoTalkChats.txt", text.encode()


def kakao_pc_en_header_ko_times() -> tuple[str, bytes]:
    """A PC export whose header is English but whose times are 오전/오후: Korean format."""
    lines = [
        "Family with KakaoTalk Chats\r\n",
        "Date Saved : 2024-02-01 21:00:00\r\n",
        "\r\n",
        "--------------- 2024년 2월 1일 목요일 ---------------\r\n",
        "[엄마] [오후 8:01] hello in English\r\n",
        "[아빠] [오후 8:02] another English body\r\n",
    ]
    return "KakaoTalk_20240201_2100_00_000_group.txt", "".join(lines).encode()


def kakao_android_multi_photo(names: list[str]) -> tuple[str, bytes]:
    body = "\n".join(names)
    lines = [
        "\ufeff사진방 2 카카오톡 대화\r\n",
        "저장한 날짜 : 2024년 5월 1일 오후 3:00\r\n",
        "\r\n",
        f"2024년 5월 1일 오후 2:00, 김민수 : {body}\r\n",
        "2024년 5월 1일 오후 2:01, 이지은 : 잘 받았어요\r\n",
    ]
    return "KakaoTalkChats.txt", "".join(lines).encode()


def wa_android_es_am() -> tuple[str, bytes]:
    """Spanish Android 12-hour: 'a. m.' / 'p. m.' with a no-break space, midnight as 00."""
    nb = "\u00a0"
    lines = [
        f"3/12/23, 00:08{nb}a.{nb}m. - Ana: pasada la medianoche\n",
        f"3/12/23, 1:15{nb}p.{nb}m. - Luis: por la tarde\n",
        "13/12/23, 12:00 a. m. - Ana: medianoche\n",
    ]
    return "Chat de WhatsApp con Ana.txt", "".join(lines).encode()


def wa_ios_line(sender: str, body: str, *, lrm: bool = True, sec: int = 0) -> str:
    m = LRM if lrm else ""
    return f"{m}[02/06/2022, 13:10:{sec:02d}] {sender}: {m}{body}\r\n"


def wa_ios_phrase_chat(phrases: list[str]) -> tuple[str, bytes]:
    """A de-AT-style iOS chat: each phrase on its own line from a real member, after the
    group's pseudo-author system line and one ordinary message from that member."""
    lines = [
        f"[13/06/2022, 09:00:00] Familie: {LRM}Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.\r\n",
        "[13/06/2022, 09:00:01] Anna: Hallo\r\n",
    ]
    lines += [wa_ios_line("Anna", p, sec=i % 60) for i, p in enumerate(phrases)]
    return "_chat.txt", "".join(lines).encode()
