"""Run directories: their lifecycle (rundir), reading them back as tables (read), comparing
them (compare) and printing them (show). Notebooks use it as `from newsroles import runs`."""

from newsroles.runs.compare import (
    aligned_predictions,
    class_scores,
    compare_runs,
    disagreements,
    error_pairs,
    errors_with_context,
    per_class_table,
    run_names,
)
from newsroles.runs.read import (
    filter_runs,
    iter_run_dirs,
    load_confusion,
    load_metrics,
    load_predictions,
    load_run,
    load_runs,
    resolve_run,
)
from newsroles.runs.rundir import STATUS_FILE, RunDir, process_alive, run_state
from newsroles.runs.show import class_table, print_class_tables, print_run, rich_table

__all__ = [
    "STATUS_FILE", "RunDir", "aligned_predictions", "class_scores", "class_table",
    "compare_runs", "disagreements", "error_pairs", "errors_with_context", "filter_runs",
    "iter_run_dirs", "load_confusion", "load_metrics", "load_predictions", "load_run",
    "load_runs", "per_class_table", "print_class_tables", "print_run", "process_alive",
    "resolve_run", "rich_table", "run_names", "run_state",
]
