"""Canonical JSON: one byte string per value, so hashes and signatures are reproducible.

Keys sorted, no insignificant whitespace, UTF-8 (not \\u escapes), no floats (we never
store them: times are strings, sizes are integers).
"""

from __future__ import annotations

import json
from typing import Any


def _reject_floats(obj: Any) -> None:
    if isinstance(obj, float):
        raise TypeError("floats are not allowed in canonical JSON")
    if isinstance(obj, dict):
        for v in obj.values():
            _reject_floats(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _reject_floats(v)


def canonical_json(obj: Any) -> bytes:
    _reject_floats(obj)
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def parse_canonical(data: bytes) -> Any:
    """Parse JSON and insist the bytes are exactly its canonical form (detects any byte edit)."""
    obj = json.loads(data.decode("utf-8"))
    if canonical_json(obj) != data:
        raise ValueError("not canonical JSON")
    return obj
