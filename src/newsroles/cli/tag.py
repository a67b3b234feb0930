"""`newsroles tag`: a model's labels (and who said it) for new text."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from newsroles.cli.common import fail


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
    args = parser.parse_args(argv)
    suffix = Path(args.output or "").suffix.lower()
    fmt = args.format or {".csv": "csv", ".parquet": "parquet", ".html": "html",
                          ".htm": "html"}.get(suffix, "jsonl")
    if args.batch_size < 1 or args.jobs < 0:
        fail("--batch-size must be at least 1 and --jobs at least 0")

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
