"""`newsroles data check`: validate the gold files and print their counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from newsroles import LABELS
from newsroles.errors import NewsrolesError
from newsroles.schema import read_articles, read_gold, read_splits


def check(articles_path: Path, gold_path: Path, splits_path: Path) -> dict:
    """Raise NewsrolesError on the first problem; return counts when all is well."""
    articles = {a.id: a for a in read_articles(articles_path)}
    spans = read_gold(gold_path, articles)  # labels known, spans match, no duplicates
    doc_split = read_splits(splits_path)  # no article in two splits
    by_doc: dict[str, list] = {}
    for g in spans:
        by_doc.setdefault(g.doc_id, []).append(g)
    for doc_id, gs in by_doc.items():
        if doc_id not in doc_split:
            raise NewsrolesError(f"article {doc_id!r} has gold labels but no split", splits_path)
        gs.sort(key=lambda g: g.start)
        for x, y in zip(gs, gs[1:]):
            if y.start < x.end:
                raise NewsrolesError(
                    f"spans {x.start}-{x.end} and {y.start}-{y.end} of {doc_id!r} overlap "
                    "(a sentence labelled twice)", gold_path)
    unknown = sorted(set(doc_split) - set(articles))
    if unknown:
        raise NewsrolesError(f"split names unknown article {unknown[0]!r}", splits_path)
    counts = {s: Counter() for s in ("train", "dev", "test")}
    docs = {s: set() for s in counts}
    for g in spans:
        s = doc_split[g.doc_id]
        counts[s][g.label] += 1
        docs[s].add(g.doc_id)
    return {
        "articles_in_corpus": len(articles),
        "gold_sentences": len(spans),
        "gold_articles": len(by_doc),
        "per_split": {
            s: {"articles": len(docs[s]), "sentences": sum(c.values()),
                **{label: c[label] for label in LABELS}}
            for s, c in counts.items()
        },
        "per_class": {label: sum(c[label] for c in counts.values()) for label in LABELS},
    }
