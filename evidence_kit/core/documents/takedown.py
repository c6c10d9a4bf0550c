"""The takedown and deletion-support package (issue 10), Korean with English.

For a victim the first need is usually that the images stop spreading. This module turns a
case into the documents that ask for it, written to a folder the user chose and sent
nowhere (the user carries them):

- ``00-guide.pdf`` / ``00-guide.txt``: a plain-language page for the victim: what each
  document is for, where to send it (d4u 02-735-8994, KCSC 1377, police 112 / ECRM), and
  that reporting to police is possible without having all evidence;
- ``01-request-NN-<platform>.pdf``: one 불법촬영물등 유통 신고·삭제요청서 per platform
  (「전기통신사업법」 제22조의5제1항), pre-filled from the items' source fields: every URL with
  its exhibit numbers, or a description / search terms where there is no URL; requester
  and check boxes left for hand filling unless given;
- ``02-d4u-summary.pdf``: what the 디지털성범죄피해자지원센터 asks for: URLs, keywords, the
  captures that identify the material, when and under which account it was posted,
  whether the original is held, and the near-duplicate groups ("유포 경로");
- ``03-hashes.csv`` (UTF-8 with BOM, for spreadsheets) and ``03-hashes.json``: SHA-256,
  MD5 and PDQ (+ quality) per item with exhibit number and URL;
- ``captures/`` only if the user opts in: exact copies of the image exhibits;
- ``manifest.json`` and ``SHA256SUMS``: every file's SHA-256.

The folder is built under a hidden staging name beside the target and renamed into place
only when complete, so a failure or cancel leaves nothing half-written (and no image copy
behind). Creating it is recorded in the custody log.

Untrusted text (URLs, account and file names, notes) never reaches reportlab markup raw:
control and format characters (RTL overrides, NULs, zero-width characters) are stripped,
characters the embedded font lacks are shown as ``[U+XXXX]``, then it is XML-escaped; long
URLs wrap. In the CSV, cells that a spreadsheet would run as a formula are prefixed with an
apostrophe; the JSON keeps exact values. PDFs embed EvidenceKit Gothic only (no Helvetica,
not even the canvas's initial font).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import logging
import os
import re
import secrets
import shutil
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ... import __version__
from ..common import untrusted
from ..common.clock import iso_utc, to_kst
from ..common.errors import CancelledError, EvidenceKitError, InputError
from ..common.fsutil import atomic_write_bytes, ensure_private_dir, fsync_dir
from ..common.i18n import tr
from ..common.model import Case, Item
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from ..evidence.pdq_groups import NearDuplicateGroup, near_duplicate_groups
from ..evidence.perceptual import (
    MATCH_THRESHOLD,
    MIN_QUALITY,
    STATUS_NOT_IMAGE,
    STATUS_OK,
    STATUS_UNRELIABLE,
    PdqOutcome,
    hasher_info,
    is_image,
    status_of,
)
from . import pdfstyle
from .pdfstyle import FONT  # one embedded font for every document

if TYPE_CHECKING:
    from ..vault.vault import Vault

log = logging.getLogger(__name__)

PACKAGE_FORMAT = "evidence-kit-takedown"
PACKAGE_VERSION = 1
HASH_LIST_FORMAT = "evidence-kit-hash-list"


D4U_PHONE = "02-735-8994"
KCSC_PHONE = "1377"
POLICE_PHONE = "112"
WOMEN_HOTLINE = "1366"

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
BOX_EMPTY = "☐"  # U+2610: mapped to the font's box glyph (resources/fonts/README.md)
BOX_CHECKED = "▣"  # U+25A3, the check mark used on Korean forms

FIELD_CHARS = 2000  # display cap for one untrusted value in a document (JSON keeps it all)
URL_CHARS = 8192  # URLs are what a platform acts on: shown whole unless absurdly long

_EXT = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "image/bmp": ".bmp",
    "image/tiff": ".tif",
    "image/heic": ".heic",
}


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


# ------------------------------------------------------------------------- fonts


def register_fonts() -> frozenset[int]:
    """Register the shared embedded TrueType faces (once); returns the code points they cover."""
    return pdfstyle.font_glyphs()


# ---------------------------------------------------------------------- documents

# Document text, (Korean, English). Korean leads; English follows in smaller type.
TEXT: dict[str, tuple[str, str]] = {
    "form_title": ("불법촬영물등 유통 신고·삭제요청서", "Report of distribution and request for deletion"),
    "form_law": (
        "「전기통신사업법」 제22조의5제1항",
        "Telecommunications Business Act, Article 22-5(1): illegally filmed material, etc.",
    ),
    "form_provider": ("접수 사업자(플랫폼)", "Service provider (platform)"),
    "form_requester": ("신고·요청인", "Requester"),
    "form_name": ("성명(기관명)", "Name (organisation)"),
    "form_contact": ("연락처", "Contact"),
    "form_type": ("신고·요청 구분", "Type of request"),
    "form_reason": ("신고·요청 사유", "Reason"),
    "form_targets": ("신고·요청 대상", "Material reported"),
    "form_col_no": ("번호", "No."),
    "form_col_where": (
        "인터넷 주소(URL) 또는 위치 설명·검색어",
        "Address (URL), or where it is / search terms",
    ),
    "form_col_exhibit": ("증거(화면 캡처)", "Exhibit (capture)"),
    "form_col_posted": ("게시 계정·일시", "Posted by / when"),
    "form_attach": ("첨부", "Attached"),
    "form_attach_text": (
        "불법촬영물등임을 확인할 수 있는 화면 캡처 등: {exhibits} (이 요청서에는 이미지를 넣지 않았습니다)",
        "Captures identifying the material: {exhibits} (no images are included in this form)",
    ),
    "form_closing": (
        "「전기통신사업법」 제22조의5제1항에 따라 위와 같이 불법촬영물등의 유통을 신고하고 삭제를 요청합니다.",
        "Under Article 22-5(1) of the Telecommunications Business Act, I report the distribution of "
        "the material above and request its deletion.",
    ),
    "form_date": ("년{gap}월{gap}일", "(year / month / day)"),
    "form_sign": ("신고·요청인{gap}(서명 또는 인)", "Requester (signature or seal)"),
    "form_to": ("{platform} 귀하", "To: {platform}"),
    "form_no_url": ("URL 없음", "no URL"),
    "form_fill_by_hand": (
        "위치를 알 수 없음 — 손으로 적어 주세요: ____________________",
        "location unknown: please write it in by hand",
    ),
    "form_chatroom": ("채팅방", "chat room"),
    "form_account": ("계정", "account"),
    "form_keywords": ("검색어", "search terms"),
    "form_posted": ("게시", "posted"),
    "form_seen": ("확인", "seen"),
    "unknown_platform": ("플랫폼 미상", "platform unknown"),
    "blank": ("________________________________", ""),
    # d4u summary
    "d4u_title": (
        "삭제지원 요청 요약 — 디지털성범죄피해자지원센터 제출용",
        "Deletion-support summary for the Digital Sex Crime Victim Support Center (d4u)",
    ),
    "d4u_intro": (
        "지원센터가 삭제 지원에 필요로 하는 정보(유포 URL, 검색어, 이를 확인할 수 있는 화면 캡처의 "
        "증거 번호, "
        "게시 일시와 계정, 원본 보유 여부)를 정리했습니다. {images}",
        "What the centre needs to support deletion: the URLs, search terms, the exhibit numbers of the "
        "captures that identify the material, when and under which account it was posted, and whether the "
        "original is held. {images}",
    ),
    "d4u_no_images": (
        "이미지 자체는 이 문서와 폴더에 넣지 않았습니다. 지원센터가 요청하면 증거 보관함에서 따로 꺼내 주세요.",
        "The images themselves are not in this document or folder; export them from the vault if the centre asks.",
    ),
    "d4u_with_images": (
        "사용자가 선택하여 이미지 사본을 captures 폴더에 함께 넣었습니다. 꼭 필요한 곳에만 전달하세요.",
        "At the user's choice, copies of the images are in the captures folder: hand them only to those who need them.",
    ),
    "d4u_case": ("사건", "Case"),
    "d4u_case_ref": ("사건 참조번호", "Case reference"),
    "d4u_generated": ("작성 일시", "Prepared"),
    "d4u_package": ("묶음 ID", "Package ID"),
    "d4u_counts": ("증거 / 유포 위치 / 원본 보관", "Items / places / originals held"),
    "d4u_where": ("1. 유포 위치", "1. Where the material was posted"),
    "d4u_col_platform": ("플랫폼", "Platform"),
    "d4u_col_when": ("게시 계정·일시 / 확인 일시", "Posted by, when / seen"),
    "d4u_col_original": ("원본 보관", "Original held"),
    "d4u_yes": ("예", "yes"),
    "d4u_no": ("아니요(기록만)", "no (record only)"),
    "d4u_keywords": ("2. 검색어", "2. Search terms"),
    "d4u_keywords_none": (
        "입력한 검색어가 없습니다. 채팅방 이름·계정명으로 검색할 수 있습니다.",
        "No search terms were given; chat room and account names may find it.",
    ),
    "d4u_groups": ("3. 같은 이미지가 발견된 곳 (유포 경로)", "3. Where the same picture was found"),
    "d4u_groups_intro": (
        "PDQ 지각 해시 거리가 {threshold}비트 이하인 항목은 같은 사진이 다시 올려지거나 잘리거나 다시 "
        "압축된 것으로 봅니다 (품질 {quality} 미만 해시는 비교하지 않음).",
        "Items whose PDQ perceptual hashes are at most {threshold} bits apart are taken as the same "
        "picture re-posted, cropped or recompressed (hashes below quality {quality} are not compared).",
    ),
    "d4u_groups_none": ("같은 이미지로 보이는 항목이 없습니다.", "No near-duplicates were found."),
    "d4u_group": ("묶음 {n}", "Group {n}"),
    "d4u_distance": ("가장 가까운 항목과의 거리 {d}비트", "{d} bits from its nearest match"),
    "d4u_problems": ("4. 확인이 필요한 항목", "4. Please check"),
    "d4u_problems_none": ("없음", "None"),
    "d4u_captures": (
        "5. 함께 넣은 이미지 사본 (captures 폴더)",
        "5. Image copies included (captures folder)",
    ),
    # guide
    "guide_title": (
        "이 폴더 안내 — 삭제 요청과 신고를 위한 자료",
        "About this folder: documents for takedown and reporting",
    ),
    "guide_intro": (
        "이 폴더는 증거 보관함에 있는 자료로 만들었습니다. 인터넷으로 아무것도 보내지 않았습니다. "
        "필요한 곳에 "
        "직접 가져가거나 보내세요. 이 일은 당신의 잘못이 아닙니다.",
        "This folder was made from what is in your evidence vault. Nothing was sent over the internet: "
        "take or send it where it is needed. What happened is not your fault.",
    ),
    "guide_files": ("무엇이 들어 있나요", "What is in it"),
    "guide_col_file": ("파일", "File"),
    "guide_col_what": ("무엇인가요", "What it is"),
    "guide_col_where": ("어디에 보내나요", "Where to send it"),
    "guide_f_guide": ("이 안내문", "This guide"),
    "guide_f_guide_to": ("보내지 않아도 됩니다", "Keep it for yourself"),
    "guide_f_request": (
        "플랫폼별 신고·삭제요청서 ({platforms}). 요청 구분·사유에 표시하고, 이름·연락처를 적고 서명하세요.",
        "One request form per platform ({platforms}). Tick the type and reason, fill in name and contact, and sign.",
    ),
    "guide_f_request_to": (
        "해당 플랫폼(사업자)의 불법촬영물 신고 창구, 또는 방송통신심의위원회",
        "The platform's reporting channel for illegally filmed material, or the KCSC",
    ),
    "guide_f_d4u": (
        "삭제지원 요약: 유포 URL, 검색어, 캡처 증거 번호, 게시 정보, 같은 이미지 묶음",
        "Deletion-support summary: URLs, search terms, exhibit numbers, posting details, near-duplicates",
    ),
    "guide_f_d4u_to": (
        "디지털성범죄피해자지원센터 (d4u)",
        "The Digital Sex Crime Victim Support Center (d4u)",
    ),
    "guide_f_hashes": (
        "해시값 목록: 파일마다 SHA-256·MD5(같은 파일 확인)와 PDQ(같은 사진 확인). 이미지가 아닌 '지문'입니다.",
        "Hash list: SHA-256 and MD5 (the exact file) and PDQ (the same picture) per item. Fingerprints, not images.",
    ),
    "guide_f_hashes_to": (
        "경찰, 지원센터, 해시로 재유포를 막는 서비스",
        "Police, the support centre, hash-matching services",
    ),
    "guide_f_captures": (
        "이미지 사본 (선택하여 넣음). 민감한 자료입니다.",
        "Image copies (you chose to include them). Sensitive.",
    ),
    "guide_f_captures_to": ("꼭 필요한 기관에만", "Only to those who need them"),
    "guide_f_manifest": (
        "이 폴더의 파일 목록과 해시값: 파일이 바뀌지 않았는지 확인할 때",
        "List of this folder's files and their hashes, to check nothing was changed",
    ),
    "guide_f_manifest_to": ("함께 두세요", "Keep them with the folder"),
    "guide_contacts": ("어디에 연락하나요", "Who to contact"),
    "guide_c_d4u": (
        f"디지털성범죄피해자지원센터 (d4u) {D4U_PHONE}: 삭제 지원, 상담, 수사·법률·의료 지원 연계",
        f"Digital Sex Crime Victim Support Center (d4u) {D4U_PHONE}: deletion support, counselling, "
        "referral to legal and medical help",
    ),
    "guide_c_kcsc": (
        f"방송통신심의위원회 {KCSC_PHONE} (국번 없이): 불법촬영물 신고, 삭제·접속차단 심의",
        f"Korea Communications Standards Commission {KCSC_PHONE}: reports, deletion and blocking",
    ),
    "guide_c_police": (
        f"경찰 {POLICE_PHONE} (긴급) · 사이버범죄 신고시스템 ECRM (ecrm.police.go.kr) · 가까운 경찰서",
        f"Police {POLICE_PHONE} (emergency) · ECRM cyber crime reporting (ecrm.police.go.kr) · any police station",
    ),
    "guide_c_1366": (
        f"여성긴급전화 {WOMEN_HOTLINE} (24시간)",
        f"Women's emergency line {WOMEN_HOTLINE} (24 hours)",
    ),
    "guide_police_note": (
        "증거가 다 모이지 않아도 경찰에 신고할 수 있습니다. 지금 가진 것만으로 시작해도 됩니다. 지원센터나 "
        "지정된 기관이 신고와 삭제 요청을 대신하거나 함께 해 줄 수 있습니다.",
        "You can report to the police without having all the evidence: what you have now is enough to "
        "start. The support centre or a designated organisation can make the report and the deletion "
        "request for you or with you.",
    ),
    "guide_care": (
        "이미지를 다른 사람에게 다시 보내지 마세요. 이 폴더에는 이미지가 들어 있지 않습니다. 보관함의 "
        "원본은 그대로 안전합니다.",
        "Do not forward the images to anyone. This folder contains no images; the originals stay safe in your vault.",
    ),
    "guide_care_captures": (
        "이미지를 다른 사람에게 다시 보내지 마세요. 선택한 대로 captures 폴더에 이미지 사본이 들어 "
        "있으니, 꼭 필요한 기관에만 직접 건네세요. 보관함의 원본은 그대로 안전합니다.",
        "Do not forward the images to anyone. As you chose, the captures folder holds copies of the "
        "images: hand them only to the organisation that needs them. The originals stay safe in your vault.",
    ),
    "guide_todo": ("손으로 채우거나 확인할 것", "To fill in or check"),
    "guide_todo_always": (
        "요청서의 요청 구분·사유 칸에 표시하고, 신고·요청인 이름과 연락처를 적고, 날짜와 서명을 넣으세요.",
        "On each request form tick the type and reason, write the requester's name and contact, date and sign it.",
    ),
    "guide_verify": (
        "파일이 바뀌지 않았는지 확인: sha256sum -c SHA256SUMS (이 폴더에서)",
        "To check nothing was changed: sha256sum -c SHA256SUMS (in this folder)",
    ),
    # near-duplicate section for the main report ("유포 경로")
    "dist_title": ("유포 경로 — 같은 이미지가 발견된 곳", "Distribution: where the same picture was found"),
    "page_of": ("{page} / {pages}쪽", "page {page} of {pages}"),
}


def _t(key: str, **kw: object) -> tuple[str, str]:
    ko, en = TEXT[key]
    return ko.format(**kw), en.format(**kw)


class _Doc:
    """Styles, untrusted-text markup and PDF writing shared by the package's documents."""

    def __init__(self, doc_id: str = "", created_utc: str = "") -> None:
        self.glyphs = register_fonts()
        self.styles = pdfstyle.styles_with_prefix("form_")  # the one style sheet (issue 24)
        self.doc_id = doc_id
        self.created_utc = created_utc or "2000-01-01T00:00:00Z"

    # text: untrusted values go through u(); TEXT entries are ours (escaped anyway)
    def u(self, value: object, limit: int | None = FIELD_CHARS) -> str:
        return untrusted.pdf_paragraph(plain(value, limit), self.glyphs)

    def P(self, markup: str, style: str = "body") -> Any:
        from reportlab.platypus import Paragraph

        return Paragraph(markup, self.styles[style])

    def bi(self, key: str, style: str = "body", en_style: str = "en", **kw: object) -> list[Any]:
        """A Korean paragraph followed by its English in smaller type."""
        ko, en = _t(key, **kw)
        return [self.P(escape(ko), style), self.P(escape(en), en_style)]

    def label(self, key: str, **kw: object) -> Any:
        ko, en = _t(key, **kw)
        return self.P(f"<b>{escape(ko)}</b><br/><font size='7' color='#555555'>{escape(en)}</font>", "cell")

    def table(
        self, rows: list[list[Any]], widths: list[float], *, header: bool = False, label_col: bool = False
    ) -> Any:
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle

        # splitInRow: a cell taller than a page (a very long URL) continues on the next page.
        t = Table(rows, colWidths=widths, repeatRows=1 if header else 0, splitInRow=1)
        style = [
            ("FONTNAME", (0, 0), (-1, -1), FONT),  # the cell font is set even around Paragraphs
            ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#888888")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        if header:
            style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")))
        if label_col:
            style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f3f3f3")))
        t.setStyle(TableStyle(style))
        return t

    def write(self, path: Path, story: list[Any], *, title: str, footer: str) -> int:
        """Build the PDF in memory, then write it durably; returns the page count."""
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.units import mm
        from reportlab.platypus import SimpleDocTemplate

        buf = io.BytesIO()
        pages: list[int] = []
        doc = SimpleDocTemplate(
            buf,
            pagesize=A4,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=16 * mm,
            bottomMargin=20 * mm,
            initialFontName=FONT,  # else the canvas preamble names Helvetica (not embedded)
            invariant=1,
        )
        meta = pdfstyle.DocumentMeta(
            title=f"{self.doc_id} {title}".strip(), lang="ko", created_utc=self.created_utc, subject=title
        )
        doc.build(story, canvasmaker=_numbered_canvas(footer, pages, meta))
        atomic_write_bytes(path, buf.getvalue())
        return pages[0] if pages else 0


def _numbered_canvas(footer: str, pages_out: list[int], meta: pdfstyle.DocumentMeta | None = None) -> Any:
    """The documents' footer and "page X of Y" (in the embedded font) on every page."""

    def draw(c: Any, page: int, total: int) -> None:
        w, _h = c._pagesize
        c.setFont(FONT, 7)
        c.setFillGray(0.35)
        c.drawString(51, 28, footer)
        ko, en = _t("page_of", page=page, pages=total)
        c.drawRightString(w - 51, 28, f"{ko} · {en}")

    return pdfstyle.two_pass_canvas(draw, pages_out, None, meta)


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


# ----------------------------------------------------------------- document bodies


class _Package:
    def __init__(
        self,
        case: Case,
        items: list[Item],
        outcomes: dict[str, PdqOutcome],
        groups: list[NearDuplicateGroup],
        platforms: list[PlatformGroup],
        problems: list[TakedownProblem],
        options: TakedownOptions,
        package_id: str,
        now_utc: str,
    ) -> None:
        self.case = case
        self.items = items
        self.by_id = {i.id: i for i in items}
        self.outcomes = outcomes
        self.groups = groups
        self.platforms = platforms
        self.problems = problems
        self.options = options
        self.package_id = package_id
        self.now_utc = now_utc
        self.captures: list[tuple[str, Item]] = []
        self.d = _Doc(package_id, now_utc)

    @property
    def footer(self) -> str:
        return f"Evidence Kit {__version__} · {self.package_id} · {to_kst(self.now_utc)}"

    def pdq_status(self, item: Item) -> str:
        o = self.outcomes.get(item.id)
        return o.status if o else status_of(item)

    def boxes(self, options: Sequence[tuple[str, str, str]], chosen: Sequence[str]) -> Any:
        d = self.d
        parts = [
            f"{BOX_CHECKED if key in chosen else BOX_EMPTY} {escape(ko)}"
            f" <font size='7' color='#555555'>({escape(en)})</font>"
            for key, ko, en in options
        ]
        return d.P("&nbsp;&nbsp;&nbsp;".join(parts), "cell")

    def where(self, target: Target) -> str:
        """The "where" cell: the URL, or a description and search terms; untrusted, escaped."""
        d = self.d
        if target.url:
            return d.u(target.url, URL_CHARS)
        bits: list[str] = []
        ko_no, en_no = _t("form_no_url")
        bits.append(f"<font color='#555555'>[{escape(ko_no)} · {escape(en_no)}]</font>")
        for attr, key in (("chatroom", "form_chatroom"), ("account", "form_account")):
            vals = target.values(attr)
            if vals:
                bits.append(f"{escape(TEXT[key][0])}: {d.u(', '.join(vals))}")
        for v in target.values("description"):
            bits.append(d.u(v))
        if len(bits) == 1:  # nothing about this place: the requester must write it in
            ko, en = _t("form_fill_by_hand")
            bits.append(f"{escape(ko)} <font size='7'>({escape(en)})</font>")
        if self.options.keywords:
            bits.append(f"{escape(TEXT['form_keywords'][0])}: {d.u(', '.join(self.options.keywords))}")
        return "<br/>".join(bits)

    def posted(self, target: Target, *, seen: bool = False) -> str:
        d = self.d
        lines = [d.u(v, 300) for v in target.values("account")]
        lines += [f"{escape(TEXT['form_posted'][0])} {d.u(v, 100)}" for v in target.values("posted_at")]
        if seen:
            lines += [f"{escape(TEXT['form_seen'][0])} {d.u(v, 100)}" for v in target.values("date_seen")]
        return "<br/>".join(lines) or "—"

    # ---------------------------------------------------------------- request

    def request_story(self, group: PlatformGroup) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d, o = self.d, self.options
        story: list[Any] = [
            d.P(escape(TEXT["form_title"][0]), "title"),
            d.P(escape(TEXT["form_title"][1]), "title_en"),
            *d.bi("form_law", "body"),
        ]
        platform = d.u(group.label, 300) if group.label else escape(" · ".join(_t("unknown_platform")))
        name = d.u(o.requester_name, 300) if o.requester_name.strip() else escape(TEXT["blank"][0])
        contact = d.u(o.requester_contact, 300) if o.requester_contact.strip() else escape(TEXT["blank"][0])
        name_ko, name_en = _t("form_name")
        contact_ko, contact_en = _t("form_contact")
        rows = [
            [d.label("form_provider"), d.P(f"<b>{platform}</b>", "cell")],
            [
                d.label("form_requester"),
                d.P(
                    f"{escape(name_ko)} <font size='7' color='#555555'>({escape(name_en)})</font>: "
                    f"{name}<br/>"
                    f"{escape(contact_ko)} <font size='7' color='#555555'>({escape(contact_en)})</font>: "
                    f"{contact}",
                    "cell",
                ),
            ],
            [d.label("form_type"), self.boxes(REQUEST_TYPES, o.request_types)],
            [d.label("form_reason"), self.boxes(REASONS, o.reasons)],
        ]
        story += [Spacer(1, 3 * mm), d.table(rows, [38 * mm, 136 * mm], label_col=True)]
        head = [d.label(k) for k in ("form_col_no", "form_col_where", "form_col_exhibit", "form_col_posted")]
        trows: list[list[Any]] = [head]
        for n, target in enumerate(group.targets, 1):
            trows.append(
                [
                    d.P(str(n), "cell"),
                    d.P(self.where(target), "cell"),
                    d.P(escape(exhibits_text(target.exhibits)), "cell"),
                    d.P(self.posted(target), "cell"),
                ]
            )
        story += [
            Spacer(1, 4 * mm),
            d.P(
                f"<b>{escape(TEXT['form_targets'][0])}</b> <font size='8' color='#555555'>"
                f"({escape(TEXT['form_targets'][1])})</font>",
                "body",
            ),
            d.table(trows, [10 * mm, 92 * mm, 32 * mm, 40 * mm], header=True),
        ]
        exhibits = sorted({n for t in group.targets for n in t.exhibits})
        ko, en = _t("form_attach_text", exhibits=exhibits_text(exhibits))
        story += [
            Spacer(1, 3 * mm),
            d.table(
                [
                    [
                        d.label("form_attach"),
                        d.P(f"{escape(ko)}<br/><font size='7' color='#555555'>{escape(en)}</font>", "cell"),
                    ]
                ],
                [38 * mm, 136 * mm],
                label_col=True,
            ),
            *d.bi("form_closing", "closing"),
            Spacer(1, 6 * mm),
            d.P(escape(TEXT["form_date"][0]).format(gap="&nbsp;" * 10), "right"),
            Spacer(1, 4 * mm),
            d.P(escape(TEXT["form_sign"][0]).format(gap="&nbsp;" * 36), "right"),
            d.P(escape(TEXT["form_sign"][1]), "en_right"),
            Spacer(1, 6 * mm),
        ]
        # TEXT["form_to"] with the (already escaped) platform put in after escaping the template
        to_ko, to_en = (escape(x).replace("{platform}", platform) for x in TEXT["form_to"])
        story += [d.P(f"<b>{to_ko}</b> <font size='8' color='#555555'>({to_en})</font>", "body")]
        return story

    # ------------------------------------------------------------------ d4u

    def d4u_story(self) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d, c = self.d, self.case
        images_key = "d4u_with_images" if self.options.include_captures else "d4u_no_images"
        img_ko, img_en = _t(images_key)
        intro_ko = TEXT["d4u_intro"][0].format(images=img_ko)
        intro_en = TEXT["d4u_intro"][1].format(images=img_en)
        targets = [t for g in self.platforms for t in g.targets]
        held = sum(1 for i in self.items if i.retained)
        story: list[Any] = [
            d.P(escape(TEXT["d4u_title"][0]), "title"),
            d.P(escape(TEXT["d4u_title"][1]), "title_en"),
            d.P(escape(intro_ko), "body"),
            d.P(escape(intro_en), "en"),
        ]
        rows = [
            [d.label("d4u_case"), d.P(d.u(c.name, 300), "cell")],
            [d.label("d4u_case_ref"), d.P(d.u(c.reference, 300) or "—", "cell")],
            [d.label("d4u_generated"), d.P(escape(f"{to_kst(self.now_utc)} ({self.now_utc})"), "cell")],
            [d.label("d4u_package"), d.P(escape(self.package_id), "cell")],
            [d.label("d4u_counts"), d.P(escape(f"{len(self.items)} / {len(targets)} / {held}"), "cell")],
        ]
        story += [Spacer(1, 3 * mm), d.table(rows, [48 * mm, 126 * mm], label_col=True)]
        # 1. where
        story += d.bi("d4u_where", "h2")
        head = [
            d.label(k)
            for k in (
                "form_col_no",
                "d4u_col_platform",
                "form_col_where",
                "d4u_col_when",
                "form_col_exhibit",
                "d4u_col_original",
            )
        ]
        rows = [head]
        n = 0
        for g in self.platforms:
            for t in g.targets:
                n += 1
                held_ex = [it.exhibit for it in t.items if it.retained]
                original = (
                    f"{escape(TEXT['d4u_yes'][0])} ({escape(exhibits_text(sorted(set(held_ex))))})"
                    if held_ex
                    else escape(TEXT["d4u_no"][0])
                )
                rows.append(
                    [
                        d.P(str(n), "cell"),
                        d.P(d.u(g.label, 200) or escape(TEXT["unknown_platform"][0]), "cell"),
                        d.P(self.where(t), "cell"),
                        d.P(self.posted(t, seen=True), "small"),
                        d.P(escape(exhibits_text(t.exhibits)), "cell"),
                        d.P(original, "cell"),
                    ]
                )
        if n:
            story.append(d.table(rows, [8 * mm, 22 * mm, 62 * mm, 34 * mm, 26 * mm, 22 * mm], header=True))
        else:
            story.append(d.P("—", "body"))
        # 2. keywords
        story += d.bi("d4u_keywords", "h2")
        terms = list(dict.fromkeys(k for k in (plain(k, 300) for k in self.options.keywords) if k))
        derived = [v for t in targets for v in t.values("chatroom") + t.values("account")]
        if terms:
            story.append(d.P(", ".join(d.u(k, 300) for k in terms), "body"))
        else:
            story += d.bi("d4u_keywords_none", "body")
        if derived:
            story.append(
                d.P(
                    f"{escape(TEXT['form_chatroom'][0])}·{escape(TEXT['form_account'][0])}: "
                    + ", ".join(d.u(v, 300) for v in dict.fromkeys(derived)),
                    "body",
                )
            )
        # 3. near duplicates
        story += d.bi("d4u_groups", "h2")
        story += self.group_flowables()
        # 4. problems
        story += d.bi("d4u_problems", "h2")
        if self.problems:
            for p in self.problems:
                story += [d.P("• " + escape(p.message("ko")), "body"), d.P(escape(p.message("en")), "en")]
        else:
            story += d.bi("d4u_problems_none", "body")
        # 5. captures
        if self.captures:
            story += d.bi("d4u_captures", "h2")
            rows = [[d.label("form_col_exhibit"), d.label("guide_col_file"), d.P("SHA-256", "cell_b")]]
            for path, it in self.captures:
                rows.append(
                    [
                        d.P(escape(exhibit_label(it.exhibit)), "cell"),
                        d.P(escape(path), "cell"),
                        d.P(escape(it.sha256), "small"),
                    ]
                )
            story.append(d.table(rows, [30 * mm, 50 * mm, 94 * mm], header=True))
        return story

    def group_flowables(self) -> list[Any]:
        return distribution_flowables(self.groups, self.by_id, doc=self.d)

    # ---------------------------------------------------------------- guide

    def guide_rows(self, files: dict[str, list[str]]) -> list[tuple[str, tuple[str, str], tuple[str, str]]]:
        names = ", ".join(g.label or TEXT["unknown_platform"][0] for g in self.platforms) or "—"
        rows = [(", ".join(files["guide"]), _t("guide_f_guide"), _t("guide_f_guide_to"))]
        if files["request"]:
            rows.append(
                (
                    "\n".join(files["request"]),
                    _t("guide_f_request", platforms=plain(names, 300)),
                    _t("guide_f_request_to"),
                )
            )
        rows.append((", ".join(files["d4u"]), _t("guide_f_d4u"), _t("guide_f_d4u_to")))
        rows.append((", ".join(files["hashes"]), _t("guide_f_hashes"), _t("guide_f_hashes_to")))
        if self.captures:
            rows.append(("captures/", _t("guide_f_captures"), _t("guide_f_captures_to")))
        rows.append(("manifest.json, SHA256SUMS", _t("guide_f_manifest"), _t("guide_f_manifest_to")))
        return rows

    @property
    def care_key(self) -> str:
        return "guide_care_captures" if self.captures else "guide_care"

    def guide_story(self, files: dict[str, list[str]]) -> list[Any]:
        from reportlab.lib.units import mm
        from reportlab.platypus import Spacer

        d = self.d
        story: list[Any] = [
            d.P(escape(TEXT["guide_title"][0]), "title"),
            d.P(escape(TEXT["guide_title"][1]), "title_en"),
            *d.bi("guide_intro"),
            *d.bi("guide_police_note", "h2", "en"),
            *d.bi("guide_files", "h2"),
        ]
        rows: list[list[Any]] = [[d.label("guide_col_file"), d.label("guide_col_what"), d.label("guide_col_where")]]
        for fname, what, where in self.guide_rows(files):
            rows.append(
                [
                    d.P(escape(fname).replace("\n", "<br/>"), "small"),
                    d.P(
                        f"{escape(what[0])}<br/><font size='7' color='#555555'>{escape(what[1])}</font>",
                        "cell",
                    ),
                    d.P(
                        f"{escape(where[0])}<br/><font size='7' color='#555555'>{escape(where[1])}</font>",
                        "cell",
                    ),
                ]
            )
        story.append(d.table(rows, [42 * mm, 76 * mm, 56 * mm], header=True))
        story += d.bi("guide_contacts", "h2")
        for key in ("guide_c_d4u", "guide_c_kcsc", "guide_c_police", "guide_c_1366"):
            ko, en = _t(key)
            story += [d.P("• " + escape(ko), "body"), d.P(escape(en), "en")]
        story += [Spacer(1, 2 * mm), *d.bi(self.care_key)]
        story += d.bi("guide_todo", "h2")
        ko, en = _t("guide_todo_always")
        story += [d.P("• " + escape(ko), "body"), d.P(escape(en), "en")]
        for p in self.problems:
            story += [d.P("• " + escape(p.message("ko")), "body"), d.P(escape(p.message("en")), "en")]
        story += [Spacer(1, 2 * mm), *d.bi("guide_verify", "small", "en")]
        return story

    def guide_text(self, files: dict[str, list[str]]) -> str:
        """The same guide as plain text (phones, no PDF viewer)."""
        lines = [TEXT["guide_title"][0], TEXT["guide_title"][1], ""]
        for key in ("guide_intro", "guide_police_note"):
            lines += [*_t(key), ""]
        lines += [" / ".join(_t("guide_files")), ""]
        for fname, what, where in self.guide_rows(files):
            lines += [
                f"* {fname.replace(chr(10), ', ')}",
                f"  {what[0]}",
                f"  {what[1]}",
                f"  → {where[0]} / {where[1]}",
                "",
            ]
        lines += [" / ".join(_t("guide_contacts")), ""]
        for key in ("guide_c_d4u", "guide_c_kcsc", "guide_c_police", "guide_c_1366"):
            ko, en = _t(key)
            lines += [f"* {ko}", f"  {en}"]
        lines += ["", *_t(self.care_key), "", " / ".join(_t("guide_todo")), ""]
        lines += [f"* {m}" for m in _t("guide_todo_always")]
        for p in self.problems:
            lines += [f"* {p.message('ko')}", f"  {p.message('en')}"]
        lines += ["", *_t("guide_verify"), ""]
        return "\n".join(lines)

    # --------------------------------------------------------------- hashes

    def hash_rows(self) -> list[dict[str, Any]]:
        rows = []
        for it in self.items:
            status = self.pdq_status(it)
            rows.append(
                {
                    "exhibit": it.exhibit,
                    "exhibit_label": exhibit_label(it.exhibit),
                    "file_name": utf8_safe(it.relative_path or it.original_name),
                    "media_type": it.media_type,
                    "size": it.size,
                    "sha256": it.sha256,
                    "md5": it.md5 or "",
                    "pdq": it.pdq or "",
                    "pdq_quality": it.pdq_quality if it.pdq else None,
                    "pdq_status": status,
                    "pdq_reliable": status == STATUS_OK,
                    "platform": utf8_safe(it.source.platform),
                    "url": utf8_safe(it.source.url),
                    "account": utf8_safe(it.source.account),
                    "posted_at": utf8_safe(it.source.posted_at),
                    "original_retained": it.retained,
                    **_video_columns(it),
                }
            )
        return rows

    def hashes_csv(self, rows: list[dict[str, Any]]) -> bytes:
        buf = io.StringIO()
        cols = list(rows[0]) if rows else ["exhibit"]
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r[c] is None else csv_cell(r[c]) for c in cols])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")

    def hashes_json(self, rows: list[dict[str, Any]]) -> bytes:
        info = hasher_info()
        obj = {
            "format": HASH_LIST_FORMAT,
            "version": 1,
            "package_id": self.package_id,
            "generated_utc": self.now_utc,
            "case": {"name": utf8_safe(self.case.name), "reference": utf8_safe(self.case.reference)},
            "algorithms": {
                "sha256": "SHA-256 of the original file (identifies the exact file)",
                "md5": "MD5 of the original file (for tools that ask for it)",
                "pdq": {
                    "description": "PDQ perceptual hash, 256 bits as 64 hex digits; compare by Hamming "
                    "distance, never by string equality",
                    "match_threshold_bits": MATCH_THRESHOLD,
                    "min_quality": MIN_QUALITY,
                    **info,
                },
                "video_frame_pdq": VIDEO_HASH_DESCRIPTION,
            },
            "items": [_with_video_frames(r, self.items) for r in rows],
            "near_duplicate_groups": [
                {
                    "exhibits": [self.by_id[m].exhibit for m in g.members],
                    "nearest_bits": list(g.nearest),
                    "max_link_bits": g.max_link,
                }
                for g in self.groups
            ],
        }
        return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# Videos (issue 23): PDQ of frames sampled at 1 per second, compared with vPDQ's matching rule.
VIDEO_HASH_DESCRIPTION = {
    "description": "PDQ over frames sampled at one per second, each [millisecond, PDQ hex, quality]; "
    "compared with vPDQ's matching rule: frames with quality below 50 are dropped, two frames match "
    "at Hamming distance <= 31, two videos match when at least 80% of each one's frames match a frame "
    "of the other",
    "frame_match_threshold_bits": 31,
    "min_quality": 50,
    "video_match_percent": 80,
}
# A spreadsheet cell holds at most 32,767 characters: the CSV lists this many frame hashes
# (8 minutes at 1 fps), the JSON all of them.
CSV_VIDEO_FRAMES = 480


def _video_columns(it: Item) -> dict[str, Any]:
    frames = it.frame_pdq or []
    return {
        "video_frame_pdq_count": len(frames) if it.media_type.startswith("video/") else None,
        "video_frame_pdq": " ".join(str(f[1]) for f in frames[:CSV_VIDEO_FRAMES]),
    }


def _with_video_frames(row: dict[str, Any], items: Sequence[Item]) -> dict[str, Any]:
    it = next((i for i in items if i.exhibit == row["exhibit"]), None)
    out = {k: v for k, v in row.items() if k != "video_frame_pdq"}
    if it is not None and it.frame_pdq:
        out["video_frame_pdq"] = it.frame_pdq
    return out


def distribution_flowables(
    groups: Sequence[NearDuplicateGroup], items_by_id: dict[str, Item], *, doc: _Doc | None = None
) -> list[Any]:
    """The "유포 경로" section: each near-duplicate group with where each copy was found.

    Reportlab flowables in the embedded font, usable in any story (the lead wires this into
    the main report); Korean with English beneath.
    """
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether

    d = doc or _Doc()
    out: list[Any] = d.bi("d4u_groups_intro", threshold=MATCH_THRESHOLD, quality=MIN_QUALITY)
    if not groups:
        return out + d.bi("d4u_groups_none")
    for n, g in enumerate(groups, 1):
        ko, en = _t("d4u_group", n=n)
        rows: list[list[Any]] = [
            [
                d.label("form_col_exhibit"),
                d.label("d4u_col_platform"),
                d.label("form_col_where"),
                d.P("PDQ", "cell_b"),
            ]
        ]
        for key, near in zip(g.members, g.nearest, strict=True):
            it = items_by_id.get(key)
            if it is None:
                continue
            dk, de = _t("d4u_distance", d=near)
            where = d.u(it.source.url, URL_CHARS) or d.u(it.source.chatroom or it.source.description, 300) or "—"
            rows.append(
                [
                    d.P(escape(exhibit_label(it.exhibit)), "cell"),
                    d.P(d.u(it.source.platform, 200) or "—", "cell"),
                    d.P(where, "cell"),
                    d.P(f"{escape(dk)}<br/><font size='6.5' color='#555555'>{escape(de)}</font>", "small"),
                ]
            )
        out.append(
            KeepTogether(
                [
                    d.P(f"<b>{escape(ko)}</b> <font size='8' color='#555555'>({escape(en)})</font>", "body"),
                    d.table(rows, [26 * mm, 26 * mm, 88 * mm, 34 * mm], header=True),
                ]
            )
        )
    return out


# ------------------------------------------------------------------------- build


def _prepare_out(out: Path) -> Path:
    """Check the chosen folder (new, or existing and empty) and make a staging folder beside it."""
    out = Path(out)
    if out.is_symlink() or (out.exists() and (not out.is_dir() or any(out.iterdir()))):
        raise InputError(
            str(out),
            ko="이미 있는 파일이나 비어 있지 않은 폴더입니다. 새 폴더 이름이나 빈 폴더를 고르세요.",
            en="That is an existing file or a folder that is not empty: choose a new or empty folder.",
        )
    if not out.parent.is_dir():
        raise InputError(str(out.parent), ko="상위 폴더가 없습니다.", en="The folder to write into does not exist.")
    staging = out.parent / f".{out.name}.{secrets.token_hex(4)}.partial"
    ensure_private_dir(staging)
    return staging


def _file_list(root: Path) -> list[tuple[str, str, int]]:
    out = []
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.is_symlink():
            rel = p.relative_to(root).as_posix()
            if rel in ("manifest.json", "SHA256SUMS"):
                continue
            h = hashlib.sha256()
            with p.open("rb") as f:
                while block := f.read(1 << 20):
                    h.update(block)
            out.append((rel, h.hexdigest(), p.stat().st_size))
    return out


def new_package_id(now_utc: str) -> str:
    return f"TD-{now_utc[:10].replace('-', '')}-{secrets.token_hex(4).upper()}"


def build_package(
    vault: Vault,
    case_id: str,
    out: Path,
    options: TakedownOptions,
    outcomes: Sequence[PdqOutcome],
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> TakedownResult:
    """Write the package for ``case_id`` into ``out`` (new or empty); log it; return a summary.

    ``outcomes`` are the PDQ results the caller just computed (service.compute_pdq).
    """
    options.check()
    case = vault.get_case(case_id)
    # MD5 for police tools: large items get it from the sealed copy (logged, SHA-256 checked).
    for it in vault.list_items(case_id):
        if it.retained and not it.md5:
            vault.complete_legacy_hashes(it.id, cancel=cancel)
    items = vault.list_items(case_id)
    by_outcome = {o.item.id: o for o in outcomes}
    groups = near_duplicate_groups((i.id, i.pdq, i.pdq_quality) for i in items)
    from ..evidence.video import video_groups

    groups += video_groups((i.id, i.frame_pdq) for i in items)  # issue 23: vPDQ's rule
    platforms, problems = collect_targets(items)
    ordered = {i.id: i for i in items}
    problems += pdq_problems([by_outcome.get(i.id) or PdqOutcome(i, status_of(i)) for i in ordered.values()])
    problems.sort(key=lambda p: (p.exhibit or 0, p.code))
    now_utc = iso_utc(vault.clock.now())
    pkg = _Package(case, items, by_outcome, groups, platforms, problems, options, new_package_id(now_utc), now_utc)
    staging = _prepare_out(out)
    steps = 5 + len(platforms)
    done = 0

    def step() -> None:
        nonlocal done
        if cancel():
            raise CancelledError()
        done += 1
        progress(done, steps)

    try:
        files: dict[str, list[str]] = {
            "guide": ["00-guide.pdf", "00-guide.txt"],
            "request": [],
            "d4u": [],
            "hashes": ["03-hashes.csv", "03-hashes.json"],
        }
        if options.include_captures:
            cap_dir = staging / "captures"
            ensure_private_dir(cap_dir)
            for it in items:
                if is_image(it) and it.retained:
                    if cancel():
                        raise CancelledError()
                    name = f"exhibit-{it.exhibit:03d}{_EXT.get(it.media_type, '.bin')}"
                    vault.export_file(it.id, cap_dir / name, purpose="takedown package (user opted in)")
                    pkg.captures.append((f"captures/{name}", it))
        step()
        for n, g in enumerate(platforms, 1):
            name = f"01-request-{n:02d}-{g.slug}.pdf"
            pkg.d.write(staging / name, pkg.request_story(g), title=TEXT["form_title"][0], footer=pkg.footer)
            files["request"].append(name)
            step()
        pkg.d.write(staging / "02-d4u-summary.pdf", pkg.d4u_story(), title=TEXT["d4u_title"][0], footer=pkg.footer)
        files["d4u"].append("02-d4u-summary.pdf")
        step()
        rows = pkg.hash_rows()
        atomic_write_bytes(staging / "03-hashes.csv", pkg.hashes_csv(rows))
        atomic_write_bytes(staging / "03-hashes.json", pkg.hashes_json(rows))
        step()
        pkg.d.write(staging / "00-guide.pdf", pkg.guide_story(files), title=TEXT["guide_title"][0], footer=pkg.footer)
        atomic_write_bytes(staging / "00-guide.txt", pkg.guide_text(files).encode("utf-8"))
        step()
        listed = _file_list(staging)
        manifest = {
            "format": PACKAGE_FORMAT,
            "version": PACKAGE_VERSION,
            "package_id": pkg.package_id,
            "generated_utc": now_utc,
            "tool": f"Evidence Kit {__version__}",
            "case": {"id": case.id, "name": utf8_safe(case.name), "reference": utf8_safe(case.reference)},
            "sent_anywhere": False,
            "include_captures": options.include_captures,
            "platforms": [utf8_safe(g.label) for g in platforms],
            "targets": sum(len(g.targets) for g in platforms),
            "items": len(items),
            "problems": [p.to_json() for p in problems],
            "files": [{"path": p, "sha256": h, "size": s} for p, h, s in listed],
        }
        manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        atomic_write_bytes(staging / "manifest.json", manifest_bytes)
        manifest_sha = hashlib.sha256(manifest_bytes).hexdigest()
        sums = [(p, h) for p, h, _ in listed] + [("manifest.json", manifest_sha)]
        atomic_write_bytes(staging / "SHA256SUMS", "".join(f"{h}  {p}\n" for p, h in sorted(sums)).encode("utf-8"))
        step()
        if out.exists():
            out.rmdir()  # checked empty above
        os.replace(staging, out)
        fsync_dir(out.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        raise
    targets = sum(len(g.targets) for g in platforms)
    vault.log_event(
        "takedown",
        case_id=case_id,
        data={
            "package_id": pkg.package_id,
            "manifest_sha256": manifest_sha,
            "files": len(listed) + 2,
            "platforms": len(platforms),
            "targets": targets,
            "items": len(items),
            "include_captures": options.include_captures,
            "captures": [it.exhibit for _, it in pkg.captures],
            "problems": len(problems),
            "sent_anywhere": False,
        },
    )
    log.info("takedown package written: %d files", len(listed) + 2)
    return TakedownResult(
        path=out,
        package_id=pkg.package_id,
        files=[p for p, _, _ in listed] + ["manifest.json", "SHA256SUMS"],
        platforms=[g.label for g in platforms],
        targets=targets,
        items=len(items),
        problems=problems,
        groups=groups,
        manifest_sha256=manifest_sha,
        captures=[p for p, _ in pkg.captures],
    )
