"""TF-IDF word n-grams (and optionally character n-grams) + logistic regression, with the
neighbouring sentences and the quotation state as features.

Features of a sentence: its own hashed word n-grams, TF-IDF weighted; the word unigrams of
the previous and next sentence (down-weighted); and the quotation-state flags from the
prepare stage. Hashing keeps the saved model small and quick to load (no vocabulary to
store), and each distinct text is vectorised once per call, so a sentence that is also its
neighbour's context costs nothing extra. Character n-grams read misspellings and word
shapes but cost about five times as much per sentence: off by default, on with
`model.use_char=true`.

Saved state is plain arrays (IDF weights, coefficients, intercepts, class names) in an
`.npz` file read with `allow_pickle=False`, so loading never executes code; prediction is
the same arithmetic as scikit-learn's (sublinear TF-IDF, L2 row norm, softmax of the
linear scores) without importing its estimators, which keeps `newsroles tag` quick to start.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from newsroles.errors import NewsrolesError
from newsroles.models.base import Model, softmax_rows, training_labels

WEIGHTS_FILE = "weights.npz"
# What a model folder saved before an option existed was trained with.
LEGACY_PARAMS = {"word_hasher": "sklearn", "lf_parse": False}

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


def lf_feature_names(use_parse: bool) -> list[str]:
    from newsroles.labeling.functions import get_functions

    return [lf.name for lf in get_functions(parse=use_parse)]


def _lf_vote_features(X, names: list[str]) -> sp.csr_matrix:
    """One column per labeling function (those named, in order): 1 where it voted. The
    model learns how far to trust each rule from the gold sentences, instead of only
    copying their weak labels. Functions that read the parse make spaCy parse every
    sentence, at fit and at tagging time (a few hundred sentences/s)."""
    from newsroles.labeling.aggregate import table_votes

    return sp.csr_matrix((table_votes(X, names) >= 0).astype(np.float64))


def _with_parse(X):
    """X with the parse column (parsing now, with spaCy, where it is missing)."""
    from newsroles.schema import PARSE_COLUMN

    if PARSE_COLUMN in X:
        return X
    from newsroles.labeling.parse import parse_texts

    return X.assign(**{PARSE_COLUMN: parse_texts(X["text"].tolist())})


def parse_items(parse: dict) -> list[str]:
    """What the main clause says, as feature names: its verbs' lemmas, their subjects'
    words and whether the subject is a proper noun, objects, complements, prepositions,
    negation and voice, verb × object and verb × complement pairs, and reporting verbs of
    subordinate clauses."""
    items = []
    for c in parse.get("main", []):
        lemma = c["lemma"]
        items += [f"root={lemma}", f"root|obj={lemma}|{c['obj']}",
                  f"root|propn={lemma}|{c['subj_propn']}", f"obj={c['obj']}",
                  f"comp={c['comp_dep']}:{c['comp']}", f"root|comp={lemma}|{c['comp_dep']}",
                  f"addon={c['addon']}"]
        items += [f"subj_w={w}" for w in c["subj"].split()]
        items += [f"prep={p}" for p in c["preps"]]
        if c["neg"]:
            items.append("neg")
        if c["passive"]:
            items.append(f"passive|{lemma}")
    items += [f"sub_report={w}" for w in parse.get("sub_reports", [])]
    return items or ["no_main_clause"]


def _parse_features(X, n_features: int) -> sp.csr_matrix:
    """The parse items of each sentence, hashed (the word hasher's stable hash) into
    n_features binary columns."""
    from newsroles.models.hashing import token_hash
    from newsroles.schema import PARSE_COLUMN

    indices, indptr = [], [0]
    for parse in X[PARSE_COLUMN]:
        cols = sorted({token_hash(item) % n_features for item in parse_items(parse or {})})
        indices += cols
        indptr.append(len(indices))
    data = np.ones(len(indices))
    return sp.csr_matrix((data, np.asarray(indices, dtype=np.int64), indptr),
                         shape=(len(X), n_features))


class LinearModel(Model):
    name = "linear"

    # The functions whose votes are features, fixed at fit time (and saved), so a model
    # keeps its columns when functions are added later.
    fitted_params = ("lf_names",)

    def _setup(self) -> None:
        self.word_ngram_range = tuple(self.word_ngram_range)
        self.char_ngram_range = tuple(self.char_ngram_range)
        self._est: dict | None = None
        self._word_hasher = None
        self._coef_t = None

    def _hashers(self):
        common = {"alternate_sign": False, "norm": None, "dtype": np.float64}
        if self._word_hasher is None:
            if self.word_hasher == "numpy":
                from newsroles.models.hashing import WordNgramHasher

                # Kept on the model: its token-hash cache serves every later batch.
                self._word_hasher = WordNgramHasher(self.token_pattern, self.word_ngram_range,
                                                    self.lowercase, self.n_features)
            else:
                from sklearn.feature_extraction.text import HashingVectorizer

                self._word_hasher = HashingVectorizer(
                    ngram_range=self.word_ngram_range, token_pattern=self.token_pattern,
                    lowercase=self.lowercase, n_features=self.n_features, **common)
        hashers = {"word": self._word_hasher}
        if self.use_char:
            from sklearn.feature_extraction.text import HashingVectorizer

            hashers["char"] = HashingVectorizer(analyzer="char_wb",
                                                ngram_range=self.char_ngram_range,
                                                n_features=self.n_features, lowercase=False,
                                                **common)
        return hashers

    # --- features -------------------------------------------------------------------------
    def _fold(self, counts: sp.csr_matrix) -> sp.csr_matrix:
        """Fold word-hash columns into the smaller context space (column mod size)."""
        folded = sp.csr_matrix(
            (counts.data, counts.indices % self.context_n_features, counts.indptr),
            shape=(counts.shape[0], self.context_n_features),
        )
        folded.sum_duplicates()
        return folded

    def _neighbour(self, X, words: sp.csr_matrix, hasher, step: int) -> sp.csr_matrix:
        """Word counts of each row's previous (step=-1) or next (step=+1) sentence: the
        neighbour's own row when it is in the table, else its text hashed afresh."""
        n = len(X)
        doc = X["doc_id"].to_numpy()
        idx = X["sent_idx"].to_numpy()
        j = np.arange(n) + step
        inside = (j >= 0) & (j < n)
        jc = np.clip(j, 0, n - 1)
        adjacent = inside & (doc[jc] == doc) & (idx[jc] == idx + step)
        column = X["prev_text"] if step < 0 else X["next_text"]
        texts = column.to_numpy(dtype=object)
        missing = np.flatnonzero(~adjacent & (texts != ""))
        # Row r of the result copies row jc[r] of `words` (adjacent), or the hashed text
        # (missing), or stays empty: gathered as index arithmetic over the stored values,
        # whose cost follows the values, not the number of calls into scipy.
        data, indices = words.data, words.indices
        starts = words.indptr[jc]
        lengths = np.where(adjacent, words.indptr[jc + 1] - starts, 0)
        if len(missing):
            extra = sp.csr_matrix(hasher.transform(texts[missing]))
            starts = starts.copy()
            starts[missing] = len(data) + extra.indptr[:-1]
            lengths[missing] = np.diff(extra.indptr)
            data = np.concatenate([data, extra.data])
            indices = np.concatenate([indices, extra.indices])
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        take = np.arange(indptr[-1]) - np.repeat(indptr[:-1] - starts, lengths)
        return sp.csr_matrix((data[take], indices[take], indptr), shape=words.shape)

    def _blocks(self, X) -> dict[str, sp.csr_matrix]:
        """Raw (un-weighted) count blocks; neighbours reuse their own rows' counts."""
        hashers = self._hashers()
        texts = X["text"].tolist()
        words = hashers["word"].transform(texts)
        blocks = {"word": words}
        if self.use_char:
            blocks["char"] = hashers["char"].transform(texts)
        if self.context_weight:
            blocks["prev"] = self._fold(self._neighbour(X, words, hashers["word"], -1))
            blocks["next"] = self._fold(self._neighbour(X, words, hashers["word"], +1))
        return blocks

    def _features(self, X) -> sp.csr_matrix:
        return sp.hstack(self._feature_parts(X), format="csr")

    def _feature_parts(self, X) -> list[sp.csr_matrix]:
        """The feature blocks, weighted, in column order."""
        est = self._est
        blocks = self._blocks(X)
        parts = [_tfidf(blocks["word"], est["idf_word"])]
        if self.use_char:
            parts.append(_tfidf(blocks["char"], est["idf_char"]))
        if self.context_weight:
            parts.append(_tfidf(blocks["prev"], est["idf_context"]) * self.context_weight)
            parts.append(_tfidf(blocks["next"], est["idf_context"]) * self.context_weight)
        if self.quote_state_weight:
            parts.append(_dense_features(X) * self.quote_state_weight)
        if self.parse_weight:
            X = _with_parse(X)  # parsed once, for this block and the parse-reading votes
            parts.append(_parse_features(X, self.parse_n_features) * self.parse_weight)
        if self.lf_votes_weight:
            if self.lf_names is None:
                self.lf_names = lf_feature_names(self.lf_parse)
            parts.append(_lf_vote_features(X, self.lf_names) * self.lf_votes_weight)
        return parts

    def fit(self, X, y, sample_weight=None, labels=None) -> LinearModel:
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y)
        labels = training_labels(y, labels)
        self.labels = labels
        blocks = self._blocks(X)

        def idf(counts):
            return TfidfTransformer(sublinear_tf=True).fit(counts).idf_

        self._est = {"idf_word": idf(blocks["word"])}
        if self.use_char:
            self._est["idf_char"] = idf(blocks["char"])
        if self.context_weight:
            self._est["idf_context"] = idf(sp.vstack([blocks["prev"], blocks["next"]]))
        clf = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            solver=self.solver,
            random_state=self.seed,
        )
        clf.fit(self._features(X), y, sample_weight=sample_weight)
        # Keep the rows in self.labels order, so that scores come out in that order.
        order = [list(clf.classes_).index(label) for label in labels]
        self._est["coef"] = clf.coef_[order]
        self._coef_t = None
        self._est["intercept"] = clf.intercept_[order]
        return self

    def _predict_proba(self, X) -> np.ndarray:
        if self._est is None:
            raise NewsrolesError("model is not fitted")
        if len(X) == 0:
            return np.zeros((0, len(self.labels)))
        # Block by block against its slice of the weights: the same sum as one product
        # with the stacked features, without building the stacked matrix.
        if self._coef_t is None:  # row blocks of a contiguous copy: no copy per call
            self._coef_t = np.ascontiguousarray(self._est["coef"].T)
        coef_t = self._coef_t
        scores = np.tile(self._est["intercept"], (len(X), 1))
        start = 0
        for part in self._feature_parts(X):
            stop = start + part.shape[1]
            scores += part @ coef_t[start:stop]
            start = stop
        if start != coef_t.shape[0]:
            raise NewsrolesError("the features do not match the saved weights")
        return softmax_rows(scores)

    # --- persistence ----------------------------------------------------------------------
    def _save_weights(self, path: Path) -> list[str]:
        np.savez(path / WEIGHTS_FILE, **self._est)
        return [WEIGHTS_FILE]

    @classmethod
    def _load(cls, path: Path, meta: dict) -> LinearModel:
        # Saved before these options existed: scikit-learn's hashed columns, no parse votes.
        model = cls(**{**LEGACY_PARAMS, **meta["params"]})
        expected = {"idf_word", "coef", "intercept"}
        expected |= {"idf_char"} if model.use_char else set()
        expected |= {"idf_context"} if model.context_weight else set()
        try:
            with np.load(path / WEIGHTS_FILE, allow_pickle=False) as npz:
                est = {k: npz[k] for k in npz.files}
        except (ValueError, OSError, EOFError) as e:  # object arrays need pickle: refused
            raise NewsrolesError(f"refusing {WEIGHTS_FILE}: {e}", path) from None
        if set(est) != expected or any(a.dtype.kind != "f" for a in est.values()):
            raise NewsrolesError(f"{WEIGHTS_FILE} does not hold the expected arrays", path)
        model._check_shapes(est, len(meta["labels"]), path)
        model._est = est
        return model

    def _check_shapes(self, est: dict, n_labels: int, path: Path) -> None:
        """The saved arrays must have the shapes these settings give: an edited model.json
        or weights file is refused at load, not met halfway through a corpus."""
        if self.lf_names is not None:
            from newsroles.labeling.functions import get_functions

            if not (isinstance(self.lf_names, list)
                    and all(isinstance(n, str) for n in self.lf_names)):
                raise NewsrolesError("params.lf_names must be a list of names", path)
            get_functions(self.lf_names)  # unknown names: one line
        n_lf = len(self.lf_names if self.lf_names is not None
                   else lf_feature_names(self.lf_parse)) if self.lf_votes_weight else 0
        n_cols = (self.n_features * (2 if self.use_char else 1)
                  + (2 * self.context_n_features if self.context_weight else 0)
                  + (6 if self.quote_state_weight else 0)
                  + (self.parse_n_features if self.parse_weight else 0) + n_lf)
        want = {"idf_word": (self.n_features,), "idf_char": (self.n_features,),
                "idf_context": (self.context_n_features,), "coef": (n_labels, n_cols),
                "intercept": (n_labels,)}
        for name, array in est.items():
            if array.shape != want[name]:
                raise NewsrolesError(f"{WEIGHTS_FILE}: {name} has shape {array.shape}, but "
                                     f"model.json's settings need {want[name]}", path)


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    """scikit-learn's TfidfTransformer(sublinear_tf=True, norm="l2") with a fitted idf,
    on the stored values only (no diagonal-matrix products, whose cost grows with the
    number of columns rather than the number of values)."""
    X = sp.csr_matrix(counts, dtype=np.float64, copy=True)
    X.sum_duplicates()
    np.log(X.data, out=X.data)
    X.data += 1.0
    X.data *= idf[X.indices]
    per_row = np.diff(X.indptr)
    norms = np.sqrt(np.bincount(np.repeat(np.arange(X.shape[0]), per_row),
                                weights=X.data**2, minlength=X.shape[0]))
    norms[norms == 0] = 1.0
    X.data /= np.repeat(norms, per_row)
    return X
