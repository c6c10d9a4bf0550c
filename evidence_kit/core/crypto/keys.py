"""Key hierarchy: passphrase -> Argon2id -> key-encryption key -> random master key -> subkeys.

Changing the passphrase rewraps the 32-byte master key only. A second key slot holds the
master key wrapped under a printable recovery key. Subkeys come from HKDF so one master
key serves metadata sealing, the age identity and the custody-log signing key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ..common.errors import VaultFormatError, WeakPassphraseError, WrongPassphraseError
from .age_recipients import X25519Identity

MIN_PASSPHRASE_CHARS = 10

# RFC 9106 second recommendation is the floor; anything read from disk must stay inside
# these bounds so a hostile vault file cannot make unlocking eat all memory or hang.
KDF_FLOOR_MEMORY_KIB = 64 * 1024
KDF_FLOOR_ITERATIONS = 3
KDF_MAX_MEMORY_KIB = 2 * 1024 * 1024
KDF_MAX_ITERATIONS = 20
KDF_MAX_LANES = 16
KDF_TARGET_SECONDS = 1.0


@dataclass(frozen=True)
class KdfParams:
    memory_kib: int
    iterations: int
    lanes: int
    salt: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "alg": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "lanes": self.lanes,
            "salt": b64e(self.salt),
        }

    @classmethod
    def from_json(cls, obj: Any) -> KdfParams:
        try:
            if obj["alg"] != "argon2id":
                raise VaultFormatError("unknown KDF")
            p = cls(int(obj["memory_kib"]), int(obj["iterations"]), int(obj["lanes"]), b64d(obj["salt"]))
        except (KeyError, TypeError, ValueError) as e:
            raise VaultFormatError("KDF parameters") from e
        p.check_bounds()
        return p

    def check_bounds(self) -> None:
        ok = (
            KDF_FLOOR_MEMORY_KIB <= self.memory_kib <= KDF_MAX_MEMORY_KIB
            and 2 <= self.iterations <= KDF_MAX_ITERATIONS
            and 1 <= self.lanes <= KDF_MAX_LANES
            and len(self.salt) == 16
            and not (self.memory_kib < 2 * KDF_FLOOR_MEMORY_KIB and self.iterations < KDF_FLOOR_ITERATIONS)
        )
        if not ok:
            raise VaultFormatError("KDF parameters out of bounds")

    def derive(self, passphrase: str) -> bytes:
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        return kdf.derive(passphrase.encode("utf-8"))


def floor_params() -> KdfParams:
    return KdfParams(KDF_FLOOR_MEMORY_KIB, KDF_FLOOR_ITERATIONS, 4, os.urandom(16))


def calibrate_kdf(target_seconds: float = KDF_TARGET_SECONDS) -> KdfParams:
    """Pick Argon2id memory so one derivation takes about ``target_seconds`` here.

    Measures at the floor and scales memory (time grows linearly with it), never below
    the floor and never above the bound we accept when reading.
    """
    probe = floor_params()
    t0 = time.perf_counter()
    probe.derive("calibration")
    elapsed = max(time.perf_counter() - t0, 1e-3)
    # floor is m=64 MiB t=3; at t=2 each MiB costs 2/3 as much
    per_kib_t2 = elapsed / (KDF_FLOOR_MEMORY_KIB * 3) * 2
    memory = int(target_seconds / per_kib_t2)
    memory = max(2 * KDF_FLOOR_MEMORY_KIB, min(memory, 1024 * 1024))
    memory -= memory % 1024
    return KdfParams(memory, 2, 4, os.urandom(16))


def check_passphrase_strength(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        raise WeakPassphraseError()


def passphrase_strength(passphrase: str) -> int:
    """0 (weak) .. 4 (strong): a simple, explainable estimate for the strength meter."""
    if len(passphrase) < MIN_PASSPHRASE_CHARS:
        return 0
    classes = sum(
        [
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
            any(ord(c) > 0x7F for c in passphrase),
        ]
    )
    score = 1 + (len(passphrase) >= 14) + (len(passphrase) >= 20) + (classes >= 3)
    return min(score, 4)


def b64e(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def b64d(s: str) -> bytes:
    return base64.b64decode(s.encode("ascii"), validate=True)


def hkdf(key: bytes, info: str, length: int = 32) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info.encode()).derive(key)


def wrap_key(kek: bytes, master: bytes, aad: bytes) -> dict[str, str]:
    nonce = os.urandom(12)
    return {"nonce": b64e(nonce), "wrapped": b64e(AESGCM(kek).encrypt(nonce, master, aad))}


def unwrap_key(kek: bytes, slot: dict[str, Any], aad: bytes) -> bytes:
    try:
        return AESGCM(kek).decrypt(b64d(slot["nonce"]), b64d(slot["wrapped"]), aad)
    except InvalidTag as e:
        raise WrongPassphraseError() from e
    except (KeyError, ValueError, TypeError) as e:
        raise VaultFormatError("key slot") from e


# Recovery keys: 32 random bytes shown as 13 groups of 4 Crockford-ish base32 characters,
# plus a 4-character check so a typo is caught before an expensive unlock attempt.


def new_recovery_key() -> tuple[str, bytes]:
    raw = secrets.token_bytes(32)
    return format_recovery_key(raw), raw


def format_recovery_key(raw: bytes) -> str:
    body = base64.b32encode(raw).decode("ascii").rstrip("=")
    check = base64.b32encode(hashlib.sha256(raw).digest()[:5]).decode("ascii")[:4]
    s = body + check
    return "-".join(s[i : i + 4] for i in range(0, len(s), 4))


def parse_recovery_key(text: str) -> bytes:
    s = "".join(ch for ch in text.upper() if ch.isalnum())
    if len(s) != 56:
        raise WrongPassphraseError("recovery key length")
    body, check = s[:52], s[52:]
    try:
        raw = base64.b32decode(body + "====")
    except ValueError as e:
        raise WrongPassphraseError("recovery key") from e
    expected = base64.b32encode(hashlib.sha256(raw).digest()[:5]).decode("ascii")[:4]
    if not hmac.compare_digest(expected, check):
        raise WrongPassphraseError("recovery key check")
    return raw


@dataclass
class Keyring:
    """Keys held in memory while the vault is unlocked; derived from the master key."""

    master: bytes

    def __post_init__(self) -> None:
        self.meta_key = hkdf(self.master, "evidence-kit/v1/metadata")
        self.index_key = hkdf(self.master, "evidence-kit/v1/index")
        self.db_mac_key = hkdf(self.master, "evidence-kit/v1/database-seal")
        self.file_mac_key = hkdf(self.master, "evidence-kit/v1/vault-file")
        self.identity = X25519Identity.from_private_bytes(hkdf(self.master, "evidence-kit/v1/age-identity"))
        self.signing_key = Ed25519PrivateKey.from_private_bytes(
            hkdf(self.master, "evidence-kit/v1/log-signing")
        )
        self._aead = AESGCM(self.meta_key)

    @property
    def recipient(self) -> str:
        return self.identity.recipient().to_bech32()

    def public_key_raw(self) -> bytes:
        return self.signing_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )

    def seal(self, plaintext: bytes, aad: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext, aad.encode("utf-8"))

    def open(self, sealed: object, aad: str) -> bytes:
        """Decrypt a sealed column; any change (or a value moved to another row) fails.

        Takes the raw database value: a damaged row may hold NULL, a number or text where
        the sealed bytes were, and that is an integrity failure like any other.
        """
        from ..common.errors import IntegrityError

        if isinstance(sealed, (bytearray, memoryview)):
            sealed = bytes(sealed)
        if not isinstance(sealed, bytes):
            raise IntegrityError(f"sealed record {aad.split(chr(0))[0]} is damaged")
        try:
            return self._aead.decrypt(sealed[:12], sealed[12:], aad.encode("utf-8"))
        except (InvalidTag, ValueError, TypeError) as e:
            raise IntegrityError(f"sealed record {aad.split(chr(0))[0]}") from e

    def index_tag(self, *parts: str) -> bytes:
        return hmac.new(self.index_key, "\x00".join(parts).encode("utf-8"), hashlib.sha256).digest()


def public_key_pem(raw: bytes) -> bytes:
    return Ed25519PublicKey.from_public_bytes(raw).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def key_fingerprint(raw: bytes) -> str:
    """SHA-256 of the raw public key, as printed in reports and README-VERIFY."""
    return hashlib.sha256(raw).hexdigest()
