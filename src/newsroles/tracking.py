"""Optional experiment tracking (logger=mlflow): a finished run directory is copied into
MLflow as params, metrics, the confusion matrix and the model folder.

The run directory is the source of truth; MLflow is a view of it. A logging failure is a
warning and never fails or loses the run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from omegaconf import OmegaConf

# MLflow refuses param values longer than this.
MAX_PARAM_CHARS = 6000


def _flat_params(cfg) -> dict[str, str]:
    out: dict[str, str] = {}

    def walk(prefix, obj):
        if isinstance(obj, dict):
            for k, v in obj.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        else:
            out[prefix] = str(obj)[:MAX_PARAM_CHARS]

    container = OmegaConf.to_container(cfg, resolve=True, enum_to_str=True)
    for section in ("model", "train", "labeling", "eval", "data"):
        walk(section, container.get(section, {}))
    for key in ("seed", "fold", "folds", "run_name"):
        out[key] = str(container.get(key))
    return out


def _sqlite_uri(uri: str) -> str:
    """sqlite:///relative/path -> an absolute path, so the store does not depend on cwd."""
    prefix = "sqlite:///"
    if uri.startswith(prefix) and not uri.startswith(prefix + "/"):
        path = Path(uri[len(prefix):]).resolve()
        path.parent.mkdir(parents=True, exist_ok=True)
        return prefix + str(path)
    return uri


def log_to_mlflow(run_dir: Path, cfg, status: str) -> str:
    """Log one run; returns the MLflow run id."""
    import logging

    import mlflow
    from mlflow.tracking import MlflowClient

    for name in ("mlflow", "alembic"):  # schema migrations log at INFO on a new store
        logging.getLogger(name).setLevel(logging.WARNING)

    log_cfg = cfg.logger
    uri = _sqlite_uri(str(log_cfg.tracking_uri))
    client = MlflowClient(tracking_uri=uri)
    experiment = client.get_experiment_by_name(log_cfg.experiment)
    if experiment is None:
        root = Path(str(log_cfg.artifact_root)).resolve()
        root.mkdir(parents=True, exist_ok=True)
        experiment_id = client.create_experiment(log_cfg.experiment,
                                                 artifact_location=root.as_uri())
    else:
        experiment_id = experiment.experiment_id
    tags = {"run_dir": str(run_dir.resolve()), "newsroles.status": status,
            "model": str(cfg.model.name), "data": str(cfg.data.name)}
    run = client.create_run(experiment_id, run_name=run_dir.name, tags=tags)
    rid = run.info.run_id
    from mlflow.entities import Metric, Param

    params = [Param(k, v) for k, v in _flat_params(cfg).items()]
    metrics = []
    m_path = run_dir / "metrics.json"
    if m_path.exists():
        m = json.loads(m_path.read_text())
        values = {"macro_f1": m["macro_f1"], "accuracy": m["accuracy"],
                  "macro_f1_lo": m["macro_f1_ci"][0], "macro_f1_hi": m["macro_f1_ci"][1]}
        for label, s in m["per_class"].items():
            for k in ("precision", "recall", "f1"):
                values[f"{k}.{label}"] = s[k]
        if "coarse" in m:
            values["coarse.accuracy"] = m["coarse"]["accuracy"]
            values["coarse.macro_f1"] = m["coarse"]["macro_f1"]
        t = mlflow.utils.time.get_current_time_millis()
        metrics = [Metric(k, float(v), t, 0) for k, v in values.items() if v == v]
    timings = run_dir / "timings.json"
    if timings.exists():
        t = mlflow.utils.time.get_current_time_millis()
        metrics += [Metric(f"seconds.{k}", float(v["seconds"]), t, 0)
                    for k, v in json.loads(timings.read_text()).items()]
    # Batches of at most 100 params (MLflow's limit per call).
    for i in range(0, max(len(params), 1), 100):
        client.log_batch(rid, metrics=metrics if i == 0 else [], params=params[i:i + 100])
    for name in ("metrics.json", "confusion_matrix.json", "confusion_matrix.png", "config.yaml"):
        if (run_dir / name).exists():
            client.log_artifact(rid, str(run_dir / name))
    if log_cfg.log_model and (run_dir / "model").is_dir():
        client.log_artifacts(rid, str(run_dir / "model"), artifact_path="model")
    client.set_terminated(rid, status="FINISHED" if status == "completed" else "FAILED")
    return rid


def log_run(run_dir: Path, cfg, status: str) -> None:
    """Log to the configured tracker, if any; a failure is one warning line."""
    if cfg.get("logger") is None:
        return
    name = cfg.logger.get("name")
    if name != "mlflow":
        print(f"newsroles: warning: logger {name!r} is unknown; nothing logged", file=sys.stderr)
        return
    try:
        rid = log_to_mlflow(run_dir, cfg, status)
    except ImportError:
        print("newsroles: warning: logger=mlflow needs mlflow (pip install 'newsroles[mlflow]'); "
              "nothing logged", file=sys.stderr)
    except Exception as e:  # noqa: BLE001 - tracking must never lose the run
        print(f"newsroles: warning: MLflow logging failed ({type(e).__name__}: {e}); the run "
              f"directory is complete", file=sys.stderr)
    else:
        print(f"logged to MLflow: run {rid} ({cfg.logger.tracking_uri})", file=sys.stderr)
