"""Report, export bundle and bundle verification (issue 8's service), when the service has them.

The main window asks :func:`available` which of ``make_report``, ``export_bundle`` and
``verify_bundle`` the service offers and only shows those actions. The work runs on the
worker with the workspace's progress bar and Cancel button; verification of a received
bundle needs no vault (the police view) and can be used before unlocking.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import EvidenceKitError
from ..core.common.i18n import tr
from ..core.crypto.keys import check_passphrase_strength
from ..core.service import EvidenceService
from .dialogs import MessageDialog, dialog_buttons, error_text, plain_box
from .display import safe_text
from .file_dialogs import choose_files, choose_folder, choose_save_path
from .i18n import language, t
from .widgets import SafeLabel, fit_to_screen, make_button, named
from .worker import JobContext, Worker

log = logging.getLogger(__name__)


def available(service: EvidenceService) -> set[str]:
    """Which of the report/bundle services exist in this build."""
    return {name for name in ("make_report", "export_bundle", "verify_bundle", "stamp_now") if hasattr(service, name)}


def language_combo(default: str) -> QComboBox:
    combo = named(QComboBox(), t("Report language"))
    combo.addItem("한국어 (Korean)" if default == "en" else "한국어", "ko")
    combo.addItem("영어 (English)" if default == "ko" else "English", "en")
    combo.setToolTip(t("The report is written in this language; it starts as the app's language."))
    combo.setCurrentIndex(max(combo.findData(default), 0))
    return combo


def clear_previews_box() -> QCheckBox:
    box = named(QCheckBox(t("Show pictures unblurred in the report")), t("Show pictures unblurred in the report"))
    box.setToolTip(t("Only if the police asked for it. The original files are in the bundle either way."))
    return box


class ReportDialog(QDialog):
    """Options for the PDF report."""

    def __init__(self, parent: QWidget | None, default_lang: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Make a report"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            SafeLabel(
                t(
                    "A PDF for the police: every exhibit with its SHA-256, where it came from, "
                    "and the custody log. Pictures are blurred unless you choose otherwise."
                ),
                wrap=True,
            )
        )
        form = QFormLayout()
        self.lang = language_combo(default_lang)
        form.addRow(t("Report language"), self.lang)
        self.clear = clear_previews_box()
        form.addRow(self.clear)
        lay.addLayout(form)
        lay.addStretch(1)
        lay.addWidget(dialog_buttons(self, t("Choose where to save…"), t("Cancel")))
        fit_to_screen(self, 520, 220)

    def options(self) -> dict[str, Any]:
        return {"lang": str(self.lang.currentData()), "clear_previews": self.clear.isChecked()}


class ExportDialog(QDialog):
    """Options for the signed bundle: folder, ZIP or passphrase-encrypted ZIP."""

    def __init__(self, parent: QWidget | None, default_lang: str, *, record_only: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Export for the police"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            SafeLabel(
                t(
                    "A signed bundle with the hashes of the originals (which this record-only case did not keep), "
                    "the redacted versions, the report, the custody log and instructions for checking it. "
                    "Exporting is recorded in the custody log."
                ) if record_only else t(
                    "A signed bundle with the original files, the report, the custody log and "
                    "instructions for checking it. Exporting is recorded in the custody log."
                ),
                wrap=True,
            )
        )
        self.kind_folder = named(QRadioButton(t("A folder")), t("A folder"))
        self.kind_zip = named(QRadioButton(t("One ZIP file")), t("One ZIP file"))
        self.kind_age = named(
            QRadioButton(t("One ZIP file, encrypted with a passphrase (for sending)")), t("Encrypted ZIP file")
        )
        self.kind_folder.setChecked(True)
        group = QButtonGroup(self)
        for b in (self.kind_folder, self.kind_zip, self.kind_age):
            group.addButton(b)
            lay.addWidget(b)
            b.toggled.connect(self._update)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.passphrase = named(QLineEdit(), t("Bundle passphrase"))
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = named(QLineEdit(), t("Bundle passphrase again"))
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(t("Bundle passphrase"), self.passphrase)
        form.addRow(t("Bundle passphrase again"), self.repeat)
        self.hint = SafeLabel(
            t("Tell the police this passphrase another way (by phone, not in the same e-mail)."), wrap=True
        )
        form.addRow(self.hint)
        self.lang = language_combo(default_lang)
        form.addRow(t("Report language"), self.lang)
        self.clear = clear_previews_box()
        form.addRow(self.clear)
        self.redacted = named(
            QCheckBox(t("Redacted copies only, for a school or family (no originals; not for the police)")),
            t("Redacted copies only"),
        )
        form.addRow(self.redacted)
        lay.addLayout(form)
        self.error = SafeLabel(wrap=True)
        self.error.setStyleSheet("color: #b00020;")
        lay.addWidget(self.error)
        lay.addStretch(1)
        self.buttons = dialog_buttons(self, t("Choose where to save…"), t("Cancel"))
        lay.addWidget(self.buttons)
        self._update()
        fit_to_screen(self, 560, 420)

    def kind(self) -> str:
        if self.kind_age.isChecked():
            return "zip.age"
        return "zip" if self.kind_zip.isChecked() else "folder"

    def _update(self) -> None:
        enc = self.kind() == "zip.age"
        for w in (self.passphrase, self.repeat, self.hint):
            w.setEnabled(enc)

    def accept(self) -> None:
        if self.kind() == "zip.age":
            if self.passphrase.text() != self.repeat.text():
                self.error.setText(t("The two passphrases are not the same yet."))
                return
            try:
                check_passphrase_strength(self.passphrase.text())
            except EvidenceKitError as e:
                self.error.setText(e.message(language()))
                return
        super().accept()

    def options(self) -> dict[str, Any]:
        return {
            "kind": self.kind(),
            "passphrase": self.passphrase.text() if self.kind() == "zip.age" else None,
            "lang": str(self.lang.currentData()),
            "clear_previews": self.clear.isChecked(),
            "redacted_only": self.redacted.isChecked(),
        }


class VerifyBundleDialog(QDialog):
    """The police view: open a bundle (folder, ZIP or encrypted ZIP), see each exhibit's result."""

    def __init__(self, parent: QWidget | None, worker: Worker) -> None:
        super().__init__(parent)
        self.worker = worker
        self.path: Path | None = None
        self.setWindowTitle(t("Verify a received bundle"))
        lay = QVBoxLayout(self)
        lay.addWidget(
            SafeLabel(
                t(
                    "Checks every file against the signed manifest and the custody log. "
                    "Nothing is changed and no vault is needed."
                ),
                wrap=True,
            )
        )
        row = QHBoxLayout()
        self.folder_button = make_button(t("Choose a bundle folder…"), self.choose_folder)
        self.file_button = make_button(t("Choose a bundle file (ZIP)…"), self.choose_file)
        row.addWidget(self.folder_button)
        row.addWidget(self.file_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.chosen = SafeLabel(elide=Qt.TextElideMode.ElideMiddle, data=True)
        named(self.chosen, t("Chosen bundle"))
        lay.addWidget(self.chosen)
        prow = QHBoxLayout()
        self.passphrase = named(QLineEdit(), t("Bundle passphrase"))
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(t("only for an encrypted bundle"))
        self.verify_button = make_button(t("Verify"), self.verify, default=True)
        self.verify_button.setEnabled(False)
        prow.addWidget(self.passphrase, 1)
        prow.addWidget(self.verify_button)
        lay.addLayout(prow)
        # The out-of-band anchor (issue 15): without it a re-signed bundle looks as good as
        # the real one, so the result says "signer not confirmed" until it is filled in.
        srow = QFormLayout()
        self.signer = named(QLineEdit(), t("Signing-key fingerprint from the paper sheet"))
        self.signer.setPlaceholderText(t("from the paper hash confirmation sheet or a phone call; 16+ hex digits"))
        srow.addRow(t("Signing-key fingerprint from the paper sheet"), self.signer)
        lay.addLayout(srow)
        # Timestamps count only with a built-in root or one chosen here (never the bundle's own).
        trow = QHBoxLayout()
        self.tsa_roots: list[Any] = []
        self.tsa_button = make_button(t("Also trust a timestamp root certificate…"), self.choose_tsa_roots)
        self.tsa_label = SafeLabel(t("Timestamp roots: only those built into Evidence Kit"), wrap=True)
        trow.addWidget(self.tsa_button)
        trow.addWidget(self.tsa_label, 1)
        lay.addLayout(trow)
        self.busy = named(QProgressBar(), t("Working"))
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        brow = QHBoxLayout()
        brow.addWidget(self.busy, 1)
        self.cancel_button = make_button(t("Cancel"), self.cancel_verify)
        self.cancel_button.setVisible(False)
        brow.addWidget(self.cancel_button)
        lay.addLayout(brow)
        self.job: Any = None
        self.verdict = SafeLabel(wrap=True)
        named(self.verdict, t("Result"))
        f = self.verdict.font()
        f.setBold(True)
        self.verdict.setFont(f)
        lay.addWidget(self.verdict)
        self.table = named(QTreeWidget(), t("Results per exhibit"))
        self.table.setColumnCount(4)
        self.table.setHeaderLabels([t("Result"), t("Exhibit"), t("File"), t("Details")])
        self.table.setRootIsDecorated(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        lay.addWidget(self.table, 2)
        self.details = plain_box(name=t("Details"), read_only=True, lines=5)
        lay.addWidget(self.details, 1)
        lay.addWidget(dialog_buttons(self, t("Close")))
        fit_to_screen(self, 820, 600)

    def choose_folder(self) -> None:
        path = choose_folder(self, t("Choose a bundle folder"))
        if path is not None:
            self.set_path(path)

    def choose_file(self) -> None:
        paths = choose_files(self, t("Choose a bundle file (ZIP)"))
        if paths:
            self.set_path(paths[0])

    def choose_tsa_roots(self) -> None:
        from ..core.timestamps.certs import load_pem_certs

        certs: list[Any] = []
        for p in choose_files(self, t("Choose a timestamp root certificate (PEM)")):
            try:
                certs += load_pem_certs(p.read_bytes())
            except OSError:
                continue
        self.tsa_roots = certs
        self.tsa_label.setText(
            t("Timestamp roots: built in, plus {n} chosen", n=len(certs))
            if certs
            else t("Timestamp roots: only those built into Evidence Kit")
        )

    def set_path(self, path: Path) -> None:
        self.path = path
        self.chosen.setText(str(path))
        self.verify_button.setEnabled(True)
        self.table.clear()
        self.verdict.setText("")
        self.details.clear()

    def verify(self) -> None:
        if self.path is None or self.worker.busy:
            return
        path, passphrase = self.path, self.passphrase.text() or None
        signer = self.signer.text().strip() or None
        roots = list(self.tsa_roots)

        def run(ctx: JobContext) -> Any:
            return EvidenceService.verify_bundle(
                path, passphrase=passphrase, signer=signer, tsa_ca=roots, progress=ctx.progress, cancel=ctx.cancelled
            )

        self.busy.setRange(0, 0)
        self.busy.setVisible(True)
        self.cancel_button.setVisible(True)
        self.verify_button.setEnabled(False)
        self.job = self.worker.start(
            run, name="verify-bundle", on_done=self.show_result, on_error=self.show_error, on_progress=self.on_progress
        )

    def on_progress(self, done: int, total: int) -> None:
        self.busy.setRange(0, max(total, 1))
        self.busy.setValue(done)

    def cancel_verify(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def show_error(self, exc: Exception) -> None:
        self.busy.setVisible(False)
        self.cancel_button.setVisible(False)
        self.job = None
        self.verify_button.setEnabled(True)
        self.verdict.setText(error_text(exc)[0])  # e.g. the passphrase is needed or wrong

    def show_result(self, res: Any) -> None:
        from ..core.documents.bundle_result import report_lines

        lang = language()
        self.busy.setVisible(False)
        self.cancel_button.setVisible(False)
        self.job = None
        self.verify_button.setEnabled(True)
        self.table.clear()
        ok_word, bad_word = tr("bv_pass", lang), tr("bv_fail", lang)
        for e in res.exhibits:
            reasons = "; ".join(p.message(lang) for p in e.problems)
            row = QTreeWidgetItem(
                [
                    ok_word if e.ok else bad_word,
                    e.label_ko if lang == "ko" else e.label_en,
                    safe_text(e.path or tr("bv_not_retained", lang), 300),
                    safe_text(reasons, 500),
                ]
            )
            self.table.addTopLevelItem(row)
        lines = report_lines(res, lang)
        self.verdict.setText(lines[-1] if lines else "")
        colour = {"pass": "#2e7d32", "unconfirmed": "#8a5a00"}.get(res.verdict, "#b00020")
        self.verdict.setStyleSheet(f"color: {colour};")
        self.details.setPlainText(safe_text("\n".join(lines), 200_000, multiline=True))


class StampDialog(QDialog):
    """The explicit "go online" step (issue 11): says exactly what leaves the computer."""

    def __init__(self, parent: QWidget | None, tsa_names: list[str]) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Get trusted timestamps now"))
        self.setModal(True)
        lay = QVBoxLayout(self)
        text = SafeLabel(
            t(
                "This connects to the internet once. Only a 32-byte fingerprint (SHA-256) of the custody log "
                "is sent, no evidence and no names, to these timestamp services:"
            ),
            wrap=True,
        )
        named(text, t("Get trusted timestamps now"))
        lay.addWidget(text)
        names = SafeLabel(", ".join(tsa_names), wrap=True)
        named(names, t("Timestamp services"))
        lay.addWidget(names)
        lay.addStretch(1)
        lay.addWidget(dialog_buttons(self, t("Go online and get timestamps"), t("Cancel")))
        fit_to_screen(self, 520, 200)


def jargon_note() -> str:
    """What the values in a done message are for, in one plain sentence each (issue 16)."""
    return "\n".join((
        t("SHA-256: a value the police use to check that a file has not changed since it was collected."),
        t("Manifest: the signed list of every exhibit and its SHA-256."),
        t("Signing key fingerprint: identifies the key that signed the manifest; the police compare it with the "
          "one printed in the report."),
        t("What to do now: give the police the bundle (or the report with it), and keep this computer's vault."),
    ))


class ReportActions:
    """Runs the report and export jobs for the open case through the workspace's job bar."""

    def __init__(self, window: Any) -> None:
        self.window = window

    @property
    def service(self) -> EvidenceService:
        return self.window.service  # type: ignore[no-any-return]

    def _default_lang(self, case_id: str) -> str:
        # Issue 16: the language the person is reading the app in, not the case's or the system's.
        return language()

    def make_report(self) -> None:
        ws = self.window.workspace
        case_id = ws.case_id
        if case_id is None or self.window.worker.busy:
            return
        dlg = ReportDialog(self.window, self._default_lang(case_id))
        dlg.accepted.connect(lambda: self._report(case_id, dlg.options()))
        self.window.open_dialog(dlg)

    def _report(self, case_id: str, opts: dict[str, Any]) -> None:
        out = choose_save_path(self.window, t("Save the report"), f"evidence-report-{date.today()}.pdf")
        if out is None or not self.service.is_unlocked:
            return
        svc = self.service

        def run(ctx: JobContext) -> Any:
            return svc.make_report(case_id, out, progress=ctx.progress, cancel=ctx.cancelled, **opts)

        self.window.workspace.run_job(run, t("Making the report…"), self._report_done, counts_items=True)

    def _report_done(self, res: Any) -> None:
        lang = language()
        text = tr(
            "report_written",
            lang,
            path=res.path,
            pages=res.pages,
            items=res.items,
            rid=res.report_id,
            sha=res.manifest_sha256,
        )
        if not res.identical_confirmed and res.unverified:
            text += "\n" + tr("report_unconfirmed", lang)
        self.window.workspace.status.setText(t("Report saved."))
        self.window.open_dialog(MessageDialog(self.window, t("Report saved."), text + "\n\n" + jargon_note(),
                                              open_folder=Path(res.path).parent))

    def stamp_now(self) -> None:
        """Ask, then request RFC 3161 tokens for a fresh checkpoint (the only online act)."""
        if not self.service.is_unlocked or self.window.worker.busy:
            return
        names = [tsa.name for tsa in self.service.timestamp_tsas()]
        dlg = StampDialog(self.window, names)
        svc = self.service

        def run(ctx: JobContext) -> Any:
            return svc.stamp_now(progress=ctx.progress, cancel=ctx.cancelled)

        dlg.accepted.connect(
            lambda: self.window.workspace.run_job(run, t("Getting trusted timestamps…"), self._stamped)
        )
        self.window.open_dialog(dlg)

    def _stamped(self, run: Any) -> None:
        lang = language()
        title = (
            t("Sealed by trusted timestamps.")
            if run.sealed
            else t("Not sealed yet: too few timestamp services answered.")
        )
        details = "\n".join(o.message(lang) for o in run.outcomes)
        self.window.workspace.status.setText(title)
        self.window.open_dialog(MessageDialog(self.window, title, title, details, show_details=True))

    def export_bundle(self) -> None:
        ws = self.window.workspace
        case_id = ws.case_id
        if case_id is None or self.window.worker.busy:
            return
        try:
            record_only = self.service.is_record_only(case_id)
        except EvidenceKitError:
            record_only = False
        dlg = ExportDialog(self.window, self._default_lang(case_id), record_only=record_only)
        dlg.accepted.connect(lambda: self._export(case_id, dlg.options()))
        self.window.open_dialog(dlg)

    def _export(self, case_id: str, opts: dict[str, Any]) -> None:
        stem = f"evidence-bundle-{date.today()}"
        out: Path | None
        if opts["kind"] == "folder":
            parent = choose_folder(self.window, t("Choose where to put the bundle folder"))
            out = parent / stem if parent else None
        else:
            suffix = ".zip.age" if opts["kind"] == "zip.age" else ".zip"
            out = choose_save_path(self.window, t("Save the bundle"), stem + suffix)
        if out is None or not self.service.is_unlocked:
            return
        svc = self.service

        def run(ctx: JobContext) -> Any:
            return svc.export_bundle(case_id, out, progress=ctx.progress, cancel=ctx.cancelled, **opts)

        self.window.workspace.run_job(run, t("Exporting the bundle…"), self._export_done, counts_items=True)

    def _export_done(self, res: Any) -> None:
        text = tr(
            "bundle_written",
            language(),
            path=res.path,
            files=res.files,
            items=res.items,
            pages=res.pages,
            fp=res.fingerprint,
            sha=res.manifest_sha256,
        )
        from ..core.documents.bundle_texts import receipt_lines

        anchor = receipt_lines(res.fingerprint, res.manifest_sha256, res.head_size, res.head_root, language())
        text += "\n\n" + "\n".join(anchor)
        if res.private_tsa_roots:  # a user's own TSA root: the police need it too
            text += "\n\n" + tr("bundle_private_tsa", language(),
                                 tsas=", ".join(safe_text(n, 80) for n in res.private_tsa_roots))
        self.window.workspace.status.setText(t("Bundle exported."))
        where = Path(res.path)
        self.window.open_dialog(MessageDialog(self.window, t("Bundle exported."), text + "\n\n" + jargon_note(),
                                              open_folder=where if where.is_dir() else where.parent))

    def verify_bundle(self) -> None:
        if self.window.worker.busy:
            return
        self.window.open_dialog(VerifyBundleDialog(self.window, self.window.worker))
