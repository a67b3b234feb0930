"""Which project a command works in, and composing its Hydra config.

The project root is the folder holding newsroles' conf/ (a conf/config.yaml that composes
`newsroles_schema`) and, by default, data/: the nearest such folder at or above the current
directory; else NEWSROLES_ROOT; else the copy newsroles was installed from. Outside a
project, one warning line says which root is used, so a second checkout that shares a
virtual environment never silently runs on (or writes into) the first one's configs and data.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

from newsroles.errors import NewsrolesError

_MARKER = "newsroles_schema"
INSTALLED_ROOT = Path(__file__).resolve().parents[2]


def is_project(folder: Path) -> bool:
    config = folder / "conf" / "config.yaml"
    try:
        return config.is_file() and _MARKER in config.read_text(encoding="utf-8")
    except OSError:
        return False


def find_root(cwd: Path | None = None, environ=None) -> tuple[Path, str]:
    """(root, how it was found): "cwd", "NEWSROLES_ROOT" or "installed"."""
    environ = os.environ if environ is None else environ
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if is_project(folder):
            return folder, "cwd"
    env = environ.get("NEWSROLES_ROOT")
    if env:
        root = Path(env).resolve()
        if not is_project(root):
            raise NewsrolesError(f"NEWSROLES_ROOT={env}: no newsroles conf/config.yaml there")
        return root, "NEWSROLES_ROOT"
    return INSTALLED_ROOT, "installed"


@functools.cache
def project_root() -> Path:
    """The project root for this process (see the module's docstring); warns once when it
    is not found from the current directory."""
    root, how = find_root()
    if how != "cwd":
        where = "NEWSROLES_ROOT" if how == "NEWSROLES_ROOT" else "the installed copy"
        print(f"newsroles: warning: no newsroles project at or above {Path.cwd()}; "
              f"using {root} ({where})", file=sys.stderr)
    return root


def register() -> Path:
    """Register the structured configs and the root resolver; return the conf folder."""
    from omegaconf import OmegaConf

    from newsroles.config import register_configs

    root = project_root()
    conf = root / "conf"
    if not (conf / "config.yaml").exists():
        raise NewsrolesError("no config.yaml (run newsroles inside a newsroles project, or "
                             "set NEWSROLES_ROOT to one)", conf)
    if not OmegaConf.has_resolver("newsroles_root"):
        OmegaConf.register_new_resolver("newsroles_root", lambda: str(root))
    register_configs()
    return conf


def compose(overrides: list[str]):
    """The composed config (as `newsroles run OVERRIDES` would see it)."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    conf = register()
    with initialize_config_dir(config_dir=str(conf), version_base="1.3"):
        return hydra_compose("config", overrides=overrides)


def _hydra_detail(e: Exception) -> str:
    text = str(e)
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    detail = lines[0] if lines else type(e).__name__
    if "Available options" in text:
        block = text.split("Available options", 1)[1].split("Config search path")[0]
        options = [o.strip() for o in block.splitlines()[1:]
                   if o.strip() and not o.strip().endswith("_schema")]
        detail += f" (available: {', '.join(options)})"
    elif e.__cause__ is not None and str(e.__cause__).strip():
        detail += f": {str(e.__cause__).strip().splitlines()[0]}"
    elif len(lines) > 1:
        detail += f"; {lines[1]}"
    return detail


def check_runs_root(path: str | Path) -> None:
    """The runs root must be a folder this process can create files in."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise NewsrolesError("paths.runs is a file, not a folder", path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".newsroles-write-check-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        raise NewsrolesError(f"paths.runs cannot be written ({e.strerror or e})", path) from None


def check_overrides(overrides: list[str], data_task: str | None = "stage") -> None:
    """Compose once up front so an unknown option, a typo or a bad value is one clear line
    (a NewsrolesError starting "bad configuration:"), and a problem with the data one line
    each, before any run directory is made."""
    from hydra.errors import HydraException
    from omegaconf import OmegaConf
    from omegaconf.errors import OmegaConfBaseException

    from newsroles.config import check_config

    try:
        cfg = compose(overrides)
        OmegaConf.to_container(cfg, resolve=True, throw_on_missing=True)
    except (HydraException, OmegaConfBaseException, ValueError) as e:
        raise NewsrolesError(f"bad configuration: {_hydra_detail(e)}") from None
    try:
        check_config(cfg)
    except NewsrolesError as e:
        raise NewsrolesError(f"bad configuration: {e}") from None
    if data_task is not None:  # the data this task reads: "stage" means cfg.stage's
        from newsroles.datacheck import check_data

        check_data(cfg, str(cfg.stage) if data_task == "stage" else data_task)
    check_runs_root(cfg.paths.runs)


def implied_overrides(overrides: list[str]) -> tuple[list[str], str | None]:
    """(overrides the user's imply, a note saying so): `data.articles=FILE` without
    `data.name` names the corpus after the file (else runs, metrics and the summary line
    would call it by the data config's name, "wikinews"). Saved with the run like any
    override."""
    given = dict(o.lstrip("+~").split("=", 1) for o in overrides if "=" in o)
    articles = given.get("data.articles")
    if "data.name" in given or not articles or "," in articles or "$" in articles:
        return [], None
    name = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(articles).stem)
    return [f"data.name={name}"], (f"newsroles: data.articles is {articles} and data.name is "
                                   f"not given: calling this corpus {name!r} (set "
                                   "data.name=NAME to choose)")
