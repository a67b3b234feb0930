"""Hydra tasks (`run`, `prepare`, ... with overrides), `run --from-search`, `rerun`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from newsroles.cli.common import fail
from newsroles.errors import NewsrolesError


def task_main(task: str, args: list[str], before_job=None) -> list[Path]:
    """Run a Hydra task; returns the run directories it made. `before_job(run_dir)`, if
    given, runs as each job starts."""
    import hydra

    from newsroles.project import check_overrides, implied_overrides, register

    conf = register()
    multirun = any(a in ("-m", "--multirun") for a in args)
    overrides = [a for a in args if not a.startswith("-")]
    implied, note = implied_overrides(overrides)
    args, overrides = [*args, *implied], [*overrides, *implied]
    if not multirun and not any(a.startswith(("--cfg", "-c", "--help", "-h", "--info")) for a in args):
        check_overrides([*overrides, f"stage={task}"])
    if note:
        print(note, file=sys.stderr)
    from newsroles import ranks

    if ranks.current().distributed:  # torchrun: rank 0 makes the run, the others train
        if multirun:
            raise NewsrolesError("a sweep (-m) under torchrun is not supported: start one "
                                 "torchrun per job")
        if not ranks.current().main:
            from newsroles.tasks import follow_task

            follow_task(task, overrides)
            return []

    made: list[Path] = []

    @hydra.main(config_path=str(conf), config_name="config", version_base="1.3")
    def _job(cfg) -> float | None:
        from hydra.core.hydra_config import HydraConfig

        made.append(Path(HydraConfig.get().runtime.output_dir))
        if before_job is not None:
            before_job(made[-1])
        return _hydra_job(cfg, task)

    sys.argv = [f"newsroles {task}", *args, f"stage={task}"]
    _job()
    return made


def _hydra_job(cfg, task: str) -> float | None:
    """One Hydra job: the task wrapper, with its outcome said on the command line."""
    from hydra.core.hydra_config import HydraConfig
    from hydra.types import RunMode
    from omegaconf import OmegaConf

    from newsroles.pipeline.run import summary_line
    from newsroles.project import project_root
    from newsroles.tasks import Stopped, run_task

    hc = HydraConfig.get()
    run_dir = Path(hc.runtime.output_dir)
    overrides = [o for o in OmegaConf.to_container(hc.overrides.task) if not o.startswith("stage=")]
    try:
        value = run_task(cfg, task, run_dir, overrides, project_root())
    except NewsrolesError as e:
        if hc.mode == RunMode.MULTIRUN:
            print(f"newsroles: job {hc.job.num} failed: {str(e).replace(chr(10), '; ')}",
                  file=sys.stderr)
            return None
        from newsroles.errors import error_lines

        print("\n".join(error_lines(e)), file=sys.stderr)
        print(f"newsroles: run marked failed: {run_dir}", file=sys.stderr)
        raise SystemExit(2) from None
    except Stopped as e:
        print(f"newsroles: {e}; run marked failed: {run_dir}", file=sys.stderr)
        raise SystemExit(e.exit_code) from None
    line = summary_line(run_dir)
    if line:
        print(line)
    print(run_dir, flush=True)
    return value


# --- run --from-search ------------------------------------------------------------------


def from_search_wanted(args: list[str]) -> bool:
    return any(a == "--from-search" or a.startswith("--from-search=") for a in args)


def run_from_search(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="newsroles run",
        description="Train the best settings of a hyperparameter search (rounded to three "
                    "significant digits) on the search's own data and model, and score them "
                    "on test like any run.")
    parser.add_argument("--from-search", required=True, metavar="SWEEP_DIR",
                        help="the sweep folder of `newsroles run -m hparams_search=NAME`")
    args, rest = parser.parse_known_args(argv)
    from newsroles import sweeps
    from newsroles.project import register

    conf = register()
    # key=value, +key=value, ~key: overrides; the rest (-m, --cfg job, ...) goes on to
    # Hydra in its order, a flag's value after its flag.
    is_override = [not a.startswith("-") and ("=" in a or a.startswith("~")) for a in rest]
    flags = [a for a, o in zip(rest, is_override) if not o]
    settings = sweeps.search_settings(args.from_search, conf,
                                      [a for a, o in zip(rest, is_override) if o])
    print(sweeps.describe(settings), file=sys.stderr)
    for line in sweeps.config_differences(conf, settings)[:5]:
        print(f"newsroles: warning: differs from the best trial: {line}", file=sys.stderr)
    task_main("run", [*flags, *settings.overrides],
               before_job=lambda run_dir: sweeps.record_search(run_dir, settings))


# --- rerun --------------------------------------------------------------------------------


def rerun(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="newsroles rerun",
        description="Re-create a run from its saved overrides; checks that today's configs "
                    "compose to the saved config, and compares the metrics afterwards.")
    parser.add_argument("run", help="a run directory")
    parser.add_argument("overrides", nargs="*",
                        help="extra overrides (e.g. paths.runs=/tmp/x); model settings here "
                             "make the config differ, which --allow-drift permits")
    parser.add_argument("--allow-drift", action="store_true",
                        help="run even if the composed config differs from the saved one")
    parser.add_argument("--cached", action="store_true",
                        help="reuse cached stage outputs (default: recompute every stage in "
                             "a fresh cache, so the comparison means something)")
    args = parser.parse_args(argv)
    import tempfile

    from newsroles import reproduce
    from newsroles.project import register

    run_dir = Path(args.run)
    stage, overrides = reproduce.saved_overrides(run_dir)
    overrides = [*overrides, *args.overrides]
    conf = register()
    drift = reproduce.config_drift(conf, run_dir, [*overrides, f"stage={stage}"])
    if drift:
        shown = "; ".join(drift[:5]) + (f"; and {len(drift) - 5} more" if len(drift) > 5 else "")
        if not args.allow_drift:
            fail(f"{run_dir}: today's configs no longer compose to the saved one ({shown}); "
                  "--allow-drift runs it anyway")
        print(f"newsroles: warning: config differs from the saved one: {shown}", file=sys.stderr)
    with tempfile.TemporaryDirectory(prefix="newsroles-rerun-") as fresh:
        extra = [] if args.cached else [f"paths.cache={fresh}"]
        made = task_main(stage, [*overrides, *extra])
    if made:
        print(reproduce.describe_match(run_dir, made[0]))
