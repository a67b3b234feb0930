"""label: apply the labeling functions to every sentence and aggregate their votes.

Reads: the prepare stage's table (and gold-train labels, for the label model's class
balance). Config: labeling. Writes: votes.npy (the label matrix), weak_labels.npy and
weak_probs.npy, functions.json, and label_model.npz (the label model's parameters and each
function's learned weight; fitted whenever Snorkel is installed, used for the weak labels
only with aggregator=label_model).

The dependency parse that some functions read is its own cached step ("parse"), keyed by
the sentences and the parser's version, so changing a function does not re-parse.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newsroles import LABELS
from newsroles.cache import StageCache, stage_key
from newsroles.errors import NewsrolesError
from newsroles.labeling.aggregate import LabelModelParams, aggregate, apply_lfs, fit_label_model
from newsroles.labeling.functions import get_functions
from newsroles.stages import StageResult, Timer


def parses_for(cache: StageCache, prepared: StageResult, sentences) -> list[dict]:
    from newsroles.labeling.parse import parse_texts, parser_version

    key = stage_key("parse", reads={"prepare": prepared.key}, parser=parser_version())
    hit = cache.get("parse", key)
    if hit is None:
        def write(tmp: Path) -> None:
            parses = parse_texts(sentences["text"].tolist())
            (tmp / "parses.json").write_text(json.dumps(parses, separators=(",", ":")))

        hit = cache.put("parse", key, write)
    return json.loads((hit / "parses.json").read_text())


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
    import importlib.util

    return importlib.util.find_spec("snorkel") is not None


def run(cfg, cache: StageCache, prepared: StageResult, sentences) -> StageResult:
    lfs = get_functions(list(cfg.labeling.functions))
    method = str(getattr(cfg.labeling.aggregator, "value", cfg.labeling.aggregator))
    reads = {"prepare": prepared.key}
    config = {"functions": [lf.name for lf in lfs], "aggregator": method}
    # The label model is fitted in every run where Snorkel is installed: its learned weights
    # belong in the per-function table whichever aggregator decides the weak labels.
    fit_lm = method == "label_model" or _snorkel_available()
    if fit_lm:
        config["class_balance"] = class_balance(cfg, sentences)
        lm = cfg.labeling.get("label_model") or {}
        config["label_model"] = {k: lm.get(k, d) for k, d in
                                 (("epochs", 500), ("lr", 0.001), ("l2", 30.0), ("prec_init", 0.9))}
        config["seed"] = int(cfg.seed)
    key = stage_key("label", reads=reads, config=config)
    with Timer() as t:
        hit = cache.get("label", key)
        if hit is None:
            parses = (parses_for(cache, prepared, sentences)
                      if any(lf.uses_parse for lf in lfs) else None)

            def write(tmp: Path) -> None:
                L = apply_lfs(sentences.to_dict("records"), lfs, parses)
                params = None
                if fit_lm and L.shape[1] >= 3:
                    lm = config["label_model"]
                    params = fit_label_model(L, config["class_balance"], config["seed"],
                                             lm["epochs"], lm["lr"], lm["l2"], lm["prec_init"])
                    np.savez(tmp / "label_model.npz", mu=params.mu, p=params.p,
                             weights=params.weights)
                labels, probs = aggregate(L, method, params if method == "label_model" else None)
                np.save(tmp / "votes.npy", L)
                np.save(tmp / "weak_labels.npy", labels)
                np.save(tmp / "weak_probs.npy", probs)
                (tmp / "functions.json").write_text(json.dumps(config, indent=2) + "\n")

            path = cache.put("label", key, write)
        else:
            path = hit
    return StageResult("label", key, path, hit is not None, t.seconds, reads)


def load_votes(result: StageResult):
    L = np.load(result.path / "votes.npy")
    labels = np.load(result.path / "weak_labels.npy")
    probs = np.load(result.path / "weak_probs.npy")
    return L, labels, probs


def load_label_model(result: StageResult) -> LabelModelParams | None:
    f = result.path / "label_model.npz"
    if not f.exists():
        return None
    with np.load(f, allow_pickle=False) as z:
        return LabelModelParams(z["mu"], z["p"], z["weights"])
