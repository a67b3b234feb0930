"""`newsroles annotate export|import`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsroles.cli.common import fail
from newsroles.cli.data import data_config


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="newsroles annotate",
                                     description="Grow the gold set with a model's help.")
    sub = parser.add_subparsers(dest="action", required=True)
    exp = sub.add_parser("export", help="choose unlabelled sentences for annotators")
    exp.add_argument("model", nargs="?", default=None,
                     help="a run directory or its model folder (none: --select random, "
                          "for a new corpus's first batch)")
    exp.add_argument("--select", choices=("uncertain", "random", "disagree"),
                     default="uncertain")
    exp.add_argument("-n", type=int, default=100, help="how many sentences (default 100)")
    exp.add_argument("-o", "--output", required=True,
                     help=".json (Label Studio tasks + labeling config) or .csv (spreadsheet)")
    exp.add_argument("--seed", type=int, default=0, help="for --select random")
    exp.add_argument("--per-article", type=int, default=3,
                     help="uncertain/disagree: at most this many sentences of one article "
                          "while others remain (default 3)")
    exp.add_argument("--no-spread", action="store_true",
                     help="uncertain/disagree: least confident first over English prose, "
                          "not spread over predicted classes and articles")
    imp = sub.add_parser("import", help="append annotators' labels to the gold set")
    imp.add_argument("file", help="Label Studio export (.json, JSON_MIN) or CSV (filled in)")
    imp.add_argument("--split", default="train", choices=("train", "dev", "test"),
                     help="split for articles new to the gold set (default train)")
    imp.add_argument("--dry-run", action="store_true", help="report only; write nothing")
    imp.add_argument("--annotator", default=None,
                     help="who labelled the records that name nobody (a CSV without an "
                          "annotator column)")
    for p in (exp, imp):
        p.add_argument("--data", default=None, metavar="NAME",
                       help="the corpus (conf/data/NAME.yaml; default: the configured one, "
                            "wikinews): its articles, gold and splits")
        p.add_argument("--articles", default=None, help="instead of the corpus's articles")
        p.add_argument("--gold", default=None, help="instead of the corpus's gold")
    imp.add_argument("--splits", default=None, help="instead of the corpus's splits")
    args = parser.parse_args(argv)
    data = data_config([f"data={args.data}"] if args.data else [])
    args.articles = args.articles or data.articles
    args.gold = args.gold or data.gold
    args.sentences = data.sentences
    if args.action == "import":
        args.splits = args.splits or data.splits
    if args.action == "export":
        _annotate_export(args)
    else:
        _annotate_import(args)


def _annotate_export(args) -> None:
    from omegaconf import OmegaConf

    from newsroles.annotation.export import export_batch
    from newsroles.sentences import SplitConfig

    split_config = SplitConfig(**OmegaConf.to_container(args.sentences, resolve=True))
    n_chosen, n_articles, written, skipped = export_batch(
        args.model, args.articles, args.gold, args.select, args.n, args.seed, args.output,
        split_config, args.per_article, not args.no_spread)
    if skipped:
        reasons = ", ".join(f"{why} {count}" for why, count in
                            sorted(skipped.items(), key=lambda kv: -kv[1]))
        print(f"left out {sum(skipped.values())} unlabelled sentences that are not English "
              f"news prose ({reasons})", file=sys.stderr)
    print(f"{n_chosen} sentences ({args.select}) from {n_articles} "
          f"articles -> {', '.join(map(str, written))}", file=sys.stderr)


def _annotate_import(args) -> None:
    from newsroles.annotation.formats import BadRecords, read_labelled
    from newsroles.annotation.merge import apply_merge, plan_merge

    records, problems = read_labelled(args.file)
    try:
        report = plan_merge(records, args.articles, args.gold, args.splits, problems,
                            args.annotator)
    except BadRecords as e:  # every bad record, one line each, then the verdict
        if len(e.problems) == 1:
            fail(e.problems[0])
        for line in e.problems:
            print(f"newsroles: error: {line}", file=sys.stderr)
        fail(f"{args.file}: {e}")
    for c in report.conflicts:  # one line each: reported, never imported
        gold = f" vs gold {c['gold']}" if c["gold"] else ""
        print(f"conflict: {c['origin']}: {c['doc_id']} {c['start']}-{c['end']}: "
              f"{c['new']}{gold} ({c['why']})", file=sys.stderr)
    if not args.dry_run:
        apply_merge(report, args.gold, args.splits, args.split, f"annotate:{Path(args.file).name}")
    s = report.summary()
    verb = "would import" if args.dry_run else "imported"
    print(f"{verb} {s['imported']} sentence(s) ({s['new_articles']} new article(s) -> "
          f"{args.split}); {s['duplicates']} already gold, {s['conflicts']} conflict(s), "
          f"{s['unlabelled']} unlabelled", file=sys.stderr)
