"""One chat import in progress: its decisions, its stored files, its shared bookkeeping.

The decisions are taken before anything is stored (date order, zone); then every file of the
export is stored as evidence; the parsers share a new chat row, one message at a time in
batches, and the "chat-import" custody event.

The parsers that fill the chat live in :mod:`.import_telegram` and :mod:`.import_text`;
:func:`.importer.import_chat` runs the steps.
"""

from __future__ import annotations

import hashlib
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..common.clock import iso_utc
from ..common.errors import CancelledError, IntegrityError
from ..common.model import METHOD_CHAT_EXPORT, POLICY_RECORD_ONLY, Item, ItemInput, Source
from ..evidence.ingest import BLOCK, Cancel, Digests, Progress, Readable, never_cancel
from ..evidence.metadata import HEAD_BYTES
from . import whatsapp
from .common import MediaIndex, MediaRef
from .detect import Plan
from .detect import Source as FileSource
from .model import (
    F_TIME_BACKWARDS,
    KIND_MESSAGE,
    PLATFORM_TELEGRAM,
    ST_MISSING,
    ST_RECORDED,
    ST_STORED,
    Chat,
    Message,
    MissingMedia,
)
from .store import ChatStore
from .timeutil import ZoneNeededError, computer_zone_name, resolve_zone

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
    detected_by: list[str] = field(default_factory=list)  # the lines that decided family/language
    already_imported: bool = False  # chats = the case's earlier chat from exactly these files



def original_chunks(pl: Plan, src: FileSource) -> Iterator[bytes]:
    """The original bytes of a text on disk or in the ZIP (detection only; parsing reads the vault)."""
    if src.entry is not None and pl.zip is not None:
        yield from pl.zip.iter_bytes(src.entry)
        return
    assert src.path is not None
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


class CheckedPlaintext:
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


class ImportSession:
    """The state of one import; the parsers read and fill it."""

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
            order, d, m = whatsapp.scan_date_order(original_chunks(pl, pl.texts[0]), shape, cancel=self.cancel)
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

    def _info(self, src_rel: str, role: str, *, part: tuple[str, int] | None = None) -> ItemInput:
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

    def earlier_import(self) -> Chat | None:
        """The case's chat made from exactly these files, read with the same zone and date order.

        Importing the same export twice would otherwise give two identical chats, and every
        search hit twice; a later export of the same chat has other bytes and is a new chat."""
        if self.res.stored:
            return None
        sources = ([self.zip_item.id] if self.zip_item else []) + [t.id for t in self.text_items]
        for c in self.store.list_chats(self.case.id):
            if (
                c.source_items == sources
                and c.complete
                and c.date_order == self.order
                and (not self.zone or c.zone == self.zone)
            ):
                return c
        return None

    # ----------------------------------------------------------- parsing

    def new_chat(self) -> Chat:
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

    def finish(self, chat: Chat) -> None:
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

    def emit(self, chat: Chat, batch: list[Message], m: Message, last_time: list[str]) -> None:
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
