"""What the Vault menu's actions need of the window that hosts them.

The backup and passphrase dialogs are started by :class:`.main_window.MainWindow`; they
reach back only through this protocol, so they do not import the main window (issue 19:
no import cycles) and a test can host them in any window that has these parts.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QDialog, QStatusBar, QWidget

from ..core.crypto.keys import KdfParams
from ..core.service import EvidenceService
from .worker import Worker


class WindowHost(Protocol):
    service: EvidenceService
    worker: Worker
    kdf: KdfParams | None  # tests pass cheap Argon2 parameters; the app calibrates
    _backup_reminder: QWidget | None  # the status-bar reminder while it is shown

    def window(self) -> QWidget:
        """The top-level window: the parent of every dialog."""
        ...

    def statusBar(self) -> QStatusBar: ...

    def open_dialog(self, dlg: QDialog) -> None: ...

    def show_error(self, exc: BaseException) -> None: ...
