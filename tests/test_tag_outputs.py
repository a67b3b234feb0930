"""Big-input tagging: Parquet output, bounded read-ahead with worker processes, and the
progress display."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, cli

from newsroles.tagger import Tagger


def _docs(n_docs: int, seen: list):
    for i in range(n_docs):
        seen.append(i)
        yield {"id": f"d{i}", "sentences": ["“We will,” she said.", "The river rose."] * 50}


def test_parquet_output_matches_jsonl(trained_run, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    inp = str(FIXTURES / "articles.jsonl")
    a = cli("tag", str(trained_run), inp, "-o", str(tmp_path / "t.parquet"))
    b = cli("tag", str(trained_run), inp, "-o", str(tmp_path / "t.jsonl"))
    assert a.returncode == 0 and b.returncode == 0, a.stderr + b.stderr
    table = pq.read_table(tmp_path / "t.parquet").to_pylist()
    lines = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]
    assert len(table) == len(lines) > 20
    for row, rec in zip(table, lines):
        assert (row["doc_id"], row["sent_idx"], row["label"], row["start"]) == \
            (rec["doc_id"], rec["sent_idx"], rec["label"], rec["start"])
        assert row["score_quote"] == pytest.approx(rec["scores"]["quote"])
    bad = cli("tag", str(trained_run), inp, "--format", "parquet")
    assert bad.returncode == 2 and "needs an output file" in bad.stderr


def test_worker_processes_read_a_bounded_window_ahead():
    """With workers, the input is consumed only a few chunks ahead of the output, so memory
    does not grow with the input. (A small model without labeling-function features: the
    model is not the subject here.)"""
    import pandas as pd

    from newsroles.models.linear import LinearModel

    texts = ["“We will,” she said.", "The river rose.", "The council passed the budget.",
             "Officials said the road would close."]
    X = pd.DataFrame({"doc_id": ["d"] * 4, "sent_idx": range(4), "text": texts,
                      "prev_text": [""] * 4, "next_text": [""] * 4,
                      "quote_open_start": [False] * 4, "quote_open_end": [False] * 4,
                      "has_quote_marks": [True, False, False, False]})
    model = LinearModel(lf_votes_weight=0).fit(
        X, ["quote", "background", "policy_statement", "attribution"])
    tagger = Tagger(model, sources=False)
    seen: list = []
    out = tagger.tag_documents(_docs(200, seen), batch_size=1024, jobs=2)
    first = next(out)
    assert first["doc_id"] == "d0"
    # chunk = 256 sentences (~3 documents); window = 4 chunks: far less than all 200.
    assert len(seen) < 40
    assert sum(1 for _ in out) + 1 == 200 * 100
    assert len(seen) == 200


def test_progress_on_request(trained_run, tmp_path):
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "--progress", "on",
              "-o", str(tmp_path / "t.jsonl"))
    assert out.returncode == 0, out.stderr
    assert "tagged: 8 articles" in out.stderr and "sentences/s" in out.stderr


def _record(i: int, source: dict | None) -> dict:
    return {"doc_id": f"d{i // 10}", "sent_idx": i % 10, "start": 0, "end": 5, "text": "Hello",
            "label": "attribution" if source else "background",
            "scores": {"quote": 0.1, "attribution": 0.2, "policy_statement": 0.3,
                       "background": 0.4},
            "source": source, "cue": None, "quote_spans": []}


def test_columns_are_fixed_up_front_whatever_the_first_batch_holds(tmp_path):
    """A first batch with no source at all must not fix the source column's type as
    null: the columns come from the model's labels and the sources flag."""
    pq = pytest.importorskip("pyarrow.parquet")
    from newsroles.output import write_records

    records = [_record(i, None) for i in range(9000)]
    records.append(_record(9000, {"text": "the police", "start": 0, "end": 10}))
    assert write_records(records, str(tmp_path / "t.parquet"), "parquet") == 9001
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.column("source").to_pylist()[-2:] == [None, "the police"]
    assert table.column("source_start").type == "int64"
    assert write_records(records, str(tmp_path / "t.csv"), "csv") == 9001
    lines = (tmp_path / "t.csv").read_text().splitlines()
    assert lines[0].startswith("doc_id,sent_idx,start,end,text,label,score_quote,")
    assert lines[0].endswith("source,source_start,source_end,cue,cue_start,cue_end,quote_spans")
    assert lines[-1].split(",")[-7:-4] == ["the police", "0", "10"]


def test_jsonl_keeps_a_lone_surrogate_as_an_escape(tmp_path):
    """orjson refuses text that is not valid UTF-8 (a lone surrogate from a JSON escape in
    the input); the line is written by json instead, escaped, and reads back the same."""
    from newsroles.output import write_records

    rec = _record(0, None)
    rec["text"] = "bad \ud800 text"
    write_records([rec, _record(1, None)], str(tmp_path / "t.jsonl"))
    lines = (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["text"] == "bad \ud800 text"
    assert json.loads(lines[1])["label"] == "background"
