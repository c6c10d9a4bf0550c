"""Benchmark: import a generated Telegram Desktop HTML export (issue 22).

100,000 messages across 100 messages*.html files by default (the exporter's 1000 a file),
plus the same chat as result.json. Each import runs in a fresh child process so its peak
RSS is the import's alone. Peers measured in the same run: the JSON importer on the same
chat, and a bare html.parser pass over the same pages (the floor for any stdlib parser).
Memory must stay flat: the run at a tenth of the size is printed beside the full one.

    .venv/bin/python benchmarks/telegram_html_import.py [--messages 100000]
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
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(folder: Path, n: int) -> None:
    from tests import fixtures_telegram_html as fh

    senders = [("김민수", "user1"), ("이지은", "user2"), ("Alice", "user3")]
    msgs = []
    for i in range(1, n + 1):
        name, sid = senders[(i // 3) % 3]
        msgs.append(
            fh.Msg(i, fh.T0 + timedelta(seconds=40 * i), name, sid, f"메시지 {i} 안녕하세요 <테스트> & more text",
                   reply_to=i - 1500 if i > 1500 and i % 7 == 0 else 0)
        )
    fh.write_html(folder / "html", "벤치마크", msgs)
    fh.write_json(folder / "json", "벤치마크", msgs)


def peak_rss_mib() -> float:
    """This process's own peak RSS. Not ru_maxrss: Linux carries that over from the parent
    across fork+exec, so the generator's memory would show up in every child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(kind: str, folder: Path, vault_dir: Path) -> dict[str, object]:
    t0 = time.monotonic()
    if kind == "parser":
        from html.parser import HTMLParser

        n = 0
        for p in sorted(folder.glob("messages*.html")):
            hp = HTMLParser()
            hp.feed(p.read_text(encoding="utf-8"))
            hp.close()
            n += 1
        return {"files": n, "seconds": round(time.monotonic() - t0, 2),
                "peak_rss_mib": peak_rss_mib()}
    from evidence_kit.core.chat.importer import import_chat
    from evidence_kit.core.crypto.keys import floor_params
    from evidence_kit.core.vault.vault import Vault

    v = Vault.create(vault_dir, "benchmark passphrase 123", kdf=floor_params())
    case = v.create_case("bench")
    t0 = time.monotonic()
    res = import_chat(v, case.id, [folder])
    elapsed = time.monotonic() - t0
    chat = res.chats[0]
    v.lock()
    return {
        "messages": chat.message_count,
        "events": chat.event_count,
        "seconds": round(elapsed, 2),
        "messages_per_s": round(chat.message_count / elapsed),
        "peak_rss_mib": peak_rss_mib(),
    }


def run(kind: str, folder: Path, work: Path) -> dict[str, object]:
    vault = work / f"vault-{kind}-{time.monotonic_ns()}"
    r = subprocess.run([sys.executable, __file__, "--child", kind, str(folder), str(vault)],
                       check=True, capture_output=True, text=True)
    shutil.rmtree(vault, ignore_errors=True)
    out: dict[str, object] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=100_000)
    ap.add_argument("--child", nargs=3, metavar=("KIND", "EXPORT", "VAULT"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        print(json.dumps(child(a.child[0], Path(a.child[1]), Path(a.child[2]))))
        return
    work = Path(tempfile.mkdtemp(prefix="ek-bench-tghtml-"))
    try:
        results = {}
        for n in (a.messages // 10, a.messages):
            folder = work / f"export-{n}"
            t0 = time.monotonic()
            generate(folder, n)
            pages = list((folder / "html").glob("messages*.html"))
            mb = sum(p.stat().st_size for p in pages) / 1e6
            print(f"generated {n:,} messages: {len(pages)} HTML files, {mb:.1f} MB, in {time.monotonic() - t0:.1f} s")
            html = run("import", folder / "html", work)
            js = run("import", folder / "json", work)
            parser = run("parser", folder / "html", work)
            results[n] = {"html_import": html, "json_import": js, "bare_html_parser": parser}
            print(json.dumps(results[n], indent=2))
            print(f"  HTML import / JSON import time: {float(html['seconds']) / float(js['seconds']):.2f}x; "  # type: ignore[arg-type]
                  f"HTML import / bare html.parser: {float(html['seconds']) / float(parser['seconds']):.2f}x")  # type: ignore[arg-type]
            shutil.rmtree(folder, ignore_errors=True)
        small, big = results[a.messages // 10], results[a.messages]
        print(f"peak RSS, HTML import: {small['html_import']['peak_rss_mib']} MiB at {a.messages // 10:,} "
              f"messages, {big['html_import']['peak_rss_mib']} MiB at {a.messages:,} (flat = about the same)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
