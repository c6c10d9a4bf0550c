"""The age recipient types: X25519 keys (the vault's own) and scrypt passphrases (bundles).

A recipient wraps a file key into a header
stanza; an identity unwraps it again. Nothing here logs or formats key material.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from typing import Final, TypeAlias

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from . import bech32
from .age import (
    FILE_KEY_SIZE,
    AgeHeaderError,
    _b64decode,
    _b64encode,
    _hkdf,
    _Stanza,
    _to_bytes,
    _unwrap_key,
    _wrap_key,
)

_X25519_LABEL: Final = b"age-encryption.org/v1/X25519"
_SCRYPT_LABEL: Final = b"age-encryption.org/v1/scrypt"
_SCRYPT_SALT_SIZE: Final = 16
_SCRYPT_WORK_FACTOR: Final = re.compile(r"[1-9][0-9]*")
_WRAPPED_KEY_SIZE: Final = FILE_KEY_SIZE + 16  # ChaCha20-Poly1305 tag

_BECH32_RECIPIENT_HRP: Final = "age"
_BECH32_IDENTITY_HRP: Final = "AGE-SECRET-KEY-"


# --------------------------------------------------------------------------------------------
# X25519 recipients and identities
# --------------------------------------------------------------------------------------------


class X25519Recipient:
    """An ``age1...`` public key."""

    __slots__ = ("_public",)

    def __init__(self, public_key: X25519PublicKey) -> None:
        self._public = public_key

    @classmethod
    def from_public_bytes(cls, raw: bytes) -> X25519Recipient:
        if len(raw) != 32:
            raise ValueError("an X25519 public key is 32 bytes")
        return cls(X25519PublicKey.from_public_bytes(raw))

    @classmethod
    def from_bech32(cls, s: str) -> X25519Recipient:
        hrp, data = bech32.decode(s.strip())
        # Case-sensitive on purpose (as in the reference implementation): recipients are
        # always written in lowercase, so "AGE1..." is not a recipient.
        if hrp != _BECH32_RECIPIENT_HRP:
            raise ValueError("not an age X25519 recipient (expected age1...)")
        return cls.from_public_bytes(data)

    def to_bech32(self) -> str:
        return bech32.encode(_BECH32_RECIPIENT_HRP, self.public_bytes())

    def public_bytes(self) -> bytes:
        return self._public.public_bytes_raw()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, X25519Recipient) and self.public_bytes() == other.public_bytes()

    def __hash__(self) -> int:
        return hash(self.public_bytes())

    def __repr__(self) -> str:
        return f"X25519Recipient({self.to_bech32()!r})"

    def _wrap(self, file_key: bytes) -> _Stanza:
        ephemeral = X25519PrivateKey.generate()
        share = ephemeral.public_key().public_bytes_raw()
        try:
            shared = ephemeral.exchange(self._public)
        except ValueError:  # OpenSSL refuses an all-zero result: a low-order "public key"
            raise ValueError("invalid X25519 recipient (low-order point)") from None
        wrap_key = _hkdf(shared, share + self.public_bytes(), _X25519_LABEL)
        return _Stanza("X25519", [_b64encode(share).decode("ascii")], _wrap_key(wrap_key, file_key))


class X25519Identity:
    """An ``AGE-SECRET-KEY-1...`` private key."""

    __slots__ = ("_private", "_public_raw")

    def __init__(self, private_key: X25519PrivateKey) -> None:
        self._private = private_key
        self._public_raw = private_key.public_key().public_bytes_raw()

    @classmethod
    def generate(cls) -> X25519Identity:
        return cls(X25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, raw: bytes) -> X25519Identity:
        if len(raw) != 32:
            raise ValueError("an X25519 private key is 32 bytes")
        return cls(X25519PrivateKey.from_private_bytes(raw))

    @classmethod
    def from_bech32(cls, s: str) -> X25519Identity:
        try:
            hrp, data = bech32.decode(s.strip())
        except ValueError:
            # Do not chain: the message could otherwise carry details of the secret string.
            raise ValueError("malformed age secret key") from None
        # Case-sensitive: secret keys are always written in uppercase.
        if hrp != _BECH32_IDENTITY_HRP:
            raise ValueError("not an age X25519 secret key (expected AGE-SECRET-KEY-1...)")
        return cls.from_private_bytes(data)

    def to_bech32(self) -> str:
        return bech32.encode(_BECH32_IDENTITY_HRP, self.private_bytes())

    def private_bytes(self) -> bytes:
        return self._private.private_bytes_raw()

    def recipient(self) -> X25519Recipient:
        return X25519Recipient.from_public_bytes(self._public_raw)

    def __repr__(self) -> str:  # never show the secret
        return f"X25519Identity(recipient={self.recipient().to_bech32()!r})"

    def _unwrap(self, stanzas: Sequence[_Stanza]) -> bytes | None:
        for stanza in stanzas:
            # Type names are case-sensitive: "x25519" is some other (unknown) stanza type.
            if stanza.type != "X25519":
                continue
            if len(stanza.args) != 1:
                raise AgeHeaderError("invalid X25519 stanza: wrong number of arguments")
            share = _b64decode(stanza.args[0].encode("ascii"))
            if len(share) != 32:
                raise AgeHeaderError("invalid X25519 stanza: share is not 32 bytes")
            if len(stanza.body) != _WRAPPED_KEY_SIZE:
                raise AgeHeaderError("invalid X25519 stanza: wrapped file key is not 32 bytes")
            try:
                shared = self._private.exchange(X25519PublicKey.from_public_bytes(share))
            except ValueError:
                shared = bytes(32)
            # A low-order share makes the shared secret all zeros whatever our key is, so it
            # proves nothing about the sender; the spec requires rejecting it. This is a
            # malformed header, not "not for us".
            if shared == bytes(32):
                raise AgeHeaderError("invalid X25519 stanza: low-order share")
            wrap_key = _hkdf(shared, share + self._public_raw, _X25519_LABEL)
            file_key = _unwrap_key(wrap_key, stanza.body)
            if file_key is not None:
                return file_key
        return None


# --------------------------------------------------------------------------------------------
# scrypt (passphrase) recipients and identities
# --------------------------------------------------------------------------------------------


def _scrypt_key(passphrase: bytes, salt: bytes, log_n: int) -> bytes:
    # The salt is prefixed with a label for domain separation from other scrypt uses.
    return Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=1 << log_n, r=8, p=1).derive(passphrase)


class ScryptRecipient:
    """Passphrase encryption. Must be the only recipient of a file (spec rule)."""

    __slots__ = ("_passphrase", "_work_factor")

    def __init__(self, passphrase: bytes | str, work_factor: int = 18) -> None:
        if not 1 <= work_factor <= 30:
            raise ValueError("scrypt work factor must be between 1 and 30")
        self._passphrase = _to_bytes(passphrase)
        if not self._passphrase:
            raise ValueError("empty passphrase")
        self._work_factor = work_factor

    def __repr__(self) -> str:
        return f"ScryptRecipient(work_factor={self._work_factor})"

    def _wrap(self, file_key: bytes) -> _Stanza:
        salt = os.urandom(_SCRYPT_SALT_SIZE)
        wrap_key = _scrypt_key(self._passphrase, salt, self._work_factor)
        args = [_b64encode(salt).decode("ascii"), str(self._work_factor)]
        return _Stanza("scrypt", args, _wrap_key(wrap_key, file_key))


class ScryptIdentity:
    """Passphrase decryption. ``max_work_factor`` bounds the CPU and memory an untrusted file
    can make us spend (log2 N = 22 is about 4 GiB of scrypt memory with r=8)."""

    __slots__ = ("_max_work_factor", "_passphrase")

    def __init__(self, passphrase: bytes | str, max_work_factor: int = 22) -> None:
        self._passphrase = _to_bytes(passphrase)
        self._max_work_factor = max_work_factor

    def __repr__(self) -> str:
        return f"ScryptIdentity(max_work_factor={self._max_work_factor})"

    def _unwrap(self, stanzas: Sequence[_Stanza]) -> bytes | None:
        for stanza in stanzas:
            if stanza.type != "scrypt":
                continue
            # (The "scrypt stanza must be alone" rule is enforced when parsing the header.)
            if len(stanza.args) != 2:
                raise AgeHeaderError("invalid scrypt stanza: wrong number of arguments")
            salt = _b64decode(stanza.args[0].encode("ascii"))
            if len(salt) != _SCRYPT_SALT_SIZE:
                raise AgeHeaderError("invalid scrypt stanza: salt is not 16 bytes")
            # Plain decimal only: no sign, no leading zeros, no hex/octal, no whitespace.
            if not _SCRYPT_WORK_FACTOR.fullmatch(stanza.args[1]):
                raise AgeHeaderError("invalid scrypt stanza: malformed work factor")
            log_n = int(stanza.args[1])
            if log_n > self._max_work_factor:
                raise AgeHeaderError("scrypt work factor too large")
            # Checked before the (expensive) key derivation.
            if len(stanza.body) != _WRAPPED_KEY_SIZE:
                raise AgeHeaderError("invalid scrypt stanza: wrapped file key is not 32 bytes")
            try:
                wrap_key = _scrypt_key(self._passphrase, salt, log_n)
            except MemoryError:  # log2 N = 22 needs 4 GiB; report it like any too-large factor
                raise AgeHeaderError("scrypt work factor needs more memory than available") from None
            file_key = _unwrap_key(wrap_key, stanza.body)
            if file_key is not None:
                return file_key
        return None


Identity: TypeAlias = X25519Identity | ScryptIdentity
Recipient: TypeAlias = X25519Recipient | ScryptRecipient
