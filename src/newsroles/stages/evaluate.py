"""evaluate: score a model on one gold split (data.eval_split: test for Wikinews).

Reads: the train stage's model, or a saved model given as eval.model; the gold sentences.
Config: eval, data.labels/fold/coarse, seed. Writes: metrics.json, confusion_matrix.json,
confusion_matrix.png, predictions.jsonl.

A model whose labels differ from the gold's (our four against PolNeAR's three) is scored
after folding its scores into the gold's labels (data.fold); data.coarse adds a second,
coarser view (reported speech against the rest) to metrics.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from omegaconf import OmegaConf

from newsroles.cache import StageCache, stage_key
from newsroles.errors import NewsrolesError
from newsroles.evaluation import compute_metrics, plot_confusion
from newsroles.labelspace import fold_labels, fold_proba, ordered_labels
from newsroles.models import load_model
from newsroles.models.base import MANIFEST_FILE, resolve_model_dir, verify_model_dir
from newsroles.stages import StageResult, Timer


def saved_model_reads(path: str) -> dict:
    """What a stage reads when it evaluates a saved model: its folder and manifest hash."""
    from newsroles.cache import file_hash

    model_dir = resolve_model_dir(path)
    verify_model_dir(model_dir)
    return {"model": {"path": str(model_dir), "sha256": file_hash(model_dir / MANIFEST_FILE)}}


def run(cfg, cache: StageCache, trained: StageResult | None, table,
        gold_reads: dict | None = None) -> StageResult:
    eval_cfg = OmegaConf.to_container(cfg.eval, resolve=True)
    if trained is not None:
        reads, model_dir = {"train": trained.key}, trained.path / "model"
    else:
        reads = saved_model_reads(eval_cfg["model"])
        model_dir = Path(reads["model"]["path"])
    # The gold (and its splits, or the cross-validation fold) decide what is scored.
    reads.update(gold_reads or {})
    data_labels = list(cfg.data.labels)
    fold, coarse = dict(cfg.data.fold), dict(cfg.data.coarse)
    key = stage_key("evaluate", reads=reads, config=eval_cfg, seed=cfg.seed,
                    labels={"labels": data_labels, "fold": fold, "coarse": coarse})
    with Timer() as t:
        hit = cache.get("evaluate", key)
        if hit is None:

            def write(tmp: Path) -> None:
                split = eval_cfg["split"]
                rows = table[(table["split"] == split) & table["gold_label"].notna()]
                if rows.empty:
                    raise NewsrolesError(f"no gold sentences in split {split!r} to evaluate on")
                rows = rows.reset_index(drop=True)
                model = load_model(model_dir)
                proba = fold_proba(model.predict_proba(rows), model.labels, data_labels, fold)
                pred = [data_labels[i] for i in proba.argmax(axis=1)]
                gold = rows["gold_label"].tolist()
                boot = (eval_cfg["bootstrap"], eval_cfg["confidence"], cfg.seed)
                metrics = compute_metrics(gold, pred, *boot, labels=data_labels)
                name = model.name if trained is None else cfg.model.name
                metrics = {"split": split, "model": name, "data": cfg.data.name,
                           "model_labels": list(model.labels), **metrics}
                if trained is None:
                    metrics["model_path"] = str(model_dir)
                if "cv" in reads:
                    metrics["cv"] = reads["cv"]
                if coarse:
                    coarse_labels = list(ordered_labels(set(coarse.values())))
                    metrics["coarse"] = compute_metrics(
                        fold_labels(gold, coarse_labels, coarse),
                        fold_labels(pred, coarse_labels, coarse),
                        *boot, labels=coarse_labels,
                    )
                (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
                (tmp / "confusion_matrix.json").write_text(
                    json.dumps(metrics["confusion_matrix"], indent=2) + "\n"
                )
                plot_confusion(
                    metrics["confusion_matrix"]["rows_gold_cols_pred"],
                    tmp / "confusion_matrix.png",
                    f"{name} on {cfg.data.name} {split} (macro-F1 {metrics['macro_f1']:.3f})",
                    labels=data_labels,
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
                            "scores": {lab: round(float(v), 6) for lab, v in zip(data_labels, pr)},
                        }
                        fh.write(json.dumps(rec, ensure_ascii=False) + "\n")

            path = cache.put("evaluate", key, write)
        else:
            path = hit
    return StageResult("evaluate", key, path, hit is not None, t.seconds, reads)
