"""Korean and English text for the core and the CLI (the GUI uses Qt translations).

The messages live in one table per area (``messages_vault``, ``messages_documents``,
``messages_chat``, ``messages_timestamps``); :data:`MESSAGES` joins them, refusing a key
defined twice, so a missing translation is a test failure rather than a surprise.
"""

from __future__ import annotations

import locale
import os
from collections.abc import Mapping

from .messages_chat import CHAT_DETECTION_KO, CHAT_MESSAGES, CHAT_WARNINGS_KO
from .messages_documents import DOCUMENT_MESSAGES
from .messages_timestamps import TIMESTAMP_MESSAGES
from .messages_vault import VAULT_MESSAGES


def _join(*tables: Mapping[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    """One lookup table; a key in two areas would silently pick one wording, so it is an error."""
    joined: dict[str, tuple[str, str]] = {}
    for table in tables:
        twice = joined.keys() & table.keys()
        if twice:
            raise ValueError(f"message keys defined twice: {sorted(twice)}")
        joined.update(table)
    return joined


MESSAGES: dict[str, tuple[str, str]] = _join(VAULT_MESSAGES, DOCUMENT_MESSAGES, CHAT_MESSAGES, TIMESTAMP_MESSAGES)


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


def warning_text(text: str, lang: str) -> str:
    """A core warning (recorded in English) in the reader's language."""
    if lang != "ko":
        return text
    import re

    for pattern, ko in CHAT_WARNINGS_KO:
        m = re.fullmatch(pattern, text, flags=re.S)
        if m:
            return m.expand(ko)
    return text


def detection_text(text: str, lang: str) -> str:
    """A line of a chat export's detection evidence (recorded in English) in the reader's language."""
    if lang != "ko":
        return text
    import re

    for pattern, ko in CHAT_DETECTION_KO:
        text = re.sub(pattern, ko, text)
    return text


def tr(key: str, lang: str, /, **kw: object) -> str:
    ko, en = MESSAGES[key]
    return (ko if lang == "ko" else en).format(**kw)
