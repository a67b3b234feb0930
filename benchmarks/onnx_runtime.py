"""A transformer (or an ensemble with one) under each runtime: gold-test macro-F1 and
tagging speed with context, torch against ONNX Runtime (fp32 graph and int8 dynamic
quantisation), on the threads this machine gives (2 cores here).

Macro-F1: the model's gold-test predictions under each runtime, from the same sentence
table the evaluate stage reads, and the difference from torch. Speed: N pre-split
sentences of the bundled corpus through `Tagger.tag_documents` (what `newsroles tag` does,
labels only), best of --repeats.

    python benchmarks/onnx_runtime.py runs/<transformer or ensemble run> [--sentences 2000]
        [--runtimes torch onnx onnx-int8]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--runtimes", nargs="+", default=["torch", "onnx", "onnx-int8"])
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NEWSROLES_ROOT", str(ROOT))
    from transformer_speed import corpus

    from newsroles.evaluation import macro_f1
    from newsroles.pipeline.run import gold_sentence_table
    from newsroles.project import compose
    from newsroles.tagger import Tagger

    cfg = compose([])
    table = gold_sentence_table(cfg)
    test = table[(table["split"] == "test") & table["gold_label"].notna()].reset_index(drop=True)
    gold = test["gold_label"].tolist()
    docs = corpus(args.sentences)
    n = sum(len(d["sentences"]) for d in docs)
    print(f"{args.model}: gold test {len(test)} sentences; speed on {n} sentences, "
          f"{os.cpu_count()} cores")
    print(f"{'runtime':10} {'macro-F1':>9} {'vs torch':>9} {'agree':>7} {'sent/s':>8}")
    base_pred = base_f1 = None
    for runtime in args.runtimes:
        tagger = Tagger.load(args.model, sources=False, runtime=runtime)
        labels = list(tagger.model.labels)
        pred = list(tagger.model.predict(test))
        f1 = macro_f1(gold, pred, labels)
        if base_pred is None:
            base_pred, base_f1 = pred, f1
        agree = sum(a == b for a, b in zip(pred, base_pred)) / len(pred)
        list(tagger.tag_documents(docs[:2]))  # warm-up
        best = float("inf")
        for _ in range(args.repeats):
            if hasattr(tagger.model, "_last"):
                tagger.model._last = None  # an ensemble keeps its last scores: not a repeat's
            t0 = time.perf_counter()
            count = sum(1 for _ in tagger.tag_documents(docs, batch_size=1 << 30))
            best = min(best, time.perf_counter() - t0)
        print(f"{runtime:10} {f1:9.4f} {f1 - base_f1:+9.4f} {agree:7.3f} {count / best:8.1f}",
              flush=True)


if __name__ == "__main__":
    main()
