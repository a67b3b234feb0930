"""`newsroles data check`: validate the gold files and print their counts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from newsroles import LABELS
from newsroles.errors import NewsrolesError
from newsroles.io import iter_jsonl
from newsroles.schema import read_articles, read_gold, read_splits


def check_annotations(articles: dict, gold: list, annotation_files: list[Path],
                      adjudication_path: Path | None) -> dict:
    """Each annotator's file is valid like gold; every settled disagreement names two
    different labels, gives a reason, and its final label is the one in gold."""
    counts = {Path(f).stem: len(read_gold(f, articles)) for f in annotation_files}
    if adjudication_path is not None and Path(adjudication_path).exists():
        gold_label = {(g.doc_id, g.start, g.end): g.label for g in gold}
        n = 0
        for lineno, o in iter_jsonl(adjudication_path):
            key = (o.get("doc_id"), o.get("start"), o.get("end"))
            for field in ("annotator_a", "annotator_b", "final"):
                if o.get(field) not in LABELS:
                    raise NewsrolesError(f"{field}: unknown label {o.get(field)!r}",
                                         adjudication_path, lineno)
            if o["annotator_a"] == o["annotator_b"] or not str(o.get("reason", "")).strip():
                raise NewsrolesError("a settled disagreement needs two different labels and a "
                                     "reason", adjudication_path, lineno)
            if gold_label.get(key) != o["final"]:
                raise NewsrolesError(f"final label {o['final']!r} is not the gold label "
                                     f"({gold_label.get(key)!r})", adjudication_path, lineno)
            n += 1
        counts["adjudicated"] = n
    return counts


def check(articles_path: Path, gold_path: Path, splits_path: Path,
          annotation_files: list[Path] = (), adjudication_path: Path | None = None) -> dict:
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
    annotations = check_annotations(articles, spans, list(annotation_files), adjudication_path)
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
        **({"annotations": annotations} if annotations else {}),
    }
