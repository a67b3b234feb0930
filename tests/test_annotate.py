"""The annotation loop: export unlabelled sentences, label them, import them back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, cli

HELD_BACK = ("trade_deal", "storm_coast")  # gold exists but the loop starts without it


@pytest.fixture()
def loop_data(tmp_path) -> dict[str, Path]:
    """A gold set without two train articles, so they are 'unlabelled'; the truth kept."""
    gold = [json.loads(x) for x in (FIXTURES / "gold.jsonl").read_text().splitlines()]
    truth = {(g["doc_id"], g["start"], g["end"]): g["label"] for g in gold}
    keep = [g for g in gold if g["doc_id"] not in HELD_BACK]
    paths = {"articles": tmp_path / "articles.jsonl", "gold": tmp_path / "gold.jsonl",
             "splits": tmp_path / "splits.json", "truth": tmp_path / "truth.json"}
    shutil.copy(FIXTURES / "articles.jsonl", paths["articles"])
    paths["gold"].write_text("".join(json.dumps(g) + "\n" for g in keep))
    splits = json.loads((FIXTURES / "splits.json").read_text())
    splits["train"] = [d for d in splits["train"] if d not in HELD_BACK]
    paths["splits"].write_text(json.dumps(splits, indent=1) + "\n")
    paths["truth"].write_text(json.dumps([[*k, v] for k, v in truth.items()]))
    return paths


def _truth(paths) -> dict:
    return {(d, s, e): lab for d, s, e, lab in json.loads(paths["truth"].read_text())}


def _data_args(paths, *keys):
    return [a for k in keys for a in (f"--{k}", str(paths[k]))]


def test_rank_strategies():
    from newsroles.annotation.select import rank

    proba = np.array([[0.9, 0.05, 0.03, 0.02], [0.3, 0.3, 0.2, 0.2], [0.5, 0.4, 0.05, 0.05]])
    assert list(rank(proba, "uncertain")) == [1, 2, 0]
    assert sorted(rank(proba, "random", seed=1)) == [0, 1, 2]
    labels = ["quote", "attribution", "policy_statement", "background"]
    weak = [None, "attribution", "quote"]  # row 0: rules abstain; row 2 agrees with the model
    assert list(rank(proba, "disagree", weak=weak, labels=labels)) == [1]


def test_export_then_import_label_studio_round_trip(tmp_path, trained_run, loop_data):
    out = tmp_path / "batch.json"
    r = cli("annotate", "export", str(trained_run), "--select", "uncertain", "-n", "6",
            "-o", str(out), *_data_args(loop_data, "articles", "gold"))
    assert r.returncode == 0, r.stderr
    tasks = json.loads(out.read_text())
    assert len(tasks) == 6
    assert out.with_suffix(".label_config.xml").read_text().startswith("<View>")
    scores = [t["predictions"][0]["score"] for t in tasks]
    assert scores == sorted(scores)  # least confident first
    assert {t["data"]["doc_id"] for t in tasks} <= set(HELD_BACK)  # only unlabelled articles
    # Annotators label them in Label Studio (the truth stands in); one task is skipped,
    # and an export holds the tasks with their annotations.
    truth = _truth(loop_data)
    for i, t in enumerate(tasks):
        d = t["data"]
        label = truth[(d["doc_id"], d["start"], d["end"])]
        t["id"] = i + 1
        t["annotations"] = [] if i == 5 else [{
            "id": 100 + i, "completed_by": 1, "was_cancelled": False,
            "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                        "value": {"choices": [label]}}],
        }]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks))
    before = loop_data["gold"].read_text()
    r = cli("annotate", "import", str(export), *_data_args(loop_data, "articles", "gold",
                                                          "splits"))
    assert r.returncode == 0, r.stderr
    assert "imported 5 sentence(s)" in r.stderr and "1 unlabelled" in r.stderr
    after = loop_data["gold"].read_text()
    assert after.startswith(before)  # appended, nothing rewritten
    added = [json.loads(x) for x in after[len(before):].splitlines()]
    assert len(added) == 5
    assert all(truth[(a["doc_id"], a["start"], a["end"])] == a["label"] for a in added)
    assert all(a["source"] == "annotate:export.json" for a in added)
    splits = json.loads(loop_data["splits"].read_text())
    assert {a["doc_id"] for a in added} <= set(splits["train"])
    # The grown gold set is valid; a second import adds nothing.
    r = cli("data", "check", *_data_args(loop_data, "articles", "gold", "splits"))
    assert r.returncode == 0, r.stderr
    r = cli("annotate", "import", str(export), *_data_args(loop_data, "articles", "gold",
                                                          "splits"))
    assert "imported 0" in r.stderr and "5 already gold" in r.stderr
    assert loop_data["gold"].read_text() == after


def test_csv_round_trip_reports_conflicts_without_overwriting(tmp_path, trained_run, loop_data):
    import csv

    out = tmp_path / "batch.csv"
    r = cli("annotate", "export", str(trained_run), "--select", "random", "-n", "4", "--seed",
            "2", "-o", str(out), *_data_args(loop_data, "articles", "gold"))
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 4 and all(r["label"] == "" for r in rows)
    truth = _truth(loop_data)
    for row in rows:
        row["label"] = truth[(row["doc_id"], int(row["start"]), int(row["end"]))]
    # A row that names a sentence already in gold, with another label: a conflict.
    gold0 = json.loads(loop_data["gold"].read_text().splitlines()[0])
    other = next(x for x in ("quote", "background") if x != gold0["label"])
    rows.append({**rows[0], "doc_id": gold0["doc_id"], "start": gold0["start"],
                 "end": gold0["end"], "text": gold0["text"], "label": other})
    with out.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    before = loop_data["gold"].read_text()
    r = cli("annotate", "import", str(out), "--dry-run",
            *_data_args(loop_data, "articles", "gold", "splits"))
    assert r.returncode == 0 and "would import 4" in r.stderr
    assert loop_data["gold"].read_text() == before
    r = cli("annotate", "import", str(out), *_data_args(loop_data, "articles", "gold", "splits"))
    assert r.returncode == 0, r.stderr
    assert "1 conflict(s)" in r.stderr and "differs from the gold label" in r.stderr
    lines = loop_data["gold"].read_text().splitlines()
    assert json.loads(lines[0])["label"] == gold0["label"]  # not overwritten
    assert len(lines) == len(before.splitlines()) + 4


def test_import_refuses_bad_records_and_writes_nothing(tmp_path, loop_data):
    good = json.loads(loop_data["gold"].read_text().splitlines()[0])
    cases = {
        "label": [{**good, "label": "opinion"}],
        "does not match": [{**good, "text": good["text"] + " edited"}],
        "unknown article": [{**good, "doc_id": "nope"}],
    }
    before = loop_data["gold"].read_text()
    for expected, records in cases.items():
        f = tmp_path / "min.json"  # Label Studio's JSON_MIN shape
        f.write_text(json.dumps(records))
        r = cli("annotate", "import", str(f), *_data_args(loop_data, "articles", "gold",
                                                         "splits"))
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert expected in r.stderr and str(f) in r.stderr
        assert loop_data["gold"].read_text() == before
    r = cli("annotate", "export", "nowhere", "-n", "3", "-o", str(tmp_path / "x.txt"))
    assert r.returncode == 2 and ".json" in r.stderr


def test_learning_curve_benchmark_runs_on_tiny_data(tmp_path):
    """The benchmark behind the loop's figure, end to end on the fixture corpus."""
    import subprocess
    import sys

    from conftest import ROOT, fixture_overrides

    out = tmp_path / "lc"
    r = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks/learning_curve.py"), "--seeds", "1", "2",
         "--sizes", "12", "all", "--initial", "8", "--step", "2", "--out", str(out),
         *fixture_overrides(tmp_path / "runs", shared=True)],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
    )
    assert r.returncode == 0, r.stderr
    import pandas as pd

    df = pd.read_csv(out / "curve.csv")
    assert set(df["strategy"]) == {"uncertain", "random"} and set(df["seed"]) == {1, 2}
    assert sorted(set(df["size"]))[0] == 12
    full = df[df["size"] == df["size"].max()]  # with every sentence revealed, both agree
    assert full.groupby("seed")["dev_macro_f1"].nunique().max() == 1
    assert (out / "curve.png").stat().st_size > 0 and "| 12 |" in (out / "summary.md").read_text()


def test_empty_gold_file_is_a_missing_one(tmp_path, trained_run, loop_data):
    """How every project starts: a gold file of 0 bytes or blank lines is accepted by export
    and import exactly as a missing one."""
    outputs = {}
    for name, content in {"missing": None, "empty": "", "blank": "\n  \n\n"}.items():
        gold = tmp_path / f"gold_{name}.jsonl"
        if content is not None:
            gold.write_text(content)
        out = tmp_path / f"batch_{name}.json"
        r = cli("annotate", "export", str(trained_run), "--select", "uncertain", "-n", "3",
                "-o", str(out), "--articles", str(loop_data["articles"]), "--gold", str(gold))
        assert r.returncode == 0, r.stderr
        outputs[name] = out.read_text()
        tasks = json.loads(outputs[name])
        # Import one labelled task into this gold file.
        tasks[0]["annotations"] = [{"completed_by": 7, "result": [
            {"from_name": "label", "to_name": "text", "type": "choices",
             "value": {"choices": ["background"]}}]}]
        export = tmp_path / f"export_{name}.json"
        export.write_text(json.dumps(tasks[:1]))
        r = cli("annotate", "import", str(export), "--articles", str(loop_data["articles"]),
                "--gold", str(gold), "--splits", str(tmp_path / f"splits_{name}.json"))
        assert r.returncode == 0 and "imported 1 sentence(s)" in r.stderr, r.stderr
        lines = gold.read_text().splitlines()
        assert len(lines) == 1 and json.loads(lines[0])["label"] == "background"
    assert outputs["empty"] == outputs["missing"] == outputs["blank"]
