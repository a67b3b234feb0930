"""Which unlabelled sentences an annotator should see next.

Candidates are the body sentences (split as the model was trained) that no gold span
overlaps yet. Strategies:
- `uncertain`: least confident first (lowest top score of the model);
- `random`: a seeded random sample;
- `disagree`: where the model and the labeling functions (those that voted) disagree,
  least confident first.

`uncertain` and `disagree` skip what is not English news prose (annotation/prose.py) and
spread a batch (`spread`): round-robin over the model's predicted class, at most
`per_article` sentences from one article, the strategy's order within each class, so that
an hour of labels buys every class rather than 20 unsure `background`s.
`random` stays a plain seeded sample: the baseline the learning curve measures against.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from newsroles.errors import NewsrolesError

STRATEGIES = ("uncertain", "random", "disagree")
GUIDED = ("uncertain", "disagree")  # the model's choice: prose only, spread
PER_ARTICLE = 3  # default cap on one article's sentences in a batch


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


def spread(order: Sequence[int], predicted: Sequence[str], doc_ids: Sequence[str], n: int,
           per_article: int = PER_ARTICLE) -> list[int]:
    """Up to n of the rows in `order`: one of each predicted class in turn (classes in the
    order their first row comes), each class's rows in `order`, skipping rows whose article
    already gave `per_article`. Where the cap leaves the batch short, the rows it held back
    fill it, in `order` (n is kept where the pool allows)."""
    if per_article < 1:
        raise NewsrolesError(f"--per-article must be at least 1, not {per_article}")
    queues: dict[str, list[int]] = {}
    for i in order:
        queues.setdefault(predicted[i], []).append(int(i))
    heads = dict.fromkeys(queues, 0)
    taken: list[int] = []
    per_doc: Counter = Counter()
    while len(taken) < n and any(heads[c] < len(queues[c]) for c in queues):
        for cls, rows in queues.items():
            while heads[cls] < len(rows) and per_doc[doc_ids[rows[heads[cls]]]] >= per_article:
                heads[cls] += 1  # this article is full: held back
            if heads[cls] < len(rows) and len(taken) < n:
                row = rows[heads[cls]]
                heads[cls] += 1
                taken.append(row)
                per_doc[doc_ids[row]] += 1
    if len(taken) < n:
        chosen = set(taken)
        taken += [int(i) for i in order if int(i) not in chosen][:n - len(taken)]
    return taken


def prose_rows(texts: Sequence[str]) -> tuple[np.ndarray, Counter]:
    """Which rows are English news prose, and why the others are not (reason: count)."""
    from newsroles.annotation.prose import not_prose_reason

    reasons = [not_prose_reason(t) for t in texts]
    return (np.array([r is None for r in reasons], dtype=bool),
            Counter(r for r in reasons if r is not None))


def choose(proba: np.ndarray, predicted: Sequence[str], doc_ids: Sequence[str],
           texts: Sequence[str], strategy: str, n: int, seed: int = 0,
           weak: np.ndarray | None = None, labels: Iterable[str] | None = None,
           per_article: int = PER_ARTICLE, spread_batch: bool = True
           ) -> tuple[list[int], Counter]:
    """The rows of a batch of n, in the order to show them, and the skipped rows' reasons
    (empty for `random`). spread_batch=False: the strategy's order over prose only."""
    order = rank(proba, strategy, seed, weak, labels)
    if strategy not in GUIDED:
        return [int(i) for i in order[:n]], Counter()
    prose, skipped = prose_rows(texts)
    order = order[prose[order]]
    if not spread_batch:
        return [int(i) for i in order[:n]], skipped
    return spread(order, predicted, doc_ids, n, per_article), skipped


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
                          split_config, strategy: str, n: int, seed: int = 0,
                          per_article: int = PER_ARTICLE, spread_batch: bool = True
                          ) -> pd.DataFrame:
    """The n sentences to annotate next, with the model's suggestion and confidence;
    `attrs["skipped"]`: why the sentences left out as not prose were (reason: count)."""
    table = candidate_sentences(articles, gold_spans, split_config)
    if table.empty:
        raise NewsrolesError("no unlabelled sentences left: every sentence has a gold label")
    proba = model.predict_proba(table)
    predicted = [model.labels[i] for i in model.decide(proba)]
    weak = weak_votes(table) if strategy == "disagree" else None
    order, skipped = choose(proba, predicted, table["doc_id"].tolist(), table["text"].tolist(),
                            strategy, n, seed, weak, model.labels, per_article, spread_batch)
    order = np.asarray(order, dtype=int)
    chosen = table.iloc[order].reset_index(drop=True)
    chosen.attrs["skipped"] = dict(skipped)
    chosen["suggestion"] = [predicted[i] for i in order]
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
