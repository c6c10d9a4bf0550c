"""WhatsApp's generated words (omitted media, deleted and edited markers) in every language
the data file ``resources/whatsapp_phrases.json`` lists, with the source of each row.

Matching is whole-phrase after removing U+200E/U+200F marks and outer spaces, and
case-insensitive (casefold), because exports differ only in those between app versions.
The raw bytes of the message are never changed: this only decides what a body means.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

PHRASES_FILE = "whatsapp_phrases.json"
_MARKS = "\u200e\u200f \u00a0\u202f\t"


def phrases_path() -> Path:
    """``resources/whatsapp_phrases.json`` in a checkout, or inside the PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) / "resources" if frozen else Path(__file__).resolve().parents[3] / "resources"
    return base / PHRASES_FILE


@dataclass(frozen=True)
class Phrase:
    lang: str
    what: str  # "omitted" | "deleted" | "edited"
    text: str
    kind: str  # attachment kind for "omitted", else ""
    source: str


@dataclass(frozen=True)
class PhraseTable:
    rows: tuple[Phrase, ...]
    omitted: dict[str, Phrase]
    deleted: dict[str, Phrase]
    edited: tuple[Phrase, ...]  # longest first, so the longest suffix wins

    def omitted_kind(self, body: str) -> str | None:
        p = self.omitted.get(norm(body))
        return p.kind if p else None

    def is_deleted(self, body: str) -> bool:
        return norm(body).rstrip(".") in self.deleted

    def split_edited(self, body: str) -> tuple[str, bool]:
        """(body without a trailing edited marker, whether it had one)."""
        stripped = body.rstrip(_MARKS)
        low = stripped.casefold()
        for p in self.edited:
            if low.endswith(p.text.casefold()):
                return stripped[: len(stripped) - len(p.text)].rstrip(_MARKS), True
        return body, False


def norm(s: str) -> str:
    return s.strip(_MARKS).casefold()


def parse_table(obj: Any) -> PhraseTable:
    if not isinstance(obj, dict) or not isinstance(obj.get("languages"), dict):
        raise ValueError("whatsapp phrases: no 'languages' object")
    sources = obj.get("sources")
    if not isinstance(sources, dict):
        raise ValueError("whatsapp phrases: no 'sources' object")
    rows: list[Phrase] = []
    for lang, groups in obj["languages"].items():
        for what in ("omitted", "deleted", "edited"):
            for row in groups.get(what, []):
                if what == "omitted":
                    text, kind, src = row
                else:
                    (text, src), kind = row, ""
                if src not in sources:
                    raise ValueError(f"whatsapp phrases: {lang} {text!r} cites unknown source {src!r}")
                rows.append(Phrase(str(lang), what, str(text), str(kind), str(src)))
    omitted = {norm(p.text): p for p in rows if p.what == "omitted"}
    deleted = {norm(p.text).rstrip("."): p for p in rows if p.what == "deleted"}
    edited = tuple(sorted((p for p in rows if p.what == "edited"), key=lambda p: -len(p.text)))
    return PhraseTable(tuple(rows), omitted, deleted, edited)


@lru_cache(maxsize=1)
def table() -> PhraseTable:
    return parse_table(json.loads(phrases_path().read_text(encoding="utf-8")))
