"""Per-label decision weights (train.thresholds): do they help a saved model? Chosen by
5-fold cross-validation over gold-dev articles (each fold's weights fitted on the other
four, applied to it, the held-out predictions pooled), so the dev figure is not the
in-sample one; gold test is reported for the weights fitted on all of dev, as a run does.

    python benchmarks/thresholds.py runs/<run> [runs/<run> ...]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main(runs: list[str]) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NEWSROLES_ROOT", str(ROOT))
    from newsroles.evaluation import macro_f1
    from newsroles.models import load_model
    from newsroles.pipeline.run import gold_sentence_table
    from newsroles.project import compose

    cfg = compose([])
    table = gold_sentence_table(cfg)
    split = {s: table[(table["split"] == s) & table["gold_label"].notna()].reset_index(drop=True)
             for s in ("dev", "test")}
    print("run                                   dev (5-fold CV)  +weights   test   +weights")
    for run in runs:
        model = load_model(run)
        model.decision_weights = None
        labels = list(model.labels)
        proba = {s: model.predict_proba(rows) for s, rows in split.items()}
        gold = {s: rows["gold_label"].tolist() for s, rows in split.items()}

        def weights_for(p, y):
            holder = type(model).__new__(type(model))
            holder.labels, holder.decision_weights = model.labels, None
            holder.predict_proba = lambda X: p
            return np.asarray(holder.fit_thresholds(None, y))

        docs = split["dev"]["doc_id"].to_numpy()
        order = np.random.default_rng(0).permutation(sorted(set(docs)))
        fold_of = {d: i % 5 for i, d in enumerate(order)}
        folds = np.array([fold_of[d] for d in docs])
        y = np.asarray(gold["dev"], dtype=object)
        held = np.empty(len(y), dtype=object)
        for k in range(5):
            out = folds == k
            w = weights_for(proba["dev"][~out], list(y[~out]))
            held[out] = np.asarray(labels, dtype=object)[(proba["dev"][out] * w).argmax(1)]
        plain = {s: list(np.asarray(labels, dtype=object)[p.argmax(1)]) for s, p in proba.items()}
        w = weights_for(proba["dev"], gold["dev"])
        weighted_test = list(np.asarray(labels, dtype=object)[(proba["test"] * w).argmax(1)])
        print(f"{run[-38:]:38} {macro_f1(gold['dev'], plain['dev'], labels):.4f}          "
              f"{macro_f1(list(y), list(held), labels):.4f}    "
              f"{macro_f1(gold['test'], plain['test'], labels):.4f} "
              f"{macro_f1(gold['test'], weighted_test, labels):.4f}   weights "
              f"{dict(zip(labels, np.round(w, 2).tolist()))}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
