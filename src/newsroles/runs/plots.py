"""Figures of runs for the notebooks: a swept parameter against macro-F1, per-class F1
across runs, confusion matrices of distinct runs. Every figure of a metric draws its
bootstrap interval; text on coloured cells takes the colour that reads on that cell."""

from __future__ import annotations

import hashlib
import math
import textwrap
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.runs.compare import class_scores, compare_runs
from newsroles.runs.read import load_confusion, load_metrics, load_predictions

# Settings that never tell runs apart: where things go, and the seed (its spread is the
# noise the intervals are compared with, not a parameter).
IGNORED = ("cfg.seed", "cfg.paths.")
# Settings that are held still but never picked as the swept one: what was scored, and how.
NOT_SWEPT = (*IGNORED, "cfg.eval.", "cfg.data.")


def _distinct(values) -> list:
    return sorted({str(v) for v in values if v is not None and v == v})


def _is_numeric(values) -> bool:
    known = [v for v in values if v is not None and v == v]
    return bool(known) and all(isinstance(v, (int, float)) and not isinstance(v, bool)
                               for v in known)


def varying_settings(df) -> list[str]:
    """Config columns (cfg.*) with more than one value across the runs, the seed and
    paths left out."""
    return [c for c in df.columns
            if c.startswith("cfg.") and not c.startswith(IGNORED) and len(_distinct(df[c])) > 1]


def sweep_runs(df, param: str):
    """The largest set of runs that differ in `param` (and the seed) only: every other
    varying setting held at one value, so the plot shows that parameter's effect alone."""
    others = [c for c in varying_settings(df) if c != param]
    if not others:
        return df
    keys = df[others].apply(lambda row: "|".join(map(str, row)), axis=1)
    best = max(keys.unique(), key=lambda k: (len(_distinct(df.loc[keys == k, param])),
                                             (keys == k).sum()))
    return df[keys == best]


def swept_parameter(df) -> str | None:
    """The setting a sweep varied: among those with several values, the one that takes the
    most values with everything else held still (numeric ones first, so a model's C beats
    the model's name when both vary; what was scored, eval.* and data.*, is held still but
    never picked); None when the runs differ in nothing else but the seed."""
    candidates = [c for c in varying_settings(df) if not c.startswith(NOT_SWEPT)]
    if not candidates:
        return None

    def rank(c):
        held = sweep_runs(df, c)
        return (len(_distinct(held[c])), _is_numeric(held[c]), len(held))

    best = max(candidates, key=rank)
    return best if len(_distinct(sweep_runs(df, best)[best])) > 1 else None


def _interval_verdict(held, param: str) -> str:
    """The best setting against each other one (the best run of each), in words: the paired
    bootstrap on the same sentences, or, where the runs scored other sentences, whether
    their own intervals overlap."""
    tops = held.sort_values("macro_f1").groupby(param, dropna=False).tail(1)
    best, others = tops.iloc[-1], tops.iloc[:-1][::-1]
    name = param.removeprefix("cfg.")
    lines = [f"best: {name}={best[param]} (macro-F1 {best['macro_f1']:.4f}); each other "
             f"setting's best run against it:"]
    try:
        diffs = compare_runs([best["path"], *others["path"]])  # other - best
    except (NewsrolesError, OSError):  # other sentences, or no predictions: the intervals
        for _, run in others.iterrows():
            overlap = run["macro_f1_hi"] >= best["macro_f1_lo"]
            lines.append(f"  {name}={run[param]}: {run['macro_f1'] - best['macro_f1']:+.4f}, "
                         + ("intervals overlap: within the noise" if overlap
                            else "intervals apart"))
        return "\n".join(lines)
    for (_, run), diff in zip(others.iterrows(), diffs.itertuples()):
        verdict = ("outside the interval: a real difference" if diff.significant
                   else "within the interval: not a real difference")
        lines.append(f"  {name}={run[param]}: {diff.diff_macro_f1:+.4f} "
                     f"[{diff.ci_lo:+.4f}, {diff.ci_hi:+.4f}] (paired bootstrap, {diff.n} "
                     f"sentences) - {verdict}")
    return "\n".join(lines)


def plot_sweep(df, param: str, ax) -> str:
    """Macro-F1 of each run against `param`, with each run's bootstrap interval: numeric
    values on an x axis (log where they span a factor of 20 or more), others as groups;
    the mean of each setting's runs (seeds, repeats) joined by a line. The y axis spans the
    intervals, so a difference smaller than them looks small. Returns the verdict (the best
    setting against each other one)."""
    held = sweep_runs(df, param).copy()
    numeric = _is_numeric(held[param])
    if numeric:
        held["x"] = held[param].astype(float)
        values = sorted(held["x"].unique())
    else:
        values = _distinct(held[param])
        held["x"] = [values.index(str(v)) for v in held[param]]
    spread = (max(values) - min(values)) if numeric else 1.0
    log = numeric and min(values) > 0 and max(values) / min(values) >= 20
    # Seeds of one setting side by side, not on top of each other.
    rank = held.groupby("x").cumcount() - (held.groupby("x")["x"].transform("size") - 1) / 2
    step = 0.04 * (spread if not log else 1)
    held["xj"] = held["x"] * (1.06 ** rank) if log else held["x"] + step * rank
    ax.errorbar(held["xj"], held["macro_f1"],
                yerr=[held["macro_f1"] - held["macro_f1_lo"], held["macro_f1_hi"] - held["macro_f1"]],
                fmt="o", capsize=3, label="run (95% bootstrap interval)")
    means = held.groupby("x")["macro_f1"].mean()
    mean_style = {"color": "grey", "alpha": 0.6, "label": "mean of each setting's runs"}
    if numeric:  # ordered values: a line; unordered groups: a mark each
        ax.plot(means.index, means.values, "-", **mean_style)
    else:
        ax.scatter(means.index, means.values, marker="_", s=900, **mean_style)
        ax.set_xticks(range(len(values)), values)
        ax.set_xlim(-0.6, len(values) - 0.4)
    if log:
        ax.set_xscale("log")
    ax.set_xlabel(param.removeprefix("cfg."))
    ax.set_ylabel("macro-F1")
    ax.legend(fontsize=8)
    return _interval_verdict(held, param)


def text_colour(rgba) -> str:
    """Black or white, whichever contrasts more with the cell (WCAG relative luminance)."""
    def linear(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgba[:3])
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05).
    return "black" if (luminance + 0.05) ** 2 > 0.05 * 1.05 else "white"


def run_labels(df, width: int = 36) -> list[str]:
    """Each run named by its model and the settings that vary across `df` (a run
    directory's name is a timestamp or a job number), wrapped to `width`, never cut; runs
    whose settings are the same also get their directory's name."""
    keys = [c for c in varying_settings(df) if c != "cfg.model.name"]
    if len(_distinct(df.get("cfg.seed", []))) > 1:
        keys.append("cfg.seed")
    labels = []
    for _, row in df.iterrows():
        settings = [f"{k.removeprefix('cfg.')}={row[k]}" for k in keys
                    if row[k] is not None and row[k] == row[k]]
        labels.append(" ".join([str(row.get("cfg.model.name") or ""), *settings]).strip())
    repeated = {label for label in labels if labels.count(label) > 1}
    labels = [f"{label} ({row['run']})" if label in repeated else label
              for label, (_, row) in zip(labels, df.iterrows())]
    return [textwrap.fill(label or row["run"], width) for label, (_, row)
            in zip(labels, df.iterrows())]


def class_f1_table(df):
    """Per-class F1 of each run with its interval: three DataFrames (value, lo, hi), rows
    the runs' labels, columns the classes and macro."""
    import pandas as pd

    value, lo, hi = {}, {}, {}
    for label, (_, row) in zip(run_labels(df, width=48), df.iterrows()):
        scores = class_scores(row["path"])
        value[label] = {**scores["f1"].to_dict(), "macro": row["macro_f1"]}
        lo[label] = {**scores["f1_lo"].to_dict(), "macro": row["macro_f1_lo"]}
        hi[label] = {**scores["f1_hi"].to_dict(), "macro": row["macro_f1_hi"]}
    return tuple(pd.DataFrame(t).T for t in (value, lo, hi))


def plot_class_heatmap(df, ax):
    """Per-class F1 across runs, coloured over the range the values take (not 0-1, which
    paints 0.80 and 0.85 alike), each cell with its interval in a colour that reads on it."""
    import matplotlib.pyplot as plt
    from matplotlib.colors import Normalize

    value, lo, hi = class_f1_table(df)
    norm = Normalize(vmin=np.nanmin(value.values), vmax=np.nanmax(value.values))
    cmap = plt.get_cmap("viridis")
    im = ax.imshow(value.values, cmap=cmap, norm=norm, aspect="auto")
    for i in range(value.shape[0]):
        for j in range(value.shape[1]):
            v = value.values[i, j]
            interval = ("" if lo.values[i, j] != lo.values[i, j]
                        else f"\n[{lo.values[i, j]:.2f}, {hi.values[i, j]:.2f}]")
            ax.text(j, i, f"{v:.3f}{interval}", ha="center", va="center", fontsize=8,
                    color=text_colour(cmap(norm(v))))
    ax.set_xticks(range(value.shape[1]), value.columns, rotation=20)
    ax.set_yticks(range(value.shape[0]), value.index, fontsize=8)
    ax.set_xlabel("class (F1, 95% bootstrap interval)")
    return im, value


def _fingerprints(path: Path) -> tuple[str | None, str]:
    """The model's (its manifest of file hashes) and the predictions' (the labels given)."""
    manifest = path / "model" / "manifest.json"
    model = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.exists() else None
    preds = load_predictions(path)
    labelled = "\n".join(f"{d}\t{i}\t{p}" for d, i, p in
                         zip(preds["doc_id"], preds["sent_idx"], preds["pred"]))
    return model, hashlib.sha256(labelled.encode()).hexdigest()


def distinct_runs(df):
    """The runs in order, those with the model or the predictions of an earlier one left
    out (a cached re-run, a seed that changes nothing); returns (kept, {left out: (why,
    the earlier run)}), runs named by path (a sweep's job names repeat across sweeps)."""
    seen: dict[str, str] = {}
    kept, dropped = [], {}
    for position, (_, row) in enumerate(df.iterrows()):
        model, predictions = _fingerprints(Path(row["path"]))
        keys = {"the same model": ("model", model), "the same labels": ("labels", predictions)}
        twin = next(((why, seen[k]) for why, k in keys.items() if k in seen), None)
        if twin:
            dropped[row["path"]] = twin
            continue
        kept.append(position)
        seen.update({k: row["path"] for k in keys.values() if k[1]})
    return df.iloc[kept], dropped


def plot_confusion_matrix(path: str | Path, ax, title: str) -> None:
    """Row-normalised (each gold row's shares: recall on the diagonal) with the counts."""
    import matplotlib.pyplot as plt

    from newsroles.evaluation import row_normalised

    counts = load_confusion(path)
    shares = row_normalised(counts.values)
    cmap = plt.get_cmap("Blues")
    ax.imshow(shares, cmap=cmap, vmin=0, vmax=1)
    for i in range(len(counts)):
        for j in range(len(counts)):
            ax.text(j, i, f"{shares[i, j]:.2f}\n({int(counts.values[i, j])})", ha="center",
                    va="center", fontsize=8, color=text_colour(cmap(shares[i, j])))
    ax.set_xticks(range(len(counts)), [c.replace("_", "\n") for c in counts.columns])
    ax.set_yticks(range(len(counts)), [c.replace("_", "\n") for c in counts.index])
    ax.set_xlabel("predicted")
    ax.set_ylabel("true (gold)")
    ax.set_title(title, fontsize=9)


def confusion_title(label: str, path) -> str:
    m = load_metrics(path)
    lo, hi = m["macro_f1_ci"]
    return f"{label}\nmacro-F1 {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}]"


def grid(n: int, per_row: int = 3) -> tuple[int, int]:
    return math.ceil(n / per_row), min(n, per_row)
