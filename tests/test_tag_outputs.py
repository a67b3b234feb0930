"""Big-input tagging: Parquet output, bounded read-ahead with worker processes, and the
progress display."""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import FIXTURES, cli

from newsroles.tagger import Tagger


def _docs(n_docs: int, seen: list):
    for i in range(n_docs):
        seen.append(i)
        yield {"id": f"d{i}", "sentences": ["“We will,” she said.", "The river rose."] * 50}


def _tag_three_ways(trained_run, tmp_path, inp: str):
    """The same input tagged to Parquet, CSV and JSONL through the CLI."""
    for suffix in ("parquet", "csv", "jsonl"):
        out = cli("tag", str(trained_run), inp, "-o", str(tmp_path / f"t.{suffix}"))
        assert out.returncode == 0, out.stderr
    lines = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text().splitlines()]
    return tmp_path / "t.parquet", tmp_path / "t.csv", lines


def test_parquet_output_matches_jsonl(trained_run, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    inp = str(FIXTURES / "articles.jsonl")
    parquet, _, lines = _tag_three_ways(trained_run, tmp_path, inp)
    table = pq.read_table(parquet).to_pylist()
    assert len(table) == len(lines) > 20
    for row, rec in zip(table, lines):
        assert (row["doc_id"], row["sent_idx"], row["label"], row["start"], row["paragraph"]) == \
            (rec["doc_id"], rec["sent_idx"], rec["label"], rec["start"], rec["paragraph"])
        assert row["score_quote"] == pytest.approx(rec["scores"]["quote"])
        assert row["quote_spans"] == rec["quote_spans"]  # native, not JSON text
        for key, span in (("source", rec["source"]), ("cue", rec["cue"]),
                          ("source_resolved", (rec["source"] or {}).get("resolved"))):
            span = span or {}
            assert (row[key], row[f"{key}_start"], row[f"{key}_end"], row[f"{key}_sent_idx"]) == \
                (span.get("text"), span.get("start"), span.get("end"), span.get("sent_idx"))
        assert (row["source_via"], row["source_type"]) == \
            ((rec["source"] or {}).get("via"), (rec["source"] or {}).get("type"))
    assert {r["source_via"] for r in table} > {None}  # the who-said-it fields are carried
    assert {r["source_type"] for r in table} > {None}
    bad = cli("tag", str(trained_run), inp, "--format", "parquet")
    assert bad.returncode == 2 and "needs an output file" in bad.stderr


def test_parquet_types_nulls_model_and_run(trained_run, tmp_path):
    """Offsets are nullable int64 (pandas: Int64, not floats with NaN), quote_spans a list
    of structs, every row names the model, and the file's metadata names the run."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    import pandas as pd

    import newsroles

    parquet, csv_file, lines = _tag_three_ways(trained_run, tmp_path,
                                               str(FIXTURES / "articles.jsonl"))
    table = pq.read_table(parquet)
    span = pa.struct([("text", pa.string()), ("start", pa.int64()), ("end", pa.int64()),
                      ("sent_idx", pa.int64())])
    assert table.schema.field("quote_spans").type == pa.list_(span)
    for name in ("start", "paragraph", "source_start", "source_end", "source_sent_idx",
                 "source_resolved_start", "source_resolved_end", "source_resolved_sent_idx",
                 "cue_start", "cue_end", "cue_sent_idx"):
        assert table.schema.field(name).type == pa.int64(), name
    # Background sentences have no source: nulls, beside real offsets.
    assert 0 < table.column("source_start").null_count < len(table)
    frame = pd.read_parquet(parquet)
    assert str(frame["source_start"].dtype) == "Int64" and str(frame["start"].dtype) == "Int64"
    assert frame["source_start"].isna().sum() == table.column("source_start").null_count

    model_id = lines[0]["model_id"]
    assert model_id.startswith("linear-") and len(model_id) == len("linear-") + 12
    assert set(table.column("model_id").to_pylist()) == {model_id}
    assert {r["model_id"] for r in lines} == {model_id}
    run = json.loads(table.schema.metadata[b"newsroles"])
    assert run["model_id"] == model_id and run["model_name"] == "linear"
    assert run["run_dir"] == str(trained_run.resolve())
    assert run["model_dir"] == str((trained_run / "model").resolve())
    assert run["newsroles_version"] == newsroles.__version__ and run["tagged_at"][:2] == "20"

    rows = list(csv.DictReader(io.StringIO(csv_file.read_text(encoding="utf-8"))))
    assert [r["model_id"] for r in rows] == [model_id] * len(lines)
    assert [json.loads(r["quote_spans"]) for r in rows] == [r["quote_spans"] for r in lines]


def test_model_id_is_the_same_for_the_run_and_its_model_folder_and_changes_with_the_model(
        trained_run, tmp_path):
    """A stable id: the folder's content, wherever it is given from or copied to."""
    import shutil

    from newsroles.tagger import Tagger

    ids = {Tagger.load(p, sources=False).identity["model_id"]
           for p in (trained_run, trained_run / "model")}
    copy = shutil.copytree(trained_run / "model", tmp_path / "elsewhere")
    ids.add(Tagger.load(copy, sources=False).identity["model_id"])
    assert len(ids) == 1 and Tagger.load(copy, sources=False).identity["run_dir"] is None
    manifest = json.loads((copy / "manifest.json").read_text())
    meta = json.loads((copy / "model.json").read_text())
    meta["calibration"]["temperature"] *= 2  # another model: another manifest
    (copy / "model.json").write_text(json.dumps(meta))
    import hashlib

    manifest["files"]["model.json"] = hashlib.sha256((copy / "model.json").read_bytes()).hexdigest()
    (copy / "manifest.json").write_text(json.dumps(manifest))
    assert Tagger.load(copy, sources=False).identity["model_id"] not in ids


def test_presplit_input_has_null_article_offsets_and_names_the_sources_sentence(
        trained_run, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    inp = tmp_path / "given.jsonl"
    inp.write_text(json.dumps({"id": "g", "sentences": [
        "“We will act now,” Mayor Ortiz said.", "“We will not wait.”", "The river rose."]}) + "\n")
    parquet, _, lines = _tag_three_ways(trained_run, tmp_path, str(inp))
    table = pq.read_table(parquet)
    for name in ("start", "end", "paragraph"):
        assert table.column(name).null_count == len(table) == 3
    assert table.column("source_sent_idx").to_pylist() == \
        [(r["source"] or {}).get("sent_idx") for r in lines]
    assert lines[0]["source"]["sent_idx"] == 0


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
    assert lines[0].startswith("doc_id,sent_idx,paragraph,start,end,text,label,score_quote,")
    assert lines[0].endswith("source,source_start,source_end,source_sent_idx,source_via,"
                             "source_type,source_resolved,source_resolved_start,"
                             "source_resolved_end,source_resolved_sent_idx,source_resolved_rule,"
                             "cue,cue_start,"
                             "cue_end,cue_sent_idx,quote_spans,model_id")
    assert lines[-1].split(",")[-17:-13] == ["the police", "0", "10", ""]


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
