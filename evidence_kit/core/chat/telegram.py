"""Telegram Desktop "Export chat history" (JSON): single chats and full-account exports.

Facts from ../shared/guide/telegram-export.md: the file is hand-written JSON (``\\xHH``,
duplicate keys), ``date`` is the exporting computer's local time and ``date_unixtime``
(since 2022-06) the instant, ``from``/``actor`` may be null, ``text`` is a string or an
array, media paths are relative and untrusted, skipped files leave placeholders.

Media paths are never resolved on disk: every file of the export folder was stored in
the vault first, and a path written in the JSON is only looked up in that index. A path
with ``..``, an absolute path or a backslash is refused and reported; it cannot reach
anything outside the export, let alone outside the vault.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..evidence.ingest import Cancel, never_cancel
from .common import MediaIndex
from .jsonstream import JsonStream, JsonSyntaxError
from .model import (
    EV_SERVICE,
    F_EDITED,
    KIND_EVENT,
    KIND_MESSAGE,
    R_NOT_INCLUDED,
    R_SELF_DESTRUCT,
    R_TOO_LARGE,
    R_UNAVAILABLE,
    ST_MISSING,
    Attachment,
    SourcePos,
    text_flags,
)
from .timeutil import offset_of

log = logging.getLogger(__name__)

FAMILY = "telegram-json"
CHAT_TYPES = (
    "personal_chat",
    "bot_chat",
    "private_group",
    "private_supergroup",
    "public_supergroup",
    "private_channel",
    "public_channel",
    "saved_messages",
    "replies",
)
MEDIA_KEYS = ("photo", "file", "thumbnail", "contact_vcard")
_PLACEHOLDER = re.compile(r"^\((?:File|Photo) (not included|exceeds maximum size|unavailable)")
# The exporter's words for a file it did not write; the HTML export writes them capitalised.
REASON_PHRASES = {"not included": R_NOT_INCLUDED, "exceeds maximum size": R_TOO_LARGE, "unavailable": R_UNAVAILABLE}
_MEDIA_KIND = {
    "video_file": "video",
    "animation": "animation",
    "voice_message": "voice",
    "video_message": "video",
    "sticker": "sticker",
    "audio_file": "audio",
}
# Fields mapped onto the model; everything else is kept in ``extra`` as parsed.
_MAPPED = {
    "id",
    "type",
    "date",
    "date_unixtime",
    "from",
    "from_id",
    "actor",
    "actor_id",
    "text",
    "text_entities",
    "edited",
    "edited_unixtime",
    "reply_to_message_id",
    "forwarded_from",
    *MEDIA_KEYS,
}
_ISO_LOCAL = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


@dataclass
class TgMessage:
    chat_key: str
    start: int
    end: int
    line_start: int
    line_end: int
    obj: dict[str, Any]
    flags: set[str]


@dataclass
class TgChatMeta:
    key: str
    fields: dict[str, Any] = field(default_factory=dict)


Event = tuple[str, str, Any]  # ("chat", key, None) | ("message", key, TgMessage) | ("meta", key, dict)


def walk(chunks: Iterable[bytes], *, cancel: Cancel = never_cancel) -> Iterator[Event]:
    """Chats and messages of a result.json, streamed. Raises JsonSyntaxError where it breaks."""
    js = JsonStream(chunks, cancel=cancel)
    if js.peek() == 0xEF:  # a UTF-8 BOM: not Telegram's, but harmless
        js.pos += 3
    root: dict[str, Any] = {}
    started = False
    for key in js.iter_object_keys():
        if key == "messages":
            if not started:
                yield ("chat", "0", None)
                started = True
            yield from _messages(js, "0")
        elif key in ("chats", "left_chats") and js.peek() == 0x7B:
            for sub in js.iter_object_keys():
                if sub == "list" and js.peek() == 0x5B:
                    yield from _dialogs(js, key)
                else:
                    js.skip()
        elif key in ("name", "type", "id"):
            root[key] = js.value()
            if started:
                yield ("meta", "0", dict(root))
        else:
            js.skip()
            root.setdefault("_other_keys", []).append(key)
    if js.peek() != -1:
        raise JsonSyntaxError("extra data after the JSON value", js.offset)
    yield ("meta", "root", root)
    if started:
        yield ("meta", "0", root)


def _messages(js: JsonStream, chat_key: str) -> Iterator[Event]:
    if js.peek() != 0x5B:
        js.skip()
        return
    for start, end, ls, le, val, flags in js.iter_array():
        if isinstance(val, dict):
            yield ("message", chat_key, TgMessage(chat_key, start, end, ls, le, val, flags))


def _dialogs(js: JsonStream, section: str) -> Iterator[Event]:
    js.expect(b"[")
    i = 0
    if js.peek() == 0x5D:
        js.pos += 1
        return
    while True:
        key = f"{section}:{i}"
        yield ("chat", key, None)
        meta: dict[str, Any] = {}
        if js.peek() == 0x7B:
            for k in js.iter_object_keys():
                if k == "messages":
                    yield ("meta", key, dict(meta))
                    yield from _messages(js, key)
                elif k in ("name", "type", "id"):
                    meta[k] = js.value()
                else:
                    js.skip()
        else:
            js.skip()
        yield ("meta", key, meta)
        i += 1
        c = js.peek()
        if c == 0x2C:
            js.pos += 1
            continue
        if c == 0x5D:
            js.pos += 1
            return
        raise JsonSyntaxError("expected ',' or ']'", js.offset)


# ------------------------------------------------------------------ conversion


def flatten_text(value: Any, entities: Any) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's text (string or array of strings and entity objects) as one string."""
    if isinstance(value, str):
        text = value
        derived: list[dict[str, Any]] = []
    elif isinstance(value, list):
        parts: list[str] = []
        derived = []
        for p in value:
            if isinstance(p, str):
                parts.append(p)
                derived.append({"type": "plain", "text": p})
            elif isinstance(p, dict):
                parts.append(str(p.get("text", "")))
                derived.append({k: v for k, v in p.items()})
        text = "".join(parts)
    else:
        text, derived = ("" if value is None else str(value)), []
    if isinstance(entities, list):
        ents = [e for e in entities if isinstance(e, dict)]
    else:
        ents = derived
    return text, [e for e in ents if e.get("type") != "plain"]


def _unix_utc(v: Any) -> str:
    try:
        n = int(str(v))
        return datetime.fromtimestamp(n, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (ValueError, OverflowError, OSError):
        return ""


@dataclass
class Converted:
    kind: str
    event: str
    native_id: str
    sender: str
    sender_id: str
    written_time: str
    local_time: str
    utc: str
    text: str
    entities: list[dict[str, Any]]
    reply_to: str
    forwarded_from: str
    edited: str
    edited_utc: str
    attachments: list[Attachment]
    source: SourcePos
    flags: list[str]
    extra: dict[str, Any]
    offset: str  # exporting computer's offset seen on this message ("" if unknown)
    warnings: list[str]


def convert(m: TgMessage, item_id: str, media: MediaIndex) -> Converted:
    o = m.obj
    service = o.get("type") == "service"
    text, entities = flatten_text(o.get("text", ""), o.get("text_entities"))
    date = str(o.get("date", "") or "")
    local = date if _ISO_LOCAL.match(date) else ""
    utc = _unix_utc(o["date_unixtime"]) if "date_unixtime" in o else ""
    offset = ""
    if utc and local:
        try:
            offset = offset_of(local, int(str(o["date_unixtime"])))
        except (ValueError, OverflowError, OSError):
            offset = ""
    flags = sorted(m.flags) + [f for f in text_flags(text) if f not in m.flags]
    if "edited" in o:
        flags.append(F_EDITED)
    warnings: list[str] = []
    attachments: list[Attachment] = []
    mime = str(o.get("mime_type", "") or "")
    self_destruct = "self_destruct_period_seconds" in o
    for key in MEDIA_KEYS:
        if key not in o:
            continue
        val = o[key]
        kind = _kind(key, o)
        if not isinstance(val, str) or not val:
            attachments.append(
                Attachment(kind, "", ST_MISSING, reason=R_SELF_DESTRUCT if self_destruct else R_UNAVAILABLE)
            )
            continue
        pm = _PLACEHOLDER.match(val)
        if pm:
            reason = R_SELF_DESTRUCT if self_destruct else REASON_PHRASES[pm.group(1)]
            attachments.append(Attachment(kind, "", ST_MISSING, reason=reason, detail=val, mime_type=mime))
            continue
        att, warn = media.attach_path(kind, val, mime if key != "thumbnail" else "")
        if att.status == ST_MISSING and self_destruct:
            att.reason = R_SELF_DESTRUCT
        attachments.append(att)
        if warn:
            warnings.append(f"message {o.get('id')}: {warn}")
    sender = o.get("actor") if service else o.get("from")
    sender_id = o.get("actor_id") if service else o.get("from_id")
    extra = {k: v for k, v in o.items() if k not in _MAPPED}
    if sender is None and ("from" in o or "actor" in o):
        extra["sender_null"] = True  # a deleted account
    return Converted(
        kind=KIND_EVENT if service else KIND_MESSAGE,
        event=EV_SERVICE if service else "",
        native_id=str(o.get("id", "")),
        sender="" if sender is None else str(sender),
        sender_id="" if sender_id is None else str(sender_id),
        written_time=date,
        local_time=local,
        utc=utc,
        text=text,
        entities=entities,
        reply_to="" if o.get("reply_to_message_id") is None else str(o.get("reply_to_message_id")),
        forwarded_from="" if o.get("forwarded_from") is None else str(o.get("forwarded_from")),
        edited=str(o.get("edited", "") or ""),
        edited_utc=_unix_utc(o["edited_unixtime"]) if "edited_unixtime" in o else "",
        attachments=attachments,
        source=SourcePos(item_id, m.start, m.end, m.line_start, m.line_end),
        flags=flags,
        extra=extra,
        offset=offset,
        warnings=warnings,
    )


def _kind(key: str, o: dict[str, Any]) -> str:
    if key == "photo":
        return "photo"
    if key == "thumbnail":
        return "thumbnail"
    if key == "contact_vcard":
        return "contact"
    return _MEDIA_KIND.get(str(o.get("media_type", "")), "file")
