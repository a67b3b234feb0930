"""Records that cross stages and their JSONL reading/writing, with line-numbered errors."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from newsroles import LABELS
from newsroles.errors import NewsrolesError


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


def _open_text(path: Path):
    if not path.exists():
        raise NewsrolesError("file not found", path)
    if path.is_dir():
        raise NewsrolesError("is a directory, expected a file", path)
    return path.open("rb")


def iter_json_lines(fh, name: object) -> Iterator[tuple[int, dict]]:
    """Yield (line_number, object) from a binary stream of JSON lines; `name` is what the
    error messages call it. Blank lines are skipped; an empty stream is an error."""
    seen_any = False
    for lineno, raw in enumerate(fh, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            raise NewsrolesError(f"not UTF-8 text (byte {e.start})", name, lineno) from None
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise NewsrolesError(f"not valid JSON ({e.msg})", name, lineno) from None
        if not isinstance(obj, dict):
            raise NewsrolesError("expected a JSON object", name, lineno)
        seen_any = True
        yield lineno, obj
    if not seen_any:
        raise NewsrolesError("empty file: no JSON lines", name)


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, dict]]:
    """Yield (line_number, object) for each non-blank line; bad lines raise NewsrolesError."""
    path = Path(path)
    with _open_text(path) as fh:
        yield from iter_json_lines(fh, path)


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
    for lineno, obj in iter_jsonl(path):
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


def read_splits(path: str | Path) -> dict[str, str]:
    """splits.json ({"train": [doc ids], "dev": [...], "test": [...]}) -> doc_id -> split."""
    path = Path(path)
    try:
        raw = json.loads(_open_text(path).read().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise NewsrolesError(f"not a valid JSON splits file ({e})", path) from None
    doc_split: dict[str, str] = {}
    for split in ("train", "dev", "test"):
        for doc_id in raw.get(split, []):
            if doc_id in doc_split:
                raise NewsrolesError(
                    f"article {doc_id!r} is in both {doc_split[doc_id]} and {split}", path
                )
            doc_split[doc_id] = split
    return doc_split


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write to a temporary file beside the target, then rename: never half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes files private; run outputs are for sharing
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, obj) -> None:
    atomic_write_text(path, json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n")


def write_jsonl(path: str | Path, rows) -> None:
    atomic_write_text(
        path, "".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in rows)
    )


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
