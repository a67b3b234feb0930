"""End-to-end `newsroles tag` throughput on pre-split JSONL (sentences per second).

Builds a pre-split JSONL file from the bundled corpus, repeated to --sentences sentences,
tags it with MODEL (a run directory) through the CLI, and reports sentences/s for the whole
command (start-up included) and for the tagging loop alone (start-up measured on an empty
run subtracted).

    python benchmarks/tag_throughput.py runs/<run> [--sentences 200000] [--sources] [--repeat 3]

--sources keeps who-said-it on (source, cue and quoted spans of each quote and
attribution sentence); without it the command runs with --no-sources (labels only).
With --repeat N the figures are the medians of N runs (the machine may be shared). Peak
memory of the tagging process and its workers is sampled every 0.2 s two ways: the sum of
their resident memory (RSS; pages the workers share with the parent copy-on-write count
once per process) and the sum of their proportional set size (PSS; a shared page counts
its share in each process, so the sum is what the tree really holds). CPU seconds (user +
system over the tree) are reported too: on a shared machine they vary less than wall time.
"""

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def build_input(path: Path, n_sentences: int) -> int:
    from newsroles.schema import read_articles
    from newsroles.sentences import split_article

    docs = []
    for a in read_articles(ROOT / "data/raw/wikinews.jsonl"):
        sents = [s.text for s in split_article(a.id, a.text).sentences]
        if sents:
            docs.append((a.id, sents))
    written, k = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while written < n_sentences:
            doc_id, sents = docs[k % len(docs)]
            fh.write(json.dumps({"id": f"{doc_id}#{k}", "sentences": sents}, ensure_ascii=False) + "\n")
            written += len(sents)
            k += 1
    return written


def _tree_memory(root: psutil.Process) -> tuple[int, int]:
    """(sum of RSS, sum of PSS) in bytes over root and its children."""
    rss = pss = 0
    for p in [root, *root.children(recursive=True)]:
        try:
            info = p.memory_full_info()
        except psutil.Error:  # a process that just ended
            continue
        rss, pss = rss + info.rss, pss + info.pss
    return rss, pss


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(cmd) -> tuple[float, float, float, float]:
    """(wall seconds, peak RSS MiB, peak PSS MiB, CPU seconds) of the command's process
    tree. CPU seconds (user + system, every process waited for) change little with what
    else the machine runs, unlike wall time."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    root, peak_rss, peak_pss = psutil.Process(proc.pid), 0, 0
    while proc.poll() is None:
        try:
            rss, pss = _tree_memory(root)
        except psutil.Error:
            rss = pss = 0
        peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.stderr.read())
    return wall, peak_rss / 2**20, peak_pss / 2**20, _children_cpu() - cpu0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sentences", type=int, default=200_000)
    ap.add_argument("--jobs", type=int, default=0, help="newsroles tag --jobs (0: one per core)")
    ap.add_argument("--sources", action="store_true", help="with who-said-it")
    ap.add_argument("--repeat", type=int, default=1, help="runs; medians are reported")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        n = build_input(tmp / "in.jsonl", args.sentences)
        (tmp / "one.jsonl").write_text(json.dumps({"id": "x", "sentences": ["One."]}) + "\n")
        base = [sys.executable, "-m", "newsroles.cli", "tag", args.model, "--jobs", str(args.jobs),
                *([] if args.sources else ["--no-sources"])]
        startups, walls, rsss, psss, cpus = [], [], [], [], []
        for _ in range(args.repeat):
            startups.append(timed([*base, str(tmp / "one.jsonl"), "-o", str(tmp / "one.out")])[0])
            wall, rss, pss, cpu = timed([*base, str(tmp / "in.jsonl"), "-o", str(tmp / "out.jsonl")])
            lines = sum(1 for _ in (tmp / "out.jsonl").open())
            assert lines == n, (lines, n)
            walls.append(wall), rsss.append(rss), psss.append(pss), cpus.append(cpu)
            print(f"  run: {wall:.1f} s, {n / wall:,.0f} sentences/s, start-up {startups[-1]:.1f} s, "
                  f"{cpu:.1f} CPU s, peak RSS {rss:,.0f} MiB, PSS {pss:,.0f} MiB", flush=True)
    wall, startup = statistics.median(walls), statistics.median(startups)
    what = "with who-said-it" if args.sources else "labels only"
    print(f"{what}: tagged {n} pre-split sentences in {wall:.1f} s: {n / wall:,.0f} sentences/s end to end "
          f"(start-up {startup:.1f} s; {n / (wall - startup):,.0f} sentences/s after start-up); "
          f"peak memory {statistics.median(rsss):,.0f} MiB RSS summed, "
          f"{statistics.median(psss):,.0f} MiB PSS summed; {statistics.median(cpus):.1f} CPU s, "
          f"{n / statistics.median(cpus):,.0f} sentences per CPU second (medians of {args.repeat})")


if __name__ == "__main__":
    main()
