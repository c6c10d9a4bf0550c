"""A streaming implementation of the age v1 file format (https://age-encryption.org/v1, C2SP).

Supports the X25519 and scrypt (passphrase) recipient types, binary (non-armored) files only.

File layout::

    age-encryption.org/v1\\n
    -> <type> <arg>...\\n            one or more recipient stanzas, each followed by
    <base64 body, 64 columns>\\n     body lines; the last body line is shorter than 64
    --- <base64 HMAC>\\n
    <16-byte nonce><STREAM payload>

Parsing follows the reference Go implementation (filippo.io/age) closely, because the C2SP test
vectors distinguish *which* failure happens, not just *that* one happens:

* the header is parsed completely and strictly first (``AgeHeaderError``);
* then every identity, in order, tries every stanza, in order (``AgeNoMatchError`` if none
  unwraps; a malformed stanza of the identity's own type is an ``AgeHeaderError``);
* then the header MAC is checked (``AgeHMACError``);
* then the payload nonce is read (a missing or short nonce is an ``AgeHeaderError``);
* then the payload is decrypted chunk by chunk (``AgePayloadError``).

Nothing in this module ever logs or formats key material.
"""

from __future__ import annotations

import base64
import io
import logging
import os
import re
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import BinaryIO, Final, Protocol, TypeAlias

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

log = logging.getLogger(__name__)

__all__ = [
    "AgeError",
    "AgeHMACError",
    "AgeHeaderError",
    "AgeNoMatchError",
    "AgePayloadError",
    "AgeReader",
    "AgeWriter",
    "Identity",
    "Recipient",
    "ScryptIdentity",
    "ScryptRecipient",
    "X25519Identity",
    "X25519Recipient",
    "decrypt_bytes",
    "encrypt_bytes",
]

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

_INTRO: Final = b"age-encryption.org/v1\n"
_STANZA_PREFIX: Final = b"->"
_FOOTER_PREFIX: Final = b"---"
_BODY_COLUMNS: Final = 64  # base64 characters per full body line (48 raw bytes)

FILE_KEY_SIZE: Final = 16
_WRAPPED_KEY_SIZE: Final = FILE_KEY_SIZE + 16  # ChaCha20-Poly1305 tag
_MAC_SIZE: Final = 32
_NONCE_SIZE: Final = 16  # payload key derivation nonce, written right after the header

CHUNK_SIZE: Final = 64 * 1024  # STREAM plaintext chunk size
_TAG_SIZE: Final = 16
_ENC_CHUNK_SIZE: Final = CHUNK_SIZE + _TAG_SIZE
_COUNTER_SIZE: Final = 11  # STREAM nonce = 11-byte big-endian counter || 1-byte last flag
_WRITE_BATCH_CHUNKS: Final = 16  # encrypt this many chunks into one buffer per dst.write

_X25519_LABEL: Final = b"age-encryption.org/v1/X25519"
_SCRYPT_LABEL: Final = b"age-encryption.org/v1/scrypt"
_SCRYPT_SALT_SIZE: Final = 16
_ZERO_NONCE: Final = bytes(12)

_BECH32_RECIPIENT_HRP: Final = "age"
_BECH32_IDENTITY_HRP: Final = "AGE-SECRET-KEY-"

# Limits on untrusted headers. The grammar has no upper bound, but every X25519 stanza costs a
# scalar multiplication per identity before the header can be authenticated (the MAC key comes
# from the file key), so an unbounded header is a cheap denial of service. These are far above
# anything this application writes (a handful of recipients).
MAX_STANZAS: Final = 128
_MAX_HEADER_LINE: Final = 64 * 1024
_MAX_HEADER_SIZE: Final = 4 * 1024 * 1024

_B64_CHARS: Final = re.compile(rb"[A-Za-z0-9+/]*")
_SCRYPT_WORK_FACTOR: Final = re.compile(r"[1-9][0-9]*")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class AgeError(Exception):
    """Base class of every age decryption failure; ``str()`` is a short English reason."""


class AgeHeaderError(AgeError):
    """The header failed to parse, or a stanza of a supported type is malformed."""


class AgeNoMatchError(AgeError):
    """The header parsed, but no identity could unwrap any recipient stanza."""


class AgeHMACError(AgeError):
    """A file key was unwrapped, but the header MAC does not match."""


class AgePayloadError(AgeError):
    """The STREAM payload failed: bad tag, truncation, trailing data or an empty last chunk."""


# --------------------------------------------------------------------------------------------
# Encodings: canonical unpadded base64 and Bech32
# --------------------------------------------------------------------------------------------


def _b64encode(data: bytes) -> bytes:
    """Standard base64 alphabet without padding, as used throughout the age header."""
    return base64.b64encode(data).rstrip(b"=")


def _b64decode(text: bytes) -> bytes:
    """Strict inverse of :func:`_b64encode`.

    Rejects padding, whitespace, CR/LF and any character outside the standard alphabet, and
    non-canonical encodings (non-zero unused bits in the last character). Canonicality matters
    because the MAC is computed over the header bytes: two encodings of the same stanza must
    not both be accepted.
    """
    if not _B64_CHARS.fullmatch(text) or len(text) % 4 == 1:
        raise AgeHeaderError("invalid base64")
    raw = base64.b64decode(text + b"=" * (-len(text) % 4), validate=True)
    if _b64encode(raw) != text:
        raise AgeHeaderError("non-canonical base64")
    return raw


_BECH32_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_BECH32_GEN: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _bech32_polymod(values: Sequence[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i, g in enumerate(_BECH32_GEN):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _bech32_hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: Sequence[int], from_bits: int, to_bits: int, pad: bool) -> bytes:
    acc = 0
    bits = 0
    out = bytearray()
    maxv = (1 << to_bits) - 1
    for value in data:
        acc = ((acc << from_bits) | value) & ((1 << (from_bits + to_bits)) - 1)
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((acc >> bits) & maxv)
    if pad:
        if bits:
            out.append((acc << (to_bits - bits)) & maxv)
    elif bits >= from_bits or (acc << (to_bits - bits)) & maxv:
        raise ValueError("invalid bech32 padding")
    return bytes(out)


def _bech32_encode(hrp: str, data: bytes) -> str:
    """BIP-173 Bech32 without the 90-character limit (age identities are 74 characters,
    but plugin and post-quantum keys are much longer, so age drops the limit)."""
    if hrp.lower() != hrp and hrp.upper() != hrp:
        raise ValueError("mixed-case bech32 HRP")
    lower_hrp = hrp.lower()
    values = list(_convert_bits(data, 8, 5, pad=True))
    polymod = _bech32_polymod([*_bech32_hrp_expand(lower_hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> (5 * (5 - i))) & 31 for i in range(6)]
    out = lower_hrp + "1" + "".join(_BECH32_CHARSET[v] for v in values + checksum)
    # The checksum is defined over the lowercase form; uppercase is only a presentation choice.
    return out if hrp == lower_hrp else out.upper()


def _bech32_decode(text: str) -> tuple[str, bytes]:
    """Returns (hrp in its original case, data). Rejects mixed case (BIP-173)."""
    if text.lower() != text and text.upper() != text:
        raise ValueError("mixed-case bech32 string")
    if any(not 33 <= ord(c) <= 126 for c in text):
        raise ValueError("invalid character in bech32 string")
    pos = text.rfind("1")
    if pos < 1 or pos + 7 > len(text):
        raise ValueError("bech32 separator at invalid position")
    hrp = text[:pos]
    lowered = text.lower()
    values: list[int] = []
    for c in lowered[pos + 1 :]:
        d = _BECH32_CHARSET.find(c)
        if d < 0:
            raise ValueError("invalid bech32 data character")
        values.append(d)
    if _bech32_polymod(_bech32_hrp_expand(hrp.lower()) + values) != 1:
        raise ValueError("invalid bech32 checksum")
    return hrp, _convert_bits(values[:-6], 5, 8, pad=False)


# --------------------------------------------------------------------------------------------
# Primitives
# --------------------------------------------------------------------------------------------


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _wrap_key(wrap_key: bytes, file_key: bytes) -> bytes:
    # A zero nonce is safe here: every wrapping key is single-use (fresh ephemeral share or salt).
    return ChaCha20Poly1305(wrap_key).encrypt(_ZERO_NONCE, file_key, None)


def _unwrap_key(wrap_key: bytes, body: bytes) -> bytes | None:
    """Returns the file key, or None if the tag does not verify (= not our stanza)."""
    try:
        return ChaCha20Poly1305(wrap_key).decrypt(_ZERO_NONCE, body, None)
    except InvalidTag:
        return None


def _header_mac(file_key: bytes, header_without_mac: bytes) -> HMAC:
    mac = HMAC(_hkdf(file_key, b"", b"header"), hashes.SHA256())
    mac.update(header_without_mac)
    return mac


def _stream_nonce(counter: int, last: bool) -> bytes:
    # to_bytes raises OverflowError past 2**88 chunks, which is the STREAM limit anyway.
    return counter.to_bytes(_COUNTER_SIZE, "big") + (b"\x01" if last else b"\x00")


def _to_bytes(passphrase: bytes | str) -> bytes:
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)


class _Stanza:
    """One parsed recipient stanza. ``type`` is the first argument; ``args`` are the rest."""

    __slots__ = ("args", "body", "type")

    def __init__(self, type_: str, args: list[str], body: bytes) -> None:
        self.type = type_
        self.args = args
        self.body = body

    def encode(self) -> bytes:
        out = bytearray(b"-> " + " ".join([self.type, *self.args]).encode("ascii") + b"\n")
        encoded = _b64encode(self.body)
        # Full 64-column lines, then always a final short line (possibly empty): a line of
        # exactly 64 columns means "more follows", so a body that is a multiple of 48 bytes
        # ends with an empty line.
        for i in range(0, len(encoded) - len(encoded) % _BODY_COLUMNS, _BODY_COLUMNS):
            out += encoded[i : i + _BODY_COLUMNS] + b"\n"
        out += encoded[len(encoded) - len(encoded) % _BODY_COLUMNS :] + b"\n"
        return bytes(out)


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
        hrp, data = _bech32_decode(s.strip())
        # Case-sensitive on purpose (as in the reference implementation): recipients are
        # always written in lowercase, so "AGE1..." is not a recipient.
        if hrp != _BECH32_RECIPIENT_HRP:
            raise ValueError("not an age X25519 recipient (expected age1...)")
        return cls.from_public_bytes(data)

    def to_bech32(self) -> str:
        return _bech32_encode(_BECH32_RECIPIENT_HRP, self.public_bytes())

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
            hrp, data = _bech32_decode(s.strip())
        except ValueError:
            # Do not chain: the message could otherwise carry details of the secret string.
            raise ValueError("malformed age secret key") from None
        # Case-sensitive: secret keys are always written in uppercase.
        if hrp != _BECH32_IDENTITY_HRP:
            raise ValueError("not an age X25519 secret key (expected AGE-SECRET-KEY-1...)")
        return cls.from_private_bytes(data)

    def to_bech32(self) -> str:
        return _bech32_encode(_BECH32_IDENTITY_HRP, self.private_bytes())

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


# --------------------------------------------------------------------------------------------
# Header
# --------------------------------------------------------------------------------------------


def _is_valid_arg(arg: bytes) -> bool:
    # Arguments are non-empty strings of visible ASCII (VCHAR, 0x21-0x7E).
    return bool(arg) and all(0x21 <= c <= 0x7E for c in arg)


class _HeaderReader:
    """Reads header lines from a stream without consuming anything past the MAC line."""

    def __init__(self, src: BinaryIO) -> None:
        self._src = src
        self.raw = bytearray()  # every byte read so far, for the MAC

    def line(self) -> bytes:
        """Returns the next line without its LF; a missing LF (EOF) is a header failure."""
        line = self._src.readline(_MAX_HEADER_LINE + 1)
        if not line.endswith(b"\n"):
            if len(line) > _MAX_HEADER_LINE:
                raise AgeHeaderError("header line too long")
            raise AgeHeaderError("truncated header")
        self.raw += line
        if len(self.raw) > _MAX_HEADER_SIZE:
            raise AgeHeaderError("header too large")
        return line[:-1]


def _parse_header(src: BinaryIO) -> tuple[list[_Stanza], bytes, bytes]:
    """Returns (stanzas, header bytes covered by the MAC, MAC).

    The MAC covers the header exactly as read, up to and including ``---`` (without the space).
    The reference implementation MACs a re-encoding of the parsed header instead; the two are
    identical because this parser only accepts the canonical encoding (single spaces, full
    64-column body lines, canonical base64), which is also why it must be this strict.
    """
    reader = _HeaderReader(src)
    first = src.readline(len(_INTRO))
    reader.raw += first
    if first != _INTRO:
        raise AgeHeaderError("not an age v1 file (bad intro line)")

    stanzas: list[_Stanza] = []
    while True:
        line = reader.line()
        if line.startswith(_FOOTER_PREFIX):
            parts = line.split(b" ")
            # Exactly "--- " + MAC; "---  x", "--- x " and "---x" are all malformed.
            if parts[0] != _FOOTER_PREFIX or len(parts) != 2:
                raise AgeHeaderError("malformed MAC line")
            mac = _b64decode(parts[1])
            if len(mac) != _MAC_SIZE:
                raise AgeHeaderError("malformed MAC line")
            covered = bytes(reader.raw[: len(reader.raw) - len(line) - 1 + len(_FOOTER_PREFIX)])
            break
        if not line.startswith(_STANZA_PREFIX):
            raise AgeHeaderError("unexpected line in header")
        parts = line.split(b" ")
        if parts[0] != _STANZA_PREFIX or len(parts) < 2:
            raise AgeHeaderError("malformed stanza line")
        if not all(_is_valid_arg(p) for p in parts[1:]):
            raise AgeHeaderError("malformed stanza argument")
        if len(stanzas) >= MAX_STANZAS:
            raise AgeHeaderError("too many recipient stanzas")
        body = bytearray()
        while True:
            body_line = reader.line()
            if len(body_line) > _BODY_COLUMNS:
                raise AgeHeaderError("stanza body line too long")
            body += _b64decode(body_line)
            # A full line means the body continues; the first short line (possibly empty)
            # ends it. So a body always ends with a short line.
            if len(body_line) < _BODY_COLUMNS:
                break
        args = [p.decode("ascii") for p in parts[1:]]
        stanzas.append(_Stanza(args[0], args[1:], bytes(body)))

    if not stanzas:  # grammar: header = v1-line 1*stanza end
        raise AgeHeaderError("header has no recipient stanzas")
    # "If an scrypt stanza is present, it MUST be the only stanza in the header": a passphrase
    # implies that only its holder could have written the file, which another recipient breaks.
    # Enforced for every reader, not only for passphrase identities, since such a file is invalid.
    if len(stanzas) > 1 and any(s.type == "scrypt" for s in stanzas):
        raise AgeHeaderError("an scrypt stanza must be the only stanza")
    return stanzas, covered, mac


def _encode_header(stanzas: Sequence[_Stanza], file_key: bytes) -> bytes:
    header = _INTRO + b"".join(s.encode() for s in stanzas) + _FOOTER_PREFIX
    mac = _header_mac(file_key, header).finalize()
    return header + b" " + _b64encode(mac) + b"\n"


# --------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------


class Writable(Protocol):
    """Anything with a binary ``write`` (a file, or a wrapper such as fsutil.EarlyWriteback)."""

    def write(self, data: bytes | bytearray | memoryview, /) -> int | None: ...


def _write_all(dst: Writable, data: bytes | memoryview) -> None:
    """dst.write, tolerating raw streams that accept only part of the buffer."""
    view = memoryview(data)
    while view:
        written = dst.write(view)
        if written is None:  # non-blocking raw stream with a full buffer
            raise BlockingIOError("destination would block")
        view = view[written:]


class AgeWriter:
    """Streaming encryptor: writes the header on construction, then 64 KiB payload chunks.

    ``close()`` writes the final chunk; it does not close ``dst``. Used as a context manager,
    the final chunk is written only if the block exits normally: after an exception the
    output is left *without* its final chunk, so readers detect it as truncated instead of
    accepting a silently shortened plaintext.
    """

    def __init__(
        self, dst: Writable, recipients: Sequence[Recipient], *, file_key: bytes | None = None
    ) -> None:
        if not recipients:
            raise ValueError("at least one recipient is required")
        if len(recipients) > 1 and any(isinstance(r, ScryptRecipient) for r in recipients):
            raise ValueError("a passphrase (scrypt) recipient must be the only recipient")
        if file_key is None:
            file_key = os.urandom(FILE_KEY_SIZE)
        elif len(file_key) != FILE_KEY_SIZE:
            raise ValueError("the file key must be 16 bytes")
        self._dst = dst
        self._closed = False
        self._counter = 0
        # Plaintext not yet encrypted: 0..CHUNK_SIZE bytes. A full chunk is held back until
        # more data arrives (or close()), because only then do we know whether it is the last
        # chunk, whose nonce carries the last-chunk flag.
        self._pending = bytearray(CHUNK_SIZE)
        self._pending_len = 0
        self._out = bytearray(_WRITE_BATCH_CHUNKS * _ENC_CHUNK_SIZE)

        stanzas = [r._wrap(file_key) for r in recipients]
        nonce = os.urandom(_NONCE_SIZE)
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        _write_all(dst, _encode_header(stanzas, file_key) + nonce)

    def __enter__(self) -> AgeWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
        else:
            self._closed = True  # abandon: no final chunk, see class docstring

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Encrypts ``data``; whole chunks are written at once, the rest is buffered.

        If this raises (e.g. ``dst`` is full), the writer is unusable afterwards: part of the
        data may or may not have reached ``dst``, so continuing would corrupt the stream.
        """
        if self._closed:
            raise ValueError("write to a closed AgeWriter")
        try:
            self._write(data)
        except BaseException:
            self._closed = True
            raise

    def _write(self, data: bytes | bytearray | memoryview) -> None:
        view = memoryview(data).cast("B")  # also flattens e.g. memoryviews of other formats
        total = len(view)
        if total == 0:
            return
        pos = 0
        if self._pending_len:
            take = min(CHUNK_SIZE - self._pending_len, total)
            self._pending[self._pending_len : self._pending_len + take] = view[:take]
            self._pending_len += take
            pos = take
            if pos == total:
                return  # possibly a full chunk, still held back
            # More data follows, so the (full) pending chunk is not the last one.
            self._emit(memoryview(self._pending), 1)
            self._pending_len = 0
        # Fast path: encrypt whole chunks straight from the caller's buffer, without copying.
        # Only chunks with at least one byte after them are emitted; the tail (1..CHUNK_SIZE
        # bytes) is kept because it might turn out to be the last chunk.
        full = (total - pos - 1) // CHUNK_SIZE
        if full:
            self._emit(view[pos : pos + full * CHUNK_SIZE], full)
            pos += full * CHUNK_SIZE
        tail = total - pos
        self._pending[:tail] = view[pos:]
        self._pending_len = tail

    def _emit(self, plain: memoryview, count: int) -> None:
        """Encrypts ``count`` full non-last chunks from ``plain`` and writes them in batches."""
        out = memoryview(self._out)
        done = 0
        while done < count:
            batch = min(_WRITE_BATCH_CHUNKS, count - done)
            for i in range(batch):
                start = (done + i) * CHUNK_SIZE
                self._aead.encrypt_into(
                    _stream_nonce(self._counter, last=False),
                    plain[start : start + CHUNK_SIZE],
                    None,
                    out[i * _ENC_CHUNK_SIZE : (i + 1) * _ENC_CHUNK_SIZE],
                )
                self._counter += 1
            _write_all(self._dst, out[: batch * _ENC_CHUNK_SIZE])
            done += batch

    def close(self) -> None:
        """Writes the final chunk (flagged last). Idempotent. Does not close ``dst``."""
        if self._closed:
            return
        self._closed = True
        # The final chunk is empty only when the whole payload is empty: write() always keeps
        # at least one byte pending after non-empty input.
        final = memoryview(self._pending)[: self._pending_len]
        _write_all(self._dst, self._aead.encrypt(_stream_nonce(self._counter, last=True), final, None))
        self._counter += 1


# --------------------------------------------------------------------------------------------
# Reader
# --------------------------------------------------------------------------------------------


def _read_up_to(src: BinaryIO, size: int) -> bytes:
    """Reads ``size`` bytes, or fewer only at EOF (handles short reads from raw streams)."""
    data = src.read(size)
    if len(data) == size or not data:
        return data
    parts = [data]
    got = len(data)
    while got < size:
        more = src.read(size - got)
        if not more:
            break
        parts.append(more)
        got += len(more)
    return b"".join(parts)


class AgeReader:
    """Streaming decryptor. The constructor parses the header, unwraps the file key, checks
    the header MAC and reads the payload nonce; ``chunks()`` then decrypts the payload.

    Raises (from the constructor) AgeHeaderError, AgeNoMatchError or AgeHMACError.
    """

    def __init__(self, src: BinaryIO, identities: Sequence[Identity]) -> None:
        self._src = src
        self._started = False
        # The header is parsed before anything else, so a malformed file is reported as such
        # even with no identities (which then simply match nothing).
        stanzas, covered, mac = _parse_header(src)

        file_key: bytes | None = None
        for identity in identities:
            file_key = identity._unwrap(stanzas)
            if file_key is not None:
                break
        if file_key is None:
            raise AgeNoMatchError("no identity matched any of the file's recipients")

        try:
            _header_mac(file_key, covered).verify(mac)
        except InvalidSignature:
            raise AgeHMACError("header MAC mismatch") from None

        nonce = _read_up_to(src, _NONCE_SIZE)
        if len(nonce) != _NONCE_SIZE:
            # Reported as a header failure, like the reference implementation: the nonce is
            # part of the fixed preamble, not of the STREAM payload.
            raise AgeHeaderError("missing or short payload nonce")
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        log.debug("age header accepted: %d stanza(s)", len(stanzas))

    def chunks(self) -> Iterator[bytes]:
        """Yields the plaintext chunk by chunk. Only authenticated chunks are ever yielded; on
        failure AgePayloadError is raised after the chunks that did authenticate. Single use."""
        if self._started:
            raise RuntimeError("AgeReader.chunks() can only be iterated once")
        self._started = True
        return self._iter_chunks()

    def _iter_chunks(self) -> Iterator[bytes]:
        counter = 0
        while True:
            enc = _read_up_to(self._src, _ENC_CHUNK_SIZE)
            if not enc:
                # The stream must end with a chunk flagged last; hitting EOF on a chunk
                # boundary means chunks were dropped from the end.
                raise AgePayloadError("payload truncated (no final chunk)")
            last = len(enc) < _ENC_CHUNK_SIZE  # a short chunk can only be the last one
            if last and counter > 0 and len(enc) == _TAG_SIZE:
                # An empty last chunk is only valid as the sole chunk of an empty payload;
                # otherwise the writer should have flagged the previous (full) chunk as last.
                raise AgePayloadError("empty last chunk after non-empty payload")
            try:
                plain = self._aead.decrypt(_stream_nonce(counter, last), enc, None)
            except InvalidTag:
                if last:
                    raise AgePayloadError("payload chunk failed authentication") from None
                # A full-size chunk may still be the last one (plaintext length a multiple
                # of 64 KiB): retry with the last-chunk flag.
                last = True
                try:
                    plain = self._aead.decrypt(_stream_nonce(counter, last), enc, None)
                except InvalidTag:
                    raise AgePayloadError("payload chunk failed authentication") from None
            counter += 1
            if last:
                # Anything after the last chunk is an error. The last chunk itself did
                # authenticate and is released first (as the reference implementation does):
                # it is genuine plaintext, only the container is damaged.
                trailing = self._src.read(1)
                yield plain
                if trailing:
                    raise AgePayloadError("trailing data after the last payload chunk")
                return
            yield plain

    def read_all(self) -> bytes:
        """Decrypts the whole payload into memory."""
        return b"".join(self.chunks())


# --------------------------------------------------------------------------------------------
# Convenience
# --------------------------------------------------------------------------------------------


def encrypt_bytes(data: bytes, recipients: Sequence[Recipient]) -> bytes:
    out = io.BytesIO()
    with AgeWriter(out, recipients) as writer:
        writer.write(data)
    return out.getvalue()


def decrypt_bytes(data: bytes, identities: Sequence[Identity]) -> bytes:
    return AgeReader(io.BytesIO(data), identities).read_all()


# --------------------------------------------------------------------------------------------
# Re-wrapping (a vault's key change, issue 15)
# --------------------------------------------------------------------------------------------


def rewrap_header(src: BinaryIO, identities: Sequence[Identity], recipients: Sequence[Recipient]) -> tuple[bytes, int]:
    """A new header for the file at ``src`` (positioned at its start) that wraps the same
    file key to ``recipients``; and the length of the old header.

    The payload is keyed by the file key and its own nonce only, so replacing the header
    changes who can open the file without touching a byte of the payload. The old header's
    MAC is checked first: a damaged file is never re-wrapped into one that looks sound.
    """
    stanzas, covered, mac = _parse_header(src)
    header_len = src.tell()
    file_key: bytes | None = None
    for identity in identities:
        file_key = identity._unwrap(stanzas)
        if file_key is not None:
            break
    if file_key is None:
        raise AgeNoMatchError("no identity matched any of the file's recipients")
    try:
        _header_mac(file_key, covered).verify(mac)
    except InvalidSignature:
        raise AgeHMACError("header MAC mismatch") from None
    return _encode_header([r._wrap(file_key) for r in recipients], file_key), header_len
