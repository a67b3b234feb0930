"""What weak supervision buys: the default model trained on gold, weak or both, with each
aggregator, scored on gold test; and each aggregator's weak labels scored on gold dev.

    python benchmarks/weak_supervision.py [--runs runs] [overrides...]

Runs `newsroles run labeling.aggregator=A train.source=S` for every pair (stages are
cached, so shared work is done once) and prints two markdown tables.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AGGREGATORS = ("majority", "priority", "label_model")
SOURCES = ("gold", "weak", "both")


def run(*overrides: str) -> Path:
    out = subprocess.run([sys.executable, "-m", "newsroles.cli", "run", *overrides],
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(out.stderr)
    return Path(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", default=str(ROOT / "runs"))
    ap.add_argument("overrides", nargs="*")
    args = ap.parse_args()
    t0 = time.perf_counter()
    test_rows, weak_rows = [], []
    for agg in AGGREGATORS:
        for source in SOURCES:
            d = run(f"labeling.aggregator={agg}", f"train.source={source}",
                    f"paths.runs={args.runs}", *args.overrides)
            m = json.loads((d / "metrics.json").read_text())
            f1 = {k: v["f1"] for k, v in m["per_class"].items()}
            lo, hi = m["macro_f1_ci"]
            test_rows.append(f"| {agg} | {source} | {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | "
                             + " | ".join(f"{f1[k]:.3f}" for k in f1) + " |")
            print(f"{agg} {source}: {m['macro_f1']:.3f}  ({d.name})", file=sys.stderr)
        w = json.loads((d / "labeling" / "weak_labels.json").read_text())
        q = w["weak_vs_gold_dev"]
        f1 = {k: v["f1"] for k, v in q["per_class"].items()}
        weak_rows.append(f"| {agg} | {q['macro_f1']:.3f} | {q['accuracy']:.3f} | "
                         + " | ".join(f"{f1[k]:.3f}" for k in f1)
                         + f" | {w['coverage_of_set']:.3f} |")
    # Where the labeling functions also enter: as features of the linear model, and alone.
    extra = [("gold, no labeling-function features", ["train.source=gold", "model.lf_votes_weight=0"]),
             ("both, no labeling-function features", ["model.lf_votes_weight=0"]),
             ("the `rules` model (priority)", ["model=rules"])]
    for name, overrides in extra:
        d = run(*overrides, f"paths.runs={args.runs}", *args.overrides)
        m = json.loads((d / "metrics.json").read_text())
        f1 = {k: v["f1"] for k, v in m["per_class"].items()}
        lo, hi = m["macro_f1_ci"]
        test_rows.append(f"| {name} | | {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | "
                         + " | ".join(f"{f1[k]:.3f}" for k in f1) + " |")
    labels = "quote | attribution | policy_statement | background"
    print("Weak labels alone, on gold dev:\n")
    print(f"| aggregator | macro-F1 | accuracy | {labels} | coverage |")
    print("|---|---|---|---|---|---|---|---|")
    print("\n".join(weak_rows))
    print("\nThe default model, on gold test:\n")
    print(f"| aggregator | train.source | macro-F1 [95% CI] | {labels} |")
    print("|---|---|---|---|---|---|---|")
    print("\n".join(test_rows))
    print(f"\n{time.perf_counter() - t0:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
