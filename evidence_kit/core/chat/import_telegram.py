"""Telegram Desktop exports (JSON and HTML) into chat rows, through one message builder.

The JSON ``result.json`` (one or many chats) is read as a stream from the vault's sealed
copy; the HTML ``messages*.html`` pages (one chat) one page at a time. Both parsers convert a
message to the same :class:`.telegram.Converted`, so building the row, its time basis and the
chat's zone is one path for both.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any

from . import telegram, telegram_html, telegram_html_page
from .errors import ChatFormatError
from .import_session import MAX_STORED_WARNINGS, CheckedPlaintext, ImportSession, message_id
from .jsonstream import JsonSyntaxError
from .model import F_AMBIGUOUS_TIME, Chat, Message
from .timeutil import ZoneConverter, resolve_zone

log = logging.getLogger(__name__)

NO_UNIXTIME = (
    "this export has no date_unixtime (Telegram Desktop before 3.7.6): the time zone is "
    "unknown; give the zone the exporting computer used to get UTC times"
)
# Exports trimmed by other tools (and seen in analyzers' test data) keep date_unixtime but
# drop the local ``date``: the instant is exact, only the exporting computer's clock is unknown.
NO_LOCAL_DATE = (
    "this export gives date_unixtime without the local date: the UTC times are exact, but the "
    "exporting computer's clock time is unknown; give its zone to see local times"
)
NO_HTML_OFFSET = (
    "this HTML export writes no UTC offset (older Telegram Desktop): the time zone is "
    "unknown; give the zone the exporting computer used to get UTC times"
)


def _message(chat: Chat, seq: int, c: telegram.Converted) -> Message:
    return Message(
        id=message_id(chat.id, seq),
        chat_id=chat.id,
        seq=seq,
        kind=c.kind,
        event=c.event,
        native_id=c.native_id,
        sender=c.sender,
        sender_id=c.sender_id,
        written_time=c.written_time,
        local_time=c.local_time,
        utc=c.utc,
        text=c.text,
        entities=c.entities,
        reply_to=c.reply_to,
        forwarded_from=c.forwarded_from,
        edited=c.edited,
        edited_utc=c.edited_utc,
        attachments=c.attachments,
        source=c.source,
        flags=c.flags,
        extra=c.extra,
    )


def _set_time_basis(msg: Message, conv: ZoneConverter | None, *, unknown_without_time: bool) -> None:
    if msg.utc:
        # date_unixtime (JSON), or the offset the HTML title writes: the instant is known.
        msg.time_basis = "unixtime"
    elif conv is not None and msg.local_time:
        msg.utc, amb = conv.to_utc(msg.local_time)
        msg.time_basis = "zone"
        if amb:
            msg.flags.append(F_AMBIGUOUS_TIME)
    elif unknown_without_time or msg.local_time:
        msg.time_basis = "unknown"


def _local_from_utc(msg: Message, zone: tzinfo | None) -> None:
    """A message with only date_unixtime gets its local time from the zone the person gave."""
    if msg.utc and not msg.local_time and zone is not None:
        instant = datetime.strptime(msg.utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        msg.local_time = instant.astimezone(zone).strftime("%Y-%m-%dT%H:%M:%S")


def _note(chat: Chat, c: telegram.Converted, offsets: Counter[str]) -> None:
    if c.offset:
        offsets[c.offset] += 1
    if c.warnings and len(chat.warnings) < 10 * MAX_STORED_WARNINGS:
        chat.warnings.extend(c.warnings)


def _settle_zone(chat: Chat, offsets: Counter[str], user_zone: str | None, no_offset_warning: str) -> None:
    """The chat's zone from the offsets its messages carried, unless the person gave one."""
    if offsets:
        chat.export_offset = offsets.most_common(1)[0][0]
        if len(offsets) > 1:
            chat.warnings.append(
                "the exporting computer's UTC offset differs between messages "
                "(daylight saving time): " + ", ".join(sorted(offsets))
            )
        if not user_zone:
            chat.zone, chat.zone_source = chat.export_offset, "export"
    elif not user_zone:
        chat.zone, chat.zone_source = "", "unknown"
        if chat.message_count:
            chat.warnings.append(no_offset_warning)


def _converter(s: ImportSession) -> ZoneConverter | None:
    return ZoneConverter(resolve_zone(s.zone)) if s.zone else None


# -- JSON


@dataclass
class _JsonChats:
    """Every chat of one result.json (a full-account export holds many), by the walker's key."""

    chats: dict[str, Chat] = field(default_factory=dict)
    seqs: dict[str, int] = field(default_factory=dict)
    offsets: dict[str, Counter[str]] = field(default_factory=dict)
    last: dict[str, list[str]] = field(default_factory=dict)
    batch: list[Message] = field(default_factory=list)
    unixtime_only: set[str] = field(default_factory=set)  # chats with date_unixtime but no local date

    def open(self, s: ImportSession, key: str) -> None:
        chat = s.new_chat()
        chat.title = ""
        self.chats[key] = chat
        self.seqs[key], self.offsets[key], self.last[key] = 0, Counter(), [""]
        s.store.insert_chat(chat)
        s.res.chats.append(chat)

    def meta(self, key: str, val: Any) -> None:
        chat = self.chats[key]
        chat.title = str(val.get("name", "") or chat.title)
        chat.chat_type = str(val.get("type", "") or chat.chat_type)
        chat.native_id = str(val.get("id", "") or chat.native_id)


def _damaged(s: ImportSession, st: _JsonChats, e: JsonSyntaxError) -> None:
    """result.json stops parsing at ``e``: refuse if nothing came before it, else keep what did."""
    parsed = any(ch.message_count + ch.event_count for ch in st.chats.values()) or bool(st.batch)
    if not parsed:
        raise ChatFormatError(
            f"result.json: {e}",
            ko=f"result.json이 손상되어 읽을 수 없습니다({e.offset}바이트 위치). "
            "내보내기 파일은 증거로 저장되었지만 메시지는 가져오지 못했습니다.",
            en=f"result.json is damaged and cannot be read (at byte {e.offset}). "
            "The export files were stored as evidence, but no messages could be imported.",
        ) from e
    msg_txt = f"result.json could not be read past byte {e.offset} ({e.what}): the messages before it were imported"
    for ch in st.chats.values():
        ch.complete = False
        ch.warnings.append(msg_txt)
    s.res.warnings.append(msg_txt)


def parse_telegram(s: ImportSession) -> None:
    item = s.text_items[0]
    st = _JsonChats()
    conv = _converter(s)
    zone = resolve_zone(s.zone) if s.zone else None
    try:
        for kind, key, val in telegram.walk(CheckedPlaintext(s.vault, item, s.tick), cancel=s.cancel):
            if kind == "chat":
                st.open(s, key)
            elif kind == "meta" and key in st.chats:
                st.meta(key, val)
            elif kind == "message":
                chat = st.chats[key]
                c = telegram.convert(val, item.id, s.media)
                msg = _message(chat, st.seqs[key], c)
                _set_time_basis(msg, conv, unknown_without_time=True)
                if msg.utc and not msg.local_time:
                    st.unixtime_only.add(key)
                    _local_from_utc(msg, zone)
                _note(chat, c, st.offsets[key])
                st.seqs[key] += 1
                s.emit(chat, st.batch, msg, st.last[key])
    except JsonSyntaxError as e:
        _damaged(s, st, e)
    s.store.insert_messages(st.batch)
    for key, chat in st.chats.items():
        _settle_zone(chat, st.offsets[key], s.user_zone, NO_LOCAL_DATE if key in st.unixtime_only else NO_UNIXTIME)
        if not chat.title:
            chat.title = s.pl.title
    s.res.warnings = list(dict.fromkeys(w for ch in st.chats.values() for w in ch.warnings))


# -- HTML: one messages*.html at a time, read back from the vault


def parse_telegram_html(s: ImportSession) -> None:
    chat = s.new_chat()
    s.store.insert_chat(chat)
    s.res.chats.append(chat)
    batch: list[Message] = []
    last = [""]
    offsets: Counter[str] = Counter()
    carry = telegram_html.Carry()
    conv = _converter(s)
    seq = 0
    for src, item in zip(s.pl.texts, s.text_items, strict=True):
        if item.size > telegram_html.MAX_FILE:
            chat.complete = False
            chat.warnings.append(f"{src.rel}: {item.size} bytes, too large to read; stored, not parsed")
            continue
        raw = b"".join(CheckedPlaintext(s.vault, item, s.tick))
        parsed = telegram_html_page.parse_file(raw)
        del raw
        chat.title = chat.title or parsed.title
        for hm in parsed.messages:
            c = telegram_html.convert(hm, item.id, src.rel, s.media, carry, parsed.invalid_utf8)
            msg = _message(chat, seq, c)
            _set_time_basis(msg, conv, unknown_without_time=False)
            _note(chat, c, offsets)
            seq += 1
            s.emit(chat, batch, msg, last)
    s.store.insert_messages(batch)
    _settle_zone(chat, offsets, s.user_zone, NO_HTML_OFFSET)
    chat.title = chat.title or s.pl.title
    s.res.warnings = list(chat.warnings)
