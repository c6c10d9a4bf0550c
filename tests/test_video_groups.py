"""Issue 23: a screenshot of a video's frame groups with the video; unrelated and flat pictures do not.

Real parts: videos encoded with PyAV (moving textured content), stills decoded from one of
their frames and saved as PNG and JPEG at other sizes, imported through the service into a
real vault; groups read back from the service, the CLI (`pdq --json`) and the takedown
package's hash list (CSV/JSON) and request PDF (pypdf).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from evidence_kit.cli import main as cli_main
from evidence_kit.core.evidence import video
from evidence_kit.core.evidence.case_groups import GroupEntry, case_groups, frame_matches

from .conftest import PASSPHRASE
from .test_video import PLANT, make_video


def frame_at(data: bytes, seconds: float) -> Image.Image:
    """The decoded frame nearest ``seconds`` (what a person's screenshot of the player shows)."""
    with av.open(io.BytesIO(data)) as c:
        stream = c.streams.video[0]
        for f in c.decode(stream):
            if f.time is not None and f.time >= seconds:
                return f.to_image()
    raise AssertionError("no frame")


def save(img: Image.Image, path: Path, size: tuple[int, int], fmt: str) -> Path:
    img.resize(size, Image.Resampling.LANCZOS).save(path, fmt, **({"quality": 80} if fmt == "JPEG" else {}))
    return path


def photo(path: Path, seed: int) -> Path:
    """An unrelated textured picture (not flat: it has PDQ quality)."""
    rng = np.random.default_rng(seed)
    arr = np.kron(rng.integers(0, 255, (40, 60, 3), dtype=np.uint8), np.ones((6, 6, 1), dtype=np.uint8))
    Image.fromarray(arr).save(path, "PNG")
    return path


def test_screenshots_of_a_frame_group_with_the_video(service: Any, tmp_path: Path) -> None:
    clip_bytes = make_video(seconds=5, rate=10, size=(320, 240), seed=3, fmt="mp4", plant_at=30)
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(clip_bytes)
    still = frame_at(clip_bytes, 2.0)
    shot_png = save(still, tmp_path / "screenshot.png", (640, 480), "PNG")  # a bigger screen
    shot_jpg = save(still, tmp_path / "photo-of-screen.jpg", (200, 150), "JPEG")
    other = photo(tmp_path / "other.png", seed=99)
    flat = tmp_path / "flat.png"
    Image.new("RGB", (320, 240), PLANT).save(flat)  # the colour of the clip's flat planted frame
    other_clip = tmp_path / "other.mp4"
    other_clip.write_bytes(make_video(seconds=5, rate=10, seed=77, fmt="mp4"))
    case = service.vault.create_case("c")
    paths = [clip, shot_png, shot_jpg, other, flat, other_clip]
    added = {i.original_name: i for i in service.import_paths(case.id, paths).added}
    assert len(added) == 6 and added["clip.mp4"].frame_pdq and added["screenshot.png"].pdq
    groups = service.near_duplicates(case.id)
    ids = {name: it.id for name, it in added.items()}
    (g,) = groups
    assert g.members == (ids["clip.mp4"], ids["screenshot.png"], ids["photo-of-screen.jpg"])
    by_picture = {fm.picture: fm for fm in g.frame_matches}
    assert set(by_picture) == {ids["screenshot.png"], ids["photo-of-screen.jpg"]}
    for fm in by_picture.values():
        assert fm.video == ids["clip.mp4"] and fm.at_ms == 2000 and fm.bits <= 31  # the frame it shows
    # the two stills also match each other directly; the largest link of the three counts
    assert g.max_link >= max(fm.bits for fm in g.frame_matches)


def _pw(tmp_path: Path) -> str:
    p = tmp_path / "pw"
    p.write_text(PASSPHRASE + "\n")
    return str(p)


def test_cli_and_takedown_package_name_the_frame(service: Any, tmp_path: Path, capsys: Any) -> None:
    import csv

    from pypdf import PdfReader

    from evidence_kit.core.documents.takedown_model import TakedownOptions

    clip_bytes = make_video(seconds=4, rate=10, size=(320, 240), seed=5, fmt="mp4")
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(clip_bytes)
    shot = save(frame_at(clip_bytes, 3.0), tmp_path / "shot.png", (480, 360), "PNG")
    case = service.vault.create_case("c")
    service.import_paths(case.id, [clip, shot], None)
    out = tmp_path / "pkg"
    options = TakedownOptions(
        requester_name="홍길동", requester_contact="010-0000-0000", request_types=("delete",), reasons=("deepfake",)
    )
    service.build_takedown(case.id, out, options)
    obj = json.loads((out / "03-hashes.json").read_text(encoding="utf-8"))
    (grp,) = obj["near_duplicate_groups"]
    assert grp["exhibits"] == [1, 2]
    (fm,) = grp["video_frames"]
    assert (fm["exhibit"], fm["video_exhibit"], fm["at_ms"]) == (2, 1, 3000) and 0 <= fm["bits"] <= 31
    rows = list(csv.DictReader(io.StringIO((out / "03-hashes.csv").read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 2
    text = "".join(
        page.extract_text() for pdf in sorted(out.glob("02-*.pdf")) for page in PdfReader(pdf).pages
    )
    assert "0:03.0" in text.replace(" ", "") or "0:03.0" in text
    service.lock()
    pw = _pw(tmp_path)
    capsys.readouterr()
    assert cli_main(["--vault", str(tmp_path / "vault"), "--lang", "en", "--passphrase-file", pw,
                     "pdq", "--case", "c"]) == 0
    said = capsys.readouterr().out
    assert "Exhibit 2 shows the frame at 0:03.0 of video Exhibit 1" in said
    assert cli_main(["--vault", str(tmp_path / "vault"), "--lang", "ko", "--passphrase-file", pw,
                     "pdq", "--case", "c"]) == 0
    assert "영상 증 제1호증의 0:03.0 장면과 같은 그림" in capsys.readouterr().out
    assert cli_main(["--vault", str(tmp_path / "vault"), "--json", "--passphrase-file", pw,
                     "pdq", "--case", "c"]) == 0
    (g,) = json.loads(capsys.readouterr().out)["groups"]
    assert g["video_frames"][0]["at_ms"] == 3000


def test_flat_and_low_quality_hashes_link_nothing() -> None:
    """Adversarial: flat pictures and a video of flat frames (quality below 50) must not
    become a hub joining everything; only usable hashes are compared."""
    rng = np.random.default_rng(1)
    good = ["".join(rng.choice(list("0123456789abcdef"), 64)) for _ in range(3)]
    zero = "0" * 64
    entries = [
        GroupEntry("flat-pic", zero, 0),
        GroupEntry("flat-pic-2", zero, 10),
        GroupEntry("flat-video", frames=[[0, zero, 0], [1000, zero, 20]]),
        GroupEntry("video", frames=[[0, good[0], 90], [1000, zero, 0]]),
        GroupEntry("pic", good[1], 90),
        GroupEntry("copy-of-frame", good[0], 80),
    ]
    assert len(frame_matches(entries)) == 1  # only the textured frame and its copy
    (g,) = case_groups(entries)
    assert g.members == ("video", "copy-of-frame") and g.nearest == (0, 0)
    assert [(fm.picture, fm.video, fm.at_ms) for fm in g.frame_matches] == [("copy-of-frame", "video", 0)]


def test_pictures_videos_and_frames_chain_into_one_group() -> None:
    """A re-upload (video~video by vPDQ), a screenshot of it (picture~frame) and a crop of the
    screenshot (picture~picture) are one group, members in input order."""
    clip = make_video(seconds=5, rate=10, size=(320, 240), seed=3, fmt="mp4")
    frames = video.frame_hashes(clip).to_json()
    from evidence_kit.core.evidence import perceptual as pq

    still = frame_at(clip, 1.0)
    buf = io.BytesIO()
    still.save(buf, "PNG")
    h, q = pq.pdq_from_image(still.resize((300, 225)))
    h2, q2 = pq.pdq_from_image(still.resize((400, 300)))
    entries = [
        GroupEntry("pic-b", h2, q2),
        GroupEntry("video-a", frames=frames),
        GroupEntry("pic-a", h, q),
        GroupEntry("video-a-copy", frames=[list(f) for f in frames]),
    ]
    (g,) = case_groups(entries)
    assert g.members == ("pic-b", "video-a", "pic-a", "video-a-copy")
    assert {fm.picture for fm in g.frame_matches} == {"pic-a", "pic-b"}
    assert all(fm.at_ms == 1000 for fm in g.frame_matches if fm.video == "video-a")
