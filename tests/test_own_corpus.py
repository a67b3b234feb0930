"""The README's "Your own corpus" section, followed word for word: its shell blocks run in
order in a fresh project folder on a small invented corpus (tests/fixtures/own_corpus), with
the labelling step between them done as an annotator would, from zero gold to a scored run.
Also `data init` and the data checks before a run, through the CLI."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, cli, fixture_overrides

OWN = FIXTURES / "own_corpus"


def readme_blocks(title: str = "## Your own corpus") -> list[str]:
    """The ```bash blocks of one README section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(title + "\n")
    end = text.find("\n## ", start + len(title))
    return re.findall(r"```bash\n(.*?)```", text[start:end if end > 0 else None], re.S)


def new_project(tmp_path: Path) -> Path:
    """A project folder with this checkout's configs and nothing else."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "conf", project / "conf")
    (project / "data").mkdir()
    return project


def sh(block: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "HF_HUB_OFFLINE": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(["bash", "-euo", "pipefail", "-c", block], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)


def label_like_an_annotator(batch: Path) -> int:
    """Fill the CSV's label column with the annotator's judgements (annotator.jsonl: each
    sentence of the invented corpus read in its article and labelled by hand)."""
    judged = {(r["doc_id"], r["text"]): r["label"]
              for r in map(json.loads, (OWN / "annotator.jsonl").read_text().splitlines())}
    with batch.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        row["label"] = judged[(row["doc_id"], row["text"])]
    with batch.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def test_readme_own_corpus_section_word_for_word(tmp_path):
    blocks = readme_blocks()
    assert len(blocks) == 3, "the section's steps changed: update this test's labelling step"
    project = new_project(tmp_path)
    shutil.copy(OWN / "my_articles.jsonl", project / "my_articles.jsonl")

    first = sh(blocks[0], project)  # data init, random batch
    assert first.returncode == 0, first.stderr
    assert (project / "conf/data/mine.yaml").is_file()
    assert (project / "data/mine/gold.jsonl").read_text() == ""
    splits = json.loads((project / "data/mine/splits.json").read_text())
    assert sum(len(v) for v in splits.values()) == 10 and all(splits.values())
    assert label_like_an_annotator(project / "batch1.csv") == 40

    second = sh(blocks[1], project)  # import (dry run, then for real), check, run
    assert second.returncode == 0, second.stderr
    assert "would import 40 sentence(s)" in second.stderr
    gold = [json.loads(line) for line in (project / "data/mine/gold.jsonl").read_text()
            .splitlines()]
    assert len(gold) == 40 and {g["source"] for g in gold} == {"annotate:batch1.csv"}
    counts = json.loads(second.stdout[:second.stdout.index("\n}\n") + 2])
    assert counts["gold_sentences"] == 40 and counts["ready_for_a_run"] is True
    assert counts["per_split"]["dev"]["sentences"] and counts["per_split"]["test"]["sentences"]
    summary, run_dir = second.stdout.strip().splitlines()[-2:]
    assert summary.startswith("linear on mine test: macro-F1")
    metrics = json.loads((Path(run_dir) / "metrics.json").read_text())
    assert metrics["data"] == "mine" and metrics["n"] == counts["per_split"]["test"]["sentences"]

    third = sh(blocks[2], project)  # the model picks the next batch
    assert third.returncode == 0, third.stderr
    tasks = json.loads((project / "batch2.json").read_text())
    labelled = {(g["doc_id"], g["start"]) for g in gold}
    assert len(tasks) == 20 and all(t["predictions"] for t in tasks)
    assert not labelled & {(t["data"]["doc_id"], t["data"]["start"]) for t in tasks}


def test_data_init_refuses_what_would_replace_or_cannot_split(tmp_path):
    project = new_project(tmp_path)
    shutil.copy(OWN / "my_articles.jsonl", project / "a.jsonl")
    ok = cli("data", "init", "mine", "--articles", "a.jsonl", "--seed", "3", cwd=project)
    assert ok.returncode == 0, ok.stderr
    fresh = cli("data", "check", "data=mine", cwd=project)
    assert fresh.returncode == 0 and json.loads(fresh.stdout)["ready_for_a_run"] is False
    assert fresh.stderr.count("newsroles: not ready for a run: data=mine: the ") == 2
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    again = cli("data", "init", "mine", "--articles", "a.jsonl", cwd=project)
    assert again.returncode == 2 and "already exists; nothing written" in again.stderr
    assert before == {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    for args, message in [
        (["Mine!", "--articles", "a.jsonl"], "corpus name 'Mine!'"),
        (["two", "--articles", "missing.jsonl"], "no such articles file"),
        (["three", "--articles", "a.jsonl", "--dev", "0.6", "--test", "0.5"], "together below 1"),
    ]:
        out = cli("data", "init", *args, cwd=project)
        assert out.returncode == 2 and message in out.stderr, out.stderr
        assert len(out.stderr.strip().splitlines()) == 1 and "Traceback" not in out.stderr
    (project / "b.jsonl").write_text("".join((OWN / "my_articles.jsonl").read_text()
                                            .splitlines(keepends=True)[:2]))
    few = cli("data", "init", "few", "--articles", "b.jsonl", cwd=project)
    assert few.returncode == 2 and "needs at least 3" in few.stderr
    assert not (project / "conf/data/few.yaml").exists()


def test_split_by_article_is_seeded_and_fills_every_split():
    from newsroles.data_init import split_articles

    ids = [f"a{i}" for i in range(23)]
    one = split_articles(ids, 0.2, 0.2, seed=5)
    assert one == split_articles(ids, 0.2, 0.2, seed=5) != split_articles(ids, 0.2, 0.2, seed=6)
    assert sorted(sum(one.values(), [])) == sorted(ids)
    assert [len(one[s]) for s in ("train", "dev", "test")] == [13, 5, 5]
    assert all(len(v) == 1 for k, v in split_articles(ids[:3], 0.2, 0.2, 0).items())


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_run_checks_the_data_first_one_line_per_problem(tmp_path):
    gold = [json.loads(line) for line in (FIXTURES / "gold.jsonl").read_text().splitlines()]
    splits = json.loads((FIXTURES / "splits.json").read_text())
    docs = sorted({g["doc_id"] for g in gold})
    bad_splits = {"train": [*splits["train"], "no_such_article"], "dev": [],
                  "test": splits["test"]}
    lost = next(d for d in docs if d in splits["dev"])
    runs = tmp_path / "runs"
    (tmp_path / "s.json").write_text(json.dumps(bad_splits))
    out = cli("run", *fixture_overrides(runs), "data.name=fixture",
              f"data.splits={tmp_path / 's.json'}")
    lines = out.stderr.strip().splitlines()
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert all(line.startswith("newsroles: error: ") for line in lines), out.stderr
    text = "\n".join(lines)
    assert "names 1 article(s) that are not in" in text and "'no_such_article'" in text
    assert "article(s) with gold labels are in no split" in text and repr(lost) in text
    assert "the dev split has no gold sentences (the split names no article)" in text
    assert len(lines) == 3 and not runs.exists()  # nothing ran, no run directory

    empty = _write(tmp_path / "empty_gold.jsonl", [])
    out = cli("run", *fixture_overrides(runs), "data.name=fixture", f"data.gold={empty}")
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 2, out.stderr
    assert "the test split has no gold sentences (none of its 2 article(s) has gold" in out.stderr


def test_articles_without_a_name_are_named_after_their_file(tmp_path):
    from newsroles.project import implied_overrides

    assert implied_overrides(["data.articles=/x/my-news.jsonl"])[0] == ["data.name=my-news"]
    assert implied_overrides(["data.articles=a.jsonl", "data.name=b"]) == ([], None)
    assert implied_overrides(["data=polnear"]) == ([], None)
    assert implied_overrides(["data.articles=a.jsonl,b.jsonl"]) == ([], None)  # a sweep


@pytest.mark.parametrize("select", ["uncertain", "disagree"])
def test_export_without_a_model_is_random_only(tmp_path, select):
    out = cli("annotate", "export", "--select", select, "-n", "3", "-o",
              str(tmp_path / "b.csv"))
    assert out.returncode == 2 and "give a MODEL" in out.stderr
    assert not (tmp_path / "b.csv").exists()
