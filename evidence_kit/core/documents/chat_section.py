"""The report section for marked chat messages (issues 6 and 12), as reportlab flowables.

``build_chat_section(vault, case_id, lang, style)`` returns the flowables; the main report
(documents/report.py) places them. Marked messages appear chat by chat, in chat order, each
with sender, time as written and in UTC (Telegram: KST and UTC from ``date_unixtime``;
text exports: the confirmed zone, said so), text, attachments with exhibit numbers and
hashes, and the source position (evidence item + byte range and lines) so every line of
the report can be traced to the exact bytes.

All untrusted text goes through :meth:`ChatSectionStyle.markup` (common/untrusted.py): control and format
characters (RTL overrides, zero-width marks) and characters the embedded font lacks are
shown as ``[U+XXXX]``, then the text is XML-escaped. Long lines wrap anywhere (CJK wrap).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from ..chat.model import PLATFORM_TELEGRAM, ST_MISSING, ST_RECORDED, Attachment, Chat, Message
from ..chat.store import ChatStore
from ..common import untrusted
from ..common.clock import KST
from ..common.errors import EvidenceKitError
from ..common.model import Item
from . import pdfstyle

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

FONT_NAME = pdfstyle.FONT

T: dict[str, tuple[str, str]] = {
    "title": ("대화 내보내기: 표시한 메시지", "Chat exports: marked messages"),
    "none": ("표시한 메시지가 없습니다.", "No messages are marked."),
    "chat": ("대화", "Chat"),
    "detected": ("형식", "Format"),
    "sources": ("원본 파일", "Source files"),
    "times": ("시간", "Times"),
    "no": ("번호", "No."),
    "sender": ("보낸 사람", "Sender"),
    "time": ("시간", "Time"),
    "text": ("내용", "Text"),
    "attachments": ("첨부", "Attachments"),
    "source": ("출처 위치", "Source position"),
    "flags": ("표시 사항", "Flags"),
    "note": ("메모", "Note"),
    "event": ("종류", "Kind"),
    "as_written": ("파일에 적힌 시간", "as written"),
    "tg_times": (
        "텔레그램의 date_unixtime(정확한 시각)으로 KST와 UTC를 표시합니다. "
        "파일에 적힌 시간은 내보낸 컴퓨터의 현지 시간입니다{offset}.",
        "KST and UTC are from Telegram's date_unixtime (the exact instant). The time as written is the "
        "exporting computer's local time{offset}.",
    ),
    "tg_offset": (" (UTC{off})", " (UTC{off})"),
    "tg_nozone": (
        "이 내보내기에는 date_unixtime이 없어 시간대를 알 수 없습니다. 파일에 적힌 시간만 표시합니다.",
        "This export has no date_unixtime: its time zone is unknown. Only the time as written is shown.",
    ),
    "text_times": (
        "내보내기 파일에는 시간대가 없습니다(대개 초도 없음). 시간은 적힌 그대로이며, UTC는 사용자가 확인한 "
        "시간대 {zone}({why})로 계산했습니다. 같은 분 안의 순서는 파일의 순서입니다.",
        "The export carries no time zone (and mostly no seconds). Times are as written; UTC is computed "
        "with the zone the user confirmed, {zone} ({why}). Order within a minute is the file's order.",
    ),
    "zone_unknown": (
        "시간대가 확인되지 않아 UTC를 계산하지 않았습니다.",
        "No zone was confirmed, so no UTC time is given.",
    ),
    "date_order": ("날짜 순서: {order} ({why})", "Date order: {order} ({why})"),
    "why_user": ("사용자가 선택", "chosen by the user"),
    "why_file": ("파일에서 판단", "decided from the file"),
    "why_korean-locale": ("한국어 내보내기 기본값", "default for a Korean export"),
    "why_computer": ("이 컴퓨터의 시간대", "this computer's zone"),
    "why_export": ("내보내기에서 확인", "from the export"),
    "st_missing": ("없음", "missing"),
    "st_recorded": ("기록 전용(원본 미보관)", "record only (original not kept)"),
    "bytes": ("바이트", "bytes"),
    "lines": ("줄", "lines"),
    "truncated": (
        "… (전체 {n:,}자 중 일부. 전체 내용은 위 출처 위치의 원본에 있습니다)",
        "… (part of {n:,} characters; the full text is in the original at the source position)",
    ),
    "incomplete": (
        "주의: 이 내보내기는 끝까지 읽지 못했습니다. 경고를 참고하세요.",
        "Note: this export could not be read to its end; see the warnings.",
    ),
}


def t(key: str, lang: str, **kw: object) -> str:
    ko, en = T[key]
    return (ko if lang == "ko" else en).format(**kw)


@dataclass
class ChatSectionStyle:
    """Fonts, sizes and widths for the section; the main report may pass its own values."""

    font: str = FONT_NAME
    size: float = 8.5
    width: float = 515.0  # usable frame width in points (A4 with 40 pt margins)
    label_width: float = 78.0
    max_text: int = 6000  # characters of one message printed; the rest is in the original
    _styles: dict[str, Any] = field(default_factory=dict, repr=False)
    _glyphs: frozenset[int] = field(default_factory=frozenset, repr=False)

    def ensure(self) -> None:
        # The report's one font registration and style sheet (issue 24): a style of our
        # own once fell back to Helvetica, which is never embedded.
        if self._styles:
            return
        self._glyphs = pdfstyle.font_glyphs()
        self._styles = pdfstyle.styles_with_prefix("chat_")

    def P(self, markup: str, style: str = "cell") -> Any:
        from reportlab.platypus import Paragraph

        self.ensure()
        return Paragraph(markup, self._styles[style])

    def visible(self, text: str, *, multiline: bool = False) -> str:
        """Untrusted text with control/format characters and missing glyphs as [U+XXXX]."""
        self.ensure()
        return untrusted.pdf_text(text, self._glyphs, multiline=multiline)

    def markup(self, text: object, *, multiline: bool = False, limit: int | None = None) -> str:
        self.ensure()
        s = "" if text is None else str(text)
        if limit is not None and len(s) > limit:
            s = s[:limit]  # the caller says how much more there is
        return untrusted.pdf_paragraph(s, self._glyphs, multiline=multiline)


def _kst(utc: str) -> str:
    try:
        dt = datetime.strptime(utc, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return ""
    return dt.astimezone(KST).strftime("%Y-%m-%d %H:%M:%S KST")


def _utc(utc: str) -> str:
    return utc.replace("T", " ").replace("Z", " UTC") if utc else ""


class _Builder:
    def __init__(self, vault: Vault, case_id: str, lang: str, style: ChatSectionStyle) -> None:
        self.vault, self.case_id, self.lang, self.s = vault, case_id, lang, style
        self._items: dict[str, Item | None] = {}

    def item(self, item_id: str | None) -> Item | None:
        if not item_id:
            return None
        if item_id not in self._items:
            try:
                self._items[item_id] = self.vault.get_item(item_id)
            except EvidenceKitError:
                self._items[item_id] = None
        return self._items[item_id]

    def label(self, item: Item) -> str:
        return item.exhibit_label_ko if self.lang == "ko" else item.exhibit_label_en

    def tt(self, key: str, **kw: object) -> str:
        return escape(t(key, self.lang, **kw))

    def chat_header(self, chat: Chat) -> list[Any]:
        s = self.s
        out: list[Any] = [s.P(f"{self.tt('chat')}: {s.markup(chat.title or '—')}", "h2")]
        rows: list[tuple[str, str]] = [(self.tt("detected"), s.markup(f"{chat.label} · {chat.family}"))]
        srcs = []
        for iid in chat.source_items:
            it = self.item(iid)
            if it is not None:
                srcs.append(
                    f"{escape(self.label(it))} {s.markup(it.original_name)}<br/>"
                    f"<font size='{s.size - 1.5}'>SHA-256 {it.sha256}</font>"
                )
        rows.append((self.tt("sources"), "<br/>".join(srcs) or "—"))
        why = (
            self.tt(f"why_{chat.zone_source}") if f"why_{chat.zone_source}" in T else escape(chat.zone_source)
        )
        if chat.platform == PLATFORM_TELEGRAM:
            if chat.export_offset or chat.zone_source == "export":
                off = t("tg_offset", self.lang, off=chat.export_offset) if chat.export_offset else ""
                note = self.tt("tg_times", offset=off)
            elif chat.zone:
                note = self.tt("text_times", zone=chat.zone, why=why)
            else:
                note = self.tt("tg_nozone")
        elif chat.zone:
            note = self.tt("text_times", zone=chat.zone, why=why)
        else:
            note = self.tt("zone_unknown")
        if chat.date_order:
            src = self.tt("why_user") if chat.date_order_source == "user" else self.tt("why_file")
            note += "<br/>" + self.tt("date_order", order=chat.date_order, why=src)
        rows.append((self.tt("times"), note))
        if not chat.complete:
            rows.append(("!", self.tt("incomplete")))
        out.append(self.table(rows))
        return out

    def table(self, rows: list[tuple[str, str]]) -> Any:
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        s = self.s
        data = [[s.P(k, "label"), s.P(v)] for k, v in rows]
        tbl = Table(data, colWidths=[s.label_width, s.width - s.label_width], hAlign="LEFT")
        tbl.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), pdfstyle.FONT),
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F0F0F0")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        return tbl

    def time_cell(self, chat: Chat, m: Message) -> str:
        s = self.s
        lines = []
        if m.written_time:
            lines.append(f"{self.tt('as_written')}: {s.markup(m.written_time)}")
        if m.utc:
            if chat.platform == PLATFORM_TELEGRAM and m.time_basis == "unixtime":
                lines.append(escape(_kst(m.utc)))
            lines.append(escape(_utc(m.utc)) + (f" ({escape(chat.zone)})" if m.time_basis == "zone" else ""))
        elif m.local_time and not m.written_time:
            lines.append(escape(m.local_time))
        return "<br/>".join(lines) or "—"

    def attachment_line(self, a: Attachment) -> str:
        s = self.s
        name = s.markup(a.name or a.detail or a.kind)
        if a.status == ST_MISSING:
            why = escape(a.reason) + (f": {s.markup(a.detail)}" if a.detail and a.detail != a.name else "")
            return f"{escape(a.kind)} {name} — {self.tt('st_missing')} ({why})"
        it = self.item(a.item_id)
        if it is None:
            return f"{escape(a.kind)} {name} — ?"
        rec = f" — {self.tt('st_recorded')}" if a.status == ST_RECORDED else ""
        return (
            f"{escape(a.kind)} {name}: <b>{escape(self.label(it))}</b>{rec}<br/>"
            f"<font size='{s.size - 1.5}'>SHA-256 {it.sha256}</font>"
        )

    def source_cell(self, m: Message) -> str:
        if m.source is None:
            return "—"
        it = self.item(m.source.item_id)
        where = f"{escape(self.label(it))} {self.s.markup(it.original_name)}" if it else "?"
        pos = f"{self.tt('bytes')} {m.source.byte_start:,}–{m.source.byte_end:,}"
        if m.source.line_start:
            if m.source.line_end != m.source.line_start:
                pos += f", {self.tt('lines')} {m.source.line_start:,}–{m.source.line_end:,}"
            else:
                pos += f", {self.tt('lines')} {m.source.line_start:,}"
        return f"{where}<br/>{pos}"

    def message(self, chat: Chat, m: Message) -> Any:
        s = self.s
        no = f"#{m.seq}" + (f" (id {s.markup(m.native_id)})" if m.native_id else "")
        sender = s.markup(m.sender or "—") + (
            f" <font size='{s.size - 1.5}'>{s.markup(m.sender_id)}</font>" if m.sender_id else ""
        )
        rows = [(self.tt("no"), no), (self.tt("sender"), sender), (self.tt("time"), self.time_cell(chat, m))]
        if m.kind != "message" or m.event:
            rows.append((self.tt("event"), escape(m.event or m.kind)))
        text = s.markup(m.text, multiline=True, limit=s.max_text)
        if len(m.text) > s.max_text:
            text += "<br/>" + self.tt("truncated", n=len(m.text))
        rows.append((self.tt("text"), text or "—"))
        if m.attachments:
            rows.append(
                (self.tt("attachments"), "<br/>".join(self.attachment_line(a) for a in m.attachments))
            )
        rows.append((self.tt("source"), self.source_cell(m)))
        if m.flags:
            rows.append((self.tt("flags"), escape(", ".join(m.flags))))
        if m.mark_note:
            rows.append((self.tt("note"), s.markup(m.mark_note, multiline=True)))
        return self.table(rows)

    def build(self) -> list[Any]:
        from reportlab.platypus import Spacer

        s = self.s
        s.ensure()
        out: list[Any] = [s.P(self.tt("title"), "h1")]
        store = ChatStore(self.vault)
        current: str | None = None
        n = 0
        for chat, m in store.marked(self.case_id):
            if chat.id != current:
                out += self.chat_header(chat)
                out.append(Spacer(1, 4))
                current = chat.id
            out.append(self.message(chat, m))
            out.append(Spacer(1, 4))
            n += 1
        if n == 0:
            out.append(s.P(self.tt("none"), "body"))
        return out


def build_chat_section(
    vault: Vault, case_id: str, lang: str = "ko", style: ChatSectionStyle | None = None
) -> list[Any]:
    """Flowables for the marked messages of a case (empty-state paragraph if none)."""
    return _Builder(
        vault, case_id, "ko" if lang.startswith("ko") else "en", style or ChatSectionStyle()
    ).build()
