"""The outside check: the default model on PolNeAR dev, trained on our Wikinews data only
(its four classes folded to PolNeAR's three) and trained on PolNeAR train.

    python benchmarks/polnear.py --polnear ../shared/corpora/polnear [--runs runs] [overrides...]

Runs the three CLI commands the README gives and prints 3-way accuracy and per-class F1,
then the same for reported (quote or attribution) versus other. PolNeAR's two annotators
agree on 0.867 of sentences under this mapping: the ceiling to compare with.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def newsroles(*args: str) -> Path:
    out = subprocess.run([sys.executable, "-m", "newsroles.cli", *args], capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(out.stderr)
    print(out.stdout.strip().splitlines()[-2], file=sys.stderr)
    return Path(out.stdout.strip().splitlines()[-1])


def row(name: str, run: Path) -> str:
    m = json.loads((run / "metrics.json").read_text())
    c = m["coarse"]
    f1 = {k: v["f1"] for k, v in m["per_class"].items()}
    cf1 = {k: v["f1"] for k, v in c["per_class"].items()}
    return (f"| {name} | {m['accuracy']:.3f} | {f1['quote']:.3f} | {f1['attribution']:.3f} | "
            f"{f1['other']:.3f} | {c['accuracy']:.3f} | {cf1['reported']:.3f} | "
            f"{cf1['other']:.3f} | {m['n']} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--polnear", required=True, help="folder with PolNeAR train.jsonl, dev.jsonl")
    ap.add_argument("--runs", default=str(ROOT / "runs"))
    ap.add_argument("overrides", nargs="*", help="extra overrides for every command")
    args = ap.parse_args()
    polnear = ["data=polnear", f"data.path={Path(args.polnear).resolve()}"]
    common = [f"paths.runs={args.runs}", *args.overrides]
    ours = newsroles("run", *common)
    folded = newsroles("evaluate", f"eval.model={ours}", *polnear, *common)
    trained = newsroles("run", *polnear, *common)
    print("| trained on | 3-way acc | quote F1 | attribution F1 | other F1 | reported-vs-other "
          "acc | reported F1 | other F1 | n |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(row("our gold + weak (Wikinews), folded", folded))
    print(row("PolNeAR train", trained))
    print(f"runs: {ours}, {folded}, {trained}", file=sys.stderr)


if __name__ == "__main__":
    main()
