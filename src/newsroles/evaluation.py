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
        "confusion_matrix": {"labels": labels, "rows_gold_cols_pred": cm.astype(int).tolist()},
    }


def plot_confusion(
    matrix: list[list[int]], path: str | Path, title: str = "", labels=LABELS
) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay

    fig, ax = plt.subplots(figsize=(5.5, 5))
    ConfusionMatrixDisplay(np.asarray(matrix), display_labels=list(labels)).plot(
        ax=ax, colorbar=False, cmap="Blues", xticks_rotation=30
    )
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
