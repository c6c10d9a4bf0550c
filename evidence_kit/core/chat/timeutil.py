"""Times as chat exports write them, and the zone the user confirms.

Text exports carry no zone: the stored time is the one written, plus the confirmed zone;
UTC is derived from both and the report says so. A DST fold or gap in that zone is
flagged, never silently resolved.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..common.errors import UsageError
from .errors import ZoneError


class ZoneNeededError(UsageError):
    """A text export not in a Korean format: its clock's zone cannot be assumed."""

    ko = (
        "이 대화 내보내기는 한국어 형식이 아니어서 어느 시간대의 시각인지 알 수 없습니다. 내보낸 휴대폰이나 "
        "컴퓨터의 시간대를 --zone 으로 알려 주세요(예: --zone Asia/Seoul, --zone Europe/Berlin, --zone "
        "+09:00). 이 컴퓨터의 시간대를 쓰려면 --zone local. 선택한 값은 보관 기록에 남습니다."
    )
    en = (
        "This chat export is not in a Korean format, so the time zone of its clock is unknown. Give the zone "
        "of the phone or computer that exported it with --zone (for example --zone Asia/Seoul, --zone "
        "Europe/Berlin, --zone +09:00); --zone local uses this computer's zone. Your choice is recorded in "
        "the custody log."
    )

MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for m in names
}
MONTH_RE = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
)
WEEKDAY_RE = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def resolve_zone(name: str) -> tzinfo:
    """An IANA name ('Asia/Seoul'), 'KST', 'UTC', or a fixed offset ('+09:00', 'UTC+9')."""
    n = name.strip()
    if n.upper() in ("KST",):
        return ZoneInfo("Asia/Seoul")
    if n.upper() in ("UTC", "Z", "GMT"):
        return UTC
    m = _OFFSET.match(n)
    if m:
        h, mi = int(m.group(2)), int(m.group(3) or 0)
        if h > 14 or mi > 59:
            raise ZoneError(name)
        off = timedelta(hours=h, minutes=mi)
        return timezone(-off if m.group(1) == "-" else off)
    try:
        return ZoneInfo(n)
    except (ZoneInfoNotFoundError, ValueError, OSError) as e:
        raise ZoneError(name) from e


def computer_zone_name() -> str:
    """This computer's zone as an IANA name when it can be found, else its current offset."""
    tz = os.environ.get("TZ", "").lstrip(":")
    if tz:
        try:
            ZoneInfo(tz)
            return tz
        except (ZoneInfoNotFoundError, ValueError, OSError):
            pass
    try:
        link = os.readlink("/etc/localtime")
        if "zoneinfo/" in link:
            name = link.split("zoneinfo/", 1)[1]
            ZoneInfo(name)
            return name
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    try:
        name = Path("/etc/timezone").read_text(encoding="utf-8").strip()
        if name:
            ZoneInfo(name)
            return name
    except (OSError, ZoneInfoNotFoundError, ValueError):
        pass
    off = datetime.now().astimezone().utcoffset() or timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def iso_local(y: int, mo: int, d: int, h: int, mi: int, s: int | None = None) -> str:
    """Validated ISO 8601 local time; raises ValueError for impossible dates."""
    datetime(y, mo, d, h, mi, s or 0)  # validates
    if s is None:
        return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"


# Every spelling of the 12-hour marker seen in real exports, any case, with or without dots,
# with a plain, no-break or narrow no-break space inside ("PM", "pm", "p.m.", "a. m.").
AMPM_RE = r"(?:[AaPp]\.?[ \u00a0\u202f]?[Mm]\.?)"
_AMPM_STRIP = str.maketrans("", "", ". \u00a0\u202f")


def hour24(h: int, ampm: str) -> int:
    """12-hour clock to 24-hour: 오전/AM 12 is midnight, 오후/PM 12 is noon.

    Some locales (Spanish "00:08 a. m.") write midnight as 0 with the morning marker."""
    a = ampm.translate(_AMPM_STRIP).lower()
    pm = a in ("오후", "pm", "午後", "下午", "p", "nachm")
    if h == 0 and not pm:
        return 0
    if not 1 <= h <= 12:
        raise ValueError("hour out of range for a 12-hour clock")
    if pm:
        return 12 if h == 12 else h + 12
    return 0 if h == 12 else h


def utc_iso(dt: datetime) -> str:
    u = dt.astimezone(UTC)
    return f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z"


class ZoneConverter:
    """Local wall-clock times of one chat to UTC, flagging DST folds and gaps.

    Speed: the zone's offset is looked up once per local hour. An hour is taken from the
    cache only when its first and last second have the same offset under both folds (no
    transition inside it); any other hour is converted minute by minute as before."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._cache: dict[str, tuple[str, bool]] = {}
        self._hours: dict[str, timedelta | None] = {}
        self._utc_hour: dict[str, str] = {}

    def _hour_offset(self, hour_key: str) -> timedelta | None:
        if hour_key in self._hours:
            return self._hours[hour_key]
        start = datetime.fromisoformat(hour_key + ":00")
        end = start + timedelta(minutes=59, seconds=59)
        offs = {
            dt.replace(tzinfo=self.zone, fold=f).utcoffset() for dt in (start, end) for f in (0, 1)
        }
        off = offs.pop() if len(offs) == 1 else None
        if len(self._hours) > 200_000:
            self._hours.clear()
            self._utc_hour.clear()
        self._hours[hour_key] = off
        return off

    def to_utc(self, local_iso: str) -> tuple[str, bool]:
        """(UTC ISO, ambiguous)."""
        hit = self._cache.get(local_iso)
        if hit is not None:
            return hit
        off = self._hour_offset(local_iso[:13]) if len(local_iso) >= 16 else None
        if off is not None and not off.total_seconds() % 3600:
            # Whole-hour offset: minutes and seconds are the local ones; only the hour moves.
            prefix = self._utc_hour.get(local_iso[:13])
            if prefix is None:
                u = datetime.fromisoformat(local_iso[:13] + ":00") - off
                prefix = self._utc_hour[local_iso[:13]] = f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}"
            rest = local_iso[13:16] + (local_iso[16:19] if len(local_iso) >= 19 else ":00")
            return (f"{prefix}{rest}Z", False)
        naive = datetime.fromisoformat(local_iso)
        if off is not None:
            u = naive - off
            res = (f"{u.year:04d}-{u.month:02d}-{u.day:02d}T{u.hour:02d}:{u.minute:02d}:{u.second:02d}Z", False)
        else:
            a = naive.replace(tzinfo=self.zone, fold=0)
            b = naive.replace(tzinfo=self.zone, fold=1)
            ambiguous = a.utcoffset() != b.utcoffset()
            res = (utc_iso(a), ambiguous)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[local_iso] = res
        return res


def offset_of(local_iso: str, unix: int) -> str:
    """The exporting computer's UTC offset, from Telegram's `date` and `date_unixtime`."""
    local = datetime.fromisoformat(local_iso).replace(tzinfo=UTC)
    off = local - datetime.fromtimestamp(unix, UTC)
    minutes = round(off.total_seconds() / 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
