"""The run lifecycle around every task, in the manner of lightning-hydra-template's
`task_wrapper`: one place that starts a run directory, runs the pipeline, marks the run
completed or failed (a user error, a crash, or a signal: SIGTERM from Slurm or `kill`,
SIGHUP from a closed terminal, SIGINT from Ctrl-C), logs it to the tracker and returns the
metric a sweeper optimises. The CLI and the tests call the same `run_task`.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
from pathlib import Path

from newsroles.config import check_config
from newsroles.datacheck import check_data
from newsroles.errors import NewsrolesError
from newsroles.io import write_text
from newsroles.pipeline.run import TARGETS, resolved_config_yaml, run_pipeline
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


def run_task(cfg, task: str, run_dir: Path, overrides: list[str], root: Path) -> float | None:
    """Run `task` (run, prepare, label, train, evaluate) into a new run directory.

    Returns the metric; re-raises what stopped it (NewsrolesError, Stopped, a crash) after
    marking the run failed with the reason."""
    run = RunDir(run_dir)
    with signals_raise():
        run.start(task, overrides, root)
        try:
            # The CLI checked these already for a single run; a sweep job is checked here.
            check_config(cfg)
            check_data(cfg, task)
            write_text(run_dir / "config.yaml", resolved_config_yaml(cfg))
            timings = run_pipeline(cfg, run_dir, TARGETS[task])
        except NewsrolesError as e:
            run.fail(str(e))
            log_run(run_dir, cfg, "failed")
            raise
        except Stopped as e:
            run.fail(str(e), signal=signal.Signals(e.signum).name)
            raise
        except KeyboardInterrupt:
            run.fail("interrupted (KeyboardInterrupt)", signal="SIGINT")
            raise
        except BaseException as e:
            run.fail(f"{type(e).__name__}: {e}")
            raise
        run.finish(seconds={k: v["seconds"] for k, v in timings.items()},
                   cached={k: v["cached"] for k, v in timings.items()})
    log_run(run_dir, cfg, "completed")
    return metric(run_dir)
