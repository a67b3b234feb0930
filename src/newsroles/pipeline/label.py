"""label: apply the labeling functions to every sentence and aggregate their votes.

Reads the prepare stage's table, the gold stage's labels (gold-train for the label model's
class balance, gold dev for the report) and, for the functions that read it, the parse
stage's parse. Writes votes.npy (the label matrix), weak_labels.npy and weak_probs.npy,
functions.json, label_model.npz (the label model's parameters and each function's learned
weight; fitted whenever Snorkel is installed, used for the weak labels only with
aggregator=label_model), and the labeling report: lf_summary.csv (per function) and
weak_labels.json (the weak labels against gold dev), both in the data's label space.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from newsroles import LABELS
from newsroles.config import LabelModelConfig
from newsroles.errors import NewsrolesError
from newsroles.evaluation import compute_metrics
from newsroles.labeling.aggregate import (
    LabelModelParams,
    aggregate,
    apply_lfs,
    fit_label_model,
)
from newsroles.labeling.analysis import coverage_of_set, lf_summary
from newsroles.labeling.functions import get_functions
from newsroles.labelspace import fold_index
from newsroles.pipeline import parse
from newsroles.pipeline.stage import Inputs, Stage
from newsroles.pipeline.tables import sentence_table

VOTES, WEAK_LABELS, WEAK_PROBS = "votes.npy", "weak_labels.npy", "weak_probs.npy"
LABEL_MODEL = "label_model.npz"


def class_balance(cfg, sentences) -> list[float] | None:
    """labeling.class_balance: gold_train (estimated from gold-train labels), a list of four
    shares in label order, or null (the label model's uniform prior)."""
    value = cfg.labeling.get("class_balance")
    if value is None:
        return None
    if isinstance(value, str):
        if value != "gold_train":
            raise NewsrolesError(f"labeling.class_balance={value!r}: expected gold_train, "
                                 "a list of four shares, or null")
        gold = sentences.loc[sentences["split"] == "train", "gold_label"].dropna()
        if list(cfg.data.labels) != list(LABELS) or gold.empty:
            return None  # another label set (e.g. PolNeAR's three): no estimate of our four
        counts = np.array([(gold == label).sum() for label in LABELS], dtype=float) + 1.0
        return (counts / counts.sum()).round(4).tolist()
    shares = [float(x) for x in value]
    if len(shares) != len(LABELS) or min(shares) <= 0 or abs(sum(shares) - 1) > 1e-3:
        raise NewsrolesError("labeling.class_balance: four positive shares summing to 1 "
                             f"(in the order {', '.join(LABELS)})")
    return shares


def _snorkel_available() -> bool:
    return importlib.util.find_spec("snorkel") is not None


def environment(cfg) -> dict:
    # The label model is fitted in every run where Snorkel is installed: its learned
    # weights belong in the per-function table whichever aggregator decides the weak labels.
    return {"snorkel": _snorkel_available()}


def _report(out: Path, cfg, table, L, lfs, weak_labels, weights) -> None:
    """The per-function table and the weak labels' quality on gold dev, both in the data's
    label space (our four folded into it where the gold uses other labels)."""
    data_labels = list(cfg.data.labels)
    to_data = fold_index(LABELS, data_labels, dict(cfg.data.fold))
    dev = ((table["split"] == "dev") & table["gold_label"].notna()).to_numpy()
    data_id = {label: i for i, label in enumerate(data_labels)}
    gold_ids = np.full(len(table), -1)
    gold_ids[dev] = [data_id[g] for g in table.loc[dev, "gold_label"]]
    lf_summary(L, lfs, gold_ids, to_data, weights).to_csv(out / "lf_summary.csv", index=False)
    weak_on_dev = np.asarray(data_labels)[to_data[weak_labels[dev]]]
    quality = compute_metrics(
        table.loc[dev, "gold_label"].tolist(), weak_on_dev.tolist(), 0, labels=data_labels
    )
    report = {
        "aggregator": str(cfg.labeling.aggregator.value),
        "n_functions": len(lfs),
        "n_sentences": int(len(table)),
        "coverage_of_set": coverage_of_set(L),
        "weak_label_counts": {lab: int((weak_labels == i).sum()) for i, lab in enumerate(LABELS)},
        "weak_vs_gold_dev": {
            k: quality[k] for k in ("n", "accuracy", "macro_f1", "per_class", "confusion_matrix")
        },
    }
    (out / "weak_labels.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n")


def compute(inputs: Inputs, out: Path) -> None:
    cfg = inputs.cfg
    table = sentence_table(inputs)
    lfs = get_functions(list(cfg.labeling.functions))
    method = str(getattr(cfg.labeling.aggregator, "value", cfg.labeling.aggregator))
    config = {"functions": [lf.name for lf in lfs], "aggregator": method}
    fit_lm = method == "label_model" or _snorkel_available()
    if fit_lm:
        config["class_balance"] = class_balance(cfg, table)
        config["label_model"] = OmegaConf.to_container(cfg.labeling.label_model, resolve=True)
        config["seed"] = int(cfg.seed)
    parses = parse.load(inputs["parse"]) if any(lf.uses_parse for lf in lfs) else None
    L = apply_lfs(table.to_dict("records"), lfs, parses)
    params = None
    if fit_lm and L.shape[1] >= 3:
        params = fit_label_model(L, config["class_balance"], config["seed"],
                                 LabelModelConfig(**config["label_model"]))
        np.savez(out / LABEL_MODEL, mu=params.mu, p=params.p, weights=params.weights)
    labels, probs = aggregate(L, method, params if method == "label_model" else None)
    np.save(out / VOTES, L)
    np.save(out / WEAK_LABELS, labels)
    np.save(out / WEAK_PROBS, probs)
    (out / "functions.json").write_text(json.dumps(config, indent=2) + "\n")
    _report(out, cfg, table, L, lfs, labels, params.weights if params is not None else None)


def load_votes(entry: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (np.load(entry / VOTES, allow_pickle=False),
            np.load(entry / WEAK_LABELS, allow_pickle=False),
            np.load(entry / WEAK_PROBS, allow_pickle=False))


def load_label_model(entry: Path) -> LabelModelParams | None:
    f = entry / LABEL_MODEL
    if not f.exists():
        return None
    with np.load(f, allow_pickle=False) as z:
        return LabelModelParams(z["mu"], z["p"], z["weights"])


STAGE = Stage(
    name="label",
    compute=compute,
    reads=("prepare", "gold", "parse"),
    config=("labeling", "seed", "data.labels", "data.fold"),
    outputs=(VOTES, WEAK_LABELS, WEAK_PROBS, "functions.json", "lf_summary.csv",
             "weak_labels.json"),
    run_outputs={"lf_summary.csv": "labeling/lf_summary.csv",
                 "weak_labels.json": "labeling/weak_labels.json"},
    environment=environment,
    libraries=("numpy", "pandas", "datasets", "pyarrow", "snorkel", "torch"),
)
