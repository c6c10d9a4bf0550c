"""Import a chat export: detect, store every file as evidence, then parse the sealed copies.

1. Detect (detect.py): family, locale, layout. Unrecognised input is refused here, with
   nothing stored. A WhatsApp file whose date order the file cannot decide is refused here
   too, asking for ``date_order``; the answer is recorded in the "chat-import" event.
2. Store: the ZIP as it is, the chat text (result.json byte for byte), each media file;
   every one hashed and sealed like any evidence (method "chat-export", platform set).
   Record-only cases keep the text, and only hashes and metadata of the ZIP and media.
3. Parse the vault's sealed copy of the text (its SHA-256 re-checked in the same pass), so
   each message's byte range points at exactly the bytes the vault holds. All chat rows
   and the "chat-import" custody event commit in one transaction: a cancel or a failure
   leaves no half chat (the files already stored stay, as ordinary evidence items).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..common.clock import iso_utc
from ..common.errors import CancelledError, IntegrityError
from ..common.model import METHOD_CHAT_EXPORT, POLICY_RECORD_ONLY, Item, Source
from ..evidence.ingest import BLOCK, Cancel, Digests, Progress, Readable, never_cancel, no_progress
from ..evidence.metadata import HEAD_BYTES
from . import kakao, telegram, telegram_html, whatsapp
from .common import MediaIndex, MediaRef
from .detect import Plan
from .detect import Source as FileSource
from .detect import plan as detect_plan
from .errors import ChatFormatError
from .jsonstream import JsonSyntaxError
from .model import (
    EV_DELETED,
    EV_HIDDEN,
    F_AMBIGUOUS_TIME,
    F_TIME_BACKWARDS,
    KIND_MESSAGE,
    PLATFORM_TELEGRAM,
    ST_MISSING,
    ST_RECORDED,
    ST_STORED,
    Attachment,
    Chat,
    Message,
    MissingMedia,
    text_flags,
)
from .store import ChatStore
from .textlines import Record
from .timeutil import ZoneConverter, ZoneNeededError, computer_zone_name, resolve_zone

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

BATCH = 2000
MAX_STORED_WARNINGS = 200
MAX_RESULT_MISSING = 1000


@dataclass
class ChatImportResult:
    label: str
    chats: list[Chat] = field(default_factory=list)
    stored: list[Item] = field(default_factory=list)  # items new to the vault
    duplicates: list[Item] = field(default_factory=list)  # files already in the case
    missing: list[MissingMedia] = field(default_factory=list)  # the first MAX_RESULT_MISSING
    missing_total: int = 0  # all of them: ChatStore.missing_media(chat_id) lists every one
    warnings: list[str] = field(default_factory=list)
    date_order: str = ""
    date_order_source: str = ""
    zone: str = ""
    zone_source: str = ""


@dataclass
class DetectResult:
    platform: str
    family: str
    locale: str
    label: str
    date_order: str  # "" when not numeric or undecided
    needs_date_order: bool
    title: str
    texts: list[str]
    media_files: int


def detect(paths: Iterable[Any], *, lang: str = "en", chat: str | None = None) -> DetectResult:
    """What the import would see, without storing anything (for "it looks like ..." UIs)."""
    pl = detect_plan(list(paths), chat)
    try:
        order = ""
        needs = False
        if pl.family in (whatsapp.ANDROID, whatsapp.IOS) and pl.sniff is not None:
            shape = pl.sniff.signature[0]
            assert isinstance(shape, whatsapp.Shape)
            order, _d, _m = whatsapp.scan_date_order(_text_chunks(pl, pl.texts[0]), shape)
            needs = not order
        return DetectResult(
            pl.platform,
            pl.family,
            pl.locale,
            pl.label(lang, order),
            order,
            needs,
            pl.title,
            [t.rel for t in pl.texts],
            len(pl.media),
        )
    finally:
        pl.close()


def _text_chunks(pl: Plan, src: FileSource) -> Iterator[bytes]:
    """The original bytes of a text on disk or in the ZIP (detection only; parsing reads the vault)."""
    if src.entry is not None and pl.zip is not None:
        yield from pl.zip.iter_bytes(src.entry)
        return
    assert src.path is not None
    import os

    fd = os.open(src.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as f:
        while chunk := f.read(BLOCK):
            yield chunk


def hash_stream(
    src: Readable, *, cancel: Cancel = never_cancel, progress: Callable[[int], None] | None = None
) -> Digests:
    """SHA-256, MD5, SHA-1, size and the first bytes, without keeping the bytes (record-only)."""
    sha256 = hashlib.sha256()
    md5 = hashlib.md5(usedforsecurity=False)
    sha1 = hashlib.sha1(usedforsecurity=False)
    head = bytearray()
    size = 0
    buf = bytearray(BLOCK)
    while True:
        if cancel():
            raise CancelledError()
        n = src.readinto(buf)
        if not n:
            break
        view = memoryview(buf)[:n]
        sha256.update(view)
        md5.update(view)
        sha1.update(view)
        if len(head) < HEAD_BYTES:
            head += view[: HEAD_BYTES - len(head)]
        size += n
        if progress:
            progress(n)
    return Digests(size, sha256.hexdigest(), md5.hexdigest(), sha1.hexdigest(), bytes(head))


def message_id(chat_id: str, seq: int) -> str:
    """Unique and in insertion order: the chat's random id, then the sequence number. Random
    ids would scatter a million inserts over the index (measured: the import slowed down as
    the table grew); ordered ones append."""
    h = chat_id.replace("-", "")[:16] + f"{seq:016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class _Checked:
    """Plaintext chunks of an item, SHA-256 re-checked at the end; reports progress."""

    def __init__(self, vault: Vault, item: Item, tick: Callable[[int], None]) -> None:
        self.vault, self.item, self.tick = vault, item, tick

    def __iter__(self) -> Iterator[bytes]:
        h = hashlib.sha256()
        n = 0
        for chunk in self.vault.iter_plaintext(self.item.id):
            h.update(chunk)
            n += len(chunk)
            self.tick(len(chunk))
            yield chunk
        if h.hexdigest() != self.item.sha256 or n != self.item.size:
            raise IntegrityError(f"exhibit {self.item.exhibit}: sealed copy does not match its SHA-256")


class _Importer:
    def __init__(
        self,
        vault: Vault,
        case_id: str,
        pl: Plan,
        *,
        zone: str | None,
        date_order: str | None,
        lang: str,
        progress: Progress,
        cancel: Cancel,
    ) -> None:
        self.vault = vault
        self.case = vault.get_case(case_id)
        self.pl = pl
        self.lang = lang
        self.progress = progress
        self.cancel = cancel
        self.record_only = self.case.policy == POLICY_RECORD_ONLY
        self.store = ChatStore(vault)
        self.media = MediaIndex()
        self.done = 0
        self.total = 0
        self.user_zone = zone
        self.user_order = date_order
        self.order = ""
        self.order_source = ""
        self.shape: whatsapp.Shape | None = None
        self.res = ChatImportResult(label="")
        self.text_items: list[Item] = []
        self.zip_item: Item | None = None

    def tick(self, n: int) -> None:
        self.done += n
        self.progress(self.done, self.total)

    # ----------------------------------------------------------- decisions before storing

    def decide(self) -> None:
        pl = self.pl
        if self.user_zone and self.user_zone.strip().lower() != "local":
            resolve_zone(self.user_zone)  # refuse a bad zone before anything is stored
        if pl.family in (whatsapp.ANDROID, whatsapp.IOS):
            assert pl.sniff is not None
            shape = pl.sniff.signature[0]
            assert isinstance(shape, whatsapp.Shape)
            self.shape = shape
            order, d, m = whatsapp.scan_date_order(_text_chunks(pl, pl.texts[0]), shape, cancel=self.cancel)
            self.order, self.order_source = whatsapp.resolve_order(order, d, m, self.user_order)
        self.res.label = pl.label(self.lang, self.order)
        self.res.date_order, self.res.date_order_source = self.order, self.order_source
        if self.user_zone and self.user_zone.strip().lower() == "local":
            self.zone, self.zone_source = computer_zone_name(), "computer"
        elif self.user_zone:
            self.zone, self.zone_source = self.user_zone, "user"
        elif pl.platform == PLATFORM_TELEGRAM:
            self.zone, self.zone_source = "", ""  # decided from date_unixtime while parsing
        elif pl.locale == "ko":
            self.zone, self.zone_source = "Asia/Seoul", "korean-locale"
        else:
            # Issue 18: an English or other-locale KakaoTalk/WhatsApp file says nothing about
            # its zone; taking this computer's would silently shift every time.
            raise ZoneNeededError(f"no zone for a {pl.locale} {pl.family} export")

    # ----------------------------------------------------------- storing

    def _info(self, src_rel: str, role: str, *, part: tuple[str, int] | None = None) -> Any:
        from ..common.model import ItemInput

        root = self.pl.zip_path.name if self.pl.zip_path else (self.pl.folder.name if self.pl.folder else "")
        rel = f"{root}/{src_rel}" if root and src_rel != root else src_rel
        platform = self.pl.platform
        desc = {
            "text": ("대화 내보내기 원본", "chat export (original text)"),
            "media": ("대화 내보내기의 첨부 파일", "file from the chat export"),
            "archive": ("대화 내보내기 ZIP 원본", "chat export ZIP as received"),
        }[role][0 if self.lang == "ko" else 1]
        return ItemInput(
            name=src_rel.rsplit("/", 1)[-1],
            method=METHOD_CHAT_EXPORT,
            source=Source(
                platform=platform, chatroom=self.pl.title[:300], description=f"{self.res.label}: {desc}"
            ),
            relative_path=rel,
            group_id=part[0] if part else None,
            group_part=part[1] if part else None,
        )

    def _add(self, res: Any) -> Item:
        item: Item = res.item
        (self.res.duplicates if res.duplicate else self.res.stored).append(item)
        return item

    def _store_file(
        self, src: FileSource, role: str, *, keep: bool, part: tuple[str, int] | None = None
    ) -> Item:
        info = self._info(src.rel, role, part=part)
        base = self.done

        def prog(done: int, _total: int) -> None:
            self.done = base + done
            self.progress(self.done, self.total)

        if src.entry is not None:
            assert self.pl.zip is not None
            reader = self.pl.zip.reader(src.entry)
            try:
                if keep:
                    res = self.vault.add_stream(
                        self.case.id, reader, info, total=src.size, progress=prog, cancel=self.cancel
                    )
                else:
                    dig = hash_stream(reader, cancel=self.cancel, progress=self.tick)
                    res = self.vault.add_record_only(self.case.id, dig, info)
            finally:
                reader.close()
        else:
            assert src.path is not None
            if keep:
                res = self.vault.add_file(self.case.id, src.path, info, progress=prog, cancel=self.cancel)
            else:
                import os

                fd = os.open(src.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
                with os.fdopen(fd, "rb", buffering=0) as f:
                    dig = hash_stream(f, cancel=self.cancel, progress=self.tick)
                res = self.vault.add_record_only(self.case.id, dig, info)
        self.done = base + src.size
        return self._add(res)

    def store_all(self) -> None:
        pl = self.pl
        self.total = sum(s.size for s in pl.texts) * 2 + sum(s.size for s in pl.media)
        if pl.zip_path is not None and pl.zip_file is not None:
            size = pl.zip_path.stat().st_size
            self.total += size
            zsrc = FileSource(pl.zip_path.name, size, path=pl.zip_path)
            self.zip_item = self._store_file(zsrc, "archive", keep=not self.record_only)
        group = str(uuid.uuid4()) if len(pl.texts) > 1 else None
        for i, t in enumerate(pl.texts):
            part = (group, i + 1) if group else None
            self.text_items.append(self._store_file(t, "text", keep=True, part=part))
        for m in pl.media:
            if self.cancel():
                raise CancelledError()
            item = self._store_file(m, "media", keep=not self.record_only)
            self.media.add(m.rel, MediaRef(item.id, ST_STORED if item.retained else ST_RECORDED, m.rel))
        self.vault.flush()

    # ----------------------------------------------------------- parsing

    def _new_chat(self) -> Chat:
        return Chat(
            id=str(uuid.uuid4()),
            case_id=self.case.id,
            platform=self.pl.platform,
            family=self.pl.family,
            title=self.pl.title,
            locale=self.pl.locale,
            label=self.res.label,
            zone=self.zone,
            zone_source=self.zone_source,
            date_order=self.order,
            date_order_source=self.order_source,
            source_items=([self.zip_item.id] if self.zip_item else []) + [t.id for t in self.text_items],
            media_items=len(self.pl.media),
            imported_utc=iso_utc(self.vault.clock.now()),
            warnings=list(self.pl.warnings),
        )

    def parse_all(self) -> None:
        with self.vault._write():
            if self.pl.family == telegram_html.FAMILY:
                self._telegram_html()
            elif self.pl.platform == PLATFORM_TELEGRAM:
                self._telegram()
            else:
                self._text()
            for chat in self.res.chats:
                self._finish(chat)
        self.vault.flush()

    def _finish(self, chat: Chat) -> None:
        chat.unreferenced_media = self.media.unreferenced() if chat is self.res.chats[0] else []
        ws = chat.warnings
        if len(ws) > MAX_STORED_WARNINGS:
            chat.warnings = [*ws[:MAX_STORED_WARNINGS], f"... {len(ws) - MAX_STORED_WARNINGS} more"]
        self.store.update_chat(chat)
        items = {i.id: i for i in self.text_items + ([self.zip_item] if self.zip_item else [])}
        self.vault.log.append(
            "chat-import",
            case_id=self.case.id,
            item_id=self.text_items[0].id if self.text_items else None,
            data={
                "chat": chat.id,
                "title": chat.title,
                "platform": chat.platform,
                "family": chat.family,
                "detected": chat.label,
                # the header/first lines that decided family and language (issue 18)
                "detected_by": list(self.pl.sniff.evidence) if self.pl.sniff else [],
                "locale": chat.locale,
                "zone": chat.zone,
                "zone_source": chat.zone_source,
                "export_offset": chat.export_offset,
                "date_order": chat.date_order,
                "date_order_source": chat.date_order_source,
                "sources": [
                    {"exhibit": items[i].exhibit, "sha256": items[i].sha256, "name": items[i].original_name}
                    for i in chat.source_items
                    if i in items
                ],
                "messages": chat.message_count,
                "events": chat.event_count,
                "missing_media": chat.missing_count,
                "media_files": chat.media_items,
                "unreferenced_media": len(chat.unreferenced_media),
                "complete": chat.complete,
                "warnings": len(ws),
                "record_only_media": self.record_only,
            },
        )

    def _emit(self, chat: Chat, batch: list[Message], m: Message, last_time: list[str]) -> None:
        """Common bookkeeping for one message, then batch insert."""
        if m.kind == KIND_MESSAGE:
            chat.message_count += 1
            if m.sender and len(chat.members) < 1000 and m.sender not in chat.members:
                chat.members.append(m.sender)
        else:
            chat.event_count += 1
        t = m.local_time
        if len(t) >= 16:
            if last_time[0] and t < last_time[0]:
                m.flags.append(F_TIME_BACKWARDS)
            last_time[0] = t
            chat.first_time = chat.first_time or t
            chat.last_time = t
        for a in m.attachments:
            if a.status == ST_MISSING:
                chat.missing_count += 1
                self.res.missing_total += 1
                if len(self.res.missing) < MAX_RESULT_MISSING:  # memory must not grow with the file
                    self.res.missing.append(MissingMedia(m.id, m.seq, a.kind, a.name, a.reason, a.detail))
        batch.append(m)
        if len(batch) >= BATCH:
            self.store.insert_messages(batch)
            batch.clear()
            if self.cancel():
                raise CancelledError()

    # -- Telegram

    def _telegram(self) -> None:
        item = self.text_items[0]
        chats: dict[str, Chat] = {}
        seqs: dict[str, int] = {}
        offsets: dict[str, Counter[str]] = {}
        batch: list[Message] = []
        last: dict[str, list[str]] = {}
        conv = ZoneConverter(resolve_zone(self.zone)) if self.zone else None
        try:
            for kind, key, val in telegram.walk(_Checked(self.vault, item, self.tick), cancel=self.cancel):
                if kind == "chat":
                    chat = self._new_chat()
                    chat.title = ""
                    chats[key] = chat
                    seqs[key], offsets[key], last[key] = 0, Counter(), [""]
                    self.store.insert_chat(chat)
                    self.res.chats.append(chat)
                elif kind == "meta" and key in chats:
                    chat = chats[key]
                    chat.title = str(val.get("name", "") or chat.title)
                    chat.chat_type = str(val.get("type", "") or chat.chat_type)
                    chat.native_id = str(val.get("id", "") or chat.native_id)
                elif kind == "message":
                    chat = chats[key]
                    c = telegram.convert(val, item.id, self.media)
                    msg = Message(
                        id=message_id(chat.id, seqs[key]),
                        chat_id=chat.id,
                        seq=seqs[key],
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
                    if msg.utc:
                        msg.time_basis = "unixtime"
                    elif conv is not None and msg.local_time:
                        msg.utc, amb = conv.to_utc(msg.local_time)
                        msg.time_basis = "zone"
                        if amb:
                            msg.flags.append(F_AMBIGUOUS_TIME)
                    else:
                        msg.time_basis = "unknown"
                    if c.offset:
                        offsets[key][c.offset] += 1
                    seqs[key] += 1
                    if c.warnings and len(chat.warnings) < 10 * MAX_STORED_WARNINGS:
                        chat.warnings.extend(c.warnings)
                    self._emit(chat, batch, msg, last[key])
        except JsonSyntaxError as e:
            parsed = any(ch.message_count + ch.event_count for ch in chats.values()) or bool(batch)
            if not parsed:
                raise ChatFormatError(
                    f"result.json: {e}",
                    ko=f"result.json이 손상되어 읽을 수 없습니다({e.offset}바이트 위치). "
                    "내보내기 파일은 증거로 저장되었지만 메시지는 가져오지 못했습니다.",
                    en=f"result.json is damaged and cannot be read (at byte {e.offset}). "
                    "The export files were stored as evidence, but no messages could be imported.",
                ) from e
            msg_txt = (
                f"result.json could not be read past byte {e.offset} ({e.what}): "
                "the messages before it were imported"
            )
            for ch in chats.values():
                ch.complete = False
                ch.warnings.append(msg_txt)
            self.res.warnings.append(msg_txt)
        self.store.insert_messages(batch)
        for key, chat in chats.items():
            if offsets[key]:
                chat.export_offset = offsets[key].most_common(1)[0][0]
                if len(offsets[key]) > 1:
                    chat.warnings.append(
                        "the exporting computer's UTC offset differs between messages "
                        "(daylight saving time): " + ", ".join(sorted(offsets[key]))
                    )
                if not self.user_zone:
                    chat.zone, chat.zone_source = chat.export_offset, "export"
            elif not self.user_zone:
                chat.zone, chat.zone_source = "", "unknown"
                if chat.message_count:
                    chat.warnings.append(
                        "this export has no date_unixtime (Telegram Desktop before 3.7.6): the time zone is "
                        "unknown; give the zone the exporting computer used to get UTC times"
                    )
            if not chat.title:
                chat.title = self.pl.title
        self.res.warnings = list(dict.fromkeys(w for ch in chats.values() for w in ch.warnings))

    # -- Telegram HTML: one messages*.html at a time, read back from the vault

    def _telegram_html(self) -> None:
        chat = self._new_chat()
        self.store.insert_chat(chat)
        self.res.chats.append(chat)
        batch: list[Message] = []
        last = [""]
        offsets: Counter[str] = Counter()
        carry = telegram_html.Carry()
        conv = ZoneConverter(resolve_zone(self.zone)) if self.zone else None
        seq = 0
        for src, item in zip(self.pl.texts, self.text_items, strict=True):
            if item.size > telegram_html.MAX_FILE:
                chat.complete = False
                chat.warnings.append(f"{src.rel}: {item.size} bytes, too large to read; stored, not parsed")
                continue
            raw = b"".join(_Checked(self.vault, item, self.tick))
            parsed = telegram_html.parse_file(raw)
            del raw
            chat.title = chat.title or parsed.title
            for hm in parsed.messages:
                c = telegram_html.convert(hm, item.id, src.rel, self.media, carry, parsed.invalid_utf8)
                msg = Message(
                    id=message_id(chat.id, seq),
                    chat_id=chat.id,
                    seq=seq,
                    kind=c.kind,
                    event=c.event,
                    native_id=c.native_id,
                    sender=c.sender,
                    written_time=c.written_time,
                    local_time=c.local_time,
                    utc=c.utc,
                    text=c.text,
                    entities=c.entities,
                    reply_to=c.reply_to,
                    forwarded_from=c.forwarded_from,
                    attachments=c.attachments,
                    source=c.source,
                    flags=c.flags,
                    extra=c.extra,
                )
                if msg.utc:
                    msg.time_basis = "unixtime"  # the title writes the offset: the instant is known
                elif conv is not None and msg.local_time:
                    msg.utc, amb = conv.to_utc(msg.local_time)
                    msg.time_basis = "zone"
                    if amb:
                        msg.flags.append(F_AMBIGUOUS_TIME)
                elif msg.local_time:
                    msg.time_basis = "unknown"
                if c.offset:
                    offsets[c.offset] += 1
                if c.warnings and len(chat.warnings) < 10 * MAX_STORED_WARNINGS:
                    chat.warnings.extend(c.warnings)
                seq += 1
                self._emit(chat, batch, msg, last)
        self.store.insert_messages(batch)
        if offsets:
            chat.export_offset = offsets.most_common(1)[0][0]
            if len(offsets) > 1:
                chat.warnings.append(
                    "the exporting computer's UTC offset differs between messages "
                    "(daylight saving time): " + ", ".join(sorted(offsets))
                )
            if not self.user_zone:
                chat.zone, chat.zone_source = chat.export_offset, "export"
        elif not self.user_zone:
            chat.zone, chat.zone_source = "", "unknown"
            if chat.message_count:
                chat.warnings.append(
                    "this HTML export writes no UTC offset (older Telegram Desktop): the time zone is "
                    "unknown; give the zone the exporting computer used to get UTC times"
                )
        chat.title = chat.title or self.pl.title
        self.res.warnings = list(chat.warnings)

    # -- KakaoTalk and WhatsApp

    def _text(self) -> None:
        pl = self.pl
        chat = self._new_chat()
        self.store.insert_chat(chat)
        self.res.chats.append(chat)
        conv = ZoneConverter(resolve_zone(self.zone)) if self.zone else None
        batch: list[Message] = []
        last = [""]
        seq = 0
        fam = pl.family
        for part_no, item in enumerate(self.text_items):
            chunks = _Checked(self.vault, item, self.tick)
            recs: Iterator[Record]
            kp: kakao.KakaoParser | None = None
            wp: whatsapp.WhatsAppParser | None = None
            if fam == kakao.MAC_CSV:
                recs = kakao.csv_records(chunks, item.id, cancel=self.cancel)
            elif fam in (kakao.PC, kakao.ANDROID, kakao.IOS):
                kp = kakao.KakaoParser(fam, self.media)
                recs = kp.records(chunks, item.id, cancel=self.cancel)
            else:
                assert self.shape is not None
                wp = whatsapp.WhatsAppParser(self.shape, self.order, self.media)
                recs = wp.records(chunks, item.id, cancel=self.cancel)
            for rec in recs:
                event = rec.event
                atts: list[Attachment] = []
                more: list[str] = []
                if kp is not None:
                    event, atts = kp.attachments(rec)
                elif wp is not None:
                    event, atts, more = wp.attachments(rec)
                elif rec.kind == KIND_MESSAGE:
                    atts = kakao.body_attachments(rec.text, self.media)
                    if kakao.HIDDEN.match(rec.text):
                        event = EV_HIDDEN
                    elif kakao.DELETED.match(rec.text):
                        event = EV_DELETED
                flags = list(rec.flags) + more + [f for f in text_flags(rec.text) if f not in rec.flags]
                msg = Message(
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
                if len(self.text_items) > 1:
                    msg.extra["part"] = part_no + 1
                if conv is not None and len(msg.local_time) >= 16:
                    msg.utc, amb = conv.to_utc(msg.local_time)
                    msg.time_basis = "zone"
                    if amb:
                        msg.flags.append(F_AMBIGUOUS_TIME)
                elif msg.local_time:
                    msg.time_basis = "unknown"
                seq += 1
                self._emit(chat, batch, msg, last)
            if kp is not None:
                chat.title = chat.title or kp.title
                chat.saved_at = chat.saved_at or kp.saved_at
        self.store.insert_messages(batch)
        single_file = pl.texts[0].entry is None and pl.folder is None and not pl.media
        single_file = single_file and fam in (kakao.ANDROID, whatsapp.ANDROID, whatsapp.IOS)
        if single_file and chat.missing_count:
            chat.warnings.append(
                "only the text file was given: media that came with the export (folder or ZIP) are listed "
                "as missing; import the folder or ZIP to include them"
            )
        self.res.warnings = list(chat.warnings)


def import_chat(
    vault: Vault,
    case_id: str,
    paths: Iterable[Any],
    *,
    zone: str | None = None,
    date_order: str | None = None,
    lang: str = "en",
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
    chat: str | None = None,
) -> ChatImportResult:
    """Import one chat export (see the module docstring). ``chat`` picks one chat of a
    full-account Telegram HTML export (folder name chat_NNN, its number, or its name)."""
    if date_order is not None and date_order not in ("dmy", "mdy", "ymd"):
        from ..common.errors import UsageError

        raise UsageError(
            f"date order {date_order}",
            ko="날짜 순서는 dmy, mdy, ymd 중 하나입니다.",
            en="The date order is one of dmy, mdy, ymd.",
        )
    pl = detect_plan(list(paths), chat)
    try:
        imp = _Importer(
            vault, case_id, pl, zone=zone, date_order=date_order, lang=lang, progress=progress, cancel=cancel
        )
        imp.decide()
        imp.store_all()
        imp.parse_all()
        res = imp.res
        res.zone = res.chats[0].zone if res.chats else imp.zone
        res.zone_source = res.chats[0].zone_source if res.chats else imp.zone_source
        log.info(
            "chat import: %d chat(s), %d file(s) stored, %d missing media",
            len(res.chats),
            len(res.stored),
            len(res.missing),
        )
        return res
    finally:
        pl.close()
