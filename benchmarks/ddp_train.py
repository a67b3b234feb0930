"""Fine-tuning in one process against `torchrun --nproc_per_node=N` (DDP): the train stage's
time, the Trainer's own time and the test macro-F1 of each, on the same cached data stages
and the same global batch (one process: N x the per-process batch).

    python benchmarks/ddp_train.py [--nproc 2] [--epochs 1] [--batch-size 16] [overrides...]

On a CPU the ranks use gloo: a check of the code path, not a speed-up (the processes share
the cores). With GPUs (nccl) give --nproc the number of GPUs; on a single GPU, --nproc 1
compares plain against torchrun with one rank. The data stages run first, once, into a
scratch runs root (`newsroles label`), so both timings are of training; the whole wall time
of each command (start-up, evaluation) is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def newsroles(args: list[str], nproc: int | None = None) -> tuple[Path | None, float]:
    """Run `newsroles ARGS` (under torchrun with `nproc` ranks); (the run dir it printed,
    wall seconds). Exits with its error output on failure."""
    launcher = [] if nproc is None else ["-m", "torch.distributed.run", "--standalone",
                                         f"--nproc_per_node={nproc}"]
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, *launcher, "-m", "newsroles", *args], check=False,
                         capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - t0
    if out.returncode != 0:
        sys.exit(out.stderr[-4000:])
    last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
    return (Path(last) if last.startswith("/") else None), wall


def describe(label: str, run: Path, wall: float) -> str:
    timings = json.loads((run / "timings.json").read_text())
    log = json.loads((run / "training.json").read_text()).get("log", [])
    trainer_s = next((r["train_runtime"] for r in log if "train_runtime" in r), float("nan"))
    metrics = json.loads((run / "metrics.json").read_text())
    return (f"{label}: train stage {timings['train']['seconds']:.1f} s (Trainer "
            f"{trainer_s:.1f} s), test macro-F1 {metrics['macro_f1']:.3f}, whole command "
            f"{wall:.0f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nproc", type=int, default=2, help="ranks under torchrun")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--batch-size", type=int, default=16, help="per process")
    ap.add_argument("overrides", nargs="*", help="more overrides for both runs")
    args = ap.parse_args()
    import torch

    gpu = torch.cuda.is_available()
    where = (f"{args.nproc} x {torch.cuda.get_device_name()} (nccl)" if gpu
             else f"CPU, {os.cpu_count()} cores, {args.nproc} ranks (gloo)")
    batch_key = "model.gpu_batch_size" if gpu else "model.batch_size"
    with tempfile.TemporaryDirectory(prefix="newsroles-ddp-bench-") as runs:
        common = [f"paths.runs={runs}", "train.source=gold", "model=transformer",
                  f"model.epochs={args.epochs}", *args.overrides]
        _, data_wall = newsroles(["label", *common])
        print(f"data stages (once, then cached): {data_wall:.0f} s")
        plain, plain_wall = newsroles(
            ["run", *common, f"{batch_key}={args.batch_size * args.nproc}", "run_name=plain"])
        ddp, ddp_wall = newsroles(
            ["run", *common, f"{batch_key}={args.batch_size}", "run_name=ddp"], args.nproc)
        print(f"{where}; global batch {args.batch_size * args.nproc}, "
              f"{args.epochs:g} epoch(s) on gold train")
        print(describe("1 process", plain, plain_wall))
        print(describe(f"torchrun --nproc_per_node={args.nproc}", ddp, ddp_wall))
        status = json.loads((ddp / "status.json").read_text())
        print(f"torchrun run: status {status['status']}, world_size "
              f"{status.get('world_size', 1)}, one run directory: "
              f"{len([p for p in Path(runs).iterdir() if p.name.endswith('_ddp')]) == 1}")


if __name__ == "__main__":
    main()
