"""The screens before the vault is open: welcome, create, recovery key, unlock.

Pages only collect input and show state; the main window calls the service (on the
worker) and tells the page how it went.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ..core.crypto.keys import MIN_PASSPHRASE_CHARS, passphrase_strength
from .dialogs import scrolled
from .i18n import t
from .recovery_key import RecoveryKeyView
from .widgets import SafeLabel, make_button, named

PAGE_MAX_WIDTH = 640


def title_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    f = QFont(label.font())
    f.setPointSizeF(f.pointSizeF() * 1.6)
    f.setBold(True)
    label.setFont(f)
    label.setAccessibleName(text)
    return label


def error_label() -> SafeLabel:
    label = SafeLabel(wrap=True)
    label.setStyleSheet("color: #b00020; font-weight: bold;")
    named(label, t("Error"))
    return label


def quick_exit_hint() -> SafeLabel:
    label = SafeLabel(t("Quick exit at any time: press Esc twice, or Ctrl+Shift+Q."), wrap=True)
    label.setStyleSheet("color: palette(mid);")
    return label


class Page(QWidget):
    """A centred column of content that scrolls when the window is small or scaled up."""

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = QWidget()
        self.column.setMaximumWidth(PAGE_MAX_WIDTH)
        self.body = QVBoxLayout(self.column)
        self.body.setSpacing(12)
        top = QHBoxLayout()
        top.addStretch(1)
        self.ko_button = make_button("한국어", lambda: self.language_chosen.emit("ko"))
        self.en_button = make_button("English", lambda: self.language_chosen.emit("en"))
        for b in (self.ko_button, self.en_button):
            b.setFlat(True)
            top.addWidget(b)
        holder = QWidget()
        h = QHBoxLayout(holder)
        h.addStretch(1)
        h.addWidget(self.column, 3)
        h.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addLayout(top)
        outer.addWidget(scrolled(holder), 1)

    def finish(self) -> None:
        self.body.addStretch(1)
        self.body.addWidget(quick_exit_hint())
        # Pages are not dialogs: Enter on a focused button presses it only if it is auto-default.
        for b in self.findChildren(QPushButton):
            b.setAutoDefault(True)


class WelcomePage(Page):
    create_requested = Signal()
    open_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addWidget(title_label(t("Welcome")))
        self.body.addWidget(SafeLabel(t(
            "This app keeps pictures, videos and messages safe and unchanged, so that you can give the police "
            "evidence they can trust. Everything stays encrypted on this computer. Nothing is sent anywhere."),
            wrap=True))
        self.body.addWidget(SafeLabel(t("You can stop at any time. What you have saved stays safe."), wrap=True))
        self.create_button = make_button(t("Create a new vault"), self.create_requested.emit, default=True)
        self.open_button = make_button(t("Open an existing vault…"), self.open_requested.emit)
        self.body.addWidget(self.create_button)
        self.body.addWidget(self.open_button)
        self.verify_button: QPushButton | None = None
        self.finish()

    def add_verify_button(self, slot: Callable[[], None]) -> None:
        """For police and anyone who received a bundle: no vault needed (issue 8)."""
        self.body.insertWidget(self.body.indexOf(self.open_button) + 1,
                               SafeLabel(t("Did you receive evidence from someone? You can check it without a vault."),
                                         wrap=True))
        self.verify_button = make_button(t("Verify a received bundle…"), slot)
        self.verify_button.setAutoDefault(True)
        self.body.insertWidget(self.body.indexOf(self.open_button) + 2, self.verify_button)


def strength_text(score: int) -> str:
    return {
        0: t("Too short: use at least {n} characters.", n=MIN_PASSPHRASE_CHARS),
        1: t("Weak: a longer sentence would be safer."),
        2: t("Fair."),
        3: t("Good."),
        4: t("Strong."),
    }[score]


class CreateVaultPage(Page):
    create_requested = Signal(str, str)  # passphrase, role
    back_requested = Signal()
    location_requested = Signal()

    def __init__(self, vault_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addWidget(title_label(t("Create your vault")))
        self.body.addWidget(SafeLabel(t(
            "Choose a passphrase: a short sentence only you know works well. Without it, or the recovery key, "
            "nobody can open the vault, not even us."), wrap=True))

        loc = QHBoxLayout()
        self.location = SafeLabel(str(vault_path), elide=Qt.TextElideMode.ElideMiddle, selectable=True, data=True)
        named(self.location, t("Vault location"))
        self.location_button = make_button(t("Change…"), self.location_requested.emit)
        loc.addWidget(QLabel(t("Location:")))
        loc.addWidget(self.location, 1)
        loc.addWidget(self.location_button)
        self.body.addLayout(loc)

        self.role_victim = named(QRadioButton(t("I am keeping evidence for myself")), t("For myself"))
        self.role_counselor = named(QRadioButton(t("I am a counselor or teacher helping someone")),
                                    t("As a counselor or teacher"))
        self.role_victim.setChecked(True)
        self.roles = QButtonGroup(self)
        self.roles.addButton(self.role_victim)
        self.roles.addButton(self.role_counselor)
        self.body.addWidget(self.role_victim)
        self.body.addWidget(self.role_counselor)

        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.passphrase = named(QLineEdit(), t("Passphrase"))
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = named(QLineEdit(), t("Passphrase again"))
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.show_chars = named(QCheckBox(t("Show what I type")), t("Show what I type"))
        self.show_chars.toggled.connect(self._show_toggled)
        self.meter = named(QProgressBar(), t("Passphrase strength"))
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(False)
        self.meter.setMaximumHeight(12)
        self.strength = SafeLabel(wrap=True)
        self.match = SafeLabel(wrap=True)
        form.addRow(t("Passphrase"), self.passphrase)
        form.addRow(t("Passphrase again"), self.repeat)
        form.addRow(self.show_chars)
        form.addRow(t("Strength"), self.meter)
        form.addRow(self.strength)
        form.addRow(self.match)
        self.body.addLayout(form)

        self.error = error_label()
        self.body.addWidget(self.error)
        self.busy = named(QProgressBar(), t("Working"))
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.busy_text = SafeLabel(wrap=True)
        self.body.addWidget(self.busy)
        self.body.addWidget(self.busy_text)
        row = QHBoxLayout()
        self.back_button = make_button(t("Back"), self.back_requested.emit)
        self.create_button = make_button(t("Create vault"), self._create, default=True)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.create_button)
        self.body.addLayout(row)
        self.finish()
        self.passphrase.textChanged.connect(self._update)
        self.repeat.textChanged.connect(self._update)
        self.passphrase.returnPressed.connect(self.repeat.setFocus)
        self.repeat.returnPressed.connect(self._create)
        self._update()

    def set_location(self, path: Path) -> None:
        self.location.setText(str(path))

    def role(self) -> str:
        return "counselor" if self.role_counselor.isChecked() else "victim"

    def _show_toggled(self, on: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password
        self.passphrase.setEchoMode(mode)
        self.repeat.setEchoMode(mode)

    def _update(self) -> None:
        pw, again = self.passphrase.text(), self.repeat.text()
        score = passphrase_strength(pw)
        self.meter.setValue(score)
        colour = ("#b00020", "#d9822b", "#c9a227", "#3c8d2f", "#2e7d32")[score]
        self.meter.setStyleSheet(f"QProgressBar::chunk {{ background: {colour}; }}")
        self.strength.setText(strength_text(score) if pw else "")
        self.meter.setAccessibleDescription(self.strength.full_text())
        if again and pw != again:
            self.match.setText(t("The two passphrases are not the same yet."))
        elif again:
            self.match.setText(t("The passphrases match."))
        else:
            self.match.setText("")
        self.create_button.setEnabled(score > 0 and pw == again)

    def _create(self) -> None:
        if self.create_button.isEnabled():
            self.error.setText("")
            self.create_requested.emit(self.passphrase.text(), self.role())

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy.setVisible(busy)
        self.busy_text.setText(text if busy else "")
        for w in (self.passphrase, self.repeat, self.back_button, self.location_button, self.role_victim,
                  self.role_counselor):
            w.setEnabled(not busy)
        if busy:
            self.create_button.setEnabled(False)
        else:
            self._update()

    def show_error(self, message: str) -> None:
        self.set_busy(False)
        self.error.setText(message)

    def forget(self) -> None:
        """Clear the typed passphrases from the widgets."""
        self.passphrase.clear()
        self.repeat.clear()


class RecoveryPage(Page):
    make_key_requested = Signal()
    done = Signal()

    def __init__(self, on_error: Callable[[BaseException], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._on_error = on_error
        self.body.addWidget(title_label(t("Your vault is ready")))
        self.intro = SafeLabel(t(
            "A recovery key opens the vault if the passphrase is ever forgotten. We recommend making one now "
            "and keeping it on paper, away from this computer."), wrap=True)
        self.body.addWidget(self.intro)
        self.make_button = make_button(t("Make a recovery key"), self.make_key_requested.emit, default=True)
        self.skip_button = make_button(t("Not now"), self.done.emit)
        self.body.addWidget(self.make_button)
        self.body.addWidget(self.skip_button)
        self.key_view: RecoveryKeyView | None = None
        self.continue_button = make_button(t("Continue"), self.done.emit)
        self.continue_button.setVisible(False)
        self.body.addWidget(self.continue_button)
        self.finish()

    def show_key(self, key: str) -> None:
        self.key_view = RecoveryKeyView(key, on_error=self._on_error)
        self.body.insertWidget(2, self.key_view)
        self.make_button.setVisible(False)
        self.skip_button.setVisible(False)
        self.continue_button.setVisible(True)
        self.continue_button.setDefault(True)
        self.continue_button.setEnabled(False)  # issue 16: only after "I have written it down"
        self.key_view.written.toggled.connect(self.continue_button.setEnabled)
        self.key_view.written.setFocus()


class UnlockPage(Page):
    unlock_requested = Signal(str, bool)  # secret, is the recovery key
    open_other_requested = Signal()

    def __init__(self, vault_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.body.addWidget(title_label(t("Unlock")))
        self.reason = SafeLabel(wrap=True)
        self.reason.setVisible(False)
        self.body.addWidget(self.reason)
        loc = QHBoxLayout()
        self.location = SafeLabel(str(vault_path), elide=Qt.TextElideMode.ElideMiddle, selectable=True, data=True)
        named(self.location, t("Vault location"))
        loc.addWidget(QLabel(t("Location:")))
        loc.addWidget(self.location, 1)
        self.body.addLayout(loc)
        self.prompt = SafeLabel(t("Enter your passphrase."), wrap=True)
        self.body.addWidget(self.prompt)
        self.secret = named(QLineEdit(), t("Passphrase"))
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret.returnPressed.connect(self._unlock)
        self.body.addWidget(self.secret)
        self.show_chars = named(QCheckBox(t("Show what I type")), t("Show what I type"))
        self.show_chars.toggled.connect(
            lambda on: self.secret.setEchoMode(QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password)
        )
        self.body.addWidget(self.show_chars)
        self.error = error_label()
        self.body.addWidget(self.error)
        self.busy = named(QProgressBar(), t("Working"))
        self.busy.setRange(0, 0)
        self.busy.setVisible(False)
        self.body.addWidget(self.busy)
        row = QHBoxLayout()
        self.recovery_toggle = make_button(t("Use the recovery key instead"), self._toggle_mode)
        self.unlock_button = make_button(t("Unlock"), self._unlock, default=True)
        row.addWidget(self.recovery_toggle)
        row.addStretch(1)
        row.addWidget(self.unlock_button)
        self.body.addLayout(row)
        self.open_other = make_button(t("Open a different vault…"), self.open_other_requested.emit)
        self.body.addWidget(self.open_other)
        self.using_recovery = False
        self.finish()

    def set_location(self, path: Path) -> None:
        self.location.setText(str(path))

    def set_reason(self, text: str) -> None:
        self.reason.setText(text)
        self.reason.setVisible(bool(text))

    def _toggle_mode(self) -> None:
        self.using_recovery = not self.using_recovery
        self.secret.clear()
        self.error.setText("")
        if self.using_recovery:
            self.prompt.setText(t("Enter the recovery key (the groups of letters and numbers)."))
            named(self.secret, t("Recovery key"))
            self.recovery_toggle.setText(t("Use the passphrase instead"))
        else:
            self.prompt.setText(t("Enter your passphrase."))
            named(self.secret, t("Passphrase"))
            self.recovery_toggle.setText(t("Use the recovery key instead"))
        self.recovery_toggle.setAccessibleName(self.recovery_toggle.text())
        self.secret.setFocus()

    def _unlock(self) -> None:
        if not self.secret.text() or not self.unlock_button.isEnabled():
            return
        self.error.setText("")
        self.unlock_requested.emit(self.secret.text(), self.using_recovery)

    def set_busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        for w in (self.secret, self.unlock_button, self.recovery_toggle, self.open_other, self.show_chars):
            w.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        """Wrong passphrase and friends: say so plainly, keep the person where they were."""
        self.set_busy(False)
        self.error.setText(message)
        self.secret.clear()
        self.secret.setFocus()

    def forget(self) -> None:
        self.secret.clear()
        self.error.setText("")
