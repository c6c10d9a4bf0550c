"""The vault's key file (``vault.json``): key slots, public keys and their MAC.

The master key is wrapped in slots: one under a key derived from the passphrase
(Argon2id), optionally one under a recovery key (HKDF of 32 random bytes). The file's
MAC is keyed by the master key, so a changed slot or public key is refused on unlock.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from pathlib import Path
from typing import Any

from ..common.canonical import canonical_json, parse_canonical
from ..common.errors import IntegrityError, VaultFormatError, VaultNotFoundError, WrongPassphraseError
from ..common.fsutil import atomic_write_bytes
from ..crypto import age_recipients, age_stream
from ..crypto.keys import (
    KdfParams,
    Keyring,
    b64d,
    b64e,
    hkdf,
    new_recovery_key,
    parse_recovery_key,
    unwrap_key,
    wrap_key,
)
from . import rekey

VAULT_FORMAT = "evidence-kit-vault"
VAULT_VERSION = 1
_RECOVERY_INFO = "evidence-kit/v1/recovery-slot"


def read_vault_file(path: Path) -> dict[str, Any]:
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


def file_mac(keys: Keyring, body: dict[str, Any]) -> str:
    return hmac.new(keys.file_mac_key, canonical_json(body), hashlib.sha256).hexdigest()


def signed_file(keys: Keyring, body: dict[str, Any]) -> dict[str, Any]:
    """The whole ``vault.json`` object: the body and its MAC."""
    return {"body": body, "mac": file_mac(keys, body)}


def write_vault_file(path: Path, keys: Keyring, body: dict[str, Any]) -> None:
    atomic_write_bytes(path / "vault.json", canonical_json(signed_file(keys, body)) + b"\n")


def check_vault_file(obj: dict[str, Any], keys: Keyring) -> None:
    """The file's MAC and public keys match the keys that unlocked it."""
    body = obj["body"]
    if not hmac.compare_digest(str(obj.get("mac", "")), file_mac(keys, body)):
        raise IntegrityError("vault.json was changed outside the app")
    if body["public"]["age_recipient"] != keys.recipient or b64d(body["public"]["ed25519"]) != (
        keys.public_key_raw()
    ):
        raise IntegrityError("vault public keys do not match")


def passphrase_slot(params: KdfParams, passphrase: str, master: bytes, vault_id: str) -> dict[str, Any]:
    slot: dict[str, Any] = {"kind": "passphrase", "kdf": params.to_json()}
    slot.update(wrap_key(params.derive(passphrase), master, f"{vault_id}/passphrase".encode()))
    return slot


def recovery_slot(master: bytes, vault_id: str) -> tuple[str, dict[str, Any]]:
    """A new recovery key (the text to print once) and the slot it opens."""
    text, raw = new_recovery_key()
    slot: dict[str, Any] = {"kind": "recovery", "kdf": {"alg": "hkdf-sha256"}}
    slot.update(wrap_key(hkdf(raw, _RECOVERY_INFO), master, f"{vault_id}/recovery".encode()))
    return text, slot


def new_vault_body(passphrase: str, params: KdfParams) -> tuple[Keyring, dict[str, Any]]:
    """A fresh master key and the body of a new vault's key file."""
    keys = Keyring(secrets.token_bytes(32))
    vault_id = str(uuid.uuid4())
    body = {
        "format": VAULT_FORMAT,
        "version": VAULT_VERSION,
        "vault_id": vault_id,
        "slots": [passphrase_slot(params, passphrase, keys.master, vault_id)],
        "public": {
            "age_recipient": keys.recipient,
            "ed25519": b64e(keys.public_key_raw()),
        },
    }
    return keys, body


def _unwrap_passphrase(body: dict[str, Any], passphrase: str) -> bytes:
    slot = next((s for s in body["slots"] if s.get("kind") == "passphrase"), None)
    if slot is None:
        raise VaultFormatError("no passphrase slot")
    params = KdfParams.from_json(slot["kdf"])
    return unwrap_key(params.derive(passphrase), slot, f"{body['vault_id']}/passphrase".encode())


def unlock_with_passphrase(path: Path, passphrase: str) -> tuple[Keyring, dict[str, Any]]:
    """The keys and the key file object ``passphrase`` opens."""
    obj = read_vault_file(path)
    try:
        master = _unwrap_passphrase(obj["body"], passphrase)
    except WrongPassphraseError:
        # A passphrase change was interrupted: the new passphrase opens it too (and
        # the unlock finishes the change).
        pending = rekey.read_pending(path)
        if pending is None:
            raise
        obj = rekey.pending_new_vault(pending)
        master = _unwrap_passphrase(obj["body"], passphrase)
    return Keyring(master), obj


def unlock_with_recovery(path: Path, recovery_key: str) -> tuple[Keyring, dict[str, Any]]:
    obj = read_vault_file(path)
    body = obj["body"]
    slot = next((s for s in body["slots"] if s.get("kind") == "recovery"), None)
    if slot is None:
        raise WrongPassphraseError("this vault has no recovery key")
    kek = hkdf(parse_recovery_key(recovery_key), _RECOVERY_INFO)
    return Keyring(unwrap_key(kek, slot, f"{body['vault_id']}/recovery".encode())), obj


def has_recovery(body: dict[str, Any]) -> bool:
    return any(s["kind"] == "recovery" for s in body["slots"])


def with_slot(body: dict[str, Any], slot: dict[str, Any]) -> dict[str, Any]:
    """``body`` with ``slot`` in place of any slot of its kind."""
    return dict(body, slots=[s for s in body["slots"] if s["kind"] != slot["kind"]] + [slot])


def prove_passphrase(body: dict[str, Any], passphrase: str, keys: Keyring) -> None:
    """Raise WrongPassphraseError unless ``passphrase`` opens this vault's master key."""
    if not hmac.compare_digest(_unwrap_passphrase(body, passphrase), keys.master):
        raise WrongPassphraseError()


def rekeyed_file(
    body: dict[str, Any], passphrase: str, params: KdfParams, *, with_recovery: bool
) -> tuple[Keyring, dict[str, Any], str | None]:
    """New keys and the key file they go with (issue 15), keeping the old public keys listed
    so the log stays verifiable; plus a new recovery key's text if the vault had one."""
    vault_id = body["vault_id"]
    new_keys = Keyring(secrets.token_bytes(32))
    slots = [passphrase_slot(params, passphrase, new_keys.master, vault_id)]
    recovery_text: str | None = None
    if with_recovery:
        recovery_text, rslot = recovery_slot(new_keys.master, vault_id)
        slots.append(rslot)
    public = dict(body["public"])
    previous = [*public.get("previous_ed25519", []), public["ed25519"]]
    public.update({"age_recipient": new_keys.recipient, "ed25519": b64e(new_keys.public_key_raw())})
    public["previous_ed25519"] = previous
    new_body = dict(body, slots=slots, public=public)
    return new_keys, signed_file(new_keys, new_body), recovery_text


def identity_file(keys: Keyring, passphrase: str, work_factor: int) -> bytes:
    """The age identity, encrypted to a passphrase (stock ``age -d`` opens it)."""
    text = (
        "# Evidence Kit vault identity: decrypt evidence blobs with `age -d -i`\n"
        f"# public key: {keys.recipient}\n"
        f"{keys.identity.to_bech32()}\n"
    ).encode()
    return age_stream.encrypt_bytes(text, [age_recipients.ScryptRecipient(passphrase, work_factor=work_factor)])
