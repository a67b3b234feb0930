"""The `newsroles` command.

usage: newsroles COMMAND [options]      (newsroles COMMAND --help: a command's own options)

Train and score (Hydra overrides, one run directory each; -m for a sweep):
  run          prepare, gold, parse, label, train, evaluate: newsroles run model=transformer
               newsroles run --from-search SWEEP_DIR: a search's best settings, on test
  prepare | label | train | evaluate   the pipeline up to that stage
  rerun        the same run again from its saved overrides: newsroles rerun RUN
Use a model:
  tag          label new articles' sentences, with who said it:
               newsroles tag RUN articles.jsonl -o out.parquet (jsonl|csv|parquet|html)
Results:
  runs         list, show or compare runs: newsroles runs list | show RUN | compare A B
  analyze      labels' shares per group (counted, adjusted for the model's errors, PPI)
               newsroles analyze tagged.parquet --model RUN --by date:year -o findings/
Data and gold:
  data         init a corpus (data init NAME --articles FILE), check it (data check
               [data=NAME]), annotator agreement, likely gold label errors (data issues)
  annotate     export sentences to label (Label Studio JSON or CSV), import the labels:
               newsroles annotate export [RUN] --data NAME -o batch.json | import FILE
  --version    the installed version
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from newsroles.errors import NewsrolesError

HYDRA_TASKS = ("run", "prepare", "label", "train", "evaluate")


def _fail(message: str, code: int = 2) -> None:
    from newsroles.errors import error_lines

    print("\n".join(error_lines(message)), file=sys.stderr)
    raise SystemExit(code)


# --- Hydra tasks --------------------------------------------------------------------------


def _task_main(task: str, args: list[str], before_job=None) -> list[Path]:
    """Run a Hydra task; returns the run directories it made. `before_job(run_dir)`, if
    given, runs as each job starts."""
    import hydra

    from newsroles.project import check_overrides, implied_overrides, register

    conf = register()
    multirun = any(a in ("-m", "--multirun") for a in args)
    overrides = [a for a in args if not a.startswith("-")]
    implied, note = implied_overrides(overrides)
    args, overrides = [*args, *implied], [*overrides, *implied]
    if not multirun and not any(a.startswith(("--cfg", "-c", "--help", "-h", "--info")) for a in args):
        check_overrides([*overrides, f"stage={task}"])
    if note:
        print(note, file=sys.stderr)

    made: list[Path] = []

    @hydra.main(config_path=str(conf), config_name="config", version_base="1.3")
    def _job(cfg) -> float | None:
        from hydra.core.hydra_config import HydraConfig

        made.append(Path(HydraConfig.get().runtime.output_dir))
        if before_job is not None:
            before_job(made[-1])
        return _hydra_job(cfg, task)

    sys.argv = [f"newsroles {task}", *args, f"stage={task}"]
    _job()
    return made


def _hydra_job(cfg, task: str) -> float | None:
    """One Hydra job: the task wrapper, with its outcome said on the command line."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode
    from omegaconf import OmegaConf

    from newsroles.pipeline.run import summary_line
    from newsroles.project import project_root
    from newsroles.tasks import Stopped, run_task

    hc = HydraConfig.get()
    run_dir = Path(hc.runtime.output_dir)
    overrides = [o for o in OmegaConf.to_container(hc.overrides.task) if not o.startswith("stage=")]
    try:
        value = run_task(cfg, task, run_dir, overrides, project_root())
    except NewsrolesError as e:
        if hc.mode == RunMode.MULTIRUN:
            print(f"newsroles: job {hc.job.num} failed: {str(e).replace(chr(10), '; ')}",
                  file=sys.stderr)
            return None
        from newsroles.errors import error_lines

        print("\n".join(error_lines(e)), file=sys.stderr)
        print(f"newsroles: run marked failed: {run_dir}", file=sys.stderr)
        raise SystemExit(2) from None
    except Stopped as e:
        print(f"newsroles: {e}; run marked failed: {run_dir}", file=sys.stderr)
        raise SystemExit(e.exit_code) from None
    line = summary_line(run_dir)
    if line:
        print(line)
    print(run_dir, flush=True)
    return value


# --- run --from-search ------------------------------------------------------------------


def _from_search_wanted(args: list[str]) -> bool:
    return any(a == "--from-search" or a.startswith("--from-search=") for a in args)


def _run_from_search(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="newsroles run",
        description="Train the best settings of a hyperparameter search (rounded to three "
                    "significant digits) on the search's own data and model, and score them "
                    "on test like any run.")
    parser.add_argument("--from-search", required=True, metavar="SWEEP_DIR",
                        help="the sweep folder of `newsroles run -m hparams_search=NAME`")
    args, rest = parser.parse_known_args(argv)
    from newsroles import sweeps
    from newsroles.project import register

    conf = register()
    # key=value, +key=value, ~key: overrides; the rest (-m, --cfg job, ...) goes on to
    # Hydra in its order, a flag's value after its flag.
    is_override = [not a.startswith("-") and ("=" in a or a.startswith("~")) for a in rest]
    flags = [a for a, o in zip(rest, is_override) if not o]
    settings = sweeps.search_settings(args.from_search, conf,
                                      [a for a, o in zip(rest, is_override) if o])
    print(sweeps.describe(settings), file=sys.stderr)
    for line in sweeps.config_differences(conf, settings)[:5]:
        print(f"newsroles: warning: differs from the best trial: {line}", file=sys.stderr)
    _task_main("run", [*flags, *settings.overrides],
               before_job=lambda run_dir: sweeps.record_search(run_dir, settings))


# --- rerun --------------------------------------------------------------------------------


def _rerun(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="newsroles rerun",
        description="Re-create a run from its saved overrides; checks that today's configs "
                    "compose to the saved config, and compares the metrics afterwards.")
    parser.add_argument("run", help="a run directory")
    parser.add_argument("overrides", nargs="*",
                        help="extra overrides (e.g. paths.runs=/tmp/x); model settings here "
                             "make the config differ, which --allow-drift permits")
    parser.add_argument("--allow-drift", action="store_true",
                        help="run even if the composed config differs from the saved one")
    parser.add_argument("--cached", action="store_true",
                        help="reuse cached stage outputs (default: recompute every stage in "
                             "a fresh cache, so the comparison means something)")
    args = parser.parse_args(argv)
    import tempfile

    from newsroles import reproduce
    from newsroles.project import register

    run_dir = Path(args.run)
    stage, overrides = reproduce.saved_overrides(run_dir)
    overrides = [*overrides, *args.overrides]
    conf = register()
    drift = reproduce.config_drift(conf, run_dir, [*overrides, f"stage={stage}"])
    if drift:
        shown = "; ".join(drift[:5]) + (f"; and {len(drift) - 5} more" if len(drift) > 5 else "")
        if not args.allow_drift:
            _fail(f"{run_dir}: today's configs no longer compose to the saved one ({shown}); "
                  "--allow-drift runs it anyway")
        print(f"newsroles: warning: config differs from the saved one: {shown}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="newsroles-rerun-") as fresh:
        extra = [] if args.cached else [f"paths.cache={fresh}"]
        made = _task_main(stage, [*overrides, *extra])
    if made:
        print(reproduce.describe_match(run_dir, made[0]))


# --- tag ----------------------------------------------------------------------------------


def _tag(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="newsroles tag", description="Tag articles with a model.")
    parser.add_argument("model", help="a run directory or its model folder")
    parser.add_argument("inputs", nargs="+",
                        help=".txt (one article), .jsonl, .csv or .parquet (one article per "
                             "line or row), or - for stdin")
    parser.add_argument("-o", "--output", help="output file (default: standard output)")
    parser.add_argument("--format", choices=("jsonl", "csv", "parquet", "html"), default=None,
                        help="output format (default: from the output's suffix, else jsonl); "
                             "html: one page, or one page per article when -o is a folder")
    parser.add_argument("--batch-size", type=int, default=8192)
    parser.add_argument("--runtime", choices=("torch", "onnx", "onnx-int8"), default="torch",
                        help="what runs a transformer: torch (default), or ONNX Runtime on the "
                             "graph saved with the model (onnx) or its int8 quantisation "
                             "(onnx-int8, fastest on a CPU)")
    parser.add_argument("--no-sources", action="store_true",
                        help="skip who-said-it (source, cue, quote_spans): faster")
    parser.add_argument("--progress", choices=("auto", "on", "off"), default="auto",
                        help="progress bar on stderr (auto: when stderr is a terminal)")
    parser.add_argument("-j", "--jobs", type=int, default=0,
                        help="worker processes (default 0: one per CPU core, at most 8)")
    parser.add_argument("--id-column", default="id",
                        help="the field or column holding the article id (default id)")
    parser.add_argument("--text-column", default="text",
                        help="the field or column holding the article text (default text)")
    parser.add_argument("--sentences-column", default="sentences",
                        help="the field or column holding pre-split sentences (default "
                             "sentences; in CSV a JSON list)")
    args = parser.parse_args(argv)
    suffix = Path(args.output or "").suffix.lower()
    fmt = args.format or {".csv": "csv", ".parquet": "parquet", ".html": "html",
                          ".htm": "html"}.get(suffix, "jsonl")
    if args.batch_size < 1 or args.jobs < 0:
        _fail("--batch-size must be at least 1 and --jobs at least 0")

    from newsroles.documents import read_documents
    from newsroles.output import check_output, encoder_for, fixed_fields, write_batches
    from newsroles.tagger import Tagger

    check_output(args.output, fmt, args.inputs)
    tagger = Tagger.load(args.model, sources=not args.no_sources, runtime=args.runtime)
    jobs = args.jobs or min(os.cpu_count() or 1, 8)
    docs = read_documents(args.inputs, args.id_column, args.text_column, args.sentences_column)
    extra: tuple[str, ...] = ()
    if fmt in ("csv", "parquet"):  # fixed columns: the first article's fields
        docs, extra = fixed_fields(docs)
    encoder = encoder_for(fmt, tagger.model.labels, tagger.sources, extra)
    batches = tagger.tag_batches(docs, batch_size=args.batch_size, jobs=jobs, encode=encoder)
    counts = [0, 0]  # sentences, articles
    batches = _counted(batches, counts)
    show = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    if show:
        batches = _with_progress(batches, counts)
    write_batches(batches, args.output, fmt, encoder, tagger.identity)
    if args.output:
        print(f"tagged {counts[0]} sentences -> {args.output}", file=sys.stderr)


def _counted(batches, counts: list[int]):
    """Pass (payload, sentences, articles) batches on as payloads, adding up the counts."""
    for payload, n_sentences, n_docs in batches:
        counts[0] += n_sentences
        counts[1] += n_docs
        yield payload


def _with_progress(batches, counts: list[int]):
    """Pass batches through, showing articles, sentences and sentences/s on stderr."""
    import time

    from rich.console import Console
    from rich.live import Live

    def line(verb: str) -> str:
        rate = counts[0] / max(time.perf_counter() - t0, 1e-9)
        return f"{verb}: {counts[1]:,} articles, {counts[0]:,} sentences, {rate:,.0f} sentences/s"

    t0 = time.perf_counter()
    with Live(console=Console(stderr=True), refresh_per_second=4, transient=False) as live:
        for batch in batches:
            live.update(line("tagging"))
            yield batch
        live.update(line("tagged"))


# --- runs ---------------------------------------------------------------------------------


# `split`: the split each run was scored on (a search's trials score dev, and sit beside
# test-scored runs).
LIST_COLUMNS = ["run", "status", "cfg.model.name", "cfg.train.source", "cfg.data.name",
                "split", "seed", "fold", "overrides", "macro_f1", "macro_f1_lo", "macro_f1_hi",
                "accuracy", "seconds"]


def _runs(argv: list[str]) -> None:
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
            _fail("runs compare: give two or more runs")
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


# --- data ---------------------------------------------------------------------------------


def _data(argv: list[str]) -> None:
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
            cfg = _data_config(args.overrides, whole=True)
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


def _data_config(overrides: list[str], whole: bool = False):
    """The composed `data` group (articles, gold, splits, sentences) for these overrides
    (whole: the whole config)."""
    from newsroles.project import check_overrides, compose

    from newsroles.pipeline.prepare import is_sentence_format

    check_overrides(overrides, data_task=None)
    cfg = compose(overrides)
    if is_sentence_format(cfg):
        raise NewsrolesError(f"data={cfg.data.name} comes as sentence files, not articles "
                             "and gold spans")
    return cfg if whole else cfg.data


# --- annotate -----------------------------------------------------------------------------


def _annotate(argv: list[str]) -> None:
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
    data = _data_config([f"data={args.data}"] if args.data else [])
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
    from newsroles.annotation.export import export_batch

    from omegaconf import OmegaConf

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
            _fail(e.problems[0])
        for line in e.problems:
            print(f"newsroles: error: {line}", file=sys.stderr)
        _fail(f"{args.file}: {e}")
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


# --- analyze ------------------------------------------------------------------------------


def _analyze(argv: list[str]) -> None:
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


# --- entry point --------------------------------------------------------------------------

USAGE = __doc__


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE.strip())
        return
    if argv[0] in ("-V", "--version"):
        from newsroles import __version__

        print(f"newsroles {__version__}")
        return
    cmd, rest = argv[0], argv[1:]
    try:
        if cmd == "run" and _from_search_wanted(rest):
            _run_from_search(rest)
        elif cmd in HYDRA_TASKS:
            _task_main(cmd, rest)
        elif cmd == "tag":
            _tag(rest)
        elif cmd == "runs":
            _runs(rest)
        elif cmd == "rerun":
            _rerun(rest)
        elif cmd == "data":
            _data(rest)
        elif cmd == "annotate":
            _annotate(rest)
        elif cmd == "analyze":
            _analyze(rest)
        else:
            _fail(f"unknown command {cmd!r} (try: newsroles --help)")
    except NewsrolesError as e:
        _fail(str(e))
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except BrokenPipeError:
        sys.stderr.close()
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
