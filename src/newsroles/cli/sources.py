"""`newsroles sources`: who gets quoted, one row per source of a tagged corpus."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsroles.errors import NewsrolesError

OUTPUT_SUFFIXES = (".csv", ".parquet")
TOP_ROWS = 20


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="newsroles sources",
        description="Who gets quoted: one row per source (the resolved name, else the "
                    "source's text) with its quote and attribution sentences, articles, "
                    "type and first quote; most sentences first.")
    parser.add_argument("tagged", nargs="+", help="output of newsroles tag (.jsonl, .csv, "
                                                  ".parquet), with who said it")
    parser.add_argument("-o", "--output", help="write the whole table (.csv or .parquet); "
                                               f"default: the top {TOP_ROWS} on stdout")
    parser.add_argument("--by", nargs="+", action="extend", default=[], metavar="FIELD",
                        help="input fields to group by (columns first); a date by period: "
                             "date:year|month|day")
    args = parser.parse_args(argv)
    if args.output:
        _check_output(Path(args.output), args.tagged)

    from newsroles.analysis.quoted import who_is_quoted

    result = who_is_quoted(args.tagged, args.by)
    if args.output:
        _write(result.table, Path(args.output))
        print(f"wrote {len(result.table):,} rows -> {args.output}", file=sys.stderr)
    else:
        _print_top(result)
    print(result.summary, file=sys.stderr)


def _check_output(output: Path, inputs: list[str]) -> None:
    if output.suffix.lower() not in OUTPUT_SUFFIXES:
        raise NewsrolesError(f"cannot write a {output.suffix or 'suffix-less'} file "
                             f"(expected {' or '.join(OUTPUT_SUFFIXES)})", output)
    if any(output.resolve() == Path(p).resolve() for p in inputs):
        raise NewsrolesError("is one of the inputs (writing would replace it)", output)


def _write(table, output: Path) -> None:
    from newsroles.io import atomic_path

    with atomic_path(output) as tmp:
        if output.suffix.lower() == ".csv":
            table.to_csv(tmp, index=False)
        else:
            table.to_parquet(tmp, index=False)


def _print_top(result) -> None:
    from rich.console import Console

    from newsroles.runs.show import rich_table

    top = result.table.head(TOP_ROWS)
    text_columns = top.select_dtypes(exclude="number").columns
    top[text_columns] = top[text_columns].astype(object).where(top[text_columns].notna(),
                                                               None)  # empty, not <NA>
    top["first_quote"] = top["first_quote"].map(_shortened)
    title = f"top {len(top)} of {len(result.table):,} sources"
    Console().print(rich_table(top, title=title))


def _shortened(text, width: int = 80):
    if text is None or len(text) <= width:
        return text
    return text[:width - 1].rstrip() + "…"
