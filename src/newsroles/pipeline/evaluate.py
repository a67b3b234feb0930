"""evaluate: score a model on one gold split (data.eval_split: test for Wikinews).

Reads the train stage's model, or a saved model given as eval.model; the sentence table
with its gold labels and parse. Writes metrics.json, confusion_matrix.json,
confusion_matrix.png, predictions.jsonl.

A model whose labels differ from the gold's (our four against PolNeAR's three) is scored
after folding its scores into the gold's labels (data.fold); data.coarse adds a second,
coarser view (reported speech against the rest) to metrics.json.
"""

from __future__ import annotations

import json
from pathlib import Path

from omegaconf import OmegaConf

from newsroles.errors import NewsrolesError
from newsroles.evaluation import (
    compute_metrics,
    expected_calibration_error,
    plot_confusion,
    plot_reliability,
)
from newsroles.labelspace import fold_labels, fold_proba, ordered_labels
from newsroles.models.base import (
    MANIFEST_FILE,
    MODEL_FILE,
    load_model,
    model_module,
    resolve_model_dir,
    verify_model_dir,
)
from newsroles.pipeline import gold
from newsroles.pipeline.stage import Inputs, Stage
from newsroles.pipeline.tables import sentence_table


def files(cfg) -> dict[str, Path]:
    """A saved model (eval.model) is read through its manifest, which hashes every file."""
    if not cfg.eval.get("model"):
        return {}
    model_dir = resolve_model_dir(cfg.eval.model)
    verify_model_dir(model_dir)
    return {"model": model_dir / MANIFEST_FILE}


def code(cfg) -> tuple[str, ...]:
    if cfg.eval.get("model"):
        meta = json.loads((resolve_model_dir(cfg.eval.model) / MODEL_FILE).read_text())
        return (model_module(meta.get("name", "?")),)
    return (model_module(cfg.model.name),)


def compute(inputs: Inputs, out: Path) -> None:
    cfg = inputs.cfg
    eval_cfg = OmegaConf.to_container(cfg.eval, resolve=True)
    trained = "train" in inputs
    model_dir = inputs["train"] / "model" if trained else inputs.files["model"].parent
    data_labels = list(cfg.data.labels)
    fold, coarse = dict(cfg.data.fold), dict(cfg.data.coarse)
    table = sentence_table(inputs, with_parse=True)
    split = eval_cfg["split"]
    rows = table[(table["split"] == split) & table["gold_label"].notna()]
    if rows.empty:
        raise NewsrolesError(f"no gold sentences in split {split!r} to evaluate on")
    rows = rows.reset_index(drop=True)
    model = load_model(model_dir)
    proba = fold_proba(model.predict_proba(rows), model.labels, data_labels, fold)
    # The model's own decision (with its per-label weights, if any) where its labels are
    # the data's; folded into the data's labels, the most probable of those.
    best = model.decide(proba) if list(model.labels) == data_labels else proba.argmax(axis=1)
    pred = [data_labels[i] for i in best]
    gold_labels = rows["gold_label"].tolist()
    boot = (eval_cfg["bootstrap"], eval_cfg["confidence"], cfg.seed)
    metrics = compute_metrics(gold_labels, pred, *boot, labels=data_labels)
    name = cfg.model.name if trained else model.name
    metrics = {"split": split, "model": name, "data": cfg.data.name,
               "model_labels": list(model.labels), **metrics}
    # How far the scores can be read as probabilities (top-label, 15 bins).
    calibration = expected_calibration_error(proba, gold_labels, data_labels)
    metrics["ece"] = calibration["ece"]
    metrics["calibration"] = {"method": "isotonic" if model.isotonic else "temperature",
                              "temperature": model.temperature, **calibration}
    if not trained:
        metrics["model_path"] = str(model_dir)
    cv = gold.load(inputs["gold"])["cv"]
    if cv:
        metrics["cv"] = cv
    if coarse:
        coarse_labels = list(ordered_labels(set(coarse.values())))
        metrics["coarse"] = compute_metrics(
            fold_labels(gold_labels, coarse_labels, coarse),
            fold_labels(pred, coarse_labels, coarse),
            *boot, labels=coarse_labels,
        )
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out / "confusion_matrix.json").write_text(
        json.dumps(metrics["confusion_matrix"], indent=2) + "\n")
    plot_confusion(
        metrics["confusion_matrix"]["rows_gold_cols_pred"],
        out / "confusion_matrix.png",
        f"{name} on {cfg.data.name} {split} (macro-F1 {metrics['macro_f1']:.3f})",
        labels=data_labels,
    )
    method = ("isotonic" if model.isotonic else "temperature") if (
        model.isotonic or model.temperature != 1.0) else "uncalibrated"
    plot_reliability(calibration, out / "reliability_diagram.png",
                     f"{name} on {cfg.data.name} {split}\n{method}, T={model.temperature:.2f}")
    with (out / "predictions.jsonl").open("w", encoding="utf-8") as fh:
        for r, p, g, pr in zip(rows.itertuples(), pred, gold_labels, proba, strict=True):
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


OUTPUTS = ("metrics.json", "confusion_matrix.json", "confusion_matrix.png",
           "reliability_diagram.png", "predictions.jsonl")

STAGE = Stage(
    name="evaluate",
    compute=compute,
    reads=("prepare", "gold", "parse", "train"),
    files=files,
    config=("eval", "seed", "data.name", "data.labels", "data.fold", "data.coarse",
            "model.name"),
    outputs=OUTPUTS,
    run_outputs={name: name for name in OUTPUTS},
    code=code,
    libraries=("numpy", "scipy", "scikit-learn", "pandas", "datasets", "pyarrow", "torch",
               "transformers", "matplotlib"),
)
