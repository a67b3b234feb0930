"""`newsroles analyze`: labels' shares per group, three ways."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="newsroles analyze",
        description="Each label's share of sentences per group, three ways (count, adjusted, "
                    "ppi), with intervals; differences between groups; a report.")
    parser.add_argument("tagged", nargs="+", help="output of newsroles tag (.jsonl, .csv, .parquet)")
    parser.add_argument("--model", required=True,
                        help="the run whose model tagged them (its predictions on gold give "
                             "the model's errors)")
    parser.add_argument("--by", nargs="+", action="extend", default=[], metavar="FIELD",
                        help="input fields to group by; a date by period: date:year|month|day")
    parser.add_argument("--gold-sample", help="hand labels for a random sample of these "
                        "sentences (JSONL: doc_id, start, end, label or doc_id, sent_idx, "
                        "label): adds ppi")
    parser.add_argument("--baseline", help="the group the others are compared with (default: "
                                           "the first)")
    parser.add_argument("--level", type=float, default=0.95, help="interval level (default 0.95)")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates")
    parser.add_argument("--adjust", choices=("auto", "pacc", "acc"), default="auto",
                        help="adjusted on the scores (pacc) or the labels (acc); auto: pacc "
                             "where scores were written")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", required=True, help="folder for the tables, plots "
                                                              "and report.html")
    args = parser.parse_args(argv)

    from newsroles.analysis import analyze, write_analysis

    result = analyze(args.tagged, args.model, args.by, args.gold_sample, args.baseline,
                     args.level, args.bootstrap, args.seed, args.adjust)
    for line in result.warnings:
        print(f"warning: {line}", file=sys.stderr)
    written = write_analysis(result, args.output)
    print(f"{result.summary}\nwrote {', '.join(p.name for p in written)} -> {args.output}",
          file=sys.stderr)
