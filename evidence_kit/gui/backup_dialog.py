"""Vault ▸ Back up… and the calm weekly reminder (issue 20).

The backup itself is core/backup.py, run on the worker thread with a progress bar and
Cancel. The reminder is a bar in the status bar, shown at most once a week and only when
evidence was added after the newest verified backup; "Not now" is remembered inside the
vault (a sealed setting), so nothing about it is written to the host computer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QHBoxLayout, QProgressBar, QVBoxLayout, QWidget

from ..core.common.clock import iso_utc, parse_iso_utc, utc_display
from ..core.vault import backup as bk
from .dialogs import MessageDialog, error_text
from .file_dialogs import choose_folder
from .i18n import t
from .widgets import SafeLabel, make_button, named

if TYPE_CHECKING:
    from .host import WindowHost
    from .worker import Job, JobContext

REMIND_KEY = "backup_reminded"
REMIND_EVERY = timedelta(days=7)


class BackupDialog(QDialog):
    def __init__(self, parent: QWidget | None, dest: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Back up the vault"))
        self.setModal(True)
        self.job: Job | None = None
        lay = QVBoxLayout(self)
        lay.addWidget(SafeLabel(t(
            "Copying the vault to {dest}. Only files the backup does not have yet are copied; then the "
            "backup is opened and every item in it is checked.", dest=dest), wrap=True))
        self.bar = named(QProgressBar(), t("Working"))
        self.bar.setRange(0, 0)
        lay.addWidget(self.bar)
        self.error = SafeLabel(wrap=True)
        lay.addWidget(self.error)
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = make_button(t("Cancel"), self._cancel)
        row.addWidget(self.cancel_button)
        lay.addLayout(row)

    def _cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
        self.reject()

    def show_progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)


def last_backup_text(win: WindowHost) -> str:
    rec = bk.last_backup(win.service.vault)
    if not rec:
        return t("No verified backup yet.")
    try:
        when = utc_display(str(rec.get("time", "")))
    except ValueError:
        when = "?"
    return t("Last verified backup: {time}", time=when)


def start_backup(win: WindowHost) -> None:
    if win.worker.busy or not win.service.is_unlocked:
        return
    parent = win.window()
    folder = choose_folder(parent, t("Choose the backup folder (for example a USB stick)"))
    if folder is None:
        return
    svc = win.service
    dlg = BackupDialog(parent, str(folder))

    def run(ctx: JobContext) -> bk.BackupResult:
        res: bk.BackupResult = svc.backup(folder, progress=ctx.progress, cancel=ctx.cancelled)
        return res

    def done(res: bk.BackupResult) -> None:
        dlg.accept()
        hide_reminder(win)
        win.open_dialog(MessageDialog(parent, t("Backup complete"), t(
            "Backup complete: {n} new file(s) copied, and all {items} item(s) in the backup were opened and "
            "checked. The backup opens with the same passphrase or the recovery key.",
            n=res.blobs_copied, items=res.items_verified)))

    def failed(exc: Exception) -> None:
        dlg.reject()
        win.show_error(exc)

    dlg.job = win.worker.start(run, name="backup", on_done=done, on_error=failed, on_progress=dlg.show_progress)
    win.open_dialog(dlg)


def hide_reminder(win: WindowHost) -> None:
    bar = win._backup_reminder
    if bar is not None:
        win.statusBar().removeWidget(bar)
        bar.deleteLater()
        win._backup_reminder = None


def maybe_remind(win: WindowHost, now: datetime | None = None) -> bool:
    """Show the reminder bar if evidence is newer than the last backup and a week has passed."""
    if not win.service.is_unlocked or win._backup_reminder is not None:
        return False
    vault = win.service.vault
    if not bk.backup_is_stale(vault):
        return False
    now = now or datetime.now(UTC)
    last = vault.get_setting(REMIND_KEY)
    try:
        if isinstance(last, str) and now - parse_iso_utc(last) < REMIND_EVERY:
            return False
    except ValueError:
        pass
    bar = QWidget()
    row = QHBoxLayout(bar)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(SafeLabel(t("Evidence was added since the last backup. {last}", last=last_backup_text(win)),
                            wrap=True), 1)
    row.addWidget(make_button(t("Back up…"), lambda: start_backup(win)))

    def not_now() -> None:
        if win.service.is_unlocked:
            try:
                win.service.vault.set_setting(REMIND_KEY, iso_utc(now))
            except Exception as e:
                win.statusBar().showMessage(error_text(e)[0], 5000)
        hide_reminder(win)

    row.addWidget(make_button(t("Not now"), not_now))
    win._backup_reminder = bar
    win.statusBar().addPermanentWidget(bar, 1)
    return True
