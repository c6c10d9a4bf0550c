"""The pieces: the safe label, display escaping, settings file, worker lifetime, self-check."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.errors import CancelledError
from evidence_kit.gui.display import format_size, format_time, safe_text, tooltip_html
from evidence_kit.gui.settings import Settings, SettingsStore
from evidence_kit.gui.widgets import SafeLabel, decode_image
from evidence_kit.gui.worker import JobContext, Worker

pytestmark = pytest.mark.gui

HOSTILE = [
    "<b>bold</b><img src=x onerror=alert(1)>",
    "invoice\u202egpj.exe",
    "zero\u200bwidth",
    "nul\x00byte",
    "escape\x1b[31mred",
    "lone \udcff surrogate",
    "line\u2028separator",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_label_shows_only_plain_visible_text(qtbot: QtBot, text: str) -> None:
    label = SafeLabel(text)
    qtbot.addWidget(label)
    label.resize(80, 20)
    label.show()
    qtbot.waitExposed(label)
    assert label.textFormat() == Qt.TextFormat.PlainText
    label.setTextFormat(Qt.TextFormat.RichText)  # cannot be switched to rich text
    assert label.textFormat() == Qt.TextFormat.PlainText
    shown = label.full_text()
    assert all(ch.isprintable() for ch in shown)
    assert "\u202e" not in shown and "\x00" not in shown
    if "<b>" in text:
        assert "<b>" in shown  # shown literally, not interpreted
        assert "&lt;b&gt;" in label.toolTip()  # the tooltip (rich text) is escaped
    assert len(label.text()) <= len(shown)  # elided to its width


def test_display_helpers() -> None:
    assert safe_text("a\u202eb") == "a[U+202E]b"
    assert safe_text("x" * 5000, 100).endswith("…") and len(safe_text("x" * 5000, 100)) == 100
    assert safe_text("two\nlines", multiline=True) == "two\nlines"
    assert safe_text("two\nlines") == "two lines"  # one rule set with the report and CLI (issue 19)
    assert tooltip_html("<i>") == "<p>&lt;i&gt;</p>"
    assert format_size(0) == "0 B" and format_size(2048) == "2.0 KB"
    assert format_time("2024-08-28T12:30:00.000000Z", "+09:00") == "2024-08-28 21:30:00 (UTC+09:00)"
    assert format_time("2024-08-28T12:30:00.000000Z", "+09:00", short=True) == "2024-08-28 21:30"
    assert format_time("not a time") == "not a time"


def test_decode_image_refuses_what_is_not_a_picture() -> None:
    assert decode_image(b"not an image") is None
    assert decode_image(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100) is None


def test_settings_file_roundtrip_and_damage(tmp_path: Path) -> None:
    store = SettingsStore(tmp_path / "cfg" / "gui-settings.json")
    assert store.load() == Settings()
    store.save(Settings(language="ko", auto_lock_minutes=3, neutral_title=True))
    assert store.load() == Settings(language="ko", auto_lock_minutes=3, neutral_title=True)
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    store.path.write_text('{"language": "fr", "auto_lock_minutes": 100000, "neutral_title": "yes"}')
    assert store.load() == Settings(auto_lock_minutes=120)
    store.path.write_text("{broken")
    assert store.load() == Settings()


def test_worker_cancels_then_waits_and_drops_late_callbacks(qtbot: QtBot) -> None:
    worker = Worker()
    started = threading.Event()
    results: list[object] = []

    def slow(ctx: JobContext) -> str:
        started.set()
        for i in range(1000):
            if ctx.cancelled():
                raise CancelledError()
            ctx.progress(i, 1000)
            threading.Event().wait(0.01)
        return "finished"

    job = worker.start(slow, on_done=results.append, on_error=results.append)
    assert worker.busy
    assert started.wait(5)
    assert worker.shutdown(5000)
    assert job.is_cancelled()
    assert not worker.busy
    qtbot.wait(50)
    assert results == []  # discarded: nothing arrives after a lock

    worker.start(lambda ctx: 42, on_done=results.append)
    qtbot.waitUntil(lambda: results == [42] and not worker.busy)


def test_self_check_runs_offscreen() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")  # --self-check must force offscreen itself
    env.pop("DISPLAY", None)
    r = subprocess.run([sys.executable, "-m", "evidence_kit.gui", "--self-check"], capture_output=True, text=True,
                       env=env, timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "self-check ok" in r.stdout
    assert "translations: ko" in r.stdout


def test_every_custody_action_has_words() -> None:
    from evidence_kit.core.vault.custody import ACTIONS
    from evidence_kit.gui import i18n
    from evidence_kit.gui.models import action_label

    for lang in ("en", "ko"):
        i18n.set_language(lang)
        missing = [a for a in ACTIONS if action_label(a) == a]
        assert not missing, (lang, missing)


def test_png_bytes_encodes_in_memory(qtbot: QtBot) -> None:
    from PySide6.QtGui import QColor, QImage

    from evidence_kit.gui.import_actions import png_bytes

    img = QImage(20, 10, QImage.Format.Format_RGB32)
    img.fill(QColor("#123456"))
    data = png_bytes(img)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    back = decode_image(data)
    assert back is not None and back.size() == img.size() and back.pixelColor(3, 3) == QColor("#123456")
