"""Screen capture in the desktop app (issue 5): the capture flow and the tray icon.

The parts live beside it: :mod:`.x11_windows` (other programs' windows),
:mod:`.screen_grabber` (pixels), :mod:`.region_selector`, :mod:`.capture_controller`
(hide, wait, grab, show again) and :mod:`.capture_dialog`.

The flow of one capture: the app hides every one of its windows, waits for the window
system to repaint what was behind them (and for the chosen delay), reads the pixels
(``QScreen.grabWindow``), shows its windows again, then encodes the picture as PNG in
memory (``QBuffer``, never a file) on the worker thread and seals it into the vault
through :mod:`evidence_kit.core.evidence.capture`. A region is chosen by dragging over a frozen
picture of the screen, so the selector itself is never in the evidence.

Window lists, titles and geometry come from the X11 window manager (EWMH) through
``xprop`` and ``xwininfo``; ``xdotool`` (when installed) brings a window to the front.
Elsewhere window capture is not offered and the context says the active window is not
exposed. Window titles are evidence: they are never logged above DEBUG and are shown
only through :func:`safe_text` in plain-text widgets.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDialog, QMenu, QSystemTrayIcon, QWidget

from ..core.common.model import AddResult, Source
from ..core.evidence.capture import (
    MODE_REGION,
    MODE_SCREEN,
    CaptureEnvironment,
    CaptureError,
    CaptureRequest,
    CaptureResult,
    CaptureSession,
    check_capture_possible,
    detect_environment,
)
from ..core.service import EvidenceService
from .capture_controller import HIDE_SETTLE_MS, CaptureController
from .capture_dialog import CaptureDialog
from .display import safe_text
from .i18n import language, t
from .models import exhibit_label
from .screen_grabber import Grab, QtScreenGrabber
from .worker import JobContext, Worker

log = logging.getLogger(__name__)


class CaptureFlow(QObject):
    """Capture, then store: the one path the dialog, the menu and the tray icon use."""

    stored = Signal(object)  # AddResult
    problem = Signal(object)  # an exception (already shown)

    def __init__(
        self,
        parent: QWidget,
        *,
        service: Callable[[], EvidenceService],
        worker: Worker,
        case_id: Callable[[], str | None],
        show_error: Callable[[BaseException], None],
        open_dialog: Callable[[QDialog], None],
        on_stored: Callable[[AddResult], None] | None = None,
        import_files: Callable[[], None] | None = None,
        grabber: QtScreenGrabber | None = None,
        settle_ms: int = HIDE_SETTLE_MS,
    ) -> None:
        super().__init__(parent)
        self.host = parent
        self._service = service
        self.worker = worker
        self._case_id = case_id
        self._show_error = show_error
        self._open_dialog = open_dialog
        self._on_stored = on_stored
        self._import_files = import_files
        self.grabber = grabber or QtScreenGrabber()
        self.controller = CaptureController(self.grabber, self, settle_ms=settle_ms)
        self.controller.grabbed.connect(self._grabbed)
        self.controller.failed.connect(self._failed)
        self.controller.countdown.connect(self._countdown)
        self.session = CaptureSession()
        self.redact_dialog: QDialog | None = None  # open while a record-only capture waits
        self.dialog: CaptureDialog | None = None
        self.tray: QSystemTrayIcon | None = None
        self._source: Source | None = None
        self._case_for_grab: str | None = None

    # -- state

    def environment(self) -> CaptureEnvironment:
        return detect_environment(qt_platform=QGuiApplication.platformName())

    def possible(self) -> tuple[bool, str]:
        ok, ko, en = check_capture_possible(self.environment())
        return ok, (ko if language() == "ko" else en)

    def session_for_case(self) -> CaptureSession:
        case_id = self._case_id()
        if self.session.case_id != case_id:
            self.session = CaptureSession(case_id)  # another case: another source, another set
        return self.session

    def problem_text(self) -> str | None:
        """Why a capture cannot start now, or None."""
        svc = self._service()
        if not svc.is_unlocked:
            return t("Unlock the vault first: captures are saved straight into it.")
        if not self._case_id():
            return t("Create a case first: evidence is kept in a case.")
        if self.controller.busy:
            return t("A capture is already in progress.")
        if self.worker.busy:
            return t("Wait until the current task has finished.")
        ok, why = self.possible()
        return None if ok else why

    # -- entry points

    def open_dialog(self) -> CaptureDialog | None:
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        if not self._service().is_unlocked or not self._case_id():
            problem = self.problem_text()
            if problem:
                self._tell(problem)
            return None
        dlg = CaptureDialog(self.host, self)
        dlg.capture_requested.connect(self.capture)
        dlg.import_requested.connect(self.import_instead)
        dlg.finished.connect(lambda _r: self._dialog_closed(dlg))
        self.dialog = dlg
        self._open_dialog(dlg)
        return dlg

    def _dialog_closed(self, dlg: CaptureDialog) -> None:
        if self.dialog is dlg:
            self.dialog = None

    def capture(self, request: CaptureRequest, source: Source | None = None) -> bool:
        """Start a capture; the result arrives through ``stored`` or ``problem``."""
        problem = self.problem_text()
        if problem:
            self._tell(problem)
            return False
        session = self.session_for_case()
        self._source = source if source is not None else session.prefill()
        self._case_for_grab = session.case_id
        return self.controller.start(request)

    def import_instead(self) -> None:
        if self._import_files is not None:
            self._import_files()

    def forget(self, *, restore: bool = True) -> None:
        """The vault locked: stop any capture, forget the session's sources and sets."""
        self.controller.abort(restore=restore)
        self.session = CaptureSession()
        self._source = None
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.reject()
        self.dialog = None

    def shutdown(self) -> None:
        """Quick exit or quit: stop at once, bring nothing back on screen, remove the tray icon."""
        self.forget(restore=False)
        if self.tray is not None:
            self.tray.hide()

    # -- results

    def _grabbed(self, grab: Grab) -> None:
        svc = self._service()
        session = self.session
        source = self._source or Source()
        if not svc.is_unlocked or session.case_id != self._case_for_grab or session.case_id is None:
            log.info("capture dropped: the vault locked or the case changed meanwhile")
            return

        if svc.is_record_only(session.case_id):
            # Record-only case (issue 9): only a redacted version will be stored, so the person
            # first chooses what to hide (chat text stays readable, the picture goes black).
            def encode(ctx: JobContext) -> CaptureResult:
                return grab.result()  # PNG in memory, on the worker thread

            self.worker.start(
                encode,
                name="capture-encode",
                on_done=lambda result: self._choose_hidden(result, source),
                on_error=self._failed,
            )
            return

        def run(ctx: JobContext) -> AddResult:
            result = grab.result()  # PNG in memory, on the worker thread
            return session.store(svc, result, source)

        self.worker.start(run, name="capture", on_done=self._stored, on_error=self._failed)

    def _choose_hidden(self, result: CaptureResult, source: Source) -> None:
        from .redact_dialog import RedactDialog

        svc, session, case_id = self._service(), self.session, self.session.case_id
        parent = self.dialog if self.dialog is not None and shiboken6.isValid(self.dialog) else self.host
        def log_view() -> None:
            if case_id is not None:
                svc.vault.log_event("view", case_id=case_id, data={"stage": "before-recording", "what": "capture"})

        dlg = RedactDialog(parent, result.png, record_only=True, log_view=log_view)
        self.redact_dialog = dlg

        def chosen(code: int) -> None:
            self.redact_dialog = None
            dlg.take_data()  # the dialog forgets its copy; ``result`` is the only one left
            if code != QDialog.DialogCode.Accepted or not svc.is_unlocked or self.session.case_id != case_id:
                self._tell(t("Nothing was saved."))
                return
            regions = dlg.rects()

            def run(ctx: JobContext) -> AddResult:
                return session.store(svc, result, source, regions=regions)

            self.worker.start(run, name="capture", on_done=self._stored, on_error=self._failed)

        dlg.finished.connect(chosen)
        self._open_dialog(dlg)

    def _stored(self, res: AddResult) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog):
            self.dialog.show_stored(res)
            if not res.duplicate:  # ready for the next part: same place, new "when" and "why"
                self.dialog.form.set_source(self.session.prefill())
        if self._on_stored is not None:
            self._on_stored(res)
        self._tray_message(t("Saved as {exhibit}.", exhibit=exhibit_label(res.item)))
        self.stored.emit(res)

    def _failed(self, error: Exception) -> None:
        log.info("capture failed: %s", type(error).__name__)
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.show_problem(error)
        else:
            self._show_error(error)
        self.problem.emit(error)

    def _tell(self, text: str) -> None:
        if self.dialog is not None and shiboken6.isValid(self.dialog) and self.dialog.isVisible():
            self.dialog.outcome.setText(text)
        elif self.tray is not None and self.tray.isVisible() and not self.host.isVisible():
            self._tray_message(text)
        else:
            self._show_error(CaptureError("", ko=text, en=text))

    def _countdown(self, seconds: int) -> None:
        if self.tray is not None:
            self.tray.setToolTip(t("Capturing in {n} s…", n=seconds) if seconds else self.host.windowTitle())

    def _tray_message(self, text: str) -> None:
        if self.tray is not None and self.tray.isVisible() and QSystemTrayIcon.supportsMessages():
            self.tray.showMessage(self.host.windowTitle(), text, QSystemTrayIcon.MessageIcon.Information, 2500)


# --------------------------------------------------------------------- tray


def make_tray(flow: CaptureFlow, window: QWidget) -> QSystemTrayIcon | None:
    """A tray icon with capture actions, so a capture can start while the app is in the background."""
    if not QSystemTrayIcon.isSystemTrayAvailable():
        return None
    tray = QSystemTrayIcon(window.windowIcon(), flow)
    menu = QMenu(window)  # owned by the window: deleted with it

    def show_window() -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()

    def open_dialog() -> None:
        show_window()
        flow.open_dialog()

    def rebuild() -> None:
        """Built each time it opens: always in the current language, with what is possible now."""
        menu.clear()
        blocked = flow.problem_text()
        for text, mode in ((t("Capture the whole screen"), MODE_SCREEN), (t("Capture an area"), MODE_REGION)):
            a = menu.addAction(text)
            a.setEnabled(blocked is None)
            a.triggered.connect(lambda _c=False, m=mode: flow.capture(CaptureRequest(m)))
        more = menu.addAction(t("Capture screen…"))
        more.setEnabled(blocked is None)
        more.triggered.connect(lambda _c=False: open_dialog())
        if blocked:
            note = menu.addAction(safe_text(blocked, 120))
            note.setEnabled(False)
        menu.addSeparator()
        menu.addAction(t("Show the window")).triggered.connect(lambda _c=False: show_window())

    menu.aboutToShow.connect(rebuild)
    rebuild()
    tray.setContextMenu(menu)
    tray.setToolTip(window.windowTitle())
    window.windowIconChanged.connect(tray.setIcon)
    window.windowTitleChanged.connect(tray.setToolTip)
    tray.activated.connect(
        lambda reason: show_window() if reason == QSystemTrayIcon.ActivationReason.Trigger else None)
    tray.show()
    return tray
