"""A real passphrase change: a new master key for the whole vault (issue 15, attack 5).

Re-wrapping only the 32-byte master key (what ``passwd`` once did) leaves the old
``vault.json`` + old passphrase as good as the new ones: whoever kept both reads everything
added later. So a change makes a new master key and, with it, new subkeys everywhere:

1. ``rekey.json`` is written: the new ``vault.json`` ready to install, the new master key
   wrapped under a key derived from the old one, and the old master key wrapped under a key
   derived from the new one, each half MAC'd by its own key. From here on, either
   passphrase (or the old recovery key) opens the vault and finishes the change.
2. Every blob's age header is re-wrapped to the new identity, in place when (as always for
   the vault's own one-recipient headers) the new header has the same length. The payload
   is keyed by the file key alone and is not touched, which is why this takes seconds.
3. One SQLite transaction re-seals every sealed column under the new metadata key,
   recomputes the dedup tags, re-signs the stored checkpoints with the new signing key
   (their bodies, which trusted timestamps cover, are unchanged) and appends a ``rekey``
   event carrying a hand-over statement signed by the OLD key: "key X hands the log over to
   key Y at size N, root R", so the log stays verifiable across the change.
4. The new ``vault.json`` replaces the old one atomically; ``rekey.json`` is removed.

Every step is idempotent and detects whether it already ran, so a SIGKILL at any point is
finished by the next unlock, whichever passphrase is typed (tests/test_rekey.py kills the
process at each named step through ``EVIDENCE_KIT_TEST_REKEY_KILL``).

Afterwards the old ``vault.json`` with the old passphrase yields a master key that opens no
sealed row and no blob header, and the app refuses it with a plain message.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import shutil
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..common.canonical import canonical_json, parse_canonical
from ..common.clock import Clock
from ..common.errors import EvidenceKitError, IntegrityError, VaultFormatError
from ..common.fsutil import atomic_write_bytes, fsync_dir
from ..crypto import age, age_stream
from ..crypto.keys import Keyring, b64d, b64e, hkdf, key_fingerprint, unwrap_key, wrap_key
from .alerts import Alert
from .custody import CustodyLog
from .metastore import DB_ERRORS, SESSION_KEY, connect_plain, write_seal_file

log = logging.getLogger(__name__)

PENDING = "rekey.json"
PENDING_FORMAT = "evidence-kit-rekey"
KILL_ENV = "EVIDENCE_KIT_TEST_REKEY_KILL"
# The named points a test may kill the process at (after the step named).
STEPS = ("prepared", "journal", "blob", "blobs", "metadata", "vault-file", "done")
HANDOVER_STATEMENT = "evidence-kit signing key change"

# Every table with a sealed column and how its AAD is made (keep in step with the writers:
# metastore.py, cases.py, items.py, custody.py, chat/store.py, timestamps/store.py).
# tests/test_rekey.py fails if a new sealed table is added to the schema without an entry here.
_SEALED: dict[str, tuple[str, Callable[[tuple[Any, ...]], str]]] = {
    "settings": ("key", lambda r: f"settings\x00{r[0]}"),
    "cases": ("id", lambda r: f"cases\x00{r[0]}"),
    "items": ("id, case_id, exhibit, blob", lambda r: f"items\x00{r[0]}\x00{r[1]}\x00{r[2]}\x00{r[3] or ''}"),
    "custody_log": ("seq", lambda r: f"custody_log\x00{r[0]}"),
    "chats": ("id, case_id, ord", lambda r: f"chats\x00{r[0]}\x00{r[1]}\x00{r[2]}"),
    "chat_messages": ("id, chat_id, seq", lambda r: f"chat_messages\x00{r[0]}\x00{r[1]}\x00{r[2]}"),
    "timestamp_queue": ("checkpoint_id", lambda r: f"timestamp_queue\x00{r[0]}"),
    "timestamps": ("id, checkpoint_id, ord", lambda r: f"timestamps\x00{r[0]}\x00{r[1]}\x00{r[2]}"),
}

Progress = Callable[[int, int], None]


@dataclass
class RekeyResult:
    """What a passphrase change did, for the UI to say."""

    blobs_rewrapped: int
    blobs_damaged: list[str]
    old_key: str
    new_key: str
    recovery_key: str | None  # a new recovery key to show once, if the vault had one
    seconds: float


def kill_point(step: str) -> None:
    """Test hook: die here, as abruptly as a power cut allows a process to."""
    if os.environ.get(KILL_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)


def _mac(keys: Keyring, body: dict[str, Any]) -> str:
    return hmac.new(keys.file_mac_key, canonical_json(body), hashlib.sha256).hexdigest()


def _public(keys: Keyring) -> dict[str, str]:
    return {"age_recipient": keys.recipient, "ed25519": b64e(keys.public_key_raw())}


def write_pending(path: Path, vault_id: str, old: Keyring, new: Keyring, new_vault: dict[str, Any]) -> None:
    aad = f"{vault_id}/rekey".encode()
    body = {
        "format": PENDING_FORMAT,
        "vault_id": vault_id,
        "old_public": _public(old),
        "new_public": _public(new),
        "new_master": wrap_key(hkdf(old.master, "evidence-kit/v1/rekey-new"), new.master, aad),
        "old_master": wrap_key(hkdf(new.master, "evidence-kit/v1/rekey-old"), old.master, aad),
        "vault": new_vault,
    }
    obj = {"body": body, "mac_old": _mac(old, body), "mac_new": _mac(new, body)}
    atomic_write_bytes(path / PENDING, canonical_json(obj) + b"\n")


def read_pending(path: Path) -> dict[str, Any] | None:
    try:
        raw = (path / PENDING).read_bytes()
    except FileNotFoundError:
        return None
    try:
        obj: dict[str, Any] = parse_canonical(raw.rstrip(b"\n"))
        if obj["body"]["format"] != PENDING_FORMAT:
            raise VaultFormatError(PENDING)
        return obj
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as e:
        raise VaultFormatError(PENDING) from e


def pending_new_vault(pending: dict[str, Any]) -> dict[str, Any]:
    vault: dict[str, Any] = pending["body"]["vault"]
    return vault


def pending_keys(pending: dict[str, Any], keys: Keyring) -> tuple[Keyring, Keyring] | None:
    """(old, new) keyrings from either side's keys; None if ``keys`` are neither side."""
    body = pending["body"]
    aad = f"{body['vault_id']}/rekey".encode()
    mine = keys.public_key_raw()
    try:
        if mine == b64d(body["old_public"]["ed25519"]):
            if not hmac.compare_digest(str(pending.get("mac_old", "")), _mac(keys, body)):
                raise IntegrityError(f"{PENDING} was changed outside the app")
            new = Keyring(unwrap_key(hkdf(keys.master, "evidence-kit/v1/rekey-new"), body["new_master"], aad))
            return keys, new
        if mine == b64d(body["new_public"]["ed25519"]):
            if not hmac.compare_digest(str(pending.get("mac_new", "")), _mac(keys, body)):
                raise IntegrityError(f"{PENDING} was changed outside the app")
            old = Keyring(unwrap_key(hkdf(keys.master, "evidence-kit/v1/rekey-old"), body["old_master"], aad))
            return old, keys
    except (KeyError, TypeError, ValueError) as e:
        raise VaultFormatError(PENDING) from e
    except EvidenceKitError as e:
        if isinstance(e, IntegrityError):
            raise
        raise IntegrityError(f"{PENDING} was changed outside the app") from e
    return None


# ------------------------------------------------------------------------------ blobs


HEADERS = "rekey-headers.json"


def rewrap_blobs(path: Path, old: Keyring, new: Keyring, progress: Progress | None = None) -> tuple[int, list[str]]:
    """Re-wrap every blob still wrapped to ``old``; returns (re-wrapped, names that could not be).

    Blobs already wrapped to ``new`` (an interrupted run) are skipped. A damaged blob is left
    exactly as it is (never "repaired" into one that looks sound); verify reports it.

    Headers are overwritten in place, so a write that stops half-way (disk full, I/O error)
    would leave a header that matches neither key: the evidence could never be decrypted
    again. Every new header is therefore first written to a durable journal; an interrupted
    run puts the journalled header back before anything else (``_repair_from_journal``).
    """
    _repair_from_journal(path)
    files = sorted(path.glob("blobs/*/*.age")) + sorted(path.glob("quarantine/*.age"))
    recipients = [new.identity.recipient()]
    done, damaged = 0, []
    in_place: list[tuple[Path, bytes]] = []
    for p in files:
        with p.open("rb") as f:
            try:
                header, old_len = age_stream.rewrap_header(f, [old.identity], recipients)
            except age.AgeNoMatchError:
                continue  # already re-wrapped, or not the vault's
            except age.AgeError as e:
                log.warning("blob %s not re-wrapped: %s", p.name, e)
                damaged.append(p.name)
                continue
        if len(header) == old_len:
            in_place.append((p, header))
        else:
            # Another length: a fresh file beside it and an atomic rename, never a torn header.
            tmp = path / "staging" / f".{p.name}.rekey"
            with p.open("rb") as f, open(tmp, "xb") as out:
                out.write(header)
                f.seek(old_len)
                shutil.copyfileobj(f, out, 1 << 20)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, p)
            fsync_dir(p.parent)
            done += 1
    if in_place:
        journal = {str(p.relative_to(path)): b64e(h) for p, h in in_place}
        atomic_write_bytes(path / HEADERS, canonical_json({"headers": journal}))
        kill_point("journal")
    written: list[Path] = []
    for i, (p, header) in enumerate(in_place):
        with p.open("r+b") as f:
            f.write(header)
            f.flush()
        written.append(p)
        done += 1
        if i == 0:
            _fsync_all(written)
            written = []
            kill_point("blob")
        if progress is not None:
            progress(i + 1, len(in_place))
    # One pass of fsyncs at the end: until rekey.json is removed an unsynced header is
    # harmless (the journal puts it back), so they need not be durable one by one, only
    # before the new vault.json goes in.
    _fsync_all(written)
    return done, damaged


def _repair_from_journal(path: Path) -> None:
    """Put back every journalled header (the new one) that an interrupted run may have torn."""
    try:
        raw = (path / HEADERS).read_bytes()
    except FileNotFoundError:
        return
    try:
        headers = parse_canonical(raw)["headers"]
        items = [(str(k), b64d(v)) for k, v in headers.items()]
    except (KeyError, TypeError, ValueError, AttributeError) as e:
        raise IntegrityError(
            HEADERS,
            ko="중단된 암호 변경의 헤더 기록 파일(rekey-headers.json)을 읽을 수 없습니다.",
            en="The header journal of an interrupted passphrase change (rekey-headers.json) cannot be read.",
        ) from e
    repaired: list[Path] = []
    for rel, header in items:
        p = path / rel
        if ".." in Path(rel).parts or not p.is_file():
            continue
        with p.open("r+b") as f:
            if f.read(len(header)) != header:
                f.seek(0)
                f.write(header)
                f.flush()
                repaired.append(p)
    _fsync_all(repaired)
    if repaired:
        log.warning("%d blob header(s) put back from the passphrase-change journal", len(repaired))


def _fsync_all(paths: list[Path]) -> None:
    for p in paths:
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# --------------------------------------------------------------------------- metadata


def metadata_done(conn: sqlite3.Connection, old: Keyring) -> bool:
    """True once the database is sealed under the new key (its first log line no longer
    opens with the old one)."""
    row = conn.execute("SELECT sealed FROM custody_log ORDER BY seq LIMIT 1").fetchone()
    if row is None:
        return False
    try:
        old.open(row[0], "custody_log\x000")
    except IntegrityError:
        return True
    return False


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def sealed_tables(conn: sqlite3.Connection) -> set[str]:
    """Tables of this database that have a ``sealed`` column."""
    out = set()
    for name in _tables(conn):
        cols = {str(r[1]) for r in conn.execute(f"PRAGMA table_info({name})")}
        if "sealed" in cols:
            out.add(name)
    return out


def _new_dedup(old: Keyring, new: Keyring, case_id: str, dedup: object, obj: dict[str, Any]) -> bytes:
    candidates = [c for c in (obj.get("sha256"), obj.get("stored_sha256")) if isinstance(c, str) and c]
    for c in candidates:
        if isinstance(dedup, bytes) and hmac.compare_digest(old.index_tag("sha256", case_id, c), dedup):
            return new.index_tag("sha256", case_id, c)
    return new.index_tag("sha256", case_id, candidates[0] if candidates else "")


def reseal_metadata(
    conn: sqlite3.Connection,
    old: Keyring,
    new: Keyring,
    *,
    vault_id: str,
    clock: Clock,
    event: dict[str, Any],
) -> None:
    """Step 3, one transaction: every sealed value, dedup tag and checkpoint signature under
    the new keys, and the signed hand-over in the log."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        present = _tables(conn)
        for table, (cols, aad_of) in _SEALED.items():
            if table not in present:
                continue
            key = cols.split(",")[0]
            extra = ", dedup" if table == "items" else ""
            rows = conn.execute(f"SELECT {cols}{extra}, sealed FROM {table}").fetchall()  # noqa: S608
            for row in rows:
                ident = tuple(row[: len(cols.split(","))])
                aad = aad_of(ident)
                plain = old.open(row[-1], aad)
                if table == "items":
                    dedup = _new_dedup(old, new, str(row[1]), row[-2], parse_canonical(plain))
                    conn.execute(
                        "UPDATE items SET sealed = ?, dedup = ? WHERE id = ?", (new.seal(plain, aad), dedup, row[0])
                    )
                else:
                    conn.execute(
                        f"UPDATE {table} SET sealed = ? WHERE {key} = ?",  # noqa: S608
                        (new.seal(plain, aad), row[0]),
                    )
        for cp_id, body in conn.execute("SELECT id, body FROM checkpoints").fetchall():
            signature = new.signing_key.sign(bytes(body))
            conn.execute("UPDATE checkpoints SET signature = ? WHERE id = ?", (signature, cp_id))
        clog = CustodyLog(conn, new, clock, vault_id)
        statement = {
            "statement": HANDOVER_STATEMENT,
            "vault": vault_id,
            "old_key": key_fingerprint(old.public_key_raw()),
            "new_key": key_fingerprint(new.public_key_raw()),
            "size": clog.size,
            "root": clog.root().hex(),
        }
        data = dict(event)
        data.update(statement)
        data.pop("statement")
        data["old_ed25519"] = b64e(old.public_key_raw())
        data["new_ed25519"] = b64e(new.public_key_raw())
        data["handover"] = b64e(old.signing_key.sign(canonical_json(statement)))
        clog.append("rekey", data=data)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def handover_problem(data: dict[str, Any], vault_id: str) -> str | None:
    """None if a ``rekey`` event's hand-over is signed by the key it names as old."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if "handover" not in data:
        return None  # a passphrase-only change from before issue 15: nothing to check
    try:
        old_raw = b64d(data["old_ed25519"])
        new_raw = b64d(data["new_ed25519"])
        statement = {
            "statement": HANDOVER_STATEMENT,
            "vault": vault_id,
            "old_key": data["old_key"],
            "new_key": data["new_key"],
            "size": data["size"],
            "root": data["root"],
        }
        if key_fingerprint(old_raw) != data["old_key"] or key_fingerprint(new_raw) != data["new_key"]:
            return "a key change names keys that do not match their fingerprints"
        Ed25519PublicKey.from_public_bytes(old_raw).verify(b64d(data["handover"]), canonical_json(statement))
    except (KeyError, TypeError, ValueError, InvalidSignature):
        return "a key change in the custody log is not signed by the key it replaced"
    return None


def remove_pending(path: Path) -> None:
    # The header journal first: while rekey.json exists an interrupted run can redo everything.
    with contextlib.suppress(FileNotFoundError):
        (path / HEADERS).unlink()
    with contextlib.suppress(FileNotFoundError):
        (path / PENDING).unlink()
    fsync_dir(path)


# ------------------------------------------------------------------ the whole change


def change(
    path: Path,
    conn: sqlite3.Connection,
    old: Keyring,
    new: Keyring,
    new_obj: dict[str, Any],
    clock: Clock,
    *,
    recovery: str,
    progress: Progress | None = None,
) -> tuple[int, list[str]]:
    """Steps 1-4 above for an open vault whose seal already says "dirty"."""
    write_pending(path, new_obj["body"]["vault_id"], old, new, new_obj)
    kill_point("prepared")
    return finish_change(path, conn, old, new, new_obj, clock, recovery=recovery, progress=progress)


def finish_change(
    path: Path,
    conn: sqlite3.Connection,
    old: Keyring,
    new: Keyring,
    new_obj: dict[str, Any],
    clock: Clock,
    *,
    recovery: str,
    progress: Progress | None = None,
) -> tuple[int, list[str]]:
    """Steps 2-4 above; each redone safely after a kill."""
    blobs, damaged = rewrap_blobs(path, old, new, progress)
    kill_point("blobs")
    if not metadata_done(conn, old):
        event = {"slot": "passphrase", "master_key": "new", "blobs_rewrapped": blobs, "recovery_key": recovery}
        reseal_metadata(conn, old, new, vault_id=new_obj["body"]["vault_id"], clock=clock, event=event)
    kill_point("metadata")
    # The seal must now be under the new key too; dirty, naming the session the
    # database records, so the next open runs the crash checks, not a tamper alarm.
    row = conn.execute("SELECT sealed FROM settings WHERE key = ?", (SESSION_KEY,)).fetchone()
    nonce = None
    if row is not None:
        nonce = parse_canonical(new.open(row[0], f"settings\x00{SESSION_KEY}")).get("nonce")
    size = conn.execute("SELECT COUNT(*) FROM custody_log").fetchone()[0]
    write_seal_file(path, new, {"state": "dirty", "log_size": int(size), "nonce": nonce, "prev": nonce})
    atomic_write_bytes(path / "vault.json", canonical_json(new_obj) + b"\n")
    kill_point("vault-file")
    remove_pending(path)
    kill_point("done")
    return blobs, damaged


def resume_change(
    path: Path, keys: Keyring, body: dict[str, Any], clock: Clock
) -> tuple[Keyring, dict[str, Any], Alert | None]:
    """Finish a passphrase change that a crash interrupted (before the database is read)."""
    pending = read_pending(path)
    if pending is None:
        return keys, body, None
    pair = pending_keys(pending, keys)
    if pair is None:
        raise IntegrityError(
            PENDING,
            ko="중단된 암호 변경 파일(rekey.json)이 이 보관함의 키와 맞지 않습니다.",
            en="The file of an interrupted passphrase change (rekey.json) does not match this vault's keys.",
        )
    old, new = pair
    new_obj = pending_new_vault(pending)
    conn = connect_plain(path)
    try:
        finish_change(path, conn, old, new, new_obj, clock, recovery="not shown (interrupted)")
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


def refuse_replaced_keys(path: Path, keys: Keyring) -> None:
    """A vault.json whose key no longer opens the database: an old copy kept from before
    a passphrase change. Refused before anything is written with it."""
    conn = sqlite3.connect(path / "meta.sqlite", isolation_level=None)
    try:
        row = conn.execute("SELECT sealed FROM custody_log WHERE seq = 0").fetchone()
    except DB_ERRORS:
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
