"""Benchmark: import a generated KakaoTalk Android export of 100,000 and 1,000,000 lines
(issues 12, 18). Each import runs in a fresh child process; its peak RSS shows that memory
does not grow with the file (the parser streams one record at a time).

The peer measured in the same run is a plain-Python line split of the same file (read in
1 MiB chunks, bytes.splitlines): `ratio_to_line_split` is import time / split time. After the
import the child searches twice (a first query builds the in-memory index, the second uses
it) and prints both times.

    .venv/bin/python benchmarks/chat_import.py [--lines 100000 1000000]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(path: Path, lines: int) -> None:
    """A Korean Android export: messages, multi-line bodies, system lines, placeholders."""
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("\ufeff벤치마크방 40 카카오톡 대화\r\n저장한 날짜 : 2025년 3월 7일 오후 4:23\r\n\r\n")
        n = 3
        i = 0
        while n < lines:
            day = 1 + (i // 1440) % 28
            month = 1 + (i // 40320) % 12
            h, mi = (i // 60) % 24, i % 60
            ap, h12 = ("오전", h % 12 or 12) if h < 12 else ("오후", h % 12 or 12)
            ts = f"2023년 {month}월 {day}일 {ap} {h12}:{mi:02d}"
            k = i % 10
            if k == 0:
                f.write(f"{ts}, 사용자{i % 40}님이 들어왔습니다.\r\n")
                n += 1
            elif k == 1:
                f.write(f"{ts}, 사용자{i % 40} : 여러 줄 메시지 {i}\n둘째 줄 [대전] 샵검색 : #태그\r\n")
                n += 2
            elif k == 2:
                f.write(f"{ts}, 사용자{i % 40} : 사진\r\n")
                n += 1
            else:
                f.write(f"{ts}, 사용자{i % 40} : 안녕하세요 메시지 번호 {i} 입니다 hello 😀\r\n")
                n += 1
            i += 1


def line_split_seconds(path: Path) -> tuple[float, int]:
    """The floor any text importer pays: read the file and split it into lines."""
    t0 = time.monotonic()
    n = 0
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
            n += len(lines)
    return time.monotonic() - t0, n + (1 if tail else 0)


def run_import(path: Path, vault_dir: Path) -> dict[str, object]:
    from evidence_kit.core.chat.importer import import_chat
    from evidence_kit.core.crypto.keys import floor_params
    from evidence_kit.core.vault.vault import Vault

    v = Vault.create(vault_dir, "benchmark passphrase 123", kdf=floor_params())
    case = v.create_case("bench")
    t0 = time.monotonic()
    res = import_chat(v, case.id, [path])
    elapsed = time.monotonic() - t0
    chat = res.chats[0]
    rss_import = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    split_s, split_lines = line_split_seconds(path)
    from evidence_kit.core.chat.store import ChatStore, SearchQuery

    store = ChatStore(v)
    t1 = time.monotonic()
    first = sum(1 for _ in store.search(case.id, SearchQuery(text="메시지 번호 77777 ")))
    t2 = time.monotonic()
    again = sum(1 for _ in store.search(case.id, SearchQuery(text="번호 4243 입니다")))
    t3 = time.monotonic()
    marked = sum(1 for _ in store.search(case.id, SearchQuery(sender="사용자7", date_from="2023-02-03")))
    t4 = time.monotonic()
    v.lock()
    return {
        "records": chat.message_count + chat.event_count,
        "messages": chat.message_count,
        "missing_media": chat.missing_count,
        "seconds": round(elapsed, 1),
        "lines_per_s": None,
        "line_split_s": round(split_s, 2),
        "line_split_lines": split_lines,
        "ratio_to_line_split": round(elapsed / max(split_s, 1e-6), 1),
        "peak_rss_mib": rss_import,
        "search_first_s": round(t2 - t1, 2),
        "search_first_hits": first,
        "search_again_s": round(t3 - t2, 3),
        "search_again_hits": again,
        "search_sender_date_s": round(t4 - t3, 3),
        "search_sender_date_hits": marked,
        "peak_rss_after_search_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--child", nargs=2, metavar=("FILE", "VAULT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_import(Path(a.child[0]), Path(a.child[1]))))
        return
    work = Path(tempfile.mkdtemp(prefix="ek-bench-kakao-"))
    try:
        rows = []
        for n in a.lines:
            p = work / f"KakaoTalkChats-{n}.txt"
            generate(p, n)
            r = subprocess.run(
                [sys.executable, __file__, "--child", str(p), str(work / f"vault-{n}")],
                check=True, capture_output=True, text=True,
            )
            res = json.loads(r.stdout.strip().splitlines()[-1])
            res["lines"] = n
            res["file_mb"] = round(p.stat().st_size / 1e6, 1)
            res["lines_per_s"] = round(n / max(float(str(res["seconds"])), 0.001))
            rows.append(res)
            print(json.dumps(res), flush=True)
            p.unlink()
            shutil.rmtree(work / f"vault-{n}", ignore_errors=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
