"""label: apply the labeling functions to every sentence and aggregate their votes.

Reads: the prepare stage's table. Config: labeling. Writes: votes.npy (the label matrix),
weak.json (weak label ids and probabilities) and functions.json (the function names).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from newsroles.cache import StageCache, stage_key
from newsroles.labeling.aggregate import aggregate, apply_lfs
from newsroles.labeling.functions import get_functions
from newsroles.stages import StageResult, Timer


def run(cfg, cache: StageCache, prepared: StageResult, sentences) -> StageResult:
    lfs = get_functions(list(cfg.labeling.functions))
    reads = {"prepare": prepared.key}
    config = {"functions": [lf.name for lf in lfs], "aggregator": str(cfg.labeling.aggregator.value)}
    key = stage_key("label", reads=reads, config=config)
    with Timer() as t:
        hit = cache.get("label", key)
        if hit is None:

            def write(tmp: Path) -> None:
                L = apply_lfs(sentences.to_dict("records"), lfs)
                labels, probs = aggregate(L, config["aggregator"])
                np.save(tmp / "votes.npy", L)
                np.save(tmp / "weak_labels.npy", labels)
                np.save(tmp / "weak_probs.npy", probs)
                (tmp / "functions.json").write_text(json.dumps(config, indent=2) + "\n")

            path = cache.put("label", key, write)
        else:
            path = hit
    return StageResult("label", key, path, hit is not None, t.seconds, reads)


def load_votes(result: StageResult):
    L = np.load(result.path / "votes.npy")
    labels = np.load(result.path / "weak_labels.npy")
    probs = np.load(result.path / "weak_probs.npy")
    return L, labels, probs
