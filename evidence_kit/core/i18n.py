"""Korean and English text for the core and the CLI (the GUI uses Qt translations).

One table, so a missing translation is a test failure rather than a surprise.
"""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Korean, English)
    "vault_created": ("증거 보관함을 만들었습니다: {path}", "Evidence vault created: {path}"),
    "vault_ok": (
        "보관함을 열었습니다. 사건 {cases}개, 기록 {events}건.",
        "Vault unlocked. {cases} case(s), {events} log entries.",
    ),
    "passphrase_prompt": ("보관함 암호: ", "Vault passphrase: "),
    "passphrase_new": ("새 암호(10자 이상): ", "New passphrase (10+ characters): "),
    "passphrase_again": ("새 암호 다시 입력: ", "Repeat the new passphrase: "),
    "passphrase_mismatch": ("두 암호가 다릅니다.", "The two passphrases differ."),
    "passphrase_changed": (
        "암호를 바꿨습니다. 증거 파일은 다시 암호화할 필요가 없습니다.",
        "Passphrase changed. Evidence files did not need re-encrypting.",
    ),
    "recovery_key": (
        "복구 키입니다. 종이에 적어 안전한 곳에 보관하세요. 다시 표시되지 않습니다:\n{key}",
        "Your recovery key. Write it on paper and keep it safe; it will not be shown again:\n{key}",
    ),
    "identity_exported": (
        "보관함 신원 파일을 암호로 보호해 저장했습니다: {path}\n"
        "복호화: age -d -o key.txt {path} 후 age -d -i key.txt <파일>.age",
        "Vault identity saved, protected by a passphrase: {path}\n"
        "To decrypt: age -d -o key.txt {path}, then age -d -i key.txt <file>.age",
    ),
    "case_created": ("사건을 만들었습니다: {name} ({id})", "Case created: {name} ({id})"),
    "no_cases": (
        "아직 사건이 없습니다. 'evidence-kit case new 이름'으로 만드세요.",
        "No cases yet. Create one with 'evidence-kit case new NAME'.",
    ),
    "saved": ("저장됨: {exhibit} {name}  SHA-256 {sha256}", "Saved: {exhibit} {name}  SHA-256 {sha256}"),
    "duplicate": (
        "이미 있음: {name} 은(는) {exhibit}와 같은 파일입니다. 다시 저장하지 않았습니다.",
        "Already there: {name} is the same file as {exhibit}; not stored twice.",
    ),
    "skipped": ("건너뜀: {name} — {reason}", "Skipped: {name} — {reason}"),
    "import_summary": (
        "새로 저장 {added}개, 중복 {duplicates}개, 실패 {failed}개.",
        "{added} saved, {duplicates} duplicate(s), {failed} failed.",
    ),
    "no_items": ("이 사건에는 아직 증거가 없습니다.", "This case has no evidence yet."),
    "exported": (
        "원본을 내보냈습니다(SHA-256 확인 완료): {path}",
        "Original exported (SHA-256 checked): {path}",
    ),
    "edited": (
        "출처 정보를 고쳤습니다. 변경 내용은 기록에 남았습니다.",
        "Source details updated; the change is logged.",
    ),
    "verify_ok": (
        "무결성 확인: 이상 없음. 증거 {items}개, 기록 {events}건 확인.",
        "Integrity verified: no problems. {items} item(s) and {events} log entries checked.",
    ),
    "verify_fail": ("무결성 확인 실패: 문제 {n}건.", "Integrity check FAILED: {n} problem(s)."),
    "symlink": ("바로가기(심볼릭 링크)는 따라가지 않습니다", "symbolic links are not followed"),
    "not_regular": ("일반 파일이 아닙니다", "not a regular file"),
    "warning": ("주의", "Warning"),
    "problem": ("문제", "Problem"),
    "cancelled": ("취소했습니다.", "Cancelled."),
    "locked": ("보관함을 잠갔습니다.", "Vault locked."),
}


def system_lang() -> str:
    for var in ("EVIDENCE_KIT_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        v = os.environ.get(var, "")
        if v:
            return "ko" if v.lower().startswith("ko") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "ko" if loc.lower().startswith("ko") else "en"


def tr(key: str, lang: str, **kw: object) -> str:
    ko, en = MESSAGES[key]
    return (ko if lang == "ko" else en).format(**kw)
