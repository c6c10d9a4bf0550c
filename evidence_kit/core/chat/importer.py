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

The steps' state is :class:`.import_session.ImportSession`; the parsers are in
:mod:`.import_telegram` (JSON and HTML) and :mod:`.import_text` (KakaoTalk, WhatsApp).
"""


from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..common.errors import UsageError
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from . import telegram_html, whatsapp
from .detect import plan as detect_plan
from .import_session import ChatImportResult, ImportSession, original_chunks
from .import_telegram import parse_telegram, parse_telegram_html
from .import_text import parse_text
from .model import PLATFORM_TELEGRAM

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)


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
    detected_by: list[str] = field(default_factory=list)  # the lines that decided family/language


def detect(paths: Iterable[Any], *, lang: str = "en", chat: str | None = None) -> DetectResult:
    """What the import would see, without storing anything (for "it looks like ..." UIs)."""
    pl = detect_plan(list(paths), chat)
    try:
        order = ""
        needs = False
        if pl.family in (whatsapp.ANDROID, whatsapp.IOS) and pl.sniff is not None:
            shape = pl.sniff.signature[0]
            assert isinstance(shape, whatsapp.Shape)
            order, _d, _m = whatsapp.scan_date_order(original_chunks(pl, pl.texts[0]), shape)
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
            list(pl.sniff.evidence) if pl.sniff else [],
        )
    finally:
        pl.close()


def _parse_all(s: ImportSession) -> None:
    with s.vault._write():
        if s.pl.family == telegram_html.FAMILY:
            parse_telegram_html(s)
        elif s.pl.platform == PLATFORM_TELEGRAM:
            parse_telegram(s)
        else:
            parse_text(s)
        for chat in s.res.chats:
            s.finish(chat)
    s.vault.flush()


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
        raise UsageError(
            f"date order {date_order}",
            ko="날짜 순서는 dmy, mdy, ymd 중 하나입니다.",
            en="The date order is one of dmy, mdy, ymd.",
        )
    pl = detect_plan(list(paths), chat)
    try:
        imp = ImportSession(
            vault, case_id, pl, zone=zone, date_order=date_order, lang=lang, progress=progress, cancel=cancel
        )
        imp.decide()
        imp.res.detected_by = list(pl.sniff.evidence) if pl.sniff else []
        imp.store_all()
        earlier = imp.earlier_import()
        if earlier is not None:
            imp.res.chats, imp.res.already_imported = [earlier], True
        else:
            _parse_all(imp)
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
