"""The comparison notebook runs against runs made by a tiny pipeline in a temp folder."""

import os
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, run_in_process
from newsroles.runs import load_runs

NOTEBOOK = ROOT / "notebooks" / "compare_runs.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and not c.get("execution_count")
               for c in nb.cells if c.cell_type == "code")


def test_load_runs_table(tmp_path):
    run_in_process(tmp_path, [])
    run_in_process(tmp_path, ["model=rules"])
    df = load_runs(tmp_path)
    assert len(df) == 2 and set(df["cfg.model.name"]) == {"linear", "rules"}
    assert {"macro_f1", "macro_f1_lo", "macro_f1_hi", "f1.quote", "status"} <= set(df.columns)


def test_notebook_executes(tmp_path, monkeypatch):
    runs = tmp_path / "runs"
    run_in_process(runs, [])
    run_in_process(runs, ["model=rules"])
    monkeypatch.setenv("NEWSROLES_RUNS", str(runs))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    text = "".join(str(o.get("text", "")) for c in nb.cells for o in c.get("outputs", []))
    assert "2 runs under" in text and "2 completed" in text
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
