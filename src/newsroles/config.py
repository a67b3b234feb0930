"""Structured configs: the schema the YAML in conf/ fills in, and the only defaults.

Registered in Hydra's ConfigStore so that a typo in a key or a wrong type fails when the
config is composed, before any stage runs. The model dataclasses are also what a model is
built from (models.base.Model takes their fields as its parameters and has no defaults of
its own); `__post_init__` checks the values, so a bad one stops at composition too
(`check_config`) as well as when a model is built in Python.

This module imports neither Hydra nor OmegaConf at import time: the tagger builds models
from these dataclasses and should start quickly.
"""

from __future__ import annotations

import typing
from dataclasses import dataclass, field, fields
from enum import Enum
from typing import Any, ClassVar, Optional

from newsroles import LABELS
from newsroles.errors import NewsrolesError

MISSING: Any = "???"  # omegaconf.MISSING: a value that must be given


class TrainSource(str, Enum):
    gold = "gold"
    weak = "weak"
    both = "both"


class DataFormat(str, Enum):
    articles = "articles"  # raw article text, split by the prepare stage; gold as spans
    sentences = "sentences"  # pre-split sentences, one JSON a line, each with its gold label


class WordHasher(str, Enum):
    numpy = "numpy"
    sklearn = "sklearn"


class Aggregator(str, Enum):
    majority = "majority"
    priority = "priority"
    label_model = "label_model"


@dataclass
class PathsConfig:
    root: str = MISSING
    runs: str = "runs"
    cache: str = MISSING


@dataclass
class SentencesConfig:
    drop_datelines: bool = True
    drop_captions: bool = True
    fragment_max_words: int = 8


@dataclass
class DataConfig:
    name: str = MISSING
    format: DataFormat = DataFormat.articles
    # format=articles: articles JSONL, gold spans JSONL, article-level splits JSON.
    articles: Optional[str] = None
    gold: Optional[str] = None
    splits: Optional[str] = None
    # The corpus folder (required: `???` in a data config means "give it on the command
    # line"); format=sentences reads one sentence file per split, usually under it.
    path: Optional[str] = MISSING
    sentence_files: dict[str, str] = field(default_factory=dict)
    # The labels the gold uses, how our four fold into them, and a coarser view scored too.
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    fold: dict[str, str] = field(default_factory=dict)
    coarse: dict[str, str] = field(default_factory=dict)
    ignore_labels: list[str] = field(default_factory=list)  # kept as context, never scored
    eval_split: str = "test"
    sentences: SentencesConfig = field(default_factory=SentencesConfig)


def _value(x):
    return getattr(x, "value", x)


def _fits(value, hint) -> bool:
    """Does `value` have the declared type (as JSON or a composed config gives it)?"""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin is typing.Union:
        return any(_fits(value, a) for a in args)
    if hint is type(None):
        return value is None
    if origin in (list, tuple):
        return isinstance(value, (list, tuple)) and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return isinstance(value, dict) and all(_fits(v, args[1]) for v in value.values())
    if isinstance(hint, type) and issubclass(hint, Enum):
        return _value(value) in [m.value for m in hint]
    if hint is bool:
        return isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and value == value
    if hint is str:
        return isinstance(value, str)
    return True


_TYPE_WORDS = {int: "a whole number", float: "a number", bool: "true or false", str: "text"}


def check_types(config, prefix: str) -> None:
    """Each field of a config dataclass holds a value of its declared type."""
    hints = typing.get_type_hints(type(config))
    for f in fields(config):
        value, hint = getattr(config, f.name), hints[f.name]
        if not _fits(value, hint):
            want = _TYPE_WORDS.get(hint, str(hint).replace("typing.", ""))
            raise NewsrolesError(f"{prefix}.{f.name}={value!r}: expected {want}")


def _require(ok: bool, key: str, value, what: str) -> None:
    if not ok:
        raise NewsrolesError(f"{key}={value!r}: {what}")


def _check_range(key: str, value, low: int = 1) -> None:
    ok = (isinstance(value, (list, tuple)) and len(value) == 2
          and all(isinstance(v, int) for v in value) and low <= value[0] <= value[1])
    _require(ok, key, value, f"two whole numbers [lo, hi] with {low} <= lo <= hi")


@dataclass
class LabelModelConfig:
    """Snorkel LabelModel.fit settings (aggregator=label_model; the rules model too)."""

    epochs: int = 500
    lr: float = 0.001
    l2: float = 30.0
    prec_init: float = 0.9

    def __post_init__(self):
        check_types(self, "labeling.label_model")
        _require(self.epochs >= 1, "labeling.label_model.epochs", self.epochs, "must be >= 1")
        _require(self.lr > 0, "labeling.label_model.lr", self.lr, "must be > 0")
        _require(self.l2 >= 0, "labeling.label_model.l2", self.l2, "must be >= 0")
        _require(0 < self.prec_init < 1, "labeling.label_model.prec_init", self.prec_init,
                 "must be between 0 and 1")


@dataclass
class LabelingConfig:
    # Names from newsroles.labeling.functions, or [all].
    functions: list[str] = field(default_factory=lambda: ["all"])
    # How votes are combined (newsroles.labeling.aggregate):
    #   priority     the first label in spec order with any vote (the spec's "first rule
    #                that fits wins"); the default: best on gold dev
    #   majority     most votes, ties in spec order
    #   label_model  Snorkel's LabelModel: learned accuracies, class balance below
    # A sentence no function votes on is background, the spec's "none of the others".
    aggregator: Aggregator = Aggregator.priority
    # label_model only: gold_train (estimated from gold-train labels), four shares in label
    # order (quote, attribution, policy_statement, background), or null (uniform prior).
    class_balance: Any = "gold_train"
    label_model: LabelModelConfig = field(default_factory=LabelModelConfig)


@dataclass
class TrainConfig:
    # gold (gold-train only), weak (weak labels of every sentence outside gold dev/test
    # articles), both (gold-train where annotated, weak labels elsewhere).
    source: TrainSource = TrainSource.both
    # Sample weight of a weakly labelled sentence relative to a gold one. Chosen on gold
    # dev: weak labels are noisier than gold, and there are ten times as many of them.
    weak_weight: float = 0.05
    # A weakly labelled sentence needs at least this many labeling-function votes (0: every
    # sentence, those with no vote counting as background).
    weak_min_votes: int = 0
    # After fitting, on gold dev: temperature (one number, fitted to the least log-loss),
    # isotonic (that, then an isotonic map of the top label's confidence), or none. No
    # predicted label changes. Chosen by cross-validated ECE on gold dev
    # (benchmarks/calibration.py).
    calibration: str = "isotonic"
    # Then, with thresholds=true, per-label decision weights chosen on gold dev for the best
    # macro-F1 (Model.fit_thresholds); the probabilities stay as calibrated.
    thresholds: bool = False


@dataclass
class EvalConfig:
    # The gold split scored (conf/eval/default.yaml links it to data.eval_split).
    split: str = "test"
    # A saved model (run directory or model folder) to evaluate instead of training one:
    #   newsroles evaluate eval.model=runs/<run> data=polnear data.path=../shared/corpora/polnear
    model: Optional[str] = None
    bootstrap: int = 1000  # bootstrap resamples for the macro-F1 interval (0: none)
    confidence: float = 0.95


_CLASS_WEIGHTS = (None, "balanced")


@dataclass
class LinearModelConfig:
    model_class: ClassVar[str] = "newsroles.models.linear:LinearModel"
    name: str = "linear"
    word_ngram_range: list[int] = field(default_factory=lambda: [1, 2])
    # Words plus the marks that carry roles: quotation marks and the comma of "..., X said."
    token_pattern: str = r"(?u)\b\w+\b|[“”\"‘’«»,:;—]"
    lowercase: bool = True
    n_features: int = 2**16
    # numpy: hashed n-grams built from token hashes (models.hashing), about twice as quick
    # to tag as scikit-learn's HashingVectorizer (sklearn), whose columns models saved
    # before this option keep using.
    word_hasher: WordHasher = WordHasher.numpy
    # Character n-grams read misspellings and word shapes, at five times the cost.
    use_char: bool = False
    char_ngram_range: list[int] = field(default_factory=lambda: [3, 5])
    context_weight: float = 0.5  # the neighbouring sentences' words
    context_n_features: int = 2**14
    quote_state_weight: float = 1.0  # quotation state and interview turn
    # The labeling functions' votes as features (0 turns them off: faster tagging).
    lf_votes_weight: float = 1.0
    # Also the votes of the functions that read the dependency parse (dev macro-F1 0.819
    # with, 0.742 without: the parse decides the main clause); spaCy then parses, at tagging
    # time, the sentences holding a word those functions look for (labeling.gate: about
    # half; 2,500 instead of 20,000 sentences/s on 2 cores).
    lf_parse: bool = True
    # What the main clause says (models.linear.parse_items: root lemma, subject words,
    # object, complement, voice, negation, pairs), hashed into parse_n_features columns.
    parse_weight: float = 0.0
    parse_n_features: int = 2**14
    C: float = 0.3
    class_weight: Optional[str] = "balanced"
    max_iter: int = 1000
    solver: str = "lbfgs"

    def __post_init__(self):
        check_types(self, "model")
        _check_range("model.word_ngram_range", self.word_ngram_range)
        _check_range("model.char_ngram_range", self.char_ngram_range)
        for key in ("n_features", "context_n_features", "parse_n_features", "max_iter"):
            value = getattr(self, key)
            _require(isinstance(value, int) and value >= 1, f"model.{key}", value,
                     "must be a whole number >= 1")
        _require(self.n_features <= 2**26, "model.n_features", self.n_features,
                 "must be at most 2**26 (67,108,864)")
        for key in ("context_weight", "quote_state_weight", "lf_votes_weight", "parse_weight"):
            _require(getattr(self, key) >= 0, f"model.{key}", getattr(self, key),
                     "must be >= 0")
        _require(self.C > 0, "model.C", self.C, "must be > 0")
        _require(self.class_weight in _CLASS_WEIGHTS, "model.class_weight", self.class_weight,
                 "balanced or null")
        _require(_value(self.word_hasher) in ("numpy", "sklearn"), "model.word_hasher",
                 _value(self.word_hasher), "numpy or sklearn")
        _require(self.solver in ("lbfgs", "liblinear", "newton-cg", "newton-cholesky", "sag",
                                 "saga"), "model.solver", self.solver,
                 "one of scikit-learn's LogisticRegression solvers")


@dataclass
class RulesModelConfig:
    model_class: ClassVar[str] = "newsroles.models.rules:RulesModel"
    name: str = "rules"
    functions: list[str] = field(default_factory=lambda: ["all"])
    aggregator: Aggregator = Aggregator.majority
    class_balance: Any = None

    def __post_init__(self):
        check_types(self, "model")
        _require(_value(self.aggregator) in [a.value for a in Aggregator], "model.aggregator",
                 _value(self.aggregator), ", ".join(a.value for a in Aggregator))


@dataclass
class MiniLMLinearModelConfig:
    model_class: ClassVar[str] = "newsroles.models.embedding:MiniLMLinearModel"
    name: str = "minilm_linear"
    pretrained: str = "minilm"
    context_weight: float = 0.5
    quote_state_weight: float = 1.0
    C: float = 1.0
    class_weight: Optional[str] = "balanced"
    max_iter: int = 2000
    batch_size: int = 128
    max_length: int = 128

    def __post_init__(self):
        check_types(self, "model")
        _require(self.C > 0, "model.C", self.C, "must be > 0")
        for key in ("max_iter", "batch_size", "max_length"):
            _require(getattr(self, key) >= 1, f"model.{key}", getattr(self, key),
                     "must be >= 1")
        for key in ("context_weight", "quote_state_weight"):
            _require(getattr(self, key) >= 0, f"model.{key}", getattr(self, key),
                     "must be >= 0")
        _require(self.class_weight in _CLASS_WEIGHTS, "model.class_weight", self.class_weight,
                 "balanced or null")


@dataclass
class TransformerModelConfig:
    model_class: ClassVar[str] = "newsroles.models.transformer:TransformerModel"
    name: str = "transformer"
    pretrained: str = "minilm"
    window: int = 1
    quote_state: bool = True
    max_length: int = 128
    epochs: float = 3.0
    batch_size: int = 16
    gpu_batch_size: int = 64
    learning_rate: float = 5e-5
    weight_decay: float = 0.01
    warmup_steps: int = 50
    class_weight: Optional[str] = "balanced"
    early_stopping_patience: int = 2
    # Prefix each sentence with the labeling functions' votes ("[rules: said = attribution]"),
    # so the network learns where the rules are right instead of rediscovering them.
    rule_hints: bool = False
    # Training batches drawn among sentences of similar length: less padding, same epochs.
    group_by_length: bool = True
    # Save the network as ONNX graphs too (fp32 and int8), for tagging with ONNX Runtime.
    onnx_export: bool = True
    # Sentences per forward pass when tagging: small on a CPU (2 cores, MiniLM with context,
    # benchmarks/transformer_speed.py: 142 sentences/s at 16 a batch, 102 at 256), large on
    # a GPU.
    predict_batch_size: int = 16
    gpu_predict_batch_size: int = 256

    def __post_init__(self):
        check_types(self, "model")
        _require(self.epochs > 0, "model.epochs", self.epochs, "must be > 0")
        _require(self.learning_rate > 0, "model.learning_rate", self.learning_rate,
                 "must be > 0")
        for key in ("max_length", "batch_size", "gpu_batch_size", "predict_batch_size",
                    "gpu_predict_batch_size"):
            _require(getattr(self, key) >= 1, f"model.{key}", getattr(self, key),
                     "must be >= 1")
        for key in ("window", "warmup_steps", "weight_decay", "early_stopping_patience"):
            _require(getattr(self, key) >= 0, f"model.{key}", getattr(self, key),
                     "must be >= 0")
        _require(self.class_weight in _CLASS_WEIGHTS, "model.class_weight", self.class_weight,
                 "balanced or null")


@dataclass
class EnsembleModelConfig:
    """The calibrated probabilities of several models, weighted. `members` (required, two
    or more): each a saved model (a run directory or model folder), or a model's settings
    (`{name: transformer, epochs: 3}`, trained here on the train stage's sentences and
    calibrated on gold dev). `weights`: one number each, or null to choose them on gold
    dev (a grid over the simplex, step `weight_step`, best macro-F1). The members are
    copied into the ensemble's folder, so it alone can predict."""
    model_class: ClassVar[str] = "newsroles.models.ensemble:EnsembleModel"
    name: str = "ensemble"
    members: list[Any] = MISSING
    weights: Optional[list[float]] = None
    weight_step: float = 0.05

    def __post_init__(self):
        _require(isinstance(self.members, (list, tuple)) and len(self.members) >= 2,
                 "model.members", self.members,
                 "give two or more saved models: model.members=[runs/A,runs/B]")
        check_types(self, "model")
        for i, m in enumerate(self.members):
            _require(isinstance(m, str) or (isinstance(m, dict) and isinstance(m.get("name"), str)
                                            and m["name"] in MODEL_CONFIGS
                                            and m["name"] != "ensemble"),
                     f"model.members[{i}]", m,
                     "a saved model's folder, or a model's settings with its name "
                     "({name: linear, ...}; not an ensemble)")
        _require(self.weights is None or (len(self.weights) == len(self.members)
                                          and all(w >= 0 for w in self.weights)
                                          and sum(self.weights) > 0),
                 "model.weights", self.weights, "one weight >= 0 per member, not all 0")
        _require(0 < self.weight_step <= 0.5, "model.weight_step", self.weight_step,
                 "must be in (0, 0.5]")


# Every model, by name: its config is its parameters, defaults and class (one factory,
# models.base.build_model, builds from it; loading a saved model finds its class here only).
MODEL_CONFIGS: dict[str, type] = {
    c.name: c for c in (LinearModelConfig, RulesModelConfig, MiniLMLinearModelConfig,
                        TransformerModelConfig, EnsembleModelConfig)
}


def model_params(config_class: type) -> list[str]:
    """A model config's parameter names (its fields less `name`)."""
    return [f.name for f in fields(config_class) if f.name != "name"]


@dataclass
class Config:
    paths: PathsConfig = field(default_factory=PathsConfig)
    data: DataConfig = field(default_factory=DataConfig)
    labeling: LabelingConfig = field(default_factory=LabelingConfig)
    model: Any = MISSING
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    seed: int = 42
    # k-fold cross-validation over the gold-train articles (crossval.py): null = off.
    fold: Optional[int] = None
    folds: int = 5
    stage: str = "run"
    run_name: str = MISSING
    logger: Any = None


def check_config(cfg) -> None:
    """Check a composed config's values beyond their types (the structured configs check
    those); raises NewsrolesError with one line. Nothing is written."""
    from omegaconf import OmegaConf

    model = OmegaConf.to_container(cfg.model, resolve=True)
    config_class = MODEL_CONFIGS.get(model.get("name"))
    _require(config_class is not None, "model.name", model.get("name"),
             f"one of {', '.join(MODEL_CONFIGS)}")
    unknown = sorted(set(model) - {f.name for f in fields(config_class)})
    if unknown:
        raise NewsrolesError(f"model.{unknown[0]}: not a setting of model {model['name']} "
                             f"(its settings: {', '.join(model_params(config_class))})")
    config_class(**model)
    LabelModelConfig(**OmegaConf.to_container(cfg.labeling.label_model, resolve=True))
    _require(cfg.train.weak_weight >= 0, "train.weak_weight", cfg.train.weak_weight,
             "must be >= 0")
    _require(cfg.train.weak_min_votes >= 0, "train.weak_min_votes", cfg.train.weak_min_votes,
             "must be >= 0")
    _require(cfg.train.calibration in ("temperature", "isotonic", "none"),
             "train.calibration", cfg.train.calibration, "temperature, isotonic or none")
    _require(cfg.eval.bootstrap >= 0, "eval.bootstrap", cfg.eval.bootstrap,
             "must be >= 0 (0: no interval)")
    _require(0 < cfg.eval.confidence < 1, "eval.confidence", cfg.eval.confidence,
             "must be between 0 and 1")
    _require(cfg.folds >= 2, "folds", cfg.folds, "must be >= 2")
    if cfg.fold is not None:
        _require(0 <= cfg.fold < cfg.folds, "fold", cfg.fold, f"must be in 0..{cfg.folds - 1}")
    sentences = cfg.data.sentences
    _require(sentences.fragment_max_words >= 0, "data.sentences.fragment_max_words",
             sentences.fragment_max_words, "must be >= 0")


def register_configs() -> None:
    from hydra.core.config_store import ConfigStore

    cs = ConfigStore.instance()
    cs.store(name="newsroles_schema", node=Config)
    cs.store(group="model", name="linear_schema", node=LinearModelConfig)
    cs.store(group="model", name="rules_schema", node=RulesModelConfig)
    cs.store(group="model", name="minilm_linear_schema", node=MiniLMLinearModelConfig)
    cs.store(group="model", name="transformer_schema", node=TransformerModelConfig)
    cs.store(group="model", name="ensemble_schema", node=EnsembleModelConfig)
