"""Screen capture without a display (issue 5): storing, blank grabs, sets, prefill, platforms."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from evidence_kit.core.common.clock import Clock
from evidence_kit.core.common.model import Source
from evidence_kit.core.evidence.capture import (
    MODE_ALL,
    MODE_REGION,
    MODE_SCREEN,
    MODE_WINDOW,
    BlankCaptureError,
    CaptureError,
    CaptureRequest,
    CaptureUnavailableError,
    ScreenInfo,
    session_type,
)
from evidence_kit.core.evidence.capture_env import (
    CaptureEnvironment,
    check_capture_possible,
    detect_environment,
    ensure_capture_possible,
)
from evidence_kit.core.evidence.capture_store import CaptureSession, blank_reason, is_blank, store_capture
from evidence_kit.core.evidence.grabber import FakeGrabber, ScreenGrabber
from evidence_kit.core.platforms.desktop import Rect, WindowInfo
from evidence_kit.core.service import EvidenceService

from .conftest import CANARY, PASSPHRASE, fast_kdf


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvidenceService]:
    """One vault for the module (Argon2 is the slow part); every test makes its own case."""
    svc = EvidenceService(tmp_path_factory.mktemp("capture-core") / "vault")
    svc.create_vault(PASSPHRASE, kdf=fast_kdf())
    yield svc
    svc.lock()


class FixedClock(Clock):
    def __init__(self, when: datetime, offset: str = "+09:00") -> None:
        self.when = when
        self.offset = offset

    def now(self) -> datetime:
        return self.when

    def local_offset(self) -> str:
        return self.offset


def png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def hangul(s: str) -> bool:
    return any("\uac00" <= ch <= "\ud7a3" for ch in s)


# ----------------------------------------------------------------- storing


def test_fake_grabber_is_a_screen_grabber() -> None:
    assert isinstance(FakeGrabber(), ScreenGrabber)


def test_store_capture_seals_png_with_context(service: EvidenceService) -> None:
    case = service.create_case("사건")
    clock = FixedClock(datetime(2026, 3, 1, 12, 30, 5, tzinfo=UTC))
    grabber = FakeGrabber([ScreenInfo("DP-1", Rect(0, 0, 200, 100), 2.0, primary=True, model="ACME 27")], clock=clock)
    result = grabber.grab(CaptureRequest(MODE_SCREEN, delay_s=3))
    assert (result.context.image_width, result.context.image_height) == (400, 200)  # device pixels
    source = Source(platform="Telegram", chatroom="반 단톡방", description=f"note {CANARY.decode()}")
    res = store_capture(service, case.id, result, source)
    item = res.item
    assert not res.duplicate
    assert item.method == "screen-capture"
    assert item.original_name == "screen-capture-20260301-213005.png"  # local time (+09:00)
    assert item.media_type == "image/png"
    assert item.source.chatroom == "반 단톡방"
    cap = item.capture
    assert cap["captured_utc"] == "2026-03-01T12:30:05.000000Z"
    assert cap["tz_offset"] == "+09:00"
    assert cap["screen_name"] == "DP-1"
    assert cap["device_pixel_ratio"] == "2"
    assert cap["geometry"] == {"x": 0, "y": 0, "width": 200, "height": 100}
    assert (cap["image_width"], cap["image_height"]) == (400, 200)
    assert cap["delay_s"] == 3
    assert cap["active_window"] == "not exposed by this platform"
    assert cap["platform"] and "session_type" in cap
    assert item.group_id is None and item.group_part is None
    # the custody event is "capture", and the bytes decrypt exactly
    events = service.item_events(item.id)
    assert events[0].action == "capture" and "import" not in [e.action for e in events]
    assert service.vault.read_item_bytes(item.id, log_view=False) == result.png
    # the picture exists nowhere on disk in the clear
    for dirpath, _dirs, files in os.walk(service.vault_path.parent):
        for name in files:
            assert result.png[-64:] not in (Path(dirpath) / name).read_bytes(), name


def test_window_and_all_screens_context(service: EvidenceService) -> None:
    case = service.create_case("c")
    win = WindowInfo(0x400007, "Telegram — 채팅 \u202egnp.exe", app="TelegramDesktop", process="telegram-deskto",
                     pid=42, geometry=Rect(10, 20, 64, 48))
    screens = [ScreenInfo("A", Rect(0, 0, 100, 80), 1.0, primary=True), ScreenInfo("B", Rect(100, 0, 120, 90), 1.0)]
    grabber = FakeGrabber(screens, [win])
    item = store_capture(service, case.id, grabber.grab(CaptureRequest(MODE_WINDOW, window_id=win.id))).item
    assert item.capture["window_title"] == win.title  # stored verbatim (it is data); shown escaped
    assert item.capture["window_app"] == "TelegramDesktop"
    assert item.capture["geometry"] == {"x": 10, "y": 20, "width": 64, "height": 48}
    assert "active_window" not in item.capture
    item = store_capture(service, case.id, grabber.grab(CaptureRequest(MODE_ALL))).item
    assert item.capture["geometry"] == {"x": 0, "y": 0, "width": 220, "height": 90}
    assert [s["name"] for s in item.capture["screens"]] == ["A", "B"]
    with pytest.raises(CaptureError):
        grabber.grab(CaptureRequest(MODE_WINDOW, window_id=1))


def test_request_validation() -> None:
    with pytest.raises(ValueError):
        CaptureRequest("film")
    with pytest.raises(ValueError):
        CaptureRequest(MODE_WINDOW)
    with pytest.raises(ValueError):
        CaptureRequest(MODE_SCREEN, delay_s=-1)
    with pytest.raises(ValueError):
        CaptureRequest(MODE_REGION, region=Rect(0, 0, 0, 5))
    assert CaptureRequest(MODE_REGION).interactive
    assert not CaptureRequest(MODE_REGION, region=Rect(1, 2, 3, 4)).interactive


def test_rect() -> None:
    a, b = Rect(0, 0, 10, 10), Rect(5, 5, 10, 10)
    assert a.intersected(b) == Rect(5, 5, 5, 5)
    assert a.united(b) == Rect(0, 0, 15, 15)
    assert a.intersected(Rect(20, 20, 1, 1)).empty
    assert Rect.from_json(b.to_json()) == b
    assert a.contains_point(9, 9) and not a.contains_point(10, 0)


# ------------------------------------------------------------- blank grabs


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        (Image.new("RGB", (64, 48), (0, 0, 0)), "black"),
        (Image.new("RGB", (64, 48), (3, 8, 2)), "black"),
        (Image.new("RGB", (64, 48), (255, 255, 255)), "one-colour"),
        (Image.new("RGB", (64, 48), (40, 90, 200)), "one-colour"),
        (Image.new("L", (64, 48), 0), "black"),
        (Image.new("RGBA", (64, 48), (200, 10, 10, 0)), "transparent"),
        (Image.new("P", (16, 16), 0), "black"),
    ],
)
def test_blank_grabs_are_recognised(image: Image.Image, reason: str) -> None:
    assert blank_reason(png(image)) == reason
    assert is_blank(png(image))


def test_real_pictures_are_not_blank() -> None:
    im = Image.new("RGB", (64, 48), (0, 0, 0))
    im.putpixel((10, 10), (200, 200, 200))  # one lit pixel: a dark screen with a little text
    assert blank_reason(png(im)) is None
    gray = Image.new("L", (8, 8), 30)
    gray.putpixel((1, 1), 31)
    assert blank_reason(png(gray)) is None
    assert blank_reason(FakeGrabber().grab(CaptureRequest()).png) is None


def test_not_a_png_is_empty() -> None:
    assert blank_reason(b"") == "empty"
    assert blank_reason(b"\x89PNG\r\n\x1a\n" + b"\0" * 40) == "empty"
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (1, 2, 3)).save(buf, "JPEG")
    assert blank_reason(buf.getvalue()) == "empty"


def test_blank_grab_is_refused_not_stored(service: EvidenceService) -> None:
    case = service.create_case("c")
    session = CaptureSession(case.id)
    session.start_group("chat")
    result = FakeGrabber(colour=(0, 0, 0)).grab(CaptureRequest())
    with pytest.raises(BlankCaptureError) as exc:
        session.store(service, result, Source(platform="KakaoTalk"))
    assert exc.value.reason == "black"
    assert hangul(exc.value.message("ko")) and "black" in exc.value.message("en")
    assert service.items(case.id) == []
    assert not [e for e in service.vault.events() if e.action == "capture" and e.case_id == case.id]
    assert session.group is not None and session.group.next_part == 1  # no part used up
    assert session.last_source is None
    # kept only when the person chose to, and then marked
    item = session.store(service, result, Source(), allow_blank=True).item
    assert item.capture["blank"] == "black" and item.group_part == 1


# ----------------------------------------------------------- sets, prefill


def test_session_prefills_from_previous_capture(service: EvidenceService) -> None:
    case = service.create_case("c")
    session = CaptureSession(case.id)
    assert session.prefill() == Source()
    grabber = FakeGrabber()
    src = Source(platform="Telegram", url="https://t.me/x", chatroom="room", account="@bad", description="d",
                 date_seen="2026-01-01 10:00", posted_at="yesterday", purpose="that @bad posted it")
    session.store(service, grabber.grab(CaptureRequest()), src)
    nxt = session.prefill()
    assert (nxt.platform, nxt.url, nxt.chatroom, nxt.account, nxt.description) == (
        "Telegram", "https://t.me/x", "room", "@bad", "d")
    assert nxt.date_seen == nxt.posted_at == nxt.purpose == ""  # when and why belong to each capture
    src.platform = "changed later"  # the session keeps its own copy
    assert session.prefill().platform == "Telegram"


def test_grouped_parts_are_numbered(service: EvidenceService) -> None:
    case = service.create_case("c")
    session = CaptureSession(case.id)
    grabber = FakeGrabber()
    group = session.start_group("  Telegram chat, scrolled  ")
    items = [session.store(service, grabber.grab(CaptureRequest()), Source()).item for _ in range(3)]
    assert [i.group_part for i in items] == [1, 2, 3]
    assert {i.group_id for i in items} == {group.id}
    assert all(i.capture["set_label"] == "Telegram chat, scrolled" for i in items)
    assert items[1].original_name.endswith("-part02.png")
    # the same bytes again: a duplicate, which takes no part number
    again = store_capture(service, case.id, _same(grabber, items[0], service), Source(), group)
    assert again.duplicate and again.item.id == items[0].id
    assert group.next_part == 4
    session.end_group()
    lone = session.store(service, grabber.grab(CaptureRequest()), Source()).item
    assert lone.group_id is None and lone.group_part is None
    second = session.start_group()
    assert second.id != group.id
    first = session.store(service, grabber.grab(CaptureRequest()), Source()).item
    assert (first.group_id, first.group_part) == (second.id, 1)
    assert "set_label" not in first.capture
    assert session.stored == 5


def _same(grabber: FakeGrabber, item: object, service: EvidenceService) -> object:
    from evidence_kit.core.evidence.capture import CaptureResult

    data = service.vault.read_item_bytes(item.id, log_view=False)  # type: ignore[attr-defined]
    return CaptureResult(data, grabber.grab(CaptureRequest()).context)


def test_session_without_case_refuses(service: EvidenceService) -> None:
    with pytest.raises(CaptureError) as exc:
        CaptureSession().store(service, FakeGrabber().grab(CaptureRequest()), Source())
    assert hangul(exc.value.message("ko"))


# -------------------------------------------------------- platform checks


def env(**kw: object) -> CaptureEnvironment:
    base: dict[str, object] = {"system": "linux", "session_type": "x11", "display": ":0", "qt_platform": "xcb"}
    base.update(kw)
    return CaptureEnvironment(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("environment", "ok", "needle"),
    [
        (env(), True, ""),
        (env(system="windows", session_type="", display="", qt_platform="windows"), True, ""),
        (env(system="macos", session_type="", display="", qt_platform="cocoa", macos_permission=True), True, ""),
        (env(system="macos", session_type="", display="", qt_platform="cocoa", macos_permission=None), True, ""),
        (env(system="macos", session_type="", display="", qt_platform="cocoa", macos_permission=False), False,
         "Screen Recording"),
        (env(session_type="wayland", wayland_display="wayland-0", qt_platform="wayland", portal_available=False),
         False, "xdg-desktop-portal"),
        (env(session_type="wayland", wayland_display="wayland-0", qt_platform="xcb", portal_available=False),
         False, "Wayland"),
        (env(session_type="wayland", wayland_display="wayland-0", qt_platform="wayland", portal_available=True),
         False, "Print Screen"),
        (env(qt_platform="offscreen"), False, "without a screen"),
        (env(display="", session_type="tty", qt_platform=""), False, "No graphical display"),
        (env(system="freebsd14", session_type="x11"), True, ""),
        (env(system="haiku", session_type="", display="", qt_platform="haiku"), False, "not supported"),
    ],
)
def test_check_capture_possible(environment: CaptureEnvironment, ok: bool, needle: str) -> None:
    got, ko, en = check_capture_possible(environment)
    assert got is ok
    if ok:
        assert ko == en == ""
        ensure_capture_possible(environment)
    else:
        assert needle in en
        assert hangul(ko)
        assert "Import a screenshot file" in en or "import" in en.lower()
        with pytest.raises(CaptureUnavailableError) as exc:
            ensure_capture_possible(environment)
        assert exc.value.message("en").startswith(en[:20])


def test_detect_environment_reads_the_session() -> None:
    e = detect_environment({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"},
                           plat="linux")
    assert (e.system, e.session_type, e.wayland_display) == ("linux", "wayland", "wayland-0")
    assert e.portal_available in (True, False)
    assert not check_capture_possible(e)[0]
    e = detect_environment({"DISPLAY": ":5", "QT_QPA_PLATFORM": "xcb"}, plat="linux")
    assert (e.session_type, e.qt_platform) == ("x11", "xcb")
    assert check_capture_possible(e)[0]
    e = detect_environment({}, plat="win32", qt_platform="windows")
    assert e.system == "windows" and check_capture_possible(e)[0]
    assert detect_environment({}, plat="darwin").system == "macos"
    assert session_type({"WAYLAND_DISPLAY": "w"}) == "wayland"
    assert session_type({}) == ""
