"""The five-verb model interface, the one factory that builds a model from its config, and
safe model folders.

A model folder holds `model.json` (name, label map, parameters, feature settings), the
weights in a format that does not run code when loaded, and `manifest.json` with the
SHA-256 of every file. Loading refuses a folder whose files do not match the manifest or
that holds files the manifest does not list, and only ever instantiates the classes that
config.MODEL_CONFIGS names.

A model's parameters are the fields of its config dataclass (config.py), declared there
once with their defaults: `LinearModel(C=2.0)` takes the rest from LinearModelConfig, and
`build_model({"name": "linear", ...}, seed)` is the same from a composed config.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from abc import ABC, abstractmethod
from dataclasses import fields
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from newsroles import LABELS, __version__
from newsroles.config import MODEL_CONFIGS
from newsroles.errors import NewsrolesError
from newsroles.io import file_sha256

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
    # Settings learned or fixed at fit time and saved with the parameters (not config).
    fitted_params: ClassVar[tuple[str, ...]] = ()

    def __init__(self, seed: int = 0, **params):
        config_class = MODEL_CONFIGS[self.name]
        fitted = {k: params.pop(k) for k in self.fitted_params if k in params}
        try:
            config = config_class(**params)
        except TypeError as e:
            raise NewsrolesError(f"model {self.name}: {e}") from None
        for f in fields(config):
            if f.name != "name":
                value = getattr(config, f.name)
                setattr(self, f.name, getattr(value, "value", value))  # enums as strings
        for k in self.fitted_params:
            setattr(self, k, fitted.get(k))
        self.seed = seed
        self._setup()

    def _setup(self) -> None:
        """Derived state and working attributes, after the parameters are set."""

    @property
    def params(self) -> dict[str, Any]:
        names = [f.name for f in fields(MODEL_CONFIGS[self.name]) if f.name != "name"]
        return {k: _plain(getattr(self, k)) for k in (*names, *self.fitted_params)}

    def get_params(self) -> dict[str, Any]:
        return dict(self.params)

    @abstractmethod
    def fit(self, X, y, sample_weight=None, labels=None) -> Model: ...

    # Probabilities are the model's own, sharpened or softened by this temperature
    # (fitted on gold dev by `calibrate`, saved with the model; 1.0: as the model gives them).
    temperature: float = 1.0
    # Then, with calibration=isotonic, the confidence in the top label is mapped through an
    # isotonic fit on gold dev (thresholds x -> y), the other labels scaled to make room.
    isotonic: tuple[list[float], list[float]] | None = None

    @abstractmethod
    def _predict_proba(self, X) -> np.ndarray:
        """The model's own probabilities, one column per label of self.labels."""

    def predict_proba(self, X) -> np.ndarray:
        proba = self._predict_proba(X)
        if self.temperature != 1.0:
            proba = temper(proba, self.temperature)
        if self.isotonic is not None:
            proba = remap_top_label(proba, *self.isotonic)
        return proba

    def calibrate(self, X, y, method: str = "temperature") -> float:
        """Fit the temperature that minimises the log-loss on (X, y), gold dev, and with
        method=isotonic also the map of the top label's confidence. No predicted label
        changes; only the confidences do."""
        self.temperature, self.isotonic = 1.0, None
        raw = self._predict_proba(X)
        self.temperature = fit_temperature(raw, y, self.labels)
        if method == "isotonic":
            self.isotonic = fit_top_label_isotonic(temper(raw, self.temperature), y,
                                                   self.labels)
        return self.temperature

    # Per-label weights on the probabilities for the decision alone (train.thresholds:
    # chosen on gold dev); None: the most probable label. Probabilities are left as they are.
    decision_weights: list[float] | None = None

    def decide(self, proba: np.ndarray) -> np.ndarray:
        """The index of the label each row is given: the most probable, or with decision
        weights, the largest weighted probability."""
        if self.decision_weights is not None:
            proba = proba * np.asarray(self.decision_weights)
        return np.asarray(proba).argmax(axis=1)

    def fit_thresholds(self, X, y) -> list[float]:
        """Per-label decision weights with the best macro-F1 on (X, y), gold dev: what
        spaCy's find-threshold does for one label's threshold, for every label at once
        (coordinate ascent over a log grid, two rounds; a tie keeps the weight nearer 1)."""
        from newsroles.evaluation import macro_f1

        self.decision_weights = None
        proba = self.predict_proba(X)
        labels = list(self.labels)
        gold = list(y)
        grid = np.exp(np.linspace(-2.0, 2.0, 41))
        w = np.ones(len(labels))

        def score(weights) -> float:
            return macro_f1(gold, [labels[i] for i in (proba * weights).argmax(axis=1)], labels)

        best = score(w)
        for _ in range(2):
            for k in range(len(labels)):
                for g in sorted(grid, key=lambda v: abs(np.log(v))):
                    trial = w.copy()
                    trial[k] = g
                    f1 = score(trial)
                    if f1 > best + 1e-12:
                        best, w = f1, trial
        self.decision_weights = [round(float(v), 6) for v in w]
        return self.decision_weights

    def set_runtime(self, runtime: str) -> None:
        """What runs the forward pass (`newsroles tag --runtime`): models without a network
        have only their own."""
        if runtime != "torch":
            raise NewsrolesError(f"runtime {runtime} is for transformer models; a {self.name} "
                                 "model runs as it is (--runtime torch)")

    def predict(self, X) -> np.ndarray:
        proba = self.predict_proba(X)
        return np.asarray(self.labels, dtype=object)[self.decide(proba)]

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
            "calibration": {"method": "isotonic" if self.isotonic else "temperature",
                            "temperature": self.temperature,
                            **({"isotonic_x": self.isotonic[0], "isotonic_y": self.isotonic[1]}
                               if self.isotonic else {})},
            "preprocessing": preprocessing or {},
        }
        if self.decision_weights is not None:
            meta["decision"] = {"label_weights": dict(zip(self.labels, self.decision_weights))}
        (path / MODEL_FILE).write_text(json.dumps(meta, indent=2) + "\n")
        files = [MODEL_FILE, *files]
        manifest = {"files": {f: file_sha256(path / f) for f in files}}
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


def temper(proba: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(log p / T): the same as dividing the logits by T."""
    logits = np.log(np.clip(proba, 1e-12, None)) / temperature
    return softmax_rows(logits)


def fit_top_label_isotonic(proba: np.ndarray, y, labels) -> tuple[list[float], list[float]]:
    """Isotonic regression of "the top label is right" on its confidence (scikit-learn),
    as its thresholds: remap_top_label interpolates between them as it predicts."""
    from sklearn.isotonic import IsotonicRegression

    index = {label: i for i, label in enumerate(labels)}
    gold = np.array([index.get(g, -1) for g in y])
    keep = gold >= 0
    proba = np.asarray(proba, dtype=float)[keep]
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    iso.fit(proba.max(axis=1), (proba.argmax(axis=1) == gold[keep]).astype(float))
    return ([round(float(v), 8) for v in iso.X_thresholds_],
            [round(float(v), 8) for v in iso.y_thresholds_])


def remap_top_label(proba: np.ndarray, xs, ys) -> np.ndarray:
    """Map each row's top confidence c through the isotonic thresholds and scale the other
    labels by (1 - c') / (1 - c); c' is kept at least where the top label stays on top."""
    proba = np.asarray(proba, dtype=float)
    n, k = proba.shape
    top = proba.argmax(axis=1)
    conf = proba[np.arange(n), top]
    second = np.partition(proba, -2, axis=1)[:, -2] if k > 1 else np.zeros(n)
    mapped = np.interp(conf, xs, ys)
    # Just above the point where the second label would draw level: the top stays on top.
    floor = second / np.clip(1.0 - conf + second, 1e-12, None) * (1 + 1e-9) + 1e-12
    mapped = np.clip(np.maximum(mapped, floor), 0.0, 1.0)
    room = 1.0 - conf
    scale = np.where(room > 1e-9, (1.0 - mapped) / np.clip(room, 1e-9, None), 1.0)
    out = proba * scale[:, None]
    out[np.arange(n), top] = np.where(room > 1e-9, mapped, conf)
    return out


def fit_temperature(proba: np.ndarray, y, labels) -> float:
    """The temperature in [0.05, 20] with the least negative log-likelihood of y."""
    from scipy.optimize import minimize_scalar

    index = {label: i for i, label in enumerate(labels)}
    rows = [i for i, g in enumerate(y) if g in index]
    if not rows:
        return 1.0
    gold = np.array([index[y[i]] for i in rows])
    log_p = np.log(np.clip(np.asarray(proba, dtype=float)[rows], 1e-12, None))

    def nll(log_t: float) -> float:
        z = log_p / np.exp(log_t)
        z -= z.max(axis=1, keepdims=True)
        return float(-(z[np.arange(len(gold)), gold] - np.log(np.exp(z).sum(axis=1))).mean())

    best = minimize_scalar(nll, bounds=(np.log(0.05), np.log(20.0)), method="bounded",
                           options={"xatol": 1e-4})
    return round(float(np.exp(best.x)), 6)


def softmax_rows(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax of linear scores, in place."""
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    return scores / scores.sum(axis=1, keepdims=True)


def _plain(value):
    return list(value) if isinstance(value, tuple) else value


def model_module(name: str) -> str:
    """The module that holds model `name`'s class (for code hashes)."""
    return _config_class(name).model_class.split(":")[0]


def _config_class(name: str) -> type:
    if name not in MODEL_CONFIGS:
        raise NewsrolesError(
            f"unknown model {name!r} (known: {', '.join(sorted(MODEL_CONFIGS))})"
        )
    return MODEL_CONFIGS[name]


def model_class(name: str) -> type[Model]:
    """The class of model `name`, imported on first use so that unused models cost nothing."""
    module, cls = _config_class(name).model_class.split(":")
    return getattr(importlib.import_module(module), cls)


def fit_model(model: Model, X, y, sample_weight=None, labels=None, eval_set=None) -> Model:
    """model.fit, given gold dev as `eval_set` where its fit takes one (early stopping, the
    ensemble's weights); never test."""
    import inspect

    kwargs = ({"eval_set": eval_set} if eval_set is not None
              and "eval_set" in inspect.signature(model.fit).parameters else {})
    return model.fit(X, y, sample_weight=sample_weight, labels=labels, **kwargs)


def build_model(config: dict[str, Any], seed: int = 0) -> Model:
    """The one factory: a model from its config section ({"name": ..., parameters...});
    parameters not given take their config dataclass defaults."""
    params = {k: v for k, v in config.items() if k != "name"}
    return model_class(config["name"])(**params, seed=seed)


def model_id(model_dir: Path, name: str) -> str:
    """A saved model's id: its name and the first 12 hex digits of the SHA-256 of its
    manifest, which hashes every file of the folder: the same folder copied anywhere keeps
    its id, a model whose files differ gets another. Tagged rows carry it (`model_id`)."""
    return f"{name}-{hashlib.sha256((model_dir / MANIFEST_FILE).read_bytes()).hexdigest()[:12]}"


def resolve_model_dir(path: str | Path) -> Path:
    """A run directory or its model folder -> the model folder."""
    path = Path(path)
    if (path / "model" / MODEL_FILE).exists() or (path / "model").is_dir():
        return path / "model"
    return path


def _safe_name(name) -> bool:
    """A manifest entry may only name a plain file directly inside the folder."""
    return (isinstance(name, str) and bool(name) and name not in (".", "..")
            and not name.startswith(".") and "/" not in name and "\\" not in name
            and "\0" not in name and ":" not in name)


def verify_model_dir(path: Path) -> dict:
    """Check the folder against its manifest; return model.json's contents.

    A model folder is a closed box: its manifest may name only plain files directly inside
    it (no absolute paths, no "..", no subfolders, no hidden names), each a regular file
    and not a link; every other entry (hidden files, folders, links) is refused, listed.
    Names are judged by their form before anything is opened, so the wording of a refusal
    never depends on what exists outside the folder."""
    if not path.exists():
        raise NewsrolesError("model folder not found", path)
    if not path.is_dir():
        raise NewsrolesError("not a model folder (expected a directory)", path)
    manifest_path = path / MANIFEST_FILE
    for required in (MANIFEST_FILE, MODEL_FILE):
        f = path / required
        if f.is_symlink() or not f.is_file():
            raise NewsrolesError(f"not a model folder: {MANIFEST_FILE} or {MODEL_FILE} "
                                 "missing (or not a plain file)", path)
    try:
        listed = json.loads(manifest_path.read_text(encoding="utf-8"))["files"]
        if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        raise NewsrolesError(f"corrupt {MANIFEST_FILE}", path) from None
    unsafe = sorted(repr(k) for k in listed if not _safe_name(k))
    if unsafe:
        raise NewsrolesError(f"refusing model folder: {MANIFEST_FILE} names "
                             f"{', '.join(unsafe[:5])}, not plain files in the folder", path)
    entries = {p.name: p for p in path.iterdir()}
    extra = sorted(n for n in entries if n not in listed and n != MANIFEST_FILE)
    if extra:
        raise NewsrolesError(f"refusing model folder: unlisted file(s) or folder(s): {', '.join(extra[:10])}"
                             + (f" and {len(extra) - 10} more" if len(extra) > 10 else ""),
                             path)
    for name, digest in listed.items():
        f = entries.get(name)
        if f is None:
            raise NewsrolesError(f"refusing model folder: {name} is missing", path)
        if f.is_symlink() or not f.is_file():
            raise NewsrolesError(f"refusing model folder: {name} is not a plain file", path)
        if file_sha256(f) != digest:
            raise NewsrolesError(f"refusing model folder: {name} does not match its hash", path)
    if MODEL_FILE not in listed:
        raise NewsrolesError(f"refusing model folder: {MODEL_FILE} is not in the manifest",
                             path)
    try:
        meta = json.loads((path / MODEL_FILE).read_text(encoding="utf-8"))
    except (ValueError, RecursionError):
        raise NewsrolesError(f"corrupt {MODEL_FILE}", path) from None
    if not isinstance(meta, dict):
        raise NewsrolesError(f"corrupt {MODEL_FILE}", path)
    labels = meta.get("labels")
    if (not isinstance(labels, list) or len(labels) < 2 or len(set(labels)) != len(labels)
            or not all(isinstance(x, str) and x for x in labels)):
        raise NewsrolesError(f"{MODEL_FILE}: labels must be a list of distinct names", path)
    if not isinstance(meta.get("params"), dict):
        raise NewsrolesError(f"{MODEL_FILE}: params must be an object of settings", path)
    if not isinstance(meta.get("preprocessing", {}), dict):
        raise NewsrolesError(f"{MODEL_FILE}: preprocessing must be an object", path)
    return meta


def load_model(path: str | Path) -> Model:
    path = resolve_model_dir(path)
    meta = verify_model_dir(path)
    try:
        model = model_class(str(meta.get("name", "?")))._load(path, meta)
    except NewsrolesError as e:
        if e.path is not None:
            raise
        raise NewsrolesError(f"{MODEL_FILE}: {e}", path) from None
    model.labels = tuple(meta["labels"])
    model.temperature = _saved_temperature(meta, path)
    model.isotonic = _saved_isotonic(meta, path)
    model.decision_weights = _saved_decision(meta, path)
    return model


def _saved_decision(meta: dict, path: Path) -> list[float] | None:
    """model.json's per-label decision weights (train.thresholds), in label order."""
    decision = meta.get("decision")
    if decision is None:
        return None
    weights = decision.get("label_weights") if isinstance(decision, dict) else None
    ok = (isinstance(weights, dict) and set(weights) == set(meta["labels"])
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 < v < 1e6
                  for v in weights.values()))
    if not ok:
        raise NewsrolesError(f"{MODEL_FILE}: decision.label_weights must give each label a "
                             "weight > 0", path)
    return [float(weights[label]) for label in meta["labels"]]


def _saved_isotonic(meta: dict, path: Path) -> tuple[list[float], list[float]] | None:
    calibration = meta.get("calibration") or {}
    if not isinstance(calibration, dict) or calibration.get("method") != "isotonic":
        return None
    xs, ys = calibration.get("isotonic_x"), calibration.get("isotonic_y")
    ok = (isinstance(xs, list) and isinstance(ys, list) and 0 < len(xs) == len(ys) <= 100_000
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 1
                  for v in (*xs, *ys))
          and all(a <= b for a, b in zip(xs, xs[1:])))
    if not ok:
        raise NewsrolesError(f"{MODEL_FILE}: calibration.isotonic_x/_y must be lists of "
                             "equal length in [0, 1], x in order", path)
    return [float(v) for v in xs], [float(v) for v in ys]


def _saved_temperature(meta: dict, path: Path) -> float:
    """model.json's calibration (models saved before it have none: 1.0)."""
    calibration = meta.get("calibration") or {}
    t = calibration.get("temperature", 1.0) if isinstance(calibration, dict) else None
    if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.01 <= t <= 100:
        raise NewsrolesError(f"{MODEL_FILE}: calibration.temperature must be a number in "
                             "[0.01, 100]", path)
    return float(t)
