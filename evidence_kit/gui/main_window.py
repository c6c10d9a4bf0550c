"""The main window: which screen is showing, locking, quick exit, menus, language and title."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QHBoxLayout, QMainWindow, QMenu, QStackedWidget, QWidget

from ..core.common.errors import EvidenceKitError, VaultExistsError, VaultNotFoundError
from ..core.common.model import AddResult
from ..core.crypto.keys import KdfParams
from ..core.service import EvidenceService
from ..core.vault.vault import Vault
from . import i18n
from .backup_dialog import hide_reminder, maybe_remind, start_backup
from .capture import CaptureFlow, make_tray
from .dialogs import MessageDialog, error_dialog, error_text, shortcuts_dialog
from .file_dialogs import choose_folder
from .focus import install_focus_ring
from .i18n import t
from .models import exhibit_label
from .pages import CreateVaultPage, RecoveryPage, UnlockPage, WelcomePage
from .passphrase_dialog import after_unlock, start_change_passphrase
from .recovery_key import RecoveryKeyDialog
from .reports import ReportActions, available
from .resources import icon_path
from .safety import IdleLock, SafetyFilter
from .settings import Settings, SettingsStore
from .settings_dialog import SettingsDialog
from .widgets import fit_to_screen, make_button
from .worker import JobContext, Worker
from .workspace import WorkspacePage

log = logging.getLogger(__name__)

APP_NAME = "Evidence Kit"
NEW_VAULT_FOLDER = "EvidenceKit"


def effective_language(settings: Settings) -> str:
    return settings.language or i18n.detect_language()


class MainWindow(QMainWindow):
    """Holds the service and the worker; every screen is rebuilt when the language changes."""

    exit_requested = Signal()  # quick exit: the app should quit now
    locked = Signal()

    def __init__(
        self,
        service: EvidenceService,
        settings: Settings,
        store: SettingsStore | None = None,
        *,
        kdf: KdfParams | None = None,
    ) -> None:
        super().__init__()
        self.service = service
        self.settings = settings
        self.store = store
        self.kdf = kdf  # tests pass cheap Argon2 parameters; the app calibrates
        self.worker = Worker(self)
        self.idle = IdleLock(settings.auto_lock_minutes, self)
        self.idle.timeout.connect(self.auto_lock)
        self.safety = SafetyFilter(self)
        self.safety.activity.connect(self.idle.poke)
        self.safety.quick_exit.connect(self.quick_exit)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self.safety)
        install_focus_ring()
        self._dialogs: list[QDialog] = []
        self._actions: list[QAction] = []
        self._backup_reminder: QWidget | None = None  # the backup reminder bar while it is shown (issue 20)
        self.capture_flow: CaptureFlow | None = self._install_capture()  # screen capture (issue 5)
        self.reports = ReportActions(self)
        self._exiting = False
        self._locking = False
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        fit_to_screen(self, 1200, 800)  # never larger than the screen (200 % scaling, small laptops)
        self._build()
        self.worker.busy_changed.connect(lambda _b: self._update_actions())
        self.start()

    # ------------------------------------------------------------------ build

    def _build(self) -> None:
        """Create every screen and menu in the current language."""
        old = [w for i in range(self.stack.count()) if (w := self.stack.widget(i)) is not None]
        for w in old:
            self.stack.removeWidget(w)
            w.deleteLater()
        path = self.service.vault_path
        self.welcome = WelcomePage()
        self.create_page = CreateVaultPage(path)
        self.recovery_page = RecoveryPage(self.show_error)
        self.unlock_page = UnlockPage(path)
        self.workspace = WorkspacePage(self.service, self.worker, show_error=self.show_error,
                                       open_dialog=self.open_dialog)
        for page in (self.welcome, self.create_page, self.recovery_page, self.unlock_page, self.workspace):
            self.stack.addWidget(page)
        for page in (self.welcome, self.create_page, self.recovery_page, self.unlock_page):
            page.language_chosen.connect(self.set_language)
        self.welcome.create_requested.connect(lambda: self._show(self.create_page))
        self.welcome.open_requested.connect(self.open_other_vault)
        self.create_page.back_requested.connect(lambda: self._show(self.welcome))
        self.create_page.location_requested.connect(self.choose_new_location)
        self.create_page.create_requested.connect(self.create_vault)
        self.recovery_page.make_key_requested.connect(self.make_recovery_key)
        self.recovery_page.done.connect(self.show_workspace)
        self.unlock_page.unlock_requested.connect(self.unlock)
        self.unlock_page.open_other_requested.connect(self.open_other_vault)
        if "verify_bundle" in available(self.service):
            self.welcome.add_verify_button(self.reports.verify_bundle)
        self._build_menus()
        self.apply_title()

    def _action(self, text: str, slot: Any, shortcut: str | QKeySequence.StandardKey | None = None) -> QAction:
        a = QAction(text, self)
        self._actions.append(a)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.triggered.connect(lambda _checked=False: slot())
        return a

    def _install_capture(self) -> CaptureFlow:
        """Wire capture into this window: its service, worker, case, dialogs and lock; and a tray icon."""

        def case_id() -> str | None:
            return self.workspace.case_id if self.service.is_unlocked else None

        def stored(res: AddResult) -> None:
            ws = self.workspace
            if ws.case_id == res.item.case_id:
                ws.refresh_items(select_id=res.item.id)
                if not res.duplicate:
                    ws.status.setText(t("Screen captured and saved as {exhibit}.", exhibit=exhibit_label(res.item)))

        flow = CaptureFlow(
            self,
            service=lambda: self.service,
            worker=self.worker,
            case_id=case_id,
            show_error=self.show_error,
            open_dialog=self.open_dialog,
            on_stored=stored,
            import_files=lambda: self.workspace.import_files(),
        )
        self.locked.connect(flow.forget)
        self.safety.quick_exit.connect(flow.shutdown)  # before the lock, which would show the windows again
        self.exit_requested.connect(flow.shutdown)
        flow.tray = make_tray(flow, self)
        return flow

    def _build_menus(self) -> None:
        bar = self.menuBar()
        # A rebuild (language switch, capture installed) deletes the old menus and actions, so no
        # shortcut is registered twice (Qt fires neither of two ambiguous shortcuts).
        for old in bar.findChildren(QMenu, options=Qt.FindChildOption.FindDirectChildrenOnly):
            old.deleteLater()
        for a in self._actions:
            a.deleteLater()
        self._actions = []
        bar.clear()
        have = available(self.service)
        self._build_vault_menu(bar.addMenu(t("&Vault")), have)
        self._build_case_menu(bar.addMenu(t("&Case")))
        self._build_evidence_menu(bar.addMenu(t("&Evidence")), have)
        help_menu = bar.addMenu(t("&Help"))
        help_menu.addAction(self._action(t("Keyboard shortcuts"), lambda: self.open_dialog(shortcuts_dialog(self)),
                                         "F1"))
        self._build_corner()
        self._update_actions()

    def _build_vault_menu(self, vault: QMenu, have: set[str]) -> None:
        action = self._action
        self.verify_action = action(t("Check integrity…"), self.workspace.verify_vault)
        self.recovery_action = action(t("Make a new recovery key…"), self.new_recovery_key)
        self.passphrase_action = action(t("Change passphrase…"), lambda: start_change_passphrase(self))
        self.settings_action = action(t("Settings…"), self.open_settings, "Ctrl+,")
        self.lock_action = action(t("Lock"), self.lock, "Ctrl+L")
        self.quick_exit_action = action(t("Quick exit"), self.quick_exit, "Ctrl+Shift+Q")
        self.backup_action = action(t("Back up…"), lambda: start_backup(self))
        for a in (self.verify_action, self.recovery_action, self.passphrase_action, self.backup_action):
            vault.addAction(a)
        self.verify_bundle_action: QAction | None = None
        if "verify_bundle" in have:
            self.verify_bundle_action = action(t("Verify a received bundle…"), self.reports.verify_bundle)
            vault.addAction(self.verify_bundle_action)
        vault.addAction(self.settings_action)
        vault.addSeparator()
        vault.addAction(self.lock_action)
        vault.addAction(self.quick_exit_action)

    def _build_case_menu(self, case: QMenu) -> None:
        ws = self.workspace
        self.new_case_action = self._action(t("New case…"), ws.new_case, "Ctrl+N")
        self.case_details_action = self._action(t("Case details…"), ws.edit_case)
        case.addAction(self.new_case_action)
        case.addAction(self.case_details_action)

    def _build_evidence_menu(self, evidence: QMenu, have: set[str]) -> None:
        action = self._action
        ws = self.workspace
        self.import_files_action = action(t("Import files…"), ws.import_files, "Ctrl+I")
        self.import_folder_action = action(t("Import a folder…"), ws.import_folder, "Ctrl+Shift+I")
        self.paste_action = action(t("Paste an image"), ws.paste_image, "Ctrl+Shift+V")
        self.search_action = action(t("Search the evidence list"), ws.filter.setFocus, QKeySequence.StandardKey.Find)
        self.import_chat_action = action(t("Import chat export…"), ws.import_chat_export)
        self.chats_action = action(t("Chats…"), ws.open_chats)
        for a in (self.import_files_action, self.import_folder_action, self.import_chat_action, self.chats_action,
                  self.paste_action, self.search_action):
            evidence.addAction(a)
        self.capture_action: QAction | None = None
        if self.capture_flow is not None:
            self.capture_action = action(t("Capture screen…"), self.capture_flow.open_dialog, "Ctrl+Shift+S")
            evidence.addAction(self.capture_action)
        # Report and bundle (issue 8): only what this build's service offers.
        self.report_actions: list[QAction] = []
        if "make_report" in have:
            self.report_actions.append(action(t("Make a report (PDF)…"), self.reports.make_report, "Ctrl+P"))
        if "export_bundle" in have:
            self.report_actions.append(action(t("Export for the police…"), self.reports.export_bundle, "Ctrl+E"))
        if "stamp_now" in have:
            self.report_actions.append(action(t("Get trusted timestamps now (goes online)…"), self.reports.stamp_now))
        if self.report_actions:
            evidence.addSeparator()
            for a in self.report_actions:
                evidence.addAction(a)
            ws.add_police_menu(self.report_actions)

    def _build_corner(self) -> None:
        """Lock and Quick exit as buttons at the right of the menu bar."""
        bar = self.menuBar()
        old_corner = bar.cornerWidget()
        if old_corner is not None:  # rebuilt (language switch, capture installed): drop the old buttons
            old_corner.hide()
            old_corner.deleteLater()
        corner = self._corner = QWidget(bar)  # referenced: Qt does not take it over from Python
        cl = QHBoxLayout(corner)
        cl.setContentsMargins(0, 0, 4, 0)
        self.lock_button = make_button(t("Lock"), self.lock)
        self.quick_exit_button = make_button(t("Quick exit"), self.quick_exit)
        self.quick_exit_button.setToolTip(t("Lock and close at once (Esc twice, or Ctrl+Shift+Q)"))
        self.quick_exit_button.setStyleSheet("QPushButton { background: #8e1b1b; color: white; font-weight: bold; "
                                             "padding: 2px 10px; }")
        cl.addWidget(self.lock_button)
        cl.addWidget(self.quick_exit_button)
        bar.setCornerWidget(corner)
        corner.show()  # a child added to a window already shown stays hidden otherwise

    # ----------------------------------------------------------------- screens

    def _show(self, page: QWidget) -> None:
        self.stack.setCurrentWidget(page)
        self._update_actions()
        page.setFocus()

    def start(self) -> None:
        if self.service.is_unlocked:
            self.show_workspace()
        elif self.service.vault_exists:
            self._show(self.unlock_page)
            self.unlock_page.secret.setFocus()
        else:
            self._show(self.welcome)

    def show_workspace(self) -> None:
        self.recovery_page.key_view = None
        self.workspace.load()
        self._show(self.workspace)
        self.idle.start()
        self.workspace.table.setFocus()

    def current_page(self) -> QWidget | None:
        return self.stack.currentWidget()

    def _update_actions(self) -> None:
        unlocked = self.service.is_unlocked and self.current_page() is self.workspace
        idle = not self.worker.busy
        for a in (self.verify_action, self.recovery_action, self.new_case_action, self.case_details_action,
                  self.import_files_action, self.import_folder_action, self.paste_action, *self.report_actions,
                  self.import_chat_action, self.chats_action,
                  *([self.capture_action] if self.capture_action else [])):
            a.setEnabled(unlocked and idle)
        self.passphrase_action.setEnabled(unlocked and idle)
        self.backup_action.setEnabled(unlocked and idle)
        self.search_action.setEnabled(unlocked)
        self.lock_action.setEnabled(self.service.is_unlocked)
        if self.lock_button.isVisible() != self.service.is_unlocked:
            self.lock_button.setVisible(self.service.is_unlocked)
            # The menu bar does not re-measure its corner by itself: without this, showing
            # Lock squeezed Quick exit to one letter (issue 16).
            self._corner.adjustSize()
            bar = self.menuBar()
            bar.setCornerWidget(self._corner)
            bar.updateGeometry()
            bar.update()
        self.settings_action.setEnabled(idle)
        if self.verify_bundle_action is not None:
            self.verify_bundle_action.setEnabled(idle)  # the police view needs no vault

    def apply_title(self) -> None:
        neutral = self.settings.neutral_title
        title = t("Notes") if neutral else APP_NAME
        self.setWindowTitle(title)
        QApplication.setApplicationDisplayName(title)
        icon = icon_path("notes.svg" if neutral else "evidence-kit.svg")
        if icon.exists():
            self.setWindowIcon(QIcon(str(icon)))
            QApplication.setWindowIcon(QIcon(str(icon)))

    # ------------------------------------------------------------- dialogs

    def open_dialog(self, dlg: QDialog) -> None:
        """Show a dialog without blocking; locking closes it."""
        if self._exiting or not self.isVisible():
            dlg.deleteLater()
            return
        self._dialogs.append(dlg)
        dlg.finished.connect(lambda _r: self._forget_dialog(dlg))
        dlg.open()

    def _forget_dialog(self, dlg: QDialog) -> None:
        if dlg in self._dialogs:
            self._dialogs.remove(dlg)
        dlg.deleteLater()

    def close_dialogs(self) -> None:
        for dlg in list(self._dialogs):
            dlg.reject()
        for w in QApplication.topLevelWidgets():
            if isinstance(w, QDialog) and w.isVisible():
                w.reject()

    def show_error(self, exc: BaseException) -> None:
        log.info("showing error %s", type(exc).__name__)
        self.open_dialog(error_dialog(self, exc))

    # --------------------------------------------------------- create/unlock

    def choose_new_location(self) -> None:
        folder = choose_folder(self, t("Where should the vault be kept?"))
        if folder is None:
            return
        if Vault.exists(folder):
            self.create_page.show_error(VaultExistsError().message(i18n.language()))
            return
        target = folder if not any(folder.iterdir()) else folder / NEW_VAULT_FOLDER
        self._switch_vault(target)
        self._show(self.create_page)

    def open_other_vault(self) -> None:
        folder = choose_folder(self, t("Choose the vault folder"))
        if folder is None:
            return
        if not Vault.exists(folder):
            self.show_error(VaultNotFoundError(str(folder)))
            return
        self._switch_vault(folder)
        self._show(self.unlock_page)

    def _switch_vault(self, path: Path) -> None:
        """Work with another vault folder (nothing is remembered about it)."""
        self.service = EvidenceService(path)
        self._build()

    def create_vault(self, passphrase: str, role: str) -> None:
        svc, kdf = self.service, self.kdf

        def run(ctx: JobContext) -> None:
            svc.create_vault(passphrase, role=role, kdf=kdf)

        self.create_page.set_busy(True, t("Creating the vault. This takes a few seconds…"))
        self.worker.start(run, name="create", on_done=self._created, on_error=self._create_failed)

    def _created(self, _result: object) -> None:
        self.create_page.forget()
        self.create_page.set_busy(False)
        self._show(self.recovery_page)
        self.idle.start()

    def _create_failed(self, exc: Exception) -> None:
        self.create_page.show_error(error_text(exc)[0])

    def make_recovery_key(self) -> None:
        try:
            key = self.service.vault.add_recovery_key()
        except EvidenceKitError as e:
            self.show_error(e)
            return
        self.recovery_page.show_key(key)

    def new_recovery_key(self) -> None:
        if self.worker.busy or not self.service.is_unlocked:
            return
        try:
            key = self.service.vault.add_recovery_key()
        except EvidenceKitError as e:
            self.show_error(e)
            return
        self.open_dialog(RecoveryKeyDialog(self, key, self.show_error))

    def unlock(self, secret: str, recovery: bool) -> None:
        svc = self.service

        def run(ctx: JobContext) -> None:
            if recovery:
                svc.unlock_with_recovery_key(secret)
            else:
                svc.unlock(secret)

        self.unlock_page.set_busy(True)
        self.worker.start(run, name="unlock", on_done=self._unlocked, on_error=self._unlock_failed)

    def _unlocked(self, _result: object) -> None:
        self.unlock_page.set_busy(False)
        self.unlock_page.forget()
        self.unlock_page.set_reason("")
        self.show_workspace()
        if after_unlock(self):  # older copy, or opened with the recovery key (issue 15)
            return
        maybe_remind(self)  # evidence newer than the last backup: once a week, dismissable (issue 20)
        alerts = list(self.service.vault.alerts)
        if alerts:
            self.open_dialog(MessageDialog(self, t("Warning"), t(
                "The vault opened, but something was changed outside the app. Nothing has been deleted. "
                "Run Check integrity from the Vault menu, and keep this message for whoever helps you."),
                "\n".join(alerts), show_details=True))

    def _unlock_failed(self, exc: Exception) -> None:
        """Wrong passphrase and friends: said on the unlock screen itself."""
        self.unlock_page.show_error(error_text(exc)[0])

    # ------------------------------------------------------------------ locking

    def lock(self, reason: str = "") -> None:
        """Stop every job, save typed details, forget everything shown, lock, show the unlock screen."""
        if self._locking:
            return
        self._locking = True
        try:
            self.idle.stop()
            self.worker.shutdown()
            if self.service.is_unlocked:
                self.workspace.save_pending()
            self.close_dialogs()
            hide_reminder(self)
            self.workspace.clear()
            self.recovery_page.key_view = None
            try:
                self.service.lock()
            except (EvidenceKitError, OSError) as e:
                log.warning("locking failed: %s", type(e).__name__)
            self.unlock_page.set_busy(False)
            self.unlock_page.forget()
            self.unlock_page.set_reason(reason)
            self.create_page.forget()
            if self.service.vault_exists:
                self._show(self.unlock_page)
                self.unlock_page.secret.setFocus()
            else:
                self._show(self.welcome)
            self.locked.emit()
        finally:
            self._locking = False

    def auto_lock(self) -> None:
        if self.service.is_unlocked:
            self.lock(t("Locked because the app was not used for {n} minute(s). Items already saved are safe.",
                        n=self.settings.auto_lock_minutes))

    def quick_exit(self) -> None:
        """Hide every window at once, then lock and ask the app to quit."""
        if self._exiting:
            return
        self._exiting = True
        for w in QApplication.topLevelWidgets():
            if w.isVisible():
                w.hide()
        self.hide()
        QTimer.singleShot(0, self._finish_quick_exit)

    def _finish_quick_exit(self) -> None:
        self.lock()
        self.exit_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.lock()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self.safety)
        event.accept()

    # ---------------------------------------------------------------- settings

    def open_settings(self) -> None:
        if self.worker.busy:
            return
        dlg = SettingsDialog(self, self.settings)
        dlg.accepted.connect(lambda: self.apply_settings(dlg.result_settings()))
        self.open_dialog(dlg)

    def apply_settings(self, new: Settings) -> None:
        old = self.settings
        self.settings = new
        if self.store is not None:
            try:
                self.store.save(new)
            except OSError as e:
                log.warning("settings not saved: %s", type(e).__name__)
        self.idle.set_minutes(new.auto_lock_minutes)
        if effective_language(new) != effective_language(old) or new.language != old.language:
            self._relanguage(effective_language(new))
        self.apply_title()

    def set_language(self, lang: str) -> None:
        """The language buttons on the first screens: switch and remember the choice."""
        self.apply_settings(Settings(language=lang, auto_lock_minutes=self.settings.auto_lock_minutes,
                                     neutral_title=self.settings.neutral_title))

    def _relanguage(self, lang: str) -> None:
        if self.worker.busy:
            return
        page = self.current_page()
        pages: dict[QWidget, str] = {self.welcome: "welcome", self.create_page: "create",
                                     self.recovery_page: "recovery", self.unlock_page: "unlock",
                                     self.workspace: "workspace"}
        which = pages.get(page, "") if page is not None else ""
        case_id = self.workspace.case_id
        item = self.workspace.detail.item
        key = self.recovery_page.key_view.key if self.recovery_page.key_view else None
        if which == "workspace":
            self.workspace.save_pending()
        i18n.set_language(lang)
        self._build()
        if which == "workspace" and self.service.is_unlocked:
            self.workspace.load(select_case=case_id)
            if item is not None:
                self.workspace.select_item(item.id)
            self._show(self.workspace)
        elif which == "recovery":
            if key:
                self.recovery_page.show_key(key)  # shown once: a language switch must not lose it
            self._show(self.recovery_page)
        elif which == "create":
            self._show(self.create_page)
        else:
            self.start()
