"""The metadata database (``meta.sqlite``) and its seal (``meta.seal``).

Sensitive columns are AEAD-sealed with AAD binding the clear columns; the schema grows by
numbered migrations run on open. A MAC over the whole database file detects any byte changed
while the app was closed, including bytes no query would read. It is written at each clean
close point; before the first write of a session the seal is set to "dirty" so that a crash
is told apart from tampering: a dirty seal triggers recovery checks instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..common.canonical import canonical_json, parse_canonical
from ..common.errors import EvidenceKitError, VaultFormatError, VaultLockedError
from ..common.fsutil import atomic_write_bytes, ensure_private_dir, fsync_dir
from ..crypto.keys import Keyring
from .alerts import Alert
from .custody import CustodyLog

log = logging.getLogger(__name__)

# What a damaged database file can raise from inside SQLite or the sqlite3 module.
DB_ERRORS = (sqlite3.DatabaseError, UnicodeError, ValueError, OverflowError)

# Settings row naming the session that last wrote (issue 15: dirty-seal replay).
SESSION_KEY = "seal-session"
REPLAYED_SEAL = Alert(
    "the database seal belongs to another session than the database: an old seal was put back "
    "beside a changed database",
    "데이터베이스 봉인이 이 데이터베이스의 것이 아닙니다: 바뀐 데이터베이스 옆에 예전 봉인이 다시 놓였습니다",
)
# Schema migrations: version N's statements bring a version N-1 database to N. Add new
# tables here (never edit an old entry): a vault made by an older app is upgraded on open.
MIGRATIONS: dict[int, str] = {
    # 2: chat exports (issues 6 and 12). Clear columns: ids and order only; the rest sealed
    # with AAD binding table, row id, chat/case id and position (evidence_kit/core/chat/store.py).
    2: """
CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    ord INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chats_case ON chats(case_id, ord);
CREATE TABLE IF NOT EXISTS chat_messages (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES chats(id),
    seq INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    UNIQUE (chat_id, seq)
);
""",
    # 3: trusted timestamps (issue 11). Clear columns: checkpoint ids and order only; the queue
    # state and each RFC 3161 reply with its chain sealed with AAD binding table, row id,
    # checkpoint id and position (evidence_kit/core/timestamps/store.py).
    3: """
CREATE TABLE IF NOT EXISTS timestamp_queue (
    checkpoint_id INTEGER PRIMARY KEY REFERENCES checkpoints(id),
    sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS timestamps (
    id TEXT PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoints(id),
    ord INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    UNIQUE (checkpoint_id, ord)
);
""",
}
SCHEMA_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS cases (
    id TEXT PRIMARY KEY,
    ord INTEGER NOT NULL,
    sealed BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS items (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases(id),
    exhibit INTEGER NOT NULL,
    blob TEXT,
    dedup BLOB NOT NULL,
    sealed BLOB NOT NULL,
    UNIQUE (case_id, exhibit)
);
CREATE INDEX IF NOT EXISTS items_dedup ON items(case_id, dedup);
CREATE TABLE IF NOT EXISTS custody_log (
    seq INTEGER PRIMARY KEY,
    case_id TEXT,
    item_id TEXT,
    leaf BLOB NOT NULL,
    sealed BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS custody_item ON custody_log(item_id);
CREATE INDEX IF NOT EXISTS custody_case ON custody_log(case_id);
CREATE TABLE IF NOT EXISTS log_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body BLOB NOT NULL,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    id INTEGER PRIMARY KEY,
    size INTEGER NOT NULL,
    body BLOB NOT NULL,
    signature BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    sealed BLOB NOT NULL
);
"""




def db_mac(path: Path, keys: Keyring) -> str:
    """MAC over the database file and its WAL in the folder ``path``."""
    mac = hmac.new(keys.db_mac_key, b"evidence-kit db v1", hashlib.sha256)
    for name in ("meta.sqlite", "meta.sqlite-wal"):
        p = path / name
        mac.update(name.encode() + b"\x00")
        if p.exists():
            with p.open("rb") as f:
                while block := f.read(1 << 20):
                    mac.update(block)
    return mac.hexdigest()


def seal_body_mac(keys: Keyring, body: dict[str, Any]) -> str:
    return hmac.new(keys.db_mac_key, canonical_json(body), hashlib.sha256).hexdigest()


def write_seal_file(path: Path, keys: Keyring, body: dict[str, Any]) -> None:
    atomic_write_bytes(path / "meta.seal", canonical_json({"body": body, "mac": seal_body_mac(keys, body)}))


def check_seal(path: Path, keys: Keyring) -> str:
    """'clean', 'dirty', or 'tampered:<what>' (the reason is told by the caller)."""
    try:
        obj = parse_canonical((path / "meta.seal").read_bytes())
        body = obj["body"]
        if not hmac.compare_digest(obj["mac"], seal_body_mac(keys, body)):
            return "tampered:seal"
    except FileNotFoundError:
        return "tampered:missing-seal"
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        return "tampered:seal"
    if body.get("state") == "dirty":
        return "dirty"
    if body.get("state") != "clean":
        return "tampered:seal"
    if not hmac.compare_digest(body.get("db", ""), db_mac(path, keys)):
        return "tampered:database"
    return "clean"


def set_aside_journal(path: Path) -> Alert | None:
    """Move a rollback journal found beside the WAL-mode database out of SQLite's reach.

    The vault's database never has a ``-journal`` (it runs in WAL mode), so one found
    here was put there: SQLite would "roll it back" into the file on open, after our
    seal had checked the file, and could silently replace its content (issue 15, attack
    3). It is kept in quarantine for examination, never replayed. Also drops a stale
    ``-shm`` so SQLite rebuilds its WAL index from the (sealed) WAL itself; we hold the
    vault lock, so no other connection can be using it.
    """
    with contextlib.suppress(FileNotFoundError):
        (path / "meta.sqlite-shm").unlink()
    journal = path / "meta.sqlite-journal"
    if not (journal.exists() or journal.is_symlink()):
        return None
    ensure_private_dir(path / "quarantine")
    dest = path / "quarantine" / f"meta.sqlite-journal.{secrets.token_hex(4)}"
    os.replace(journal, dest)
    fsync_dir(path / "quarantine")
    fsync_dir(path)
    log.warning("a rollback journal beside the database was set aside")
    return Alert(
        "a rollback journal (meta.sqlite-journal) was found beside the database: someone may have "
        f"tried to replace its content. It was not applied and was moved to quarantine/{dest.name}",
        "데이터베이스 옆에서 롤백 저널(meta.sqlite-journal)이 발견되었습니다: 누군가 내용을 바꾸려 했을 수 "
        f"있습니다. 적용하지 않고 quarantine/{dest.name} 으로 옮겼습니다",
    )


def connect_plain(path: Path) -> sqlite3.Connection:
    """A connection for work done before the vault opens (finishing an interrupted rekey)."""
    conn = sqlite3.connect(path / "meta.sqlite", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    return conn


class MetaStore:
    """The open database of one vault, its seal, its write scope and its settings."""

    def __init__(self, path: Path, keys: Keyring) -> None:
        self.path = path
        self.keys = keys
        self.dirty = False
        self.closed = False
        # Every dirty seal names this session and the one before it (issue 15): an old
        # dirty seal replayed beside a truncated database no longer matches the database.
        self.session_nonce = secrets.token_hex(16)
        self.session_recorded = False
        self.log: CustodyLog | None = None  # set by the vault once the log is built on conn
        self.on_clean: Callable[[], None] = lambda: None  # after each clean seal
        self.conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path / "meta.sqlite", isolation_level=None, check_same_thread=False)
        # A damaged or altered text column must not raise UnicodeDecodeError from deep inside
        # a query: decode leniently; the altered value then fails its AEAD binding instead.
        conn.text_factory = lambda b: b.decode("utf-8", "replace")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("PRAGMA foreign_keys=ON")
        # Our own seal decides when the WAL is folded back; keep SQLite from doing it
        # between our MAC computations at odd moments.
        conn.execute("PRAGMA wal_autocheckpoint=0")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        target = max([SCHEMA_VERSION, *MIGRATIONS])
        if version == 0:
            conn.executescript(SCHEMA)
            version = 1
            conn.execute("PRAGMA user_version=1")
        if version < target and (self.path / "meta.seal").exists():
            # Upgrading changes the file: say so in the seal first, or the next start
            # would take the upgrade for tampering.
            self.write_seal("dirty", conn)
            self.dirty = True
        for v in range(version + 1, target + 1):
            conn.executescript("BEGIN;\n" + MIGRATIONS[v] + f"\nPRAGMA user_version={v};\nCOMMIT;")
        if version > target:
            raise VaultFormatError(f"database schema {version} is newer than this app")
        return conn

    # ------------------------------------------------------------------ seal

    def write_seal(self, state: str, conn: sqlite3.Connection | None = None) -> None:
        body: dict[str, Any] = {"state": state, "log_size": self.log.size if self.log else -1}
        body["nonce"] = self.session_nonce
        if state == "dirty":
            body["prev"] = self.session_of(conn or self.conn)
        if state == "clean":
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            body["db"] = db_mac(self.path, self.keys)
        write_seal_file(self.path, self.keys, body)

    def session_of(self, conn: sqlite3.Connection) -> str | None:
        """The session nonce the database names now (None: none yet, or unreadable)."""
        try:
            row = conn.execute("SELECT sealed FROM settings WHERE key = ?", (SESSION_KEY,)).fetchone()
            if row is None:
                return None
            value = parse_canonical(self.keys.open(row[0], f"settings\x00{SESSION_KEY}"))
        except (EvidenceKitError, ValueError, *DB_ERRORS):
            return None
        nonce = value.get("nonce") if isinstance(value, dict) else None
        return nonce if isinstance(nonce, str) else None

    def dirty_seal_problems(self, log_size: int) -> list[str]:
        """A dirty seal is only believed for the database it was written beside."""
        obj = parse_canonical((self.path / "meta.seal").read_bytes())
        body: dict[str, Any] = obj["body"]
        problems: list[str] = []
        value = self.get_setting(SESSION_KEY)
        recorded = value if isinstance(value, dict) else None
        size = body.get("log_size", -1)
        if isinstance(size, int) and log_size < size:
            problems.append(
                Alert(
                    f"the custody log has {log_size} entries, fewer than the {size} its seal recorded",
                    f"보관 기록이 {log_size}건으로, 봉인에 기록된 {size}건보다 적습니다",
                )
            )
        if "nonce" not in body:
            if recorded is not None:
                problems.append(REPLAYED_SEAL)
            return problems
        # Crash before the session's first commit: the database still names the previous
        # session, which the dirty seal recorded as "prev".
        allowed = {body["nonce"], body.get("prev")}
        if (recorded or {}).get("nonce") not in allowed:
            problems.append(REPLAYED_SEAL)
        if isinstance(recorded, dict) and isinstance(recorded.get("log_size"), int):
            if log_size < recorded["log_size"]:
                n = recorded["log_size"]
                problems.append(
                    Alert(
                        f"the custody log has {log_size} entries, fewer than the {n} recorded "
                        "when its last session began",
                        f"보관 기록이 {log_size}건으로, 마지막 작업 시작 때 기록된 {n}건보다 적습니다",
                    )
                )
        return problems

    # ----------------------------------------------------------- write scope

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One SQLite transaction that also appends to the custody log; commit = saved."""
        self.require_open()
        assert self.log is not None, "the custody log is attached before any write"
        if not self.dirty:
            self.write_seal("dirty")
            self.dirty = True
        self.log.snapshot()
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if not self.session_recorded:
                self.put_setting(SESSION_KEY, {"nonce": self.session_nonce, "log_size": self.log.size})
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            self.log.restore()
            raise
        self.conn.execute("COMMIT")
        self.session_recorded = True
        self.log.committed()

    def require_open(self) -> None:
        if self.closed:
            raise VaultLockedError()

    def flush(self) -> None:
        """A clean point: fold the WAL and write the database seal."""
        if self.dirty and not self.closed:
            self.write_seal("clean")
            self.dirty = False
            self.on_clean()

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(*DB_ERRORS):
            self.conn.close()

    # -------------------------------------------------------------- settings

    def put_setting(self, key: str, value: Any) -> None:
        """Inside a transaction."""
        self.conn.execute(
            "INSERT OR REPLACE INTO settings(key, sealed) VALUES (?, ?)",
            (key, self.keys.seal(canonical_json(value), f"settings\x00{key}")),
        )

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.conn.execute("SELECT sealed FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        return parse_canonical(self.keys.open(row[0], f"settings\x00{key}"))
