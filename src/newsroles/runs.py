"""Run directories: their lifecycle (status, environment, atomic writes) and reading them
back as tables for the CLI and the notebooks."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import socket
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from newsroles import __version__
from newsroles.io import write_json

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


def process_start(pid: int) -> int | None:
    """When process `pid` started (clock ticks since boot, from /proc), or None if it does
    not exist or this system has no /proc: with the pid it names one process, even after
    the pid is reused."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[19])


def process_alive(host: str | None, pid: int | None, started: int | None) -> bool | None:
    """Is the process that wrote a status file still running? None: cannot tell (another
    machine, or no pid recorded)."""
    if host != socket.gethostname() or not isinstance(pid, int):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    now = process_start(pid)
    return now is None or started is None or now == started


def run_state(status: dict) -> str | None:
    """A run's status as it stands: a `running` run whose process is gone has `died`."""
    state = status.get("status")
    if state == "running" and process_alive(status.get("host"), status.get("pid"),
                                            status.get("process_start")) is False:
        return "died"
    return state


class RunDir:
    """One run's directory. Created once; never reused for another run."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def start(self, stage: str, overrides: list[str], repo: Path) -> None:
        if (self.path / STATUS_FILE).exists():
            raise FileExistsError(f"{self.path} already holds a run")
        self.path.mkdir(parents=True, exist_ok=True)
        self._status = {"status": "running", "stage": stage, "started": _now(),
                        "host": socket.gethostname(), "pid": os.getpid(),
                        "process_start": process_start(os.getpid())}
        write_json(self.path / STATUS_FILE, self._status)
        write_json(
            self.path / "environment.json",
            {
                "newsroles": __version__,
                "python": sys.version.split()[0],
                "platform": platform.platform(),
                "root": str(repo),
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
    import pandas as pd

    return pd.read_json(Path(path) / "predictions.jsonl", lines=True)


# --- filtering, comparing, printing ------------------------------------------------------


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


def per_class_table(paths: list[str | Path]):
    """Per-class precision/recall/F1 of several runs side by side (rows: class, metric)."""
    import pandas as pd

    cols = {}
    for p in paths:
        m = load_metrics(p)
        name = Path(p).name
        for label, scores in m["per_class"].items():
            for metric in ("precision", "recall", "f1"):
                cols.setdefault(name, {})[(label, metric)] = scores[metric]
        cols[name][("macro", "f1")] = m["macro_f1"]
        cols[name][("accuracy", "")] = m["accuracy"]
    return pd.DataFrame(cols)


def aligned_predictions(paths: list[str | Path]):
    """The runs' predictions on the same sentences, one column per run (joined on
    doc_id + sentence index); raises if the runs were scored on different sentences."""
    from newsroles.errors import NewsrolesError

    base = None
    for p in paths:
        df = load_predictions(p).set_index(["doc_id", "sent_idx"])
        if base is None:
            base = df[["text", "gold"]].copy()
        elif len(df) != len(base) or not df.index.sort_values().equals(base.index.sort_values()):
            raise NewsrolesError(
                f"{p}: scored on other sentences than {paths[0]} (a paired comparison needs "
                "the same split of the same data)"
            )
        elif not (df.loc[base.index, "gold"] == base["gold"]).all():
            raise NewsrolesError(f"{p}: gold labels differ from {paths[0]}'s on the same sentences")
        base[Path(p).name] = df.loc[base.index, "pred"]
    return base.reset_index()


def compare_runs(paths: list[str | Path], n_resamples: int = 1000, confidence: float = 0.95,
                 seed: int = 0):
    """Each run against the first on the same test sentences: macro-F1 difference with its
    paired-bootstrap interval, and whether it is larger than the interval (significant)."""
    import pandas as pd

    from newsroles.evaluation import paired_bootstrap

    preds = aligned_predictions(paths)
    labels = list(load_metrics(paths[0])["per_class"])
    base = Path(paths[0]).name
    rows = []
    for p in paths[1:]:
        name = Path(p).name
        r = paired_bootstrap(preds["gold"], preds[name], preds[base], n_resamples,
                             confidence, seed, labels)
        rows.append({"run": name, "against": base, "diff_macro_f1": r["diff"],
                     "ci_lo": r["ci"][0], "ci_hi": r["ci"][1],
                     "significant": r["significant"], "p_sign_flip": r["p_sign_flip"],
                     "n": r["n"],
                     "disagree": int((preds[name] != preds[base]).sum())})
    return pd.DataFrame(rows)


def disagreements(path_a: str | Path, path_b: str | Path):
    """The sentences two runs label differently, with the gold label."""
    preds = aligned_predictions([path_a, path_b])
    a, b = Path(path_a).name, Path(path_b).name
    return preds[preds[a] != preds[b]].reset_index(drop=True)


def rich_table(df, columns: list[str] | None = None, title: str | None = None):
    """A DataFrame as a rich Table: floats to three places, config prefixes dropped."""
    from rich.table import Table

    columns = [c for c in (columns or list(df.columns)) if c in df.columns]
    table = Table(title=title)
    for c in columns:
        table.add_column(str(c).removeprefix("cfg."),
                         justify="right" if df[c].dtype.kind in "fi" else "left")
    for _, row in df.iterrows():
        cells = []
        for c in columns:
            v = row[c]
            if isinstance(v, float):
                cells.append("" if v != v else f"{v:.3f}")
            else:
                cells.append("" if v is None else str(v))
        table.add_row(*cells)
    return table


def print_run(path: Path, console) -> None:
    """`newsroles runs show`: one run's status, config, metrics and stage times."""
    rec = load_run(path)
    console.print(f"[bold]{path}[/bold]  status: {rec.get('status')}  stage: {rec.get('stage')}")
    if rec.get("error"):
        console.print(f"error: {rec['error']}")
    if rec.get("overrides"):
        console.print(f"overrides: {rec['overrides']}")
    cfg = {k.removeprefix("cfg."): v for k, v in rec.items() if k.startswith("cfg.")}
    console.print("config: " + ", ".join(
        f"{k}={v}" for k, v in cfg.items()
        if k.split(".")[0] in ("model", "train") or k in ("seed", "fold", "data.name")))
    if (path / "metrics.json").exists():
        table = per_class_table([path])
        table.index = [" ".join(str(x) for x in i if x) for i in table.index]
        console.print(rich_table(table.reset_index(names="class / metric"), title="metrics"))
        m = load_metrics(path)
        lo, hi = m["macro_f1_ci"]
        console.print(f"macro-F1 {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] on {m['split']} "
                      f"(n={m['n']})")
        cm = load_confusion(path)
        console.print(rich_table(cm.reset_index(names="gold \\ predicted"),
                                      title="confusion matrix"))
    timings = path / "timings.json"
    if timings.exists():
        t = json.loads(timings.read_text())
        console.print("stages: " + ", ".join(
            f"{k} {v['seconds']:.1f}s{' (cached)' if v['cached'] else ''}" for k, v in t.items()))


def errors_with_context(path: str | Path, context: int = 1):
    """A run's wrong predictions, each with the sentences around it in its article (from
    the same predictions file: every sentence of a scored article is scored)."""
    preds = load_predictions(path).sort_values(["doc_id", "sent_idx"]).reset_index(drop=True)
    text = preds.set_index(["doc_id", "sent_idx"])["text"]

    def around(row, offsets):
        return " ".join(text.get((row.doc_id, row.sent_idx + o), "") for o in offsets).strip()

    wrong = preds[~preds["correct"].astype(bool)].copy()
    wrong["before"] = [around(r, range(-context, 0)) for r in wrong.itertuples()]
    wrong["after"] = [around(r, range(1, context + 1)) for r in wrong.itertuples()]
    wrong["confidence"] = [r["scores"][r["pred"]] for _, r in wrong.iterrows()]
    cols = ["doc_id", "sent_idx", "gold", "pred", "confidence", "before", "text", "after"]
    return wrong[cols].reset_index(drop=True)


def error_pairs(path: str | Path):
    """How many sentences of each gold class went to each wrong class, most first."""
    wrong = errors_with_context(path, context=0)
    counts = wrong.groupby(["gold", "pred"]).size().rename("n").reset_index()
    return counts.sort_values("n", ascending=False).reset_index(drop=True)
