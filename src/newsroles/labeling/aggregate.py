"""Apply labeling functions and aggregate their votes into one weak label per sentence.

`background` is the spec's "none of the others" class: a sentence on which every function
abstains is `background`, and background functions add positive evidence for it. Ties are
broken in the spec's precedence order (quote > attribution > policy_statement > background),
the order in which a person applies the rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from newsroles import LABEL2ID, LABELS
from newsroles.errors import NewsrolesError
from newsroles.labeling.functions import ABSTAIN, LabelingFunction, sentence_words

N_CLASSES = len(LABELS)
BACKGROUND = LABEL2ID["background"]
AGGREGATORS = ("majority", "priority")


def apply_lfs(records: Iterable[Mapping], lfs: list[LabelingFunction]) -> np.ndarray:
    """The label matrix L: one row per sentence, one column per function, -1 = abstain.

    A function with `needs` words runs only on sentences holding one of them: an inverted
    index from word to functions finds those, so most functions are never called.
    """
    always = [j for j, lf in enumerate(lfs) if not lf.needs]
    index: dict[str, list[int]] = {}
    for j, lf in enumerate(lfs):
        for w in lf.needs:
            index.setdefault(w, []).append(j)
    keys = frozenset(index)
    rows = []
    for r in records:
        words = sentence_words(r)
        candidates = set(always)
        for w in keys.intersection(words):
            candidates.update(index[w])
        row = [ABSTAIN] * len(lfs)
        for j in candidates:
            lf = lfs[j]
            if lf.func(r):
                row[j] = lf.label
        rows.append(row)
    return np.asarray(rows, dtype=np.int8).reshape(len(rows), len(lfs))


def vote_counts(L: np.ndarray) -> np.ndarray:
    counts = np.zeros((L.shape[0], N_CLASSES), dtype=np.float64)
    for c in range(N_CLASSES):
        counts[:, c] = (L == c).sum(axis=1)
    return counts


def aggregate(L: np.ndarray, method: str = "majority") -> tuple[np.ndarray, np.ndarray]:
    """Return (label ids, class probabilities) for each row of L."""
    counts = vote_counts(L)
    if method == "majority":
        # argmax takes the first maximum: ties go to the earlier label in spec order.
        labels = counts.argmax(axis=1)
    elif method == "priority":
        has_vote = counts > 0
        labels = np.where(has_vote.any(axis=1), has_vote.argmax(axis=1), BACKGROUND)
    else:
        raise NewsrolesError(
            f"unknown aggregator {method!r} (expected one of {', '.join(AGGREGATORS)})"
        )
    abstained = counts.sum(axis=1) == 0
    labels[abstained] = BACKGROUND
    # Probabilities: smoothed vote shares, with all-abstain rows leaning to background.
    smoothed = counts + 0.25
    smoothed[abstained, BACKGROUND] += 1.0
    probs = smoothed / smoothed.sum(axis=1, keepdims=True)
    # Make the chosen label the most probable one (priority can pick a minority vote).
    probs[np.arange(len(labels)), labels] = probs.max(axis=1) + 1e-3
    probs /= probs.sum(axis=1, keepdims=True)
    return labels.astype(np.int64), probs


__all__ = ["ABSTAIN", "AGGREGATORS", "aggregate", "apply_lfs", "vote_counts"]
