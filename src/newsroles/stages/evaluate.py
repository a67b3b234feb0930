"""evaluate: score the trained model on one gold split (test by default).

Reads: the train stage's model, the gold sentences. Config: eval, seed. Writes:
metrics.json, confusion_matrix.json, confusion_matrix.png, predictions.jsonl.
"""

from __future__ import annotations

import json
from pathlib import Path

from omegaconf import OmegaConf

from newsroles import LABELS
from newsroles.cache import StageCache, stage_key
from newsroles.errors import NewsrolesError
from newsroles.evaluation import compute_metrics, plot_confusion
from newsroles.models import load_model
from newsroles.stages import StageResult, Timer


def run(cfg, cache: StageCache, trained: StageResult, table) -> StageResult:
    eval_cfg = OmegaConf.to_container(cfg.eval, resolve=True)
    reads = {"train": trained.key}
    key = stage_key("evaluate", reads=reads, config=eval_cfg, seed=cfg.seed)
    with Timer() as t:
        hit = cache.get("evaluate", key)
        if hit is None:

            def write(tmp: Path) -> None:
                split = eval_cfg["split"]
                rows = table[(table["split"] == split) & table["gold_label"].notna()]
                if rows.empty:
                    raise NewsrolesError(f"no gold sentences in split {split!r} to evaluate on")
                rows = rows.reset_index(drop=True)
                model = load_model(trained.path / "model")
                proba = model.predict_proba(rows)
                pred = [LABELS[i] for i in proba.argmax(axis=1)]
                gold = rows["gold_label"].tolist()
                metrics = compute_metrics(
                    gold, pred, eval_cfg["bootstrap"], eval_cfg["confidence"], cfg.seed
                )
                metrics = {"split": split, "model": cfg.model.name, **metrics}
                (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
                (tmp / "confusion_matrix.json").write_text(
                    json.dumps(metrics["confusion_matrix"], indent=2) + "\n"
                )
                plot_confusion(
                    metrics["confusion_matrix"]["rows_gold_cols_pred"],
                    tmp / "confusion_matrix.png",
                    f"{cfg.model.name} on gold {split} (macro-F1 {metrics['macro_f1']:.3f})",
                )
                with (tmp / "predictions.jsonl").open("w", encoding="utf-8") as fh:
                    for r, p, g, pr in zip(rows.itertuples(), pred, gold, proba, strict=True):
                        rec = {
                            "doc_id": r.doc_id,
                            "sent_idx": int(r.sent_idx),
                            "start": int(r.start),
                            "end": int(r.end),
                            "text": r.text,
                            "gold": g,
                            "pred": p,
                            "correct": p == g,
                            "scores": {lab: round(float(v), 6) for lab, v in zip(LABELS, pr)},
                        }
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

            path = cache.put("evaluate", key, write)
        else:
            path = hit
    return StageResult("evaluate", key, path, hit is not None, t.seconds, reads)
