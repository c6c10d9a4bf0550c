"""A full check of an open vault: every blob against its record, every record against the
log, the log against its signed head, and the database file against its seal."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from ..common.errors import CancelledError, EvidenceKitError
from ..common.model import CustodyEvent, Item
from ..evidence.ingest import Cancel, Progress, never_cancel, no_progress
from . import rekey
from .alerts import Alert
from .custody import CustodyLog
from .items import ITEM_COLS, ItemRecords, stored_sha256
from .metastore import DB_ERRORS, MetaStore
from .reading import ItemReader


@dataclass
class VerifyResult:
    ok: bool
    items_checked: int
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log_size: int = 0


def _read_log(
    log: CustodyLog, vault_id: str, problems: list[str], warnings: list[str]
) -> dict[str, dict[str, Any]]:
    """Check the log; return each item's acquisition event data (its hashes)."""
    events: list[CustodyEvent]
    try:
        problems += log.verify()
        events = log.events()
    except (EvidenceKitError, *DB_ERRORS) as e:
        problems.append(f"custody log: {e}")
        events = []
    acquired: dict[str, dict[str, Any]] = {}
    for ev in events:
        # The first acquisition event names an item's hashes; a later "derive" event on
        # a parent only links it to its copy.
        if ev.action in ("import", "capture", "derive") and ev.item_id and "sha256" in ev.data:
            acquired.setdefault(ev.item_id, ev.data)
        if ev.action == "rekey":
            bad = rekey.handover_problem(ev.data, vault_id)
            if bad:
                problems.append(bad)
        if ev.action == "integrity-alert":
            problem = ev.data.get("problem")
            warnings.append(
                Alert(
                    f"{ev.time_utc}: an integrity alert was recorded: {problem}",
                    f"{ev.time_utc}: 무결성 경고가 기록되어 있습니다: {ev.data.get('problem_ko', problem)}",
                )
            )
    return acquired


def _blob_problem(reader: ItemReader, item: Item) -> str | None:
    try:
        h = hashlib.sha256()
        n = 0
        for chunk in reader.iter_plaintext(item.id):
            h.update(chunk)
            n += len(chunk)
        if h.hexdigest() != stored_sha256(item) or n != (item.stored_size or item.size):
            return f"{item.exhibit_label_en}: content does not match its SHA-256"
    except EvidenceKitError as e:
        return f"{item.exhibit_label_en}: {e.detail or e}"
    except DB_ERRORS as e:
        return f"{item.exhibit_label_en}: database: {e}"
    return None


def verify_vault(
    db: MetaStore,
    log: CustodyLog,
    items: ItemRecords,
    reader: ItemReader,
    *,
    vault_id: str,
    alerts: list[str],
    progress: Progress = no_progress,
    cancel: Cancel = never_cancel,
) -> VerifyResult:
    problems = list(alerts)
    warnings: list[str] = []
    acquired = _read_log(log, vault_id, problems, warnings)
    try:
        rows = db.conn.execute(f"SELECT {ITEM_COLS} FROM items").fetchall()  # noqa: S608
    except DB_ERRORS as e:
        problems.append(f"database: {e}")
        rows = []
    checked = 0
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if cancel():
            raise CancelledError()
        try:
            item = items.from_row(tuple(row))
        except EvidenceKitError as e:
            problems.append(f"item {row[0]}: record {e.detail or e}")
            continue
        seen.add(item.id)
        logged = acquired.get(item.id)
        if logged is None:
            problems.append(f"{item.exhibit_label_en}: not found in the custody log")
        elif logged.get("sha256") != item.sha256 or logged.get("size") != item.size:
            problems.append(f"{item.exhibit_label_en}: record differs from the custody log")
        if row[3] is not None and (bad := _blob_problem(reader, item)):
            problems.append(bad)
        checked += 1
        progress(i + 1, len(rows))
    for item_id in sorted(set(acquired) - seen):
        problems.append(f"item {item_id} is in the custody log but its record is gone")
    try:
        res = db.conn.execute("PRAGMA integrity_check").fetchone()[0]
        if res != "ok":
            problems.append(f"database structure: {res}")
    except DB_ERRORS as e:
        problems.append(f"database structure: {e}")
    return VerifyResult(not problems, checked, problems, warnings, log.size)
