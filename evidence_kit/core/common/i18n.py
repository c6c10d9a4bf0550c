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
    "older_vault_accepted": (
        "예전 사본으로 되돌린 것을 확인했습니다 (이 컴퓨터에서 본 기록 {seen}건, 지금 {now}건). "
        "보관 기록에 남겼습니다.",
        "Restoring the older copy was confirmed ({seen} entries last seen on this computer, now {now}). "
        "This is recorded in the custody log.",
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
    # -- report, export bundle and bundle verification (issue 8)
    "report_written": (
        "보고서를 만들었습니다: {path} ({pages}쪽, 증거 {items}개)\n보고서 ID {rid}, 매니페스트 SHA-256 {sha}",
        "Report written: {path} ({pages} pages, {items} item(s))\nReport ID {rid}, manifest SHA-256 {sha}",
    ),
    "report_unconfirmed": (
        "주의: 일부 파일의 해시값을 다시 확인하지 못해 '원본과 상위없음'을 확인됨으로 표시하지 않았습니다.",
        "Note: some files' hashes were not re-checked, so 'identical to the originals' is not marked as confirmed.",
    ),
    "bundle_written": (
        "증거 묶음을 만들었습니다: {path} (파일 {files}개, 증거 {items}개, 보고서 {pages}쪽)\n서명 키 "
        "지문 {fp}\n매니페스트 SHA-256 {sha}",
        "Bundle written: {path} ({files} files, {items} item(s), {pages}-page report)\nSigning key "
        "fingerprint {fp}\nManifest SHA-256 {sha}",
    ),
    "bundle_passphrase_new": ("증거 묶음 암호(10자 이상): ", "Bundle passphrase (10+ characters): "),
    "bundle_passphrase_again": ("증거 묶음 암호 다시 입력: ", "Repeat the bundle passphrase: "),
    "bundle_passphrase": ("증거 묶음 암호: ", "Bundle passphrase: "),
    "bv_header": ("증거 묶음 검증: {path}", "Verifying bundle: {path}"),
    "bv_fingerprint": (
        "서명 키 지문(SHA-256): {fp}\n  → 묶음 밖에서 받은 값(제출자가 서명한 종이 해시값 확인서, 또는 전화 확인)과 "
        "비교하세요. 묶음 안의 보고서는 묶음과 함께 위조될 수 있습니다.",
        "Signing key fingerprint (SHA-256): {fp}\n  → compare it with a copy that did not travel inside the bundle "
        "(the paper hash confirmation sheet signed by the submitter, or a phone call); the report inside the "
        "bundle can be forged together with it.",
    ),
    "bv_manifest_sha": (
        "매니페스트 SHA-256: {sha}\n  → 보고서 각 쪽 아래에 적힌 값과 같아야 합니다.",
        "Manifest SHA-256: {sha}\n  → must equal the value at the foot of every report page.",
    ),
    "bv_report_id": ("보고서 ID: {rid}", "Report ID: {rid}"),
    "bv_pass": ("통과", "PASS"),
    "bv_fail": ("실패", "FAIL"),
    "bv_not_retained": ("(원본 미보관 — 해시값만 기록)", "(original not kept — hash recorded only)"),
    "bv_check_sums": (
        "모든 파일의 해시값 (SHA256SUMS, 파일 {n}개)",
        "Every file's hash (SHA256SUMS, {n} files)",
    ),
    "bv_check_sums_sig": ("SHA256SUMS 서명", "SHA256SUMS signature"),
    "bv_check_manifest_sig": ("manifest.json 서명", "manifest.json signature"),
    "bv_check_fingerprint": (
        "manifest.json의 키 지문과 signer.pub.pem 일치",
        "Key fingerprint in manifest.json matches signer.pub.pem",
    ),
    "bv_check_head_sig": (
        "보관 기록 헤드 서명 (custody-head.json, 기록 {n}건)",
        "Custody log head signature (custody-head.json, {n} entries)",
    ),
    "bv_check_log": (
        "보관 기록(custody.jsonl)이 서명된 헤드와 일치",
        "Custody log (custody.jsonl) matches the signed head",
    ),
    "bv_exhibit_ok": (
        "{label} {path}: SHA-256 일치, 보관 기록 #{seq} 수집 기록과 포함 증명 확인",
        "{label} {path}: SHA-256 matches; custody log entry #{seq} and its inclusion proof verified",
    ),
    "bv_verdict_ok": (
        "결과: 통과 — 모든 검사를 통과했고 (증거 {n}개), 서명 키가 입력한 지문(--signer)과 일치합니다: {fp}",
        "Result: PASS — every check passed ({n} exhibit(s)) and the signing key matches the fingerprint "
        "given with --signer: {fp}",
    ),
    "bv_verdict_unconfirmed": (
        "결과: 내부적으로 일관됨 — 서명자 미확인. 모든 검사를 통과했고 (증거 {n}개) 묶음은 키 {fp} 로 "
        "서명되어 있습니다. 그러나 누구든 자기 키로 일관된 묶음을 새로 만들 수 있으므로, 이 지문을 종이 "
        "해시값 확인서의 지문과 비교하거나 제출자에게 전화로 확인하기 전까지 서명자는 확인되지 않은 것입니다. "
        "확인한 뒤 --signer 지문 으로 다시 검증하세요.",
        "Result: INTERNALLY CONSISTENT — SIGNER NOT CONFIRMED. Every check passed ({n} exhibit(s)) and the "
        "bundle is signed by key {fp}. Anyone can build a consistent bundle with a key of their own, so the "
        "signer is unconfirmed until this fingerprint is compared with the paper hash confirmation sheet or "
        "confirmed by phone with the submitter. Then verify again with --signer FINGERPRINT.",
    ),
    "bv_verdict_fail": (
        "결과: 실패 — 문제 {n}건. 이 묶음은 만들어진 뒤 바뀌었거나 손상되었거나, 기대한 키로 서명되지 않았습니다.",
        "Result: FAIL — {n} problem(s). This bundle was changed or damaged after it was made, or was not "
        "signed by the expected key.",
    ),
    "bv_verdict_not_bundle": (
        "결과: 실패 — Evidence Kit 증거 묶음이 아닙니다.",
        "Result: FAIL — this is not an Evidence Kit bundle.",
    ),
    "bv_head": (
        "보관 기록 헤드: 기록 {size}건, 루트 {root}\n"
        "  → 종이 확인서의 값보다 작거나 다르면 이전 상태로 되돌린 묶음입니다.",
        "Custody log head: {size} entries, root {root}\n  → fewer entries than, or a root different from, "
        "the paper sheet means an older (rolled-back) bundle.",
    ),
    "bv_check_signer": (
        "서명 키가 입력한 지문과 일치 (--signer {fp})",
        "Signing key matches the fingerprint given (--signer {fp})",
    ),
    "bvp_signer": (
        "서명 키가 입력한 지문과 다릅니다: 기대 {want}, 실제 {got}. 다른 키로 다시 서명된 묶음일 수 있습니다.",
        "The signing key is not the one given: expected {want}, bundle signed by {got}. The bundle may have "
        "been re-signed with another key.",
    ),
    "bvp_missing": ("{path}: 파일이 없습니다", "{path}: file is missing"),
    "bvp_timestamp": (
        "신뢰 시점 확인 토큰 검증 실패: {path}",
        "A trusted timestamp token failed verification: {path}",
    ),
    "bvp_extra": (
        "{path}: SHA256SUMS에 없는 파일이 들어 있습니다 (추가됨)",
        "{path}: file is not listed in SHA256SUMS (added)",
    ),
    "bvp_hash": (
        "{path}: 해시값이 SHA256SUMS와 다릅니다 (변경됨)",
        "{path}: hash differs from SHA256SUMS (changed)",
    ),
    "bvp_read": ("{path}: 읽을 수 없습니다 ({why})", "{path}: cannot be read ({why})"),
    "bvp_sums_line": ("SHA256SUMS {line}번째 줄을 읽을 수 없습니다", "SHA256SUMS line {line} cannot be read"),
    "bvp_sig": ("{path}: 서명({sig})이 맞지 않습니다", "{path}: its signature ({sig}) is not valid"),
    "bv_exhibit_record_only": (
        "{label} {path}: 보관 기록 #{seq} 수집 기록과 포함 증명 확인 (파일 없음)",
        "{label} {path}: custody log entry #{seq} and its inclusion proof verified (no file)",
    ),
    "bvp_pubkey": (
        "{path}: 공개키를 읽을 수 없습니다 ({why})",
        "{path}: the public key cannot be read ({why})",
    ),
    "bvp_fingerprint": (
        "{path}: 키 지문이 signer.pub.pem과 다릅니다",
        "{path}: key fingerprint differs from signer.pub.pem",
    ),
    "bvp_manifest": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not a valid manifest ({why})"),
    "bvp_head": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not a valid log head ({why})"),
    "bvp_head_key": (
        "{path}: 키 지문이 signer.pub.pem과 다릅니다",
        "{path}: key fingerprint differs from signer.pub.pem",
    ),
    "bvp_head_mismatch": (
        "{path}: 적힌 기록 헤드가 custody-head.json과 다릅니다",
        "{path}: its custody log head differs from custody-head.json",
    ),
    "bvp_log_line": ("{path} {line}번째 줄: {why}", "{path} line {line}: {why}"),
    "bvp_log_root": (
        "{path}: 기록이 서명된 헤드와 일치하지 않습니다 (기록 {got}건, 헤드 {want}건)",
        "{path}: entries do not match the signed head ({got} entries, head says {want})",
    ),
    "bvp_log_chain": (
        "{path}: 기록 #{seq}의 앞 기록과의 해시 연결이 끊겼습니다",
        "{path}: entry #{seq} breaks the hash chain",
    ),
    "bvp_proofs": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not valid ({why})"),
    "bvp_evidence_unlisted": (
        "{path}: manifest.json에 없는 증거 파일입니다",
        "{path}: evidence file not in manifest.json",
    ),
    "bvp_ex_path": (
        "매니페스트의 파일 경로가 올바르지 않습니다",
        "the file path in the manifest is not valid",
    ),
    "bvp_ex_file_missing": ("{path}: 파일이 없습니다", "{path}: file is missing"),
    "bvp_ex_file_hash": (
        "{path}: 파일의 SHA-256 또는 크기가 매니페스트와 다릅니다",
        "{path}: the file's SHA-256 or size differs from the manifest",
    ),
    "bvp_ex_log": (
        "보관 기록 #{seq}의 수집 기록과 맞지 않습니다",
        "does not match its acquisition entry #{seq} in the custody log",
    ),
    "bvp_ex_proof": (
        "보관 기록 #{seq}의 포함 증명이 맞지 않습니다",
        "the inclusion proof for log entry #{seq} does not verify",
    ),
    "bvp_ex_proof_missing": ("포함 증명이 없습니다", "no inclusion proof"),
    "bvp_unsafe_name": (
        "안전하지 않은 파일 이름이라 거부합니다: {path} ({why})",
        "Refused: unsafe file name {path} ({why})",
    ),
    "bvp_symlink": ("심볼릭 링크가 있어 거부합니다: {path}", "Refused: symbolic link {path}"),
    "bvp_not_regular": (
        "일반 파일이 아닌 항목이 있어 거부합니다: {path}",
        "Refused: not a regular file: {path}",
    ),
    "bvp_duplicate": ("같은 이름의 항목이 두 번 있어 거부합니다: {path}", "Refused: duplicate entry {path}"),
    "bvp_zip_bomb": ("압축 폭탄으로 보여 거부합니다 ({why})", "Refused: looks like a zip bomb ({why})"),
    "bvp_zip_overlap": (
        "ZIP 항목이 서로 겹쳐 거부합니다: {path}",
        "Refused: overlapping ZIP entries: {path}",
    ),
    "bvp_zip_bad": (
        "ZIP 파일을 읽을 수 없어 거부합니다 ({why})",
        "Refused: the ZIP file cannot be read ({why})",
    ),
    "bvp_age": ("암호화된 묶음을 풀 수 없습니다 ({why})", "The encrypted bundle cannot be decrypted ({why})"),
    "bvp_not_bundle": (
        "증거 묶음이 아닙니다 (폴더, .zip 또는 .zip.age 파일이어야 합니다)",
        "Not a bundle (expected a folder, a .zip or a .zip.age file)",
    ),
    # -- bundle trust against an adversary (issue 15)
    "bvp_not_ek_bundle": (
        "Evidence Kit 증거 묶음이 아닙니다 ({why})",
        "Not an Evidence Kit bundle ({why})",
    ),
    "bvp_nested_bundle": (
        "이 ZIP의 맨 위는 Evidence Kit 증거 묶음이 아닙니다. 묶음이 {path}/ 폴더 안에 있는 것 같습니다: "
        "압축을 풀고 그 폴더를 검증하세요.",
        "The top of this ZIP is not an Evidence Kit bundle; a bundle seems to be inside the folder {path}/: "
        "unzip it and verify that folder.",
    ),
    "bvp_zip_gap": (
        "ZIP 항목 사이에 숨은 데이터가 있어 거부합니다: {path} 앞, {at}번째 바이트부터 {n}바이트",
        "Refused: hidden data between ZIP entries: {n} byte(s) at offset {at}, before {path}",
    ),
    "bvp_zip_bomb_entry": (
        "압축 폭탄으로 보여 거부합니다: {path} 항목이 압축 {packed}바이트에서 {size}바이트로 풀린다고 적혀 있습니다",
        "Refused: looks like a zip bomb: entry {path} claims {size} bytes from {packed} compressed bytes",
    ),
    "ts_name_unverified": ("{name} (확인되지 않은 이름, index.json)", "{name} (unverified name from index.json)"),
    "ts_chain_untrusted": (
        "인증서 체인이 Evidence Kit에 내장된 루트나 --tsa-ca로 준 루트에서 끝나지 않습니다 "
        "('{name}', SHA-256 {fp}). 묶음이 스스로 자기 타임스탬프 기관을 보증할 수는 없습니다.",
        "The certificate chain does not end at a root built into Evidence Kit or given with --tsa-ca "
        "('{name}', SHA-256 {fp}); a bundle cannot vouch for its own timestamp authority.",
    ),
    "ts_time_before": (
        "타임스탬프 시각 {gen}이(가) 체크포인트 서명 시각 {signed}보다 {min}분 넘게 앞섭니다: 날짜를 앞당긴 토큰입니다",
        "The timestamp time {gen} is more than {min} minutes before the checkpoint's own signed time "
        "{signed}: a back-dated token",
    ),
    "ts_time_ok": (
        "타임스탬프 시각 {gen}이(가) 체크포인트 서명 시각 {signed} 이후입니다 (허용 오차 {min}분)",
        "Timestamp time {gen} is not before the checkpoint's signed time {signed} (allowance {min} minutes)",
    ),
    "ts_time_unknown": ("체크포인트의 서명 시각을 읽을 수 없습니다", "The checkpoint's signed time cannot be read"),
    "bvp_too_deep": (
        "{path}: JSON이 {limit}단계보다 깊게 중첩되어 거부합니다 (Evidence Kit 파일은 이렇게 깊지 않습니다)",
        "Refused: {path} nests JSON more than {limit} levels deep (no Evidence Kit file does)",
    ),
    # -- perceptual hashes and takedown package (issue 10)
    "pdq_item": (
        "{exhibit}  PDQ {pdq}  품질 {quality}{flag}  {name}",
        "{exhibit}  PDQ {pdq}  quality {quality}{flag}  {name}",
    ),
    "pdq_flag_unreliable": (
        "  [신뢰 낮음: 품질 50 미만, 비교에 쓰지 않음]",
        "  [unreliable: quality below 50, not used for matching]",
    ),
    "pdq_item_none": ("{exhibit}  PDQ 없음 — {reason}  {name}", "{exhibit}  no PDQ — {reason}  {name}"),
    "pdq_group": (
        "같은 이미지로 보이는 묶음 {n}: {exhibits} (연결 거리 최대 {dist}비트)",
        "Near-duplicate group {n}: {exhibits} (largest link {dist} bits)",
    ),
    "pdq_no_groups": (
        "같은 이미지로 보이는 항목이 없습니다 (PDQ 거리 {threshold}비트 이하).",
        "No near-duplicates (PDQ distance {threshold} bits or less).",
    ),
    "pdq_summary": (
        "이미지 {images}개: 새로 계산 {computed}개, 신뢰 낮음 {unreliable}개, 해시 없음 {missing}개.",
        "{images} image(s): {computed} newly hashed, {unreliable} unreliable, {missing} without a hash.",
    ),
    "pdqs_unreliable": (
        "품질이 낮음(50 미만): 이미지가 너무 작거나 단조로워 비교에 쓰지 않습니다",
        "low quality (below 50): the image is too small or too plain to compare reliably",
    ),
    "pdqs_not-image": ("이미지가 아님", "not an image"),
    "pdqs_not-retained": (
        "원본 미보관(기록 전용)이고 기록된 PDQ가 없음",
        "original not kept (record only) and no PDQ was recorded",
    ),
    "pdqs_too-large": (
        "이미지가 너무 큼(64 MiB 또는 5천만 화소 초과)",
        "image too large (over 64 MiB or 50 megapixels)",
    ),
    "pdqs_undecodable": (
        "이미지를 읽을 수 없음(손상되었거나 지원하지 않는 형식)",
        "the image cannot be decoded (damaged or an unsupported format)",
    ),
    "pdqs_unavailable": ("PDQ 모듈(pdqhash)이 설치되지 않음", "the PDQ module (pdqhash) is not installed"),
    "takedown_written": (
        "삭제 요청 묶음을 만들었습니다: {path}\n파일 {files}개, 플랫폼 {platforms}곳, 유포 위치 {targets}곳, "
        "증거 {items}개. 인터넷으로 아무것도 보내지 않았습니다.\n묶음 ID {pid}, manifest.json SHA-256 {sha}",
        "Takedown package written: {path}\n{files} files, {platforms} platform(s), {targets} place(s), "
        "{items} item(s). Nothing was sent anywhere.\nPackage ID {pid}, manifest.json SHA-256 {sha}",
    ),
    "takedown_file": ("  {path}", "  {path}"),
    "takedown_problems": (
        "확인이 필요한 항목 {n}건 (요약 문서와 안내문에도 적었습니다):",
        "{n} thing(s) to check (also listed in the summary and the guide):",
    ),
    "tdp_no-url": (
        "{exhibit}: URL이 없어 요청서에 위치 설명·검색어를 적었습니다. 가능하면 URL을 추가하세요.",
        "{exhibit}: no URL; the request describes where it is instead. Add the URL if you can.",
    ),
    "tdp_no-location": (
        "{exhibit}: URL도 위치 설명도 없습니다. 요청서에 손으로 적어 주세요.",
        "{exhibit}: neither a URL nor a description of where it is; write it on the form by hand.",
    ),
    "tdp_no-source": (
        "{exhibit}: 출처(플랫폼·URL·계정)가 적혀 있지 않아 요청서에 넣지 않았습니다. "
        "'evidence-kit edit'으로 추가할 수 있습니다.",
        "{exhibit}: no source (platform, URL, account) recorded, so it is not in any request; "
        "add one with 'evidence-kit edit'.",
    ),
    "tdp_pdq": ("{exhibit}: PDQ 해시 없음 — {reason}", "{exhibit}: no PDQ hash — {reason}"),
    "tdp_unreliable": (
        "{exhibit}: PDQ 품질 {quality} — {reason}",
        "{exhibit}: PDQ quality {quality} — {reason}",
    ),
    # -- chat exports (issues 6 and 12)
    "chat_detected": ("감지한 형식: {label}", "Detected: {label}"),
    "chat_imported": (
        "대화를 가져왔습니다: {title} — 메시지 {messages}개, 시스템 기록 {events}개, 빠진 첨부 {missing}개. "
        "새로 저장한 파일 {files}개, 이미 있던 파일 {dups}개. 시간대: {zone}",
        "Chat imported: {title} — {messages} message(s), {events} system record(s), {missing} missing "
        "media. {files} file(s) stored, {dups} already in the case. Time zone: {zone}",
    ),
    "chat_zone_unknown": ("알 수 없음", "unknown"),
    "chat_missing": ("빠진 첨부: #{seq} {kind} {name} — {reason}", "Missing media: #{seq} {kind} {name} — {reason}"),
    "chat_warning": ("경고: {text}", "Warning: {text}"),
    "chat_no_chats": (
        "이 사건에는 가져온 대화가 없습니다. 'evidence-kit chat import 경로'로 가져오세요.",
        "This case has no imported chats. Import one with 'evidence-kit chat import PATH'.",
    ),
    "chat_no_match": ("조건에 맞는 메시지가 없습니다.", "No messages match."),
    "chat_count": ("메시지 {n}개", "{n} message(s)"),
    "chat_marked": (
        "메시지 {n}개를 표시했습니다. 보고서의 대화 부분에 들어갑니다(기록에 남음).",
        "{n} message(s) marked for the report (logged).",
    ),
    "chat_unmarked": ("메시지 {n}개의 표시를 지웠습니다(기록에 남음).", "{n} message(s) unmarked (logged)."),
    # -- trusted timestamps (issue 11)
    "ts_queued": (
        "체크포인트 #{id}(기록 {size}건)를 타임스탬프 대기열에 넣었습니다. 인터넷에 연결하지 않았습니다.",
        "Checkpoint #{id} ({size} entries) queued for trusted timestamps. Nothing went online.",
    ),
    "ts_stamp_header": (
        "체크포인트 #{id}(기록 {size}건)의 SHA-256 값 {imprint} 하나만 TSA {n}곳에 보냅니다. "
        "증거 파일과 기록 내용은 보내지 않습니다.",
        "Sending only the SHA-256 {imprint} of checkpoint #{id} ({size} entries) to {n} TSA(s). "
        "No evidence and no log content leaves this computer.",
    ),
    "ts_stamp_ok": (
        "{tsa}: 타임스탬프를 받아 검증했습니다 — {time} (응답 SHA-256 {sha})",
        "{tsa}: timestamp received and verified — {time} (reply SHA-256 {sha})",
    ),
    "ts_stamp_kept": (
        "{tsa}: 토큰({time})은 보관했지만 인증서 체인을 확인하지 못했습니다 — {why}",
        "{tsa}: token ({time}) kept, but its certificate chain could not be checked — {why}",
    ),
    "ts_stamp_fail": ("{tsa}: 실패 — {why}", "{tsa}: failed — {why}"),
    "ts_stamp_sealed": (
        "봉인 완료: TSA {ok}곳에서 검증된 타임스탬프를 받아 보관함에 저장했습니다.",
        "Sealed: verified timestamps from {ok} TSA(s) are stored in the vault.",
    ),
    "ts_stamp_short": (
        "필요한 {need}곳 중 {ok}곳에서만 검증된 타임스탬프를 받았습니다. 나중에 'evidence-kit stamp'를 다시 "
        "실행하세요.",
        "Only {ok} of the {need} TSA(s) needed gave a verified timestamp. Run 'evidence-kit stamp' again later.",
    ),
    "ts_status_none": (
        "대기 중이거나 타임스탬프를 받은 체크포인트가 없습니다.",
        "No checkpoint is queued or stamped.",
    ),
    "ts_status_cp": (
        "체크포인트 #{id}: 기록 {size}건, {state}, 대기열 등록 {queued}",
        "Checkpoint #{id}: {size} entries, {state}, queued {queued}",
    ),
    "ts_status_token": ("  {tsa}: {time} — {verdict}", "  {tsa}: {time} — {verdict}"),
    "ts_state_pending": ("타임스탬프 대기 중", "waiting for trusted timestamps"),
    "ts_state_stamped": ("타임스탬프 받음", "stamped"),
    "ts_state_superseded": (
        "더 새 체크포인트 #{by}가 대신 봉인함",
        "superseded: the newer checkpoint #{by} covers it",
    ),
    "ts_verdict_ok": ("검증됨", "verified"),
    "ts_verdict_fail": ("검증 실패: {why}", "NOT verified: {why}"),
    "ts_warn": ("주의", "NOTE"),
    "ts_skip": ("확인하지 않음 (응답을 읽을 수 없음)", "not checked (the reply cannot be read)"),
    "ts_skip_nosigner": (
        "확인하지 않음 (서명 인증서를 찾지 못함)",
        "not checked (the signer certificate was not found)",
    ),
    # fetching
    "ts_err_url": ("TSA 주소가 올바르지 않습니다: {url}", "Not a valid TSA address: {url}"),
    "ts_err_timeout": ("{seconds}초 안에 응답이 없습니다", "no reply within {seconds} s"),
    "ts_err_connect": ("연결할 수 없습니다 ({why})", "could not connect ({why})"),
    "ts_err_http": ("서버가 HTTP 오류 {code}를 돌려주었습니다", "the server answered HTTP {code}"),
    "ts_err_redirect": (
        "서버가 다른 주소로 보내려 했습니다(HTTP {code}). 리디렉션은 따르지 않습니다",
        "the server tried to redirect (HTTP {code}); redirects are not followed",
    ),
    "ts_err_too_large": (
        "응답이 너무 큽니다({limit}바이트 초과)",
        "the reply is too large (over {limit} bytes)",
    ),
    "ts_err_garbage": (
        "타임스탬프 응답이 아닌 내용을 받았습니다 ({why})",
        "the reply is not a timestamp response ({why})",
    ),
    "ts_err_rejected": (
        "TSA가 요청을 거절했습니다: {status} {text}",
        "the TSA refused the request: {status} {text}",
    ),
    "ts_err_verify": (
        "응답을 검증하지 못해 버렸습니다 — {why}",
        "the reply failed verification and was discarded — {why}",
    ),
    "ts_err_chain": ("{why}", "{why}"),
    # checks (each its own message)
    "ts_parse_ok": (
        "응답 형식: RFC 3161 타임스탬프 응답으로 읽힘",
        "Reply format: a well-formed RFC 3161 timestamp reply",
    ),
    "ts_imprint_ok": (
        "메시지 임프린트: 체크포인트 파일의 {alg} 해시값과 일치",
        "Message imprint: equals the {alg} hash of the checkpoint file",
    ),
    "ts_imprint_fail": (
        "메시지 임프린트가 체크포인트의 해시값과 다릅니다: 이 토큰은 다른 자료에 대한 것입니다",
        "Message imprint differs from the checkpoint's hash: this token is over something else",
    ),
    "ts_imprint_alg": (
        "임프린트 해시 알고리즘 {alg}은(는) 허용하지 않습니다 (SHA-256/384/512만)",
        "Imprint hash algorithm {alg} is not accepted (SHA-256/384/512 only)",
    ),
    "ts_nonce_ok": ("논스: 요청에 넣은 값과 일치", "Nonce: equals the one sent in the request"),
    "ts_nonce_fail": (
        "논스가 요청과 다릅니다: 이 응답은 이 요청에 대한 답이 아닙니다",
        "Nonce differs from the request: this reply does not answer this request",
    ),
    "ts_nonce_missing": (
        "요청에 논스를 넣었는데 응답에는 논스가 없습니다",
        "The request carried a nonce but the reply has none",
    ),
    "ts_nonce_skip": (
        "논스: 요청 논스가 기록되어 있지 않아 확인하지 않음",
        "Nonce: not checked, no request nonce was recorded",
    ),
    "ts_signer_ok": (
        "서명 인증서: 서명된 ESSCertID({alg}) 해시로 식별됨 — {subject}",
        "Signer certificate: identified by the signed ESSCertID ({alg}) hash — {subject}",
    ),
    "ts_signer_fail": (
        "서명된 ESSCertID와 일치하는 인증서가 없습니다: 서명 인증서가 바뀌었거나(이름만 같은 가짜 포함) 빠졌습니다",
        "No certificate matches the signed ESSCertID: the signer certificate was swapped (a look-alike "
        "with the same name counts) or is missing",
    ),
    "ts_signer_nocerts": (
        "토큰에 인증서가 없고 인증서 체인도 주어지지 않아 서명 인증서를 찾을 수 없습니다",
        "The token carries no certificates and no chain was supplied: the signer certificate cannot be found",
    ),
    "ts_signer_lookalike": (
        "서명자라고 주장하는 인증서 '{subject}'가 있지만 서명된 ESSCertID 해시와 다릅니다: 이름만 같은 가짜입니다",
        "A certificate '{subject}' claims to be the signer but its hash differs from the signed ESSCertID: "
        "a look-alike",
    ),
    "ts_signer_noattr": (
        "서명 인증서 속성(ESSCertID)이 없거나 읽을 수 없습니다",
        "The signing-certificate (ESSCertID) attribute is missing or unreadable",
    ),
    "ts_signer_alg": (
        "ESSCertID 해시 알고리즘 {alg}을(를) 지원하지 않습니다",
        "ESSCertID hash algorithm {alg} is not supported",
    ),
    "ts_signer_bad": ("ESSCertID를 읽을 수 없습니다 ({why})", "The ESSCertID cannot be read ({why})"),
    "ts_signer_sid": (
        "서명자 식별 정보(발급자·일련번호)가 ESSCertID 인증서와 다릅니다",
        "The signer identifier (issuer and serial) differs from the ESSCertID certificate",
    ),
    "ts_sig_ok": (
        "서명: TSA 인증서의 키로 검증됨 ({alg})",
        "Signature: verifies with the TSA certificate's key ({alg})",
    ),
    "ts_sig_fail": (
        "서명이 맞지 않습니다: 토큰이 만들어진 뒤 바뀌었습니다",
        "The signature does not verify: the token was changed after it was made",
    ),
    "ts_sig_digest": (
        "서명된 메시지 다이제스트가 토큰 내용(TSTInfo)과 다릅니다: 내용이 바뀌었습니다",
        "The signed message digest differs from the token content (TSTInfo): the content was changed",
    ),
    "ts_sig_attrs": (
        "서명된 속성의 콘텐츠 형식이 TSTInfo가 아닙니다",
        "The signed content-type attribute is not TSTInfo",
    ),
    "ts_sig_attrs_bad": (
        "서명된 속성을 읽을 수 없습니다 ({why})",
        "The signed attributes cannot be read ({why})",
    ),
    "ts_sig_alg": ("지원하지 않는 서명 방식입니다: {alg}", "Unsupported signature algorithm: {alg}"),
    "ts_sig_nosigner": (
        "서명 인증서를 찾지 못해 서명을 확인할 수 없습니다",
        "The signature cannot be checked: the signer certificate was not found",
    ),
    "ts_eku_ok": (
        "확장 키 용도: timeStamping 하나만, 필수(critical)로 표시됨",
        "Extended key usage: timeStamping only, marked critical",
    ),
    "ts_eku_fail": (
        "서명 인증서가 타임스탬프용이 아닙니다 (timeStamping 확장 키 용도, critical 필요): {why}",
        "The signer certificate is not a timestamping certificate (needs the timeStamping extended key "
        "usage, critical): {why}",
    ),
    "ts_chain_ok": (
        "인증서 체인: 토큰 시각 {time}에 모두 유효했고 보관된 루트 '{root}'(SHA-256 {fp})에 이릅니다",
        "Certificate chain: every certificate was valid at the token's time {time} and it leads to the "
        "stored root '{root}' (SHA-256 {fp})",
    ),
    "ts_chain_missing": (
        "인증서 체인이 없거나 불완전합니다: 발급자 '{name}'의 인증서가 없습니다",
        "The certificate chain is missing or incomplete: there is no certificate for issuer '{name}'",
    ),
    "ts_chain_lookalike": (
        "'{name}' 이름의 인증서가 있지만 서명하지 않았습니다: 이름만 같은 가짜 인증서입니다",
        "A certificate named '{name}' is present but did not sign: it is a look-alike",
    ),
    "ts_chain_time": (
        "인증서 '{name}'은(는) 토큰 시각 {time}에 유효하지 않았습니다",
        "Certificate '{name}' was not valid at the token's time {time}",
    ),
    "ts_chain_ca": (
        "인증서 '{name}'은(는) 인증기관(CA) 인증서가 아닙니다",
        "Certificate '{name}' is not a CA certificate",
    ),
    "ts_chain_root": (
        "체인이 보관된 루트가 아닌 '{name}'(SHA-256 {fp})에서 끝납니다",
        "The chain ends at '{name}' (SHA-256 {fp}), not at the stored root",
    ),
    "ts_chain_noroot": (
        "보관된 루트 인증서(SHA-256 {fp})가 없습니다",
        "The stored root certificate (SHA-256 {fp}) is not there",
    ),
    "ts_root_known": (
        "루트 인증서: 신뢰 목록의 '{name}' (SHA-256 {fp})",
        "Root certificate: '{name}' from the trusted list (SHA-256 {fp})",
    ),
    "ts_root_unknown": (
        "루트 인증서 '{name}'(SHA-256 {fp})은(는) 내장 목록에 없습니다: TSA가 공개한 지문과 직접 비교하세요",
        "Root certificate '{name}' (SHA-256 {fp}) is not in the built-in list: compare it with the "
        "fingerprint the TSA publishes",
    ),
    "ts_cp_ok": (
        "체크포인트 #{id}: 보관함 키(지문 {fp}…)의 서명 확인, 기록 {size}건",
        "Checkpoint #{id}: signature by the vault key (fingerprint {fp}…) verified, {size} entries",
    ),
    "ts_cp_sig": (
        "체크포인트 #{id}의 서명이 맞지 않거나 없습니다",
        "Checkpoint #{id}: signature missing or not valid",
    ),
    "ts_cp_bad": (
        "체크포인트 #{id} 파일을 읽을 수 없거나 목록과 다릅니다",
        "Checkpoint #{id}: file unreadable or differs from the index",
    ),
    "ts_cp_nokey": (
        "체크포인트 #{id}: 공개키가 없어 서명을 확인하지 않음",
        "Checkpoint #{id}: signature not checked, no public key",
    ),
    "ts_cp_mismatch": (
        "체크포인트 #{id}가 토큰을 받을 때의 내용과 다릅니다",
        "Checkpoint #{id} differs from what was stamped",
    ),
    "ts_log_ok": (
        "보관 기록: 체크포인트가 custody.jsonl 앞 {size}건의 머클 루트와 일치",
        "Custody log: the checkpoint equals the Merkle root of the first {size} entries of custody.jsonl",
    ),
    "ts_log_fail": (
        "체크포인트의 루트가 custody.jsonl 앞 {size}건과 맞지 않습니다",
        "The checkpoint's root does not match the first {size} entries of custody.jsonl",
    ),
    "ts_log_skip": ("보관 기록이 없어 체크포인트 루트를 확인하지 않음", "No custody log: checkpoint root not checked"),
    "ts_file_missing": ("{path}: 파일이 없습니다", "{path}: file is missing"),
    "ts_index_bad": ("{path}: 형식이 올바르지 않습니다 ({why})", "{path}: not valid ({why})"),
    "ts_result_ok": (
        "신뢰할 수 있는 타임스탬프 — {tsa}, 체크포인트 #{id}(기록 {size}건): {time} 이전에 존재: 통과",
        "Trusted timestamp — {tsa}, checkpoint #{id} ({size} entries): existed no later than {time}: PASS",
    ),
    "ts_result_fail": (
        "신뢰할 수 있는 타임스탬프 — {tsa}, 체크포인트 #{id}(기록 {size}건): 실패",
        "Trusted timestamp — {tsa}, checkpoint #{id} ({size} entries): FAIL",
    ),
    # report
    "ts_collected": (
        "수집 시각(이 컴퓨터 시계 기준, 제3자 확인 아님): {utc} ({kst})",
        "Collected at (this computer's clock, not independently confirmed): {utc} ({kst})",
    ),
    "ts_sealed": (
        "늦어도 {utc} ({kst})에는 존재 — {tsa}의 신뢰할 수 있는 타임스탬프 (체크포인트 #{id})",
        "Sealed no later than {utc} ({kst}) — trusted timestamp by {tsa} (checkpoint #{id})",
    ),
    "ts_not_sealed": (
        "아직 신뢰할 수 있는 타임스탬프로 봉인되지 않았습니다",
        "Not yet sealed by a trusted timestamp",
    ),
    "ts_cp_line": (
        "타임스탬프 받은 체크포인트 #{id}: 기록 {size}건, 머클 루트 {root}, 체크포인트 파일 SHA-256 {imprint}",
        "Stamped checkpoint #{id}: {size} entries, Merkle root {root}, checkpoint file SHA-256 {imprint}",
    ),
    "ts_cp_token": ("{tsa}: {time}", "{tsa}: {time}"),
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


# Chat-import warnings are recorded in English (the custody log and --json keep them as
# they are); people reading Korean get them in Korean (issue 16).
_WARNINGS_KO: list[tuple[str, str]] = [
    (r"this export has no date_unixtime \(Telegram Desktop before 3\.7\.6\): the time zone is unknown; give the "
     r"zone the exporting computer used to get UTC times",
     "이 내보내기 파일에는 정확한 시각(date_unixtime)이 없습니다(텔레그램 데스크톱 3.7.6 이전). 시간대를 알 수 "
     "없으니, 내보낸 컴퓨터의 시간대를 --zone 으로 알려 주면 UTC 시각을 계산합니다."),
    (r"the exporting computer's UTC offset differs between messages \(daylight saving time\): (.*)",
     r"내보낸 컴퓨터의 UTC 시차가 메시지마다 다릅니다(서머타임): \1"),
    (r"only the text file was given: media that came with the export \(folder or ZIP\) are listed as missing; "
     r"import the folder or ZIP to include them",
     "텍스트 파일만 가져왔습니다. 함께 내보낸 사진·동영상(폴더나 ZIP)은 '없음'으로 표시됩니다. 포함하려면 폴더나 "
     "ZIP 파일을 가져오세요."),
    (r"result\.json could not be read past byte (\d+) \((.*)\): the messages before it were imported",
     r"result.json을 \1바이트 이후로는 읽을 수 없습니다(\2). 그 앞의 메시지만 가져왔습니다."),
    (r"(.*): cannot be read", r"\1: 읽을 수 없습니다"),
    (r"(.*): symbolic link not followed", r"\1: 바로가기(심볼릭 링크)는 따라가지 않습니다"),
    (r"(.*): not a regular file, skipped", r"\1: 일반 파일이 아니어서 건너뛰었습니다"),
    (r"message (\S+): (.*)", r"메시지 \1: \2"),
]


def warning_text(text: str, lang: str) -> str:
    """A core warning (recorded in English) in the reader's language."""
    if lang != "ko":
        return text
    import re

    for pattern, ko in _WARNINGS_KO:
        m = re.fullmatch(pattern, text, flags=re.S)
        if m:
            return m.expand(ko)
    return text


def tr(key: str, lang: str, /, **kw: object) -> str:
    ko, en = MESSAGES[key]
    return (ko if lang == "ko" else en).format(**kw)
