"""Pre-split, three-label data (PolNeAR's shape) through the pipeline, on invented text:
the fixture corpus's gold sentences folded to quote / attribution / other."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest
from conftest import FIXTURES, cli, compose_config, run_in_process

FOLD = {"policy_statement": "other", "background": "other"}


def write_sentence_corpus(folder: Path) -> dict[str, int]:
    """train.jsonl / dev.jsonl in PolNeAR's record shape; returns sentence counts."""
    splits = json.loads((FIXTURES / "splits.json").read_text())
    split_of = {d: s for s, docs in splits.items() for d in docs}
    by_doc = defaultdict(list)
    for line in (FIXTURES / "gold.jsonl").read_text().splitlines():
        g = json.loads(line)
        by_doc[g["doc_id"]].append(g)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, wanted in (("train", {"train"}), ("dev", {"dev", "test"})):
        lines = []
        for doc, spans in by_doc.items():
            if split_of[doc] not in wanted:
                continue
            for i, g in enumerate(sorted(spans, key=lambda g: g["start"])):
                lines.append({"doc_id": doc, "sent_id": i, "text": g["text"],
                              "label": FOLD.get(g["label"], g["label"])})
        lines[1]["label"] = "na"  # discarded by the annotators: context only
        (folder / f"{name}.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
        counts[name] = len(lines)
    return counts


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("polnear_like")
    return folder, write_sentence_corpus(folder)


def _polnear(folder: Path) -> list[str]:
    return ["data=polnear", f"data.path={folder}"]


def test_train_and_score_on_three_labels(tmp_path, corpus):
    folder, counts = corpus
    run = run_in_process(tmp_path / "runs", _polnear(folder))
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["split"] == "dev" and metrics["data"] == "polnear"
    assert metrics["n"] == counts["dev"] - 1  # the `na` sentence is never scored
    assert list(metrics["per_class"]) == ["quote", "attribution", "other"]
    assert metrics["model_labels"] == ["quote", "attribution", "other"]
    assert set(metrics["coarse"]["per_class"]) == {"reported", "other"}
    model = json.loads((run / "model" / "model.json").read_text())
    assert model["id2label"] == {"0": "quote", "1": "attribution", "2": "other"}
    # The tagger reports the model's own three labels.
    from newsroles import Tagger

    rec = Tagger.load(run).tag_sentences(["“We will win,” she said."])[0]
    assert set(rec["scores"]) == {"quote", "attribution", "other"}
    summary = (run / "labeling" / "lf_summary.csv").read_text()
    assert summary.startswith("function,")


def test_four_class_model_is_folded_onto_three_label_gold(tmp_path, corpus, trained_run):
    folder, counts = corpus
    run = run_in_process(tmp_path / "runs", [*_polnear(folder), f"eval.model={trained_run}"])
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["model_labels"] == ["quote", "attribution", "policy_statement", "background"]
    assert list(metrics["per_class"]) == ["quote", "attribution", "other"]
    assert not (run / "model").exists()  # nothing trained
    preds = [json.loads(x) for x in (run / "predictions.jsonl").read_text().splitlines()]
    assert len(preds) == metrics["n"]
    for p in preds:  # folded scores: policy + background summed into `other`
        assert set(p["scores"]) == {"quote", "attribution", "other"}
        assert abs(sum(p["scores"].values()) - 1) < 1e-4
    assert metrics["accuracy"] == pytest.approx(sum(p["correct"] for p in preds) / len(preds))


def test_missing_path_and_bad_label_fail_clearly(tmp_path, corpus):
    r = cli("run", "data=polnear", f"paths.runs={tmp_path}")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "data.path" in r.stderr
    r = cli("run", "data=polnear", f"data.path={tmp_path / 'nowhere'}", f"paths.runs={tmp_path}")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "train.jsonl" in r.stderr and "not found" in r.stderr
    bad = tmp_path / "bad"
    write_sentence_corpus(bad)
    lines = (bad / "dev.jsonl").read_text().splitlines()
    lines[2] = lines[2].replace('"label": "', '"label": "x')
    (bad / "dev.jsonl").write_text("\n".join(lines) + "\n")
    r = cli("run", "data=polnear", f"data.path={bad}", f"paths.runs={tmp_path}")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert f"{bad / 'dev.jsonl'}:3" in r.stderr and "unknown label" in r.stderr


def test_config_requires_path():
    from omegaconf import OmegaConf
    from omegaconf.errors import MissingMandatoryValue

    cfg = compose_config(["data=polnear"])
    with pytest.raises(MissingMandatoryValue):
        OmegaConf.to_container(cfg.data, resolve=True, throw_on_missing=True)
