"""The declared stage graph and its cache: keys from the code a stage imports, entries that
are verified before they are served, publishing that is safe across processes."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, compose_config, fixture_overrides, run_in_process

from newsroles.pipeline.cache import (
    MANIFEST,
    StageCache,
    code_hash,
    module_closure,
    stage_key,
    verify_entry,
)
from newsroles.pipeline.run import GRAPH, STAGES, plan

PACKAGE = ROOT / "src" / "newsroles"


def _timings(run_dir: Path) -> dict[str, bool]:
    return {k: v["cached"] for k, v in json.loads((run_dir / "timings.json").read_text()).items()}


# --- the graph ----------------------------------------------------------------------------


def test_graph_is_ordered_and_each_task_runs_what_it_needs(tmp_path):
    seen = set()
    for stage in GRAPH:
        assert set(stage.reads) <= seen, f"{stage.name} reads a stage declared after it"
        seen.add(stage.name)
    cfg = compose_config(fixture_overrides(tmp_path))
    assert [s.name for s in plan(cfg, "prepare")] == ["prepare"]
    assert [s.name for s in plan(cfg, "label")] == ["prepare", "gold", "parse", "label"]
    assert [s.name for s in plan(cfg, "evaluate")] == [s.name for s in GRAPH]
    saved = compose_config([*fixture_overrides(tmp_path), "eval.model=somewhere"])
    # Scoring a saved model trains nothing and needs no weak labels.
    assert [s.name for s in plan(saved, "evaluate")] == ["prepare", "gold", "parse", "evaluate"]


def test_a_stage_code_is_what_its_module_imports():
    train = module_closure([STAGES["train"].module, "newsroles.models.linear"])
    assert {"newsroles.models.hashing", "newsroles.labeling.parse", "newsroles.models.base",
            "newsroles.pipeline.label", "newsroles.labeling.functions"} <= set(train)
    label = module_closure([STAGES["label"].module])
    assert "newsroles.labeling.reporting" in label  # through labeling.functions
    assert not any(m.startswith("newsroles.models") for m in label)
    parse = module_closure([STAGES["parse"].module])
    assert "newsroles.labeling.parse" in parse and "newsroles.labeling.functions" not in parse
    for stage in GRAPH:  # nothing a stage runs imports the CLI, the tagger or HTML pages
        closure = module_closure([stage.module])
        assert not {"newsroles.cli", "newsroles.tagger", "newsroles.html_page"} & set(closure)


def _copy_package(dest: Path) -> Path:
    pkg = dest / "newsroles"
    shutil.copytree(PACKAGE, pkg, ignore=shutil.ignore_patterns("__pycache__"))
    return pkg


def test_code_hash_follows_edits_of_imported_modules(tmp_path):
    pkg = _copy_package(tmp_path)

    def hashes():
        return {s.name: code_hash([s.module], pkg) for s in GRAPH}

    before = hashes()
    assert before == {s.name: code_hash([s.module]) for s in GRAPH}  # the copy is identical
    (pkg / "labeling" / "vocab.py").write_text((pkg / "labeling" / "vocab.py").read_text()
                                               + "\n# edited\n")
    after = hashes()
    assert after["label"] != before["label"] and after["prepare"] == before["prepare"]
    assert code_hash(["newsroles.pipeline.train", "newsroles.models.linear"], pkg) != \
        code_hash(["newsroles.pipeline.train", "newsroles.models.linear"])


def _run_with_package(pkg_parent: Path, runs: Path, cache: Path) -> Path:
    """`newsroles run` on the fixtures with newsroles imported from a copy of the package."""
    env = {**os.environ, "PYTHONPATH": str(pkg_parent), "HF_HUB_OFFLINE": "1"}
    code = ("import sys, newsroles; assert newsroles.__file__.startswith(sys.argv[1]), "
            "newsroles.__file__; from newsroles.cli import main; main(sys.argv[2:])")
    out = subprocess.run(
        [sys.executable, "-c", code, str(pkg_parent), "run", *fixture_overrides(runs),
         f"paths.cache={cache}", "model.lf_parse=false"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300)
    assert out.returncode == 0, out.stderr[-3000:]
    return Path(out.stdout.strip().splitlines()[-1])


def test_editing_a_module_reruns_its_stages_and_those_after_only(tmp_path):
    pkg = _copy_package(tmp_path / "site")
    runs, cache = tmp_path / "runs", tmp_path / "cache"
    first = _run_with_package(pkg.parent, runs, cache)
    assert not any(_timings(first).values())

    def edit(rel: str) -> None:
        f = pkg / rel
        f.write_text(f.read_text() + "\n# an edit that changes no behaviour\n")

    edit("models/hashing.py")  # the default word hasher: train and evaluate run it
    after_hasher = _timings(_run_with_package(pkg.parent, runs, cache))
    assert after_hasher == {"prepare": True, "gold": True, "parse": True, "label": True,
                            "train": False, "evaluate": False}
    edit("labeling/parse.py")  # read by the parse stage, so by everything after it
    after_parse = _timings(_run_with_package(pkg.parent, runs, cache))
    assert after_parse == {"prepare": True, "gold": True, "parse": False, "label": False,
                           "train": False, "evaluate": False}
    edit("html_page.py")  # no stage imports it
    assert all(_timings(_run_with_package(pkg.parent, runs, cache)).values())


# --- verified entries ---------------------------------------------------------------------


def _truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def test_damaged_cache_entries_are_recomputed_never_served(tmp_path, capsys):
    runs = tmp_path / "runs"
    clean = run_in_process(runs)
    cache = runs / ".cache"
    entry = {name: next(p for p in (cache / name).iterdir() if not p.name.startswith("."))
             for name in STAGES}
    _truncate(entry["train"] / "model" / "weights.npz")
    _truncate(entry["evaluate"] / "predictions.jsonl")
    (entry["evaluate"] / "metrics.json").write_text("{}")
    _truncate(entry["parse"] / "parses.json")
    _truncate(entry["label"] / "votes.npy")
    arrow = next((entry["prepare"] / "sentences").glob("*.arrow"))
    _truncate(arrow)
    (entry["gold"] / MANIFEST).unlink()  # an entry whose writer died before its manifest
    capsys.readouterr()
    again = run_in_process(runs)
    err = capsys.readouterr().err
    for name in STAGES:
        assert f"cache entry {entry[name]} is damaged" in err, name
    assert not any(_timings(again).values())
    for name in ("metrics.json", "predictions.jsonl"):
        assert (again / name).read_bytes() == (clean / name).read_bytes()
    # Recomputed entries are whole again, and served from then on.
    assert all(verify_entry(entry[name], STAGES[name].outputs) is None for name in STAGES)
    assert all(_timings(run_in_process(runs)).values())


def test_an_entry_must_hold_exactly_its_manifest(tmp_path):
    cache = StageCache(tmp_path)

    def write(out: Path) -> None:
        (out / "a.txt").write_text("a")
        (out / "sub").mkdir()
        (out / "sub" / "b.txt").write_text("b")

    entry = cache.put("s", "k1", write, outputs=("a.txt", "sub"))
    assert cache.get("s", "k1", ("a.txt", "sub")) == entry
    (entry / "sub" / "extra.txt").write_text("x")
    assert "unlisted file sub/extra.txt" in verify_entry(entry)
    assert cache.get("s", "k1") is None
    (entry / "sub" / "extra.txt").unlink()
    assert verify_entry(entry, ("a.txt", "missing.txt")) == "output missing.txt is missing"
    (entry / "a.txt").write_text("b")  # same size, other bytes
    assert verify_entry(entry) == "a.txt does not match its hash"
    with pytest.raises(RuntimeError, match="did not write nope"):
        cache.put("s", "k2", write, outputs=("nope",))
    assert not (tmp_path / "s" / "k2").exists()
    assert [p.name for p in (tmp_path / "s").iterdir()] == ["k1"]  # no temporary left


def _payload(out: Path, tag: str) -> None:
    for i in range(20):
        (out / f"part{i}.txt").write_text(f"{tag} {i}\n" * 200)


def _writer(root: str, rounds: int, damage: bool, errors) -> None:
    cache = StageCache(root)
    try:
        for r in range(rounds):
            if damage and r % 3 == 0:
                entry = cache.path("s", "key")
                victim = entry / "part7.txt"
                try:
                    victim.write_text("damaged")
                except FileNotFoundError:
                    pass
            entry = cache.put("s", "key", lambda out: _payload(out, "same"))
            text = (entry / "part3.txt").read_text()
            if text != "same 3\n" * 200:
                errors.put(f"writer read {text[:20]!r}")
    except Exception as e:  # noqa: BLE001
        errors.put(f"writer: {type(e).__name__}: {e}")


def _reader(root: str, rounds: int, errors) -> None:
    cache = StageCache(root)
    seen_whole = False
    try:
        for _ in range(rounds):
            entry = cache.get("s", "key")
            if entry is None:
                continue
            seen_whole = True
            for i in range(20):
                text = (entry / f"part{i}.txt").read_text()
                if text != f"same {i}\n" * 200 and text != "damaged":
                    errors.put(f"reader read a partial part{i}")
    except FileNotFoundError as e:
        errors.put(f"reader: {e}")
    except Exception as e:  # noqa: BLE001
        errors.put(f"reader: {type(e).__name__}: {e}")
    if not seen_whole:
        errors.put("reader never saw a whole entry")


def test_writers_and_readers_in_processes_on_one_key(tmp_path):
    """Four processes publish the same key (one also damages the entry now and then, as a
    crash or a disk error would) while two read it: no reader ever finds a missing or
    partial file, and the entry ends whole."""
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    errors = ctx.Queue()
    StageCache(tmp_path).put("s", "key", lambda out: _payload(out, "same"))
    procs = [ctx.Process(target=_writer, args=(str(tmp_path), 15, i == 0, errors))
             for i in range(4)]
    procs += [ctx.Process(target=_reader, args=(str(tmp_path), 150, errors)) for _ in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    found = []
    while not errors.empty():
        found.append(errors.get())
    # A reader may read the one file the damaging writer overwrote in place (that is the
    # damage, and the next get() refuses the entry); it never meets a missing file.
    assert not [e for e in found if "partial" not in e], found
    assert verify_entry(tmp_path / "s" / "key") is None or \
        StageCache(tmp_path).get("s", "key") is None
    entry = StageCache(tmp_path).put("s", "key", lambda out: _payload(out, "same"))
    assert verify_entry(entry) is None
    leftovers = [p.name for p in (tmp_path / "s").iterdir() if p.name != "key"]
    assert leftovers == []


def test_temporary_folders_of_dead_writers_are_removed(tmp_path):
    cache = StageCache(tmp_path)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stage = tmp_path / "s"
    stage.mkdir()
    orphan = stage / f".k0.{cache.host}.{dead}.0123abcd.tmp"
    trash = stage / f".k0.{cache.host}.{dead}.89abcdef.trash"
    alive = stage / f".k0.{cache.host}.{os.getpid()}.01234567.tmp"
    foreign = stage / ".k0.otherhost.1.01234567.tmp"
    for p in (orphan, trash, alive, foreign):
        (p / "sub").mkdir(parents=True)
    cache.put("s", "k1", lambda out: (out / "x").write_text("x"))
    assert not orphan.exists() and not trash.exists()
    assert alive.exists() and foreign.exists()  # a live writer, and another machine's
    os.utime(foreign, (0, 0))  # a week old and more: that writer is long gone
    cache.clean("s")
    assert not foreign.exists()


def test_keys_change_with_every_part():
    base = {"files": {"a": "1"}, "upstream": {"prepare": "k"}, "config": {"x": 1},
            "environment": {}}
    k = stage_key("s", "code", **base)
    assert k == stage_key("s", "code", **base)
    for part, value in (("files", {"a": "2"}), ("upstream", {"prepare": "j"}),
                        ("config", {"x": 2}), ("environment", {"parser": "v2"})):
        assert stage_key("s", "code", **{**base, part: value}) != k
    assert stage_key("s", "code2", **base) != k and stage_key("t", "code", **base) != k


def test_two_runs_at_once_on_one_runs_root(tmp_path):
    """Two `newsroles run` processes started together on one cold runs root both finish,
    with the same metrics, and leave only whole cache entries and no temporary folders."""
    runs = tmp_path / "runs"
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    procs = [subprocess.Popen([sys.executable, "-m", "newsroles.cli", "run",
                               *fixture_overrides(runs), "model.lf_parse=false"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err[-2000:]
        assert "damaged" not in err
    run_dirs = [Path(out.strip().splitlines()[-1]) for out, _ in outs]
    assert run_dirs[0] != run_dirs[1]
    a, b = ((d / "metrics.json").read_bytes() for d in run_dirs)
    assert a == b
    cache = runs / ".cache"
    for stage in STAGES:
        entries = list((cache / stage).iterdir())
        assert [e for e in entries if e.name.startswith(".")] == []
        assert len(entries) == 1 and verify_entry(entries[0], STAGES[stage].outputs) is None


def test_a_library_upgrade_changes_the_keys_of_the_stages_that_run_it(tmp_path, monkeypatch):
    from importlib import metadata

    from newsroles.pipeline.run import stage_key_for

    cfg = compose_config(fixture_overrides(tmp_path))
    stage = STAGES["prepare"]
    before = stage_key_for(stage, cfg, {})[0]
    real = metadata.version

    def upgraded(name):
        return lambda n: "99.0" if n == name else real(n)

    monkeypatch.setattr(metadata, "version", upgraded("syntok"))  # the sentence splitter
    assert stage_key_for(stage, cfg, {})[0] != before
    monkeypatch.setattr(metadata, "version", upgraded("torch"))  # prepare runs no torch
    assert stage_key_for(stage, cfg, {})[0] == before
