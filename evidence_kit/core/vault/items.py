"""Item records: sealed rows of the ``items`` table, bound to their clear columns."""

from __future__ import annotations

from typing import Any

from ..common.canonical import canonical_json, parse_canonical
from ..common.errors import NotFoundError
from ..common.model import METHOD_DERIVED, Item, Source
from .custody import CustodyLog
from .metastore import MetaStore

ITEM_COLS = "id, case_id, exhibit, blob, sealed"


def item_aad(item_id: str, case_id: str, exhibit: int, blob: str | None) -> str:
    # Binds the clear columns into the seal: moving a record to another row, case,
    # exhibit number or blob makes it fail to open.
    return f"items\x00{item_id}\x00{case_id}\x00{exhibit}\x00{blob or ''}"


def stored_sha256(item: Item) -> str:
    """The SHA-256 of the bytes the vault holds for ``item``: the original's, or for a
    record-only item the redacted derivative's."""
    return item.stored_sha256 or item.sha256


def _import_event(item: Item) -> dict[str, Any]:
    return {
        "exhibit": item.exhibit,
        "name": item.original_name,
        "size": item.size,
        "sha256": item.sha256,
        "md5": item.md5,
        "sha1": item.sha1,
        "method": item.method,
        "retained": item.retained,
        "blob_sha256_of": "plaintext",
        **(
            {}
            if item.retained
            else {
                "note": "recorded without retaining the original",
                "stored_sha256": item.stored_sha256,
                "derivation": item.derivation,
            }
        ),
        **({"derived_from": item.derived_from, "derivation": item.derivation} if item.derived_from else {}),
        **({"pdq": item.pdq, "pdq_quality": item.pdq_quality} if item.pdq else {}),
    }


class ItemRecords:
    def __init__(self, db: MetaStore, log: CustodyLog) -> None:
        self.db = db
        self.log = log

    def from_row(self, row: tuple[Any, ...]) -> Item:
        item_id, case_id, exhibit, blob, sealed = row
        obj = parse_canonical(self.db.keys.open(sealed, item_aad(item_id, case_id, exhibit, blob)))
        return Item.from_json(item_id, case_id, int(exhibit), obj)

    def list(self, case_id: str) -> list[Item]:
        rows = self.db.conn.execute(
            f"SELECT {ITEM_COLS} FROM items WHERE case_id = ? ORDER BY exhibit",  # noqa: S608
            (case_id,),
        ).fetchall()
        return [self.from_row(tuple(r)) for r in rows]

    def get(self, item_id: str) -> Item:
        row = self.db.conn.execute(
            f"SELECT {ITEM_COLS} FROM items WHERE id = ?",  # noqa: S608
            (item_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(f"item {item_id}", ko="그런 증거 항목이 없습니다.", en="No such evidence item.")
        return self.from_row(tuple(row))

    def find(self, case_id: str, ref: str) -> Item:
        """An item by exhibit number, id or id prefix."""
        items = self.list(case_id)
        hits = [i for i in items if str(i.exhibit) == ref or i.id == ref] or [i for i in items if i.id.startswith(ref)]
        if len(hits) != 1:
            raise NotFoundError(f"item {ref}", ko="그런 증거 항목이 없습니다.", en="No such evidence item.")
        return hits[0]

    def find_duplicate(self, case_id: str, dedup: bytes) -> Item | None:
        row = self.db.conn.execute(
            f"SELECT {ITEM_COLS} FROM items WHERE case_id = ? AND dedup = ?",  # noqa: S608
            (case_id, dedup),
        ).fetchone()
        return self.from_row(tuple(row)) if row else None

    def blob_of(self, item_id: str) -> str | None:
        row = self.db.conn.execute("SELECT blob FROM items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"item {item_id}")
        return row[0] if row[0] is None else str(row[0])

    def insert(self, item: Item, blob: str | None, dedup: bytes) -> None:
        """Inside a transaction: the next exhibit number, the row and its acquisition event."""
        conn = self.db.conn
        item.exhibit = conn.execute(
            "SELECT COALESCE(MAX(exhibit), 0) + 1 FROM items WHERE case_id = ?", (item.case_id,)
        ).fetchone()[0]
        action = {"screen-capture": "capture", METHOD_DERIVED: "derive"}.get(item.method, "import")
        item.log_index = self.log.size
        sealed = self.db.keys.seal(
            canonical_json(item.to_json()), item_aad(item.id, item.case_id, item.exhibit, blob)
        )
        conn.execute(
            "INSERT INTO items(id, case_id, exhibit, blob, dedup, sealed) VALUES (?,?,?,?,?,?)",
            (item.id, item.case_id, item.exhibit, blob, dedup, sealed),
        )
        self.log.append(action, case_id=item.case_id, item_id=item.id, data=_import_event(item))

    def update(self, item: Item) -> None:
        """Inside a transaction: re-seal the item's record."""
        blob = self.blob_of(item.id)
        self.db.conn.execute(
            "UPDATE items SET sealed = ? WHERE id = ?",
            (
                self.db.keys.seal(
                    canonical_json(item.to_json()), item_aad(item.id, item.case_id, item.exhibit, blob)
                ),
                item.id,
            ),
        )

    def update_source(self, item_id: str, source: Source, notes: str | None = None) -> Item:
        """Edit where the item came from; the old and new values go into the log."""
        item = self.get(item_id)
        old, new = item.source.to_json(), source.to_json()
        changes: dict[str, Any] = {
            k: {"old": old.get(k, ""), "new": new.get(k, "")}
            for k in sorted(set(old) | set(new))
            if old.get(k, "") != new.get(k, "")
        }
        if notes is not None and notes != item.notes:
            changes["notes"] = {"old": item.notes, "new": notes}
            item.notes = notes
        if not changes:
            return item
        item.source = source
        with self.db.transaction():
            self.update(item)
            self.log.append("edit", case_id=item.case_id, item_id=item.id, data={"changes": changes})
        self.db.flush()
        return item
