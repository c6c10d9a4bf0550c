"""Korean and English messages about RFC 3161 trusted timestamps.

Queueing, fetching, every check of a token, and how the report shows them (lookups live in
i18n.py).
"""

from __future__ import annotations

TIMESTAMP_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Korean, English)
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
}
