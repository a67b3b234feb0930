"""Printing runs in the terminal (rich tables), for `newsroles runs`."""

from __future__ import annotations

import json
from pathlib import Path

from newsroles.runs.compare import per_class_table
from newsroles.runs.read import load_confusion, load_metrics, load_run


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
        table = per_class_table([path])
        table.index = [" ".join(str(x) for x in i if x) for i in table.index]
        console.print(rich_table(table.reset_index(names="class / metric"), title="metrics"))
        m = load_metrics(path)
        lo, hi = m["macro_f1_ci"]
        console.print(f"macro-F1 {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] on {m['split']} "
                      f"(n={m['n']})")
        cm = load_confusion(path)
        console.print(rich_table(cm.reset_index(names="gold \\ predicted"),
                                      title="confusion matrix"))
    timings = path / "timings.json"
    if timings.exists():
        t = json.loads(timings.read_text())
        console.print("stages: " + ", ".join(
            f"{k} {v['seconds']:.1f}s{' (cached)' if v['cached'] else ''}" for k, v in t.items()))
