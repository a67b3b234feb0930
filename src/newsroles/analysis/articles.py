"""Per-article measures: each article's share of sentences of each label (the model's
labels, counted) and, where who-said-it ran, how many distinct sources it cites; and
their means per group with a bootstrap interval over articles."""

from __future__ import annotations

import numpy as np
import pandas as pd

from newsroles.analysis.estimators import percentile_interval, resampled_sums

MEASURE_COLUMNS = ["group", "measure", "mean", "lower", "upper", "n_articles"]


def article_table(table: pd.DataFrame, groups: pd.Series, labels: list[str]) -> pd.DataFrame:
    """One row per article (doc_id within a group): sentences, share_<label>, and sources
    (distinct source texts, compared case-folded) where the tagged data have them."""
    frame = pd.DataFrame({"group": groups.to_numpy(), "doc_id": table["doc_id"].to_numpy(),
                          "label": pd.Categorical(table["label"], categories=labels)})
    keys = ["group", "doc_id"]
    counts = pd.crosstab([frame["group"], frame["doc_id"]], frame["label"], dropna=False)
    counts = counts.reindex(columns=labels, fill_value=0)
    counts = counts[counts.sum(axis=1) > 0]
    out = pd.DataFrame({"sentences": counts.sum(axis=1)})
    for label in labels:
        out[f"share_{label}"] = counts[label] / out["sentences"]
    if "source" in table.columns:
        sources = table["source"].astype("string").str.strip().str.casefold()
        frame["source"] = sources.where(sources != "").to_numpy()
        distinct = frame.dropna(subset=["source"]).groupby(keys)["source"].nunique()
        out["sources"] = distinct.reindex(out.index, fill_value=0).astype(int)
    return out.reset_index()


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
