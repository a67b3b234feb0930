"""Per-article measures: each article's share of sentences of each label (the model's
labels, counted) and, where who-said-it ran, how many distinct sources it cites; and
their means per group with a bootstrap interval over articles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsroles.analysis.estimators import percentile_interval, resampled_sums
from newsroles.analysis.evaluation_set import label_index

MEASURE_COLUMNS = ["group", "measure", "mean", "lower", "upper", "n_articles"]


def article_table(table: pd.DataFrame, groups: pd.Series, labels: list[str]) -> pd.DataFrame:
    """One row per article (doc_id within a group): sentences, share_<label>, and sources
    (distinct source texts, compared case-folded) where the tagged data have them."""
    frame = pd.DataFrame({"group": groups.to_numpy(), "doc_id": table["doc_id"].to_numpy()})
    keys = ["group", "doc_id"]
    grouped = frame.groupby(keys, sort=False)
    article = grouped.ngroup().to_numpy()
    n_articles, k = int(article.max()) + 1, len(labels)
    label = label_index(table["label"], labels)
    counts = np.bincount(article * k + label, minlength=n_articles * k).reshape(n_articles, k)
    out = frame.iloc[grouped.head(1).index].reset_index(drop=True)  # in ngroup order
    out["sentences"] = counts.sum(axis=1)
    for i, name in enumerate(labels):
        out[f"share_{name}"] = counts[:, i] / out["sentences"]
    if "source" in table.columns:
        sources = table["source"].astype("string").str.strip().str.casefold()
        named = (sources.notna() & (sources != "")).to_numpy()
        distinct = pd.DataFrame({"article": article[named], "source": sources[named].to_numpy()}
                                ).drop_duplicates()
        out["sources"] = np.bincount(distinct["article"], minlength=n_articles)
    return out


def article_measures(articles: pd.DataFrame, groups: list[str], level: float = 0.95,
                     replicates: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Per group, the mean over articles of the quote share and of the sources."""
    measures = [m for m in ("share_quote", "sources") if m in articles.columns]
    rng = np.random.default_rng(seed)
    rows = []
    for group in groups:
        mine = articles[articles["group"] == group]
        values = mine[measures].to_numpy(dtype=float)
        draws = resampled_sums(values, replicates, rng) / max(len(values), 1)
        lower, upper = percentile_interval(draws, level)
        for m, measure in enumerate(measures):
            rows.append((group, measure, values[:, m].mean(), lower[m], upper[m], len(mine)))
    return pd.DataFrame(rows, columns=MEASURE_COLUMNS)
