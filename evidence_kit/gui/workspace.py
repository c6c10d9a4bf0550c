"""The open vault: cases, the evidence table, the detail panel, imports and their progress."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QItemSelection, QMimeData, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QImage,
    QKeySequence,
    QPalette,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import CancelledError, EvidenceKitError
from ..core.common.guidance import Guidance, load_guidance
from ..core.common.i18n import tr
from ..core.common.model import METHOD_PASTE, POLICY_RECORD_ONLY, AddResult, Item, ItemInput, Source, default_policy
from ..core.evidence.redact import Rect
from ..core.service import EvidenceService, ImportSummary
from ..core.vault.vault import VerifyResult, alert_text
from .detail import DetailPanel, policy_label
from .dialogs import CaseDialog, ImportDialog, MessageDialog, choose_files, choose_folder
from .display import format_size
from .i18n import language, t
from .models import ITEM_ROLE, ItemFilterProxy, ItemTableModel, exhibit_label
from .redact_dialog import RedactDialog
from .widgets import SafeLabel, decode_image, make_button, named
from .worker import Job, JobContext, Worker

log = logging.getLogger(__name__)

PREVIEW_LIMIT = 64 * 1024 * 1024  # bigger images are not decoded for a preview
PREVIEW_DELAY_MS = 120  # arrowing through the list does not decrypt every item on the way


class WorkspacePage(QWidget):
    def __init__(
        self,
        service: EvidenceService,
        worker: Worker,
        *,
        show_error: Callable[[BaseException], None],
        open_dialog: Callable[[QDialog], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.worker = worker
        self._show_error = show_error
        self._open_dialog = open_dialog
        self._job: Job | None = None
        self._progress_items = False
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._load_preview)
        self.setAcceptDrops(True)

        # -- top: case and import actions
        self.case_combo = named(QComboBox(), t("Case"))
        self.case_combo.setProperty("untrusted", True)  # case names are the user's words
        self.case_combo.setMinimumContentsLength(16)
        self.case_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.case_combo.currentIndexChanged.connect(self._case_changed)
        self.new_case_button = make_button(t("New case"), self.new_case)
        self.case_details_button = make_button(t("Case details"), self.edit_case)
        self.import_files_button = make_button(t("Import files"), self.import_files)
        self.import_folder_button = make_button(t("Import a folder"), self.import_folder)
        self.paste_button = make_button(t("Paste an image"), self.paste_image)
        self.redact_copy_button = make_button(t("Make a redacted copy…"), self.make_redacted_copy)
        self.redact_copy_button.setToolTip(t("A copy of the selected picture with areas blacked out or pixelated, "
                                             "for a school or family; the original stays sealed."))
        self.policy_label = named(SafeLabel(), t("Evidence policy"))
        self.redact_dialog: RedactDialog | None = None  # the one open now (tests look at it)
        # Two rows (issue 16): one long row made the window ~930 px wide at least, so at 200 %
        # the police buttons fell off a 1600x1000 screen.
        case_row = QHBoxLayout()
        case_label = QLabel(t("Case:"))
        case_label.setBuddy(self.case_combo)
        case_row.addWidget(case_label)
        case_row.addWidget(self.case_combo, 1)
        case_row.addWidget(self.policy_label, 1)
        case_row.addWidget(self.new_case_button)
        case_row.addWidget(self.case_details_button)
        top = QHBoxLayout()
        top.addWidget(self.import_files_button)
        top.addWidget(self.import_folder_button)
        top.addWidget(self.paste_button)
        top.addWidget(self.redact_copy_button)
        top.addStretch(1)
        self._top = top
        self.guidance = GuidancePanel()
        self.victim_guidance = GuidancePanel(audience="victim")
        self.victim_guidance.toggle.setChecked(False)  # calm: one line until the person opens it
        self.police_button: QPushButton | None = None

        # -- left: filter and table
        self.filter = named(QLineEdit(), t("Search the evidence list"))
        self.filter.setPlaceholderText(t("Search names, hashes, platforms, accounts…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAcceptDrops(False)
        self.count = SafeLabel()
        self.model = ItemTableModel(self)
        self.proxy = ItemFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self._filter_changed)
        self.table = named(QTableView(), t("Evidence list"))
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        fm = self.fontMetrics()
        for col, sample in ((0, "증 제000호증"), (2, "0" * 16), (3, "000.0 MB"), (4, "0000-00-00 00:00"),
                            (5, "X/Twitter")):
            self.table.setColumnWidth(col, fm.horizontalAdvance(sample) + 24)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        paste_here = QShortcut(QKeySequence(QKeySequence.StandardKey.Paste), self.table)
        paste_here.setContext(Qt.ShortcutContext.WidgetShortcut)
        paste_here.activated.connect(self.paste_image)
        self.empty = SafeLabel(wrap=True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        named(self.empty, t("Evidence list"))
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.empty)
        self.list_stack.addWidget(self.table)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        fr = QHBoxLayout()
        fr.addWidget(self.filter, 1)
        fr.addWidget(self.count)
        ll.addLayout(fr)
        ll.addWidget(self.list_stack, 1)

        # -- right: detail
        self.detail = DetailPanel()
        self.detail.lookup = self._item_by_id
        self.detail.save_source_requested.connect(self.save_source)
        self.detail.reveal_requested.connect(self.reveal)
        save = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self.detail)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.detail.save_source)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 1)
        split.setSizes([620, 560])
        split.setChildrenCollapsible(False)
        left.setMinimumWidth(160)
        self.detail.setMinimumWidth(160)

        # -- bottom: job progress and status
        self.job_label = SafeLabel()
        self.progress = named(QProgressBar(), t("Progress"))
        self.progress.setRange(0, 1000)
        self.cancel_button = make_button(t("Cancel"), self.cancel_job)
        self.job_bar = QWidget()
        jb = QHBoxLayout(self.job_bar)
        jb.setContentsMargins(0, 0, 0, 0)
        jb.addWidget(self.job_label, 2)
        jb.addWidget(self.progress, 3)
        jb.addWidget(self.cancel_button)
        self.job_bar.setVisible(False)
        self.status = SafeLabel(wrap=True)
        named(self.status, t("Status"))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)  # every pixel counts at 200 %
        lay.setSpacing(4)
        lay.addLayout(case_row)
        lay.addLayout(top)
        lay.addWidget(self.guidance)
        lay.addWidget(self.victim_guidance)
        lay.addWidget(split, 1)
        lay.addWidget(self.job_bar)
        lay.addWidget(self.status)

        self.worker.busy_changed.connect(self.set_busy)
        self._update_actions()

    def add_police_menu(self, actions: list[QAction]) -> None:
        """A "For the police" button with the report and export actions (when the service has them)."""
        if self.police_button is None:
            self.police_button = make_button(t("For the police"))
            self._top.addSpacing(16)
            self._top.addWidget(self.police_button)
        menu = QMenu(self.police_button)
        for a in actions:
            menu.addAction(a)
        old = self.police_button.menu()
        self.police_button.setMenu(menu)  # the menus were rebuilt: replace, never add a second button
        if old is not None:
            old.deleteLater()
        self._update_actions()

    # ------------------------------------------------------------------ cases

    @property
    def case_id(self) -> str | None:
        data = self.case_combo.currentData()
        return str(data) if data else None

    def load(self, select_case: str | None = None) -> None:
        """Fill the case list from the vault (after unlocking, or after a case changed)."""
        cases = self.service.cases()
        current = select_case or self.case_id
        self.case_combo.blockSignals(True)
        self.case_combo.clear()
        for c in cases:
            self.case_combo.addItem(c.name, c.id)
        idx = self.case_combo.findData(current) if current else -1
        self.case_combo.setCurrentIndex(idx if idx >= 0 else (0 if cases else -1))
        self.case_combo.blockSignals(False)
        self._case_changed()

    def clear(self) -> None:
        """Forget everything shown (the vault is being locked)."""
        self._preview_timer.stop()
        self.case_combo.blockSignals(True)
        self.case_combo.clear()
        self.case_combo.blockSignals(False)
        self.model.clear()
        self.detail.show_item(None)
        self._show_policy()
        self.filter.clear()
        self.status.setText("")
        self.job_bar.setVisible(False)
        self._job = None

    def _case_changed(self, _index: int = -1) -> None:
        self.save_pending()
        self.detail.show_item(None)
        self._show_policy()
        self.refresh_items()

    def _show_policy(self) -> None:
        """The case's evidence policy in the header, the detail panel and (for counselors) the guidance."""
        case = None
        if self.case_id and self.service.is_unlocked:
            try:
                case = self.service.vault.get_case(self.case_id)
            except EvidenceKitError as e:
                log.info("case unavailable: %s", type(e).__name__)
        self.policy_label.setText(policy_label(case.policy) if case else "")
        self.detail.set_case_policy(case.policy if case else "")
        counselor = case is not None and (case.policy == POLICY_RECORD_ONLY or case.role == "counselor")
        self.guidance.setVisible(counselor and self.guidance.loaded)
        self.victim_guidance.setVisible(case is not None and not counselor and self.victim_guidance.loaded)

    def _item_by_id(self, item_id: str) -> Item | None:
        return next((i for i in self.model.items() if i.id == item_id), None)

    def refresh_items(self, select_id: str | None = None) -> None:
        case_id = self.case_id
        try:
            items = self.service.items(case_id) if case_id else []
        except EvidenceKitError as e:
            self._show_error(e)
            items = []
        self.model.set_items(items)
        if select_id:
            self.select_item(select_id)
        self._update_actions()

    def new_case(self) -> None:
        role = str(self.service.vault.get_setting("role", "victim")) if self.service.is_unlocked else "victim"
        dlg = CaseDialog(self, default_policy=default_policy(role))
        dlg.accepted.connect(lambda: self._create_case(dlg))
        self._open_dialog(dlg)

    def _create_case(self, dlg: CaseDialog) -> None:
        fields = dlg.changes()
        name = fields.pop("name", "")
        try:
            case = self.service.create_case(name, **fields)
        except EvidenceKitError as e:
            self._show_error(e)
            return
        self.load(select_case=case.id)
        self.status.setText(t("Case created. You can now import evidence into it."))

    def edit_case(self) -> CaseDialog | None:
        if not self.case_id:
            return None
        try:
            case = self.service.vault.get_case(self.case_id)
        except EvidenceKitError as e:
            self._show_error(e)
            return None
        dlg = CaseDialog(self, case)
        dlg.accepted.connect(lambda: self._update_case(dlg))
        self._open_dialog(dlg)
        return dlg

    def _update_case(self, dlg: CaseDialog) -> None:
        assert dlg.case is not None
        changes = dlg.changes()
        if not changes:
            return
        policy = changes.pop("policy", None)
        try:
            case = dlg.case
            if changes:
                case = self.service.update_case(dlg.case.id, **changes)
            if policy is not None:  # on its own, so the custody log records it as a policy change
                case = self.service.update_case(dlg.case.id, policy=policy)
        except EvidenceKitError as e:
            self._show_error(e)
            return
        idx = self.case_combo.findData(case.id)
        if idx >= 0:
            self.case_combo.setItemText(idx, case.name)
        self._show_policy()
        self._update_actions()
        self.status.setText(t("Case details saved. The change is recorded in the custody log."))

    # ------------------------------------------------------------------ items

    def selected_item(self) -> Item | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.proxy.data(rows[0], ITEM_ROLE)
        return item if isinstance(item, Item) else None

    def select_item(self, item_id: str) -> None:
        row = self.model.row_of(item_id)
        if row < 0:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        if idx.isValid():
            self.table.selectRow(idx.row())
            self.table.scrollTo(idx)

    def _filter_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_count()

    def _selection_changed(self, _sel: QItemSelection | None = None, _desel: QItemSelection | None = None) -> None:
        item = self.selected_item()
        if self.detail.item is not None and (item is None or item.id != self.detail.item.id):
            self.save_pending()  # typed source details are not lost by clicking elsewhere
        self.detail.show_item(item)  # the preview is blurred again for every selection
        self._preview_timer.stop()
        self._update_actions()
        if item is None:
            return
        self._load_events(item)
        self._preview_timer.start()

    def _load_events(self, item: Item) -> None:
        if self.worker.busy:
            self.detail.set_events_unavailable(t("The custody log is shown when the current task has finished."))
            return
        try:
            self.detail.set_events(self.service.item_events(item.id))
        except EvidenceKitError as e:
            self.detail.set_events_unavailable(e.message(language()))

    def _load_preview(self) -> None:
        """Decrypt the selected picture in memory and show it blurred; nothing is written anywhere.

        This is not logged as a view: nobody can see the picture until they reveal it,
        and revealing reads it again through the logged path.
        """
        item = self.detail.item
        if item is None or not self.service.is_unlocked:
            return
        # A record-only image has its redacted version in the vault (stored_sha256): that is
        # what is shown, still blurred until revealed.
        has_picture = item.retained or item.stored_sha256 is not None
        if item.media_type.startswith("video/") and item.retained and not self.worker.busy:
            self._load_video_preview(item)
            return
        if not item.media_type.startswith("image/") or not has_picture:
            self.detail.set_preview_image(
                None, t("Original not kept: only its hashes were recorded.") if not item.retained
                else t("No preview for this kind of file.")
            )
            return
        if (item.stored_size or item.size) > PREVIEW_LIMIT:
            self.detail.set_preview_image(None, t("This picture is too large to preview here."))
            return
        if self.worker.busy:
            self.detail.set_preview_image(None, t("The preview is shown when the current task has finished."))
            return
        try:
            data = self.service.vault.read_item_bytes(item.id, limit=PREVIEW_LIMIT, log_view=False)
        except EvidenceKitError as e:
            self.detail.set_preview_image(None, e.message(language()))
            return
        img = decode_image(data)
        del data
        self.detail.set_preview_image(img, "" if img else t("No preview for this kind of file."))

    def _video_sheet(self, item_id: str, *, log_view: bool) -> QImage | None:
        """A video's key frames tiled into one picture, decoded in memory (issue 23)."""
        from ..core.evidence import video

        vault = self.service.vault
        # A seekable view of the sealed copy (SHA-256 checked first), never the whole video in memory.
        with vault.open_item_stream(item_id) as f:
            sheet = video.sheet_png(f)
        if log_view:
            item = vault.get_item(item_id)
            vault.log_event("view", case_id=item.case_id, item_id=item.id, data={"exhibit": item.exhibit})
        return decode_image(sheet) if sheet else None

    def _load_video_preview(self, item: Item) -> None:
        try:
            img = self._video_sheet(item.id, log_view=False)  # not a view: shown blurred only
        except EvidenceKitError as e:
            self.detail.set_preview_image(None, e.message(language()))
            return
        self.detail.set_preview_image(img, "" if img else t("No preview for this kind of file."))

    def reveal(self, item_id: str) -> None:
        """The person chose to see it: read it again through the vault's logged path."""
        if self.worker.busy or not self.service.is_unlocked:
            return
        try:
            is_video = self.detail.item is not None and self.detail.item.media_type.startswith("video/")
            if is_video:
                img = self._video_sheet(item_id, log_view=True)
            else:
                data = self.service.vault.read_item_bytes(item_id, limit=PREVIEW_LIMIT)
        except EvidenceKitError as e:
            self._show_error(e)
            return
        if not is_video:
            img = decode_image(data)
            del data
        if img is None or self.detail.item is None or self.detail.item.id != item_id:
            return
        self.detail.preview.show_revealed(img)
        self._load_events(self.detail.item)

    def save_source(self, item_id: str, source: Source, notes: str | None) -> None:
        try:
            item = self.service.update_source(item_id, source, notes)
        except EvidenceKitError as e:
            self._show_error(e)
            return
        self.model.replace_item(item)
        if self.detail.item is not None and self.detail.item.id == item.id:
            self.detail.source_saved(item)
            self._load_events(item)

    def save_pending(self) -> None:
        """Save source details typed but not saved yet (leaving the item, switching case, locking)."""
        item = self.detail.item
        if item is None or not self.detail.source_dirty() or self.worker.busy or not self.service.is_unlocked:
            return
        self.save_source(item.id, self.detail.source_form.source(), self.detail.source_form.notes_text())

    # ----------------------------------------------------------------- import

    def import_files(self) -> None:
        if self._can_import():
            paths = choose_files(self, t("Choose files to import"))
            if paths and self.service.is_unlocked:
                self.ask_and_import(paths)

    def import_folder(self) -> None:
        if self._can_import():
            path = choose_folder(self, t("Choose a folder to import"))
            if path and self.service.is_unlocked:
                self.ask_and_import([path])

    def _can_import(self) -> bool:
        if self.worker.busy or not self.service.is_unlocked:
            return False
        if not self.case_id:
            self.status.setText(t("Create a case first: evidence is kept in a case."))
            return False
        return True

    def ask_and_import(self, paths: list[Path]) -> ImportDialog | None:
        """Ask (optionally) where the files came from, then import them on the worker."""
        if not self._can_import():
            return None
        dlg = ImportDialog(self, paths)
        dlg.accepted.connect(lambda: self.import_chosen(paths, dlg.source()))
        self._open_dialog(dlg)
        return dlg

    def import_chosen(self, paths: list[Path], source: Source) -> Job | None:
        """Import now; in a record-only case first ask, picture by picture, what to black out
        (issue 16: a chat screenshot's accounts and times are the proof, so pixelating it all
        is one choice, not the silent default)."""
        case_id = self.case_id
        if case_id is None or self.worker.busy or not self.service.is_unlocked:
            return None
        try:
            images = self.service.record_only_images(paths) if self.service.is_record_only(case_id) else []
        except EvidenceKitError as e:
            self._show_error(e)
            return None
        if not images:
            return self.start_import(paths, source)
        self._ask_regions(case_id, paths, source, images, {})
        return None

    def _ask_regions(self, case_id: str, paths: list[Path], source: Source, images: list[Path],
                     chosen: dict[str, list[Rect]]) -> None:
        if len(chosen) >= len(images):
            self.start_import(paths, source, regions=chosen)
            return
        path = images[len(chosen)]
        try:
            data = path.read_bytes()  # in memory only; the vault reads the file again when it seals it
        except OSError:
            chosen[str(path)] = []  # the import reports the unreadable file itself
            self._ask_regions(case_id, paths, source, images, chosen)
            return
        svc = self.service

        def log_view() -> None:
            svc.vault.log_event("view", case_id=case_id, data={"file": path.name, "stage": "before-recording"})

        dlg = RedactDialog(self, data, record_only=True, log_view=log_view,
                           remaining=len(images) - len(chosen) - 1, name=path.name)
        del data
        dlg.take_data()
        self.redact_dialog = dlg

        def done(result: int) -> None:
            if self.redact_dialog is dlg:
                self.redact_dialog = None
            if result != QDialog.DialogCode.Accepted or not svc.is_unlocked or self.case_id != case_id:
                self.status.setText(t("Nothing was imported."))
                return
            chosen[str(path)] = dlg.rects()
            if dlg.apply_to_rest():
                for rest in images[len(chosen):]:
                    chosen[str(rest)] = dlg.rects()
            self._ask_regions(case_id, paths, source, images, chosen)

        dlg.finished.connect(done)
        self._open_dialog(dlg)

    def start_import(self, paths: list[Path], source: Source,
                     regions: dict[str, list[Rect]] | None = None) -> Job | None:
        case_id = self.case_id
        if case_id is None or self.worker.busy:
            return None
        svc = self.service

        def run(ctx: JobContext) -> ImportSummary:
            return svc.import_paths(case_id, paths, source, progress=ctx.progress, cancel=ctx.cancelled,
                                    on_item=ctx.emit, regions=regions)

        self._progress_items = False
        job = self.worker.start(run, name="import", on_done=self._import_done, on_error=self._job_failed,
                                on_progress=self._progress, on_item=self._import_item)
        self._show_job(job, t("Importing… Items are saved one by one; cancelling keeps those already saved."))
        return job

    def _import_item(self, res: AddResult) -> None:
        self.model.add_item(res.item)
        self._update_count()

    def _import_done(self, summary: ImportSummary) -> None:
        self._job_finished()
        lang = language()
        text = tr("import_summary", lang, added=len(summary.added), duplicates=len(summary.duplicates),
                  failed=len(summary.problems))
        self.status.setText(text)
        if summary.added:
            self.refresh_items(select_id=summary.added[-1].id)
        if summary.duplicates or summary.problems:
            lines = [tr("duplicate", lang, name=name, exhibit=exhibit_label(item)) for name, item in summary.duplicates]
            lines += [tr("skipped", lang, name=p.path, reason=p.error.message(lang)) for p in summary.problems]
            self._open_dialog(MessageDialog(self, t("Import finished"), text, "\n".join(lines), show_details=True))

    def paste_image(self) -> AddResult | None:
        """Import the picture on the clipboard; its bytes stay in memory until sealed."""
        if not self._can_import():
            return None
        return self.import_mime(QGuiApplication.clipboard().mimeData(), "pasted")

    def import_mime(self, mime: QMimeData | None, prefix: str) -> AddResult | None:
        case_id = self.case_id
        if case_id is None:
            return None
        data, how = b"", ""
        if mime is not None and mime.hasFormat("image/png"):
            data, how = bytes(mime.data("image/png").data()), "PNG bytes as copied"
        elif mime is not None and mime.hasImage():
            img = QImage(mime.imageData())
            if not img.isNull():
                data, how = png_bytes(img), "converted to PNG by the app"
        if not data:
            self.status.setText(t("There is no picture on the clipboard. Copy a picture first, then paste it."))
            return None
        name = f"{prefix}-{datetime.now():%Y%m%d-%H%M%S}.png"
        info = ItemInput(name=name, method=METHOD_PASTE, capture={"clipboard": how})
        try:
            record_only = self.service.is_record_only(case_id)
        except EvidenceKitError as e:
            self._show_error(e)
            return None
        if record_only:
            # Only a redacted version will be stored: the person chooses what to hide first.
            # The original stays in this closure (memory) until the dialog closes.
            svc = self.service

            def log_view() -> None:
                svc.vault.log_event("view", case_id=case_id, data={"file": name, "stage": "before-recording"})

            dlg = RedactDialog(self, data, record_only=True, log_view=log_view)
            del data
            self.redact_dialog = dlg
            dlg.finished.connect(lambda result: self._record_only_chosen(dlg, result, case_id, info))
            self._open_dialog(dlg)
            return None
        return self._store_bytes(case_id, data, info)

    def _record_only_chosen(self, dlg: RedactDialog, result: int, case_id: str, info: ItemInput) -> None:
        if self.redact_dialog is dlg:
            self.redact_dialog = None
        data = dlg.take_data()
        if result != QDialog.DialogCode.Accepted or not self.service.is_unlocked or self.case_id != case_id:
            self.status.setText(t("Nothing was saved."))
            return
        self._store_bytes(case_id, data, info, dlg.rects())

    def _store_bytes(self, case_id: str, data: bytes, info: ItemInput, regions: list[Rect] | None = None
                     ) -> AddResult | None:
        name = info.name
        try:
            res = self.service.import_bytes(case_id, data, info, regions=regions or ())
        except EvidenceKitError as e:
            self._show_error(e)
            return None
        del data
        self.refresh_items(select_id=res.item.id)
        if res.duplicate:
            self.status.setText(tr("duplicate", language(), name=name, exhibit=exhibit_label(res.item)))
        else:
            self.status.setText(t("Picture saved as {exhibit}. You can add where it came from under Source.",
                                  exhibit=exhibit_label(res.item)))
            self.detail.tabs.setCurrentIndex(1)
        return res

    # ------------------------------------------------------- redacted copies

    def _can_copy(self, item: Item | None) -> bool:
        return (item is not None and item.retained and item.media_type.startswith("image/")
                and item.derived_from is None and not self._record_only_case())

    def _record_only_case(self) -> bool:
        try:
            return bool(self.case_id) and self.service.is_unlocked and self.service.is_record_only(self.case_id or "")
        except EvidenceKitError:
            return False

    def make_redacted_copy(self) -> RedactDialog | None:
        """Choose areas on the selected picture; the copy is made on the worker and linked to it."""
        item = self.selected_item()
        if self.worker.busy or not self.service.is_unlocked or item is None or not self._can_copy(item):
            return None
        try:  # shown blurred: a view is logged only if the person chooses to see it clearly
            data = self.service.vault.read_item_bytes(item.id, limit=PREVIEW_LIMIT, log_view=False)
        except EvidenceKitError as e:
            self._show_error(e)
            return None
        svc = self.service

        def log_view() -> None:
            svc.vault.log_event("view", case_id=item.case_id, item_id=item.id, data={"exhibit": item.exhibit})

        dlg = RedactDialog(self, data, record_only=False, log_view=log_view)
        del data
        dlg.take_data()  # the vault reads the original again when it makes the copy
        self.redact_dialog = dlg
        dlg.accepted.connect(lambda: self._start_copy(item.id, dlg.rects()))
        dlg.finished.connect(lambda _r: self._forget_redact_dialog(dlg))
        self._open_dialog(dlg)
        return dlg

    def _forget_redact_dialog(self, dlg: RedactDialog) -> None:
        if self.redact_dialog is dlg:
            self.redact_dialog = None

    def _start_copy(self, item_id: str, rects: list[Rect]) -> Job | None:
        svc = self.service

        def run(_ctx: JobContext) -> AddResult:
            res = svc.vault.derive_redacted_copy(item_id, regions=rects)
            svc.vault.flush()
            return res

        return self.run_job(run, t("Making the redacted copy…"), self._copy_done)

    def _copy_done(self, res: AddResult) -> None:
        self.refresh_items(select_id=res.item.id)
        self.status.setText(t("Redacted copy saved as {exhibit}, linked to its original.",
                              exhibit=exhibit_label(res.item)))

    # ------------------------------------------------------------ drag & drop

    def _drop_ok(self, mime: QMimeData) -> bool:
        if self.worker.busy or not self.case_id or not self.service.is_unlocked:
            return False
        return any(u.isLocalFile() for u in mime.urls()) or mime.hasImage()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._drop_ok(event.mimeData()):
            event.acceptProposedAction()
            self.status.setText(t("Drop to import into this case."))
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._drop_ok(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if not self._drop_ok(mime):
            event.ignore()
            return
        event.acceptProposedAction()
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        if paths:
            self.ask_and_import(paths)
        elif mime.hasImage():
            self.import_mime(mime, "dropped")

    # ----------------------------------------------------------------- verify

    def verify_vault(self) -> Job | None:
        if self.worker.busy or not self.service.is_unlocked:
            return None
        svc = self.service

        def run(ctx: JobContext) -> VerifyResult:
            return svc.verify_vault(progress=ctx.progress, cancel=ctx.cancelled)

        self._progress_items = False
        job = self.worker.start(run, name="verify", on_done=self._verify_done, on_error=self._job_failed,
                                on_progress=self._progress)
        self._show_job(job, t("Checking every item against its SHA-256 and the custody log…"))
        return job

    def _verify_done(self, res: VerifyResult) -> None:
        self._job_finished()
        lang = language()
        if res.ok:
            text = tr("verify_ok", lang, items=res.items_checked, events=res.log_size)
        else:
            text = tr("verify_fail", lang, n=len(res.problems))
        self.status.setText(text)
        details = "\n".join(alert_text(p, lang) for p in [*res.problems, *res.warnings])
        self._open_dialog(MessageDialog(self, t("Integrity check"), text, details, show_details=bool(details)))

    # ------------------------------------------------------------------- jobs

    def run_job(self, fn: Callable[[JobContext], Any], label: str, on_done: Callable[[Any], None], *,
                counts_items: bool = False) -> Job | None:
        """Run another long task (report, export) with the same progress bar and Cancel button;
        ``counts_items``: its progress counts exhibits and pages, not bytes."""
        if self.worker.busy or not self.service.is_unlocked:
            return None
        self._progress_items = counts_items

        def done(result: Any) -> None:
            self._job_finished()
            on_done(result)

        job = self.worker.start(fn, name="task", on_done=done, on_error=self._job_failed, on_progress=self._progress)
        self._show_job(job, label)
        return job

    def _show_job(self, job: Job, label: str) -> None:
        self._job = job
        self.job_label.setText(label)
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.cancel_button.setEnabled(True)
        self.cancel_button.setText(t("Cancel"))
        self.job_bar.setVisible(True)
        self.status.setText("")

    def _progress(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.progress.setRange(0, 1000)
        self.progress.setValue(min(1000, done * 1000 // total))
        if self._progress_items:  # report/export count exhibits, not bytes (issue 16: "6 B / 6 B")
            self.progress.setFormat("%p%  " + t("({done} of {total})", done=done, total=total))
        else:
            self.progress.setFormat(f"%p%  ({format_size(done)} / {format_size(total)})")

    def cancel_job(self) -> None:
        if self._job is not None:
            self._job.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText(t("Cancelling…"))

    def _job_failed(self, error: Exception) -> None:
        self._job_finished()
        if isinstance(error, CancelledError):
            self.status.setText(error.message(language()))
        else:
            self._show_error(error)
        if self.service.is_unlocked:
            selected = self.detail.item.id if self.detail.item else None
            self.refresh_items(select_id=selected)

    def _job_finished(self) -> None:
        self._job = None
        self.job_bar.setVisible(False)

    def set_busy(self, busy: bool) -> None:
        self._update_actions()
        self.detail.set_busy(busy)
        if not busy and self.detail.item is not None and self.service.is_unlocked:
            self._load_events(self.detail.item)
            if not self.detail.preview.has_image:
                self._preview_timer.start()

    def _update_actions(self) -> None:
        idle = not self.worker.busy
        has_case = self.case_id is not None
        self.case_combo.setEnabled(idle and self.case_combo.count() > 0)
        self.new_case_button.setEnabled(idle)
        self.case_details_button.setEnabled(idle and has_case)
        for b in (self.import_files_button, self.import_folder_button, self.paste_button, self.police_button):
            if b is not None:
                b.setEnabled(idle and has_case)
        self.redact_copy_button.setEnabled(idle and has_case and self._can_copy(self.selected_item()))
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count.setText(t("{n} item(s)", n=total) if shown == total else t("{shown} of {n}", shown=shown, n=total))
        if not self.case_id:
            self.empty.setText(t("Create a case to begin. A case keeps together everything about one incident."))
            self.list_stack.setCurrentWidget(self.empty)
        elif total == 0:
            self.empty.setText(t("No evidence in this case yet. Drag files here, or use Import files."))
            self.list_stack.setCurrentWidget(self.empty)
        else:
            self.list_stack.setCurrentWidget(self.table)


def png_bytes(img: QImage) -> bytes:
    """Encode a picture as PNG in memory (never a temporary file)."""
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")  # type: ignore[call-overload]  # the stub says bytes; PySide6 wants str
    buf.close()
    return bytes(ba.data())


class GuidancePanel(QWidget):
    """What a counselor should do now, from ``resources/guidance.json`` (core.guidance):
    each statement in the app's language with the other language and its source below it."""

    def __init__(self, parent: QWidget | None = None, *, audience: str = "counselor") -> None:
        super().__init__(parent)
        self.toggle = named(QToolButton(), t("What to do now (guidance for counselors)") if audience == "counselor"
                            else t("What you can do now"))
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.toggled.connect(self._toggled)
        self.body = QWidget()
        self.body.setObjectName("guidanceBody")
        self.body.setStyleSheet("#guidanceBody { border: 1px solid palette(mid); border-radius: 4px; }")
        self.statements: list[tuple[SafeLabel, SafeLabel]] = []
        self.guidance: Guidance | None = None
        try:
            self.guidance = load_guidance(audience=audience)
        except EvidenceKitError as e:
            log.warning("counselor guidance unavailable: %s", e)
        bl = QVBoxLayout(self.body)
        bl.setContentsMargins(8, 6, 8, 6)
        bl.setSpacing(2)
        lang = language()
        self.toggle.setText(self.guidance.title(lang) if self.guidance else "")
        for st in self.guidance.statements if self.guidance else ():
            # The texts carry both languages themselves (not the ko.json catalogue): data labels.
            main = SafeLabel("• " + st.text(lang), wrap=True, data=True)
            f = main.font()
            f.setBold(True)
            main.setFont(f)
            # Only the app's language (issue 16: grey English under Korean read as noise); the
            # source stays, small, so the statement can be checked.
            sub = SafeLabel(f"{t('Source:')} {st.source}", wrap=True, data=True)
            sf = sub.font()
            sf.setPointSizeF(sf.pointSizeF() * 0.85)
            sub.setFont(sf)
            sub.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            sub.setContentsMargins(12, 0, 0, 4)
            bl.addWidget(main)
            bl.addWidget(sub)
            self.statements.append((main, sub))
        # The statements scroll inside a box of limited height, so that at 200 % they do not
        # push the evidence list off the screen (issue 16); the toggle folds them away.
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.area.setWidget(self.body)
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setMaximumHeight(self.fontMetrics().height() * 8)
        # Two lines, not three: with the backup reminder below, the window still fits 800x500 logical px.
        self.area.setMinimumHeight(self.fontMetrics().height() * 2)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.toggle)
        lay.addWidget(self.area)
        self.setVisible(False)

    @property
    def loaded(self) -> bool:
        return self.guidance is not None

    def _toggled(self, shown: bool) -> None:
        self.area.setVisible(shown)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow)
