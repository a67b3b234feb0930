"""Both notebooks run against a tiny sweep made through the CLI, and are committed with
their outputs stripped."""

import nbformat
import pytest
from conftest import ROOT, run_in_process
from nbclient import NotebookClient

from newsroles.runs import load_runs

NOTEBOOKS = [ROOT / "notebooks" / "compare_runs.ipynb", ROOT / "notebooks" / "error_analysis.ipynb"]


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


def _execute(path, monkeypatch, runs_root):
    monkeypatch.setenv("NEWSROLES_RUNS", str(runs_root))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors, errors[0]["evalue"] if errors else ""
    text = "".join(str(o.get("text", "")) + str(o.get("data", {}).get("text/plain", ""))
                   for c in nb.cells for o in c.get("outputs", []))
    images = sum("image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", []))
    return text, images


def test_compare_notebook_executes_on_a_sweep(tiny_sweep, monkeypatch):
    text, images = _execute(NOTEBOOKS[0], monkeypatch, tiny_sweep.parent.parent)
    assert "4 runs under" in text and "4 completed with metrics" in text
    assert "mean ± sd" in text  # seed variance per model
    assert "sentences labelled differently" in text  # the two best models compared
    assert images >= 4  # interval plot, parameter plot, heatmap, confusion matrices


def test_error_analysis_notebook_executes_on_a_run(tiny_sweep, monkeypatch):
    runs = load_runs(tiny_sweep)
    worst = runs.sort_values("macro_f1")["path"].iloc[0]  # one with errors to show
    monkeypatch.setenv("NEWSROLES_RUN", worst)
    text, _ = _execute(NOTEBOOKS[1], monkeypatch, tiny_sweep.parent.parent)
    assert worst in text and "=== gold " in text and "before:" in text
