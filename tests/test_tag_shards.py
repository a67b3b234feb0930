"""`newsroles tag --shards N --shard-index K`: N independent jobs (a Slurm job array)
cover the input exactly once: shard K holds articles K, K+N, K+2N... of the input."""

from __future__ import annotations

import json

import pytest
from conftest import FIXTURES, cli

from newsroles.partitions import shard

ARTICLES = FIXTURES / "articles.jsonl"


@pytest.mark.parametrize("n_docs", [0, 1, 5, 12])
@pytest.mark.parametrize("shards", [1, 2, 3, 7])
def test_shards_are_disjoint_and_cover_the_input(n_docs, shards):
    docs = [{"id": f"d{i}"} for i in range(n_docs)]
    taken = [list(shard(iter(docs), shards, k)) for k in range(shards)]
    ids = [d["id"] for part in taken for d in part]
    assert sorted(ids) == sorted(d["id"] for d in docs) and len(set(ids)) == len(ids)
    assert all(d == docs[k + i * shards] for k, part in enumerate(taken)
               for i, d in enumerate(part))


def _records(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_union_of_the_shards_is_the_unsharded_output(trained_run, tmp_path):
    whole = tmp_path / "whole.jsonl"
    assert cli("tag", str(trained_run), str(ARTICLES), "-o", str(whole)).returncode == 0
    expected = _records(whole)
    shards = []
    for k in range(3):
        out = tmp_path / f"shard{k}.jsonl"
        res = cli("tag", str(trained_run), str(ARTICLES), "-o", str(out), "--shards", "3",
                  "--shard-index", str(k))
        assert res.returncode == 0, res.stderr
        shards.append(_records(out))
    doc_ids = [list(dict.fromkeys(r["doc_id"] for r in s)) for s in shards]
    assert all(set(a).isdisjoint(b) for i, a in enumerate(doc_ids) for b in doc_ids[i + 1:])
    # Articles dealt round-robin: taking them back in turn gives the unsharded output
    # exactly, row for row.
    n_docs = sum(len(ids) for ids in doc_ids)
    dealt = [doc_ids[i % 3][i // 3] for i in range(n_docs)]
    rows = {doc: [r for s in shards for r in s if r["doc_id"] == doc] for doc in dealt}
    assert [r for doc in dealt for r in rows[doc]] == expected
    assert n_docs == 8 and min(len(ids) for ids in doc_ids) == 2


def test_one_shard_is_the_whole_input(trained_run, tmp_path):
    whole, one = tmp_path / "whole.jsonl", tmp_path / "one.jsonl"
    assert cli("tag", str(trained_run), str(ARTICLES), "-o", str(whole)).returncode == 0
    res = cli("tag", str(trained_run), str(ARTICLES), "-o", str(one), "--shards", "1",
              "--shard-index", "0")
    assert res.returncode == 0 and one.read_bytes() == whole.read_bytes()


@pytest.mark.parametrize("args, message", [
    (["--shards", "0", "--shard-index", "0"], "--shards must be at least 1, not 0"),
    (["--shards", "3", "--shard-index", "3"], "--shard-index must be in 0..2 for --shards 3"),
    (["--shards", "3", "--shard-index", "-1"], "--shard-index must be in 0..2"),
    (["--shard-index", "1"], "--shards N and --shard-index K go together"),
    (["--shards", "2"], "--shards N and --shard-index K go together"),
    (["--scheduler", "tcp://127.0.0.1:8786"], "go with --engine dask"),
])
def test_bad_shard_requests_are_one_line(trained_run, tmp_path, args, message):
    out = tmp_path / "out.jsonl"
    res = cli("tag", str(trained_run), str(ARTICLES), "-o", str(out), *args)
    assert res.returncode == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in res.stderr
    assert not out.exists()
