"""Videos as evidence (issue 23): container facts, key frames and frame PDQ hashes, in memory.

Everything is read with PyAV (FFmpeg) from bytes or a file-like object over the plaintext
already in memory; no frame or plaintext ever reaches the disk. Hostile input (a truncated
file, random bytes, a stream claiming 100k x 100k pixels) is an outcome, never an exception:
facts come back with ``VIDEO_UNAVAILABLE`` as the note. Decoding is pixel-limited and time-boxed
because FFmpeg parses whatever it is handed and a crafted file can make it decode for a long time.

Perceptual hashing: Meta's vPDQ bindings (``vpdq``) are not used (see docs/video.md); instead PDQ
is computed over frames sampled at one per second, and two videos are compared with vPDQ's
matching rule (:func:`videos_match`).
"""

from __future__ import annotations

import io
import logging
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import IO, Any

from . import pdq_groups
from . import perceptual as pq

log = logging.getLogger(__name__)

VIDEO_UNAVAILABLE = "video facts unavailable"
# Frames larger than 8K UHD are refused: no camera or platform produces them, a crafted
# header does (and a 100k x 100k frame is 30 GB of RGB).
MAX_FRAME_PIXELS = 7680 * 4320
# Wall-clock budget for one decoding job (facts, key frames or frame hashes).
DEFAULT_TIME_BUDGET = 60.0
MAX_TAG_CHARS = 300
# vPDQ's matching rule: frames whose PDQ quality is below 50 are dropped, two frames match when
# their Hamming distance is at most 31, and two videos match when at least 80% of each one's
# frames match some frame of the other.
VPDQ_QUALITY = 50
VPDQ_DISTANCE = 31
VPDQ_MATCH_PERCENT = 80.0
# Frame hashes kept per item: one per second for up to an hour.
MAX_FRAME_HASHES = 3600

# No size limit: sealed videos are read through agereader.SealedReader (a few 64 KiB chunks in
# memory), record-only ones from the person's own open file.

Source = bytes | bytearray | memoryview | IO[bytes]
Cancel = Callable[[], bool]

_TAGS = {
    "make": ("com.apple.quicktime.make", "make", "Make"),
    "model": ("com.apple.quicktime.model", "model", "Model"),
    "software": ("com.apple.quicktime.software", "software", "encoder"),
    "location": ("com.apple.quicktime.location.ISO6709", "location", "location-eng", "\u00a9xyz"),
    "creation_time": ("com.apple.quicktime.creationdate", "creation_time", "date"),
}
_CTRL = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def is_video(item: Any) -> bool:
    return str(getattr(item, "media_type", "")).startswith("video/")


class VideoError(Exception):
    """Internal: why frames could not be decoded (becomes a note, never reaches the user raw)."""


def _text(value: object) -> str:
    return _CTRL.sub(" ", str(value))[:MAX_TAG_CHARS].strip()


def _open(src: Source) -> Any:
    import av

    f: IO[bytes] = io.BytesIO(bytes(src)) if isinstance(src, bytes | bytearray | memoryview) else src
    # metadata_errors="ignore": a tag in a broken encoding must not cost the other facts.
    return av.open(f, mode="r", metadata_errors="ignore")


def _rate(stream: Any) -> str | None:
    # A string: the vault's canonical JSON has no floats (29.97 fps stays "29.97").
    r = stream.average_rate or stream.guessed_rate or stream.base_rate
    if not r:
        return None
    v = float(Fraction(r))
    return f"{v:.3f}".rstrip("0").rstrip(".") if 0 < v < 10_000 else None


def video_facts(src: Source) -> tuple[dict[str, Any], str]:
    """(facts, note) of a video: duration, size, rate, codecs, creation time, device and location
    tags, rotation. ``note`` is ``VIDEO_UNAVAILABLE`` when the container cannot be read."""
    try:
        container = _open(src)
    except Exception as e:  # FFmpeg's verdict on hostile bytes, whatever its class
        log.info("video facts unavailable: %s", type(e).__name__)
        return {}, VIDEO_UNAVAILABLE
    try:
        return _facts(container), ""
    except Exception as e:
        log.info("video facts unavailable: %s", type(e).__name__)
        return {}, VIDEO_UNAVAILABLE
    finally:
        container.close()


def _facts(container: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {"container": _text(container.format.name)}
    if container.duration is not None and container.duration > 0:
        facts["duration_ms"] = int(container.duration // 1000)
    tags: dict[str, str] = {}
    for s in (container, *container.streams):
        for k, v in (s.metadata or {}).items():
            tags.setdefault(str(k), _text(v))
    for key, names in _TAGS.items():
        for name in names:
            if tags.get(name):
                facts[key] = tags[name]
                break
    if not container.streams.video:
        raise VideoError("no video stream")
    v = container.streams.video[0]
    cc = v.codec_context
    facts["video_codec"] = _text(cc.name)
    if v.width and v.height:
        facts["width"], facts["height"] = int(v.width), int(v.height)
    rate = _rate(v)
    if rate:
        facts["frame_rate"] = rate
    if "duration_ms" not in facts and v.duration and v.time_base:
        facts["duration_ms"] = int(v.duration * v.time_base * 1000)
    if container.streams.audio:
        facts["audio_codec"] = _text(container.streams.audio[0].codec_context.name)
    rotation = _rotation_tag(tags)
    if rotation is None and facts.get("width", 0) * facts.get("height", 0) <= MAX_FRAME_PIXELS:
        # The display matrix is only exposed on decoded frames: decode the first one.
        rotation = _first_frame_rotation(container, v)
    if rotation:
        facts["rotation"] = rotation
    return facts


def _rotation_tag(tags: dict[str, str]) -> int | None:
    try:
        return int(float(tags["rotate"])) % 360 if "rotate" in tags else None
    except ValueError:
        return None


def _first_frame_rotation(container: Any, stream: Any, time_budget: float = 5.0) -> int | None:
    # Bounded: a crafted file can hold thousands of packets that decode to nothing.
    deadline = time.monotonic() + time_budget
    try:
        for n, packet in enumerate(container.demux(stream)):
            if n > 500 or time.monotonic() > deadline:
                break
            for frame in packet.decode():
                return round(float(frame.rotation)) % 360
    except Exception as e:
        log.info("first frame undecodable: %s", type(e).__name__)
    return None


@dataclass
class Frame:
    """A decoded frame (RGB ``PIL.Image``) and its time in seconds."""

    time_s: float
    image: Any


def _frames(
    src: Source,
    wanted: Callable[[float], bool],
    *,
    time_budget: float,
    cancel: Cancel,
    max_side: int,
    limit: int,
) -> Iterator[Frame]:
    """Decoded frames for which ``wanted(t)`` is true, downscaled to ``max_side`` (0: as is)."""
    container = _open(src)
    try:
        if not container.streams.video:
            raise VideoError("no video stream")
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        if (stream.width or 0) * (stream.height or 0) > MAX_FRAME_PIXELS:
            raise VideoError("frame too large")
        deadline = time.monotonic() + time_budget
        n = 0
        for frame in container.decode(stream):
            if time.monotonic() > deadline:
                raise VideoError("time budget exceeded")
            if cancel():
                raise VideoError("cancelled")
            if frame.width * frame.height > MAX_FRAME_PIXELS:
                raise VideoError("frame too large")
            t = float(frame.time) if frame.time is not None else 0.0
            if not wanted(t):
                continue
            if max_side and max(frame.width, frame.height) > max_side:
                scale = max_side / max(frame.width, frame.height)
                frame = frame.reformat(
                    width=max(2, int(frame.width * scale)), height=max(2, int(frame.height * scale))
                )
            yield Frame(t, _upright(frame))
            n += 1
            if n >= limit:
                return
    finally:
        container.close()


def _upright(frame: Any) -> Any:
    """The frame as shown by players: turned by its display matrix (counter-clockwise degrees)."""
    im = frame.to_image()
    try:
        rot = round(float(frame.rotation)) % 360
    except Exception:  # no display matrix
        rot = 0
    if rot in (90, 180, 270):
        turned = im.rotate(rot, expand=True)
        im.close()
        return turned
    return im


def key_frames(
    src: Source,
    n: int = 6,
    *,
    duration_s: float | None = None,
    max_side: int = 480,
    time_budget: float = DEFAULT_TIME_BUDGET,
    cancel: Cancel = lambda: False,
) -> list[Frame]:
    """``n`` evenly spaced frames (at the middle of ``n`` equal spans), decoded in memory.
    An empty list when the video cannot be decoded."""
    if duration_s is None:
        ms = video_facts(src)[0].get("duration_ms")
        duration_s = ms / 1000 if ms else None
        if hasattr(src, "seek"):
            src.seek(0)
    if not duration_s or duration_s <= 0:
        duration_s = 0.0
    targets = [duration_s * (i + 0.5) / n for i in range(n)] if duration_s else [0.0]
    if len(targets) > 1:
        try:
            return _seek_frames(src, targets, max_side=max_side, time_budget=time_budget, cancel=cancel)
        except Exception as e:  # no index, odd timestamps: decode from the start instead
            log.info("key frames by seeking failed (%s): decoding in order", type(e).__name__)
            if hasattr(src, "seek"):
                src.seek(0)
    out: list[Frame] = []

    def wanted(t: float) -> bool:
        return bool(targets) and t + 1e-6 >= targets[0]

    try:
        for fr in _frames(src, wanted, time_budget=time_budget, cancel=cancel, max_side=max_side, limit=n):
            out.append(fr)
            while targets and fr.time_s + 1e-6 >= targets[0]:
                targets.pop(0)
    except Exception as e:  # hostile input: whatever frames were decoded are kept
        log.info("key frames stopped: %s", type(e).__name__)
    return out


def _seek_frames(
    src: Source, targets: list[float], *, max_side: int, time_budget: float, cancel: Cancel
) -> list[Frame]:
    """The first frame at or after each target time, seeking to the keyframe before it: a few
    GOPs decoded per target instead of the whole video (the app shows these on selection)."""
    deadline = time.monotonic() + time_budget
    out: list[Frame] = []
    container = _open(src)
    try:
        stream = container.streams.video[0]
        if (stream.width or 0) * (stream.height or 0) > MAX_FRAME_PIXELS or not stream.time_base:
            raise VideoError("frame too large")
        import bisect

        # Seek only when the target's keyframe lies ahead of what is already decoded: with long
        # GOPs (x264's default is 250 frames) several targets share one, and decoding on is cheaper.
        keys = sorted(e.timestamp for e in stream.index_entries if e.is_keyframe)
        frames: Iterator[Any] | None = None
        last_pts = None
        for target in targets:
            target_pts = int(target / stream.time_base)
            k = bisect.bisect_right(keys, target_pts) - 1
            if frames is None or last_pts is None or (k >= 0 and keys[k] > last_pts):
                container.seek(target_pts, stream=stream, backward=True)
                frames = container.decode(stream)
            for frame in frames:
                last_pts = frame.pts
                if time.monotonic() > deadline or cancel():
                    raise VideoError("time budget exceeded")
                if frame.width * frame.height > MAX_FRAME_PIXELS:
                    raise VideoError("frame too large")
                t = float(frame.time) if frame.time is not None else 0.0
                if t + 1e-6 < target:
                    continue
                if max_side and max(frame.width, frame.height) > max_side:
                    scale = max_side / max(frame.width, frame.height)
                    frame = frame.reformat(
                        width=max(2, int(frame.width * scale)), height=max(2, int(frame.height * scale))
                    )
                out.append(Frame(t, _upright(frame)))
                break
    finally:
        container.close()
    if len(out) < len(targets) // 2:
        raise VideoError("seeking found too few frames")
    return out


@dataclass
class FrameHashes:
    """PDQ of frames sampled at one per second: ``(millisecond, pdq hex, quality)`` each
    (integers: the vault's canonical JSON has no floats)."""

    frames: list[tuple[int, str, int]] = field(default_factory=list)
    status: str = "ok"  # "ok", "unavailable", "partial" (time budget or cancel)

    def to_json(self) -> list[list[Any]]:
        return [[t, h, q] for t, h, q in self.frames]


def frame_hashes(
    src: Source,
    *,
    per_second: float = 1.0,
    time_budget: float = DEFAULT_TIME_BUDGET,
    cancel: Cancel = lambda: False,
) -> FrameHashes:
    """PDQ of one frame per second (the first frame at or after each whole second), as vPDQ
    samples; frames are downscaled to 512 px first (PDQ works on a 64x64 reduction anyway)."""
    step = 1.0 / per_second
    state = {"next": 0.0}

    def wanted(t: float) -> bool:
        if t + 1e-6 < state["next"]:
            return False
        state["next"] = (int(t / step + 1e-6) + 1) * step
        return True

    out = FrameHashes()
    try:
        for fr in _frames(
            src, wanted, time_budget=time_budget, cancel=cancel, max_side=512, limit=MAX_FRAME_HASHES
        ):
            try:
                h, q = pq.pdq_from_image(fr.image)
            finally:
                fr.image.close()
            out.frames.append((round(fr.time_s * 1000), h, q))
    except Exception as e:
        log.info("frame hashes stopped: %s", type(e).__name__)
        out.status = "partial" if out.frames else "unavailable"
    if not out.frames:
        out.status = "unavailable"
    return out


def usable_frames(frames: list[Any]) -> list[Any]:
    """The ``[ms, hex, quality]`` rows vPDQ compares: valid hashes of quality >= 50."""
    return [f for f in frames if int(f[2]) >= VPDQ_QUALITY and pq.is_valid_hex(f[1])]


def _best_distances(a: list[Any], b: list[Any]) -> tuple[Any, Any] | None:
    """For each usable frame of ``a`` the distance to its closest frame of ``b``, and the reverse;
    in blocks so that two hour-long videos (3600 x 3600 frames) stay within a few MB."""
    ha, hb = usable_frames(a), usable_frames(b)
    if not ha or not hb:
        return None
    import numpy as np

    wa = pdq_groups.hash_words([str(f[1]) for f in ha])
    wb = pdq_groups.hash_words([str(f[1]) for f in hb])
    best_a = np.full(len(ha), 257, dtype=np.int64)
    best_b = np.full(len(hb), 257, dtype=np.int64)
    for s in range(0, len(ha), 256):
        d = np.bitwise_count(np.bitwise_xor(wa[s : s + 256, None, :], wb[None, :, :])).sum(axis=2)
        best_a[s : s + 256] = d.min(axis=1)
        best_b = np.minimum(best_b, d.min(axis=0))
    return best_a, best_b


def match_percent(a: list[Any], b: list[Any], distance: int = VPDQ_DISTANCE) -> tuple[float, float]:
    """(% of ``a``'s usable frames matching some frame of ``b``, and the reverse)."""
    found = _best_distances(a, b)
    if found is None:
        return 0.0, 0.0
    best_a, best_b = found
    return 100.0 * float((best_a <= distance).mean()), 100.0 * float((best_b <= distance).mean())


def video_groups(entries: Iterable[tuple[str, list[Any] | None]]) -> list[pdq_groups.NearDuplicateGroup]:
    """Videos that match by vPDQ's rule, chained into groups (single linkage, as for pictures).
    ``nearest``/``max_link`` are the median distance in bits from a video's frames to their
    closest frame in the matched video, so they read like the picture groups' distances."""
    import numpy as np

    keyed = [(k, f) for k, f in entries if f]
    n = len(keyed)
    parent = list(range(n))
    nearest = [257] * n
    links: list[tuple[int, int, int]] = []

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            found = _best_distances(keyed[i][1], keyed[j][1])
            if found is None:
                continue
            best_a, best_b = found
            if min((best_a <= VPDQ_DISTANCE).mean(), (best_b <= VPDQ_DISTANCE).mean()) * 100 < VPDQ_MATCH_PERCENT:
                continue
            d = int(np.median(np.concatenate([best_a, best_b])))
            nearest[i], nearest[j] = min(nearest[i], d), min(nearest[j], d)
            links.append((i, j, d))
            parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        if nearest[i] <= 256:
            groups.setdefault(root(i), []).append(i)
    out = []
    for members in sorted(groups.values()):
        r = root(members[0])
        out.append(
            pdq_groups.NearDuplicateGroup(
                members=tuple(keyed[m][0] for m in members),
                nearest=tuple(nearest[m] for m in members),
                max_link=max(d for i, _j, d in links if root(i) == r),
            )
        )
    return out


def videos_match(a: list[Any], b: list[Any]) -> bool:
    """vPDQ's rule: each video has at least 80% of its (quality >= 50) frames matched in the other."""
    pa, pb = match_percent(a, b)
    return pa >= VPDQ_MATCH_PERCENT and pb >= VPDQ_MATCH_PERCENT


def contact_sheet(
    src: Source, *, n: int = 6, blur: bool = True, duration_ms: int | None = None
) -> list[tuple[int, bytes]]:
    """(millisecond, JPEG) of ``n`` evenly spaced key frames, blurred unless told otherwise."""
    out = []
    for fr in key_frames(src, n, duration_s=duration_ms / 1000 if duration_ms else None):
        try:
            out.append((round(fr.time_s * 1000), blurred_jpeg(fr.image, blur=blur)))
        finally:
            fr.image.close()
    return out


def sheet_png(src: Source, *, n: int = 6, max_side: int = 1200) -> bytes | None:
    """The ``n`` key frames tiled three to a row, as PNG bytes in memory (the app blurs it until
    Reveal, like an image). None when no frame can be decoded."""
    from PIL import Image

    frames = key_frames(src, n, max_side=max_side // 3)
    if not frames:
        return None
    try:
        cw = max(f.image.width for f in frames)
        ch = max(f.image.height for f in frames)
        cols = min(3, len(frames))
        rows = (len(frames) + cols - 1) // cols
        sheet = Image.new("RGB", (cols * cw + (cols - 1) * 4, rows * ch + (rows - 1) * 4), (58, 63, 68))
        for i, f in enumerate(frames):
            sheet.paste(f.image.convert("RGB"), ((i % cols) * (cw + 4), (i // cols) * (ch + 4)))
        buf = io.BytesIO()
        sheet.save(buf, format="PNG")
        return buf.getvalue()
    finally:
        for f in frames:
            f.image.close()


def summary(facts: dict[str, Any]) -> str:
    """One line for the app: "1920 × 1080 · 0:12.0 · 30 fps · h264/aac · 90°"."""
    parts = []
    if facts.get("width"):
        parts.append(f"{facts['width']} × {facts.get('height')}")
    if facts.get("duration_ms") is not None:
        parts.append(format_ms(int(facts["duration_ms"])))
    if facts.get("frame_rate"):
        parts.append(f"{facts['frame_rate']} fps")
    codecs = "/".join(str(facts[k]) for k in ("video_codec", "audio_codec") if facts.get(k))
    if codecs:
        parts.append(codecs)
    if facts.get("rotation"):
        parts.append(f"{facts['rotation']}°")
    return " · ".join(parts)


def format_ms(ms: int) -> str:
    """0:04.5 style times for frame captions."""
    s, ms = divmod(int(ms), 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return (f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}") + f".{ms // 100}"


def hasher_info() -> dict[str, str]:
    import av

    info = pq.hasher_info()
    return {
        "algorithm": "PDQ over 1 fps frames, vPDQ matching rule",
        "implementation": info["implementation"],
        "decoder": f"PyAV {av.__version__} (FFmpeg {_ffmpeg_version()})",
    }


def _ffmpeg_version() -> str:
    import av

    try:
        return str(av.library_versions.get("libavcodec", ("?",)))
    except Exception:
        return "?"


def blurred_jpeg(im: Any, *, blur: bool = True, max_side: int = 240) -> bytes:
    """A frame as the same mosaic-and-blur JPEG that image previews use (preview.py), in memory."""
    from .preview import preview_image

    buf = io.BytesIO()
    im.convert("RGB").save(buf, format="PNG")
    small = preview_image(buf.getvalue(), blur=blur, max_side=max_side)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    small.close()
    return out.getvalue()
