"""Runs side by side: per-class tables, paired bootstrap on the same sentences, and the
errors of one run with their context."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from newsroles.runs.read import load_metrics, load_predictions


def run_names(paths: list[str | Path]) -> list[str]:
    """Runs' column names: the directory's name, with its parent's where two share one (a
    sweep's job names, 0_linear ..., repeat in every sweep)."""
    names = [Path(p).name for p in paths]
    return [f"{Path(p).parent.name}/{n}" if names.count(n) > 1 else n
            for p, n in zip(paths, names)]


def per_class_table(paths: list[str | Path]):
    """Per-class precision/recall/F1 of several runs side by side (rows: class, metric)."""
    import pandas as pd

    cols = {}
    for p, name in zip(paths, run_names(paths)):
        m = load_metrics(p)
        for label, scores in m["per_class"].items():
            for metric in ("precision", "recall", "f1"):
                cols.setdefault(name, {})[(label, metric)] = scores[metric]
        cols[name][("macro", "f1")] = m["macro_f1"]
        cols[name][("accuracy", "")] = m["accuracy"]
    return pd.DataFrame(cols)


METRICS = ("precision", "recall", "f1")
# Each score beside its interval, then the support.
_COLUMNS = [c for m in METRICS for c in (m, f"{m}_lo", f"{m}_hi")] + ["support"]


def _class_scores(gold, pred, n_classes: int, axis=-1):
    """Precision, recall and F1 of each class from integer codes, over the last axis (so
    scipy can score all bootstrap resamples at once): rows metric-major, classes within.
    A score with nothing to divide (a class neither in gold nor predicted) is NaN."""
    rows = {m: [] for m in METRICS}
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in range(n_classes):
            tp = ((gold == c) & (pred == c)).sum(axis)
            predicted, true = (pred == c).sum(axis), (gold == c).sum(axis)
            rows["precision"].append(np.where(predicted > 0, tp / predicted, np.nan))
            rows["recall"].append(np.where(true > 0, tp / true, np.nan))
            rows["f1"].append(np.where(predicted + true > 0, 2 * tp / (predicted + true),
                                       np.nan))
    return np.stack([v for m in METRICS for v in rows[m]])


def class_scores(path: str | Path):
    """One run's precision, recall, F1 and support per class (rows), each score with a
    percentile bootstrap interval over the scored sentences (`<metric>_lo`, `_hi`), drawn
    as the run drew macro-F1's (its resamples and confidence, seed 0). metrics.json carries
    no per-class intervals, so they come from predictions.jsonl (NaN without it). A
    resample in which a score is undefined (no sentence of the class, none predicted as
    it) leaves that score out rather than counting it 0."""
    import pandas as pd
    from scipy.stats import DegenerateDataWarning, bootstrap

    metrics = load_metrics(path)
    labels = list(metrics["per_class"])
    table = pd.DataFrame(metrics["per_class"]).T[[*METRICS, "support"]]
    table["support"] = table["support"].astype(int)
    for m in METRICS:
        table[f"{m}_lo"] = table[f"{m}_hi"] = np.nan
    if not (Path(path) / "predictions.jsonl").exists():
        return table[_COLUMNS]
    preds = load_predictions(path)
    code = {label: i for i, label in enumerate(labels)}
    gold = preds["gold"].map(code).fillna(-1).to_numpy(int)
    pred = preds["pred"].map(code).fillna(-1).to_numpy(int)
    if len(gold) < 2:
        return table[_COLUMNS]
    k = len(labels)
    alpha = (1 - float(metrics.get("ci_confidence") or 0.95)) / 2
    with warnings.catch_warnings():
        # Undefined scores are NaN: scipy's own interval warns of them, and a score never
        # defined gets a NaN interval; the quantiles here skip them.
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DegenerateDataWarning)
        resampled = bootstrap(  # scipy draws the paired resamples
            (gold, pred), lambda g, p, axis=-1: _class_scores(g, p, k, axis), paired=True,
            vectorized=True, method="percentile", rng=np.random.default_rng(0),
            n_resamples=int(metrics.get("bootstrap_resamples") or 1000),
        ).bootstrap_distribution
        lo, hi = np.nanquantile(resampled, [alpha, 1 - alpha], axis=-1)
    for i, m in enumerate(METRICS):
        table[f"{m}_lo"] = lo[i * k:(i + 1) * k]
        table[f"{m}_hi"] = hi[i * k:(i + 1) * k]
    return table[_COLUMNS]


def aligned_predictions(paths: list[str | Path]):
    """The runs' predictions on the same sentences, one column per run (joined on
    doc_id + sentence index); raises if the runs were scored on different sentences."""
    from newsroles.errors import NewsrolesError

    base = None
    for p, name in zip(paths, run_names(paths)):
        df = load_predictions(p).set_index(["doc_id", "sent_idx"])
        if base is None:
            base = df[["text", "gold"]].copy()
        elif len(df) != len(base) or not df.index.sort_values().equals(base.index.sort_values()):
            raise NewsrolesError(
                f"{p}: scored on other sentences than {paths[0]} (a paired comparison needs "
                "the same split of the same data)"
            )
        elif not (df.loc[base.index, "gold"] == base["gold"]).all():
            raise NewsrolesError(f"{p}: gold labels differ from {paths[0]}'s on the same sentences")
        base[name] = df.loc[base.index, "pred"]
    return base.reset_index()


def compare_runs(paths: list[str | Path], n_resamples: int = 1000, confidence: float = 0.95,
                 seed: int = 0):
    """Each run against the first on the same test sentences: macro-F1 difference with its
    paired-bootstrap interval, and whether it is larger than the interval (significant)."""
    import pandas as pd

    from newsroles.evaluation import paired_bootstrap

    preds = aligned_predictions(paths)
    labels = list(load_metrics(paths[0])["per_class"])
    base, *names = run_names(paths)
    rows = []
    for name in names:
        r = paired_bootstrap(preds["gold"], preds[name], preds[base], n_resamples,
                             confidence, seed, labels)
        rows.append({"run": name, "against": base, "diff_macro_f1": r["diff"],
                     "ci_lo": r["ci"][0], "ci_hi": r["ci"][1],
                     "significant": r["significant"], "p_sign_flip": r["p_sign_flip"],
                     "n": r["n"],
                     "disagree": int((preds[name] != preds[base]).sum())})
    return pd.DataFrame(rows)


def disagreements(path_a: str | Path, path_b: str | Path):
    """The sentences two runs label differently, with the gold label."""
    preds = aligned_predictions([path_a, path_b])
    a, b = run_names([path_a, path_b])
    return preds[preds[a] != preds[b]].reset_index(drop=True)


def errors_with_context(path: str | Path, context: int = 1):
    """A run's wrong predictions, each with the sentences around it in its article (from
    the same predictions file: every sentence of a scored article is scored)."""
    preds = load_predictions(path).sort_values(["doc_id", "sent_idx"]).reset_index(drop=True)
    text = preds.set_index(["doc_id", "sent_idx"])["text"]

    def around(row, offsets):
        return " ".join(text.get((row.doc_id, row.sent_idx + o), "") for o in offsets).strip()

    wrong = preds[~preds["correct"].astype(bool)].copy()
    wrong["before"] = [around(r, range(-context, 0)) for r in wrong.itertuples()]
    wrong["after"] = [around(r, range(1, context + 1)) for r in wrong.itertuples()]
    wrong["confidence"] = [r["scores"][r["pred"]] for _, r in wrong.iterrows()]
    cols = ["doc_id", "sent_idx", "gold", "pred", "confidence", "before", "text", "after"]
    return wrong[cols].reset_index(drop=True)


def error_pairs(path: str | Path):
    """How many sentences of each gold class went to each wrong class, most first."""
    wrong = errors_with_context(path, context=0)
    counts = wrong.groupby(["gold", "pred"]).size().rename("n").reset_index()
    return counts.sort_values("n", ascending=False).reset_index(drop=True)
