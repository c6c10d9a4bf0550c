"""Issue 23 leftover: the progress bar moves during a video's facts and frame-hash step.

The step reads the whole video again (the SHA-256 check of the sealed copy, then FFmpeg's
decoding pass, or for a record-only video the decoding pass over the person's own file), so
on a large video it is most of the import's time: it must tick, within the file's span.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence_kit.core.common.model import POLICY_RECORD_ONLY

from .test_agereader import _noisy_video


def _import_ticks(service: Any, tmp_path: Path, **case_fields: Any) -> tuple[list[tuple[int, int]], Any]:
    clip = tmp_path / "long.mp4"
    clip.write_bytes(_noisy_video(3 * 1024 * 1024))
    size = clip.stat().st_size
    ticks: list[tuple[int, int]] = []
    case = service.create_case("c", **case_fields)
    summary = service.import_paths(case.id, [clip], progress=lambda d, t: ticks.append((d, t)))
    (item,) = summary.added
    assert all(t == size and 0 <= d <= size for d, t in ticks), ticks[:5]
    first_full = next(i for i, (d, _t) in enumerate(ticks) if d == size)
    return ticks[first_full + 1 :], item


def test_the_video_step_of_an_import_reports_progress(service: Any, tmp_path: Path) -> None:
    step, item = _import_ticks(service, tmp_path)
    assert item.frame_pdq and item.image["width"] == 320
    size = step[-1][1]
    # The SHA-256 pass (1 MiB reads) draws the first half of the sweep, decoding the second.
    checking = [d for d, _t in step if d <= size // 2]
    decoding = [d for d, _t in step if d > size // 2]
    assert len(checking) >= 3 and len(decoding) >= 3, (len(checking), len(decoding))
    assert [d for d, _t in step] == sorted(d for d, _t in step)  # one sweep, forward only
    assert step[-1][0] == size


def test_a_record_only_video_reports_progress_while_its_frames_are_hashed(service: Any, tmp_path: Path) -> None:
    step, item = _import_ticks(service, tmp_path, policy=POLICY_RECORD_ONLY)
    assert not item.retained and item.frame_pdq
    assert len(step) >= 3, step
    assert [d for d, _t in step] == sorted(d for d, _t in step)
