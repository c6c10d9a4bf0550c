"""KakaoTalk exports ("대화 내보내기"): PC .txt, Android, iOS (split parts too), Mac CSV.

Formats are as described in ../shared/guide/chat-exports.md. Lines are matched strictly
(a whole timestamp that parses, in the family's own shape), so bodies that merely start
like structure ("[대전]", "-----", " : ") stay body text. PC system lines carry no time:
they are recognised by their wording only, take the date of the last day separator, and
are flagged so.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..evidence.ingest import Cancel, never_cancel
from .common import MediaIndex
from .errors import ChatFormatError
from .model import (
    EV_DATE,
    EV_DELETED,
    EV_HEADER,
    EV_HIDDEN,
    EV_INVITED,
    EV_JOINED,
    EV_KICKED,
    EV_LEFT,
    EV_SAVED_AT,
    EV_SYSTEM,
    EV_UNPARSED,
    F_HEADER_LIKE,
    F_INVALID_UTF8,
    KIND_EVENT,
    KIND_MESSAGE,
    R_NOT_IN_EXPORT,
    R_PLACEHOLDER,
    ST_MISSING,
    Attachment,
    SourcePos,
)
from .textlines import Line, Record, Start, assemble, iter_lines
from .timeutil import AMPM_RE, MONTH_RE, MONTHS, WEEKDAY_RE, hour24, iso_local

log = logging.getLogger(__name__)

PC = "kakao-pc"
ANDROID = "kakao-android"
IOS = "kakao-ios"
MAC_CSV = "kakao-mac-csv"
FAMILY_LABELS = {
    PC: ("카카오톡 PC", "KakaoTalk PC"),
    ANDROID: ("카카오톡 안드로이드", "KakaoTalk Android"),
    IOS: ("카카오톡 iOS", "KakaoTalk iOS"),
    MAC_CSV: ("카카오톡 Mac(CSV)", "KakaoTalk Mac (CSV)"),
}

# ------------------------------------------------------------------ patterns

# Title forms seen in real files: "<room> 님과 카카오톡 대화", "<room> <N> 카카오톡 대화" (group with its
# member count), "<room> 님과의 카카오톡 대화", "<room> with KakaoTalk Chats", "KakaoTalk Chats with
# <room>", "<room> KakaoTalk Chats"; trailing spaces are kept out of the title. Older exports
# (2014 iOS, 2018 Android, as kept in public analyzers' test data) wrote "<room>과 카카오톡
# 대화.txt" and "KakaoTalk Chats <room>".
TITLE = re.compile(
    r"^\ufeff?(?:(?P<ko>.*?) (?:님과의? )?카카오톡 대화|(?P<ko2>.+?)[과와] 카카오톡 대화\.txt"
    r"|(?P<en>.*?) with KakaoTalk Chats?"
    r"|KakaoTalk Chats? with (?P<en2>.*?)|KakaoTalk Chats? (?P<en4>.+?)|(?P<en3>.+?) KakaoTalk Chats?)\s*$"
)
SAVED = re.compile(r"^\ufeff?(?:저장한 날짜|Date Saved)\s*:\s*(?P<when>.*)$")
IOS_FILE_LINE = re.compile(r"^\ufeff?Talk_.*\.txt$")

PC_DAY_KO = re.compile(
    r"^-{15} (?P<y>\d{4})년 (?P<m>\d{1,2})월 (?P<d>\d{1,2})일 (?P<wd>[월화수목금토일]요일) -{15}$"
)
PC_DAY_EN = re.compile(
    rf"^-{{15}} (?P<wd>{WEEKDAY_RE}), (?P<mon>{MONTH_RE}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}}) -{{15}}$"
)
_SP = "[ \u00a0\u202f]"
PC_MSG = re.compile(
    r"^\[(?P<name>.*?)\] \[(?:(?P<ap1>오전|오후) (?P<h1>\d{1,2}):(?P<mi1>\d{2})"
    rf"|(?P<h2>\d{{1,2}}):(?P<mi2>\d{{2}}){_SP}?(?P<ap2>{AMPM_RE})|(?P<h3>\d{{1,2}}):(?P<mi3>\d{{2}}))\] ?"
)

_KO_DATE = r"(?P<y>\d{4})년 (?P<m>\d{1,2})월 (?P<d>\d{1,2})일"
_HM = r"(?P<h>\d{1,2}):(?P<mi>\d{2})"
A_TS_KO = rf"{_KO_DATE} (?:(?P<ap>오전|오후) )?{_HM}"
A_TS_EN = rf"(?P<mon>{MONTH_RE}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}}), {_HM}{_SP}?(?P<ap>{AMPM_RE})"
A_TS_EN14 = rf"{_HM}{_SP}?(?P<ap>{AMPM_RE}), (?P<mon>{MONTH_RE}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}})"
I_TS_KO = rf"(?P<y>\d{{4}})\. (?P<m>\d{{1,2}})\. (?P<d>\d{{1,2}})\. (?:(?P<ap>오전|오후) )?{_HM}"
I_TS_EN = rf"(?P<mon>{MONTH_RE}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}}) {_HM}(?:{_SP}?(?P<ap>{AMPM_RE}))?"

DAY_KO = re.compile(rf"^{_KO_DATE}(?: (?P<wd>[월화수목금토일]요일))?$")
DAY_EN = re.compile(rf"^(?:(?P<wd>{WEEKDAY_RE}), )?(?P<mon>{MONTH_RE}) (?P<d>\d{{1,2}}), (?P<y>\d{{4}})$")


def _ts_family(ts: str, sys_sep: str) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    msg = re.compile(rf"^(?P<ts>{ts}), (?P<name>.+?) : ")
    sysl = re.compile(rf"^(?P<ts>{ts}){sys_sep}")
    only = re.compile(rf"^(?P<ts>{ts})$")
    return msg, sysl, only


ANDROID_TS = [_ts_family(t, ", ") for t in (A_TS_KO, A_TS_EN, A_TS_EN14)]
IOS_TS = [_ts_family(t, ": ") for t in (I_TS_KO, I_TS_EN)]

# System lines, by wording (Korean and English).
SYSTEM_WORDING: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^.+님이 나갔습니다\.?$"), EV_LEFT),
    (re.compile(r"^.+님이 들어왔습니다\.?$"), EV_JOINED),
    (re.compile(r"^.+님이 .+님을 초대했습니다\.?$"), EV_INVITED),
    (re.compile(r"^.+님을 내보냈습니다\.?$"), EV_KICKED),
    (re.compile(r"^채팅방 관리자가 메시지를 가렸습니다\.?$"), EV_HIDDEN),
    (re.compile(r"^.+ left this chatroom\.$"), EV_LEFT),
    (re.compile(r"^.+ left the chatroom\.$"), EV_LEFT),
    (re.compile(r"^.+ (?:joined|entered) this chatroom\.$"), EV_JOINED),
    (re.compile(r"^.+ invited .+\.$"), EV_INVITED),
    (re.compile(r"^.+ (?:has been removed|was removed|kicked) .*$"), EV_KICKED),
    (re.compile(r"^This message has been hidden by the chatroom managers\.?$"), EV_HIDDEN),
]
# KakaoTalk's own notice in group chats, on a line of its own without a time (seen in a 2018
# Android export): it is no part of the message or event above it.
POLICY_NOTICE = re.compile(
    r"^You may temporarily be banned from using the service if other members report you for sending "
    r"inappropriate messages\.$"
)
DELETED = re.compile(r"^(?:삭제된 메시지입니다\.?|This message (?:was|has been) deleted\.?)$")
HIDDEN = re.compile(
    r"^(?:This message has been hidden by the chatroom managers\.?|채팅방 관리자가 메시지를 가렸습니다\.?)$"
)

PLACEHOLDERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^사진(?: \d+장)?$"), "photo"),
    (re.compile(r"^<사진 읽지 않음>$"), "photo"),
    (re.compile(r"^동영상$"), "video"),
    (re.compile(r"^<동영상 읽지 않음>$"), "video"),
    (re.compile(r"^이모티콘 ?$"), "sticker"),
    (re.compile(r"^\(이모티콘\) ?$"), "sticker"),
    (re.compile(r"^음성메시지$"), "voice"),
    (re.compile(r"^Photo(?:s)?(?: \d+)?$"), "photo"),
    (re.compile(r"^\d+ [Pp]hotos$"), "photo"),
    (re.compile(r"^Video$"), "video"),
    (re.compile(r"^Emoticons? ?$"), "sticker"),
    (re.compile(r"^\(Emoticon\) ?$"), "sticker"),
    (re.compile(r"^Voice (?:Note|Message)$"), "voice"),
]
# All placeholders in one pattern (one match call per message instead of one per form).
_PLACEHOLDER_ANY = re.compile(
    "|".join(f"(?P<p{i}>{p.pattern.lstrip('^').rstrip('$')})" for i, (p, _k) in enumerate(PLACEHOLDERS)).join(
        ("^(?:", ")$")
    )
)
FILE_PLACEHOLDER = re.compile(r"^(?:파일|File): (?P<name>.+)$")
HEX_MEDIA = re.compile(r"^[0-9a-f]{64}\.(?:jpe?g|png|gif|webp|mp4|mov|heic|m4a|aac)$", re.IGNORECASE)


def _local(g: dict[str, str | None]) -> str:
    """ISO local time from a timestamp match's groups; "" when it does not parse."""
    try:
        y = int(g["y"] or 0)
        if g.get("mon"):
            mo = MONTHS[str(g["mon"]).lower()]
        else:
            mo = int(g["m"] or 0)
        d = int(g["d"] or 0)
        if g.get("h") is None:
            return iso_local(y, mo, d, 0, 0)[:10]
        h = int(g["h"] or 0)
        ap = g.get("ap")
        if ap:
            h = hour24(h, ap)
        return iso_local(y, mo, d, h, int(g["mi"] or 0))
    except (ValueError, KeyError):
        return ""


def _wording(text: str) -> str:
    for pat, ev in SYSTEM_WORDING:
        if pat.match(text):
            return ev
    return ""


def room_title(m: re.Match[str]) -> str:
    """The chatroom's name from a :data:`TITLE` match, in whichever language matched."""
    for k in ("ko", "ko2", "en", "en2", "en4", "en3"):
        v = m.groupdict().get(k)
        if v is not None:
            return v.strip()
    return ""


# ------------------------------------------------------------------ parsing


class KakaoParser:
    """Records of one KakaoTalk text export (one part of a split iOS chat at a time)."""

    def __init__(self, family: str, media: MediaIndex) -> None:
        if family not in (PC, ANDROID, IOS):
            raise ValueError(family)
        self.family = family
        self.media = media
        self.day = ""  # PC: date of the last separator
        self.title = ""
        self.saved_at = ""
        self._line_no_in_part = 0
        self.table = ANDROID_TS if family == ANDROID else IOS_TS
        self._ordered = list(self.table)

    def _prefer(self, msg: re.Pattern[str]) -> None:
        if self._ordered[0][0] is not msg:
            self._ordered.sort(key=lambda t: t[0] is not msg)

    # A header line is only a header near the top of a part.
    def classify(self, line: Line) -> Start | None:
        s = line.text
        n = line.lineno
        if n == 1 and s.startswith("\ufeff"):
            s = s[1:]
        off = len(line.text) - len(s)
        if n <= 3:
            m = TITLE.match(s)
            if m and not self.title:
                self.title = room_title(m)
                return Start(KIND_EVENT, EV_HEADER, continuable=False)
            if n == 1 and self.family == IOS and IOS_FILE_LINE.match(s):
                return Start(KIND_EVENT, EV_HEADER, continuable=False)
        if n <= 5:
            m = SAVED.match(s)
            if m and not self.saved_at:
                self.saved_at = m.group("when").strip()
                return Start(KIND_EVENT, EV_SAVED_AT, written_time=self.saved_at, continuable=False)
        if POLICY_NOTICE.match(s):
            return Start(KIND_EVENT, EV_SYSTEM, continuable=False)
        if self.family == PC:
            return self._pc(s, off)
        return self._mobile(s, off)

    def _pc(self, s: str, off: int) -> Start | None:
        m = PC_DAY_KO.match(s) or PC_DAY_EN.match(s)
        if m:
            day = _local(m.groupdict())
            if day:
                self.day = day
                return Start(KIND_EVENT, EV_DATE, local_time=day, continuable=False)
        m = PC_MSG.match(s)
        if m:
            g = m.groupdict()
            h = g["h1"] or g["h2"] or g["h3"]
            mi = g["mi1"] or g["mi2"] or g["mi3"]
            ap = g["ap1"] or g["ap2"]
            written = s[len(g["name"]) + 4 : m.end()].rstrip().rstrip("]")
            local = ""
            try:
                hh = hour24(int(h or 0), ap) if ap else int(h or 0)
                if self.day and 0 <= hh < 24 and 0 <= int(mi or 0) < 60:
                    local = f"{self.day}T{hh:02d}:{int(mi or 0):02d}"
            except ValueError:
                return None  # "[x] [오후 13:00]" is not a KakaoTalk time: body text
            return Start(
                KIND_MESSAGE,
                sender=g["name"],
                prefix_len=off + m.end(),
                written_time=written,
                local_time=local,
            )
        ev = _wording(s)
        if ev:
            return Start(KIND_EVENT, ev, local_time=self.day, extra={"flags": [F_HEADER_LIKE]})
        return None

    def _mobile(self, s: str, off: int) -> Start | None:
        # A file keeps one timestamp form: the form that matched last is tried first.
        for msg, sysl, only in self._ordered:
            m = msg.match(s)
            if m:
                local = _local(m.groupdict())
                if not local:
                    return None
                self._prefer(msg)
                return Start(
                    KIND_MESSAGE,
                    sender=m.group("name"),
                    prefix_len=off + m.end(),
                    written_time=m.group("ts"),
                    local_time=local,
                )
            m = sysl.match(s)
            if m:
                local = _local(m.groupdict())
                if not local:
                    return None
                body = s[m.end() :]
                return Start(
                    KIND_EVENT,
                    _wording(body) or EV_SYSTEM,
                    prefix_len=off + m.end(),
                    written_time=m.group("ts"),
                    local_time=local,
                )
            m = only.match(s)
            if m:
                local = _local(m.groupdict())
                if local:
                    return Start(
                        KIND_EVENT, EV_DATE, written_time=m.group("ts"), local_time=local, continuable=False
                    )
        m = DAY_KO.match(s) or DAY_EN.match(s)
        if m:
            day = _local(m.groupdict())
            if day:
                return Start(KIND_EVENT, EV_DATE, local_time=day, continuable=False)
        return None

    def records(
        self, chunks: Iterable[bytes], item_id: str, *, cancel: Cancel = never_cancel
    ) -> Iterator[Record]:
        self.title, self.saved_at, self.day = "", "", ""
        for rec in assemble(iter_lines(chunks, cancel=cancel), self.classify, item_id):
            flags = rec.extra.pop("flags", None)
            if isinstance(flags, list):
                rec.flags.extend(str(f) for f in flags)
            yield rec

    def attachments(self, rec: Record) -> tuple[str, list[Attachment]]:
        """(event for the message, attachments) from a message body."""
        if rec.kind != KIND_MESSAGE:
            return rec.event, []
        body = rec.text
        if DELETED.match(body):
            return EV_DELETED, []
        if HIDDEN.match(body):
            return EV_HIDDEN, []
        return rec.event, body_attachments(body, self.media)


def body_attachments(body: str, media: MediaIndex) -> list[Attachment]:
    b = body.strip("\r\n")
    if "\n" in b or "\r" in b or (" " in b and HEX_MEDIA_ANY.search(b)):
        return _multi_attachments(b, media)
    ref = media.find_name(b) if media.by_name and len(b) < 300 else None
    if ref is not None:
        kind = "photo" if HEX_MEDIA.match(b) or b.lower().endswith((".jpg", ".jpeg", ".png")) else "file"
        return [Attachment(kind, b, ref.status, item_id=ref.item_id)]
    if HEX_MEDIA.match(b):
        return [Attachment("photo", b, ST_MISSING, reason=R_NOT_IN_EXPORT)]
    m = FILE_PLACEHOLDER.match(b)
    if m:
        return [media.attach_name("file", m.group("name"), missing_reason=R_NOT_IN_EXPORT)]
    pm = _PLACEHOLDER_ANY.match(b)
    if pm and pm.lastgroup:
        kind = PLACEHOLDERS[int(pm.lastgroup[1:])][1]
        return [Attachment(kind, "", ST_MISSING, reason=R_PLACEHOLDER, detail=b)]
    return []


HEX_MEDIA_ANY = re.compile(r"[0-9a-f]{64}\.[A-Za-z0-9]{3,4}", re.IGNORECASE)


def _multi_attachments(b: str, media: MediaIndex) -> list[Attachment]:
    """A message naming several files (one message, several photos): one line or one
    whitespace-separated word per file. Every part must be a file name the export has
    (or a 64-hex media name), or the body is ordinary text and nothing is linked."""
    parts = [p for p in re.split(r"[\r\n]+", b) if p.strip()]
    if len(parts) == 1:
        parts = [p for p in re.split(r"[\s,]+", b) if p]
    if not 2 <= len(parts) <= 200:
        return []
    if not all(HEX_MEDIA.match(p.strip()) or media.peek_name(p) is not None for p in parts):
        return []
    out: list[Attachment] = []
    for part in (p.strip() for p in parts):
        ref = media.find_name(part) if len(part) < 300 else None
        if ref is not None:
            kind = "photo" if HEX_MEDIA.match(part) or part.lower().endswith((".jpg", ".jpeg", ".png")) else "file"
            out.append(Attachment(kind, part, ref.status, item_id=ref.item_id))
        elif HEX_MEDIA.match(part):
            out.append(Attachment("photo", part, ST_MISSING, reason=R_NOT_IN_EXPORT))
        else:
            return []
    return out


# ------------------------------------------------------------------ Mac CSV


@dataclass
class CsvRow:
    fields: list[str]
    quoted: list[bool]
    ok: bool  # the record is well-formed (rendering it back gives the same text)


def split_csv(record: str) -> CsvRow:
    fields: list[str] = []
    quoted: list[bool] = []
    i, n, ok = 0, len(record), True
    while True:
        if i < n and record[i] == '"':
            j = i + 1
            buf: list[str] = []
            while True:
                k = record.find('"', j)
                if k < 0:
                    buf.append(record[j:])
                    i, ok = n, False
                    break
                buf.append(record[j:k])
                if k + 1 < n and record[k + 1] == '"':
                    buf.append('"')
                    j = k + 2
                    continue
                i = k + 1
                break
            fields.append("".join(buf))
            quoted.append(True)
            if i < n and record[i] != ",":
                ok = False
                k = record.find(",", i)
                fields[-1] += record[i : k if k >= 0 else n]
                i = k if k >= 0 else n
        else:
            k = record.find(",", i)
            fields.append(record[i : k if k >= 0 else n])
            quoted.append(False)
            i = k if k >= 0 else n
        if i >= n:
            break
        i += 1  # the comma
        if i == n:
            fields.append("")
            quoted.append(False)
            break
    return CsvRow(fields, quoted, ok)


def render_csv(fields: list[str], quoted: list[bool]) -> str:
    return ",".join(
        ('"' + f.replace('"', '""') + '"') if q else f for f, q in zip(fields, quoted, strict=True)
    )


MAX_CSV_RECORD = 64 * 1024 * 1024
CSV_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$")


def csv_records(chunks: Iterable[bytes], item_id: str, *, cancel: Cancel = never_cancel) -> Iterator[Record]:
    """Records of a Mac CSV export: a record ends at a line end outside quotes."""
    parts: list[str] = []
    quotes = 0
    size = 0
    first: Line | None = None
    bad = False
    last: Line | None = None
    for line in iter_lines(chunks, cancel=cancel):
        if first is None:
            first, parts, quotes, size, bad = line, [], 0, 0, False
        else:
            parts.append(last.eol if last else "")
        parts.append(line.text)
        quotes += line.text.count('"')
        size += len(line.text)
        bad = bad or line.bad_utf8
        last = line
        if size > MAX_CSV_RECORD:
            raise ChatFormatError(
                f"CSV quote not closed near line {first.lineno}",
                ko="CSV 파일의 따옴표가 닫히지 않았습니다. 파일이 손상되었을 수 있습니다.",
                en="A quote in the CSV file is never closed: the file may be damaged.",
            )
        if quotes % 2 == 0:
            yield _csv_record("".join(parts), first, line, bad, item_id)
            first = None
    if first is not None and last is not None:
        yield _csv_record("".join(parts), first, last, bad, item_id)


def _csv_record(text: str, first: Line, last: Line, bad: bool, item_id: str) -> Record:
    src = SourcePos(item_id, first.start, last.end, first.lineno, last.lineno)
    flags = [F_INVALID_UTF8] if bad else []
    body = text[1:] if first.lineno == 1 and text.startswith("\ufeff") else text
    bom = text[: len(text) - len(body)]
    row = split_csv(body)
    extra: dict[str, object] = {"csv_fields": len(row.fields), "csv_quoted": row.quoted}
    if bom:
        extra["bom"] = True
    if first.lineno == 1 and body.strip() in ("Date,User,Message", "날짜,사용자,메시지"):
        return Record(KIND_EVENT, EV_HEADER, "", "", "", "", text, last.eol, src, flags, {})
    if not row.ok or len(row.fields) != 3:
        extra["csv_malformed"] = True
        return Record(KIND_EVENT, EV_UNPARSED, "", "", "", "", text, last.eol, src, flags, extra)
    date, user, msg = row.fields
    local = ""
    m = CSV_TIME.match(date)
    if m:
        try:
            y, mo, d, h, mi, s = (int(x) for x in m.groups())
            local = iso_local(y, mo, d, h, mi, s)
        except ValueError:
            local = ""
    event = EV_DELETED if not date and not user else ""
    extra["csv_prefix"] = bom
    return Record(KIND_MESSAGE, event, user, date, local, "", msg, last.eol, src, flags, extra)


def render_csv_record(fields: tuple[str, str, str], quoted: list[bool], bom: str = "") -> str:
    return bom + render_csv(list(fields), quoted)
