"""`newsroles runs list|show|compare`."""

from __future__ import annotations

import argparse
import sys

from newsroles.cli.common import fail

# `split`: the split each run was scored on (a search's trials score dev, and sit beside
# test-scored runs).
LIST_COLUMNS = ["run", "status", "cfg.model.name", "cfg.train.source", "cfg.data.name",
                "split", "seed", "fold", "overrides", "macro_f1", "macro_f1_lo", "macro_f1_hi",
                "accuracy", "seconds"]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="newsroles runs", description="Read run directories.")
    parser.add_argument("--root", default="runs", help="runs root (default: runs)")
    sub = parser.add_subparsers(dest="action", required=True)
    ls = sub.add_parser("list", help="one line per run: key overrides, status, metrics")
    ls.add_argument("--where", action="append", default=[], metavar="KEY=VALUE",
                    help="keep runs whose config has this value (repeatable), "
                         "e.g. --where model.name=linear --where train.source=gold")
    ls.add_argument("--status", choices=("completed", "failed", "running", "died"))
    ls.add_argument("--per-class", action="store_true", help="add per-class F1 columns")
    ls.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    show = sub.add_parser("show", help="one run: config, status, metrics, confusion matrix")
    show.add_argument("run", help="run directory, or its name (or a unique prefix) under --root")
    cmp = sub.add_parser("compare", help="runs side by side; paired bootstrap against the first")
    cmp.add_argument("runs", nargs="+", help="two or more runs (the first is the baseline)")
    cmp.add_argument("--resamples", type=int, default=1000)
    cmp.add_argument("--confidence", type=float, default=0.95)
    for p in (ls, show, cmp):
        p.add_argument("--root", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    from rich.console import Console

    from newsroles import runs

    # A pipe or a notebook gets the whole table, not one cut to 80 columns.
    console = Console(width=None if sys.stdout.isatty() else 220)
    if args.action == "list":
        df = runs.filter_runs(runs.load_runs(args.root), args.where, args.status)
        cols = list(LIST_COLUMNS)
        if args.per_class:
            cols += [c for c in df.columns if c.startswith("f1.")]
        if "error" in df.columns and df["error"].notna().any():
            cols.append("error")  # why a failed run failed, where one did
        if args.csv:
            print(df[[c for c in cols if c in df.columns]].to_csv(index=False), end="")
            return
        console.print(runs.rich_table(df, cols, title=f"{len(df)} runs under {args.root}"))
    elif args.action == "show":
        runs.print_run(runs.resolve_run(args.run, args.root), console)
    else:
        if len(args.runs) < 2:
            fail("runs compare: give two or more runs")
        paths = [runs.resolve_run(r, args.root) for r in args.runs]
        runs.print_class_tables(paths, console)
        diffs = runs.compare_runs(paths, args.resamples, args.confidence)
        console.print(runs.rich_table(
            diffs, title=f"macro-F1 against {paths[0].name} (paired bootstrap, "
                         f"{args.confidence:.0%} interval, same test sentences)"))
        console.print("p_sign_flip: the share of bootstrap resamples in which the difference "
                      "has the other sign (a one-sided bootstrap p-value; near 0: the sign "
                      "is stable, near 0.5: it is a coin toss).")
        for r in diffs.itertuples():
            verdict = ("larger than the bootstrap interval: a real difference"
                       if r.significant else "within the bootstrap interval: not a real difference")
            console.print(f"{r.run}: {r.diff_macro_f1:+.3f} [{r.ci_lo:+.3f}, {r.ci_hi:+.3f}] "
                          f"- {verdict}")
