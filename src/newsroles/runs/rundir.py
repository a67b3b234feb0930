"""A run's directory while it runs: status (with host and pid), environment, and
whether the process that wrote a `running` status is still alive."""

from __future__ import annotations

import datetime as _dt
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
