"""The encrypted evidence vault.

Layout of a vault folder (everything but ``vault.json``'s public part is unreadable
without the passphrase)::

    vault.json      key slots (Argon2id-wrapped master key, recovery slot), public keys, MAC
    meta.sqlite     metadata: cases, items, custody log; sensitive columns AEAD-sealed
    meta.seal       MAC over the database file at the last clean close, or "dirty"
    blobs/ab/…age   evidence, one age v1 file per item, random names
    staging/        ciphertext being written (deleted on startup)
    quarantine/     ciphertext found without a record (kept, logged)
    lock            advisory lock: one process at a time

The write path for an item is: encrypt into ``staging/`` while hashing, fsync, atomic
rename into ``blobs/``, fsync the directory, then one SQLite transaction inserting the
item row and its custody-log event. Only after that commit is the item reported saved.
See docs/design.md for the reasoning.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import logging
import os
import secrets
import sqlite3
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..common.canonical import canonical_json, parse_canonical
from ..common.clock import Clock, iso_utc
from ..common.errors import (
    CancelledError,
    EvidenceKitError,
    InputError,
    IntegrityError,
    NotFoundError,
    VaultBusyError,
    VaultExistsError,
    VaultFormatError,
    VaultNotFoundError,
    WrongPassphraseError,
)
from ..common.fsutil import EarlyWriteback, atomic_write_bytes, ensure_private_dir, fsync_dir
from ..common.model import (
    METHOD_DERIVED,
    POLICIES,
    AddResult,
    Case,
    CustodyEvent,
    Item,
    ItemInput,
    Source,
    default_policy,
)
from ..crypto import age, age_recipients, age_stream, merkle
from ..crypto.keys import (
    KdfParams,
    Keyring,
    b64d,
    b64e,
    calibrate_kdf,
    check_passphrase_strength,
    hkdf,
    key_fingerprint,
    new_recovery_key,
    parse_recovery_key,
    unwrap_key,
    wrap_key,
)
from ..evidence import perceptual as pq
from ..evidence import redact
from ..evidence.ingest import (
    Cancel,
    Digests,
    Progress,
    Readable,
    legacy_digests,
    never_cancel,
    no_progress,
    seal_stream,
)
from ..evidence.metadata import HEAD_BYTES, extract, sniff_media_type
from . import rekey
from .custody import CustodyLog, SignedHead
from .localstate import OlderVaultError, SeenHead, load_flagged, load_seen, record_flagged, record_seen

log = logging.getLogger(__name__)

# Record-only images are decoded in memory to make their redacted derivative; bigger
# files (or anything that is not an image) are recorded by their hashes only.
RECORD_ONLY_IMAGE_LIMIT = 256 * 1024 * 1024


class Alert(str):
    """An integrity alert: the English text (what ``alerts`` has always held) plus Korean."""

    ko: str

    def __new__(cls, en: str, ko: str) -> Alert:
        obj = super().__new__(cls, en)
        obj.ko = ko
        return obj

    def message(self, lang: str) -> str:
        return self.ko if lang.startswith("ko") else str(self)


def alert_text(alert: str, lang: str) -> str:
    """An alert or problem line in ``lang`` (older alerts are English only)."""
    return alert.message(lang) if isinstance(alert, Alert) else alert


class _Discard:
    """A sink for hashing without storing (record-only files that are not images)."""

    def write(self, data: bytes | memoryview) -> None:
        return None


# What a damaged database file can raise from inside SQLite or the sqlite3 module.
_DB_ERRORS = (sqlite3.DatabaseError, UnicodeError, ValueError, OverflowError)

VAULT_FORMAT = "evidence-kit-vault"
# Settings row naming the session that last wrote (issue 15: dirty-seal replay).
_SESSION_KEY = "seal-session"
_REPLAYED_SEAL = Alert(
    "the database seal belongs to another session than the database: an old seal was put back "
    "beside a changed database",
    "데이터베이스 봉인이 이 데이터베이스의 것이 아닙니다: 바뀐 데이터베이스 옆에 예전 봉인이 다시 놓였습니다",
)
VAULT_VERSION = 1
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
    # checkpoint id and position (evidence_kit/core/timestamp.py).
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

_SCHEMA = """
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


@dataclass
class RekeyResult:
    """What a passphrase change did, for the UI to say."""

    blobs_rewrapped: int
    blobs_damaged: list[str]
    old_key: str
    new_key: str
    recovery_key: str | None  # a new recovery key to show once, if the vault had one
    seconds: float


@dataclass
class VerifyResult:
    ok: bool
    items_checked: int
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    log_size: int = 0


def _read_vault_file(path: Path) -> dict[str, Any]:
    try:
        raw = (path / "vault.json").read_bytes()
    except FileNotFoundError as e:
        raise VaultNotFoundError(str(path)) from e
    try:
        obj: dict[str, Any] = parse_canonical(raw.rstrip(b"\n"))
        body = obj["body"]
        if body["format"] != VAULT_FORMAT:
            raise VaultFormatError("not an Evidence Kit vault")
        if body["version"] != VAULT_VERSION:
            raise VaultFormatError(f"vault version {body['version']} is not supported")
        return obj
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise VaultFormatError("vault.json") from e


def _file_mac(keys: Keyring, body: dict[str, Any]) -> str:
    return hmac.new(keys.file_mac_key, canonical_json(body), hashlib.sha256).hexdigest()


class Vault:
    """An unlocked vault. Construct with :meth:`create` or :meth:`unlock`."""

    def __init__(self, path: Path, keys: Keyring, body: dict[str, Any], clock: Clock, lock_fd: int) -> None:
        self.path = path
        self.keys = keys
        self._body = body
        self.clock = clock
        self._lock_fd: int | None = lock_fd
        self.vault_id: str = body["vault_id"]
        self.alerts: list[str] = []
        self._dirty = False
        # Every dirty seal names this session and the one before it (issue 15): an old
        # dirty seal replayed beside a truncated database no longer matches the database.
        self._session_nonce = secrets.token_hex(16)
        self._session_recorded = False
        self.older: OlderVaultError | None = None
        self.notices: list[Alert] = []  # things to tell the user that are not integrity problems
        self.opened_with_recovery = False
        self._conn = self._connect()
        self.log = CustodyLog(self._conn, keys, clock, self.vault_id)

    # ----------------------------------------------------------------- opening

    @staticmethod
    def exists(path: Path) -> bool:
        return (path / "vault.json").is_file()

    @staticmethod
    def _take_lock(path: Path) -> int:
        from ..platforms import current  # fcntl here, msvcrt on Windows (issue 21)

        fd = os.open(path / "lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            current().lock_exclusive(fd)
        except OSError as e:
            os.close(fd)
            raise VaultBusyError() from e
        return fd

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        clock: Clock | None = None,
        role: str = "victim",
    ) -> Vault:
        check_passphrase_strength(passphrase)
        path = Path(path)
        if cls.exists(path):
            raise VaultExistsError(str(path))
        if path.exists() and any(path.iterdir()):
            raise VaultExistsError(f"{path} is not empty")
        ensure_private_dir(path)
        for sub in ("blobs", "staging", "quarantine"):
            ensure_private_dir(path / sub)
        lock_fd = cls._take_lock(path)
        try:
            params = kdf or calibrate_kdf()
            params.check_bounds()
            master = secrets.token_bytes(32)
            keys = Keyring(master)
            vault_id = str(uuid.uuid4())
            slot = {"kind": "passphrase", "kdf": params.to_json()}
            slot.update(wrap_key(params.derive(passphrase), master, f"{vault_id}/passphrase".encode()))
            body = {
                "format": VAULT_FORMAT,
                "version": VAULT_VERSION,
                "vault_id": vault_id,
                "slots": [slot],
                "public": {
                    "age_recipient": keys.recipient,
                    "ed25519": b64e(keys.public_key_raw()),
                },
            }
            cls._write_vault_file(path, keys, body)
            vault = cls(path, keys, body, clock or Clock(), lock_fd)
        except BaseException:
            os.close(lock_fd)
            raise
        with vault._write():
            vault.log.append("create-vault", data={"format": VAULT_FORMAT, "version": VAULT_VERSION})
            vault._set_setting("role", role)
        return vault

    @staticmethod
    def _write_vault_file(path: Path, keys: Keyring, body: dict[str, Any]) -> None:
        data = canonical_json({"body": body, "mac": _file_mac(keys, body)}) + b"\n"
        atomic_write_bytes(path / "vault.json", data)

    @classmethod
    def unlock(cls, path: Path, passphrase: str, *, clock: Clock | None = None) -> Vault:
        path = Path(path)
        obj = _read_vault_file(path)
        body = obj["body"]
        slot = next((s for s in body["slots"] if s.get("kind") == "passphrase"), None)
        if slot is None:
            raise VaultFormatError("no passphrase slot")
        params = KdfParams.from_json(slot["kdf"])
        try:
            master = unwrap_key(params.derive(passphrase), slot, f"{body['vault_id']}/passphrase".encode())
        except WrongPassphraseError:
            # A passphrase change was interrupted: the new passphrase opens it too (and
            # the unlock finishes the change).
            pending = rekey.read_pending(path)
            if pending is None:
                raise
            obj = rekey.pending_new_vault(pending)
            body = obj["body"]
            slot = next(s for s in body["slots"] if s.get("kind") == "passphrase")
            params = KdfParams.from_json(slot["kdf"])
            master = unwrap_key(params.derive(passphrase), slot, f"{body['vault_id']}/passphrase".encode())
        return cls._open(path, Keyring(master), obj, clock)

    @classmethod
    def unlock_with_recovery_key(cls, path: Path, recovery_key: str, *, clock: Clock | None = None) -> Vault:
        path = Path(path)
        obj = _read_vault_file(path)
        body = obj["body"]
        slot = next((s for s in body["slots"] if s.get("kind") == "recovery"), None)
        if slot is None:
            raise WrongPassphraseError("this vault has no recovery key")
        raw = parse_recovery_key(recovery_key)
        kek = hkdf(raw, "evidence-kit/v1/recovery-slot")
        master = unwrap_key(kek, slot, f"{body['vault_id']}/recovery".encode())
        vault = cls._open(path, Keyring(master), obj, clock)
        vault.opened_with_recovery = True
        return vault

    @classmethod
    def open_with_keyring(cls, path: Path, keys: Keyring, *, clock: Clock | None = None) -> Vault:
        """Re-open with keys already in memory (the app after a re-lock check; tests)."""
        path = Path(path)
        return cls._open(path, keys, _read_vault_file(path), clock)

    @classmethod
    def _open(cls, path: Path, keys: Keyring, obj: dict[str, Any], clock: Clock | None) -> Vault:
        body = obj["body"]
        if not hmac.compare_digest(str(obj.get("mac", "")), _file_mac(keys, body)):
            raise IntegrityError("vault.json was changed outside the app")
        if body["public"]["age_recipient"] != keys.recipient or b64d(body["public"]["ed25519"]) != (
            keys.public_key_raw()
        ):
            raise IntegrityError("vault public keys do not match")
        lock_fd = cls._take_lock(path)
        try:
            if (path / "staging" / "next" / "READY").is_file():
                from .backup import finish_pending  # a backup killed mid-switch (issue 20)

                finish_pending(path)
            journal_alert = cls._set_aside_journal(path)
            keys, body, notice = cls._resume_rekey(path, keys, body, clock or Clock())
            seal_state = cls._check_seal(path, keys)
            # Before anything is written with these keys, also after a dirty close.
            cls._refuse_replaced_keys(path, keys)
            vault = cls(path, keys, body, clock or Clock(), lock_fd)
            if journal_alert:
                vault.alerts.append(journal_alert)
            if notice:
                vault.notices.append(notice)
        except _DB_ERRORS as e:
            os.close(lock_fd)
            raise IntegrityError("the metadata database is damaged") from e
        except BaseException:
            os.close(lock_fd)
            raise
        try:
            vault._startup(seal_state)
        except _DB_ERRORS as e:
            vault.lock(seal=False)
            raise IntegrityError("the metadata database is damaged") from e
        except BaseException:
            vault.lock(seal=False)
            raise
        return vault

    # ------------------------------------------------------------ database seal
    #
    # A MAC over the whole database file detects any byte changed while the app was
    # closed, including bytes no query would read. It is written at each clean close
    # point; before the first write of a session the seal is set to "dirty" so that a
    # crash is told apart from tampering: a dirty seal triggers recovery checks instead.

    @staticmethod
    def _db_mac(path: Path, keys: Keyring) -> str:
        mac = hmac.new(keys.db_mac_key, b"evidence-kit db v1", hashlib.sha256)
        for name in ("meta.sqlite", "meta.sqlite-wal"):
            p = path / name
            mac.update(name.encode() + b"\x00")
            if p.exists():
                with p.open("rb") as f:
                    while block := f.read(1 << 20):
                        mac.update(block)
        return mac.hexdigest()

    @staticmethod
    def _seal_body_mac(keys: Keyring, body: dict[str, Any]) -> str:
        return hmac.new(keys.db_mac_key, canonical_json(body), hashlib.sha256).hexdigest()

    @classmethod
    def _check_seal(cls, path: Path, keys: Keyring) -> str:
        """'clean', 'dirty', or 'tampered' (with the reason logged by the caller)."""
        try:
            obj = parse_canonical((path / "meta.seal").read_bytes())
            body = obj["body"]
            if not hmac.compare_digest(obj["mac"], cls._seal_body_mac(keys, body)):
                return "tampered:seal"
        except FileNotFoundError:
            return "tampered:missing-seal"
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return "tampered:seal"
        if body.get("state") == "dirty":
            return "dirty"
        if body.get("state") != "clean":
            return "tampered:seal"
        if not hmac.compare_digest(body.get("db", ""), cls._db_mac(path, keys)):
            return "tampered:database"
        return "clean"

    @staticmethod
    def _set_aside_journal(path: Path) -> str | None:
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

    def _session_of(self, conn: sqlite3.Connection) -> str | None:
        """The session nonce the database names now (None: none yet, or unreadable)."""
        try:
            row = conn.execute("SELECT sealed FROM settings WHERE key = ?", (_SESSION_KEY,)).fetchone()
            if row is None:
                return None
            value = parse_canonical(self.keys.open(row[0], f"settings\x00{_SESSION_KEY}"))
        except (EvidenceKitError, ValueError, *_DB_ERRORS):
            return None
        nonce = value.get("nonce") if isinstance(value, dict) else None
        return nonce if isinstance(nonce, str) else None

    def _recorded_session(self) -> dict[str, Any] | None:
        value = self.get_setting(_SESSION_KEY)
        return value if isinstance(value, dict) else None

    def _check_dirty_seal(self) -> list[str]:
        """A dirty seal is only believed for the database it was written beside."""
        obj = parse_canonical((self.path / "meta.seal").read_bytes())
        body: dict[str, Any] = obj["body"]
        problems: list[str] = []
        recorded = self._recorded_session()
        size = body.get("log_size", -1)
        if isinstance(size, int) and self.log.size < size:
            problems.append(
                Alert(
                    f"the custody log has {self.log.size} entries, fewer than the {size} its seal recorded",
                    f"보관 기록이 {self.log.size}건으로, 봉인에 기록된 {size}건보다 적습니다",
                )
            )
        if "nonce" not in body:
            if recorded is not None:
                problems.append(_REPLAYED_SEAL)
            return problems
        # Crash before the session's first commit: the database still names the previous
        # session, which the dirty seal recorded as "prev".
        allowed = {body["nonce"], body.get("prev")}
        if (recorded or {}).get("nonce") not in allowed:
            problems.append(_REPLAYED_SEAL)
        if isinstance(recorded, dict) and isinstance(recorded.get("log_size"), int):
            if self.log.size < recorded["log_size"]:
                n = recorded["log_size"]
                problems.append(
                    Alert(
                        f"the custody log has {self.log.size} entries, fewer than the {n} recorded "
                        "when its last session began",
                        f"보관 기록이 {self.log.size}건으로, 마지막 작업 시작 때 기록된 {n}건보다 적습니다",
                    )
                )
        return problems

    # ------------------------------------------------------ rollback detection

    def _check_rollback(self) -> None:
        seen = load_seen(self.vault_id)
        if seen is None:
            return
        size = self.log.size
        leaves = self.log.leaves()

        def extends(head: SeenHead) -> bool:
            return len(leaves) >= head.size and merkle.root_from_leaves(leaves[: head.size]).hex() == head.root

        if extends(seen):
            return
        flagged = load_flagged(self.vault_id)
        diverged = size >= seen.size and not (flagged is not None and extends(flagged))
        if flagged is None and size < seen.size:
            f = self.log.head().fields
            record_flagged(self.vault_id, seen, SeenHead(int(f["size"]), str(f["root"]), str(f["time"])))
        self.older = OlderVaultError(seen, size, diverged=diverged)
        self.alerts.append(Alert(self.older.message("en"), self.older.message("ko")))

    def _remember_head(self) -> None:
        try:
            head = self.log.head()
        except EvidenceKitError:
            return
        f = head.fields
        record_seen(self.vault_id, SeenHead(int(f["size"]), str(f["root"]), str(f["time"])))

    def accept_older_vault(self) -> dict[str, Any] | None:
        """The user restored this older copy on purpose: log it once and remember it as current."""
        older = self.older
        if older is None:
            return None
        data: dict[str, Any] = {
            "accepted_older_vault": {
                "last_seen": older.seen.to_json(),
                "now_size": self.log.size,
                "diverged": older.diverged,
            }
        }
        with self._write():
            self.log.append("recover", data=data)
        msg = older.message("en")
        self.alerts = [a for a in self.alerts if a != msg]
        self.older = None
        self._dirty = True
        self.flush()
        if not self.alerts:
            self._remember_head()
        return data

    def _write_seal(self, state: str, conn: sqlite3.Connection | None = None) -> None:
        log_obj = getattr(self, "log", None)
        body: dict[str, Any] = {"state": state, "log_size": log_obj.size if log_obj else -1}
        body["nonce"] = self._session_nonce
        if state == "dirty":
            body["prev"] = self._session_of(conn or self._conn)
        if state == "clean":
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            body["db"] = self._db_mac(self.path, self.keys)
        data = canonical_json({"body": body, "mac": self._seal_body_mac(self.keys, body)})
        atomic_write_bytes(self.path / "meta.seal", data)

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
            conn.executescript(_SCHEMA)
            version = 1
            conn.execute("PRAGMA user_version=1")
        if version < target and (self.path / "meta.seal").exists():
            # Upgrading changes the file: say so in the seal first, or the next start
            # would take the upgrade for tampering.
            self._write_seal("dirty", conn)
            self._dirty = True
        for v in range(version + 1, target + 1):
            conn.executescript("BEGIN;\n" + MIGRATIONS[v] + f"\nPRAGMA user_version={v};\nCOMMIT;")
        if version > target:
            raise VaultFormatError(f"database schema {version} is newer than this app")
        return conn

    def _startup(self, seal_state: str) -> None:
        if seal_state.startswith("tampered"):
            what = seal_state.split(":", 1)[1]
            self.alerts.append(
                {
                    "database": "the metadata database was changed outside the app",
                    "seal": "the database seal file was changed outside the app",
                    "missing-seal": "the database seal file is missing",
                }.get(what, what)
            )
        problems = self.log.verify()
        self.alerts.extend(problems)
        if seal_state == "dirty":
            self.alerts.extend(self._check_dirty_seal())
        if not self.alerts:
            self._check_rollback()
        self._recover(seal_state == "dirty")
        if not self.alerts:
            self._remember_head()

    def _recover(self, after_crash: bool) -> None:
        """Clean up after a crash: staging leftovers, blobs without records."""
        staging = self.path / "staging"
        leftovers = [p for p in staging.iterdir() if p.is_file()] if staging.exists() else []
        for p in leftovers:
            p.unlink()  # ciphertext only: plaintext is never written anywhere
        known = {r[0] for r in self._conn.execute("SELECT blob FROM items WHERE blob IS NOT NULL")}
        on_disk = {p.name: p for p in (self.path / "blobs").glob("*/*.age")}
        orphans = sorted(set(on_disk) - known)
        missing = sorted(known - set(on_disk))
        suspect = bool(self.alerts)
        for name in missing:
            self.alerts.append(f"evidence file {name} is missing")
        if suspect:
            # The database itself is in doubt: a blob that looks orphaned may be one whose
            # record was altered. Report, never move evidence on the word of a suspect record.
            self.alerts.extend(f"evidence file {name} has no record" for name in orphans)
            orphans = []
        if not (orphans or leftovers or after_crash or self.alerts):
            return
        with self._write():
            for msg in self.alerts:
                if self.older is not None and msg == self.older.message("en"):
                    # Not logged at every open: logging grows the old copy's log, and the
                    # next open would then call it "another vault" instead of "older".
                    # Confirming it (accept_older_vault) is what goes into the log.
                    continue
                data = {"problem": str(msg)}
                if isinstance(msg, Alert):
                    data["problem_ko"] = msg.ko
                self.log.append("integrity-alert", data=data)
            for name in orphans:
                ensure_private_dir(self.path / "quarantine")
                os.replace(on_disk[name], self.path / "quarantine" / name)
                self.log.append("recover", data={"quarantined": name})
            if leftovers or after_crash:
                self.log.append(
                    "recover",
                    data={"after_crash": after_crash, "staging_removed": len(leftovers)},
                )
        fsync_dir(self.path / "quarantine")

    # ------------------------------------------------------------- write scope

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One SQLite transaction that also appends to the custody log; commit = saved."""
        self._require_open()
        if not self._dirty:
            self._write_seal("dirty")
            self._dirty = True
        self.log.snapshot()
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            if not self._session_recorded:
                self._set_setting(_SESSION_KEY, {"nonce": self._session_nonce, "log_size": self.log.size})
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            self.log.restore()
            raise
        self._conn.execute("COMMIT")
        self._session_recorded = True
        self.log._snapshot = None

    def flush(self) -> None:
        """A clean point: fold the WAL and write the database seal."""
        if self._dirty and self._lock_fd is not None:
            self._write_seal("clean")
            self._dirty = False
            if not self.alerts:
                self._remember_head()

    def lock(self, *, seal: bool = True) -> None:
        """Seal, close the database and forget the keys.

        ``seal=False`` is for failure paths: a database we could not open cleanly must
        never get a fresh "clean" seal that would hide what went wrong.
        """
        if self._lock_fd is None:
            return
        try:
            if seal:
                self.flush()
        finally:
            from ..chat.store import forget_indexes

            forget_indexes(self)  # the in-memory chat search index holds opened text
            with contextlib.suppress(*_DB_ERRORS):
                self._conn.close()
            os.close(self._lock_fd)
            self._lock_fd = None

    def _require_open(self) -> None:
        if self._lock_fd is None:
            from ..common.errors import VaultLockedError

            raise VaultLockedError()

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock()

    # ------------------------------------------------------------- key changes

    def change_passphrase(
        self,
        old: str | None,
        new: str,
        *,
        kdf: KdfParams | None = None,
        progress: Progress = no_progress,
    ) -> RekeyResult:
        """A new passphrase AND a new master key (issue 15): see core/rekey.py.

        ``old`` is None only right after unlocking with the recovery key. If the vault had a
        recovery key, a new one is issued (the old one would open the old master key only,
        which from now on opens nothing) and returned, to be shown once.
        """
        check_passphrase_strength(new)
        body = self._body
        if old is None:
            if not self.opened_with_recovery:
                raise WrongPassphraseError()
        else:
            slot = next(s for s in body["slots"] if s["kind"] == "passphrase")
            aad = f"{self.vault_id}/passphrase".encode()
            proved = unwrap_key(KdfParams.from_json(slot["kdf"]).derive(old), slot, aad)
            if not hmac.compare_digest(proved, self.keys.master):
                raise WrongPassphraseError()
        t0 = time.perf_counter()
        params = kdf or calibrate_kdf()
        new_keys = Keyring(secrets.token_bytes(32))
        slot = {"kind": "passphrase", "kdf": params.to_json()}
        slot.update(wrap_key(params.derive(new), new_keys.master, f"{self.vault_id}/passphrase".encode()))
        slots: list[dict[str, Any]] = [slot]
        recovery_text: str | None = None
        if self.has_recovery_key:
            recovery_text, raw = new_recovery_key()
            rslot: dict[str, Any] = {"kind": "recovery", "kdf": {"alg": "hkdf-sha256"}}
            rkek = hkdf(raw, "evidence-kit/v1/recovery-slot")
            rslot.update(wrap_key(rkek, new_keys.master, f"{self.vault_id}/recovery".encode()))
            slots.append(rslot)
        public = dict(body["public"])
        previous = [*public.get("previous_ed25519", []), public["ed25519"]]
        public.update({"age_recipient": new_keys.recipient, "ed25519": b64e(new_keys.public_key_raw())})
        public["previous_ed25519"] = previous
        new_body = dict(body, slots=slots, public=public)
        new_obj = {"body": new_body, "mac": _file_mac(new_keys, new_body)}
        self._require_open()
        if not self._dirty:
            self._write_seal("dirty")
            self._dirty = True
        rekey.write_pending(self.path, self.vault_id, self.keys, new_keys, new_obj)
        rekey.kill_point("prepared")
        old_fp = key_fingerprint(self.keys.public_key_raw())
        try:
            blobs, damaged = self._finish_rekey(
                self.path, self._conn, self.keys, new_keys, new_obj, self.clock,
                recovery="re-issued" if recovery_text else "none", progress=progress,
            )
        except BaseException:
            # Half-way (e.g. the disk filled): this object still holds the old keys, so it
            # must not write a seal. The files on disk are recoverable either way: rekey.json
            # is still there (the next unlock finishes the change) or the change is complete.
            self.lock(seal=False)
            raise
        self.keys = new_keys
        self._body = new_body
        self.log = CustodyLog(self._conn, new_keys, self.clock, self.vault_id)
        self._dirty = True
        self.flush()
        return RekeyResult(
            blobs_rewrapped=blobs,
            blobs_damaged=damaged,
            old_key=old_fp,
            new_key=key_fingerprint(new_keys.public_key_raw()),
            recovery_key=recovery_text,
            seconds=time.perf_counter() - t0,
        )

    @classmethod
    def _finish_rekey(
        cls,
        path: Path,
        conn: sqlite3.Connection,
        old: Keyring,
        new: Keyring,
        new_obj: dict[str, Any],
        clock: Clock,
        *,
        recovery: str,
        progress: Progress = no_progress,
    ) -> tuple[int, list[str]]:
        """Steps 2-4 of core/rekey.py; each redone safely after a kill."""
        blobs, damaged = rekey.rewrap_blobs(path, old, new, progress)
        rekey.kill_point("blobs")
        if not rekey.metadata_done(conn, old):
            event = {"slot": "passphrase", "master_key": "new", "blobs_rewrapped": blobs, "recovery_key": recovery}
            rekey.reseal_metadata(conn, old, new, vault_id=new_obj["body"]["vault_id"], clock=clock, event=event)
        rekey.kill_point("metadata")
        # The seal must now be under the new key too; dirty, naming the session the
        # database records, so the next open runs the crash checks, not a tamper alarm.
        row = conn.execute("SELECT sealed FROM settings WHERE key = ?", (_SESSION_KEY,)).fetchone()
        nonce = None
        if row is not None:
            nonce = parse_canonical(new.open(row[0], f"settings\x00{_SESSION_KEY}")).get("nonce")
        size = conn.execute("SELECT COUNT(*) FROM custody_log").fetchone()[0]
        seal = {"state": "dirty", "log_size": int(size), "nonce": nonce, "prev": nonce}
        atomic_write_bytes(path / "meta.seal", canonical_json({"body": seal, "mac": cls._seal_body_mac(new, seal)}))
        atomic_write_bytes(path / "vault.json", canonical_json(new_obj) + b"\n")
        rekey.kill_point("vault-file")
        rekey.remove_pending(path)
        rekey.kill_point("done")
        return blobs, damaged

    @classmethod
    def _resume_rekey(
        cls, path: Path, keys: Keyring, body: dict[str, Any], clock: Clock
    ) -> tuple[Keyring, dict[str, Any], Alert | None]:
        """Finish a passphrase change that a crash interrupted (before the database is read)."""
        pending = rekey.read_pending(path)
        if pending is None:
            return keys, body, None
        pair = rekey.pending_keys(pending, keys)
        if pair is None:
            raise IntegrityError(
                "rekey.json",
                ko="중단된 암호 변경 파일(rekey.json)이 이 보관함의 키와 맞지 않습니다.",
                en="The file of an interrupted passphrase change (rekey.json) does not match this vault's keys.",
            )
        old, new = pair
        new_obj = rekey.pending_new_vault(pending)
        conn = sqlite3.connect(path / "meta.sqlite", isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA wal_autocheckpoint=0")
            cls._finish_rekey(path, conn, old, new, new_obj, clock, recovery="not shown (interrupted)")
        finally:
            conn.close()
        log.warning("an interrupted passphrase change was completed")
        notice = Alert(
            "An interrupted passphrase change was completed. From now on only the NEW passphrase opens "
            "this vault. If you had a recovery key, make a new one (the old one no longer works).",
            "중단되었던 암호 변경을 마쳤습니다. 이제부터는 새 암호로만 이 보관함을 열 수 있습니다. "
            "복구 키가 있었다면 새로 만드세요(예전 복구 키는 더 이상 쓸 수 없습니다).",
        )
        return new, new_obj["body"], notice

    @staticmethod
    def _refuse_replaced_keys(path: Path, keys: Keyring) -> None:
        """A vault.json whose key no longer opens the database: an old copy kept from before
        a passphrase change. Refused before anything is written with it."""
        conn = sqlite3.connect(path / "meta.sqlite", isolation_level=None)
        try:
            row = conn.execute("SELECT sealed FROM custody_log WHERE seq = 0").fetchone()
        except _DB_ERRORS:
            return
        finally:
            conn.close()
        if row is None:
            return
        try:
            keys.open(row[0], "custody_log\x000")
        except IntegrityError:
            raise IntegrityError(
                "vault.json",
                ko="이 보관함 키 파일(vault.json)은 데이터베이스와 맞지 않습니다. 암호를 바꾸기 전의 예전 "
                "파일일 수 있습니다. 예전 암호와 예전 키 파일로는 보관함을 열 수 없습니다.",
                en="This vault key file (vault.json) does not match the database: it may be an old copy "
                "from before a passphrase change. The old passphrase and old key file open nothing.",
            ) from None

    def add_recovery_key(self) -> str:
        """Create (or replace) the recovery slot; returns the key to print once."""
        text, raw = new_recovery_key()
        slot: dict[str, Any] = {"kind": "recovery", "kdf": {"alg": "hkdf-sha256"}}
        slot.update(
            wrap_key(
                hkdf(raw, "evidence-kit/v1/recovery-slot"),
                self.keys.master,
                f"{self.vault_id}/recovery".encode(),
            )
        )
        self._replace_slot(slot, "recovery-key")
        return text

    def _replace_slot(self, slot: dict[str, Any], action: str) -> None:
        body = dict(self._body)
        body["slots"] = [s for s in body["slots"] if s["kind"] != slot["kind"]] + [slot]
        with self._write():
            self.log.append(action, data={"slot": slot["kind"]})
            # Written inside the transaction: if it fails, the event rolls back too.
            self._write_vault_file(self.path, self.keys, body)
        self._body = body
        self.flush()

    @property
    def has_recovery_key(self) -> bool:
        return any(s["kind"] == "recovery" for s in self._body["slots"])

    def export_identity(self, out: Path, passphrase: str, *, work_factor: int = 18) -> None:
        """Write the age identity, encrypted to a passphrase (stock ``age -d`` opens it)."""
        check_passphrase_strength(passphrase)
        text = (
            "# Evidence Kit vault identity: decrypt evidence blobs with `age -d -i`\n"
            f"# public key: {self.keys.recipient}\n"
            f"{self.keys.identity.to_bech32()}\n"
        ).encode()
        data = age_stream.encrypt_bytes(text, [age_recipients.ScryptRecipient(passphrase, work_factor=work_factor)])
        atomic_write_bytes(out, data)
        with self._write():
            self.log.append("export-identity", data={"recipient": self.keys.recipient})
        self.flush()

    # ---------------------------------------------------------------- settings

    def _set_setting(self, key: str, value: Any) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO settings(key, sealed) VALUES (?, ?)",
            (key, self.keys.seal(canonical_json(value), f"settings\x00{key}")),
        )

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self._conn.execute("SELECT sealed FROM settings WHERE key = ?", (key,)).fetchone()
        if row is None:
            return default
        return parse_canonical(self.keys.open(row[0], f"settings\x00{key}"))

    def set_setting(self, key: str, value: Any) -> None:
        with self._write():
            self._set_setting(key, value)
        self.flush()

    # ------------------------------------------------------------------- cases

    def create_case(self, name: str, **fields: Any) -> Case:
        name = name.strip()
        if not name:
            raise InputError("case name is empty", ko="사건 이름을 입력해 주세요.", en="Please give the case a name.")
        role = fields.pop("role", None) or self.get_setting("role", "victim")
        if "policy" not in fields:
            fields["policy"] = default_policy(role)
        if fields["policy"] not in POLICIES:
            raise InputError(f"unknown policy {fields['policy']}")
        case = Case(id=str(uuid.uuid4()), name=name, created_utc=iso_utc(self.clock.now()), role=role, **fields)
        with self._write():
            ordinal = self._conn.execute("SELECT COALESCE(MAX(ord), 0) + 1 FROM cases").fetchone()[0]
            self._conn.execute(
                "INSERT INTO cases(id, ord, sealed) VALUES (?,?,?)",
                (case.id, ordinal, self.keys.seal(canonical_json(case.to_json()), f"cases\x00{case.id}")),
            )
            self.log.append("create-case", case_id=case.id, data={"name": name, "policy": case.policy})
        self.flush()
        return case

    def _case_from_row(self, case_id: str, sealed: bytes) -> Case:
        return Case.from_json(case_id, parse_canonical(self.keys.open(sealed, f"cases\x00{case_id}")))

    def list_cases(self) -> list[Case]:
        rows = self._conn.execute("SELECT id, sealed FROM cases ORDER BY ord").fetchall()
        return [self._case_from_row(r[0], bytes(r[1])) for r in rows]

    def get_case(self, case_id: str) -> Case:
        row = self._conn.execute("SELECT id, sealed FROM cases WHERE id = ?", (case_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"case {case_id}")
        return self._case_from_row(row[0], bytes(row[1]))

    def find_case(self, ref: str) -> Case:
        """A case by id, id prefix, or exact name."""
        cases = self.list_cases()
        hits = [c for c in cases if c.id == ref or c.name == ref] or [c for c in cases if c.id.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"case {ref}", ko="그런 사건이 없습니다.", en="No such case.")
        return hits[0]

    def update_case(self, case_id: str, **changes: Any) -> Case:
        case = self.get_case(case_id)
        old = case.to_json()
        for k, v in changes.items():
            if not hasattr(case, k) or k in ("id", "created_utc"):
                raise InputError(f"unknown case field {k}")
            setattr(case, k, v)
        if case.policy not in POLICIES:
            raise InputError(f"unknown policy {case.policy}")
        new = case.to_json()
        diff = {k: {"old": old.get(k), "new": new[k]} for k in new if old.get(k) != new[k]}
        if not diff:
            return case
        with self._write():
            self._conn.execute(
                "UPDATE cases SET sealed = ? WHERE id = ?",
                (self.keys.seal(canonical_json(new), f"cases\x00{case.id}"), case.id),
            )
            action = "policy" if set(diff) == {"policy"} else "edit-case"
            self.log.append(action, case_id=case.id, data={"changes": diff})
        self.flush()
        return case

    # ------------------------------------------------------------------- items

    def _item_aad(self, item_id: str, case_id: str, exhibit: int, blob: str | None) -> str:
        # Binds the clear columns into the seal: moving a record to another row, case,
        # exhibit number or blob makes it fail to open.
        return f"items\x00{item_id}\x00{case_id}\x00{exhibit}\x00{blob or ''}"

    def _item_from_row(self, row: tuple[Any, ...]) -> Item:
        item_id, case_id, exhibit, blob, sealed = row
        obj = parse_canonical(self.keys.open(sealed, self._item_aad(item_id, case_id, exhibit, blob)))
        return Item.from_json(item_id, case_id, int(exhibit), obj)

    _ITEM_COLS = "id, case_id, exhibit, blob, sealed"

    def list_items(self, case_id: str) -> list[Item]:
        rows = self._conn.execute(
            f"SELECT {self._ITEM_COLS} FROM items WHERE case_id = ? ORDER BY exhibit",  # noqa: S608
            (case_id,),
        ).fetchall()
        return [self._item_from_row(tuple(r)) for r in rows]

    def get_item(self, item_id: str) -> Item:
        row = self._conn.execute(
            f"SELECT {self._ITEM_COLS} FROM items WHERE id = ?",  # noqa: S608
            (item_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"item {item_id}", ko="그런 증거 항목이 없습니다.", en="No such evidence item.")
        return self._item_from_row(tuple(row))

    def find_item(self, case_id: str, ref: str) -> Item:
        """An item by exhibit number, id or id prefix."""
        items = self.list_items(case_id)
        hits = [i for i in items if str(i.exhibit) == ref or i.id == ref] or [i for i in items if i.id.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"item {ref}", ko="그런 증거 항목이 없습니다.", en="No such evidence item.")
        return hits[0]

    def _find_duplicate(self, case_id: str, dedup: bytes) -> Item | None:
        row = self._conn.execute(
            f"SELECT {self._ITEM_COLS} FROM items WHERE case_id = ? AND dedup = ?",  # noqa: S608
            (case_id, dedup),
        ).fetchone()
        return self._item_from_row(tuple(row)) if row else None

    def _blob_path(self, name: str) -> Path:
        return self.path / "blobs" / name[:2] / name

    def _seal_to_staging(
        self,
        src: Readable,
        *,
        total: int,
        legacy: bool,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        keep_images: int = 0,
        name: str = "",
    ) -> tuple[Path, Digests]:
        """Encrypt ``src`` into a staging file while hashing it; fsynced on return."""
        staging = self.path / "staging" / f"{secrets.token_hex(8)}.part"
        fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb", buffering=1 << 20) as f:
                sink = EarlyWriteback(f)
                try:
                    writer = age_stream.AgeWriter(sink, [self.keys.identity.recipient()])
                    digests = seal_stream(
                        src,
                        writer,
                        total=total,
                        legacy=legacy,
                        keep_images=keep_images,
                        name=name,
                        progress=progress,
                        cancel=cancel,
                    )
                    writer.close()
                    sink.finish()
                except BaseException:
                    sink.abort()
                    raise
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                staging.unlink()
            raise
        return staging, digests

    def _commit_blob(self, staging: Path) -> tuple[str, Path]:
        """Atomically move a fsynced staging file into ``blobs/`` under a random name."""
        blob = secrets.token_hex(16) + ".age"
        final = self._blob_path(blob)
        try:
            ensure_private_dir(final.parent)
            os.replace(staging, final)
            fsync_dir(final.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                staging.unlink()
            raise
        return blob, final

    def _insert_with_blob(self, item: Item, blob: str | None, final: Path | None, dedup: bytes) -> None:
        try:
            with self._write():
                self._insert_item(item, blob, dedup)
        except BaseException:
            # The record did not commit: the blob is an orphan now. Quarantine it at once
            # rather than waiting for the next start.
            if blob is not None and final is not None:
                with contextlib.suppress(OSError):
                    os.replace(final, self.path / "quarantine" / blob)
            raise

    def _duplicate(self, case_id: str, sha256: str, name: str) -> tuple[bytes, AddResult | None]:
        """The dedup tag for ``sha256`` in the case, and the logged duplicate result if any."""
        dedup = self.keys.index_tag("sha256", case_id, sha256)
        existing = self._find_duplicate(case_id, dedup)
        if existing is None:
            return dedup, None
        with self._write():
            self.log.append(
                "duplicate",
                case_id=case_id,
                item_id=existing.id,
                data={"name": name, "sha256": sha256, "same_as_exhibit": existing.exhibit},
            )
        return dedup, AddResult(existing, duplicate=True)

    def _new_item(self, case_id: str, info: ItemInput, digests: Digests, **fields: Any) -> Item:
        media_type, facts, exif, note = extract(digests.head, info.name, digests.data)
        kw: dict[str, Any] = {
            "media_type": media_type,
            "image": facts,
            "exif": exif,
            "metadata_note": note,
        }
        kw.update(fields)
        return Item(
            id=str(uuid.uuid4()),
            case_id=case_id,
            exhibit=0,
            original_name=info.name,
            size=digests.size,
            sha256=digests.sha256,
            md5=digests.md5,
            sha1=digests.sha1,
            acquired_utc=iso_utc(self.clock.now()),
            tz_offset=self.clock.local_offset(),
            method=info.method,
            relative_path=info.relative_path,
            source=info.source,
            capture=info.capture,
            notes=info.notes,
            group_id=info.group_id,
            group_part=info.group_part,
            **kw,
        )

    def add_stream(
        self,
        case_id: str,
        src: Readable,
        info: ItemInput,
        *,
        total: int = 0,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> AddResult:
        """Hash and seal one stream into the case. Returns only after the item is durable."""
        self._require_open()
        self.get_case(case_id)
        # All three hashes in the one pass, for every size; small images stay in memory
        # for PDQ (the caller's), so nothing is decrypted again after the save.
        staging, digests = self._seal_to_staging(
            src,
            total=total,
            legacy=True,
            progress=progress,
            cancel=cancel,
            keep_images=pq.MAX_PDQ_BYTES,
            name=info.name,
        )
        try:
            dedup, dup = self._duplicate(case_id, digests.sha256, info.name)
            if dup is not None:
                staging.unlink()
                return dup
            if cancel():
                raise CancelledError()
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                staging.unlink()
            raise
        blob, final = self._commit_blob(staging)
        item = self._new_item(case_id, info, digests)
        self._insert_with_blob(item, blob, final, dedup)
        return AddResult(item, data=digests.data)

    def _insert_item(self, item: Item, blob: str | None, dedup: bytes) -> None:
        item.exhibit = self._conn.execute(
            "SELECT COALESCE(MAX(exhibit), 0) + 1 FROM items WHERE case_id = ?", (item.case_id,)
        ).fetchone()[0]
        action = {"screen-capture": "capture", METHOD_DERIVED: "derive"}.get(item.method, "import")
        item.log_index = self.log.size
        self._conn.execute(
            "INSERT INTO items(id, case_id, exhibit, blob, dedup, sealed) VALUES (?,?,?,?,?,?)",
            (
                item.id,
                item.case_id,
                item.exhibit,
                blob,
                dedup,
                self.keys.seal(
                    canonical_json(item.to_json()), self._item_aad(item.id, item.case_id, item.exhibit, blob)
                ),
            ),
        )
        self.log.append(
            action,
            case_id=item.case_id,
            item_id=item.id,
            data={
                "exhibit": item.exhibit,
                "name": item.original_name,
                "size": item.size,
                "sha256": item.sha256,
                "md5": item.md5,
                "sha1": item.sha1,
                "method": item.method,
                "retained": item.retained,
                "blob_sha256_of": "plaintext",
                **(
                    {}
                    if item.retained
                    else {
                        "note": "recorded without retaining the original",
                        "stored_sha256": item.stored_sha256,
                        "derivation": item.derivation,
                    }
                ),
                **({"derived_from": item.derived_from, "derivation": item.derivation} if item.derived_from else {}),
                **({"pdq": item.pdq, "pdq_quality": item.pdq_quality} if item.pdq else {}),
            },
        )

    def add_bytes(
        self,
        case_id: str,
        data: bytes,
        info: ItemInput,
        *,
        record_only: bool = False,
        regions: Sequence[redact.Rect] = (),
    ) -> AddResult:
        """Screenshots and pasted images: bytes that never touched the disk in the clear."""
        if record_only:
            return self.add_record_only_stream(case_id, io.BytesIO(data), info, total=len(data), regions=regions)
        return self.add_stream(case_id, io.BytesIO(data), info, total=len(data))

    def add_record_only(self, case_id: str, digests: Digests, info: ItemInput) -> AddResult:
        """Record an original without keeping its bytes (record-only cases, e.g. images in a
        counselor's chat export): hashes, size and metadata from ``digests.head`` only. The
        item has ``retained=False`` and no blob; its "import" event says so."""
        self._require_open()
        self.get_case(case_id)
        dedup, dup = self._duplicate(case_id, digests.sha256, info.name)
        if dup is not None:
            return dup
        item = self._new_item(case_id, info, digests, retained=False)
        self._insert_with_blob(item, None, None, dedup)
        return AddResult(item)

    def add_redacted(
        self,
        case_id: str,
        data: bytes,
        info: ItemInput,
        *,
        regions: Sequence[redact.Rect] = (),
    ) -> AddResult:
        """Record-only image (issue 9): keep the proof, not the picture.

        The original's bytes are only ever in memory: SHA-256, MD5, SHA-1 and PDQ are taken
        from them here, then a redacted derivative (pixelated beyond recognition, or with
        ``regions`` blacked out) is the only thing stored. The item keeps the original's
        hashes and size with ``retained=False``; ``stored_sha256`` names the derivative.
        No EXIF or embedded thumbnail of the original is kept anywhere.
        """
        self._require_open()
        self.get_case(case_id)
        sha256 = hashlib.sha256(data).hexdigest()
        dedup, dup = self._duplicate(case_id, sha256, info.name)
        if dup is not None:
            return dup
        derivative, width, height = redact.black_out(data, list(regions)) if regions else redact.pixelate(data)
        derivation = (
            f"blacked-out: {len(regions)} region(s)" if regions else f"pixelated: {redact.DEFAULT_BLOCKS} blocks"
        )
        try:
            pdq, quality = pq.pdq_from_bytes(data)
        except pq.PerceptualHashError:
            pdq, quality = None, None
        original = Digests(
            size=len(data),
            sha256=sha256,
            md5=hashlib.md5(data, usedforsecurity=False).hexdigest(),
            sha1=hashlib.sha1(data, usedforsecurity=False).hexdigest(),
            head=data[:HEAD_BYTES],
        )
        media_type, facts, _exif, _note = extract(original.head, info.name)
        staging, stored = self._seal_to_staging(io.BytesIO(derivative), total=len(derivative), legacy=False)
        blob, final = self._commit_blob(staging)
        item = self._new_item(
            case_id,
            info,
            original,
            media_type=media_type,
            image={k: v for k, v in facts.items() if k in ("format", "width", "height", "mode", "frames")}
            or {"width": width, "height": height},
            exif={},
            metadata_note="record only: EXIF and embedded thumbnails of the original were not kept",
            retained=False,
            stored_sha256=stored.sha256,
            stored_size=stored.size,
            derivation=derivation,
            pdq=pdq,
            pdq_quality=quality,
        )
        self._insert_with_blob(item, blob, final, dedup)
        return AddResult(item)

    def derive_redacted_copy(
        self, item_id: str, *, regions: Sequence[redact.Rect] = (), name: str | None = None
    ) -> AddResult:
        """A redacted copy of an image item, for a school or family (issue 9).

        The copy is a new item of its own (its hashes are the copy's), linked to its sealed
        original by ``derived_from`` and by a custody event on both items.
        """
        parent = self.get_item(item_id)
        data = self.read_item_bytes(item_id, log_view=False)
        derivative, _w, _h = redact.black_out(data, list(regions)) if regions else redact.pixelate(data)
        del data
        derivation = (
            f"blacked-out: {len(regions)} region(s)" if regions else f"pixelated: {redact.DEFAULT_BLOCKS} blocks"
        )
        stem = Path(parent.original_name).stem or "image"
        info = ItemInput(name=name or f"{stem}-redacted.png", method=METHOD_DERIVED, source=parent.source)
        staging, digests = self._seal_to_staging(io.BytesIO(derivative), total=len(derivative), legacy=True)
        try:
            dedup, dup = self._duplicate(parent.case_id, digests.sha256, info.name)
        except BaseException:
            staging.unlink(missing_ok=True)
            raise
        if dup is not None:
            staging.unlink(missing_ok=True)
            return dup
        blob, final = self._commit_blob(staging)
        item = self._new_item(parent.case_id, info, digests, derived_from=parent.id, derivation=derivation)
        try:
            with self._write():
                self._insert_item(item, blob, dedup)
                self.log.append(
                    "derive",
                    case_id=parent.case_id,
                    item_id=parent.id,
                    data={"copy": item.id, "copy_exhibit": item.exhibit, "derivation": derivation},
                )
        except BaseException:
            with contextlib.suppress(OSError):
                os.replace(final, self.path / "quarantine" / blob)
            raise
        return AddResult(item)

    def add_file(
        self,
        case_id: str,
        path: Path,
        info: ItemInput | None = None,
        *,
        record_only: bool = False,
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
        regions: Sequence[redact.Rect] = (),
    ) -> AddResult:
        path = Path(path)
        try:
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(path, flags)
        except FileNotFoundError as e:
            raise InputError(str(path), ko="파일을 찾을 수 없습니다.", en="The file was not found.") from e
        except IsADirectoryError as e:
            raise InputError(str(path), ko="폴더입니다.", en="That is a folder.") from e
        except OSError as e:
            raise InputError(
                f"{path}: {e.strerror}", ko="파일을 열 수 없습니다.", en="The file could not be opened."
            ) from e
        with os.fdopen(fd, "rb", buffering=0) as f:
            import stat

            st = os.fstat(f.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError(str(path), ko="일반 파일이 아닙니다.", en="That is not a regular file.")
            info = info or ItemInput(name=path.name, method="import-file")
            if record_only:
                return self.add_record_only_stream(
                    case_id, f, info, total=st.st_size, regions=regions, progress=progress, cancel=cancel
                )
            return self.add_stream(case_id, f, info, total=st.st_size, progress=progress, cancel=cancel)

    def add_record_only_stream(
        self,
        case_id: str,
        src: io.RawIOBase | io.BufferedIOBase,
        info: ItemInput,
        *,
        total: int,
        regions: Sequence[redact.Rect] = (),
        progress: Progress = no_progress,
        cancel: Cancel = never_cancel,
    ) -> AddResult:
        """Record-only acquisition (issue 9): an image up to RECORD_ONLY_IMAGE_LIMIT becomes
        hashes + PDQ + a redacted derivative (``add_redacted``); anything else (videos,
        archives, undecodable images) hashes, size and type only, no content."""
        head = src.read(64)
        src.seek(0)
        if sniff_media_type(head, info.name).startswith("image/") and total <= RECORD_ONLY_IMAGE_LIMIT:
            data = src.read()
            try:
                return self.add_redacted(case_id, data, info, regions=regions)
            except InputError:
                log.info("record-only image could not be decoded: recording hashes only")
            finally:
                del data
            src.seek(0)
        digests = seal_stream(src, _Discard(), total=total, legacy=True, progress=progress, cancel=cancel)
        res = self.add_record_only(case_id, digests, info)
        if not res.duplicate and res.item.media_type.startswith("video/"):
            res.item = self._record_only_video(res.item, src, total, cancel)
        return res

    def _record_only_video(self, item: Item, src: io.RawIOBase | io.BufferedIOBase, total: int, cancel: Cancel) -> Item:
        """Facts and frame PDQ hashes of a record-only video (issue 23), read from the person's
        own file while it is open; the video itself, and its frames, are never kept."""
        from ..evidence import video

        src.seek(0)
        facts, note = video.video_facts(src)  # type: ignore[arg-type]
        src.seek(0)
        hashes = video.frame_hashes(src, cancel=cancel) if not note else video.FrameHashes(status="unavailable")  # type: ignore[arg-type]
        return self._record_video(item, facts, note, hashes, "the file being recorded (not kept)")

    def complete_legacy_hashes(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> Item:
        """Fill MD5/SHA-1 of a large item from its sealed copy (SHA-256 checked in the same pass)."""
        item = self.get_item(item_id)
        if (item.md5 and item.sha1) or not item.retained:
            return item
        sha256, md5, sha1, size = legacy_digests(
            self.iter_plaintext(item_id), progress=progress, total=item.size, cancel=cancel
        )
        if sha256 != item.sha256 or size != item.size:
            raise IntegrityError(f"exhibit {item.exhibit}: sealed copy does not match its SHA-256")
        item.md5, item.sha1 = md5, sha1
        with self._write():
            self._update_item(item)
            self.log.append(
                "hash",
                case_id=item.case_id,
                item_id=item.id,
                data={"md5": md5, "sha1": sha1, "from": "sealed copy, SHA-256 verified in the same pass"},
            )
        self.flush()
        return item

    def _update_item(self, item: Item) -> None:
        blob = self._item_blob(item.id)
        self._conn.execute(
            "UPDATE items SET sealed = ? WHERE id = ?",
            (
                self.keys.seal(
                    canonical_json(item.to_json()), self._item_aad(item.id, item.case_id, item.exhibit, blob)
                ),
                item.id,
            ),
        )

    def _item_blob(self, item_id: str) -> str | None:
        row = self._conn.execute("SELECT blob FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"item {item_id}")
        return row[0] if row[0] is None else str(row[0])

    def update_source(self, item_id: str, source: Source, notes: str | None = None) -> Item:
        """Edit where the item came from; the old and new values go into the log."""
        item = self.get_item(item_id)
        old, new = item.source.to_json(), source.to_json()
        changes: dict[str, Any] = {
            k: {"old": old.get(k, ""), "new": new.get(k, "")}
            for k in sorted(set(old) | set(new))
            if old.get(k, "") != new.get(k, "")
        }
        if notes is not None and notes != item.notes:
            changes["notes"] = {"old": item.notes, "new": notes}
            item.notes = notes
        if not changes:
            return item
        item.source = source
        with self._write():
            self._update_item(item)
            self.log.append("edit", case_id=item.case_id, item_id=item.id, data={"changes": changes})
        self.flush()
        return item

    def compute_perceptual(self, item_id: str, *, data: bytes | None = None, force: bool = False) -> pq.PdqOutcome:
        """PDQ hash of an image item (issue 10), recorded on the item with a custody "hash" event.

        Called right after an item is committed (the item is already acknowledged) or later
        on demand. The pixels come from ``data`` (the bytes just ingested, checked against
        the item's SHA-256) or from the sealed copy. Bad image content is an outcome status,
        never an exception; the caller flushes.
        """
        item = self.get_item(item_id)
        if not pq.needs_bytes(item, force=force):
            return pq.PdqOutcome(item, pq.status_of(item))
        if data is None:
            if not item.retained:
                return pq.PdqOutcome(item, pq.status_of(item))
            data = self.read_item_bytes(item_id, limit=pq.MAX_PDQ_BYTES, log_view=False)
            origin = "sealed copy, SHA-256 verified"
        else:
            if hashlib.sha256(data).hexdigest() != item.sha256:
                raise IntegrityError(f"exhibit {item.exhibit}: bytes given for PDQ are not this item's")
            origin = "ingest bytes, SHA-256 verified"
        try:
            pdq, quality = pq.pdq_from_bytes(data)
        except pq.PerceptualHashError as e:
            log.info("exhibit %s: no PDQ hash (%s)", item.exhibit, e.status)
            return pq.PdqOutcome(item, pq.status_of(item) if item.pdq else e.status, detail=e.detail)
        return self._record_perceptual(item, pdq, quality, origin)

    def record_perceptual(self, item_id: str, result: pq.PdqResult) -> pq.PdqOutcome:
        """Record a PDQ hash computed elsewhere (a worker of the import) from the bytes of the
        ingest pass that produced this item's SHA-256; bad pixels are an outcome, no error."""
        item = self.get_item(item_id)
        if result.pdq is None or result.quality is None:
            log.info("exhibit %s: no PDQ hash (%s)", item.exhibit, result.status)
            return pq.PdqOutcome(item, pq.status_of(item) if item.pdq else result.status, detail=result.detail)
        return self._record_perceptual(item, result.pdq, result.quality, "ingest bytes, same pass as SHA-256")

    def _record_perceptual(self, item: Item, pdq: str, quality: int, origin: str) -> pq.PdqOutcome:
        if pdq == item.pdq and quality == item.pdq_quality:
            return pq.PdqOutcome(item, pq.status_of(item))
        event: dict[str, Any] = {"exhibit": item.exhibit, "pdq": pdq, "quality": quality, "from": origin}
        event.update(pq.hasher_info())
        if item.pdq:
            event["previous"] = {"pdq": item.pdq, "quality": item.pdq_quality}
        item.pdq, item.pdq_quality = pdq, quality
        with self._write():
            self._update_item(item)
            self.log.append("hash", case_id=item.case_id, item_id=item.id, data=event)
        return pq.PdqOutcome(item, pq.status_of(item), computed=True)

    def compute_video(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> Item:
        """Facts and 1 fps frame PDQ hashes of a video item (issue 23), read through a seekable
        reader over its sealed copy (a few 64 KiB chunks in memory, whatever the video's size),
        after one streaming pass has checked the whole plaintext against the item's SHA-256;
        recorded on the item with a "hash" event. Called after the item is committed;
        unreadable videos are a note, never an error."""
        from ..evidence import video

        item = self.get_item(item_id)
        if not video.is_video(item) or not item.retained or item.frame_pdq is not None:
            return item
        with self.open_item_stream(item_id, progress=progress, cancel=cancel) as f:
            facts, note = video.video_facts(f)
            f.seek(0)
            hashes = video.frame_hashes(f, cancel=cancel) if not note else video.FrameHashes(status="unavailable")
        if cancel():  # hashes cut short by the cancel are not the item's hashes: record nothing
            raise CancelledError()
        return self._record_video(item, facts, note, hashes, "sealed copy, SHA-256 verified")

    def open_item_stream(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> io.BufferedReader:
        """A seekable plaintext view of an item's sealed copy, decrypting only the chunks read.

        Before it is returned, the whole plaintext is read once through the same open file and
        checked against the item's recorded SHA-256 and size: per-chunk authentication only
        proves the vault's key sealed these bytes, not that they are this item's (a sealed copy
        of another item swapped in would pass it). Keeping the one descriptor open means what is
        later read is the file that was checked."""
        from ..crypto.agereader import open_sealed

        item = self.get_item(item_id)
        blob = self._item_blob(item_id)
        if blob is None:
            raise NotFoundError(
                "original not retained",
                ko="기록 전용 항목이라 원본이 보관되어 있지 않습니다.",
                en="This is a record-only item: the original is not kept.",
            )
        try:
            raw = self._blob_path(blob).open("rb")
        except FileNotFoundError as e:
            raise IntegrityError(f"evidence file {blob} is missing") from e
        try:
            f = open_sealed(raw, [self.keys.identity], owns_src=True)
        except age.AgeError as e:
            raw.close()
            raise IntegrityError(f"evidence file {blob} was changed: {e}") from e
        try:
            h = hashlib.sha256()
            n = 0
            total = item.stored_size or item.size
            while chunk := f.read(1024 * 1024):
                h.update(chunk)
                n += len(chunk)
                progress(n, total)
                if cancel():
                    raise CancelledError()
            if h.hexdigest() != stored_sha256(item) or n != total:
                raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
            f.seek(0)
        except age.AgeError as e:
            f.close()
            raise IntegrityError(f"evidence file {blob} was changed: {e}") from e
        except BaseException:
            f.close()
            raise
        return f

    def _record_video(self, item: Item, facts: dict[str, Any], note: str, hashes: Any, origin: str) -> Item:
        from ..evidence import video

        item.frame_pdq = hashes.to_json()
        event: dict[str, Any] = {
            "exhibit": item.exhibit,
            "frame_pdq_count": len(hashes.frames),
            "frame_pdq_sha256": hashlib.sha256(canonical_json(item.frame_pdq)).hexdigest(),
            "status": hashes.status,
            "from": origin,
        }
        event.update(video.hasher_info())
        return self._note_video(item, facts, note, event)

    def _note_video(self, item: Item, facts: dict[str, Any], note: str, event: dict[str, Any] | None = None) -> Item:
        if item.frame_pdq is None:
            item.frame_pdq = []
        if facts:
            item.image = facts
        if note and note not in item.metadata_note:
            item.metadata_note = "; ".join(p for p in (item.metadata_note, note) if p)
        with self._write():
            self._update_item(item)
            if event is not None:
                self.log.append("hash", case_id=item.case_id, item_id=item.id, data=event)
        return item

    # -------------------------------------------------------------- reading

    def iter_plaintext(self, item_id: str) -> Iterator[bytes]:
        """Authenticated plaintext chunks of an item (in memory only)."""
        blob = self._item_blob(item_id)
        if blob is None:
            raise NotFoundError(
                "original not retained",
                ko="기록 전용 항목이라 원본이 보관되어 있지 않습니다.",
                en="This is a record-only item: the original is not kept.",
            )
        try:
            f = self._blob_path(blob).open("rb")
        except FileNotFoundError as e:
            raise IntegrityError(f"evidence file {blob} is missing") from e
        with f:
            try:
                reader = age_stream.AgeReader(f, [self.keys.identity])
                yield from reader.chunks()
            except age.AgeError as e:
                raise IntegrityError(f"evidence file {blob} was changed: {e}") from e

    def read_item_bytes(self, item_id: str, *, limit: int = 256 * 1024 * 1024, log_view: bool = True) -> bytes:
        """The whole plaintext in memory (previews); refuses items bigger than ``limit``."""
        item = self.get_item(item_id)
        if (item.stored_size or item.size) > limit:
            raise InputError("too large to preview", ko="미리보기에는 너무 큽니다.", en="Too large to preview.")
        data = b"".join(self.iter_plaintext(item_id))
        if hashlib.sha256(data).hexdigest() != stored_sha256(item):
            raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
        if log_view:
            with self._write():
                self.log.append("view", case_id=item.case_id, item_id=item.id, data={"exhibit": item.exhibit})
            self.flush()
        return data

    def export_file(self, item_id: str, out: Path, *, purpose: str = "") -> Item:
        """Write an exact copy of the original to ``out`` (the user chose to), checked by SHA-256."""
        item = self.get_item(item_id)
        out = Path(out)
        if out.exists():
            raise InputError(
                str(out), ko="같은 이름의 파일이 이미 있습니다.", en="A file with that name already exists."
            )
        h = hashlib.sha256()
        tmp = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
        try:
            with open(tmp, "xb") as f:
                for chunk in self.iter_plaintext(item_id):
                    h.update(chunk)
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if h.hexdigest() != stored_sha256(item):
                raise IntegrityError(f"exhibit {item.exhibit}: content does not match its SHA-256")
            os.replace(tmp, out)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            raise
        with self._write():
            self.log.append(
                "export-file",
                case_id=item.case_id,
                item_id=item.id,
                data={"exhibit": item.exhibit, "sha256": item.sha256, "purpose": purpose},
            )
        self.flush()
        return item

    def events(self, *, case_id: str | None = None, item_id: str | None = None) -> list[CustodyEvent]:
        return self.log.events(case_id=case_id, item_id=item_id)

    def log_event(
        self,
        action: str,
        *,
        case_id: str | None = None,
        item_id: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> CustodyEvent:
        """Record an action taken outside the vault (report, export) in the custody log."""
        with self._write():
            ev = self.log.append(action, case_id=case_id, item_id=item_id, data=data)
        self.flush()
        return ev

    def checkpoint(self) -> tuple[int, SignedHead]:
        with self._write():
            self.log.append("checkpoint", data={"size": self.log.size + 1})
            cp = self.log.checkpoint()
        self.flush()
        return cp

    # ---------------------------------------------------------------- verify

    def verify(self, *, progress: Progress = no_progress, cancel: Cancel = never_cancel) -> VerifyResult:
        """Check every blob against its record, every record against the log, the log
        against its signed head, and the database file against its seal."""
        problems = list(self.alerts)
        warnings: list[str] = []
        try:
            problems += self.log.verify()
            events = self.log.events()
        except (EvidenceKitError, *_DB_ERRORS) as e:
            problems.append(f"custody log: {e}")
            events = []
        acquired: dict[str, dict[str, Any]] = {}
        for ev in events:
            # The first acquisition event names an item's hashes; a later "derive" event on
            # a parent only links it to its copy.
            if ev.action in ("import", "capture", "derive") and ev.item_id and "sha256" in ev.data:
                acquired.setdefault(ev.item_id, ev.data)
            if ev.action == "rekey":
                bad = rekey.handover_problem(ev.data, self.vault_id)
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
        try:
            rows = self._conn.execute(f"SELECT {self._ITEM_COLS} FROM items").fetchall()  # noqa: S608
        except _DB_ERRORS as e:
            problems.append(f"database: {e}")
            rows = []
        total = sum(1 for _ in rows)
        checked = 0
        seen: set[str] = set()
        for i, row in enumerate(rows):
            if cancel():
                raise CancelledError()
            try:
                item = self._item_from_row(tuple(row))
            except EvidenceKitError as e:
                problems.append(f"item {row[0]}: record {e.detail or e}")
                continue
            seen.add(item.id)
            logged = acquired.get(item.id)
            if logged is None:
                problems.append(f"{item.exhibit_label_en}: not found in the custody log")
            elif logged.get("sha256") != item.sha256 or logged.get("size") != item.size:
                problems.append(f"{item.exhibit_label_en}: record differs from the custody log")
            if row[3] is not None:
                try:
                    h = hashlib.sha256()
                    n = 0
                    for chunk in self.iter_plaintext(item.id):
                        h.update(chunk)
                        n += len(chunk)
                    if h.hexdigest() != stored_sha256(item) or n != (item.stored_size or item.size):
                        problems.append(f"{item.exhibit_label_en}: content does not match its SHA-256")
                except EvidenceKitError as e:
                    problems.append(f"{item.exhibit_label_en}: {e.detail or e}")
                except _DB_ERRORS as e:
                    problems.append(f"{item.exhibit_label_en}: database: {e}")
            checked += 1
            progress(i + 1, total)
        for item_id in sorted(set(acquired) - seen):
            problems.append(f"item {item_id} is in the custody log but its record is gone")
        try:
            res = self._conn.execute("PRAGMA integrity_check").fetchone()[0]
            if res != "ok":
                problems.append(f"database structure: {res}")
        except _DB_ERRORS as e:
            problems.append(f"database structure: {e}")
        return VerifyResult(not problems, checked, problems, warnings, self.log.size)


def stored_sha256(item: Item) -> str:
    """The SHA-256 of the bytes the vault holds for ``item``: the original's, or for a
    record-only item the redacted derivative's."""
    return item.stored_sha256 or item.sha256
