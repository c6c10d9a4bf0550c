"""Video benchmark (issue 23): facts + key frames + 1 fps frame PDQ vs plain PyAV decoding.

A 1920 x 1080, 30 fps H.264 clip (moving textured content, so every frame costs the decoder
something) is generated in memory with PyAV. Then, in the same run and on the same bytes:

- ours: ``video_facts`` + ``key_frames`` (6) + ``frame_hashes`` (PDQ, 1 per second), as import
  and the report do it;
- peer: decoding every frame with PyAV alone (``thread_type="AUTO"``), the floor for anything
  that has to look at the frames; plus ``ffprobe`` on the same clip when it is installed
  (it needs a file: the clip is synthetic, so a temporary file is fine here).

Prints the ratio ours / peer. Usage: python benchmarks/video.py [--seconds 20] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import av
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from evidence_kit.core.evidence import video


def make_clip(seconds: int, w: int = 1920, h: int = 1080, rate: int = 30) -> bytes:
    rng = np.random.default_rng(7)
    base = rng.integers(0, 255, (h // 16 + 1, w // 16 + 2, 3), dtype=np.uint8)
    base = np.kron(base, np.ones((16, 16, 1), dtype=np.uint8))
    buf = io.BytesIO()
    c = av.open(buf, "w", format="mp4")
    codec = "libx264" if "libx264" in av.codecs_available else "mpeg4"
    s = c.add_stream(codec, rate=rate, options={"preset": "ultrafast"} if codec == "libx264" else {})
    s.width, s.height, s.pix_fmt = w, h, "yuv420p"
    for i in range(seconds * rate):
        arr = np.ascontiguousarray(np.roll(base, i * 3, axis=1)[:h, :w])
        for p in s.encode(av.VideoFrame.from_ndarray(arr, format="rgb24")):
            c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()
    return buf.getvalue()


def plain_decode(data: bytes) -> int:
    n = 0
    with av.open(io.BytesIO(data)) as c:
        st = c.streams.video[0]
        st.thread_type = "AUTO"
        for _f in c.decode(st):
            n += 1
    return n


def ffprobe(data: bytes) -> float | None:
    exe = shutil.which("ffprobe")
    if exe is None:
        return None
    with tempfile.NamedTemporaryFile(suffix=".mp4") as f:
        f.write(data)
        f.flush()
        t = time.perf_counter()
        subprocess.run([exe, "-v", "error", "-show_format", "-show_streams", f.name], check=True, capture_output=True)
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    t = time.perf_counter()
    data = make_clip(args.seconds)
    gen = time.perf_counter() - t

    t = time.perf_counter()
    frames = plain_decode(data)
    t_decode = time.perf_counter() - t
    t_probe = ffprobe(data)

    t = time.perf_counter()
    facts, note = video.video_facts(data)
    t_facts = time.perf_counter() - t
    t = time.perf_counter()
    keys = video.key_frames(data, 6, duration_s=facts["duration_ms"] / 1000)
    t_keys = time.perf_counter() - t
    t = time.perf_counter()
    hashes = video.frame_hashes(data)
    t_hashes = time.perf_counter() - t
    ours = t_facts + t_keys + t_hashes
    peer = t_decode + (t_probe or 0.0)
    out = {
        "clip": f"{facts.get('width')}x{facts.get('height')} {facts.get('frame_rate')} fps, {args.seconds} s, "
        f"{len(data) / 1e6:.1f} MB, {frames} frames (generated in {gen:.1f} s)",
        "facts_s": round(t_facts, 3),
        "key_frames_s": round(t_keys, 3),
        "key_frames": len(keys),
        "frame_hashes_s": round(t_hashes, 3),
        "frame_hashes": len(hashes.frames),
        "ours_total_s": round(ours, 3),
        "pyav_decode_all_s": round(t_decode, 3),
        "ffprobe_s": round(t_probe, 3) if t_probe is not None else "ffprobe not installed",
        "ratio_ours_over_peer": round(ours / peer, 2),
    }
    assert note == "" and len(keys) == 6 and len(hashes.frames) == args.seconds
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:22} {v}")


if __name__ == "__main__":
    main()
