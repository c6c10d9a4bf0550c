"""Telegram Desktop "Export chat history" in its default format, HTML.

Structure from the exporter's own writer (tdesktop ``export/output/export_output_html.cpp``):
up to 1000 messages a file (``messages.html``, ``messages2.html``, ...), each message a
``<div class="message default clearfix" id="messageN">`` (``... joined`` when the sender
is carried over from the previous message: same sender, same day, within 15 minutes),
service messages ``<div class="message service" id="messageN">`` (negative ids for day
separators), the time in ``<div class="pull_right date details" title="DD.MM.YYYY HH:MM:SS
UTC+HH:MM">`` (older exports without the offset), ``from_name``, ``forwarded body`` with the
original date in ``<span class="date details" title=...>``, ``reply_to details`` linking
``#go_to_messageN`` or ``messagesK.html#go_to_messageN``, ``media_wrap`` with links to the
files or, for a skipped file, the exporter's reason ("Not included, change data exporting
settings to download.").

One file at a time is held in memory (the exporter writes at most 1000 messages a file) and
read by :mod:`.telegram_html_page`; this module turns its records into chat messages. Links to
media are only looked up among the stored files of the export.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .common import MediaIndex, unsafe_path_reason
from .model import (
    EV_DATE,
    EV_SERVICE,
    KIND_EVENT,
    KIND_MESSAGE,
    R_UNAVAILABLE,
    ST_MISSING,
    Attachment,
    SourcePos,
    text_flags,
)
from .telegram import Converted
from .telegram_html_page import SKIP_REASONS, HtmlMessage

log = logging.getLogger(__name__)

FAMILY = "telegram-html"
MESSAGES_FILE = re.compile(r"^messages(\d*)\.html$")
_TITLE_TIME = re.compile(
    r"^\s*(\d{2})\.(\d{2})\.(\d{4}) (\d{2}):(\d{2}):(\d{2})(?: UTC([+-])(\d{2}):(\d{2}))?"
)
MAX_FILE = 64 * 1024 * 1024  # one messages*.html is read whole; the exporter writes a few MB


def file_order(name: str) -> int:
    m = MESSAGES_FILE.match(name.rsplit("/", 1)[-1])
    if not m:
        return -1
    return int(m.group(1) or "1")


# ------------------------------------------------------------------ conversion


def parse_title_time(title: str) -> tuple[str, str, str]:
    """(local ISO time, offset "+03:00" or "", UTC ISO "...Z" or "") from a date title."""
    m = _TITLE_TIME.match(title)
    if not m:
        return "", "", ""
    d, mo, y, h, mi, s = m.group(1, 2, 3, 4, 5, 6)
    local = f"{y}-{mo}-{d}T{h}:{mi}:{s}"
    try:
        dt = datetime.fromisoformat(local)
    except ValueError:
        return "", "", ""
    if not m.group(7):
        return local, "", ""
    sign = 1 if m.group(7) == "+" else -1
    off = timedelta(hours=int(m.group(8)), minutes=int(m.group(9))) * sign
    utc = (dt - off).strftime("%Y-%m-%dT%H:%M:%SZ")
    return local, f"{m.group(7)}{m.group(8)}:{m.group(9)}", utc


def reason_of(desc: str) -> str:
    for prefix, reason in SKIP_REASONS:
        if desc.startswith(prefix):
            return reason
    return R_UNAVAILABLE


def _converted(
    m: HtmlMessage,
    item_id: str,
    kind: str,
    event: str,
    sender: str,
    forwarded_from: str,
    attachments: list[Attachment],
    flags: list[str],
    extra: dict[str, Any],
    warnings: list[str],
) -> Converted:
    """The same shape the JSON export converts to; HTML has no sender ids and no edit times."""
    local, offset, utc = parse_title_time(m.date_title)
    return Converted(
        kind=kind,
        event=event,
        native_id=m.native_id,
        sender=sender,
        sender_id="",
        written_time=m.date_title,
        local_time=local,
        utc=utc,
        text=m.text,
        entities=m.entities,
        reply_to=m.reply_to,
        forwarded_from=forwarded_from,
        edited="",
        edited_utc="",
        attachments=attachments,
        source=SourcePos(item_id, m.start, m.end, m.line_start, m.line_end),
        flags=flags,
        extra=extra,
        offset=offset,
        warnings=warnings,
    )


@dataclass
class Carry:
    """What the exporter's "joined" rule leaves out: the previous message's sender."""

    sender: str = ""
    via: str = ""
    forwarded_from: str = ""
    forwarded_title: str = ""


def convert(m: HtmlMessage, item_id: str, file_name: str, media: MediaIndex, carry: Carry,
            invalid_utf8: bool) -> Converted:
    extra: dict[str, Any] = {"file": file_name}
    warnings: list[str] = []
    flags = text_flags(m.text)
    if invalid_utf8:
        flags.append("invalid-utf8")
    for src in m.thumbs:
        if not unsafe_path_reason(src):
            media.find_path(src)  # a preview the exporter made is part of the message, not stray
    if m.service:
        is_date = m.native_id.startswith("-") and not m.date_title
        return _converted(
            m, item_id, KIND_EVENT, EV_DATE if is_date else EV_SERVICE, "", "", [], flags, extra, warnings
        )
    if m.joined:
        sender, via = carry.sender, carry.via
        extra["joined"] = True
    else:
        sender, via = m.sender, m.via
        carry.sender, carry.via = m.sender, m.via
    fwd = m.forwarded_from
    if m.forwarded and not fwd:  # the exporter omits a repeated "forwarded from" header too
        fwd = carry.forwarded_from
        m.forwarded_title = m.forwarded_title or carry.forwarded_title
    elif fwd:
        carry.forwarded_from, carry.forwarded_title = fwd, m.forwarded_title
    if via:
        extra["via_bot"] = via
    if m.forwarded_title:
        fl, _fo, fu = parse_title_time(m.forwarded_title)
        extra["forwarded_date"] = m.forwarded_title
        if fl:
            extra["forwarded_local"] = fl
        if fu:
            extra["forwarded_utc"] = fu
    if m.reply_file:
        extra["reply_file"] = m.reply_file
    if m.reply_other_chat:
        extra["reply_other_chat"] = True
    if m.signature:
        extra["signature"] = m.signature
    if m.media_other:
        extra["media"] = m.media_other
    atts: list[Attachment] = []
    for kind, href, title, desc in m.media:
        if href and not re.match(r"^[a-z][a-z0-9+.-]*:", href, re.I):
            att, warn = media.attach_path(kind, href)
            atts.append(att)
            if warn:
                warnings.append(f"message {m.native_id}: {warn}")
        elif href:
            extra.setdefault("links", []).append(href)
        else:
            atts.append(Attachment(kind, "", ST_MISSING, reason=reason_of(desc), detail=desc or title))
    return _converted(m, item_id, KIND_MESSAGE, "", sender, fwd, atts, flags, extra, warnings)


