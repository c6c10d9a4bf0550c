"""Korean and English messages about chat exports, and the Korean wording of their warnings.

The chat importer records its warnings in English; CHAT_WARNINGS_KO turns them into Korean
for a Korean reader (lookups live in i18n.py).
"""

from __future__ import annotations

CHAT_MESSAGES: dict[str, tuple[str, str]] = {
    # key: (Korean, English)
    # -- chat exports (issues 6 and 12)
    "chat_detected": ("감지한 형식: {label}", "Detected: {label}"),
    "chat_imported": (
        "대화를 가져왔습니다: {title} — 메시지 {messages}개, 시스템 기록 {events}개, 빠진 첨부 {missing}개. "
        "새로 저장한 파일 {files}개, 이미 있던 파일 {dups}개. 시간대: {zone}",
        "Chat imported: {title} — {messages} message(s), {events} system record(s), {missing} missing "
        "media. {files} file(s) stored, {dups} already in the case. Time zone: {zone}",
    ),
    "chat_already_imported": (
        "이 대화 내보내기는 이미 이 사건에 있습니다: {title} ({ref}, 메시지 {messages}개, {when} 가져옴). "
        "같은 파일이라 새로 추가한 것은 없습니다.",
        "This chat export is already in this case: {title} ({ref}, {messages} message(s), imported {when}). "
        "The files are the same, so nothing was added.",
    ),
    "chat_decided_by": ("  판단 근거: {text}", "  Decided by: {text}"),
    "chat_zone_unknown": ("알 수 없음", "unknown"),
    "chat_untitled": ("(제목 없는 대화)", "(untitled chat)"),
    "chat_zone_word": ("시간대", "zone"),
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
}


# Chat-import warnings are recorded in English (the custody log and --json keep them as
# they are); people reading Korean get them in Korean (issue 16).
CHAT_WARNINGS_KO: list[tuple[str, str]] = [
    (r"this export has no date_unixtime \(Telegram Desktop before 3\.7\.6\): the time zone is unknown; give the "
     r"zone the exporting computer used to get UTC times",
     "이 내보내기 파일에는 정확한 시각(date_unixtime)이 없습니다(텔레그램 데스크톱 3.7.6 이전). 시간대를 알 수 "
     "없으니, 내보낸 컴퓨터의 시간대를 --zone 으로 알려 주면 UTC 시각을 계산합니다."),
    (r"this export gives date_unixtime without the local date: the UTC times are exact, but the exporting "
     r"computer's clock time is unknown; give its zone to see local times",
     "이 내보내기 파일에는 정확한 시각(date_unixtime)만 있고 현지 날짜·시각이 없습니다. UTC 시각은 정확하지만 "
     "내보낸 컴퓨터의 시계 시각은 알 수 없으니, 현지 시각을 보려면 --zone 으로 시간대를 알려 주세요."),
    (r"(.*) is not named result\.json: only this file was imported, not the folder it is in; import the export "
     r"folder to include its media",
     r"\1 파일은 이름이 result.json이 아니므로 이 파일만 가져오고 들어 있던 폴더는 가져오지 않았습니다. 사진 등 "
     r"첨부 파일까지 넣으려면 내보내기 폴더를 가져오세요."),
    (r"(.*) is not named messages\.html: only this page was imported, not the folder it is in; import the "
     r"export folder to include its other pages and media",
     r"\1 파일은 이름이 messages.html이 아니므로 이 페이지만 가져오고 들어 있던 폴더는 가져오지 않았습니다. 다른 "
     r"페이지와 첨부 파일까지 넣으려면 내보내기 폴더를 가져오세요."),
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


# The lines that decided a KakaoTalk export's family and language (kakao_sniff.py). The custody
# log keeps them in English; a Korean reader sees these. Word parts first, then whole phrases.
CHAT_DETECTION_KO: list[tuple[str, str]] = [
    (r"line (\d+): ", r"\1번째 줄: "),
    (r"first line repeats the Talk_….txt file name", "첫 줄이 Talk_….txt 파일 이름을 되풀이함"),
    (r"title line", "대화방 제목 줄"),
    (r"saved date in the PC form YYYY-MM-DD HH:MM:SS", "PC 형식의 저장 날짜(YYYY-MM-DD HH:MM:SS)"),
    (r"saved date in the Android form YYYY년 M월 D일", "안드로이드 형식의 저장 날짜(YYYY년 M월 D일)"),
    (r"saved date in the iOS form YYYY\. M\. D\.", "iOS 형식의 저장 날짜(YYYY. M. D.)"),
    (r"day separator between 15 dashes", "대시 15개 사이의 날짜 구분 줄"),
    (r"\[name\] \[time\] message", "[이름] [시각] 메시지 형태"),
    (r"(Android|iOS)-shaped message", r"\1 형태의 메시지"),
    (r"(Android|iOS)-shaped system line \(timestamp, text\)", r"\1 형태의 시스템 줄(시각, 내용)"),
    (r"(Android|iOS)-shaped system line \(timestamp: text\)", r"\1 형태의 시스템 줄(시각: 내용)"),
    (r"CSV header (.*) -> Mac CSV, language (\w+)", r"CSV 머리글 \1 -> Mac CSV, 언어 \2"),
    (r"family KakaoTalk (.*) \(score (\d+)\); language (\w+) from ", r"종류 카카오톡 \1(점수 \2), 언어 \3 — 근거: "),
    (r"date/clock words: Korean (\d+), English (\d+)", r"날짜·시각 표현 한국어 \1개, 영어 \2개"),
    (r"header words", "머리글의 낱말"),
    (r"no Korean format words", "한국어 형식 낱말 없음"),
]
