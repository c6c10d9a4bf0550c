"""`evidence-kit-gui`: start the desktop app (or, with ``--self-check``, test that it can start)."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

from .. import __version__
from ..core.common.fsutil import private_umask

log = logging.getLogger(__name__)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="evidence-kit-gui", description="Evidence Kit desktop app")
    p.add_argument("--version", action="version", version=f"evidence-kit-gui {__version__}")
    p.add_argument("--vault", help="vault folder (default: EVIDENCE_KIT_VAULT or the user data folder)")
    p.add_argument("--lang", choices=["ko", "en"], help="interface language (default: settings, then the system)")
    p.add_argument("--settings", help="settings file (default: the user config folder)")
    p.add_argument("--self-check", action="store_true",
                   help="start offscreen, check fonts, translations and a temporary vault, then exit")
    p.add_argument("-v", "--verbose", action="store_true")
    p.add_argument("--portable", action="store_true",
                   help="keep the vault, settings and state beside the program (USB stick); nothing on this computer")
    return p.parse_args(argv)


def load_fonts() -> list[str]:
    """Register our Korean TrueType font and make it the app's font, so Hangul never shows as boxes."""
    from PySide6.QtGui import QFontDatabase
    from PySide6.QtWidgets import QApplication

    from .resources import font_files

    families: list[str] = []
    for path in font_files():
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.warning("font %s could not be loaded", path.name)
            continue
        for fam in QFontDatabase.applicationFontFamilies(font_id):
            if fam not in families:
                families.append(fam)
    if families:
        font = QApplication.font()
        font.setFamilies([families[0], *font.families()])
        QApplication.setFont(font)
    else:
        log.warning("no Korean font found: Hangul may not display")
    return families


def make_app(argv0: str = "evidence-kit-gui") -> object:
    from PySide6.QtWidgets import QApplication

    if QApplication.instance() is None:
        from ..core.platforms import current

        current().enable_dpi_awareness()  # per-monitor DPI on Windows; nothing elsewhere
    app = QApplication.instance() or QApplication([argv0])
    QApplication.setApplicationName("Evidence Kit")
    return app


def install_excepthook(show: object) -> None:
    """An unexpected error in a slot: log its type, show a plain message, keep running."""
    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        log.error("unexpected %s", exc_type.__name__, exc_info=(exc_type, exc, tb))
        try:
            show(exc)  # type: ignore[operator]
        except Exception:  # noqa: S110 - the last line of defence must not raise
            pass

    sys.excepthook = hook


def no_screen() -> bool:
    """On Linux/BSD without X11 or Wayland (and no platform chosen), Qt would abort with a
    message about plugins; say plainly what is missing instead."""
    if not sys.platform.startswith(("linux", "freebsd", "openbsd")):
        return False
    return not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM"))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    private_umask()
    from ..core.common.logsetup import configure_logging

    configure_logging(args.verbose)  # decoders' own complaints about hostile files stay off stderr
    from ..core.common import portable

    portable.setup(args.portable)  # before Qt or settings read a per-user location (issue 20)
    if args.self_check:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return self_check()
    if no_screen():
        print(
            "화면을 찾을 수 없습니다(DISPLAY가 설정되지 않음). 데스크톱에서 실행하거나 명령줄을 쓰세요: "
            "bash scripts/run.sh --help\n"
            "No screen was found (DISPLAY is not set). Start the app from a desktop session, or use the "
            "command line: bash scripts/run.sh --help",
            file=sys.stderr,
        )
        return 2

    from PySide6.QtWidgets import QApplication

    from ..core.service import EvidenceService
    from . import i18n
    from .main_window import MainWindow, effective_language
    from .settings import SettingsStore

    app = make_app()
    assert isinstance(app, QApplication)
    load_fonts()
    store = SettingsStore(Path(args.settings) if args.settings else None)
    settings = store.load()
    i18n.set_language(args.lang or effective_language(settings))
    service = EvidenceService(Path(args.vault) if args.vault else None)
    win = MainWindow(service, settings, store)
    win.exit_requested.connect(app.quit)
    app.aboutToQuit.connect(win.lock)
    install_excepthook(win.show_error)
    win.show()
    return int(app.exec())


def _say(line: str) -> None:
    if sys.stdout is not None:  # a windowed executable may have no stdout
        print(line, flush=True)


def self_check() -> int:
    """Offscreen: fonts, translations, a throwaway vault (only ciphertext on disk), the main window.

    Exits 0 when everything works. Used by the build script on the frozen app.
    """
    from PySide6.QtGui import QColor, QFontDatabase, QFontMetrics, QImage
    from PySide6.QtWidgets import QApplication

    from ..core.common.model import ItemInput
    from ..core.crypto.keys import floor_params
    from ..core.service import EvidenceService
    from . import i18n
    from .import_actions import png_bytes
    from .main_window import MainWindow
    from .settings import Settings
    from .widgets import decode_image

    t0 = time.monotonic()
    app = make_app()
    assert isinstance(app, QApplication)
    problems: list[str] = []

    families = load_fonts()
    korean = [f for f in families if QFontDatabase.WritingSystem.Korean in QFontDatabase.writingSystems(f)]
    if not korean:
        problems.append("no Korean font loaded")
    elif not QFontMetrics(app.font()).inFontUcs4(ord("한")):
        problems.append("the app font has no Hangul glyphs")
    _say(f"fonts: {', '.join(families) or 'none'}")

    i18n.set_language("ko")
    if i18n.catalogue_size() == 0 or i18n.t("Unlock") == "Unlock":
        problems.append("Korean translations missing")
    _say(f"translations: ko {i18n.catalogue_size()} messages, Qt's own: {i18n.qt_translations_loaded()}")

    with tempfile.TemporaryDirectory(prefix="ek-self-check-") as tmp:
        svc = EvidenceService(Path(tmp) / "vault")
        passphrase = secrets.token_urlsafe(18)
        svc.create_vault(passphrase, kdf=floor_params())
        case = svc.create_case("self-check")
        img = QImage(96, 64, QImage.Format.Format_RGB32)
        img.fill(QColor("#4a7bd0"))
        data = png_bytes(img) + secrets.token_bytes(16)  # a unique trailer no ciphertext could contain
        res = svc.import_bytes(case.id, data, ItemInput(name="self-check.png", method="paste"))
        if svc.vault.read_item_bytes(res.item.id, log_view=False) != data:
            problems.append("vault round trip failed")
        if res.item.pdq is None:
            problems.append("no PDQ perceptual hash (pdqhash missing from the build?)")
        if decode_image(data) is None:
            problems.append("Qt could not decode a PNG (image plugins missing?)")
        problems += _heic_check(svc, case.id)
        problems += _video_check(svc, case.id)
        if not svc.verify_vault().ok:
            problems.append("vault verification failed")
        win = MainWindow(svc, Settings(language="ko"))
        win.show()
        app.processEvents()
        if win.grab().isNull():
            problems.append("the main window did not render")
        win.lock()
        win.close()
        svc.unlock(passphrase)
        svc.lock()
        for path in Path(tmp).rglob("*"):
            if path.is_file() and data[-16:] in path.read_bytes():
                problems.append(f"plaintext found on disk: {path.name}")
    for p in problems:
        _say(f"PROBLEM: {p}")
    _say(f"self-check {'FAILED' if problems else 'ok'} in {time.monotonic() - t0:.1f} s")
    return 1 if problems else 0


def _heic_check(svc: Any, case_id: str) -> list[str]:
    """An iPhone-style HEIC photo, made here, imported: size, EXIF and PDQ read back (issue 17)."""
    import io

    from ..core.common.model import ItemInput

    try:
        import pillow_heif
        from PIL import Image

        im = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
        exif = Image.Exif()
        exif[0x010F] = "Apple"
        buf = io.BytesIO()
        pillow_heif.from_pillow(im).save(buf, format="HEIF", quality=70, exif=exif.tobytes())
    except Exception as e:  # the module or its encoder is missing from the build
        return [f"HEIC support missing (pillow-heif: {type(e).__name__})"]
    item = svc.import_bytes(case_id, buf.getvalue(), ItemInput(name="self-check.heic", method="paste")).item
    from ..core.evidence import imaging
    from ..core.evidence import perceptual as pq

    _say(f"heic: {item.media_type} {item.image.get('width')}x{item.image.get('height')} pdq={bool(item.pdq)}")
    _say(
        "decoders: libtiff messages to the log by "
        + ("its handlers" if imaging.libtiff_hooked() else "an fd-2 pipe")
        + ", PDQ core "
        + ("without the GIL" if pq._native_hasher() is not None else "through pdqhash.compute")
    )
    if item.media_type != "image/heic" or item.image.get("width") != 320 or not item.pdq:
        return ["a HEIC photo was stored without its size or PDQ (pillow-heif missing from the build?)"]
    if item.exif.get("Image Make") != "Apple":
        return ["a HEIC photo's EXIF was not read"]
    return []


def _video_check(svc: Any, case_id: str) -> list[str]:
    """A short MPEG-4 clip, made here with PyAV, imported: facts and frame hashes read back (issue 23)."""
    import io

    from ..core.common.model import ItemInput

    try:
        import av
        import numpy as np

        buf = io.BytesIO()
        c = av.open(buf, "w", format="mp4")
        s = c.add_stream("mpeg4", rate=10)
        s.width, s.height, s.pix_fmt = 160, 120, "yuv420p"
        rng = np.random.default_rng(1)
        for i in range(20):
            arr = np.kron(rng.integers(0, 255, (15, 20, 3), dtype=np.uint8), np.ones((8, 8, 1), dtype=np.uint8))
            for p in s.encode(av.VideoFrame.from_ndarray(np.roll(arr, i, axis=1), format="rgb24")):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
        c.close()
    except Exception as e:  # PyAV or its FFmpeg missing from the build
        return [f"video support missing (PyAV: {type(e).__name__})"]
    item = svc.import_bytes(case_id, buf.getvalue(), ItemInput(name="self-check.mp4", method="paste")).item
    _say(f"video: {item.media_type} {item.image.get('width')}x{item.image.get('height')} "
         f"frame hashes={len(item.frame_pdq or [])} (PyAV {av.__version__})")
    if item.image.get("width") != 160 or not item.frame_pdq:
        return ["a video was stored without its facts or frame hashes (PyAV missing from the build?)"]
    return []


if __name__ == "__main__":
    raise SystemExit(main())
