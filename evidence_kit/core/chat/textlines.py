"""Streaming lines and records for the text exports (KakaoTalk, WhatsApp).

Lines end at CRLF, LF or a lone CR (all three occur, mixed, in real files). Each line is
decoded on its own: invalid UTF-8 is replaced and flagged, and the line's byte range
points at the original bytes. Memory holds one record at a time, whatever the file size.

A family's classifier says which lines start a record (a message, a system line, a day
separator, a header line); other lines continue the open record. Runs of blank lines
between records become one "blank" event, so a message body never gains trailing empty
lines that were really spacing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from ..common.errors import CancelledError
from ..evidence.ingest import Cancel, never_cancel
from .errors import ChatFormatError
from .model import EV_BLANK, EV_UNPARSED, F_INVALID_UTF8, KIND_EVENT, KIND_MESSAGE, SourcePos

log = logging.getLogger(__name__)

MAX_LINE = 64 * 1024 * 1024


@dataclass(slots=True)
class Line:
    text: str  # decoded, without its line end
    eol: str
    start: int  # byte offset of the line's first byte
    end: int  # byte offset after its line end
    lineno: int  # 1-based
    bad_utf8: bool = False


def iter_lines(chunks: Iterable[bytes], *, cancel: Cancel = never_cancel) -> Iterator[Line]:
    pending = b""
    offset = 0
    lineno = 0
    for chunk in chunks:
        if cancel():
            raise CancelledError()
        buf = pending + chunk if pending else bytes(chunk)
        parts = buf.splitlines(keepends=True)
        pending = b""
        if parts:
            last = parts[-1]
            # Keep an unfinished last line, and a final lone CR (its LF may be next).
            if not last.endswith((b"\n", b"\r")) or last.endswith(b"\r"):
                pending = parts.pop()
        if len(pending) > MAX_LINE:
            raise ChatFormatError(
                f"line {lineno + 1} is longer than {MAX_LINE} bytes",
                ko="한 줄이 64 MiB보다 깁니다. 채팅 내보내기 파일이 아닙니다.",
                en="A line is longer than 64 MiB: this is not a chat export.",
            )
        for raw in parts:
            lineno += 1
            yield _line(raw, offset, lineno)
            offset += len(raw)
    if pending:
        lineno += 1
        yield _line(pending, offset, lineno)


def _line(raw: bytes, offset: int, lineno: int) -> Line:
    if raw.endswith(b"\r\n"):
        body, eol = raw[:-2], "\r\n"
    elif raw.endswith((b"\n", b"\r")):
        body, eol = raw[:-1], raw[-1:].decode("ascii")
    else:
        body, eol = raw, ""
    try:
        return Line(body.decode("utf-8"), eol, offset, offset + len(raw), lineno)
    except UnicodeDecodeError:
        return Line(body.decode("utf-8", errors="replace"), eol, offset, offset + len(raw), lineno, True)


@dataclass(slots=True)
class Start:
    """A line that starts a record, as a family's classifier reads it."""

    kind: str
    event: str = ""
    prefix_len: int = 0  # characters of the line before the body
    sender: str = ""
    written_time: str = ""
    local_time: str = ""  # ISO 8601, no zone
    continuable: bool = True  # may continuation lines follow?
    extra: dict[str, object] = field(default_factory=dict)


@dataclass(slots=True)
class Record:
    kind: str
    event: str
    sender: str
    written_time: str
    local_time: str
    prefix: str
    text: str
    eol: str
    source: SourcePos
    flags: list[str]
    extra: dict[str, object]


Classify = Callable[[Line], "Start | None"]


class _Open:
    __slots__ = (
        "end_byte",
        "eol",
        "flags",
        "item_id",
        "line_end",
        "line_start",
        "parts",
        "start",
        "start_byte",
    )

    def __init__(self, start: Start, line: Line, item_id: str) -> None:
        self.start = start
        self.item_id = item_id
        self.parts: list[str] = [line.text[start.prefix_len :]]
        self.eol = line.eol
        self.start_byte = line.start
        self.end_byte = line.end
        self.line_start = line.lineno
        self.line_end = line.lineno
        self.flags: list[str] = [F_INVALID_UTF8] if line.bad_utf8 else []

    def add(self, line: Line) -> None:
        self.parts.append(self.eol)
        self.parts.append(line.text)
        self.eol = line.eol
        self.end_byte = line.end
        self.line_end = line.lineno
        if line.bad_utf8 and F_INVALID_UTF8 not in self.flags:
            self.flags.append(F_INVALID_UTF8)

    def close(self, first_line_prefix: str) -> Record:
        s = self.start
        return Record(
            s.kind,
            s.event,
            s.sender,
            s.written_time,
            s.local_time,
            first_line_prefix,
            "".join(self.parts),
            self.eol,
            SourcePos(self.item_id, self.start_byte, self.end_byte, self.line_start, self.line_end),
            self.flags,
            dict(s.extra),
        )


def assemble(lines: Iterable[Line], classify: Classify, item_id: str) -> Iterator[Record]:
    """Group lines into records (see the module docstring)."""
    cur: _Open | None = None
    cur_prefix = ""
    blank: _Open | None = None
    for line in lines:
        st = classify(line)
        if st is None and not line.text.strip():
            if blank is None:
                blank = _Open(Start(KIND_EVENT, EV_BLANK), line, item_id)
            else:
                blank.add(line)
            continue
        if st is None and cur is not None and cur.start.continuable:
            if blank is not None:
                # The blank lines were inside the body after all.
                _merge(cur, blank)
                blank = None
            cur.add(line)
            continue
        if cur is not None:
            yield cur.close(cur_prefix)
            cur = None
        if blank is not None:
            yield blank.close("")
            blank = None
        if st is None:
            st = Start(KIND_EVENT, EV_UNPARSED, continuable=False)
        cur = _Open(st, line, item_id)
        cur_prefix = line.text[: st.prefix_len]
    if cur is not None:
        yield cur.close(cur_prefix)
    if blank is not None:
        yield blank.close("")


def _merge(cur: _Open, blank: _Open) -> None:
    """Append a run of blank lines (as one already-joined piece) to an open record."""
    cur.parts.append(cur.eol)
    cur.parts.append("".join(blank.parts))
    cur.eol = blank.eol
    cur.end_byte = blank.end_byte
    cur.line_end = blank.line_end
    for f in blank.flags:
        if f not in cur.flags:
            cur.flags.append(f)


def is_message(rec: Record) -> bool:
    return rec.kind == KIND_MESSAGE
