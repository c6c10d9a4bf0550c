"""What this computer remembers about vaults it has opened: the last signed log head.

A vault folder cannot tell, on its own, that it was replaced by an older copy of itself:
every older copy is internally consistent and correctly signed. So each time a vault is
opened or saved cleanly, the size, root hash and time of its custody-log head are written
here, outside the vault, in the per-user config folder beside the desktop app's settings.
The next unlock compares: a log that is shorter than the last head seen, or whose first
entries no longer hash to that head's root, is an older (or different) vault.

Nothing here is evidence or metadata: only vault id -> (size, root, time). What it cannot
catch is an attacker who also rolls back this folder (the user's home); trusted timestamps
and the printed 해시값 확인서 (which carries the head) are the answer there (docs/design.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.errors import IntegrityError
from ..common.fsutil import ensure_private_dir

log = logging.getLogger(__name__)

STATE_ENV = "EVIDENCE_KIT_STATE_DIR"
STATE_FILE = "vault-heads.json"
STATE_FORMAT = "evidence-kit-seen-heads"


def state_dir() -> Path:
    env = os.environ.get(STATE_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("EvidenceKit", appauthor=False))


@dataclass(frozen=True)
class SeenHead:
    size: int
    root: str  # hex
    time: str  # the signed head's own time (UTC, ISO 8601)

    def to_json(self) -> dict[str, Any]:
        return {"size": self.size, "root": self.root, "time": self.time}


class OlderVaultError(IntegrityError):
    """The vault's log is shorter than, or does not extend, the last head this computer saw."""

    def __init__(self, seen: SeenHead, now_size: int, *, diverged: bool = False) -> None:
        self.seen = seen
        self.now_size = now_size
        self.diverged = diverged
        date = seen.time[:10]
        if diverged:
            ko = (
                f"이 보관함의 기록이 이 컴퓨터에서 마지막으로 연 보관함의 기록과 이어지지 않습니다 "
                f"({date}에 기록 {seen.size}건, 지금 {now_size}건). 다른 보관함이나 변조된 사본일 수 있습니다."
            )
            en = (
                f"This vault's log does not continue the one last opened on this computer "
                f"({seen.size} entries on {date}, now {now_size}). It may be another or an altered copy."
            )
        else:
            ko = (
                f"이 보관함은 이 컴퓨터에서 마지막으로 연 보관함보다 오래된 사본입니다 "
                f"({date}에 기록 {seen.size}건, 지금 {now_size}건). 최근 증거가 빠져 있을 수 있습니다."
            )
            en = (
                f"This vault is older than the one last opened on this computer "
                f"({seen.size} entries on {date}, now {now_size}). Recent evidence may be missing."
            )
        super().__init__("", ko=ko, en=en)


def _load_all(path: Path) -> dict[str, Any]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as e:
        log.warning("vault state file unreadable (%s); starting afresh", type(e).__name__)
        return {}
    if not isinstance(obj, dict) or obj.get("format") != STATE_FORMAT or not isinstance(obj.get("vaults"), dict):
        return {}
    vaults: dict[str, Any] = obj["vaults"]
    return vaults


def load_seen(vault_id: str) -> SeenHead | None:
    entry = _load_all(state_dir() / STATE_FILE).get(vault_id)
    try:
        if isinstance(entry, dict):
            return SeenHead(int(entry["size"]), str(entry["root"]), str(entry["time"]))
    except (KeyError, TypeError, ValueError):
        log.warning("vault state entry unreadable; ignored")
    return None


def load_flagged(vault_id: str) -> SeenHead | None:
    """The older copy's own head when it was first found older (so that, grown since by
    the alerts and views of its sessions, it is still called older, not "another vault")."""
    entry = _load_all(state_dir() / STATE_FILE).get(vault_id)
    flagged = entry.get("older_copy") if isinstance(entry, dict) else None
    try:
        if isinstance(flagged, dict):
            return SeenHead(int(flagged["size"]), str(flagged["root"]), str(flagged["time"]))
    except (KeyError, TypeError, ValueError):
        pass
    return None


def record_flagged(vault_id: str, seen: SeenHead, older: SeenHead) -> None:
    entry = seen.to_json()
    entry["older_copy"] = older.to_json()
    _store(vault_id, entry)


def record_seen(vault_id: str, head: SeenHead) -> None:
    """Remember ``head`` for ``vault_id``. Never fails the caller: a state folder we cannot
    write weakens rollback detection but must not stop the vault from saving evidence."""
    _store(vault_id, head.to_json())


def _store(vault_id: str, entry: dict[str, Any]) -> None:
    d = state_dir()
    path = d / STATE_FILE
    try:
        ensure_private_dir(d)
        vaults = _load_all(path)
        if vaults.get(vault_id) == entry:
            return
        vaults[vault_id] = entry
        data = json.dumps({"format": STATE_FORMAT, "version": 1, "vaults": vaults}, indent=1, sort_keys=True)
        # No fsync: losing the newest update on power loss leaves an older head here,
        # which only weakens the check by a few entries and never raises a false alarm.
        tmp = d / f".{STATE_FILE}.{secrets.token_hex(4)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(data)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    except OSError as e:
        log.warning("could not record the vault head in %s: %s", d, e.strerror or e)
