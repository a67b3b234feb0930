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
seed variance per model, a sweep parameter against macro-F1, per-class F1 across runs,
confusion matrices side by side, and the test sentences two runs disagree on.
`NEWSROLES_PARAM` names the parameter to plot (default: the config value that varies most).
The command-line twin is `newsroles runs list|show|compare`."""),
    new_code_cell("""import os
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from newsroles import runs as R

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
    fig, ax = plt.subplots(figsize=(7, 0.4 * len(d) + 1))
    ax.errorbar(d["macro_f1"], range(len(d)),
                xerr=[d["macro_f1"] - d["macro_f1_lo"], d["macro_f1_hi"] - d["macro_f1"]],
                fmt="o", capsize=3)
    ax.set_yticks(range(len(d)), d["run"].str.slice(0, 40))
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
    new_markdown_cell("## A sweep parameter against macro-F1"),
    new_code_cell("""def varying_parameter(df):
    skip = {"cfg.seed", "cfg.paths.root", "cfg.paths.runs", "cfg.paths.cache"}
    cands = [c for c in df.columns if c.startswith("cfg.") and c not in skip
             and df[c].nunique(dropna=True) > 1]
    return max(cands, key=lambda c: df[c].nunique(), default=None)

param = os.environ.get("NEWSROLES_PARAM") or varying_parameter(done)
if param and not param.startswith("cfg."):
    param = "cfg." + param
if param in done.columns:
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for model, g in done.groupby("cfg.model.name"):
        x = g[param]
        ax.scatter(x.astype(str) if x.dtype == object else x, g["macro_f1"], label=model)
    ax.set_xlabel(param.removeprefix("cfg."))
    ax.set_ylabel("macro-F1")
    ax.legend()
    plt.tight_layout()
    plt.show()
else:
    print("no config value varies across these runs")"""),
    new_markdown_cell("## Per-class F1 across runs"),
    new_code_cell("""f1_cols = [c for c in done.columns if c.startswith("f1.")]
if len(done):
    heat = done.set_index("run")[f1_cols].rename(columns=lambda c: c.removeprefix("f1."))
    heat = heat.dropna(axis=1, how="all")
    fig, ax = plt.subplots(figsize=(1.6 * heat.shape[1] + 3, 0.4 * len(heat) + 1.5))
    im = ax.imshow(heat.values, cmap="Greens", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(heat.shape[1]), heat.columns, rotation=20)
    ax.set_yticks(range(len(heat)), [r[:40] for r in heat.index])
    for i in range(heat.shape[0]):
        for j in range(heat.shape[1]):
            ax.text(j, i, f"{heat.values[i, j]:.2f}", ha="center", va="center", fontsize=8)
    fig.colorbar(im, ax=ax)
    plt.tight_layout()
    plt.show()"""),
    new_markdown_cell("## Confusion matrices side by side (rows gold, columns predicted)"),
    new_code_cell("""shown = done.sort_values("macro_f1", ascending=False).head(4)
if len(shown):
    fig, axes = plt.subplots(1, len(shown), figsize=(4.2 * len(shown), 4), squeeze=False)
    for ax, (_, row) in zip(axes[0], shown.iterrows()):
        cm = R.load_confusion(row["path"])
        ax.imshow(cm.values, cmap="Blues")
        for i in range(len(cm)):
            for j in range(len(cm)):
                ax.text(j, i, int(cm.values[i, j]), ha="center", va="center")
        ax.set_xticks(range(len(cm)), cm.columns, rotation=30)
        ax.set_yticks(range(len(cm)), cm.index)
        ax.set_title(f"{row['run'][:28]}\\nmacro-F1 {row['macro_f1']:.3f}", fontsize=9)
    plt.tight_layout()
    plt.show()"""),
    new_markdown_cell("""## Where two runs disagree

The best runs of the two best models, scored on the same sentences (or `RUN_A` / `RUN_B`): the paired
bootstrap of their macro-F1 difference, and the test sentences they label differently."""),
    new_code_cell("""pair = [os.environ.get("RUN_A"), os.environ.get("RUN_B")]
if not all(pair):
    best = done.sort_values("macro_f1", ascending=False)
    same = best[best["split"] == best["split"].iloc[0]] if len(best) else best
    # The best run of each of the two best models (two seeds of one model say less).
    pair = list(same.drop_duplicates("cfg.model.name")["path"].head(2))
if len(pair) == 2 and all(pair):
    print(R.compare_runs([pair[1], pair[0]]).T)
    disagree = R.disagreements(pair[0], pair[1])
    print(f"{len(disagree)} sentences labelled differently")
    display(disagree.head(30))"""),
]

ERRORS = [
    new_markdown_cell("""# Error analysis of one run

The run in `NEWSROLES_RUN` (default: the best completed run under `NEWSROLES_RUNS` or
`../runs`): its errors by class pair, then the misclassified sentences of each pair with
the sentences before and after them in their article."""),
    new_code_cell("""import os
from pathlib import Path

import pandas as pd

from newsroles import runs as R

pd.set_option("display.max_colwidth", 160)
RUNS = Path(os.environ.get("NEWSROLES_RUNS", "../runs"))
RUN = os.environ.get("NEWSROLES_RUN")
if not RUN:
    table = R.load_runs(RUNS)
    table = table[(table["status"] == "completed") & table["macro_f1"].notna()]
    RUN = table.sort_values("macro_f1", ascending=False)["path"].iloc[0]
metrics = R.load_metrics(RUN)
print(f"{RUN}\\nmacro-F1 {metrics['macro_f1']:.3f} on {metrics['split']} (n={metrics['n']})")"""),
    new_markdown_cell("## Confusion matrix and errors by class pair"),
    new_code_cell("""display(R.load_confusion(RUN))
pairs = R.error_pairs(RUN)
pairs"""),
    new_markdown_cell("""## The sentences behind each pair

Most confident errors first: a confident error is more often a gold mistake or a gap in the
guidelines than a hard case."""),
    new_code_cell("""errors = R.errors_with_context(RUN, context=1)
if errors.empty:
    print("no errors: every scored sentence is right")
for pair in pairs.head(4).itertuples():
    rows = errors[(errors["gold"] == pair.gold) & (errors["pred"] == pair.pred)]
    print(f"\\n=== gold {pair.gold} -> predicted {pair.pred}: {pair.n} sentences ===")
    for r in rows.sort_values("confidence", ascending=False).head(5).itertuples():
        print(f"[{r.doc_id} #{r.sent_idx}, p={r.confidence:.2f}]")
        print(f"    before: {r.before[:200]}")
        print(f"  >> {r.text[:300]}")
        print(f"    after:  {r.after[:200]}")"""),
    new_markdown_cell("## Per-class precision and recall"),
    new_code_cell("""pd.DataFrame(metrics["per_class"]).T"""),
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
