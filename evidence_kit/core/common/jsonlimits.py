"""Bounded JSON nesting for files from an untrusted bundle (issue 15).

Python's json module recurses once per nesting level: ``[[[[...]]]]`` 200,000 levels deep
ends in RecursionError (or worse, a stack overflow on a smaller stack). Evidence Kit's own
files nest a handful of levels, so anything deeper than :data:`MAX_DEPTH` is refused
before the parser sees it.
"""

from __future__ import annotations

import re

MAX_DEPTH = 64
# A JSON string (with escapes) or one bracket: strings are skipped so "[[[" inside a value
# does not count.
_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """The JSON text nests deeper than the limit."""


def json_depth(data: bytes, limit: int = MAX_DEPTH) -> int:
    """Deepest nesting in ``data`` (stops counting, and raises TooDeep, past ``limit``)."""
    depth = deepest = 0
    if b"[" not in data and b"{" not in data:
        return 0
    for m in _TOKENS.finditer(data):
        c = m.group()
        if c in (b"[", b"{"):
            depth += 1
            if depth > limit:
                raise TooDeep(f"nested more than {limit} levels deep")
            deepest = max(deepest, depth)
        elif c in (b"]", b"}"):
            # Never below zero: stray closers must not "bank" depth for a deep line later.
            depth = max(depth - 1, 0)
    return deepest


def check_depth(data: bytes, limit: int = MAX_DEPTH, *, lines: bool = False) -> None:
    """Raise TooDeep if ``data`` nests deeper than ``limit``; with ``lines``, each line is
    its own document (JSON Lines, parsed line by line).

    Text with no more than ``limit`` opening brackets cannot nest deeper, and bytes.count is
    C speed, so only suspicious documents pay for the token scan.
    """
    for part in data.split(b"\n") if lines else (data,):
        if part.count(b"[") + part.count(b"{") > limit:
            json_depth(part, limit)
