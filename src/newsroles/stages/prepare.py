"""prepare: articles (JSONL) -> the sentence table (a `datasets` table on disk).

Reads: data.articles. Config: data.sentences. Writes: sentences/ (datasets save_to_disk)
and stats.json (article, sentence and dropped-line counts).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from newsroles.cache import StageCache, file_hash, stage_key
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


def run(cfg, cache: StageCache) -> StageResult:
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
