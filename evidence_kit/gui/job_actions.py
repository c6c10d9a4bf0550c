"""Long tasks in the workspace: the progress bar, Cancel, failures, and the integrity check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from ..core.common.errors import CancelledError
from ..core.common.i18n import tr
from ..core.vault.alerts import alert_text
from ..core.vault.verify import VerifyResult
from .dialogs import MessageDialog
from .display import format_size
from .i18n import language, t
from .worker import Job, JobContext
from .workspace_parts import WorkspaceParts

log = logging.getLogger(__name__)


class JobActions(WorkspaceParts):
    """The workspace's job bar (mixed into :class:`.workspace.WorkspacePage`)."""

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
        elif self._import_files is not None and self._import_files[1] > 0:  # issue 17: files and bytes
            n_done, n_total = self._import_files
            files = t("{done} / {total} files", done=f"{n_done:,}", total=f"{n_total:,}")
            self.progress.setFormat(f"%p%  ({files} · {format_size(done)} / {format_size(total)})")
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
        self._import_files = None
        self.job_bar.setVisible(False)
