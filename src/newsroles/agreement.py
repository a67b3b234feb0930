"""Inter-annotator agreement between two span-keyed annotation files."""

from __future__ import annotations

from pathlib import Path

from newsroles import LABELS
from newsroles.io import iter_jsonl


def _labels(path: str | Path) -> dict[tuple[str, int, int], str]:
    return {(o["doc_id"], o["start"], o["end"]): o["label"] for _, o in iter_jsonl(path)}


def agreement(path_a: str | Path, path_b: str | Path) -> dict:
    """Cohen's kappa overall and per class (one class against the rest), observed
    agreement, and the confusion table (rows: annotator A, columns: annotator B), over the
    sentences both files label."""
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    a, b = _labels(path_a), _labels(path_b)
    shared = sorted(set(a) & set(b))
    ya, yb = [a[k] for k in shared], [b[k] for k in shared]
    per_class = {}
    for label in LABELS:
        ba, bb = [y == label for y in ya], [y == label for y in yb]
        per_class[label] = float(cohen_kappa_score(ba, bb)) if any(ba) or any(bb) else float("nan")
    return {
        "n": len(shared),
        "articles": len({k[0] for k in shared}),
        "observed_agreement": sum(x == y for x, y in zip(ya, yb)) / len(shared) if shared else 0.0,
        "kappa": float(cohen_kappa_score(ya, yb)) if shared else float("nan"),
        "kappa_per_class": per_class,
        "confusion": {
            "labels": list(LABELS),
            "rows_a_cols_b": confusion_matrix(ya, yb, labels=list(LABELS)).tolist(),
        },
    }
