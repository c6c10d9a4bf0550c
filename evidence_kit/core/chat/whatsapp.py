"""WhatsApp "Export chat" text: Android and iOS, any locale's date order and clock style.

A file's timestamp *shape* (brackets, separators, comma, seconds, where am/pm goes, year
length) is fixed from its first timestamp line; later lines start a record only if they
have the same shape, so a body line that happens to start with a date stays body text.
The date order is decided per file from every timestamp (a first field above 12 means
day-first, a second field above 12 means month-first); when nothing decides it the user
is asked, and the answer is recorded by the importer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..evidence.ingest import Cancel, never_cancel
from .common import MediaIndex, Sniff
from .errors import DateOrderConflictError, DateOrderNeededError
from .model import (
    EV_DELETED,
    EV_SYSTEM,
    F_EDITED,
    KIND_EVENT,
    KIND_MESSAGE,
    PLATFORM_WHATSAPP,
    R_NOT_IN_EXPORT,
    R_OMITTED,
    R_PLACEHOLDER,
    ST_MISSING,
    Attachment,
)
from .phrases import table as phrase_table
from .textlines import Line, Record, Start, assemble, iter_lines
from .timeutil import AMPM_RE, hour24, iso_local

log = logging.getLogger(__name__)

ANDROID = "whatsapp-android"
IOS = "whatsapp-ios"
FAMILY_LABELS = {ANDROID: ("왓츠앱 안드로이드", "WhatsApp Android"), IOS: ("왓츠앱 iOS", "WhatsApp iOS")}

_DATE = r"(?P<d1>\d{1,4})(?P<sep>[./-]) ?(?P<d2>\d{1,2})(?P=sep) ?(?P<d3>\d{1,4})\.?"
_TIME = (
    r"(?:(?P<ap1>오전|오후|午前|午後) ?)?(?P<h>\d{1,2})(?P<tsep>[:.])(?P<mi>\d{2})(?:(?P=tsep)(?P<s>\d{2}))?"
    rf"(?:[ \u202f\u00a0]?(?P<ap2>{AMPM_RE}))?"
)
ANDROID_LINE = re.compile(rf"^(?P<lrm>\u200e?)(?P<ts>{_DATE}(?P<comma>,?) {_TIME}) [-–] (?P<rest>.*)$", re.S)
IOS_LINE = re.compile(rf"^(?P<lrm>\u200e?)\[(?P<ts>{_DATE}(?P<comma>,?) {_TIME})\] (?P<rest>.*)$", re.S)

OMITTED = re.compile(
    r"^\u200e?(?:<(?:Media omitted|미디어 파일 생략됨|미디어 없음|Medien ausgeschlossen|Multimedia omitido"
    r"|Médias omis|Mídia oculta)>|(?P<kind>image|video|audio|sticker|GIF|document|Contact card) omitted)$"
)
ATTACHED_IOS = re.compile(r"^\u200e?<[^<>:]{1,40}: (?P<f>[^<>/\\]+?)>")
ATTACHED_ANDROID = re.compile(r"^\u200e?(?P<f>[^\s/\\][^/\\]*?\.[A-Za-z0-9]{2,5}) \((?P<what>[^()]{1,40})\)")
FILE_ATTACHED_WORDS = (
    "file attached",
    "datei angehängt",
    "파일 첨부됨",
    "archivo adjunto",
    "fichier joint",
    "arquivo anexado",
    "file allegato",
    "bestand bijgevoegd",
)
WA_MEDIA_NAME = re.compile(
    r"^(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+|^\d{8}-(?:PHOTO|VIDEO|AUDIO|STICKER|GIF)-"
)
DELETED = re.compile(
    r"^\u200e?(?:This message was deleted|You deleted this message"
    r"|삭제된 메시지입니다|메시지를 삭제했습니다)\.?$"
)
EDITED = re.compile(r"\u200e?<(?:This message was edited|메시지가 수정되었습니다)>$")


_KO_SYSTEM = re.compile(r"님이 |님을 |메시지|그룹|종단간|암호화")
_EN_SYSTEM = re.compile(
    r"end-to-end encrypted|omitted|This message was deleted|You deleted|<attached:|created group|"
    r"\badded\b|\bleft$|changed the subject"
)
_EN_AMPM = re.compile(r"^[AaPp][Mm]$")


@dataclass(frozen=True)
class Shape:
    ios: bool
    sep: str
    comma: bool
    seconds: bool
    ampm: str  # "" | "pre" | "post"
    year_first: bool
    year_len: int

    def describe(self, lang: str) -> str:
        clock = "24" if not self.ampm else "12"
        if lang == "ko":
            return f"{clock}시간제"
        return f"{clock}-hour"


def _shape(m: re.Match[str], ios: bool) -> Shape:
    g = m.groupdict()
    year_first = len(g["d1"]) == 4
    return Shape(
        ios,
        g["sep"],
        bool(g["comma"]),
        g["s"] is not None,
        "pre" if g["ap1"] else ("post" if g["ap2"] else ""),
        year_first,
        len(g["d1"] if year_first else g["d3"]),
    )


def match_line(text: str) -> tuple[re.Match[str], bool] | None:
    m = IOS_LINE.match(text)
    if m:
        return m, True
    m = ANDROID_LINE.match(text)
    if m:
        return m, False
    return None


def sniff(lines: list[str], file_name: str = "") -> Sniff | None:
    shape: Shape | None = None
    count = 0
    korean = english = False
    first_year = ""
    evidence = _OrderEvidence()
    for i, raw in enumerate(lines[:300]):
        s = raw.lstrip("\ufeff") if i == 0 else raw
        hit = match_line(s)
        if not hit:
            continue
        m, ios = hit
        sh = _shape(m, ios)
        if shape is None:
            shape = sh
        if sh != shape:
            continue
        count += 1
        evidence.add(m)
        g = m.groupdict()
        # Language from the fixed parts only (issue 18): the clock word, and WhatsApp's own
        # generated sentences (lines without a "sender: " part, or iOS lines marked U+200E);
        # never from what people wrote.
        ap = g["ap1"] or ""
        rest = g["rest"] or ""
        sep = rest.find(": ")
        generated = rest[sep + 2 :] if sep > 0 and rest[sep + 2 : sep + 3] == "\u200e" else ""
        if sep < 0:
            generated = rest
        if ap in ("오전", "오후") or _KO_SYSTEM.search(generated[:200]):
            korean = True
        if (g["ap2"] and _EN_AMPM.match(g["ap2"])) or _EN_SYSTEM.search(generated[:200]):
            english = True
        if not first_year:
            first_year = g["d1"] if sh.year_first else g["d3"]
    if shape is None or count < 1:
        return None
    if len(first_year) == 2:
        first_year = "20" + first_year
    locale = "ko" if korean and not english else ("en" if english else "other")
    return Sniff(
        PLATFORM_WHATSAPP,
        IOS if shape.ios else ANDROID,
        locale,
        10 + count,
        year=first_year,
        date_order="ymd" if shape.year_first else evidence.decide(),
        signature=(shape,),
    )


class _OrderEvidence:
    def __init__(self) -> None:
        self.day_first = 0  # lines whose first field is above 12
        self.month_first = 0  # lines whose second field is above 12

    def add(self, m: re.Match[str]) -> None:
        if len(m.group("d1")) == 4:
            return
        a, b = int(m.group("d1")), int(m.group("d2"))
        if a > 12:
            self.day_first += 1
        if b > 12:
            self.month_first += 1

    def decide(self) -> str:
        if self.day_first and not self.month_first:
            return "dmy"
        if self.month_first and not self.day_first:
            return "mdy"
        return ""


def scan_date_order(
    chunks: Iterable[bytes], shape: Shape, *, cancel: Cancel = never_cancel
) -> tuple[str, int, int]:
    """Over the whole file: (decided order or "", day-first lines, month-first lines)."""
    if shape.year_first:
        return "ymd", 0, 0
    ev = _OrderEvidence()
    for line in iter_lines(chunks, cancel=cancel):
        hit = match_line(line.text.lstrip("\ufeff") if line.lineno == 1 else line.text)
        if hit and _shape(hit[0], hit[1]) == shape:
            ev.add(hit[0])
    return ev.decide(), ev.day_first, ev.month_first


def resolve_order(file_order: str, day_first: int, month_first: int, user: str | None) -> tuple[str, str]:
    """(order, source) from the file's evidence and the user's answer, or a clear error."""
    if day_first and month_first:
        raise DateOrderConflictError(
            f"{day_first} lines are day-first and {month_first} month-first",
            ko="이 파일에는 일/월 순서와 월/일 순서로만 읽히는 날짜가 섞여 있습니다. 파일이 손상되었거나 "
            "여러 파일이 합쳐진 것일 수 있습니다.",
            en="This file has dates that only read day-first and others that only read month-first: it may "
            "be damaged or several files joined.",
        )
    if file_order:
        if user and user != file_order:
            raise DateOrderConflictError(
                f"file says {file_order}, you chose {user}",
                ko=f"파일의 날짜는 {file_order} 순서로만 읽힙니다(선택: {user}).",
                en=f"The file's dates only read as {file_order} (you chose {user}).",
            )
        return file_order, "file"
    if not user:
        raise DateOrderNeededError("date order")
    return user, "user"


class WhatsAppParser:
    def __init__(self, shape: Shape, date_order: str, media: MediaIndex) -> None:
        self.shape = shape
        self.order = date_order
        self.media = media
        # Senders of ordinary (unmarked) lines: a line under one of these names is a message
        # even when its text looks generated, so a member is never turned into a system event.
        self.members: set[str] = set()

    def _local(self, g: dict[str, str | None]) -> str:
        d1, d2, d3 = int(g["d1"] or 0), int(g["d2"] or 0), int(g["d3"] or 0)
        if self.order == "ymd":
            y, mo, d = d1, d2, d3
        elif self.order == "mdy":
            mo, d, y = d1, d2, d3
        else:
            d, mo, y = d1, d2, d3
        if y < 100:
            y += 2000
        try:
            h = int(g["h"] or 0)
            ap = g["ap1"] or g["ap2"]
            if ap:
                h = hour24(h, ap)
            sec = int(g["s"]) if g["s"] is not None else None
            return iso_local(y, mo, d, h, int(g["mi"] or 0), sec)
        except ValueError:
            return ""

    def classify(self, line: Line) -> Start | None:
        s = line.text
        off = 0
        if line.lineno == 1 and s.startswith("\ufeff"):
            s, off = s[1:], 1
        hit = match_line(s)
        if not hit:
            return None
        m, ios = hit
        if _shape(m, ios) != self.shape:
            return None
        g = m.groupdict()
        local = self._local(g)
        rest = g["rest"] or ""
        start = off + m.start("rest")
        written = g["ts"] or ""
        extra: dict[str, object] = {}
        if not local:
            extra["flags"] = ["invalid-date"]
        sep = rest.find(": ")
        if sep > 0:
            sender, body = rest[:sep], rest[sep + 2 :]
            if ios and body.startswith("\u200e") and sender not in self.members and not _is_media_line(body):
                # Since 2023 iOS system lines carry the group or the actor as a pseudo-author.
                return Start(
                    KIND_EVENT,
                    EV_SYSTEM,
                    prefix_len=start + sep + 2,
                    sender=sender,
                    written_time=written,
                    local_time=local,
                    extra=extra,
                )
            if not body.startswith("\u200e") and len(self.members) < 10_000:
                self.members.add(sender)
            return Start(
                KIND_MESSAGE,
                sender=sender,
                prefix_len=start + sep + 2,
                written_time=written,
                local_time=local,
                extra=extra,
            )
        return Start(
            KIND_EVENT, EV_SYSTEM, prefix_len=start, written_time=written, local_time=local, extra=extra
        )

    def records(
        self, chunks: Iterable[bytes], item_id: str, *, cancel: Cancel = never_cancel
    ) -> Iterator[Record]:
        for rec in assemble(iter_lines(chunks, cancel=cancel), self.classify, item_id):
            flags = rec.extra.pop("flags", None)
            if isinstance(flags, list):
                rec.flags.extend(str(f) for f in flags)
            yield rec

    def attachments(self, rec: Record) -> tuple[str, list[Attachment], list[str]]:
        """(event, attachments, extra flags) from a message body."""
        if rec.kind != KIND_MESSAGE:
            return rec.event, [], []
        body = rec.text
        flags: list[str] = []
        core, edited = _split_edited(body)
        if edited:
            flags.append(F_EDITED)
        core = core.rstrip(" \u200e")
        if DELETED.match(core) or phrase_table().is_deleted(core):
            return EV_DELETED, [], flags
        m = OMITTED.match(core)
        kind = phrase_table().omitted_kind(core)
        if m or kind:
            if m:
                kind = _OMITTED_KIND.get((m.group("kind") or "media").lower(), "media")
            return rec.event, [Attachment(kind or "media", "", ST_MISSING, reason=R_OMITTED, detail=core)], flags
        if core == "null":
            return rec.event, [Attachment("media", "", ST_MISSING, reason=R_PLACEHOLDER, detail=core)], flags
        m = ATTACHED_IOS.match(core)
        if m:
            return rec.event, [self.media.attach_name(_kind(m.group("f")), m.group("f"))], flags
        m = ATTACHED_ANDROID.match(core)
        if m:
            f = m.group("f")
            ref = self.media.find_name(f)
            if ref is not None:
                return rec.event, [Attachment(_kind(f), f, ref.status, item_id=ref.item_id)], flags
            if m.group("what").lower() in FILE_ATTACHED_WORDS or WA_MEDIA_NAME.match(f):
                return rec.event, [Attachment(_kind(f), f, ST_MISSING, reason=R_NOT_IN_EXPORT)], flags
        return rec.event, [], flags


_OMITTED_KIND = {
    "image": "photo",
    "video": "video",
    "audio": "voice",
    "sticker": "sticker",
    "gif": "animation",
    "document": "file",
    "contact card": "contact",
}


def _split_edited(body: str) -> tuple[str, bool]:
    if EDITED.search(body):
        return EDITED.sub("", body), True
    return phrase_table().split_edited(body)


def _is_media_line(body: str) -> bool:
    core = _split_edited(body)[0].rstrip(" \u200e")
    t = phrase_table()
    return bool(
        OMITTED.match(core)
        or ATTACHED_IOS.match(core)
        or DELETED.match(core)
        or t.omitted_kind(core)
        or t.is_deleted(core)
    )


def _kind(name: str) -> str:
    n = name.upper()
    if "PHOTO" in n or n.startswith("IMG-") or n.endswith((".JPG", ".JPEG", ".PNG", ".WEBP", ".HEIC")):
        return "photo"
    if "VIDEO" in n or n.startswith("VID-") or n.endswith((".MP4", ".MOV", ".3GP")):
        return "video"
    if "AUDIO" in n or n.startswith(("AUD-", "PTT-")) or n.endswith((".OPUS", ".M4A", ".AAC", ".MP3")):
        return "voice"
    if "STICKER" in n or n.startswith("STK-"):
        return "sticker"
    return "file"
