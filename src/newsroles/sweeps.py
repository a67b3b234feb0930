"""Sweeps (Hydra multirun): one complete run directory per job under one sweep folder,
and a summary of the sweep written when it ends.

The summary is a Hydra callback (conf/hydra/default.yaml), so it runs in the launching
process after every job has returned, whatever the launcher (basic, joblib, submitit) or
sweeper (basic, Optuna).
"""

from __future__ import annotations

import sys
from pathlib import Path

from hydra.experimental.callback import Callback

SUMMARY_CSV = "sweep_summary.csv"
HEADLINE = ["job", "overrides", "status", "split", "macro_f1", "macro_f1_lo", "macro_f1_hi",
            "accuracy", "seconds"]


def sweep_table(sweep_dir: str | Path):
    """One row per job of a sweep: its overrides, status and headline metrics."""
    import pandas as pd

    from newsroles.runs import iter_run_dirs, load_run

    rows = []
    for run_dir in iter_run_dirs(sweep_dir):
        rec = load_run(run_dir)
        job = run_dir.name.split("_", 1)[0]
        rec["job"] = int(job) if job.isdigit() else job
        rows.append(rec)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=HEADLINE)
    df = df.sort_values("job", key=lambda s: s.astype(str).str.zfill(6)).reset_index(drop=True)
    f1 = [c for c in df.columns if c.startswith("f1.")]
    cols = [c for c in HEADLINE if c in df.columns] + f1
    return df[cols]


def write_summary(sweep_dir: str | Path) -> Path | None:
    from newsroles.io import write_text

    sweep_dir = Path(sweep_dir)
    df = sweep_table(sweep_dir)
    if df.empty:
        return None
    write_text(sweep_dir / SUMMARY_CSV, df.to_csv(index=False))
    return sweep_dir / SUMMARY_CSV


class SweepSummary(Callback):
    """Writes sweep_summary.csv into the sweep folder and prints the table."""

    def on_multirun_end(self, config, **kwargs) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        path = write_summary(sweep_dir)
        if path is None:
            return
        from rich.console import Console

        from newsroles.runs import rich_table

        df = sweep_table(sweep_dir)
        cols = ["job", "overrides", "status", "macro_f1", "macro_f1_lo", "macro_f1_hi",
                "accuracy", "seconds"]
        console = Console(file=sys.stderr, width=None if sys.stderr.isatty() else 160)
        console.print(rich_table(df, cols, title=f"sweep {sweep_dir.name}"))
        print(f"sweep summary: {path}", file=sys.stderr)
