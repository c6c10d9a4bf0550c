"""What the chat-import screen asks the core, with no widgets: describe an export, import it.

A full-account Telegram HTML export cannot be detected as one chat (the CLI asks for
``--chat``); :func:`describe_export` catches that refusal and asks the service for the list of
chats, so the person can tick chats instead of typing a folder name. No rule about formats,
zones or date orders lives here, only which service calls to make in which order.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.chat.errors import ChatFormatError
from ..core.chat.model import PLATFORM_TELEGRAM
from ..core.evidence.ingest import Cancel, Progress
from ..core.service import EvidenceService

log = logging.getLogger(__name__)

KOREA = "Asia/Seoul"


@dataclass
class ExportInfo:
    """What was found at the chosen paths (nothing stored yet)."""

    paths: list[Path]
    detected: Any  # core.chat.importer.DetectResult
    account_chats: list[tuple[str, str]] = field(default_factory=list)  # (chat_NNN, name) to choose from

    @property
    def needs_zone(self) -> bool:
        """KakaoTalk and WhatsApp texts carry no zone; Telegram's JSON/HTML say their own offset."""
        return str(self.detected.platform) != PLATFORM_TELEGRAM

    @property
    def korean_format(self) -> bool:
        """The core takes Asia/Seoul for a Korean-format export when no zone is given."""
        return str(self.detected.locale) == "ko"

    @property
    def needs_date_order(self) -> bool:
        return bool(self.detected.needs_date_order)


@dataclass
class ChatImportRequest:
    """The person's answers: what the CLI's --zone, --date-order and --chat say."""

    paths: list[Path]
    zone: str | None = None
    date_order: str | None = None
    chats: list[str] = field(default_factory=list)  # full-account HTML export: chat_NNN folders


def describe_export(service: EvidenceService, paths: list[Path], lang: str) -> ExportInfo:
    """Detect the export (reads a little, stores nothing); ChatFormatError when unrecognised."""
    try:
        return ExportInfo(list(paths), service.detect_chat(paths, lang=lang))
    except ChatFormatError:
        chats = service.account_chats(paths)
        if not chats:
            raise
    # A full-account Telegram HTML export: the core needs one chat; describe it by the first.
    return ExportInfo(list(paths), service.detect_chat(paths, lang=lang, chat=chats[0][0]), chats)


def import_export(
    service: EvidenceService,
    case_id: str,
    req: ChatImportRequest,
    *,
    lang: str,
    progress: Progress,
    cancel: Cancel,
) -> list[Any]:
    """Import the export (each chosen chat of a full-account export in turn); the results in order.

    A cancel stops the chat being imported (the core keeps no half chat); chats finished
    before it stay imported."""
    results: list[Any] = []
    chats: list[str | None] = list(req.chats) or [None]
    for chat in chats:
        results.append(
            service.import_chat(
                case_id, req.paths, zone=req.zone, date_order=req.date_order, lang=lang,
                progress=progress, cancel=cancel, chat=chat,
            )
        )
    return results
