"""Fixtures for the desktop app's tests: a real window over a real (temporary) vault."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.model import ItemInput, Source
from evidence_kit.core.service import EvidenceService
from evidence_kit.gui import i18n
from evidence_kit.gui.main_window import MainWindow
from evidence_kit.gui.settings import Settings, SettingsStore

from ..conftest import CANARY, PASSPHRASE, fast_kdf

WAIT_MS = 15_000


@pytest.fixture(autouse=True)
def english(qapp: object) -> Iterator[None]:
    """Every test starts in English unless it switches; the language is process-wide."""
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def checkerboard_png(seed: int = 0, size: tuple[int, int] = (96, 64), cell: int = 8) -> bytes:
    """A high-contrast picture: a good blurred preview of it is close to flat grey.

    It carries the session's leak canary, so a preview or paste that wrote plaintext
    anywhere outside the vault fails the run.
    """
    im = Image.new("RGB", size, (255, 255, 255))
    px = im.load()
    for y in range(size[1]):
        for x in range(size[0]):
            if ((x // cell) + (y // cell) + seed) % 2:
                px[x, y] = (0, 0, 0)
    im.putpixel((seed, 0), (seed, 1, 2))  # every seed gives different bytes
    info = PngInfo()
    info.add_text("Comment", CANARY.decode())
    buf = io.BytesIO()
    im.save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


@pytest.fixture
def vault_with_items(tmp_path: Path) -> tuple[Path, list[str]]:
    """A locked vault holding one case ("사건 A") and two pictures."""
    svc = EvidenceService(tmp_path / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    case = svc.create_case("사건 A")
    ids = [
        svc.import_bytes(case.id, checkerboard_png(i),
                         ItemInput(name=f"picture-{i}.png", method="import-file", source=Source(platform="Telegram"))
                         ).item.id
        for i in range(2)
    ]
    svc.lock()
    return tmp_path / "vault", ids


MakeWindow = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, tmp_path: Path) -> MakeWindow:
    def make(vault_path: Path | None = None, *, settings: Settings | None = None) -> MainWindow:
        svc = EvidenceService(vault_path or tmp_path / "vault")
        win = MainWindow(svc, settings or Settings(language=i18n.language()),
                         SettingsStore(tmp_path / "gui-settings.json"), kdf=fast_kdf())
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    return make


def unlock(qtbot: QtBot, win: MainWindow, passphrase: str = PASSPHRASE) -> None:
    page = win.unlock_page
    page.secret.setText(passphrase)
    qtbot.keyClick(page.secret, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not win.worker.busy, timeout=WAIT_MS)


def wait_idle(qtbot: QtBot, win: MainWindow) -> None:
    qtbot.waitUntil(lambda: not win.worker.busy, timeout=WAIT_MS)
