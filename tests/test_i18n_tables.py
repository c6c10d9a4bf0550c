"""The message table is split by area (issue 19); the joined table must lose nothing."""

from __future__ import annotations

import pytest

from evidence_kit.core.common import i18n
from evidence_kit.core.common.messages_chat import CHAT_MESSAGES
from evidence_kit.core.common.messages_documents import DOCUMENT_MESSAGES
from evidence_kit.core.common.messages_timestamps import TIMESTAMP_MESSAGES
from evidence_kit.core.common.messages_vault import VAULT_MESSAGES

AREAS = (VAULT_MESSAGES, DOCUMENT_MESSAGES, CHAT_MESSAGES, TIMESTAMP_MESSAGES)


def test_every_area_is_in_the_joined_table_once() -> None:
    assert sum(len(t) for t in AREAS) == len(i18n.MESSAGES)
    for table in AREAS:
        for key, pair in table.items():
            assert i18n.MESSAGES[key] == pair


def test_a_key_in_two_areas_is_refused() -> None:
    with pytest.raises(ValueError, match="saved"):
        i18n._join(VAULT_MESSAGES, {"saved": ("다른 말", "other words")})


def test_lookups_read_every_area() -> None:
    assert i18n.tr("vault_created", "en", path="/v") == "Evidence vault created: /v"
    assert i18n.tr("chat_count", "ko", n=3) == "메시지 3개"
    assert i18n.tr("ts_cp_token", "en", tsa="a", time="t") == "a: t"
    assert "Report written" in i18n.tr("report_written", "en", path="p", pages=1, items=2, rid="r", sha="s")
    assert i18n.warning_text("x.jpg: cannot be read", "ko") == "x.jpg: 읽을 수 없습니다"
    assert i18n.warning_text("x.jpg: cannot be read", "en") == "x.jpg: cannot be read"
