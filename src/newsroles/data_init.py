"""`newsroles data init NAME --articles FILE`: a data config for a new corpus.

Writes conf/data/NAME.yaml (so `newsroles run data=NAME` works), an empty gold set and a
seeded split by article (every article placed in train, dev or test now, so sentences
labelled later land in their article's split and test never depends on what was labelled
first). Nothing that exists is overwritten: gold is never replaced.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.io import write_text
from newsroles.schema import SPLITS, read_articles

NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def split_articles(ids: list[str], dev: float, test: float, seed: int) -> dict[str, list[str]]:
    """A seeded shuffle of the articles cut into train/dev/test (at least one article in
    each); each split keeps the corpus's article order, so the file reads like the corpus."""
    if not (0 < dev < 1 and 0 < test < 1 and dev + test < 1):
        raise NewsrolesError(f"--dev {dev} and --test {test}: each must be between 0 and 1, "
                             "and together below 1")
    if len(ids) < 3:
        raise NewsrolesError(f"{len(ids)} article(s): a split by article into train, dev "
                             "and test needs at least 3")
    order = np.random.default_rng(seed).permutation(len(ids))
    n_test = max(1, round(len(ids) * test))
    n_dev = max(1, round(len(ids) * dev))
    if n_test + n_dev >= len(ids):
        n_test, n_dev = 1, 1
    picked = {"test": order[:n_test], "dev": order[n_test:n_test + n_dev],
              "train": order[n_test + n_dev:]}
    return {s: [ids[i] for i in sorted(picked[s])] for s in SPLITS}


def _in_config(path: Path, root: Path) -> str:
    """A path as the data config writes it: under the project, relative to its root (the
    project can move); elsewhere, absolute."""
    path = path.resolve()
    try:
        return "${paths.root}/" + path.relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def config_text(name: str, articles: str, folder: str, command: str) -> str:
    return f"""\
# The {name} corpus. Made by `{command}` on {date.today().isoformat()}.
# Train and score on it:  newsroles run data={name}
# Files: articles (JSONL: id, text[, title, url]); gold (JSONL spans: doc_id, start, end,
# text, label; grown by `newsroles annotate import --data {name}`); splits (JSON: train,
# dev and test lists of article ids). README.md, "Your own corpus", says more.
name: {name}
path: {folder}
articles: {articles}
gold: ${{data.path}}/gold.jsonl
splits: ${{data.path}}/splits.json
# How articles are cut into sentences (newsroles.config.SentencesConfig).
sentences:
  drop_datelines: true
  drop_captions: true
  fragment_max_words: 8
# Also scored: reported speech (quote or attribution) against the rest.
coarse:
  quote: reported
  attribution: reported
  policy_statement: other
  background: other
"""


def init_corpus(name: str, articles_path: str | Path, root: Path, folder: str | Path | None,
                dev: float = 0.2, test: float = 0.2, seed: int = 0) -> dict:
    """Write the data config, an empty gold file and the splits; returns what was written
    and the split sizes. Raises NewsrolesError (nothing written) on any problem."""
    if not NAME.match(name):
        raise NewsrolesError(f"corpus name {name!r}: use lower-case letters, digits, - and _ "
                             "(it becomes data=NAME)")
    config = root / "conf" / "data" / f"{name}.yaml"
    folder = Path(folder) if folder else root / "data" / name
    gold, splits_file = folder / "gold.jsonl", folder / "splits.json"
    for existing in (config, gold, splits_file):
        if existing.exists():
            raise NewsrolesError("already exists; nothing written (data init never replaces "
                                 "a corpus's config, gold or splits)", existing)
    articles_path = Path(articles_path)
    if not articles_path.is_file():
        raise NewsrolesError("no such articles file", articles_path)
    ids = [a.id for a in read_articles(articles_path)]
    splits = split_articles(ids, dev, test, seed)
    command = (f"newsroles data init {name} --articles {articles_path} --dev {dev} "
               f"--test {test} --seed {seed}")
    folder.mkdir(parents=True, exist_ok=True)
    write_text(gold, "")
    write_text(splits_file, json.dumps(splits, indent=1, ensure_ascii=False) + "\n")
    write_text(config, config_text(name, _in_config(articles_path, root),
                                   _in_config(folder, root), command))
    return {"config": str(config), "gold": str(gold), "splits": str(splits_file),
            "articles": {s: len(v) for s, v in splits.items()}}
