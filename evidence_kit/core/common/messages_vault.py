"""Korean and English messages: the vault, passphrases, backups, cases and evidence items.

The CLI's own words about the vault, its passphrase and backups, cases, and importing and
showing evidence items (lookups live in i18n.py).
"""

from __future__ import annotations

VAULT_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Korean, English)
    "vault_created": ("증거 보관함을 만들었습니다: {path}", "Evidence vault created: {path}"),
    "vault_ok": (
        "보관함을 열었습니다. 사건 {cases}개, 기록 {events}건.",
        "Vault unlocked. {cases} case(s), {events} log entries.",
    ),
    "older_vault_accepted": (
        "예전 사본으로 되돌린 것을 확인했습니다. 이 컴퓨터에서 마지막으로 연 사본의 기록은 {seen}건, "
        "이 사본은 {now}건입니다. 보관 기록에 남겼습니다.",
        "Restoring the older copy was confirmed. The copy last opened on this computer had {seen} log "
        "entries; this one has {now}. This is recorded in the custody log.",
    ),
    "diverged_vault_accepted": (
        "이 사본을 쓰기로 한 것을 확인했습니다. 이 컴퓨터에서 본 기록({seen}건)과 이어지지 않는 사본입니다 "
        "(이 사본의 기록 {now}건). 보관 기록에 남겼습니다.",
        "Using this copy was confirmed, although its log does not continue the one last seen on this "
        "computer ({seen} entries then, {now} in this copy). This is recorded in the custody log.",
    ),
    "older_vault_hint": (
        "백업을 일부러 되돌린 것이라면 --accept-older-vault 로 한 번 확인하세요. "
        "아니라면 최근 증거가 빠졌을 수 있습니다.",
        "If you restored a backup on purpose, confirm it once with --accept-older-vault. "
        "If not, recent evidence may be missing.",
    ),
    "backup_done": (
        "백업을 마쳤습니다: {dest}. 새로 복사한 파일 {copied}개 ({mb} MB), 전체 {items}개 항목을 열어 검증했습니다 "
        "({seconds}초). 이 백업은 같은 암호나 복구 키로 열립니다.",
        "Backup complete: {dest}. {copied} new file(s) copied ({mb} MB); all {items} item(s) opened and verified "
        "({seconds} s). The backup opens with the same passphrase or the recovery key.",
    ),
    "restore_done": (
        "복원을 마쳤습니다: {dest} (항목 {items}개 검증). 이제 이 폴더를 보관함으로 쓰면 됩니다.",
        "Restore complete: {dest} ({items} item(s) verified). This folder is now a normal vault.",
    ),
    "backup_last": ("마지막으로 검증된 백업: {time} ({dest})", "Last verified backup: {time} ({dest})"),
    "backup_none": ("아직 검증된 백업이 없습니다.", "No verified backup yet."),
    "passphrase_prompt": ("보관함 암호: ", "Vault passphrase: "),
    "passphrase_new": ("새 암호(10자 이상): ", "New passphrase (10+ characters): "),
    "passphrase_again": ("새 암호 다시 입력: ", "Repeat the new passphrase: "),
    "passphrase_mismatch": ("두 암호가 다릅니다.", "The two passphrases differ."),
    "passphrase_changed": (
        "암호를 바꿨습니다. 새 마스터 키를 만들어 증거 파일 {blobs}개의 키를 새로 감싸고 모든 기록을 다시 "
        "봉인했습니다({seconds}초). 예전 암호와 예전 vault.json 으로는 이제 아무것도 열 수 없습니다. "
        "보관 기록 서명 키도 바뀌었습니다: {old}… → {new}… (예전 키가 서명한 인계 기록이 남습니다).",
        "Passphrase changed. A new master key was made: the keys of {blobs} evidence file(s) were re-wrapped "
        "and every record re-sealed ({seconds} s). The old passphrase with an old vault.json now opens "
        "nothing. The log signing key changed too: {old}… → {new}… (a hand-over signed by the old key is logged).",
    ),
    "passphrase_changed_recovery": (
        "예전 복구 키는 더 이상 쓸 수 없습니다. 새 복구 키를 종이에 적어 안전한 곳에 보관하세요. "
        "다시 표시되지 않습니다:\n{key}",
        "The old recovery key no longer works. Write the new recovery key on paper and keep it safe; "
        "it will not be shown again:\n{key}",
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
    "saved_record_only": (
        "기록됨(원본 미보관): {exhibit} {name}  원본 SHA-256 {sha256}",
        "Recorded (original not kept): {exhibit} {name}  original SHA-256 {sha256}",
    ),
    "policy_set": (
        "사건 '{name}'의 증거 정책: {policy} (기록에 남았습니다)",
        "Case '{name}' evidence policy: {policy} (logged)",
    ),
    "policy_keep_originals": ("원본 보관", "keep originals"),
    "policy_record_only": ("기록 전용 (해시값과 가린 사본만 보관)", "record only (hashes and a redacted copy)"),
    "redacted_copy": (
        "가린 사본을 만들었습니다: {exhibit} ({parent}에서 파생)  SHA-256 {sha256}",
        "Redacted copy made: {exhibit} (derived from {parent})  SHA-256 {sha256}",
    ),
    "duplicate": (
        "이미 있음: {name} 파일은 이미 {exhibit}으로 저장되어 있어 다시 저장하지 않았습니다.",
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
    # -- issue 16: record-only imports, CLI parity
    "record_only_default_pixelate": (
        "기록 전용 사건입니다: 사진 {n}개는 원본을 저장하지 않고, 전체를 모자이크한 사본만 저장합니다(기본값). "
        "대화 화면처럼 계정·시각이 보여야 하면 --black-out x,y,너비,높이 로 가릴 부분만 지정하세요.",
        "Record-only case: for {n} picture(s) only a copy pixelated whole is stored (the default), not the "
        "original. To keep accounts and times in a chat screenshot readable, name only the areas to hide "
        "with --black-out x,y,w,h.",
    ),
    "exported_redacted": (
        "원본은 보관하지 않았으므로 가린 사본을 내보냈습니다(SHA-256 확인 완료): {path}",
        "The original was not kept, so the redacted version was exported (SHA-256 checked): {path}",
    ),
    "case_edited": (
        "사건 '{name}'의 정보를 고쳤습니다. 변경 내용은 보관 기록에 남았습니다.",
        "Case '{name}' updated; the change is recorded in the custody log.",
    ),
    "case_edit_nothing": ("바꿀 내용이 없습니다.", "Nothing to change."),
}
