"""Shared fixtures: the real Hydra config, composed with paths pointed at tmp_path and the
tiny fixture corpus (tests/fixtures, invented articles labelled by hand)."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


_SHARED_CACHE: Path | None = None


def shared_cache() -> Path:
    """One stage cache for the tests whose subject is not the cache: the fixture corpus
    is then prepared, parsed (seconds of loading spaCy in each process) and labelled once
    per session instead of once per test."""
    global _SHARED_CACHE
    if _SHARED_CACHE is None:
        _SHARED_CACHE = Path(tempfile.mkdtemp(prefix="newsroles-tests-cache-"))
        atexit.register(shutil.rmtree, _SHARED_CACHE, True)
    return _SHARED_CACHE


def fixture_overrides(runs: Path, shared: bool = False) -> list[str]:
    """The fixture corpus, runs under `runs`; shared=True: stages cached across tests."""
    return [
        f"paths.runs={runs}",
        f"data.articles={FIXTURES / 'articles.jsonl'}",
        f"data.gold={FIXTURES / 'gold.jsonl'}",
        f"data.splits={FIXTURES / 'splits.json'}",
        "eval.bootstrap=200",
        *([f"paths.cache={shared_cache()}"] if shared else []),
    ]


def compose_config(overrides: list[str]):
    from newsroles.project import compose

    return compose(overrides)


def run_in_process(runs: Path, extra: list[str] = (), task: str = "run") -> Path:
    """Run a task on the fixture corpus without a subprocess, through the same task wrapper
    as the CLI (tasks.run_task); return the run dir."""
    from newsroles.tasks import run_task

    overrides = [*fixture_overrides(runs), *extra]
    cfg = compose_config(overrides)
    n = len(list(runs.glob("run*"))) if runs.exists() else 0
    run_dir = runs / f"run{n:03d}_{cfg.model.name}"
    run_task(cfg, task, run_dir, overrides, ROOT)
    return run_dir


def given_records(texts_labels, doc_id="d") -> list[dict]:
    """One document's records, as the tagger hands them to who-said-it (add_sources), from
    (text, label) pairs of sentences given already split."""
    from newsroles.sentences import split_sentences_given

    sents = split_sentences_given(doc_id, [t for t, _ in texts_labels])
    return [{"doc_id": doc_id, "sent_idx": i, "text": t, "label": lab, "start": -1,
             "quote_open_start": s.quote_open_start, "quote_open_end": s.quote_open_end}
            for i, ((t, lab), s) in enumerate(zip(texts_labels, sents))]


def cli(*args: str, stdin: str | None = None, cwd: Path = ROOT,
        env_extra: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newsroles.cli", *args],
        capture_output=True, text=True, input=stdin, cwd=cwd, timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env_extra or {})},
    )


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory) -> Path:
    """One completed linear run on the fixture corpus, shared by read-only tests."""
    return run_in_process(tmp_path_factory.mktemp("runs"))


@pytest.fixture(scope="session")
def tiny_sweep(tmp_path_factory) -> Path:
    """A real sweep through the CLI (Hydra multirun, basic launcher) on the fixture corpus:
    rules and linear x seeds 1 and 2. Returns the sweep folder."""
    runs = tmp_path_factory.mktemp("sweep_runs")
    out = cli("run", "-m", "model=rules,linear", "seed=1,2", *fixture_overrides(runs, shared=True))
    assert out.returncode == 0, out.stderr[-3000:]
    (sweep,) = (runs / "multirun").iterdir()
    return sweep
