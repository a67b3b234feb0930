"""The model's measured errors: a run's predictions on its gold evaluation split
(`predictions.jsonl` and `metrics.json`, written by the evaluate stage)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from newsroles.errors import NewsrolesError


@dataclass(frozen=True)
class EvaluationSet:
    run: Path
    split: str
    data: str
    labels: list[str]
    sentences: pd.DataFrame  # doc_id, gold, pred, score_<label> (where the run wrote scores)
    model_id: str | None  # what `newsroles tag` writes for this model, where its folder is here

    @property
    def has_scores(self) -> bool:
        return all(f"score_{label}" in self.sentences.columns for label in self.labels)

    def describe(self) -> str:
        return (f"gold {self.split} of {self.data}: {len(self.sentences)} sentences in "
                f"{self.sentences['doc_id'].nunique()} articles ({self.run})")


def load_evaluation(run: str | Path) -> EvaluationSet:
    """A run directory (or its model folder) with evaluation predictions."""
    from newsroles.io import iter_jsonl

    run = Path(run)
    if run.name == "model" and (run.parent / "predictions.jsonl").is_file():
        run = run.parent
    predictions = run / "predictions.jsonl"
    if not run.is_dir():
        raise NewsrolesError("run directory not found", run)
    if not predictions.is_file():
        raise NewsrolesError("no evaluation predictions (predictions.jsonl) in this run; "
                             "score its model first: newsroles evaluate eval.model=RUN", run)
    metrics = _metrics(run)
    labels = [str(label) for label in metrics.get("confusion_matrix", {}).get("labels", [])]
    rows = []
    for lineno, record in iter_jsonl(predictions):
        if not {"doc_id", "gold", "pred"} <= set(record):
            raise NewsrolesError("expected doc_id, gold and pred", predictions, lineno)
        scores = record.get("scores") if isinstance(record.get("scores"), dict) else {}
        rows.append({"doc_id": str(record["doc_id"]), "gold": str(record["gold"]),
                     "pred": str(record["pred"]),
                     **{f"score_{k}": float(v) for k, v in scores.items()}})
    sentences = pd.DataFrame(rows)
    if not labels:
        labels = sorted(set(sentences["gold"]) | set(sentences["pred"]))
    unknown = (set(sentences["gold"]) | set(sentences["pred"])) - set(labels)
    if unknown:
        raise NewsrolesError(f"predictions use labels the run's metrics do not list: "
                             f"{', '.join(sorted(unknown))}", predictions)
    return EvaluationSet(run, str(metrics.get("split", "?")), str(metrics.get("data", "?")),
                         labels, sentences, _model_id(run, metrics))


def _metrics(run: Path) -> dict:
    path = run / "metrics.json"
    if not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise NewsrolesError("not valid JSON", path) from None


def _model_id(run: Path, metrics: dict) -> str | None:
    """The id `newsroles tag` gives the evaluated model (`models.base.model_id`; trained
    here: run/model; a saved model scored with eval.model: metrics' model_path)."""
    from newsroles.models.base import model_id

    saved = metrics.get("model_path")
    candidates = [run / "model"]
    if saved:  # relative to where evaluate ran: here, or the project holding the runs root
        candidates += [Path(saved), run.resolve().parents[1] / saved]
    for folder in candidates:
        manifest, meta = folder / "manifest.json", folder / "model.json"
        if manifest.is_file() and meta.is_file():
            name = json.loads(meta.read_text(encoding="utf-8")).get("name", "")
            return model_id(folder, name)
    return None


def label_index(values: pd.Series, labels: list[str]) -> np.ndarray:
    return pd.Categorical(values, categories=labels).codes.astype(int)
