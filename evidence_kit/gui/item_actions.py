"""The selected item's actions: custody events, blurred preview, logged reveal, source, redacted copies."""

from __future__ import annotations

import logging

from PySide6.QtGui import QImage

from ..core.common.errors import EvidenceKitError
from ..core.common.model import AddResult, Item, Source
from ..core.evidence.redact import Rect
from .i18n import language, t
from .models import exhibit_label
from .redact_dialog import RedactDialog
from .widgets import decode_image
from .worker import Job, JobContext
from .workspace_parts import WorkspaceParts

log = logging.getLogger(__name__)

PREVIEW_LIMIT = 64 * 1024 * 1024  # bigger images are not decoded for a preview


class ItemActions(WorkspaceParts):
    """The selected item's actions (mixed into :class:`.workspace.WorkspacePage`)."""

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
