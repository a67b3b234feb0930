"""Writing tagged sentences as JSONL, CSV or Parquet (or html, see html_page), atomically
when going to a file."""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import orjson

from newsroles import LABELS
from newsroles.io import atomic_path

BASE_FIELDS = ["doc_id", "sent_idx", "paragraph", "start", "end", "text", "label"]
# Who said it, flat: the source's span, the rule that found it (`via`), its kind (`type`),
# the name a pronoun or description stands for (`resolved`, with the rule that chose it),
# the cue, the quoted spans.
SOURCE_FIELDS = ["source", "source_start", "source_end", "source_sent_idx", "source_via",
                 "source_type", "source_resolved", "source_resolved_start",
                 "source_resolved_end", "source_resolved_sent_idx", "source_resolved_rule",
                 "cue", "cue_start",
                 "cue_end", "cue_sent_idx", "quote_spans"]
# Last of ours, before the input's fields: which model tagged the row (Tagger.identity).
MODEL_FIELD = "model_id"
_INT_FIELDS = {"sent_idx", "paragraph", "start", "end", "source_start", "source_end",
               "source_sent_idx", "source_resolved_start", "source_resolved_end",
               "source_resolved_sent_idx", "cue_start", "cue_end", "cue_sent_idx"}
# The key of the Parquet file's key-value metadata that holds the run (Tagger.identity).
PARQUET_RUN_KEY = b"newsroles"


@dataclass(frozen=True)
class Encoder:
    """Turns a batch of tagged records into the output format: JSON lines or CSV rows as
    text, or an Arrow table for Parquet. Tagging workers run it, so the main process only
    moves finished text (or tables) to the file. The columns are fixed up front (one score
    per label of the model, then the who-said-it columns when the tagger adds them, then
    the model id), so every batch has the same ones."""

    fmt: str
    labels: tuple[str, ...] = tuple(LABELS)
    sources: bool = False
    # The input's other fields (title, url, date...), as columns after ours; in Parquet
    # they are text (JSON for lists and objects), in CSV a cell each.
    extra: tuple[str, ...] = ()

    @property
    def fields(self) -> list[str]:
        return [*BASE_FIELDS, *[f"score_{label}" for label in self.labels],
                *(SOURCE_FIELDS if self.sources else []), MODEL_FIELD, *self.extra]

    def header(self) -> str:
        return _csv_text([dict(zip(self.fields, self.fields))], self.fields) \
            if self.fmt == "csv" else ""

    @cached_property
    def schema(self):
        """Native types: nullable int64 offsets, quote_spans a list of structs. The pandas
        metadata makes pandas.read_parquet give the offsets as nullable Int64, not floats
        with NaN."""
        import pandas as pd
        import pyarrow as pa

        ours = set(self.fields) - set(self.extra)

        def arrow_type(name: str):
            if name not in ours:
                return pa.string()
            if name in _INT_FIELDS:
                return pa.int64()
            if name.startswith("score_"):
                return pa.float64()
            return _quote_spans_type() if name == "quote_spans" else pa.string()

        schema = pa.schema([(f, arrow_type(f)) for f in self.fields])
        empty = pd.DataFrame({f: pd.Series([], dtype="Int64" if t == pa.int64() else
                                           "float64" if t == pa.float64() else object)
                              for f, t in zip(schema.names, schema.types)})
        return schema.with_metadata(pa.Schema.from_pandas(empty, preserve_index=False).metadata)

    def __call__(self, records: list[dict]):
        if self.fmt == "jsonl":
            return "".join([_json_line(r) for r in records])
        if self.fmt == "csv":
            return _csv_text([_flat_row(r, self.extra, spans_as_json=True) for r in records],
                             self.fields)
        if self.fmt == "parquet":
            import pyarrow as pa

            return pa.Table.from_pylist([_flat_row(r, self.extra) for r in records],
                                        schema=self.schema)
        raise ValueError(f"no encoder for {self.fmt}")


def _quote_spans_type():
    """list<struct<text, start, end, sent_idx>>: the quoted stretches of a sentence."""
    import pyarrow as pa

    return pa.list_(pa.struct([("text", pa.string()), ("start", pa.int64()),
                               ("end", pa.int64()), ("sent_idx", pa.int64())]))


def _json_line(record: dict) -> str:
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE).decode()
    except orjson.JSONEncodeError:
        # A lone surrogate (from a "\\ud800" escape in the input) is not UTF-8: json
        # writes it as an escape instead.
        return json.dumps(record) + "\n"


def encoder_for(fmt: str, labels, sources: bool, extra=()) -> Encoder | None:
    """The encoder of a format written batch by batch (None for html: it needs records)."""
    return None if fmt == "html" else Encoder(fmt, tuple(labels), sources, tuple(extra))


def _csv_text(rows: list[dict], fields: list[str]) -> str:
    buf = io.StringIO()
    csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore").writerows(rows)
    return buf.getvalue()


def _cell(value):
    """An input field as one text cell: strings as they are, the rest as JSON."""
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _flat_row(r: dict, extra=(), spans_as_json: bool = False) -> dict:
    """One record as a row of fixed columns: source and cue as text, offsets and sentence;
    quote_spans as they are (Parquet: a list of structs) or as JSON text (CSV)."""
    row = {k: r.get(k) for k in BASE_FIELDS}
    row.update({f"score_{k}": v for k, v in r["scores"].items()})
    source = r.get("source")
    spans = [("source", source), ("cue", r.get("cue"))]
    if "source" in r:
        spans.append(("source_resolved", (source or {}).get("resolved")))
        row["source_via"] = source.get("via") if source else None
        row["source_type"] = source.get("type") if source else None
        resolved = (source or {}).get("resolved") or {}
        row["source_resolved_rule"] = resolved.get("rule")
    for key, span in spans:
        if key in r or span or key == "source_resolved":
            row[key] = span["text"] if span else None
            row[f"{key}_start"] = span["start"] if span else None
            row[f"{key}_end"] = span["end"] if span else None
            row[f"{key}_sent_idx"] = span.get("sent_idx") if span else None
    if "quote_spans" in r:
        spans = r["quote_spans"]
        row["quote_spans"] = json.dumps(spans, ensure_ascii=False) if spans_as_json else spans
    row[MODEL_FIELD] = r.get(MODEL_FIELD)
    row.update({k: _cell(r.get(k)) for k in extra})
    return row


def check_output(output: str | None, fmt: str, inputs: list[str]) -> None:
    """Refuse, before anything is read or written, an output that is a directory (but for
    HTML pages) or one of the inputs."""
    from newsroles.errors import NewsrolesError

    if not output or output == "-":
        return
    path = Path(output)
    pages = fmt == "html" and (output.endswith("/") or path.is_dir())
    if path.is_dir() and not pages:
        raise NewsrolesError("-o is a directory; give a file name (or --format html for one "
                             "page per article)", path)
    for name in inputs:
        if name != "-" and path.exists() and Path(name).exists() and os.path.samefile(path, name):
            raise NewsrolesError("-o is an input file: tagging would replace the articles; "
                                 "write elsewhere", path)


def fixed_fields(docs):
    """(documents, field names) with the first document's fields as the fixed columns of
    a CSV or Parquet output; later documents' other fields are left out, said once."""
    docs = iter(docs)
    first = next(docs, None)
    if first is None:
        return iter(()), ()
    names = tuple(first.get("fields", {}))

    def rest():
        yield first
        warned = False
        for doc in docs:
            fields = doc.get("fields") or {}
            if fields.keys() - set(names):
                if not warned:
                    print(f"newsroles: warning: article {doc['id']!r} has fields "
                          f"{sorted(fields.keys() - set(names))} that the first article has "
                          "not; CSV and Parquet keep the first article's columns (JSON lines "
                          "keep every field)", file=sys.stderr)
                    warned = True
                doc = {**doc, "fields": {k: v for k, v in fields.items() if k in names}}
            yield doc

    return rest(), names


def write_batches(batches: Iterable, output: str | None, fmt: str,
                  encoder: Encoder | None, run: dict | None = None) -> None:
    """Write encoded batches (from Tagger.tag_batches with this encoder) to `output` (via
    a temporary file renamed at the end), or to stdout; html takes record batches. `run`
    (Tagger.identity: the model, its run folder, versions), stamped with the time writing
    began (`tagged_at`, UTC), goes into the Parquet file's metadata and the HTML header."""
    if run is not None:
        from datetime import datetime, timezone

        run = {**run, "tagged_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
    if fmt == "html":
        # Imported here: html_page imports nothing of this module.
        from newsroles.html_page import write_html

        write_html((r for batch in batches for r in batch), output, run)
        return
    if fmt == "parquet":
        if not output or output == "-":
            from newsroles.errors import NewsrolesError

            raise NewsrolesError("--format parquet needs an output file (-o FILE.parquet)")
        _write_parquet(batches, Path(output), encoder, run)
        return
    if not output or output == "-":
        _write_text(batches, sys.stdout, encoder)
        return
    path = Path(output)
    if path.exists() and not path.is_file():
        # A device or pipe (/dev/null, a FIFO): write to it; never replace it with a file.
        with path.open("w", encoding="utf-8", newline="") as fh:
            _write_text(batches, fh, encoder)
        return
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as fh:
        _write_text(batches, fh, encoder)


def write_records(records: Iterable[dict], output: str | None, fmt: str = "jsonl",
                  run: dict | None = None) -> int:
    """Write tagged records (encoded here, in this process); returns how many. The
    columns come from the first record (its score labels; who-said-it if it has it)."""
    records = iter(records)
    first = next(records, None)
    labels = tuple(first["scores"]) if first else tuple(LABELS)
    known = {*BASE_FIELDS, *SOURCE_FIELDS, MODEL_FIELD, "scores"}
    extra = [k for k in first if k not in known] if first else []
    encoder = encoder_for(fmt, labels, first is not None and "source" in first, extra)
    count = 0

    def batches():
        nonlocal count
        for batch in _batched(itertools.chain([first] if first else [], records), 8192):
            count += len(batch)
            yield encoder(batch) if encoder else batch

    write_batches(batches(), output, fmt, encoder, run)
    return count


def _write_text(batches: Iterable[str], fh, encoder: Encoder) -> None:
    fh.write(encoder.header())
    for text in batches:
        fh.write(text)


def _write_parquet(batches: Iterable, path: Path, encoder: Encoder, run: dict | None) -> None:
    """One row group per batch: memory stays one batch. The run is one JSON value under
    the key `newsroles` of the file's key-value metadata."""
    import pyarrow.parquet as pq

    schema = encoder.schema
    if run:
        schema = schema.with_metadata({**schema.metadata, PARQUET_RUN_KEY: json.dumps(run)})
    with atomic_path(path) as tmp:
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for table in batches:
                writer.write_table(table)


def _batched(records: Iterable[dict], size: int):
    it = iter(records)
    while batch := list(itertools.islice(it, size)):
        yield batch
