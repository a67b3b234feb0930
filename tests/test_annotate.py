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
    by_class: dict = {}  # least confident first within each suggested class
    for t in tasks:
        by_class.setdefault(t["data"]["suggestion"], []).append(t["predictions"][0]["score"])
    assert all(scores == sorted(scores) for scores in by_class.values())
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
    assert all(a["annotators"] == ["1"] for a in added)  # Label Studio's completed_by
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
        row["annotator"] = "ann-b"
    rows[1]["annotator"] = ""  # nobody named: --annotator names them
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
    r = cli("annotate", "import", str(out), "--annotator", "ann-c",
            *_data_args(loop_data, "articles", "gold", "splits"))
    assert r.returncode == 0, r.stderr
    assert "1 conflict(s)" in r.stderr and "differs from the gold label" in r.stderr
    lines = loop_data["gold"].read_text().splitlines()
    assert json.loads(lines[0])["label"] == gold0["label"]  # not overwritten
    assert len(lines) == len(before.splitlines()) + 4
    added = {(g["doc_id"], g["start"]): g["annotators"] for g in map(json.loads, lines[-4:])}
    named = {(r["doc_id"], int(r["start"])): [r["annotator"] or "ann-c"] for r in rows[:4]}
    assert added == named and sorted(map(tuple, named.values())) == [("ann-b",)] * 3 + [("ann-c",)]


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


def test_import_reports_every_bad_record_and_writes_nothing(tmp_path, loop_data):
    """Four bad records of five, of four kinds: one line each, then the verdict."""
    good = json.loads(loop_data["gold"].read_text().splitlines()[0])
    shape = {"doc_id": good["doc_id"], "start": good["start"], "end": good["end"],
             "text": good["text"]}

    def task(i, data, label="background"):
        return {"id": i, "data": data, "annotations": [{"completed_by": 4, "result": [
            {"from_name": "label", "to_name": "text", "value": {"choices": [label]}}]}]}

    tasks = [task(1, shape), task(2, shape, "opinion"), task(3, {**shape, "text": "edited"}),
             task(4, {**shape, "doc_id": "nope"}), task(5, {**shape, "start": "x"})]
    export = tmp_path / "export.json"
    export.write_text(json.dumps(tasks))
    before = {k: p.read_bytes() for k, p in loop_data.items()}
    r = cli("annotate", "import", str(export), *_data_args(loop_data, "articles", "gold",
                                                          "splits"))
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 5 and all(ln.startswith("newsroles: error: ") for ln in lines)
    for n, needle in zip((2, 3, 4, 5), ("unknown label 'opinion'", "does not match",
                                        "unknown article 'nope'", "whole numbers")):
        assert any(f"task {n}:" in ln and needle in ln for ln in lines[:4]), (n, lines)
    assert "4 bad record(s); nothing was written" in lines[4] and str(export) in lines[4]
    assert {k: p.read_bytes() for k, p in loop_data.items()} == before
    # The same in a CSV: file and line of each.
    import csv

    f = tmp_path / "filled.csv"
    with f.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=["doc_id", "start", "end", "text", "label"])
        w.writeheader()
        w.writerows([{**shape, "label": "opinion"}, {**shape, "end": "?", "label": "quote"},
                     {**shape, "label": "quote"}, {**shape, "doc_id": "nope", "label": "quote"}])
    r = cli("annotate", "import", str(f), *_data_args(loop_data, "articles", "gold", "splits"))
    assert r.returncode == 2, r.stderr
    assert all(f"{f}:{n}:" in r.stderr for n in (2, 3, 5)) and f"{f}:4:" not in r.stderr
    assert {k: p.read_bytes() for k, p in loop_data.items()} == before


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
    classes = df[[f"n_{label}" for label in ("quote", "attribution", "policy_statement",
                                             "background")]]
    assert (classes.sum(axis=1) == df["size"]).all()  # every revealed sentence, by gold class
    assert "Gold classes of the revealed sentences" in (out / "summary.md").read_text()


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
        if content is None:
            continue  # a missing gold file: the other import tests
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


# --- what a batch holds: English news prose, every class, many articles -----------------

NOT_PROSE = {
    "((WN))  Tell us about your research.": "speaker label",
    "((Dorsa Derakhshani))  I feel like I could have done a little bit better.": "speaker label",
    "Q: What did the committee decide?": "speaker label",
    "A: We will vote on it next week.": "speaker label",
    "Interview by Jane Smith.": "byline",
    "By John Doe": "byline",
    "— Aparna Garg, Mysore Divisional Railway Manager": "byline",
    "Image: Nicholas Moreau.": "image credit",
    "This article requires pre-publication review by an uninvolved reviewer.": "editorial notice",
    "((fa))Farsi language: ‍متاسفانه اتفاقی که نباید می‌افتاد، افتاده است.":
        "original-language quotation",
    "Le bilan est lourd, plusieurs policiers ont perdu la vie.": "not English",
    "Nuestras acciones estarán dirigidas a ese fin y siempre estará primero.": "not English",
    "Если человек к чему стремиться и чего-то очень желает, — все получится.": "not English",
}
PROSE = [
    "The minister said the new law would take effect in January.",
    # The language identifier alone calls these Latin, French and Nigerian Pidgin:
    "Stamenković et al studied magnesium and calcium perchlorates, common on Mars.",
    "The procession at the Rue du Château du Roi.",
    "Mir-Mohammadi was 71 years old.",
    "Wikinews caught up with him in an email interview to find out more.",
    "Parliament Square.",
]


def test_not_prose_reasons():
    from newsroles.annotation.prose import not_prose_reason

    assert {t: not_prose_reason(t) for t in NOT_PROSE} == NOT_PROSE
    assert [not_prose_reason(t) for t in PROSE] == [None] * len(PROSE)


def test_english_stopword_share_counts_words():
    from newsroles.annotation.prose import english_stopword_share

    assert english_stopword_share("The cat sat on the mat.") == pytest.approx(3 / 6)
    assert english_stopword_share("Le bilan est lourd.") == 0.0
    assert english_stopword_share("2020 — 42") == 0.0


def test_spread_round_robin_over_classes_and_capped_articles():
    from newsroles.annotation.select import spread

    # Ranked rows 0..9: the first six are all background, four of them from article a.
    predicted = ["background"] * 6 + ["quote", "attribution", "quote", "policy_statement"]
    doc_ids = ["a", "a", "a", "a", "b", "c", "a", "d", "e", "f"]
    order = list(range(10))
    batch = spread(order, predicted, doc_ids, n=4, per_article=2)
    assert sorted(predicted[i] for i in batch) == sorted(
        ["background", "quote", "attribution", "policy_statement"])
    assert batch == [0, 6, 7, 9]  # each class's best row, classes as they first come
    batch = spread(order, predicted, doc_ids, n=7, per_article=2)
    assert batch == [0, 6, 7, 9, 4, 8, 5]  # rows 1-3 held back: article a is full
    assert max([doc_ids[i] for i in batch].count(d) for d in set(doc_ids)) == 2
    # More than the cap allows: the held-back rows fill the batch, best first.
    assert spread(order, predicted, doc_ids, n=9, per_article=2) == [*batch, 1, 2]
    with pytest.raises(Exception, match="per-article"):
        spread(order, predicted, doc_ids, n=3, per_article=0)


def test_choose_skips_non_prose_and_spreads_for_guided_strategies_only():
    from newsroles.annotation.select import choose

    texts = ["((WN))  So what happened then?",
             "Le bilan est lourd, plusieurs policiers ont perdu la vie.",
             "The council approved the budget on Monday.",
             "Officials said the road would reopen.", "Image: Paul Budd."]
    proba = np.array([[0.3, 0.3, 0.2, 0.2], [0.3, 0.25, 0.25, 0.2], [0.5, 0.2, 0.2, 0.1],
                      [0.4, 0.4, 0.1, 0.1], [0.26, 0.25, 0.25, 0.24]])
    predicted = ["quote", "quote", "background", "attribution", "background"]
    docs = ["a", "a", "b", "c", "d"]
    rows, skipped = choose(proba, predicted, docs, texts, "uncertain", n=5)
    assert rows == [3, 2]  # least confident prose first, one of each class
    assert skipped == {"speaker label": 1, "not English": 1, "image credit": 1}
    rows, skipped = choose(proba, predicted, docs, texts, "random", n=5, seed=3)
    assert sorted(rows) == [0, 1, 2, 3, 4] and not skipped  # the baseline is left alone
    # Three unsure backgrounds and a surer quote: spread, the quote comes second; not
    # spread, the backgrounds fill the batch.
    texts = [f"The council met on day {i} to discuss the budget." for i in range(4)]
    proba = np.array([[0.3, 0.2, 0.2, 0.3], [0.31, 0.2, 0.19, 0.3], [0.32, 0.2, 0.18, 0.3],
                      [0.9, 0.05, 0.03, 0.02]])
    predicted = ["background", "background", "background", "quote"]
    docs = ["a", "b", "c", "d"]
    assert choose(proba, predicted, docs, texts, "uncertain", n=3)[0] == [0, 3, 1]
    assert choose(proba, predicted, docs, texts, "uncertain", n=3,
                  spread_batch=False)[0] == [0, 1, 2]
