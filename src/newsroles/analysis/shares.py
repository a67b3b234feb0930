"""Each label's share of sentences in each group, by the three methods (estimators.py),
with the bootstrap draws kept so that differences between groups can use the same ones."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from newsroles.analysis.estimators import (
    EvalSums,
    adjust,
    count_shares,
    percentile_interval,
    ppi_mean,
    resampled_sums,
    z_value,
)
from newsroles.analysis.evaluation_set import EvaluationSet, label_index
from newsroles.errors import NewsrolesError

METHODS = ("count", "adjusted", "ppi")
SHARE_COLUMNS = ["group", "label", "method", "estimate", "lower", "upper", "n", "n_labelled"]


@dataclass
class Estimates:
    """Point estimates (groups x labels) per method, bootstrap draws (replicates x groups x
    labels) for count and adjusted, standard errors for ppi."""

    groups: list[str]
    labels: list[str]
    level: float
    adjust_method: str  # "pacc" or "acc"
    sentences: np.ndarray  # per group
    labelled: dict[str, np.ndarray]  # per method: the hand-labelled sentences each rests on
    point: dict[str, np.ndarray] = field(default_factory=dict)
    draws: dict[str, np.ndarray] = field(default_factory=dict)
    ppi_se: np.ndarray | None = None

    def table(self) -> pd.DataFrame:
        rows = []
        z = z_value(self.level)
        for method, point in self.point.items():
            if method == "ppi":  # a normal interval, kept inside [0, 1] (coverage unchanged)
                lower = np.clip(point - z * self.ppi_se, 0, 1)
                upper = np.clip(point + z * self.ppi_se, 0, 1)
            else:
                lower, upper = percentile_interval(self.draws[method], self.level)
            for g, group in enumerate(self.groups):
                for k, label in enumerate(self.labels):
                    rows.append((group, label, method, point[g, k], lower[g, k], upper[g, k],
                                 int(self.sentences[g]), int(self.labelled[method][g])))
        table = pd.DataFrame(rows, columns=SHARE_COLUMNS)
        table["method"] = pd.Categorical(table["method"], METHODS, ordered=True)
        return table.sort_values(["group", "label", "method"], key=_order(self),
                                 kind="stable").reset_index(drop=True).astype({"method": str})


def _order(estimates: Estimates):
    rank = {"group": {g: i for i, g in enumerate(estimates.groups)},
            "label": {lab: i for i, lab in enumerate(estimates.labels)}}

    def key(column: pd.Series) -> pd.Series:
        return column.map(rank[column.name]) if column.name in rank else column
    return key


def estimate_shares(table: pd.DataFrame, groups: pd.Series, evaluation: EvaluationSet,
                    gold_rows: np.ndarray | None = None, gold_labels: pd.Series | None = None,
                    level: float = 0.95, replicates: int = 1000, seed: int = 0,
                    adjust_method: str = "auto") -> Estimates:
    """All groups' shares. `table`: tagged sentences (label, score_<label> where present);
    `groups`: the group of each row; `gold_rows`/`gold_labels`: the hand-labelled sample
    (row numbers in `table` and their labels), for ppi."""
    labels = evaluation.labels
    scores = _scores(table, labels)
    use_scores = _use_scores(adjust_method, scores is not None, evaluation.has_scores)
    predicted = np.eye(len(labels))[label_index(table["label"], labels)]
    names = sorted(groups.unique(), key=_group_sort_key)
    group_index = pd.Categorical(groups, categories=names).codes
    rng = np.random.default_rng(seed)
    article = pd.DataFrame({"group": group_index, "doc_id": table["doc_id"].to_numpy()}
                           ).groupby(["group", "doc_id"], sort=False).ngroup().to_numpy()
    observed = scores if use_scores else predicted
    count, mean_observed = _group_means(article, group_index, predicted, observed,
                                        replicates, rng)
    # The confusion on the gold evaluation split, and its bootstrap (by article), the same
    # draw for every group of a replicate.
    eval_sums = _eval_sums(evaluation, labels, use_scores)
    rates = eval_sums.rates()[0], eval_sums.rates(
        resampled_sums(eval_sums.flat(), replicates, rng))
    adjusted = (adjust(rates[0], mean_observed[0].T).T,
                adjust(rates[1], mean_observed[1].transpose(0, 2, 1)).transpose(0, 2, 1))
    n_groups = len(names)
    labelled = {"count": np.zeros(n_groups),
                "adjusted": np.full(n_groups, len(evaluation.sentences))}
    estimates = Estimates(names, labels, level, "pacc" if use_scores else "acc",
                          np.bincount(group_index, minlength=n_groups), labelled,
                          {"count": count[0], "adjusted": adjusted[0]},
                          {"count": count[1], "adjusted": adjusted[1]})
    if gold_rows is not None:
        _add_ppi(estimates, group_index, gold_rows, label_index(gold_labels, labels),
                 scores if scores is not None else predicted)
    return estimates


def _use_scores(adjust_method: str, tagged_scores: bool, evaluation_scores: bool) -> bool:
    """PACC where both the tagged rows and the evaluation have scores (auto), or asked."""
    if adjust_method == "acc":
        return False
    if adjust_method == "pacc" and not (tagged_scores and evaluation_scores):
        raise NewsrolesError("--adjust pacc needs scores in the tagged data and in the run's "
                             "predictions; use --adjust acc")
    return tagged_scores and evaluation_scores


def _group_means(article: np.ndarray, group_index: np.ndarray, predicted: np.ndarray,
                 observed: np.ndarray, replicates: int, rng: np.random.Generator):
    """Per group, the label shares counted and the mean observed vector (scores, or the
    one-hot labels for ACC): each as (point: groups x labels, draws: replicates x groups x
    labels), the draws resampling the group's articles."""
    k, n_groups = predicted.shape[1], int(group_index.max()) + 1
    article_group = np.zeros(article.max() + 1, dtype=int)
    article_group[article] = group_index
    per_article = _sum_by(article, np.hstack([predicted, observed]))
    count = np.zeros((n_groups, k)), np.zeros((replicates, n_groups, k))
    mean = np.zeros((n_groups, k)), np.zeros((replicates, n_groups, k))
    for g in range(n_groups):
        rows = per_article[article_group == g]
        total = rows.sum(axis=0)
        summed = resampled_sums(rows, replicates, rng)
        count[0][g], count[1][:, g] = count_shares(total[:k]), count_shares(summed[:, :k])
        mean[0][g] = total[k:] / total[:k].sum()
        mean[1][:, g] = summed[:, k:] / summed[:, :k].sum(axis=1, keepdims=True)
    return count, mean


def _add_ppi(estimates: Estimates, group_index: np.ndarray, gold_rows: np.ndarray,
             gold: np.ndarray, predictions: np.ndarray) -> None:
    k = len(estimates.labels)
    point = np.full((len(estimates.groups), k), np.nan)
    se = np.full_like(point, np.nan)
    truth = np.eye(k)[gold]
    gold_group = group_index[gold_rows]
    # PPI's unlabelled set is the sentences not hand-labelled: counting a labelled one in
    # both halves makes the interval too narrow (0.91 coverage for 0.95 in simulation).
    unlabelled = np.ones(len(group_index), dtype=bool)
    unlabelled[gold_rows] = False
    for g in range(len(estimates.groups)):
        mine = gold_group == g
        result = ppi_mean(truth[mine], predictions[gold_rows[mine]],
                          predictions[(group_index == g) & unlabelled])
        point[g], se[g] = result.estimate, result.se
    estimates.point["ppi"] = point
    estimates.ppi_se = se
    estimates.labelled["ppi"] = np.bincount(gold_group, minlength=len(estimates.groups))


def _scores(table: pd.DataFrame, labels: list[str]) -> np.ndarray | None:
    columns = [f"score_{label}" for label in labels]
    if not all(c in table.columns for c in columns):
        return None
    scores = table[columns].to_numpy(dtype=float)
    return scores / scores.sum(axis=1, keepdims=True)  # rounded on writing: sum to 1 again


def _eval_sums(evaluation: EvaluationSet, labels: list[str], use_scores: bool) -> EvalSums:
    sentences = evaluation.sentences
    if use_scores:
        observed = sentences[[f"score_{label}" for label in labels]].to_numpy(dtype=float)
        observed = observed / observed.sum(axis=1, keepdims=True)
    else:
        observed = np.eye(len(labels))[label_index(sentences["pred"], labels)]
    return EvalSums.from_sentences(pd.factorize(sentences["doc_id"])[0],
                                   label_index(sentences["gold"], labels), observed, len(labels))


def _sum_by(index: np.ndarray, values: np.ndarray) -> np.ndarray:
    return pd.DataFrame(values).groupby(index).sum().to_numpy()


def _group_sort_key(name: str):
    from newsroles.analysis.tagged import MISSING_GROUP

    return (name == MISSING_GROUP, name)
