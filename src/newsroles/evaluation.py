"""Metrics on gold sentences: accuracy, per-class P/R/F1, macro-F1 with a bootstrap
interval, and the confusion matrix (JSON and PNG)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsroles import LABELS


def macro_f1(y_true, y_pred, labels=LABELS) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, labels=list(labels), average="macro", zero_division=0))


def _codes(values, labels) -> np.ndarray:
    index = {label: i for i, label in enumerate(labels)}
    return np.array([index[v] for v in values], dtype=np.int64)


def _resampled_macro_f1(t: np.ndarray, p: np.ndarray, samples: np.ndarray, k: int) -> np.ndarray:
    """Macro-F1 of each resample (rows of `samples` index the sentences); integer-coded
    confusion counts make each resample cheap."""
    scores = np.empty(len(samples))
    for b, idx in enumerate(samples):
        cm = np.bincount(t[idx] * k + p[idx], minlength=k * k).reshape(k, k)
        tp = np.diag(cm).astype(float)
        denom = cm.sum(axis=0) + cm.sum(axis=1)
        scores[b] = np.divide(2 * tp, denom, out=np.zeros(k), where=denom > 0).mean()
    return scores


def bootstrap_interval(
    y_true, y_pred, n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0,
    labels=LABELS,
) -> tuple[float, float]:
    """Percentile bootstrap of macro-F1 over sentences (resampled with replacement)."""
    n = len(y_true)
    if n == 0 or n_resamples <= 0:
        return (float("nan"), float("nan"))
    labels = list(labels)
    samples = np.random.default_rng(seed).integers(0, n, (n_resamples, n))
    scores = _resampled_macro_f1(_codes(y_true, labels), _codes(y_pred, labels), samples,
                                 len(labels))
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(scores, [alpha, 1 - alpha])
    return float(lo), float(hi)


def paired_bootstrap(
    y_true, pred_a, pred_b, n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0,
    labels=LABELS,
) -> dict:
    """Paired bootstrap of the macro-F1 difference a - b on the same sentences: both
    systems are scored on each resample, so sentence difficulty cancels out. The difference
    is `significant` when its interval excludes zero."""
    labels = list(labels)
    n, k = len(y_true), len(labels)
    t, a, b = _codes(y_true, labels), _codes(pred_a, labels), _codes(pred_b, labels)
    samples = np.random.default_rng(seed).integers(0, n, (n_resamples, n))
    diffs = _resampled_macro_f1(t, a, samples, k) - _resampled_macro_f1(t, b, samples, k)
    alpha = (1 - confidence) / 2
    lo, hi = np.quantile(diffs, [alpha, 1 - alpha])
    diff = macro_f1(y_true, pred_a, labels) - macro_f1(y_true, pred_b, labels)
    return {
        "n": n, "diff": float(diff), "ci": [float(lo), float(hi)], "confidence": confidence,
        "resamples": n_resamples, "significant": bool(lo > 0 or hi < 0),
        # Share of resamples where the sign flips: a one-sided bootstrap p-value.
        "p_sign_flip": float(np.mean(diffs <= 0) if diff > 0 else np.mean(diffs >= 0)),
    }


def compute_metrics(
    y_true, y_pred, n_resamples: int = 1000, confidence: float = 0.95, seed: int = 0,
    labels=LABELS,
) -> dict:
    from sklearn.metrics import (
        accuracy_score,
        confusion_matrix,
        precision_recall_fscore_support,
    )

    labels = list(labels)
    k = len(labels)
    p, r, f, s = precision_recall_fscore_support(
        y_true, y_pred, labels=labels, zero_division=0
    )
    lo, hi = bootstrap_interval(y_true, y_pred, n_resamples, confidence, seed, labels)
    cm = confusion_matrix(y_true, y_pred, labels=labels) if len(y_true) else np.zeros((k, k))
    return {
        "macro_f1": macro_f1(y_true, y_pred, labels) if len(y_true) else float("nan"),
        "macro_f1_ci": [lo, hi],
        "ci_confidence": confidence,
        "bootstrap_resamples": n_resamples,
        "accuracy": float(accuracy_score(y_true, y_pred)) if len(y_true) else float("nan"),
        "n": int(len(y_true)),
        "per_class": {
            label: {
                "precision": float(p[i]),
                "recall": float(r[i]),
                "f1": float(f[i]),
                "support": int(s[i]),
            }
            for i, label in enumerate(labels)
        },
        "confusion_matrix": {"labels": labels, "rows_gold_cols_pred": cm.astype(int).tolist(),
                             "row_normalised": np.round(row_normalised(cm), 4).tolist()},
    }


def row_normalised(matrix) -> np.ndarray:
    """Each gold row as shares of its sentences (recall on the diagonal); an empty row 0."""
    m = np.asarray(matrix, dtype=float)
    totals = m.sum(axis=1, keepdims=True)
    return np.divide(m, totals, out=np.zeros_like(m), where=totals > 0)


def plot_confusion(
    matrix: list[list[int]], path: str | Path, title: str = "", labels=LABELS
) -> None:
    """Counts beside the row-normalised shares: with hundreds of background sentences the
    counts alone make every other cell look empty."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.2))
    ConfusionMatrixDisplay(np.asarray(matrix), display_labels=list(labels)).plot(
        ax=left, colorbar=False, cmap="Blues", xticks_rotation=30
    )
    ConfusionMatrixDisplay(row_normalised(matrix), display_labels=list(labels)).plot(
        ax=right, colorbar=False, cmap="Blues", xticks_rotation=30, values_format=".2f",
        im_kw={"vmin": 0.0, "vmax": 1.0},
    )
    for ax, what in ((left, "sentences"), (right, "share of each gold row")):
        ax.set_xlabel("predicted")
        ax.set_ylabel("gold")
        ax.set_title(what, fontsize=10)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def expected_calibration_error(proba: np.ndarray, y_true, labels, n_bins: int = 15) -> dict:
    """Top-label expected calibration error: the sentences binned by the model's confidence
    in its prediction (equal-width bins on [0, 1]); the gap between each bin's accuracy and
    its mean confidence, weighted by the bin's share. Also the bins, for the diagram."""
    proba = np.asarray(proba, dtype=float)
    index = {label: i for i, label in enumerate(labels)}
    gold = np.array([index[g] for g in y_true])
    conf = proba.max(axis=1)
    correct = proba.argmax(axis=1) == gold
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.searchsorted(edges[1:-1], conf)  # the bins of sklearn's calibration_curve
    bins, ece = [], 0.0
    for b in range(n_bins):
        inside = which == b
        if not inside.any():
            continue
        acc, mean_conf = float(correct[inside].mean()), float(conf[inside].mean())
        ece += inside.mean() * abs(acc - mean_conf)
        bins.append({"lo": float(edges[b]), "hi": float(edges[b + 1]), "n": int(inside.sum()),
                     "accuracy": acc, "confidence": mean_conf})
    return {"ece": float(ece), "n_bins": n_bins, "bins": bins}


def plot_reliability(calibration: dict, path: str | Path, title: str = "") -> None:
    """Reliability diagram: accuracy against confidence per bin, the diagonal is perfect."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    bins = calibration["bins"]
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect")
    mids = [(b["lo"] + b["hi"]) / 2 for b in bins]
    width = 1.0 / calibration["n_bins"]
    ax.bar(mids, [b["accuracy"] for b in bins], width=width * 0.9, alpha=0.7, label="accuracy")
    for m, b in zip(mids, bins):  # how many sentences each bin holds: small bins are noisy
        ax.text(m, min(b["accuracy"], 0.93) + 0.02, str(b["n"]), ha="center", fontsize=6)
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o-", color="C1",
            markersize=3, label="mean confidence")
    ax.set_xlim(0, 1), ax.set_ylim(0, 1)
    ax.set_xlabel("confidence in the predicted label"), ax.set_ylabel("accuracy")
    ax.set_title(f"{title}, ECE {calibration['ece']:.3f}\n(sentences per bin on the bars)",
                 fontsize=9)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
