"""The real check of `newsroles analyze`: gold test treated as a new corpus, grouped by
period (before 2019, 2019, 2020: each article's own date), each method's estimate
compared with the gold shares.

The model's errors for `adjusted` come from a run scored on gold dev (not test), and `ppi`
gets a random sample of the test sentences' gold labels (`--sample`, drawn `--repeats`
times), as the annotation loop's `--select random` would give; the truth is every test
sentence's gold label. Prints the mean absolute error of each method over groups x labels
(ppi: also over the draws) and how often each interval covers the gold share.

    newsroles run                                                # a model (gold test)
    newsroles evaluate eval.model=runs/<run> eval.split=dev      # its errors on dev
    newsroles tag runs/<run> test_articles.jsonl -o tagged_test.jsonl   # test articles
    python benchmarks/analysis_real_check.py runs/<evaluate run> tagged_test.jsonl \\
        [--sample 0.25] [--repeats 20] [--adjust auto|pacc|acc] [--out findings/]

(test_articles.jsonl: the lines of data/raw/wikinews.jsonl whose id is in the test split;
`--write-test-articles FILE` writes it.)
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]


def period(date: str) -> str:
    year = str(date)[:4]
    return year if year in ("2019", "2020") else "before 2019"


def write_test_articles(path: Path) -> None:
    test = set(json.loads((ROOT / "data/gold/splits.json").read_text())["test"])
    with path.open("w", encoding="utf-8") as fh:
        for line in (ROOT / "data/raw/wikinews.jsonl").open(encoding="utf-8"):
            article = json.loads(line)
            if article["id"] in test:
                fh.write(json.dumps({k: article[k] for k in ("id", "date", "title", "url",
                                                             "text")}) + "\n")


def with_gold(tagged: Path, folder: Path) -> tuple[Path, pd.DataFrame]:
    """The tagged rows with a `period` field, and each row's gold label (joined by span)."""
    rows = [json.loads(line) for line in tagged.open(encoding="utf-8")]
    for row in rows:
        row["period"] = period(row["date"])
    gold = {(g["doc_id"], g["start"], g["end"]): g["label"] for g in
            map(json.loads, (ROOT / "data/gold/gold.jsonl").open(encoding="utf-8"))}
    table = pd.DataFrame({"doc_id": [r["doc_id"] for r in rows],
                          "start": [r["start"] for r in rows], "end": [r["end"] for r in rows],
                          "period": [r["period"] for r in rows],
                          "gold": [gold.get((r["doc_id"], r["start"], r["end"])) for r in rows]})
    out = folder / "tagged_with_period.jsonl"
    out.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return out, table


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("run", nargs="?", help="a run with predictions on gold dev")
    ap.add_argument("tagged", nargs="?", help="the test articles tagged (JSONL, raw text)")
    ap.add_argument("--sample", type=float, default=0.25, help="share of sentences hand-labelled")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--adjust", default="auto", choices=("auto", "pacc", "acc"))
    ap.add_argument("--out", help="also write one analysis (the first draw) here")
    ap.add_argument("--write-test-articles", help="write the test articles here and stop")
    args = ap.parse_args()
    if args.write_test_articles:
        write_test_articles(Path(args.write_test_articles))
        return
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from newsroles.analysis import analyze, write_analysis
    from newsroles.analysis.evaluation_set import load_evaluation

    split = load_evaluation(args.run).split
    if split == "test":
        raise SystemExit("the run's errors are measured on test: score it on dev "
                         "(newsroles evaluate eval.model=RUN eval.split=dev)")
    folder = Path(tempfile.mkdtemp(prefix="analysis-check-"))
    tagged, table = with_gold(Path(args.tagged), folder)
    labelled = table[table["gold"].notna()]
    print(f"{len(table)} tagged test sentences, {len(labelled)} with gold; errors from gold "
          f"{split}; ppi sample {args.sample:.0%} of sentences, {args.repeats} draws")
    truth = labelled.groupby("period")["gold"].value_counts(normalize=True)
    rng = np.random.default_rng(2026)
    errors, covered = [], []
    for draw in range(args.repeats):
        picked = labelled.sample(frac=args.sample, random_state=int(rng.integers(1 << 30)))
        sample = folder / "sample.jsonl"
        sample.write_text("".join(json.dumps({"doc_id": r.doc_id, "start": int(r.start),
                                              "end": int(r.end), "label": r.gold}) + "\n"
                                  for r in picked.itertuples()), encoding="utf-8")
        result = analyze(tagged, args.run, by=["period"], gold_sample=sample, seed=draw,
                         adjust=args.adjust)
        if draw == 0 and args.out:
            write_analysis(result, args.out)
        shares = result.shares[result.shares["method"].isin(
            ["ppi"] if draw else ["count", "adjusted", "ppi"])]
        gold_share = np.array([truth.get((g, lab), 0.0) for g, lab in
                               zip(shares["group"], shares["label"])])
        errors.append(shares.assign(abs_error=np.abs(shares["estimate"] - gold_share)))
        covered.append(shares.assign(covered=(shares["lower"] <= gold_share)
                                     & (gold_share <= shares["upper"])))
    errors, covered = pd.concat(errors), pd.concat(covered)
    summary = pd.DataFrame({
        "mean_abs_error": errors.groupby("method")["abs_error"].mean(),
        "max_abs_error": errors.groupby("method")["abs_error"].max(),
        "interval_covers_gold": covered.groupby("method")["covered"].mean(),
        "mean_interval_width": (covered["upper"] - covered["lower"]).groupby(
            covered["method"]).mean(),
    }).loc[["count", "adjusted", "ppi"]]
    sizes = labelled["period"].value_counts().sort_index()
    print("groups: " + ", ".join(f"{g} ({n} sentences)" for g, n in sizes.items()))
    print(summary.round(4).to_string())
    by_group = errors.groupby(["method", "group"])["abs_error"].mean().unstack().loc[
        ["count", "adjusted", "ppi"]]
    print("\nmean absolute error by group\n" + by_group.round(4).to_string())
    print("\ngold shares\n" + truth.unstack().round(3).to_string())


if __name__ == "__main__":
    main()
