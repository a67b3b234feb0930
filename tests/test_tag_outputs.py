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


def test_worker_processes_read_a_bounded_window_ahead(trained_run):
    """With workers, the input is consumed only a few chunks ahead of the output, so memory
    does not grow with the input."""
    tagger = Tagger.load(trained_run)
    seen: list = []
    out = tagger.tag_documents(_docs(400, seen), batch_size=1024, jobs=2)
    first = next(out)
    assert first["doc_id"] == "d0"
    # chunk = 256 sentences (~3 documents); window = 4 chunks: far less than all 400.
    assert len(seen) < 40
    assert sum(1 for _ in out) + 1 == 400 * 100
    assert len(seen) == 400


def test_progress_on_request(trained_run, tmp_path):
    out = cli("tag", str(trained_run), str(FIXTURES / "articles.jsonl"), "--progress", "on",
              "-o", str(tmp_path / "t.jsonl"))
    assert out.returncode == 0, out.stderr
    assert "tagged: 8 articles" in out.stderr and "sentences/s" in out.stderr
