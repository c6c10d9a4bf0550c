"""Table models: a case's evidence and an item's custody events. Display only, no rules."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from ..core.common.model import CustodyEvent, Item
from .display import format_size, format_time, safe_text, tooltip_html
from .i18n import language, t
from .widgets import monospace

SORT_ROLE = Qt.ItemDataRole.UserRole
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2

Index = QModelIndex | QPersistentModelIndex


def platform_label(value: str) -> str:
    """Platform names in the reader's language; the stored value stays the English name."""
    from ..core.common.event_text import KO_PLATFORMS

    if language() == "ko" and value in KO_PLATFORMS:
        return KO_PLATFORMS[value]
    return {"Website": t("Website"), "Other": t("Other")}.get(value, value)


def method_label(method: str) -> str:
    return {
        "import-file": t("Imported file"),
        "import-folder": t("Imported from a folder"),
        "paste": t("Pasted from the clipboard"),
        "screen-capture": t("Screen capture"),
        "chat-export": t("Chat export"),
        "derived": t("Derived copy"),
    }.get(method, method)


def action_label(action: str) -> str:
    """Custody-log actions (core.custody.ACTIONS) in words; a test checks every one is covered."""
    return {
        "create-vault": t("Vault created"),
        "create-case": t("Case created"),
        "edit-case": t("Case details edited"),
        "import": t("Imported"),
        "capture": t("Captured"),
        "duplicate": t("Same file added again"),
        "view": t("Viewed"),
        "edit": t("Source details edited"),
        "hash": t("Hash computed"),
        "export-file": t("Original exported"),
        "report": t("Report made"),
        "export": t("Bundle exported"),
        "checkpoint": t("Checkpoint"),
        "rekey": t("Passphrase changed"),
        "recovery-key": t("Recovery key created"),
        "export-identity": t("Vault identity exported"),
        "recover": t("Recovered after an interruption"),
        "integrity-alert": t("Integrity alert"),
        "verify": t("Integrity verified"),
        "policy": t("Evidence policy changed"),
        "derive": t("Redacted copy made"),
        "stamp": t("Trusted timestamp"),
        "chat-import": t("Chat imported"),
        "mark": t("Messages marked"),
        "takedown": t("Takedown package made"),
        "backup": t("Backed up"),
        "restore": t("Restored from a backup"),
    }.get(action, action)


def exhibit_label(item: Item) -> str:
    return item.exhibit_label_ko if language() == "ko" else item.exhibit_label_en


def item_display_name(item: Item) -> str:
    """The name shown in lists. Pictures the app made itself (pastes, captures) read as
    "붙여넣은 이미지 2026-12-04 21:30:05" instead of ``pasted-20261204-213005.png``; the
    stored original name (detail panel, report) is unchanged (issue 16)."""
    from ..core.common.event_text import made_here_name

    name = item.relative_path or item.original_name
    return made_here_name(name, item.method, language(), derived=bool(item.derived_from)) or name


class _RowsModel(QAbstractTableModel):
    """A read-only table over a list of rows with fixed, translated headers."""

    def __init__(self, headers: list[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._headers = headers

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class ItemTableModel(_RowsModel):
    COLUMNS = ("exhibit", "name", "sha256", "size", "acquired", "platform")

    def __init__(self, parent: Any = None) -> None:
        super().__init__([t("Exhibit"), t("Name"), "SHA-256", t("Size"), t("Acquired"), t("Platform")], parent)
        self._rows: list[Item] = []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, col)
        if role == SORT_ROLE:
            return {"exhibit": item.exhibit, "size": item.size, "acquired": item.acquired_utc}.get(
                col, self._display(item, col)
            )
        if role == ITEM_ROLE:
            return item
        if role == SEARCH_ROLE:
            src = item.source
            return " ".join(
                [
                    exhibit_label(item),
                    item.exhibit_label_ko,
                    item_display_name(item),
                    item.sha256,
                    src.platform,
                    platform_label(src.platform),
                    src.url,
                    src.chatroom,
                    src.account,
                    src.description,
                    src.purpose,
                    item.notes,
                ]
            ).casefold()
        if role == Qt.ItemDataRole.ToolTipRole and col == "name":
            return tooltip_html(item_display_name(item))
        if role == Qt.ItemDataRole.ToolTipRole and col == "acquired":
            return format_time(item.acquired_utc, item.tz_offset)
        if role == Qt.ItemDataRole.FontRole and col == "sha256":
            return monospace()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == "size":
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, item: Item, col: str) -> str:
        if col == "exhibit":
            return exhibit_label(item)
        if col == "name":
            return safe_text(item_display_name(item), 300)
        if col == "sha256":
            return item.sha256
        if col == "size":
            return format_size(item.size)
        if col == "acquired":
            return format_time(item.acquired_utc, item.tz_offset, short=True)
        return safe_text(platform_label(item.source.platform), 100)

    # ------------------------------------------------------------ changes

    def set_items(self, items: list[Item]) -> None:
        self.beginResetModel()
        self._rows = list(items)
        self.endResetModel()

    def clear(self) -> None:
        self.set_items([])

    def items(self) -> list[Item]:
        return list(self._rows)

    def add_item(self, item: Item) -> None:
        """Add, or refresh the row if this item is already listed (a duplicate import)."""
        row = self.row_of(item.id)
        if row >= 0:
            self.replace_item(item)
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(item)
        self.endInsertRows()

    def replace_item(self, item: Item) -> None:
        row = self.row_of(item.id)
        if row < 0:
            return
        self._rows[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_of(self, item_id: str) -> int:
        return next((i for i, it in enumerate(self._rows) if it.id == item_id), -1)


class ItemFilterProxy(QSortFilterProxyModel):
    """Sort by the real values (exhibit number, bytes) and filter on every visible and source field."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)
        self._needle = ""

    def set_filter_text(self, text: str) -> None:
        self.beginFilterChange()
        self._needle = text.strip().casefold()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        haystack = model.data(model.index(source_row, 0, source_parent), SEARCH_ROLE) or ""
        return all(word in haystack for word in self._needle.split())


class EventTableModel(_RowsModel):
    """An item's custody events, oldest first."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__([t("No."), t("Time"), t("Action"), t("Details")], parent)
        self._rows: list[CustodyEvent] = []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        ev = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return [str(ev.seq), format_time(ev.time_utc, ev.tz_offset), action_label(ev.action), event_details(ev)][
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            # The sentence, then the recorded fields (issue 16: never raw key=value alone).
            from ..core.common.event_text import event_fields, event_sentence

            return tooltip_html(f"{event_sentence(ev, language())}\n{event_fields(ev)}")
        return None

    def set_events(self, events: list[CustodyEvent]) -> None:
        self.beginResetModel()
        self._rows = list(events)
        self.endResetModel()

    def events(self) -> list[CustodyEvent]:
        return list(self._rows)

    def clear(self) -> None:
        self.set_events([])


def field_label(key: str) -> str:
    return {
        "platform": t("Platform"),
        "url": t("Web address (URL)"),
        "chatroom": t("Chat room or channel"),
        "account": t("Account that posted it"),
        "date_seen": t("When you saw it"),
        "posted_at": t("When it was posted"),
        "description": t("What it shows"),
        "purpose": t("What this exhibit proves"),
        "notes": t("Notes"),
    }.get(key, key)


def event_details(ev: CustodyEvent) -> str:
    from ..core.common.event_text import event_sentence

    d = ev.data
    if ev.action in ("view", "derive", "policy") or (ev.action in ("import", "capture") and d.get("retained") is False):
        return event_sentence(ev, language())
    if ev.action == "edit" and isinstance(d.get("changes"), dict):
        return t("Changed: {fields}", fields=", ".join(field_label(k) for k in d["changes"]))
    if ev.action in ("import", "capture"):
        return safe_text(f"{d.get('name', '')} · {method_label(str(d.get('method', '')))}", 300)
    if ev.action == "duplicate":
        return safe_text(str(d.get("name", "")), 300)
    if ev.action == "export-file" and d.get("purpose"):
        return safe_text(str(d["purpose"]), 300)
    if ev.action == "hash":
        return "PDQ" if "pdq" in d else "MD5, SHA-1"
    return ""
