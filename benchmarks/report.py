"""Benchmark: the PDF report and the export bundle for 10, 100 and 1,000 items (issue 8).

    .venv/bin/python benchmarks/report.py            # 10, 100, 1000
    .venv/bin/python benchmarks/report.py 10 50      # other sizes

Each size runs in its own process so the peak RSS is that size's alone. Items are small
mixed images (PNG and JPEG, 96-480 px, with noise so they do not compress to nothing),
generated in memory and imported with the real vault (KDF at the safe floor). The vault
setup is not timed; what is timed:

- report: ``build_report`` (checkpoint, re-verify every blob, blurred previews, PDF);
- bundle: ``export_bundle`` to a folder (decrypt originals, manifest, signatures, custody
  log and proofs, CSV, CASE graph, the PDF again, SHA256SUMS);
- verify: ``verify_bundle`` on that folder (the police side).

Target (issue 8): linear growth, 1,000 items under 60 s for report + bundle. Wall time
depends on what else the (shared, 2-core) machine runs; the CPU columns (this process's
user + system time per step) do not.
"""

from __future__ import annotations

import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def make_image(rng: random.Random, i: int) -> tuple[str, bytes]:
    from PIL import Image

    w, h = rng.randint(96, 480), rng.randint(96, 480)
    base = Image.new("RGB", (w, h), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    noise = Image.effect_noise((w, h), 40).convert("RGB")
    im = Image.blend(base, noise, 0.35)
    buf = io.BytesIO()
    if i % 2:
        im.save(buf, "JPEG", quality=85)
        return f"사진_{i:04d}.jpg", buf.getvalue()
    im.save(buf, "PNG")
    return f"screenshot_{i:04d}.png", buf.getvalue()


def run_one(n: int) -> dict[str, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from evidence_kit.core.common.model import ItemInput, Source
    from evidence_kit.core.crypto.keys import floor_params
    from evidence_kit.core.documents.bundle import export_bundle
    from evidence_kit.core.documents.bundle_verify import verify_bundle
    from evidence_kit.core.documents.report import build_report
    from evidence_kit.core.vault.vault import Vault

    rng = random.Random(n)
    with tempfile.TemporaryDirectory() as d:
        root = Path(d)
        vault = Vault.create(root / "vault", "benchmark passphrase", kdf=floor_params())
        case = vault.create_case("벤치마크 사건", prepared_by="상담사 A", incident={"일시": "2026-11"})
        t0 = time.perf_counter()
        total_bytes = 0
        for i in range(n):
            name, data = make_image(rng, i)
            total_bytes += len(data)
            src = Source(platform="Telegram", url=f"https://t.me/c/1/{i}", purpose="유포 사실")
            vault.add_bytes(case.id, data, ItemInput(name=name, method="import-file", source=src))
        vault.flush()
        setup = time.perf_counter() - t0

        t0, c0 = time.perf_counter(), time.process_time()
        rep = build_report(vault, case.id, root / "report.pdf", lang="ko")
        t_report, c_report = time.perf_counter() - t0, time.process_time() - c0

        t0, c0 = time.perf_counter(), time.process_time()
        res = export_bundle(vault, case.id, root / "bundle", kind="folder", lang="ko")
        t_bundle, c_bundle = time.perf_counter() - t0, time.process_time() - c0

        t0 = time.perf_counter()
        ver = verify_bundle(root / "bundle")
        t_verify = time.perf_counter() - t0
        assert ver.ok, "benchmark bundle did not verify"
        pdf_size = (root / "report.pdf").stat().st_size
        vault.lock()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "items": n,
        "input_mib": total_bytes / 2**20,
        "setup_s": setup,
        "report_s": t_report,
        "bundle_s": t_bundle,
        "report_cpu_s": c_report,
        "bundle_cpu_s": c_bundle,
        "verify_s": t_verify,
        "pages": rep.pages,
        "bundle_pages": res.pages,
        "pdf_mib": pdf_size / 2**20,
        "peak_rss_mib": peak_kib / 1024,
    }


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "--one":
        print(json.dumps(run_one(int(argv[1]))))
        return 0
    sizes = [int(a) for a in argv] or [10, 100, 1000]
    print(
        f"{'items':>6} {'input':>8} {'pages':>6} {'report s':>9} {'bundle s':>9} {'r+b s':>7} "
        f"{'ms/item':>8} {'CPU r/b s':>11} {'verify s':>9} {'PDF MiB':>8} {'peak RSS':>9}"
    )
    for n in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        both = r["report_s"] + r["bundle_s"]
        cpu = f"{r['report_cpu_s']:.1f}/{r['bundle_cpu_s']:.1f}"
        print(
            f"{r['items']:>6} {r['input_mib']:>6.1f}Mi {r['pages']:>6} {r['report_s']:>9.2f} "
            f"{r['bundle_s']:>9.2f} {both:>7.2f} {1000 * both / n:>8.1f} {cpu:>11} {r['verify_s']:>9.2f} "
            f"{r['pdf_mib']:>8.1f} {r['peak_rss_mib']:>7.0f}Mi",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
