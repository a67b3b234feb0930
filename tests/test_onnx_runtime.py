"""Tagging a transformer with ONNX Runtime: the graphs saved with the model (fp32 and int8),
listed in its manifest, give torch's probabilities (fp32) or nearly (int8); the runtime is
chosen at tag time, and a model or folder that cannot run it is refused in one line.
Also the transformer's inputs: context cut from its far ends, never the sentence, and the
rule hints."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from conftest import cli, run_in_process
from test_transformers import tiny_bert  # noqa: F401 - the shared fixture

pytest.importorskip("transformers")
pytest.importorskip("onnxruntime")

SENTENCES = ["“We will win,” she said.", "The bill passed the senate on Monday.",
             "He said the plan would fail.", "Officials announced new rules for banks."]


@pytest.fixture(scope="module")
def transformer_run(tmp_path_factory, tiny_bert):  # noqa: F811
    runs = tmp_path_factory.mktemp("onnx") / "runs"
    return run_in_process(runs, [
        "model=transformer", f"model.pretrained={tiny_bert}", "model.epochs=1",
        "model.batch_size=8", "model.warmup_steps=0", "model.learning_rate=1e-3",
        "model.rule_hints=true"])


def test_graphs_are_saved_with_their_hashes_and_match_torch(transformer_run):
    from newsroles import Tagger

    manifest = json.loads((transformer_run / "model" / "manifest.json").read_text())["files"]
    assert {"model.onnx", "model.int8.onnx"} <= set(manifest)
    torch_ = Tagger.load(transformer_run, sources=False).tag_sentences(SENTENCES)
    fp32 = Tagger.load(transformer_run, sources=False, runtime="onnx").tag_sentences(SENTENCES)
    int8 = Tagger.load(transformer_run, sources=False,
                       runtime="onnx-int8").tag_sentences(SENTENCES)
    p = np.array([list(r["scores"].values()) for r in torch_])
    q = np.array([list(r["scores"].values()) for r in fp32])
    r = np.array([list(r["scores"].values()) for r in int8])
    assert np.abs(p - q).max() < 1e-3 and (p.argmax(1) == q.argmax(1)).all()
    # int8 on this 32-wide random network is far from torch (how far on MiniLM, with gold
    # test: benchmarks/onnx_runtime.py); here: it runs, quantised, and gives probabilities.
    assert np.allclose(r.sum(axis=1), 1, atol=1e-4) and (r >= 0).all()
    import onnx

    ops = {n.op_type for n in onnx.load(transformer_run / "model" / "model.int8.onnx").graph.node}
    assert "DynamicQuantizeLinear" in ops and ("MatMulInteger" in ops or "QLinearMatMul" in ops)
    # A changed graph is refused like any changed file.
    graph = transformer_run / "model" / "model.int8.onnx"
    saved = graph.read_bytes()
    graph.write_bytes(saved[:-10])
    try:
        with pytest.raises(Exception, match="does not match its hash"):
            Tagger.load(transformer_run, runtime="onnx-int8")
    finally:
        graph.write_bytes(saved)


def test_rule_hints_are_saved_with_the_functions_they_read(transformer_run):
    meta = json.loads((transformer_run / "model" / "model.json").read_text())
    assert meta["params"]["rule_hints"] is True
    assert "lf_said" in meta["params"]["lf_names"]


def test_the_cli_runtime_and_its_refusals(tmp_path, transformer_run):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "d", "sentences": SENTENCES}) + "\n")
    out = tmp_path / "out.jsonl"
    r = cli("tag", str(transformer_run), str(src), "-o", str(out), "--runtime", "onnx-int8",
            "--no-sources")
    assert r.returncode == 0, r.stderr
    assert len(out.read_text().splitlines()) == len(SENTENCES)
    rules = run_in_process(tmp_path / "runs", ["model=rules"])
    r = cli("tag", str(rules), str(src), "--runtime", "onnx")
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert "runtime onnx is for transformer models" in r.stderr


def test_a_model_saved_without_graphs_says_so(tmp_path, tiny_bert):  # noqa: F811
    from newsroles.errors import NewsrolesError
    from newsroles.models import load_model
    from newsroles.models.transformer import TransformerModel

    X = pd.DataFrame({"text": SENTENCES * 2, "prev_text": [""] * 8, "next_text": [""] * 8,
                      "quote_open_start": [False] * 8})
    y = ["quote", "background", "attribution", "policy_statement"] * 2
    model = TransformerModel(pretrained=str(tiny_bert), epochs=1, batch_size=4,
                             warmup_steps=0, onnx_export=False).fit(X, y)
    model.save(tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert not (tmp_path / "m" / "model.onnx").exists()
    with pytest.raises(NewsrolesError, match="needs the ONNX graph"):
        loaded.set_runtime("onnx")
    with pytest.raises(NewsrolesError, match="unknown runtime"):
        loaded.set_runtime("tensorrt")


def test_context_is_cut_from_its_far_ends_and_the_sentence_never(tiny_bert):  # noqa: F811
    from transformers import AutoTokenizer

    from newsroles.models.encoders import fitted_context

    tok = AutoTokenizer.from_pretrained(tiny_bert)
    words = "the bill passed the senate on monday".split()
    prev = " ".join(words * 6)   # 42 words
    nxt = " ".join(reversed(words * 6))
    sentence = "he said the plan would fail"
    [context] = fitted_context(tok, [sentence], [prev], [nxt], max_length=32)
    before, after = context.split(" [SEP] ")
    assert prev.endswith(before) and nxt.startswith(after)   # the nearest words kept
    assert set(before.split()) <= set(words) and set(after.split()) <= set(words)  # whole
    n = len(tok(sentence, context)["input_ids"])
    assert 28 <= n <= 32  # the room is used, and no more
    # Room for all of it: nothing is cut.
    assert fitted_context(tok, [sentence], ["a short one"], ["and next"], 128) == \
        ["a short one [SEP] and next"]
    # One side short: the other gets its room.
    [context] = fitted_context(tok, [sentence], ["short"], [nxt], max_length=32)
    assert context.startswith("short [SEP] ") and len(context.split()) > 15


def test_rule_hints_text():
    from newsroles.labeling.aggregate import rule_hints

    X = pd.DataFrame({"text": ["He said the plan would fail.", "Blue sky."],
                      "quote_open_start": [False, False], "quote_open_end": [False, False],
                      "has_quote_marks": [False, False]})
    hints = rule_hints(X, ["lf_said", "lf_according_to"])
    assert hints == ["[rules: said = attribution]", ""]


def test_experiment_best_on_tiny_data_tags_with_onnx_through_the_ensemble(tmp_path,
                                                                          tiny_bert):  # noqa: F811
    """experiment=best as configured, with the tiny network in MiniLM's place: one run
    trains both members, and the ensemble's folder alone tags with its member's graph."""
    from newsroles import Tagger

    run = run_in_process(tmp_path / "runs", [
        "experiment=best", f"+model.members.1.pretrained={tiny_bert}", "model.members.1.epochs=1",
        "+model.members.1.batch_size=8", "+model.members.1.warmup_steps=0"])
    import yaml

    assert yaml.safe_load((run / "config.yaml").read_text())["run_name"] == "best"
    files = set(json.loads((run / "model" / "manifest.json").read_text())["files"])
    assert {"m1__model.onnx", "m1__model.int8.onnx", "m0__model.json"} <= files
    torch_ = Tagger.load(run, sources=False).tag_sentences(SENTENCES)
    onnx = Tagger.load(run, sources=False, runtime="onnx").tag_sentences(SENTENCES)
    assert [r["label"] for r in torch_] == [r["label"] for r in onnx]
    p = np.array([list(r["scores"].values()) for r in torch_])
    q = np.array([list(r["scores"].values()) for r in onnx])
    assert np.abs(p - q).max() < 1e-3
