"""A corpus cut into partitions, tagged as numbered part files under one folder.

Engine-free (no dask here): `plan` turns the inputs (files, globs, Parquet dataset folders)
into partitions: one per file, or slices of `size` documents of a JSON-lines file (by byte
range, found by one pass over its lines) or a Parquet file (by rows). `tag_partition` tags
one partition with a Tagger into `part-NNNNN.<fmt>` and records it in `_parts/`; a part is
finished (`finished`) only while its record's key (the input file's path, size and mtime,
the slice, the model id and the options) matches and its file's size and SHA-256 match the
record. `write_manifest` writes `_SUCCESS` when every part is finished. `shard` is the
other way to spread a corpus: job K of N takes documents K, K+N, K+2N... of the input.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from newsroles.documents import ACCEPTED, check_input_file, document, read_documents
from newsroles.errors import NewsrolesError
from newsroles.io import file_sha256, read_json, write_json

MANIFEST = "_SUCCESS"
RECORDS = "_parts"
# Held by the `tag` writing the folder (distributed._only_writer); a dot name, so readers
# of the parts as a dataset (pyarrow, dask) pass over it.
LOCK = ".newsroles.lock"
PART_NAME = re.compile(r"^part-(\d{5,})\.(jsonl|csv|parquet)$")
# Formats a part can be written in (HTML pages are not a dataset).
PART_FORMATS = ("parquet", "jsonl", "csv")


@dataclass(frozen=True)
class Partition:
    """Documents [first, stop) of one input file; for JSON lines also the bytes [start,
    end) holding them and the line number of the first (None: the whole file)."""

    index: int
    path: str
    first: int = 0
    stop: int | None = None
    byte_start: int | None = None
    byte_end: int | None = None
    first_line: int = 1

    @property
    def name(self) -> str:
        return f"part-{self.index:05d}"

    def describe(self) -> str:
        """The input, as a failure report names it."""
        if self.stop is None:
            return self.path
        return f"{self.path}, documents {self.first + 1}-{self.stop}"

    def identity(self) -> dict:
        """What the part's content depends on in its input: the file as it is now."""
        st = os.stat(self.path)
        return {**asdict(self), "size": st.st_size, "mtime_ns": st.st_mtime_ns}


# --- inputs and partitions -----------------------------------------------------------------


def expand_inputs(names: list[str], stdin: bool = False) -> list[str]:
    """Files in order: a glob's matches sorted, a folder's Parquet files (a dataset,
    recursively; names starting with _ or . left out, as pyarrow does) sorted; `-`
    (standard input) kept where `stdin` allows it."""
    files: list[str | list[str]] = []
    for name in names:
        if name == "-":
            if stdin:
                files.append(name)
                continue
            raise NewsrolesError("the cluster engine reads files, not standard input (-)")
        if glob.has_magic(name):
            matches = sorted(glob.glob(name, recursive=True))
            if not matches:
                raise NewsrolesError("no file matches this pattern", name)
            files.extend(_files_of(m) for m in matches)
        else:
            files.append(_files_of(name))
    flat = [f for group in files for f in ([group] if isinstance(group, str) else group)]
    for f in flat:
        if f != "-":
            _check_input(f)
    return flat


def _files_of(name: str) -> str | list[str]:
    path = Path(name)
    if not path.is_dir():
        return name
    found = sorted(str(p) for p in path.rglob("*.parquet")
                   if not any(part.startswith(("_", ".")) for part in p.relative_to(path).parts))
    if not found:
        raise NewsrolesError("a folder as input must hold .parquet files (a Parquet dataset)",
                             path)
    return found


def _check_input(name: str) -> None:
    check_input_file(Path(name), f"{ACCEPTED}, or a folder of .parquet files")


def plan(files: list[str], size: int) -> list[Partition]:
    """The partitions of the inputs, in input order: JSON lines and Parquet files cut into
    slices of `size` documents, other files whole."""
    out: list[Partition] = []
    for path in files:
        suffix = Path(path).suffix.lower()
        if suffix == ".jsonl":
            slices = _jsonl_slices(path, size)
        elif suffix == ".parquet":
            slices = _parquet_slices(path, size)
        else:
            slices = [{}]
        for s in slices:  # workers may start elsewhere: the path is absolute
            out.append(Partition(len(out), os.path.abspath(path), **s))
    return out


def _jsonl_slices(path: str, size: int) -> list[dict]:
    """One pass over the lines (not parsed): where each run of `size` non-blank lines
    starts and ends, in bytes and line numbers."""
    slices, start, first_line, docs, lineno, offset = [], 0, 1, 0, 0, 0
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if docs == 0:
                start, first_line = offset, lineno
            offset += len(raw)
            if raw.strip() and raw.strip() != b"\xef\xbb\xbf":
                docs += 1
            if docs == size:
                slices.append((start, offset, first_line, docs))
                docs = 0
    if docs:
        slices.append((start, offset, first_line, docs))
    if not slices:
        raise NewsrolesError("empty file: no JSON lines", path)
    out, first = [], 0
    for byte_start, byte_end, line, n in slices:
        out.append({"first": first, "stop": first + n, "byte_start": byte_start,
                    "byte_end": byte_end, "first_line": line})
        first += n
    return out


def _parquet_slices(path: str, size: int) -> list[dict]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        rows = pq.ParquetFile(path).metadata.num_rows
    except (pa.ArrowException, OSError) as e:
        raise NewsrolesError(f"not a readable Parquet file ({str(e).splitlines()[0]})",
                             path) from None
    return [{"first": a, "stop": min(a + size, rows)} for a in range(0, rows, size)] or [{}]


def read_partition(part: Partition, columns: tuple[str, str, str]) -> Iterator[dict]:
    """The partition's documents, as documents.read_documents gives them (errors name the
    file and its line or row)."""
    if part.byte_start is not None:
        yield from _jsonl_documents(part, columns)
    elif part.stop is not None:
        yield from _parquet_documents(part, columns)
    else:
        yield from read_documents([part.path], *columns)


def _jsonl_documents(part: Partition, columns) -> Iterator[dict]:
    import io

    from newsroles.io import iter_json_lines

    with open(part.path, "rb") as fh:
        fh.seek(part.byte_start)
        data = fh.read(part.byte_end - part.byte_start)
    shift = part.first_line - 1
    lines = iter_json_lines(io.BytesIO(data), part.path, allow_empty=True)
    while True:
        try:
            lineno, obj = next(lines)
        except StopIteration:
            return
        except NewsrolesError as e:  # its line number counts from the slice's start
            if e.line is None or shift == 0:
                raise
            raise NewsrolesError(e.message, e.path, e.line + shift) from None
        yield document(obj, part.path, lineno + shift, columns)


def _parquet_documents(part: Partition, columns) -> Iterator[dict]:
    import pyarrow.parquet as pq

    from newsroles.documents import _check_columns, parquet_row_document

    parquet = pq.ParquetFile(part.path)
    _check_columns(parquet.schema_arrow.names, columns, part.path)
    meta, row0 = parquet.metadata, 0
    for group in range(meta.num_row_groups):
        n = meta.row_group(group).num_rows
        lo, hi = max(part.first, row0), min(part.stop, row0 + n)
        if lo < hi:
            table = parquet.read_row_group(group).slice(lo - row0, hi - lo)
            for k, rec in enumerate(table.to_pylist()):
                yield parquet_row_document(rec, part.path, lo + k + 1, columns)
        row0 += n


# --- shards (independent jobs, no engine) --------------------------------------------------


def shard(docs: Iterable[dict], shards: int, index: int) -> Iterator[dict]:
    """Documents index, index + shards, ... of the input (counted across all inputs, in
    order). Round-robin rather than contiguous ranges: it needs no count of the input
    before tagging starts, and a corpus sorted by outlet or year spreads evenly."""
    for i, doc in enumerate(docs):
        if i % shards == index:
            yield doc


def check_shards(shards: int | None, index: int | None) -> None:
    if shards is None and index is None:
        return
    if shards is None or index is None:
        raise NewsrolesError("--shards N and --shard-index K go together")
    if shards < 1:
        raise NewsrolesError(f"--shards must be at least 1, not {shards}")
    if not 0 <= index < shards:
        raise NewsrolesError(f"--shard-index must be in 0..{shards - 1} for --shards "
                             f"{shards}, not {index}")


# --- the output folder ---------------------------------------------------------------------


def check_out_dir(out_dir: str, files: list[str]) -> Path:
    """A new, empty or earlier-parts folder that holds none of the inputs."""
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise NewsrolesError("-o must be a folder for the parts; this is a file", path)
    if path.is_dir():
        ours = {MANIFEST, RECORDS, LOCK}
        foreign = [p.name for p in path.iterdir()
                   if p.name not in ours and not PART_NAME.match(p.name)
                   and not p.name.startswith(".part-")]
        if foreign:
            raise NewsrolesError(f"-o holds files that are not parts of a tagged corpus "
                                 f"({', '.join(sorted(foreign)[:3])}); give a new or empty "
                                 "folder", path)
    resolved = path.resolve()
    for f in files:
        if resolved in Path(f).resolve().parents:
            raise NewsrolesError("an input lies inside -o: the parts would mix with it", f)
    return path


def part_key(part: Partition, options: dict) -> str:
    """What a part's rows depend on: its input slice as the file is now, the model and the
    tagging options (format, who-said-it, columns, runtime)."""
    blob = json.dumps({"input": part.identity(), **options}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def part_file(out_dir: Path, part: Partition, fmt: str) -> Path:
    return out_dir / f"{part.name}.{fmt}"


def _record_file(out_dir: Path, part: Partition) -> Path:
    return out_dir / RECORDS / f"{part.name}.json"


def finished(out_dir: Path, part: Partition, fmt: str, key: str) -> dict | None:
    """The part's record if the part is done for this key and its file is whole."""
    try:
        record = read_json(_record_file(out_dir, part))
    except (NewsrolesError, OSError, ValueError):
        return None
    path = part_file(out_dir, part, fmt)
    if not isinstance(record, dict) or record.get("key") != key or not path.is_file():
        return None
    if path.stat().st_size != record.get("bytes") or file_sha256(path) != record.get("sha256"):
        return None
    return record


def tag_partition(tagger, part: Partition, out_dir: Path, fmt: str, key: str,
                  columns: tuple[str, str, str], extra: tuple[str, ...] | None,
                  batch_size: int) -> dict:
    """Tag one partition into its part file (written aside and renamed), then record it.
    `extra`: the fixed input fields of CSV and Parquet parts (those of the corpus's first
    document, as a single-machine run keeps them); other fields are dropped and named."""
    from newsroles.output import encoder_for, write_batches
    from newsroles.tagger import counted

    docs = read_partition(part, columns)
    dropped: set[str] = set()
    if extra is not None:
        docs = _fixed(docs, extra, dropped)
    encoder = encoder_for(fmt, tagger.model.labels, tagger.sources, extra or ())
    counts = [0, 0]
    batches = tagger.tag_batches(docs, batch_size=batch_size, jobs=1, encode=encoder)
    path = part_file(out_dir, part, fmt)
    write_batches(counted(batches, counts), str(path), fmt, encoder, tagger.identity)
    record = {"key": key, "part": path.name, "input": part.describe(),
              "partition": asdict(part), "rows": counts[0], "documents": counts[1],
              "bytes": path.stat().st_size, "sha256": file_sha256(path),
              "dropped_fields": sorted(dropped)}
    write_json(_record_file(out_dir, part), record)
    return record


def _fixed(docs: Iterator[dict], names: tuple[str, ...], dropped: set) -> Iterator[dict]:
    for doc in docs:
        fields = doc.get("fields") or {}
        if fields.keys() - set(names):
            dropped.update(fields.keys() - set(names))
            doc = {**doc, "fields": {k: v for k, v in fields.items() if k in names}}
        yield doc


def first_fields(parts: list[Partition], columns) -> tuple[str, ...]:
    """The first document's field names: the fixed columns of CSV and Parquet parts."""
    for part in parts:
        for doc in read_partition(part, columns):
            return tuple(doc.get("fields") or {})
    return ()


def write_manifest(out_dir: Path, records: list[dict], fmt: str, identity: dict,
                   options: dict) -> dict:
    """`_SUCCESS`: every part in order with its input and rows, the model and versions.
    Parts of earlier runs that the plan no longer has are removed first."""
    from datetime import datetime, timezone

    from newsroles import __version__

    keep = {r["part"] for r in records} | {f"{Path(r['part']).stem}.json" for r in records}
    for folder in (out_dir, out_dir / RECORDS):
        for p in folder.iterdir():
            stale = PART_NAME.match(p.name) or (folder.name == RECORDS and p.suffix == ".json")
            if stale and p.name not in keep:
                p.unlink()
    manifest = {
        "format": fmt, "model_id": identity["model_id"], "model_name": identity["model_name"],
        "model_dir": identity.get("model_dir"), "run_dir": identity.get("run_dir"),
        "newsroles_version": __version__, "options": options,
        "finished_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "rows": sum(r["rows"] for r in records),
        "documents": sum(r["documents"] for r in records),
        "parts": [_manifest_entry(r) for r in records],
    }
    write_json(out_dir / MANIFEST, manifest)
    return manifest


def _manifest_entry(record: dict) -> dict:
    """A part as _SUCCESS lists it: its file, its input file and documents (a slice:
    [first, stop), 0-based; null for the whole file), rows, size and hash."""
    part = record["partition"]
    whole = part["stop"] is None
    return {"part": record["part"], "input": part["path"],
            "slice": None if whole else [part["first"], part["stop"]],
            **{k: record[k] for k in ("rows", "documents", "bytes", "sha256")}}


def clear_manifest(out_dir: Path) -> None:
    """A folder being (re)written has no `_SUCCESS` until every part is done."""
    (out_dir / MANIFEST).unlink(missing_ok=True)
    (out_dir / RECORDS).mkdir(parents=True, exist_ok=True)
