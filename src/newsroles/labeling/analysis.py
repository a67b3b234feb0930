"""The per-function summary table: polarity, coverage, overlaps, conflicts, accuracy."""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsroles import LABELS
from newsroles.labeling.functions import LabelingFunction


def lf_summary(
    L: np.ndarray, lfs: list[LabelingFunction], gold: np.ndarray,
    to_gold: np.ndarray | None = None, weights: np.ndarray | None = None,
) -> pd.DataFrame:
    """One row per labeling function.

    coverage/overlaps/conflicts are fractions of all sentences; `gold` holds a label id for
    gold-dev sentences and -1 elsewhere, and accuracy is measured on the gold sentences the
    function voted on. `to_gold` maps our label ids to the gold's where the gold uses
    another label set (e.g. PolNeAR's three). `weights`: the label model's learned weight
    per function (its estimated accuracy), when the label model aggregated.
    """
    voted = L >= 0
    n_voting = voted.sum(axis=1)
    rows = []
    for j, lf in enumerate(lfs):
        col = L[:, j]
        mine = voted[:, j]
        others_vote = n_voting - mine > 0
        conflict = np.zeros(len(col), dtype=bool)
        for k in range(L.shape[1]):
            if k != j:
                conflict |= mine & voted[:, k] & (L[:, k] != col)
        on_gold = mine & (gold >= 0)
        voted_as = col[on_gold] if to_gold is None else to_gold[col[on_gold]]
        correct = int((voted_as == gold[on_gold]).sum())
        rows.append(
            {
                "function": lf.name,
                "group": lf.group,
                "polarity": LABELS[lf.label],
                "coverage": float(mine.mean()) if len(col) else 0.0,
                "overlaps": float((mine & others_vote).mean()) if len(col) else 0.0,
                "conflicts": float(conflict.mean()) if len(col) else 0.0,
                "gold_dev_votes": int(on_gold.sum()),
                "correct": correct,
                "accuracy": correct / on_gold.sum() if on_gold.sum() else float("nan"),
                "learned_weight": float(weights[j]) if weights is not None else float("nan"),
                "uses_parse": lf.uses_parse,
            }
        )
    return pd.DataFrame(rows)


def coverage_of_set(L: np.ndarray) -> float:
    return float((L >= 0).any(axis=1).mean()) if len(L) else 0.0
