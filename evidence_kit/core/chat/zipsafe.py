"""Reading chat-export ZIP files without trusting them.

Nothing is ever extracted to disk: entries are streamed from the archive straight into
the vault (or into a hash). Before any entry is read the whole central directory is
checked, and the archive is refused outright if anything is wrong:

- too many entries, a declared total or an entry too large, a compression ratio of a
  zip bomb (Python 3.11's zipfile has no overlap check, so we check that too: entries
  whose data overlap, or that overlap the central directory, are refused);
- names that are absolute, contain ``..``, backslashes, drive letters, NUL or control
  characters; symbolic links; duplicate names (one file could hide another);
- encrypted entries.

Reads are capped at each entry's declared size (zipfile stops there and checks the CRC).
"""

from __future__ import annotations

import logging
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from .errors import UnsafeZipError

log = logging.getLogger(__name__)

MAX_ENTRIES = 100_000
MAX_TOTAL = 64 * 1024**3  # declared uncompressed bytes, all entries
MAX_ENTRY = 16 * 1024**3
MAX_RATIO = 200  # uncompressed / compressed, for entries above RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


@dataclass(frozen=True)
class SafeEntry:
    name: str  # as stored (forward slashes), checked safe
    size: int
    compressed: int
    info: zipfile.ZipInfo

    @property
    def basename(self) -> str:
        return self.name.rsplit("/", 1)[-1]


def unsafe_name_reason(name: str) -> str:
    """Why an archive member name is refused ("" when it is fine)."""
    if not name:
        return "empty name"
    if "\\" in name:
        return "backslash in name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "absolute path"
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "control character in name"
    parts = name.split("/")
    if any(p in ("..", ".") for p in parts):
        return "path goes outside the archive"
    if any(p == "" for p in parts[:-1]):
        return "empty path component"
    return ""


def _refuse(detail: str, ko: str, en: str) -> UnsafeZipError:
    return UnsafeZipError(detail, ko=f"{UnsafeZipError.ko} ({ko})", en=f"{UnsafeZipError.en} ({en})")


class SafeZip:
    """An opened, checked archive. ``entries`` lists files only (folders dropped)."""

    def __init__(self, f: IO[bytes]) -> None:
        try:
            self._zf = zipfile.ZipFile(f)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
            raise _refuse(str(e), "ZIP 형식이 아닙니다", "not a valid ZIP file") from e
        self._f = f
        self.entries: list[SafeEntry] = self._check()

    def close(self) -> None:
        self._zf.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check(self) -> list[SafeEntry]:
        infos = self._zf.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _refuse(f"{len(infos)} entries", "항목이 너무 많습니다", "too many entries")
        seen: set[str] = set()
        folded: set[str] = set()
        total = 0
        out: list[SafeEntry] = []
        for info in infos:
            name = info.filename
            why = unsafe_name_reason(name.rstrip("/") if info.is_dir() else name)
            if why:
                raise _refuse(
                    f"{name!r}: {why}", f"안전하지 않은 이름 {name!r}", f"unsafe name {name!r}: {why}"
                )
            mode = (info.external_attr >> 16) & 0xFFFF
            if stat.S_ISLNK(mode):
                raise _refuse(name, f"심볼릭 링크 {name!r}", f"symbolic link {name!r}")
            if info.flag_bits & 0x1:
                raise _refuse(name, f"암호화된 항목 {name!r}", f"encrypted entry {name!r}")
            key = unicodedata.normalize("NFC", name)
            if key in seen:
                raise _refuse(name, f"같은 이름이 두 번 있음 {name!r}", f"duplicate name {name!r}")
            seen.add(key)
            if key.casefold() in folded:
                log.warning("zip has names differing only in case")
            folded.add(key.casefold())
            if info.is_dir():
                continue
            if info.file_size > MAX_ENTRY:
                raise _refuse(name, "항목이 너무 큽니다", f"entry too large: {name!r}")
            total += info.file_size
            if total > MAX_TOTAL:
                raise _refuse(
                    "total size", "압축 해제 크기가 너무 큽니다", "total uncompressed size too large"
                )
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(name, "압축 폭탄으로 보입니다", f"looks like a zip bomb: {name!r}")
            out.append(SafeEntry(name, info.file_size, info.compress_size, info))
        self._check_overlap(infos)
        return out

    def _check_overlap(self, infos: list[zipfile.ZipInfo]) -> None:
        """Each entry's local header + data must end before the next one starts."""
        spans: list[tuple[int, int, str]] = []
        for info in infos:
            self._f.seek(info.header_offset)
            raw = self._f.read(_LOCAL_HEADER.size)
            if len(raw) != _LOCAL_HEADER.size or raw[:4] != b"PK\x03\x04":
                raise _refuse(info.filename, "항목 머리글이 손상됨", f"bad local header: {info.filename!r}")
            fields = _LOCAL_HEADER.unpack(raw)
            name_len, extra_len = fields[9], fields[10]
            end = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
            spans.append((info.header_offset, end, info.filename))
        spans.sort()
        cd_start = self._zf.start_dir
        for i, (start, end, name) in enumerate(spans):
            nxt = spans[i + 1][0] if i + 1 < len(spans) else cd_start
            if end > nxt or start < 0:
                raise _refuse(name, f"ZIP 항목이 겹칩니다 {name!r}", f"overlapping entries: {name!r}")

    def open(self, entry: SafeEntry) -> IO[bytes]:
        """A reader of the entry's bytes, capped at its declared size; CRC checked at the end."""
        try:
            return self._zf.open(entry.info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as e:
            raise _refuse(
                entry.name, f"항목을 읽을 수 없음 {entry.name!r}", f"cannot read {entry.name!r}"
            ) from e

    def iter_bytes(self, entry: SafeEntry, block: int = 1 << 20) -> Iterator[bytes]:
        with self.open(entry) as f:
            try:
                while chunk := f.read(block):
                    yield chunk
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                raise _refuse(
                    entry.name, f"항목이 손상됨 {entry.name!r}", f"damaged entry {entry.name!r}"
                ) from e

    def reader(self, entry: SafeEntry) -> GuardedReader:
        """A ``readinto`` source for the vault that turns archive errors into UnsafeZipError."""
        return GuardedReader(self.open(entry), entry.name)

    def head(self, entry: SafeEntry, n: int = 64 * 1024) -> bytes:
        with self.open(entry) as f:
            try:
                return f.read(n)
            except (zipfile.BadZipFile, OSError, EOFError) as e:
                raise _refuse(
                    entry.name, f"항목이 손상됨 {entry.name!r}", f"damaged entry {entry.name!r}"
                ) from e


class GuardedReader:
    def __init__(self, f: IO[bytes], name: str) -> None:
        self._f = f
        self._name = name

    def readinto(self, buffer: bytearray | memoryview, /) -> int:
        try:
            data = self._f.read(len(buffer))
        except (zipfile.BadZipFile, OSError, EOFError) as e:
            raise _refuse(self._name, f"항목이 손상됨 {self._name!r}", f"damaged entry {self._name!r}") from e
        n = len(data)
        buffer[:n] = data
        return n

    def close(self) -> None:
        self._f.close()
