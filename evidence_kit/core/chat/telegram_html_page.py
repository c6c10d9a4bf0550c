"""Reading one Telegram Desktop ``messages*.html`` page: messages with their byte ranges.

The standard library's tolerant ``html.parser`` (no network, no scripts) walks the page; the
exporter's classes say what each element is. Every message keeps the byte range of its
``<div class="message ...">`` element in the sealed copy. :mod:`.telegram_html` turns these
records into chat messages.
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from .telegram import REASON_PHRASES

log = logging.getLogger(__name__)

_GO_TO = re.compile(r"^(?:(messages\d*\.html))?#go_to_message(-?\d+)$")
_VIA = re.compile(r"^(.*?) via @(\w+)$", re.S)
_SPACES = re.compile(r"[ \t\r\n]+")
# The exporter's NoFileDescription(): what it writes instead of a link to a skipped file; the
# JSON export's words, capitalised.
SKIP_REASONS = tuple((phrase.capitalize(), reason) for phrase, reason in REASON_PHRASES.items())
# Classes of the link wrapping a media file, and of the generic media block.
_WRAP_KIND = {
    "photo_wrap": "photo",
    "video_file_wrap": "video",
    "animated_wrap": "animation",
    "sticker_wrap": "sticker",
}
_MEDIA_CLASS_KIND = {
    "media_photo": "photo",
    "media_video": "video",
    "media_file": "file",
    "media_voice_message": "voice",
    "media_audio_file": "audio",
    "media_contact": "contact",
}
# The generic block's title says more than its class (a missing sticker is "media_photo").
_TITLE_KIND = {
    "Sticker": "sticker",
    "Animation": "animation",
    "Voice message": "voice",
    "Video message": "video",
    "Video file": "video",
    "Photo": "photo",
}
# Media blocks that never point at a file (location, poll, call, game, invoice, ...).
_NO_FILE = ("media_location", "media_venue", "media_live_location", "media_poll", "media_call",
            "media_game", "media_invoice", "media_dice", "media_giveaway")


@dataclass
class HtmlMessage:
    native_id: str = ""
    service: bool = False
    joined: bool = False
    start: int = 0  # character position (line, col) converted later
    end: int = 0
    line_start: int = 0
    line_end: int = 0
    date_title: str = ""
    date_shown: str = ""
    sender: str = ""
    via: str = ""
    forwarded: bool = False
    forwarded_from: str = ""
    forwarded_title: str = ""
    reply_to: str = ""
    reply_file: str = ""
    reply_other_chat: bool = False
    text: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    media: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, href, title, reason text
    media_other: list[str] = field(default_factory=list)
    signature: str = ""
    thumbs: list[str] = field(default_factory=list)  # <img src> previews of the media


class _Collector(HTMLParser):
    """Turns one messages*.html into HtmlMessage records (with character positions)."""

    def __init__(self) -> None:
        # Character references by hand: html.unescape drops &#x0B; and other control
        # characters, and the exporter writes exactly those for them (SerializeString).
        super().__init__(convert_charrefs=False)
        self.out: list[HtmlMessage] = []
        self.title_parts: list[str] = []
        self.stack: list[tuple[str, str]] = []  # (tag, role) for open divs/spans/a inside a message
        self.msg: HtmlMessage | None = None
        self.msg_depth = 0
        self.in_header = 0
        self.header_depth = 0
        self.skip = 0  # inside <script>/<style>
        self.capture: str | None = None  # role whose text we are collecting
        self.buf: list[str] = []
        self.link: dict[str, Any] | None = None
        self.media: list[Any] | None = None  # [kind, href, title, reason]
        self.media_classes: list[str] = []

    # positions: (line, col) as html.parser counts them; converted to bytes by the caller
    def _pos(self) -> tuple[int, int]:
        return self.getpos()

    def _roles(self) -> set[str]:
        return {r for _, r in self.stack}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        cls = a.get("class", "").split()
        if tag in ("script", "style"):
            self.skip += 1
            return
        if self.skip:
            return
        if tag == "div" and "page_header" in cls:
            self.in_header, self.header_depth = 1, len(self.stack)
        if tag == "div" and "message" in cls and a.get("id", "").startswith("message"):
            self._close_msg(self._pos())
            line, col = self._pos()
            m = HtmlMessage(native_id=a["id"][len("message"):], service="service" in cls, joined="joined" in cls)
            m.start, m.line_start = col, line
            self.msg = m
            self.stack = [("div", "message")]
            return
        if tag == "br":
            if self.capture:
                self.buf.append("\n")
            return
        if tag in ("img", "meta", "link", "hr", "input"):
            if tag == "img" and self.msg is not None and a.get("src"):
                self.msg.thumbs.append(a["src"])
            return
        if self.msg is None:
            if self.in_header and tag == "div" and "text" in cls and "bold" in cls:
                self.capture, self.buf = "chat_title", []
            self.stack.append((tag, "header" if self.in_header else ""))
            return
        role = self._role(tag, cls, a)
        if role in ("date", "from", "fwd_from", "reply", "text", "signature", "service", "media_title",
                    "media_desc", "media_status") and self.capture is None:
            self.capture, self.buf = role, []
        self.stack.append((tag, role))

    def _role(self, tag: str, cls: list[str], a: dict[str, str]) -> str:
        """What an element inside a message is, by the exporter's classes (and what it records)."""
        assert self.msg is not None
        roles = self._roles()
        role = ""
        if tag == "div" and "date" in cls and "details" in cls and "forwarded" not in roles:
            self.msg.date_title = a.get("title", "")
            role = "date"
        elif tag == "span" and "date" in cls and "forwarded" in roles:
            self.msg.forwarded_title = a.get("title", "")
            role = "fwd_date"
        elif tag == "div" and "forwarded" in cls and "body" in cls:
            role = "forwarded"
            self.msg.forwarded = True
        elif tag == "div" and "from_name" in cls:
            role = "fwd_from" if "forwarded" in roles else "from"
        elif tag == "div" and "reply_to" in cls:
            role = "reply"
        elif tag == "div" and "media_wrap" in cls:
            role = "media_wrap"
        elif "media_wrap" in roles and tag in ("a", "div") and (
            set(cls) & (set(_WRAP_KIND) | {"media"})
        ) and self.media is None:
            self._open_media(tag, cls, a)
            role = "media"
        elif self.media is not None and tag == "div" and "title" in cls:
            role = "media_title"
        elif self.media is not None and tag == "div" and "description" in cls:
            role = "media_desc"
        elif self.media is not None and tag == "div" and "status" in cls:
            role = "media_status"  # older exporters put the skip reason here
        elif tag == "div" and "text" in cls and "media" not in roles:
            role = "text"
        elif tag == "div" and "signature" in cls:
            role = "signature"
        elif tag == "div" and "body" in cls and "details" in cls and self.msg.service:
            role = "service"
        elif tag == "a" and "reply" in roles:
            go = _GO_TO.match(a.get("href", ""))
            if go:
                self.msg.reply_file, self.msg.reply_to = go.group(1) or "", go.group(2)
        elif tag == "a" and self.capture in ("text", "service"):
            go = _GO_TO.match(a.get("href", ""))
            if go and self.capture == "service":  # "pinned this message", "scored in this game"
                self.msg.reply_file, self.msg.reply_to = go.group(1) or "", go.group(2)
            self.link = {"type": "text_link", "href": a.get("href", ""), "offset": len("".join(self.buf))}
            role = "link"
        return role

    def _open_media(self, tag: str, cls: list[str], a: dict[str, str]) -> None:
        kind = next((_WRAP_KIND[c] for c in cls if c in _WRAP_KIND), "")
        kind = kind or next((_MEDIA_CLASS_KIND[c] for c in cls if c in _MEDIA_CLASS_KIND), "")
        self.media_classes = cls
        other = next((c for c in cls if c in _NO_FILE), "")
        self.media = [kind or ("" if other else "file"), a.get("href", "") if tag == "a" else "", "", "", other]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in ("img", "meta", "link"):
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or tag in ("br", "img", "meta", "link", "hr", "input"):
            return
        # Close up to the matching open tag (html.parser tolerates unclosed ones: so do we).
        idx = next((i for i in range(len(self.stack) - 1, -1, -1) if self.stack[i][0] == tag), -1)
        if idx < 0:
            return
        while len(self.stack) > idx:
            _tag, role = self.stack.pop()
            self._end_role(role)
            if self.msg is not None and not self.stack and role == "message":
                line, col = self._pos()
                self._close_msg((line, col), end_tag=True)
                return

    def _end_role(self, role: str) -> None:
        m = self.msg
        if role == "header":
            if self.capture == "chat_title":
                self.title_parts.append("".join(self.buf))
                self.capture = None
            return
        if m is None:
            return
        if role == "link" and self.link is not None:
            text = "".join(self.buf)
            self.link["length"] = len(text) - self.link["offset"]
            self.link["text"] = text[self.link["offset"]:]
            m.entities.append(self.link)
            self.link = None
            return
        if role == "media" and self.media is not None:
            kind, href, title, desc, other = self.media
            kind = _TITLE_KIND.get(_clean(title), kind)
            if other or not kind:
                m.media_other.append(_clean(title) or other)
            else:
                m.media.append((kind, href, _clean(title), _clean(desc)))
            self.media = None
            return
        if role != self.capture or role is None:
            return
        text = "".join(self.buf)
        self.capture = None
        if role == "date":
            m.date_shown = _clean(text)
        elif role == "from":
            name = _clean(text)
            vm = _VIA.match(name)
            if vm:
                name, m.via = vm.group(1), vm.group(2)
            m.sender = name
        elif role == "fwd_from":
            m.forwarded_from = _clean(text)
        elif role in ("text", "service"):
            m.text = _strip_block(text)
            shift = len(text) - len(text.lstrip(" \t\r\n"))
            for e in m.entities:
                e["offset"] = max(0, e["offset"] - shift)
        elif role == "signature":
            m.signature = _clean(text)
        elif role == "reply":
            if "another chat" in text:
                m.reply_other_chat = True
        elif role == "media_title" and self.media is not None:
            self.media[2] = text
        elif role == "media_desc" and self.media is not None:
            self.media[3] = text
        elif role == "media_status" and self.media is not None and not self.media[3]:
            if any(_clean(text).startswith(p) for p, _r in SKIP_REASONS):
                self.media[3] = text

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.capture is not None:
            if self.capture == "fwd_from" and self.stack and self.stack[-1][1] == "fwd_date":
                return  # the original date follows the name inside the same div
            if self.capture in ("text", "service"):
                data = data.replace("\n", "")  # the exporter's line ends are <br>; raw newlines are layout
            self.buf.append(data)

    def handle_charref(self, name: str) -> None:
        try:
            num = int(name[1:], 16) if name[:1] in ("x", "X") else int(name)
        except ValueError:
            self._append(f"&#{name}")
            return
        ok = 0 <= num <= 0x10FFFF and not 0xD800 <= num <= 0xDFFF
        self._append(chr(num) if ok else "\ufffd")

    def handle_entityref(self, name: str) -> None:
        self._append(html.unescape(f"&{name};"))

    def _append(self, data: str) -> None:
        if self.skip or self.capture is None:
            return
        if self.capture == "fwd_from" and self.stack and self.stack[-1][1] == "fwd_date":
            return
        self.buf.append(data)

    def _close_msg(self, pos: tuple[int, int], *, end_tag: bool = False) -> None:
        m = self.msg
        if m is None:
            return
        if self.capture is not None:
            self._end_role(self.capture)
            self.capture = None
        m.line_end, m.end = pos
        m.end = -m.end - 1 if end_tag else m.end  # negative: "after the end tag that starts here"
        self.out.append(m)
        self.msg = None
        self.stack = []
        self.media = None
        self.link = None

    def finish(self) -> None:
        self.close()
        if self.msg is not None:
            line, col = self.getpos()
            self._close_msg((line, col))


def _clean(s: str) -> str:
    return _SPACES.sub(" ", s).strip()


def _strip_block(s: str) -> str:
    # The exporter puts the text between a newline+indent and a newline; inside, line
    # breaks are <br> (turned into "\n" above). Only the layout around it is dropped.
    return s.strip(" \t\r")


class _Positions:
    """(line, column in characters) -> byte offset, for one file's bytes."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.starts = [0]
        i = raw.find(b"\n")
        while i >= 0:
            self.starts.append(i + 1)
            i = raw.find(b"\n", i + 1)

    def byte(self, line: int, col: int) -> int:
        start = self.starts[min(line - 1, len(self.starts) - 1)]
        nxt = self.raw.find(b"\n", start)
        seg = self.raw[start: len(self.raw) if nxt < 0 else nxt]
        if seg.isascii():
            return start + min(col, len(seg))
        chars = seg.decode("utf-8", "surrogateescape")[:col]
        return start + len(chars.encode("utf-8", "surrogateescape"))

    def after_tag(self, pos: int) -> int:
        gt = self.raw.find(b">", pos)
        return len(self.raw) if gt < 0 else gt + 1


@dataclass
class ParsedFile:
    title: str
    messages: list[HtmlMessage]
    invalid_utf8: bool


def parse_file(raw: bytes) -> ParsedFile:
    """All messages of one messages*.html, with byte ranges into ``raw``."""
    text = raw.decode("utf-8", "surrogateescape")
    bad = _has_surrogates(text)
    c = _Collector()
    c.feed(text)
    c.finish()
    pos = _Positions(raw)
    for m in c.out:
        m.start = pos.byte(m.line_start, m.start)
        if m.end < 0:
            m.end = pos.after_tag(pos.byte(m.line_end, -m.end - 1))
        else:
            m.end = pos.byte(m.line_end, m.end)
        if bad:
            m.text = m.text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            m.sender = m.sender.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    title = _clean(" ".join(c.title_parts[:1]))
    return ParsedFile(title, c.out, bad)


def _has_surrogates(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_title(head: bytes) -> str:
    """The chat name from the page header of a messages.html (first 64 KiB are enough)."""
    c = _Collector()
    try:
        c.feed(head.decode("utf-8", "replace"))
    except Exception:  # a broken head only loses the title
        return ""
    return _clean(" ".join(c.title_parts[:1]))
