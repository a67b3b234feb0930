"""An ensemble of models: the weighted mean of their calibrated probabilities.

A member is a saved model (a run directory or model folder), used as it is, or a model's
settings (`{name: transformer, ...}`), which `fit` trains on the train stage's sentences
and calibrates on gold dev (a temperature; the mix is then calibrated by train.calibration). `fit` checks that the members
share a label set, and with
model.weights=null chooses the weights on gold dev (the train stage's eval_set): every
point of a grid over the simplex (step model.weight_step), the best macro-F1, ties to the
most even weights. The ensemble is then calibrated on gold dev like any model.

Saved self-contained: each member's files are copied into the ensemble's folder under a
prefix (`m0__model.json`, `m0__weights.npz`, ...; a model folder holds plain files only),
listed in its manifest; loading rebuilds each member's folder in a temporary directory and
loads it with its own manifest check, so a member altered inside the ensemble is refused.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.models.base import MANIFEST_FILE, Model, load_model, resolve_model_dir

MEMBERS_FILE = "members.json"


class EnsembleModel(Model):
    name = "ensemble"
    fitted_params = ("member_names", "chosen_weights")

    def _setup(self) -> None:
        self.members = list(self.members)
        self._models: list[Model] | None = None
        self._dirs: list[Path] = []
        # Machine-local working folders for members trained here (set by the train stage).
        self.checkpoint_dir: str | None = None
        self.cache_dir: str | None = None
        self._scratch: tempfile.TemporaryDirectory | None = None  # trained members, saved
        # The members' scores of the last table scored: fit (choosing weights on gold dev)
        # and the train stage's calibration (on the same sentences) score it once.
        self._last: tuple | None = None
        self._saved_in: Path | None = None  # the folder a loaded ensemble came from

    @property
    def process_parallel(self) -> bool:
        return all(getattr(m, "process_parallel", True) for m in self._loaded())

    def _loaded(self) -> list[Model]:
        if self._models is None:
            if not all(isinstance(m, str) for m in self.members):
                raise NewsrolesError("ensemble is not fitted (it trains some of its members)")
            self._dirs = [resolve_model_dir(m) for m in self.members]
            self._models = [load_model(d) for d in self._dirs]
        return self._models

    def _train_members(self, X, y, sample_weight, labels, eval_set) -> None:
        """Load the saved members and train the others, each saved to a scratch folder
        (copied into the ensemble's own when it is saved)."""
        from newsroles.models.base import build_model, fit_model

        self._scratch = tempfile.TemporaryDirectory(prefix="newsroles-members-")
        self._models, self._dirs = [], []
        for i, member in enumerate(self.members):
            if isinstance(member, str):
                self._dirs.append(resolve_model_dir(member))
                self._models.append(load_model(self._dirs[-1]))
                continue
            model = build_model(dict(member), seed=self.seed)
            for attr in ("checkpoint_dir", "cache_dir"):
                if getattr(self, attr) and hasattr(model, attr):
                    setattr(model, attr, str(Path(getattr(self, attr)) / f"m{i}"))
            fit_model(model, X, y, sample_weight, labels, eval_set)
            if eval_set is not None and len(eval_set[0]):
                model.calibrate(*eval_set)  # a temperature fitted on gold dev
            self._dirs.append(model.save(Path(self._scratch.name) / f"m{i}"))
            self._models.append(model)

    def fit(self, X, y, sample_weight=None, labels=None, eval_set=None) -> EnsembleModel:
        if all(isinstance(m, str) for m in self.members):
            models = self._loaded()  # nothing to train: X is not read
        else:
            self._train_members(X, y, sample_weight, labels, eval_set)
            models = self._models
        self.labels = tuple(models[0].labels)
        for d, m in zip(self._dirs, models):
            if tuple(m.labels) != self.labels:
                raise NewsrolesError(f"ensemble members disagree on labels: {list(m.labels)} "
                                     f"against {list(self.labels)}", d)
        if labels is not None and tuple(labels) != self.labels:
            raise NewsrolesError(f"ensemble members predict {list(self.labels)}, the data "
                                 f"has {list(labels)}")
        self.member_names = [m.name for m in models]
        if self.weights is not None:
            chosen = np.asarray(self.weights, float)
        elif eval_set is None:
            raise NewsrolesError("model.weights=null chooses weights on gold dev, and there "
                                 "is none: give model.weights")
        else:
            chosen = self._choose_weights(*eval_set)
        self.chosen_weights = [round(float(w), 6) for w in chosen / chosen.sum()]
        return self

    def _choose_weights(self, X, y) -> np.ndarray:
        from newsroles.evaluation import macro_f1

        probs = self._member_probs(X)
        k = len(probs)
        steps = int(round(1 / self.weight_step))
        best, best_key = None, None
        for combo in itertools.product(range(steps + 1), repeat=k - 1):
            if sum(combo) > steps:
                continue
            w = np.array([*combo, steps - sum(combo)], float) / steps
            mixed = sum(wi * p for wi, p in zip(w, probs))
            f1 = macro_f1(list(y), list(np.asarray(self.labels)[mixed.argmax(axis=1)]),
                          list(self.labels))
            key = (round(f1, 10), -float(np.abs(w - 1 / k).sum()))
            if best_key is None or key > best_key:
                best, best_key = w, key
        self.dev_macro_f1 = best_key[0]
        return best

    def _predict_proba(self, X) -> np.ndarray:
        if self.chosen_weights is None:
            raise NewsrolesError("ensemble is not fitted")
        out = np.zeros((len(X), len(self.labels)))
        used = [w > 0 for w in self.chosen_weights]  # a member weighted 0 is never run
        for w, p in zip(self.chosen_weights, self._member_probs(X, used)):
            if w:
                out += w * p
        return out

    def set_runtime(self, runtime: str) -> None:
        """The runtime for the members with a network (the others run as they are)."""
        networks = [m for m in self._loaded() if hasattr(m, "graphs_in")]
        if runtime != "torch" and not networks:
            super().set_runtime(runtime)  # the one-line refusal
        for m in networks:
            m.set_runtime(runtime)

    def _member_probs(self, X, used: list[bool] | None = None) -> list:
        """Each member's scores of X (None for a member not `used`), kept for the next call
        on the same sentences."""
        # The sentences themselves are the key (compared, not hashed): never a wrong hit.
        key = tuple(tuple(X[c]) for c in X.columns if c != "_parse")
        models = self._loaded()
        used = used or [True] * len(models)
        cached = self._last[1] if self._last is not None and self._last[0] == key else None
        probs = [cached[i] if cached is not None and cached[i] is not None
                 else (m.predict_proba(X) if use else None)
                 for i, (m, use) in enumerate(zip(models, used))]
        self._last = (key, probs)
        return probs

    # --- persistence ----------------------------------------------------------------------
    def _save_weights(self, path: Path) -> list[str]:
        if not self._dirs and self._saved_in is not None:  # a loaded ensemble, saved again
            written = sorted(f.name for f in self._saved_in.iterdir() if f.name[:1] == "m"
                             and "__" in f.name)
            for name in written:
                shutil.copyfile(self._saved_in / name, path / name)
            shutil.copyfile(self._saved_in / MEMBERS_FILE, path / MEMBERS_FILE)
            return [MEMBERS_FILE, *written]
        written = []
        for i, d in enumerate(self._dirs):
            for f in sorted(d.iterdir()):
                name = f"m{i}__{f.name}"
                shutil.copyfile(f, path / name)
                written.append(name)
        (path / MEMBERS_FILE).write_text(json.dumps(
            {"members": [{"prefix": f"m{i}__", "name": n,
                          "source": str(d) if isinstance(m, str) else "trained with it"}
                         for i, (d, n, m) in enumerate(zip(self._dirs, self.member_names,
                                                           self.members))]},
            indent=2) + "\n")
        return [MEMBERS_FILE, *written]

    @classmethod
    def _load(cls, path: Path, meta: dict) -> EnsembleModel:
        model = cls(**meta["params"])
        try:
            listed = json.loads((path / MEMBERS_FILE).read_text(encoding="utf-8"))["members"]
            prefixes = [m["prefix"] for m in listed]
        except (OSError, ValueError, KeyError, TypeError):
            raise NewsrolesError(f"corrupt {MEMBERS_FILE}", path) from None
        if (len(prefixes) != len(model.members)
                or prefixes != [f"m{i}__" for i in range(len(prefixes))]):
            raise NewsrolesError(f"{MEMBERS_FILE} does not match params.members", path)
        weights = model.chosen_weights
        if not (isinstance(weights, list) and len(weights) == len(prefixes)
                and all(isinstance(w, (int, float)) and w >= 0 for w in weights)):
            raise NewsrolesError("params.chosen_weights must be one weight >= 0 per member",
                                 path)
        models = []
        with tempfile.TemporaryDirectory(prefix="newsroles-ensemble-") as tmp:
            for prefix in prefixes:
                member = Path(tmp) / prefix.rstrip("_")
                member.mkdir()
                for f in path.iterdir():
                    if f.name.startswith(prefix):
                        target = member / f.name[len(prefix):]
                        try:
                            os.link(f, target)  # no copy of the weights where it can
                        except OSError:
                            shutil.copyfile(f, target)
                if not (member / MANIFEST_FILE).is_file():
                    raise NewsrolesError(f"ensemble member {prefix} is missing", path)
                try:
                    models.append(load_model(member))
                except NewsrolesError as e:
                    raise NewsrolesError(f"ensemble member {prefix}: {e.message}", path) from None
                if hasattr(models[-1], "graphs_in"):  # its ONNX graphs stay in this folder
                    models[-1].graphs_in(path, prefix)
        model._models = models
        model._saved_in = path
        return model


def _member_code() -> None:
    """Never called: the modules every member can come from, named so that the stage
    cache's code hash (an AST walk of the imports) covers the members' code too."""
    from newsroles.models import embedding, linear, rules, transformer  # noqa: F401
