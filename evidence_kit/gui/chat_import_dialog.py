"""The "Import chat export" dialog: choose the export, see what it is, answer what it needs.

It asks everything the CLI asks: the time zone of a KakaoTalk or WhatsApp text (``--zone``),
the date order when the file cannot tell (``--date-order``), and which chats of a
full-account Telegram export (``--chat``). Detection and the import itself run in
:mod:`.chat_actions` on the worker; this dialog only collects the answers.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.chat.timeutil import computer_zone_name, resolve_zone
from ..core.common.errors import EvidenceKitError
from ..core.common.i18n import detection_text
from .chat_import import KOREA, ChatImportRequest, ExportInfo
from .dialogs import scrolled
from .display import safe_text
from .file_dialogs import choose_files, choose_folder
from .i18n import language, t
from .widgets import SafeLabel, fit_to_screen, make_button, named

log = logging.getLogger(__name__)

LOCAL = "local"  # the core's word for "this computer's zone"
OTHER = "other"


def zone_choices() -> list[tuple[str, str]]:
    """(shown, value) for the zone list; the value is what the core's ``zone`` takes."""
    return [
        (t("Korea (Seoul, UTC+9)"), KOREA),
        (t("Japan (Tokyo, UTC+9)"), "Asia/Tokyo"),
        (t("China (Beijing, UTC+8)"), "Asia/Shanghai"),
        (t("Vietnam (Ho Chi Minh City, UTC+7)"), "Asia/Ho_Chi_Minh"),
        (t("Philippines (Manila, UTC+8)"), "Asia/Manila"),
        (t("United States, Pacific time"), "America/Los_Angeles"),
        (t("United States, Eastern time"), "America/New_York"),
        (t("United Kingdom (London)"), "Europe/London"),
        (t("Central Europe (Berlin, Paris)"), "Europe/Berlin"),
        (t("UTC"), "UTC"),
        (t("This computer's time zone"), LOCAL),
        (t("Another zone (type it below)"), OTHER),
    ]


class ChatImportDialog(QDialog):
    """Step 1: choose. Step 2: what was found, and the questions it needs answered."""

    paths_chosen = Signal(object)  # list[Path]: the actions detect them on the worker

    def __init__(self, parent: QWidget | None, *, korean_case: bool) -> None:
        super().__init__(parent)
        self.setWindowTitle(t("Import a chat export"))
        self.setModal(True)
        self.korean_case = korean_case
        self.info: ExportInfo | None = None
        lay = QVBoxLayout(self)
        intro = QLabel(t("Choose what the chat app exported: a Telegram export folder (or its result.json), a "
                         "KakaoTalk .txt, .csv or .zip, or a WhatsApp .txt or .zip. Nothing is stored until you "
                         "press Import; then every file is sealed in the vault as it is."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        row = QHBoxLayout()
        self.folder_button = make_button(t("Choose a folder…"), self.choose_folder)
        self.files_button = make_button(t("Choose files…"), self.choose_files)
        row.addWidget(self.folder_button)
        row.addWidget(self.files_button)
        row.addStretch(1)
        lay.addLayout(row)
        # The questions scroll rather than squeeze (a wrapped label in a squeezed group is cut off).
        body = QWidget()
        inner = QVBoxLayout(body)
        inner.setContentsMargins(0, 0, 0, 0)
        self.found = named(SafeLabel(wrap=True, data=True), t("What was found"))
        inner.addWidget(self.found)
        inner.addWidget(self._build_chats())
        inner.addWidget(self._build_zone())
        inner.addWidget(self._build_order())
        inner.addStretch(1)
        lay.addWidget(scrolled(body), 1)
        self.problem = named(SafeLabel(wrap=True), t("What is still needed"))
        self.problem.setStyleSheet("color: #8e1b1b;")
        lay.addWidget(self.problem)
        self.buttons = QDialogButtonBox()
        self.import_button = named(self.buttons.addButton(t("Import"), QDialogButtonBox.ButtonRole.AcceptRole),
                                   t("Import"))
        cancel = self.buttons.addButton(t("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        named(cancel, t("Cancel"))
        self.buttons.accepted.connect(self._try_accept)
        self.buttons.rejected.connect(self.reject)
        lay.addWidget(self.buttons)
        self.show_info(None)
        fit_to_screen(self, 620, 560)

    # ------------------------------------------------------------------ build

    def _build_chats(self) -> QGroupBox:
        self.chats_box = QGroupBox(t("Which chats?"))
        lay = QVBoxLayout(self.chats_box)
        note = QLabel(t("This is a whole-account Telegram export. Tick the chats to import; each one is "
                        "imported as its own chat."))
        note.setWordWrap(True)
        lay.addWidget(note)
        self.chat_model = QStandardItemModel(self)
        self.chat_list = named(QListView(), t("Chats in the export"))
        self.chat_list.setModel(self.chat_model)
        self.chat_list.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.chat_list.setProperty("untrusted", True)  # chat names are the export's words
        self.chat_model.itemChanged.connect(lambda _i: self._update_ok())
        lay.addWidget(self.chat_list)
        return self.chats_box

    def _build_zone(self) -> QGroupBox:
        self.zone_box = QGroupBox(t("Time zone of the phone or computer that made the export"))
        lay = QVBoxLayout(self.zone_box)
        self.zone_why = QLabel()
        self.zone_why.setWordWrap(True)
        lay.addWidget(self.zone_why)
        self.zone_combo = named(QComboBox(), t("Time zone"))
        self.zone_combo.addItem(t("Choose the time zone…"), "")
        for shown, value in zone_choices():
            self.zone_combo.addItem(shown, value)
        here = self.zone_combo.findData(LOCAL)
        self.zone_combo.setItemData(here, computer_zone_name(), Qt.ItemDataRole.ToolTipRole)
        self.zone_combo.currentIndexChanged.connect(lambda _i: self._zone_changed())
        lay.addWidget(self.zone_combo)
        self.zone_other = named(QLineEdit(), t("Other time zone"))
        self.zone_other.setPlaceholderText(t("A zone name or an offset such as +09:00"))
        self.zone_other.textChanged.connect(lambda _s: self._update_ok())
        lay.addWidget(self.zone_other)
        return self.zone_box

    def _build_order(self) -> QGroupBox:
        self.order_box = QGroupBox(t("How are the dates written?"))
        lay = QVBoxLayout(self.order_box)
        why = QLabel(t("Every date in this file could be read two ways (no day is above 12). Choose the date "
                       "style of the phone that exported it. Your answer is recorded in the custody log."))
        why.setWordWrap(True)
        lay.addWidget(why)
        self.order_group = QButtonGroup(self)
        self.order_buttons: dict[str, QRadioButton] = {}
        for value, text in (("dmy", t("Day/month/year: 01/02/2024 is 1 February")),
                            ("mdy", t("Month/day/year: 01/02/2024 is January 2")),
                            ("ymd", t("Year/month/day: 2024/01/02 is January 2"))):
            b = named(QRadioButton(text), text)
            self.order_group.addButton(b)
            self.order_buttons[value] = b
            b.toggled.connect(lambda _on: self._update_ok())
            lay.addWidget(b)
        return self.order_box

    # ---------------------------------------------------------------- choose

    def choose_folder(self) -> None:
        path = choose_folder(self, t("Choose the chat export folder"))
        if path is not None:
            self.set_paths([path])

    def choose_files(self) -> None:
        paths = choose_files(self, t("Choose the chat export file (all parts of a split chat)"))
        if paths:
            self.set_paths(paths)

    def set_paths(self, paths: list[Path]) -> None:
        """Forget the last export and ask for these paths to be detected."""
        self.show_info(None)
        names = ", ".join(p.name for p in paths[:4]) + (" …" if len(paths) > 4 else "")
        self.found.setText(t("Looking at {names}…", names=names))
        for b in (self.folder_button, self.files_button):
            b.setEnabled(False)  # one detection at a time; show_info gives them back
        self.paths_chosen.emit(list(paths))

    # ------------------------------------------------------------------ show

    def show_info(self, info: ExportInfo | None) -> None:
        """What was found, and only the questions this export needs."""
        self.info = info
        for b in (self.folder_button, self.files_button):
            b.setEnabled(True)
        self.chats_box.setVisible(bool(info and info.account_chats))
        self.zone_box.setVisible(bool(info and info.needs_zone))
        self.order_box.setVisible(bool(info and info.needs_date_order))
        if info is None:
            self.found.setText(t("Nothing chosen yet."))
            self._update_ok()
            return
        self.found.setText(found_text(info))
        self.chat_model.clear()
        for sub, title in info.account_chats:
            item = QStandardItem(f"{safe_text(title, 120)}  ({sub})")
            item.setData(sub, Qt.ItemDataRole.UserRole)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.chat_model.appendRow(item)
        self._preset_zone(info)
        self.order_group.setExclusive(False)  # an exclusive group cannot be cleared otherwise
        for radio in self.order_buttons.values():
            radio.setChecked(False)
        self.order_group.setExclusive(True)
        self._update_ok()

    def _preset_zone(self, info: ExportInfo) -> None:
        if info.korean_format:
            why = t("The file is in a Korean format, so its times are taken as Korean time. If the phone was set "
                    "to another zone, choose it. Your choice is recorded in the custody log.")
        else:
            why = t("Chat exports from KakaoTalk and WhatsApp write times without a time zone, so the app cannot "
                    "tell when a message was sent unless you say where the phone's clock was set. Your choice is "
                    "recorded in the custody log.")
        self.zone_why.setText(why)
        korean = info.korean_format or self.korean_case or language() == "ko"
        self.zone_combo.setCurrentIndex(self.zone_combo.findData(KOREA) if korean else 0)
        self.zone_other.clear()
        self._zone_changed()

    def _zone_changed(self) -> None:
        self.zone_other.setVisible(self.zone_combo.currentData() == OTHER)
        self._update_ok()

    # --------------------------------------------------------------- answers

    def chosen_chats(self) -> list[str]:
        out = []
        for i in range(self.chat_model.rowCount()):
            item = self.chat_model.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def _zone_value(self) -> str:
        value = str(self.zone_combo.currentData() or "")
        return self.zone_other.text().strip() if value == OTHER else value

    def zone(self) -> str | None:
        """The zone to pass on; None lets the core take Asia/Seoul for a Korean-format export."""
        if self.info is None or not self.info.needs_zone:
            return None
        value = self._zone_value()
        if value == KOREA and self.info.korean_format:
            return None  # recorded as "korean-locale", exactly as the CLI does without --zone
        return value or None

    def date_order(self) -> str | None:
        return next((v for v, b in self.order_buttons.items() if b.isChecked()), None)

    def request(self) -> ChatImportRequest:
        assert self.info is not None
        return ChatImportRequest(self.info.paths, self.zone(), self.date_order(), self.chosen_chats())

    def missing(self) -> str:
        """What must still be answered, in words; "" when Import can go ahead."""
        info = self.info
        if info is None:
            return t("Choose the export first.")
        if info.account_chats and not self.chosen_chats():
            return t("Tick at least one chat.")
        if info.needs_zone and not self._zone_value():
            return t("Choose the time zone.")
        if info.needs_zone and self.zone_combo.currentData() == OTHER:
            try:
                resolve_zone(self.zone_other.text())
            except EvidenceKitError as e:
                return e.message(language())
        if info.needs_date_order and self.date_order() is None:
            return t("Choose how the dates are written.")
        return ""

    def _update_ok(self) -> None:
        need = self.missing()
        self.import_button.setEnabled(not need)
        self.problem.setText(need if self.info is not None else "")

    def _try_accept(self) -> None:
        if not self.missing():
            self.accept()


def found_text(info: ExportInfo) -> str:
    """The calm sentence about what the export is."""
    d = info.detected
    lines = [t("Found: {label}", label=d.label)]
    if info.account_chats:  # the detection looked at the first chat only: say nothing about it alone
        lines.append(t("{n} chat(s) in this export.", n=len(info.account_chats)))
    else:
        if d.title:
            lines.append(t("Chat: {title}", title=safe_text(d.title, 120)))
        if d.texts:
            lines.append(t("Chat text: {names}", names=", ".join(safe_text(n, 80) for n in d.texts[:4])))
        if d.media_files:
            lines.append(t("{n} other file(s) (pictures, videos, documents) come with it.", n=d.media_files))
        if d.detected_by:  # which lines told the format apart (issue 18); also in the custody log
            lines.append(t("How this was recognised:"))
            lang = language()
            shown = d.detected_by if len(d.detected_by) <= 4 else [*d.detected_by[:3], d.detected_by[-1]]
            lines += ["  · " + safe_text(detection_text(x, lang), 160) for x in shown]
    lines.append(t("The message count is known after the import."))
    return "\n".join(lines)
