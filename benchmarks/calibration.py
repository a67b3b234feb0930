"""Calibration methods compared: expected calibration error (top label, 15 bins) of the
default model's scores as fitted, tempered, and tempered + isotonic top-label map.

Chosen on gold dev by 5-fold cross-validation over dev articles (each fold's map fitted on
the other four, applied to it, the held-out scores pooled); gold test is reported for the
maps fitted on all of dev, as a run does. No predicted label changes under any of them.

    python benchmarks/calibration.py [overrides...]      e.g. model=rules
"""

import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def main(overrides: list[str]) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("NEWSROLES_ROOT", str(ROOT))
    from newsroles.evaluation import expected_calibration_error
    from newsroles.models import load_model
    from newsroles.models.base import (
        fit_temperature,
        fit_top_label_isotonic,
        remap_top_label,
        temper,
    )
    from newsroles.pipeline.run import stage_entries
    from newsroles.pipeline.stage import Inputs
    from newsroles.pipeline.tables import sentence_table
    from newsroles.project import compose

    cfg = compose([*overrides, "train.calibration=none"])
    entries = stage_entries(cfg, "train")
    table = sentence_table(Inputs(cfg, entries, {}, Path(cfg.paths.cache), ""), with_parse=True)
    model = load_model(entries["train"] / "model")
    labels = list(model.labels)

    def scored(split):
        rows = table[(table["split"] == split) & table["gold_label"].notna()].reset_index(drop=True)
        return model.predict_proba(rows), rows["gold_label"].tolist(), rows["doc_id"].to_numpy()

    dev_p, dev_y, dev_docs = scored("dev")
    test_p, test_y, _ = scored("test")

    def fitted(method, p, y):
        if method == "none":
            return lambda q: q
        t = fit_temperature(p, y, labels)
        if method == "temperature":
            return lambda q: temper(q, t)
        xs, ys = fit_top_label_isotonic(temper(p, t), y, labels)
        return lambda q: remap_top_label(temper(q, t), xs, ys)

    docs = np.array(sorted(set(dev_docs)))
    rng = np.random.default_rng(0)
    fold_of = dict(zip(rng.permutation(docs), np.arange(len(docs)) % 5))
    folds = np.array([fold_of[d] for d in dev_docs])
    y = np.array(dev_y, dtype=object)
    print(f"{model.name}: {len(dev_y)} dev sentences ({len(docs)} articles, 5 folds), "
          f"{len(test_y)} test sentences")
    print("method       dev ECE (5-fold CV)   test ECE (fitted on all dev)")
    for method in ("none", "temperature", "isotonic"):
        held = np.zeros_like(dev_p)
        for k in range(5):
            out = folds == k
            held[out] = fitted(method, dev_p[~out], list(y[~out]))(dev_p[out])
        assert (held.argmax(1) == dev_p.argmax(1)).all()
        cv = expected_calibration_error(held, dev_y, labels)["ece"]
        test = expected_calibration_error(fitted(method, dev_p, dev_y)(test_p), test_y,
                                          labels)["ece"]
        print(f"{method:12} {cv:.3f}                 {test:.3f}")


if __name__ == "__main__":
    main(sys.argv[1:])
