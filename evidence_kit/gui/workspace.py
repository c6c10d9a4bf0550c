"""The open vault: cases, the evidence table, the detail panel, imports and their progress.

This module builds the page and keeps the case and the selection; what the buttons do
lives in the mixins it is made of (:mod:`.import_actions`, :mod:`.item_actions`,
:mod:`.job_actions`), the guidance panel in :mod:`.guidance`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QShortcut
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
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import EvidenceKitError
from ..core.common.model import POLICY_RECORD_ONLY, Item, default_policy
from ..core.service import EvidenceService
from .case_dialog import CaseDialog
from .chat_actions import ChatActions
from .detail import DetailPanel, policy_label
from .guidance import GuidancePanel
from .i18n import t
from .import_actions import ImportActions
from .item_actions import ItemActions
from .job_actions import JobActions
from .models import ITEM_ROLE, ItemFilterProxy, ItemTableModel
from .redact_dialog import RedactDialog
from .widgets import SafeLabel, make_button, named
from .worker import Job, Worker

log = logging.getLogger(__name__)

PREVIEW_DELAY_MS = 120  # arrowing through the list does not decrypt every item on the way
SHORT_SCREEN = 450  # logical px: 1366x768 at 200 % is 384 high


class WorkspacePage(ImportActions, ChatActions, ItemActions, JobActions, QWidget):
    """The open vault. Its actions live in the mixins beside it: :mod:`.import_actions`,
    :mod:`.item_actions` (preview, reveal, source, redacted copies) and :mod:`.job_actions`."""

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
        # (files done, files in all) of the running import: set by the import job's thread, read
        # when its byte progress arrives, so the bar says "312 / 1,000 files · 1.2 / 3.9 GB"
        self._import_files: tuple[int, int] | None = None
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DELAY_MS)
        self._preview_timer.timeout.connect(self._load_preview)
        self.setAcceptDrops(True)
        self.redact_dialog: RedactDialog | None = None  # the one open now (tests look at it)
        self.police_button: QPushButton | None = None

        case_row = self._build_case_row()
        top = self._build_action_row()
        self.guidance = GuidancePanel()
        self.victim_guidance = GuidancePanel(audience="victim")
        self.victim_guidance.toggle.setChecked(False)  # calm: one line until the person opens it
        split = self._build_split()
        self._build_job_bar()
        self.status = SafeLabel(wrap=True)
        named(self.status, t("Status"))

        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 4, 6, 4)  # every pixel counts at 200 %
        lay.setSpacing(4)
        lay.addLayout(case_row)
        lay.addLayout(top)
        lay.addWidget(self._scroll_body(split), 1)
        lay.addWidget(self.job_bar)
        lay.addWidget(self.status)

        self.worker.busy_changed.connect(self.set_busy)
        self._update_actions()

    def _scroll_body(self, split: QSplitter) -> QScrollArea:
        """The guidance and the list with its detail panel scroll together below the button rows:
        on a 1366x768 screen at 200 % (683x384 logical px) they cannot fit, while the case,
        import and police buttons above stay in view (issue 16)."""
        body = QWidget()
        bl = QVBoxLayout(body)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.setSpacing(4)
        bl.addWidget(self.guidance)
        bl.addWidget(self.victim_guidance)
        bl.addWidget(split, 1)
        self.body_area = QScrollArea()
        self.body_area.setWidgetResizable(True)
        self.body_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.body_area.setWidget(body)
        screen = self.screen()
        if screen is not None and screen.availableGeometry().height() < SHORT_SCREEN:
            self.guidance.toggle.setChecked(False)  # its title stays, one click away; the list gets the room
        return self.body_area

    def _build_case_row(self) -> QHBoxLayout:
        """The case chooser, its policy, New case and Case details."""
        self.case_combo = named(QComboBox(), t("Case"))
        self.case_combo.setProperty("untrusted", True)  # case names are the user's words
        self.case_combo.setMinimumContentsLength(16)
        self.case_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.case_combo.currentIndexChanged.connect(self._case_changed)
        self.new_case_button = make_button(t("New case"), self.new_case)
        self.case_details_button = make_button(t("Case details"), self.edit_case)
        self.policy_label = named(SafeLabel(), t("Evidence policy"))
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
        return case_row

    def _build_action_row(self) -> QHBoxLayout:
        """Import, paste and redacted copy (and later the police menu)."""
        self.import_files_button = make_button(t("Import files"), self.import_files)
        self.import_folder_button = make_button(t("Import a folder"), self.import_folder)
        self.paste_button = make_button(t("Paste an image"), self.paste_image)
        self.chat_button = self._build_chat_button()
        self.redact_copy_button = make_button(t("Make a redacted copy…"), self.make_redacted_copy)
        self.redact_copy_button.setToolTip(t("A copy of the selected picture with areas blacked out or pixelated, "
                                             "for a school or family; the original stays sealed."))
        top = QHBoxLayout()
        top.addWidget(self.import_files_button)
        top.addWidget(self.import_folder_button)
        top.addWidget(self.paste_button)
        top.addWidget(self.chat_button)
        top.addWidget(self.redact_copy_button)
        top.addStretch(1)
        self._top = top
        return top

    def _build_split(self) -> QSplitter:
        """The evidence list (left) and the detail panel (right)."""
        left = self._build_list()
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
        return split

    def _build_list(self) -> QWidget:
        """The filter, the count and the evidence table (or a hint while it is empty)."""
        self.filter = named(QLineEdit(), t("Search the evidence list"))
        self.filter.setPlaceholderText(t("Search names, hashes, platforms, accounts…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.setAcceptDrops(False)
        self.count = SafeLabel()
        self.model = ItemTableModel(self)
        self.proxy = ItemFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.filter.textChanged.connect(self._filter_changed)
        self._build_table()
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
        return left

    def _build_table(self) -> None:
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

    def _build_job_bar(self) -> None:
        """Job progress with Cancel, hidden while nothing runs."""
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
        for b in (self.import_files_button, self.import_folder_button, self.paste_button, self.chat_button,
                  self.police_button):
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

