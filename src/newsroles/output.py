"""Writing tagged sentences as JSONL or CSV, atomically when going to a file."""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from newsroles import LABELS

BASE_FIELDS = ["doc_id", "sent_idx", "start", "end", "text", "label"]
CSV_FIELDS = [*BASE_FIELDS, *[f"score_{label}" for label in LABELS]]


def _write(records: Iterable[dict], fh, fmt: str) -> int:
    n = 0
    if fmt == "csv":
        records = iter(records)
        first = next(records, None)
        # One score column per label of the model that tagged (our four by default), then
        # the source and cue columns when the records carry them.
        fields = list(_flat_row(first)) if first else CSV_FIELDS
        writer = csv.DictWriter(fh, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        if first is not None:
            records = itertools.chain([first], records)
        for r in records:
            writer.writerow(_flat_row(r))
            n += 1
    else:
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for r in records:
            fh.write(dumps(r))
            fh.write("\n")
            n += 1
    return n


@contextlib.contextmanager
def _atomic(path: Path):
    """Yield a temporary path beside `path`; rename it over `path` when the block ends,
    remove it if the block fails, so a crash never leaves half a file that looks whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_text(path: Path, text: str) -> None:
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


def _flat_row(r: dict) -> dict:
    row = {k: r.get(k) for k in BASE_FIELDS}
    row.update({f"score_{k}": v for k, v in r["scores"].items()})
    for key in ("source", "cue"):
        span = r.get(key)
        if key in r or span:
            row[key] = span["text"] if span else None
            row[f"{key}_start"] = span["start"] if span else None
            row[f"{key}_end"] = span["end"] if span else None
    if "quote_spans" in r:
        row["quote_spans"] = json.dumps(r["quote_spans"], ensure_ascii=False)
    return row


def write_parquet(records: Iterable[dict], output: str, batch_rows: int = 65_536) -> int:
    """Parquet through pyarrow, one row group per batch: memory stays one batch."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    writer, schema, n = None, None, 0
    with _atomic(Path(output)) as tmp:
        for batch in _batched(records, batch_rows):
            rows = [_flat_row(r) for r in batch]
            table = pa.Table.from_pylist(rows, schema=schema)
            if writer is None:
                schema = table.schema
                writer = pq.ParquetWriter(tmp, schema, compression="zstd")
            writer.write_table(table)
            n += len(rows)
        if writer is None:  # no records: an empty file with the base columns
            pq.write_table(pa.table({k: pa.array([], pa.string()) for k in BASE_FIELDS}), tmp)
        else:
            writer.close()
    return n


def _batched(records: Iterable[dict], size: int):
    it = iter(records)
    while batch := list(itertools.islice(it, size)):
        yield batch


def write_records(records: Iterable[dict], output: str | None, fmt: str = "jsonl") -> int:
    """Write to `output` (via a temporary file, renamed at the end) or to stdout."""
    if fmt == "parquet":
        if not output or output == "-":
            from newsroles.errors import NewsrolesError

            raise NewsrolesError("--format parquet needs an output file (-o FILE.parquet)")
        return write_parquet(records, output)
    if fmt == "html":
        from newsroles.html_page import write_html

        return write_html(records, output)
    if not output or output == "-":
        return _write(records, sys.stdout, fmt)
    path = Path(output)
    if path.exists() and not path.is_file():
        # A device or pipe (/dev/null, a FIFO): write to it; never replace it with a file.
        with path.open("w", encoding="utf-8", newline="") as fh:
            return _write(records, fh, fmt)
    with _atomic(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        n = _write(records, fh, fmt)
    return n
