"""`newsroles data check`: validate the gold files and print their counts; `check_data`:
the same files checked for a composed config before a run starts, every problem one line."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from newsroles import LABELS
from newsroles.errors import DataProblems, NewsrolesError
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


def _some(ids, k: int = 3) -> str:
    ids = sorted(ids)
    return ", ".join(repr(i) for i in ids[:k]) + (f" and {len(ids) - k} more" if len(ids) > k else "")


# The splits a task reads gold from: the train stage reads gold dev (early stopping,
# calibration, an ensemble's weights, decision weights); evaluate scores data.eval_split.
def _needed_splits(cfg, task: str) -> list[str]:
    needed = []
    if task in ("run", "train", "evaluate"):
        needed.append("dev")
    if task in ("run", "evaluate"):
        needed.append(str(cfg.data.get("eval_split", "test")))
    return list(dict.fromkeys(needed))


def data_problems(cfg, task: str = "run") -> list[str]:
    """What is wrong with the configured corpus for this task, one line each (empty: all
    is well). A file that cannot be read at all is one problem, reported by its reader."""
    from newsroles.pipeline.prepare import is_sentence_format

    data = cfg.data
    name = f"data={data.name}"
    if is_sentence_format(cfg):
        return [f"{path}: file not found (data.sentence_files.{split} of {name})"
                for split, path in data.sentence_files.items() if not Path(path).is_file()]
    if task == "prepare" or not data.get("gold"):
        if data.get("articles") and Path(data.articles).is_file():
            return []
        return [f"{data.get('articles')}: file not found (data.articles of {name})"]
    problems = [f"{data.get(key)}: file not found (data.{key} of {name})"
                for key in ("articles", "gold", "splits")
                if not (data.get(key) and Path(data.get(key)).is_file())]
    if problems:
        return problems
    articles = {a.id: a for a in read_articles(data.articles)}
    spans = read_gold(data.gold, articles)  # malformed: one error naming file and line
    doc_split = read_splits(data.splits)
    unknown = set(doc_split) - set(articles)
    if unknown:
        problems.append(f"{data.splits}: names {len(unknown)} article(s) that are not in "
                        f"{data.articles}: {_some(unknown)}")
    gold_docs = {g.doc_id for g in spans}
    unsplit = gold_docs - set(doc_split)
    if unsplit:
        problems.append(f"{data.gold}: {len(unsplit)} article(s) with gold labels are in no "
                        f"split of {data.splits}: {_some(unsplit)}")
    per_split = {s: 0 for s in ("train", "dev", "test")}
    for g in spans:
        if g.doc_id in doc_split:
            per_split[doc_split[g.doc_id]] += 1
    if cfg.get("fold") is not None:  # cross-validation reads gold-train articles only
        train_docs = {g.doc_id for g in spans if doc_split.get(g.doc_id) == "train"}
        if len(train_docs) < cfg.folds:
            problems.append(f"fold={cfg.fold}: {cfg.folds}-fold cross-validation needs at "
                            f"least {cfg.folds} gold-train articles; {data.gold} has "
                            f"{len(train_docs)}")
        return problems
    for split in _needed_splits(cfg, task):
        if per_split.get(split, 0) == 0:
            named = sum(1 for s in doc_split.values() if s == split)
            why = ("the split names no article" if not named else
                   f"none of its {named} article(s) has gold labels in {data.gold}")
            problems.append(f"{name}: the {split} split has no gold sentences ({why}); "
                            f"a {task} needs gold {split} sentences")
    if getattr(cfg.train.source, "value", cfg.train.source) == "gold" and task in ("run", "train") and per_split["train"] == 0:
        problems.append(f"{name}: train.source=gold but the train split has no gold sentences")
    return problems


def check_data(cfg, task: str = "run") -> None:
    """Raise DataProblems (every problem, one line each) before anything runs."""
    problems = data_problems(cfg, task)
    if problems:
        raise DataProblems(problems)
