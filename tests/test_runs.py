"""Reading runs back: runs list/show/compare, the paired bootstrap, MLflow tracking, and
reproducing a run (re-evaluating its model, re-creating it from its saved config)."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import ROOT, cli, fixture_overrides

from newsroles import LABELS, runs
from newsroles.errors import NewsrolesError
from newsroles.evaluation import paired_bootstrap


def _jobs(sweep):
    return sorted(p for p in sweep.iterdir() if p.is_dir() and not p.name.startswith("."))


def test_paired_bootstrap_tells_real_differences_from_noise():
    rng = np.random.default_rng(0)
    gold = rng.choice(LABELS, 600)
    good = np.where(rng.random(600) < 0.9, gold, rng.choice(LABELS, 600))
    poor = np.where(rng.random(600) < 0.6, gold, rng.choice(LABELS, 600))
    real = paired_bootstrap(gold, good, poor)
    assert real["diff"] > 0.2 and real["significant"] and real["ci"][0] > 0
    # Two systems that differ on a handful of sentences: the interval straddles zero.
    near = good.copy()
    near[:3] = poor[:3]
    noise = paired_bootstrap(gold, good, near)
    assert not noise["significant"] and noise["ci"][0] <= 0 <= noise["ci"][1]
    same = paired_bootstrap(gold, good, good)
    assert same["diff"] == 0 and not same["significant"]


def test_filter_runs_by_config(tiny_sweep):
    df = runs.load_runs(tiny_sweep)
    assert len(df) == 4
    assert set(runs.filter_runs(df, ["model.name=linear"])["cfg.model.name"]) == {"linear"}
    assert len(runs.filter_runs(df, ["model.name=rules", "seed=2"])) == 1
    assert runs.filter_runs(df, ["seed=7"]).empty
    with pytest.raises(NewsrolesError, match="no config value 'modle.name'"):
        runs.filter_runs(df, ["modle.name=linear"])
    with pytest.raises(NewsrolesError, match="expected KEY=VALUE"):
        runs.filter_runs(df, ["linear"])


def test_runs_cli_list_show_compare(tiny_sweep, tmp_path):
    root = tiny_sweep.parent.parent
    out = cli("runs", "--root", str(root), "list", "--where", "model.name=linear", "--csv")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 3 and all(",linear," in ln for ln in lines[1:])

    jobs = _jobs(tiny_sweep)
    shown = cli("runs", "--root", str(root), "show", str(jobs[0]))
    assert shown.returncode == 0, shown.stderr
    assert "confusion matrix" in shown.stdout and "macro-F1" in shown.stdout
    # A class x P/R/F1 table: support, and each score with its bootstrap interval.
    scores = runs.class_scores(jobs[0])
    assert "P [interval]" in shown.stdout and "F1 [interval]" in shown.stdout
    for label, row in scores.iterrows():
        # The first table is the per-class one (the confusion matrix comes after).
        line = next(ln for ln in shown.stdout.splitlines() if f"│ {label} " in ln)
        cells = [c.strip() for c in line.strip("│ ").split("│")]
        assert cells[:2] == [label, str(int(row["support"]))]
        assert cells[2:] == [f"{row[m]:.3f} [{row[m + '_lo']:.3f}, {row[m + '_hi']:.3f}]"
                             for m in ("precision", "recall", "f1")]
    lo, hi = runs.load_metrics(jobs[0])["macro_f1_ci"]
    assert f"[{lo:.3f}, {hi:.3f}]" in next(ln for ln in shown.stdout.splitlines() if " macro " in ln)

    cmp = cli("runs", "--root", str(root), "compare", *map(str, jobs))
    assert cmp.returncode == 0, cmp.stderr
    assert "per class, side by side" in cmp.stdout and "paired bootstrap" in cmp.stdout
    assert "A F1 [interval]" in cmp.stdout and "D F1 [interval]" in cmp.stdout
    assert all(f"{letter} = {job.name}" in cmp.stdout for letter, job in zip("ABCD", jobs))
    assert cmp.stdout.count("bootstrap interval:") == 3
    assert "p_sign_flip: the share of bootstrap resamples" in cmp.stdout

    damaged = tmp_path / "damaged"
    shutil.copytree(jobs[0], damaged)
    (damaged / "predictions.jsonl").write_text('{"doc_id": "a", "sent_idx": 0,\n')
    broken = cli("runs", "--root", str(root), "show", str(damaged))
    assert broken.returncode == 2 and "Traceback" not in broken.stderr
    assert f"{damaged / 'predictions.jsonl'}: unreadable" in broken.stderr

    bad = cli("runs", "--root", str(root), "show", "no-such-run")
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "no-such-run: not a run directory" in bad.stderr


def test_compare_tells_apart_runs_of_the_same_name(tiny_sweep, tmp_path):
    """Two sweeps' jobs are both called 0_linear: each keeps its own column."""
    a = _jobs(tiny_sweep)[0]
    b = tmp_path / "other_sweep" / a.name
    shutil.copytree(a, b)
    rows = [json.loads(line) for line in (b / "predictions.jsonl").read_text().splitlines()]
    rows[0]["pred"] = next(label for label in LABELS if label != rows[0]["pred"])
    (b / "predictions.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (diff,) = runs.compare_runs([a, b]).itertuples()
    assert diff.run == f"other_sweep/{a.name}" and diff.against == f"{a.parent.name}/{a.name}"
    assert diff.disagree == 1 and len(runs.disagreements(a, b)) == 1


def test_class_scores_match_scikit_learn(tiny_sweep, tmp_path):
    from sklearn.metrics import precision_recall_fscore_support

    from newsroles.runs.compare import _class_scores

    job = _jobs(tiny_sweep)[0]
    scores = runs.class_scores(job)
    preds = runs.load_predictions(job)
    labels = list(scores.index)
    p, r, f, n = precision_recall_fscore_support(preds["gold"], preds["pred"], labels=labels,
                                                 zero_division=0)
    assert np.allclose(scores[["precision", "recall", "f1"]].T.values, [p, r, f])
    assert list(scores["support"]) == list(n)
    for m in ("precision", "recall", "f1"):
        assert (scores[f"{m}_lo"] <= scores[m] + 1e-9).all()
        assert (scores[m] <= scores[f"{m}_hi"] + 1e-9).all()
    # The vectorised statistic on a batch of resamples is scikit-learn's on each one.
    rng = np.random.default_rng(1)
    gold = rng.integers(0, 4, 300)
    pred = np.where(rng.random(300) < 0.7, gold, rng.integers(0, 4, 300))
    idx = rng.integers(0, 300, (20, 300))
    batch = _class_scores(gold[idx], pred[idx], 4)
    for b in range(20):
        want = precision_recall_fscore_support(gold[idx[b]], pred[idx[b]], labels=range(4),
                                               zero_division=0)[:3]
        assert np.allclose(batch[:, b], np.concatenate(want))
    # A run without predictions still shows its scores, with no intervals.
    bare = tmp_path / "bare"
    shutil.copytree(job, bare)
    (bare / "predictions.jsonl").unlink()
    no_ci = runs.class_scores(bare)
    assert no_ci["f1"].equals(scores["f1"]) and no_ci["f1_lo"].isna().all()


def test_compare_refuses_runs_scored_on_other_sentences(tiny_sweep, tmp_path):
    a = _jobs(tiny_sweep)[0]
    b = tmp_path / "other"
    shutil.copytree(a, b)
    lines = (b / "predictions.jsonl").read_text().splitlines()
    (b / "predictions.jsonl").write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(NewsrolesError, match="scored on other sentences"):
        runs.compare_runs([a, b])


def test_mlflow_logs_a_run_that_reads_back(tmp_path):
    pytest.importorskip("mlflow")
    from mlflow.tracking import MlflowClient

    runs_root = tmp_path / "runs"
    out = cli("run", "logger=mlflow", *fixture_overrides(runs_root, shared=True))
    assert out.returncode == 0, out.stderr[-2000:]
    run_dir = runs_root / out.stdout.strip().splitlines()[-1].split("/")[-1]
    metrics = json.loads((run_dir / "metrics.json").read_text())

    client = MlflowClient(tracking_uri=f"sqlite:///{runs_root / 'mlflow.db'}")
    (logged,) = client.search_runs([client.get_experiment_by_name("newsroles").experiment_id])
    assert logged.info.status == "FINISHED"
    assert logged.data.tags["run_dir"] == str(run_dir.resolve())
    assert logged.data.metrics["macro_f1"] == pytest.approx(metrics["macro_f1"])
    assert logged.data.metrics["f1.quote"] == pytest.approx(metrics["per_class"]["quote"]["f1"])
    assert logged.data.params["model.name"] == "linear"
    artifacts = {a.path for a in client.list_artifacts(logged.info.run_id)}
    assert {"confusion_matrix.json", "metrics.json", "model"} <= artifacts
    model_files = {a.path for a in client.list_artifacts(logged.info.run_id, "model")}
    assert "model/manifest.json" in model_files
    # Nothing of MLflow's lands outside the runs root.
    assert not (ROOT / "mlruns").exists()


def test_reevaluating_a_saved_model_reproduces_its_metrics_exactly(trained_run, tmp_path):
    out = cli("evaluate", f"eval.model={trained_run}", *fixture_overrides(tmp_path / "runs", shared=True))
    assert out.returncode == 0, out.stderr[-2000:]
    new = tmp_path / "runs" / out.stdout.strip().splitlines()[-1].split("/")[-1]
    old_m = json.loads((trained_run / "metrics.json").read_text())
    new_m = json.loads((new / "metrics.json").read_text())
    for key in ("macro_f1", "macro_f1_ci", "accuracy", "per_class", "confusion_matrix", "n"):
        assert new_m[key] == old_m[key], key
    old_p = (trained_run / "predictions.jsonl").read_text()
    assert (new / "predictions.jsonl").read_text() == old_p


def test_rerun_recreates_a_run_from_its_saved_config(tmp_path):
    """Every stage, the parse and the labeling functions included (the rules model and
    the weak labels run the same label stage)."""
    runs_root = tmp_path / "runs"
    first = cli("run", "model=linear", *fixture_overrides(runs_root))
    assert first.returncode == 0, first.stderr[-2000:]
    old = runs_root / first.stdout.strip().splitlines()[-1].split("/")[-1]
    again = cli("rerun", str(old))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "reproduced exactly: macro-F1" in again.stdout
    new = runs_root / again.stdout.strip().splitlines()[-2].split("/")[-1]
    assert new != old and (new / "metrics.json").exists()
    # Every stage was computed again (a fresh cache), not read back from the first run's.
    timings = json.loads((new / "timings.json").read_text())
    assert not any(t["cached"] for t in timings.values())
    assert json.loads((new / "metrics.json").read_text())["per_class"] == \
        json.loads((old / "metrics.json").read_text())["per_class"]


def test_rerun_refuses_when_todays_configs_changed(trained_run, tmp_path):
    project = tmp_path / "project"
    shutil.copytree(ROOT / "conf", project / "conf")
    linear = project / "conf" / "model" / "linear.yaml"
    linear.write_text(linear.read_text() + "C: 0.7\n")
    # The project is the one the command stands in: the copy, not this checkout.
    out = cli("rerun", str(trained_run), cwd=project)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "model.C: 0.3 -> 0.7" in out.stderr and "--allow-drift" in out.stderr


def test_runs_list_names_the_scored_split_and_a_failed_runs_error(tmp_path):
    import csv
    import io

    from conftest import fixture_overrides

    assert cli("run", *fixture_overrides(tmp_path, shared=True), "eval.split=dev").returncode == 0
    # A sweep job (run_task) checks its data after its run directory exists: failed, why.
    from conftest import run_in_process

    from newsroles.errors import NewsrolesError

    with pytest.raises(NewsrolesError, match="file not found"):
        run_in_process(tmp_path, ["model=rules", "data.gold=/nonexistent/gold.jsonl"])
    out = cli("runs", "--root", str(tmp_path), "list", "--csv")
    assert out.returncode == 0, out.stderr
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    by_status = {r["status"]: r for r in rows}
    assert by_status["completed"]["split"] == "dev"
    assert "gold" in by_status["failed"]["error"]
