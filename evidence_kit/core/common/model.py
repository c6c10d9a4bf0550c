"""The domain's plain data: cases, items, sources, custody events.

Stored sealed (AEAD) in SQLite as canonical JSON; these classes are the one place the
fields are named, so the CLI, the GUI, the report and the bundle all agree.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from . import untrusted

# Platforms offered in forms; free text is allowed too.
PLATFORMS = [
    "Telegram",
    "KakaoTalk",
    "X/Twitter",
    "Instagram",
    "Discord",
    "Facebook",
    "WhatsApp",
    "YouTube",
    "TikTok",
    "Website",
    "Other",
]

POLICY_KEEP = "keep_originals"
POLICY_RECORD_ONLY = "record_only"
POLICIES = (POLICY_KEEP, POLICY_RECORD_ONLY)


def default_policy(role: str) -> str:
    """A new case's evidence policy for the vault's role: counselors record only (issue 9)."""
    return POLICY_RECORD_ONLY if role == "counselor" else POLICY_KEEP


# How an item entered the vault.
METHOD_IMPORT_FILE = "import-file"
METHOD_IMPORT_FOLDER = "import-folder"
METHOD_PASTE = "paste"
METHOD_CAPTURE = "screen-capture"
METHOD_CHAT_EXPORT = "chat-export"
METHOD_DERIVED = "derived"

SOURCE_FIELDS = ("platform", "url", "chatroom", "account", "date_seen", "posted_at", "description", "purpose")


@dataclass
class Source:
    """Where the user saw the material. Every field optional and free text."""

    platform: str = ""
    url: str = ""
    chatroom: str = ""
    account: str = ""
    date_seen: str = ""
    posted_at: str = ""
    description: str = ""
    purpose: str = ""  # 입증하려는 내용: what this exhibit is meant to prove

    def to_json(self) -> dict[str, str]:
        return {k: v for k, v in dataclasses.asdict(self).items() if v}

    @classmethod
    def from_json(cls, obj: dict[str, Any] | None) -> Source:
        obj = obj or {}
        return cls(**{k: str(obj.get(k, "")) for k in SOURCE_FIELDS})


@dataclass
class Case:
    id: str
    name: str
    created_utc: str
    description: str = ""
    incident: dict[str, str] = field(default_factory=dict)  # 일시, 장소, 방법, 결과 prompts
    platforms: list[str] = field(default_factory=list)
    suspects: list[str] = field(default_factory=list)
    prepared_by: str = ""
    organisation: str = ""
    role: str = "victim"  # victim | counselor
    policy: str = POLICY_KEEP
    report_lang: str = ""
    reference: str = ""

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d.pop("id")
        return d

    @classmethod
    def from_json(cls, case_id: str, obj: dict[str, Any]) -> Case:
        known = {f.name for f in dataclasses.fields(cls)} - {"id"}
        return cls(id=case_id, **{k: v for k, v in obj.items() if k in known})


@dataclass
class Item:
    """One piece of evidence (or, in record-only cases, the proof of one)."""

    id: str
    case_id: str
    exhibit: int
    original_name: str
    size: int
    sha256: str
    acquired_utc: str
    tz_offset: str
    method: str
    md5: str | None = None
    sha1: str | None = None
    media_type: str = "application/octet-stream"
    relative_path: str = ""
    source: Source = field(default_factory=Source)
    image: dict[str, Any] = field(default_factory=dict)
    exif: dict[str, str] = field(default_factory=dict)
    metadata_note: str = ""
    capture: dict[str, Any] = field(default_factory=dict)
    retained: bool = True  # False: record only, the original bytes are not in the vault
    derived_from: str | None = None
    derivation: str = ""
    stored_sha256: str | None = None  # hash of what the vault holds when it differs (derivatives)
    stored_size: int | None = None
    pdq: str | None = None
    pdq_quality: int | None = None
    # Videos (issue 23): [second, PDQ hex, quality] of frames sampled at one per second.
    frame_pdq: list[list[Any]] | None = None
    group_id: str | None = None
    group_part: int | None = None
    notes: str = ""
    log_index: int = -1  # custody-log sequence number of the event that acquired it

    @property
    def exhibit_label_ko(self) -> str:
        return f"증 제{self.exhibit}호증"

    @property
    def exhibit_label_en(self) -> str:
        return f"Exhibit {self.exhibit}"

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["source"] = self.source.to_json()
        for k in ("id", "case_id", "exhibit"):
            d.pop(k)
        return d

    @classmethod
    def from_json(cls, item_id: str, case_id: str, exhibit: int, obj: dict[str, Any]) -> Item:
        known = {f.name for f in dataclasses.fields(cls)} - {"id", "case_id", "exhibit", "source"}
        kw = {k: v for k, v in obj.items() if k in known}
        return cls(
            id=item_id, case_id=case_id, exhibit=exhibit, source=Source.from_json(obj.get("source")), **kw
        )


@dataclass
class CustodyEvent:
    seq: int
    time_utc: str
    tz_offset: str
    action: str
    case_id: str | None
    item_id: str | None
    data: dict[str, Any]
    line: bytes  # the exact canonical bytes that were hashed into the log


@dataclass
class AddResult:
    item: Item
    duplicate: bool = False  # the same bytes were already in this case: nothing new stored
    # The plaintext of a small image, kept from the ingest pass so PDQ needs no second read.
    data: bytes | None = None


@dataclass
class ItemInput:
    """What the caller knows about an item besides its bytes."""

    name: str
    method: str
    source: Source = field(default_factory=Source)
    relative_path: str = ""
    capture: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    group_id: str | None = None
    group_part: int | None = None

    def __post_init__(self) -> None:
        # A name that is not valid UTF-8 (surrogateescape) is kept with its bytes visible
        # as \xNN, so it can be stored, signed and shown (issue 19).
        self.name = untrusted.os_name(self.name)
        self.relative_path = untrusted.os_name(self.relative_path)
