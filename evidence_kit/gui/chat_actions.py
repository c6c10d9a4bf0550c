"""The workspace's chat actions: import a chat export, open the chat view (mixed into the page).

Detection and the import both run on the worker (a WhatsApp file is scanned to the end to
decide its date order; an export can be gigabytes), with the job bar's progress and Cancel.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtWidgets import QMenu, QPushButton

from ..core.common.clock import utc_display
from ..core.common.errors import EvidenceKitError
from ..core.common.i18n import tr, warning_text
from .chat_import import ChatImportRequest, ExportInfo, describe_export, import_export
from .chat_import_dialog import ChatImportDialog
from .chat_view import ChatViewDialog
from .dialogs import MessageDialog
from .display import safe_text
from .i18n import language, t
from .widgets import make_button
from .worker import Job, JobContext
from .workspace_parts import WorkspaceParts

log = logging.getLogger(__name__)

MAX_LISTED = 50  # missing media and warnings listed in the summary (the chat view has them all)


class ChatActions(WorkspaceParts):
    """Import chat export… and Chats… (mixed into :class:`.workspace.WorkspacePage`)."""

    chat_import_dialog: ChatImportDialog | None = None  # the one open now (tests look at it)
    chat_view: ChatViewDialog | None = None

    def _build_chat_button(self) -> QPushButton:
        """One short "Chats" button with Import chat export… and the chat view: two buttons made
        the window too wide for 1366x768 at 200 % (issue 16's layout check)."""
        button = make_button(t("Chats"))
        menu = QMenu(button)
        menu.addAction(t("Import chat export…"), self.import_chat_export)
        menu.addAction(t("Read and mark chats…"), self.open_chats)
        button.setMenu(menu)
        button.setToolTip(t("Import a KakaoTalk, Telegram or WhatsApp export; read its messages and mark them "
                            "for the report."))
        return button

    def _chat_ready(self) -> bool:
        if self.worker.busy or not self.service.is_unlocked:
            return False
        if not self.case_id:
            self.status.setText(t("Create a case first: evidence is kept in a case."))
            return False
        return True

    def _korean_case(self) -> bool:
        try:
            case = self.service.vault.get_case(self.case_id or "")
        except EvidenceKitError:
            return language() == "ko"
        return case.report_lang == "ko" or (not case.report_lang and language() == "ko")

    def import_chat_export(self) -> ChatImportDialog | None:
        """Open the dialog; it asks for the export, then what the export needs."""
        if not self._chat_ready():
            return None
        dlg = ChatImportDialog(self, korean_case=self._korean_case())
        dlg.paths_chosen.connect(lambda paths: self._detect_chat(dlg, paths))
        dlg.accepted.connect(lambda: self.start_chat_import(dlg.request()))
        self.chat_import_dialog = dlg
        self._open_dialog(dlg)
        return dlg

    def _detect_chat(self, dlg: ChatImportDialog, paths: list[Path]) -> Job | None:
        if self.worker.busy or not self.service.is_unlocked:
            dlg.show_info(None)
            return None
        svc, lang = self.service, language()

        def run(_ctx: JobContext) -> ExportInfo:
            return describe_export(svc, paths, lang)

        def done(info: ExportInfo) -> None:
            if shiboken6.isValid(dlg) and dlg.isVisible():  # the person may have closed it meanwhile
                dlg.show_info(info)

        def failed(error: Exception) -> None:
            if shiboken6.isValid(dlg) and dlg.isVisible():
                dlg.show_info(None)
                self._show_error(error)

        return self.worker.start(run, name="chat-detect", on_done=done, on_error=failed)

    def start_chat_import(self, req: ChatImportRequest) -> Job | None:
        """Import on the worker with the job bar; a cancel or failure leaves no half chat."""
        case_id = self.case_id
        if case_id is None or self.worker.busy or not self.service.is_unlocked:
            return None
        svc, lang = self.service, language()

        def run(ctx: JobContext) -> list[Any]:
            return import_export(svc, case_id, req, lang=lang, progress=ctx.progress, cancel=ctx.cancelled)

        self._progress_items = False
        job = self.worker.start(run, name="chat-import", on_done=self._chat_import_done, on_error=self._job_failed,
                                on_progress=self._progress)
        self._show_job(job, t("Importing the chat… Cancelling stores no half chat."))
        return job

    def _chat_import_done(self, results: list[Any]) -> None:
        self._job_finished()
        lang = language()
        lines: list[str] = []
        details: list[str] = []
        for res in results:
            for chat in res.chats:
                title = safe_text(chat.title, 80) or tr("chat_untitled", lang)
                if res.already_imported:
                    lines.append(tr("chat_already_imported", lang, title=title, ref=chat.id[:8],
                                    messages=chat.message_count,
                                    when=utc_display(chat.imported_utc)))
                    continue
                zone = chat.zone or tr("chat_zone_unknown", lang)
                lines.append(tr("chat_imported", lang, title=title, messages=chat.message_count,
                                events=chat.event_count, missing=chat.missing_count, files=len(res.stored),
                                dups=len(res.duplicates), zone=f"{zone} ({chat.zone_source})"))
            details += [tr("chat_missing", lang, seq=m.seq, kind=m.kind, name=safe_text(m.name or m.detail, 80),
                           reason=m.reason) for m in res.missing[:MAX_LISTED]]
            details += [tr("chat_warning", lang, text=warning_text(w, lang)) for w in res.warnings[:MAX_LISTED]]
        text = "\n".join(lines)
        self.status.setText(t("Chat imported. Open Chats… to read it and mark messages for the report."))
        self.refresh_items()
        self._open_dialog(MessageDialog(self, t("Chat imported"), text, "\n".join(details),
                                        show_details=bool(details)))

    def open_chats(self) -> ChatViewDialog | None:
        """The case's chats: read, search, mark for the report."""
        case_id = self.case_id
        if case_id is None or not self.service.is_unlocked:
            return None
        dlg = ChatViewDialog(self, self.service, case_id, self.worker, self._show_error)
        self.chat_view = dlg
        self._open_dialog(dlg)
        return dlg
