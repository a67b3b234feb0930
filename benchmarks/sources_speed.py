"""How long `newsroles sources` takes on a big tagged corpus: a real tagged Parquet file
(TAGGED, e.g. data/raw/wikinews.jsonl tagged by a run) repeated to `--rows` sentences, each
copy's doc_ids made its own, written as Parquet (and JSONL with --jsonl); the table is built
without and with `--by` (a date by month, where the file has `date`). Wall and CPU seconds
of this process (on a shared machine the wall time waits for others).

    newsroles tag runs/<run> data/raw/wikinews.jsonl -o wikinews_tagged.parquet
    python benchmarks/sources_speed.py wikinews_tagged.parquet [--rows 1000000] [--jsonl]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import pandas as pd


def scaled(tagged: pd.DataFrame, rows: int) -> pd.DataFrame:
    copies = -(-rows // len(tagged))
    frame = pd.concat([tagged] * copies, ignore_index=True).head(rows)
    copy = (pd.RangeIndex(len(frame)) // len(tagged)).astype(str)
    frame["doc_id"] = frame["doc_id"].astype(str) + "#" + copy
    return frame


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("tagged", help="a tagged Parquet file (newsroles tag ... -o X.parquet)")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--jsonl", action="store_true", help="also time the JSONL reader")
    args = ap.parse_args()
    from newsroles.analysis.quoted import who_is_quoted

    folder = Path(tempfile.mkdtemp(prefix="sources-speed-"))
    frame = scaled(pd.read_parquet(args.tagged), args.rows)
    frame.to_parquet(folder / "tagged.parquet", index=False)
    inputs = ["parquet"]
    if args.jsonl:
        frame.to_json(folder / "tagged.jsonl", orient="records", lines=True)
        inputs.append("jsonl")
    by_choices = [[], ["date:month"]] if "date" in frame.columns else [[]]
    for suffix in inputs:
        for by in by_choices:
            wall, cpu = time.perf_counter(), time.process_time()
            result = who_is_quoted([str(folder / f"tagged.{suffix}")], by)
            seconds = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{len(frame):,} rows ({suffix}), --by {' '.join(by) or '(none)'}: "
                  f"{len(result.table):,} rows in the table, {seconds[0]:.1f} s "
                  f"({seconds[1]:.1f} s CPU)")


if __name__ == "__main__":
    main()
