"""A window with a known picture and title, for the screen-capture tests (run under Xvfb).

    python tests/pattern_window.py --title TITLE --geometry X,Y,W,H

Shows four coloured quadrants (PALETTE_A) and prints one line
``READY {"wid": ..., "x": ..., "y": ..., "width": ..., "height": ...}`` with the
window's contents in root coordinates once it is on screen. Commands on stdin:
``change SECONDS`` switches to PALETTE_B after that many seconds and prints
``CHANGED <epoch>``; end of input or ``quit`` closes it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from PySide6.QtCore import QPoint, QSocketNotifier, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

# top-left, top-right, bottom-left, bottom-right
PALETTE_A = ((255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 0))
PALETTE_B = ((255, 0, 255), (0, 255, 255), (255, 255, 255), (128, 0, 255))


class Pattern(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.palette_now = PALETTE_A

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        w, h = self.width(), self.height()
        hw, hh = w // 2, h // 2
        tl, tr, bl, br = (QColor(*c) for c in self.palette_now)
        p.fillRect(0, 0, hw, hh, tl)
        p.fillRect(hw, 0, w - hw, hh, tr)
        p.fillRect(0, hh, hw, h - hh, bl)
        p.fillRect(hw, hh, w - hw, h - hh, br)
        p.end()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--title", required=True)
    ap.add_argument("--geometry", required=True, help="X,Y,W,H of the window's contents")
    args = ap.parse_args()
    x, y, w, h = (int(v) for v in args.geometry.split(","))
    app = QApplication([sys.argv[0]])
    win = Pattern()
    win.setWindowTitle(args.title)
    win.setGeometry(x, y, w, h)
    win.show()

    def ready() -> None:
        pos = win.mapToGlobal(QPoint(0, 0))
        info = {"wid": int(win.winId()), "x": pos.x(), "y": pos.y(), "width": win.width(), "height": win.height()}
        print("READY " + json.dumps(info), flush=True)

    def change() -> None:
        win.palette_now = PALETTE_B
        win.repaint()
        app.processEvents()
        print(f"CHANGED {time.time():.3f}", flush=True)

    buffer = b""

    def read_stdin() -> None:
        nonlocal buffer
        chunk = os.read(0, 4096)
        if not chunk:
            app.quit()
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            cmd = line.decode().split()
            if cmd and cmd[0] == "change":
                QTimer.singleShot(int(float(cmd[1]) * 1000), change)
            elif cmd and cmd[0] == "quit":
                app.quit()

    notifier = QSocketNotifier(0, QSocketNotifier.Type.Read)
    notifier.activated.connect(lambda *_a: read_stdin())
    def wait_exposed() -> None:
        handle = win.windowHandle()
        if handle is not None and handle.isExposed():
            QTimer.singleShot(250, ready)  # placed by the window manager and painted
        else:
            QTimer.singleShot(50, wait_exposed)

    QTimer.singleShot(50, wait_exposed)
    return int(app.exec())


if __name__ == "__main__":
    raise SystemExit(main())
