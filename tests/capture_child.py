"""Capture through the app's own code path, on a real X server (run by tests/gui/test_capture_xvfb.py).

    EK_TEST_PASSPHRASE=... python tests/capture_child.py --vault DIR --case ID --mode MODE [...]

Unlocks the vault, opens the capture dialog (:class:`CaptureDialog` over a
:class:`CaptureFlow` with a real :class:`Worker`), fills it in, presses Capture (for a
region: drags over the frozen screen with the mouse), waits for the result and prints
one line ``RESULT {json}``. ``--own-window X,Y,W,H`` first shows an orange window of the
"app" that must not be in the picture. Prints ``WAITING`` when ready and waits for ``go``
on stdin, then ``STARTED <epoch>`` just before the capture starts. Never writes anything
itself: all it keeps goes into the vault.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from evidence_kit.core.common.errors import EvidenceKitError
from evidence_kit.core.common.model import AddResult, Source
from evidence_kit.core.service import EvidenceService
from evidence_kit.gui import i18n
from evidence_kit.gui.capture import CaptureFlow
from evidence_kit.gui.capture_controller import own_windows
from evidence_kit.gui.capture_dialog import CaptureDialog
from evidence_kit.gui.worker import Worker

OWN_COLOUR = (255, 128, 0)
TIMEOUT_S = 25


def geometry(text: str) -> tuple[int, int, int, int]:
    x, y, w, h = (int(v) for v in text.split(","))
    return x, y, w, h


def wait(app: QApplication, cond: object, timeout: float = 10.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        app.processEvents()
        if cond():  # type: ignore[operator]
            return True
        time.sleep(0.02)
    return False


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--vault", required=True)
    ap.add_argument("--case", required=True)
    ap.add_argument("--mode", choices=["screen", "all-screens", "region", "window"], default="screen")
    ap.add_argument("--window-title", help="window mode: capture the window with this title")
    ap.add_argument("--drag", help="region mode: X,Y,W,H to drag over, in screen coordinates")
    ap.add_argument("--delay", type=int, default=0)
    ap.add_argument("--own-window", help="X,Y,W,H of an orange app window that must stay out of the picture")
    ap.add_argument("--dialog-at", default="500,150", help="X,Y to move the capture dialog to")
    ap.add_argument("--description", default="")
    ap.add_argument("--set-label", default="")
    ap.add_argument("--lang", default="en")
    args = ap.parse_args()

    app = QApplication([sys.argv[0]])
    i18n.set_language(args.lang)
    svc = EvidenceService(Path(args.vault))
    svc.unlock(os.environ["EK_TEST_PASSPHRASE"])

    host = QWidget()  # stands in for the main window
    host.setWindowTitle("Evidence Kit test host")
    if args.own_window:
        x, y, w, h = geometry(args.own_window)
        pal = host.palette()
        pal.setColor(QPalette.ColorRole.Window, QColor(*OWN_COLOUR))
        host.setPalette(pal)
        host.setAutoFillBackground(True)
        host.setGeometry(x, y, w, h)
        host.show()
        wait(app, lambda: host.windowHandle() is not None and host.windowHandle().isExposed())
    worker = Worker(host)
    out: dict[str, object] = {}

    def stored(res: AddResult) -> None:
        out.update(item_id=res.item.id, exhibit=res.item.exhibit, duplicate=res.duplicate)

    def problem(exc: BaseException) -> None:
        out["error"] = type(exc).__name__
        out["detail"] = repr(exc)[:500]
        traceback.print_exception(exc, file=sys.stderr)
        if isinstance(exc, EvidenceKitError):
            out["ko"], out["en"] = exc.message("ko"), exc.message("en")

    dx, dy = (int(v) for v in args.dialog_at.split(","))

    def open_dialog(d: QDialog) -> None:
        d.move(dx, dy)  # before it is mapped: the window manager then keeps the position
        d.open()

    flow = CaptureFlow(host, service=lambda: svc, worker=worker, case_id=lambda: args.case,
                       show_error=problem, open_dialog=open_dialog)
    flow.stored.connect(stored)
    flow.problem.connect(problem)
    dlg = flow.open_dialog()
    assert isinstance(dlg, CaptureDialog), "the capture dialog did not open"
    wait(app, lambda: dlg.windowHandle() is not None and dlg.windowHandle().isExposed())
    if not wait(app, lambda: dlg.frameGeometry().topLeft() == QPoint(dx, dy), 1.0):
        dlg.move(dx, dy)  # placed elsewhere by the window manager: move it where the test expects it
        wait(app, lambda: dlg.frameGeometry().topLeft() == QPoint(dx, dy), 2.0)
    print("WAITING", flush=True)  # ready: the test starts the capture when its windows are up
    if sys.stdin.readline().strip() != "go":
        return 1

    dlg.set_mode(args.mode)
    if args.mode == "window":
        dlg.refresh_windows()
        match = [w for w in flow.grabber.windows() if w.title == args.window_title]
        if not match or not dlg.select_window(match[0].id):
            print("RESULT " + json.dumps({"error": "window not listed",
                                          "titles": [w.title for w in flow.grabber.windows()]}), flush=True)
            return 2
    dlg.delay.setCurrentIndex(dlg.delay.findData(args.delay))
    if args.set_label:
        dlg.set_label.setText(args.set_label)
        dlg.in_set.setChecked(True)
    dlg.form.set_source(Source(platform="Telegram", chatroom="테스트 방", description=args.description))
    visible_before = sorted(w.windowTitle() for w in own_windows())
    dialog_rect = dlg.frameGeometry()

    print(f"STARTED {time.time():.3f}", flush=True)
    QTest.mouseClick(dlg.capture_button, Qt.MouseButton.LeftButton)
    hidden_during = wait(app, lambda: not dlg.isVisible() and not host.isVisible(), 2.0)

    if args.mode == "region" and args.drag:
        x, y, w, h = geometry(args.drag)
        if not wait(app, lambda: flow.controller.selector is not None and flow.controller.selector.isVisible(),
                    args.delay + 10):
            print("RESULT " + json.dumps({"error": "no region selector"}), flush=True)
            return 2
        sel = flow.controller.selector
        assert sel is not None
        wait(app, lambda: sel.windowHandle() is not None and sel.windowHandle().isExposed(), 3.0)
        out["selector_geometry"] = [sel.geometry().x(), sel.geometry().y(), sel.width(), sel.height()]
        start, end = QPoint(x, y), QPoint(x + w, y + h)
        QTest.mousePress(sel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
        QTest.mouseMove(sel, QPoint(x + w // 2, y + h // 2))
        QTest.mouseMove(sel, end)
        QTest.mouseRelease(sel, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)

    done = wait(app, lambda: "item_id" in out or "error" in out, TIMEOUT_S)
    wait(app, lambda: not worker.busy, 5.0)
    if not done:
        out["error"] = "timeout"
    out["hidden_during_capture"] = hidden_during
    out["restored"] = dlg.isVisible() and (host.isVisible() or not args.own_window)
    out["visible_before"] = visible_before
    out["visible_after"] = sorted(w.windowTitle() for w in own_windows())
    out["dialog_rect"] = [dialog_rect.x(), dialog_rect.y(), dialog_rect.width(), dialog_rect.height()]
    out["dialog_outcome"] = dlg.outcome.full_text()
    out["fallback_visible"] = dlg.unavailable.isVisible()
    worker.shutdown()
    svc.lock()
    print("RESULT " + json.dumps(out, ensure_ascii=False), flush=True)
    QTimer.singleShot(0, app.quit)
    app.exec()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
