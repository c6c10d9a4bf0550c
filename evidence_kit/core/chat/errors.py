"""Errors a person can see while importing chat exports (Korean and English)."""

from __future__ import annotations

from ..common.errors import EvidenceKitError, InputError, UsageError


class ChatFormatError(InputError):
    """The file is not a chat export we know, or it is damaged beyond reading."""

    ko = "채팅 내보내기 파일로 인식할 수 없습니다."
    en = "This is not a chat export that Evidence Kit recognises."


def unrecognised(detail: str) -> ChatFormatError:
    return ChatFormatError(
        detail,
        ko=(
            "채팅 내보내기 파일로 인식할 수 없습니다. 다음 중 하나여야 합니다: 텔레그램 데스크톱의 "
            "result.json(JSON 형식)이나 messages.html(HTML 형식) 또는 그 폴더, "
            "카카오톡 대화 내보내기(PC .txt, 안드로이드 "
            "KakaoTalkChats.txt 또는 zip, iOS Talk_….txt, Mac .csv), 왓츠앱 대화 내보내기(.txt 또는 "
            "zip, iOS _chat.txt). 아무것도 저장하지 않았습니다. 파일 그대로 보관하려면 'evidence-kit "
            "add'를 쓰세요."
        ),
        en=(
            "This is not a chat export Evidence Kit recognises. Expected one of: a Telegram Desktop "
            "result.json (JSON format) or messages.html (HTML format), or its folder; "
            "a KakaoTalk export (PC .txt, Android "
            "KakaoTalkChats.txt or zip, iOS Talk_….txt, Mac .csv); a WhatsApp export (.txt or zip, "
            "iOS _chat.txt). Nothing was stored. To keep the file as it is, use 'evidence-kit add'."
        ),
    )


class DateOrderNeededError(UsageError):
    """The file's dates could be day-first or month-first: the user must say which."""

    ko = (
        "이 파일의 날짜가 일/월/년인지 월/일/년인지 파일만으로는 알 수 없습니다(모든 날짜가 12일 "
        "이하). 내보낸 휴대폰의 날짜 형식을 골라 다시 실행하세요: --date-order dmy(일/월/년), mdy(월/일/"
        "년) 또는 ymd. 선택한 값은 보관 기록에 남습니다."
    )
    en = (
        "The file alone cannot tell whether its dates are day/month/year or month/day/year (no day is "
        "above 12). Choose the date style of the phone that exported it and run again: --date-order "
        "dmy, mdy or ymd. Your answer is recorded in the custody log."
    )


class DateOrderConflictError(UsageError):
    ko = "선택한 날짜 순서가 파일 내용과 맞지 않습니다."
    en = "The date order you chose contradicts the file."


class ZoneError(UsageError):
    ko = "시간대를 알 수 없습니다. 'Asia/Seoul' 같은 이름이나 '+09:00' 같은 형식으로 입력하세요."
    en = "Unknown time zone. Use a name like 'Asia/Seoul' or an offset like '+09:00'."


class UnsafeZipError(InputError):
    ko = "안전하지 않은 ZIP 파일이라 가져오지 않았습니다. 아무것도 저장하지 않았습니다."
    en = "The ZIP file is unsafe, so it was not imported. Nothing was stored."


__all__ = [
    "ChatFormatError",
    "DateOrderConflictError",
    "DateOrderNeededError",
    "EvidenceKitError",
    "UnsafeZipError",
    "ZoneError",
    "unrecognised",
]
