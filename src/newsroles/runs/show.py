"""Printing runs in the terminal (rich tables), for `newsroles runs`."""

from __future__ import annotations

import json
from pathlib import Path

from newsroles.runs.compare import METRICS, class_scores, run_names
from newsroles.runs.read import load_confusion, load_metrics, load_run

SHORT = {"precision": "P", "recall": "R", "f1": "F1"}


def _letters(n: int) -> list[str]:
    """A, B, ... for the runs of a comparison (R1, R2, ... past 26)."""
    return [chr(65 + i) if n <= 26 else f"R{i + 1}" for i in range(n)]


def rich_table(df, columns: list[str] | None = None, title: str | None = None):
    """A DataFrame as a rich Table: floats to three places, config prefixes dropped."""
    from rich.table import Table

    columns = [c for c in (columns or list(df.columns)) if c in df.columns]
    table = Table(title=title)
    for c in columns:
        table.add_column(str(c).removeprefix("cfg."),
                         justify="right" if df[c].dtype.kind in "fi" else "left",
                         no_wrap=c == "run")  # a run's name whole: other columns wrap first
    for _, row in df.iterrows():
        cells = []
        for c in columns:
            v = row[c]
            if isinstance(v, float):
                cells.append("" if v != v else f"{v:.3f}")
            else:
                cells.append("" if v is None else str(v))
        table.add_row(*cells)
    return table


def _score(row, metric: str, interval: bool) -> str:
    """0.923 [0.892, 0.948], or 0.923 where no interval is wanted or known."""
    value, lo, hi = row[metric], row.get(f"{metric}_lo"), row.get(f"{metric}_hi")
    if not interval or lo is None or lo != lo:
        return f"{value:.3f}"
    return f"{value:.3f} [{lo:.3f}, {hi:.3f}]"


def class_table(paths: list[Path], interval_metrics=METRICS, title: str | None = None):
    """Runs' per-class scores as one rich Table: a row per class and one for the macro
    average, columns support, then P, R and F1 of each run (labelled A, B, ... where there
    are several: run names would make the table too wide for a terminal). Metrics in
    `interval_metrics` carry their bootstrap interval; the macro F1 is the run's own
    macro-F1 and interval from metrics.json."""
    from rich.table import Table

    scores = [class_scores(p) for p in paths]
    macro = [load_metrics(p) for p in paths]
    names = [""] if len(paths) == 1 else [f"{x} " for x in _letters(len(paths))]
    table = Table(title=title)
    table.add_column("class")
    table.add_column("support", justify="right")
    for name in names:
        for m in METRICS:
            table.add_column(f"{name}{SHORT[m]}" + (r" \[interval]" if m in interval_metrics
                                                   else ""), justify="right")
    for label in scores[0].index:
        supports = {int(s.loc[label, "support"]) for s in scores if label in s.index}
        cells = [label, "/".join(str(n) for n in sorted(supports))]
        for s in scores:
            row = s.loc[label] if label in s.index else None
            cells += ["" if row is None else _score(row, m, m in interval_metrics)
                      for m in METRICS]
        table.add_row(*cells)
    table.add_section()
    cells = ["macro", str(int(scores[0]["support"].sum()))]
    for s, m in zip(scores, macro):
        lo, hi = m["macro_f1_ci"]
        f1 = {"f1": m["macro_f1"], "f1_lo": lo, "f1_hi": hi}
        cells += [f"{s['precision'].mean():.3f}", f"{s['recall'].mean():.3f}",
                  _score(f1, "f1", "f1" in interval_metrics)]
    table.add_row(*cells, style="bold")
    return table


def print_class_tables(paths: list[Path], console) -> None:
    """`newsroles runs compare`: the runs' class x P/R/F1 table, F1 with its interval."""
    console.print(class_table(paths, ("f1",), title="per class, side by side"))
    for letter, name in zip(_letters(len(paths)), run_names(paths)):
        console.print(f"{letter} = {name}")
    _explain_intervals(paths, console)


def _explain_intervals(paths: list[Path], console) -> None:
    m = load_metrics(paths[0])
    console.print(f"\\[interval]: {m.get('ci_confidence', 0.95):.0%} percentile bootstrap over "
                  f"the scored sentences ({m.get('bootstrap_resamples', 1000)} resamples); "
                  "macro P and R are the classes' means.")


def print_run(path: Path, console) -> None:
    """`newsroles runs show`: one run's status, config, metrics and stage times."""
    rec = load_run(path)
    console.print(f"[bold]{path}[/bold]  status: {rec.get('status')}  stage: {rec.get('stage')}")
    if rec.get("error"):
        console.print(f"error: {rec['error']}")
    if rec.get("overrides"):
        console.print(f"overrides: {rec['overrides']}")
    search = path / "from_search.json"
    if search.exists():
        s = json.loads(search.read_text())
        console.print(f"settings from the search {s['sweep']}: trial {s['best_trial']}, "
                      f"{s['metric']} {s['best_value']:.3f}")
    cfg = {k.removeprefix("cfg."): v for k, v in rec.items() if k.startswith("cfg.")}
    console.print("config: " + ", ".join(
        f"{k}={v}" for k, v in cfg.items()
        if k.split(".")[0] in ("model", "train") or k in ("seed", "fold", "data.name")))
    if (path / "metrics.json").exists():
        console.print(class_table([path], title="per class"))
        _explain_intervals([path], console)
        m = load_metrics(path)
        lo, hi = m["macro_f1_ci"]
        console.print(f"macro-F1 {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}], accuracy "
                      f"{m['accuracy']:.3f} on {m['split']} (n={m['n']})")
        cm = load_confusion(path)
        console.print(rich_table(cm.reset_index(names="gold \\ predicted"),
                                      title="confusion matrix"))
    timings = path / "timings.json"
    if timings.exists():
        t = json.loads(timings.read_text())
        console.print("stages: " + ", ".join(
            f"{k} {v['seconds']:.1f}s{' (cached)' if v['cached'] else ''}" for k, v in t.items()))
