"""The run lifecycle around every task, in the manner of lightning-hydra-template's
`task_wrapper`: one place that starts a run directory, runs the pipeline, marks the run
completed or failed (a user error, a crash, or a signal: SIGTERM from Slurm or `kill`,
SIGHUP from a closed terminal, SIGINT from Ctrl-C), logs it to the tracker and returns the
metric a sweeper optimises. The CLI and the tests call the same `run_task`.

Under torchrun (or accelerate launch) rank 0 runs `run_task`, and the other ranks
`follow_task`: they train with rank 0 and write nothing (see ranks.py). A rank that fails
exits non-zero, torchrun stops the others, and rank 0's run is marked failed.
"""

from __future__ import annotations

import contextlib
import json
import signal
import sys
import threading
from pathlib import Path

from newsroles import ranks
from newsroles.config import check_config
from newsroles.datacheck import check_data
from newsroles.errors import NewsrolesError
from newsroles.io import write_text
from newsroles.pipeline.run import (
    TARGETS,
    follow_stages,
    resolved_config_yaml,
    run_pipeline,
)
from newsroles.runs import RunDir
from newsroles.tracking import log_run

CAUGHT_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopped(BaseException):
    """The process was sent a signal; the run is marked failed before it exits."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"stopped by {signal.Signals(signum).name}")

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


@contextlib.contextmanager
def signals_raise():
    """Turn the caught signals into Stopped inside the block (main thread only: Python
    delivers signals there; worker threads of a launcher keep the default handling)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Stopped(signum)

    previous = {s: signal.signal(s, handler) for s in CAUGHT_SIGNALS}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def metric(run_dir: Path) -> float | None:
    """What a sweeper (Optuna) optimises: the run's macro-F1, if it evaluated."""
    metrics = run_dir / "metrics.json"
    if metrics.exists():
        return json.loads(metrics.read_text())["macro_f1"]
    return None


# Under torchrun, what stops rank 0 is often another rank's failure (torchrun then sends
# SIGTERM to the rest, or their collectives lose a peer); that rank's error is in its output.
_OTHER_RANK = " (one of several torchrun ranks: if another rank failed, its error is in " \
              "torchrun's output)"


def _world() -> dict:
    """For status.json of a run made by several processes: how many (else nothing)."""
    world_size = ranks.current().world_size
    return {"world_size": world_size} if world_size > 1 else {}


def run_task(cfg, task: str, run_dir: Path, overrides: list[str], root: Path) -> float | None:
    """Run `task` (run, prepare, label, train, evaluate) into a new run directory.

    Returns the metric; re-raises what stopped it (NewsrolesError, Stopped, a crash) after
    marking the run failed with the reason."""
    run = RunDir(run_dir)
    world = _world()
    with signals_raise():
        run.start(task, overrides, root)
        try:
            # The CLI checked these already for a single run; a sweep job is checked here.
            check_config(cfg)
            check_data(cfg, task)
            write_text(run_dir / "config.yaml", resolved_config_yaml(cfg))
            timings = run_pipeline(cfg, run_dir, TARGETS[task])
        except NewsrolesError as e:
            run.fail(str(e), **world)
            log_run(run_dir, cfg, "failed")
            raise
        except Stopped as e:
            run.fail(str(e) + _OTHER_RANK if world else str(e),
                     signal=signal.Signals(e.signum).name, **world)
            raise
        except KeyboardInterrupt:
            run.fail("interrupted (KeyboardInterrupt)", signal="SIGINT", **world)
            raise
        except BaseException as e:
            run.fail(f"{type(e).__name__}: {e}" + (_OTHER_RANK if world else ""), **world)
            raise
        run.finish(seconds={k: v["seconds"] for k, v in timings.items()},
                   cached={k: v["cached"] for k, v in timings.items()}, **world)
    log_run(run_dir, cfg, "completed")
    return metric(run_dir)


def follow_task(task: str, overrides: list[str]) -> None:
    """A non-zero rank of a torchrun job: compose the same config as rank 0 (Hydra's compose,
    so no run directory or log file is made), train with rank 0, write nothing. Its error is
    one line naming its rank; a signal exits with 128 + its number."""
    from newsroles.project import compose

    rank = ranks.current()
    with signals_raise():
        try:
            cfg = compose([*overrides, f"stage={task}"])
            check_config(cfg)
            if not follow_stages(cfg, TARGETS[task]):
                print(f"newsroles: rank {rank.rank} of {rank.world_size}: nothing to train "
                      f"here (model={cfg.model.name} trains on rank 0 alone, or rank 0 has "
                      "the model in its cache); rank 0 runs the task", file=sys.stderr)
        except NewsrolesError as e:
            raise NewsrolesError(f"rank {rank.rank} of {rank.world_size}: {e}") from None
        except Stopped as e:
            raise SystemExit(e.exit_code) from None
