"""The word n-gram hasher used by the linear model at tagging time."""

from __future__ import annotations

import hashlib
import json
import re

import numpy as np
import pytest

from newsroles.config import LinearModelConfig
from newsroles.models.hashing import WordNgramHasher

WORDS_AND_MARKS = LinearModelConfig().token_pattern

TEXTS = [
    "“We will not stop,” the minister said on Monday.",
    "",
    "   ",
    "One\x1ftwo three",  # the hasher's own separator inside a text
    "Prices rose 3.5% in Zürich — the highest since 2008.",
    "said said said",
]


def _ngrams(text: str, lo: int, hi: int) -> list[tuple[str, ...]]:
    tokens = re.findall(WORDS_AND_MARKS, text.lower().replace("\x1f", " "))
    return [tuple(tokens[i:i + n]) for n in range(lo, hi + 1)
            for i in range(len(tokens) - n + 1)]


@pytest.mark.parametrize("ngram_range", [(1, 1), (1, 2), (2, 3)])
def test_counts_every_ngram_of_each_text_once(ngram_range):
    hasher = WordNgramHasher(WORDS_AND_MARKS, ngram_range, n_features=2**20)
    counts = hasher.transform(TEXTS)
    assert counts.shape == (len(TEXTS), 2**20)
    for row, text in enumerate(TEXTS):
        grams = _ngrams(text, *ngram_range)
        assert counts[row].sum() == len(grams)
        # With 2**20 columns these few n-grams do not collide: one column per distinct one.
        assert counts[row].nnz == len(set(grams))
    if ngram_range[0] == 1:  # a repeated word counts three times in one column
        assert counts[5].max() == 3


def test_columns_are_stable_across_instances_and_batches():
    """No per-process salt (as with hash()): a model's weights keep their meaning."""
    a = WordNgramHasher(WORDS_AND_MARKS).transform(TEXTS)
    b = WordNgramHasher(WORDS_AND_MARKS)
    parts = [b.transform(TEXTS[:2]), b.transform(TEXTS[2:])]
    assert (a[:2] != parts[0]).nnz == 0 and (a[2:] != parts[1]).nnz == 0
    said = int.from_bytes(hashlib.blake2b(b"said", digest_size=4).digest(), "little") % 2**16
    assert a[5, said] == 3


def test_capturing_groups_are_refused():
    with pytest.raises(ValueError, match="non-capturing"):
        WordNgramHasher(r"(\w+)")


def test_models_saved_before_word_hasher_keep_sklearn_columns(tmp_path):
    """A model.json without word_hasher was trained on HashingVectorizer's columns."""
    import pandas as pd

    from newsroles.models.linear import LinearModel

    X = pd.DataFrame({"doc_id": ["d"] * 4, "sent_idx": range(4),
                      "text": ["“Yes,” he said.", "Rain fell.", "The law passed.", "She said so."],
                      "prev_text": [""] * 4, "next_text": [""] * 4,
                      "quote_open_start": [False] * 4, "quote_open_end": [False] * 4,
                      "has_quote_marks": [True, False, False, False]})
    y = ["quote", "background", "policy_statement", "attribution"]
    old = LinearModel(word_hasher="sklearn", lf_votes_weight=0).fit(X, y)
    old.save(tmp_path / "m")
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    del meta["params"]["word_hasher"]
    loaded = LinearModel._load(tmp_path / "m", meta)
    assert loaded.word_hasher == "sklearn"
    assert np.allclose(loaded.predict_proba(X), old.predict_proba(X))
    assert LinearModel().word_hasher == "numpy"
