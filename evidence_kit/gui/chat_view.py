"""The case's imported chats: read them page by page, search, mark messages for the report.

Everything shown from a chat (titles, senders, texts, file names) is the export's words and
goes through :func:`.display.safe_text` into plain-text item views. Marking calls the
service's ``mark_messages`` (one "mark" custody event per click, as ``chat mark`` does).
Reads are small and run on the GUI thread; while the worker runs a job the view is disabled,
because the vault is used by one thread at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import EvidenceKitError
from ..core.common.i18n import tr
from ..core.service import EvidenceService
from .dialogs import line_edit
from .display import safe_text, tooltip_html
from .i18n import language, t
from .widgets import SafeLabel, fit_to_screen, make_button, named
from .worker import Worker

log = logging.getLogger(__name__)

PAGE = 500  # messages shown at a time; a chat can hold a million
_Index = QModelIndex | QPersistentModelIndex


def event_words() -> dict[str, str]:
    """The record kinds of core/chat/model.py (EV_*) in the reader's language."""
    return {
        "header": t("export header"), "saved-at": t("saved at"), "date": t("date line"), "blank": t("blank line"),
        "joined": t("joined"), "left": t("left"), "invited": t("invited"), "kicked": t("removed"),
        "hidden": t("hidden by the managers"), "deleted": t("deleted"), "system": t("system message"),
        "service": t("service message"), "unparsed": t("unrecognised line"),
    }


def shown_time(m: Any) -> str:
    """The chat's own clock with its date ("2023-01-05 08:48"); as written when that is all there is."""
    if m.local_time:
        return safe_text(m.local_time.replace("T", " ")[:19], 40)
    return safe_text(m.written_time, 40)


def message_cells(m: Any, words: dict[str, str]) -> list[str]:
    """Marked, number, time, sender, text, attachments: every cell plain, made safe."""
    kind = ""
    if m.kind != "message" or m.event:
        kind = f"[{words.get(m.event or m.kind) or safe_text(m.event or m.kind, 40)}] "
    files = ", ".join(safe_text(a.name or a.detail or a.kind, 80) for a in m.attachments)
    return [
        "✓" if m.marked else "",
        str(m.seq),
        shown_time(m),
        safe_text(m.sender, 60) if m.sender else "–",
        kind + safe_text(m.text, 400),
        files,
    ]


class MessageModel(QAbstractTableModel):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []
        self._cells: list[list[str]] = []
        self._words = event_words()
        self.headers = [t("Marked"), t("No."), t("Time"), t("Sender"), t("Message"), t("Attachments")]

    def set_messages(self, msgs: list[Any]) -> None:
        self.beginResetModel()
        self._rows = list(msgs)
        self._cells = [message_cells(m, self._words) for m in self._rows]
        self.endResetModel()

    def replace(self, msgs: list[Any]) -> None:
        """Rows of these messages (marked or unmarked just now) show their new state."""
        by_id = {m.id: m for m in msgs}
        for row, old in enumerate(self._rows):
            new = by_id.get(old.id)
            if new is not None:
                self._rows[row] = new
                self._cells[row] = message_cells(new, self._words)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.headers) - 1))

    def message(self, row: int) -> Any:
        return self._rows[row]

    def messages(self) -> list[Any]:
        return list(self._rows)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        m = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return tooltip_html(m.text + (f"\n\n{m.mark_note}" if m.mark_note else ""))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 2:
            return tooltip_html(m.written_time)  # exactly as the export wrote it
        if role == Qt.ItemDataRole.ForegroundRole and m.kind != "message":
            return QBrush(QColor("#666666"))  # system lines are records too, but quieter
        return None


class ChatViewDialog(QDialog):
    """Chats on the left; the chosen chat's messages, a search row and Mark/Unmark on the right."""

    def __init__(self, parent: QWidget | None, service: EvidenceService, case_id: str, worker: Worker,
                 show_error: Callable[[BaseException], None]) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Chats"))
        self.service, self.case_id, self.worker, self._show_error = service, case_id, worker, show_error
        self._starts: list[int] = [0]  # first message number of each page seen (Earlier goes back)
        self._searching = False
        self.chats: list[Any] = []
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self._build_chat_list())
        split.addWidget(self._build_messages())
        split.setSizes([260, 740])
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        self.status = named(SafeLabel(wrap=True), t("Status"))
        lay.addWidget(self.status)
        close = make_button(t("Close"), self.accept)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(close)
        lay.addLayout(row)
        worker.busy_changed.connect(self._busy)
        fit_to_screen(self, 1100, 700)
        self.load_chats()
        self._busy(worker.busy)

    # ------------------------------------------------------------------ build

    def _build_chat_list(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel(t("Imported chats")))
        self.chat_model = QStandardItemModel(self)
        self.chat_list = named(QListView(), t("Imported chats"))
        self.chat_list.setModel(self.chat_model)
        self.chat_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.chat_list.setWordWrap(True)
        self.chat_list.setProperty("untrusted", True)  # chat titles are the export's words
        self.chat_list.selectionModel().currentRowChanged.connect(lambda _c, _p: self.show_chat())
        lay.addWidget(self.chat_list, 1)
        self.chat_info = named(SafeLabel(wrap=True, data=True), t("About this chat"))
        lay.addWidget(self.chat_info)
        return box

    def _build_search(self) -> QVBoxLayout:
        self.sender_edit = line_edit("", t("Sender"), t("Sender"))
        self.text_edit = line_edit("", t("Text"), t("Words in the message"))
        self.from_edit = line_edit("", t("From date"), t("From (2023-01-05)"))
        self.to_edit = line_edit("", t("To date"), t("To (2023-01-06)"))
        self.marked_only = named(QCheckBox(t("Only marked")), t("Only marked"))
        for e in (self.sender_edit, self.text_edit, self.from_edit, self.to_edit):
            e.returnPressed.connect(self.search)
        self.search_button = make_button(t("Search"), self.search)
        self.show_all_button = make_button(t("Show all"), self.show_all)
        edits = QHBoxLayout()
        for edit in (self.sender_edit, self.text_edit, self.from_edit, self.to_edit):
            edits.addWidget(edit, 1)
        buttons = QHBoxLayout()
        for w in (self.marked_only, self.search_button, self.show_all_button):
            buttons.addWidget(w)
        buttons.addStretch(1)
        both = QVBoxLayout()
        both.addLayout(edits)
        both.addLayout(buttons)
        return both

    def _build_messages(self) -> QWidget:
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(self._build_search())
        self.model = MessageModel(self)
        self.table = named(QTableView(), t("Messages"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        fm = self.fontMetrics()
        self.table.verticalHeader().setDefaultSectionSize(fm.lineSpacing() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(32)
        for col, sample in ((0, "✓✓"), (1, "00000"), (2, "0000-00-00 00:00:00"), (3, "가나다라마바"), (5, "가나다라")):
            self.table.setColumnWidth(col, max(fm.horizontalAdvance(sample) + 16,
                                               fm.horizontalAdvance(self.model.headers[col]) + 20))
        lay.addWidget(self.table, 1)
        lay.addLayout(self._build_mark_row())
        return box

    def _build_mark_row(self) -> QHBoxLayout:
        self.note_edit = line_edit("", t("Note for the report"), t("Note for the report (optional)"))
        self.mark_button = make_button(t("Mark for the report"), lambda: self.mark(True))
        self.unmark_button = make_button(t("Unmark"), lambda: self.mark(False))
        self.earlier_button = make_button(t("Earlier"), self.earlier)
        self.later_button = make_button(t("Later"), self.later)
        self.count = SafeLabel()
        row = QHBoxLayout()
        row.addWidget(self.note_edit, 1)
        for w in (self.mark_button, self.unmark_button, self.earlier_button, self.later_button):
            row.addWidget(w)
        row.addWidget(self.count)
        return row

    # ------------------------------------------------------------------ load

    def _busy(self, busy: bool) -> None:
        for w in (self.chat_list, self.table, self.search_button, self.show_all_button, self.mark_button,
                  self.unmark_button, self.earlier_button, self.later_button):
            w.setEnabled(not busy)
        if not busy:
            self._update_paging()

    def _guard(self, fn: Callable[[], Any]) -> Any:
        """Run a vault read or mark; a problem is shown in the error dialog, never a traceback."""
        if self.worker.busy or not self.service.is_unlocked:
            return None
        try:
            return fn()
        except EvidenceKitError as e:
            self._show_error(e)
            return None

    def load_chats(self) -> None:
        chats = self._guard(lambda: self.service.chats(self.case_id))
        self.chats = chats or []
        self.chat_model.clear()
        for c in self.chats:
            text = t("{title} — {label}, {n} message(s)", title=safe_text(c.title, 80) or "–",
                     label=safe_text(c.label, 60), n=c.message_count)
            item = QStandardItem(text)
            item.setEditable(False)
            item.setToolTip(tooltip_html(c.title))
            self.chat_model.appendRow(item)
        if self.chats:
            self.chat_list.setCurrentIndex(self.chat_model.index(0, 0))
        else:
            self.model.set_messages([])
            self.chat_info.setText("")
            self.status.setText(t("This case has no imported chats yet. Use Import chat export… to add one."))

    def current_chat(self) -> Any:
        row = self.chat_list.currentIndex().row()
        return self.chats[row] if 0 <= row < len(self.chats) else None

    def show_chat(self) -> None:
        chat = self.current_chat()
        if chat is None:
            return
        zone = chat.zone or tr("chat_zone_unknown", language())
        self.chat_info.setText(t("{label}\n{first} – {last}\nTime zone: {zone}\n{missing} missing attachment(s)",
                                 label=chat.label, first=(chat.first_time or "?").replace("T", " "),
                                 last=(chat.last_time or "?").replace("T", " "),
                                 zone=zone, missing=chat.missing_count))
        self._starts = [0]
        self._searching = False
        self._load_page()

    def _load_page(self) -> None:
        chat = self.current_chat()
        if chat is None:
            return
        msgs = self._guard(lambda: self.service.chat_messages(chat.id, start_seq=self._starts[-1], limit=PAGE))
        self.model.set_messages(msgs or [])
        self._update_paging()

    def _update_paging(self) -> None:
        n = self.model.rowCount()
        self.earlier_button.setEnabled(not self._searching and len(self._starts) > 1 and not self.worker.busy)
        self.later_button.setEnabled(not self._searching and n >= PAGE and not self.worker.busy)
        if self._searching:
            self.count.setText(tr("chat_count", language(), n=n) + (" +" if n >= PAGE else ""))
        elif n:
            first, last = self.model.message(0).seq, self.model.message(n - 1).seq
            self.count.setText(t("No. {first}–{last}", first=first, last=last))
        else:
            self.count.setText("")

    def earlier(self) -> None:
        if len(self._starts) > 1:
            self._starts.pop()
            self._load_page()

    def later(self) -> None:
        n = self.model.rowCount()
        if n:
            self._starts.append(self.model.message(n - 1).seq + 1)
            self._load_page()

    # ---------------------------------------------------------------- search

    def search(self) -> None:
        chat = self.current_chat()
        if chat is None:
            return

        def run() -> list[Any]:
            return self.service.search_messages(
                self.case_id, chat_id=chat.id, sender=self.sender_edit.text().strip() or None,
                date_from=self.from_edit.text().strip() or None, date_to=self.to_edit.text().strip() or None,
                text=self.text_edit.text().strip() or None, marked=True if self.marked_only.isChecked() else None,
                limit=PAGE)

        hits = self._guard(run)
        if hits is None:
            return
        self._searching = True
        self.model.set_messages([m for _c, m in hits])
        self._update_paging()
        self.status.setText(tr("chat_no_match", language()) if not hits else "")

    def show_all(self) -> None:
        for e in (self.sender_edit, self.text_edit, self.from_edit, self.to_edit):
            e.clear()
        self.marked_only.setChecked(False)
        self.show_chat()

    # ------------------------------------------------------------------ mark

    def selected_messages(self) -> list[Any]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.message(r) for r in rows]

    def mark(self, marked: bool) -> list[Any] | None:
        """Mark (or unmark) the selected messages; the vault logs it as one "mark" event."""
        msgs = self.selected_messages()
        if not msgs:
            self.status.setText(t("Select one or more messages first."))
            return None
        note = self.note_edit.text().strip() if marked else ""
        done = self._guard(lambda: self.service.mark_messages(self.case_id, [m.id for m in msgs], marked=marked,
                                                               note=note))
        if done is None:
            return None
        self.model.replace(done)
        key = "chat_marked" if marked else "chat_unmarked"
        self.status.setText(tr(key, language(), n=len(done)))
        return list(done)
