"""A tolerant, streaming reader for Telegram Desktop's result.json.

Telegram writes the file by hand, not with a JSON library: control characters come out as
``\\xHH`` (which strict JSON rejects), one object can have two ``text`` keys, numbers may
be floats (coordinates). This reader

- walks the bytes with compiled regular expressions (C speed per token), never holding
  more than one message plus a read-ahead window, so a 500 MB export needs a few MB;
- reports every value's exact byte range in the file;
- decodes ``\\xHH``, keeps duplicate keys (``text``, ``text#2``), replaces invalid UTF-8 and
  lone surrogates, keeps floats as their written text (canonical JSON has no floats),
  and flags each of these on the message where it happened;
- refuses a single message over ``MAX_VALUE`` bytes and nesting deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ..common.errors import CancelledError
from ..evidence.ingest import Cancel, never_cancel
from .model import F_BAD_ESCAPE, F_DUPLICATE_KEY, F_INVALID_UNICODE, F_INVALID_UTF8

MAX_VALUE = 64 * 1024 * 1024
MAX_DEPTH = 64
COMPACT_AT = 1 << 20

_WS = re.compile(rb"[ \t\r\n]*")
_NUMBER = re.compile(rb"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_ESC = re.compile(r"\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\"\\/bfnrt])|(.))", re.S)
_SIMPLE = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonSyntaxError(ValueError):
    def __init__(self, what: str, offset: int) -> None:
        super().__init__(f"{what} at byte {offset}")
        self.what = what
        self.offset = offset


class JsonStream:
    def __init__(self, chunks: Iterable[bytes], *, cancel: Cancel = never_cancel) -> None:
        self._it = iter(chunks)
        self.buf = bytearray()
        self.base = 0  # file offset of buf[0]
        self.pos = 0  # index into buf
        self.eof = False
        self.flags: set[str] = set()  # flags raised since the last reset
        self._cancel = cancel
        self._value_start = 0
        self._line_at = 0  # file offset up to which newlines are counted
        self._lines = 1  # line number at _line_at

    # ------------------------------------------------------------- buffer

    @property
    def offset(self) -> int:
        return self.base + self.pos

    def _fill(self, want: int = 1) -> bool:
        """Read until ``want`` more unread bytes exist (or EOF). False if nothing was added."""
        if self.eof:
            return False
        if self.pos >= COMPACT_AT and self.pos * 2 >= len(self.buf):
            self.line_of(self.offset)
            del self.buf[: self.pos]
            self.base += self.pos
            self.pos = 0
        added = False
        target = len(self.buf) + want
        while len(self.buf) < target:
            if self._cancel():
                raise CancelledError()
            try:
                chunk = next(self._it)
            except StopIteration:
                self.eof = True
                break
            self.buf += chunk
            added = True
        if self.base + len(self.buf) - self._value_start > MAX_VALUE + 4 * COMPACT_AT:
            raise JsonSyntaxError("a single value is larger than 64 MiB", self._value_start)
        return added

    def line_of(self, offset: int) -> int:
        """1-based line number of a file offset at or after the last one asked (and still buffered)."""
        if offset > self._line_at:
            lo = max(self._line_at - self.base, 0)
            self._lines += self.buf.count(b"\n", lo, offset - self.base)
            self._line_at = offset
        return self._lines

    def _ws(self) -> None:
        while True:
            m = _WS.match(self.buf, self.pos)
            assert m is not None
            self.pos = m.end()
            if self.pos < len(self.buf) or not self._fill():
                return

    def peek(self) -> int:
        """Next non-space byte, or -1 at end of input."""
        self._ws()
        return self.buf[self.pos] if self.pos < len(self.buf) else -1

    def expect(self, ch: bytes) -> None:
        c = self.peek()
        if c != ch[0]:
            raise JsonSyntaxError(f"expected {ch.decode()!r}", self.offset)
        self.pos += 1

    # ------------------------------------------------------------- tokens

    def string(self) -> str:
        if self.peek() != 0x22:
            raise JsonSyntaxError("expected a string", self.offset)
        rel = 1  # where to look for the closing quote, relative to the opening one
        while True:
            buf = self.buf
            j = buf.find(b'"', self.pos + rel)
            if j < 0:
                rel = len(buf) - self.pos
                if not self._fill(max(64 * 1024, len(self.buf) - self.pos)):
                    raise JsonSyntaxError("unterminated string", self.offset)
                continue
            k = j - 1
            while buf[k] == 0x5C:  # count the backslashes before the quote
                k -= 1
            if (j - 1 - k) % 2 == 0:
                break
            rel = j + 1 - self.pos
        raw = bytes(self.buf[self.pos + 1 : j])
        self.pos = j + 1
        return self._decode(raw)

    def _decode(self, raw: bytes) -> str:
        try:
            s = raw.decode("utf-8")
        except UnicodeDecodeError:
            s = raw.decode("utf-8", errors="replace")
            self.flags.add(F_INVALID_UTF8)
        if "\\" in s:
            s = _ESC.sub(self._unescape, s)
            if _SURROGATE.search(s):
                s = s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
                if _SURROGATE.search(s):  # pragma: no cover - decode above replaced them
                    s = _SURROGATE.sub("\ufffd", s)
                if "\ufffd" in s:
                    self.flags.add(F_INVALID_UNICODE)
        return s

    def _unescape(self, m: re.Match[str]) -> str:
        if m.group(1):
            return chr(int(m.group(1), 16))
        if m.group(2):
            return chr(int(m.group(2), 16))  # Telegram's \xHH for control characters
        if m.group(3):
            return _SIMPLE[m.group(3)]
        self.flags.add(F_BAD_ESCAPE)
        return m.group(0)

    def _number(self) -> int | str:
        while True:
            m = _NUMBER.match(self.buf, self.pos)
            if m is None:
                raise JsonSyntaxError("unexpected character", self.offset)
            if m.end() < len(self.buf) or self.eof:
                break
            self._fill()
        text = bytes(m.group(0)).decode("ascii")
        self.pos = m.end()
        if "." in text or "e" in text or "E" in text:
            return text  # kept as written: canonical JSON stores no floats
        return int(text)

    def _literal(self) -> bool | None:
        for word, val in ((b"true", True), (b"false", False), (b"null", None)):
            while len(self.buf) - self.pos < len(word) and self._fill():
                pass
            if self.buf[self.pos : self.pos + len(word)] == word:
                self.pos += len(word)
                return val
        raise JsonSyntaxError("unexpected character", self.offset)

    # ------------------------------------------------------------- values

    def value(self, depth: int = 0) -> Any:
        if depth == 0:
            self._value_start = self.offset
        if depth > MAX_DEPTH:
            raise JsonSyntaxError("nesting too deep", self.offset)
        c = self.peek()
        if c == 0x22:
            return self.string()
        if c == 0x7B:
            return self._object(depth)
        if c == 0x5B:
            return self._array(depth)
        if c == -1:
            raise JsonSyntaxError("unexpected end of file", self.offset)
        if c in b"-0123456789":
            return self._number()
        return self._literal()

    def _object(self, depth: int) -> dict[str, Any]:
        self.expect(b"{")
        out: dict[str, Any] = {}
        if self.peek() == 0x7D:
            self.pos += 1
            return out
        while True:
            key = self.string()
            self.expect(b":")
            val = self.value(depth + 1)
            if key in out:
                self.flags.add(F_DUPLICATE_KEY)
                n = 2
                while f"{key}#{n}" in out:
                    n += 1
                key = f"{key}#{n}"
            out[key] = val
            c = self.peek()
            if c == 0x2C:
                self.pos += 1
                continue
            if c == 0x7D:
                self.pos += 1
                return out
            raise JsonSyntaxError("expected ',' or '}'", self.offset)

    def _array(self, depth: int) -> list[Any]:
        self.expect(b"[")
        out: list[Any] = []
        if self.peek() == 0x5D:
            self.pos += 1
            return out
        while True:
            out.append(self.value(depth + 1))
            c = self.peek()
            if c == 0x2C:
                self.pos += 1
                continue
            if c == 0x5D:
                self.pos += 1
                return out
            raise JsonSyntaxError("expected ',' or ']'", self.offset)

    # ------------------------------------------------------------- streaming

    def iter_array(self) -> Iterator[tuple[int, int, int, int, Any, set[str]]]:
        """Elements of the array here: (start, end, first line, last line, value, flags)."""
        self.expect(b"[")
        if self.peek() == 0x5D:
            self.pos += 1
            return
        while True:
            self.flags = set()
            self.peek()
            start = self.offset
            line_start = self.line_of(start)
            val = self.value()
            end = self.offset
            yield start, end, line_start, self.line_of(end), val, self.flags
            c = self.peek()
            if c == 0x2C:
                self.pos += 1
                continue
            if c == 0x5D:
                self.pos += 1
                return
            raise JsonSyntaxError("expected ',' or ']'", self.offset)

    def iter_object_keys(self) -> Iterator[str]:
        """Keys of the object at the current position; the caller consumes each value."""
        self.expect(b"{")
        if self.peek() == 0x7D:
            self.pos += 1
            return
        while True:
            key = self.string()
            self.expect(b":")
            yield key
            c = self.peek()
            if c == 0x2C:
                self.pos += 1
                continue
            if c == 0x7D:
                self.pos += 1
                return
            raise JsonSyntaxError("expected ',' or '}'", self.offset)

    def skip(self) -> None:
        """Consume one value (parsed, then dropped: bounded by MAX_VALUE)."""
        self.value()


def loads_tolerant(data: bytes) -> Any:
    """Whole-document parse with the same tolerance (small files, tests)."""
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        js = JsonStream([data])
        v = js.value()
        if js.peek() != -1:
            raise JsonSyntaxError("extra data after the JSON value", js.offset) from None
        return v
