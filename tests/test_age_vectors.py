"""The C2SP/CCTV age test vectors (/work/shared/vectors/age) against evidence_kit.core.crypto.age.

Vector format (see README.md in the vector directory): ``key: value`` header lines, a blank
line, then the age file, zlib-compressed if ``compressed: zlib``. Every vector file is
accounted for: it is either run, or skipped with an explicit reason (armored files and
post-quantum hybrid identities are not implemented), and the totals are checked so that a
filtering mistake cannot silently drop vectors.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from evidence_kit.core.crypto.age import (
    AgeError,
    AgeHeaderError,
    AgeHMACError,
    AgeNoMatchError,
    AgePayloadError,
)
from evidence_kit.core.crypto.age_recipients import Identity, ScryptIdentity, X25519Identity
from evidence_kit.core.crypto.age_stream import AgeReader

VECTOR_DIR = Path(__file__).resolve().parents[2] / "shared" / "vectors" / "age"
NOT_VECTORS = {"README.md", "SOURCE.txt"}  # documentation that lives next to the vectors
KNOWN_KEYS = {"expect", "payload", "identity", "passphrase", "armored", "compressed", "file key", "comment"}

# At the vendored commit (see SOURCE.txt): 143 vectors = 92 in scope + 33 armored + 18 hybrid.
MIN_IN_SCOPE = 92

OUTCOMES: dict[str, type[AgeError] | None] = {
    "success": None,
    "no match": AgeNoMatchError,
    "HMAC failure": AgeHMACError,
    "header failure": AgeHeaderError,
    "payload failure": AgePayloadError,
}

SKIP_ARMORED = "armored vector: ASCII armor is not implemented"
SKIP_HYBRID = "post-quantum hybrid identity (AGE-SECRET-KEY-PQ-1...) is not implemented"
SKIP_UNKNOWN_KEY = "vector has an unknown header key (the vector README says to ignore such files)"


@dataclass
class Vector:
    name: str
    meta: dict[str, list[str]] = field(default_factory=dict)
    body: bytes = b""

    def one(self, key: str) -> str | None:
        values = self.meta.get(key)
        return values[0] if values else None

    @property
    def skip_reason(self) -> str | None:
        if set(self.meta) - KNOWN_KEYS:
            return SKIP_UNKNOWN_KEY
        if self.one("armored") == "yes":
            return SKIP_ARMORED
        identities = self.meta.get("identity", [])
        if any(i.startswith("AGE-SECRET-KEY-PQ-") for i in identities):
            return SKIP_HYBRID
        return None


def load_vector(path: Path) -> Vector:
    raw = path.read_bytes()
    head, sep, body = raw.partition(b"\n\n")
    assert sep, f"{path.name}: no blank line after the vector header"
    vector = Vector(path.name)
    for line in head.decode("utf-8").split("\n"):
        key, colon, value = line.partition(": ")
        assert colon, f"{path.name}: malformed vector header line {line!r}"
        vector.meta.setdefault(key, []).append(value)
    assert vector.one("expect") is not None, f"{path.name}: no expect key"
    compressed = vector.one("compressed")
    if compressed is not None:
        assert compressed == "zlib", f"{path.name}: unknown compression {compressed!r}"
        body = zlib.decompress(body)
    vector.body = body
    return vector


def vector_paths() -> list[Path]:
    if not VECTOR_DIR.is_dir():
        return []
    return sorted(p for p in VECTOR_DIR.iterdir() if p.is_file() and p.name not in NOT_VECTORS)


def identities_for(vector: Vector) -> list[Identity]:
    identities: list[Identity] = []
    for text in vector.meta.get("identity", []):
        # Anything but a classic X25519 key here would mean the skip rules are incomplete.
        assert text.startswith("AGE-SECRET-KEY-1"), f"{vector.name}: unexpected identity type"
        identities.append(X25519Identity.from_bech32(text))
    identities.extend(ScryptIdentity(p) for p in vector.meta.get("passphrase", []))
    return identities


@pytest.mark.parametrize("path", vector_paths(), ids=lambda p: p.name)
def test_vector(path: Path) -> None:
    vector = load_vector(path)
    reason = vector.skip_reason
    if reason is not None:
        pytest.skip(reason)

    expect = vector.one("expect")
    assert expect in OUTCOMES, f"unknown expected outcome {expect!r} for a binary vector"
    expected_error = OUTCOMES[expect]

    released = hashlib.sha256()
    error: AgeError | None = None
    try:
        reader = AgeReader(io.BytesIO(vector.body), identities_for(vector))
        for chunk in reader.chunks():
            released.update(chunk)
    except AgeError as exc:
        error = exc

    if expected_error is None:
        assert error is None, f"expected success, got {type(error).__name__}: {error}"
    else:
        # Exactly the expected class: e.g. a parse error must not surface as an HMAC failure.
        assert type(error) is expected_error, (
            f"expected {expected_error.__name__}, got {type(error).__name__}: {error}"
        )

    if expect in ("success", "payload failure"):
        # For payload failures this is the plaintext released *before* the error.
        assert released.hexdigest() == vector.one("payload")


def test_every_vector_is_accounted_for() -> None:
    paths = vector_paths()
    assert paths, f"no age test vectors found in {VECTOR_DIR}"
    reasons = Counter(load_vector(p).skip_reason for p in paths)
    in_scope = reasons.pop(None, 0)
    summary = ", ".join(f"{n} skipped: {r}" for r, n in sorted(reasons.items(), key=str))
    print(f"age vectors: {len(paths)} total, {in_scope} in scope; {summary}")
    assert in_scope + sum(reasons.values()) == len(paths)
    assert in_scope >= MIN_IN_SCOPE
    assert reasons[SKIP_UNKNOWN_KEY] == 0, "vectors with unknown keys appeared: update the suite"


def test_in_scope_vectors_cover_every_outcome() -> None:
    vectors = [load_vector(p) for p in vector_paths()]
    outcomes = Counter(v.one("expect") for v in vectors if v.skip_reason is None)
    assert set(outcomes) == set(OUTCOMES), outcomes
    # Both identity kinds are exercised.
    assert any("passphrase" in v.meta for v in vectors if v.skip_reason is None)
    assert any("identity" in v.meta for v in vectors if v.skip_reason is None)
