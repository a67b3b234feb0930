"""Wall time of `newsroles run` on the bundled corpus, cache cold (a fresh runs root),
then warm (the same command again: every stage served from the verified cache).

    python benchmarks/run_wall_time.py [--repeats 1] [extra overrides...]
"""

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
    ap.add_argument("--repeats", type=int, default=1)
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    for i in range(args.repeats):
        with tempfile.TemporaryDirectory() as runs:
            cmd = [sys.executable, "-m", "newsroles.cli", "run", f"paths.runs={runs}", *args.overrides]
            for cache in ("cold", "warm"):
                t0 = time.perf_counter()
                out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
                wall = time.perf_counter() - t0
                if out.returncode != 0:
                    sys.exit(out.stderr)
                run_dir = Path(out.stdout.strip().splitlines()[-1])
                stages = json.loads((run_dir / "timings.json").read_text())
                summary = {k: v["seconds"] for k, v in stages.items()}
                print(f"run {i + 1}: wall {wall:.1f} s (cache {cache}); stages {summary}")
                print("   ", out.stdout.strip().splitlines()[-2])


if __name__ == "__main__":
    main()
