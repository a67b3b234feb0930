"""Walk the stage graph into one run directory, serving verified cache entries.

For each stage up to the target (and the stages it needs), in graph order: hash its input
files, build its key from them, its upstream keys, its config values, its environment and
its code, serve the cache entry if it is whole or compute and publish it, then copy its
declared run outputs into the run directory. fingerprints.json records what each stage read,
timings.json how long each took and whether it came from the cache.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from omegaconf import OmegaConf

from newsroles import ranks
from newsroles.errors import NewsrolesError
from newsroles.io import write_json
from newsroles.pipeline import evaluate, gold, label, parse, prepare, train
from newsroles.pipeline.cache import (
    StageCache,
    code_hash,
    file_hash,
    library_versions,
    stage_key,
)
from newsroles.pipeline.stage import Inputs, Stage

# The graph, in an order where every stage comes after those it reads.
GRAPH: tuple[Stage, ...] = (prepare.STAGE, gold.STAGE, parse.STAGE, label.STAGE, train.STAGE,
                            evaluate.STAGE)
STAGES = {s.name: s for s in GRAPH}
# The stage each Hydra task runs up to.
TARGETS = {"run": "evaluate", "prepare": "prepare", "label": "label", "train": "train",
           "evaluate": "evaluate"}


@dataclass(frozen=True)
class StageResult:
    stage: str
    key: str
    path: Path  # the verified cache entry holding the stage's outputs
    cached: bool
    seconds: float
    reads: dict


def plan(cfg, target: str) -> list[Stage]:
    """The enabled stages the target needs, in graph order."""
    if target not in STAGES:
        raise NewsrolesError(f"unknown stage {target!r} (known: {', '.join(STAGES)})")
    needed: set[str] = set()
    todo = [target]
    while todo:
        name = todo.pop()
        stage = STAGES[name]
        if name in needed or not stage.enabled(cfg, target):
            continue
        needed.add(name)
        todo.extend(stage.reads)
    return [s for s in GRAPH if s.name in needed]


def config_values(cfg, keys) -> dict:
    """The values of dotted config keys, resolved, enums as strings (null when absent)."""
    out = {}
    for key in keys:
        node = OmegaConf.select(cfg, key, default=None)
        out[key] = (OmegaConf.to_container(node, resolve=True, enum_to_str=True)
                    if OmegaConf.is_config(node) else getattr(node, "value", node))
    return out


def stage_key_for(stage: Stage, cfg, upstream: dict[str, str]) -> tuple[str, dict, dict]:
    """(key, file reads, input files) of a stage under this config and these upstream keys."""
    files = {name: Path(str(p)) for name, p in stage.files(cfg).items()}
    reads = {name: {"path": str(p), "sha256": file_hash(p)} for name, p in files.items()}
    code = code_hash((stage.module, *stage.code(cfg)))
    key = stage_key(stage.name, code, files={k: v["sha256"] for k, v in reads.items()},
                    upstream=upstream, config=config_values(cfg, stage.config),
                    environment=stage.environment(cfg),
                    libraries=library_versions(stage.libraries))
    return key, reads, files


log = logging.getLogger("newsroles.pipeline")


def run_stages(cfg, target: str) -> dict[str, StageResult]:
    """Each stage from the cache when everything that made it is unchanged, else computed;
    each logged as it starts and ends (on the console and in the run's cli.log).

    Under torchrun, rank 0 runs this and the other ranks `follow_stages`: before each stage
    that all ranks compute (data-parallel training) rank 0 tells them its inputs."""
    rank = ranks.current()
    stages = plan(cfg, target)
    together = rank.distributed and any(s.all_ranks(cfg) for s in stages)
    if together:
        ranks.join()
    cache = StageCache(cfg.paths.cache)
    results: dict[str, StageResult] = {}
    for stage in stages:
        t0 = time.perf_counter()
        upstream = {r: results[r] for r in stage.reads if r in results}
        key, reads, files = stage_key_for(stage, cfg, {r: u.key for r, u in upstream.items()})
        entry = cache.get(stage.name, key, stage.outputs)
        cached = entry is not None
        inputs = Inputs(cfg, {r: u.path for r, u in upstream.items()}, files, cache.root, key)
        if together and stage.all_ranks(cfg):
            ranks.share({"stage": stage.name, "inputs": replace(inputs, cfg=None),
                         "cached": cached})
        if entry is None:
            log.info("%s: running (cache key %s)", stage.name, key[:12])
            entry = cache.put(stage.name, key, lambda tmp: stage.compute(inputs, tmp),
                              stage.outputs)
        seconds = time.perf_counter() - t0
        log.info("%s: %s in %.1f s", stage.name, "from the cache" if cached else "done",
                 seconds)
        results[stage.name] = StageResult(stage.name, key, entry, cached, seconds, reads)
    return results


def follow_stages(cfg, target: str) -> list[str]:
    """A non-zero rank's part of `run_stages`: the stages all ranks compute, on the inputs
    rank 0 names, into a scratch folder that is dropped (rank 0 publishes the result).
    Returns the stages it computed; nothing when rank 0 runs the task alone (a model
    that is not trained data-parallel, a task without training, a cached model)."""
    together = [s for s in plan(cfg, target) if s.all_ranks(cfg)]
    if not together:
        return []
    ranks.join()
    computed = []
    for stage in together:
        message = ranks.share()
        if message["stage"] != stage.name:  # the same config on every rank plans the same
            raise NewsrolesError(f"rank 0 computes {message['stage']}, this rank expected "
                                 f"{stage.name}: are all ranks given the same overrides?")
        if message["cached"]:
            continue
        with tempfile.TemporaryDirectory(prefix=f"newsroles-rank-{stage.name}-") as scratch:
            stage.compute(replace(message["inputs"], cfg=cfg), Path(scratch))
        computed.append(stage.name)
    return computed


def stage_entries(cfg, target: str) -> dict[str, Path]:
    """The verified cache entries of the stages up to `target` (computed where missing),
    for notebooks and benchmarks that read a stage's outputs directly."""
    return {name: r.path for name, r in run_stages(cfg, target).items()}


def gold_sentence_table(cfg):
    """The sentence table with gold labels, splits and parse, as the train and evaluate
    stages read it (the stages up to label run or come from the cache), for benchmarks."""
    from newsroles.pipeline.tables import sentence_table

    entries = stage_entries(cfg, "label")
    return sentence_table(Inputs(cfg, entries, {}, Path(cfg.paths.cache), ""), with_parse=True)


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=False)
    else:
        shutil.copy2(src, dst)


def run_pipeline(cfg, run_dir: Path, target: str = "evaluate") -> dict:
    """Run the stages up to `target` into `run_dir`; return {stage: timing/cache info}."""
    results = run_stages(cfg, target)
    fingerprints, record = {}, {}
    for name, r in results.items():
        stage = STAGES[name]
        for output, dest in stage.run_outputs.items():
            _copy(r.path / output, run_dir / dest)
        summary = stage.summary(r.path) if stage.summary else {}
        if r.reads or summary:
            fingerprints[name] = {**r.reads, **summary}
        record[name] = {"seconds": round(r.seconds, 3), "cached": r.cached, "key": r.key}
    fingerprints["stage_keys"] = {k: v["key"] for k, v in record.items()}
    write_json(run_dir / "fingerprints.json", fingerprints)
    write_json(run_dir / "timings.json", record)
    return record


def resolved_config_yaml(cfg) -> str:
    return OmegaConf.to_yaml(cfg, resolve=True)


def summary_line(run_dir: Path) -> str | None:
    metrics = run_dir / "metrics.json"
    if not metrics.exists():
        return None
    m = json.loads(metrics.read_text())
    lo, hi = m["macro_f1_ci"]
    split = m["split"]
    if "cv" in m:
        split = f"cross-validation fold {m['cv']['fold']} of {m['cv']['folds']}"
    return (
        f"{m['model']} on {m.get('data', 'gold')} {split}: macro-F1 {m['macro_f1']:.3f} "
        f"[{lo:.3f}, {hi:.3f}], accuracy {m['accuracy']:.3f}, n={m['n']}"
    )
