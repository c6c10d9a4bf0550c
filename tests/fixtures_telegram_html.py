"""Telegram Desktop HTML exports written the way the exporter writes them.

Mirrors tdesktop's export_output_html.cpp: pushTag() puts every block tag on its own line
indented by the nesting depth, SerializeString() escapes "&<>'\\"" and writes control
characters as &#xHH; and line breaks as <br>, at most 1000 messages per file with
"pagination block_link" links between files, "joined" messages within 900 seconds of the
same sender on the same day, day separators as service messages with negative ids, the
time title "DD.MM.YYYY HH:MM:SS UTC+HH:MM", NoFileDescription() for skipped files.

The same chat spec also gives the result.json the JSON exporter would write, so a test
can import both and compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from . import fixtures_chat as fx

MSK = timezone(timedelta(hours=3))
NOT_INCLUDED = "Not included, change data exporting settings to download."
TOO_LARGE = "Exceeds maximum size, change data exporting settings to download."
JSON_PLACEHOLDER = {
    NOT_INCLUDED: "(File not included. Change data exporting settings to download.)",
    TOO_LARGE: "(File exceeds maximum size. Change data exporting settings to download.)",
}
# kind -> (folder, JSON media_type or key, HTML generic class, generic title)
KINDS = {
    "photo": ("photos", "photo", "media_photo", "Photo"),
    "video": ("video_files", "video_file", "media_video", "Video file"),
    "round": ("round_video_messages", "video_message", "media_video", "Video message"),
    "voice": ("voice_messages", "voice_message", "media_voice_message", "Voice message"),
    "audio": ("files", "audio_file", "media_audio_file", "Audio file"),
    "file": ("files", "", "media_file", "File"),
    "sticker": ("stickers", "sticker", "media_photo", "Sticker"),
    "animation": ("video_files", "animation", "media_video", "Animation"),
}
MODEL_KIND = {"round": "video", "audio": "audio"}


@dataclass
class Media:
    kind: str
    name: str = ""  # file name inside its folder; "" when skipped
    skipped: str = ""  # the exporter's reason text
    data: bytes = b""
    href: str = ""  # a hostile href instead of the folder/name one

    @property
    def path(self) -> str:
        return self.href or f"{KINDS[self.kind][0]}/{self.name}"


@dataclass
class Msg:
    id: int
    dt: datetime
    sender: str = ""
    sender_id: str = ""
    text: str = ""
    link: str = ""  # appended to the text as a link
    reply_to: int = 0
    fwd_from: str = ""
    fwd_dt: datetime | None = None
    media: list[Media] = field(default_factory=list)
    service: str = ""  # the service text (HTML) / action (JSON)


def esc(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\n":
            out.append("<br>")
        elif ch in "\"&'<>":
            out.append({'"': "&quot;", "&": "&amp;", "'": "&apos;", "<": "&lt;", ">": "&gt;"}[ch])
        elif ord(ch) < 32:
            out.append(f"&#x{ord(ch):02X};")
        else:
            out.append(ch)
    return "".join(out)


def fmt_title(dt: datetime, tz: timezone | None = MSK) -> str:
    local = dt.astimezone(tz or MSK)
    s = local.strftime("%d.%m.%Y %H:%M:%S")
    if tz is None:
        return s
    off = local.utcoffset() or timedelta()
    mins = int(off.total_seconds() // 60)
    sign = "+" if mins >= 0 else "-"
    return f"{s} UTC{sign}{abs(mins) // 60:02d}:{abs(mins) % 60:02d}"


class _W:
    """pushTag/popTag as the exporter's HtmlContext does them."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.tags: list[str] = []

    def push(self, tag: str, **attrs: str) -> None:
        inner = "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in sorted(attrs.items()))
        self.out.append("\n" + " " * len(self.tags) + f"<{tag}{inner}>\n")
        self.tags.append(tag)

    def empty(self, tag: str, **attrs: str) -> None:
        inner = "".join(f' {k.rstrip("_")}="{esc(v)}"' for k, v in sorted(attrs.items()))
        self.out.append("\n" + " " * len(self.tags) + f"<{tag}{inner}/>\n")

    def pop(self) -> None:
        tag = self.tags.pop()
        self.out.append("\n" + " " * len(self.tags) + f"</{tag}>\n")

    def raw(self, s: str) -> None:
        self.out.append(s)


def _start(w: _W, title: str) -> None:
    w.raw('<!DOCTYPE html>\n<html>\n\n <head>\n\n  <meta charset="utf-8"/>\n<title>Exported Data</title>\n'
          '  <meta name="viewport" content="width=device-width, initial-scale=1.0"/>\n'
          '  <link href="css/style.css" rel="stylesheet"/>\n'
          '  <script src="js/script.js" type="text/javascript">\n\n  </script>\n\n </head>\n\n'
          ' <body onload="CheckLocation();">\n')
    w.tags = ["html", "body"]
    w.push("div", class_="page_wrap")
    w.push("div", class_="page_header")
    w.push("div", class_="content")
    w.push("div", class_="text bold")
    w.raw(esc(title))
    w.pop()
    w.pop()
    w.pop()
    w.push("div", class_="page_body chat_page")
    w.push("div", class_="history")


def _end(w: _W) -> None:
    w.pop()
    w.pop()
    w.pop()
    w.raw("\n </body>\n\n</html>\n")


def _media_html(w: _W, m: Media) -> None:
    w.push("div", class_="media_wrap clearfix")
    _folder, _jt, cls, title = KINDS[m.kind]
    if not m.skipped and m.kind == "photo":
        w.push("a", class_="photo_wrap clearfix pull_left", href=m.path)
        w.empty("img", class_="photo", src=m.path, style="width: 260px; height: 195px")
        w.pop()
    elif not m.skipped and m.kind == "video":
        w.push("a", class_="video_file_wrap clearfix pull_left", href=m.path)
        w.push("div", class_="video_play_bg")
        w.push("div", class_="video_play")
        w.pop()
        w.pop()
        w.push("div", class_="video_duration")
        w.raw("00:10")
        w.pop()
        w.pop()
    elif not m.skipped and m.kind == "sticker":
        w.push("a", class_="sticker_wrap clearfix pull_left", href=m.path)
        w.empty("img", class_="sticker", src=m.path + "_thumb.jpg", style="width: 128px; height: 128px")
        w.pop()
    elif not m.skipped and m.kind == "animation":
        w.push("a", class_="animated_wrap clearfix pull_left", href=m.path)
        w.push("div", class_="video_play_bg")
        w.push("div", class_="gif_play")
        w.raw("GIF")
        w.pop()
        w.pop()
        w.pop()
    else:
        if m.skipped:
            w.push("div", class_=f"media clearfix pull_left {cls}")
        else:
            w.push("a", class_=f"media clearfix pull_left block_link {cls}", href=m.path)
        w.push("div", class_="fill pull_left")
        w.pop()
        w.push("div", class_="body")
        w.push("div", class_="title bold")
        w.raw(esc(m.name or title if m.kind == "file" else title))
        w.pop()
        if m.skipped:
            w.push("div", class_="description")
            w.raw(esc(m.skipped))
            w.pop()
        w.push("div", class_="status details")
        w.raw("1.2 KB")
        w.pop()
        w.pop()
        w.pop()
    w.pop()


def _needs_wrap(m: Msg, prev: Msg | None) -> bool:
    if prev is None or prev.service or not m.sender_id or prev.sender_id != m.sender_id:
        return True
    if prev.dt.astimezone(MSK).date() != m.dt.astimezone(MSK).date():
        return True
    if prev.fwd_from != m.fwd_from:
        return True
    return abs((m.dt - prev.dt).total_seconds()) > (1 if m.fwd_from else 900)


def write_html(folder: Path, title: str, msgs: list[Msg], *, per_file: int = 1000,
               tz: timezone | None = MSK) -> Path:
    """The export folder with messages*.html and the media files of ``msgs``."""
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("css", "js", "images"):
        (folder / sub).mkdir(exist_ok=True)
    (folder / "css" / "style.css").write_text("body{margin:0}\n")
    (folder / "js" / "script.js").write_text("function CheckLocation(){return true;}\n")
    (folder / "images" / "back.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    file_of = {m.id: i // per_file for i, m in enumerate(msgs)}
    n_files = max(file_of.values(), default=0) + 1
    names = [("messages.html" if i == 0 else f"messages{i + 1}.html") for i in range(n_files)]
    prev: Msg | None = None
    day_id = -1
    for fi, name in enumerate(names):
        w = _W()
        _start(w, title)
        if fi > 0:
            w.push("a", class_="pagination block_link", href=names[fi - 1])
            w.raw("Previous messages")
            w.pop()
        for m in msgs[fi * per_file:(fi + 1) * per_file]:
            for md in m.media:
                if not md.skipped and not md.href:
                    p = folder / md.path
                    p.parent.mkdir(parents=True, exist_ok=True)
                    p.write_bytes(md.data or fx.jpeg_bytes(md.name))
            if prev is None or prev.dt.astimezone(MSK).date() != m.dt.astimezone(MSK).date():
                w.push("div", class_="message service", id=f"message{day_id}")
                day_id -= 1
                w.push("div", class_="body details")
                d = m.dt.astimezone(MSK)
                w.raw(f"{d.day} {d.strftime('%B')} {d.year}")
                w.pop()
                w.pop()
            if m.service:
                w.push("div", class_="message service", id=f"message{m.id}")
                w.push("div", class_="body details")
                w.raw(esc(m.service))
                w.pop()
                w.pop()
                prev = m
                continue
            wrap = _needs_wrap(m, prev)
            w.push("div", class_="message default clearfix" + ("" if wrap else " joined"), id=f"message{m.id}")
            if wrap:
                w.push("div", class_="pull_left userpic_wrap")
                w.push("div", class_="userpic userpic2", style="width: 42px; height: 42px")
                w.push("div", class_="initials", style="line-height: 42px")
                w.raw(esc(m.sender[:1] or "D"))
                w.pop()
                w.pop()
                w.pop()
            w.push("div", class_="body")
            w.push("div", class_="pull_right date details", title=fmt_title(m.dt, tz))
            w.raw(m.dt.astimezone(MSK).strftime("%H:%M"))
            w.pop()
            if wrap:
                w.push("div", class_="from_name")
                w.raw(esc(m.sender or "Deleted Account"))
                w.pop()
            if m.fwd_from:
                w.push("div", class_="pull_left forwarded userpic_wrap")
                w.pop()
                w.push("div", class_="forwarded body")
                w.push("div", class_="from_name")
                w.raw(esc(m.fwd_from))
                assert m.fwd_dt is not None
                w.raw(f'<span class="date details" title="{fmt_title(m.fwd_dt, tz)}"> '
                      f'{fmt_title(m.fwd_dt, None)}</span>')
                w.pop()
            if m.reply_to:
                w.push("div", class_="reply_to details")
                target = file_of.get(m.reply_to, fi)
                href = f"#go_to_message{m.reply_to}" if target == fi else f"{names[target]}#go_to_message{m.reply_to}"
                w.raw(f'In reply to <a href="{href}" onclick="return GoToMessage({m.reply_to})">this message</a>')
                w.pop()
            for md in m.media:
                _media_html(w, md)
            if m.text or m.link:
                w.push("div", class_="text")
                w.raw(esc(m.text))
                if m.link:
                    w.raw(f'<a href="{esc(m.link)}">{esc(m.link)}</a>')
                w.pop()
            if m.fwd_from:
                w.pop()
            w.pop()
            w.pop()
            prev = m
        if fi + 1 < len(names):
            w.push("a", class_="pagination block_link", href=names[fi + 1])
            w.raw("Next messages")
            w.pop()
        _end(w)
        (folder / name).write_text("".join(w.out), encoding="utf-8")
    return folder


def write_json(folder: Path, title: str, msgs: list[Msg]) -> Path:
    """The same chat as the JSON exporter writes it (result.json beside the same media)."""
    out: list[dict[str, Any]] = []
    for m in msgs:
        date = m.dt.astimezone(MSK).strftime("%Y-%m-%dT%H:%M:%S")
        unix = str(int(m.dt.timestamp()))
        if m.service:
            out.append({"id": m.id, "type": "service", "date": date, "date_unixtime": unix,
                        "actor": m.sender, "actor_id": m.sender_id, "action": "invite_members",
                        "text": "", "text_entities": []})
            continue
        d: dict[str, Any] = {"id": m.id, "type": "message", "date": date, "date_unixtime": unix,
                             "from": m.sender, "from_id": m.sender_id}
        if m.fwd_from:
            d["forwarded_from"] = m.fwd_from
        if m.reply_to:
            d["reply_to_message_id"] = m.reply_to
        for md in m.media:
            val = JSON_PLACEHOLDER[md.skipped] if md.skipped else md.path
            if md.kind == "photo":
                d["photo"] = val
            else:
                d["file"] = val
                if KINDS[md.kind][1]:
                    d["media_type"] = KINDS[md.kind][1]
        parts: list[Any] = [m.text] if m.text else []
        if m.link:
            parts.append({"type": "link", "text": m.link})
        d["text"] = parts[0] if len(parts) == 1 and isinstance(parts[0], str) else parts if parts else ""
        d["text_entities"] = [p if isinstance(p, dict) else {"type": "plain", "text": p} for p in parts]
        out.append(d)
    chat = {"name": title, "type": "private_group", "id": 4242, "messages": out}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "result.json").write_bytes(fx.tg_json(chat))
    return folder


T0 = datetime(2024, 3, 15, 20, 0, tzinfo=UTC)


def all_media(skipped: bool, reason: str = NOT_INCLUDED) -> list[Media]:
    names = {
        "photo": "photo_1@15-03-2024_23-00-00.jpg",
        "video": "IMG_0001.MP4",
        "round": "file_0@15-03-2024_23-00-00.mp4",
        "voice": "audio_1@15-03-2024_23-00-00.ogg",
        "audio": "노래.mp3",
        "file": "계약서 (1).pdf",
        "sticker": "sticker.webp",
        "animation": "animation.gif.mp4",
    }
    return [Media(k, "" if skipped else n, reason if skipped else "") for k, n in names.items()]


def korean_chat() -> list[Msg]:
    """A Korean group chat: joined runs, replies (also across files), forwards, every media kind."""
    t = T0
    ms: list[Msg] = [
        Msg(1, t, "김민수", "user111", service="김민수 created group «우리반 단톡»"),
        Msg(2, t + timedelta(minutes=1), "김민수", "user111", "안녕하세요 여러분\n둘째 줄 <b>굵게 아님</b> & 'quote'"),
        Msg(3, t + timedelta(minutes=2), "김민수", "user111", "이어서 보낸 메시지 (joined)"),
        Msg(4, t + timedelta(minutes=3), "이지은", "user222", "링크: ", link="https://example.com/x?a=1&b=2",
            reply_to=2),
        Msg(5, t + timedelta(minutes=4), "이지은", "user222", "전달합니다", fwd_from="어떤 채널",
            fwd_dt=t - timedelta(days=2, hours=3)),
    ]
    mid = 6
    for i, md in enumerate(all_media(False)):
        ms.append(Msg(mid, t + timedelta(minutes=5 + i), "박서준", "user333", f"파일 {md.kind}", media=[md]))
        mid += 1
    for i, md in enumerate(all_media(True)):
        ms.append(Msg(mid, t + timedelta(minutes=20 + i), "박서준", "user333", "", media=[md]))
        mid += 1
    ms.append(Msg(mid, t + timedelta(minutes=40), "최유나", "user444", "크기 초과",
                  media=[Media("video", "", TOO_LARGE)]))
    mid += 1
    ms.append(Msg(mid, t + timedelta(days=1), "이지은", "user222", "다음 날, 첫 파일의 메시지에 답장", reply_to=3))
    mid += 1
    ms.append(Msg(mid, t + timedelta(days=1, minutes=1), "김민수", "user111",
                  "제어문자\x0b와 \u202eevil.exe"))
    return ms


def english_chat() -> list[Msg]:
    t = T0
    return [
        Msg(1, t, "Alice Smith", "user1", "Hello Bob"),
        Msg(2, t + timedelta(minutes=1), "Alice Smith", "user1", "are you there?"),
        Msg(3, t + timedelta(minutes=20), "Bob", "user2", "Yes. See this", reply_to=1,
            media=[Media("photo", "photo_2@15-03-2024_23-20-00.jpg")]),
        Msg(4, t + timedelta(minutes=21), "Bob", "user2", "", fwd_from="News Channel",
            fwd_dt=t - timedelta(hours=5), media=[Media("file", "", NOT_INCLUDED)]),
        Msg(5, t + timedelta(minutes=22), "Alice Smith", "user1", "Thanks", reply_to=3),
    ]
