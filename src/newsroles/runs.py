"""Run directories: their lifecycle (status, environment, atomic writes) and reading them
back as tables for the CLI and the notebooks."""

from __future__ import annotations

import datetime as _dt
import json
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from newsroles import LABELS, __version__
from newsroles.schema import write_json

STATUS_FILE = "status.json"
TRACKED_PACKAGES = (
    "newsroles", "scikit-learn", "numpy", "scipy", "pandas", "datasets", "pyarrow",
    "hydra-core", "omegaconf", "syntok", "matplotlib", "torch", "transformers",
)


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def git_state(repo: Path) -> dict:
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(repo), *args], capture_output=True, text=True, timeout=10
        )

    try:
        head = git("rev-parse", "HEAD")
        if head.returncode != 0:
            return {"commit": None, "dirty": None}
        dirty = git("status", "--porcelain", "--untracked-files=no").stdout.strip() != ""
        return {"commit": head.stdout.strip(), "dirty": dirty}
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}


def package_versions() -> dict:
    versions = {}
    for name in TRACKED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


class RunDir:
    """One run's directory. Created once; never reused for another run."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def start(self, stage: str, overrides: list[str], repo: Path) -> None:
        if (self.path / STATUS_FILE).exists():
            raise FileExistsError(f"{self.path} already holds a run")
        self.path.mkdir(parents=True, exist_ok=True)
        self._status = {"status": "running", "stage": stage, "started": _now()}
        write_json(self.path / STATUS_FILE, self._status)
        write_json(
            self.path / "environment.json",
            {
                "newsroles": __version__,
                "python": sys.version.split()[0],
                "platform": platform.platform(),
                "git": git_state(repo),
                "packages": package_versions(),
                "argv": sys.argv,
                "overrides": overrides,
            },
        )

    def finish(self, **extra) -> None:
        self._status.update(status="completed", finished=_now(), **extra)
        write_json(self.path / STATUS_FILE, self._status)

    def fail(self, error: str, **extra) -> None:
        self._status.update(status="failed", finished=_now(), error=error, **extra)
        write_json(self.path / STATUS_FILE, self._status)


# --- reading runs back -------------------------------------------------------------------


def _read_json(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def iter_run_dirs(root: str | Path):
    """Every run directory under root (any depth), skipping the cache."""
    root = Path(root)
    if not root.exists():
        return
    for status in sorted(root.rglob(STATUS_FILE)):
        if any(part.startswith(".") for part in status.relative_to(root).parts[:-1]):
            continue
        yield status.parent


def _flatten(prefix: str, obj, out: dict) -> None:
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flatten(f"{prefix}.{k}" if prefix else k, v, out)
    else:
        out[prefix] = obj


def load_run(path: str | Path) -> dict:
    """One run as a flat record: status, key config values, headline and per-class metrics."""
    import yaml

    path = Path(path)
    status = _read_json(path / STATUS_FILE) or {}
    rec = {"run": path.name, "path": str(path), "status": status.get("status"),
           "stage": status.get("stage"), "started": status.get("started"),
           "error": status.get("error")}
    cfg_path = path / "config.yaml"
    if cfg_path.exists():
        cfg = yaml.safe_load(cfg_path.read_text()) or {}
        flat: dict = {}
        for section in ("model", "train", "labeling", "eval", "data"):
            _flatten(section, cfg.get(section, {}), flat)
        flat["seed"] = cfg.get("seed")
        rec.update({f"cfg.{k}": v for k, v in flat.items() if not isinstance(v, list)})
    overrides = path / ".hydra" / "overrides.yaml"
    if overrides.exists():
        rec["overrides"] = " ".join(yaml.safe_load(overrides.read_text()) or [])
    metrics = _read_json(path / "metrics.json")
    if metrics:
        rec["macro_f1"] = metrics["macro_f1"]
        rec["macro_f1_lo"], rec["macro_f1_hi"] = metrics["macro_f1_ci"]
        rec["accuracy"] = metrics["accuracy"]
        rec["n_test"] = metrics["n"]
        for label in LABELS:
            rec[f"f1.{label}"] = metrics["per_class"][label]["f1"]
    timings = _read_json(path / "timings.json")
    if timings:
        rec["seconds"] = round(sum(t["seconds"] for t in timings.values()), 3)
    return rec


def load_runs(root: str | Path = "runs"):
    """Every run under `root` as a pandas DataFrame, newest first."""
    import pandas as pd

    df = pd.DataFrame([load_run(p) for p in iter_run_dirs(root)])
    if not df.empty:
        df = df.sort_values("started", ascending=False, na_position="last").reset_index(drop=True)
    return df


def load_confusion(path: str | Path):
    """A run's confusion matrix as a labelled DataFrame (rows gold, columns predicted)."""
    import pandas as pd

    cm = _read_json(Path(path) / "confusion_matrix.json")
    if cm is None:
        return None
    return pd.DataFrame(cm["rows_gold_cols_pred"], index=cm["labels"], columns=cm["labels"])


def load_predictions(path: str | Path):
    import pandas as pd

    return pd.read_json(Path(path) / "predictions.jsonl", lines=True)
