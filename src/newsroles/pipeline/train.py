"""train: fit the configured model on gold-train and/or weak labels.

Reads the sentence table with its gold labels and parse, and the label stage's votes and
weak labels. Writes model/ (a self-contained model folder) and training.json (what it saw).

Weak labels are used only for sentences of articles outside gold dev and test (and, under
cross-validation, the held-out fold), so nothing about the held-out articles reaches the
model.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from omegaconf import OmegaConf

from newsroles import LABELS, ranks
from newsroles.errors import NewsrolesError
from newsroles.labelspace import fold_index
from newsroles.models.base import build_model, fit_model, model_class, model_module
from newsroles.pipeline import label
from newsroles.pipeline.stage import Inputs, Stage
from newsroles.pipeline.tables import sentence_table

SOURCES = ("gold", "weak", "both")


def training_rows(
    table, weak_labels: np.ndarray, source: str, weak_weight: float,
    votes: np.ndarray | None = None, weak_min_votes: int = 0,
    data_labels=LABELS, fold: dict | None = None,
):
    """Select training sentences: returns (row indices, label strings, sample weights).

    Weak labels (our four) are folded into the data's label set where it differs.

    With weak_min_votes > 0, a weakly labelled sentence needs that many labeling-function
    votes: a sentence every function abstained on is `background` by default, which is
    right for most but wrong for the acts and reports the functions miss.
    """
    if source not in SOURCES:
        raise NewsrolesError(f"train.source={source!r}: expected one of {', '.join(SOURCES)}")
    split = table["split"].to_numpy(dtype=object)
    gold = table["gold_label"].to_numpy(dtype=object)
    is_gold_train = (split == "train") & table["gold_label"].notna().to_numpy()
    # Every article in a split other than train (dev, test, a cross-validation fold's
    # reserved test) is held out: none of its sentences train the model.
    held_out = np.array([s is not None and s == s and s != "train" for s in split], dtype=bool)
    idx, y, w = [], [], []
    if source in ("gold", "both"):
        rows = np.flatnonzero(is_gold_train)
        idx.append(rows), y.append(gold[rows]), w.append(np.ones(len(rows)))
    if source in ("weak", "both"):
        mask = ~held_out if source == "weak" else ~held_out & ~is_gold_train
        if weak_min_votes and votes is not None:
            mask &= (votes >= 0).sum(axis=1) >= weak_min_votes
        rows = np.flatnonzero(mask)
        idx.append(rows)
        to_data = fold_index(LABELS, list(data_labels), fold or {})
        y.append(np.asarray(data_labels, dtype=object)[to_data[weak_labels[rows]]])
        w.append(np.full(len(rows), weak_weight))
    return np.concatenate(idx), np.concatenate(y), np.concatenate(w)


def compute(inputs: Inputs, out: Path) -> None:
    cfg = inputs.cfg
    table = sentence_table(inputs, with_parse=True)
    votes, weak_labels, _ = label.load_votes(inputs["label"])
    model_cfg = OmegaConf.to_container(cfg.model, resolve=True, enum_to_str=True)
    train_cfg = OmegaConf.to_container(cfg.train, resolve=True, enum_to_str=True)
    model = build_model(model_cfg, seed=cfg.seed)
    rank = ranks.current()
    if rank.distributed and not data_parallel(cfg):
        _refuse_torch_members(cfg)
    data_labels = list(cfg.data.labels)
    idx, y, w = training_rows(
        table, weak_labels, train_cfg["source"], train_cfg["weak_weight"],
        votes, train_cfg["weak_min_votes"], data_labels, dict(cfg.data.fold),
    )
    if len(idx) == 0:
        raise NewsrolesError(f"no training sentences for train.source={train_cfg['source']}")
    # Machine-local working folders (not part of the saved model).
    if hasattr(model, "checkpoint_dir"):
        model.checkpoint_dir = str(inputs.work_dir / "checkpoints" / inputs.key)
    if hasattr(model, "cache_dir") and model.cache_dir is None:
        model.cache_dir = str(inputs.work_dir / "embeddings")
    # Early stopping (and an ensemble's weights) read gold dev, never test.
    dev = (table["split"] == "dev") & table["gold_label"].notna()
    fit_model(model, table.iloc[idx].reset_index(drop=True), y, sample_weight=w,
              labels=data_labels,
              eval_set=(table[dev].reset_index(drop=True), table.loc[dev, "gold_label"].tolist()))
    if not rank.main:
        return  # the other ranks of a data-parallel job only train: rank 0 finishes the model
    if train_cfg["calibration"] != "none" and dev.any():
        # Gold dev, never test; no predicted label changes.
        model.calibrate(table[dev].reset_index(drop=True), table.loc[dev, "gold_label"].tolist(),
                        train_cfg["calibration"])
    if train_cfg["thresholds"]:
        if not dev.any():
            raise NewsrolesError("train.thresholds=true chooses the weights on gold dev, and "
                                 "there is none")
        model.fit_thresholds(table[dev].reset_index(drop=True),
                             table.loc[dev, "gold_label"].tolist())
    model.save(out / "model",
               preprocessing=OmegaConf.to_container(cfg.data.sentences, resolve=True))
    counts = {lab: int((y == lab).sum()) for lab in data_labels}
    info = {"source": train_cfg["source"], "n": int(len(idx)), "label_counts": counts,
            "temperature": model.temperature}
    if rank.distributed and data_parallel(cfg):
        # N processes of model.batch_size each: a different result from one process.
        info["world_size"] = rank.world_size
    if model.decision_weights is not None:
        info["decision_weights"] = dict(zip(model.labels, model.decision_weights))
    if getattr(model, "training_log", None):
        info["log"] = model.training_log  # per-epoch loss and dev macro-F1
    (out / "training.json").write_text(json.dumps(info, indent=2) + "\n")


def environment(cfg) -> dict:
    """The pretrained encoder's files (by name and size) when the model starts from one:
    a local folder or an upgraded weights package changes the result. An ensemble: its
    members' manifests (every file's hash), so a retrained member retrains it. A model
    trained data-parallel over several processes: their number (the batch it sees is that
    many times model.batch_size); one process adds nothing, so its key is a plain run's."""
    if cfg.model.get("name") == "ensemble":  # saved members: their manifests; trained: theirs
        return {"members": [_manifest_digest(m) if isinstance(m, str) else _encoder(m)
                            for m in cfg.model.members]}
    world_size = ranks.current().world_size
    if world_size > 1 and data_parallel(cfg):
        return {**_encoder(cfg.model), "world_size": world_size}
    return _encoder(cfg.model)


def data_parallel(cfg) -> bool:
    """Whether the model trains over every rank of a torchrun job (its class says so: the
    transformer, through Hugging Face's Trainer); other models train on rank 0 alone."""
    return bool(getattr(model_class(str(cfg.model.name)), "data_parallel", False))


def _refuse_torch_members(cfg) -> None:
    """An ensemble trained on rank 0 alone cannot fine-tune a transformer member: its
    Trainer would wait for the other ranks, which do not train."""
    members = cfg.model.get("members") or []
    if any(not isinstance(m, str) and getattr(model_class(str(m.get("name"))),
                                               "data_parallel", False) for m in members):
        raise NewsrolesError("model=ensemble fine-tunes its transformer members in one "
                             "process: run it without torchrun, or train the member "
                             "alone under torchrun and give the ensemble its run directory")


def _encoder(model_cfg) -> dict:
    from dataclasses import fields

    from newsroles.config import MODEL_CONFIGS

    config_class = MODEL_CONFIGS.get(str(model_cfg.get("name")))
    default = next((f.default for f in fields(config_class) if f.name == "pretrained"),
                   None) if config_class else None
    pretrained = model_cfg.get("pretrained", default)
    if not pretrained:
        return {}
    from newsroles.models.embedding import encoder_fingerprint
    from newsroles.models.encoders import resolve_pretrained

    return {"pretrained": encoder_fingerprint(resolve_pretrained(str(pretrained)))}


def _manifest_digest(member: str) -> str:
    from newsroles.models.base import MANIFEST_FILE, resolve_model_dir
    from newsroles.pipeline.cache import file_hash

    manifest = resolve_model_dir(member) / MANIFEST_FILE
    if not manifest.is_file():
        raise NewsrolesError("model.members: not a run directory or model folder", member)
    return file_hash(manifest)


def enabled(cfg, target: str) -> bool:
    # `newsroles evaluate eval.model=RUN` scores a saved model: nothing to train.
    return not (target == "evaluate" and cfg.eval.get("model"))


STAGE = Stage(
    name="train",
    compute=compute,
    reads=("prepare", "gold", "parse", "label"),
    config=("model", "train", "seed", "data.labels", "data.fold", "data.sentences"),
    outputs=("model", "training.json"),
    run_outputs={"model": "model", "training.json": "training.json"},
    code=lambda cfg: (model_module(cfg.model.name),),
    environment=environment,
    enabled=enabled,
    all_ranks=data_parallel,
    libraries=("numpy", "scipy", "scikit-learn", "pandas", "datasets", "pyarrow", "torch",
               "transformers", "accelerate", "snorkel"),
)
