"""The records where stages, the tagger and annotation meet, and reading them from files.

Article and GoldSpan are the inputs. The sentence row is what crosses every stage: the
prepare stage writes SENTENCE_COLUMNS (see sentences.Sentence, plus the neighbours' text
from `with_context`), the gold stage adds GOLD_COLUMNS, and models whose features read the
dependency parse get it in PARSE_COLUMN. The tagger builds the same rows from new text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newsroles import LABELS
from newsroles.errors import NewsrolesError
from newsroles.io import iter_jsonl, read_json

# The sentence row: its place, text, quotation state and interview turn, and neighbours.
SENTENCE_COLUMNS = (
    "doc_id", "sent_idx", "start", "end", "text", "paragraph", "quote_open_start",
    "quote_open_end", "has_quote_marks", "interview_turn", "prev_text", "next_text",
)
# Added by the gold stage: the gold label (None when unlabelled) and the article's split.
GOLD_COLUMNS = ("gold_label", "split")
# The compact dependency parse (labeling.parse) of each sentence, for parse-reading features.
PARSE_COLUMN = "_parse"


def with_context(sentences: Iterable) -> list[dict]:
    """Sentence rows (from sentences.Sentence objects of one document, in order) with their
    neighbours' text."""
    rows = [s.to_dict() for s in sentences]
    for i, row in enumerate(rows):
        row["prev_text"] = rows[i - 1]["text"] if i > 0 else ""
        row["next_text"] = rows[i + 1]["text"] if i + 1 < len(rows) else ""
    return rows


@dataclass(frozen=True)
class Article:
    id: str
    text: str
    title: str = ""
    url: str = ""


@dataclass(frozen=True)
class GoldSpan:
    doc_id: str
    start: int
    end: int
    text: str
    label: str


def read_articles(path: str | Path) -> list[Article]:
    articles, seen = [], set()
    for lineno, obj in iter_jsonl(path):
        doc_id, text = obj.get("id"), obj.get("text")
        if doc_id is None or not isinstance(text, str):
            raise NewsrolesError("an article needs 'id' and a string 'text'", path, lineno)
        doc_id = str(doc_id)
        if doc_id in seen:
            raise NewsrolesError(f"duplicate article id {doc_id!r}", path, lineno)
        seen.add(doc_id)
        articles.append(Article(doc_id, text, obj.get("title", ""), obj.get("url", "")))
    return articles


def read_gold(path: str | Path, articles: dict[str, Article] | None = None) -> list[GoldSpan]:
    """Read gold spans; check labels, offsets against the article text, and duplicates."""
    spans, seen = [], {}
    for lineno, obj in iter_jsonl(path, allow_empty=True):  # a gold set starts empty
        missing = [k for k in ("doc_id", "start", "end", "text", "label") if k not in obj]
        if missing:
            raise NewsrolesError(f"gold record lacks {', '.join(missing)}", path, lineno)
        label = obj["label"]
        if label not in LABELS:
            raise NewsrolesError(
                f"unknown label {label!r} (expected one of {', '.join(LABELS)})", path, lineno
            )
        doc_id, start, end = str(obj["doc_id"]), obj["start"], obj["end"]
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end):
            raise NewsrolesError(f"bad span {start!r}-{end!r}", path, lineno)
        if articles is not None:
            article = articles.get(doc_id)
            if article is None:
                raise NewsrolesError(f"unknown article {doc_id!r}", path, lineno)
            if article.text[start:end] != obj["text"]:
                raise NewsrolesError(
                    f"span {start}-{end} does not match the text of article {doc_id!r}",
                    path,
                    lineno,
                )
        key = (doc_id, start, end)
        if key in seen:
            raise NewsrolesError(
                f"span {start}-{end} of {doc_id!r} already labelled on line {seen[key]}",
                path,
                lineno,
            )
        seen[key] = lineno
        spans.append(GoldSpan(doc_id, start, end, obj["text"], label))
    return spans


SPLITS = ("train", "dev", "test")


def read_splits_file(path: str | Path) -> dict[str, list[str]]:
    """splits.json as it is on disk, checked: an object whose keys are train/dev/test and
    whose values are lists of article ids (strings)."""
    path = Path(path)
    raw = read_json(path)
    if not isinstance(raw, dict):
        raise NewsrolesError("a splits file is a JSON object {\"train\": [ids], \"dev\": "
                             f"[...], \"test\": [...]}}, not a {type(raw).__name__}", path)
    for split, ids in raw.items():
        if split not in SPLITS:
            raise NewsrolesError(f"unknown split {split!r} (expected {', '.join(SPLITS)})", path)
        if not isinstance(ids, list):
            raise NewsrolesError(f"split {split!r} must be a list of article ids", path)
        bad = next((d for d in ids if not isinstance(d, str)), None)
        if bad is not None or any(not isinstance(d, str) for d in ids):
            raise NewsrolesError(f"split {split!r} holds {bad!r}: article ids are strings",
                                 path)
    return raw


def read_splits(path: str | Path) -> dict[str, str]:
    """splits.json ({"train": [doc ids], "dev": [...], "test": [...]}) -> doc_id -> split."""
    raw = read_splits_file(path)
    doc_split: dict[str, str] = {}
    for split in SPLITS:
        for doc_id in raw.get(split, []):
            if doc_id in doc_split:
                raise NewsrolesError(
                    f"article {doc_id!r} is in both {doc_split[doc_id]} and {split}", path
                )
            doc_split[doc_id] = split
    return doc_split


@dataclass(frozen=True)
class LabelledSentence:
    doc_id: str
    text: str
    label: str | None
    split: str


def read_sentence_files(
    files: dict[str, str | Path], labels: list[str], ignore: list[str]
) -> list[LabelledSentence]:
    """Pre-split, labelled sentences: one file per split, lines {"doc_id", "text", "label"},
    a document's sentences consecutive and in order. Labels in `ignore` become None (kept as
    context, never scored); documents must not cross files (splits stay disjoint)."""
    known, skipped = set(labels), set(ignore)
    out: list[LabelledSentence] = []
    doc_file: dict[str, Path] = {}
    for split, path in files.items():
        path = Path(path)
        last = None
        for lineno, obj in iter_jsonl(path):
            doc_id, text, label = obj.get("doc_id"), obj.get("text"), obj.get("label")
            if doc_id is None or not isinstance(text, str):
                raise NewsrolesError("a sentence needs 'doc_id' and a string 'text'", path, lineno)
            doc_id = str(doc_id)
            if label not in known and label not in skipped:
                raise NewsrolesError(
                    f"unknown label {label!r} (expected one of {', '.join([*labels, *ignore])})",
                    path, lineno,
                )
            if doc_id != last:
                if doc_id in doc_file:
                    where = "another split" if doc_file[doc_id] != path else "earlier lines"
                    raise NewsrolesError(
                        f"document {doc_id!r} also appears in {where} ({doc_file[doc_id]}): "
                        "a document's sentences must be consecutive and in one split",
                        path, lineno,
                    )
                doc_file[doc_id], last = path, doc_id
            out.append(LabelledSentence(doc_id, text, None if label in skipped else label, split))
    return out
