"""Documents to tag, read from .txt, .jsonl, .csv and .parquet files and standard input.

A document is {"id", "text"} (split by the pipeline) or {"id", "sentences": [...]}
(already split: tagged as given), plus "fields": the input's other fields or columns
(title, url, date, publisher...), which every output row carries under their own names
(prefixed `input_` where a name is one of the output's own). Bad input is a NewsrolesError
naming the file and line (or row).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from newsroles.errors import NewsrolesError
from newsroles.io import iter_json_lines, iter_jsonl

SUFFIXES = (".txt", ".jsonl", ".csv", ".parquet")
ACCEPTED = ".txt (one article), .jsonl, .csv or .parquet (one article per line or row), or - (stdin)"
# The output's own field names: an input field of the same name is carried as input_<name>.
OUTPUT_FIELDS = {"doc_id", "sent_idx", "start", "end", "text", "label", "scores", "source",
                 "cue", "quote_spans", "source_start", "source_end", "cue_start", "cue_end",
                 "paragraph", "source_sent_idx", "cue_sent_idx", "model_id", "source_via",
                 "source_type", "source_resolved", "source_resolved_start",
                 "source_resolved_end", "source_resolved_sent_idx", "source_resolved_rule"}
# Longest pre-split sentence accepted (spaCy parses at most 1,000,000 characters; raw text
# is cut into pieces of at most sentences.MAX_SENTENCE_CHARS instead).
MAX_GIVEN_SENTENCE_CHARS = 100_000


def read_documents(paths: list[str], id_column: str = "id", text_column: str = "text",
                   sentences_column: str = "sentences") -> Iterator[dict]:
    columns = (id_column, text_column, sentences_column)
    for name in paths:
        if name == "-":
            yield from _stdin_documents(columns)
            continue
        path = Path(name)
        suffix = check_input_file(path)
        if not path.is_file():
            raise NewsrolesError("is a directory, expected a file", path)
        if suffix == ".jsonl":
            for lineno, obj in iter_jsonl(path):
                yield document(obj, path, lineno, columns)
        elif suffix == ".csv":
            yield from _csv_documents(path, columns)
        elif suffix == ".parquet":
            yield from _parquet_documents(path, columns)
        else:
            text = _decode(path.read_bytes(), path)
            if not text.strip():
                raise NewsrolesError("empty file", path)
            yield {"id": path.stem, "text": checked_text(text, path, None), "fields": {}}


def check_input_file(path: Path, accepted: str = ACCEPTED) -> str:
    """An input's suffix, once it is one we read and the file exists."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise NewsrolesError(f"cannot read {suffix or 'a file without a suffix'}: "
                             f"inputs are {accepted}", path)
    if not path.exists():
        raise NewsrolesError("file not found", path)
    return suffix


def _decode(data: bytes, where) -> str:
    try:
        return data.decode("utf-8-sig")  # a byte-order mark is not text
    except UnicodeDecodeError as e:
        raise NewsrolesError(f"not UTF-8 text (byte {e.start})", where) from None


def _stdin_documents(columns) -> Iterator[dict]:
    data = sys.stdin.buffer.read()
    text = _decode(data, "<stdin>")
    if not text.strip():
        raise NewsrolesError("empty input", "<stdin>")
    if text.lstrip().startswith("{"):
        for lineno, obj in iter_json_lines(io.BytesIO(data), "<stdin>"):
            yield document(obj, "<stdin>", lineno, columns)
    else:
        yield {"id": "stdin", "text": checked_text(text, "<stdin>", None), "fields": {}}


def checked_text(text: str, path, lineno, what: str = "text") -> str:
    """Text that can be written back out: no lone surrogates (a "\\ud800" JSON escape)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise NewsrolesError(f"{what} holds a lone surrogate (U+{ord(text[e.start]):04X} at "
                             f"character {e.start}), which is not Unicode text",
                             path, lineno) from None
    return text


def check_given_sentences(sents: list[str], path, lineno=None, text_column="text") -> None:
    """Pre-split sentences must be Unicode text of at most MAX_GIVEN_SENTENCE_CHARS."""
    for i, s in enumerate(sents):
        checked_text(s, path, lineno, f"sentence {i}")
        if len(s) > MAX_GIVEN_SENTENCE_CHARS:
            raise NewsrolesError(
                f"sentence {i} has {len(s):,} characters; a given sentence may have at "
                f"most {MAX_GIVEN_SENTENCE_CHARS:,} (give the text as {text_column!r} "
                "to have it split)", path, lineno)


def _doc_id(value, path, lineno) -> str | int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise NewsrolesError(f"the id must be a string or a whole number, not {value!r}"[:200],
                             path, lineno)
    if isinstance(value, str):
        checked_text(value, path, lineno, "the id")
    return value


def _fields(obj: dict, columns, path, lineno) -> dict:
    out = {}
    for key, value in obj.items():
        if key in columns:
            continue
        checked_text(json.dumps(value, ensure_ascii=False, default=str) if not
                      isinstance(value, str) else value, path, lineno, f"field {key!r}")
        clash = key in OUTPUT_FIELDS or key.startswith("score_")
        out[f"input_{key}" if clash else key] = value
    return out


def document(obj, path, lineno, columns=("id", "text", "sentences")) -> dict:
    id_column, text_column, sentences_column = columns
    if not isinstance(obj, dict):
        raise NewsrolesError("expected a JSON object", path, lineno)
    doc_id = _doc_id(obj[id_column], path, lineno) if id_column in obj else f"line{lineno}"
    fields = _fields(obj, columns, path, lineno)
    if sentences_column in obj:
        sents = obj[sentences_column]
        if not isinstance(sents, list) or not all(isinstance(s, str) for s in sents):
            raise NewsrolesError(f"{sentences_column!r} must be a list of strings", path, lineno)
        check_given_sentences(sents, path, lineno, text_column)
        return {"id": doc_id, "sentences": sents, "fields": fields}
    if isinstance(obj.get(text_column), str):
        return {"id": doc_id, "text": checked_text(obj[text_column], path, lineno),
                "fields": fields}
    raise NewsrolesError(f"a line needs {text_column!r} (a string) or {sentences_column!r} "
                         "(a list)", path, lineno)


def _check_columns(names: list[str], columns, path) -> None:
    id_column, text_column, sentences_column = columns
    if text_column not in names and sentences_column not in names:
        raise NewsrolesError(f"no {text_column!r} or {sentences_column!r} column (columns: "
                             f"{', '.join(names[:20])}; --text-column names another)", path)


def _csv_documents(path: Path, columns) -> Iterator[dict]:
    import csv

    csv.field_size_limit(2**31 - 1)  # articles are long; the default limit is 128 KiB
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        try:
            names = reader.fieldnames or []
            _check_columns(list(names), columns, path)
            sentences_column = columns[2]
            for lineno, row in enumerate(reader, 2):
                if None in row:
                    raise NewsrolesError("more cells than the header has columns", path, lineno)
                if sentences_column in row:
                    try:
                        row[sentences_column] = json.loads(row[sentences_column])
                    except ValueError:
                        raise NewsrolesError(f"{sentences_column!r} must hold a JSON list of "
                                             "strings", path, lineno) from None
                yield document(row, path, lineno, columns)
        except UnicodeDecodeError as e:
            raise NewsrolesError(f"not UTF-8 text (byte {e.start})", path) from None
        except csv.Error as e:
            raise NewsrolesError(f"not a readable CSV file ({e})", path, reader.line_num) from None


def _parquet_documents(path: Path, columns) -> Iterator[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as e:
        raise NewsrolesError(f"not a readable Parquet file ({str(e).splitlines()[0]})",
                             path) from None
    _check_columns(parquet.schema_arrow.names, columns, path)
    row = 0
    for batch in parquet.iter_batches(batch_size=1024):
        for rec in batch.to_pylist():
            row += 1
            yield parquet_row_document(rec, path, row, columns)


def parquet_row_document(rec: dict, path, row: int, columns) -> dict:
    """One Parquet row as a document; dates and times as ISO text, as JSON would give them."""
    rec = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in rec.items()}
    return document(rec, path, row, columns)
