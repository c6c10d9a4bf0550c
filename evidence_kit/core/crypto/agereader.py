"""Random access to the plaintext of an age v1 file, one authenticated STREAM chunk at a time.

A video's container index may sit at the end of the file, and decoders seek all over it, so
facts and frames of a large sealed video cannot be read from :class:`.age_stream.AgeReader`'s one
sequential pass without decrypting it all into memory. STREAM chunks are independently
authenticated (each nonce carries its index and a last-chunk flag), so any chunk can be
decrypted on its own once the payload key is known; the plaintext size follows from the
file length. Memory stays at a few chunks whatever the file's size.

Every byte returned comes from a chunk whose tag verified, under the nonce of *its* position
with the last flag set exactly on the final chunk: a changed, reordered, dropped or appended
chunk fails authentication (``AgePayloadError``) instead of returning bad bytes.
"""

from __future__ import annotations

import io
import logging
import os
from collections import OrderedDict
from collections.abc import Sequence
from typing import BinaryIO, Final

from . import age, age_stream
from .age_recipients import Identity

log = logging.getLogger(__name__)

__all__ = ["CACHED_CHUNKS", "SealedReader", "open_sealed"]

CHUNK: Final = age.CHUNK_SIZE
_TAG: Final = age_stream.TAG_SIZE
_ENC: Final = age_stream.ENC_CHUNK_SIZE
# Decoders read the index at the end, then packets from the middle, and come back: a handful
# of chunks (64 KiB each) covers the usual back-and-forth without re-decrypting.
CACHED_CHUNKS: Final = 4


class SealedReader(io.RawIOBase):
    """Read-only, seekable plaintext of an age file opened from ``src`` (which must be seekable).

    The header is parsed and its MAC checked on construction (``AgeHeaderError``,
    ``AgeNoMatchError``, ``AgeHMACError``); a payload whose length cannot be a valid STREAM
    (no final chunk, an empty final chunk after data) is an ``AgePayloadError`` at once.
    ``src`` is closed with the reader only when ``owns_src``.
    """

    def __init__(self, src: BinaryIO, identities: Sequence[Identity], *, owns_src: bool = False) -> None:
        super().__init__()
        self._src = src
        self._owns_src = owns_src
        self._aead = age_stream.open_payload(src, identities)
        self._start = src.tell()
        payload = src.seek(0, os.SEEK_END) - self._start
        if payload < _TAG:
            raise age.AgePayloadError("payload truncated (no final chunk)")
        self._chunks = (payload + _ENC - 1) // _ENC
        last_len = payload - (self._chunks - 1) * _ENC
        if last_len < _TAG:
            # A stub shorter than a tag cannot be a chunk: bytes were cut off (or added).
            raise age.AgePayloadError("payload truncated (partial chunk)")
        if last_len == _TAG and self._chunks > 1:
            raise age.AgePayloadError("empty last chunk after non-empty payload")
        self._size = payload - self._chunks * _TAG
        self._pos = 0
        self._cache: OrderedDict[int, bytes] = OrderedDict()

    # -- io.RawIOBase

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def tell(self) -> int:
        self._check_open()
        return self._pos

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        self._check_open()
        if whence == os.SEEK_SET:
            pos = offset
        elif whence == os.SEEK_CUR:
            pos = self._pos + offset
        elif whence == os.SEEK_END:
            pos = self._size + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos  # past the end is allowed, as for files: reads there return b""
        return pos

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        self._check_open()
        out = memoryview(buffer).cast("B")
        done = 0
        while done < len(out) and self._pos < self._size:
            index, offset = divmod(self._pos, CHUNK)
            plain = self._chunk(index)
            take = min(len(plain) - offset, len(out) - done)
            out[done : done + take] = memoryview(plain)[offset : offset + take]
            done += take
            self._pos += take
        return done

    def readall(self) -> bytes:
        # Bounded by the caller's choice: read() with no size reads the whole rest.
        parts = []
        while chunk := self.read(CHUNK):
            parts.append(chunk)
        return b"".join(parts)

    def close(self) -> None:
        if not self.closed:
            self._cache.clear()
            if self._owns_src:
                self._src.close()
        super().close()

    # -- sizes

    @property
    def size(self) -> int:
        """Plaintext length in bytes."""
        return self._size

    # -- chunks

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def _chunk(self, index: int) -> bytes:
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        self._src.seek(self._start + index * _ENC)
        enc = age_stream.read_up_to(self._src, _ENC)
        last = index == self._chunks - 1
        expected = (self._size - index * CHUNK + _TAG) if last else _ENC
        if len(enc) != expected:
            # The file changed length under us since it was opened.
            raise age.AgePayloadError("payload truncated while reading")
        plain = age_stream.decrypt_chunk(self._aead, index, last, enc)
        self._cache[index] = plain
        if len(self._cache) > CACHED_CHUNKS:
            self._cache.popitem(last=False)
        return plain


def open_sealed(src: BinaryIO, identities: Sequence[Identity], *, owns_src: bool = False) -> io.BufferedReader:
    """A buffered, seekable plaintext view of the age file ``src``; see :class:`SealedReader`."""
    return io.BufferedReader(SealedReader(src, identities, owns_src=owns_src), buffer_size=CHUNK)
