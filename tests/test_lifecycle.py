"""Runs that tell the truth: a signalled run is marked failed, a killed one shows as died;
the project is the one you stand in; bad settings stop before any run directory exists."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import ROOT, cli, compose_config, fixture_overrides

from newsroles.config import MODEL_CONFIGS, EvalConfig, LabelingConfig, TrainConfig


def _start_run(runs: Path, *extra: str) -> tuple[subprocess.Popen, Path]:
    """Start `newsroles run` on the fixtures with a cold cache; return it and its run dir
    once its status file exists (the run is then still preparing and parsing)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "newsroles.cli", "run", *fixture_overrides(runs), *extra],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = [p for p in runs.glob("*/status.json")]
        if found:
            return proc, found[0].parent
        if proc.poll() is not None:
            raise AssertionError(f"run ended early: {proc.communicate()[1][-2000:]}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("no status.json within 60 s")


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signalled_run_is_marked_failed(tmp_path, sig, code):
    proc, run_dir = _start_run(tmp_path / "runs")
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err[-2000:]
    assert "Traceback" not in err
    status = json.loads((run_dir / "status.json").read_text())
    assert status["status"] == "failed"
    assert status["signal"] == sig.name and sig.name in status["error"]
    assert status["pid"] == proc.pid and status["host"]
    listed = cli("runs", "list", "--root", str(tmp_path / "runs"), "--csv")
    assert ",failed," in listed.stdout


def test_a_killed_run_shows_as_died(tmp_path):
    runs = tmp_path / "runs"
    proc, run_dir = _start_run(runs)
    proc.kill()  # SIGKILL: nothing can mark the run
    proc.communicate(timeout=60)
    assert json.loads((run_dir / "status.json").read_text())["status"] == "running"
    listed = cli("runs", "list", "--root", str(runs), "--csv")
    assert listed.returncode == 0, listed.stderr
    assert ",died," in listed.stdout and ",running," not in listed.stdout
    shown = cli("runs", "show", str(run_dir))
    assert "status: died" in shown.stdout
    only = cli("runs", "list", "--root", str(runs), "--csv", "--status", "died")
    assert run_dir.name in only.stdout


def test_a_live_run_is_running(tmp_path):
    from newsroles.runs import load_run

    proc, run_dir = _start_run(tmp_path / "runs")
    try:
        assert load_run(run_dir)["status"] == "running"
    finally:
        proc.kill()
        proc.communicate(timeout=60)
    assert load_run(run_dir)["status"] == "died"


# --- the project root ---------------------------------------------------------------------


def _checkout(tmp_path: Path) -> Path:
    other = tmp_path / "other_checkout"
    shutil.copytree(ROOT / "conf", other / "conf")
    (other / "data").mkdir()
    return other


def test_the_project_is_the_one_you_stand_in(tmp_path):
    other = _checkout(tmp_path)
    inside = other / "notebooks"
    inside.mkdir()
    out = cli("run", "--cfg", "job", "--resolve", cwd=inside,
              env_extra={"NEWSROLES_ROOT": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert f"root: {other}" in out.stdout and "warning" not in out.stderr
    assert f"articles: {other}/data/raw/wikinews.jsonl" in out.stdout


def test_outside_a_project_the_root_used_is_said(tmp_path):
    nowhere = tmp_path / "nowhere"
    nowhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "NEWSROLES_ROOT"}
    out = subprocess.run([sys.executable, "-m", "newsroles.cli", "run", "--cfg", "job",
                          "--resolve"], cwd=nowhere, capture_output=True, text=True,
                         env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    warnings = [ln for ln in out.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 1 and f"using {ROOT} (the installed copy)" in warnings[0]
    other = _checkout(tmp_path)
    out = cli("run", "--cfg", "job", "--resolve", cwd=nowhere,
              env_extra={"NEWSROLES_ROOT": str(other)})
    assert f"root: {other}" in out.stdout and f"using {other} (NEWSROLES_ROOT)" in out.stderr
    bad = cli("run", "--cfg", "job", cwd=nowhere, env_extra={"NEWSROLES_ROOT": str(nowhere)})
    assert bad.returncode == 2 and "NEWSROLES_ROOT" in bad.stderr and "Traceback" not in bad.stderr


def test_annotate_import_writes_into_the_project_you_stand_in(tmp_path):
    """A second checkout's import goes to its own gold set, never to this checkout's."""
    import csv

    from newsroles.annotation.formats import CSV_COLUMNS
    from newsroles.schema import read_articles
    from newsroles.sentences import SplitConfig, split_article

    other = _checkout(tmp_path)
    shutil.copytree(ROOT / "data" / "gold", other / "data" / "gold")
    (other / "data" / "raw").mkdir()
    shutil.copy(ROOT / "data" / "raw" / "wikinews.jsonl", other / "data" / "raw")
    gold_docs = {json.loads(ln)["doc_id"] for ln in
                 (ROOT / "data" / "gold" / "gold.jsonl").read_text().splitlines() if ln}
    article = next(a for a in read_articles(ROOT / "data" / "raw" / "wikinews.jsonl")
                   if a.id not in gold_docs)
    sent = split_article(article.id, article.text, SplitConfig()).sentences[0]
    batch = tmp_path / "batch.csv"
    with batch.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        w.writeheader()
        w.writerow({"doc_id": article.id, "start": sent.start, "end": sent.end,
                    "context_before": "", "text": sent.text, "context_after": "",
                    "suggestion": "background", "confidence": 0.5, "label": "background",
                    "note": ""})
    mine = {p: p.read_bytes() for p in (ROOT / "data" / "gold").rglob("*") if p.is_file()}
    theirs = (other / "data" / "gold" / "gold.jsonl").read_bytes()
    out = cli("annotate", "import", str(batch), cwd=other / "data")
    assert out.returncode == 0, out.stderr
    assert "imported 1 sentence(s)" in out.stderr
    grown = (other / "data" / "gold" / "gold.jsonl").read_bytes()
    assert grown.startswith(theirs) and article.id.encode() in grown[len(theirs):]
    assert {p: p.read_bytes() for p in mine} == mine


def test_environment_records_the_root(trained_run):
    env = json.loads((trained_run / "environment.json").read_text())
    assert env["root"] == str(ROOT)
    status = json.loads((trained_run / "status.json").read_text())
    assert status["pid"] and status["host"] and status["status"] == "completed"


# --- one source of defaults; bad values stop first -----------------------------------------


def _links(node) -> set[str]:
    """Keys of a composed (unresolved) config section whose value is an interpolation."""
    from omegaconf import OmegaConf

    return {k for k in node if OmegaConf.is_interpolation(node, k)}


@pytest.mark.parametrize("name", sorted(MODEL_CONFIGS))
def test_a_composed_model_config_is_its_dataclass_defaults(tmp_path, name):
    """The YAML selects a schema and links settings to others; it restates no default."""
    from omegaconf import OmegaConf

    from newsroles.models import model_class

    cfg = compose_config([*fixture_overrides(tmp_path), f"model={name}"])
    config_class = MODEL_CONFIGS[name]
    links = _links(cfg.model)
    composed = OmegaConf.to_container(cfg.model, enum_to_str=True)
    defaults = OmegaConf.to_container(OmegaConf.structured(config_class), enum_to_str=True)
    assert {k: v for k, v in composed.items() if k not in links} == \
        {k: v for k, v in defaults.items() if k not in links}
    if name in ("linear", "rules"):  # cheap to build: the model's parameters are the same
        model = model_class(name)()
        params = {k: v for k, v in model.params.items() if k in defaults}
        assert params == {k: v for k, v in defaults.items() if k != "name"}


@pytest.mark.parametrize(("section", "config_class"),
                         [("labeling", LabelingConfig), ("train", TrainConfig),
                          ("eval", EvalConfig)])
def test_composed_sections_are_their_dataclass_defaults(tmp_path, section, config_class):
    from omegaconf import OmegaConf

    cfg = compose_config([f"paths.runs={tmp_path}"])
    node = cfg[section]
    links = _links(node)
    composed = OmegaConf.to_container(node, enum_to_str=True)
    defaults = OmegaConf.to_container(OmegaConf.structured(config_class), enum_to_str=True)
    assert {k: v for k, v in composed.items() if k not in links} == \
        {k: v for k, v in defaults.items() if k not in links}
    assert set(composed) == {f.name for f in fields(config_class)}


def test_a_model_built_in_python_checks_its_values():
    from newsroles.errors import NewsrolesError
    from newsroles.models.linear import LinearModel

    with pytest.raises(NewsrolesError, match=r"model.C=-1: must be > 0"):
        LinearModel(C=-1)
    with pytest.raises(NewsrolesError, match="nosuch"):
        LinearModel(nosuch=1)
    assert LinearModel(C=2.0).C == 2.0 and LinearModel().lf_parse is True


@pytest.mark.parametrize(("override", "message"), [
    ("model.C=-1", "bad configuration: model.C=-1.0: must be > 0"),
    ("+model.nosuch=1", "bad configuration: model.nosuch: not a setting of model linear"),
    ("model.n_features=0", "bad configuration: model.n_features=0"),
    ("model.word_ngram_range=[2,1]", "bad configuration: model.word_ngram_range=[2, 1]"),
    ("eval.bootstrap=-5", "bad configuration: eval.bootstrap=-5: must be >= 0"),
    ("eval.confidence=1.5", "bad configuration: eval.confidence=1.5"),
    ("fold=7", "bad configuration: fold=7: must be in 0..4"),
    ("model=transformer model.epochs=0", "bad configuration: model.epochs=0.0: must be > 0"),
])
def test_bad_values_stop_before_any_run_directory(tmp_path, override, message):
    runs = tmp_path / "runs"
    out = cli("run", *fixture_overrides(runs), *override.split())
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"newsroles: error: {message}"), out.stderr
    assert not runs.exists() or not [p for p in runs.iterdir() if not p.name.startswith(".")]


def _can_make(folder: Path) -> bool:
    try:
        folder.mkdir()
    except OSError:
        return False
    folder.rmdir()
    return True


def test_a_runs_root_that_is_a_file_or_cannot_be_written(tmp_path):
    a_file = tmp_path / "runs.txt"
    a_file.write_text("not a folder")
    out = cli("run", *fixture_overrides(a_file))
    assert out.returncode == 2 and "paths.runs is a file, not a folder" in out.stderr
    assert a_file.read_text() == "not a folder"
    under_file = cli("run", *fixture_overrides(a_file / "runs"))
    assert under_file.returncode == 2 and "paths.runs cannot be written" in under_file.stderr
    readonly = tmp_path / "readonly"
    readonly.mkdir()
    readonly.chmod(0o500)
    try:
        target = readonly / "runs"
        if _can_make(target):  # root writes anywhere: sysfs refuses new folders even to root
            target = Path("/sys/newsroles-runs")
            if _can_make(target):
                pytest.skip("no folder here that this user cannot write")
        out = cli("run", *fixture_overrides(target))
        assert out.returncode == 2 and "paths.runs cannot be written" in out.stderr
        assert "Traceback" not in out.stderr
    finally:
        readonly.chmod(0o700)


# --- the house: no import circles, one atomic writer ---------------------------------------


def _package_graph() -> dict[str, set[str]]:
    from newsroles.pipeline.cache import _imported, module_closure, module_file

    modules = module_closure(
        [f"newsroles.{p.relative_to(ROOT / 'src' / 'newsroles').with_suffix('').as_posix().replace('/', '.')}"
         .removesuffix(".__init__")
         for p in (ROOT / "src" / "newsroles").rglob("*.py")])
    graph = {}
    for m in modules:
        # A package's __init__ runs before its submodules: an edge to a parent package
        # is the interpreter's order, not a dependency of the code.
        deps = _imported(m, module_file(m), module_file("newsroles").parent)
        graph[m] = {d for d in deps if d != m and not m.startswith(d + ".")}
    return graph


def test_no_import_circles():
    graph = _package_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(m, path):
        state[m] = 1
        for d in sorted(graph.get(m, ())):
            if state.get(d) == 1:
                cycles.append(path[path.index(d):] + [d] if d in path else [m, d])
            elif d not in state:
                visit(d, path + [d])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert not cycles, cycles


def test_one_atomic_writer():
    """Only newsroles.io renames temporary files into place."""
    import ast

    offenders = []
    for path in (ROOT / "src" / "newsroles").rglob("*.py"):
        if path.name == "io.py" and path.parent.name == "newsroles":
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("mkstemp", "NamedTemporaryFile"):
                offenders.append(f"{path.name}: {node.attr}")
            if (isinstance(node, ast.Attribute) and node.attr == "replace"
                    and isinstance(node.value, ast.Name) and node.value.id == "os"):
                offenders.append(f"{path.name}: os.replace")
    assert not offenders, offenders


def test_stages_never_import_each_others_internals_from_the_tagger():
    """The tagger and annotation meet the pipeline only at schema.py."""
    graph = _package_graph()
    for m in ("newsroles.tagger", "newsroles.annotation.select"):
        assert not any(d.startswith("newsroles.pipeline") for d in graph[m]), graph[m]
