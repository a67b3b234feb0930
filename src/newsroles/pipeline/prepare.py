"""prepare: articles (JSONL) -> the sentence table (a `datasets` table on disk).

Reads data.articles (format=articles) or data.sentence_files (format=sentences: already
split and labelled, e.g. PolNeAR). Writes sentences/ (datasets save_to_disk; the columns
of schema.SENTENCE_COLUMNS, and for format=sentences its GOLD_COLUMNS too) and stats.json
(article, sentence and dropped-line counts).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from newsroles.errors import NewsrolesError
from newsroles.pipeline.stage import Inputs, Stage
from newsroles.schema import (
    GOLD_COLUMNS,
    SENTENCE_COLUMNS,
    Article,
    read_articles,
    read_sentence_files,
    with_context,
)
from newsroles.sentences import SplitConfig, split_article, split_sentences_given


def is_sentence_format(cfg) -> bool:
    fmt = cfg.data.get("format", "articles")
    return getattr(fmt, "value", fmt) == "sentences"


def split_articles(articles: list[Article], cfg: SplitConfig) -> tuple[list[dict], Counter]:
    rows: list[dict] = []
    dropped: Counter = Counter()
    for article in articles:
        result = split_article(article.id, article.text, cfg)
        rows.extend(with_context(result.sentences))
        dropped.update(result.dropped)
    return rows, dropped


def sentence_rows(files: dict[str, Path], labels: list[str], ignore: list[str]
                  ) -> tuple[list[dict], dict]:
    """format=sentences: the given sentences with quotation state, context and gold."""
    records = read_sentence_files(files, labels, ignore)
    rows: list[dict] = []
    i = 0
    while i < len(records):
        j = i
        while j < len(records) and records[j].doc_id == records[i].doc_id:
            j += 1
        doc = records[i:j]
        for rec, row in zip(doc, with_context(split_sentences_given(
                doc[0].doc_id, [r.text for r in doc])), strict=True):
            row["gold_label"], row["split"] = rec.label, rec.split
            rows.append(row)
        i = j
    stats = {
        "articles": len({r["doc_id"] for r in rows}),
        "sentences": len(rows),
        "per_split": dict(Counter(r["split"] for r in rows)),
        "unscored": sum(r["gold_label"] is None for r in rows),
    }
    return rows, stats


def files(cfg) -> dict[str, str]:
    if is_sentence_format(cfg):
        given = dict(cfg.data.sentence_files)
        if not given:
            raise NewsrolesError("data.format=sentences needs data.sentence_files")
        for split, f in given.items():
            if not Path(f).is_file():
                hint = " (set data.path to the corpus folder)" if cfg.data.get("path") else ""
                raise NewsrolesError(f"sentence file for split {split!r} not found{hint}", f)
        return {f"sentences_{split}": f for split, f in given.items()}
    if not cfg.data.get("articles"):
        raise NewsrolesError("data.articles is not set")
    return {"articles": cfg.data.articles}


def compute(inputs: Inputs, out: Path) -> None:
    from datasets import Dataset, disable_progress_bars

    disable_progress_bars()
    cfg = inputs.cfg
    if is_sentence_format(cfg):
        split_files = {name.removeprefix("sentences_"): path
                       for name, path in inputs.files.items()}
        rows, stats = sentence_rows(split_files, list(cfg.data.labels),
                                    list(cfg.data.ignore_labels))
        columns = [*SENTENCE_COLUMNS, *GOLD_COLUMNS]
    else:
        articles = read_articles(inputs.files["articles"])
        rows, dropped = split_articles(articles, SplitConfig(**cfg.data.sentences))
        columns = list(SENTENCE_COLUMNS)
        stats = {"articles": len(articles), "sentences": len(rows),
                 "dropped_lines": dict(sorted(dropped.items()))}
    Dataset.from_dict({c: [r[c] for r in rows] for c in columns}).save_to_disk(
        str(out / "sentences"))
    (out / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")


def load_table(entry: Path):
    """The sentence table as a pandas DataFrame."""
    from datasets import load_from_disk

    return load_from_disk(str(entry / "sentences")).to_pandas()


STAGE = Stage(
    name="prepare",
    compute=compute,
    files=files,
    config=("data.format", "data.sentences", "data.labels", "data.ignore_labels"),
    outputs=("sentences", "stats.json"),
    libraries=("syntok", "datasets", "pyarrow"),
    run_outputs={"stats.json": "sentences_stats.json"},
)
