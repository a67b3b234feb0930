"""`newsroles tag --engine dask`: partitions, parts, the manifest, resuming, failures, and
output equal to the single-machine run row for row. One LocalCluster (2 worker processes)
is started here and shared through --scheduler; one test starts its own with --cluster
local."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, cli

pytest.importorskip("distributed")
pd = pytest.importorskip("pandas")
pq = pytest.importorskip("pyarrow.parquet")

from newsroles.documents import read_documents  # noqa: E402
from newsroles.errors import NewsrolesError  # noqa: E402
from newsroles.partitions import plan, read_partition  # noqa: E402

ARTICLES = FIXTURES / "articles.jsonl"


@pytest.fixture(scope="module")
def scheduler():
    """A LocalCluster with 2 worker processes, 1 thread each; yields (address, client)."""
    import logging

    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield cluster.scheduler_address, client


@pytest.fixture
def corpus(tmp_path):
    """The fixture articles over three inputs: two JSON-lines files (the second with a
    field the first has not on each line) and a Parquet file of pre-split articles."""
    lines = ARTICLES.read_text().splitlines()
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_text("\n".join(lines[:5]) + "\n\n")  # a blank line
    rest = [{**json.loads(x), "outlet": f"o{i}"} for i, x in enumerate(lines[5:])]
    (tmp_path / "in" / "b.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rest))
    split = pd.DataFrame({"id": ["p1", "p2", "p3"],
                          "sentences": [["“We will,” she said.", "The river rose."],
                                        ["Officials said the bridge is closed."],
                                        ["The council voted to ban cars.", "It rained."]]})
    split.to_parquet(tmp_path / "in" / "c.parquet", row_group_size=2)
    return tmp_path / "in"


def _inputs(corpus: Path) -> list[str]:
    return [str(corpus / "*.jsonl"), str(corpus / "c.parquet")]


def _dask(run, inputs, out, *extra, scheduler=None):
    where = ["--scheduler", scheduler] if scheduler else ["--cluster", "local", "--jobs", "2"]
    return cli("tag", str(run), *inputs, "-o", str(out), "--engine", "dask", *where, *extra)


def _parts(out: Path, fmt: str) -> list[Path]:
    return sorted(out.glob(f"part-*.{fmt}"))


# --- partitions: the same documents as the plain reader, in order --------------------------


def test_partitions_read_what_the_plain_reader_reads(corpus):
    files = [str(corpus / "a.jsonl"), str(corpus / "b.jsonl"), str(corpus / "c.parquet")]
    columns = ("id", "text", "sentences")
    whole = list(read_documents(files))
    for size in (1, 2, 3, 100):
        parts = plan(files, size)
        got = [d for p in parts for d in read_partition(p, columns)]
        assert got == whole, size
        assert all(p.stop is None or p.stop - p.first <= size for p in parts)
    assert len(plan(files, 2)) == 3 + 2 + 2  # 5 + 3 lines, 3 rows: ceil of each over 2


def test_a_bad_line_is_named_by_its_line_in_the_file(tmp_path):
    lines = ARTICLES.read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines[:6] + ["{not json"] + lines[6:]) + "\n")
    parts = plan([str(bad)], 2)
    with pytest.raises(NewsrolesError, match=r"bad.jsonl:7: not valid JSON"):
        for p in parts:
            list(read_partition(p, ("id", "text", "sentences")))


# --- the distributed run ----------------------------------------------------------------


def test_dask_output_equals_the_single_machine_output(trained_run, corpus, tmp_path, scheduler):
    address, client = scheduler
    inputs = _inputs(corpus)
    plain = tmp_path / "plain.jsonl"
    assert cli("tag", str(trained_run), *inputs, "-o", str(plain)).returncode == 0
    out = tmp_path / "out"
    res = _dask(trained_run, inputs, out, "--format", "jsonl", "--partition-size", "2",
                scheduler=address)
    assert res.returncode == 0, res.stderr
    parts = _parts(out, "jsonl")
    assert len(parts) == 7
    assert b"".join(p.read_bytes() for p in parts) == plain.read_bytes()  # row for row

    manifest = json.loads((out / "_SUCCESS").read_text())
    rows = len(plain.read_text().splitlines())
    assert manifest["rows"] == rows and manifest["documents"] == 11
    assert [e["part"] for e in manifest["parts"]] == [p.name for p in parts]
    assert manifest["parts"][0]["input"] == str(corpus / "a.jsonl")
    assert manifest["parts"][0]["slice"] == [0, 2]
    assert manifest["model_id"] == json.loads(plain.read_text().splitlines()[0])["model_id"]
    # Each worker loaded the model once, however many parts it tagged.
    loads = client.run(__import__("newsroles.distributed").distributed.model_loads)
    counts = [n for worker in loads.values() for n in worker.values()]
    assert counts and all(n == 1 for n in counts), loads

    # Parquet parts read back as one table equal to the single-machine Parquet file.
    plain_pq, out_pq = tmp_path / "plain.parquet", tmp_path / "out_pq"
    assert cli("tag", str(trained_run), *inputs, "-o", str(plain_pq)).returncode == 0
    res = _dask(trained_run, inputs, out_pq, "--partition-size", "3", scheduler=address)
    assert res.returncode == 0, res.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out_pq), pd.read_parquet(plain_pq))
    # The first article's fields are the columns, as a single-machine run keeps them.
    assert "outlet" not in pq.read_schema(_parts(out_pq, "parquet")[-1]).names
    assert "have fields ['outlet']" in res.stderr


def test_local_cluster_started_by_the_command(trained_run, tmp_path):
    plain = tmp_path / "plain.jsonl"
    assert cli("tag", str(trained_run), str(ARTICLES), "-o", str(plain)).returncode == 0
    out = tmp_path / "out"
    res = _dask(trained_run, [str(ARTICLES)], out, "--format", "jsonl", "--partition-size", "3")
    assert res.returncode == 0, res.stderr
    assert b"".join(p.read_bytes() for p in _parts(out, "jsonl")) == plain.read_bytes()
    assert "Traceback" not in res.stderr


def test_rerun_skips_finished_parts_and_redoes_changed_ones(trained_run, corpus, tmp_path,
                                                           scheduler):
    address, _ = scheduler
    inputs, out = _inputs(corpus), tmp_path / "out"
    args = ("--format", "jsonl", "--partition-size", "2")
    assert _dask(trained_run, inputs, out, *args, scheduler=address).returncode == 0
    first = b"".join(p.read_bytes() for p in _parts(out, "jsonl"))
    stamps = {p.name: p.stat().st_mtime_ns for p in _parts(out, "jsonl")}

    again = _dask(trained_run, inputs, out, *args, scheduler=address)
    assert "7 parts, 7 already done, 0 to tag" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in _parts(out, "jsonl")} == stamps

    # A damaged part (same size, one byte changed) and a part without its record are
    # tagged again; so is every part of an input that changed.
    damaged = out / "part-00001.jsonl"
    data = bytearray(damaged.read_bytes())
    data[5] ^= 1
    damaged.write_bytes(bytes(data))
    (out / "_parts" / "part-00004.json").unlink()
    res = _dask(trained_run, inputs, out, *args, scheduler=address)
    assert "7 parts, 5 already done, 2 to tag" in res.stderr, res.stderr
    assert b"".join(p.read_bytes() for p in _parts(out, "jsonl")) == first
    with (corpus / "a.jsonl").open("a") as fh:
        fh.write("\n")  # same documents, another file: its 3 parts are not trusted
    res = _dask(trained_run, inputs, out, *args, scheduler=address)
    assert "7 parts, 4 already done, 3 to tag" in res.stderr, res.stderr

    # Fewer partitions now: the parts of the earlier plan are removed with the manifest.
    res = _dask(trained_run, inputs, out, "--format", "jsonl", "--partition-size", "100",
                scheduler=address)
    assert res.returncode == 0
    assert [p.name for p in _parts(out, "jsonl")] == ["part-00000.jsonl", "part-00001.jsonl",
                                                      "part-00002.jsonl"]
    assert sorted(p.name for p in (out / "_parts").iterdir()) == \
        ["part-00000.json", "part-00001.json", "part-00002.json"]
    assert b"".join(p.read_bytes() for p in _parts(out, "jsonl")) == first


def test_parts_are_keyed_on_the_tagging_code(trained_run, tmp_path, scheduler):
    """Parts tagged by other code (an upgrade, an edited rule) are not served: the key holds
    a hash of the modules tagging runs, and only of those."""
    import shutil

    import newsroles
    from newsroles.distributed import tagging_code

    package = tmp_path / "newsroles"
    shutil.copytree(Path(newsroles.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    before = tagging_code("linear", package)
    with (package / "cli" / "annotate.py").open("a") as fh:
        fh.write("# not run by tagging\n")
    assert tagging_code("linear", package) == before
    for module in ("attribution/sentence.py", "labeling/parse.py", "models/linear.py"):
        with (package / module).open("a") as fh:
            fh.write("# an edit\n")
        assert tagging_code("linear", package) != before, module
        before = tagging_code("linear", package)

    out = tmp_path / "out"
    assert _dask(trained_run, [str(ARTICLES)], out, scheduler=scheduler[0]).returncode == 0
    manifest = json.loads((out / "_SUCCESS").read_text())
    assert manifest["options"]["code"] == tagging_code("linear")


def test_a_failing_part_is_retried_then_reported_with_its_input(trained_run, tmp_path,
                                                                scheduler):
    address, client = scheduler
    lines = ARTICLES.read_text().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines[:4] + ['{"id": null, "text": "x"}'] + lines[4:]) + "\n")
    out = tmp_path / "out"
    res = _dask(trained_run, [str(bad)], out, "--format", "jsonl", "--partition-size", "2",
                "--retries", "1", scheduler=address)
    assert res.returncode == 2
    errors = [x for x in res.stderr.splitlines() if x.startswith("newsroles: error:")]
    assert errors == [f"newsroles: error: part-00002 ({bad}, documents 5-6) failed after 2 "
                      f"tries: {bad}:5: the id must be a string or a whole number, not None"]
    assert "Traceback" not in res.stderr
    # The other parts are kept (a re-run keeps them); no manifest claims the whole.
    assert [p.name for p in _parts(out, "jsonl")] == \
        ["part-00000.jsonl", "part-00001.jsonl", "part-00003.jsonl", "part-00004.jsonl"]
    assert not (out / "_SUCCESS").exists()

    # The scheduler ran the bad part twice (the try and one retry); it alone erred.
    def runs_of_erred_tasks(dask_scheduler):
        log = list(dask_scheduler.transition_log)
        erred = {t[0] for t in log if t[2] == "erred"}
        return {str(k): sum(1 for t in log if t[0] == k and t[2] == "processing")
                for k in erred}

    (runs,) = client.run_on_scheduler(runs_of_erred_tasks).items()
    assert runs[0].startswith("newsroles-part-00002-") and runs[1] == 2


@pytest.mark.filterwarnings("ignore:Port .* is already in use")
def test_slurm_settings_make_the_job_script():
    from newsroles.distributed import cluster_settings, slurm_cluster

    settings = cluster_settings("slurm", ["queue=short", "account=proj1", "walltime=00:30:00",
                                          "job_extra_directives=[--qos=low]", "jobs=3"])
    assert settings.jobs == 3
    cluster = slurm_cluster(settings)
    try:
        script = cluster.job_script()
    finally:
        cluster.close()
    for line in ("#SBATCH -p short", "#SBATCH -A proj1", "#SBATCH -t 00:30:00",
                 "#SBATCH --qos=low", "#SBATCH --cpus-per-task=8", "--nworkers 8"):
        assert line in script, script


@pytest.mark.parametrize("args, message", [
    (["nosuch.jsonl"], "nosuch.jsonl: file not found"),
    (["nosuch/*.jsonl"], "no file matches this pattern"),
    (["-"], "reads files, not standard input"),
    (["ARTICLES", "--shards", "2", "--shard-index", "0"], "splits the input itself"),
    (["ARTICLES", "--cluster", "nosuch"], "no cluster 'nosuch' (available: local, slurm"),
    (["ARTICLES", "--cluster", "slurm", "--cluster-option", "cores=many"],
     "bad cluster settings"),
    (["ARTICLES", "--cluster-option", "nokey"], "takes KEY=VALUE"),
    (["ARTICLES", "--cluster-option", "nosuch=1"], "bad cluster settings"),
    (["ARTICLES", "--scheduler", "not a scheduler::"], "cannot reach the Dask scheduler"),
    (["ARTICLES", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
    (["ARTICLES", "--partition-size", "0"], "--partition-size must be at least 1"),
    (["ARTICLES", "--format", "html"], "writes parquet, jsonl or csv parts"),
])
def test_bad_requests_are_one_line(trained_run, tmp_path, args, message):
    args = [str(ARTICLES) if a == "ARTICLES" else a for a in args]
    out = cli("tag", str(trained_run), *args, "-o", str(tmp_path / "out"), "--engine", "dask",
              env_extra={"DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("newsroles: error:"), out.stderr
    assert message in lines[0], lines[0]


def test_bad_output_folders_are_one_line(trained_run, tmp_path):
    run = str(trained_run)
    no_out = cli("tag", run, str(ARTICLES), "--engine", "dask")
    assert no_out.returncode == 2 and "give -o FOLDER" in no_out.stderr
    a_file = tmp_path / "tagged.jsonl"
    a_file.write_text("keep me\n")
    res = cli("tag", run, str(ARTICLES), "-o", str(a_file), "--engine", "dask")
    assert res.returncode == 2 and "-o must be a folder" in res.stderr
    assert a_file.read_text() == "keep me\n"
    other = tmp_path / "other"
    other.mkdir()
    (other / "notes.txt").write_text("mine\n")
    res = cli("tag", run, str(ARTICLES), "-o", str(other), "--engine", "dask")
    assert res.returncode == 2 and "not parts of a tagged corpus (notes.txt)" in res.stderr
    inside = cli("tag", run, str(other / "*.txt"), "-o", str(other), "--engine", "dask")
    assert inside.returncode == 2
    for res in (no_out, inside):
        assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr


def test_a_second_writer_to_the_same_folder_is_refused(trained_run, tmp_path, scheduler):
    from filelock import FileLock

    from newsroles.partitions import LOCK

    out = tmp_path / "out"
    out.mkdir()
    with FileLock(str(out / LOCK)):  # as a `tag` still writing there holds it
        res = _dask(trained_run, [str(ARTICLES)], out, scheduler=scheduler[0])
    assert res.returncode == 2
    assert res.stderr.strip().splitlines() == [
        f"newsroles: error: {out}: another newsroles tag is writing to this folder; wait for "
        "it to end (or give another -o)"]
    assert not list(out.glob("part-*"))
    # Once it is released, the folder (lock file and all) is ours.
    assert _dask(trained_run, [str(ARTICLES)], out, scheduler=scheduler[0]).returncode == 0
    assert (out / "_SUCCESS").is_file()


def test_plain_tagging_never_imports_dask(trained_run, tmp_path):
    code = ("import sys; from newsroles.cli import main; "
            f"main(['tag', {str(trained_run)!r}, {str(ARTICLES)!r}, '-o', "
            f"{str(tmp_path / 'o.jsonl')!r}, '--shards', '2', '--shard-index', '1']); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'dask_jobqueue')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, env={**os.environ, "HF_HUB_OFFLINE": "1"}, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_inputs_globs_and_parquet_folders_expand_sorted(tmp_path):
    from newsroles.partitions import expand_inputs

    data = tmp_path / "dataset"
    (data / "year=2020").mkdir(parents=True)
    frame = pd.DataFrame({"id": ["a"], "text": ["It rained."]})
    for name in ("year=2020/b.parquet", "a.parquet", "_common_metadata.parquet",
                 ".hidden.parquet"):
        frame.to_parquet(data / name)
    (tmp_path / "x2.jsonl").write_text('{"id": "1", "text": "A."}\n')
    (tmp_path / "x1.jsonl").write_text('{"id": "2", "text": "B."}\n')
    got = expand_inputs([str(tmp_path / "x*.jsonl"), str(data)])
    assert got == [str(tmp_path / "x1.jsonl"), str(tmp_path / "x2.jsonl"),
                   str(data / "a.parquet"), str(data / "year=2020" / "b.parquet")]
    (tmp_path / "empty").mkdir()
    with pytest.raises(NewsrolesError, match="must hold .parquet files"):
        expand_inputs([str(tmp_path / "empty")])
    with pytest.raises(NewsrolesError, match="not standard input"):
        expand_inputs(["-"])
    assert expand_inputs(["-"], stdin=True) == ["-"]
