"""Test figures of saved runs on the old and the new gold, side by side.

- v1 set, v1 labels: the test articles of gold v1 (without round five, the GUM articles),
  labels as before the blind re-read (the re-read settlements in data/gold/adjudication.jsonl,
  "round": "reread", give each changed sentence's earlier label);
- v1 set, v2 labels: the same sentences with the settled labels;
- v2 set, v2 labels: today's test split (v1's articles plus round five's test articles).

    python benchmarks/gold_versions.py runs/<run> [runs/<run> ...] [--split test]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--split", default="test")
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NEWSROLES_ROOT", str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))
    from newsroles import LABELS
    from newsroles.evaluation import macro_f1
    from newsroles.io import iter_jsonl
    from newsroles.models import load_model
    from newsroles.pipeline.run import gold_sentence_table
    from newsroles.project import compose

    cfg = compose([])
    table = gold_sentence_table(cfg)
    rows = table[(table["split"] == args.split) & table["gold_label"].notna()].reset_index(drop=True)
    round_five = {a["id"] for _, a in iter_jsonl(ROOT / "data/raw/wikinews.jsonl")
                  if "GUM" in a.get("source", "")}
    before = {(o["doc_id"], o["start"], o["end"]): o["annotator_a"]
              for _, o in iter_jsonl(ROOT / "data/gold/adjudication.jsonl")
              if o.get("round") == "reread"}
    v2 = rows["gold_label"].to_numpy(dtype=object)
    v1 = np.array([before.get((d, s, e), g) for d, s, e, g in
                   zip(rows["doc_id"], rows["start"], rows["end"], v2)], dtype=object)
    old_set = ~rows["doc_id"].isin(round_five).to_numpy()
    views = {"v1 set, v1 labels": (old_set, v1), "v1 set, v2 labels": (old_set, v2),
             "v2 set, v2 labels": (np.ones(len(rows), bool), v2)}
    print(f"{args.split}: v1 set {old_set.sum()} sentences ({(v1 != v2).sum()} relabelled), "
          f"v2 set {len(rows)}")
    header = "| run | " + " | ".join(views) + " |"
    print(header + "\n|" + "---|" * (len(views) + 1))
    for run in args.runs:
        model = load_model(Path(run) / "model")
        pred = np.asarray(model.labels, dtype=object)[model.predict_proba(rows).argmax(axis=1)]
        cells = []
        for mask, gold in views.values():
            f1 = macro_f1(list(gold[mask]), list(pred[mask]))
            per = {lab: _f1(gold[mask], pred[mask], lab) for lab in LABELS}
            cells.append(f"{f1:.3f} (policy {per['policy_statement']:.3f}, attribution "
                         f"{per['attribution']:.3f})")
        name = json.loads((Path(run) / "model" / "model.json").read_text())["name"]
        print(f"| {name} `{Path(run).name}` | " + " | ".join(cells) + " |")


def _f1(gold, pred, label) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(list(gold), list(pred), labels=[label], average="macro",
                          zero_division=0))


if __name__ == "__main__":
    main()
