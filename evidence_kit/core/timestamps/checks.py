"""What a timestamp check reports: the check results, the token's fields, and the errors.

Every step of verifying a token is a :class:`Check` carrying an i18n key, so each verdict
is told in Korean and English; :class:`TsaFailure` is one TSA attempt that failed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509

from ..common.clock import iso_utc, to_kst, utc_display
from ..common.errors import EvidenceKitError
from ..common.i18n import tr
from .certs import cert_sha256, common_name

HASHES: dict[str, Callable[[bytes], Any]] = {
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}

PASS, FAIL, WARN, SKIP = "pass", "fail", "warn", "skip"


# --------------------------------------------------------------------------- errors


class TimestampError(EvidenceKitError):
    """Trusted time could not be obtained or the stored tokens are unusable."""

    exit_code = 10
    ko = "신뢰할 수 있는 타임스탬프를 받지 못했습니다."
    en = "No trusted timestamp could be obtained."


class TsaFailure(Exception):
    """One TSA attempt failed; carries an i18n key so the reason is told in both languages.

    ``check``: the verification step that failed, whose own message becomes ``{why}``.
    """

    def __init__(self, key: str, check: Check | None = None, **kw: Any) -> None:
        self.key = key
        self.check = check
        self.kw = kw
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        kw = dict(self.kw)
        if self.check is not None:
            kw["why"] = self.check.message(lang)
        return tr(self.key, lang, **kw)


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Check:
    """One verification step. ``status`` is pass, fail, warn (not a failure) or skip."""

    name: str
    status: str
    key: str
    kw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status != FAIL

    def message(self, lang: str) -> str:
        return tr(self.key, lang, **self.kw)

    @property
    def ko(self) -> str:
        return self.message("ko")

    @property
    def en(self) -> str:
        return self.message("en")

    def to_json(self) -> dict[str, Any]:
        return {"check": self.name, "status": self.status, "ok": self.ok, "ko": self.ko, "en": self.en}


@dataclass
class TokenInfo:
    gen_time: datetime
    serial: int
    policy: str
    hash_alg: str
    imprint: bytes
    nonce: int | None
    tsa_field: str  # the TSTInfo "tsa" name, if the TSA filled it in
    accuracy: str

    @property
    def gen_time_iso(self) -> str:
        return iso_utc(self.gen_time)


@dataclass
class TokenVerification:
    checks: list[Check]
    info: TokenInfo | None = None
    signer: x509.Certificate | None = None
    path: list[x509.Certificate] = field(default_factory=list)  # signer .. root, when built
    token_certs: list[x509.Certificate] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Every check passed (a "warn", e.g. a root not in the built-in list, is no failure)."""
        return all(c.ok for c in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    @property
    def failures(self) -> list[Check]:
        return [c for c in self.checks if c.status == FAIL]

    @property
    def root_sha256(self) -> str | None:
        return cert_sha256(self.path[-1]) if self.path else None

    @property
    def signer_name(self) -> str:
        return common_name(self.signer.subject) if self.signer is not None else ""


def both_times(iso: str) -> str:
    if not iso:
        return ""
    return f"{utc_display(iso)} ({to_kst(iso)})"
