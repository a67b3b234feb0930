"""prepare: articles (JSONL) -> the sentence table (a `datasets` table on disk).

Reads: data.articles (format=articles) or data.sentence_files (format=sentences: already
split and labelled, e.g. PolNeAR). Config: data.sentences. Writes: sentences/ (datasets
save_to_disk; for format=sentences with `gold_label` and `split` columns) and stats.json
(article, sentence and dropped-line counts).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from newsroles.cache import StageCache, file_hash, stage_key
from newsroles.errors import NewsrolesError
from newsroles.schema import Article, read_articles
from newsroles.sentences import Sentence, SplitConfig, split_article
from newsroles.stages import StageResult, Timer

SENTENCE_COLUMNS = (
    "doc_id sent_idx start end text paragraph quote_open_start quote_open_end "
    "has_quote_marks interview_turn prev_text next_text"
).split()


def with_context(sentences: list[Sentence]) -> list[dict]:
    """Sentence records with their neighbours' text (one document, in order)."""
    rows = [s.to_dict() for s in sentences]
    for i, row in enumerate(rows):
        row["prev_text"] = rows[i - 1]["text"] if i > 0 else ""
        row["next_text"] = rows[i + 1]["text"] if i + 1 < len(rows) else ""
    return rows


def split_articles(articles: list[Article], cfg: SplitConfig) -> tuple[list[dict], Counter]:
    rows: list[dict] = []
    dropped: Counter = Counter()
    for article in articles:
        result = split_article(article.id, article.text, cfg)
        rows.extend(with_context(result.sentences))
        dropped.update(result.dropped)
    return rows, dropped


def is_sentence_format(cfg) -> bool:
    fmt = cfg.data.get("format", "articles")
    return getattr(fmt, "value", fmt) == "sentences"


def sentence_rows(cfg) -> tuple[list[dict], dict]:
    """format=sentences: the given sentences with quotation state, context and gold."""
    from newsroles.schema import read_sentence_files
    from newsroles.sentences import split_sentences_given

    files = dict(cfg.data.sentence_files)
    records = read_sentence_files(files, list(cfg.data.labels), list(cfg.data.ignore_labels))
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


def _run_sentences(cfg, cache: StageCache) -> StageResult:
    files = dict(cfg.data.sentence_files)
    if not files:
        raise NewsrolesError("data.format=sentences needs data.sentence_files")
    for split, f in files.items():
        if not Path(f).is_file():
            hint = " (set data.path to the corpus folder)" if cfg.data.get("path") else ""
            raise NewsrolesError(f"sentence file for split {split!r} not found{hint}", f)
    reads = {f"sentences_{s}": {"path": str(f), "sha256": file_hash(f)} for s, f in files.items()}
    config = {"labels": list(cfg.data.labels), "ignore": list(cfg.data.ignore_labels)}
    key = stage_key("prepare", reads=reads, config=config)
    with Timer() as t:
        hit = cache.get("prepare", key)
        if hit is None:

            def write(tmp: Path) -> None:
                from datasets import Dataset, disable_progress_bars

                disable_progress_bars()
                rows, stats = sentence_rows(cfg)
                columns = [*SENTENCE_COLUMNS, "gold_label", "split"]
                Dataset.from_dict({c: [r[c] for r in rows] for c in columns}).save_to_disk(
                    str(tmp / "sentences")
                )
                (tmp / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")

            path = cache.put("prepare", key, write)
        else:
            path = hit
    return StageResult("prepare", key, path, hit is not None, t.seconds, reads)


def run(cfg, cache: StageCache) -> StageResult:
    if is_sentence_format(cfg):
        return _run_sentences(cfg, cache)
    if not cfg.data.get("articles"):
        raise NewsrolesError("data.articles is not set")
    articles_path = Path(cfg.data.articles)
    split_cfg = SplitConfig(**cfg.data.sentences)
    reads = {"articles": {"path": str(articles_path), "sha256": file_hash(articles_path)}}
    key = stage_key("prepare", reads=reads, config=dict(cfg.data.sentences))
    with Timer() as t:
        hit = cache.get("prepare", key)
        if hit is None:

            def write(tmp: Path) -> None:
                from datasets import Dataset, disable_progress_bars

                disable_progress_bars()

                articles = read_articles(articles_path)
                rows, dropped = split_articles(articles, split_cfg)
                Dataset.from_dict({c: [r[c] for r in rows] for c in SENTENCE_COLUMNS}).save_to_disk(
                    str(tmp / "sentences")
                )
                stats = {
                    "articles": len(articles),
                    "sentences": len(rows),
                    "dropped_lines": dict(sorted(dropped.items())),
                }
                (tmp / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")

            path = cache.put("prepare", key, write)
        else:
            path = hit
    return StageResult("prepare", key, path, hit is not None, t.seconds, reads)


def load_sentences(result: StageResult):
    """The sentence table as a pandas DataFrame."""
    from datasets import load_from_disk

    return load_from_disk(str(result.path / "sentences")).to_pandas()
