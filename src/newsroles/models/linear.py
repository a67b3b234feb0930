"""TF-IDF word and character n-grams + logistic regression, with context and quote state.

Features of a sentence: its own word and character n-grams; the word n-grams of the
previous and next sentence (down-weighted); and the quotation-state flags from the prepare
stage. Context rows are built once per table, so a sentence's neighbours cost no extra
vectorising. Weights are saved with skops, which does not execute code on load; only the
types listed in TRUSTED_TYPES are accepted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from newsroles.errors import NewsrolesError
from newsroles.models.base import Model

WEIGHTS_FILE = "estimator.skops"
# Everything the saved estimators are made of; anything else in a file is refused.
TRUSTED_TYPES = [
    "builtins.dict",
    "builtins.list",
    "builtins.str",
    "builtins.tuple",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
]

_OPEN_QUOTE = re.compile(r"^\s*[“\"«‘]")


def _dense_features(X) -> sp.csr_matrix:
    """Quotation-state flags: open at start, open at end, any marks, opens with a mark."""
    cols = [
        X["quote_open_start"].to_numpy(dtype=float),
        X["quote_open_end"].to_numpy(dtype=float),
        X["has_quote_marks"].to_numpy(dtype=float),
        X["text"].str.match(_OPEN_QUOTE).to_numpy(dtype=float),
    ]
    return sp.csr_matrix(np.column_stack(cols))


class LinearModel(Model):
    name = "linear"

    def __init__(
        self,
        word_ngram_range=(1, 2),
        char_ngram_range=(2, 5),
        min_df: int = 2,
        max_features: int | None = 200_000,
        use_char: bool = True,
        context_weight: float = 0.5,
        quote_state_weight: float = 1.0,
        C: float = 5.0,
        class_weight: str | None = "balanced",
        max_iter: int = 2000,
        seed: int = 0,
    ):
        self.word_ngram_range = tuple(word_ngram_range)
        self.char_ngram_range = tuple(char_ngram_range)
        self.min_df = min_df
        self.max_features = max_features
        self.use_char = use_char
        self.context_weight = context_weight
        self.quote_state_weight = quote_state_weight
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.seed = seed
        self._est: dict | None = None

    @property
    def params(self):
        return {
            "word_ngram_range": list(self.word_ngram_range),
            "char_ngram_range": list(self.char_ngram_range),
            "min_df": self.min_df,
            "max_features": self.max_features,
            "use_char": self.use_char,
            "context_weight": self.context_weight,
            "quote_state_weight": self.quote_state_weight,
            "C": self.C,
            "class_weight": self.class_weight,
            "max_iter": self.max_iter,
        }

    # --- features -------------------------------------------------------------------------
    def _features(self, X) -> sp.csr_matrix:
        est = self._est
        word = est["word"]
        blocks = [word.transform(X["text"])]
        if self.use_char:
            blocks.append(est["char"].transform(X["text"]))
        if self.context_weight:
            blocks.append(word.transform(X["prev_text"]) * self.context_weight)
            blocks.append(word.transform(X["next_text"]) * self.context_weight)
        if self.quote_state_weight:
            blocks.append(_dense_features(X) * self.quote_state_weight)
        return sp.hstack(blocks, format="csr")

    def fit(self, X, y, sample_weight=None) -> LinearModel:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        from newsroles import LABELS

        y = np.asarray(y)
        missing = sorted(set(LABELS) - set(y))
        if missing:
            raise NewsrolesError(
                f"training data has no example of {', '.join(missing)}: cannot fit 4 classes"
            )
        word = TfidfVectorizer(
            ngram_range=self.word_ngram_range,
            min_df=self.min_df,
            max_features=self.max_features,
            sublinear_tf=True,
            lowercase=True,
            dtype=np.float64,
        )
        self._est = {"word": word}
        # Context rows come from every sentence of the table, so fit the vocabulary on all.
        word.fit(X["text"])
        if self.use_char:
            char = TfidfVectorizer(
                analyzer="char_wb",
                ngram_range=self.char_ngram_range,
                min_df=self.min_df,
                max_features=self.max_features,
                sublinear_tf=True,
                lowercase=False,
                dtype=np.float64,
            )
            char.fit(X["text"])
            self._est["char"] = char
        clf = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.seed,
        )
        clf.fit(self._features(X), y, sample_weight=sample_weight)
        self._est["clf"] = clf
        return self

    def predict_proba(self, X) -> np.ndarray:
        from newsroles import LABELS

        if self._est is None:
            raise NewsrolesError("model is not fitted")
        if len(X) == 0:
            return np.zeros((0, len(LABELS)))
        clf = self._est["clf"]
        proba = clf.predict_proba(self._features(X))
        # Reorder the estimator's class columns into LABELS order.
        order = [list(clf.classes_).index(label) for label in LABELS]
        return proba[:, order]

    # --- persistence ----------------------------------------------------------------------
    def _save_weights(self, path: Path) -> list[str]:
        import skops.io as sio

        sio.dump(self._est, path / WEIGHTS_FILE)
        return [WEIGHTS_FILE]

    @classmethod
    def _load(cls, path: Path, meta: dict) -> LinearModel:
        import skops.io as sio

        weights = path / WEIGHTS_FILE
        try:
            untrusted = sio.get_untrusted_types(file=weights)
        except Exception as e:  # skops raises various errors on a damaged archive
            raise NewsrolesError(f"cannot read {WEIGHTS_FILE}: {e}", path) from None
        refused = sorted(set(untrusted) - set(TRUSTED_TYPES))
        if refused:
            raise NewsrolesError(
                f"refusing {WEIGHTS_FILE}: it contains untrusted types {', '.join(refused)}", path
            )
        model = cls(**meta["params"])
        model._est = sio.load(weights, trusted=untrusted)
        return model
