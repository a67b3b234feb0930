"""Write notebooks/compare_runs.ipynb and notebooks/error_analysis.ipynb (outputs empty).

The notebooks are generated so their code stays reviewable as plain Python here; edit this
script and run it, or edit the notebooks in Jupyter and strip outputs before committing
(tests/test_notebook.py checks)."""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parents[1] / "notebooks"

COMPARE = [
    new_markdown_cell("""# Compare runs

Every run under a runs root (default `../runs`, or the `NEWSROLES_RUNS` environment
variable) through `newsroles.runs`: the runs table, macro-F1 with its bootstrap interval,
seed variance per model, a swept parameter against macro-F1, per-class F1 across runs,
confusion matrices of distinct runs side by side, and the test sentences two runs disagree
on. Every figure of a metric draws its 95% bootstrap interval (macro-F1's from
metrics.json, per-class ones from the run's predictions). `NEWSROLES_PARAM` names the
parameter to plot (default: the setting the sweep varied, see below). The command-line
twin is `newsroles runs list|show|compare`."""),
    new_code_cell("""import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from newsroles import runs as R
from newsroles.runs import plots as P

pd.set_option("display.max_colwidth", None)  # sentences whole, never cut
RUNS = Path(os.environ.get("NEWSROLES_RUNS", "../runs"))
runs = R.load_runs(RUNS)
done = runs[(runs["status"] == "completed") & runs["macro_f1"].notna()] if "macro_f1" in runs else runs.iloc[0:0]
done = done.reset_index(drop=True)
print(f"{len(runs)} runs under {RUNS}, {len(done)} completed with metrics")"""),
    new_markdown_cell("## Runs"),
    new_code_cell("""cols = ["run", "status", "cfg.model.name", "cfg.train.source", "seed", "fold", "overrides",
        "split", "macro_f1", "macro_f1_lo", "macro_f1_hi", "accuracy", "seconds"]
runs[[c for c in cols if c in runs.columns]]"""),
    new_markdown_cell("## Macro-F1 with its 95% bootstrap interval"),
    new_code_cell("""if len(done):
    d = done.sort_values("macro_f1")
    labels = P.run_labels(d, 60)
    height = 0.3 * sum(label.count("\\n") + 1 for label in labels) + 1.2
    fig, ax = plt.subplots(figsize=(8, height))
    ax.errorbar(d["macro_f1"], range(len(d)),
                xerr=[d["macro_f1"] - d["macro_f1_lo"], d["macro_f1_hi"] - d["macro_f1"]],
                fmt="o", capsize=3)
    ax.set_yticks(range(len(d)), labels, fontsize=8)
    ax.set_xlabel("macro-F1 (95% bootstrap interval)")
    plt.tight_layout()
    plt.show()"""),
    new_markdown_cell("""## Seed variance per model

Runs that differ only in `seed`, grouped by model and training source: mean ± standard
deviation of macro-F1 over seeds. A deterministic model shows sd 0."""),
    new_code_cell("""group = [c for c in ["cfg.model.name", "cfg.train.source", "cfg.data.name", "fold"] if c in done.columns]
seeds = (done.groupby(group, dropna=False)["macro_f1"]
         .agg(seeds="count", mean="mean", sd="std", min="min", max="max").reset_index())
seeds["mean ± sd"] = [f"{m:.3f} ± {0 if s != s else s:.3f}" for m, s in zip(seeds["mean"], seeds["sd"])]
seeds"""),
    new_markdown_cell("""## A swept parameter against macro-F1

The parameter is the setting that takes the most values among runs that differ in it
alone (the seed aside; numeric settings first), so a setting that is constant, or one that
only changes with the model, is never picked. Only those runs are drawn, each with its
interval; numbers go on an x axis, other values side by side. The y axis spans the
intervals: a difference smaller than them looks small. The line under the plot compares the
best setting with the worst on the same sentences (paired bootstrap)."""),
    new_code_cell("""param = os.environ.get("NEWSROLES_PARAM")
param = "cfg." + param.removeprefix("cfg.") if param else P.swept_parameter(done)
if param in done.columns:
    held = P.sweep_runs(done, param)
    fig, ax = plt.subplots(figsize=(7, 4))
    verdict = P.plot_sweep(done, param, ax)
    ax.set_title(f"{param.removeprefix('cfg.')}: {len(held)} runs", fontsize=10)
    plt.tight_layout()
    plt.show()
    values = ", ".join(P._distinct(held[param]))
    print(f"swept parameter: {param.removeprefix('cfg.')} ({values}); {len(held)} of "
          f"{len(done)} runs differ in it alone")
    print(verdict)
else:
    print("no setting varies across these runs but the seed: nothing to plot")"""),
    new_markdown_cell("""## Per-class F1 across runs

Colours span the range the scores take (not 0 to 1, which paints 0.80 and 0.85 alike);
each cell gives the F1 and its 95% bootstrap interval, in black or white, whichever reads
on that cell."""),
    new_code_cell("""if len(done):
    n_rows = len(done)
    fig, ax = plt.subplots(figsize=(11, 0.62 * n_rows + 1.8))
    im, heat = P.plot_class_heatmap(done, ax)
    fig.colorbar(im, ax=ax, label="F1")
    plt.tight_layout()
    plt.show()"""),
    new_markdown_cell("""## Confusion matrices of distinct runs

The best runs, each shown once: a run with the same model (its manifest of file hashes) or
the same predictions as a better one is left out (a cached re-run, a seed that changes
nothing). Each row is a gold class's sentences as shares (recall on the diagonal), counts in
brackets."""),
    new_code_cell("""distinct, twins = P.distinct_runs(done.sort_values("macro_f1", ascending=False))
shown = distinct.head(4)
for run, (why, twin) in twins.items():
    print(f"left out {os.path.relpath(run, RUNS)}: {why} as {os.path.relpath(twin, RUNS)}")
if len(shown):
    rows, cols = P.grid(len(shown), per_row=2)
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, 5.6 * rows), squeeze=False)
    for ax, label, path in zip(axes.flat, P.run_labels(shown, 34), shown["path"]):
        P.plot_confusion_matrix(path, ax, P.confusion_title(label, path))
    for ax in list(axes.flat)[len(shown):]:
        ax.set_visible(False)
    plt.tight_layout()
    plt.show()
    print("shown: " + "; ".join(os.path.relpath(p, RUNS) for p in shown["path"]))"""),
    new_markdown_cell("""## Where two runs disagree

The best distinct runs of the two best models, scored on the same sentences (or `RUN_A` /
`RUN_B`):
the paired bootstrap of their macro-F1 difference, and the test sentences they label
differently, whole."""),
    new_code_cell("""pair = [os.environ.get("RUN_A"), os.environ.get("RUN_B")]
if not all(pair):
    best = distinct.sort_values("macro_f1", ascending=False)
    same = best[best["split"] == best["split"].iloc[0]] if len(best) else best
    # The best run of each of the two best models (two seeds of one model say less);
    # with one model, its two best distinct runs.
    models = same.drop_duplicates("cfg.model.name")
    pair = list((models if len(models) > 1 else same)["path"].head(2))
if len(pair) == 2 and all(pair):
    print(R.compare_runs([pair[1], pair[0]]).T)
    disagree = R.disagreements(pair[0], pair[1])
    print(f"{len(disagree)} sentences labelled differently")
    # The labels first, then the sentence; runs named by their settings.
    names = {name: name for name in R.run_names(pair)}
    if set(pair) <= set(done["path"]):
        names = dict(zip(names, P.run_labels(done.set_index("path").loc[pair].reset_index(), 30)))
    disagree = disagree[["gold", *names, "text", "doc_id", "sent_idx"]].rename(columns=names)
    display(disagree.head(30).style.format(escape="html").set_properties(
        subset=["text"], **{"white-space": "normal", "text-align": "left", "min-width": "30em"}))"""),
]

ERRORS = [
    new_markdown_cell("""# Error analysis of one run

The run in `NEWSROLES_RUN` (default: the best completed run under `NEWSROLES_RUNS` or
`../runs`): its errors by class pair, then the misclassified sentences of each pair with
the sentences before and after them in their article, whole (wrapped, never cut)."""),
    new_code_cell("""import os
import textwrap
from pathlib import Path

import pandas as pd

from newsroles import runs as R

pd.set_option("display.max_colwidth", None)  # sentences whole, never cut
RUNS = Path(os.environ.get("NEWSROLES_RUNS", "../runs"))
RUN = os.environ.get("NEWSROLES_RUN")
if not RUN:
    table = R.load_runs(RUNS)
    table = table[(table["status"] == "completed") & table["macro_f1"].notna()]
    RUN = table.sort_values("macro_f1", ascending=False)["path"].iloc[0]
metrics = R.load_metrics(RUN)
lo, hi = metrics["macro_f1_ci"]
print(f"{RUN}\\nmacro-F1 {metrics['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] (95% bootstrap interval) "
      f"on {metrics['split']} (n={metrics['n']})")"""),
    new_markdown_cell("## Confusion matrix and errors by class pair"),
    new_code_cell("""import matplotlib.pyplot as plt

from newsroles.runs import plots as P

fig, ax = plt.subplots(figsize=(6.2, 5.6))
P.plot_confusion_matrix(RUN, ax, f"{Path(RUN).name}\\nmacro-F1 {metrics['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}]")
plt.tight_layout()
plt.show()
display(R.load_confusion(RUN))
pairs = R.error_pairs(RUN)
pairs"""),
    new_markdown_cell("""## The sentences behind each pair

Most confident errors first: a confident error is more often a gold mistake or a gap in the
guidelines than a hard case."""),
    new_code_cell("""def wrap(text, lead, width=100):
    # Whole words on every line, hyphenated words kept whole: wrapped, never cut.
    return textwrap.fill(text, width, initial_indent=lead, subsequent_indent=" " * len(lead),
                         break_long_words=False, break_on_hyphens=False)


errors = R.errors_with_context(RUN, context=1)
if errors.empty:
    print("no errors: every scored sentence is right")
for pair in pairs.head(4).itertuples():
    rows = errors[(errors["gold"] == pair.gold) & (errors["pred"] == pair.pred)]
    print(f"\\n=== gold {pair.gold} -> predicted {pair.pred}: {pair.n} sentences ===")
    for r in rows.sort_values("confidence", ascending=False).head(5).itertuples():
        print(f"[{r.doc_id} #{r.sent_idx}, p={r.confidence:.2f}]")
        print(wrap(r.before, "    before: "))
        print(wrap(r.text, "  >> "))
        print(wrap(r.after, "    after:  "))"""),
    new_markdown_cell("""## Per-class precision, recall and F1

Each with its 95% percentile bootstrap interval over the scored sentences (`_lo`, `_hi`)."""),
    new_code_cell("""R.class_scores(RUN).round(3)"""),
]


def write(name, cells):
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, HERE / name)


if __name__ == "__main__":
    write("compare_runs.ipynb", COMPARE)
    write("error_analysis.ipynb", ERRORS)
    print("wrote", HERE / "compare_runs.ipynb", HERE / "error_analysis.ipynb")
