import csv
import io
import json

import pytest
from conftest import ROOT, cli

from newsroles import LABELS, Tagger
from newsroles.cli import main

SEED = ROOT.parent / "shared" / "examples" / "rubio_bukele_2025-02-03.txt"
ARTICLE = (
    "Monday, March 2, 2020\n\nThe council approved the budget on Monday. "
    "“We kept our promises,” the mayor said. “Nothing was cut.”\n\nThe city has 80,000 residents."
)


def test_tag_text_gives_offsets_into_the_article(trained_run):
    tagger = Tagger.load(trained_run)
    out = tagger.tag(ARTICLE, doc_id="a1")
    assert [r["sent_idx"] for r in out] == list(range(4))
    for r in out:
        assert ARTICLE[r["start"] : r["end"]] == r["text"]
        assert r["label"] in LABELS and r["doc_id"] == "a1"
        assert abs(sum(r["scores"].values()) - 1) < 1e-4
        assert r["label"] == max(r["scores"], key=r["scores"].get)


def test_tag_sentences_keeps_them_as_given(trained_run):
    tagger = Tagger.load(trained_run / "model")  # the model folder works too
    sents = ["“First part.", "Second part,” she said.", "", "x"]
    out = tagger.tag_sentences(sents)
    assert [r["text"] for r in out] == sents
    assert all("start" not in r for r in out)


def test_cli_tag_jsonl_and_csv(trained_run, tmp_path, capsys):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(
        json.dumps({"id": "x", "text": ARTICLE}) + "\n"
        + json.dumps({"id": "y", "sentences": ["He said so.", "It rained."]}) + "\n"
    )
    main(["tag", str(trained_run), str(docs)])
    lines = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert [(r["doc_id"], r["sent_idx"]) for r in lines] == [
        ("x", 0), ("x", 1), ("x", 2), ("x", 3), ("y", 0), ("y", 1)]
    assert set(lines[0]) == {"doc_id", "sent_idx", "text", "label", "scores", "start", "end",
                             "paragraph", "source", "cue", "quote_spans", "model_id"}
    for r in lines:  # who said it: only for reported sentences
        if r["label"] not in ("quote", "attribution"):
            assert r["source"] is None and r["cue"] is None and r["quote_spans"] == []
    main(["tag", str(trained_run), str(docs), "--no-sources"])
    bare = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert set(bare[0]) == {"doc_id", "sent_idx", "text", "label", "scores", "start", "end",
                            "paragraph", "model_id"}
    assert [r["label"] for r in bare] == [r["label"] for r in lines]
    out = tmp_path / "out.csv"
    main(["tag", str(trained_run), str(docs), "-o", str(out), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 6 and rows[4]["start"] == "" and rows[0]["label"] in LABELS


@pytest.mark.skipif(not SEED.exists(), reason="../shared/examples not present")
def test_cli_tag_txt_file_and_stdin(trained_run, capsys, monkeypatch):
    main(["tag", str(trained_run), str(SEED)])
    recs = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    text = SEED.read_text(encoding="utf-8")
    assert len(recs) == 11 and recs[0]["doc_id"] == SEED.stem
    assert all(text[r["start"] : r["end"]] == r["text"] for r in recs)
    # Sources, cues and quoted spans carry article offsets.
    spans = [sp for r in recs for sp in [r["source"], r["cue"], *r["quote_spans"]] if sp]
    assert spans and all(text[sp["start"]:sp["end"]] == sp["text"] for sp in spans)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    main(["tag", str(trained_run), "-"])
    assert len(capsys.readouterr().out.splitlines()) == 11


BAD_INPUTS = [
    (b"", "empty file"),
    (b"\xff\xfe\x00bad", "not UTF-8"),
    (b'{"id": 1, "text": "ok"}\n{not json}\n', ":2: not valid JSON"),
    (b'{"id": 1, "body": "no text"}\n', ":1: a line needs 'text'"),
    (b'{"id": 1, "sentences": "not a list"}\n', ":1: 'sentences' must be a list"),
]


@pytest.mark.parametrize("content, message", BAD_INPUTS)
def test_bad_tag_input_is_one_clear_line(trained_run, tmp_path, content, message, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(content)
    out = tmp_path / "out.jsonl"
    out.write_text("earlier output\n")
    with pytest.raises(SystemExit) as e:
        main(["tag", str(trained_run), str(bad), "-o", str(out)])
    assert e.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "bad.jsonl" in err
    assert out.read_text() == "earlier output\n"  # nothing already written is damaged
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_missing_or_corrupt_model_folder(tmp_path, trained_run, capsys):
    with pytest.raises(SystemExit):
        main(["tag", str(tmp_path / "nope"), "x.txt"])
    assert "model folder not found" in capsys.readouterr().err
    import shutil

    broken = tmp_path / "model"
    shutil.copytree(trained_run / "model", broken)
    (broken / "model.json").write_text("{}")
    with pytest.raises(SystemExit):
        main(["tag", str(broken), "x.txt"])
    assert "does not match its hash" in capsys.readouterr().err


def test_cli_subprocess_error_has_no_traceback(tmp_path):
    r = cli("tag", str(tmp_path), "-", stdin="")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_unknown_config_option_is_one_line(tmp_path):
    r = cli("run", "model=svm", f"paths.runs={tmp_path}")
    assert r.returncode == 2
    assert r.stderr.strip().splitlines() == [
        "newsroles: error: bad configuration: In 'config': Could not find 'model/svm' "
        "(available: ensemble, linear, minilm_linear, rules, transformer)"]
    assert not any(tmp_path.iterdir())


def _pools_started(monkeypatch) -> list:
    import newsroles.tagger as tagger_module

    started, fork_pool = [], tagger_module._fork_pool
    monkeypatch.setattr(tagger_module, "_fork_pool",
                        lambda *a: started.append(a) or fork_pool(*a))
    return started


def test_parallel_tagging_matches_serial(trained_run, monkeypatch):
    started = _pools_started(monkeypatch)
    tagger = Tagger.load(trained_run)
    # A raw article counts as len(text) // 100 + 1 units of a 256-unit chunk: 150 of them
    # make two chunks, so the workers run (with who-said-it: spaCy shared from the parent).
    docs = [{"id": f"d{i}", "text": ARTICLE} for i in range(150)]
    docs += [{"id": "s", "sentences": ["He said so.", "“Yes.”"]}]
    serial = list(tagger.tag_documents(docs, batch_size=16, jobs=1))
    parallel = list(tagger.tag_documents(docs, batch_size=16, jobs=2))
    assert len(started) == 1
    assert serial == parallel and len(serial) == 150 * 4 + 2
    assert any(r["source"] is not None for r in parallel)


def test_input_of_one_chunk_starts_no_workers(trained_run, monkeypatch):
    started = _pools_started(monkeypatch)
    tagger = Tagger.load(trained_run)
    docs = [{"id": f"d{i}", "text": ARTICLE} for i in range(3)]
    serial = list(tagger.tag_documents(docs, batch_size=16, jobs=1))
    assert list(tagger.tag_documents(docs, batch_size=16, jobs=2)) == serial
    assert started == []
