"""Time as the local clock claims it: UTC plus the local offset, passed in explicitly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

KST = timezone(timedelta(hours=9), "KST")


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def local_offset(self) -> str:
        off = datetime.now().astimezone().utcoffset() or timedelta(0)
        return format_offset(off)


def format_offset(off: timedelta) -> str:
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def iso_utc(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso_utc(s: str) -> datetime:
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def to_kst(s: str) -> str:
    """'2026-11-27 22:29:48 KST' for an ISO UTC string, for reports read in Korea."""
    return parse_iso_utc(s).astimezone(KST).strftime("%Y-%m-%d %H:%M:%S KST")


def utc_display(s: str) -> str:
    return parse_iso_utc(s).strftime("%Y-%m-%d %H:%M:%S UTC")
