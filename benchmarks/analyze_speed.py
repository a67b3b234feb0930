"""How long `newsroles analyze` takes on a big tagged corpus: a synthetic one of `--rows`
sentences (30 per article, 5 publishers, dates over two years, random labels and scores,
text and who-said-it columns as `newsroles tag` writes them) as Parquet and JSONL, with a
random 2,000-sentence hand-labelled sample; the model's errors from RUN. Wall and CPU
seconds (this process's; on a shared machine the wall time waits for others).

    python benchmarks/analyze_speed.py runs/<run> [--rows 1000000] [--jsonl]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def synthetic(rows: int, labels: list[str], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    article = np.arange(rows) // 30
    scores = rng.dirichlet(np.ones(len(labels)), size=rows)
    days = pd.Timestamp("2019-01-01") + pd.to_timedelta(article % 730, unit="D")
    frame = pd.DataFrame({
        "doc_id": [f"a{a}" for a in article], "sent_idx": np.arange(rows) % 30,
        "start": (np.arange(rows) % 30) * 120, "end": (np.arange(rows) % 30) * 120 + 110,
        "text": "A sentence of about the usual length in a news article, give or take.",
        "label": np.array(labels)[scores.argmax(axis=1)],
        **{f"score_{lab}": scores[:, k] for k, lab in enumerate(labels)},
        "source": np.where(rng.random(rows) < 0.3, [f"source {i % 7}" for i in range(rows)], None),
        "publisher": np.array(list("ABCDE"))[article % 5],
        "date": days.strftime("%Y-%m-%d"),
    })
    return frame


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--jsonl", action="store_true", help="also time the JSONL reader")
    args = ap.parse_args()
    from newsroles.analysis import analyze, write_analysis
    from newsroles.analysis.evaluation_set import load_evaluation

    labels = load_evaluation(args.run).labels
    folder = Path(tempfile.mkdtemp(prefix="analyze-speed-"))
    frame = synthetic(args.rows, labels)
    frame.to_parquet(folder / "tagged.parquet", index=False)
    picked = frame.sample(2000, random_state=0)
    (folder / "sample.jsonl").write_text("".join(
        json.dumps({"doc_id": r.doc_id, "start": int(r.start), "end": int(r.end),
                    "label": r.label}) + "\n" for r in picked.itertuples()))
    inputs = ["parquet"]
    if args.jsonl:
        frame.to_json(folder / "tagged.jsonl", orient="records", lines=True)
        inputs.append("jsonl")
    for suffix in inputs:
        for by in (["publisher"], ["publisher", "date:month"]):
            wall, cpu = time.perf_counter(), time.process_time()
            result = analyze(folder / f"tagged.{suffix}", args.run, by=by,
                             gold_sample=folder / "sample.jsonl")
            analysed = time.perf_counter() - wall, time.process_time() - cpu
            wall, cpu = time.perf_counter(), time.process_time()
            write_analysis(result, folder / "out")
            written = time.perf_counter() - wall, time.process_time() - cpu
            print(f"{args.rows:,} rows ({suffix}), --by {' '.join(by)}: "
                  f"{len(result.estimates.groups)} groups, analysis {analysed[0]:.1f} s "
                  f"({analysed[1]:.1f} s CPU), tables, plots and report {written[0]:.1f} s "
                  f"({written[1]:.1f} s CPU)")


if __name__ == "__main__":
    main()
