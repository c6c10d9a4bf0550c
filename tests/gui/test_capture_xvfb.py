"""Screen capture on a real X server (issue 5).

Each test starts its own Xvfb on a free display (``-displayfd``) with the openbox window
manager, opens a window with a known pattern and title in a child process
(tests/pattern_window.py) and captures through the app's code path in another child
(tests/capture_child.py: the capture dialog, the hide/grab/restore controller, the
worker, the vault). The main test process stays offscreen. Then the stored evidence is
decrypted and its pixels and context checked, and HOME and TMPDIR are checked for files
that appeared during the capture.

The last tests run offscreen in this process: there, capture is impossible, and the
dialog says why and offers the file import instead.
"""

from __future__ import annotations

import io
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog, QWidget
from pytestqt.qtbot import QtBot

from evidence_kit.core.common.model import Source
from evidence_kit.core.evidence.capture import (
    MODE_ALL,
    MODE_SCREEN,
    CaptureError,
    CaptureRequest,
    ScreenInfo,
    make_context,
)
from evidence_kit.core.platforms.desktop import Rect
from evidence_kit.core.service import EvidenceService
from evidence_kit.gui import i18n
from evidence_kit.gui.capture import CaptureFlow
from evidence_kit.gui.capture_controller import CaptureController, own_windows
from evidence_kit.gui.capture_dialog import CaptureDialog
from evidence_kit.gui.region_selector import RegionSelector
from evidence_kit.gui.screen_grabber import FrozenDesktop, Grab, QtScreenGrabber
from evidence_kit.gui.worker import Worker
from evidence_kit.gui.x11_windows import X11Windows

from ..conftest import CANARY, PASSPHRASE, fast_kdf
from ..pattern_window import PALETTE_A, PALETTE_B

TESTS = Path(__file__).resolve().parents[1]
SCREEN = (1280, 800)
PATTERN = (40, 60, 400, 300)  # the pattern window's contents
OWN_COLOUR = (255, 128, 0)  # capture_child's own "app" window
TITLE = f"Telegram — 반 단톡방 {CANARY.decode()}"

needs_xvfb = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="Xvfb is not installed (scripts/setup.sh)")


# ----------------------------------------------------------------- X server


class XServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        r, w = os.pipe()
        self.xvfb = subprocess.Popen(
            ["Xvfb", "-displayfd", str(w), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp",
             "-noreset"],
            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        os.close(w)
        number = b""
        with os.fdopen(r, "rb") as f:
            while not number.endswith(b"\n"):
                ch = f.read(1)
                if not ch:
                    break
                number += ch
        if not number.strip():
            self.xvfb.kill()
            raise RuntimeError("Xvfb did not start")
        self.display = f":{int(number)}"
        # openbox keeps a log in its cache folder: give it its own
        home = root / "wm"
        home.mkdir(mode=0o700)
        self.env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
        self.env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb", XDG_SESSION_TYPE="x11")
        wm_env = dict(self.env, HOME=str(home), XDG_CACHE_HOME=str(home / "cache"),
                      XDG_CONFIG_HOME=str(home / "config"))
        self.wm = subprocess.Popen(["openbox", "--sm-disable"], env=wm_env, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            r2 = subprocess.run(["xprop", "-root", "_NET_SUPPORTING_WM_CHECK"], env=self.env, capture_output=True,
                                text=True, check=False)
            if "window id" in r2.stdout:
                break
            time.sleep(0.05)
        else:
            self.close()
            raise RuntimeError("openbox did not start")

    def close(self) -> None:
        for p in (self.wm, self.xvfb):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(5)
                except subprocess.TimeoutExpired:
                    p.kill()


@pytest.fixture(scope="module")
def xserver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XServer]:
    """One X server for the module; every test closes its windows (``children``) before the next."""
    server = XServer(tmp_path_factory.mktemp("xserver"))
    try:
        yield server
    finally:
        server.close()


class Child:
    """A child process whose stdout lines arrive on a queue."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen([sys.executable, *args], env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr or []), daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def expect(self, prefix: str, timeout: float = 20.0) -> str:
        end = time.monotonic() + timeout
        while True:
            left = end - time.monotonic()
            if left <= 0:
                raise AssertionError(f"no {prefix!r} line; stderr: {''.join(self.stderr)[-3000:]}")
            try:
                line = self.lines.get(timeout=min(left, 0.5))
            except queue.Empty:
                if self.proc.poll() is not None and self.lines.empty():
                    time.sleep(0.1)
                    raise AssertionError(
                        f"child exited ({self.proc.returncode}) before {prefix!r}; "
                        f"stderr: {''.join(self.stderr)[-3000:]}") from None
                continue
            if line.startswith(prefix):
                return line[len(prefix):].strip()

    def send(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                if self.proc.stdin:
                    self.proc.stdin.close()
                self.proc.wait(3)
            except (subprocess.TimeoutExpired, OSError):
                self.proc.kill()
                self.proc.wait(3)


@pytest.fixture
def children() -> Iterator[list[Child]]:
    started: list[Child] = []
    yield started
    for c in started:
        c.close()


def pattern_window(xs: XServer, children: list[Child], geometry: tuple[int, int, int, int] = PATTERN,
                   title: str = TITLE) -> Child:
    child = Child([str(TESTS / "pattern_window.py"), "--title", title, "--geometry", ",".join(map(str, geometry))],
                  xs.env)
    children.append(child)
    return child


def pattern_ready(child: Child) -> dict[str, int]:
    info: dict[str, int] = json.loads(child.expect("READY ", 30))
    assert (info["x"], info["y"], info["width"], info["height"]) == PATTERN, info
    return info


@pytest.fixture(scope="module")
def module_vault(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EvidenceService, list[str]]]:
    """One vault for the module (Argon2 is the slow part), with a fresh case for every test."""
    svc = EvidenceService(tmp_path_factory.mktemp("capture") / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    cases = [svc.create_case(f"캡처 사건 {i}").id for i in range(8)]
    svc.lock()
    yield svc, cases
    svc.lock()


@pytest.fixture(scope="module")
def open_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvidenceService]:
    """An unlocked vault for the offscreen tests (each makes its own case)."""
    svc = EvidenceService(tmp_path_factory.mktemp("capture-offscreen") / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    yield svc
    svc.lock()


@pytest.fixture
def capture_vault(module_vault: tuple[EvidenceService, list[str]]) -> Iterator[tuple[EvidenceService, str]]:
    """The vault locked (the capture child opens it) and a case of this test's own."""
    svc, cases = module_vault
    yield svc, cases.pop()
    svc.lock()


def files_under(*roots: Path, skip: tuple[Path, ...] = ()) -> set[str]:
    found: set[str] = set()
    for root in roots:
        for dirpath, _dirs, names in os.walk(root):
            if any(Path(dirpath).is_relative_to(s) for s in skip):
                continue
            found.update(os.path.join(dirpath, n) for n in names)
    return found


def run_capture(xs: XServer, children: list[Child], vault: tuple[EvidenceService, str], *args: str,
                pattern: Child | None = None, on_started: Any = None,
                timeout: float = 40.0) -> tuple[dict[str, Any], dict[str, int]]:
    """Run capture_child (started alongside the pattern window, to save time) and return its
    result and the pattern's geometry. Asserts no file appeared in HOME or TMPDIR (outside
    the vault) from the moment the capture was started until the child exited."""
    svc, case_id = vault
    env = dict(xs.env, EK_TEST_PASSPHRASE=PASSPHRASE)
    roots = (Path(os.environ["HOME"]), Path(os.environ["TMPDIR"]))
    skip = (svc.vault_path, xs.root)
    child = Child([str(TESTS / "capture_child.py"), "--vault", str(svc.vault_path), "--case", case_id, *args], env)
    children.append(child)
    info = pattern_ready(pattern) if pattern is not None else {}
    child.expect("WAITING", 30)
    before = files_under(*roots, skip=skip)
    child.send("go")
    if on_started is not None:
        on_started(float(child.expect("STARTED ", 20)))
    result = json.loads(child.expect("RESULT ", timeout))
    child.proc.wait(10)
    new = files_under(*roots, skip=skip) - before
    assert not new, f"files written outside the vault during capture: {sorted(new)}"
    svc.unlock(PASSPHRASE)
    return result, info


def stored_image(svc: EvidenceService, item_id: str) -> tuple[Image.Image, dict[str, Any]]:
    item = svc.vault.get_item(item_id)
    assert item.method == "screen-capture"
    data = svc.vault.read_item_bytes(item_id, log_view=False)
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    events = [e.action for e in svc.item_events(item_id)]
    assert events[0] == "capture", events
    return Image.open(io.BytesIO(data)).convert("RGB"), item.capture


def assert_quadrants(im: Image.Image, box: tuple[int, int, int, int], palette: tuple[tuple[int, int, int], ...],
                     margin: int = 3) -> None:
    """``box`` (in image pixels) shows the pattern's four quadrants, exactly, edge to edge."""
    x, y, w, h = box
    hw, hh = w // 2, h // 2
    quads = ((x, y, x + hw, y + hh), (x + hw, y, x + w, y + hh),
             (x, y + hh, x + hw, y + h), (x + hw, y + hh, x + w, y + h))
    for (x1, y1, x2, y2), colour in zip(quads, palette, strict=True):
        part = im.crop((x1 + margin, y1 + margin, x2 - margin, y2 - margin))
        colours = part.getcolors(maxcolors=4)
        assert colours is not None and [c for _n, c in colours] == [colour], (colour, colours, (x1, y1, x2, y2))


# -------------------------------------------------------------------- tests


@needs_xvfb
def test_window_capture_by_title(xserver: XServer, children: list[Child], capture_vault: Any) -> None:
    result, info = run_capture(xserver, children, capture_vault, "--mode", "window", "--window-title", TITLE,
                               "--description", f"canary {CANARY.decode()}", "--set-label", "chat, scrolled",
                               pattern=pattern_window(xserver, children))
    assert "error" not in result, result
    assert result["restored"] and result["hidden_during_capture"]
    svc, _case = capture_vault
    im, cap = stored_image(svc, result["item_id"])
    assert im.size == (info["width"], info["height"])  # the window's contents, without the frame
    assert_quadrants(im, (0, 0, *im.size), PALETTE_A, margin=0)
    assert cap["mode"] == "window"
    assert cap["window_title"] == TITLE
    assert cap["geometry"] == {"x": info["x"], "y": info["y"], "width": info["width"], "height": info["height"]}
    assert cap["window_app"] and cap["window_process"]
    assert cap["window_system"] == "xcb" and cap["session_type"] == "x11"
    assert cap["device_pixel_ratio"] == "1" and (cap["image_width"], cap["image_height"]) == im.size
    assert cap["app_windows_hidden"] is True
    assert datetime.strptime(cap["captured_utc"], "%Y-%m-%dT%H:%M:%S.%fZ")
    item = svc.vault.get_item(result["item_id"])
    assert item.source.platform == "Telegram" and item.source.chatroom == "테스트 방"
    assert item.group_part == 1 and item.group_id and cap["set_label"] == "chat, scrolled"
    assert svc.verify_vault().ok


@needs_xvfb
def test_region_dragged_over_frozen_screen(xserver: XServer, children: list[Child], capture_vault: Any) -> None:
    # the middle half of the pattern: a quarter of each quadrant
    region = (PATTERN[0] + 100, PATTERN[1] + 75, 200, 150)
    result, _info = run_capture(xserver, children, capture_vault, "--mode", "region",
                                "--drag", ",".join(map(str, region)), pattern=pattern_window(xserver, children))
    assert "error" not in result, result
    assert result["restored"]
    svc, _case = capture_vault
    im, cap = stored_image(svc, result["item_id"])
    assert im.size == (200, 150)
    assert_quadrants(im, (0, 0, 200, 150), PALETTE_A, margin=0)
    assert cap["mode"] == "region"
    assert cap["geometry"] == {"x": region[0], "y": region[1], "width": 200, "height": 150}
    assert cap["screen_geometry"] == {"x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1]}


@needs_xvfb
def test_delay_grabs_after_the_delay(xserver: XServer, children: list[Child], capture_vault: Any) -> None:
    pw = pattern_window(xserver, children)
    started: list[float] = []

    def on_started(epoch: float) -> None:  # the capture was just asked for: change colour 1 s later
        started.append(epoch)
        pw.send("change 1")

    result, info = run_capture(xserver, children, capture_vault, "--mode", "screen", "--delay", "3", pattern=pw,
                               on_started=on_started)
    assert "error" not in result, result
    changed = float(pw.expect("CHANGED ", 5))
    svc, _case = capture_vault
    im, cap = stored_image(svc, result["item_id"])
    assert im.size == SCREEN
    assert_quadrants(im, (info["x"], info["y"], info["width"], info["height"]), PALETTE_B)  # the new colours
    captured = datetime.strptime(cap["captured_utc"] + "+0000", "%Y-%m-%dT%H:%M:%S.%fZ%z").timestamp()
    assert captured > changed > started[0]
    assert captured - started[0] >= 3.0  # not before the delay was over
    assert cap["delay_s"] == 3


@needs_xvfb
def test_app_windows_are_hidden_during_capture(xserver: XServer, children: list[Child], capture_vault: Any) -> None:
    own = (PATTERN[0] + 100, PATTERN[1] + 50, 200, 200)  # over the middle of the pattern
    result, info = run_capture(xserver, children, capture_vault, "--mode", "screen",
                               "--own-window", ",".join(map(str, own)), "--dialog-at", "500,150",
                               pattern=pattern_window(xserver, children))
    assert "error" not in result, result
    assert result["hidden_during_capture"] and result["restored"]
    assert result["visible_after"] == result["visible_before"]
    svc, _case = capture_vault
    im, cap = stored_image(svc, result["item_id"])
    assert im.size == SCREEN
    colours = {c for _n, c in im.getcolors(maxcolors=1 << 20) or []}
    assert OWN_COLOUR not in colours  # the app's own window is not in the evidence
    assert_quadrants(im, (info["x"], info["y"], info["width"], info["height"]), PALETTE_A)  # what was behind it
    dx, dy, dw, dh = result["dialog_rect"]
    assert dx >= PATTERN[0] + PATTERN[2] + 8 and dw > 100  # beside the pattern, not over it
    behind_dialog = im.crop((dx, dy, min(dx + dw, SCREEN[0]), min(dy + dh, SCREEN[1]))).getcolors(4)
    assert behind_dialog is not None and [c for _n, c in behind_dialog] == [(0, 0, 0)]  # no dialog: bare root
    assert cap["app_windows_hidden"] is True
    assert cap.get("active_window_title") in ("", None, TITLE)  # never one of our own windows
    assert cap["screen_name"] and cap["screen_geometry"]["width"] == SCREEN[0]


@needs_xvfb
def test_black_grab_is_refused(xserver: XServer, children: list[Child], capture_vault: Any) -> None:
    # Nothing on screen but the app's (hidden) dialog: the bare Xvfb root is all black.
    result, _info = run_capture(xserver, children, capture_vault, "--mode", "screen", "--lang", "ko")
    assert result.get("error") == "BlankCaptureError", result
    assert "black" in result["en"] and "Import a screenshot file" in result["en"]
    assert "검은색" in result["ko"]
    assert result["dialog_outcome"] == result["ko"]  # said plainly, in the dialog, in Korean
    assert result["fallback_visible"]  # with the file-import fallback
    assert result["restored"]
    svc, case_id = capture_vault
    assert svc.items(case_id) == []
    assert not [e for e in svc.vault.events() if e.action == "capture" and e.case_id == case_id]


# ------------------------------------------------------ offscreen: impossible


def test_offscreen_capture_explains_and_offers_import(qtbot: QtBot, open_service: EvidenceService) -> None:
    service = open_service
    case = service.create_case("c")
    host = QWidget()
    qtbot.addWidget(host)
    imported: list[bool] = []
    errors: list[BaseException] = []
    flow = CaptureFlow(host, service=lambda: service, worker=Worker(host), case_id=lambda: case.id,
                       show_error=errors.append, open_dialog=lambda d: d.open(),
                       import_files=lambda: imported.append(True))
    for lang in ("en", "ko"):
        i18n.set_language(lang)
        dlg = flow.open_dialog()
        assert isinstance(dlg, CaptureDialog)
        qtbot.waitExposed(dlg)
        assert dlg.unavailable.isVisible()
        assert not dlg.capture_button.isEnabled()
        text = dlg.unavailable_text.full_text()
        assert ("without a screen" in text) if lang == "en" else ("화면 없이" in text)
        assert dlg.import_button.text() == ("Import a screenshot file…" if lang == "en" else i18n.t(
            "Import a screenshot file…"))
        dlg.import_button.click()
        assert not dlg.isVisible() and imported
        imported.clear()
    assert not flow.capture(CaptureRequest())  # refused, with the reason shown
    assert errors and "화면" in errors[-1].message("ko")
    assert service.items(case.id) == []


def test_macos_hidden_titles_explain_the_screen_recording_permission(
    qtbot: QtBot, open_service: EvidenceService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On macOS without the Screen Recording permission, Quartz lists other apps' windows with
    no titles; the window list says how to allow it instead of "no other windows"."""
    from evidence_kit.core.platforms import macos
    from evidence_kit.gui import screen_grabber

    rows = [{"kCGWindowLayer": 0, "kCGWindowOwnerName": n, "kCGWindowOwnerPID": i, "kCGWindowNumber": i,
             "kCGWindowBounds": {"X": 0, "Y": 0, "Width": 50, "Height": 50}} for i, n in enumerate(["Safari"], 1)]
    mac = macos.MacPlatform(source=lambda: rows)
    monkeypatch.setattr(screen_grabber, "native_window_list", lambda: mac.list_windows(own_pid=99))
    monkeypatch.setattr(screen_grabber, "can_list_native_windows", lambda: True)
    service = open_service
    case = service.create_case("c")
    host = QWidget()
    qtbot.addWidget(host)
    x11 = X11Windows()
    assert not x11.available  # offscreen: no X11 tools to ask, as on macOS
    flow = CaptureFlow(host, service=lambda: service, worker=Worker(host), case_id=lambda: case.id,
                       show_error=lambda e: None, open_dialog=lambda d: d.open(),
                       grabber=QtScreenGrabber(x11=x11))
    for lang, expected in (("en", macos.PERMISSION_EN), ("ko", macos.PERMISSION_KO)):
        i18n.set_language(lang)
        dlg = flow.open_dialog()
        assert isinstance(dlg, CaptureDialog)
        dlg.refresh_windows()
        assert dlg.window_combo.count() == 0 and dlg.window_note.full_text() == expected
        dlg.reject()
    # with the permission given, titles come back and the note goes away
    rows[0]["kCGWindowName"] = "채팅방"
    dlg = flow.open_dialog()
    dlg.refresh_windows()
    assert dlg.window_combo.count() == 1 and dlg.window_note.full_text() == ""
    dlg.reject()
    i18n.set_language("en")


def test_capture_dialog_in_korean_is_translated_and_named(qtbot: QtBot, open_service: EvidenceService) -> None:
    service = open_service
    from .test_translations import english_words, unnamed_controls, visible_texts

    case = service.create_case("c")
    host = QWidget()
    qtbot.addWidget(host)
    i18n.set_language("ko")
    flow = CaptureFlow(host, service=lambda: service, worker=Worker(host), case_id=lambda: case.id,
                       show_error=lambda e: None, open_dialog=lambda d: d.open())
    dlg = flow.open_dialog()
    assert isinstance(dlg, CaptureDialog)
    qtbot.waitExposed(dlg)
    names = {"macOS", "xprop", "xwininfo", "X11"}  # names of systems and tools
    english = [f"{where}: {text!r}" for where, text in visible_texts(dlg)
               if [w for w in english_words(text) if w not in names]]
    assert not english, english
    assert not unnamed_controls(dlg)
    dlg.reject()


# --------------------------------------------- offscreen: controller and parsing


class PaintedGrabber(QtScreenGrabber):
    """Offscreen stand-in: a painted picture instead of the screen; records what was visible."""

    def __init__(self) -> None:
        super().__init__(x11=X11Windows())
        self.visible_at_grab: list[str] = []

    def grab_image(self, request: CaptureRequest) -> Grab:
        self.visible_at_grab = [w.windowTitle() for w in own_windows()]
        img = QImage(64, 48, QImage.Format.Format_RGB32)
        img.fill(QColor(200, 30, 30))
        img.setPixelColor(1, 1, QColor(0, 0, 255))
        ctx = make_context(mode=request.mode, screen_name="S", screen_geometry=Rect(0, 0, 64, 48),
                           geometry=Rect(0, 0, 64, 48), device_pixel_ratio=1.0, image_size=(64, 48))
        return Grab(img, ctx)


def test_controller_hides_grabs_and_restores(qtbot: QtBot) -> None:
    main, dialog = QWidget(), QDialog()
    for w, title in ((main, "main"), (dialog, "dialog")):
        qtbot.addWidget(w)
        w.setWindowTitle(title)
        w.show()
    qtbot.waitExposed(dialog)
    grabber = PaintedGrabber()
    ctl = CaptureController(grabber, settle_ms=50)
    with qtbot.waitSignal(ctl.grabbed, timeout=5000) as sig:
        assert ctl.start(CaptureRequest(MODE_SCREEN))
        assert not main.isVisible() and not dialog.isVisible() and ctl.busy
        assert not ctl.start(CaptureRequest(MODE_SCREEN))  # one at a time
    assert grabber.visible_at_grab == []  # nothing of the app was on screen at the moment of the grab
    assert main.isVisible() and dialog.isVisible() and not ctl.busy
    grab = sig.args[0]
    assert grab.context.app_windows_hidden is True
    png = grab.result().png
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size == (64, 48)


def test_controller_delay_counts_down_and_abort_can_leave_windows_hidden(qtbot: QtBot) -> None:
    main = QWidget()
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    ctl = CaptureController(PaintedGrabber(), settle_ms=50)
    ticks: list[int] = []
    ctl.countdown.connect(ticks.append)
    grabbed: list[object] = []
    ctl.grabbed.connect(grabbed.append)
    ctl.start(CaptureRequest(MODE_SCREEN, delay_s=3))
    qtbot.wait(1200)
    assert ticks[:2] == [3, 2] and not grabbed and not main.isVisible()
    ctl.abort(restore=False)  # quick exit: nothing comes back on screen
    assert not ctl.busy and not main.isVisible()
    assert not ctl._fire.isActive() and not ctl._tick.isActive()  # and no picture will be taken
    main.show()
    ctl.start(CaptureRequest(MODE_SCREEN, delay_s=3))
    assert not main.isVisible()
    ctl.abort()  # locking: the windows come back
    assert main.isVisible() and not grabbed


def test_region_selector_mouse_and_keyboard(qtbot: QtBot) -> None:
    img = QImage(300, 200, QImage.Format.Format_RGB32)
    img.fill(QColor(10, 120, 200))
    ctx = make_context(mode=MODE_ALL, screen_name="S", screen_geometry=Rect(0, 0, 300, 200),
                       geometry=Rect(0, 0, 300, 200), device_pixel_ratio=1.0, image_size=(300, 200))
    frozen = FrozenDesktop(img, Rect(0, 0, 300, 200), 1.0, [ScreenInfo("S", Rect(0, 0, 300, 200))], ctx)
    sel = RegionSelector(frozen)
    qtbot.addWidget(sel)
    sel.present()
    qtbot.waitExposed(sel)
    with qtbot.waitSignal(sel.selected) as sig:
        qtbot.mousePress(sel, Qt.MouseButton.LeftButton, pos=QPoint(20, 30))
        qtbot.mouseMove(sel, QPoint(60, 70))
        qtbot.mouseRelease(sel, Qt.MouseButton.LeftButton, pos=QPoint(120, 90))
    assert sig.args[0] == Rect(20, 30, 100, 60)
    grab = PaintedGrabber().crop(frozen, sig.args[0])
    assert (grab.image.width(), grab.image.height()) == (100, 60)
    assert grab.context.mode == "region" and grab.context.geometry == Rect(20, 30, 100, 60)

    sel2 = RegionSelector(frozen)
    qtbot.addWidget(sel2)
    sel2.present()
    with qtbot.waitSignal(sel2.selected) as sig2:
        qtbot.keyClick(sel2, Qt.Key.Key_Right)  # a first rectangle in the middle
        qtbot.keyClick(sel2, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # one pixel wider
        qtbot.keyClick(sel2, Qt.Key.Key_Return)
    r = sig2.args[0]
    assert r.width == 151 and r.height == 100
    sel3 = RegionSelector(frozen)
    qtbot.addWidget(sel3)
    sel3.present()
    with qtbot.waitSignal(sel3.cancelled):
        qtbot.mousePress(sel3, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
        qtbot.mouseRelease(sel3, Qt.MouseButton.LeftButton, pos=QPoint(6, 6))  # a click is no region
        qtbot.keyClick(sel3, Qt.Key.Key_Escape)


def test_flow_stores_through_the_worker_with_sets_and_prefill(qtbot: QtBot, open_service: EvidenceService,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    service = open_service
    case = service.create_case("c")
    host = QWidget()
    qtbot.addWidget(host)
    flow = CaptureFlow(host, service=lambda: service, worker=Worker(host), case_id=lambda: case.id,
                       show_error=lambda e: None, open_dialog=lambda d: d.open(), grabber=PaintedGrabber(),
                       settle_ms=30)
    monkeypatch.setattr(flow, "possible", lambda: (True, ""))
    dlg = flow.open_dialog()
    assert isinstance(dlg, CaptureDialog) and dlg.capture_button.isEnabled()
    dlg.in_set.setChecked(True)
    dlg.set_label.setText("대화")
    dlg.form.set_source(Source(platform="KakaoTalk", chatroom="방", purpose="why"))
    with qtbot.waitSignal(flow.stored, timeout=10_000) as sig:
        dlg.capture_button.click()
    first = sig.args[0].item
    assert (first.group_part, first.capture["set_label"], first.source.chatroom) == (1, "대화", "방")
    assert "part 1" in dlg.outcome.full_text()
    assert dlg.form.source().chatroom == "방" and dlg.form.source().purpose == ""  # prefilled for part 2
    assert "part 2" in dlg.part_label.full_text()
    qtbot.waitUntil(lambda: not flow.worker.busy)
    with qtbot.waitSignal(flow.problem, timeout=10_000):  # a failed grab: shown in the dialog, no part used
        flow.grabber.grab_image = lambda r: (_ for _ in ()).throw(CaptureError("gone"))  # type: ignore[method-assign]
        dlg.capture_button.click()
    assert flow.session.group is not None and flow.session.group.next_part == 2
    flow.forget()
    assert flow.session.last_source is None and not dlg.isVisible()


def test_record_only_capture_asks_what_to_hide_then_stores_only_that(
    qtbot: QtBot, open_service: EvidenceService, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io as _io

    from PIL import Image

    from evidence_kit.gui.redact_dialog import RedactDialog

    service = open_service
    case = service.create_case("상담", policy="record_only")
    host = QWidget()
    qtbot.addWidget(host)
    flow = CaptureFlow(host, service=lambda: service, worker=Worker(host), case_id=lambda: case.id,
                       show_error=lambda e: None, open_dialog=lambda d: d.open(), grabber=PaintedGrabber(),
                       settle_ms=30)
    monkeypatch.setattr(flow, "possible", lambda: (True, ""))
    dlg = flow.open_dialog()
    assert isinstance(dlg, CaptureDialog)
    dlg.capture_button.click()
    qtbot.waitUntil(lambda: isinstance(flow.redact_dialog, RedactDialog), timeout=10_000)
    redact = flow.redact_dialog
    assert isinstance(redact, RedactDialog)
    canvas = redact.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(0, 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.widget_point(32, 24))
    with qtbot.waitSignal(flow.stored, timeout=10_000) as sig:
        redact.accept()
    item = sig.args[0].item
    assert not item.retained and item.derivation.startswith("blacked-out") and item.capture["mode"]
    stored = Image.open(_io.BytesIO(service.vault.read_item_bytes(item.id))).convert("RGB")
    assert stored.getpixel((5, 5)) == (0, 0, 0) and stored.getpixel((50, 40)) == (200, 30, 30)
    assert service.vault.events(item_id=item.id)[0].action == "capture"
    qtbot.waitUntil(lambda: not flow.worker.busy)
    flow.forget()


def test_x11_parsing_resists_hostile_titles(monkeypatch: pytest.MonkeyPatch) -> None:
    x = X11Windows(own_pid=1)
    x.xprop, x.xwininfo = "/usr/bin/xprop", "/usr/bin/xwininfo"
    title = 'evil"\n  Absolute upper-left X:  9999\n\u202e'.encode()
    hexed = ", ".join(f"0x{b:02x}" for b in title)
    outputs = {
        "xprop": f"_NET_WM_NAME = {hexed}\nWM_CLASS = 0x61, 0x00, 0x42, 0x00\n_NET_WM_PID = 4242\n"
                 "_NET_WM_WINDOW_TYPE = _NET_WM_WINDOW_TYPE_NORMAL\n_NET_WM_STATE = \n",
        "xwininfo": f'xwininfo: Window id: 0x1 "{title.decode()}"\n\n  Absolute upper-left X:  40\n'
                    "  Absolute upper-left Y:  60\n  Relative upper-left X:  1\n  Width: 400\n  Height: 300\n",
    }
    monkeypatch.setattr(x, "_run", lambda args: outputs[Path(args[0]).name])
    info = x.info(1)
    assert info is not None
    assert info.title == title.decode() and info.app == "B" and info.pid == 4242
    assert info.geometry == Rect(40, 60, 400, 300)
