"""Sweeps (Hydra multirun with each launcher), cross-validation folds, hyperparameter
search on dev, the sweep summary, job names unique across sweeps, and a search's best
settings trained and scored on test (`newsroles run --from-search`)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, cli, fixture_overrides

from newsroles import sweeps
from newsroles.crossval import RESERVED, cv_splits
from newsroles.errors import NewsrolesError
from newsroles.runs import load_run

# A search of the linear model quick enough for a test: gold labels only, no parse features.
QUICK_LINEAR = ["train.source=gold", "model.lf_parse=false"]


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
    # Each job process names its folder with the sweep's stamp, not its own clock.
    assert [j.name for j in jobs] == [f"{sweep.name}_job{i}_linear" for i in (0, 1)]
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
    assert [j.name for j in _jobs(sweep)] == [f"{sweep.name}_job{i}_linear" for i in (0, 1)]
    assert set(pd.read_csv(sweep / "sweep_summary.csv")["status"]) == {"completed"}


@pytest.fixture(scope="module")
def linear_search(tmp_path_factory):
    """A two-trial Optuna search of the linear model through the CLI: (sweep folder, the
    search's stdout + stderr)."""
    runs = tmp_path_factory.mktemp("search_runs")
    out = cli("run", "-m", "hparams_search=linear", "hydra.sweeper.n_trials=2", *QUICK_LINEAR,
              *fixture_overrides(runs, shared=True))
    assert out.returncode == 0, out.stderr[-3000:]
    (sweep,) = (runs / "multirun").iterdir()
    return sweep, out.stdout + out.stderr


def test_optuna_search_scores_dev_never_test(linear_search):
    sweep, _ = linear_search
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


def test_search_start_is_quiet_and_its_end_says_what_next(linear_search):
    sweep, printed = linear_search
    for noise in ("setup plugin", "A new study created", "Storage: ", "Sampler: "):
        assert noise not in printed
    assert "Launching 1 jobs locally" in printed  # Hydra's own progress stays
    best = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    c = best["best_params"]["model.C"]
    assert f"best on dev: model.C={float(f'{c:.3g}')!r} " in printed
    assert f"newsroles run --from-search {sweep}" in printed


def test_a_failed_trial_is_one_line_and_the_search_goes_on(tmp_path):
    """A trial newsroles refuses says why once; the sweeper's restatement ("Got 'None'")
    is dropped; the other trials run and the best is a finished one."""
    runs = tmp_path / "runs"
    # TPE seeded by `seed`: trial 0 draws -1.0 (refused), trial 1 draws 0.5.
    out = cli("run", "-m", "hparams_search=linear", "hydra.sweeper.n_trials=2", *QUICK_LINEAR,
              "train.weak_weight=choice(-1.0,0.5)", *fixture_overrides(runs, shared=True))
    assert out.returncode == 0, out.stderr[-3000:]
    printed = out.stdout + out.stderr
    assert "failed: train.weak_weight=-1.0: must be >= 0" in printed
    assert "float-castable" not in printed and "Got 'None'" not in printed
    (sweep,) = (runs / "multirun").iterdir()
    best = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    assert best["best_params"]["train.weak_weight"] == 0.5


def test_from_search_trains_the_rounded_best_settings_and_scores_test(linear_search):
    sweep, _ = linear_search
    best = yaml.safe_load((sweep / "optimization_results.yaml").read_text())
    out = cli("run", "--from-search", str(sweep), "seed=7")
    assert out.returncode == 0, out.stderr[-3000:]
    command = next(ln for ln in out.stderr.splitlines() if ln.startswith("running: "))
    rounded = {k: float(f"{v:.3g}") for k, v in best["best_params"].items()}
    for key, value in rounded.items():
        assert f" {key}={value!r}" in command
    assert "hparams_search" not in command and "eval.split" not in command
    assert "warning" not in out.stderr  # the config is the best trial's but for the split
    run = Path(out.stdout.strip().splitlines()[-1])
    assert run.parent == sweep.parents[1]  # beside the search, in its runs root
    cfg = yaml.safe_load((run / "config.yaml").read_text())
    assert cfg["model"]["C"] == rounded["model.C"]
    assert cfg["train"]["weak_weight"] == rounded["train.weak_weight"]
    assert cfg["seed"] == 7 and cfg["train"]["source"] == "gold"  # extra and base overrides
    assert cfg["data"]["gold"].endswith("fixtures/gold.jsonl")
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["split"] == "test"
    preds = pd.read_json(run / "predictions.jsonl", lines=True)
    assert set(preds["doc_id"]) == {"court_ruling", "museum_fire"}
    record = json.loads((run / "from_search.json").read_text())
    assert record["sweep"] == str(sweep.resolve()) and record["best_params"] == best["best_params"]
    assert load_run(run)["from_search"] == str(sweep.resolve())
    show = cli("runs", "show", str(run))
    assert f"settings from the search {sweep.resolve()}" in show.stdout


def test_from_search_passes_hydra_flags_on_in_order(linear_search):
    """`--cfg job` prints the composed config (its value stays after its flag); no run."""
    sweep, _ = linear_search
    before = sorted(sweep.parents[1].iterdir())
    out = cli("run", "--from-search", str(sweep), "--cfg", "job", "seed=5")
    assert out.returncode == 0, out.stderr[-3000:]
    cfg = yaml.safe_load(out.stdout)
    c = yaml.safe_load((sweep / "optimization_results.yaml").read_text())["best_params"]["model.C"]
    assert cfg["seed"] == 5 and cfg["model"]["C"] == float(f"{c:.3g}")
    assert sorted(sweep.parents[1].iterdir()) == before


def test_from_search_reads_a_search_that_stopped_early(linear_search, tmp_path):
    """No optimization_results.yaml (the search was stopped): the best finished trial."""
    sweep, _ = linear_search
    stopped = tmp_path / sweep.name
    shutil.copytree(sweep, stopped)
    (stopped / "optimization_results.yaml").unlink()
    first, second = _jobs(stopped)
    status = json.loads((first / "status.json").read_text())
    (first / "status.json").write_text(json.dumps({**status, "status": "failed"}))
    # A value the sweeper writes in e-notation (YAML would read it as a string).
    saved = second / ".hydra" / "overrides.yaml"
    overrides = yaml.safe_load(saved.read_text())
    assert overrides[0].startswith("model.C=")
    saved.write_text(yaml.safe_dump(["model.C=2.4567e-05", *overrides[1:]]))
    settings = sweeps.search_settings(stopped, ROOT / "conf")
    assert settings.best_trial == second and not settings.finished
    assert settings.best_value == json.loads((second / "metrics.json").read_text())["macro_f1"]
    assert settings.best_params["model.C"] == 2.4567e-05
    assert "model.C=2.46e-05" in settings.overrides
    (second / "status.json").write_text(json.dumps({**status, "status": "failed"}))
    with pytest.raises(NewsrolesError, match="no finished trials"):
        sweeps.search_settings(stopped, ROOT / "conf")


def test_job_names_stay_unique_across_sweeps_and_from_search_keeps_the_model(tmp_path):
    """Two searches of the rules model into one runs root: every job its own name in
    `runs list`; --from-search brings back the model group the search file chose."""
    runs = tmp_path / "runs"
    for _ in range(2):
        out = cli("run", "-m", "hparams_search=rules", "hydra.sweeper.n_trials=1",
                  *fixture_overrides(runs, shared=True))
        assert out.returncode == 0, out.stderr[-3000:]
    listed = cli("runs", "--root", str(runs), "list", "--csv")
    names = pd.read_csv(io.StringIO(listed.stdout))["run"]
    assert len(names) == 2 and names.is_unique
    assert all("_job0_rules_search" in n for n in names)
    first = min((runs / "multirun").iterdir())
    out = cli("run", "--from-search", str(first))
    assert out.returncode == 0, out.stderr[-3000:]
    assert "running: newsroles run model=rules " in out.stderr
    assert "model.aggregator=" in out.stderr
    run = Path(out.stdout.strip().splitlines()[-1])
    assert json.loads((run / "metrics.json").read_text())["split"] == "test"
    assert yaml.safe_load((run / "config.yaml").read_text())["model"]["name"] == "rules"


def test_from_search_refuses_what_is_not_a_search(linear_search, tiny_sweep, tmp_path):
    sweep, _ = linear_search
    (tmp_path / "empty").mkdir()
    shutil.copytree(_jobs(sweep)[0], tmp_path / "not_hydra" / "job",
                    ignore=shutil.ignore_patterns(".hydra", "model", "labeling"))
    cases = {
        tmp_path / "not_hydra": "not a sweep folder (job has no .hydra/hydra.yaml",
        tmp_path / "missing": "not a sweep folder (no such folder)",
        tmp_path / "empty": "not a sweep folder (no job run directories",
        _jobs(sweep)[0]: "a run directory, not a sweep folder",
        tiny_sweep: "a plain sweep (-m KEY=A,B",
    }
    for folder, message in cases.items():
        out = cli("run", "--from-search", str(folder))
        assert out.returncode == 2, folder
        assert out.stderr.startswith(f"newsroles: error: {folder}: {message}"), out.stderr
        assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_rounded_values_read_back_through_hydras_override_parser():
    from hydra.core.override_parser.overrides_parser import OverridesParser

    parser = OverridesParser.create()
    cases = {0.7316459: 0.732, 1.23456e-05: 1.23e-05, 2.99961: 3.0, 1468.2: 1470.0, 3: 3,
             True: True, "label_model": "label_model"}
    for value, rounded in cases.items():
        text = sweeps.override_value(sweeps.round_value(value))
        parsed = parser.parse_override(f"model.x={text}").value()
        assert parsed == rounded and type(parsed) is type(rounded), (value, text)


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
