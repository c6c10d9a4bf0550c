"""Whole age files, streaming: writer, reader, in-memory helpers and header re-wrapping.

:class:`AgeWriter` and :class:`AgeReader` make one sequential pass in 64 KiB STREAM chunks;
:func:`encrypt_bytes`/:func:`decrypt_bytes` work in memory; :func:`rewrap_header` gives a file's
key to new recipients. :mod:`.agereader` adds random access over
the same chunks; both open a file with :func:`open_payload` and authenticate each chunk with
:func:`decrypt_chunk`.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Iterator, Sequence
from types import TracebackType
from typing import BinaryIO, Final, Protocol

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from .age import (
    CHUNK_SIZE,
    FILE_KEY_SIZE,
    AgeHeaderError,
    AgeHMACError,
    AgeNoMatchError,
    AgePayloadError,
    _encode_header,
    _header_mac,
    _hkdf,
    _parse_header,
    _stream_nonce,
)
from .age_recipients import Identity, Recipient, ScryptRecipient

log = logging.getLogger(__name__)

_NONCE_SIZE: Final = 16  # payload key derivation nonce, written right after the header
TAG_SIZE: Final = 16
ENC_CHUNK_SIZE: Final = CHUNK_SIZE + TAG_SIZE
_WRITE_BATCH_CHUNKS: Final = 16  # encrypt this many chunks into one buffer per dst.write


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
        self._out = bytearray(_WRITE_BATCH_CHUNKS * ENC_CHUNK_SIZE)

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
                    out[i * ENC_CHUNK_SIZE : (i + 1) * ENC_CHUNK_SIZE],
                )
                self._counter += 1
            _write_all(self._dst, out[: batch * ENC_CHUNK_SIZE])
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


def read_up_to(src: BinaryIO, size: int) -> bytes:
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


def unlock_header(src: BinaryIO, identities: Sequence[Identity]) -> bytes:
    """Parses the header at ``src`` (left just after it), finds the file key and checks the
    header MAC; returns the file key.

    The header is parsed before anything else, so a malformed file is reported as such even
    with no identities (which then simply match nothing). Raises AgeHeaderError,
    AgeNoMatchError or AgeHMACError, in the reference implementation's order.
    """
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
    log.debug("age header accepted: %d stanza(s)", len(stanzas))
    return file_key


def open_payload(src: BinaryIO, identities: Sequence[Identity]) -> ChaCha20Poly1305:
    """:func:`unlock_header`, then the payload nonce: the cipher of the STREAM chunks that
    start at ``src``'s position on return."""
    file_key = unlock_header(src, identities)
    nonce = read_up_to(src, _NONCE_SIZE)
    if len(nonce) != _NONCE_SIZE:
        # Reported as a header failure, like the reference implementation: the nonce is
        # part of the fixed preamble, not of the STREAM payload.
        raise AgeHeaderError("missing or short payload nonce")
    return ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))


def decrypt_chunk(aead: ChaCha20Poly1305, index: int, last: bool, enc: bytes) -> bytes:
    """One STREAM chunk, authenticated under the nonce of its position and last flag."""
    try:
        return aead.decrypt(_stream_nonce(index, last), enc, None)
    except InvalidTag:
        raise AgePayloadError("payload chunk failed authentication") from None


class AgeReader:
    """Streaming decryptor. The constructor parses the header, unwraps the file key, checks
    the header MAC and reads the payload nonce; ``chunks()`` then decrypts the payload.

    Raises (from the constructor) AgeHeaderError, AgeNoMatchError or AgeHMACError.
    """

    def __init__(self, src: BinaryIO, identities: Sequence[Identity]) -> None:
        self._src = src
        self._started = False
        self._aead = open_payload(src, identities)

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
            enc = read_up_to(self._src, ENC_CHUNK_SIZE)
            if not enc:
                # The stream must end with a chunk flagged last; hitting EOF on a chunk
                # boundary means chunks were dropped from the end.
                raise AgePayloadError("payload truncated (no final chunk)")
            last = len(enc) < ENC_CHUNK_SIZE  # a short chunk can only be the last one
            if last and counter > 0 and len(enc) == TAG_SIZE:
                # An empty last chunk is only valid as the sole chunk of an empty payload;
                # otherwise the writer should have flagged the previous (full) chunk as last.
                raise AgePayloadError("empty last chunk after non-empty payload")
            if last:
                plain = decrypt_chunk(self._aead, counter, True, enc)
            else:
                try:
                    plain = self._aead.decrypt(_stream_nonce(counter, False), enc, None)
                except InvalidTag:
                    # A full-size chunk may still be the last one (plaintext length a multiple
                    # of 64 KiB): retry with the last-chunk flag.
                    last = True
                    plain = decrypt_chunk(self._aead, counter, True, enc)
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
    file_key = unlock_header(src, identities)
    header_len = src.tell()
    return _encode_header([r._wrap(file_key) for r in recipients], file_key), header_len
