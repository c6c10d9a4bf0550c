"""Chat exports as evidence (issues 6 and 12): chat import/list/search/mark/show."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ..core.common.clock import utc_display
from ..core.common.errors import UsageError
from ..core.common.i18n import detection_text, tr, warning_text
from .context import (
    Ctx,
    item_json,
    term,
)


def _msg_json(chat: Any, m: Any) -> dict[str, Any]:
    d: dict[str, Any] = m.to_json()
    d.update({"id": m.id, "chat_id": m.chat_id, "seq": m.seq, "chat_title": chat.title if chat else ""})
    return d


def _chat_json(chat: Any) -> dict[str, Any]:
    d: dict[str, Any] = chat.to_json()
    d["id"] = chat.id
    return d


def _one_line(text: str, limit: int = 160) -> str:
    """Terminal-safe preview: core/untrusted.py's rule set, cut at ``limit``."""
    return term(text[:limit]) + ("…" if len(text) > limit else "")


def _title(chat: Any, lang: str) -> str:
    return _one_line(chat.title, 80) if chat.title.strip() else tr("chat_untitled", lang)


def _print_msg(m: Any) -> None:
    when = term(m.written_time or m.local_time, 40)
    who = _one_line(m.sender, 40) if m.sender else "-"
    kind = f"[{term(m.event or m.kind, 80)}] " if (m.kind != "message" or m.event) else ""
    mark = "*" if m.marked else " "
    att = f" +{len(m.attachments)}" if m.attachments else ""
    ref = f"{m.chat_id[:8]}:{m.seq}"  # what 'chat mark' accepts
    print(f"{mark}{ref:<16} {when:<20} {who}: {kind}{_one_line(m.text)}{att}")


def cmd_chat_import(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    res = svc.import_chat(
        case.id,
        [Path(p) for p in ctx.args.paths],
        zone=ctx.args.zone,
        date_order=ctx.args.date_order,
        lang=ctx.lang,
        progress=_chat_progress(ctx),
        chat=ctx.args.chat,
    )
    ctx.say("chat_detected", label=res.label)
    if not ctx.json:
        for line in res.detected_by:
            print(tr("chat_decided_by", ctx.lang, text=term(detection_text(line, ctx.lang), 200)))
    for chat in res.chats:
        if res.already_imported:
            ctx.say("chat_already_imported", title=_title(chat, ctx.lang), ref=chat.id[:8],
                    messages=chat.message_count, when=utc_display(chat.imported_utc))
            continue
        ctx.say(
            "chat_imported",
            title=_title(chat, ctx.lang),
            messages=chat.message_count,
            events=chat.event_count,
            missing=chat.missing_count,
            files=len(res.stored),
            dups=len(res.duplicates),
            zone=f"{chat.zone or tr('chat_zone_unknown', ctx.lang)} ({chat.zone_source})",
        )
    if not ctx.json:
        for mm in res.missing[:50]:
            print(
                tr("chat_missing", ctx.lang, seq=mm.seq, kind=term(mm.kind), name=_one_line(mm.name or mm.detail, 80),
                   reason=term(mm.reason)),
                file=sys.stderr,
            )
        if len(res.missing) > 50:
            print(f"... +{len(res.missing) - 50}", file=sys.stderr)
        for w in res.warnings[:50]:
            print(tr("chat_warning", ctx.lang, text=_one_line(warning_text(w, ctx.lang), 300)), file=sys.stderr)
    ctx.emit(
        {
            "label": res.label,
            "already_imported": res.already_imported,
            "detected_by": res.detected_by,
            "chats": [_chat_json(c) for c in res.chats],
            "stored": [item_json(i) for i in res.stored],
            "duplicates": [item_json(i) for i in res.duplicates],
            "missing": [vars(mm) for mm in res.missing],
            "warnings": res.warnings,
            "date_order": res.date_order,
            "date_order_source": res.date_order_source,
        }
    )
    return 0


def _chat_progress(ctx: Ctx) -> Any:
    show = sys.stderr.isatty() and not ctx.json

    def progress(done: int, total: int) -> None:
        if show and total:
            print(f"\r{min(done * 100 // total, 100):3d}%", end="", file=sys.stderr, flush=True)

    return progress


def cmd_chat_list(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    chats = svc.chats(case.id)
    if ctx.json:
        ctx.emit([_chat_json(c) for c in chats])
        return 0
    if not chats:
        ctx.say("chat_no_chats")
    for i, c in enumerate(chats, 1):
        print(
            f"{i}  {c.id[:8]}  {_one_line(c.title, 60)}  [{term(c.label)}]  {c.message_count}/{c.event_count}/"
            f"{c.missing_count}  {term(c.first_time)} – {term(c.last_time)}  {term(c.zone or '?')}"
        )
    return 0


def cmd_chat_search(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    a = ctx.args
    chat_id = svc.find_chat(case.id, a.chat).id if a.chat else None
    hits = svc.search_messages(
        case.id,
        chat_id=chat_id,
        sender=a.sender,
        date_from=getattr(a, "from"),
        date_to=a.to,
        text=a.text,
        marked=True if a.marked else None,
        limit=a.limit,
    )
    if ctx.json:
        ctx.emit([_msg_json(c, m) for c, m in hits])
        return 0
    if not hits:
        ctx.say("chat_no_match")
    for _c, m in hits:
        _print_msg(m)
    if hits:
        ctx.say("chat_count", n=len(hits))
    return 0


def cmd_chat_mark(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    msgs = svc.mark_messages(case.id, ctx.args.messages, marked=not ctx.args.unmark, note=ctx.args.note or "")
    ctx.say("chat_unmarked" if ctx.args.unmark else "chat_marked", n=len(msgs))
    ctx.emit([{"id": m.id, "chat_id": m.chat_id, "seq": m.seq, "marked": m.marked} for m in msgs])
    return 0


def cmd_chat_show(ctx: Ctx) -> int:
    svc = ctx.unlock()
    case = ctx.case()
    chat = svc.find_chat(case.id, ctx.args.chat) if ctx.args.chat else None
    if chat is None:
        chats = svc.chats(case.id)
        if len(chats) != 1:
            raise UsageError("chat", ko="대화를 지정하세요(chat list의 번호나 ID).",
                             en="Name the chat (its number or id from 'chat list').")
        chat = chats[0]
    msgs = svc.chat_messages(chat.id, start_seq=ctx.args.start, limit=ctx.args.limit)
    if ctx.json:
        ctx.emit({"chat": _chat_json(chat), "messages": [_msg_json(chat, m) for m in msgs]})
        return 0
    zone = f"{tr('chat_zone_word', ctx.lang)} {term(chat.zone or '?')} ({term(chat.zone_source)})"
    print(f"{_title(chat, ctx.lang)}  [{term(chat.label)}]  {zone}")
    for w in chat.warnings[:20]:
        print(tr("chat_warning", ctx.lang, text=_one_line(warning_text(w, ctx.lang), 300)), file=sys.stderr)
    for m in msgs:
        _print_msg(m)
    return 0
