"""KakaoTalk and WhatsApp text exports into chat rows, record by record.

Each stored text file (an export may come in numbered parts) is read back from the vault."""

from __future__ import annotations

import logging
from collections.abc import Iterator

from . import kakao, whatsapp
from .import_session import CheckedPlaintext, ImportSession, message_id
from .model import EV_DELETED, EV_HIDDEN, F_AMBIGUOUS_TIME, KIND_MESSAGE, Attachment, Chat, Message, text_flags
from .textlines import Record
from .timeutil import ZoneConverter, resolve_zone

log = logging.getLogger(__name__)

_Parser = kakao.KakaoParser | whatsapp.WhatsAppParser | None


def _records(s: ImportSession, chunks: CheckedPlaintext, item_id: str) -> tuple[Iterator[Record], _Parser]:
    """The records of one text file, and the parser that knows its attachments (none for Mac CSV)."""
    fam = s.pl.family
    if fam == kakao.MAC_CSV:
        return kakao.csv_records(chunks, item_id, cancel=s.cancel), None
    if fam in (kakao.PC, kakao.ANDROID, kakao.IOS):
        kp = kakao.KakaoParser(fam, s.media)
        return kp.records(chunks, item_id, cancel=s.cancel), kp
    assert s.shape is not None
    wp = whatsapp.WhatsAppParser(s.shape, s.order, s.media)
    return wp.records(chunks, item_id, cancel=s.cancel), wp


def _message(s: ImportSession, chat: Chat, seq: int, rec: Record, parser: _Parser) -> Message:
    event = rec.event
    atts: list[Attachment] = []
    more: list[str] = []
    if isinstance(parser, kakao.KakaoParser):
        event, atts = parser.attachments(rec)
    elif isinstance(parser, whatsapp.WhatsAppParser):
        event, atts, more = parser.attachments(rec)
    elif rec.kind == KIND_MESSAGE:
        atts = kakao.body_attachments(rec.text, s.media)
        if kakao.HIDDEN.match(rec.text):
            event = EV_HIDDEN
        elif kakao.DELETED.match(rec.text):
            event = EV_DELETED
    flags = list(rec.flags) + more + [f for f in text_flags(rec.text) if f not in rec.flags]
    return Message(
        id=message_id(chat.id, seq),
        chat_id=chat.id,
        seq=seq,
        kind=rec.kind,
        event=event,
        sender=rec.sender,
        written_time=rec.written_time,
        local_time=rec.local_time,
        text=rec.text,
        prefix=rec.prefix,
        eol=rec.eol,
        attachments=atts,
        source=rec.source,
        flags=flags,
        extra=rec.extra,
    )


def _set_time(msg: Message, conv: ZoneConverter | None) -> None:
    if conv is not None and len(msg.local_time) >= 16:
        msg.utc, amb = conv.to_utc(msg.local_time)
        msg.time_basis = "zone"
        if amb:
            msg.flags.append(F_AMBIGUOUS_TIME)
    elif msg.local_time:
        msg.time_basis = "unknown"


def parse_text(s: ImportSession) -> None:
    pl = s.pl
    chat = s.new_chat()
    s.store.insert_chat(chat)
    s.res.chats.append(chat)
    conv = ZoneConverter(resolve_zone(s.zone)) if s.zone else None
    batch: list[Message] = []
    last = [""]
    seq = 0
    for part_no, item in enumerate(s.text_items):
        recs, parser = _records(s, CheckedPlaintext(s.vault, item, s.tick), item.id)
        for rec in recs:
            msg = _message(s, chat, seq, rec, parser)
            if len(s.text_items) > 1:
                msg.extra["part"] = part_no + 1
            _set_time(msg, conv)
            seq += 1
            s.emit(chat, batch, msg, last)
        if isinstance(parser, kakao.KakaoParser):
            chat.title = chat.title or parser.title
            chat.saved_at = chat.saved_at or parser.saved_at
    s.store.insert_messages(batch)
    single_file = pl.texts[0].entry is None and pl.folder is None and not pl.media
    single_file = single_file and pl.family in (kakao.ANDROID, whatsapp.ANDROID, whatsapp.IOS)
    if single_file and chat.missing_count:
        chat.warnings.append(
            "only the text file was given: media that came with the export (folder or ZIP) are listed "
            "as missing; import the folder or ZIP to include them"
        )
    s.res.warnings = list(chat.warnings)
