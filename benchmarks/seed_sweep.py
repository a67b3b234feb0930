"""A seed sweep through `newsroles run -m` (Hydra multirun): its wall time, and macro-F1
on gold test as mean ± sd over seeds per model, read from the sweep summary.

    python benchmarks/seed_sweep.py                                   # rules, linear, minilm_linear
    python benchmarks/seed_sweep.py model=transformer experiment=gold_only model.epochs=1
    python benchmarks/seed_sweep.py --runs /tmp/sweeps model=linear seed=1,2,3,4,5

Extra arguments are overrides for the sweep (default: model=rules,linear,minilm_linear
seed=1,2,3). Sweep folders go under --runs (default runs/).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

DEFAULT = ["model=rules,linear,minilm_linear", "seed=1,2,3"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", default="runs")
    parser.add_argument("overrides", nargs="*")
    args = parser.parse_args()
    overrides = args.overrides or DEFAULT
    if not any(o.startswith("seed=") for o in overrides):
        overrides = [*overrides, "seed=1,2,3"]
    sweeps = Path(args.runs) / "multirun"
    before = set(sweeps.iterdir()) if sweeps.exists() else set()
    cmd = ["newsroles", "run", "-m", *overrides, f"paths.runs={args.runs}"]
    print("$", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.returncode)
    (sweep,) = set(sweeps.iterdir()) - before
    df = pd.read_csv(sweep / "sweep_summary.csv")
    df["model"] = df["overrides"].str.extract(r"model=(\S+)")[0].fillna("linear")
    f1 = [c for c in df.columns if c.startswith("f1.")]
    agg = df.groupby("model", sort=False).agg(
        jobs=("macro_f1", "size"), mean=("macro_f1", "mean"), sd=("macro_f1", "std"),
        job_seconds=("seconds", "mean"), **{c: (c, "mean") for c in f1})
    print(f"\nsweep {sweep}\nwall time {wall:.0f} s for {len(df)} jobs "
          f"({(df['status'] == 'completed').sum()} completed)\n")
    print("| model | seeds | macro-F1 mean ± sd | " + " | ".join(c[3:] for c in f1)
          + " | s per job |")
    print("|---|---|---|" + "---|" * len(f1) + "---|")
    for model, r in agg.iterrows():
        cells = " | ".join(f"{r[c]:.3f}" for c in f1)
        print(f"| {model} | {int(r.jobs)} | {r['mean']:.3f} ± {r.sd:.3f} | {cells} | "
              f"{r.job_seconds:.0f} |")


if __name__ == "__main__":
    main()
