"""What the workspace's mixins share: the page's widgets and state, and what they call on each other.

:class:`.workspace.WorkspacePage` is made of :class:`.import_actions.ImportActions`,
:class:`.item_actions.ItemActions` and :class:`.job_actions.JobActions`; each of them reads the
parts below, which the page creates in its constructor. For the type checker the parts are a
QWidget (the mixins pass ``self`` as a dialog's parent); at run time the page's QWidget base is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QDialog, QProgressBar, QPushButton, QWidget

from ..core.common.model import Item
from ..core.service import EvidenceService
from .detail import DetailPanel
from .models import ItemTableModel
from .redact_dialog import RedactDialog
from .widgets import SafeLabel
from .worker import Job, JobContext, Worker

if TYPE_CHECKING:
    _Base = QWidget
else:
    _Base = object


class WorkspaceParts(_Base):
    service: EvidenceService
    worker: Worker
    status: SafeLabel
    model: ItemTableModel
    detail: DetailPanel
    redact_dialog: RedactDialog | None
    job_label: SafeLabel
    progress: QProgressBar
    cancel_button: QPushButton
    job_bar: QWidget
    _job: Job | None
    _progress_items: bool
    _show_error: Callable[[BaseException], None]
    _open_dialog: Callable[[QDialog], None]

    if TYPE_CHECKING:
        # WorkspacePage
        @property
        def case_id(self) -> str | None: ...
        def selected_item(self) -> Item | None: ...
        def refresh_items(self, select_id: str | None = None) -> None: ...
        def _update_count(self) -> None: ...
        def _update_actions(self) -> None: ...

        # ItemActions
        def _load_events(self, item: Item) -> None: ...

        # JobActions
        def run_job(self, fn: Callable[[JobContext], Any], label: str, on_done: Callable[[Any], None], *,
                    counts_items: bool = False) -> Job | None: ...
        def _show_job(self, job: Job, label: str) -> None: ...
        def _progress(self, done: int, total: int) -> None: ...
        def _job_failed(self, error: Exception) -> None: ...
        def _job_finished(self) -> None: ...
