"""gold: the gold labels and article splits, joined to the sentence table by span.

Reads the prepare stage's table, data.gold (spans, checked against data.articles) and
data.splits; with fold=k, the k-th cross-validation split of the gold-train articles
(crossval.py) replaces the splits. For format=sentences the gold came with the sentences.
Writes gold.json: one gold label (or null) and one split (or null) per table row, in table
order, and how many gold spans matched no sentence.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsroles.crossval import FOLD_SEED, cv_splits
from newsroles.errors import NewsrolesError
from newsroles.gold import attach_gold
from newsroles.pipeline import prepare
from newsroles.pipeline.stage import Inputs, Stage
from newsroles.schema import read_articles, read_gold, read_splits

GOLD_FILE = "gold.json"


def files(cfg) -> dict[str, str]:
    if prepare.is_sentence_format(cfg):  # gold came with the sentences
        if cfg.get("fold") is not None:
            raise NewsrolesError("fold=: cross-validation needs article-level gold splits "
                                 f"(data={cfg.data.name} comes pre-split)")
        return {}
    if not cfg.data.get("gold"):
        return {}
    found = {"articles": cfg.data.articles, "gold": cfg.data.gold}
    if cfg.data.get("splits"):
        found["splits"] = cfg.data.splits
    return found


def compute(inputs: Inputs, out: Path) -> None:
    cfg = inputs.cfg
    table = prepare.load_table(inputs["prepare"])
    orphans, cv = 0, None
    if prepare.is_sentence_format(cfg):
        gold_label, split = table["gold_label"].tolist(), table["split"].tolist()
    elif "gold" not in inputs.files:
        gold_label, split = [None] * len(table), [None] * len(table)
    else:
        articles = {a.id: a for a in read_articles(inputs.files["articles"])}
        spans = read_gold(inputs.files["gold"], articles)
        splits_file = inputs.files.get("splits")
        doc_split = read_splits(splits_file) if splits_file else {}
        if cfg.get("fold") is not None:
            doc_split = cv_splits(doc_split, int(cfg.fold), int(cfg.folds))
            cv = {"fold": int(cfg.fold), "folds": int(cfg.folds), "fold_seed": FOLD_SEED}
        joined, orphans = attach_gold(table, spans, doc_split)
        gold_label, split = joined["gold_label"].tolist(), joined["split"].tolist()
    (out / GOLD_FILE).write_text(json.dumps(
        {"gold_label": gold_label, "split": split, "orphaned_spans": orphans, "cv": cv},
        ensure_ascii=False))


def load(entry: Path) -> dict:
    return json.loads((entry / GOLD_FILE).read_text())


def summary(entry: Path) -> dict:
    saved = load(entry)
    return {"orphaned_spans": saved["orphaned_spans"],
            **({"cv": saved["cv"]} if saved["cv"] else {})}


STAGE = Stage(
    name="gold",
    compute=compute,
    reads=("prepare",),
    files=files,
    config=("data.format", "fold", "folds"),
    outputs=(GOLD_FILE,),
    libraries=("datasets", "pyarrow", "pandas"),
    summary=summary,
)
