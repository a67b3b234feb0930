"""Both notebooks run against runs made through the CLI on the fixture corpus (a sweep of
the linear model's C, and two seeds of the rules model that label alike), and are committed
with their outputs stripped; the figures' helpers (newsroles.runs.plots) are checked on
the same runs."""

import html
import shutil

import matplotlib
import nbformat
import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, cli, fixture_overrides, run_in_process
from nbclient import NotebookClient

from newsroles.runs import compare_runs, disagreements, errors_with_context, load_runs
from newsroles.runs import plots as P

matplotlib.use("Agg")
import matplotlib.pyplot as plt

NOTEBOOKS = [ROOT / "notebooks" / "compare_runs.ipynb", ROOT / "notebooks" / "error_analysis.ipynb"]


@pytest.fixture(scope="module")
def sweep_root(tmp_path_factory):
    """A runs root: linear at C = 0.1, 1, 10 (one multirun), rules at seeds 1 and 2."""
    root = tmp_path_factory.mktemp("notebook_runs")
    for args in (["model.C=0.1,1,10"], ["model=rules", "seed=1,2"]):
        out = cli("run", "-m", *args, *fixture_overrides(root, shared=True))
        assert out.returncode == 0, out.stderr[-3000:]
    return root


@pytest.fixture(scope="module")
def done(sweep_root):
    return load_runs(sweep_root)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in nb.cells if c.cell_type == "code")


def test_load_runs_table(tmp_path):
    run_in_process(tmp_path, [])
    run_in_process(tmp_path, ["model=rules"])
    df = load_runs(tmp_path)
    assert len(df) == 2 and set(df["cfg.model.name"]) == {"linear", "rules"}
    assert {"macro_f1", "macro_f1_lo", "macro_f1_hi", "f1.quote", "status"} <= set(df.columns)


def _runs_table(rows):
    return pd.DataFrame(rows).assign(run=lambda d: [f"r{i}" for i in range(len(d))])


def test_swept_parameter_is_one_that_varies_alone():
    both = _runs_table(
        [{"cfg.model.name": "linear", "cfg.model.C": c, "cfg.model.lowercase": True,
          "cfg.seed": s} for c in (0.1, 1.0, 10.0) for s in (1, 2)]
        + [{"cfg.model.name": "rules", "cfg.model.C": np.nan, "cfg.model.lowercase": np.nan,
            "cfg.seed": 1}])
    assert P.swept_parameter(both) == "cfg.model.C"  # not the model's name, nor the seed
    assert set(P.sweep_runs(both, "cfg.model.C")["cfg.model.name"]) == {"linear"}
    seeds_only = both[both["cfg.model.C"] == 1.0]
    assert P.swept_parameter(seeds_only) is None  # seeds are noise, not a parameter
    # Two settings changed together with C would confound it: only runs where the other
    # one is held still are plotted.
    mixed = both.assign(**{"cfg.model.use_char": [False] * 6 + [np.nan]})
    mixed.loc[len(mixed)] = {"cfg.model.name": "linear", "cfg.model.C": 0.3,
                             "cfg.model.use_char": True, "cfg.seed": 1, "run": "x"}
    assert P.swept_parameter(mixed) == "cfg.model.C"
    assert 0.3 not in set(P.sweep_runs(mixed, "cfg.model.C")["cfg.model.C"])
    # Runs scored on another split are held apart, never the swept setting.
    split = both.assign(**{"cfg.eval.split": ["test"] * 6 + ["dev"]})
    split.loc[len(split)] = {"cfg.model.name": "linear", "cfg.model.C": 0.5, "cfg.seed": 1,
                             "cfg.eval.split": "dev", "run": "y"}
    assert P.swept_parameter(split) == "cfg.model.C"
    assert set(P.sweep_runs(split, "cfg.model.C")["cfg.eval.split"]) == {"test"}


def test_sweep_plot_draws_each_runs_interval_and_says_if_it_matters(done):
    param = P.swept_parameter(done)
    assert param == "cfg.model.C"
    fig, ax = plt.subplots()
    verdict = P.plot_sweep(done, param, ax)
    held = P.sweep_runs(done, param)
    (bars,) = [c for c in ax.containers if isinstance(c, matplotlib.container.ErrorbarContainer)]
    segments = bars.lines[2][0].get_segments()
    drawn = sorted((round(s[0][1], 6), round(s[1][1], 6)) for s in segments)
    assert drawn == sorted(zip(held["macro_f1_lo"].round(6), held["macro_f1_hi"].round(6)))
    lo, hi = ax.get_ylim()  # the axis spans the intervals, not the points alone
    assert lo <= held["macro_f1_lo"].min() and hi >= held["macro_f1_hi"].max()
    # One line per other setting: its best run against the best setting's, paired.
    tops = held.sort_values("macro_f1").groupby(param).tail(1)
    best, others = tops.iloc[-1], tops.iloc[:-1]
    assert verdict.startswith(f"best: model.C={best[param]} ")
    lines = verdict.splitlines()[1:]
    assert len(lines) == len(others) == 2
    for (_, run), paired in zip(others.iterrows(),
                                compare_runs([best["path"], *others["path"]]).itertuples()):
        (line,) = [ln for ln in lines if ln.startswith(f"  model.C={run[param]}: ")]
        words = "outside the interval" if paired.significant else "within the interval"
        assert words in line and f"[{paired.ci_lo:+.4f}, {paired.ci_hi:+.4f}]" in line
    plt.close(fig)


def test_sweep_plot_of_a_setting_that_is_not_a_number(tmp_path):
    """Groups side by side; runs without predictions are compared by their intervals."""
    runs = _runs_table(
        [{"cfg.model.name": "linear", "cfg.model.use_char": u, "cfg.seed": s,
          "macro_f1": f, "macro_f1_lo": f - 0.02, "macro_f1_hi": f + 0.02,
          "path": str(tmp_path / f"{u}{s}")}
         for u, s, f in ((False, 1, 0.80), (False, 2, 0.81), (True, 1, 0.86), (True, 2, 0.87))])
    assert P.swept_parameter(runs) == "cfg.model.use_char"
    fig, ax = plt.subplots()
    verdict = P.plot_sweep(runs, "cfg.model.use_char", ax)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["False", "True"]
    assert verdict.splitlines()[1] == "  model.use_char=False: -0.0600, intervals apart"
    plt.close(fig)


def _contrast(a, b):
    def luminance(rgb):
        c = np.asarray(rgb[:3], dtype=float)
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("cmap", ["viridis", "Blues"])
def test_cell_text_reads_on_every_shade(cmap):
    from matplotlib.colors import to_rgb

    for shade in np.linspace(0, 1, 41):
        cell = plt.get_cmap(cmap)(shade)
        text = to_rgb(P.text_colour(cell))
        other = to_rgb("white" if P.text_colour(cell) == "black" else "black")
        assert _contrast(cell, text) >= max(4.5, _contrast(cell, other)), (cmap, shade)


def test_heatmap_spans_the_scores_range_with_intervals(done):
    fig, ax = plt.subplots()
    im, value = P.plot_class_heatmap(done, ax)
    assert im.norm.vmin == pytest.approx(np.nanmin(value.values))
    assert im.norm.vmax == pytest.approx(np.nanmax(value.values)) and im.norm.vmin > 0
    texts = [t.get_text() for t in ax.texts]
    assert len(texts) == value.size and all("[" in t for t in texts)
    plt.close(fig)


def test_confusion_matrices_are_of_distinct_runs(done, tmp_path):
    kept, twins = P.distinct_runs(done.sort_values("macro_f1", ascending=False))
    rules = done[done["cfg.model.name"] == "rules"]["path"]
    # The two rules seeds label every sentence alike: one is shown, the other named.
    assert len(set(rules) & set(kept["path"])) == 1 and len(set(rules) & set(twins)) == 1
    labels = [tuple(pd.read_json(f"{p}/predictions.jsonl", lines=True)["pred"])
              for p in kept["path"]]
    assert len(set(labels)) == len(labels)
    # A copy of a run (a cached re-run) is the same model.
    copy = tmp_path / "copy"
    shutil.copytree(kept["path"].iloc[0], copy)
    extra = pd.concat([kept.head(1), kept.head(1).assign(path=str(copy), run="copy")])
    kept2, twins2 = P.distinct_runs(extra)
    assert len(kept2) == 1 and twins2[str(copy)][0] == "the same model"

    fig, ax = plt.subplots()
    P.plot_confusion_matrix(kept["path"].iloc[0], ax, "t")
    assert ax.get_xlabel() == "predicted" and ax.get_ylabel() == "true (gold)"
    assert ax.images[0].get_array().max() <= 1.0  # row-normalised shares
    plt.close(fig)


def _execute(path, monkeypatch, runs_root):
    monkeypatch.setenv("NEWSROLES_RUNS", str(runs_root))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
    outputs = [o for c in nb.cells for o in c.get("outputs", [])]
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                   + str(o.get("data", {}).get("text/html", "")) for o in outputs)
    images = sum("image/png" in o.get("data", {}) for o in outputs)
    return text, images


def test_compare_notebook_executes_on_a_sweep(sweep_root, done, monkeypatch):
    text, images = _execute(NOTEBOOKS[0], monkeypatch, sweep_root)
    assert "5 runs under" in text and "5 completed with metrics" in text
    assert "mean ± sd" in text  # seed variance per model
    assert "swept parameter: model.C (0.1, 1.0, 10.0); 3 of 5 runs" in text
    assert "each other setting's best run against it" in text  # the verdict
    assert "(paired bootstrap, 13 sentences) - " in text
    assert "left out " in text and "the same model as" in text  # the rules twin
    assert "sentences labelled differently" in text
    assert images == 4  # intervals, swept parameter, heatmap, confusion matrices
    # The disagreement table holds each sentence whole.
    best = done.sort_values("macro_f1", ascending=False)
    distinct, _ = P.distinct_runs(best)
    pair = list(distinct.drop_duplicates("cfg.model.name")["path"].head(2))
    sentences = disagreements(*pair)["text"]
    assert len(sentences) and max(map(len, sentences)) > 50
    assert all(s in html.unescape(text) for s in sentences)


def test_error_analysis_notebook_executes_on_a_run(done, sweep_root, monkeypatch):
    worst = done.sort_values("macro_f1")["path"].iloc[0]  # one with errors to show
    monkeypatch.setenv("NEWSROLES_RUN", worst)
    text, images = _execute(NOTEBOOKS[1], monkeypatch, sweep_root)
    assert worst in text and "=== gold " in text and "before:" in text and images == 1
    assert "(95% bootstrap interval)" in text and "f1_lo" in text
    # Sentences wrapped, never cut: each error's words all there, in order.
    flat = " ".join(text.split())
    assert all(" ".join(s.split()) in flat for s in errors_with_context(worst)["text"])
