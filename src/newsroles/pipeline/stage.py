"""What a stage is: one declared record, in the spirit of spaCy projects and DVC.

A stage names the upstream stages and the files it reads, the config keys its result depends
on, the outputs it writes, which of them are copied into the run directory, and the
`compute(inputs, out_dir)` that writes them. Its cache key is made of all of that plus the
code it runs (every newsroles module its module imports, transitively; see cache.py), so a
stage is recomputed exactly when something that made its result changed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path


def _no_files(cfg) -> dict[str, str]:
    return {}


def _always(cfg, target: str) -> bool:
    return True


def _nothing(cfg) -> dict:
    return {}


def _no_code(cfg) -> tuple[str, ...]:
    return ()


def _rank_zero(cfg) -> bool:
    return False


@dataclass(frozen=True)
class Stage:
    name: str
    compute: Callable[[Inputs, Path], None]
    # Upstream stages whose outputs it reads (those enabled in this run).
    reads: tuple[str, ...] = ()
    # Input files it reads, by name (their hashes enter the key); it raises a
    # NewsrolesError for a file that is missing or settings that cannot work.
    files: Callable[[object], Mapping[str, str | Path]] = _no_files
    # Dotted config keys whose values its result depends on.
    config: tuple[str, ...] = ()
    # Files and folders `compute` writes into its output folder.
    outputs: tuple[str, ...] = ()
    # Output -> path in the run directory it is copied to.
    run_outputs: Mapping[str, str] = field(default_factory=dict)
    # What else its result depends on that is neither config nor code (a parser version).
    environment: Callable[[object], dict] = _nothing
    # Installed distributions whose code it runs: their versions enter the key (newsroles'
    # own code is hashed from source instead; see cache.py).
    libraries: tuple[str, ...] = ()
    # Modules beyond its own that it runs, chosen by the config (a model's class).
    code: Callable[[object], tuple[str, ...]] = _no_code
    # Whether it runs at all for this config and target stage.
    enabled: Callable[[object, str], bool] = _always
    # A small summary of a finished entry for fingerprints.json (orphaned gold spans).
    summary: Callable[[Path], dict] | None = None
    # Whether, under torchrun, every rank computes it together (data-parallel training);
    # otherwise rank 0 alone does, and the other ranks read nothing of it (ranks.py).
    all_ranks: Callable[[object], bool] = _rank_zero

    @property
    def module(self) -> str:
        return self.compute.__module__


@dataclass(frozen=True)
class Inputs:
    """What `compute` gets: the config, the verified output folders of the upstream stages,
    the input files, and a machine-local working folder (embeddings, checkpoints)."""

    cfg: object
    upstream: Mapping[str, Path]
    files: Mapping[str, Path]
    work_dir: Path
    key: str

    def __getitem__(self, stage: str) -> Path:
        return self.upstream[stage]

    def __contains__(self, stage: str) -> bool:
        return stage in self.upstream
