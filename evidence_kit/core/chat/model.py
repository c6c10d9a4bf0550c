"""One chat model for every importer: chats, messages, attachments, typed events.

Stored sealed (AEAD) in the vault as canonical JSON. Text is kept exactly as written
(invisible characters included); only :func:`search_key` normalises, for matching.

Text exports (KakaoTalk, WhatsApp) are kept losslessly: each record (a message, a system
line, a run of blank lines, a header line) has ``prefix`` (timestamp and sender as
written), ``text`` (the body, continuation lines and their line ends included) and
``eol`` (the record's own line end), so ``prefix + text + eol`` over all records gives
back the decoded file; the byte range gives back the exact bytes.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

PLATFORM_TELEGRAM = "Telegram"
PLATFORM_KAKAO = "KakaoTalk"
PLATFORM_WHATSAPP = "WhatsApp"

KIND_MESSAGE = "message"
KIND_EVENT = "event"

# Typed events (``Message.event``). Messages may carry one too (deleted, hidden, ...).
EV_HEADER = "header"  # export header lines (room title, saved-at line, file name line)
EV_SAVED_AT = "saved-at"
EV_DATE = "date"  # day separators / day markers
EV_BLANK = "blank"
EV_JOINED = "joined"
EV_LEFT = "left"
EV_INVITED = "invited"
EV_KICKED = "kicked"
EV_HIDDEN = "hidden"  # hidden by the chatroom managers
EV_DELETED = "deleted"  # deleted-message marker
EV_SYSTEM = "system"  # other system lines
EV_SERVICE = "service"  # Telegram service message (see extra["action"])
EV_UNPARSED = "unparsed"  # a line before the first message that matched nothing

# Attachment status
ST_STORED = "stored"  # the file is a vault item
ST_RECORDED = "recorded"  # record-only case: hashes and metadata kept, not the bytes
ST_MISSING = "missing"

# Why an attachment is missing
R_PLACEHOLDER = "placeholder"  # the app wrote a placeholder instead of exporting the file
R_NOT_INCLUDED = "not-included"  # Telegram: excluded by export settings
R_TOO_LARGE = "too-large"  # Telegram: over the size limit of the export settings
R_UNAVAILABLE = "unavailable"  # Telegram: could not be downloaded
R_SELF_DESTRUCT = "self-destruct"  # Telegram never saves self-destructing media
R_NOT_IN_EXPORT = "not-in-export"  # named, but no such file was in the export
R_UNSAFE_PATH = "unsafe-path"  # the path points outside the export (refused)
R_OMITTED = "omitted"  # WhatsApp "<Media omitted>" / "image omitted"

# Message flags
F_INVALID_UTF8 = "invalid-utf8"  # decoded with replacement; the raw bytes are in the source range
F_INVALID_UNICODE = "invalid-unicode"  # lone surrogates replaced
F_CONTROL = "control-chars"
F_BIDI = "bidi-controls"
F_BAD_ESCAPE = "bad-escape"
F_DUPLICATE_KEY = "duplicate-key"
F_EDITED = "edited"
F_TIME_BACKWARDS = "time-goes-back"
F_AMBIGUOUS_TIME = "ambiguous-local-time"  # DST fold or gap in the confirmed zone
F_HEADER_LIKE = "header-like-event"  # a system line recognised by its wording only


@dataclass
class SourcePos:
    """Where a record is in the evidence: item, byte range [start, end), 1-based lines."""

    item_id: str
    byte_start: int
    byte_end: int
    line_start: int = 0
    line_end: int = 0

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> SourcePos:
        return cls(**{f.name: obj[f.name] for f in dataclasses.fields(cls) if f.name in obj})


@dataclass
class Attachment:
    kind: str  # photo, video, file, voice, sticker, animation, contact, thumbnail, media
    name: str  # path or file name exactly as written in the export
    status: str = ST_STORED
    item_id: str | None = None
    reason: str = ""  # why missing
    detail: str = ""  # the placeholder as written
    mime_type: str = ""

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "name": self.name, "status": self.status}
        for k in ("item_id", "reason", "detail", "mime_type"):
            v = getattr(self, k)
            if v:
                d[k] = v
        return d

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Attachment:
        return cls(**{f.name: obj[f.name] for f in dataclasses.fields(cls) if f.name in obj})


@dataclass
class MissingMedia:
    """A message's media that is not in the vault, and why (listed after import)."""

    message_id: str
    seq: int
    kind: str
    name: str
    reason: str
    detail: str = ""


@dataclass
class Message:
    id: str
    chat_id: str
    seq: int  # order in the export (file order; Telegram: array order)
    kind: str = KIND_MESSAGE
    event: str = ""
    native_id: str = ""  # Telegram message id
    sender: str = ""
    sender_id: str = ""
    written_time: str = ""  # exactly as in the file
    local_time: str = ""  # ISO 8601 without zone, as the export's clock shows
    utc: str = ""  # ISO 8601 UTC ("...Z"), "" when the zone is unknown
    time_basis: str = ""  # "unixtime" (Telegram) | "zone" (confirmed zone) | "unknown"
    text: str = ""
    prefix: str = ""
    eol: str = ""
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_to: str = ""
    forwarded_from: str = ""
    edited: str = ""
    edited_utc: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    source: SourcePos | None = None
    flags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    marked: bool = False
    mark_note: str = ""

    def to_json(self) -> dict[str, Any]:
        # Written out by hand: this runs once per message (a million times for big exports).
        d: dict[str, Any] = {}
        for name in _MESSAGE_FIELDS:
            v = getattr(self, name)
            if v:
                d[name] = v
        if self.attachments:
            d["attachments"] = [a.to_json() for a in self.attachments]
        if self.source is not None:
            src = self.source
            d["source"] = {
                "item_id": src.item_id,
                "byte_start": src.byte_start,
                "byte_end": src.byte_end,
                "line_start": src.line_start,
                "line_end": src.line_end,
            }
        return d

    @classmethod
    def from_json(cls, msg_id: str, chat_id: str, seq: int, obj: dict[str, Any]) -> Message:
        kw: dict[str, Any] = {}
        names = {f.name for f in dataclasses.fields(cls)} - {"id", "chat_id", "seq"}
        for k, v in obj.items():
            if k not in names:
                continue
            if k == "attachments":
                v = [Attachment.from_json(a) for a in v]
            elif k == "source":
                v = SourcePos.from_json(v) if v else None
            kw[k] = v
        return cls(id=msg_id, chat_id=chat_id, seq=seq, **kw)

    def render(self) -> str:
        """The record as it stands in a text export (prefix + body + line end)."""
        return self.prefix + self.text + self.eol


_MESSAGE_FIELDS = tuple(
    f.name for f in dataclasses.fields(Message) if f.name not in ("id", "chat_id", "seq", "attachments", "source")
)


@dataclass
class Chat:
    id: str
    case_id: str
    platform: str
    family: str  # telegram-json, kakao-pc, kakao-android, kakao-ios, kakao-mac-csv, whatsapp-android, ...
    title: str = ""
    chat_type: str = ""
    native_id: str = ""
    locale: str = ""  # ko / en / ... as detected
    label: str = ""  # what the user is shown: "KakaoTalk PC, Korean, 2025"
    zone: str = ""  # the confirmed zone (IANA name or +HH:MM), "" unknown
    zone_source: str = ""  # user | korean-locale | computer | export (Telegram unixtime) | unknown
    export_offset: str = ""  # Telegram: offset of the exporting computer, from date vs date_unixtime
    date_order: str = ""  # dmy | mdy | ymd | "" (named months / ISO)
    date_order_source: str = ""  # file | user
    saved_at: str = ""  # the export's "saved" line as written
    source_items: list[str] = field(default_factory=list)  # export text/json (and zip) item ids
    media_items: int = 0
    unreferenced_media: list[str] = field(default_factory=list)  # files in the export no message names
    message_count: int = 0
    event_count: int = 0
    missing_count: int = 0
    first_time: str = ""
    last_time: str = ""
    complete: bool = True
    warnings: list[str] = field(default_factory=list)
    imported_utc: str = ""
    members: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("id")
        d.pop("case_id")
        return d

    @classmethod
    def from_json(cls, chat_id: str, case_id: str, obj: dict[str, Any]) -> Chat:
        known = {f.name for f in dataclasses.fields(cls)} - {"id", "case_id"}
        return cls(id=chat_id, case_id=case_id, **{k: v for k, v in obj.items() if k in known})


# ----------------------------------------------------------------- text helpers

_SPACES = re.compile(r"\s+")
_BIDI_RE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def search_key(text: str) -> str:
    """A normalised copy for matching only: NFKC, no format characters, folded case,
    one space for any run of white space (U+00A0 and U+202F included)."""
    s = unicodedata.normalize("NFKC", text)
    s = "".join(ch for ch in s if unicodedata.category(ch) != "Cf")
    return _SPACES.sub(" ", s).strip().casefold()


def text_flags(text: str) -> list[str]:
    """Flags for characters a reader should know about (kept in the stored text)."""
    flags: list[str] = []
    if _BIDI_RE.search(text):
        flags.append(F_BIDI)
    if _CONTROL_RE.search(text):
        flags.append(F_CONTROL)
    return flags
