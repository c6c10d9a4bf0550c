"""Child process for test_portable_gui: the real app entry point (``evidence-kit-gui
--portable``) driven through one session: unlock, import a picture with the workspace's own
import job, show it, change a setting, make the report and the bundle, then quick exit.

argv: EVIDENCE_FILE OUT_FOLDER [--not-portable] (the control run). The parent sets HOME/TMPDIR/XDG to fresh folders,
EVIDENCE_KIT_PORTABLE_DIR to the stick and EVIDENCE_KIT_PASSPHRASE; the vault on the stick
was made by the CLI in portable mode. Exit code: the app's, or 3 when a step failed.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer

from evidence_kit.core.common.model import Source
from evidence_kit.gui import app as gui_app
from evidence_kit.gui import main_window

EVIDENCE, OUT = Path(sys.argv[1]), Path(sys.argv[2])
failed: list[str] = []


def when_idle(win: main_window.MainWindow, step: Callable[[], None]) -> None:
    def poll() -> None:
        if win.worker.busy:
            QTimer.singleShot(50, poll)
            return
        try:
            step()
        except Exception:  # the parent reads the traceback; the app must still quit
            failed.append(traceback.format_exc())
            win.quick_exit()

    QTimer.singleShot(50, poll)


def drive(win: main_window.MainWindow) -> None:
    def unlock() -> None:
        win.unlock(os.environ["EVIDENCE_KIT_PASSPHRASE"], False)
        when_idle(win, do_import)

    def do_import() -> None:
        ws = win.workspace
        assert ws.case_id is not None, "the case made by the CLI is not selected"
        job = ws.start_import([EVIDENCE], Source(platform="Telegram", date_seen="2026-11-20"))
        assert job is not None
        when_idle(win, look)

    def look() -> None:
        ws = win.workspace
        items = ws.model.items()
        assert len(items) == 2, [i.original_name for i in items]
        for item in items:
            ws.select_item(item.id)  # the detail panel decodes and shows the blurred preview
        win.apply_settings(dataclasses.replace(win.settings, auto_lock_minutes=7))  # saved as the dialog does
        svc = win.service
        case_id = ws.case_id
        assert case_id is not None

        def run(_ctx: object) -> None:
            svc.make_report(case_id, OUT / "report.pdf", lang="ko")
            svc.export_bundle(case_id, OUT / "bundle", lang="ko")

        win.worker.start(run, name="police", on_done=lambda _r: None, on_error=lambda e: failed.append(repr(e)))
        when_idle(win, win.quick_exit)

    when_idle(win, unlock)


original_show = main_window.MainWindow.show


def show(self: main_window.MainWindow) -> None:
    original_show(self)
    QTimer.singleShot(0, lambda: drive(self))


main_window.MainWindow.show = show  # type: ignore[method-assign]
code = gui_app.main(["--lang", "ko"] if "--not-portable" in sys.argv else ["--portable", "--lang", "ko"])
if failed:
    print("\n".join(failed), file=sys.stderr)
    sys.exit(3)
sys.exit(code)
