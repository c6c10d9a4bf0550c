"""The age v1 file format (https://age-encryption.org/v1, C2SP): errors, header, MAC, nonces.

Supports the X25519 and scrypt (passphrase) recipient types, binary (non-armored) files only.
This module is the format itself: constants, errors, the header's grammar, its MAC and the
STREAM nonces. The recipient types live in :mod:`.age_recipients`, encryption and decryption
of whole files in :mod:`.age_stream`, random access to a sealed file in :mod:`.agereader`.

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
import logging
import re
from collections.abc import Sequence
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

log = logging.getLogger(__name__)

__all__ = [
    "CHUNK_SIZE",
    "FILE_KEY_SIZE",
    "AgeError",
    "AgeHMACError",
    "AgeHeaderError",
    "AgeNoMatchError",
    "AgePayloadError",
]

# --------------------------------------------------------------------------------------------
# Constants
# --------------------------------------------------------------------------------------------

_INTRO: Final = b"age-encryption.org/v1\n"
_STANZA_PREFIX: Final = b"->"
_FOOTER_PREFIX: Final = b"---"
_BODY_COLUMNS: Final = 64  # base64 characters per full body line (48 raw bytes)

FILE_KEY_SIZE: Final = 16
_MAC_SIZE: Final = 32

CHUNK_SIZE: Final = 64 * 1024  # STREAM plaintext chunk size
_COUNTER_SIZE: Final = 11  # STREAM nonce = 11-byte big-endian counter || 1-byte last flag

_ZERO_NONCE: Final = bytes(12)


# Limits on untrusted headers. The grammar has no upper bound, but every X25519 stanza costs a
# scalar multiplication per identity before the header can be authenticated (the MAC key comes
# from the file key), so an unbounded header is a cheap denial of service. These are far above
# anything this application writes (a handful of recipients).
MAX_STANZAS: Final = 128
_MAX_HEADER_LINE: Final = 64 * 1024
_MAX_HEADER_SIZE: Final = 4 * 1024 * 1024

_B64_CHARS: Final = re.compile(rb"[A-Za-z0-9+/]*")


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


