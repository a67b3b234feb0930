"""Pipeline stages: prepare -> label -> train -> evaluate.

Each stage declares what it reads (files and upstream stage keys) and its config section;
these make its cache key, and a stage whose key is in the cache is not recomputed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class StageResult:
    stage: str
    key: str
    path: Path  # the cache entry holding the stage's outputs
    cached: bool
    seconds: float
    reads: dict = field(default_factory=dict)


class Timer:
    def __enter__(self):
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.t0
