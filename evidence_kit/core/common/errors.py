"""User-facing errors.

Every exception a person can see carries its own message in Korean and English, so the
CLI and the GUI never have to invent wording (or show a traceback). ``exit_code`` is what
the CLI returns; the README documents the codes.
"""

from __future__ import annotations


class EvidenceKitError(Exception):
    """Base class: ``message(lang)`` gives the sentence to show a person."""

    exit_code = 1
    ko = "알 수 없는 오류가 발생했습니다."
    en = "An unexpected error occurred."

    def __init__(self, detail: str = "", *, ko: str | None = None, en: str | None = None) -> None:
        self.detail = detail
        if ko is not None:
            self.ko = ko
        if en is not None:
            self.en = en
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        base = self.ko if lang.startswith("ko") else self.en
        return f"{base} ({self.detail})" if self.detail else base


class UsageError(EvidenceKitError):
    exit_code = 2
    ko = "명령을 잘못 입력했습니다."
    en = "The command was not used correctly."


class WrongPassphraseError(EvidenceKitError):
    exit_code = 3
    ko = "암호가 맞지 않습니다. 다시 입력해 주세요."
    en = "That passphrase is not correct. Please try again."


class VaultNotFoundError(EvidenceKitError):
    exit_code = 4
    ko = "이 위치에서 증거 보관함을 찾을 수 없습니다."
    en = "No evidence vault was found at this location."


class VaultExistsError(EvidenceKitError):
    exit_code = 4
    ko = "이 위치에는 이미 증거 보관함이 있습니다."
    en = "An evidence vault already exists at this location."


class VaultLockedError(EvidenceKitError):
    exit_code = 4
    ko = "보관함이 잠겨 있습니다. 먼저 암호로 여세요."
    en = "The vault is locked. Unlock it with the passphrase first."


class VaultBusyError(EvidenceKitError):
    exit_code = 4
    ko = "다른 프로그램이 이 보관함을 사용 중입니다."
    en = "Another program is using this vault right now."


class VaultFormatError(EvidenceKitError):
    exit_code = 5
    ko = "보관함 파일 형식을 읽을 수 없습니다. 파일이 손상되었거나 변조되었을 수 있습니다."
    en = "The vault files could not be read. They may be damaged or altered."


class IntegrityError(EvidenceKitError):
    """Something stored was changed outside the app: never silent."""

    exit_code = 6
    ko = "무결성 검사 실패: 저장된 자료가 앱 밖에서 변경되었습니다."
    en = "Integrity check failed: stored data was changed outside the app."


class InputError(EvidenceKitError):
    """A file or folder the user gave us cannot be used; nothing else is harmed."""

    exit_code = 7
    ko = "이 파일을 증거로 가져올 수 없습니다."
    en = "This file cannot be imported as evidence."


class CancelledError(EvidenceKitError):
    exit_code = 8
    ko = "작업을 취소했습니다. 저장이 끝난 항목은 그대로 안전합니다."
    en = "Cancelled. Items that were already saved are safe."


class NotFoundError(EvidenceKitError):
    exit_code = 9
    ko = "찾는 항목이 없습니다."
    en = "No such item."


class WeakPassphraseError(EvidenceKitError):
    exit_code = 2
    ko = "암호가 너무 짧습니다. 10자 이상으로 정해 주세요."
    en = "The passphrase is too short. Please use at least 10 characters."


class DiskFullError(EvidenceKitError):
    """Writing failed for lack of space or an I/O error; what was saved before is intact."""

    exit_code = 11
    ko = "디스크 공간이 부족하거나 쓰기 오류가 났습니다: 저장된 자료는 잃지 않았습니다. 공간을 비우고 다시 시도하세요."
    en = "The disk is full or could not be written: nothing was lost. Free some space and try again."
