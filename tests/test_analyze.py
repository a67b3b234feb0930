"""newsroles analyze: the estimators against QuaPy and ppi-python, a simulation with known
truth (coverage of the 95% intervals), the command on the fixture corpus, its one-line
errors, and the notebook executed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import FIXTURES, ROOT, cli

from newsroles.analysis.estimators import EvalSums, adjust, percentile_interval, ppi_mean
from newsroles.analysis.evaluation_set import EvaluationSet
from newsroles.analysis.shares import estimate_shares

LABELS = ["quote", "attribution", "policy_statement", "background"]

# --- the estimators against the libraries -------------------------------------------------


def test_ppi_mean_matches_ppi_python():
    ppi_py = pytest.importorskip("ppi_py")
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, (80, 3)).astype(float)
    yhat = np.clip(y * 0.6 + rng.random((80, 3)) * 0.5, 0, 1)
    unlabelled = rng.random((900, 3))
    ours = ppi_mean(y, yhat, unlabelled)
    for k in range(3):
        lower, upper = ppi_py.ppi_mean_ci(y[:, k], yhat[:, k], unlabelled[:, k], alpha=0.05)
        point = ppi_py.ppi_mean_pointestimate(y[:, k], yhat[:, k], unlabelled[:, k])
        assert ours.estimate[k] == pytest.approx(float(np.squeeze(point)), abs=1e-12)
        assert ours.estimate[k] - 1.959964 * ours.se[k] == pytest.approx(float(lower[0]), abs=1e-6)
        assert ours.estimate[k] + 1.959964 * ours.se[k] == pytest.approx(float(upper[0]), abs=1e-6)
    assert 0 <= ours.lam.min() and ours.lam.max() <= 1


def test_adjust_matches_quapy():
    pytest.importorskip("quapy")
    import quapy.functional as F
    from quapy.method.aggregative import ACC

    rng = np.random.default_rng(4)
    true = rng.integers(0, 4, 600)
    pred = np.where(rng.random(600) < 0.7, true, rng.integers(0, 4, 600))
    sums = EvalSums.from_sentences(np.arange(600) // 20, true, np.eye(4)[pred], 4)
    rates = sums.rates()[0]
    assert np.allclose(rates, ACC.getPteCondEstim(np.arange(4), true, pred))
    for observed in (np.array([0.3, 0.2, 0.1, 0.4]), np.array([0.7, 0.02, 0.02, 0.26])):
        theirs = ACC.solve_adjustment(rates, observed, method="inversion", solver="exact-raise")
        theirs = F.normalize_prevalence(theirs, method="clip")
        assert np.allclose(adjust(rates, observed[:, None])[:, 0], theirs)
    # batched (bootstrap replicates x groups) equals one at a time
    batch = np.stack([rates, rates.T / rates.T.sum(0)])
    observed = rng.dirichlet(np.ones(4), size=(2, 3)).transpose(0, 2, 1)
    one = [adjust(batch[r], observed[r]) for r in range(2)]
    assert np.allclose(adjust(batch, observed), np.stack(one))


# --- simulation with known truth -----------------------------------------------------------

# P(pred | true): rows true, columns predicted; uneven (attribution and policy statements
# are often missed, background over-predicted).
CONFUSION = np.array([[0.92, 0.05, 0.00, 0.03],
                      [0.10, 0.60, 0.02, 0.28],
                      [0.00, 0.05, 0.55, 0.40],
                      [0.02, 0.05, 0.05, 0.88]])
TRUE_SHARES = {"A": np.array([0.30, 0.25, 0.10, 0.35]), "B": np.array([0.15, 0.15, 0.25, 0.45])}
EVAL_SHARES = np.array([0.2, 0.2, 0.15, 0.45])  # the gold split's own mix differs


def _simulated_sentences(rng, shares, articles, per_article, with_scores):
    true = rng.choice(4, size=articles * per_article, p=shares)
    if with_scores:  # Dirichlet scores (normalised gammas) whose mean given true is its row
        gammas = rng.gamma(CONFUSION[true] * 8 + 0.01)
        scores = gammas / gammas.sum(axis=1, keepdims=True)
        pred = scores.argmax(axis=1)
    else:  # a label drawn from the true label's row
        pred = (rng.random(len(true))[:, None] > CONFUSION[true].cumsum(axis=1)).sum(axis=1)
        scores = np.eye(4)[pred]
    doc = np.repeat(np.arange(articles), per_article)
    return true, pred, scores, doc


def _simulate_once(rng, with_scores, replicates=300):
    true, pred, scores, doc = _simulated_sentences(rng, EVAL_SHARES, 40, 15, with_scores)
    evaluation = EvaluationSet(Path("sim"), "sim", "sim", LABELS, pd.DataFrame({
        "doc_id": doc.astype(str), "gold": np.array(LABELS)[true],
        "pred": np.array(LABELS)[pred],
        **{f"score_{lab}": scores[:, k] for k, lab in enumerate(LABELS)}}), None)
    parts = []
    for group, shares in TRUE_SHARES.items():
        true, pred, scores, doc = _simulated_sentences(rng, shares, 60, 15, with_scores)
        parts.append(pd.DataFrame({
            "doc_id": doc.astype(str), "group": group,
            "label": np.array(LABELS)[pred], "gold": np.array(LABELS)[true],
            **{f"score_{lab}": scores[:, k] for k, lab in enumerate(LABELS)}}))
    table = pd.concat(parts, ignore_index=True)
    sample = np.sort(rng.choice(len(table), 300, replace=False))  # a random hand-labelled sample
    estimates = estimate_shares(table, table["group"], evaluation, sample,
                                table["gold"].iloc[sample], replicates=replicates,
                                seed=int(rng.integers(1 << 30)))
    truth = np.stack([TRUE_SHARES[g] for g in estimates.groups])
    covered = {}
    for method, point in estimates.point.items():
        if method == "ppi":
            half = 1.959964 * estimates.ppi_se
            lower, upper = point - half, point + half
        else:
            lower, upper = percentile_interval(estimates.draws[method], 0.95)
        covered[method] = ((lower <= truth) & (truth <= upper)).ravel()
    return covered


@pytest.mark.parametrize("with_scores", [True, False], ids=["pacc", "acc"])
def test_intervals_cover_the_true_share_where_counting_does_not(with_scores):
    rng = np.random.default_rng(2026)
    covered = [_simulate_once(rng, with_scores) for _ in range(300)]
    coverage = {m: np.mean([c[m] for c in covered], axis=0) for m in covered[0]}
    # each group x label: the adjusted and ppi intervals hold, counting's do not
    assert coverage["adjusted"].min() >= 0.90, coverage["adjusted"]
    assert coverage["ppi"].min() >= 0.90, coverage["ppi"]
    assert coverage["count"].min() < 0.5, coverage["count"]
