"""Integrity alerts and notices a vault raises, in English and Korean."""

from __future__ import annotations


class Alert(str):
    """An integrity alert: the English text (what ``alerts`` has always held) plus Korean."""

    ko: str

    def __new__(cls, en: str, ko: str) -> Alert:
        obj = super().__new__(cls, en)
        obj.ko = ko
        return obj

    def message(self, lang: str) -> str:
        return self.ko if lang.startswith("ko") else str(self)


def alert_text(alert: str, lang: str) -> str:
    """An alert or problem line in ``lang`` (older alerts are English only)."""
    return alert.message(lang) if isinstance(alert, Alert) else alert
