"""Guidance for counselors in record-only cases (issue 9), from one reviewable resource file.

``resources/guidance.json`` holds every statement in Korean and English with the source it
rests on (a law article, a support centre), so the texts can be checked and corrected in one
place instead of being scattered in widgets. No Qt here: the GUI only lays the texts out.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError

GUIDANCE_FILE = "guidance.json"


@dataclass(frozen=True)
class Statement:
    id: str
    ko: str
    en: str
    source: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


@dataclass(frozen=True)
class Guidance:
    title_ko: str
    title_en: str
    statements: tuple[Statement, ...]

    def title(self, lang: str) -> str:
        return self.title_ko if lang == "ko" else self.title_en


def guidance_path() -> Path:
    """``resources/guidance.json`` in a checkout, or inside the PyInstaller bundle."""
    frozen = getattr(sys, "_MEIPASS", None)
    base = Path(frozen) / "resources" if frozen else Path(__file__).resolve().parents[3] / "resources"
    return base / GUIDANCE_FILE


def _text(obj: dict[str, Any], key: str, where: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"guidance: {where} has no {key!r} text")
    return value.strip()


def parse_guidance(obj: Any) -> Guidance:
    """Check and convert the file's JSON; every statement needs ko, en and a source."""
    if not isinstance(obj, dict):
        raise InputError("guidance: not a JSON object")
    title = obj.get("title")
    raw = obj.get("statements")
    if not isinstance(title, dict) or not isinstance(raw, list) or not raw:
        raise InputError("guidance: a title and at least one statement are needed")
    statements: list[Statement] = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        if not isinstance(entry, dict):
            raise InputError(f"guidance: statement {i} is not an object")
        sid = _text(entry, "id", f"statement {i}")
        if sid in seen:
            raise InputError(f"guidance: statement id {sid!r} appears twice")
        seen.add(sid)
        statements.append(
            Statement(
                id=sid,
                ko=_text(entry, "ko", sid),
                en=_text(entry, "en", sid),
                source=_text(entry, "source", sid),
            )
        )
    return Guidance(
        title_ko=_text(title, "ko", "title"), title_en=_text(title, "en", "title"), statements=tuple(statements)
    )


def load_guidance(path: Path | None = None, *, audience: str = "counselor") -> Guidance:
    """The counselor guidance, or (``audience="victim"``) the short version for a victim's own
    cases (issue 16); :class:`InputError` if the file is missing or malformed."""
    path = path or guidance_path()
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"guidance file unavailable ({type(e).__name__})") from e
    if audience == "victim":
        if not isinstance(obj, dict) or not isinstance(obj.get("victim"), dict):
            raise InputError("guidance: no 'victim' section")
        return parse_guidance(obj["victim"])
    return parse_guidance(obj)
