"""What a bundle verification found, and how it reads on a terminal.

The result model (checks, per-exhibit results, problems, the verdict), the refusals and
errors verification raises, and the text shown to the investigator: every piece of text
that came from the bundle goes through ``printable`` so a hostile name cannot move the
cursor, recolour the screen or paint a fake "PASS".
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..common import untrusted
from ..common.errors import EvidenceKitError
from ..common.i18n import tr
from ..crypto.anchor import MIN_SIGNER_HEX, readable, signer_matches


class BundleRefused(EvidenceKitError):
    """The container itself is unsafe or unreadable: nothing in it is trusted."""

    exit_code = 6
    ko = "증거 묶음을 안전하게 열 수 없어 검증을 거부했습니다."
    en = "The bundle cannot be opened safely; verification refused."

    def __init__(self, key: str, **kw: object) -> None:
        self.key = key
        self.kw = kw
        super().__init__(tr(key, "en", **kw), ko=tr(key, "ko", **kw), en=tr(key, "en", **kw))

    def message(self, lang: str = "en") -> str:
        return tr(self.key, "ko" if lang.startswith("ko") else "en", **self.kw)


class SignerFormatError(EvidenceKitError):
    """What was given as ``--signer`` is not a fingerprint (or too short a prefix of one)."""

    exit_code = 2

    def __init__(self, why: str) -> None:
        super().__init__(
            why,
            ko=f"--signer 값이 서명 키 지문이 아닙니다: 16진수 {MIN_SIGNER_HEX}자 이상이어야 합니다 ({why}).",
            en=f"--signer is not a key fingerprint: {MIN_SIGNER_HEX} or more hex digits are needed ({why}).",
        )


# Refusals that mean "this is not one of ours" rather than "one of ours, altered".
NOT_BUNDLE_KEYS = frozenset({"bvp_not_bundle", "bvp_not_ek_bundle", "bvp_nested_bundle"})


class PassphraseNeeded(EvidenceKitError):
    exit_code = 2
    ko = "암호화된 증거 묶음입니다. 묶음 암호가 필요합니다."
    en = "This bundle is encrypted: its passphrase is needed."


@dataclass
class Problem:
    """One failed check, in Korean and English, naming the file (or exhibit) concerned."""

    key: str
    kw: dict[str, Any] = field(default_factory=dict)

    def message(self, lang: str) -> str:
        kw = dict(self.kw)
        if self.key == "bvp_signer":  # fingerprints with their check code, labelled in the reader's language
            kw = {k: readable(str(v), lang) for k, v in kw.items()}
        return tr(self.key, lang, **{k: printable(v) if isinstance(v, str) else v for k, v in kw.items()})


@dataclass
class Check:
    key: str
    ok: bool
    kw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ExhibitResult:
    exhibit: int
    label_ko: str
    label_en: str
    path: str | None
    log_index: int
    retained: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class BundleVerification:
    path: str
    ok: bool = False
    fingerprint: str = ""
    manifest_fingerprint: str = ""
    manifest_sha256: str = ""
    report_id: str = ""
    files_checked: int = 0
    checks: list[Check] = field(default_factory=list)
    exhibits: list[ExhibitResult] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    timestamps: list[Any] = field(default_factory=list)  # timestamp.TimestampResult, one per token
    signer_expected: str = ""  # normalised --signer, "" when none was given
    not_bundle: bool = False
    head_size: int | None = None
    head_root: str = ""

    @property
    def signer_confirmed(self) -> bool:
        """The key was compared with a fingerprint that did not come from the bundle."""
        return bool(self.signer_expected) and signer_matches(self.signer_expected, self.fingerprint)

    @property
    def verdict(self) -> str:
        """``pass`` (signer confirmed), ``unconfirmed`` (consistent, signer not compared),
        ``fail`` or ``not_bundle``."""
        if self.not_bundle:
            return "not_bundle"
        if not self.ok:
            return "fail"
        return "pass" if self.signer_confirmed else "unconfirmed"

    @property
    def problem_count(self) -> int:
        return len(self.problems) + sum(len(e.problems) for e in self.exhibits)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "verdict": self.verdict,
            "fingerprint": self.fingerprint,
            "fingerprint_readable": readable(self.fingerprint, lang),
            "signer": {"expected": self.signer_expected or None, "confirmed": self.signer_confirmed},
            "manifest_sha256": self.manifest_sha256,
            "manifest_sha256_readable": readable(self.manifest_sha256, lang),
            "head": {"size": self.head_size, "root": self.head_root or None},
            "report_id": self.report_id,
            "files_checked": self.files_checked,
            "checks": [{"check": c.key, "ok": c.ok, "message": tr(c.key, lang, **c.kw)} for c in self.checks],
            "exhibits": [
                {
                    "exhibit": e.exhibit,
                    "path": e.path,
                    "ok": e.ok,
                    "log_index": e.log_index,
                    "problems": [p.message(lang) for p in e.problems],
                }
                for e in self.exhibits
            ],
            "problems": [p.message(lang) for p in self.problems],
            "timestamps": [t.to_json(lang) for t in self.timestamps],
        }


def printable(s: str, limit: int = 300) -> str:
    """Text from a hostile bundle for a terminal line: the one untrusted-text rule set
    (common/untrusted.py), so a name cannot move the cursor, recolour the screen or paint
    a fake "PASS"; controls, bidi overrides and other invisible characters show as ``[U+XXXX]``."""
    return untrusted.terminal_line(s, limit)


def json_terminal_safe(text: str) -> str:
    """JSON text with every format/bidi/separator/unassigned character written as a \\u
    escape (still the same JSON value): json.dumps escapes only C0 controls."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") and ch not in "\n":
            cp = ord(ch)
            if cp > 0xFFFF:
                cp -= 0x10000
                out.append(f"\\u{0xD800 + (cp >> 10):04x}\\u{0xDC00 + (cp & 0x3FF):04x}")
            else:
                out.append(f"\\u{cp:04x}")
        else:
            out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------- output


def report_lines(res: BundleVerification, lang: str) -> list[str]:
    """Human-readable result: checks, one line per exhibit, problems, verdict."""
    lines = [tr("bv_header", lang, path=printable(res.path))]
    if res.fingerprint:
        lines.append(tr("bv_fingerprint", lang, fp=readable(res.fingerprint, lang)))
    if res.manifest_sha256:
        lines.append(tr("bv_manifest_sha", lang, sha=readable(res.manifest_sha256, lang)))
    if res.head_size is not None:
        lines.append(tr("bv_head", lang, size=res.head_size, root=readable(printable(res.head_root, 64), lang)))
    if res.report_id:
        lines.append(tr("bv_report_id", lang, rid=printable(res.report_id, 80)))
    ok_word, bad_word = tr("bv_pass", lang), tr("bv_fail", lang)
    for c in res.checks:
        lines.append(f"[{ok_word if c.ok else bad_word}] {tr(c.key, lang, **c.kw)}")
    for e in res.exhibits:
        label = e.label_ko if lang == "ko" else e.label_en
        where = printable(e.path) if e.path else tr("bv_not_retained", lang)
        if e.ok:
            key = "bv_exhibit_ok" if e.retained else "bv_exhibit_record_only"
            lines.append(f"[{ok_word}] {tr(key, lang, label=label, path=where, seq=e.log_index)}")
        else:
            reasons = "; ".join(p.message(lang) for p in e.problems)
            lines.append(f"[{bad_word}] {label} {where}: {reasons}")
    if res.timestamps:
        from ..timestamps.bundle import result_lines

        lines += result_lines(res.timestamps, lang)
    for p in res.problems:
        lines.append(f"[{bad_word}] {p.message(lang)}")
    verdict = res.verdict
    if verdict == "pass":
        lines.append(tr("bv_verdict_ok", lang, n=len(res.exhibits), fp=readable(res.fingerprint, lang)))
    elif verdict == "unconfirmed":
        lines.append(tr("bv_verdict_unconfirmed", lang, n=len(res.exhibits), fp=readable(res.fingerprint, lang)))
    elif verdict == "not_bundle":
        lines.append(tr("bv_verdict_not_bundle", lang))
    else:
        lines.append(tr("bv_verdict_fail", lang, n=max(res.problem_count, 1)))
    # Every line may carry text from the bundle (names, TSA names, reasons): nothing in it
    # may reach the terminal as a control, escape or bidi character.
    return [printable(part, 4000) for line in lines for part in line.split("\n")]
