"""Child process for the scaling test (issue 16): one QT_SCALE_FACTOR and one screen size
per process (Qt reads both once, at start-up).

Builds a real window over a real vault, shows each screen and the main dialogs, and prints
JSON: every visible control that lies outside its window (or a window that does not fit the
screen's available area). With ``--shots DIR`` it also saves a PNG of each screen.
"""

from __future__ import annotations

import io
import json
import sys
import time
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QDialog, QWidget

from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.crypto.keys import floor_params
from evidence_kit.core.service import EvidenceService
from evidence_kit.gui import i18n
from evidence_kit.gui.app import load_fonts
from evidence_kit.gui.main_window import MainWindow
from evidence_kit.gui.settings import Settings, SettingsStore

PASSPHRASE = "correct horse battery staple"


def picture() -> bytes:
    im = Image.new("RGB", (320, 200), (240, 240, 240))
    for x in range(320):
        for y in range(24):
            im.putpixel((x, y), (40, 90, 200))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def in_scroll_area(w: QWidget, top: QWidget) -> bool:
    p = w.parentWidget()
    while p is not None and p is not top:
        if isinstance(p, QAbstractScrollArea):
            return True  # reachable by scrolling: clipped on purpose
        p = p.parentWidget()
    return False


def outside(top: QWidget, name: str) -> list[str]:
    problems: list[str] = []
    screen = top.screen().availableGeometry()
    frame = top.frameGeometry()
    if not screen.contains(frame):
        problems.append(f"{name}: window {frame.getRect()} does not fit the screen {screen.getRect()}")
    win = QRect(QPoint(0, 0), top.size())
    for w in top.findChildren(QWidget):
        if not w.isVisibleTo(top) or w.isWindow() or w.width() <= 0 or in_scroll_area(w, top):
            continue
        r = QRect(w.mapTo(top, QPoint(0, 0)), w.size())
        if not win.contains(r):
            label = w.accessibleName() or type(w).__name__
            problems.append(f"{name}: {label} at {r.getRect()} outside the window {win.getRect()}")
    return problems


def main() -> int:
    lang, work = sys.argv[1], Path(sys.argv[2])
    shots = Path(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--shots" else None
    tag = sys.argv[5] if len(sys.argv) > 5 else ""
    app = QApplication([])
    load_fonts()
    i18n.set_language(lang)
    svc = EvidenceService(work / "vault")
    svc.create_vault(PASSPHRASE, kdf=floor_params(), role="counselor")
    case = svc.create_case("상담 사례 A")
    svc.import_bytes(case.id, picture(), ItemInput(name="붙여넣은 이미지.png", method="paste",
                                                    source=Source(platform="KakaoTalk")))
    svc.lock()
    win = MainWindow(svc, Settings(language=lang), SettingsStore(work / "gui.json"), kdf=floor_params())
    win.show()
    problems: list[str] = []

    def settle() -> None:
        for _ in range(5):
            app.processEvents()

    def look(top: QWidget, name: str) -> None:
        settle()
        problems.extend(outside(top, name))
        if shots is not None:
            top.grab().save(str(shots / f"{name}-{lang}{tag}.png"))

    look(win, "unlock")
    qe = win.quick_exit_button
    win.unlock_page.secret.setText(PASSPHRASE)
    win.unlock(PASSPHRASE, False)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (svc.is_unlocked and not win.worker.busy):
        settle()
        time.sleep(0.02)
    settle()
    look(win, "workspace")
    if not qe.isVisibleTo(win):
        problems.append("Quick exit is not visible")
    if qe.width() < qe.sizeHint().width() * 0.9:  # squeezed to a letter by the menu bar's corner
        problems.append(f"Quick exit squeezed to {qe.width()} px")
    ws = win.workspace
    for b, label in ((win.lock_button, "Lock"), (ws.police_button, "For the police")):
        # Never scrolled away (a scroll area would pass the check above): always in view.
        if b is None or not b.isVisibleTo(win) or in_scroll_area(b, win):
            problems.append(f"{label} is not always visible")
        elif b.width() < b.sizeHint().width() * 0.9:
            problems.append(f"{label} squeezed to {b.width()} px")
    rows = ws.table.visibleRegion().boundingRect().height() // max(ws.table.verticalHeader().defaultSectionSize(), 1)
    if rows < 3:  # usable without scrolling the page: the list shows a few items at least
        problems.append(f"the evidence list shows {rows} row(s)")
    ws.table.selectRow(0)
    settle()
    look(win, "workspace-item")
    dialogs: list[tuple[str, QDialog]] = []
    from evidence_kit.gui.case_dialog import CaseDialog
    from evidence_kit.gui.redact_dialog import RedactDialog
    from evidence_kit.gui.reports import ExportDialog, ReportDialog
    from evidence_kit.gui.source_form import ImportDialog

    dialogs.append(("import", ImportDialog(win, [work / "a.png", work / "b.png"])))
    dialogs.append(("case", CaseDialog(win, svc.vault.get_case(case.id))))
    dialogs.append(("redact", RedactDialog(win, picture(), record_only=True, remaining=2, name="screen.png")))
    dialogs.append(("report", ReportDialog(win, lang)))
    dialogs.append(("export", ExportDialog(win, lang, record_only=True)))
    from evidence_kit.gui.backup_dialog import BackupDialog
    from evidence_kit.gui.dialogs import MessageDialog, shortcuts_dialog
    from evidence_kit.gui.passphrase_dialog import ChangePassphraseDialog
    from evidence_kit.gui.recovery_key import RecoveryKeyDialog
    from evidence_kit.gui.settings_dialog import SettingsDialog

    dialogs.append(("settings", SettingsDialog(win, Settings(language=lang))))
    dialogs.append(("passphrase", ChangePassphraseDialog(win)))
    dialogs.append(("backup", BackupDialog(win, str(work / "backup"))))
    dialogs.append(("recovery-key", RecoveryKeyDialog(win, "ABCD-EFGH-JKLM-NPQR-STUV-WXYZ-2345-6789", print)))
    dialogs.append(("shortcuts", shortcuts_dialog(win)))
    dialogs.append(("message", MessageDialog(win, "Problem", "A long message. " * 20, "details\n" * 40,
                                             show_details=True)))
    for name, dlg in dialogs:
        dlg.show()
        look(dlg, name)
        dlg.reject()
    win.lock()
    settle()
    print(json.dumps({"problems": problems}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
