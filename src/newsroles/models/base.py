"""The five-verb model interface, the name -> class registry, and safe model folders.

A model folder holds `model.json` (name, label map, parameters, feature settings), the
weights in a format that does not run code when loaded, and `manifest.json` with the
SHA-256 of every file. Loading refuses a folder whose files do not match the manifest or
that holds files the manifest does not list, and only ever instantiates classes named in
MODEL_REGISTRY.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from newsroles import LABELS, __version__
from newsroles.errors import NewsrolesError

# name -> "module:Class", imported on first use so that unused models cost nothing.
MODEL_REGISTRY: dict[str, str] = {
    "rules": "newsroles.models.rules:RulesModel",
    "linear": "newsroles.models.linear:LinearModel",
    "minilm_linear": "newsroles.models.embedding:MiniLMLinearModel",
    "transformer": "newsroles.models.transformer:TransformerModel",
}

MODEL_FILE = "model.json"
MANIFEST_FILE = "manifest.json"


class Model(ABC):
    """fit / predict / predict_proba / save / load over a table of sentences.

    X is a pandas DataFrame of sentence records in document order, with the columns the
    prepare stage writes (text, prev_text, next_text, quote_open_start, ...). Probabilities
    have one column per label of `self.labels`: newsroles.LABELS unless the model was
    fitted on another label set (`fit(..., labels=...)`, e.g. PolNeAR's three), which is
    saved with the model as label2id/id2label.
    """

    name: ClassVar[str]
    labels: tuple[str, ...] = LABELS

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    @abstractmethod
    def fit(self, X, y, sample_weight=None, labels=None) -> Model: ...

    @abstractmethod
    def predict_proba(self, X) -> np.ndarray: ...

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return np.asarray(self.labels, dtype=object)[proba.argmax(axis=1)]

    # --- persistence ----------------------------------------------------------------------
    @abstractmethod
    def _save_weights(self, path: Path) -> list[str]:
        """Write weight files into `path`; return their names."""

    @classmethod
    @abstractmethod
    def _load(cls, path: Path, meta: dict) -> Model: ...

    def save(self, path: str | Path, preprocessing: dict | None = None) -> Path:
        """Write the model folder; `preprocessing` records how text was split into sentences
        for training, so that tagging splits new text the same way."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        files = self._save_weights(path)
        meta = {
            "name": self.name,
            "newsroles_version": __version__,
            "labels": list(self.labels),
            "label2id": {label: i for i, label in enumerate(self.labels)},
            "id2label": {str(i): label for i, label in enumerate(self.labels)},
            "params": self.get_params(),
            "preprocessing": preprocessing or {},
        }
        (path / MODEL_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        files = [MODEL_FILE, *files]
        manifest = {"files": {f: _sha256(path / f) for f in files}}
        (path / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
        return path

    @classmethod
    def load(cls, path: str | Path) -> Model:
        return load_model(path)


def training_labels(y, labels=None) -> tuple[str, ...]:
    """The label set a model is fitted on: `labels` if given, else our four (or, when y uses
    another label set, its own labels); every label needs an example and y no others."""
    from newsroles.labelspace import ordered_labels

    present = set(np.asarray(y).tolist())
    if labels is None:
        labels = LABELS if present <= set(LABELS) else ordered_labels(present)
    labels = tuple(labels)
    unknown = sorted(present - set(labels))
    if unknown:
        raise NewsrolesError(f"training labels {unknown} are not among {list(labels)}")
    missing = [label for label in labels if label not in present]
    if missing:
        raise NewsrolesError(
            f"training data has no example of {', '.join(missing)}: "
            f"cannot fit {len(labels)} classes"
        )
    return labels


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of linear scores, in place."""
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _model_class(name: str) -> type[Model]:
    if name not in MODEL_REGISTRY:
        raise NewsrolesError(
            f"unknown model {name!r} (known: {', '.join(sorted(MODEL_REGISTRY))})"
        )
    module, cls = MODEL_REGISTRY[name].split(":")
    return getattr(importlib.import_module(module), cls)


def build_model(name: str, params: dict[str, Any], seed: int = 0) -> Model:
    return _model_class(name)(**params, seed=seed)


def resolve_model_dir(path: str | Path) -> Path:
    """A run directory or its model folder -> the model folder."""
    path = Path(path)
    if (path / "model" / MODEL_FILE).exists() or (path / "model").is_dir():
        return path / "model"
    return path


def verify_model_dir(path: Path) -> dict:
    """Check the folder against its manifest; return model.json's contents."""
    if not path.exists():
        raise NewsrolesError("model folder not found", path)
    if not path.is_dir():
        raise NewsrolesError("not a model folder (expected a directory)", path)
    manifest_path = path / MANIFEST_FILE
    if not manifest_path.exists() or not (path / MODEL_FILE).exists():
        raise NewsrolesError(f"not a model folder: {MANIFEST_FILE} or {MODEL_FILE} missing", path)
    try:
        listed = json.loads(manifest_path.read_text())["files"]
    except (ValueError, KeyError, TypeError):
        raise NewsrolesError(f"corrupt {MANIFEST_FILE}", path) from None
    present = {p.name for p in path.iterdir() if p.is_file() and not p.name.startswith(".")}
    extra = sorted(present - set(listed) - {MANIFEST_FILE})
    if extra:
        raise NewsrolesError(f"refusing model folder: unlisted file(s) {', '.join(extra)}", path)
    for name, digest in listed.items():
        f = path / name
        if not f.is_file():
            raise NewsrolesError(f"refusing model folder: {name} is missing", path)
        if _sha256(f) != digest:
            raise NewsrolesError(f"refusing model folder: {name} does not match its hash", path)
    try:
        meta = json.loads((path / MODEL_FILE).read_text())
    except ValueError:
        raise NewsrolesError(f"corrupt {MODEL_FILE}", path) from None
    labels = meta.get("labels")
    if (not isinstance(labels, list) or len(labels) < 2 or len(set(labels)) != len(labels)
            or not all(isinstance(x, str) and x for x in labels)):
        raise NewsrolesError(f"{MODEL_FILE}: labels must be a list of distinct names", path)
    return meta


def load_model(path: str | Path) -> Model:
    path = resolve_model_dir(path)
    meta = verify_model_dir(path)
    model = _model_class(meta.get("name", "?"))._load(path, meta)
    model.labels = tuple(meta["labels"])
    return model
