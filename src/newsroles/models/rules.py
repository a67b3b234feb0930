"""The labeling functions as a classifier: apply them and aggregate the votes."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsroles.labeling.aggregate import aggregate, apply_lfs
from newsroles.labeling.functions import get_functions
from newsroles.models.base import Model


class RulesModel(Model):
    name = "rules"

    def __init__(self, functions=("all",), aggregator: str = "majority", seed: int = 0):
        self.functions = list(functions)
        self.aggregator = aggregator
        self.seed = seed
        self._lfs = get_functions(self.functions)

    @property
    def params(self):
        return {"functions": self.functions, "aggregator": self.aggregator}

    def fit(self, X, y=None, sample_weight=None, labels=None) -> RulesModel:
        return self  # nothing to learn: the rules are written, not trained

    def predict_proba(self, X) -> np.ndarray:
        L = apply_lfs(X.to_dict("records"), self._lfs)
        return aggregate(L, self.aggregator)[1]

    def _save_weights(self, path: Path) -> list[str]:
        return []

    @classmethod
    def _load(cls, path: Path, meta: dict) -> RulesModel:
        return cls(**meta["params"])
