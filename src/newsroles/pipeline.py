"""Run the stages in order into one run directory, reusing cached stage outputs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from newsroles import LABELS
from newsroles.cache import StageCache, file_hash
from newsroles.crossval import FOLD_SEED, cv_splits
from newsroles.errors import NewsrolesError
from newsroles.evaluation import compute_metrics
from newsroles.gold import attach_gold
from newsroles.labeling.analysis import coverage_of_set, lf_summary
from newsroles.labeling.functions import get_functions
from newsroles.labelspace import fold_index
from newsroles.schema import read_articles, read_gold, read_splits, write_json
from newsroles.stages import StageResult, evaluate, label, prepare, train

STAGES = ("prepare", "label", "train", "evaluate")


def _gold(cfg, table):
    """Validate gold against the articles and join it to the sentence table."""
    gold_path, splits_path = cfg.data.get("gold"), cfg.data.get("splits")
    reads = {}
    if prepare.is_sentence_format(cfg):  # gold came with the sentences
        if cfg.get("fold") is not None:
            raise NewsrolesError("fold=: cross-validation needs article-level gold splits "
                                 f"(data={cfg.data.name} comes pre-split)")
        return table, reads, 0
    if not gold_path:
        table = table.assign(gold_label=None, split=None)
        return table, reads, 0
    articles = {a.id: a for a in read_articles(cfg.data.articles)}
    spans = read_gold(gold_path, articles)
    doc_split = read_splits(splits_path) if splits_path else {}
    reads["gold"] = {"path": str(gold_path), "sha256": file_hash(gold_path)}
    if splits_path:
        reads["splits"] = {"path": str(splits_path), "sha256": file_hash(splits_path)}
    if cfg.get("fold") is not None:
        doc_split = cv_splits(doc_split, int(cfg.fold), int(cfg.folds))
        reads["cv"] = {"fold": int(cfg.fold), "folds": int(cfg.folds),
                       "fold_seed": FOLD_SEED}
    table, orphans = attach_gold(table, spans, doc_split)
    return table, reads, orphans


def _write_labeling_report(run_dir: Path, cfg, table, L, weak_labels, weights=None) -> dict:
    """The per-function table and the weak labels' quality on gold dev, both in the data's
    label space (our four folded into it where the gold uses other labels)."""
    lfs = get_functions(list(cfg.labeling.functions))
    data_labels = list(cfg.data.labels)
    to_data = fold_index(LABELS, data_labels, dict(cfg.data.fold))
    dev = ((table["split"] == "dev") & table["gold_label"].notna()).to_numpy()
    data_id = {label: i for i, label in enumerate(data_labels)}
    gold_ids = np.full(len(table), -1)
    gold_ids[dev] = [data_id[g] for g in table.loc[dev, "gold_label"]]
    out = run_dir / "labeling"
    out.mkdir(exist_ok=True)
    summary = lf_summary(L, lfs, gold_ids, to_data, weights)
    summary.to_csv(out / "lf_summary.csv", index=False)
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
    write_json(out / "weak_labels.json", report)
    return report


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=False)
    else:
        shutil.copy2(src, dst)


def run_pipeline(cfg, run_dir: Path, upto: str = "evaluate") -> dict:
    """Run stages up to and including `upto`; return {stage: timing/cache info}."""
    cache = StageCache(cfg.paths.cache)
    done: dict[str, StageResult] = {}
    record = {}

    def note(r: StageResult):
        done[r.stage] = r
        record[r.stage] = {"seconds": round(r.seconds, 3), "cached": r.cached, "key": r.key}

    note(prepare.run(cfg, cache))
    _copy(done["prepare"].path / "stats.json", run_dir / "sentences_stats.json")
    fingerprints = {"prepare": done["prepare"].reads}
    if upto != "prepare":
        table = prepare.load_sentences(done["prepare"])
        table, gold_reads, orphans = _gold(cfg, table)
        fingerprints["gold"] = {**gold_reads, "orphaned_spans": orphans}
        note(label.run(cfg, cache, done["prepare"], table))
        # The parse (cached) travels with the table, so models whose features read it
        # (the linear model's labeling-function votes, the rules model) do not parse again.
        table = table.assign(_parse=label.parses_for(cache, done["prepare"], table))
        L, weak_labels, _ = label.load_votes(done["label"])
        params = label.load_label_model(done["label"])
        _write_labeling_report(run_dir, cfg, table, L, weak_labels,
                               params.weights if params is not None else None)
        saved_model = upto == "evaluate" and cfg.eval.get("model")
        if upto in ("train", "evaluate") and not saved_model:
            note(train.run(cfg, cache, done["label"], gold_reads, table, weak_labels, L))
            _copy(done["train"].path / "model", run_dir / "model")
            _copy(done["train"].path / "training.json", run_dir / "training.json")
        if upto == "evaluate":
            # eval.model: score a saved model (e.g. one trained on Wikinews, on PolNeAR).
            note(evaluate.run(cfg, cache, done.get("train"), table, gold_reads))
            for name in ("metrics.json", "confusion_matrix.json", "confusion_matrix.png",
                         "predictions.jsonl"):
                _copy(done["evaluate"].path / name, run_dir / name)
    fingerprints["stage_keys"] = {k: v["key"] for k, v in record.items()}
    write_json(run_dir / "fingerprints.json", fingerprints)
    write_json(run_dir / "timings.json", record)
    return record


def resolved_config_yaml(cfg) -> str:
    return OmegaConf.to_yaml(cfg, resolve=True)


def summary_line(run_dir: Path) -> str | None:
    metrics = run_dir / "metrics.json"
    if not metrics.exists():
        return None
    m = json.loads(metrics.read_text())
    lo, hi = m["macro_f1_ci"]
    split = m["split"]
    if "cv" in m:
        split = f"cross-validation fold {m['cv']['fold']} of {m['cv']['folds']}"
    return (
        f"{m['model']} on {m.get('data', 'gold')} {split}: macro-F1 {m['macro_f1']:.3f} "
        f"[{lo:.3f}, {hi:.3f}], accuracy {m['accuracy']:.3f}, n={m['n']}"
    )
