"""Video benchmark (issue 23): facts + key frames + 1 fps frame PDQ vs plain PyAV decoding.

A 1920 x 1080, 30 fps H.264 clip (moving textured content, so every frame costs the decoder
something) is generated in memory with PyAV. Then, in the same run and on the same bytes:

- ours: ``video_facts`` + ``key_frames`` (6) + ``frame_hashes`` (PDQ, 1 per second), as import
  and the report do it;
- peer: decoding every frame with PyAV alone (``thread_type="AUTO"``), the floor for anything
  that has to look at the frames; plus ``ffprobe`` on the same clip when it is installed
  (it needs a file: the clip is synthetic, so a temporary file is fine here).

With FFmpeg's own tools installed (``apt-get install ffmpeg``; not needed by the app or the
tests), each step also gets its stock peer on the same file: facts vs ``ffprobe``, six key frames
vs ``ffmpeg -ss T -frames:v 1`` six times (PNG to a pipe), frame hashes vs ``ffmpeg -vf
fps=1,scale=512`` decoding the same 1 fps frames to a pipe (no hashing).

``--big-mb N`` (e.g. 600) also makes an N MB clip with ``ffmpeg`` (testsrc2 at a high bit
rate) and imports it through the CLI in a child process: wall time and peak RSS of ``add``
against ``ffprobe`` + the 1 fps ``ffmpeg`` decode of the same file, and against the peak RSS
of adding a 1-byte file (the ingest issue's memory bound: < 150 MB above it).

Prints the ratios ours / peer. Usage: python benchmarks/video.py [--seconds 60] [--big-mb 600] [--json]
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


def _timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def ffmpeg_peers(path: str, duration_s: float) -> dict[str, float] | None:
    """Seconds for the stock tools doing each step on the same file, or None without them."""
    probe, ffmpeg = shutil.which("ffprobe"), shutil.which("ffmpeg")
    if probe is None or ffmpeg is None:
        return None
    quiet = ["-v", "error", "-nostdin"]
    facts = _timed([probe, "-v", "error", "-show_format", "-show_streams", path])
    keys = 0.0
    for k in range(6):  # evenly spaced, as key_frames does
        at = duration_s * (k + 0.5) / 6
        keys += _timed([ffmpeg, *quiet, "-ss", f"{at:.3f}", "-i", path, "-frames:v", "1", "-f", "image2pipe",
                        "-vcodec", "png", "-"])
    fps1 = _timed([ffmpeg, *quiet, "-i", path, "-vf", "fps=1,scale=512:-2", "-f", "rawvideo", "-pix_fmt", "rgb24",
                   "-"])
    return {"facts": facts, "key_frames": keys, "frames_1fps": fps1}


# Runs the CLI, then reports the process's own high-water mark (VmHWM, this process image only:
# ru_maxrss of a child also counts what it inherited from this big benchmark process).
_CHILD = (
    "import sys\n"
    "from evidence_kit.cli import main\n"
    "try:\n"
    "    rc = main(sys.argv[1:])\n"
    "finally:\n"
    "    hwm = [ln for ln in open('/proc/self/status') if ln.startswith('VmHWM:')][0].split()[1]\n"
    "    print('VMHWM_KIB=' + hwm, file=sys.stderr)\n"
    "sys.exit(rc)\n"
)


def _child_add(path: str, vault: str) -> tuple[float, int]:
    """``evidence-kit add`` in a child process: (wall seconds, its peak RSS in KiB)."""
    env = dict(os.environ, EVIDENCE_KIT_PASSPHRASE="benchmark passphrase 1234", EVIDENCE_KIT_VAULT=vault)
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _CHILD, "add", path], env=env, capture_output=True, text=True,
                       check=False)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"evidence-kit add exited {r.returncode}: {r.stderr[-500:]}")
    return wall, int(r.stderr.rsplit("VMHWM_KIB=", 1)[1].split()[0])


def big_video(mb: int, tmp: str) -> dict[str, object]:
    """An ``mb`` MB clip made by ffmpeg, added through the CLI: time and memory against peers."""
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        return {"big_video": "ffmpeg not installed (apt-get install ffmpeg)"}
    seconds = 60
    path = os.path.join(tmp, "big.mp4")
    rate_kbit = mb * 8 * 1000 // seconds
    source = f"testsrc2=size=1920x1080:rate=30:d={seconds}"
    subprocess.run([ffmpeg, "-v", "error", "-nostdin", "-f", "lavfi", "-i", source,
                    "-c:v", "libx264", "-preset", "ultrafast", "-b:v", f"{rate_kbit}k", "-minrate", f"{rate_kbit}k",
                    "-maxrate", f"{rate_kbit}k", "-bufsize", f"{rate_kbit}k", "-x264-params", "nal-hrd=cbr",
                    "-y", path], check=True, capture_output=True)
    size = os.path.getsize(path)
    one = os.path.join(tmp, "one.bin")
    with open(one, "wb") as f:
        f.write(b"x")
    vault = os.path.join(tmp, "vault")
    env = dict(os.environ, EVIDENCE_KIT_PASSPHRASE="benchmark passphrase 1234", EVIDENCE_KIT_VAULT=vault)
    for cmd in (["init"], ["case", "new", "benchmark"]):
        subprocess.run([sys.executable, "-m", "evidence_kit.cli", *cmd], env=env, check=True, capture_output=True)
    t_one, rss_one = _child_add(one, vault)
    t_big, rss_big = _child_add(path, vault)
    show = subprocess.run([sys.executable, "-m", "evidence_kit.cli", "--json", "show", "2"], env=env, check=True,
                          capture_output=True, text=True)
    item = json.loads(show.stdout)
    peers = ffmpeg_peers(path, 60.0) or {}
    peer = peers.get("facts", 0.0) + peers.get("frames_1fps", 0.0)
    return {
        "big_clip": f"{size / 1e6:.0f} MB, 1920x1080 30 fps, {seconds} s (ffmpeg testsrc2, libx264 CBR)",
        "big_add_s": round(t_big, 2),
        "big_add_minus_1byte_s": round(t_big - t_one, 2),
        "big_peer_ffprobe_plus_1fps_decode_s": round(peer, 2),
        "big_ratio_add_over_peer": round((t_big - t_one) / peer, 2) if peer else "no peer",
        "big_peak_rss_mib": round(rss_big / 1024, 1),
        "big_rss_above_1byte_add_mib": round((rss_big - rss_one) / 1024, 1),
        "big_frame_hashes": len(item.get("frame_pdq") or []),
        "big_facts": {k: item.get("image", {}).get(k) for k in ("width", "height", "duration_ms", "video_codec")},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--big-mb", type=int, default=0, help="also import an N MB ffmpeg-made clip through the CLI")
    args = ap.parse_args()
    t = time.perf_counter()
    data = make_clip(args.seconds)
    gen = time.perf_counter() - t

    t = time.perf_counter()
    frames = plain_decode(data)
    t_decode = time.perf_counter() - t
    with tempfile.TemporaryDirectory() as tmp:  # the clip is synthetic: a file for the stock tools
        clip = os.path.join(tmp, "clip.mp4")
        with open(clip, "wb") as f:
            f.write(data)
        peers = ffmpeg_peers(clip, float(args.seconds))

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
        "ratio_ours_over_pyav_decode_all": round(ours / t_decode, 2),
    }
    if peers is None:
        out["ffmpeg_peers"] = "ffprobe/ffmpeg not installed (apt-get install ffmpeg)"
    else:
        out.update(
            ffprobe_s=round(peers["facts"], 3),
            ratio_facts_over_ffprobe=round(t_facts / peers["facts"], 2),
            ffmpeg_six_frames_s=round(peers["key_frames"], 3),
            ratio_key_frames_over_ffmpeg=round(t_keys / peers["key_frames"], 2),
            ffmpeg_1fps_decode_s=round(peers["frames_1fps"], 3),
            ratio_frame_hashes_over_ffmpeg_1fps=round(t_hashes / peers["frames_1fps"], 2),
            ratio_ours_over_ffmpeg_tools=round(ours / sum(peers.values()), 2),
            # the peer: ffprobe + decoding the same clip with PyAV alone
            ratio_ours_over_ffprobe_plus_pyav_decode=round(ours / (peers["facts"] + t_decode), 2),
        )
    if args.big_mb:
        with tempfile.TemporaryDirectory() as tmp:
            out.update(big_video(args.big_mb, tmp))
    assert note == "" and len(keys) == 6 and len(hashes.frames) == args.seconds
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        for k, v in out.items():
            print(f"{k:22} {v}")


if __name__ == "__main__":
    main()
