"""`newsroles tag --engine dask --cluster local` (a LocalCluster of --jobs workers) against
plain `newsroles tag --jobs N` on the same pre-split corpus (tag_big.py's builder), back to
back, --repeat times each: throughput of each side (medians), whether the parts,
concatenated in order, are byte-identical to the plain output, and the cost of a partition:
the same smaller corpus tagged with several --partition-size values, wall time against the
number of parts (least squares), so the slope is the wall seconds each part adds.

    python benchmarks/tag_dask.py RUN [--sentences 1000000] [--repeat 3] [--jobs 2]
        [--overhead-sentences 200000] [--partition-sizes 10 50 250 1000] [--sources]

RUN: a run with model.lf_parse=false for the labels-only figure (as tag_big.py); without
--sources both sides use --no-sources. Output JSON lines on both sides.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from tag_big import build_input  # noqa: E402


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return wall


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            while block := fh.read(1 << 20):
                h.update(block)
    return h.hexdigest()


class Sides:
    """The two commands on one input; each dask run writes a fresh folder (a folder with
    finished parts would be skipped: resuming is not what is timed)."""

    def __init__(self, args, inp: Path, tmp: Path):
        self.tmp, self.inp = tmp, inp
        base = [sys.executable, "-m", "newsroles.cli", "tag", args.model, str(inp),
                "--progress", "off", "--jobs", str(args.jobs),
                *([] if args.sources else ["--no-sources"])]
        self.plain_out = tmp / "plain.jsonl"
        self.plain = [*base, "-o", str(self.plain_out)]
        self.dask = [*base, "--engine", "dask", "--cluster", "local", "--format", "jsonl"]

    def run_plain(self) -> float:
        return timed(self.plain)

    def run_dask(self, partition_size: int) -> tuple[float, Path]:
        out = self.tmp / "parts"
        shutil.rmtree(out, ignore_errors=True)
        wall = timed([*self.dask, "-o", str(out), "--partition-size", str(partition_size)])
        return wall, out


def throughput(args, tmp: Path) -> None:
    inp = tmp / "big.jsonl"
    n = build_input(inp, args.sentences, raw=False)
    sides = Sides(args, inp, tmp)
    plain, dask = [], []
    for k in range(args.repeat):
        plain.append(sides.run_plain())
        wall, out = sides.run_dask(args.partition_size)
        dask.append(wall)
        print(f"  repeat {k + 1}: plain {plain[-1]:.1f} s ({n / plain[-1]:,.0f}/s), dask "
              f"{dask[-1]:.1f} s ({n / dask[-1]:,.0f}/s)", flush=True)
    parts = sorted(out.glob("part-*.jsonl"))
    same = digest(parts) == digest([sides.plain_out])
    p, d = statistics.median(plain), statistics.median(dask)
    print(f"{n:,} pre-split sentences, {args.jobs} processes, medians of {args.repeat}: plain "
          f"{p:.1f} s = {n / p:,.0f} sentences/s; dask LocalCluster ({args.jobs} workers, "
          f"--partition-size {args.partition_size}: {len(parts)} parts) {d:.1f} s = "
          f"{n / d:,.0f} sentences/s; dask/plain = {p / d:.2f}; parts concatenated "
          f"{'byte-identical to' if same else 'DIFFERENT from'} the plain output", flush=True)


def overhead(args, tmp: Path) -> None:
    inp = tmp / "small.jsonl"
    n = build_input(inp, args.overhead_sentences, raw=False)
    sides = Sides(args, inp, tmp)
    docs = sum(1 for _ in inp.open("rb"))
    rows = []
    for size in args.partition_sizes:
        walls = []
        for _ in range(args.repeat):
            wall, out = sides.run_dask(size)
            walls.append(wall)
        parts = len(list(out.glob("part-*.jsonl")))
        rows.append((size, parts, statistics.median(walls)))
        print(f"  --partition-size {size}: {parts} parts, {rows[-1][2]:.1f} s "
              f"({n / rows[-1][2]:,.0f} sentences/s)", flush=True)
    xs, ys = [r[1] for r in rows], [r[2] for r in rows]
    mx, my = statistics.mean(xs), statistics.mean(ys)
    slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
    intercept = my - slope * mx
    per_part = slope * args.jobs  # wall per part x workers = worker seconds per part
    print(f"{n:,} sentences in {docs:,} articles ({n / docs:.0f} sentences each): wall = "
          f"{intercept:.1f} s + {slope * 1000:.0f} ms x parts (least squares over "
          f"{len(rows)} sizes, medians of {args.repeat}); {per_part * 1000:.0f} ms of worker "
          f"time per part, against {intercept * args.jobs / n * 1e6:.0f} us per sentence",
          flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sentences", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--partition-size", type=int, default=None,
                    help="for the throughput figure (default: the tag command's default)")
    ap.add_argument("--overhead-sentences", type=int, default=200_000)
    ap.add_argument("--partition-sizes", type=int, nargs="+", default=[10, 50, 250, 1000])
    ap.add_argument("--sources", action="store_true", help="with who-said-it (slower)")
    ap.add_argument("--skip-throughput", action="store_true")
    ap.add_argument("--skip-overhead", action="store_true")
    args = ap.parse_args()
    if args.partition_size is None:
        sys.path.insert(0, str(ROOT / "src"))
        from newsroles.cli.tag import DEFAULT_PARTITION_SIZE

        args.partition_size = DEFAULT_PARTITION_SIZE
    with tempfile.TemporaryDirectory() as tmp:
        if not args.skip_overhead:
            overhead(args, Path(tmp))
        if not args.skip_throughput:
            throughput(args, Path(tmp))


if __name__ == "__main__":
    main()
