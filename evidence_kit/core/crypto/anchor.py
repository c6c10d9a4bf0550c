"""The out-of-band anchor of a bundle: the values a person reads aloud, types or prints (issue 15).

A bundle is signed with the vault's own key and carries that key (signer.pub.pem), so a
forger who rebuilds everything and signs with a new key produces a bundle that is
internally consistent. Only something that did not travel inside the bundle can tell the
two apart: the signing-key fingerprint (and the manifest SHA-256 and custody-log head)
printed on the paper 해시값 확인서 or read out on the phone. This module formats those
values so a person can compare them group by group, and parses what an investigator types
back (``evidence-kit verify BUNDLE --signer ...``).
"""

from __future__ import annotations

import hashlib
import re

# A fingerprint prefix shorter than this is too easy to match by brute force (64 bits).
MIN_SIGNER_HEX = 16
_NOT_HEX = re.compile(r"[\s:\-_.]")


def group_hex(hex_value: str, group: int = 16) -> str:
    """``552f7bdc...`` as four groups of 16 hex digits: easy to read aloud and to compare."""
    h = hex_value.lower()
    return " ".join(h[i : i + group] for i in range(0, len(h), group))


def check_code(hex_value: str) -> str:
    """Four decimal digits derived from the value: a misread digit anywhere changes them.

    Decimal, so it is never confused with the hex groups when read over the phone.
    """
    digest = hashlib.sha256(b"evidence-kit check code\n" + hex_value.lower().encode("ascii")).digest()
    return f"{int.from_bytes(digest[:4], 'big') % 10_000:04d}"


# The check code's label in the reader's language (issue 16: "(check 1234)" in Korean text).
CHECK_LABEL = {"ko": "확인 코드", "en": "check"}


def readable(hex_value: str, lang: str = "en") -> str:
    """Grouped value plus its check code, the form printed on paper and on screen."""
    if not hex_value:
        return ""
    label = CHECK_LABEL.get(lang, CHECK_LABEL["en"])
    return f"{group_hex(hex_value)}  ({label} {check_code(hex_value)})"


def normalise_signer(text: str) -> str:
    """What a person typed for ``--signer``: spaces, colons and dashes ignored, lower case.

    Raises ValueError (with a plain reason) unless it is 16 to 64 hex digits.
    """
    h = _NOT_HEX.sub("", text).lower()
    # A copied "(check 1234)" or "(확인 코드 1234)" suffix is not part of the fingerprint.
    h = re.sub(r"\((?:check|확인코드)\d{4}\)$", "", h)
    if not re.fullmatch(r"[0-9a-f]*", h):
        raise ValueError("only hex digits 0-9 and a-f (spaces are ignored)")
    if len(h) < MIN_SIGNER_HEX:
        raise ValueError(f"at least {MIN_SIGNER_HEX} hex digits are needed")
    if len(h) > 64:
        raise ValueError("a SHA-256 fingerprint has 64 hex digits")
    return h


def signer_matches(expected: str, fingerprint: str) -> bool:
    """``expected`` (already normalised) is a prefix of the bundle key's full fingerprint."""
    return bool(fingerprint) and fingerprint.lower().startswith(expected)
