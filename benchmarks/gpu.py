"""One short GPU run: fine-tune the transformer (default MiniLM) on gold train for one
epoch and time it, then tag pre-split sentences at batch 1024 against the bare forward
pass (bf16, length-sorted). Prints one line per figure with the card's name; exits with a
message when no GPU is present.

    python benchmarks/gpu.py [--epochs 1] [--sentences 50000] [--batch-size 1024]

Meant to run as one prepared script on a lent GPU machine, e.g.
    bash scripts/setup.sh && .venv/bin/python benchmarks/gpu.py
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--sentences", type=int, default=50000)
    ap.add_argument("--batch-size", type=int, default=1024)
    args = ap.parse_args()
    import torch

    if not torch.cuda.is_available():
        sys.exit("no GPU here: this benchmark needs CUDA")
    card = torch.cuda.get_device_name()
    with tempfile.TemporaryDirectory() as runs:
        t0 = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-m", "newsroles.cli", "run", "model=transformer",
             f"model.epochs={args.epochs}", "train.source=gold", f"paths.runs={runs}"],
            capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            sys.exit(out.stderr)
        wall = time.perf_counter() - t0
        run = Path(out.stdout.strip().splitlines()[-1])
        log = json.loads((run / "training.json").read_text()).get("log", [])
        train_s = next((r["train_runtime"] for r in log if "train_runtime" in r), float("nan"))
        print(f"{card}: fine-tuning {args.epochs:g} epoch(s) on gold train: "
              f"{train_s / args.epochs:.1f} s/epoch (whole run {wall:.0f} s)")
        print(out.stdout.strip().splitlines()[-2])
        speed = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks/transformer_speed.py"), str(run),
             "--sentences", str(args.sentences), "--batch-size", str(args.batch_size)],
            capture_output=True, text=True, cwd=ROOT)
        print(speed.stdout.strip() or speed.stderr.strip())


if __name__ == "__main__":
    main()
