"""Videos as evidence (issue 23): facts, key frames and frame PDQ from generated videos."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from evidence_kit.core.evidence import video

from .conftest import CANARY

CODEC = "libx264" if "libx264" in av.codecs_available else "mpeg4"
PLANT = (13, 251, 77)  # a colour no other frame has, for the planted frame


def make_video(
    *,
    seconds: float = 4.0,
    rate: int = 10,
    size: tuple[int, int] = (320, 240),
    fmt: str = "mov",
    rotation: int = 0,
    tags: dict[str, str] | None = None,
    seed: int = 1,
    plant_at: int | None = None,
    codec: str = CODEC,
) -> bytes:
    """A synthetic video of moving textured content (PDQ needs texture to have quality)."""
    w, h = size
    rng = np.random.default_rng(seed)
    base = rng.integers(0, 255, (h // 8 + 1, w // 8 + 1, 3), dtype=np.uint8)
    base = np.kron(base, np.ones((8, 8, 1), dtype=np.uint8))[:h, :w]
    buf = io.BytesIO()
    opts = {"movflags": "use_metadata_tags"} if fmt == "mov" else {}
    c = av.open(buf, "w", format=fmt, options=opts)
    for k, v in (tags or {}).items():
        c.metadata[k] = v
    s = c.add_stream(codec, rate=rate)
    s.width, s.height, s.pix_fmt = w, h, "yuv420p"
    if rotation:
        s.set_display_rotation(rotation)
    for i in range(int(seconds * rate)):
        if plant_at is not None and i == plant_at:
            arr = np.empty((h, w, 3), np.uint8)
            arr[:] = PLANT
        else:
            arr = np.roll(base, i * 2, axis=1)
        for p in s.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    return buf.getvalue()


def reencode(data: bytes, size: tuple[int, int], codec: str = "mpeg4") -> bytes:
    src = av.open(io.BytesIO(data))
    vin = src.streams.video[0]
    buf = io.BytesIO()
    c = av.open(buf, "w", format="mp4")
    s = c.add_stream(codec, rate=vin.average_rate)
    s.width, s.height, s.pix_fmt = size[0], size[1], "yuv420p"
    s.bit_rate = 400_000
    for f in src.decode(vin):
        rgb = f.reformat(width=size[0], height=size[1]).to_ndarray(format="rgb24")
        g = av.VideoFrame.from_ndarray(rgb, format="rgb24")
        for p in s.encode(g):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    src.close()
    return buf.getvalue()


def test_facts_from_container_and_tags() -> None:
    data = make_video(
        seconds=3,
        rate=10,
        size=(320, 240),
        rotation=90,
        tags={
            "com.apple.quicktime.make": "Apple",
            "com.apple.quicktime.model": "iPhone 15",
            "location": "+37.5665+126.9780/",
            "creation_time": "2024-05-01T10:00:00Z",
        },
    )
    facts, note = video.video_facts(data)
    assert note == ""
    assert (facts["width"], facts["height"]) == (320, 240)
    assert facts["frame_rate"] == "10"
    assert abs(facts["duration_ms"] - 3000) < 200
    assert facts["video_codec"] in ("h264", "mpeg4")
    assert facts["make"] == "Apple" and facts["model"] == "iPhone 15"
    assert facts["location"] == "+37.5665+126.9780/"
    assert facts["creation_time"].startswith("2024-05-01T10:00:00")
    assert facts["rotation"] == 90
    # Key frames are shown upright: turned by the display matrix, so 240 wide and 320 high.
    assert {f.image.size for f in video.key_frames(data, n=3)} == {(240, 320)}
    assert "audio_codec" not in facts
    # A file-like object works as well as bytes.
    assert video.video_facts(io.BytesIO(data))[0] == facts


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        os.urandom(4096),
        b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000),
    ],
)
def test_hostile_bytes_are_unavailable(bad: bytes) -> None:
    facts, note = video.video_facts(bad)
    assert facts == {} and note == video.VIDEO_UNAVAILABLE
    assert video.key_frames(bad) == []
    assert video.frame_hashes(bad).status == "unavailable"


def test_truncated_video() -> None:
    data = make_video(seconds=3, fmt="mov")
    for cut in (len(data) // 3, len(data) - 100):
        _facts, note = video.video_facts(data[:cut])
        # moov at the end of a mov: without it the container is unreadable, never an exception.
        assert note in ("", video.VIDEO_UNAVAILABLE)
        video.key_frames(data[:cut])
        video.frame_hashes(data[:cut])


def test_time_budget_stops_decoding() -> None:
    data = make_video(seconds=4)
    assert video.frame_hashes(data, time_budget=0.0).status == "unavailable"
    assert video.frame_hashes(data, cancel=lambda: True).status == "unavailable"


def test_pixel_limit_refuses_frames(monkeypatch: pytest.MonkeyPatch) -> None:
    data = make_video(seconds=2, size=(320, 240))
    monkeypatch.setattr(video, "MAX_FRAME_PIXELS", 320 * 240 - 1)
    facts, note = video.video_facts(data)
    assert note == "" and facts["width"] == 320  # facts still read from the header
    assert video.key_frames(data) == []
    assert video.frame_hashes(data).status == "unavailable"


def test_frames_beyond_8k_are_refused_facts_still_read() -> None:
    """A real 8192 x 4608 H.264 stream (one black frame): its size is reported, no frame decoded."""
    buf = io.BytesIO()
    c = av.open(buf, "w", format="mp4")
    s = c.add_stream(CODEC, rate=1)
    s.width, s.height, s.pix_fmt = 8192, 4608, "yuv420p"
    for p in [*s.encode(av.VideoFrame(8192, 4608, "yuv420p")), *s.encode()]:
        c.mux(p)
    c.close()
    data = buf.getvalue()
    facts, note = video.video_facts(data)
    assert note == "" and (facts["width"], facts["height"]) == (8192, 4608) and "rotation" not in facts
    assert video.key_frames(data) == []
    assert video.frame_hashes(data).status == "unavailable"
    assert video.sheet_png(data) is None


def test_key_frames_evenly_spaced_and_planted_frame() -> None:
    data = make_video(seconds=6, rate=10, plant_at=45)  # 4.5 s: the middle of the 4th of 6 spans
    frames = video.key_frames(data, n=6)
    assert len(frames) == 6
    assert [round(f.time_s, 1) for f in frames] == [0.5, 1.5, 2.5, 3.5, 4.5, 5.5]
    px = np.asarray(frames[4].image.convert("RGB"))[100, 100]
    assert all(abs(int(a) - b) < 20 for a, b in zip(px, PLANT, strict=True))
    jpeg = video.blurred_jpeg(frames[4].image)
    assert jpeg.startswith(b"\xff\xd8")


def test_one_frame_hash_per_second() -> None:
    data = make_video(seconds=5, rate=10)
    fh = video.frame_hashes(data)
    assert fh.status == "ok"
    assert [t for t, _h, _q in fh.frames] == [0, 1000, 2000, 3000, 4000]
    assert all(len(h) == 64 and q >= video.VPDQ_QUALITY for _t, h, q in fh.frames)


def test_reencoded_resized_copy_matches_unrelated_does_not() -> None:
    original = make_video(seconds=5, rate=10, size=(320, 240), seed=3)
    copy = reencode(original, (240, 180))
    other = make_video(seconds=5, rate=10, size=(320, 240), seed=99)
    a = video.frame_hashes(original).to_json()
    b = video.frame_hashes(copy).to_json()
    c = video.frame_hashes(other).to_json()
    assert video.videos_match(a, b)
    assert not video.videos_match(a, c)
    # Low-quality frames are dropped: a video of only flat frames matches nothing.
    flat = [[0, "0" * 64, 0]]
    assert video.match_percent(a, flat) == (0.0, 0.0)


def test_import_through_cli_facts_in_show_and_report(tmp_path: Path) -> None:
    from pypdf import PdfReader

    from evidence_kit.core.vault.vault import Vault

    from .conftest import PASSPHRASE, fast_kdf
    from .test_cli import ek

    v = tmp_path / "vault"
    Vault.create(v, PASSPHRASE, kdf=fast_kdf()).lock()
    # "canary-src": the person's own folder; the canary in an unread tag makes any plaintext copy
    # of the video written elsewhere (temp files, caches) a hit for the session's leak check.
    src = tmp_path / "canary-src"
    src.mkdir()
    tags = {"com.apple.quicktime.model": "Galaxy S24", "title": CANARY.decode()}
    (src / "clip.mov").write_bytes(make_video(seconds=3, rate=10, rotation=270, tags=tags, plant_at=15))
    (src / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(3000))
    assert ek(v, "case", "new", "동영상").returncode == 0
    r = ek(v, "--json", "add", str(src / "clip.mov"), str(src / "broken.mp4"))
    assert r.returncode == 0, r.stderr
    shown = json.loads(ek(v, "--json", "show", "1").stdout)
    assert CANARY.decode() not in json.dumps(shown)  # the title tag is not a fact we show
    assert shown["media_type"] == "video/quicktime"
    assert shown["image"]["width"] == 320 and shown["image"]["rotation"] == 270
    assert shown["image"]["model"] == "Galaxy S24"
    assert len(shown["frame_pdq"]) == 3
    broken = json.loads(ek(v, "--json", "show", "2").stdout)
    assert broken["media_type"] == "video/mp4" and broken["sha256"]  # stored all the same
    assert "video facts unavailable" in broken["metadata_note"]
    out = tmp_path / "report.pdf"
    r = ek(v, "report", str(out), "--report-lang", "en")
    assert r.returncode == 0, r.stderr
    text = "\n".join(p.extract_text() for p in PdfReader(str(out)).pages)
    assert "Galaxy S24" in text and "Frame rate" in text and "Rotation" in text
    assert "video facts unavailable" in text
    out_ko = tmp_path / "report-ko.pdf"
    assert ek(v, "report", str(out_ko), "--report-lang", "ko").returncode == 0
    text = "\n".join(p.extract_text() for p in PdfReader(str(out_ko)).pages)
    assert "초당 프레임 수" in text and "동영상 정보를 읽을 수 없음" in text


def test_report_item_page_has_blurred_contact_sheet(service: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    from evidence_kit.core.documents.report import build_report

    (tmp_path / "canary-src").mkdir()
    clip = tmp_path / "canary-src" / "clip.mp4"
    clip.write_bytes(make_video(seconds=6, rate=10, fmt="mp4", plant_at=45, tags={"title": CANARY.decode()}))
    case = service.vault.create_case("c")
    summary = service.import_paths(case.id, [clip])
    item = summary.added[0]
    assert item.image["duration_ms"] >= 5900 and len(item.frame_pdq) == 6
    hash_events = [e for e in service.vault.events(item_id=item.id) if e.action == "hash"]
    assert hash_events and hash_events[-1].data["frame_pdq_count"] == 6
    assert hash_events[-1].data["decoder"].startswith("PyAV 18.1.0")
    out = tmp_path / "r.pdf"
    build_report(service.vault, case.id, out, lang="en")
    reader = PdfReader(str(out))
    page = next(p for p in reader.pages if "Key frames of the video" in p.extract_text())
    text = page.extract_text()
    for t in ("0:00.5", "0:01.5", "0:02.5", "0:03.5", "0:04.5", "0:05.5"):
        assert t in text
    images = list(page.images)
    assert len(images) == 6
    # Blurred: the planted frame (4.5 s) shows its flat colour but no texture survives elsewhere.
    from PIL import Image, ImageFilter

    for img in images:
        im = Image.open(io.BytesIO(img.data)).convert("L")
        edges = np.asarray(im.filter(ImageFilter.FIND_EDGES), dtype=np.int32)
        assert edges[2:-2, 2:-2].max() < 60  # 8-px random blocks would give sharp edges


def test_takedown_hash_list_carries_video_frame_hashes(service: Any, tmp_path: Path) -> None:
    import csv

    from evidence_kit.core.documents.takedown_model import TakedownOptions

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(make_video(seconds=4, rate=10, fmt="mp4"))
    case = service.vault.create_case("c")
    item = service.import_paths(case.id, [clip]).added[0]
    out = tmp_path / "pkg"
    options = TakedownOptions(
        requester_name="홍길동", requester_contact="010-0000-0000", request_types=("delete",), reasons=("deepfake",)
    )
    service.build_takedown(case.id, out, options)
    rows = list(csv.DictReader(io.StringIO((out / "03-hashes.csv").read_bytes().decode("utf-8-sig"))))
    assert rows[0]["video_frame_pdq_count"] == "4"
    assert rows[0]["video_frame_pdq"].split() == [f[1] for f in item.frame_pdq]
    obj = json.loads((out / "03-hashes.json").read_text(encoding="utf-8"))
    assert obj["items"][0]["video_frame_pdq"] == item.frame_pdq
    assert obj["algorithms"]["video_frame_pdq"]["video_match_percent"] == 80
    # The frame hashes in the package match the video they came from by the rule.
    assert video.videos_match(obj["items"][0]["video_frame_pdq"], video.frame_hashes(clip.read_bytes()).to_json())


def test_record_only_video_keeps_facts_and_frame_hashes_not_the_video(service: Any, tmp_path: Path) -> None:
    from evidence_kit.core.common.model import POLICY_RECORD_ONLY

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(make_video(seconds=3, rate=10, fmt="mp4", plant_at=5))
    case = service.vault.create_case("상담", policy=POLICY_RECORD_ONLY)
    item = service.import_paths(case.id, [clip]).added[0]
    assert not item.retained and item.stored_sha256 is None
    assert item.image["width"] == 320 and len(item.frame_pdq) == 3
    assert video.videos_match(item.frame_pdq, video.frame_hashes(clip.read_bytes()).to_json())
    (ev,) = [e for e in service.vault.events(item_id=item.id) if e.action == "hash"]
    assert ev.data["from"] == "the file being recorded (not kept)"
    # The video is not in the vault: no blob, and nothing there as big as it.
    from evidence_kit.core.common.errors import NotFoundError

    with pytest.raises(NotFoundError):
        service.vault.read_item_bytes(item.id)
    size = clip.stat().st_size
    big = [p for p in (tmp_path / "vault").rglob("*") if p.is_file() and p.stat().st_size >= size]
    assert all(p.name.startswith("meta.sqlite") for p in big)  # the database (pages preallocated)


def test_reencoded_copy_is_grouped_with_its_original(service: Any, tmp_path: Path) -> None:
    original = make_video(seconds=5, rate=10, size=(320, 240), seed=3, fmt="mp4")
    files = {
        "original.mp4": original,
        "reupload.mp4": reencode(original, (240, 180)),
        "other.mp4": make_video(seconds=5, rate=10, seed=99, fmt="mp4"),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    case = service.vault.create_case("c")
    added = service.import_paths(case.id, [tmp_path / n for n in files]).added
    by_name = {i.original_name: i.id for i in added}
    groups = service.near_duplicates(case.id)
    assert [set(g.members) for g in groups] == [{by_name["original.mp4"], by_name["reupload.mp4"]}]
    assert 0 <= groups[0].max_link <= video.VPDQ_DISTANCE
