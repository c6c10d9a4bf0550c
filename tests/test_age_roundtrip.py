"""Round trips and tampering for evidence_kit.core.crypto.age (our writer, our reader)."""

from __future__ import annotations

import hashlib
import io
import random
import re
from collections.abc import Iterator, Sequence

import pytest

from evidence_kit.core.crypto.age import (
    AgeError,
    AgeHeaderError,
    AgeHMACError,
    AgeNoMatchError,
    AgePayloadError,
)
from evidence_kit.core.crypto.age_recipients import (
    Identity,
    Recipient,
    ScryptIdentity,
    ScryptRecipient,
    X25519Identity,
    X25519Recipient,
)
from evidence_kit.core.crypto.age_stream import AgeReader, AgeWriter, decrypt_bytes, encrypt_bytes

CHUNK = 64 * 1024
ENC_CHUNK = CHUNK + 16
NONCE = 16

RNG = random.Random(20240611)  # deterministic "random" lengths and write sizes
LENGTHS = [0, 1, 65535, 65536, 65537, 2 * 65536, 2 * 65536 + 1, *RNG.sample(range(2, 400_000), 4)]


@pytest.fixture(scope="module")
def identity() -> X25519Identity:
    return X25519Identity.generate()


def payload(n: int, seed: int = 0) -> bytes:
    return random.Random(n * 7919 + seed).randbytes(n)


def write_pieces(data: bytes, sizes: Sequence[int]) -> Iterator[bytes | bytearray | memoryview]:
    """Splits data into pieces of cycling sizes, alternating the buffer types write() accepts."""
    pos = 0
    i = 0
    view = memoryview(data)
    while pos < len(data):
        size = sizes[i % len(sizes)]
        piece = view[pos : pos + size]
        yield (bytes(piece), bytearray(piece), piece)[i % 3]
        pos += size
        i += 1


def encrypt(
    data: bytes, recipients: Sequence[Recipient], sizes: Sequence[int] | None = None, **kw: bytes
) -> bytes:
    out = io.BytesIO()
    with AgeWriter(out, recipients, **kw) as writer:
        if sizes is None:
            writer.write(data)
        else:
            for piece in write_pieces(data, sizes):
                writer.write(piece)
    return out.getvalue()


def split(ciphertext: bytes) -> tuple[bytes, bytes, list[bytes]]:
    """(header incl. MAC line, payload nonce, encrypted chunks)."""
    end = ciphertext.index(b"\n---") + 1
    end = ciphertext.index(b"\n", end) + 1
    header, rest = ciphertext[:end], ciphertext[end:]
    nonce, payload_ = rest[:NONCE], rest[NONCE:]
    return header, nonce, [payload_[i : i + ENC_CHUNK] for i in range(0, len(payload_), ENC_CHUNK)]


def join(header: bytes, nonce: bytes, chunks: Sequence[bytes]) -> bytes:
    return header + nonce + b"".join(chunks)


def decrypt_partial(ciphertext: bytes, identities: Sequence[Identity]) -> tuple[bytes, AgeError | None]:
    """Plaintext released before any error, and the error."""
    released = bytearray()
    try:
        for chunk in AgeReader(io.BytesIO(ciphertext), identities).chunks():
            released += chunk
    except AgeError as exc:
        return bytes(released), exc
    return bytes(released), None


# ---------------------------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------------------------

WRITE_PATTERNS: dict[str, list[int] | None] = {
    "one-write": None,
    "odd-sizes": [1, 7, 65535, 3, 65536, 65537, 100_000],
    "chunk-aligned": [65536],
    "large": [1 << 20],
    "small": [4093],
}


@pytest.mark.parametrize("pattern", list(WRITE_PATTERNS))
@pytest.mark.parametrize("length", LENGTHS)
def test_round_trip(identity: X25519Identity, length: int, pattern: str) -> None:
    data = payload(length)
    ciphertext = encrypt(data, [identity.recipient()], WRITE_PATTERNS[pattern])

    # The payload layout is fully determined by the length, whatever the write pattern.
    header, _, chunks = split(ciphertext)
    expected_chunks = max(1, -(-length // CHUNK))  # an empty payload is one empty final chunk
    assert len(chunks) == expected_chunks
    assert len(ciphertext) == len(header) + NONCE + length + 16 * expected_chunks

    reader = AgeReader(io.BytesIO(ciphertext), [identity])
    plain_chunks = list(reader.chunks())
    assert b"".join(plain_chunks) == data
    assert all(len(c) == CHUNK for c in plain_chunks[:-1])
    # The last chunk is full when the length is a multiple of 64 KiB (no empty trailer).
    assert len(plain_chunks[-1]) == (length - CHUNK * (expected_chunks - 1))


def test_convenience_functions(identity: X25519Identity) -> None:
    data = payload(70_000)
    assert decrypt_bytes(encrypt_bytes(data, [identity.recipient()]), [identity]) == data


def test_multiple_recipients_and_identities() -> None:
    ids = [X25519Identity.generate() for _ in range(3)]
    data = payload(1000)
    ciphertext = encrypt_bytes(data, [i.recipient() for i in ids])
    for ident in ids:
        assert decrypt_bytes(ciphertext, [ident]) == data
    stranger = X25519Identity.generate()
    assert decrypt_bytes(ciphertext, [stranger, ids[2]]) == data


def test_header_format(identity: X25519Identity) -> None:
    header, _, _ = split(encrypt_bytes(b"x", [identity.recipient()]))
    assert re.fullmatch(
        rb"age-encryption\.org/v1\n-> X25519 [A-Za-z0-9+/]{43}\n[A-Za-z0-9+/]{43}\n--- [A-Za-z0-9+/]{43}\n",
        header,
    )


def test_fixed_file_key_is_used(identity: X25519Identity) -> None:
    key = bytes(range(16))
    a = encrypt(b"same", [identity.recipient()], file_key=key)
    b = encrypt(b"same", [identity.recipient()], file_key=key)
    assert a != b  # fresh ephemeral share and payload nonce every time
    assert decrypt_bytes(a, [identity]) == decrypt_bytes(b, [identity]) == b"same"
    with pytest.raises(ValueError):
        AgeWriter(io.BytesIO(), [identity.recipient()], file_key=b"short")


def test_write_after_close_and_close_idempotent(identity: X25519Identity) -> None:
    out = io.BytesIO()
    writer = AgeWriter(out, [identity.recipient()])
    writer.write(b"abc")
    writer.close()
    size = len(out.getvalue())
    writer.close()
    assert len(out.getvalue()) == size
    assert not out.closed  # close() does not close dst
    with pytest.raises(ValueError):
        writer.write(b"more")


def test_exception_in_context_leaves_file_truncated(identity: X25519Identity) -> None:
    """An aborted write must not produce a file that decrypts to a shortened plaintext."""
    out = io.BytesIO()
    data = payload(3 * CHUNK + 5)
    with pytest.raises(RuntimeError), AgeWriter(out, [identity.recipient()]) as writer:
        writer.write(data)
        raise RuntimeError("boom")
    released, error = decrypt_partial(out.getvalue(), [identity])
    assert isinstance(error, AgePayloadError)
    assert data.startswith(released)


def test_chunks_is_single_use(identity: X25519Identity) -> None:
    reader = AgeReader(io.BytesIO(encrypt_bytes(b"abc", [identity.recipient()])), [identity])
    assert reader.read_all() == b"abc"
    with pytest.raises(RuntimeError):
        reader.chunks()


# ---------------------------------------------------------------------------------------------
# Payload tampering
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def three_chunks(identity: X25519Identity) -> tuple[bytes, bytes]:
    data = payload(2 * CHUNK + 1000, seed=3)
    return data, encrypt_bytes(data, [identity.recipient()])


@pytest.mark.parametrize("cut", [1, 15, 16, 17, 500, 1016])
def test_truncated_last_chunk(identity: X25519Identity, three_chunks: tuple[bytes, bytes], cut: int) -> None:
    data, ciphertext = three_chunks
    released, error = decrypt_partial(ciphertext[:-cut], [identity])
    assert isinstance(error, AgePayloadError)
    assert released == data[: 2 * CHUNK]


@pytest.mark.parametrize("keep", [0, 1, 2])
def test_dropped_chunks(identity: X25519Identity, three_chunks: tuple[bytes, bytes], keep: int) -> None:
    data, ciphertext = three_chunks
    header, nonce, chunks = split(ciphertext)
    released, error = decrypt_partial(join(header, nonce, chunks[:keep]), [identity])
    assert isinstance(error, AgePayloadError)
    assert released == data[: keep * CHUNK]


def test_truncated_inside_full_chunk(identity: X25519Identity, three_chunks: tuple[bytes, bytes]) -> None:
    data, ciphertext = three_chunks
    header, nonce, chunks = split(ciphertext)
    released, error = decrypt_partial(join(header, nonce, [chunks[0], chunks[1][:-1]]), [identity])
    assert isinstance(error, AgePayloadError)
    assert released == data[:CHUNK]


def test_reordered_chunks(identity: X25519Identity, three_chunks: tuple[bytes, bytes]) -> None:
    _, ciphertext = three_chunks
    header, nonce, chunks = split(ciphertext)
    released, error = decrypt_partial(join(header, nonce, [chunks[1], chunks[0], chunks[2]]), [identity])
    assert isinstance(error, AgePayloadError)
    assert released == b""


@pytest.mark.parametrize("same_file_key", [False, True])
def test_chunk_swapped_between_files(identity: X25519Identity, same_file_key: bool) -> None:
    """Even with the same file key, the per-file payload nonce makes the payload keys differ."""
    kw = {"file_key": bytes(16)} if same_file_key else {}
    data_a, data_b = payload(2 * CHUNK + 10, seed=1), payload(2 * CHUNK + 10, seed=2)
    ha, na, ca = split(encrypt(data_a, [identity.recipient()], **kw))
    _, _, cb = split(encrypt(data_b, [identity.recipient()], **kw))
    released, error = decrypt_partial(join(ha, na, [ca[0], cb[1], ca[2]]), [identity])
    assert isinstance(error, AgePayloadError)
    assert released == data_a[:CHUNK]


@pytest.mark.parametrize("extra", [b"\x00", b"garbage", bytes(ENC_CHUNK), bytes(ENC_CHUNK + 1)])
def test_appended_data(identity: X25519Identity, three_chunks: tuple[bytes, bytes], extra: bytes) -> None:
    data, ciphertext = three_chunks
    released, error = decrypt_partial(ciphertext + extra, [identity])
    assert isinstance(error, AgePayloadError)
    # The short last chunk now runs into the appended bytes, so it no longer authenticates.
    assert released == data[: 2 * CHUNK]


@pytest.mark.parametrize("extra", [b"x", bytes(16), bytes(ENC_CHUNK)])
def test_appended_data_after_full_last_chunk(identity: X25519Identity, extra: bytes) -> None:
    data = payload(2 * CHUNK)
    released, error = decrypt_partial(encrypt_bytes(data, [identity.recipient()]) + extra, [identity])
    assert isinstance(error, AgePayloadError)
    assert "trailing" in str(error)
    # The full last chunk authenticated (with the last-chunk flag) before the trailing bytes
    # were seen, and is released, as the age test vectors require.
    assert released == data


def test_appended_empty_final_chunk_is_rejected(identity: X25519Identity) -> None:
    """A full chunk flagged "not last" followed by EOF is a truncation."""
    data = payload(CHUNK + 1)
    header, nonce, chunks = split(encrypt_bytes(data, [identity.recipient()]))
    released, error = decrypt_partial(join(header, nonce, chunks[:1]), [identity])
    assert isinstance(error, AgePayloadError)
    assert released == data[:CHUNK]


def test_flipped_payload_bits(identity: X25519Identity, three_chunks: tuple[bytes, bytes]) -> None:
    data, ciphertext = three_chunks
    header, _, _ = split(ciphertext)
    rng = random.Random(5)
    positions = [len(header), len(header) + NONCE - 1, len(ciphertext) - 1]
    positions += rng.sample(range(len(header), len(ciphertext)), 20)
    for pos in positions:
        tampered = bytearray(ciphertext)
        tampered[pos] ^= 1 << rng.randrange(8)
        released, error = decrypt_partial(bytes(tampered), [identity])
        assert isinstance(error, AgePayloadError), pos
        chunk_index = max(0, (pos - len(header) - NONCE) // ENC_CHUNK) if pos >= len(header) + NONCE else 0
        assert released == data[: chunk_index * CHUNK], pos


# ---------------------------------------------------------------------------------------------
# Header tampering and identities
# ---------------------------------------------------------------------------------------------


def test_every_flipped_header_bit_is_rejected(identity: X25519Identity) -> None:
    ciphertext = encrypt_bytes(b"header test", [identity.recipient()])
    header, _, _ = split(ciphertext)
    seen: set[type[AgeError]] = set()
    for pos in range(len(header)):
        for bit in range(8):
            tampered = bytearray(ciphertext)
            tampered[pos] ^= 1 << bit
            with pytest.raises((AgeHeaderError, AgeHMACError, AgeNoMatchError)) as info:
                AgeReader(io.BytesIO(bytes(tampered)), [identity]).read_all()
            seen.add(type(info.value))
    # Flipping the share yields "no match", flipping the MAC an HMAC failure, the rest a parse error
    # (or a different valid base64 character, which is then one of the other two).
    assert seen == {AgeHeaderError, AgeHMACError, AgeNoMatchError}


def test_wrong_identity(identity: X25519Identity) -> None:
    ciphertext = encrypt_bytes(b"secret", [identity.recipient()])
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(ciphertext, [X25519Identity.generate()])
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(ciphertext, [ScryptIdentity("password")])
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(ciphertext, [])


def test_not_age_at_all(identity: X25519Identity) -> None:
    for junk in [b"", b"hello", b"age-encryption.org/v1", b"age-encryption.org/v1\n", bytes(1000)]:
        with pytest.raises(AgeHeaderError):
            decrypt_bytes(junk, [identity])


# ---------------------------------------------------------------------------------------------
# scrypt
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [0, 1000, CHUNK])
def test_scrypt_round_trip(length: int) -> None:
    data = payload(length)
    ciphertext = encrypt_bytes(data, [ScryptRecipient("correct horse", work_factor=10)])
    header, _, _ = split(ciphertext)
    assert re.fullmatch(
        rb"age-encryption\.org/v1\n"
        rb"-> scrypt [A-Za-z0-9+/]{22} 10\n[A-Za-z0-9+/]{43}\n"
        rb"--- [A-Za-z0-9+/]{43}\n",
        header,
    )
    assert decrypt_bytes(ciphertext, [ScryptIdentity("correct horse")]) == data
    assert decrypt_bytes(ciphertext, [ScryptIdentity(b"correct horse")]) == data
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(ciphertext, [ScryptIdentity("wrong horse")])
    with pytest.raises(AgeNoMatchError):
        decrypt_bytes(ciphertext, [X25519Identity.generate()])


def test_scrypt_work_factor_limit() -> None:
    ciphertext = encrypt_bytes(b"x", [ScryptRecipient("pw", work_factor=12)])
    assert decrypt_bytes(ciphertext, [ScryptIdentity("pw", max_work_factor=12)]) == b"x"
    with pytest.raises(AgeHeaderError):
        decrypt_bytes(ciphertext, [ScryptIdentity("pw", max_work_factor=11)])


def test_scrypt_must_be_the_only_recipient(identity: X25519Identity) -> None:
    with pytest.raises(ValueError):
        AgeWriter(io.BytesIO(), [ScryptRecipient("pw", work_factor=10), identity.recipient()])
    with pytest.raises(ValueError):
        AgeWriter(io.BytesIO(), [ScryptRecipient("a", work_factor=10), ScryptRecipient("b", work_factor=10)])
    with pytest.raises(ValueError):
        AgeWriter(io.BytesIO(), [])


# ---------------------------------------------------------------------------------------------
# Keys and Bech32
# ---------------------------------------------------------------------------------------------


def test_key_encodings_round_trip() -> None:
    ident = X25519Identity.generate()
    text = ident.to_bech32()
    assert re.fullmatch(r"AGE-SECRET-KEY-1[023456789ACDEFGHJKLMNPQRSTUVWXYZ]{58}", text)
    again = X25519Identity.from_bech32(text)
    assert again.private_bytes() == ident.private_bytes()
    assert X25519Identity.from_private_bytes(ident.private_bytes()).to_bech32() == text

    rec = ident.recipient()
    rtext = rec.to_bech32()
    assert re.fullmatch(r"age1[023456789acdefghjklmnpqrstuvwxyz]{58}", rtext)
    assert X25519Recipient.from_bech32(rtext).public_bytes() == rec.public_bytes()
    assert "SECRET" not in repr(ident) and text not in repr(ident)


VECTOR_IDENTITY = "AGE-SECRET-KEY-1EGTZVFFV20835NWYV6270LXYVK2VKNX2MMDKWYKLMGR48UAWX40Q2P2LM0"


def test_bech32_vector_identity_round_trips() -> None:
    # The identity used by most age test vectors (a known-good checksum).
    ident = X25519Identity.from_bech32(VECTOR_IDENTITY)
    assert ident.to_bech32() == VECTOR_IDENTITY
    assert X25519Identity.from_bech32(f"  {VECTOR_IDENTITY}\n").to_bech32() == VECTOR_IDENTITY


def _replace_last(text: str, char: str) -> str:
    return text[:-1] + char


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "age1",
        "AGE-SECRET-KEY-1",
        "Age-Secret-Key-1" + VECTOR_IDENTITY[16:],  # mixed case
        VECTOR_IDENTITY.lower(),  # secret keys are uppercase only
        _replace_last(VECTOR_IDENTITY, "2"),  # checksum
        _replace_last(VECTOR_IDENTITY, "B"),  # not in the Bech32 alphabet
        VECTOR_IDENTITY[:-1],  # too short
        VECTOR_IDENTITY.replace("AGE-SECRET-KEY-", "AGE-SECRET-KEY-PQ-"),  # other HRP
    ],
)
def test_bad_identity_strings(bad: str) -> None:
    with pytest.raises(ValueError):
        X25519Identity.from_bech32(bad)


def test_bad_recipient_strings() -> None:
    good = X25519Identity.generate().recipient().to_bech32()
    for bad in [good.upper(), good[:-1] + ("q" if good[-1] != "q" else "p"), good[:-3], "age1"]:
        with pytest.raises(ValueError):
            X25519Recipient.from_bech32(bad)
    with pytest.raises(ValueError):  # a secret key is not a recipient
        X25519Recipient.from_bech32(X25519Identity.generate().to_bech32())


def test_low_order_recipient_is_refused() -> None:
    with pytest.raises(ValueError):
        encrypt_bytes(b"x", [X25519Recipient.from_public_bytes(bytes(32))])


def test_released_plaintext_hash_matches_on_failure(identity: X25519Identity) -> None:
    """The streaming contract: what chunks() yields before failing is a prefix of the truth."""
    data = payload(5 * CHUNK + 7, seed=9)
    header, nonce, chunks = split(encrypt_bytes(data, [identity.recipient()]))
    bad = bytearray(chunks[3])
    bad[100] ^= 0x80
    released, error = decrypt_partial(join(header, nonce, [*chunks[:3], bytes(bad), *chunks[4:]]), [identity])
    assert isinstance(error, AgePayloadError)
    assert hashlib.sha256(released).digest() == hashlib.sha256(data[: 3 * CHUNK]).digest()


# ---------------------------------------------------------------------------------------------
# Awkward streams
# ---------------------------------------------------------------------------------------------


class Trickle(io.RawIOBase):
    """A raw stream that reads and writes at most a few bytes per call, like a pipe."""

    def __init__(self, data: bytes = b"", step: int = 777) -> None:
        self.buffer = bytearray(data)
        self.pos = 0
        self.step = step

    def readable(self) -> bool:
        return True

    def writable(self) -> bool:
        return True

    def readinto(self, b: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(b), self.step, len(self.buffer) - self.pos)
        b[:n] = self.buffer[self.pos : self.pos + n]
        self.pos += n
        return n

    def write(self, b: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(b), self.step)
        self.buffer += bytes(b[:n])
        return n


def test_short_reads_and_writes(identity: X25519Identity) -> None:
    data = payload(3 * CHUNK + 99)
    sink = Trickle()
    with AgeWriter(sink, [identity.recipient()]) as writer:  # type: ignore[arg-type]
        writer.write(data)
    ciphertext = bytes(sink.buffer)
    assert decrypt_bytes(ciphertext, [identity]) == data
    assert AgeReader(Trickle(ciphertext, step=1000), [identity]).read_all() == data  # type: ignore[arg-type]
    # Trailing data is still noticed when the source trickles.
    released, error = decrypt_partial(
        encrypt_bytes(payload(CHUNK), [identity.recipient()]) + b"x", [identity]
    )
    assert isinstance(error, AgePayloadError) and released == payload(CHUNK)


class FailingSink(io.BytesIO):
    def __init__(self, fail_after: int) -> None:
        super().__init__()
        self.calls = 0
        self.fail_after = fail_after

    def write(self, b: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        self.calls += 1
        if self.calls > self.fail_after:
            raise OSError("disk full")
        return super().write(b)


def test_writer_is_unusable_after_a_failed_write(identity: X25519Identity) -> None:
    sink = FailingSink(fail_after=1)  # the header goes through, the first chunk batch does not
    writer = AgeWriter(sink, [identity.recipient()])
    with pytest.raises(OSError):
        writer.write(payload(5 * CHUNK))
    with pytest.raises(ValueError):
        writer.write(b"more")
    writer.close()  # no-op: no final chunk is added to a broken stream
    _, error = decrypt_partial(sink.getvalue(), [identity])
    assert isinstance(error, AgePayloadError)
