"""Chats and messages in the vault's database (tables from vault.metastore.MIGRATIONS[2]).

Clear columns are ids and order only (chat id, case id, ordinal; message id, chat id,
sequence number). Everything else is one AEAD-sealed canonical JSON value per row whose
associated data binds the table, the row id and its clear columns, exactly like items: a
sealed message moved to another chat or position fails to open.

Search: the first search of a chat in a session opens every row once and keeps a compact
in-memory index (normalised text and sender, time, kind, marked) tied to this unlocked
Vault object; later searches scan that index in C (bytes.find) and open only the candidate
rows, which are then checked again against the query, so the index can only narrow, never
decide, a result. Nothing of the index is ever written to disk; it goes with the Vault
object (a new unlock builds a new one) and is dropped when the vault is found locked.
"""

from __future__ import annotations

import json
import logging
import unicodedata
import weakref
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..common.canonical import _reject_floats, canonical_json, parse_canonical
from ..common.errors import InputError, NotFoundError
from ..vault.vault import on_lock
from .model import _SPACES, KIND_MESSAGE, ST_MISSING, Chat, Message, MissingMedia, search_key

if TYPE_CHECKING:
    from ..vault.vault import Vault

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


_SEP = b"\x00"
_TIME_W = 19  # "YYYY-MM-DDTHH:MM:SS"


@dataclass
class _ChatIndex:
    """Normalised copies of one chat's rows, in seq order (memory only)."""

    count: int = 0
    max_rowid: int = 0
    seqs: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    text: bytearray = field(default_factory=bytearray)  # search_key(text) UTF-8, NUL-separated
    starts: array = field(default_factory=lambda: array("q"))  # type: ignore[type-arg]
    senders: array = field(default_factory=lambda: array("i"))  # type: ignore[type-arg]
    sender_keys: list[str] = field(default_factory=list)
    times: bytearray = field(default_factory=bytearray)  # local_time, padded to _TIME_W
    is_message: bytearray = field(default_factory=bytearray)
    marked: bytearray = field(default_factory=bytearray)

    def add(self, seq: int, obj: dict[str, Any], sender_ids: dict[str, int]) -> None:
        """One opened row (its JSON object, as Message.to_json wrote it)."""
        self.seqs.append(seq)
        self.starts.append(len(self.text))
        self.text += _fast_key(str(obj.get("text", ""))).encode("utf-8")
        self.text += _SEP
        sender = str(obj.get("sender", ""))
        sid = sender_ids.get(sender)
        if sid is None:
            sid = sender_ids[sender] = len(self.sender_keys)
            self.sender_keys.append(search_key(sender))
        self.senders.append(sid)
        self.times += str(obj.get("local_time", "")).encode("ascii", "replace")[:_TIME_W].ljust(_TIME_W)
        self.is_message.append(obj.get("kind", KIND_MESSAGE) == KIND_MESSAGE)
        self.marked.append(bool(obj.get("marked", False)))

    def candidates(self, q: SearchQuery) -> Iterator[int]:
        """Positions that may match (a superset: every hit is checked on the opened row)."""
        n = len(self.seqs)
        if q._text_key:
            key = q._text_key.encode("utf-8")
            from bisect import bisect_right

            pos = self.text.find(key)
            last = -1
            while pos >= 0:
                i = bisect_right(self.starts, pos) - 1
                if i != last:
                    yield i
                    last = i
                # continue after this message's separator
                nxt = self.starts[i + 1] if i + 1 < n else len(self.text)
                pos = self.text.find(key, nxt)
        else:
            yield from range(n)

    def prefilter(self, q: SearchQuery, i: int, senders_ok: set[int] | None) -> bool:
        if q.marked is not None and bool(self.marked[i]) != q.marked:
            return False
        if q.messages_only and not self.is_message[i]:
            return False
        if senders_ok is not None and self.senders[i] not in senders_ok:
            return False
        if q.date_from or q.date_to:
            t = self.times[i * _TIME_W : (i + 1) * _TIME_W].decode("ascii").rstrip()
            if not t:
                return False
            if q.date_from and t[: len(q.date_from)] < q.date_from:
                return False
            if q.date_to and t[: len(q.date_to)] > q.date_to:
                return False
        return True


_CF_TABLE: dict[int, None] = {}


def _fast_key(text: str) -> str:
    """search_key(text), the same steps with the per-character format test done by one
    str.translate (the table of every Cf code point is built once per process)."""
    if text.isascii():  # NFKC is the identity and there is no Cf character in ASCII
        return _SPACES.sub(" ", text).strip().casefold()
    if not _CF_TABLE:
        _CF_TABLE.update({c: None for c in range(0x80, 0x110000) if unicodedata.category(chr(c)) == "Cf"})
    s = unicodedata.normalize("NFKC", text).translate(_CF_TABLE)
    return _SPACES.sub(" ", s).strip().casefold()


# Per unlocked Vault object: chat id -> index. A WeakKeyDictionary, so a vault object that is
# gone takes its plaintext index with it.
_INDEXES: weakref.WeakKeyDictionary[Any, dict[str, _ChatIndex]] = weakref.WeakKeyDictionary()


def forget_indexes(vault: Any) -> None:
    """Drop the in-memory search index of this vault (on lock, or after a write we did not make)."""
    _INDEXES.pop(vault, None)


on_lock(forget_indexes)  # the index holds opened text: dropped whenever a vault locks


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
        forget_indexes(self.vault)
        seal = self._keys.seal
        self._conn.executemany(
            "INSERT INTO chat_messages(id, chat_id, seq, sealed) VALUES (?,?,?,?)",
            ((m.id, m.chat_id, m.seq, seal(_canonical_message(m), _msg_aad(m.id, m.chat_id, m.seq))) for m in msgs),
        )

    def _update_message(self, m: Message) -> None:
        idx = _INDEXES.get(self.vault, {}).pop(m.chat_id, None)
        del idx  # rebuilt on the next search: the row's sealed value changed
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
            for m in self._search_chat(chat.id, q):
                yield chat, m
                n += 1
                if q.limit is not None and n >= q.limit:
                    return

    def _index(self, chat_id: str) -> _ChatIndex:
        self.vault._require_open()
        count, max_rowid = self._conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(rowid), 0) FROM chat_messages WHERE chat_id = ?", (chat_id,)
        ).fetchone()
        per_vault = _INDEXES.setdefault(self.vault, {})
        idx = per_vault.get(chat_id)
        if idx is not None and (idx.count, idx.max_rowid) == (count, max_rowid):
            return idx
        idx = _ChatIndex(count=int(count), max_rowid=int(max_rowid))
        sender_ids: dict[str, int] = {}
        cur = self._conn.execute(
            "SELECT id, chat_id, seq, sealed FROM chat_messages WHERE chat_id = ? ORDER BY seq", (chat_id,)
        )
        open_ = self._keys.open
        while rows := cur.fetchmany(1000):
            for msg_id, cid, seq, sealed in rows:  # opens (authenticates) every row once
                idx.add(int(seq), json.loads(open_(sealed, _msg_aad(msg_id, cid, int(seq)))), sender_ids)
        per_vault[chat_id] = idx
        return idx

    def _search_chat(self, chat_id: str, q: SearchQuery) -> Iterator[Message]:
        idx = self._index(chat_id)
        senders_ok: set[int] | None = None
        if q._sender_key:
            senders_ok = {i for i, k in enumerate(idx.sender_keys) if q._sender_key in k}
            if not senders_ok:
                return
        batch: list[int] = []
        for i in idx.candidates(q):
            if idx.prefilter(q, i, senders_ok):
                batch.append(int(idx.seqs[i]))
                if len(batch) >= 256:
                    yield from self._open_seqs(chat_id, batch, q)
                    batch = []
        if batch:
            yield from self._open_seqs(chat_id, batch, q)

    def _open_seqs(self, chat_id: str, seqs: list[int], q: SearchQuery) -> Iterator[Message]:
        sql = "SELECT id, chat_id, seq, sealed FROM chat_messages WHERE chat_id = ? AND seq = ?"
        for seq in seqs:
            r = self._conn.execute(sql, (chat_id, seq)).fetchone()
            if r is None:  # a row removed under us: the index is stale
                forget_indexes(self.vault)
                continue
            m = self._message(r)
            if q.matches(m):  # the index only narrows; the opened row decides
                yield m

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
