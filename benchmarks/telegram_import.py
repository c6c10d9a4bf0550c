"""Benchmark: import a generated Telegram Desktop export (issue 6).

100,000 messages and a few thousand small photos by default. The export is generated
first (streaming); the import then runs in a fresh child process so its peak RSS is the
import's alone. Prints time, peak RSS, messages/s.

    .venv/bin/python benchmarks/telegram_import.py [--messages 100000] [--media 3000]
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


def generate(folder: Path, n: int, media: int) -> None:
    from tests.fixtures_chat import telegram_big

    telegram_big(folder, n, media)


def line_split_seconds(path: Path) -> float:
    t0 = time.monotonic()
    tail = b""
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            lines = (tail + chunk).split(b"\n")
            tail = lines.pop()
    return time.monotonic() - t0


def run_import(folder: Path, vault_dir: Path) -> dict[str, object]:
    from evidence_kit.core.chat.importer import import_chat
    from evidence_kit.core.crypto.keys import floor_params
    from evidence_kit.core.vault.vault import Vault

    v = Vault.create(vault_dir, "benchmark passphrase 123", kdf=floor_params())
    case = v.create_case("bench")
    last = [0.0]

    def progress(done: int, total: int) -> None:
        now = time.monotonic()
        if now - last[0] > 10:
            last[0] = now
            print(f"  {done * 100 // max(total, 1)}%", file=sys.stderr, flush=True)

    t0 = time.monotonic()
    res = import_chat(v, case.id, [folder], progress=progress)
    elapsed = time.monotonic() - t0
    chat = res.chats[0]
    out = {
        "messages": chat.message_count,
        "events": chat.event_count,
        "files_stored": len(res.stored),
        "seconds": round(elapsed, 1),
        "messages_per_s": round(chat.message_count / elapsed),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    split_s = line_split_seconds(folder / "result.json")
    out["line_split_s"] = round(split_s, 2)
    out["ratio_to_line_split"] = round(elapsed / max(split_s, 1e-6), 1)
    t1 = time.monotonic()
    from evidence_kit.core.chat.store import ChatStore, SearchQuery

    store = ChatStore(v)
    hits = list(store.search(case.id, SearchQuery(text="메시지 99999 ")))
    out["search_first_s"] = round(time.monotonic() - t1, 2)
    out["search_hits"] = len(hits)
    t2 = time.monotonic()
    hits = list(store.search(case.id, SearchQuery(text="메시지 4242 ")))
    out["search_again_s"] = round(time.monotonic() - t2, 3)
    out["search_again_hits"] = len(hits)
    v.lock()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--media", type=int, default=3_000)
    ap.add_argument("--child", nargs=2, metavar=("EXPORT", "VAULT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(run_import(Path(a.child[0]), Path(a.child[1]))))
        return
    work = Path(tempfile.mkdtemp(prefix="ek-bench-tg-"))
    try:
        folder = work / "ChatExport"
        t0 = time.monotonic()
        generate(folder, a.messages, a.media)
        size = (folder / "result.json").stat().st_size
        print(f"generated {a.messages:,} messages, {a.media:,} photos, result.json {size / 1e6:.1f} MB "
              f"in {time.monotonic() - t0:.1f} s")
        r = subprocess.run(
            [sys.executable, __file__, "--child", str(folder), str(work / "vault")],
            check=True, capture_output=True, text=True,
        )
        res = json.loads(r.stdout.strip().splitlines()[-1])
        res["result_json_mb"] = round(size / 1e6, 1)
        print(json.dumps(res, indent=2))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
