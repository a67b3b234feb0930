"""Sweeps (Hydra multirun): one complete run directory per job under one sweep folder,
a summary of the sweep written when it ends, and the best settings of a hyperparameter
search turned into the overrides of one ordinary run (`newsroles run --from-search`).

The summary is a Hydra callback (conf/hydra/default.yaml), so it runs in the launching
process after every job has returned, whatever the launcher (basic, joblib, submitit) or
sweeper (basic, Optuna). The same callback quiets the sweeper's start-up log lines.
"""

from __future__ import annotations

import logging
import shlex
import sys
from dataclasses import dataclass, field
from pathlib import Path

from hydra.experimental.callback import Callback

from newsroles.errors import NewsrolesError

SUMMARY_CSV = "sweep_summary.csv"
RESULTS_YAML = "optimization_results.yaml"  # written by the Optuna sweeper when it ends
FROM_SEARCH_JSON = "from_search.json"  # in a run started with --from-search
HEADLINE = ["job", "overrides", "status", "split", "macro_f1", "macro_f1_lo", "macro_f1_hi",
            "accuracy", "seconds"]
# Overrides that make a trial a trial: dropped when the best settings become a normal run
# (the search's group sets eval.split=dev and the run name; a normal run scores on test).
SEARCH_ONLY = ("hparams_search", "eval.split", "stage")
# Loggers that print at a search's start what a user does not need: alembic's plugin
# set-up (imported with Optuna's storage code), Optuna's "A new study created in memory",
# and the Hydra sweeper's study name, storage, sampler and directions (its best parameters,
# logged at the same level, are printed by SweepSummary instead). Warnings still show, but
# for the sweeper's restatement of a job that newsroles already reported failed.
QUIET_LOGGERS = ("alembic", "optuna", "hydra_plugins.hydra_optuna_sweeper")
SWEEPER_LOGGER = "hydra_plugins.hydra_optuna_sweeper._impl"
SIGNIFICANT_DIGITS = 3


# --- reading a sweep folder ----------------------------------------------------------------


def _yaml(path: Path):
    import yaml

    try:
        return yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError):
        return None


def _hydra_yaml(run_dir: Path) -> dict:
    """The job's saved Hydra config (`.hydra/hydra.yaml`), `{}` if missing or unreadable."""
    saved = _yaml(run_dir / ".hydra" / "hydra.yaml")
    hydra = saved.get("hydra") if isinstance(saved, dict) else None
    return hydra if isinstance(hydra, dict) else {}


def job_number(run_dir: Path) -> int | str:
    """A sweep job's number, as Hydra saved it (older job folders began with it)."""
    num = (_hydra_yaml(run_dir).get("job") or {}).get("num")
    if isinstance(num, int):
        return num
    head = run_dir.name.split("_", 1)[0]
    return int(head) if head.isdigit() else head


def sweep_jobs(sweep_dir: Path) -> list[Path]:
    """The sweep's job run directories (its direct subfolders holding a run)."""
    from newsroles.runs import STATUS_FILE

    return sorted(p for p in sweep_dir.iterdir() if (p / STATUS_FILE).is_file())


def sweep_table(sweep_dir: str | Path):
    """One row per job of a sweep: its overrides, status and headline metrics."""
    import pandas as pd

    from newsroles.runs import iter_run_dirs, load_run

    rows = []
    for run_dir in iter_run_dirs(sweep_dir):
        rec = load_run(run_dir)
        rec["job"] = job_number(run_dir)
        rows.append(rec)
    df = pd.DataFrame(rows)
    if df.empty:
        return pd.DataFrame(columns=HEADLINE)
    df = df.sort_values("job", key=lambda s: s.astype(str).str.zfill(6)).reset_index(drop=True)
    f1 = [c for c in df.columns if c.startswith("f1.")]
    cols = [c for c in HEADLINE if c in df.columns] + f1
    return df[cols]


def write_summary(sweep_dir: str | Path) -> Path | None:
    from newsroles.io import write_text

    sweep_dir = Path(sweep_dir)
    df = sweep_table(sweep_dir)
    if df.empty:
        return None
    write_text(sweep_dir / SUMMARY_CSV, df.to_csv(index=False))
    return sweep_dir / SUMMARY_CSV


# --- from a search to one run ----------------------------------------------------------------


def round_value(value):
    """A searched value as an override shows it: floats to three significant digits
    (0.7316... -> 0.732, 1.2e-05 stays 1.2e-05); ints, booleans and strings unchanged."""
    if isinstance(value, float):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    return value


def override_value(value) -> str:
    """A value written as Hydra's override grammar reads it back."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return repr(value) if isinstance(value, float) else str(value)


def override_key(override: str) -> str:
    """`model.C` of `model.C=1`, `+x=1`, `~x`; `model` of `model=rules`."""
    return override.lstrip("~+").split("=", 1)[0]


@dataclass
class SearchSettings:
    """What `newsroles run --from-search SWEEP` runs: the best trial's settings, rounded, on
    the sweep's own base overrides."""

    sweep: Path
    best_params: dict  # as the sweeper found them, unrounded
    best_value: float
    best_trial: Path | None  # the job that scored best_value (None if it cannot be told)
    finished: bool  # False: the search stopped early; the best finished trial is used
    split: str = "dev"  # the split the trials were scored on
    overrides: list[str] = field(default_factory=list)  # what the run is started with
    extra: list[str] = field(default_factory=list)  # the user's, on top (in overrides too)

    def record(self) -> dict:
        return {"sweep": str(self.sweep.resolve()),
                "best_trial": self.best_trial and self.best_trial.name,
                "best_value": self.best_value, "metric": f"macro_f1 on {self.split}",
                "search_finished": self.finished, "best_params": self.best_params,
                "overrides": self.overrides}


def _saved_overrides(run_dir: Path) -> list[str]:
    saved = _yaml(run_dir / ".hydra" / "overrides.yaml")
    return [str(o) for o in saved] if isinstance(saved, list) else []


def _trial_params(run_dir: Path, keys) -> dict:
    """The searched settings of one trial, from its overrides, read by Hydra's own
    override parser (YAML would read the sweeper's `2.4e-05` as a string)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser
    from hydra.errors import HydraException

    parser = OverridesParser.create()
    params = {}
    for o in _saved_overrides(run_dir):
        if override_key(o) not in keys:
            continue
        try:
            params[override_key(o)] = parser.parse_override(o).value()
        except HydraException:
            continue
    return params


def _trial_value(run_dir: Path) -> float | None:
    """A finished trial's score (what the sweeper optimised: tasks.metric)."""
    import json

    from newsroles.runs import STATUS_FILE

    try:
        status = json.loads((run_dir / STATUS_FILE).read_text())
        if status.get("status") != "completed":
            return None
        return json.loads((run_dir / "metrics.json").read_text())["macro_f1"]
    except (OSError, ValueError, KeyError):
        return None


def _scored_split(trial: Path | None) -> str:
    """The split a trial was scored on (the search files say dev)."""
    import json

    try:
        return json.loads((trial / "metrics.json").read_text())["split"]
    except (TypeError, OSError, ValueError, KeyError):
        return "dev"


def _check_is_search(sweep_dir: Path, jobs: list[Path]) -> dict:
    """The sweep's Hydra config, if the folder is an Optuna search; else a one-line error."""
    from newsroles.runs import STATUS_FILE

    if not sweep_dir.is_dir():
        raise NewsrolesError("not a sweep folder (no such folder)", sweep_dir)
    if (sweep_dir / STATUS_FILE).exists():
        raise NewsrolesError("a run directory, not a sweep folder (give the folder that holds "
                             "the search's trials)", sweep_dir)
    if not jobs:
        raise NewsrolesError("not a sweep folder (no job run directories in it; a search is "
                             "made by `newsroles run -m hparams_search=NAME`)", sweep_dir)
    hydra = _hydra_yaml(jobs[0])
    if not hydra:
        raise NewsrolesError(f"not a sweep folder ({jobs[0].name} has no .hydra/hydra.yaml: "
                             "its runs were not made by a Hydra sweep)", sweep_dir)
    sweeper = str((hydra.get("sweeper") or {}).get("_target_", ""))
    if "optuna" not in sweeper.lower():
        raise NewsrolesError(
            "a plain sweep (-m KEY=A,B with Hydra's basic sweeper), not a hyperparameter "
            "search: it has no best settings; --from-search reads a folder made by "
            "`newsroles run -m hparams_search=NAME`", sweep_dir)
    if not isinstance(hydra["sweeper"].get("direction"), str):
        raise NewsrolesError("a multi-objective search (several directions): there is no "
                             "single best trial to run", sweep_dir)
    return hydra


def _best(sweep_dir: Path, jobs: list[Path], hydra: dict):
    """(best params, best value, best trial or None, whether the search finished)."""
    results = _yaml(sweep_dir / RESULTS_YAML)
    searched = set(hydra["sweeper"].get("params") or {})
    if isinstance(results, dict) and isinstance(results.get("best_params"), dict) \
            and isinstance(results.get("best_value"), (int, float)):
        params = results["best_params"]
        matching = [j for j in jobs if _trial_params(j, params) == params]
        return params, results["best_value"], (matching[0] if matching else None), True
    scored = [(v, j) for j in jobs if (v := _trial_value(j)) is not None]
    if not scored:
        raise NewsrolesError(f"no finished trials ({len(jobs)} job(s), none completed with a "
                             "score); nothing to run", sweep_dir)
    pick = min if hydra["sweeper"]["direction"].lower().startswith("min") else max
    value, trial = pick(scored, key=lambda vj: vj[0])
    return _trial_params(trial, searched), value, trial, False


def _search_groups(conf: Path, hydra: dict) -> list[str]:
    """Config groups the search's own file chose (`override /model: rules`): dropping
    `hparams_search=` drops those choices too, so they come back as overrides, with the
    choice the trials ran."""
    choices = (hydra.get("runtime") or {}).get("choices") or {}
    name = choices.get("hparams_search")
    search_file = _yaml(conf / "hparams_search" / f"{name}.yaml") if name else None
    entries = (search_file or {}).get("defaults") if isinstance(search_file, dict) else None
    groups = []
    for entry in entries or []:
        for key in entry if isinstance(entry, dict) else []:
            group = str(key).removeprefix("override").strip().lstrip("/")
            if group in choices and not group.startswith("hydra"):
                groups.append(f"{group}={override_value(choices[group])}")
    return groups


def search_settings(sweep_dir: str | Path, conf: Path, extra: list[str] = ()) -> SearchSettings:
    """The overrides of one normal run with the best settings of the search in
    `sweep_dir`: the sweep's base overrides (data, model, ...) without the search-only
    ones, the best values rounded, then `extra` on top (a key in `extra` replaces it)."""
    sweep_dir = Path(sweep_dir)
    jobs = sweep_jobs(sweep_dir) if sweep_dir.is_dir() else []
    hydra = _check_is_search(sweep_dir, jobs)
    params, value, trial, finished = _best(sweep_dir, jobs, hydra)
    base = [o for o in _saved_overrides(trial or jobs[0])
            if override_key(o) not in {*SEARCH_ONLY, *params}]
    base_keys = {override_key(o) for o in base}
    groups = [g for g in _search_groups(conf, hydra) if override_key(g) not in base_keys]
    best = [f"{k}={override_value(round_value(v))}" for k, v in params.items()]
    replaced = {override_key(o) for o in extra}
    overrides = [o for o in [*groups, *base, *best] if override_key(o) not in replaced]
    return SearchSettings(sweep_dir, params, value, trial, finished, _scored_split(trial),
                          [*overrides, *extra], list(extra))


def config_differences(conf: Path, settings: SearchSettings) -> list[str]:
    """Where the final run's config differs from the best trial's beyond what should:
    the split scored, the run name and the rounded searched values (e.g. a default that
    changed since the search)."""
    from hydra.errors import HydraException
    from omegaconf.errors import OmegaConfBaseException

    from newsroles.reproduce import config_drift

    if settings.best_trial is None or not (settings.best_trial / "config.yaml").exists():
        return []
    given = [override_key(o) for o in settings.extra]  # the user's own changes
    expected = ("eval.split:", "run_name:", *(f"{k}:" for k in settings.best_params),
                *(f"{k}:" for k in given), *(f"{k}." for k in given))
    try:
        drift = config_drift(conf, settings.best_trial, [*settings.overrides, "stage=run"])
    except (HydraException, OmegaConfBaseException, ValueError):
        return []  # a bad or sweeping override: the run's own check says what is wrong
    return [d for d in drift if not d.startswith(expected)]


def describe(settings: SearchSettings) -> str:
    """Two lines for the terminal: where the settings come from, and the command run."""
    trial = settings.best_trial.name if settings.best_trial else "a trial"
    state = "" if settings.finished else " (the search did not finish: best finished trial)"
    return (f"settings from the search {settings.sweep}: {trial}, {settings.split} macro-F1 "
            f"{settings.best_value:.3f}{state}\n"
            f"running: {shlex.join(['newsroles', 'run', *settings.overrides])}")


def record_search(run_dir: Path, settings: SearchSettings) -> None:
    """Say in the run where its settings came from (`runs show` prints it)."""
    from newsroles.io import write_json

    write_json(Path(run_dir) / FROM_SEARCH_JSON, settings.record())


# --- the callback ----------------------------------------------------------------------------


def _not_a_failed_job(record: logging.LogRecord) -> bool:
    """False for the sweeper's two lines about a trial that returned None ("must be
    float-castable. Got 'None'"): that trial failed in newsroles, which said why in one
    line (`newsroles: job N failed: ...`)."""
    return "Got 'None'" not in record.getMessage()


def quiet_sweeper_logs() -> None:
    """Warnings and errors only from the loggers in QUIET_LOGGERS, less the sweeper's
    restatement of a failed job. Optuna resets its own level when it is imported, so it is
    imported here first (it is the sweeper's next import anyway) and then set."""
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    sweeper = logging.getLogger(SWEEPER_LOGGER)
    if _not_a_failed_job not in sweeper.filters:
        sweeper.addFilter(_not_a_failed_job)
    try:
        import optuna
    except ImportError:
        return
    optuna.logging.set_verbosity(optuna.logging.WARNING)


class SweepSummary(Callback):
    """Quiets the sweeper's start; when the sweep ends, writes sweep_summary.csv into the
    sweep folder and prints the table (and a search's best settings)."""

    def on_multirun_start(self, config, **kwargs) -> None:
        if "optuna" in str(config.hydra.sweeper.get("_target_", "")).lower():
            quiet_sweeper_logs()

    def on_multirun_end(self, config, **kwargs) -> None:
        sweep_dir = Path(config.hydra.sweep.dir)
        path = write_summary(sweep_dir)
        if path is None:
            return
        from rich.console import Console

        from newsroles.runs import rich_table

        df = sweep_table(sweep_dir)
        cols = ["job", "overrides", "status", "macro_f1", "macro_f1_lo", "macro_f1_hi",
                "accuracy", "seconds"]
        console = Console(file=sys.stderr, width=None if sys.stderr.isatty() else 160)
        console.print(rich_table(df, cols, title=f"sweep {sweep_dir.name}"))
        print(f"sweep summary: {path}", file=sys.stderr)
        line = best_line(sweep_dir, df)
        if line:
            print(line, file=sys.stderr)


def best_line(sweep_dir: Path, table) -> str | None:
    """A finished search's best settings, rounded, and the command that scores them."""
    results = _yaml(sweep_dir / RESULTS_YAML)
    if not (isinstance(results, dict) and isinstance(results.get("best_params"), dict)):
        return None
    best = " ".join(f"{k}={override_value(round_value(v))}"
                    for k, v in results["best_params"].items())
    splits = table["split"].dropna() if "split" in table else []
    split = splits.iloc[0] if len(splits) else "dev"
    return (f"best on {split}: {best} (macro-F1 {results['best_value']:.3f}); train it and "
            f"score on test: newsroles run --from-search {shlex.quote(str(sweep_dir))}")
