"""Sweeps (Hydra multirun with each launcher), cross-validation folds, hyperparameter
search on dev, and the sweep summary."""

from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml
from conftest import cli, fixture_overrides

from newsroles.crossval import RESERVED, cv_splits
from newsroles.errors import NewsrolesError


def _jobs(sweep):
    return sorted(p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_sweep_makes_one_complete_run_per_job_and_a_summary(tiny_sweep):
    jobs = _jobs(tiny_sweep)
    assert len(jobs) == 4
    for job in jobs:
        for name in ("status.json", "config.yaml", "metrics.json", "predictions.jsonl", "model"):
            assert (job / name).exists(), (job, name)
        assert json.loads((job / "status.json").read_text())["status"] == "completed"
    summary = pd.read_csv(tiny_sweep / "sweep_summary.csv")
    assert list(summary["job"]) == [0, 1, 2, 3]
    assert set(summary["status"]) == {"completed"}
    assert summary["overrides"].str.contains("model=rules").sum() == 2
    assert not summary["overrides"].str.contains("paths.runs").any()
    # The summary's figures are the jobs' own.
    for row, job in zip(summary.itertuples(), jobs):
        m = json.loads((job / "metrics.json").read_text())
        assert row.macro_f1 == pytest.approx(m["macro_f1"])
        assert row._asdict()["_10"] == pytest.approx(m["per_class"]["quote"]["f1"])


def test_cv_splits_partition_train_articles_and_set_test_aside():
    doc_split = {f"t{i}": "train" for i in range(10)} | {"d0": "dev", "x0": "test", "x1": "test"}
    held = []
    for k in range(3):
        s = cv_splits(doc_split, k, 3)
        assert s["d0"] == "dev" and s["x0"] == s["x1"] == RESERVED
        held.append({d for d, v in s.items() if v == "test"})
        assert s == cv_splits(doc_split, k, 3)  # the same folds every time
    assert set().union(*held) == {f"t{i}" for i in range(10)}
    assert sum(len(h) for h in held) == 10  # each train article held out exactly once
    with pytest.raises(NewsrolesError, match="fold=3"):
        cv_splits(doc_split, 3, 3)
    with pytest.raises(NewsrolesError, match="at least 2"):
        cv_splits(doc_split, 0, 1)


def test_cv_sweep_through_submitit_local_launcher(tmp_path):
    """The Slurm launcher's code path (submitit), each job its own process, over fold=."""
    runs = tmp_path / "runs"
    # Labels from gold and no parse-based features: no job loads spaCy (quicker).
    out = cli("run", "-m", "hydra/launcher=local_processes", "fold=0,1", "folds=2",
              "train.source=gold", "model.lf_parse=false", *fixture_overrides(runs, shared=True))
    assert out.returncode == 0, out.stderr[-3000:]
    (sweep,) = (runs / "multirun").iterdir()
    jobs = _jobs(sweep)
    assert len(jobs) == 2 and (sweep / ".submitit").is_dir()
    scored = []
    for job in jobs:
        m = json.loads((job / "metrics.json").read_text())
        assert m["cv"]["folds"] == 2
        preds = pd.read_json(job / "predictions.jsonl", lines=True)
        scored.append(set(preds["doc_id"]))
        # Gold test articles are never scored under cross-validation.
        assert not scored[-1] & {"court_ruling", "museum_fire"}
    # The two folds score disjoint train articles that together make all of them.
    assert not scored[0] & scored[1]
    assert scored[0] | scored[1] == {"council_budget", "storm_coast", "scientist_obituary",
                                     "trade_deal"}
    summary = pd.read_csv(sweep / "sweep_summary.csv")
    assert len(summary) == 2


def test_parallel_sweep_through_joblib_launcher(tmp_path):
    runs = tmp_path / "runs"
    out = cli("run", "-m", "hydra/launcher=local_parallel", "model.C=0.3,1.0",
              "train.source=gold", "model.lf_parse=false", *fixture_overrides(runs, shared=True))
    assert out.returncode == 0, out.stderr[-3000:]
    (sweep,) = (runs / "multirun").iterdir()
    assert len(_jobs(sweep)) == 2
    assert set(pd.read_csv(sweep / "sweep_summary.csv")["status"]) == {"completed"}


def test_optuna_search_scores_dev_never_test(tmp_path):
    runs = tmp_path / "runs"
    out = cli("run", "-m", "hparams_search=linear", "hydra.sweeper.n_trials=2",
              "train.source=gold", "model.lf_parse=false", *fixture_overrides(runs, shared=True))
    assert out.returncode == 0, out.stderr[-3000:]
    (sweep,) = (runs / "multirun").iterdir()
    best = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    assert set(best["best_params"]) >= {"model.C", "model.context_weight"}
    values = []
    for job in _jobs(sweep):
        m = json.loads((job / "metrics.json").read_text())
        assert m["split"] == "dev"
        preds = pd.read_json(job / "predictions.jsonl", lines=True)
        assert set(preds["doc_id"]) <= {"school_closure", "harbour_vote"}
        values.append(m["macro_f1"])
    assert best["best_value"] == pytest.approx(max(values))


def test_fold_on_pre_split_data_is_a_clear_error(tmp_path):
    data = tmp_path / "corpus"
    data.mkdir()
    for split in ("train", "dev"):
        (data / f"{split}.jsonl").write_text(json.dumps(
            {"doc_id": split, "sent_idx": 0, "text": "It rained.", "label": "other"}) + "\n")
    out = cli("run", "data=polnear", f"data.path={data}", "fold=0",
              f"paths.runs={tmp_path / 'runs'}")
    assert out.returncode != 0 and "Traceback" not in out.stderr
    assert "fold=: cross-validation needs article-level gold splits" in out.stderr
