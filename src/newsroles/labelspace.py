"""Label sets other than our four, and folding our labels into them.

A model predicts over its own label set (saved with it as label2id/id2label). A dataset
declares the labels its gold uses and how our four fold into them, e.g. PolNeAR's three
(`policy_statement` and `background` -> `other`). Scores fold by summing the columns that
map to the same label, so a four-class model is scored on a three-class gold set without
retraining.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from newsroles import LABELS
from newsroles.errors import NewsrolesError


def ordered_labels(present: Sequence[str]) -> tuple[str, ...]:
    """Our labels in their usual order, then any others sorted."""
    present = set(present)
    return tuple(label for label in LABELS if label in present) + tuple(
        sorted(present - set(LABELS))
    )


def fold_index(src: Sequence[str], dst: Sequence[str], fold: Mapping[str, str]) -> np.ndarray:
    """For each label of `src`, the index in `dst` it folds to (identity where unmapped)."""
    dst_index = {label: i for i, label in enumerate(dst)}
    out = []
    for label in src:
        target = fold.get(label, label)
        if target not in dst_index:
            raise NewsrolesError(
                f"model label {label!r} has no counterpart among the data's labels "
                f"{list(dst)} (add it to data.fold)"
            )
        out.append(dst_index[target])
    return np.asarray(out, dtype=int)


def fold_proba(proba: np.ndarray, src: Sequence[str], dst: Sequence[str],
               fold: Mapping[str, str]) -> np.ndarray:
    """Sum score columns of `src` labels into columns of `dst` labels."""
    if tuple(src) == tuple(dst):
        return proba
    index = fold_index(src, dst, fold)
    out = np.zeros((proba.shape[0], len(dst)), dtype=proba.dtype)
    for j, target in enumerate(index):
        out[:, target] += proba[:, j]
    return out


def fold_labels(labels: Sequence[str], dst: Sequence[str], fold: Mapping[str, str]) -> list[str]:
    index = fold_index(list(dict.fromkeys(labels)), dst, fold)
    mapping = dict(zip(dict.fromkeys(labels), (dst[i] for i in index), strict=True))
    return [mapping[label] for label in labels]
