"""The capture dialog (issue 5): what to capture, sets of parts, where it is from."""

from __future__ import annotations

import logging
from typing import Protocol

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.common.errors import EvidenceKitError
from ..core.common.model import AddResult
from ..core.evidence.capture import (
    DELAYS,
    MODE_ALL,
    MODE_REGION,
    MODE_SCREEN,
    MODE_WINDOW,
    BlankCaptureError,
    CaptureRequest,
)
from ..core.evidence.capture_env import CaptureEnvironment, request_macos_screen_permission
from ..core.evidence.capture_store import CaptureSession
from .dialogs import scrolled
from .display import safe_text
from .i18n import language, t
from .models import exhibit_label
from .screen_grabber import QtScreenGrabber
from .source_form import SourceForm
from .widgets import SafeLabel, fit_to_screen, make_button, named

log = logging.getLogger(__name__)


class CaptureFlowView(Protocol):
    """What the dialog needs of the capture flow (:class:`.capture.CaptureFlow`), which opens it."""

    grabber: QtScreenGrabber

    def possible(self) -> tuple[bool, str]: ...
    def environment(self) -> CaptureEnvironment: ...
    def session_for_case(self) -> CaptureSession: ...


def _mode_text(mode: str) -> str:
    return {
        MODE_SCREEN: t("Whole screen"),
        MODE_ALL: t("All screens together"),
        MODE_REGION: t("An area I choose (drag over a still picture of the screen)"),
        MODE_WINDOW: t("One window"),
    }[mode]


def _delay_text(seconds: int) -> str:
    return t("No delay") if seconds == 0 else t("{n} seconds", n=seconds)


class CaptureDialog(QDialog):
    """Choose what to capture and where it is from. Stays open for the next part."""

    capture_requested = Signal(object, object)  # CaptureRequest, Source
    import_requested = Signal()

    def __init__(self, parent: QWidget | None, flow: CaptureFlowView) -> None:
        super().__init__(parent)
        self.flow = flow
        self.setWindowTitle(t("Capture the screen"))
        ok, why = flow.possible()
        intro = SafeLabel(t("The picture goes straight into the encrypted vault; it is never saved as a file. "
                            "This app's windows are hidden while the picture is taken."), wrap=True)
        self._build_unavailable(why)
        self.unavailable.setVisible(not ok)
        left = QVBoxLayout()
        left.addWidget(self._build_what())
        left.addWidget(self._build_sets())
        left.addStretch(1)
        cols = QGridLayout()
        cols.addLayout(left, 0, 0)
        cols.addWidget(self._build_source(), 0, 1)
        cols.setColumnStretch(0, 2)
        cols.setColumnStretch(1, 3)
        self.outcome = SafeLabel(wrap=True)
        named(self.outcome, t("Result"))
        self._build_buttons()

        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.unavailable)
        lay.addLayout(cols, 1)
        lay.addWidget(self.outcome)
        lay.addWidget(self.buttons)
        self._possible = ok
        self.refresh_windows()
        self._sync_set()
        self._update()
        fit_to_screen(self, 900, 600)

    def _build_unavailable(self, why: str) -> None:
        """When capture is impossible here: why, and the file-import fallback."""
        self.unavailable = QFrame()
        self.unavailable.setFrameShape(QFrame.Shape.StyledPanel)
        self.unavailable.setStyleSheet("QFrame { background: #fff4e5; border: 1px solid #e0a040; }"
                                       "QLabel { border: none; }")
        ul = QVBoxLayout(self.unavailable)
        self.unavailable_text = SafeLabel(why, wrap=True)
        named(self.unavailable_text, t("Why capture is not possible"))
        ul.addWidget(self.unavailable_text)
        urow = QHBoxLayout()
        self.import_button = make_button(t("Import a screenshot file…"), self._import)
        urow.addWidget(self.import_button)
        self.permission_button = make_button(t("Ask macOS for permission"), self._ask_permission)
        self.permission_button.setVisible(self.flow.environment().system == "macos")
        urow.addWidget(self.permission_button)
        urow.addStretch(1)
        ul.addLayout(urow)

    def _build_what(self) -> QGroupBox:
        what = QGroupBox(t("What to capture"))
        wl = QVBoxLayout(what)
        self.modes = QButtonGroup(self)
        self.mode_buttons: dict[str, QRadioButton] = {}
        for i, mode in enumerate((MODE_SCREEN, MODE_ALL, MODE_REGION, MODE_WINDOW)):
            rb = named(QRadioButton(_mode_text(mode)), _mode_text(mode))
            self.modes.addButton(rb, i)
            self.mode_buttons[mode] = rb
            wl.addWidget(rb)
            if mode == MODE_SCREEN:
                wl.addWidget(self._indent(self._build_screen_combo()))
            if mode == MODE_WINDOW:
                wl.addWidget(self._indent(self._build_window_row()))
                self.window_note = SafeLabel(wrap=True)
                wl.addWidget(self._indent(self.window_note))
        self.mode_buttons[MODE_ALL].setVisible(len(self.flow.grabber.screens()) > 1)
        self.mode_buttons[MODE_SCREEN].setChecked(True)
        self.modes.idToggled.connect(lambda _id, _on: self._update())

        form = QFormLayout()
        self.delay = named(QComboBox(), t("Delay"))
        for seconds in DELAYS:
            self.delay.addItem(_delay_text(seconds), seconds)
        self.delay.setToolTip(t("Time to open a menu or scroll before the picture is taken."))
        form.addRow(t("Delay"), self.delay)
        wl.addLayout(form)
        return what

    def _build_screen_combo(self) -> QComboBox:
        self.screen_combo = named(QComboBox(), t("Screen"))
        self.screen_combo.setProperty("untrusted", True)  # monitor names come from the system
        for s in self.flow.grabber.screens():
            g = s.geometry
            label = f"{safe_text(s.name, 40)} — {g.width}×{g.height}"
            if s.primary:
                label += " " + t("(main)")
            self.screen_combo.addItem(label, s.name)
        return self.screen_combo

    def _build_window_row(self) -> QWidget:
        self.window_combo = named(QComboBox(), t("Window"))
        self.window_combo.setProperty("untrusted", True)  # other programs' titles
        self.window_combo.setMinimumContentsLength(30)
        self.window_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.refresh_button = make_button(t("Refresh the list"), self.refresh_windows)
        row = QWidget()
        rl = QHBoxLayout(row)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.window_combo, 1)
        rl.addWidget(self.refresh_button)
        return row

    def _build_sets(self) -> QGroupBox:
        """Sets of parts: several captures of one conversation, kept together in order."""
        sets = QGroupBox(t("Several parts of one conversation"))
        sl = QVBoxLayout(sets)
        self.in_set = named(QCheckBox(t("Keep these captures together as one set, in order")),
                            t("Keep these captures together as one set, in order"))
        self.set_label = named(QLineEdit(), t("Name of the set"))
        self.set_label.setPlaceholderText(t("e.g. Telegram chat with the account, scrolled"))
        self.part_label = SafeLabel()
        self.new_set_button = make_button(t("Start a new set"), self._new_set)
        sl.addWidget(self.in_set)
        sl.addWidget(self.set_label)
        prow = QHBoxLayout()
        prow.addWidget(self.part_label, 1)
        prow.addWidget(self.new_set_button)
        sl.addLayout(prow)
        self.in_set.toggled.connect(self._set_toggled)
        self.set_label.editingFinished.connect(self._label_changed)
        return sets

    def _build_source(self) -> QGroupBox:
        source_box = QGroupBox(t("Where is this from? (optional, kept for the next capture)"))
        srl = QVBoxLayout(source_box)
        self.form = SourceForm()
        self.form.set_source(self.flow.session_for_case().prefill())
        srl.addWidget(scrolled(self.form))
        return source_box

    def _build_buttons(self) -> None:
        self.buttons = QDialogButtonBox()
        self.capture_button = self.buttons.addButton(t("Capture"), QDialogButtonBox.ButtonRole.ActionRole)
        named(self.capture_button, t("Capture"))
        self.capture_button.setDefault(True)
        self.capture_button.clicked.connect(lambda _c=False: self.request_capture())
        close = self.buttons.addButton(t("Close"), QDialogButtonBox.ButtonRole.RejectRole)
        named(close, t("Close"))
        self.buttons.rejected.connect(self.reject)

    @staticmethod
    def _indent(w: QWidget) -> QWidget:
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(24, 0, 0, 0)
        lay.addWidget(w)
        return box

    # -- state

    def mode(self) -> str:
        for mode, rb in self.mode_buttons.items():
            if rb.isChecked():
                return mode
        return MODE_SCREEN

    def set_mode(self, mode: str) -> None:
        self.mode_buttons[mode].setChecked(True)

    def refresh_windows(self) -> None:
        grabber = self.flow.grabber
        current = self.window_combo.currentData()
        self.window_combo.clear()
        if not grabber.can_list_windows:
            self.window_note.setText(t("Window capture needs an X11 desktop with the xprop and xwininfo tools. "
                                       "Capture an area instead."))
        else:
            for w in grabber.windows():
                title = safe_text(w.title, 80) or t("(untitled)")
                app = safe_text(w.app or w.process, 40)
                self.window_combo.addItem(f"{title} — {app}" if app else title, w.id)
            ko, en = grabber.permission_note  # macOS: titles hidden until Screen Recording is allowed
            permission = ko if language() == "ko" else en
            empty = t("No other windows are open.")
            self.window_note.setText("" if self.window_combo.count() else (permission or empty))
            idx = self.window_combo.findData(current)
            if idx >= 0:
                self.window_combo.setCurrentIndex(idx)
        self._update()

    def select_window(self, wid: int) -> bool:
        idx = self.window_combo.findData(wid)
        if idx >= 0:
            self.window_combo.setCurrentIndex(idx)
        return idx >= 0

    def _update(self) -> None:
        mode = self.mode()
        windows_ok = self.window_combo.count() > 0
        self.mode_buttons[MODE_WINDOW].setEnabled(self.flow.grabber.can_list_windows)
        self.screen_combo.setEnabled(mode == MODE_SCREEN and self.screen_combo.count() > 1)
        self.window_combo.setEnabled(mode == MODE_WINDOW and windows_ok)
        self.refresh_button.setEnabled(mode == MODE_WINDOW and self.flow.grabber.can_list_windows)
        self.window_note.setVisible(bool(self.window_note.full_text()))
        can = self._possible and (mode != MODE_WINDOW or windows_ok)
        self.capture_button.setEnabled(can)

    def _sync_set(self) -> None:
        group = self.flow.session_for_case().group
        self.in_set.blockSignals(True)
        self.in_set.setChecked(group is not None)
        self.in_set.blockSignals(False)
        self.set_label.setEnabled(group is not None)
        self.new_set_button.setEnabled(group is not None)
        if group is not None:
            if not self.set_label.hasFocus():
                self.set_label.setText(group.label)
            self.part_label.setText(t("The next capture is part {n} of the set.", n=group.next_part))
        else:
            self.part_label.setText("")

    def _set_toggled(self, on: bool) -> None:
        session = self.flow.session_for_case()
        if on:
            session.start_group(self.set_label.text())
        else:
            session.end_group()
        self._sync_set()

    def _label_changed(self) -> None:
        group = self.flow.session_for_case().group
        if group is not None and group.next_part == 1:
            group.label = self.set_label.text().strip()  # named before its first part only

    def _new_set(self) -> None:
        self.set_label.clear()
        self.flow.session_for_case().start_group("")
        self._sync_set()
        self.set_label.setFocus()

    def request(self) -> CaptureRequest:
        mode = self.mode()
        delay = int(self.delay.currentData() or 0)
        if mode == MODE_SCREEN:
            return CaptureRequest(MODE_SCREEN, screen=self.screen_combo.currentData(), delay_s=delay)
        if mode == MODE_WINDOW:
            return CaptureRequest(MODE_WINDOW, window_id=int(self.window_combo.currentData()), delay_s=delay)
        return CaptureRequest(mode, delay_s=delay)

    def request_capture(self) -> None:
        if not self.capture_button.isEnabled():
            return
        self._label_changed()
        self.outcome.setText("")
        self.capture_requested.emit(self.request(), self.form.source())

    # -- results

    def show_stored(self, res: AddResult) -> None:
        item = res.item
        if res.duplicate:
            text = t("This picture is identical to {exhibit}; it was not stored twice.", exhibit=exhibit_label(item))
        elif item.group_part:
            text = t("Saved as {exhibit}, part {n} of the set. Scroll to the next part and capture again, "
                     "or close this window.", exhibit=exhibit_label(item), n=item.group_part)
        else:
            text = t("Saved as {exhibit}. You can capture again, or close this window.", exhibit=exhibit_label(item))
        self.outcome.setText(text)
        self._sync_set()

    def show_problem(self, error: BaseException) -> None:
        if isinstance(error, EvidenceKitError):
            self.outcome.setText(error.message(language()))
        else:
            self.outcome.setText(t("Something unexpected went wrong. Evidence that was already saved is safe."))
        if isinstance(error, BlankCaptureError):
            self.unavailable_text.setText(error.message(language()))
            self.unavailable.setVisible(True)

    def _import(self) -> None:
        self.reject()
        self.import_requested.emit()

    def _ask_permission(self) -> None:
        granted = request_macos_screen_permission()
        self.unavailable_text.setText(
            t("Permission is on. Quit the app completely and open it again to capture.") if granted else
            t("Turn on this app under System Settings > Privacy & Security > Screen Recording, then quit the app "
              "completely and open it again."))


