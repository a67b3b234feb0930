"""Hashed word n-gram counts for a batch of texts, several times quicker than
scikit-learn's HashingVectorizer at tagging time.

HashingVectorizer runs its analyzer once per text in Python: a regular-expression call,
then every bigram built as a string and hashed. Here the whole batch is one string, cut
into tokens by one call of the same regular expression; each distinct token is hashed
once per process (BLAKE2b cut to 32 bits, from hashlib: stable across processes and
machines, unlike hash()) and kept in a dictionary; the n-grams are
combined from their tokens' hashes with integer arithmetic in numpy, so no n-gram string
is ever built. The columns therefore differ from HashingVectorizer's (a model's weights
are tied to the hasher it was trained with: see LinearModel.word_hasher).
"""

from __future__ import annotations

import hashlib
import re

import numpy as np
import scipy.sparse as sp

# Ends each text in the joined batch; a control character no token pattern matches
# (texts holding it have it replaced by a space first).
_END = "\x1f"
_MAX_CACHED_TOKENS = 1 << 20  # then the cache starts again: memory stays bounded


class _TokenHashes(dict):
    """token -> unsigned 32-bit hash, computed on first sight."""

    def __missing__(self, token: str) -> int:
        if len(self) >= _MAX_CACHED_TOKENS:
            self.clear()
            self[_END] = -1
        digest = hashlib.blake2b(token.encode("utf-8", "surrogatepass"), digest_size=4).digest()
        value = self[token] = int.from_bytes(digest, "little")
        return value


_ITEM_HASHES = _TokenHashes()


def token_hash(token: str) -> int:
    """The stable unsigned 32-bit hash of a string (the same in every process)."""
    return _ITEM_HASHES[token]


def _mix(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """A 32-bit hash of an ordered pair of 32-bit hashes (boost::hash_combine style,
    with a multiply-xorshift finaliser), element-wise."""
    h = left ^ (right + np.uint64(0x9E3779B9) + (left << np.uint64(6)) + (left >> np.uint64(2)))
    h &= np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & np.uint64(0xFFFFFFFF)
    h ^= h >> np.uint64(13)
    return h


class WordNgramHasher:
    """Counts of hashed word n-grams: transform(texts) -> CSR of shape (len(texts),
    n_features). Tokens are the matches of token_pattern in the (lower-cased) text; an
    n-gram is n consecutive tokens of one text."""

    def __init__(self, token_pattern: str, ngram_range=(1, 2), lowercase: bool = True,
                 n_features: int = 2**16):
        self.token_pattern = token_pattern
        self.ngram_range = tuple(ngram_range)
        self.lowercase = lowercase
        self.n_features = int(n_features)
        # Global flags such as "(?u)" must stay at the front of the combined pattern.
        flags = re.match(r"(?:\(\?[aiLmsux]+\))*", token_pattern).group(0)
        self._regex = re.compile(f"{flags}(?:{token_pattern[len(flags):]})|{_END}")
        if self._regex.groups:
            raise ValueError("token_pattern: use non-capturing groups (?:...)")
        self._hashes = _TokenHashes({_END: -1})

    def transform(self, texts) -> sp.csr_matrix:
        texts = [t.replace(_END, " ") if _END in t else t for t in texts]
        joined = _END.join(texts) + _END
        if self.lowercase:
            joined = joined.lower()
        tokens = self._regex.findall(joined)
        codes = np.fromiter(map(self._hashes.__getitem__, tokens), dtype=np.int64,
                            count=len(tokens))
        is_end = codes < 0
        row = np.cumsum(is_end) - is_end  # the text each token belongs to
        hashes = codes.astype(np.uint64)
        lo, hi = self.ngram_range
        rows, cols = [], []
        gram = hashes
        valid = ~is_end
        for n in range(1, hi + 1):
            if n > 1:
                # n-gram at i: the (n-1)-gram at i extended by token i+n-1, inside one text
                gram = _mix(gram[:-1], hashes[n - 1:])
                valid = valid[:-1] & ~is_end[n - 1:]
            if n >= lo:
                rows.append(row[: len(valid)][valid])
                cols.append((gram[valid] % np.uint64(self.n_features)).astype(np.int64))
        rows = np.concatenate(rows) if rows else np.zeros(0, np.int64)
        cols = np.concatenate(cols) if cols else np.zeros(0, np.int64)
        counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)),
                               shape=(len(texts), self.n_features))
        counts.sum_duplicates()
        return counts
