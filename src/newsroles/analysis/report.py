"""Plots (PNG) of shares, differences and per-article measures with their intervals, and
one self-contained HTML page (images inlined) that puts them together and says what each
method assumes."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

METHOD_COLOURS = {"count": "#9e9e9e", "adjusted": "#1f77b4", "ppi": "#d62728"}

ASSUMPTIONS = {
    "count": "counts the model's labels. Its interval (articles resampled) only reflects "
             "which articles happened to be in the corpus; it assumes the model makes no "
             "mistakes, so when the model "
             "errs more on one label than another the share is biased and the interval does "
             "not cover the truth.",
    "adjusted": "corrects the counts with the model's errors as measured on its gold "
                "evaluation split ({evaluation}; method {adjust}). It assumes the model errs "
                "on this corpus as it did there: among sentences of each true label, the "
                "same mix of scores (label shift only: shares may change, what a quote "
                "looks like may not). Its interval also carries the uncertainty of that "
                "measurement (evaluation and corpus articles resampled together).",
    "ppi": "prediction-powered inference: the model's scores on every sentence, corrected by "
           "its mean error on a random hand-labelled sample of this corpus. It assumes only "
           "that the sample is random (and that the model never trained on it); a poor "
           "model gives a wide interval, not a wrong one. The interval is a normal one, "
           "wants a few dozen hand-labelled sentences per group, and treats sentences as "
           "independent: it speaks of this corpus, while count's and adjusted's resample "
           "articles and so also speak of the articles the corpus might have held.",
}


# A plot shows at most this many groups (the tables have them all).
MAX_PLOTTED_GROUPS = 30


def plot_shares(shares: pd.DataFrame, path: Path | None = None):
    """One panel per label: each group's estimate and interval, one colour per method."""
    return _label_panels(shares, "estimate", "share of sentences", path)


def plot_differences(diffs: pd.DataFrame, path: Path | None = None):
    return _label_panels(diffs, "difference", f"difference from {diffs['baseline'].iloc[0]}",
                         path, zero_line=True)


def _label_panels(frame: pd.DataFrame, value: str, xlabel: str, path: Path | None,
                  zero_line: bool = False):
    plt = _pyplot()
    labels = list(dict.fromkeys(frame["label"]))
    groups, note = _plotted_groups(frame)
    methods = [m for m in METHOD_COLOURS if m in set(frame["method"])]
    fig, axes = plt.subplots(1, len(labels), figsize=(3.2 * len(labels), 0.5 * len(groups) + 2),
                             sharey=True, squeeze=False)
    for ax, label in zip(axes[0], labels):
        _interval_panel(ax, frame[frame["label"] == label], groups, methods, value)
        if zero_line:
            ax.axvline(0, color="black", lw=0.8)
        ax.set_title(label)
        ax.set_xlabel(xlabel)
    axes[0][-1].legend(loc="best", fontsize=8)
    return _finish(fig, path, note)


def plot_article_measures(measures: pd.DataFrame, path: Path | None = None):
    plt = _pyplot()
    names = list(dict.fromkeys(measures["measure"]))
    groups, note = _plotted_groups(measures)
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 0.5 * len(groups) + 2),
                             sharey=True, squeeze=False)
    for ax, name in zip(axes[0], names):
        rows = measures[measures["measure"] == name].set_index("group").loc[groups]
        y = range(len(groups))
        ax.errorbar(rows["mean"], y, xerr=[rows["mean"] - rows["lower"],
                                           rows["upper"] - rows["mean"]],
                    fmt="o", color="#444444", capsize=3)
        ax.set_yticks(list(y), groups)
        ax.set_title({"share_quote": "quote share per article",
                      "sources": "distinct sources per article"}.get(name, name))
        ax.set_xlabel("mean over articles (model's labels)")
    axes[0][0].invert_yaxis()
    return _finish(fig, path, note)


def _plotted_groups(table: pd.DataFrame) -> tuple[list[str], str]:
    groups = list(dict.fromkeys(table["group"]))
    if len(groups) <= MAX_PLOTTED_GROUPS:
        return groups, ""
    return groups[:MAX_PLOTTED_GROUPS], (f"the first {MAX_PLOTTED_GROUPS} of {len(groups)} "
                                         "groups (all are in the tables)")


def _finish(fig, path: Path | None, note: str = ""):
    """Saved to `path` (and closed), or returned for a notebook to show."""
    if note:
        fig.suptitle(note, fontsize=9)
    fig.tight_layout()
    if path is None:
        return fig
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)
    return None


def wide_table(shares: pd.DataFrame, value: str = "estimate") -> pd.DataFrame:
    """Shares (or differences) to read: one row per group and label, one column per
    method, each cell "estimate [lower, upper]"."""
    cells = shares.assign(cell=[f"{v:.3f} [{lo:.3f}, {hi:.3f}]" for v, lo, hi in
                                zip(shares[value], shares["lower"], shares["upper"])])
    table = cells.pivot(index=["group", "label"], columns="method", values="cell")
    methods = [m for m in METHOD_COLOURS if m in table.columns]
    order = {"group": list(dict.fromkeys(shares["group"])),
             "label": list(dict.fromkeys(shares["label"]))}
    table = table[methods].reindex(pd.MultiIndex.from_product(
        [order["group"], order["label"]], names=["group", "label"]))
    return table.dropna(how="all")


def _interval_panel(ax, rows: pd.DataFrame, groups: list[str], methods: list[str],
                    value: str) -> None:
    offsets = {m: (i - (len(methods) - 1) / 2) * 0.22 for i, m in enumerate(methods)}
    for method in methods:
        mine = rows[rows["method"] == method].set_index("group").reindex(groups)
        y = [i + offsets[method] for i in range(len(groups))]
        ax.errorbar(mine[value], y, xerr=[(mine[value] - mine["lower"]).clip(lower=0),
                                          (mine["upper"] - mine[value]).clip(lower=0)],
                    fmt="o", ms=4, capsize=2, color=METHOD_COLOURS[method], label=method)
    ax.set_yticks(range(len(groups)), groups)
    ax.set_ylim(len(groups) - 0.5, -0.5)
    ax.grid(axis="x", alpha=0.3)


def _pyplot():
    import sys

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:  # a notebook keeps its own (inline) backend
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


_STYLE = ("body{font-family:sans-serif;max-width:72em;margin:2em auto;line-height:1.4}"
          "table{border-collapse:collapse;font-size:0.85em}"
          "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}img{max-width:100%}")


def html_report(title: str, summary: str, tables: dict[str, pd.DataFrame],
                images: dict[str, Path], methods: dict[str, str],
                warnings: tuple[str, ...] = ()) -> str:
    """The page: a summary and its warnings, what each method assumes, the plots inlined,
    the tables."""
    head = (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{_STYLE}</style></head><body>")
    parts = [head, f"<h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p>",
             *[f"<p><b>Warning:</b> {html.escape(w)}</p>" for w in warnings],
             "<h2>What each method assumes</h2><ul>"]
    parts += [f"<li><b>{html.escape(m)}</b> {html.escape(text)}</li>"
              for m, text in methods.items()]
    parts.append("</ul>")
    for caption, path in images.items():
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        parts.append(f"<h2>{html.escape(caption)}</h2><img alt='{html.escape(caption)}' "
                     f"src='data:image/png;base64,{data}'>")
    for caption, table in tables.items():
        parts.append(f"<h2>{html.escape(caption)}</h2>")
        parts.append(table.to_html(index=False, float_format=lambda v: f"{v:.3f}", na_rep=""))
    parts.append("</body></html>")
    return "\n".join(parts)
