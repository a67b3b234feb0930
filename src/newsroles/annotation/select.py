"""Which unlabelled sentences an annotator should see next.

Candidates are the body sentences (split as the model was trained) that no gold span
overlaps yet. Strategies:
- `uncertain`: least confident first (lowest top score of the model);
- `random`: a seeded random sample;
- `disagree`: where the model and the labeling functions (those that voted) disagree,
  least confident first.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from newsroles.errors import NewsrolesError

STRATEGIES = ("uncertain", "random", "disagree")


def rank(proba: np.ndarray, strategy: str, seed: int = 0,
         weak: np.ndarray | None = None, labels: Iterable[str] | None = None) -> np.ndarray:
    """Row indices in the order the strategy would show them (all eligible rows).

    `weak` (for `disagree`) holds the labeling functions' label per row, or None where all
    abstained; `labels` names proba's columns.
    """
    confidence = proba.max(axis=1) if len(proba) else np.zeros(0)
    if strategy == "uncertain":
        return np.argsort(confidence, kind="stable")
    if strategy == "random":
        return np.random.default_rng(seed).permutation(len(proba))
    if strategy == "disagree":
        if weak is None or labels is None:
            raise NewsrolesError("the disagree strategy needs labeling-function votes")
        predicted = np.asarray(list(labels), dtype=object)[proba.argmax(axis=1)]
        differs = np.array([w is not None and w != p for w, p in zip(weak, predicted)], bool)
        rows = np.flatnonzero(differs)
        return rows[np.argsort(confidence[rows], kind="stable")]
    raise NewsrolesError(f"unknown selection {strategy!r} (choose {', '.join(STRATEGIES)})")


def gold_span_index(spans) -> dict[str, list[tuple[int, int]]]:
    """doc_id -> the (start, end) of its gold spans, for `candidate_sentences`."""
    index: dict[str, list[tuple[int, int]]] = {}
    for g in spans:
        index.setdefault(g.doc_id, []).append((g.start, g.end))
    return index


def candidate_sentences(articles, gold_spans: dict[str, list[tuple[int, int]]],
                        split_config) -> pd.DataFrame:
    """Sentence table (prepare's columns) of the body sentences no gold span overlaps: a
    partly labelled article still offers its unlabelled sentences."""
    from newsroles.schema import SENTENCE_COLUMNS, with_context
    from newsroles.sentences import split_article

    rows: list[dict] = []
    for a in articles:
        spans = gold_spans.get(a.id, [])
        rows.extend(r for r in with_context(split_article(a.id, a.text, split_config).sentences)
                    if not any(s < r["end"] and r["start"] < e for s, e in spans))
    return pd.DataFrame({c: [r[c] for r in rows] for c in SENTENCE_COLUMNS})


def weak_votes(table: pd.DataFrame) -> list[str | None]:
    """The labeling functions' label per sentence, in the spec's priority order as the
    label stage's default (None where all abstained)."""
    from newsroles import LABELS
    from newsroles.labeling.aggregate import aggregate, apply_lfs
    from newsroles.labeling.functions import get_functions

    L = apply_lfs(table.to_dict("records"), get_functions(["all"]))
    labels, _ = aggregate(L, "priority")
    return [LABELS[y] if (L[i] >= 0).any() else None for i, y in enumerate(labels)]


def select_for_annotation(model, articles, gold_spans: dict[str, list[tuple[int, int]]],
                          split_config, strategy: str, n: int, seed: int = 0) -> pd.DataFrame:
    """The n sentences to annotate next, with the model's suggestion and confidence."""
    table = candidate_sentences(articles, gold_spans, split_config)
    if table.empty:
        raise NewsrolesError("no unlabelled sentences left: every sentence has a gold label")
    proba = model.predict_proba(table)
    weak = weak_votes(table) if strategy == "disagree" else None
    order = rank(proba, strategy, seed, weak, model.labels)[:n]
    chosen = table.iloc[order].reset_index(drop=True)
    chosen["suggestion"] = [model.labels[i] for i in model.decide(proba[order])]
    chosen["confidence"] = proba[order].max(axis=1).round(4)
    chosen["scores"] = [dict(zip(model.labels, p.round(4).tolist())) for p in proba[order]]
    if weak is not None:
        chosen["rules_say"] = [weak[i] for i in order]
    return chosen


def random_batch(articles, gold_spans: dict[str, list[tuple[int, int]]], split_config, n: int,
                 seed: int = 0) -> pd.DataFrame:
    """The first batch of a new corpus, before any model of it exists: n sentences drawn
    at random (seeded), without suggestions."""
    table = candidate_sentences(articles, gold_spans, split_config)
    if table.empty:
        raise NewsrolesError("no unlabelled sentences left: every sentence has a gold label")
    order = rank(np.zeros((len(table), 1)), "random", seed)[:n]
    chosen = table.iloc[order].reset_index(drop=True)
    chosen["suggestion"], chosen["confidence"] = None, None
    return chosen
