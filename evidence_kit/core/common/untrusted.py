"""Untrusted text: one rule set, one function per sink (issue 19).

File names, EXIF fields, URLs, notes, chat messages, case fields and a bundle's own fields
can contain anything: terminal escape sequences (ESC [2J clears a police officer's screen
and paints a fake "PASS"), CR (rewrites the start of a line), bidi overrides (RLO reverses
what a reader sees: ``gpj.exe``), zero-width characters, NUL, and — from a file name that
is not valid UTF-8 — lone surrogates (Python's ``surrogateescape``).

The rule, the same for every sink:

- a byte that was not valid UTF-8 (surrogate-escaped ``\\udc80``..``\\udcff``) is shown as
  ``\\xNN``: the bytes stay visible, and the text is valid UTF-8 everywhere after that;
- tab, CR and newline become a space (a sink that allows several lines keeps ``\\n`` and
  turns CR LF into one newline);
- every other control, format, surrogate, private-use, unassigned or line/paragraph
  separator character is shown as ``[U+XXXX]`` (a fact worth seeing, not obeyed);
- a no-break space is a space; text is NFC-normalised; a limit cuts the text and notes the
  full length (``… (10,023)``).

Sinks: :func:`terminal_line` (CLI output), :func:`pdf_text` / :func:`pdf_paragraph` (reportlab
plain strings / Paragraph markup, with characters the embedded font lacks shown as
``[U+XXXX]``), :func:`csv_cell` (also safe against spreadsheet formula injection),
:func:`gui_label` (Qt plain-text widgets). JSON output stays raw (exact values), except
that surrogate-escaped bytes become ``\\xNN`` (:func:`json_text`) so it can be encoded.
:func:`os_name` is how a file name from the operating system enters the vault.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from xml.sax.saxutils import escape

INVISIBLE = frozenset(("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
CSV_FORMULA = ("=", "+", "-", "@", "\t", "\r", "|", "%")


def _has_surrogate(s: str) -> bool:
    return any("\ud800" <= ch <= "\udfff" for ch in s)


def os_name(name: str | bytes) -> str:
    """A file or path name as stored and shown: undecodable bytes as ``\\xNN``, else as is."""
    if isinstance(name, bytes):
        name = name.decode("utf-8", "surrogateescape")
    if not _has_surrogate(name):
        return name
    return "".join(f"\\x{ord(ch) - 0xDC00:02x}" if "\udc80" <= ch <= "\udcff" else ch for ch in name)


def json_text(value: object) -> str:
    """Exact text for JSON, except that undecodable bytes (and lone surrogates) are escaped."""
    s = "" if value is None else str(value)
    s = os_name(s)
    return s.encode("utf-8", "backslashreplace").decode("utf-8") if _has_surrogate(s) else s


def clean(
    value: object,
    limit: int | None = None,
    *,
    multiline: bool = False,
    glyphs: Collection[int] | None = None,
) -> str:
    """The one rule set (see the module docstring); plain text, no markup."""
    s = "" if value is None else str(value)
    total = len(s)
    if limit is not None and total > limit:
        s = s[:limit]
    s = os_name(s)
    if multiline:
        s = s.replace("\r\n", "\n")
    out: list[str] = []
    for ch in unicodedata.normalize("NFC", s):
        if " " <= ch < "\x7f":
            out.append(ch)
        elif ch == "\n" and multiline:
            out.append(ch)
        elif ch in "\t\n\r" or ch == "\u00a0":
            out.append(" ")
        elif unicodedata.category(ch) in INVISIBLE or (glyphs is not None and ord(ch) not in glyphs):
            out.append(f"[U+{ord(ch):04X}]")
        else:
            out.append(ch)
    text = "".join(out)
    if limit is not None and total > limit:
        text += f" … ({total:,})"
    return text


def terminal_line(value: object, limit: int | None = None) -> str:
    """One line for a terminal: no ESC, CR, bidi override, NUL or raw invalid byte."""
    return clean(value, limit)


def terminal_text(value: object, limit: int | None = None) -> str:
    """Several lines for a terminal (newlines kept, everything else as :func:`terminal_line`)."""
    return clean(value, limit, multiline=True)


def pdf_text(
    value: object, glyphs: Collection[int] | None, limit: int | None = None, *, multiline: bool = False
) -> str:
    """Plain text for a reportlab string (drawn without markup); missing glyphs as [U+XXXX]."""
    return clean(value, limit, multiline=multiline, glyphs=glyphs)


def pdf_paragraph(
    value: object, glyphs: Collection[int] | None, limit: int | None = None, *, multiline: bool = False
) -> str:
    """Escaped reportlab Paragraph markup: the text is shown, never interpreted."""
    out = escape(pdf_text(value, glyphs, limit, multiline=multiline))
    return out.replace("\n", "<br/>") if multiline else out


def csv_cell(value: object, limit: int | None = None) -> str:
    """A CSV cell: one line, cleaned, and never a formula a spreadsheet would run (OWASP)."""
    s = clean(value, limit)
    return "'" + s if s.lstrip().startswith(CSV_FORMULA) else s


def gui_label(value: object, limit: int | None = 2000, *, multiline: bool = False) -> str:
    """Text for a Qt plain-text widget, cut at ``limit`` characters with an ellipsis."""
    text = clean(value, None if limit is None else limit * 2, multiline=multiline)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


__all__ = [
    "INVISIBLE",
    "clean",
    "csv_cell",
    "gui_label",
    "json_text",
    "os_name",
    "pdf_paragraph",
    "pdf_text",
    "terminal_line",
    "terminal_text",
]
