"""Verified, incremental backups of a vault, and restoring one (issue 20).

A backup is itself a vault folder: it opens with the same passphrase or recovery key.
It is written for a USB stick formatted FAT32/exFAT, so it assumes no permissions
(chmod errors are ignored), no file of 4 GiB or more (such a blob is refused with a
clear message; we do not chunk, because a chunked blob would no longer be a vault),
case-insensitive names (blob names are lowercase hex; a collision is checked anyway)
and an fsync that may lie (every copied file is read back and hashed after its fsync).

Order of a backup into DEST:

1. blobs the destination lacks (or holds with a different age header, after a
   passphrase change re-wrapped them) are copied via ``DEST/staging/*.part``: write,
   fsync, read back, compare SHA-256, atomic rename. Blobs are only ever added, so the
   previous backup stays valid throughout.
2. a consistent snapshot of the database (SQLite's online backup API, so a write made
   meanwhile by the app cannot tear it), a fresh clean seal over it, and ``vault.json``
   go to ``DEST/staging/next/``; each is read back; then a ``READY`` marker is written.
3. the three files are renamed into place. A kill during the renames leaves ``READY``:
   :func:`finish_pending` (run by every backup, restore and verify-backup) rolls the
   switch forward, so a reader sees either the old or the new backup.
4. the backup is opened with the vault's keys and fully verified (every blob decrypted
   and authenticated, the log, the seal). Only then is "backup complete" said, and the
   time recorded in the vault (setting ``last_backup``, plus a ``backup`` log event).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import secrets
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.canonical import canonical_json
from ..common.clock import iso_utc
from ..common.errors import (
    CancelledError,
    DiskFullError,
    EvidenceKitError,
    InputError,
    IntegrityError,
    VaultExistsError,
)
from ..common.fsutil import fsync_dir
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from .backup_switch import NEXT, READY, STAGED_BLOBS, finish_pending
from .backup_switch import make_dir as _mkdir
from .metastore import db_mac, seal_body_mac
from .vault import Vault
from .verify import VerifyResult

log = logging.getLogger(__name__)

FAT_LIMIT = 4 * 1024**3 - 1  # the largest file FAT32 can hold
HEADER_PROBE = 4096  # an age header (the part a passphrase change rewrites) fits in this
LAST_BACKUP_KEY = "last_backup"
_CHUNK = 1 << 20
_FAT_TYPES = {"vfat", "msdos", "exfat", "fat", "fuseblk-exfat"}


class BackupTooLargeError(InputError):
    ko = "4 GiB 이상인 증거 파일은 FAT32 저장장치에 담을 수 없어 백업하지 않았습니다. exFAT나 NTFS 장치를 쓰세요."
    en = (
        "An evidence file of 4 GiB or more cannot be stored on a FAT32 drive; the backup was refused. "
        "Use an exFAT or NTFS drive."
    )


@dataclass
class BackupResult:
    dest: Path
    blobs_total: int = 0
    blobs_copied: int = 0
    bytes_copied: int = 0
    blobs_removed: int = 0
    items_verified: int = 0
    log_size: int = 0
    seconds: float = 0.0
    verified_at: str = ""
    problems: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "dest": str(self.dest),
            "blobs_total": self.blobs_total,
            "blobs_copied": self.blobs_copied,
            "bytes_copied": self.bytes_copied,
            "blobs_removed": self.blobs_removed,
            "items_verified": self.items_verified,
            "log_size": self.log_size,
            "seconds": round(self.seconds, 3),
            "verified_at": self.verified_at,
        }


def _fs_type(path: Path) -> str:
    """The file-system type holding ``path`` (Linux /proc/self/mounts; '' elsewhere)."""
    try:
        lines = Path("/proc/self/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    real = str(path.resolve())
    best, kind = "", ""
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mnt = parts[1].replace("\\040", " ")
        if (real == mnt or real.startswith(mnt.rstrip("/") + "/")) and len(mnt) >= len(best):
            best, kind = mnt, parts[2]
    return kind


def is_fat(path: Path) -> bool:
    if os.environ.get("EVIDENCE_KIT_ASSUME_FAT") == "1":
        return True
    return _fs_type(path) in _FAT_TYPES


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
    return h.hexdigest()


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(HEADER_PROBE)


def _disk_error(e: OSError) -> EvidenceKitError:
    if e.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EFBIG, errno.EROFS):
        return DiskFullError(os.strerror(e.errno or 0))
    return DiskFullError(str(e.strerror or e))


def _write_checked(path: Path, blocks: Iterable[bytes], cancel: Cancel = never_cancel) -> int:
    """Write ``blocks`` to a new file, fsync it, and read it back: a drive whose fsync lies
    or that hands back other bytes is caught here, not when the backup is needed."""
    h = hashlib.sha256()
    n = 0
    with open(path, "xb") as fout:
        for block in blocks:
            if cancel():
                raise CancelledError()
            h.update(block)
            view = memoryview(block)
            while view:  # a short write is retried, not taken for done
                w = fout.write(view)
                if not w:
                    raise OSError(errno.EIO, "short write")
                view = view[w:]
            n += len(block)
        fout.flush()
        os.fsync(fout.fileno())
    if _sha256_file(path) != h.hexdigest():
        raise IntegrityError(f"{path.name} read back different bytes: the destination is unreliable")
    return n


def _blocks(src: Path) -> Iterator[bytes]:
    with src.open("rb") as fin:
        while block := fin.read(_CHUNK):
            yield block


def copy_verified(src: Path, dst: Path, staging: Path, cancel: Cancel = never_cancel) -> int:
    """Copy ``src`` to ``dst`` through ``staging``: fsync, read back, compare, rename."""
    tmp = staging / f"{secrets.token_hex(8)}.part"
    try:
        try:
            n = _write_checked(tmp, _blocks(src), cancel)
        except IntegrityError:
            raise IntegrityError(
                f"the copy of {src.name} read back different bytes: the destination is unreliable"
            ) from None
        os.replace(tmp, dst)
        fsync_dir(dst.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return n


def _check_dest(vault: Vault, dest: Path) -> None:
    src = vault.path.resolve()
    real = dest.resolve()
    if real == src or src in real.parents or real in src.parents:
        raise InputError(
            str(dest),
            ko="백업 위치는 보관함 폴더 안이나 바깥 상위 폴더가 아닌 다른 곳이어야 합니다.",
            en="The backup must go to a folder that is neither inside the vault nor contains it.",
        )
    if not dest.exists():
        return
    if not dest.is_dir():
        raise InputError(str(dest), ko="백업 위치가 폴더가 아닙니다.", en="The backup destination is not a folder.")
    vj = dest / "vault.json"
    if vj.is_file():
        import json

        try:
            other = json.loads(vj.read_text(encoding="utf-8"))["body"]["vault_id"]
        except (ValueError, KeyError, TypeError, OSError) as e:
            raise VaultExistsError(str(dest)) from e
        if other != vault.vault_id:
            raise VaultExistsError(
                str(dest),
                ko="이 위치에는 다른 보관함이 있습니다. 빈 폴더나 이 보관함의 백업 폴더를 고르세요.",
                en="Another vault is at this location. Choose an empty folder or a backup of this vault.",
            )
        return
    if any(p.name not in ("blobs", "staging", "quarantine", "lock") for p in dest.iterdir()):
        raise VaultExistsError(
            str(dest),
            ko="백업 위치가 비어 있지 않습니다. 빈 폴더를 고르세요.",
            en="The backup destination is not empty. Choose an empty folder.",
        )


def _snapshot_db(vault: Vault, out: Path) -> int:
    """A transactionally consistent copy of the database; returns its custody-log size."""
    dst = sqlite3.connect(out)
    try:
        vault._conn.backup(dst)
        # The vault switches to WAL on open; do it now so opening the copy changes nothing.
        dst.execute("PRAGMA journal_mode=WAL")
        size = int(dst.execute("SELECT COUNT(*) FROM custody_log").fetchone()[0])
    finally:
        dst.close()
    for side in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(out) + side).unlink()
    return size


def _write_file(path: Path, data: bytes) -> None:
    _write_checked(path, [data])


def _prepare_dest(dest: Path) -> Path:
    """The destination's folders, an interrupted switch finished; returns the folder for
    partial copies (emptied)."""
    _mkdir(dest)
    for sub in ("blobs", "staging", "quarantine"):
        _mkdir(dest / sub)
    finish_pending(dest)
    # Partial copies live in a subfolder: a vault opening this backup removes loose
    # staging files and logs it, and that entry would set its log apart from the vault's.
    parts = dest / "staging" / "part"
    _mkdir(parts)
    for p in parts.iterdir():
        p.unlink()  # a killed copy's .part: ciphertext only
    return parts


def _blob_names(vault: Vault, dest: Path) -> tuple[list[str], list[int]]:
    """The vault's blob names and sizes, refused if the destination cannot hold them."""
    names = sorted(r[0] for r in vault._conn.execute("SELECT DISTINCT blob FROM items WHERE blob IS NOT NULL"))
    if len({n.lower() for n in names}) != len(names):
        raise IntegrityError("two evidence files differ only by letter case: cannot copy them to this drive")
    sizes = [(vault.path / "blobs" / n[:2] / n).stat().st_size for n in names]
    if is_fat(dest):
        big = [n for n, s in zip(names, sizes, strict=True) if s > FAT_LIMIT]
        if big:
            raise BackupTooLargeError(f"{len(big)} file(s), e.g. {big[0]}")
    return names, sizes


def _copy_blobs(
    vault: Vault, dest: Path, parts: Path, res: BackupResult, *, progress: Progress, cancel: Cancel
) -> list[str]:
    """Step 1: blobs the destination lacks go to ``staging/blobs/``; returns all names."""
    names, sizes = _blob_names(vault, dest)
    total = sum(sizes) or 1
    done = 0
    res.blobs_total = len(names)
    staged = dest / "staging" / STAGED_BLOBS
    _mkdir(staged)

    def same(p: Path, src: Path, size: int) -> bool:
        return p.is_file() and p.stat().st_size == size and _head(p) == _head(src)

    for name, size in zip(names, sizes, strict=True):
        if cancel():
            raise CancelledError()
        src = vault.path / "blobs" / name[:2] / name
        if not (same(dest / "blobs" / name[:2] / name, src, size) or same(staged / name, src, size)):
            res.bytes_copied += copy_verified(src, staged / name, parts, cancel)
            res.blobs_copied += 1
        done += size
        progress(done, total)
    return names


def _stage_metadata(vault: Vault, nxt: Path) -> int:
    """Step 2: database snapshot, a clean seal over it and vault.json, each read back."""
    _mkdir(nxt)
    log_size = _snapshot_db(vault, nxt / "meta.sqlite")
    body: dict[str, Any] = {
        "state": "clean",
        "log_size": log_size,
        "nonce": secrets.token_hex(16),
        "db": db_mac(nxt, vault.keys),
    }
    _write_file(nxt / "meta.seal", canonical_json({"body": body, "mac": seal_body_mac(vault.keys, body)}))
    _write_file(nxt / "vault.json", (vault.path / "vault.json").read_bytes())
    with open(nxt / "meta.sqlite", "rb+") as f:
        os.fsync(f.fileno())
    if db_mac(nxt, vault.keys) != body["db"]:
        raise IntegrityError("the database copy read back different bytes: the destination is unreliable")
    fsync_dir(nxt)
    return log_size


def copy_vault(
    vault: Vault,
    dest: Path,
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> BackupResult:
    """Steps 1-3 of a backup (no verification): make ``dest`` a copy of ``vault``."""
    t0 = time.monotonic()
    dest = Path(dest)
    _check_dest(vault, dest)
    res = BackupResult(dest)
    try:
        parts = _prepare_dest(dest)
        vault.flush()
        names = _copy_blobs(vault, dest, parts, res, progress=progress, cancel=cancel)
        nxt = dest / "staging" / NEXT
        res.log_size = _stage_metadata(vault, nxt)
        if cancel():
            raise CancelledError()
        _write_file(nxt / READY, b"ready\n")
        fsync_dir(nxt)
        finish_pending(dest)
        # Blobs the new database does not name would be quarantined (and logged) by the
        # first open, which would make the backup's log differ from the vault's.
        keep = {n.lower() for n in names}
        for p in list((dest / "blobs").glob("*/*")) + list((dest / "staging" / STAGED_BLOBS).iterdir()):
            if p.name.lower() not in keep:
                p.unlink()
                res.blobs_removed += 1
    except OSError as e:
        raise _disk_error(e) from e
    res.seconds = time.monotonic() - t0
    return res


def verify_copy(
    dest: Path,
    vault: Vault,
    *,
    accept_older: bool = False,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> VerifyResult:
    """Open the copy with the vault's keys and verify every blob, the log and the seal."""
    finish_pending(dest)
    copy = Vault.open_with_keyring(dest, vault.keys)
    try:
        if accept_older and copy.older is not None:
            copy.accept_older_vault()
        return copy.verify(progress=progress, cancel=cancel)
    finally:
        # A copy with alerts must not get a fresh clean seal that would hide them.
        copy.lock(seal=not copy.alerts)


def backup(
    vault: Vault,
    dest: Path,
    *,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> BackupResult:
    """Copy, verify, then record the backup in the vault (setting and log event)."""
    try:
        return _backup(vault, dest, progress=progress, cancel=cancel)
    except OSError as e:
        raise _disk_error(e) from e


def _backup(vault: Vault, dest: Path, *, progress: Progress, cancel: Cancel) -> BackupResult:
    t0 = time.monotonic()
    _check_dest(vault, Path(dest))
    # Logged before the snapshot, so the backup holds its own "backup" entry and its log
    # is the vault's log, not one entry behind it. That it verified is the setting below.
    with vault._write():
        vault.log.append("backup", data={"items": vault._conn.execute("SELECT COUNT(*) FROM items").fetchone()[0]})
    vault.flush()
    res = copy_vault(vault, dest, progress=progress, cancel=cancel)
    ver = verify_copy(Path(dest), vault, cancel=cancel)
    res.items_verified = ver.items_checked
    if not ver.ok:
        res.problems = [str(p) for p in ver.problems]
        raise IntegrityError(
            "; ".join(res.problems[:3]),
            ko="백업 사본을 검증하지 못했습니다. 백업이 완료되지 않았습니다.",
            en="The backup copy did not verify. The backup is NOT complete.",
        )
    res.seconds = time.monotonic() - t0
    res.verified_at = iso_utc(vault.clock.now())
    record = {
        "time": res.verified_at,
        "dest": str(Path(dest).resolve()),
        "log_size": res.log_size,
        "items": res.items_verified,
    }
    # A setting, not a log entry: a log entry made now would make the fresh backup one
    # entry "older" than the vault, and opening it would raise the rollback alert.
    with vault._write():
        vault._set_setting(LAST_BACKUP_KEY, record)
    vault.flush()
    return res


def last_backup(vault: Vault) -> dict[str, Any] | None:
    value = vault.get_setting(LAST_BACKUP_KEY)
    return value if isinstance(value, dict) else None


def backup_is_stale(vault: Vault) -> bool:
    """True when evidence was added after the newest verified backup (or there is none)."""
    rec = last_backup(vault)
    n_items = int(vault._conn.execute("SELECT COUNT(*) FROM items").fetchone()[0])
    if rec is None:
        return n_items > 0
    return n_items > int(rec.get("items", 0))


def restore(
    backup_vault: Vault,
    dest: Path,
    *,
    accept_older: bool = False,
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> BackupResult:
    """Copy an opened backup to ``dest`` and verify it; nothing is written into the backup.

    A backup older than what this computer last saw of the vault is refused unless the
    user confirmed (``accept_older``); the confirmation is logged in the restored vault.
    """
    if backup_vault.older is not None and not accept_older:
        raise backup_vault.older
    if Path(dest).exists() and (Path(dest) / "vault.json").exists():
        raise VaultExistsError(str(dest))
    res = copy_vault(backup_vault, dest, progress=progress, cancel=cancel)
    ver = verify_copy(Path(dest), backup_vault, accept_older=accept_older, cancel=cancel)
    res.items_verified = ver.items_checked
    if not ver.ok:
        raise IntegrityError(
            "; ".join(str(p) for p in ver.problems[:3]),
            ko="복원한 보관함을 검증하지 못했습니다.",
            en="The restored vault did not verify.",
        )
    return res
