"""The labeling functions as a classifier: apply them and aggregate the votes.

With aggregator=label_model, `fit` fits the label model on the training sentences' votes
(their labels are not used: the label model learns from the functions' agreements) and the
model folder keeps its parameters as plain arrays.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.labeling.aggregate import (
    LabelModelParams,
    aggregate,
    apply_lfs,
    fit_label_model,
)
from newsroles.labeling.functions import get_functions
from newsroles.models.base import Model

PARAMS_FILE = "label_model.npz"


class RulesModel(Model):
    name = "rules"

    def _setup(self) -> None:
        self.functions = list(self.functions)
        self._lfs = get_functions(self.functions)
        self._params: LabelModelParams | None = None

    def fit(self, X, y=None, sample_weight=None, labels=None) -> RulesModel:
        if self.aggregator == "label_model":
            L = apply_lfs(X.to_dict("records"), self._lfs)
            balance = self.class_balance
            if balance == "gold_train":  # estimated from the labels it is fitted with
                from newsroles import LABELS

                y = np.asarray(y if y is not None else [], dtype=object)
                counts = np.array([(y == lab).sum() for lab in LABELS], float) + 1.0
                balance = (counts / counts.sum()).tolist()
            elif balance is not None:
                balance = [float(x) for x in balance]
            self._params = fit_label_model(L, balance, self.seed)
        return self  # otherwise nothing to learn: the rules are written, not trained

    def _predict_proba(self, X) -> np.ndarray:
        if self.aggregator == "label_model" and self._params is None:
            raise NewsrolesError("rules model with aggregator=label_model is not fitted")
        L = apply_lfs(X.to_dict("records"), self._lfs)
        return aggregate(L, self.aggregator, self._params)[1]

    def _save_weights(self, path: Path) -> list[str]:
        if self._params is None:
            return []
        np.savez(path / PARAMS_FILE, mu=self._params.mu, p=self._params.p,
                 weights=self._params.weights)
        return [PARAMS_FILE]

    @classmethod
    def _load(cls, path: Path, meta: dict) -> RulesModel:
        model = cls(**meta["params"])
        if model.aggregator == "label_model":
            try:
                with np.load(path / PARAMS_FILE, allow_pickle=False) as z:
                    model._params = LabelModelParams(z["mu"], z["p"], z["weights"])
            except (OSError, ValueError, KeyError) as e:
                raise NewsrolesError(f"refusing {PARAMS_FILE}: {e}", path) from None
        return model
