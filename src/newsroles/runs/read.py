"""Reading run directories back: one run as a flat record, every run under a root as a
table, a run's metrics, confusion matrix and predictions."""

from __future__ import annotations

import json
from pathlib import Path

from newsroles.runs.rundir import STATUS_FILE, run_state


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
    rec = {"run": path.name, "path": str(path), "status": run_state(status),
           "stage": status.get("stage"), "started": status.get("started"),
           "error": status.get("error")}
    cfg_path = path / "config.yaml"
    if cfg_path.exists():
        cfg = yaml.safe_load(cfg_path.read_text()) or {}
        flat: dict = {}
        for section in ("model", "train", "labeling", "eval", "data"):
            _flatten(section, cfg.get(section, {}), flat)
        flat["seed"] = cfg.get("seed")
        flat["fold"] = cfg.get("fold")
        rec.update({f"cfg.{k}": v for k, v in flat.items() if not isinstance(v, list)})
    overrides = path / ".hydra" / "overrides.yaml"
    if overrides.exists():
        # Where the run went and which subcommand started it are not experiment settings.
        rec["overrides"] = " ".join(
            o for o in yaml.safe_load(overrides.read_text()) or []
            if not o.startswith(("paths.", "stage=", "hydra."))
        )
    search = _read_json(path / "from_search.json")  # `run --from-search`: where from
    if search:
        rec["from_search"] = search.get("sweep")
    metrics = _read_json(path / "metrics.json")
    if metrics:
        rec["macro_f1"] = metrics["macro_f1"]
        rec["macro_f1_lo"], rec["macro_f1_hi"] = metrics["macro_f1_ci"]
        rec["accuracy"] = metrics["accuracy"]
        rec["n_test"] = metrics["n"]
        rec["data"] = metrics.get("data")
        rec["split"] = metrics.get("split")
        for label, scores in metrics["per_class"].items():
            rec[f"f1.{label}"] = scores["f1"]
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
    """A run's predictions.jsonl as a DataFrame; a damaged file is one NewsrolesError."""
    import pandas as pd

    from newsroles.errors import NewsrolesError

    file = Path(path) / "predictions.jsonl"
    try:
        preds = pd.read_json(file, lines=True)
    except ValueError as err:
        raise NewsrolesError(f"unreadable ({str(err).splitlines()[0]})", file) from None
    missing = {"doc_id", "sent_idx", "gold", "pred"} - set(preds.columns)
    if missing:
        raise NewsrolesError(f"no {', '.join(sorted(missing))} in its rows", file)
    return preds


def _matches(value, wanted: str) -> bool:
    if value is None or (isinstance(value, float) and value != value):
        return wanted.lower() in ("null", "none", "")
    if isinstance(value, bool):
        return str(value).lower() == wanted.lower()
    if isinstance(value, (int, float)):
        try:
            return float(value) == float(wanted)
        except ValueError:
            return False
    return str(value) == wanted


def filter_runs(df, where: list[str] | None = None, status: str | None = None):
    """Keep runs whose config matches every KEY=VALUE (KEY as in the config, e.g.
    model.name=linear, train.source=gold, seed=3)."""
    from newsroles.errors import NewsrolesError

    for cond in where or []:
        key, sep, wanted = cond.partition("=")
        if not sep:
            raise NewsrolesError(f"--where {cond!r}: expected KEY=VALUE, e.g. model.name=linear")
        col = key if key in df.columns else f"cfg.{key}"
        if col not in df.columns:
            if df.empty:
                continue
            raise NewsrolesError(f"--where {cond!r}: no config value {key!r} in these runs")
        df = df[[_matches(v, wanted) for v in df[col]]]
    if status:
        df = df[df["status"] == status]
    return df.reset_index(drop=True)


def resolve_run(ref: str | Path, root: str | Path = "runs") -> Path:
    """A run given as a path, or as a run directory name (or unique prefix) under root."""
    from newsroles.errors import NewsrolesError

    path = Path(ref)
    if (path / STATUS_FILE).exists():
        return path
    matches = [p for p in iter_run_dirs(root) if p.name.startswith(str(ref))]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NewsrolesError(f"{ref}: not a run directory (and no run under {root} is named so)")
    raise NewsrolesError(f"{ref}: {len(matches)} runs under {root} start so; give more of the name")


def load_metrics(path: str | Path) -> dict:
    from newsroles.errors import NewsrolesError

    metrics = _read_json(Path(path) / "metrics.json")
    if metrics is None:
        raise NewsrolesError("no metrics.json (the run did not evaluate, or failed)", path)
    return metrics
