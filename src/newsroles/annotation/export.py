"""`newsroles annotate export`: choose unlabelled sentences with a model's help and write
them for annotators (Label Studio tasks with the labeling config, or a spreadsheet CSV)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from newsroles.annotation.formats import to_records, write_export
from newsroles.annotation.merge import existing_gold
from newsroles.annotation.select import (
    PER_ARTICLE,
    gold_span_index,
    random_batch,
    select_for_annotation,
)
from newsroles.errors import NewsrolesError
from newsroles.models.base import MANIFEST_FILE, resolve_model_dir
from newsroles.schema import read_articles
from newsroles.sentences import split_article


def export_batch(model: str | Path | None, articles_path, gold_path, select: str, n: int,
                 seed: int, output: str | Path, split_config=None,
                 per_article: int = PER_ARTICLE, spread_batch: bool = True
                 ) -> tuple[int, int, list[Path], dict[str, int]]:
    """Choose `n` sentences that have no gold label yet; returns (sentences, articles, files
    written, skipped as not English news prose: reason -> count). With no model (a new
    corpus), `select` must be random and `split_config` (the corpus's data.sentences) says
    how articles are cut into sentences."""
    from newsroles.tagger import Tagger

    if n < 1:
        raise NewsrolesError(f"-n must be at least 1, not {n}")
    if model is None and select != "random":
        raise NewsrolesError(f"--select {select} ranks by a model's scores: give a MODEL (a "
                             "run directory), or --select random for a first batch")
    if per_article < 1:
        raise NewsrolesError(f"--per-article must be at least 1, not {per_article}")
    out = Path(output)
    if out.suffix not in (".json", ".csv"):
        raise NewsrolesError("output must end in .json (Label Studio) or .csv (spreadsheet)",
                             out)
    tagger = Tagger.load(model, sources=False) if model is not None else None
    split_config = tagger.split_config if tagger else split_config
    articles = read_articles(articles_path)
    by_id = {a.id: a for a in articles}
    gold_spans = gold_span_index(existing_gold(gold_path, by_id))
    if tagger is None:
        chosen = random_batch(articles, gold_spans, split_config, n, seed)
        version = "no model (random)"
    else:
        chosen = select_for_annotation(tagger.model, articles, gold_spans, split_config,
                                       select, n, seed, per_article, spread_batch)
        digest = hashlib.sha256((resolve_model_dir(model) / MANIFEST_FILE).read_bytes())
        version = f"{tagger.model.name}@{digest.hexdigest()[:12]} ({select})"
    skipped = chosen.attrs.get("skipped", {})
    if chosen.empty:
        raise NewsrolesError(f"no English news prose left to annotate ({sum(skipped.values())}"
                             " unlabelled sentences skipped)")
    sentences = {d: [s.text for s in split_article(d, by_id[d].text, split_config).sentences]
                 for d in set(chosen["doc_id"])}
    written = write_export(to_records(chosen, sentences), out, version)
    return len(chosen), int(chosen["doc_id"].nunique()), written, skipped
