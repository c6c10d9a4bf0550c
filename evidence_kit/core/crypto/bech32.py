"""BIP-173 Bech32, as age uses it for its keys (``age1...``, ``AGE-SECRET-KEY-1...``).

Errors are ``ValueError``; the key classes in :mod:`.age_recipients` say what was wrong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

_CHARSET: Final = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
_GEN: Final = (0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3)


def _polymod(values: Sequence[int]) -> int:
    chk = 1
    for v in values:
        top = chk >> 25
        chk = ((chk & 0x1FFFFFF) << 5) ^ v
        for i, g in enumerate(_GEN):
            if (top >> i) & 1:
                chk ^= g
    return chk


def _hrp_expand(hrp: str) -> list[int]:
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


def encode(hrp: str, data: bytes) -> str:
    """BIP-173 Bech32 without the 90-character limit (age identities are 74 characters,
    but plugin and post-quantum keys are much longer, so age drops the limit)."""
    if hrp.lower() != hrp and hrp.upper() != hrp:
        raise ValueError("mixed-case bech32 HRP")
    lower_hrp = hrp.lower()
    values = list(_convert_bits(data, 8, 5, pad=True))
    polymod = _polymod([*_hrp_expand(lower_hrp), *values, 0, 0, 0, 0, 0, 0]) ^ 1
    checksum = [(polymod >> (5 * (5 - i))) & 31 for i in range(6)]
    out = lower_hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)
    # The checksum is defined over the lowercase form; uppercase is only a presentation choice.
    return out if hrp == lower_hrp else out.upper()


def decode(text: str) -> tuple[str, bytes]:
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
        d = _CHARSET.find(c)
        if d < 0:
            raise ValueError("invalid bech32 data character")
        values.append(d)
    if _polymod(_hrp_expand(hrp.lower()) + values) != 1:
        raise ValueError("invalid bech32 checksum")
    return hrp, _convert_bits(values[:-6], 5, 8, pad=False)
