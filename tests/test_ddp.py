"""Data-parallel fine-tuning: `torchrun --nproc_per_node=2 -m newsroles run model=transformer`
on CPU (gloo) trains one model over two processes, and rank 0 alone writes the run.

"Tags like a single-process run" is made exact enough to compare scores: a tiny BERT with
no dropout, and a batch holding the whole training set (one step an epoch) in both runs,
so the two see the same global batch and the same gradient; DDP averages the two ranks'
halves (equal halves, equal weights). What is left is the order of float sums.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, fixture_overrides, run_in_process

pytest.importorskip("transformers")
from test_transformers import tiny_bert  # noqa: F401 - the shared fixture

SENTENCES = ["“We will win,” she said.", "The council approved the budget on Tuesday.",
             "The minister said the law would change.", "Rain fell on the coast."]
# Enough steps to move the tiny model far from uniform scores (one step an epoch here).
# (At 2e-2 the tiny model's training turns chaotic and float noise grows to 1e-2.)
TRAINING = ["model=transformer", "model.epochs=15", "model.warmup_steps=0",
            "model.learning_rate=1e-2", "model.early_stopping_patience=100",
            "model.onnx_export=false", "train.calibration=none", "train.weak_weight=1.0"]


@pytest.fixture(scope="module")
def still_bert(tmp_path_factory, tiny_bert) -> Path:  # noqa: F811
    """The tiny BERT without dropout: its forward pass is the same in any process."""
    folder = tmp_path_factory.mktemp("still_bert")
    shutil.copytree(tiny_bert, folder, dirs_exist_ok=True)
    config = json.loads((folder / "config.json").read_text())
    config.update(hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
    (folder / "config.json").write_text(json.dumps(config))
    return folder


def torchrun(*args: str, entry: list[str] = ("-m", "newsroles")) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
         *entry, *args],
        check=False, capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "OMP_NUM_THREADS": "1"})


def run_dirs(runs: Path) -> list[Path]:
    return sorted(p for p in runs.iterdir() if not p.name.startswith("."))


def test_two_ranks_train_one_model_that_tags_like_one_process(tmp_path, still_bert):
    from newsroles import Tagger

    cache = f"paths.cache={tmp_path / 'cache'}"
    model = [*TRAINING, f"model.pretrained={still_bert}", cache]
    # One process: the n training sentences in one batch; two ranks: n/2 each (a larger
    # batch would be filled up with repeated rows by accelerate's even_batches).
    single = run_in_process(tmp_path / "single", [*model, "model.batch_size=64"])
    n = json.loads((single / "training.json").read_text())["n"]
    assert n <= 64 and n % 2 == 0
    runs = tmp_path / "ddp"
    r = torchrun("run", *fixture_overrides(runs), *model, f"model.batch_size={n // 2}")
    assert r.returncode == 0, r.stderr[-3000:]

    (run,) = run_dirs(runs)  # one run directory: rank 1 made none
    assert r.stdout.strip().splitlines()[-1] == str(run)
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "completed" and status["world_size"] == 2
    # The data stages were the single run's (rank 0 read them from the cache; their keys
    # do not depend on the ranks); the model is a new one, recorded as trained by two.
    assert all(status["cached"][s] for s in ("prepare", "gold", "parse", "label"))
    assert not status["cached"]["train"]
    assert json.loads((run / "training.json").read_text())["world_size"] == 2
    assert "world_size" not in json.loads((single / "training.json").read_text())
    # The Trainer's checkpoints went with the finished run; no other folder was written.
    assert not any((tmp_path / "cache" / "checkpoints").glob("*/*"))
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [
        ".locks", "checkpoints", "evaluate", "gold", "label", "parse", "prepare", "train"]

    # Step by step the same training loss (DDP averages the ranks' losses as it does their
    # gradients), and the training moved it well away from log(4), the untrained network's.
    ddp_loss, one_loss = (losses(r / "training.json") for r in (run, single))
    assert ddp_loss == pytest.approx(one_loss, abs=1e-3)
    assert one_loss[-1] < 1.25
    # The same labels, and the same scores but for the order of float sums (1e-4 or less in
    # four tries by hand; one process with a batch of n/2, a different global batch,
    # differed by 0.26 and in its labels).
    ddp_tags = Tagger.load(run, sources=False).tag_sentences(SENTENCES)
    one_tags = Tagger.load(single, sources=False).tag_sentences(SENTENCES)
    assert [t["label"] for t in ddp_tags] == [t["label"] for t in one_tags]
    for a, b in zip(ddp_tags, one_tags, strict=True):
        assert a["scores"] == pytest.approx(b["scores"], abs=1e-3)


def losses(training_json: Path) -> list[float]:
    return [r["loss"] for r in json.loads(training_json.read_text())["log"] if "loss" in r]


FAILING_RANK = """
import os, sys
from transformers import Trainer

if os.environ["RANK"] == "1":  # rank 1 fails at its second step (a lost GPU, say)
    step = Trainer.training_step

    def failing(self, *args, **kwargs):
        if self.state.global_step >= 1:
            raise RuntimeError("injected failure on rank 1")
        return step(self, *args, **kwargs)

    Trainer.training_step = failing
from newsroles.cli import main
main()
"""


def test_a_failing_rank_fails_the_run(tmp_path, still_bert):
    script = tmp_path / "failing_rank.py"
    script.write_text(FAILING_RANK)
    runs = tmp_path / "runs"
    r = torchrun("run", *fixture_overrides(runs, shared=True), *TRAINING,
                 f"model.pretrained={still_bert}", "model.batch_size=4", entry=[str(script)])
    assert r.returncode != 0
    assert "injected failure on rank 1" in r.stderr
    (run,) = run_dirs(runs)
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "failed" and status["world_size"] == 2
    assert "another rank failed" in status["error"]
    assert not (run / "model").exists()


def test_a_model_not_trained_data_parallel_runs_on_rank_0_alone(tmp_path):
    runs = tmp_path / "runs"
    r = torchrun("run", *fixture_overrides(runs, shared=True), "model=linear")
    assert r.returncode == 0, r.stderr[-3000:]
    (run,) = run_dirs(runs)
    assert json.loads((run / "status.json").read_text())["status"] == "completed"
    assert "rank 1 of 2: nothing to train here (model=linear trains on rank 0 alone" in r.stderr
    assert "world_size" not in json.loads((run / "training.json").read_text())


def test_the_keys_hold_the_world_size_only_where_it_changes_the_result(monkeypatch, tiny_bert):  # noqa: F811
    from conftest import compose_config

    from newsroles.pipeline import prepare, train
    from newsroles.pipeline.run import stage_key_for

    def keys(model: list[str]) -> tuple[str, dict]:
        cfg = compose_config([*fixture_overrides(Path("/nonexistent")), *model])
        return stage_key_for(prepare.STAGE, cfg, {})[0], train.environment(cfg)

    transformer = ["model=transformer", f"model.pretrained={tiny_bert}"]
    one = {m[0]: keys(m) for m in (transformer, ["model=linear"])}
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("RANK", "1")
    two = {m[0]: keys(m) for m in (transformer, ["model=linear"])}
    assert two["model=linear"] == one["model=linear"]
    assert two["model=transformer"][0] == one["model=transformer"][0]  # prepare's key
    assert two["model=transformer"][1] == {**one["model=transformer"][1], "world_size": 2}


def test_launch_problems_are_one_line(tmp_path):
    from conftest import cli

    r = cli("run", "-m", "seed=1,2", *fixture_overrides(tmp_path, shared=True),
            env_extra={"RANK": "0", "WORLD_SIZE": "2"})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1] == ("newsroles: error: a sweep (-m) under torchrun is not "
                                "supported: start one torchrun per job")
    r = cli("run", *fixture_overrides(tmp_path, shared=True),
            env_extra={"RANK": "2", "WORLD_SIZE": "2"})
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "RANK=2 with WORLD_SIZE=2: expected 0 <= RANK < WORLD_SIZE" in r.stderr
    assert not tmp_path.exists() or not run_dirs(tmp_path)


def test_an_ensemble_fine_tuning_a_member_is_refused_under_torchrun(tmp_path, tiny_bert):  # noqa: F811
    runs = tmp_path / "runs"
    members = f"model.members=[{{name:linear}},{{name:transformer,pretrained:'{tiny_bert}'}}]"
    r = torchrun("run", *fixture_overrides(runs, shared=True), "model=ensemble", members)
    assert r.returncode != 0
    assert ("newsroles: error: model=ensemble fine-tunes its transformer members in one "
            "process: run it without torchrun") in r.stderr
    (run,) = run_dirs(runs)
    status = json.loads((run / "status.json").read_text())
    assert status["status"] == "failed" and "model=ensemble fine-tunes" in status["error"]
