"""The encrypted evidence vault: a thin :class:`Vault` composing its collaborators.

Layout of a vault folder (everything but ``vault.json``'s public part is unreadable
without the passphrase)::

    vault.json      key slots (Argon2id-wrapped master key, recovery slot), public keys, MAC
    meta.sqlite     metadata: cases, items, custody log; sensitive columns AEAD-sealed
    meta.seal       MAC over the database file at the last clean close, or "dirty"
    blobs/ab/…age   evidence, one age v1 file per item, random names
    staging/        ciphertext being written (deleted on startup)
    quarantine/     ciphertext found without a record (kept, logged)
    lock            advisory lock: one process at a time

Each collaborator has one job; docs/architecture.md names them and docs/design.md gives the
reasoning.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..common.clock import Clock
from ..common.errors import IntegrityError, VaultBusyError, VaultExistsError, VaultLockedError, WrongPassphraseError
from ..common.fsutil import atomic_write_bytes, ensure_private_dir
from ..common.model import AddResult, Case, CustodyEvent, Item, ItemInput, Source
from ..crypto.keys import KdfParams, Keyring, calibrate_kdf, check_passphrase_strength, key_fingerprint
from ..evidence import perceptual as pq
from ..evidence import redact
from ..evidence.ingest import Cancel, Digests, Progress, Readable, never_cancel, no_progress
from . import keyring, recovery, rekey
from .acquire import Acquirer, open_regular_file
from .alerts import Alert
from .blobstore import BlobStore
from .cases import Cases
from .custody import CustodyLog, SignedHead
from .itemhashes import ItemHashes
from .items import ItemRecords
from .localstate import OlderVaultError
from .metastore import DB_ERRORS, MetaStore
from .reading import ItemReader
from .recordonly import RecordOnly
from .verify import VerifyResult, verify_vault

log = logging.getLogger(__name__)

# Run on every lock with the vault being locked: layers above drop what they hold of its
# opened content (the chat search index registers here; the vault may not import it).
_LOCK_HOOKS: list[Callable[[Vault], None]] = []


def on_lock(hook: Callable[[Vault], None]) -> None:
    """Call ``hook(vault)`` whenever a vault locks (once per hook)."""
    if hook not in _LOCK_HOOKS:
        _LOCK_HOOKS.append(hook)


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
        self.older: OlderVaultError | None = None
        self.notices: list[Alert] = []  # things to tell the user that are not integrity problems
        self.opened_with_recovery = False
        self.db = MetaStore(path, keys)
        self.db.on_clean = self._after_clean
        self._conn = self.db.conn
        self._compose(keys)

    def _compose(self, keys: Keyring) -> None:
        """Build the collaborators over the database for ``keys`` (again after a rekey)."""
        self.keys = self.db.keys = keys
        self.log = CustodyLog(self.db.conn, keys, self.clock, self.vault_id)
        self.db.log = self.log
        self.blobs = BlobStore(self.path, keys)
        self.cases = Cases(self.db, self.log, self.clock)
        self.items = ItemRecords(self.db, self.log)
        self.reader = ItemReader(self.items, self.blobs, self.db, self.log)
        self.hashes = ItemHashes(self.items, self.reader, self.db, self.log)
        self.acquire = Acquirer(self.cases, self.items, self.blobs, self.db, self.log, self.clock)
        self.record_only = RecordOnly(self.acquire, self.reader, self.hashes)

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
            keys, body = keyring.new_vault_body(passphrase, params)
            keyring.write_vault_file(path, keys, body)
            vault = cls(path, keys, body, clock or Clock(), lock_fd)
        except BaseException:
            os.close(lock_fd)
            raise
        with vault._write():
            vault.log.append("create-vault", data={"format": keyring.VAULT_FORMAT, "version": keyring.VAULT_VERSION})
            vault._set_setting("role", role)
        return vault

    @classmethod
    def unlock(cls, path: Path, passphrase: str, *, clock: Clock | None = None) -> Vault:
        path = Path(path)
        keys, obj = keyring.unlock_with_passphrase(path, passphrase)
        return cls._open(path, keys, obj, clock)

    @classmethod
    def unlock_with_recovery_key(cls, path: Path, recovery_key: str, *, clock: Clock | None = None) -> Vault:
        path = Path(path)
        keys, obj = keyring.unlock_with_recovery(path, recovery_key)
        vault = cls._open(path, keys, obj, clock)
        vault.opened_with_recovery = True
        return vault

    @classmethod
    def open_with_keyring(cls, path: Path, keys: Keyring, *, clock: Clock | None = None) -> Vault:
        """Re-open with keys already in memory (the app after a re-lock check; tests)."""
        path = Path(path)
        return cls._open(path, keys, keyring.read_vault_file(path), clock)

    @classmethod
    def _open(cls, path: Path, keys: Keyring, obj: dict[str, Any], clock: Clock | None) -> Vault:
        keyring.check_vault_file(obj, keys)
        clock = clock or Clock()
        lock_fd = cls._take_lock(path)
        try:
            ready = recovery.before_open(path, keys, obj["body"], clock)
            vault = cls(path, ready.keys, ready.body, clock, lock_fd)
            vault.alerts += [ready.journal_alert] if ready.journal_alert else []
            vault.notices += [ready.notice] if ready.notice else []
        except DB_ERRORS as e:
            os.close(lock_fd)
            raise IntegrityError("the metadata database is damaged") from e
        except BaseException:
            os.close(lock_fd)
            raise
        try:
            vault._startup(ready.seal_state)
        except DB_ERRORS as e:
            vault.lock(seal=False)
            raise IntegrityError("the metadata database is damaged") from e
        except BaseException:
            vault.lock(seal=False)
            raise
        return vault

    def _startup(self, seal_state: str) -> None:
        self.older = recovery.after_open(self.db, self.log, self.blobs, self.vault_id, self.alerts, seal_state)

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
            recovery.remember_head(self.vault_id, self.log)
        return data

    # ------------------------------------------------------------- write scope

    @property
    def _dirty(self) -> bool:
        return self.db.dirty

    @_dirty.setter
    def _dirty(self, value: bool) -> None:
        self.db.dirty = value

    def _write_seal(self, state: str) -> None:
        self.db.write_seal(state)

    def _write(self) -> contextlib.AbstractContextManager[None]:
        """One SQLite transaction that also appends to the custody log; commit = saved."""
        self._require_open()
        return self.db.transaction()

    def _after_clean(self) -> None:
        if not self.alerts:
            recovery.remember_head(self.vault_id, self.log)

    def flush(self) -> None:
        """A clean point: fold the WAL and write the database seal."""
        if self._lock_fd is not None:
            self.db.flush()

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
            for hook in _LOCK_HOOKS:
                hook(self)  # e.g. the in-memory chat search index holds opened text
            self.db.close()
            os.close(self._lock_fd)
            self._lock_fd = None

    def _require_open(self) -> None:
        if self._lock_fd is None:
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
    ) -> rekey.RekeyResult:
        """A new passphrase AND a new master key (issue 15): see core/vault/rekey.py.

        ``old`` is None only right after unlocking with the recovery key. If the vault had a
        recovery key, a new one is issued (the old one would open the old master key only,
        which from now on opens nothing) and returned, to be shown once.
        """
        check_passphrase_strength(new)
        if old is None:
            if not self.opened_with_recovery:
                raise WrongPassphraseError()
        else:
            keyring.prove_passphrase(self._body, old, self.keys)
        t0 = time.perf_counter()
        new_keys, new_obj, recovery_text = keyring.rekeyed_file(
            self._body, new, kdf or calibrate_kdf(), with_recovery=self.has_recovery_key
        )
        self._require_open()
        if not self._dirty:
            self._write_seal("dirty")
            self._dirty = True
        old_fp = key_fingerprint(self.keys.public_key_raw())
        try:
            blobs, damaged = rekey.change(
                self.path, self._conn, self.keys, new_keys, new_obj, self.clock,
                recovery="re-issued" if recovery_text else "none", progress=progress,
            )
        except BaseException:
            # Half-way (e.g. the disk filled): this object still holds the old keys, so it
            # must not write a seal. The files on disk are recoverable either way: rekey.json
            # is still there (the next unlock finishes the change) or the change is complete.
            self.lock(seal=False)
            raise
        self._body = new_obj["body"]
        self._compose(new_keys)
        self._dirty = True
        self.flush()
        new_fp = key_fingerprint(new_keys.public_key_raw())
        return rekey.RekeyResult(blobs, damaged, old_fp, new_fp, recovery_text, time.perf_counter() - t0)

    def add_recovery_key(self) -> str:
        """Create (or replace) the recovery slot; returns the key to print once."""
        text, slot = keyring.recovery_slot(self.keys.master, self.vault_id)
        body = keyring.with_slot(self._body, slot)
        with self._write():
            self.log.append("recovery-key", data={"slot": slot["kind"]})
            # Written inside the transaction: if it fails, the event rolls back too.
            keyring.write_vault_file(self.path, self.keys, body)
        self._body = body
        self.flush()
        return text

    @property
    def has_recovery_key(self) -> bool:
        return keyring.has_recovery(self._body)

    def export_identity(self, out: Path, passphrase: str, *, work_factor: int = 18) -> None:
        """Write the age identity, encrypted to a passphrase (stock ``age -d`` opens it)."""
        check_passphrase_strength(passphrase)
        atomic_write_bytes(out, keyring.identity_file(self.keys, passphrase, work_factor))
        with self._write():
            self.log.append("export-identity", data={"recipient": self.keys.recipient})
        self.flush()

    # ---------------------------------------------------------------- settings

    def _set_setting(self, key: str, value: Any) -> None:
        self.db.put_setting(key, value)

    def get_setting(self, key: str, default: Any = None) -> Any:
        return self.db.get_setting(key, default)

    def set_setting(self, key: str, value: Any) -> None:
        with self._write():
            self.db.put_setting(key, value)
        self.flush()

    # ------------------------------------------------------ cases and items

    def create_case(self, name: str, **fields: Any) -> Case:
        return self.cases.create(name, **fields)

    def list_cases(self) -> list[Case]:
        return self.cases.list()

    def get_case(self, case_id: str) -> Case:
        return self.cases.get(case_id)

    def find_case(self, ref: str) -> Case:
        """A case by id, id prefix, or exact name."""
        return self.cases.find(ref)

    def update_case(self, case_id: str, **changes: Any) -> Case:
        return self.cases.update(case_id, **changes)

    def list_items(self, case_id: str) -> list[Item]:
        return self.items.list(case_id)

    def get_item(self, item_id: str) -> Item:
        return self.items.get(item_id)

    def find_item(self, case_id: str, ref: str) -> Item:
        """An item by exhibit number, id or id prefix."""
        return self.items.find(case_id, ref)

    def update_source(self, item_id: str, source: Source, notes: str | None = None) -> Item:
        return self.items.update_source(item_id, source, notes)

    # Record helpers the chat and timestamp stores and some tests use inside ``_write()``.
    def _item_blob(self, item_id: str) -> str | None:
        return self.items.blob_of(item_id)

    def _blob_path(self, name: str) -> Path:
        return self.blobs.blob_path(name)

    def _insert_item(self, item: Item, blob: str | None, dedup: bytes) -> None:
        self.items.insert(item, blob, dedup)

    def _update_item(self, item: Item) -> None:
        self.items.update(item)

    # ------------------------------------------------------------- acquiring

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
        return self.acquire.add_stream(case_id, src, info, total=total, progress=progress, cancel=cancel)

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
            return self.record_only.add_stream(case_id, io.BytesIO(data), info, total=len(data), regions=regions)
        return self.acquire.add_stream(case_id, io.BytesIO(data), info, total=len(data))

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
        with open_regular_file(path) as (f, size):
            info = info or ItemInput(name=path.name, method="import-file")
            if record_only:
                return self.record_only.add_stream(
                    case_id, f, info, total=size, regions=regions, progress=progress, cancel=cancel
                )
            return self.acquire.add_stream(case_id, f, info, total=size, progress=progress, cancel=cancel)

    def add_record_only(self, case_id: str, digests: Digests, info: ItemInput) -> AddResult:
        """Record an original by its hashes only (see :meth:`Acquirer.add_record_only`)."""
        return self.acquire.add_record_only(case_id, digests, info)

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
        """Record-only acquisition (issue 9); see :meth:`RecordOnly.add_stream`."""
        return self.record_only.add_stream(
            case_id, src, info, total=total, regions=regions, progress=progress, cancel=cancel
        )

    def add_redacted(
        self, case_id: str, data: bytes, info: ItemInput, *, regions: Sequence[redact.Rect] = ()
    ) -> AddResult:
        """Record-only image (issue 9); see :meth:`RecordOnly.add_redacted`."""
        return self.record_only.add_redacted(case_id, data, info, regions=regions)

    def derive_redacted_copy(
        self, item_id: str, *, regions: Sequence[redact.Rect] = (), name: str | None = None
    ) -> AddResult:
        """A redacted copy of an image item (issue 9); see :meth:`RecordOnly.derive_redacted_copy`."""
        return self.record_only.derive_redacted_copy(item_id, regions=regions, name=name)

    # ---------------------------------------------------- hashes after the save

    def complete_legacy_hashes(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> Item:
        return self.hashes.complete_legacy_hashes(item_id, progress=progress, cancel=cancel)

    def compute_perceptual(self, item_id: str, *, data: bytes | None = None, force: bool = False) -> pq.PdqOutcome:
        return self.hashes.compute_perceptual(item_id, data=data, force=force)

    def record_perceptual(self, item_id: str, result: pq.PdqResult) -> pq.PdqOutcome:
        return self.hashes.record_perceptual(item_id, result)

    def compute_video(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> Item:
        return self.hashes.compute_video(item_id, progress=progress, cancel=cancel)

    # ---------------------------------------------------------------- reading

    def open_item_stream(
        self, item_id: str, *, progress: Progress = no_progress, cancel: Cancel = never_cancel
    ) -> io.BufferedReader:
        return self.reader.open_item_stream(item_id, progress=progress, cancel=cancel)

    def iter_plaintext(self, item_id: str) -> Iterator[bytes]:
        return self.reader.iter_plaintext(item_id)

    def read_item_bytes(self, item_id: str, *, limit: int = 256 * 1024 * 1024, log_view: bool = True) -> bytes:
        return self.reader.read_item_bytes(item_id, limit=limit, log_view=log_view)

    def export_file(self, item_id: str, out: Path, *, purpose: str = "") -> Item:
        return self.reader.export_file(item_id, out, purpose=purpose)

    # ------------------------------------------------------------ custody log

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

    def verify(self, *, progress: Progress = no_progress, cancel: Cancel = never_cancel) -> VerifyResult:
        """Check every blob against its record, every record against the log, the log
        against its signed head, and the database file against its seal."""
        return verify_vault(
            self.db, self.log, self.items, self.reader,
            vault_id=self.vault_id, alerts=self.alerts, progress=progress, cancel=cancel,
        )
