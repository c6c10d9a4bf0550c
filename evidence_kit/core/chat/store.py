"""Chats and messages in the vault's database (tables from vault.MIGRATIONS[2]).

Clear columns are ids and order only (chat id, case id, ordinal; message id, chat id,
sequence number). Everything else is one AEAD-sealed canonical JSON value per row whose
associated data binds the table, the row id and its clear columns, exactly like items: a
sealed message moved to another chat or position fails to open.

Search reads and opens rows one at a time, so memory does not grow with the chat.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..canonical import _reject_floats, canonical_json, parse_canonical
from ..errors import InputError, NotFoundError
from .model import ST_MISSING, Chat, Message, MissingMedia, search_key

if TYPE_CHECKING:
    from ..vault import Vault

log = logging.getLogger(__name__)


def _chat_aad(chat_id: str, case_id: str, ordinal: int) -> str:
    return f"chats\x00{chat_id}\x00{case_id}\x00{ordinal}"


def _msg_aad(msg_id: str, chat_id: str, seq: int) -> str:
    return f"chat_messages\x00{msg_id}\x00{chat_id}\x00{seq}"


@dataclass
class SearchQuery:
    chat_id: str | None = None
    sender: str | None = None  # substring of the sender (normalised)
    date_from: str | None = None  # ISO date/time prefix in the chat's own clock, inclusive
    date_to: str | None = None  # inclusive: "2023-01-05" covers the whole day
    text: str | None = None  # substring of the text (normalised)
    marked: bool | None = None
    messages_only: bool = False
    limit: int | None = None

    def __post_init__(self) -> None:
        self._sender_key = search_key(self.sender) if self.sender else ""
        self._text_key = search_key(self.text) if self.text else ""

    def matches(self, m: Message) -> bool:
        if self.marked is not None and m.marked != self.marked:
            return False
        if self.messages_only and m.kind != "message":
            return False
        if self.date_from or self.date_to:
            t = m.local_time
            if not t:
                return False
            if self.date_from and t[: len(self.date_from)] < self.date_from:
                return False
            if self.date_to and t[: len(self.date_to)] > self.date_to:
                return False
        if self._sender_key and self._sender_key not in search_key(m.sender):
            return False
        return not (self._text_key and self._text_key not in search_key(m.text))


_dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode


def _canonical_message(m: Message) -> bytes:
    """canonical_json(m.to_json()) without walking every value for floats: only ``extra``
    (fields copied from the export) can hold anything but strings, ints, bools and lists."""
    if m.extra:
        _reject_floats(m.extra)
    return _dumps(m.to_json()).encode("utf-8")


class ChatStore:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault
        self._conn = vault._conn
        self._keys = vault.keys

    # ----------------------------------------------------------- writing (inside vault._write())

    def insert_chat(self, chat: Chat) -> int:
        ordinal: int = self._conn.execute(
            "SELECT COALESCE(MAX(ord), 0) + 1 FROM chats WHERE case_id = ?", (chat.case_id,)
        ).fetchone()[0]
        self._conn.execute(
            "INSERT INTO chats(id, case_id, ord, sealed) VALUES (?,?,?,?)",
            (
                chat.id,
                chat.case_id,
                ordinal,
                self._keys.seal(canonical_json(chat.to_json()), _chat_aad(chat.id, chat.case_id, ordinal)),
            ),
        )
        return ordinal

    def update_chat(self, chat: Chat) -> None:
        row = self._conn.execute("SELECT ord FROM chats WHERE id = ?", (chat.id,)).fetchone()
        if row is None:
            raise NotFoundError(f"chat {chat.id}")
        self._conn.execute(
            "UPDATE chats SET sealed = ? WHERE id = ?",
            (
                self._keys.seal(
                    canonical_json(chat.to_json()), _chat_aad(chat.id, chat.case_id, int(row[0]))
                ),
                chat.id,
            ),
        )

    def insert_messages(self, msgs: Iterable[Message]) -> None:
        seal = self._keys.seal
        self._conn.executemany(
            "INSERT INTO chat_messages(id, chat_id, seq, sealed) VALUES (?,?,?,?)",
            ((m.id, m.chat_id, m.seq, seal(_canonical_message(m), _msg_aad(m.id, m.chat_id, m.seq))) for m in msgs),
        )

    def _update_message(self, m: Message) -> None:
        self._conn.execute(
            "UPDATE chat_messages SET sealed = ? WHERE id = ?",
            (self._keys.seal(canonical_json(m.to_json()), _msg_aad(m.id, m.chat_id, m.seq)), m.id),
        )

    # ----------------------------------------------------------- reading

    def _chat(self, row: Any) -> Chat:
        chat_id, case_id, ordinal, sealed = row
        obj = parse_canonical(self._keys.open(sealed, _chat_aad(chat_id, case_id, int(ordinal))))
        return Chat.from_json(chat_id, case_id, obj)

    def _message(self, row: Any) -> Message:
        msg_id, chat_id, seq, sealed = row
        # AEAD-authenticated bytes we wrote ourselves: plain json.loads (no canonical re-check).
        obj = json.loads(self._keys.open(sealed, _msg_aad(msg_id, chat_id, int(seq))))
        return Message.from_json(msg_id, chat_id, int(seq), obj)

    def list_chats(self, case_id: str) -> list[Chat]:
        rows = self._conn.execute(
            "SELECT id, case_id, ord, sealed FROM chats WHERE case_id = ? ORDER BY ord", (case_id,)
        ).fetchall()
        return [self._chat(r) for r in rows]

    def get_chat(self, chat_id: str) -> Chat:
        row = self._conn.execute(
            "SELECT id, case_id, ord, sealed FROM chats WHERE id = ?", (chat_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"chat {chat_id}", ko="그런 대화가 없습니다.", en="No such chat.")
        return self._chat(row)

    def find_chat(self, case_id: str, ref: str) -> Chat:
        """A chat by id, id prefix, ordinal number or exact title."""
        chats = self.list_chats(case_id)
        hits = [c for c in chats if c.id == ref or c.title == ref]
        if not hits and ref.isdigit():
            rows = self._conn.execute(
                "SELECT id FROM chats WHERE case_id = ? AND ord = ?", (case_id, int(ref))
            ).fetchall()
            hits = [c for c in chats if c.id in {r[0] for r in rows}]
        if not hits:
            hits = [c for c in chats if c.id.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"chat {ref}", ko="그런 대화가 없습니다.", en="No such chat.")
        return hits[0]

    def count_messages(self, chat_id: str) -> int:
        n: int = self._conn.execute(
            "SELECT COUNT(*) FROM chat_messages WHERE chat_id = ?", (chat_id,)
        ).fetchone()[0]
        return n

    def iter_messages(
        self, chat_id: str, *, start_seq: int = 0, limit: int | None = None
    ) -> Iterator[Message]:
        sql = "SELECT id, chat_id, seq, sealed FROM chat_messages WHERE chat_id = ? AND seq >= ? ORDER BY seq"
        args: tuple[Any, ...] = (chat_id, start_seq)
        if limit is not None:
            sql += " LIMIT ?"
            args += (limit,)
        cur = self._conn.execute(sql, args)
        while True:
            rows = cur.fetchmany(500)
            if not rows:
                return
            for r in rows:
                yield self._message(r)

    def get_message(self, msg_id: str) -> Message:
        row = self._conn.execute(
            "SELECT id, chat_id, seq, sealed FROM chat_messages WHERE id = ?", (msg_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"message {msg_id}", ko="그런 메시지가 없습니다.", en="No such message.")
        return self._message(row)

    def resolve_message(self, case_id: str, ref: str) -> Message:
        """A message by id, id prefix (6+ characters), or CHAT:SEQ (chat ordinal or id prefix)."""
        ref = ref.strip()
        if ":" in ref:
            chat_ref, _, seq = ref.rpartition(":")
            if seq.isdigit():
                chat = self.find_chat(case_id, chat_ref)
                row = self._conn.execute(
                    "SELECT id, chat_id, seq, sealed FROM chat_messages WHERE chat_id = ? AND seq = ?",
                    (chat.id, int(seq)),
                ).fetchone()
                if row is not None:
                    return self._message(row)
            raise NotFoundError(f"message {ref}", ko="그런 메시지가 없습니다.", en="No such message.")
        if len(ref) < 6:
            raise InputError(
                f"message {ref}",
                ko="메시지 ID를 6자 이상 입력하세요.",
                en="Give at least 6 characters of a message id.",
            )
        rows = self._conn.execute(
            "SELECT m.id, m.chat_id, m.seq, m.sealed FROM chat_messages m JOIN chats c ON c.id = m.chat_id "
            "WHERE c.case_id = ? AND m.id >= ? AND m.id < ? LIMIT 2",
            (case_id, ref, ref + "\uffff"),
        ).fetchall()
        if len(rows) != 1:
            raise NotFoundError(f"message {ref}", ko="그런 메시지가 없습니다.", en="No such message.")
        return self._message(rows[0])

    def search(self, case_id: str, q: SearchQuery) -> Iterator[tuple[Chat, Message]]:
        """Messages matching every given filter, in chat order (chats in import order)."""
        n = 0
        for chat in self.list_chats(case_id):
            if q.chat_id and chat.id != q.chat_id:
                continue
            for m in self.iter_messages(chat.id):
                if q.matches(m):
                    yield chat, m
                    n += 1
                    if q.limit is not None and n >= q.limit:
                        return

    def missing_media(self, chat_id: str) -> list[MissingMedia]:
        out: list[MissingMedia] = []
        for m in self.iter_messages(chat_id):
            for a in m.attachments:
                if a.status == ST_MISSING:
                    out.append(MissingMedia(m.id, m.seq, a.kind, a.name, a.reason, a.detail))
        return out

    # ----------------------------------------------------------- marking

    def mark(self, case_id: str, refs: list[str], *, marked: bool = True, note: str = "") -> list[Message]:
        """Mark (or unmark) messages for the report; one custody "mark" event for the call."""
        msgs: list[Message] = []
        seen: set[str] = set()
        for r in refs:
            m = self.resolve_message(case_id, r)
            if m.id not in seen:
                msgs.append(m)
                seen.add(m.id)
        changed = [m for m in msgs if m.marked != marked or (marked and note and m.mark_note != note)]
        if not changed:
            return msgs
        with self.vault._write():
            for m in changed:
                m.marked = marked
                m.mark_note = note if marked else ""
                self._update_message(m)
            self.vault.log.append(
                "mark",
                case_id=case_id,
                data={
                    "marked": marked,
                    "note": note,
                    "messages": [
                        {"id": m.id, "chat": m.chat_id, "seq": m.seq, "native_id": m.native_id}
                        for m in changed
                    ],
                },
            )
        self.vault.flush()
        return msgs

    def marked(self, case_id: str) -> Iterator[tuple[Chat, Message]]:
        return self.search(case_id, SearchQuery(marked=True))
