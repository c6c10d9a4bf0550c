"""Turning values into display strings: the one escape path for untrusted text.

File names, EXIF fields, URLs, notes and window titles can contain anything: bidi
overrides that reverse what a reader sees, zero-width characters, NULs, lone surrogates
from undecodable file names, markup. Everything the app shows from evidence or from the
user goes through :func:`safe_text` (core/untrusted.py) and then only into plain-text widgets (labels set
to ``Qt.PlainText``, line edits, item views); never into rich text.
"""

from __future__ import annotations

import html
from datetime import timedelta

from ..core.common import untrusted
from ..core.common.clock import KST, parse_iso_utc

DEFAULT_LIMIT = 2000


def safe_text(value: object, limit: int = DEFAULT_LIMIT, *, multiline: bool = False) -> str:
    """Plain text with invisible and control characters shown as ``[U+XXXX]``, cut at ``limit``
    (core/untrusted.py's one rule set, the same as the CLI, the report and the CSV)."""
    return untrusted.gui_label(value, limit, multiline=multiline)


def tooltip_html(value: object) -> str:
    """A tooltip for untrusted text: escaped, then wrapped so Qt renders it as (escaped) rich text."""
    return "<p>" + html.escape(safe_text(value, 4000), quote=True) + "</p>"


def format_size(n: int | None) -> str:
    if n is None:
        return ""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{int(size)} B" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def parse_offset(offset: str) -> timedelta:
    try:
        sign = -1 if offset.startswith("-") else 1
        hours, minutes = offset.lstrip("+-").split(":")
        return sign * timedelta(hours=int(hours), minutes=int(minutes))
    except ValueError:
        return timedelta(0)


def format_time(iso_utc: str, tz_offset: str = "", *, short: bool = False) -> str:
    """'2026-11-27 22:29:48 (UTC+09:00)': the time in the offset the computer had then.

    ``short`` gives '2026-11-27 22:29' (the same local time) for table cells.
    """
    try:
        dt = parse_iso_utc(iso_utc)
    except (ValueError, TypeError):
        return safe_text(iso_utc, 64)
    from .i18n import language

    if language() == "ko":
        # Issue 16: a Korean reader sees KST everywhere (app, report, "Now"), never the
        # offset of whatever computer collected it, so "seen" and "collected" agree.
        kst = dt.astimezone(KST)
        return kst.strftime("%Y-%m-%d %H:%M") if short else kst.strftime("%Y-%m-%d %H:%M:%S KST")
    if short:
        return (dt + parse_offset(tz_offset)).strftime("%Y-%m-%d %H:%M")
    if tz_offset:
        return (dt + parse_offset(tz_offset)).strftime("%Y-%m-%d %H:%M:%S") + f" (UTC{tz_offset})"
    return dt.strftime("%Y-%m-%d %H:%M:%S UTC")
