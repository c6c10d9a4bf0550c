"""Every user-visible string has a Korean translation, and every control an accessible name.

Two checks: a static one (every ``t("...")`` literal in the GUI's modules is in the
Korean catalogue, with the same ``{placeholders}``; ``t()`` is only called with literals)
and a live one (every screen and dialog, built in Korean, shows no English word outside a
short list of names and units, and every control has an accessible name).
"""

from __future__ import annotations

import ast
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QProgressBar,
    QTabBar,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.errors import VaultBusyError
from evidence_kit.gui import i18n
from evidence_kit.gui.case_dialog import CaseDialog
from evidence_kit.gui.dialogs import error_dialog, shortcuts_dialog
from evidence_kit.gui.main_window import MainWindow
from evidence_kit.gui.recovery_key import RecoveryKeyDialog
from evidence_kit.gui.reports import ExportDialog, ReportDialog, VerifyBundleDialog
from evidence_kit.gui.resources import translation_path
from evidence_kit.gui.settings import Settings
from evidence_kit.gui.settings_dialog import SettingsDialog
from evidence_kit.gui.source_form import ImportDialog

from .conftest import MakeWindow, unlock

pytestmark = pytest.mark.gui

GUI = Path(__file__).resolve().parents[2] / "evidence_kit" / "gui"

# Words that stay as they are in the Korean UI: names, units, key names, formats.
ALLOWED = {
    "Evidence", "Kit", "SHA", "MD5", "URL", "EXIF", "UTC", "PNG", "KB", "MB", "GB", "TB",
    "Esc", "Ctrl", "Shift", "Tab", "English", "https", "ID", "PDF", "ZIP",
    "Telegram", "KakaoTalk", "Twitter", "Instagram", "Discord", "Facebook", "WhatsApp", "YouTube", "TikTok",
}


def t_literals() -> dict[str, str]:
    """Every string given to t() in the GUI's modules -> where it is."""
    found: dict[str, str] = {}
    bad: list[str] = []
    for path in sorted(GUI.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t":
                arg = node.args[0] if node.args else None
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(arg.value, f"{path.name}:{node.lineno}")
                else:
                    bad.append(f"{path.name}:{node.lineno}")
    assert not bad, f"t() needs a string literal (else it cannot be checked): {bad}"
    return found


def placeholders(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name is not None}


def test_every_string_in_the_code_has_a_korean_translation() -> None:
    literals = t_literals()
    assert len(literals) > 150
    catalogue = json.loads(translation_path("ko").read_text(encoding="utf-8"))["messages"]
    missing = sorted(f"{where}: {s!r}" for s, where in literals.items() if not catalogue.get(s, "").strip())
    assert not missing, "untranslated:\n" + "\n".join(missing)
    wrong = sorted(s for s in literals if placeholders(s) != placeholders(catalogue[s]))
    assert not wrong, f"placeholders differ: {wrong}"
    untranslated = sorted(s for s in literals if catalogue[s] == s and re.search(r"[A-Za-z]{3,}", s))
    assert not untranslated, f"'translated' to the same English: {untranslated}"


# ------------------------------------------------------------------ live check


def widgets(root: QWidget) -> Iterator[QWidget]:
    yield root
    yield from root.findChildren(QWidget)


def internal(w: QWidget) -> bool:
    """Parts Qt builds inside a control (a spin box's editor, a tab bar's scroll buttons, a clear button)."""
    if w.objectName().startswith("qt_"):
        return True
    p = w.parentWidget()
    while p is not None:
        if isinstance(p, QAbstractSpinBox | QTabBar | QAbstractItemView | QLineEdit) or (
            isinstance(p, QComboBox) and not isinstance(w, QLineEdit)
        ):
            return True
        p = p.parentWidget()
    return False


def visible_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for everything a person can read on ``root`` and its children."""
    for w in widgets(root):
        if internal(w):
            continue
        name = f"{type(w).__name__}({w.accessibleName()!r})"
        data = bool(w.property("untrusted"))
        if isinstance(w, QLabel) and not data:
            yield name, w.text()
        if isinstance(w, QAbstractButton):
            yield name, w.text()
        if isinstance(w, QLineEdit | QPlainTextEdit):
            yield name, w.placeholderText()
        if isinstance(w, QComboBox) and not data:
            yield from ((name, w.itemText(i)) for i in range(w.count()))
        if isinstance(w, QGroupBox):
            yield name, w.title()
        if isinstance(w, QTabWidget):
            yield from ((name, w.tabText(i)) for i in range(w.count()))
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            m = w.model()
            yield from ((name, str(m.headerData(c, Qt.Orientation.Horizontal))) for c in range(m.columnCount()))
        if isinstance(w, QProgressBar):
            continue
        if not data:  # a data label's tooltip is the data itself (a path, a name), elided on screen
            yield name, w.toolTip()
        yield name, w.accessibleName()
        if w.isWindow():
            yield name, w.windowTitle()


def menu_texts(win: MainWindow) -> Iterator[tuple[str, str]]:
    def walk(actions: list[QAction]) -> Iterator[tuple[str, str]]:
        for a in actions:
            yield "menu", a.text()
            if a.menu() is not None:
                yield from walk(a.menu().actions())  # type: ignore[union-attr]

    yield from walk(win.menuBar().actions())
    for m in win.menuBar().findChildren(QMenu):
        yield "menu", m.title()


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9]+", text) if w not in ALLOWED]


def unnamed_controls(root: QWidget) -> list[str]:
    controls = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QAbstractSpinBox, QAbstractItemView,
                QTabWidget, QProgressBar)
    return [
        f"{type(w).__name__} {w.objectName()!r} in {type(w.parentWidget()).__name__}"
        for w in widgets(root)
        if isinstance(w, controls) and not internal(w) and not w.accessibleName().strip()
    ]


def screens(qtbot: QtBot, win: MainWindow) -> Iterator[tuple[str, QWidget]]:
    """Every screen of the window and every dialog, in the current language."""
    yield "welcome", win.welcome
    yield "create", win.create_page
    win.recovery_page.show_key("ABCD-EFGH-JKMN-PQRS-TVWX-YZ23-4567-89AB-CDEF-GHJK-MNPQ-RSTV-WXYZ-2345")
    yield "recovery", win.recovery_page
    yield "unlock", win.unlock_page
    win.unlock_page._toggle_mode()
    yield "unlock (recovery key)", win.unlock_page
    win.unlock_page._toggle_mode()
    unlock(qtbot, win)
    ws = win.workspace
    yield "workspace", win
    ws.table.selectRow(0)
    qtbot.waitUntil(lambda: ws.detail.preview.has_image)
    yield "workspace with an item", win
    case = win.service.vault.get_case(ws.case_id or "")
    dialogs: list[tuple[str, QDialog]] = [
        ("new case", CaseDialog(win)),
        ("case details", CaseDialog(win, case)),
        ("import", ImportDialog(win, [Path("증거 사진.jpg"), Path("폴더")])),
        ("settings", SettingsDialog(win, win.settings)),
        ("recovery key", RecoveryKeyDialog(win, "ABCD-EFGH", win.show_error)),
        ("error", error_dialog(win, VaultBusyError())),
        ("shortcuts", shortcuts_dialog(win)),
        ("report", ReportDialog(win, "ko")),
        ("export", ExportDialog(win, "ko")),
        ("verify bundle", VerifyBundleDialog(win, win.worker)),
    ]
    for name, dlg in dialogs:
        qtbot.addWidget(dlg)
        yield name, dlg


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_screen_is_translated_and_every_control_named(
    qtbot: QtBot, make_window: MakeWindow, vault_with_items: tuple[Path, list[str]], lang: str
) -> None:
    i18n.set_language(lang)
    win = make_window(vault_with_items[0], settings=Settings(language=lang))
    english: list[str] = []
    unnamed: list[str] = []
    seen = 0
    for screen, root in screens(qtbot, win):
        for where, text in visible_texts(root):
            seen += 1
            if lang == "ko" and english_words(text):
                english.append(f"{screen} / {where}: {text!r}")
        unnamed += [f"{screen}: {u}" for u in unnamed_controls(root)]
    if lang == "ko":
        english += [f"menu: {text!r}" for _, text in menu_texts(win) if english_words(text)]
    assert seen > 300
    assert not english, "English in the Korean UI:\n" + "\n".join(sorted(set(english)))
    assert not unnamed, "controls without an accessible name:\n" + "\n".join(sorted(set(unnamed)))
