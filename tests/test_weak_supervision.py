"""The label stage end to end on the fixture corpus: the parse, each aggregator, the
per-function analysis with learned weights, and the rules model with a label model."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import run_in_process


@pytest.mark.parametrize("aggregator", ["majority", "priority", "label_model"])
def test_every_aggregator_runs_and_reports(tmp_path, aggregator):
    run = run_in_process(tmp_path / "runs", [f"labeling.aggregator={aggregator}"], task="label")
    report = json.loads((run / "labeling" / "weak_labels.json").read_text())
    assert report["aggregator"] == aggregator
    assert report["n_functions"] >= 25
    assert 0 < report["coverage_of_set"] <= 1
    assert set(report["weak_vs_gold_dev"]["per_class"]) == {
        "quote", "attribution", "policy_statement", "background"}
    summary = pd.read_csv(run / "labeling" / "lf_summary.csv")
    assert {"function", "group", "polarity", "coverage", "overlaps", "conflicts",
            "gold_dev_votes", "accuracy", "learned_weight", "uses_parse"} <= set(summary.columns)
    weights = summary["learned_weight"]  # the label model is always fitted
    assert weights.notna().any() and weights.dropna().between(0, 1).all()
    assert summary["uses_parse"].any() and set(summary["group"]) == {
        "quotation", "reporting", "official_act", "background"}


def test_parse_is_cached_apart_from_the_functions(tmp_path):
    runs = tmp_path / "runs"
    run_in_process(runs, task="label")
    parse_dirs = list((runs / ".cache" / "parse").iterdir())
    assert len(parse_dirs) == 1
    # Another aggregator re-runs the label stage but reuses the parse.
    run_in_process(runs, ["labeling.aggregator=majority"], task="label")
    assert list((runs / ".cache" / "parse").iterdir()) == parse_dirs
    assert len(list((runs / ".cache" / "label").iterdir())) == 2


def test_rules_model_with_label_model_round_trip(tmp_path):
    from newsroles.models import load_model

    run = run_in_process(tmp_path / "runs", ["model=rules", "labeling.aggregator=label_model"])
    meta = json.loads((run / "model" / "model.json").read_text())
    assert meta["params"]["aggregator"] == "label_model"
    assert (run / "model" / "label_model.npz").exists()
    model = load_model(run / "model")
    preds = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    table = pd.DataFrame([{"text": p["text"], "quote_open_start": False, "quote_open_end": False,
                           "has_quote_marks": '"' in p["text"] or "“" in p["text"]}
                          for p in preds[:3]])
    proba = model.predict_proba(table)
    assert proba.shape == (3, 4) and np.allclose(proba.sum(axis=1), 1)


def test_bad_class_balance_is_one_clear_line(tmp_path):
    from conftest import cli, fixture_overrides

    r = cli("label", *fixture_overrides(tmp_path), "labeling.aggregator=label_model",
            "labeling.class_balance=[0.5,0.5]")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "class_balance" in r.stderr
