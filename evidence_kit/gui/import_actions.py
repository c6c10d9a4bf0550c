"""Getting evidence into the open case: files, folders, pasted and dropped pictures.

In a record-only case the person is first asked what to black out, picture by picture (issue 16).
"""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QDialog

from ..core.common.errors import EvidenceKitError
from ..core.common.i18n import tr
from ..core.common.model import METHOD_PASTE, AddResult, ItemInput, Source
from ..core.evidence.redact import Rect
from ..core.service import ImportSummary
from .dialogs import MessageDialog
from .file_dialogs import choose_files, choose_folder
from .i18n import language, t
from .models import exhibit_label
from .redact_dialog import RedactDialog
from .source_form import ImportDialog
from .worker import Job, JobContext
from .workspace_parts import WorkspaceParts

log = logging.getLogger(__name__)


class ImportActions(WorkspaceParts):
    """The workspace's import actions (mixed into :class:`.workspace.WorkspacePage`)."""

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
            sent = [0, 0]  # the last byte figures, sent again when only the file count moved

            def byte_progress(done: int, total: int) -> None:
                sent[:] = [done, total]
                ctx.progress(done, total)

            def files(done: int, total: int) -> None:
                self._import_files = (done, total)  # one atomic assignment; the bar reads it
                if sent[1]:
                    # A file's count comes after its last bytes: without this the bar would
                    # keep "3 / 4 files" while the last photo's PDQ runs, and at the end.
                    ctx.progress(sent[0], sent[1])

            return svc.import_paths(case_id, paths, source, progress=byte_progress, cancel=ctx.cancelled,
                                    on_item=ctx.emit, item_progress=files, regions=regions)

        self._progress_items = False
        self._import_files = (0, 0)
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


def png_bytes(img: QImage) -> bytes:
    """Encode a picture as PNG in memory (never a temporary file)."""
    ba = QByteArray()
    buf = QBuffer(ba)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")  # type: ignore[call-overload]  # the stub says bytes; PySide6 wants str
    buf.close()
    return bytes(ba.data())
