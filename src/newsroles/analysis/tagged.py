"""Reading what `newsroles tag` wrote (JSONL, CSV, Parquet) by the columns an analysis
needs, grouping it by the input's own fields, and joining a hand-labelled sample to it.

Only the needed columns are read (Parquet and CSV by name), so the text and the who-said-
it spans of a million sentences are never loaded, and a change to the other columns (types,
new ones) does not matter here.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import orjson
import pandas as pd

from newsroles.errors import NewsrolesError

KEY_COLUMNS = ["doc_id", "sent_idx", "start", "end", "label"]
SOURCE_COLUMN = "source"
MODEL_ID_COLUMN = "model_id"
SUFFIXES = (".jsonl", ".csv", ".parquet")
DATE_UNITS = {"year": "Y", "month": "M", "day": "D"}
MISSING_GROUP = "(missing)"


def read_tagged(paths: list[str | Path], fields: list[str],
                extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """One table of tagged sentences from one or more files: the key columns, one
    `score_<label>` column per label where scores were written, `source` (the source's
    text) where who-said-it ran, `model_id` where present, and the input `fields` named.
    `extra`: more of the tagger's own columns, where present (`text`, `source_type`,
    `source_resolved`...; from JSONL's nested `source` by the flat names of output.py)."""
    tables = [_read_one(Path(p), fields, tuple(extra)) for p in paths]
    table = pd.concat(tables, ignore_index=True) if len(tables) > 1 else tables[0]
    score_columns = [c for c in table.columns if c.startswith("score_")]
    if table[score_columns].isna().any().any():
        table = table.drop(columns=score_columns)  # some files without scores: use none
    return table


def _read_one(path: Path, fields: list[str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """One file; each reader returns the wanted columns and the names of all of them."""
    if path.suffix.lower() not in SUFFIXES:
        raise NewsrolesError(f"cannot read tagged sentences from a {path.suffix or 'suffix-less'} "
                             f"file (expected {', '.join(SUFFIXES)}, as `newsroles tag` writes)",
                             path)
    if not path.is_file():
        raise NewsrolesError("file not found", path)
    reader = {".jsonl": _read_jsonl, ".csv": _read_csv, ".parquet": _read_parquet}
    table, names = reader[path.suffix.lower()](path, fields, extra)
    if table.empty:
        raise NewsrolesError("no tagged sentences", path)
    missing = [c for c in ["doc_id", "label"] if c not in names]
    if missing:
        raise NewsrolesError(f"no {' or '.join(missing)} column: not the output of "
                             "`newsroles tag`", path)
    absent = [f for f in fields if f not in names]
    if absent:
        raise NewsrolesError(f"no field {absent[0]!r} to group by (fields: "
                             f"{', '.join(_input_fields(names)) or 'none'})", path)
    table["doc_id"] = table["doc_id"].astype(str)
    table["label"] = table["label"].astype(str)
    for column in ("sent_idx", "start", "end"):
        if column in table.columns:
            table[column] = pd.to_numeric(table[column], errors="coerce").astype("Int64")
    return table


def _wanted(name: str, fields: list[str], extra: tuple[str, ...] = ()) -> bool:
    return (name in KEY_COLUMNS or name.startswith("score_") or name in fields
            or name in (SOURCE_COLUMN, MODEL_ID_COLUMN) or name in extra)


def _input_fields(columns) -> list[str]:
    ours = {*KEY_COLUMNS, "text", "scores", "paragraph", "quote_spans", SOURCE_COLUMN,
            MODEL_ID_COLUMN}
    return [c for c in columns if c not in ours and not c.startswith(("score_", "source_",
                                                                      "cue"))]


def _read_parquet(path: Path, fields: list[str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
        table = pq.read_table(path, columns=[n for n in names if _wanted(n, fields, extra)])
    except (pa.ArrowException, OSError, ValueError) as e:
        raise NewsrolesError(f"not a readable Parquet file ({type(e).__name__})", path) from None
    if SOURCE_COLUMN in table.column_names:  # a struct (text, start, end) or plain text

        source = table[SOURCE_COLUMN]
        if pa.types.is_struct(source.type) and source.type.get_field_index("text") >= 0:
            table = table.set_column(table.column_names.index(SOURCE_COLUMN), SOURCE_COLUMN,
                                     pc.struct_field(source, "text"))
    return table.to_pandas(), list(names)


def _read_csv(path: Path, fields: list[str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    try:
        header = pd.read_csv(path, nrows=0, encoding="utf-8-sig").columns
        wanted = [c for c in header if _wanted(c, fields, extra)]
        frame = pd.read_csv(path, usecols=wanted, encoding="utf-8-sig",
                            dtype={c: str for c in wanted if not c.startswith("score_")},
                            keep_default_na=False, na_values={c: [""] for c in wanted})
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as e:
        raise NewsrolesError(f"not a readable CSV file ({str(e).splitlines()[0]})", path) from None
    return frame, list(header)


def _read_jsonl(path: Path, fields: list[str], extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """orjson per line, keeping only the wanted keys (a million lines in seconds)."""
    rows, seen = [], set()
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                record = orjson.loads(raw[3:] if lineno == 1 and raw.startswith(b"\xef\xbb\xbf")
                                      else raw)
            except orjson.JSONDecodeError:
                raise NewsrolesError("not valid JSON", path, lineno) from None
            if not isinstance(record, dict):
                raise NewsrolesError("expected a JSON object", path, lineno)
            seen.update(record)
            row = {k: v for k, v in record.items() if _wanted(k, fields, extra)}
            scores = record.get("scores")
            if isinstance(scores, dict):
                row.update({f"score_{k}": v for k, v in scores.items()})
            if SOURCE_COLUMN in row:
                source = row[SOURCE_COLUMN]
                row.update(_source_details(source, extra))
                row[SOURCE_COLUMN] = _source_text(source)
            rows.append(row)
    return pd.DataFrame.from_records(rows), sorted(seen)


def _source_details(source, extra: tuple[str, ...]) -> dict:
    """The nested source's type, rule and resolved name under output.py's flat names (none
    for a flat line: its own columns of these names are kept)."""
    if not isinstance(source, dict):
        return {}
    resolved = source.get("resolved") if isinstance(source.get("resolved"), dict) else {}
    details = {"source_type": source.get("type"), "source_via": source.get("via"),
               "source_resolved": resolved.get("text")}
    return {k: v for k, v in details.items() if k in extra}


def _source_text(value):
    if isinstance(value, dict):
        return value.get("text")
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    return str(value) or None


# --- groups -------------------------------------------------------------------------------


def parse_by(specs: list[str]) -> list[tuple[str, str | None]]:
    """`--by` values: FIELD or FIELD:year|month|day (a date field)."""
    parsed = []
    for spec in specs:
        field, _, unit = spec.partition(":")
        if not field or (unit and unit not in DATE_UNITS):
            raise NewsrolesError(f"--by {spec!r}: expected FIELD or FIELD:"
                                 f"{'|'.join(DATE_UNITS)}")
        parsed.append((field, unit or None))
    return parsed


def group_labels(table: pd.DataFrame, by: list[tuple[str, str | None]]) -> pd.Series:
    """One group name per row: the field values joined with ' / ' (a date by its year,
    month or day); a row without a value is in the group '(missing)'; no `by`: 'all'."""
    if not by:
        return pd.Series("all", index=table.index)
    parts = [_field_values(table[field], field, unit) for field, unit in by]
    names = parts[0]
    for part in parts[1:]:
        names = names + " / " + part
    return names


def _field_values(values: pd.Series, field: str, unit: str | None) -> pd.Series:
    if pd.api.types.is_float_dtype(values) and (values.dropna() % 1 == 0).all():
        values = values.astype("Int64")  # whole numbers with gaps (JSON null): 2019, not 2019.0
    missing = values.isna() | (values.astype(str).str.strip() == "")
    if unit is None:
        return values.astype(str).where(~missing, MISSING_GROUP)
    dates = pd.to_datetime(values.where(~missing), errors="coerce", format="mixed", utc=True)
    bad = dates.isna() & ~missing
    if bad.any():
        first = values[bad].iloc[0]
        raise NewsrolesError(f"--by {field}:{unit}: {int(bad.sum())} value(s) of {field!r} "
                             f"are not dates (first: {first!r})")
    periods = dates.dt.tz_localize(None).dt.to_period(DATE_UNITS[unit]).astype(str)
    return periods.where(~missing, MISSING_GROUP)


# --- a hand-labelled sample ----------------------------------------------------------------


def read_gold_sample(path: str | Path, labels: list[str]) -> pd.DataFrame:
    """A random hand-labelled sample: JSON lines `{doc_id, start, end, label}` (raw-text
    input) or `{doc_id, sent_idx, label}` (pre-split input)."""
    from newsroles.io import iter_jsonl

    rows = []
    for lineno, record in iter_jsonl(path):
        label = record.get("label")
        if label not in labels:
            raise NewsrolesError(f"label {label!r} is not one of the model's ({', '.join(labels)})",
                                 path, lineno)
        if "doc_id" not in record:
            raise NewsrolesError("no doc_id", path, lineno)
        by_span = "start" in record and "end" in record
        if not by_span and "sent_idx" not in record:
            raise NewsrolesError("expected start and end (raw-text input) or sent_idx "
                                 "(pre-split input)", path, lineno)
        keys = ("start", "end") if by_span else ("sent_idx",)
        if not all(isinstance(record[k], int) and not isinstance(record[k], bool) for k in keys):
            raise NewsrolesError(f"{' and '.join(keys)} must be whole numbers", path, lineno)
        rows.append({"doc_id": str(record["doc_id"]), "gold": label, "line": lineno,
                     **{k: record[k] for k in keys}})
    return pd.DataFrame(rows)


def join_gold_sample(table: pd.DataFrame, sample: pd.DataFrame, path) -> np.ndarray:
    """The row of `table` each sample sentence is, in sample order; every one must be there
    once (by doc_id and span, or doc_id and sent_idx)."""
    keys = ["doc_id", "start", "end"] if "start" in sample.columns else ["doc_id", "sent_idx"]
    if "start" in sample.columns and "sent_idx" in sample.columns and sample["start"].isna().any():
        raise NewsrolesError("mixes span lines and sent_idx lines; use one kind", path)
    if not set(keys) <= set(table.columns):
        raise NewsrolesError(f"the tagged data have no {'/'.join(keys)} to join this sample on",
                             path)
    dup = sample.duplicated(keys)
    if dup.any():
        raise NewsrolesError("the same sentence is labelled twice", path,
                             int(sample.loc[dup, "line"].iloc[0]))
    left = sample[keys].astype({k: "Int64" for k in keys[1:]})
    right = table[keys].reset_index(names="_row")
    right = right.drop_duplicates(keys)
    joined = left.merge(right, on=keys, how="left")
    unmatched = joined["_row"].isna().to_numpy()
    if unmatched.any():
        first = sample.iloc[int(np.argmax(unmatched))]
        where = ", ".join(f"{k} {first[k]}" for k in keys)
        raise NewsrolesError(f"{int(unmatched.sum())} of {len(sample)} hand-labelled sentences "
                             f"are not in the tagged data (first: {where})", path,
                             int(first["line"]))
    return joined["_row"].to_numpy(dtype=int)
