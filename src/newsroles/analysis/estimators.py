"""The three estimators of a label's share of sentences in a group, each with an interval.

- count: the model's labels counted; a bootstrap over the group's articles. Model error is
  ignored (the interval is about which articles were sampled, not about the classifier).
- adjusted: probabilistic adjusted classify-and-count (PACC; Bella et al. 2010, QuaPy's
  PACC) or, without scores, adjusted classify-and-count (ACC). The model's confusion
  M[i, j] = E[score_i | true label j] (ACC: P(pred = i | true j)) is measured on the run's
  gold evaluation split; the corpus's mean score vector q = M p is solved for p and clipped
  to the simplex (QuaPy's `inversion` + `clip`). The interval is a percentile bootstrap
  that resamples the evaluation articles (a new M) jointly with the group's articles (a new
  q), so it carries the uncertainty of the confusion estimate too.
- ppi: prediction-powered inference for a mean (PPI++, Angelopoulos et al. 2023, power-
  tuned with one lambda for all labels, as ppi-python's `ppi_mean_ci`): the mean of the
  model's scores on the group's sentences not hand-labelled, corrected by the mean error on
  the hand-labelled random sample, with a normal interval. Vectorised over labels;
  tests/test_analyze.py checks it against ppi-python.

Hand-written rather than calling QuaPy and ppi-python at run time: the bootstrap solves
thousands of small systems at once (one batched `numpy.linalg.solve`), and importing QuaPy
takes about as much CPU (3 s, its own dependencies) as analysing a million sentences. The
tests check both against the libraries on the same data.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

# Bootstrap weights are drawn a chunk of replicates at a time: at most this many cells.
_CHUNK_CELLS = 4_000_000


def z_value(level: float) -> float:
    return float(norm.ppf(0.5 + level / 2))


def resampled_sums(rows: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """Column sums of `rows` (units x columns) over `replicates` bootstrap resamples of its
    units: (replicates x columns). Multinomial weights (each unit's count among n draws
    with replacement) times the matrix, in chunks."""
    n = len(rows)
    if n == 0:
        return np.zeros((replicates, rows.shape[1]))
    chunk = max(1, _CHUNK_CELLS // n)
    parts = []
    for begin in range(0, replicates, chunk):
        size = min(chunk, replicates - begin)
        # each replicate's draw counts per unit (multinomial weights), by one bincount
        picks = rng.integers(0, n, size=(size, n)) + (np.arange(size) * n)[:, None]
        weights = np.bincount(picks.ravel(), minlength=size * n).reshape(size, n)
        parts.append(weights.astype(float) @ rows)
    return np.concatenate(parts)


def percentile_interval(draws: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile bootstrap interval along axis 0 (replicates); NaN draws are left out."""
    tail = 100 * (1 - level) / 2
    return np.nanpercentile(draws, tail, axis=0), np.nanpercentile(draws, 100 - tail, axis=0)


# --- count --------------------------------------------------------------------------------


def count_shares(label_counts: np.ndarray) -> np.ndarray:
    """Shares from summed one-hot label counts (... x labels)."""
    total = label_counts.sum(axis=-1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return label_counts / total


# --- adjusted -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalSums:
    """The gold evaluation split as per-article sums: for each article, the score (or one-
    hot prediction) vectors summed by true label (labels x labels, [i, j] = scores of label
    i over sentences whose gold label is j) and the number of sentences of each true label."""

    scores_by_true: np.ndarray  # articles x labels x labels
    true_counts: np.ndarray  # articles x labels

    @classmethod
    def from_sentences(cls, article: np.ndarray, true: np.ndarray, scores: np.ndarray,
                       n_labels: int) -> EvalSums:
        """article: article index per sentence; true: gold label index; scores: sentences x
        labels (one-hot predictions for ACC)."""
        n_articles = int(article.max()) + 1 if len(article) else 0
        by_true = np.zeros((n_articles, n_labels, n_labels))
        np.add.at(by_true, (article, slice(None), true), scores)
        counts = np.zeros((n_articles, n_labels))
        np.add.at(counts, (article, true), 1)
        return cls(by_true, counts)

    def flat(self) -> np.ndarray:
        n, k = self.true_counts.shape
        return np.concatenate([self.scores_by_true.reshape(n, k * k), self.true_counts], axis=1)

    def rates(self, summed: np.ndarray | None = None) -> np.ndarray:
        """M[..., i, j] = mean score of label i over sentences of true label j, from the
        sums over all articles, or from bootstrap sums (replicates x flat columns). A true
        label with no sentence gets the identity column (as QuaPy does)."""
        k = self.true_counts.shape[1]
        if summed is None:
            summed = self.flat().sum(axis=0, keepdims=True)
        by_true = summed[:, : k * k].reshape(-1, k, k)
        counts = summed[:, k * k:]
        with np.errstate(invalid="ignore", divide="ignore"):
            rates = by_true / counts[:, None, :]
        empty = counts == 0
        identity = np.broadcast_to(np.eye(k), rates.shape)
        return np.where(empty[:, None, :], identity, rates)


def adjust(rates: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Solve observed = rates @ p for p, clipped to [0, 1] and renormalised (QuaPy's
    `solve_adjustment(method='inversion', solver='exact')` then `normalize_prevalence(
    method='clip')`). rates: (R x) labels x labels; observed: (R x) labels x groups.
    A singular system gives NaN (left out of the bootstrap interval)."""
    rates = np.asarray(rates, dtype=float)
    observed = np.asarray(observed, dtype=float)
    solved = np.full(np.broadcast_shapes(rates.shape[:-2] + observed.shape[-2:],
                                         observed.shape), np.nan)
    singular = np.abs(np.linalg.det(rates)) < 1e-12
    ok = ~singular
    if rates.ndim == 2:
        if ok:
            solved = np.linalg.solve(rates, observed)
    else:
        solved[ok] = np.linalg.solve(rates[ok], observed[ok])
    clipped = np.clip(solved, 0.0, 1.0)
    total = clipped.sum(axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, clipped / total, np.nan)


# --- ppi ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PPIResult:
    estimate: np.ndarray
    se: np.ndarray
    lam: float | np.ndarray


def ppi_mean(y: np.ndarray, yhat: np.ndarray, yhat_unlabelled: np.ndarray) -> PPIResult:
    """Power-tuned prediction-powered mean of each column (ppi-python's `ppi_mean_ci` and
    `ppi_mean_pointestimate` with their default `lam_optim_mode="overall"`: one lambda
    for all labels, minimising the summed variance, clipped to [0, 1]; so the shares of
    scores that sum to one sum to one too).
    y, yhat: labelled sentences x labels; yhat_unlabelled: all sentences x labels."""
    n, big_n = len(y), len(yhat_unlabelled)
    if n < 2:
        nan = np.full(y.shape[1], np.nan)
        return PPIResult(nan, nan, nan)
    if big_n < 2:  # (nearly) everything hand-labelled: the labelled mean (lambda 0)
        return PPIResult(y.mean(0), y.std(0) / np.sqrt(n), 0.0)
    y_mean, f_mean, u_mean = y.mean(0), yhat.mean(0), yhat_unlabelled.mean(0)
    cov_yf = ((y - y_mean) * (yhat - f_mean)).mean(0)
    both = np.concatenate([yhat, yhat_unlabelled])
    var_both = both.var(0, ddof=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        lam = cov_yf.sum() / ((1 + n / big_n) * var_both.sum())
    lam = float(np.clip(np.nan_to_num(lam, nan=0.0), 0.0, 1.0))
    estimate = lam * u_mean + y_mean - lam * f_mean
    imputed_sd = lam * yhat_unlabelled.std(0) / np.sqrt(big_n)
    rectifier_sd = (y - lam * yhat).std(0) / np.sqrt(n)
    return PPIResult(estimate, np.sqrt(imputed_sd ** 2 + rectifier_sd ** 2), lam)
