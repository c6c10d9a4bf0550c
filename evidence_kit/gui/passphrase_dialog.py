"""Vault ▸ Change passphrase… and the questions asked right after unlocking (issue 15).

A passphrase change makes a new master key (core/rekey.py): it runs on the worker thread
with a progress bar, and afterwards the app says exactly what changed. Right after an
unlock, the app also asks about an older copy of the vault (rollback) and offers a new
passphrase when the vault was opened with the recovery key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QFormLayout, QHBoxLayout, QLineEdit, QProgressBar, QVBoxLayout, QWidget

from ..core.common.errors import EvidenceKitError
from ..core.crypto.keys import passphrase_strength
from ..core.vault.alerts import alert_text
from ..core.vault.rekey import RekeyResult
from .dialogs import MessageDialog, error_text
from .i18n import language, t
from .pages import strength_text
from .recovery_key import RecoveryKeyDialog
from .widgets import SafeLabel, make_button, named

if TYPE_CHECKING:
    from .host import WindowHost
    from .worker import JobContext


class ChangePassphraseDialog(QDialog):
    """Current passphrase (unless just unlocked with the recovery key), new one twice."""

    submitted = Signal(object, str)  # old passphrase or None, new passphrase

    def __init__(self, parent: QWidget | None, *, need_old: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Change passphrase"))
        self.setModal(True)
        self.need_old = need_old
        lay = QVBoxLayout(self)
        lay.addWidget(SafeLabel(t(
            "A new passphrase also makes a new key for the whole vault: the keys of every evidence file "
            "are replaced and every record is sealed again, so an old copy of the key file with the old "
            "passphrase opens nothing. This takes a few seconds; the evidence itself is not copied."),
            wrap=True))
        form = QFormLayout()
        self.old = named(QLineEdit(), t("Current passphrase"))
        self.old.setEchoMode(QLineEdit.EchoMode.Password)
        if need_old:
            form.addRow(t("Current passphrase"), self.old)
        self.new = named(QLineEdit(), t("New passphrase"))
        self.new.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = named(QLineEdit(), t("New passphrase again"))
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(t("New passphrase"), self.new)
        form.addRow(t("New passphrase again"), self.repeat)
        self.strength = SafeLabel(wrap=True)
        form.addRow(self.strength)
        lay.addLayout(form)
        self.error = SafeLabel(wrap=True)
        lay.addWidget(self.error)
        self.busy = named(QProgressBar(), t("Working"))
        self.busy.setVisible(False)
        lay.addWidget(self.busy)
        row = QHBoxLayout()
        self.cancel_button = make_button(t("Cancel"), self.reject)
        self.change_button = make_button(t("Change passphrase"), self._submit, default=True)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.change_button)
        lay.addLayout(row)
        for field in (self.old, self.new, self.repeat):
            field.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        pw = self.new.text()
        score = passphrase_strength(pw)
        self.strength.setText(strength_text(score) if pw else "")
        if self.repeat.text() and pw != self.repeat.text():
            self.strength.setText(t("The two passphrases are not the same yet."))
        ok = score > 0 and pw == self.repeat.text() and (bool(self.old.text()) or not self.need_old)
        self.change_button.setEnabled(ok and not self.busy.isVisible())

    def _submit(self) -> None:
        if not self.change_button.isEnabled():
            return
        self.error.setText("")
        self.set_busy(True)
        self.submitted.emit(self.old.text() if self.need_old else None, self.new.text())

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.busy.setRange(0, 0)
        for w in (self.old, self.new, self.repeat, self.cancel_button):
            w.setEnabled(not busy)
        self._update()

    def show_progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def failed(self, exc: Exception) -> None:
        self.set_busy(False)
        self.error.setText(error_text(exc)[0])

    def forget(self) -> None:
        for field in (self.old, self.new, self.repeat):
            field.clear()


def result_text(res: RekeyResult) -> str:
    text = t(
        "The passphrase was changed. A new key was made for the whole vault: the keys of {n} evidence "
        "file(s) were replaced and every record was sealed again ({s} s). The old passphrase, even with "
        "an old copy of the key file, opens nothing now. The custody log's signing key changed too "
        "({old}… → {new}…); the old key signed the hand-over, which is in the log.",
        n=res.blobs_rewrapped, s=f"{res.seconds:.1f}", old=res.old_key[:16], new=res.new_key[:16])
    if res.recovery_key:
        text += "\n\n" + t("Your old recovery key no longer works. A new one is shown next: write it down.")
    return text


def start_change_passphrase(win: WindowHost, *, after_recovery: bool = False) -> None:
    """Open the dialog; the change itself runs on the worker thread."""
    if win.worker.busy or not win.service.is_unlocked:
        return
    parent = win.window()
    dlg = ChangePassphraseDialog(parent, need_old=not after_recovery)

    def submitted(old: str | None, new: str) -> None:
        vault = win.service.vault

        def run(ctx: JobContext) -> RekeyResult:
            return vault.change_passphrase(old, new, kdf=win.kdf, progress=ctx.progress)

        def done(res: RekeyResult) -> None:
            dlg.forget()
            dlg.accept()
            win.open_dialog(MessageDialog(parent, t("Passphrase changed"), result_text(res)))
            if res.recovery_key:
                win.open_dialog(RecoveryKeyDialog(parent, res.recovery_key, win.show_error))

        win.worker.start(run, name="rekey", on_done=done, on_error=dlg.failed, on_progress=dlg.show_progress)

    dlg.submitted.connect(submitted)
    dlg.finished.connect(lambda _r: dlg.forget())
    win.open_dialog(dlg)


def after_unlock(win: WindowHost) -> bool:
    """Questions right after an unlock; True if one was asked (the caller then shows no more)."""
    vault = win.service.vault
    lang = language()
    parent = win.window()
    for notice in vault.notices:
        win.open_dialog(MessageDialog(parent, t("Passphrase changed"), alert_text(notice, lang)))
    older = vault.older
    if older is not None:
        dlg = MessageDialog(parent, t("Older copy of the vault"), older.message(lang) + "\n\n" + t(
            "If you restored a backup on purpose, confirm it below; this is written in the custody log. "
            "If you did not, do not add evidence: someone may have replaced the vault with an older copy. "
            "Keep this message for whoever helps you."))
        confirm = make_button(t("I restored this backup on purpose"), dlg.accept)
        dlg.ok.setText(t("Not now"))
        named(dlg.ok, t("Not now"))
        dlg.ok.clicked.disconnect()
        dlg.ok.clicked.connect(dlg.reject)
        layout = dlg.layout()
        assert layout is not None  # MessageDialog lays itself out in its constructor
        layout.addWidget(confirm)
        dlg.confirm = confirm  # type: ignore[attr-defined]

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and win.service.is_unlocked:
                try:
                    win.service.vault.accept_older_vault()
                except EvidenceKitError as e:
                    win.show_error(e)

        dlg.finished.connect(finished)
        win.open_dialog(dlg)
        return True
    if vault.opened_with_recovery:
        start_change_passphrase(win, after_recovery=True)
        return True
    return False
