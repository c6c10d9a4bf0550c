"""The detail panel: one item's metadata, its source form, its custody events, its preview."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QImage, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.common.model import POLICY_RECORD_ONLY, CustodyEvent, Item
from .dialogs import plain_box, scrolled
from .display import format_size, format_time, safe_text
from .i18n import language, t
from .models import EventTableModel, exhibit_label, item_display_name, method_label
from .source_form import SourceForm
from .widgets import BlurredPreview, SafeLabel, make_button, monospace, named


def hash_field(name: str) -> QLineEdit:
    """Hashes are shown whole and can be selected and copied; a line edit is plain text."""
    edit = named(QLineEdit(), name)
    edit.setReadOnly(True)
    edit.setFont(monospace())
    # Jargon explained where it first appears (issue 16).
    edit.setToolTip(t("SHA-256: a value the police use to check that a file has not changed since it was collected."))
    return edit


class DetailPanel(QWidget):
    save_source_requested = Signal(str, object, object)  # item id, Source, notes
    reveal_requested = Signal(str)  # item id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item: Item | None = None
        self._busy = False
        self._policy = ""
        # Finds another item of the case (a derived copy's original); set by the workspace.
        self.lookup: Callable[[str], Item | None] = lambda _item_id: None

        self.title = SafeLabel(elide=Qt.TextElideMode.ElideMiddle, data=True)
        f = QFont(self.title.font())
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.title.setFont(f)
        named(self.title, t("Selected item"))

        self.preview = BlurredPreview()
        self.preview.reveal_requested.connect(self._reveal)

        self.tabs = named(QTabWidget(), t("Item information"))
        self.tabs.addTab(scrolled(self._build_details_tab()), t("Details"))
        self.tabs.addTab(self._build_source_tab(), t("Source"))
        self.tabs.addTab(self._build_custody_tab(), t("Custody log"))

        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview)
        split.addWidget(self.tabs)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(split, 1)
        self.show_item(None)

    def _build_details_tab(self) -> QWidget:
        """What is known about the item: names, hashes, times, policy, redaction, EXIF."""
        info = QWidget()
        form = QFormLayout(info)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.f_exhibit = SafeLabel(selectable=True, data=True)
        self.f_name = SafeLabel(selectable=True, elide=Qt.TextElideMode.ElideMiddle, data=True)
        self.f_folder = SafeLabel(selectable=True, elide=Qt.TextElideMode.ElideMiddle, data=True)
        self.f_type = SafeLabel(selectable=True, data=True)
        self.f_size = SafeLabel(selectable=True)
        self.f_sha256 = hash_field("SHA-256")
        self.hash_note = SafeLabel(t("SHA-256: a value the police use to check that a file has not changed since it "
                                     "was collected."), wrap=True)
        self.hash_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.f_md5 = hash_field("MD5")
        self.f_sha1 = hash_field("SHA-1")
        self.f_acquired = SafeLabel(selectable=True, data=True)
        self.f_acquired_utc = SafeLabel(selectable=True, data=True)
        self.f_method = SafeLabel(selectable=True)
        self.f_kept = SafeLabel(selectable=True, wrap=True)
        self.f_policy = SafeLabel(selectable=True, wrap=True)
        self.f_derivation = SafeLabel(selectable=True, wrap=True)
        self.f_stored_sha256 = hash_field(t("SHA-256 of the stored redacted copy"))
        self.f_derived_from = SafeLabel(selectable=True, wrap=True, data=True)
        self.f_picture = SafeLabel(selectable=True, data=True)
        self.f_note = SafeLabel(selectable=True, wrap=True, data=True)
        self.f_exif = plain_box(name=t("Metadata inside the file (EXIF)"), read_only=True, lines=4)
        rows = [
            (t("Exhibit"), self.f_exhibit),
            (t("Original name"), self.f_name),
            (t("Folder"), self.f_folder),
            (t("Type"), self.f_type),
            (t("Size"), self.f_size),
            ("SHA-256", self.f_sha256),
            ("MD5", self.f_md5),
            ("SHA-1", self.f_sha1),
            ("", self.hash_note),
            (t("Acquired (local time)"), self.f_acquired),
            (t("Acquired (UTC)"), self.f_acquired_utc),
            (t("How it was added"), self.f_method),
            (t("Evidence policy"), self.f_policy),
            (t("Original"), self.f_kept),
            (t("Redaction"), self.f_derivation),
            (t("SHA-256 of the stored redacted copy"), self.f_stored_sha256),
            (t("Copy of"), self.f_derived_from),
            (t("Picture"), self.f_picture),
            (t("Metadata note"), self.f_note),
            (t("Metadata inside the file (EXIF)"), self.f_exif),
        ]
        for label, widget in rows:
            if isinstance(widget, SafeLabel):
                named(widget, label or t("About the hashes"))
            form.addRow(label, widget)
        self._form = form
        return info

    def _build_source_tab(self) -> QWidget:
        """Where the person saw it, editable; changes go to the custody log."""
        source_tab = QWidget()
        sl = QVBoxLayout(source_tab)
        self.source_form = SourceForm(with_notes=True)
        self.source_form.changed.connect(self._update_dirty)
        sl.addWidget(scrolled(self.source_form), 1)
        self.source_status = SafeLabel(t("Changes are recorded in the custody log."), wrap=True)
        sl.addWidget(self.source_status)
        row = QHBoxLayout()
        self.revert_button = make_button(t("Undo changes"), self._revert)
        self.save_button = make_button(t("Save source details"), self.save_source)
        row.addStretch(1)
        row.addWidget(self.revert_button)
        row.addWidget(self.save_button)
        sl.addLayout(row)
        return source_tab

    def _build_custody_tab(self) -> QWidget:
        self.events = EventTableModel(self)
        self.events_view = named(QTableView(), t("Custody log of this item"))
        self.events_view.setModel(self.events)
        self.events_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events_view.verticalHeader().setVisible(False)
        self.events_view.horizontalHeader().setStretchLastSection(True)
        self.events_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.events_note = SafeLabel(wrap=True)

        custody_tab = QWidget()
        cl = QVBoxLayout(custody_tab)
        cl.addWidget(self.events_view, 1)
        cl.addWidget(self.events_note)
        return custody_tab

    # ----------------------------------------------------------------- item

    def show_item(self, item: Item | None) -> None:
        """Show ``item`` (the preview starts blurred); None clears the panel."""
        self.item = item
        self.preview.clear()
        self.events.clear()
        self.events_note.setText("")
        enabled = item is not None
        self.tabs.setEnabled(enabled)
        if item is None:
            self.title.setText(t("No item selected"))
            for w in (self.f_exhibit, self.f_name, self.f_folder, self.f_type, self.f_size, self.f_acquired,
                      self.f_acquired_utc, self.f_method, self.f_kept, self.f_picture, self.f_note, self.f_policy,
                      self.f_derivation, self.f_derived_from):
                w.setText("")
            self._show_derivation_rows(None)
            for e in (self.f_sha256, self.f_md5, self.f_sha1, self.f_stored_sha256):
                e.clear()
            self.f_exif.clear()
            self.source_form.clear()
            self._update_dirty()
            return
        self.title.setText(f"{exhibit_label(item)} · {safe_text(item_display_name(item), 300)}")
        # Korean UI: the Korean label alone (issue 16: "증 제2호증 (Exhibit 2)" read as mixed
        # text); English UI: the Korean label too, as the complaint form uses it.
        self.f_exhibit.setText(item.exhibit_label_ko if language() == "ko"
                               else f"{item.exhibit_label_en} ({item.exhibit_label_ko})")
        self.f_name.setText(item.original_name)
        self.f_folder.setText(item.relative_path)
        self.f_type.setText(item.media_type)
        self.f_size.setText(t("{size} ({n} bytes)", size=format_size(item.size), n=f"{item.size:,}"))
        self.f_sha256.setText(item.sha256)
        self.f_md5.setText(item.md5 or t("not computed yet"))
        self.f_sha1.setText(item.sha1 or t("not computed yet"))
        for e in (self.f_sha256, self.f_md5, self.f_sha1):
            e.setCursorPosition(0)  # show a hash from its start
        self.f_acquired.setText(format_time(item.acquired_utc, item.tz_offset))
        self.f_acquired_utc.setText(format_time(item.acquired_utc))
        self.f_method.setText(method_label(item.method))
        self.f_kept.setText(t("Kept in the vault, encrypted") if item.retained
                            else t("Not kept — hashes only"))
        self.f_policy.setText(policy_label(self._policy) if self._policy else "")
        self.f_derivation.setText(derivation_label(item.derivation))
        self.f_stored_sha256.setText(item.stored_sha256 or "")
        self.f_stored_sha256.setCursorPosition(0)
        parent = self.lookup(item.derived_from) if item.derived_from else None
        self.f_derived_from.setText(
            f"{exhibit_label(parent)} · {safe_text(item_display_name(parent), 300)}" if parent
            else (item.derived_from or "")
        )
        self._show_derivation_rows(item)
        img = item.image
        self.f_picture.setText(
            f"{img.get('width')} × {img.get('height')} {img.get('format', '')}".strip() if img.get("width") else ""
        )
        from ..core.common.event_text import image_field_label, metadata_note_text

        self.f_note.setText(metadata_note_text(item.metadata_note, language()))
        self.f_exif.setPlainText("\n".join(f"{safe_text(k, 100)}: {safe_text(v, 500)}" for k, v in item.exif.items()))
        if item.media_type.startswith("video/"):  # issue 23: the container's facts and tags
            from ..core.evidence.video import summary

            self.f_picture.setText(summary(img))
            self.f_exif.setPlainText(
                "\n".join(f"{image_field_label(k, language())}: {safe_text(str(v), 500)}" for k, v in img.items())
            )
        self.source_form.set_source(item.source, item.notes)
        self.source_status.setText(t("Changes are recorded in the custody log."))
        self._update_dirty()

    def set_case_policy(self, policy: str) -> None:
        """The evidence policy of the case the shown items belong to."""
        self._policy = policy
        self.f_policy.setText(policy_label(policy) if policy and self.item is not None else "")

    def _show_derivation_rows(self, item: Item | None) -> None:
        self._form.setRowVisible(self.f_derivation, bool(item and item.derivation))
        self._form.setRowVisible(self.f_stored_sha256, bool(item and item.stored_sha256))
        self._form.setRowVisible(self.f_derived_from, bool(item and item.derived_from))

    def set_events(self, events: list[CustodyEvent]) -> None:
        self.events.set_events(events)
        self.events_note.setText("")

    def set_events_unavailable(self, text: str) -> None:
        self.events.clear()
        self.events_note.setText(text)

    def set_preview_image(self, img: QImage | None, message: str = "") -> None:
        if img is None:
            self.preview.clear(message)
        else:
            self.preview.set_image(img)

    def _reveal(self) -> None:
        if self.item is not None and not self._busy:
            self.reveal_requested.emit(self.item.id)

    def conceal(self) -> None:
        self.preview.conceal()

    # --------------------------------------------------------------- source

    def source_dirty(self) -> bool:
        if self.item is None:
            return False
        notes = self.source_form.notes_text()
        return self.source_form.source() != self.item.source or (notes is not None and notes != self.item.notes)

    def _update_dirty(self) -> None:
        dirty = self.source_dirty()
        self.save_button.setEnabled(dirty and not self._busy)
        self.revert_button.setEnabled(dirty)

    def save_source(self) -> None:
        if self.item is not None and self.source_dirty() and not self._busy:
            self.save_source_requested.emit(self.item.id, self.source_form.source(), self.source_form.notes_text())

    def source_saved(self, item: Item) -> None:
        self.item = item
        self.source_form.set_source(item.source, item.notes)
        self.source_status.setText(t("Saved. The change is recorded in the custody log."))
        self._update_dirty()

    def _revert(self) -> None:
        if self.item is not None:
            self.source_form.set_source(self.item.source, self.item.notes)
            self._update_dirty()

    def set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.preview.button.setEnabled(not busy and self.preview.has_image)
        self._update_dirty()



def policy_label(policy: str) -> str:
    """The case's evidence policy in words (short: the case header and the detail panel)."""
    if policy == POLICY_RECORD_ONLY:
        return t("Record only — originals are not stored")
    return t("Keeps originals")


def derivation_label(derivation: str) -> str:
    """How a stored redacted image was made (core.vault writes "blacked-out: N region(s)" or
    "pixelated: N blocks"); other values are shown as they are."""
    kind, _, rest = derivation.partition(":")
    n = rest.strip().split(" ", 1)[0]
    if kind == "blacked-out" and n.isdigit():
        return t("{n} area(s) blacked out; the rest kept as it was", n=n)
    if kind == "pixelated" and n.isdigit():
        return t("The whole picture pixelated ({n} blocks across), beyond recognition", n=n)
    return derivation
