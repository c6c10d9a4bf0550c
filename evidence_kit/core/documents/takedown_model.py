"""What a takedown package is made of: options, targets, problems to check, the result.

The places the material was seen are grouped as one target per URL, one group per
platform; the rules for untrusted text shown in the documents live here too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..common import untrusted
from ..common.errors import EvidenceKitError, InputError
from ..common.i18n import tr
from ..common.model import Item
from ..evidence.pdq_groups import NearDuplicateGroup
from ..evidence.perceptual import STATUS_NOT_IMAGE, STATUS_OK, STATUS_UNRELIABLE, PdqOutcome

# Check boxes of the statutory form: (option key, Korean label, English gloss).
REQUEST_TYPES = (
    ("report", "유통신고", "report of distribution"),
    ("delete", "삭제요청", "request for deletion"),
)
REASONS = (
    ("illegal-filming", "불법촬영물", "illegally filmed material"),
    ("deepfake", "허위영상물", "falsified (deepfake) material"),
    ("csam", "아동·청소년 성착취물", "child or youth sexual exploitation material"),
)
FIELD_CHARS = 2000  # display cap for one untrusted value in a document (JSON keeps it all)
URL_CHARS = 8192  # URLs are what a platform acts on: shown whole unless absurdly long


class TakedownError(EvidenceKitError):
    exit_code = 1
    ko = "삭제 요청 묶음을 만들 수 없습니다."
    en = "The takedown package could not be made."


# ------------------------------------------------------------------ inputs, results


@dataclass
class TakedownOptions:
    """What the user adds at export time; everything optional."""

    requester_name: str = ""  # 성명(기관명); blank lines on the form when empty
    requester_contact: str = ""  # 연락처
    request_types: tuple[str, ...] = ()  # pre-ticked: "report" and/or "delete"
    reasons: tuple[str, ...] = ()  # pre-ticked: "illegal-filming", "deepfake", "csam"
    keywords: tuple[str, ...] = ()  # search terms that find the material
    include_captures: bool = False  # copy the image exhibits into captures/

    def check(self) -> None:
        bad = [t for t in self.request_types if t not in {k for k, _, _ in REQUEST_TYPES}]
        bad += [r for r in self.reasons if r not in {k for k, _, _ in REASONS}]
        if bad:
            raise InputError(
                ", ".join(bad),
                ko="알 수 없는 요청 구분 또는 사유입니다.",
                en="Unknown request type or reason.",
            )


@dataclass(frozen=True)
class TakedownProblem:
    """One thing the user should check or fill in by hand (never a crash)."""

    code: str  # no-url | no-location | no-source | pdq | unreliable
    exhibit: int | None = None
    status: str = ""  # PDQ status for "pdq" / "unreliable"
    quality: int | None = None

    def message(self, lang: str) -> str:
        label = f"증 제{self.exhibit}호증" if lang == "ko" else f"Exhibit {self.exhibit}"
        reason = tr(f"pdqs_{self.status}", lang) if self.status else ""
        return tr(f"tdp_{self.code}", lang, exhibit=label, reason=reason, quality=self.quality)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "exhibit": self.exhibit}
        if self.status:
            d["pdq_status"] = self.status
        if self.quality is not None:
            d["pdq_quality"] = self.quality
        d["ko"], d["en"] = self.message("ko"), self.message("en")
        return d


@dataclass
class TakedownResult:
    path: Path
    package_id: str
    files: list[str]
    platforms: list[str]
    targets: int
    items: int
    problems: list[TakedownProblem]
    groups: list[NearDuplicateGroup]
    manifest_sha256: str
    captures: list[str] = field(default_factory=list)


@dataclass
class Target:
    """One place the material was seen: a URL, or (without one) one exhibit's description."""

    platform: str
    url: str
    items: list[Item] = field(default_factory=list)

    def values(self, attr: str) -> list[str]:
        out: list[str] = []
        for it in self.items:
            v = getattr(it.source, attr).strip()
            if v and v not in out:
                out.append(v)
        return out

    @property
    def exhibits(self) -> list[int]:
        return sorted({it.exhibit for it in self.items})


@dataclass
class PlatformGroup:
    label: str  # as the user wrote it (or the URL's host); "" when unknown
    slug: str
    targets: list[Target] = field(default_factory=list)


# --------------------------------------------------------------------- text safety


def plain(value: object, limit: int | None = FIELD_CHARS) -> str:
    """Untrusted text for display: core/untrusted.py's one rule set on one line, trimmed."""
    return untrusted.clean(value, limit).strip()


def utf8_safe(s: str) -> str:
    """Exact text for JSON/CSV, except undecodable file-name bytes (shown as \\xNN)."""
    return untrusted.json_text(s)


def csv_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not execute (OWASP CSV injection guard)."""
    return untrusted.csv_cell(value)


def slug(label: str, fallback: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower())
    s = s.strip("-")[:40].strip("-")
    return s or fallback


def url_host(url: str) -> str:
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.removeprefix("www.")


def exhibit_label(n: int) -> str:
    return f"증 제{n}호증"


def exhibits_text(numbers: Sequence[int]) -> str:
    return ", ".join(exhibit_label(n) for n in numbers)


# ------------------------------------------------------------------ grouping items


def has_source(item: Item) -> bool:
    s = item.source
    return any(v.strip() for v in (s.platform, s.url, s.chatroom, s.account, s.description))


def collect_targets(items: Sequence[Item]) -> tuple[list[PlatformGroup], list[TakedownProblem]]:
    """Group the items' source fields into one request per platform, one target per URL."""
    groups: dict[str, PlatformGroup] = {}
    problems: list[TakedownProblem] = []
    for item in items:
        src = item.source
        if not has_source(item):
            problems.append(TakedownProblem("no-source", item.exhibit))
            continue
        url = src.url.strip()
        label = src.platform.strip() or url_host(url)
        key = plain(label, 200).casefold()
        group = groups.get(key)
        if group is None:
            group = groups[key] = PlatformGroup(label, "")
        target = next((t for t in group.targets if url and t.url == url), None)
        if target is None:
            target = Target(label, url)
            group.targets.append(target)
        target.items.append(item)
        if not url:
            where = any(v.strip() for v in (src.chatroom, src.account, src.description))
            problems.append(TakedownProblem("no-url" if where else "no-location", item.exhibit))
    ordered = sorted(groups.values(), key=lambda g: (g.label == "", min(t.exhibits[0] for t in g.targets)))
    used: set[str] = set()
    for n, g in enumerate(ordered, 1):
        base = slug(g.label, "unknown" if not g.label else f"platform-{n}")
        s, k = base, 2
        while s in used:
            s, k = f"{base}-{k}", k + 1
        used.add(s)
        g.slug = s
    return ordered, problems


def pdq_problems(outcomes: Sequence[PdqOutcome]) -> list[TakedownProblem]:
    out = []
    for o in outcomes:
        if o.status in (STATUS_OK, STATUS_NOT_IMAGE):
            continue
        if o.status == STATUS_UNRELIABLE:
            out.append(TakedownProblem("unreliable", o.item.exhibit, o.status, o.quality))
        else:
            out.append(TakedownProblem("pdq", o.item.exhibit, o.status))
    return out
