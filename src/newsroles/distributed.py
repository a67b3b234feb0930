"""`newsroles tag --engine dask`: the partitions of a corpus tagged on a Dask cluster.

The client (the `tag` process) plans the partitions (`partitions.plan`), skips the parts
already finished for the same input, model and options, and submits one task per
remaining part, with `retries`; each worker loads the model once (`_worker_tagger`, a cache
in the worker process keyed by the model folder and options) and writes its parts itself,
so only small records come back. When every part is done the client writes `_SUCCESS`;
a part that still fails after its retries is reported with its input, the others kept.

Clusters: `local` (distributed.LocalCluster: `--jobs` worker processes, one thread each),
`slurm` (dask_jobqueue.SLURMCluster) or any YAML of `conf/cluster/`, or `--scheduler
ADDRESS` for a running one. dask is imported here only, inside the functions.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from omegaconf import MISSING

from newsroles.errors import DataProblems, NewsrolesError
from newsroles.partitions import (LOCK, Partition, check_out_dir, clear_manifest,
                                  expand_inputs, finished, first_fields, part_key, plan,
                                  tag_partition, write_manifest)

# --- cluster settings (conf/cluster/<name>.yaml; the values live there) ---------------------


@dataclass
class LocalSettings:
    """distributed.LocalCluster: worker processes on this machine."""

    kind: str = MISSING
    workers: int | None = MISSING  # null: --jobs, else one per core
    memory_limit: str = MISSING


@dataclass
class SlurmSettings:
    """dask_jobqueue.SLURMCluster: each Slurm job runs `processes` workers."""

    kind: str = MISSING
    jobs: int = MISSING
    queue: str | None = MISSING
    account: str | None = MISSING
    cores: int = MISSING
    processes: int = MISSING
    memory: str = MISSING
    walltime: str = MISSING
    job_extra_directives: list[str] = field(default_factory=list)
    job_script_prologue: list[str] = field(default_factory=list)
    local_directory: str | None = MISSING
    log_directory: str | None = MISSING
    interface: str | None = MISSING


SCHEMAS = {"local": LocalSettings, "slurm": SlurmSettings}


def cluster_settings(name: str, options: list[str] = ()):
    """conf/cluster/NAME.yaml of this project (or a YAML file's path), with KEY=VALUE
    overrides, checked against its kind's schema (unknown keys and bad types refused)."""
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    path = Path(name)
    if path.suffix not in (".yaml", ".yml"):
        from newsroles.project import project_root

        path = project_root() / "conf" / "cluster" / f"{name}.yaml"
        if not path.is_file():
            known = sorted(p.stem for p in path.parent.glob("*.yaml"))
            raise NewsrolesError(f"no cluster {name!r} (available: {', '.join(known)}; or "
                                 "a .yaml file)")
    if not path.is_file():
        raise NewsrolesError("cluster settings file not found", path)
    try:
        loaded = OmegaConf.load(path)
        kind = loaded.get("kind")
        if kind not in SCHEMAS:
            raise NewsrolesError(f"kind must be one of {', '.join(SCHEMAS)}, not {kind!r}", path)
        for option in options:
            if "=" not in option:
                raise NewsrolesError(f"--cluster-option takes KEY=VALUE, not {option!r}")
        merged = OmegaConf.merge(OmegaConf.structured(SCHEMAS[kind]), loaded,
                                 OmegaConf.from_dotlist(list(options)))
        settings = OmegaConf.to_object(merged)
    except OmegaConfBaseException as e:
        raise NewsrolesError(f"bad cluster settings: {str(e).splitlines()[0]}", path) from None
    return settings


def slurm_cluster(settings: SlurmSettings):
    """A SLURMCluster with these settings, scaled to `jobs` Slurm jobs."""
    from dask_jobqueue import SLURMCluster

    kwargs = {k: getattr(settings, k) for k in (
        "queue", "account", "cores", "processes", "memory", "walltime",
        "job_extra_directives", "job_script_prologue", "local_directory",
        "log_directory", "interface")}
    cluster = SLURMCluster(**{k: v for k, v in kwargs.items() if v is not None})
    return cluster


def connect(scheduler: str | None, settings, jobs: int):
    """(client, cluster or None): a running scheduler, or a cluster started here."""
    import dask
    from distributed import Client

    if scheduler:
        timeout = dask.config.get("distributed.comm.timeouts.connect")
        try:
            return Client(scheduler, timeout=timeout), None
        except (OSError, ValueError, TypeError) as e:
            detail = str(e).splitlines()[0] if str(e) else type(e).__name__
            raise NewsrolesError(f"cannot reach the Dask scheduler at {scheduler!r} "
                                 f"({detail[:200]})") from None
    try:
        cluster = _start_cluster(settings, jobs)
    except (OSError, RuntimeError, ValueError) as e:
        raise NewsrolesError(f"cannot start the {settings.kind} cluster ({_one_line(e)})") \
            from None
    return Client(cluster), cluster


def _start_cluster(settings, jobs: int):
    import logging

    if isinstance(settings, SlurmSettings):
        cluster = slurm_cluster(settings)
        cluster.scale(jobs=settings.jobs)
        return cluster
    import multiprocessing

    import dask
    from distributed import LocalCluster

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with dask.config.set({"distributed.worker.multiprocessing-method": method}):
        if method == "forkserver":
            _preload_forkserver()
        return LocalCluster(n_workers=settings.workers or jobs, threads_per_worker=1,
                            processes=True, memory_limit=settings.memory_limit,
                            dashboard_address=None, silence_logs=logging.ERROR)


def _preload_forkserver() -> None:
    """Workers forked from a server that imported dask and the tagger once: a spawned
    worker imports them itself, seconds each on a busy machine (benchmarks/tag_dask.py)."""
    from distributed.utils import get_mp_context

    ctx = get_mp_context()  # sets dask's own preload list, which this one replaces
    ctx.set_forkserver_preload(["distributed", "newsroles.distributed", "newsroles.tagger",
                                "newsroles.output"])


# --- workers: the model loaded once per process --------------------------------------------

_TAGGERS: dict[tuple, Any] = {}
_LOADS: dict[str, int] = {}  # repr(cache key) -> loads in this process
_LOCK = threading.Lock()


def _worker_tagger(model_dir: str, model_id: str, sources: bool, runtime: str):
    """This process's Tagger for the model (loaded at its first part, then reused)."""
    key = (model_dir, model_id, sources, runtime)
    with _LOCK:
        if key not in _TAGGERS:
            from newsroles.tagger import Tagger

            tagger = Tagger.load(model_dir, sources=sources, runtime=runtime)
            if tagger.identity["model_id"] != model_id:
                raise NewsrolesError(f"the model here is {tagger.identity['model_id']}, not "
                                     f"{model_id}: workers must see the same model folder",
                                     model_dir)
            _TAGGERS[key] = tagger
            _LOADS[repr(key)] = _LOADS.get(repr(key), 0) + 1
        return _TAGGERS[key]


def model_loads() -> dict[str, int]:
    """How many times this process loaded each model (the tests run it on the workers)."""
    return dict(_LOADS)


class PartFailed(Exception):
    """A part's error, as one line that pickles (NewsrolesError's arguments do not)."""


def _run_part(job: dict, part: Partition, key: str) -> dict:
    """One task: tag a partition into its part file; returns the part's record."""
    try:
        tagger = _worker_tagger(job["model_dir"], job["model_id"], job["sources"],
                                job["runtime"])
        return tag_partition(tagger, part, Path(job["out_dir"]), job["fmt"], key,
                             tuple(job["columns"]), job["extra"], job["batch_size"])
    except NewsrolesError as e:
        raise PartFailed(str(e)) from None


# --- the client ----------------------------------------------------------------------------


@dataclass
class DaskJob:
    """What `newsroles tag --engine dask` was asked to do."""

    model: str
    inputs: list[str]
    out_dir: str
    fmt: str = "parquet"
    sources: bool = True
    runtime: str = "torch"
    columns: tuple[str, str, str] = ("id", "text", "sentences")
    batch_size: int = 8192
    partition_size: int = 1000
    retries: int = 2
    jobs: int = 1
    scheduler: str | None = None
    cluster: str = "local"
    cluster_options: list[str] = field(default_factory=list)


def run(job: DaskJob, log=print) -> dict:
    """Tag the corpus; returns the manifest. Everything the user can get wrong is checked
    before a cluster starts."""
    from newsroles.models.base import resolve_model_dir, verify_model_dir
    from newsroles.tagger import model_identity

    try:
        import distributed  # noqa: F401
    except ImportError:
        raise NewsrolesError("--engine dask needs the cluster extra: pip install "
                             "'newsroles[cluster]' (dask[distributed], dask-jobqueue)") from None
    if job.fmt not in ("parquet", "jsonl", "csv"):
        raise NewsrolesError(f"--engine dask writes parquet, jsonl or csv parts, not {job.fmt}")
    if job.partition_size < 1:
        raise NewsrolesError(f"--partition-size must be at least 1, not {job.partition_size}")
    if job.retries < 0:
        raise NewsrolesError(f"--retries must be at least 0, not {job.retries}")
    files = expand_inputs(job.inputs)
    out_dir = check_out_dir(job.out_dir, files)
    settings = None if job.scheduler else cluster_settings(job.cluster, job.cluster_options)
    model_dir = resolve_model_dir(job.model)
    identity = model_identity(model_dir, verify_model_dir(model_dir))
    parts = plan(files, job.partition_size)
    extra = first_fields(parts, job.columns) if job.fmt in ("csv", "parquet") else None
    options = {"model_id": identity["model_id"], "code": tagging_code(identity["model_name"]),
               "fmt": job.fmt, "sources": job.sources,
               "runtime": job.runtime, "columns": list(job.columns),
               "extra": list(extra) if extra is not None else None}
    keys = {p.index: part_key(p, options) for p in parts}

    with _only_writer(out_dir):
        return _tag_parts(job, parts, keys, out_dir, settings, model_dir, identity, extra,
                          options, log)


def tagging_code(model_name: str, package_dir: Path | None = None) -> str:
    """A hash of the source of every newsroles module tagging runs (the stage cache's
    code_hash): a part tagged by other code (an upgrade, an edited rule) is tagged again,
    not mixed with the new parts. The modules tagging imports inside functions are named."""
    from newsroles.models.base import model_module
    from newsroles.pipeline.cache import _PACKAGE_DIR, code_hash

    return code_hash(["newsroles.partitions", "newsroles.tagger", "newsroles.output",
                      "newsroles.attribution", "newsroles.labeling.aggregate",
                      "newsroles.labeling.functions", "newsroles.labeling.parse",
                      model_module(model_name)], package_dir or _PACKAGE_DIR)


def _only_writer(out_dir: Path):
    """A lock on -o for the whole run: a second `tag` into the same folder would plan the
    same parts and race on them, and on its manifest."""
    from filelock import FileLock, Timeout

    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(out_dir / LOCK), timeout=0)
    try:
        return lock.acquire()  # released when the `with` ends
    except Timeout:
        raise NewsrolesError("another newsroles tag is writing to this folder; wait for it "
                             "to end (or give another -o)", out_dir) from None


def _tag_parts(job: DaskJob, parts, keys, out_dir: Path, settings, model_dir, identity,
               extra, options, log) -> dict:
    done = {p.index: r for p in parts if (r := finished(out_dir, p, job.fmt, keys[p.index]))}
    todo = [p for p in parts if p.index not in done]
    if todo:
        # Connected before anything under -o changes: an unreachable cluster changes nothing.
        client, cluster = connect(job.scheduler, settings, job.jobs)
        clear_manifest(out_dir)
        log(f"newsroles: {len(parts)} parts, {len(done)} already done, {len(todo)} to tag")
        try:
            done.update(_submit(client, job, todo, keys, str(model_dir.resolve()), identity,
                                extra, log))
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    else:
        log(f"newsroles: {len(parts)} parts, {len(done)} already done, 0 to tag")
    records = [done[p.index] for p in parts]
    _warn_dropped(records)
    return write_manifest(out_dir, records, job.fmt, identity, options)


def _submit(client, job: DaskJob, todo: list[Partition], keys: dict, model_dir: str,
            identity: dict, extra, log) -> dict[int, dict]:
    from distributed import as_completed

    spec = {"model_dir": model_dir, "model_id": identity["model_id"], "sources": job.sources,
            "runtime": job.runtime, "out_dir": str(Path(job.out_dir).resolve()),
            "fmt": job.fmt, "columns": list(job.columns), "extra": extra,
            "batch_size": job.batch_size}
    retries = job.retries
    records, failures = {}, []
    futures = {client.submit(_run_part, spec, p, keys[p.index], retries=retries, pure=False,
                             key=f"newsroles-{p.name}-{keys[p.index][:12]}"): p
               for p in todo}
    for future in as_completed(futures):
        part = futures[future]
        try:
            records[part.index] = future.result()
        except Exception as e:  # noqa: BLE001 - reported per part, the others go on
            failures.append(f"{part.name} ({part.describe()}) failed after "
                            f"{retries + 1} tries: {_one_line(e)}")
    if failures:
        log(f"newsroles: {len(records)} of {len(todo)} parts tagged and kept; re-run to "
            "finish the rest")
        raise DataProblems(sorted(failures))
    return records


def _one_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _warn_dropped(records: list[dict]) -> None:
    dropped = sorted({f for r in records for f in r.get("dropped_fields", [])})
    if dropped:
        print(f"newsroles: warning: some articles have fields {dropped} that the first "
              "article has not; CSV and Parquet keep the first article's columns (JSON lines "
              "keep every field)", file=sys.stderr)
