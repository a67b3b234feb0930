"""Re-creating a run from its run directory, and checking that it reproduced.

A run directory saves the overrides it was started with (.hydra/overrides.yaml) and the
fully resolved config (config.yaml). `newsroles rerun RUN` composes today's conf/ with the
saved overrides, refuses if that no longer gives the saved config (someone changed a
default since), runs it, and compares the new metrics with the old.
"""

from __future__ import annotations

import json
from pathlib import Path

from newsroles.errors import NewsrolesError

# Settings that say where and when, not what: they may differ between the two runs.
NOT_COMPARED = ("paths.", "stage", "hydra.")


def saved_overrides(run_dir: Path) -> tuple[str, list[str]]:
    """(stage, overrides) the run was started with."""
    import yaml

    status = run_dir / "status.json"
    hydra_overrides = run_dir / ".hydra" / "overrides.yaml"
    environment = run_dir / "environment.json"
    if not status.exists() or not (hydra_overrides.exists() or environment.exists()):
        raise NewsrolesError("not a run directory (no status.json, or no saved overrides)",
                             run_dir)
    if not (run_dir / "config.yaml").exists():
        raise NewsrolesError("no config.yaml: the run failed before its config was saved",
                             run_dir)
    stage = json.loads(status.read_text()).get("stage") or "run"
    if hydra_overrides.exists():
        saved = yaml.safe_load(hydra_overrides.read_text()) or []
    else:  # a run started from Python records its overrides with its environment
        saved = json.loads(environment.read_text()).get("overrides") or []
    return stage, [o for o in saved if not o.startswith(("stage=", "hydra/", "hydra."))]


def _flat(obj, prefix="", out=None) -> dict:
    out = {} if out is None else out
    if isinstance(obj, dict):
        for k, v in obj.items():
            _flat(v, f"{prefix}.{k}" if prefix else str(k), out)
    else:
        out[prefix] = obj
    return out


def config_drift(conf: Path, run_dir: Path, overrides: list[str]) -> list[str]:
    """Keys whose value differs between the saved config and today's composition."""
    import yaml
    from hydra import compose, initialize_config_dir
    from omegaconf import OmegaConf

    saved = _flat(yaml.safe_load((run_dir / "config.yaml").read_text()) or {})
    with initialize_config_dir(config_dir=str(conf), version_base="1.3"):
        cfg = compose("config", overrides=overrides)
    now = _flat(OmegaConf.to_container(cfg, resolve=True, enum_to_str=True))
    diffs = []
    for key in sorted(set(saved) | set(now)):
        if key.startswith(NOT_COMPARED):
            continue
        if saved.get(key, "<absent>") != now.get(key, "<absent>"):
            diffs.append(f"{key}: {saved.get(key, '<absent>')!r} -> {now.get(key, '<absent>')!r}")
    return diffs


def describe_match(old: Path, new: Path) -> str:
    """One line: did the new run reproduce the old run's metrics?"""
    a, b = old / "metrics.json", new / "metrics.json"
    if not a.exists() or not b.exists():
        return f"reproduced: no metrics to compare ({old.name} / {new.name})"
    ma, mb = json.loads(a.read_text()), json.loads(b.read_text())
    keys = ["macro_f1", "accuracy", "macro_f1_ci", "per_class", "confusion_matrix"]
    same = all(ma.get(k) == mb.get(k) for k in keys)
    if same:
        return f"reproduced exactly: macro-F1 {mb['macro_f1']:.4f} as in {old.name}"
    return (f"not identical: macro-F1 {ma['macro_f1']:.4f} in {old.name}, "
            f"{mb['macro_f1']:.4f} now (a model with random or threaded training differs "
            "between runs; the linear and rules models should not)")
