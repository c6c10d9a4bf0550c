"""The switch step of a backup (issue 20), which opening a vault also finishes.

A backup stages its new database, seal and ``vault.json`` in ``staging/next/`` and new
blobs in ``staging/blobs/``, then writes ``READY`` and renames everything into place. A
kill during the renames leaves ``READY`` behind: :func:`finish_pending` rolls the switch
forward, so a reader sees either the old or the new backup. It lives apart from
``backup`` because the vault runs it on open, and ``backup`` needs the vault.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from ..common.fsutil import fsync_dir

log = logging.getLogger(__name__)

NEXT = "next"
STAGED_BLOBS = "blobs"  # new blobs wait in staging/blobs/ until the switch, so an
# interrupted backup never leaves blobs without records in blobs/ (the first open of the
# old backup would quarantine them and log it, and its log would no longer be the vault's)
READY = "READY"
META_FILES = ("meta.sqlite", "meta.seal", "vault.json")


def make_dir(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # FAT/exFAT: no permissions to set
        os.chmod(path, 0o700)


def switch_pending(dest: Path) -> bool:
    """A switch was staged completely and may not have been made."""
    return (dest / "staging" / NEXT / READY).is_file()


def _move_staged_blobs(dest: Path) -> None:
    staged = dest / "staging" / STAGED_BLOBS
    if staged.is_dir():
        for p in sorted(staged.iterdir()):
            make_dir(dest / "blobs" / p.name[:2])
            os.replace(p, dest / "blobs" / p.name[:2] / p.name)
        for d in {p.parent for p in (dest / "blobs").glob("*/*")}:
            fsync_dir(d)


def finish_pending(dest: Path) -> bool:
    """Roll an interrupted switch forward; drop unfinished metadata (staged blobs are kept
    for the next run: they are complete, read-back-checked copies)."""
    nxt = dest / "staging" / NEXT
    if not nxt.is_dir():
        return False
    if (nxt / READY).is_file():
        _move_staged_blobs(dest)
        for name in META_FILES:
            if (nxt / name).exists():
                if name == "meta.sqlite":
                    for side in ("meta.sqlite-wal", "meta.sqlite-shm"):
                        with contextlib.suppress(FileNotFoundError):
                            (dest / side).unlink()
                os.replace(nxt / name, dest / name)
        fsync_dir(dest)
        (nxt / READY).unlink()
        log.info("an interrupted backup switch was finished")
    for p in nxt.iterdir():
        p.unlink()
    nxt.rmdir()
    return True
