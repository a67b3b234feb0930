import json
from pathlib import Path

import pytest
from conftest import ROOT, cli, fixture_overrides, run_in_process

from newsroles.errors import NewsrolesError


def test_run_directory_is_complete(trained_run):
    r = trained_run
    for name in ("config.yaml", "status.json", "metrics.json", "confusion_matrix.json",
                 "confusion_matrix.png", "reliability_diagram.png", "predictions.jsonl", "fingerprints.json",
                 "environment.json", "timings.json", "sentences_stats.json",
                 "labeling/lf_summary.csv", "labeling/weak_labels.json",
                 "model/model.json", "model/manifest.json"):
        assert (r / name).exists(), name
    metrics = json.loads((r / "metrics.json").read_text())
    assert {"macro_f1", "accuracy", "per_class", "macro_f1_ci"} <= set(metrics)
    lo, hi = metrics["macro_f1_ci"]
    assert lo <= metrics["macro_f1"] <= hi
    assert metrics["split"] == "test"
    preds = [json.loads(l) for l in (r / "predictions.jsonl").read_text().splitlines()]
    assert len(preds) == metrics["n"] == sum(v["support"] for v in metrics["per_class"].values())
    # Only test-split articles are scored.
    assert {p["doc_id"] for p in preds} == {"court_ruling", "museum_fire"}
    assert json.loads((r / "status.json").read_text())["status"] == "completed"
    env = json.loads((r / "environment.json").read_text())
    assert "git" in env and "scikit-learn" in env["packages"]
    fp = json.loads((r / "fingerprints.json").read_text())
    assert len(fp["prepare"]["articles"]["sha256"]) == 64 and fp["gold"]["orphaned_spans"] == 0


def test_second_run_reuses_every_stage_and_gives_same_metrics(tmp_path):
    a = run_in_process(tmp_path)
    b = run_in_process(tmp_path)
    ta = json.loads((a / "timings.json").read_text())
    tb = json.loads((b / "timings.json").read_text())
    assert not any(v["cached"] for v in ta.values())
    assert all(v["cached"] for v in tb.values())
    assert (a / "metrics.json").read_text() == (b / "metrics.json").read_text()
    # A change to the model config re-runs train and evaluate only.
    c = run_in_process(tmp_path, ["model.C=3.0"])
    tc = json.loads((c / "timings.json").read_text())
    assert tc["prepare"]["cached"] and tc["label"]["cached"]
    assert not tc["train"]["cached"] and not tc["evaluate"]["cached"]


def test_training_sources(tmp_path):
    import numpy as np
    import pandas as pd

    from newsroles.pipeline.train import training_rows

    table = pd.DataFrame({
        "split": ["train", "train", None, "dev", "test"],
        "gold_label": ["quote", None, None, "quote", "quote"],
    })
    weak = np.array([3, 1, 2, 0, 0])
    idx, y, w = training_rows(table, weak, "gold", 0.5)
    assert idx.tolist() == [0] and y.tolist() == ["quote"]
    idx, y, w = training_rows(table, weak, "weak", 0.5)
    assert idx.tolist() == [0, 1, 2] and y.tolist() == ["background", "attribution", "policy_statement"]
    idx, y, w = training_rows(table, weak, "both", 0.5)
    assert sorted(idx.tolist()) == [0, 1, 2] and w.tolist() == [1.0, 0.5, 0.5]


def test_rules_model_and_stage_alone(tmp_path):
    r = run_in_process(tmp_path, ["model=rules"])
    assert json.loads((r / "metrics.json").read_text())["model"] == "rules"
    p = run_in_process(tmp_path, [], task="label")
    assert (p / "labeling" / "lf_summary.csv").exists() and not (p / "model").exists()


def test_bad_gold_fails_clearly(tmp_path):
    gold = tmp_path / "gold.jsonl"
    rows = [json.loads(l) for l in (ROOT / "tests/fixtures/gold.jsonl").read_text().splitlines()]
    rows[2]["label"] = "opinion"
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(NewsrolesError, match=r"gold.jsonl:3: unknown label 'opinion'"):
        run_in_process(tmp_path / "runs", [f"data.gold={gold}"])
    rows[2]["label"] = "quote"
    rows[4]["start"] += 1
    gold.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(NewsrolesError, match=r"gold.jsonl:5: span .* does not match"):
        run_in_process(tmp_path / "runs", [f"data.gold={gold}"])


def test_cli_run_prints_run_dir_last_and_failed_run_leaves_others_intact(tmp_path):
    runs = tmp_path / "runs"
    ok = cli("run", *fixture_overrides(runs, shared=True))
    assert ok.returncode == 0, ok.stderr
    run_dir = ok.stdout.strip().splitlines()[-1]
    assert (runs / run_dir.split("/")[-1]).is_dir() and run_dir.endswith("_run_linear")
    before = {p: p.read_bytes() for p in (runs).rglob("*") if p.is_file() and ".cache" not in p.parts}

    bad = cli("run", *fixture_overrides(runs), f"data.articles={tmp_path / 'missing.jsonl'}")
    assert bad.returncode != 0
    assert "Traceback" not in bad.stderr
    assert "missing.jsonl: file not found" in bad.stderr
    # The data is checked before a run directory exists: none is made for this one.
    assert [p for p in runs.iterdir() if not p.name.startswith(".")] == [Path(run_dir)]
    for p, content in before.items():
        assert p.read_bytes() == content, p


def test_the_confusion_matrix_has_row_shares_beside_the_counts():
    import numpy as np

    from newsroles.evaluation import compute_metrics, row_normalised

    gold = ["background"] * 8 + ["quote", "quote"]
    pred = ["background"] * 7 + ["quote", "quote", "background"]
    cm = compute_metrics(gold, pred, 0, labels=["quote", "background"])["confusion_matrix"]
    assert cm["rows_gold_cols_pred"] == [[1, 1], [1, 7]]
    assert cm["row_normalised"] == [[0.5, 0.5], [0.125, 0.875]]
    assert row_normalised([[0, 0], [2, 2]]).tolist() == [[0.0, 0.0], [0.5, 0.5]]  # an empty row
    assert np.allclose(row_normalised(cm["rows_gold_cols_pred"]).sum(axis=1), 1)


def test_version_and_help():
    from conftest import cli

    from newsroles import __version__

    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"newsroles {__version__}"
    r = cli("--help")
    lines = r.stdout.splitlines()
    assert r.returncode == 0 and lines[2].startswith("usage: newsroles COMMAND")
    for command in ("run", "rerun", "tag", "runs", "data", "annotate", "--version"):
        # each command on a line of its own, with what it does
        assert any(line.startswith(f"  {command} ") and len(line.split()) > 2
                   for line in lines), command
    assert "--runtime" in cli("tag", "--help").stdout


def test_run_logs_each_stage_with_its_time_and_cache_state(tmp_path):
    from conftest import cli, fixture_overrides

    first = cli("run", *fixture_overrides(tmp_path), "model.lf_parse=false")
    assert first.returncode == 0, first.stderr
    again = cli("run", *fixture_overrides(tmp_path), "model.lf_parse=false")
    logs = sorted((tmp_path).glob("*_run_*/cli.log"))
    assert len(logs) == 2
    text = logs[0].read_text()
    for stage in ("prepare", "gold", "parse", "label", "train", "evaluate"):
        assert f"{stage}: running" in text and f"{stage}: done in" in text
    assert "train: from the cache" in logs[1].read_text()
    assert "train: from the cache" in again.stdout + again.stderr  # on the console too
