"""`newsroles data init|check|agreement|issues`, and the composed data config the data
and annotate commands read."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsroles.errors import NewsrolesError


def main(argv: list[str]) -> None:
    from newsroles.project import project_root

    root = project_root()
    parser = argparse.ArgumentParser(prog="newsroles data")
    sub = parser.add_subparsers(dest="action", required=True)
    ini = sub.add_parser("init", help="a data config (conf/data/NAME.yaml), an empty gold "
                                      "set and a seeded split by article for a new corpus")
    ini.add_argument("name", help="the corpus's name: afterwards, newsroles run data=NAME")
    ini.add_argument("--articles", required=True,
                     help="articles JSONL, one per line: {\"id\", \"text\"[, \"title\", "
                          "\"url\"]}")
    ini.add_argument("--dir", default=None,
                     help="where gold.jsonl and splits.json go (default data/NAME)")
    ini.add_argument("--dev", type=float, default=0.2, help="share of articles (default 0.2)")
    ini.add_argument("--test", type=float, default=0.2, help="share of articles (default 0.2)")
    ini.add_argument("--seed", type=int, default=0, help="for the split (default 0)")
    chk = sub.add_parser("check", help="validate a corpus's gold files and print counts")
    chk.add_argument("overrides", nargs="*",
                     help="config overrides naming the corpus (default: the configured data, "
                          "e.g. data=NAME)")
    chk.add_argument("--articles", default=None, help="instead of the config's data.articles")
    chk.add_argument("--gold", default=None, help="instead of the config's data.gold")
    chk.add_argument("--splits", default=None, help="instead of the config's data.splits")
    chk.add_argument("--annotations", nargs="*", default=None,
                     help="annotator files to validate too (default: data/gold/annotations/"
                          "*.jsonl when checking the bundled gold)")
    chk.add_argument("--adjudication", default=None,
                     help="settled disagreements (default: data/gold/adjudication.jsonl "
                          "when checking the bundled gold)")
    agr = sub.add_parser("agreement", help="Cohen's kappa between two annotation files")
    agr.add_argument("a", nargs="?", default=str(root / "data/gold/annotations/annotator_a.jsonl"))
    agr.add_argument("b", nargs="?", default=str(root / "data/gold/annotations/annotator_b.jsonl"))
    iss = sub.add_parser("issues", help="likely gold label errors (cleanlab, out-of-fold "
                                        "scores, folds by article), for a blind re-read")
    iss.add_argument("-o", "--output", required=True, help="JSONL of the flagged sentences")
    iss.add_argument("--folds", type=int, default=5)
    iss.add_argument("overrides", nargs="*", help="config overrides (model=..., data=...)")
    args = parser.parse_args(argv)
    import json

    if args.action == "issues":
        from newsroles.io import write_jsonl
        from newsroles.label_issues import gold_issues_for_config
        from newsroles.project import check_overrides, compose

        check_overrides(args.overrides)
        flagged = gold_issues_for_config(compose(args.overrides), args.folds)
        write_jsonl(args.output, flagged)
        from collections import Counter

        by_split: dict = {}
        for (split, label), n in Counter((r["split"], r["gold_label"]) for r in flagged).items():
            by_split.setdefault(split, {})[label] = n
        print(json.dumps({"flagged": len(flagged), "per_split": by_split,
                          "output": args.output}, indent=2))
        return
    if args.action == "init":
        from newsroles.data_init import init_corpus

        made = init_corpus(args.name, args.articles, root, args.dir, args.dev, args.test,
                           args.seed)
        print(json.dumps(made, indent=2))
        print(f"next: newsroles annotate export --data {args.name} --select random -n 50 "
              "-o batch1.csv", file=sys.stderr)
        return
    if args.action == "check":
        from newsroles.datacheck import check

        cfg = None
        if not all((args.articles, args.gold, args.splits)):
            cfg = data_config(args.overrides, whole=True)
            data = cfg.data
            args.articles = args.articles or data.articles
            args.gold = args.gold or data.gold
            args.splits = args.splits or data.splits
        bundled = Path(args.gold).resolve() == (root / "data/gold/gold.jsonl").resolve()
        annotations = args.annotations
        if annotations is None:
            annotations = sorted((root / "data/gold/annotations").glob("*.jsonl")) if bundled \
                else []
        adjudication = args.adjudication or (
            root / "data/gold/adjudication.jsonl" if bundled else None)
        result = check(Path(args.articles), Path(args.gold), Path(args.splits),
                       [Path(a) for a in annotations], adjudication and Path(adjudication))
        if cfg is not None:  # valid files; but is there gold enough for a run?
            from newsroles.datacheck import data_problems

            result["ready_for_a_run"] = not (problems := data_problems(cfg, "run"))
            for problem in problems:
                print(f"newsroles: not ready for a run: {problem}", file=sys.stderr)
    else:
        from newsroles.agreement import agreement

        result = agreement(args.a, args.b)
    print(json.dumps(result, indent=2))


def data_config(overrides: list[str], whole: bool = False):
    """The composed `data` group (articles, gold, splits, sentences) for these overrides
    (whole: the whole config)."""
    from newsroles.pipeline.prepare import is_sentence_format
    from newsroles.project import check_overrides, compose

    check_overrides(overrides, data_task=None)
    cfg = compose(overrides)
    if is_sentence_format(cfg):
        raise NewsrolesError(f"data={cfg.data.name} comes as sentence files, not articles "
                             "and gold spans")
    return cfg if whole else cfg.data
