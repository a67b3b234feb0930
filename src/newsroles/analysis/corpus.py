"""`newsroles analyze`: from a tagged corpus to shares, differences, per-article measures,
plots and a report, in one call (`analyze`) that the CLI and the notebook share."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from newsroles.analysis.articles import article_measures, article_table
from newsroles.analysis.differences import differences
from newsroles.analysis.evaluation_set import EvaluationSet, load_evaluation
from newsroles.analysis.report import (
    ASSUMPTIONS,
    html_report,
    plot_article_measures,
    plot_differences,
    plot_shares,
)
from newsroles.analysis.shares import Estimates, estimate_shares
from newsroles.analysis.tagged import (
    MODEL_ID_COLUMN,
    group_labels,
    join_gold_sample,
    parse_by,
    read_gold_sample,
    read_tagged,
)
from newsroles.errors import NewsrolesError

OUTPUT_FILES = ("shares.csv", "differences.csv", "articles.csv", "article_measures.csv",
                "shares.png", "differences.png", "article_measures.png", "report.html")


@dataclass
class Analysis:
    shares: pd.DataFrame
    differences: pd.DataFrame
    articles: pd.DataFrame
    article_measures: pd.DataFrame
    estimates: Estimates
    evaluation: EvaluationSet
    summary: str
    inputs: tuple[Path, ...] = ()  # the files read: never written over
    warnings: tuple[str, ...] = ()


def analyze(tagged: list[str | Path] | str | Path, run: str | Path, by: list[str] = (),
            gold_sample: str | Path | None = None, baseline: str | None = None,
            level: float = 0.95, replicates: int = 1000, seed: int = 0,
            adjust: str = "auto") -> Analysis:
    """Everything `newsroles analyze` computes, as tables (nothing written)."""
    if not 0 < level < 1:
        raise NewsrolesError(f"--level must be between 0 and 1 (got {level})")
    if replicates < 100:
        raise NewsrolesError(f"--bootstrap must be at least 100 (got {replicates})")
    paths = [tagged] if isinstance(tagged, (str, Path)) else list(tagged)
    by_fields = parse_by(list(by))
    evaluation = load_evaluation(run)
    table = read_tagged(paths, [field for field, _ in by_fields])
    _check_labels(table, evaluation)
    _check_model(table, evaluation)
    groups = group_labels(table, by_fields)
    gold_rows = gold_labels = None
    if gold_sample is not None:
        sample = read_gold_sample(gold_sample, evaluation.labels)
        gold_rows = join_gold_sample(table, sample, gold_sample)
        gold_labels = sample["gold"]
    estimates = estimate_shares(table, groups, evaluation, gold_rows, gold_labels, level,
                                replicates, seed, adjust)
    articles = article_table(table, groups, evaluation.labels)
    sample = ("no hand-labelled sample (no ppi)" if gold_rows is None else
              f"hand-labelled sample: {len(gold_rows)} sentences")
    summary = (f"{len(table):,} sentences in {table['doc_id'].nunique():,} articles, "
               f"{len(estimates.groups)} group(s){' by ' + ', '.join(by) if by else ''}; "
               f"model errors measured on {evaluation.describe()}; {sample}; "
               f"{level:.0%} intervals, {replicates} bootstrap replicates, seed {seed}.")
    inputs = tuple(Path(p) for p in [*paths, *([gold_sample] if gold_sample else [])])
    result = Analysis(estimates.table(), differences(estimates, baseline), articles,
                      article_measures(articles, estimates.groups, level, replicates, seed),
                      estimates, evaluation, summary, inputs)
    result.warnings = (*_overlap_warning(table, evaluation), *small_group_warnings(result))
    return result


def _overlap_warning(table: pd.DataFrame, evaluation: EvaluationSet) -> list[str]:
    """Adjusting with errors measured on the same articles is circular: say so."""
    shared = set(table["doc_id"].unique()) & set(evaluation.sentences["doc_id"].unique())
    if not shared:
        return []
    return [f"{len(shared)} of the tagged articles are in the gold {evaluation.split} split "
            "the model's errors were measured on: adjusted is not an independent estimate "
            "for them"]


def write_analysis(result: Analysis, out: str | Path) -> list[Path]:
    """The tables, plots and report into `out`, all or none (replacing those of an earlier
    analysis there, nothing else)."""
    from newsroles.io import atomic_files

    out = Path(out)
    if out.exists() and not out.is_dir():
        raise NewsrolesError("is a file; -o names a folder for the tables, plots and report",
                             out)
    inputs = {p.resolve() for p in result.inputs}
    clash = [name for name in OUTPUT_FILES if (out / name).resolve() in inputs]
    if clash:
        raise NewsrolesError(f"would write over the input {clash[0]}; choose another -o", out)
    with atomic_files(out) as tmp:
        result.shares.to_csv(tmp / "shares.csv", index=False)
        result.differences.to_csv(tmp / "differences.csv", index=False)
        result.articles.to_csv(tmp / "articles.csv", index=False)
        result.article_measures.to_csv(tmp / "article_measures.csv", index=False)
        images = {"Shares by group": tmp / "shares.png"}
        plot_shares(result.shares, images["Shares by group"])
        if not result.differences.empty:
            images["Differences from the baseline"] = tmp / "differences.png"
            plot_differences(result.differences, images["Differences from the baseline"])
        images["Per-article measures"] = tmp / "article_measures.png"
        plot_article_measures(result.article_measures, images["Per-article measures"])
        page = html_report("newsroles analyze", result.summary,
                           {"Shares": result.shares, "Differences": result.differences,
                            "Per-article measures (means over articles)":
                                result.article_measures},
                           images, methods_text(result), result.warnings)
        (tmp / "report.html").write_text(page, encoding="utf-8")
        written = sorted(p.name for p in tmp.iterdir())
    return [out / name for name in written]


def methods_text(result: Analysis) -> dict[str, str]:
    methods = set(result.shares["method"])
    adjust = {"pacc": "PACC, on the model's scores", "acc": "ACC, on its labels"}
    return {m: text.format(evaluation=result.evaluation.describe(),
                           adjust=adjust[result.estimates.adjust_method])
            for m, text in ASSUMPTIONS.items() if m in methods}


def _check_labels(table: pd.DataFrame, evaluation: EvaluationSet) -> None:
    unknown = sorted(set(table["label"].unique()) - set(evaluation.labels))
    if unknown:
        raise NewsrolesError(f"the tagged labels {', '.join(unknown)} are not among those the "
                             f"run was evaluated on ({', '.join(evaluation.labels)}): "
                             "tagged by another model?", evaluation.run)


def _check_model(table: pd.DataFrame, evaluation: EvaluationSet) -> None:
    """Where the tagged rows name their model, it must be the evaluated one."""
    if MODEL_ID_COLUMN not in table.columns or evaluation.model_id is None:
        return
    ids = set(table[MODEL_ID_COLUMN].dropna().astype(str).unique())
    if ids and ids != {evaluation.model_id}:
        raise NewsrolesError(f"tagged by {', '.join(sorted(ids))}, but the run evaluated "
                             f"{evaluation.model_id}: its errors say nothing about that "
                             "model", evaluation.run)


def small_group_warnings(result: Analysis, minimum: int = 30, articles: int = 5) -> list[str]:
    """A line per group with fewer than `articles` articles (count's and adjusted's
    intervals resample them) or whose ppi rests on fewer than `minimum` hand-labelled
    sentences."""
    lines = []
    per_group = result.articles.groupby("group").size()
    for group in result.estimates.groups:
        if per_group.get(group, 0) < articles:
            lines.append(f"group {group!r} has {per_group.get(group, 0)} article(s); its count "
                         "and adjusted intervals (articles resampled) are too narrow to trust")
    labelled = result.estimates.labelled.get("ppi")
    for group, n in zip(result.estimates.groups, [] if labelled is None else labelled):
        if n < minimum:
            lines.append(f"group {group!r} has {int(n)} hand-labelled sentences; its ppi "
                         f"interval {'is missing' if n < 2 else 'is rough'} (normal "
                         "approximation)")
    return lines


__all__ = ["OUTPUT_FILES", "Analysis", "analyze", "write_analysis"]
