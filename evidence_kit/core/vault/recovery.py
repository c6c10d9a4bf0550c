"""What opening a vault checks and repairs: the seal's verdict, a rollback to an older
copy (against what this computer last saw), and the leftovers of a crash (staging files,
blobs without records), each logged as it is handled."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.clock import Clock
from ..common.errors import EvidenceKitError
from ..common.fsutil import fsync_dir
from ..crypto import merkle
from ..crypto.keys import Keyring
from . import rekey
from .alerts import Alert
from .backup_switch import finish_pending, switch_pending
from .blobstore import BlobStore
from .custody import CustodyLog
from .localstate import OlderVaultError, SeenHead, load_flagged, load_seen, record_flagged, record_seen
from .metastore import MetaStore, check_seal, set_aside_journal


@dataclass
class Ready:
    """What :func:`before_open` found: the keys and key-file body to open with, the seal's
    verdict, and what to tell the user."""

    keys: Keyring
    body: dict[str, Any]
    seal_state: str
    journal_alert: Alert | None
    notice: Alert | None


def before_open(path: Path, keys: Keyring, body: dict[str, Any], clock: Clock) -> Ready:
    """Under the vault's lock, before the database is opened for use."""
    if switch_pending(path):
        finish_pending(path)  # a backup killed mid-switch (issue 20)
    journal_alert = set_aside_journal(path)
    keys, body, notice = rekey.resume_change(path, keys, body, clock)
    seal_state = check_seal(path, keys)
    # Before anything is written with these keys, also after a dirty close.
    rekey.refuse_replaced_keys(path, keys)
    return Ready(keys, body, seal_state, journal_alert, notice)


def after_open(
    db: MetaStore, log: CustodyLog, blobs: BlobStore, vault_id: str, alerts: list[str], seal_state: str
) -> OlderVaultError | None:
    """The checks of a freshly opened vault; problems go to ``alerts``. Returns the older
    copy this is, if it is one."""
    tampered = seal_alert(seal_state)
    if tampered:
        alerts.append(tampered)
    alerts.extend(log.verify())
    if seal_state == "dirty":
        alerts.extend(db.dirty_seal_problems(log.size))
    older = None
    if not alerts:
        older = check_rollback(vault_id, log)
        if older is not None:
            alerts.append(Alert(older.message("en"), older.message("ko")))
    recover(db, log, blobs, alerts, older, after_crash=seal_state == "dirty")
    if not alerts:
        remember_head(vault_id, log)
    return older


def seal_alert(seal_state: str) -> str | None:
    """The alert for a seal found 'tampered:<what>', else None."""
    if not seal_state.startswith("tampered"):
        return None
    what = seal_state.split(":", 1)[1]
    return {
        "database": "the metadata database was changed outside the app",
        "seal": "the database seal file was changed outside the app",
        "missing-seal": "the database seal file is missing",
    }.get(what, what)


def check_rollback(vault_id: str, log: CustodyLog) -> OlderVaultError | None:
    """An older copy of the vault than this computer last saw (or one that went another way)."""
    seen = load_seen(vault_id)
    if seen is None:
        return None
    size = log.size
    leaves = log.leaves()

    def extends(head: SeenHead) -> bool:
        return len(leaves) >= head.size and merkle.root_from_leaves(leaves[: head.size]).hex() == head.root

    if extends(seen):
        return None
    flagged = load_flagged(vault_id)
    diverged = size >= seen.size and not (flagged is not None and extends(flagged))
    if flagged is None and size < seen.size:
        f = log.head().fields
        record_flagged(vault_id, seen, SeenHead(int(f["size"]), str(f["root"]), str(f["time"])))
    return OlderVaultError(seen, size, diverged=diverged)


def remember_head(vault_id: str, log: CustodyLog) -> None:
    try:
        head = log.head()
    except EvidenceKitError:
        return
    f = head.fields
    record_seen(vault_id, SeenHead(int(f["size"]), str(f["root"]), str(f["time"])))


def recover(
    db: MetaStore,
    log: CustodyLog,
    blobs: BlobStore,
    alerts: list[str],
    older: OlderVaultError | None,
    *,
    after_crash: bool,
) -> None:
    """Clean up after a crash: staging leftovers, blobs without records; log every alert."""
    leftovers = blobs.staging_leftovers()
    for p in leftovers:
        p.unlink()  # ciphertext only: plaintext is never written anywhere
    known = {r[0] for r in db.conn.execute("SELECT blob FROM items WHERE blob IS NOT NULL")}
    on_disk = blobs.on_disk()
    orphans = sorted(set(on_disk) - known)
    missing = sorted(known - set(on_disk))
    suspect = bool(alerts)
    for name in missing:
        alerts.append(f"evidence file {name} is missing")
    if suspect:
        # The database itself is in doubt: a blob that looks orphaned may be one whose
        # record was altered. Report, never move evidence on the word of a suspect record.
        alerts.extend(f"evidence file {name} has no record" for name in orphans)
        orphans = []
    if not (orphans or leftovers or after_crash or alerts):
        return
    with db.transaction():
        for msg in alerts:
            if older is not None and msg == older.message("en"):
                # Not logged at every open: logging grows the old copy's log, and the
                # next open would then call it "another vault" instead of "older".
                # Confirming it (accept_older_vault) is what goes into the log.
                continue
            data = {"problem": str(msg)}
            if isinstance(msg, Alert):
                data["problem_ko"] = msg.ko
            log.append("integrity-alert", data=data)
        for name in orphans:
            blobs.move_to_quarantine(name, on_disk[name])
            log.append("recover", data={"quarantined": name})
        if leftovers or after_crash:
            log.append("recover", data={"after_crash": after_crash, "staging_removed": len(leftovers)})
    fsync_dir(db.path / "quarantine")
