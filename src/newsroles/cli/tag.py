"""`newsroles tag`: a model's labels (and who said it) for new text."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from newsroles.cli.common import fail

# Articles per partition for --engine dask: a part costs about 13 ms of worker time
# against 3-5 s of tagging for 500 Wikinews articles (benchmarks/tag_dask.py, README).
DEFAULT_PARTITION_SIZE = 500


def main(argv: list[str]) -> None:
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
    _scale_out_arguments(parser)
    args = parser.parse_args(argv)
    suffix = Path(args.output or "").suffix.lower()
    fmt = args.format or {".csv": "csv", ".parquet": "parquet", ".html": "html",
                          ".htm": "html"}.get(suffix, "jsonl")
    if args.batch_size < 1 or args.jobs < 0:
        fail("--batch-size must be at least 1 and --jobs at least 0")
    jobs = args.jobs or min(os.cpu_count() or 1, 8)
    if args.engine == "dask":
        _tag_on_dask(args, jobs)
        return
    if args.scheduler or args.cluster or args.cluster_option:
        fail("--scheduler, --cluster and --cluster-option go with --engine dask")

    from newsroles.partitions import check_shards, expand_inputs

    check_shards(args.shards, args.shard_index)
    from newsroles.documents import read_documents
    from newsroles.output import check_output, encoder_for, fixed_fields, write_batches
    from newsroles.tagger import Tagger, counted

    # The model first (what the command names first; loading it is quick, spaCy waits for
    # the first parse), then the inputs (globs, Parquet dataset folders) and -o.
    tagger = Tagger.load(args.model, sources=not args.no_sources, runtime=args.runtime)
    inputs = expand_inputs(args.inputs, stdin=True)
    check_output(args.output, fmt, inputs)
    docs = read_documents(inputs, args.id_column, args.text_column, args.sentences_column)
    if args.shards is not None:
        from newsroles.partitions import shard

        docs = shard(docs, args.shards, args.shard_index)
    extra: tuple[str, ...] = ()
    if fmt in ("csv", "parquet"):  # fixed columns: the first article's fields
        docs, extra = fixed_fields(docs)
    encoder = encoder_for(fmt, tagger.model.labels, tagger.sources, extra)
    batches = tagger.tag_batches(docs, batch_size=args.batch_size, jobs=jobs, encode=encoder)
    counts = [0, 0]  # sentences, articles
    batches = counted(batches, counts)
    show = args.progress == "on" or (args.progress == "auto" and sys.stderr.isatty())
    if show:
        batches = _with_progress(batches, counts)
    write_batches(batches, args.output, fmt, encoder, tagger.identity)
    if args.output:
        print(f"tagged {counts[0]} sentences -> {args.output}", file=sys.stderr)


def _scale_out_arguments(parser: argparse.ArgumentParser) -> None:
    """Beyond one machine: Dask (a cluster tags partitions into parts under -o) or
    independent jobs that each tag one shard (Slurm job arrays)."""
    group = parser.add_argument_group("beyond one machine")
    group.add_argument("--engine", choices=("plain", "dask"), default="plain",
                       help="plain (default): this process and its --jobs workers; dask: "
                            "partitions tagged on a Dask cluster, one part file each under -o "
                            "FOLDER, with a _SUCCESS manifest (re-running skips finished parts)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="with --engine dask: a running Dask scheduler (tcp://host:8786)")
    group.add_argument("--cluster", metavar="NAME",
                       help="with --engine dask: start a cluster from conf/cluster/NAME.yaml "
                            "(local: LocalCluster with --jobs workers, the default; slurm: "
                            "dask-jobqueue's SLURMCluster) or from a .yaml file")
    group.add_argument("--cluster-option", action="append", default=[], metavar="KEY=VALUE",
                       help="override a key of the cluster settings (repeatable)")
    group.add_argument("--partition-size", type=int, default=DEFAULT_PARTITION_SIZE,
                       metavar="DOCUMENTS",
                       help="with --engine dask: articles per partition of a JSON-lines or "
                            f"Parquet file (default {DEFAULT_PARTITION_SIZE}); CSV and .txt "
                            "files are one partition each")
    group.add_argument("--retries", type=int, default=2,
                       help="with --engine dask: tries after the first for a part that fails "
                            "(default 2); then it is reported with its input")
    group.add_argument("--shards", type=int, metavar="N",
                       help="tag only shard --shard-index of N: articles K, K+N, K+2N... of "
                            "the input, so N independent jobs cover it exactly once")
    group.add_argument("--shard-index", type=int, metavar="K",
                       help="which shard, 0..N-1 (e.g. $SLURM_ARRAY_TASK_ID)")


def _tag_on_dask(args, jobs: int) -> None:
    from newsroles.distributed import DaskJob, run

    if args.shards is not None or args.shard_index is not None:
        fail("--shards is for independent jobs of the plain engine; --engine dask splits "
             "the input itself")
    if not args.output or args.output == "-":
        fail("--engine dask writes one part file per partition: give -o FOLDER")
    if args.scheduler and (args.cluster or args.cluster_option):
        fail("give --scheduler (a running cluster) or --cluster (one started here), not both")
    job = DaskJob(model=args.model, inputs=args.inputs, out_dir=args.output,
                  fmt=args.format or "parquet", sources=not args.no_sources,
                  runtime=args.runtime,
                  columns=(args.id_column, args.text_column, args.sentences_column),
                  batch_size=args.batch_size, partition_size=args.partition_size,
                  retries=args.retries, jobs=jobs,
                  scheduler=args.scheduler, cluster=args.cluster or "local",
                  cluster_options=args.cluster_option)
    manifest = run(job, log=lambda line: print(line, file=sys.stderr))
    print(f"tagged {manifest['rows']} sentences in {len(manifest['parts'])} parts -> "
          f"{args.output}", file=sys.stderr)


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
