"""Render resources/icons/evidence-kit.svg to the Windows .ico and macOS .icns the build uses.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/make_icons.py

Qt renders the SVG (Pillow cannot); Pillow writes the multi-size containers. The outputs
are committed, so a build machine needs neither step; rerun after changing the SVG.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"


def render(svg: Path, size: int) -> Image.Image:
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    QSvgRenderer(str(svg)).render(p)
    p.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    _app = QGuiApplication(sys.argv[:1])
    svg = ICONS / "evidence-kit.svg"
    big = render(svg, 1024)
    ico_sizes = [(s, s) for s in (16, 20, 24, 32, 40, 48, 64, 128, 256)]
    render(svg, 256).save(ICONS / "evidence-kit.ico", sizes=ico_sizes)
    big.save(ICONS / "evidence-kit.icns")
    print("wrote", ", ".join(p.name for p in sorted(ICONS.glob("evidence-kit.*"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
