"""Writing tagged sentences as JSONL or CSV, atomically when going to a file."""

from __future__ import annotations

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
        # One score column per label of the model that tagged (our four by default).
        scores = [f"score_{k}" for k in first["scores"]] if first else CSV_FIELDS[6:]
        writer = csv.DictWriter(fh, fieldnames=[*BASE_FIELDS, *scores], extrasaction="ignore")
        writer.writeheader()
        if first is not None:
            records = itertools.chain([first], records)
        for r in records:
            row = {**r, **{f"score_{k}": v for k, v in r["scores"].items()}}
            writer.writerow(row)
            n += 1
    else:
        dumps = json.JSONEncoder(ensure_ascii=False).encode
        for r in records:
            fh.write(dumps(r))
            fh.write("\n")
            n += 1
    return n


def atomic_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_records(records: Iterable[dict], output: str | None, fmt: str = "jsonl") -> int:
    """Write to `output` (via a temporary file, renamed at the end) or to stdout."""
    if fmt == "html":
        from newsroles.html_page import write_html

        return write_html(records, output)
    if not output or output == "-":
        return _write(records, sys.stdout, fmt)
    path = Path(output)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            n = _write(records, fh, fmt)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n
