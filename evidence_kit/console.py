"""Console output that never crashes on a Korean (cp949), US (cp437) or ASCII console.

On Windows, Python writes to a real console through the wide-character API, so every
character shows; but output redirected to a file or pipe, a legacy console
(``PYTHONLEGACYWINDOWSSTDIO``) or ``PYTHONIOENCODING=cp949`` uses a code page with strict
errors, and one em dash (not in cp949) or one Korean syllable (not in cp437) would end the
command with a ``UnicodeEncodeError`` traceback after the work was done.

:func:`setup` keeps the stream's encoding (a file redirected on a Korean PC stays cp949
for Notepad and Excel) and swaps ``strict`` for the ``evidence-kit`` error handler:
typographic punctuation becomes its ASCII look-alike, anything else becomes ``\\uXXXX``,
never ``?``, so Hangul stays Hangul wherever the encoding has it (cp949 does) and is at
least recoverable where it does not. On a Windows console the streams go to UTF-8 and the
console's output code page to 65001.
"""

from __future__ import annotations

import codecs
import io
import sys
import unicodedata
from typing import Any, TextIO

HANDLER = "evidence-kit"

_LOOKALIKE = {
    "\u2014": "-",  # em dash: not in cp949
    "\u2013": "-",
    "\u2012": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2212": "-",
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2026": "...",
    "\u00a0": " ",
    "\u2192": "->",
    "\u2190": "<-",
    "\u2713": "v",
    "\u2714": "v",
    "\u2717": "x",
    "\u2718": "x",
    "\u00b7": ".",
}


def _one(ch: str, encoding: str) -> str:
    alt = _LOOKALIKE.get(ch)
    if alt is not None:
        try:
            alt.encode(encoding)
            return alt
        except (UnicodeEncodeError, LookupError):
            pass
    # Accented Latin letters lose their accents rather than their letters.
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and base != ch:
        try:
            base.encode(encoding)
            return base
        except (UnicodeEncodeError, LookupError):
            pass
    cp = ord(ch)
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def _handler(err: UnicodeError) -> tuple[str, int]:
    if not isinstance(err, UnicodeEncodeError):
        raise err
    bad = err.object[err.start : err.end]
    return "".join(_one(ch, err.encoding) for ch in bad), err.end


codecs.register_error(HANDLER, _handler)


def _is_utf(encoding: str | None) -> bool:
    return (encoding or "").lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def _windows_console_utf8(stream: TextIO) -> bool:
    """Switch a real Windows console to UTF-8 (code page 65001). Written for Windows,
    not run here."""
    try:
        if not stream.isatty():
            return False
        import ctypes

        kernel32: Any = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
        return bool(kernel32.SetConsoleOutputCP(65001))
    except (AttributeError, OSError, ValueError):
        return False


def setup_stream(stream: Any, *, platform: str = sys.platform) -> None:
    """Make ``stream`` crash-proof; see the module docstring."""
    if not isinstance(stream, io.TextIOWrapper):
        return  # pytest's capture, StringIO: already Unicode-safe
    if _is_utf(stream.encoding):
        return
    try:
        if platform == "win32" and _windows_console_utf8(stream):
            stream.reconfigure(encoding="utf-8", errors=HANDLER)
        else:
            stream.reconfigure(errors=HANDLER)
    except (ValueError, OSError, io.UnsupportedOperation):
        pass


def setup() -> None:
    for s in (sys.stdout, sys.stderr):
        setup_stream(s)


def can_show(text: str, stream: Any = None) -> bool:
    """True if ``stream`` (default stdout) can show ``text`` as is."""
    enc = getattr(stream or sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(enc)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


__all__ = ["HANDLER", "can_show", "setup", "setup_stream"]
