"""TF-IDF word n-grams (and optionally character n-grams) + logistic regression, with the
neighbouring sentences and the quotation state as features.

Features of a sentence: its own hashed word n-grams, TF-IDF weighted; the word unigrams of
the previous and next sentence (down-weighted); and the quotation-state flags from the
prepare stage. Hashing keeps the saved model small and quick to load (no vocabulary to
store), and each distinct text is vectorised once per call, so a sentence that is also its
neighbour's context costs nothing extra. Character n-grams read misspellings and word
shapes but cost about five times as much per sentence: off by default, on with
`model.use_char=true`. Weights are saved with skops, which does not execute code on load;
only the types listed in TRUSTED_TYPES are accepted.
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
    "sklearn.feature_extraction.text.HashingVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
]

# Words plus the marks that carry roles: quotation marks and the comma of "..., X said."
WORDS_AND_MARKS = r"(?u)\b\w+\b|[“”\"‘’«»,:;—]"
_OPEN_QUOTE = re.compile(r"^\s*[“\"«‘]")


def _dense_features(X) -> sp.csr_matrix:
    """Quotation state (open at start, open at end, any marks, opens with a mark) and the
    interview turn (question, answer)."""
    turn = X["interview_turn"] if "interview_turn" in X else None
    cols = [
        (turn == "question").to_numpy(dtype=float) if turn is not None else np.zeros(len(X)),
        (turn == "answer").to_numpy(dtype=float) if turn is not None else np.zeros(len(X)),
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
        token_pattern: str = WORDS_AND_MARKS,
        lowercase: bool = True,
        n_features: int = 2**16,
        use_char: bool = False,
        char_ngram_range=(3, 5),
        context_weight: float = 0.5,
        context_n_features: int = 2**14,
        quote_state_weight: float = 1.0,
        C: float = 1.0,
        class_weight: str | None = "balanced",
        max_iter: int = 1000,
        solver: str = "lbfgs",
        seed: int = 0,
    ):
        self.word_ngram_range = tuple(word_ngram_range)
        self.token_pattern = token_pattern
        self.lowercase = lowercase
        self.n_features = int(n_features)
        self.use_char = use_char
        self.char_ngram_range = tuple(char_ngram_range)
        self.context_weight = context_weight
        self.context_n_features = int(context_n_features)
        self.quote_state_weight = quote_state_weight
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.solver = solver
        self.seed = seed
        self._est: dict | None = None

    @property
    def params(self):
        return {
            "word_ngram_range": list(self.word_ngram_range),
            "token_pattern": self.token_pattern,
            "lowercase": self.lowercase,
            "n_features": self.n_features,
            "use_char": self.use_char,
            "char_ngram_range": list(self.char_ngram_range),
            "context_weight": self.context_weight,
            "context_n_features": self.context_n_features,
            "quote_state_weight": self.quote_state_weight,
            "C": self.C,
            "class_weight": self.class_weight,
            "max_iter": self.max_iter,
            "solver": self.solver,
        }

    def _hashers(self):
        from sklearn.feature_extraction.text import HashingVectorizer

        common = {"alternate_sign": False, "norm": None, "dtype": np.float64}
        hashers = {
            "word": HashingVectorizer(ngram_range=self.word_ngram_range,
                                      token_pattern=self.token_pattern,
                                      lowercase=self.lowercase,
                                      n_features=self.n_features, **common),
            "context": HashingVectorizer(ngram_range=(1, 1),
                                         n_features=self.context_n_features, **common),
        }
        if self.use_char:
            hashers["char"] = HashingVectorizer(analyzer="char_wb",
                                                ngram_range=self.char_ngram_range,
                                                n_features=self.n_features, lowercase=False,
                                                **common)
        return hashers

    # --- features -------------------------------------------------------------------------
    def _blocks(self, X) -> dict[str, sp.csr_matrix]:
        """Raw (un-weighted) count blocks: each distinct text is vectorised once."""
        import pandas as pd

        n = len(X)
        hashers = self._hashers()
        blocks = {"word": hashers["word"].transform(X["text"])}
        if self.use_char:
            blocks["char"] = hashers["char"].transform(X["text"])
        if self.context_weight:
            both = pd.concat([X["prev_text"], X["next_text"]], ignore_index=True)
            codes, uniques = pd.factorize(both)
            ctx = hashers["context"].transform(uniques)[codes]
            blocks["prev"], blocks["next"] = ctx[:n], ctx[n:]
        return blocks

    def _features(self, X) -> sp.csr_matrix:
        est = self._est
        blocks = self._blocks(X)
        parts = [est["tfidf_word"].transform(blocks["word"])]
        if self.use_char:
            parts.append(est["tfidf_char"].transform(blocks["char"]))
        if self.context_weight:
            parts.append(est["tfidf_context"].transform(blocks["prev"]) * self.context_weight)
            parts.append(est["tfidf_context"].transform(blocks["next"]) * self.context_weight)
        if self.quote_state_weight:
            parts.append(_dense_features(X) * self.quote_state_weight)
        return sp.hstack(parts, format="csr")

    def fit(self, X, y, sample_weight=None) -> LinearModel:
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        from newsroles import LABELS

        y = np.asarray(y)
        missing = sorted(set(LABELS) - set(y))
        if missing:
            raise NewsrolesError(
                f"training data has no example of {', '.join(missing)}: cannot fit 4 classes"
            )
        blocks = self._blocks(X)
        self._est = {"tfidf_word": TfidfTransformer(sublinear_tf=True).fit(blocks["word"])}
        if self.use_char:
            self._est["tfidf_char"] = TfidfTransformer(sublinear_tf=True).fit(blocks["char"])
        if self.context_weight:
            self._est["tfidf_context"] = TfidfTransformer(sublinear_tf=True).fit(
                sp.vstack([blocks["prev"], blocks["next"]])
            )
        clf = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            solver=self.solver,
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
