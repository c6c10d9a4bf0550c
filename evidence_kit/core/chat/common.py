"""Pieces the importers share: the index of stored media, and what sniffing found."""

from __future__ import annotations

import unicodedata
import urllib.parse
from dataclasses import dataclass, field

from .model import R_NOT_IN_EXPORT, R_UNSAFE_PATH, ST_MISSING, Attachment


@dataclass(frozen=True)
class MediaRef:
    item_id: str
    status: str  # stored | recorded
    path: str  # relative path inside the export


def unsafe_path_reason(p: str) -> str:
    """Why a media path written inside an export is refused ("" when it is a plain relative path)."""
    if not p:
        return "empty"
    if "\x00" in p or any(unicodedata.category(ch) == "Cc" for ch in p):
        return "control character"
    if "\\" in p:
        return "backslash"
    if p.startswith("/") or (len(p) > 1 and p[1] == ":") or p.startswith("~"):
        return "absolute path"
    parts = p.split("/")
    if any(x == ".." for x in parts):
        return "goes outside the export folder"
    return ""


@dataclass
class MediaIndex:
    """Files of one export already in the vault, by relative path and by unique base name."""

    by_path: dict[str, MediaRef] = field(default_factory=dict)
    by_name: dict[str, MediaRef | None] = field(default_factory=dict)  # None: name not unique
    used: set[str] = field(default_factory=set)  # paths some message refers to

    def add(self, path: str, ref: MediaRef) -> None:
        key = unicodedata.normalize("NFC", path)
        self.by_path[key] = ref
        base = key.rsplit("/", 1)[-1]
        self.by_name[base] = ref if base not in self.by_name else None

    def find_path(self, path: str) -> MediaRef | None:
        p = unicodedata.normalize("NFC", path)
        while p.startswith("./"):
            p = p[2:]
        ref = self.by_path.get(p)
        if ref is not None:
            self.used.add(ref.path)
        return ref

    def peek_name(self, name: str) -> MediaRef | None:
        """The file of that name, without counting it as referenced."""
        n = unicodedata.normalize("NFC", name.strip())
        ref = self.by_name.get(n)
        if ref is None and "%" in n:
            ref = self.by_name.get(unicodedata.normalize("NFC", urllib.parse.unquote(n)))
        return ref

    def find_name(self, name: str) -> MediaRef | None:
        ref = self.peek_name(name)
        if ref is not None:
            self.used.add(ref.path)
        return ref

    def unreferenced(self) -> list[str]:
        return sorted({r.path for r in self.by_path.values()} - self.used)

    def attach_path(self, kind: str, path: str, mime: str = "") -> tuple[Attachment, str]:
        """An attachment for a path written in the export, and a warning ("" if none)."""
        why = unsafe_path_reason(path)
        if why:
            return (
                Attachment(kind, path, ST_MISSING, reason=R_UNSAFE_PATH, detail=why, mime_type=mime),
                f"refused media path {path[:200]!r}: {why}",
            )
        ref = self.find_path(path)
        if ref is None:
            return Attachment(kind, path, ST_MISSING, reason=R_NOT_IN_EXPORT, mime_type=mime), ""
        return Attachment(kind, path, ref.status, item_id=ref.item_id, mime_type=mime), ""

    def attach_name(self, kind: str, name: str, *, missing_reason: str = R_NOT_IN_EXPORT) -> Attachment:
        ref = self.find_name(name)
        if ref is None:
            return Attachment(kind, name, ST_MISSING, reason=missing_reason)
        return Attachment(kind, name, ref.status, item_id=ref.item_id)


@dataclass
class Sniff:
    """What a text export looks like from its first lines."""

    platform: str
    family: str
    locale: str  # ko | en | other
    score: int
    year: str = ""
    title: str = ""
    date_order: str = ""  # WhatsApp numeric dates: dmy | mdy | ymd | "" (undecided)
    signature: tuple[object, ...] = ()
    saved_at: str = ""
    # The lines that decided family and language ("line 2: saved date 2023. 5. 2. ... -> iOS"),
    # shown to the user and kept in the custody log.
    evidence: tuple[str, ...] = ()
