"""Tagging a big corpus: throughput and peak memory of `newsroles tag` on a synthetic
corpus built from the bundled articles (repeated under new ids until it holds --sentences
sentences).

    python benchmarks/tag_big.py runs/<run> [--sentences 1000000] [--format jsonl|parquet|csv]
                                            [--raw] [--jobs 0] [--no-sources] [--repeat 1]

Pre-split input ({"id", "sentences"}) by default; --raw feeds article text, so the timing
includes sentence splitting. Peak memory is the largest sum of resident memory over the
tagging process and its worker processes, sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build_input(path: Path, n_sentences: int, raw: bool) -> int:
    from newsroles.schema import read_articles
    from newsroles.sentences import split_article

    docs = []
    for a in read_articles(ROOT / "data/raw/wikinews.jsonl"):
        sents = split_article(a.id, a.text).sentences
        if sents:
            docs.append((a.id, a.text, [s.text for s in sents]))
    written, k = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while written < n_sentences:
            doc_id, text, sents = docs[k % len(docs)]
            rec = {"id": f"{doc_id}#{k}", **({"text": text} if raw else {"sentences": sents})}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            written += len(sents)
            k += 1
    return written


def run_sampled(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak MiB of the process tree)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    root, peak = psutil.Process(proc.pid), 0
    while proc.poll() is None:
        try:
            procs = [root, *root.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.stderr.read())
    return wall, peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--format", default="jsonl", choices=("jsonl", "parquet", "csv"))
    ap.add_argument("--raw", action="store_true", help="article text instead of sentences")
    ap.add_argument("--jobs", type=int, default=0)
    ap.add_argument("--no-sources", action="store_true", help="labels only (no parsing)")
    ap.add_argument("--repeat", type=int, default=1,
                    help="tag the corpus this many times; the median run is reported "
                         "(the shared 2-core machine varies by +-15%% from run to run)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inp = tmp / "in.jsonl"
        n = build_input(inp, args.sentences, args.raw)
        out = tmp / f"out.{args.format}"
        cmd = [sys.executable, "-m", "newsroles.cli", "tag", args.model, str(inp), "-o", str(out),
               "--progress", "off", "--jobs", str(args.jobs),
               *(["--no-sources"] if args.no_sources else [])]
        runs = []
        for k in range(args.repeat):
            runs.append(run_sampled(cmd))
            if args.repeat > 1:
                print(f"  run {k + 1}: {runs[-1][0]:.1f} s, {n / runs[-1][0]:,.0f} sentences/s, "
                      f"peak {runs[-1][1]:,.0f} MiB", flush=True)
        wall, peak = sorted(runs)[len(runs) // 2]
        size = inp.stat().st_size / 2**20
        what = "labels only" if args.no_sources else "labels + who said it"
        print(f"tagged {n:,} {'raw-text' if args.raw else 'pre-split'} sentences ({what}) "
              f"({size:,.0f} MiB of JSONL) -> {args.format}: {wall:.1f} s, "
              f"{n / wall:,.0f} sentences/s end to end, peak memory {peak:,.0f} MiB "
              f"(tagging process and workers together)"
              + (f"; median of {args.repeat} runs" if args.repeat > 1 else ""))


if __name__ == "__main__":
    main()
