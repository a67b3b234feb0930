"""Structured configs: the schema the YAML in conf/ fills in.

Registered in Hydra's ConfigStore so that a typo in a key or a wrong type fails when the
config is composed, before any stage runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from newsroles import LABELS


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


@dataclass
class LabelModelConfig:
    """Snorkel LabelModel.fit settings (aggregator=label_model)."""

    epochs: int = 500
    lr: float = 0.001
    l2: float = 30.0
    prec_init: float = 0.9


@dataclass
class LabelingConfig:
    functions: list[str] = field(default_factory=lambda: ["all"])
    aggregator: Aggregator = Aggregator.priority
    # label_model only: gold_train | [four shares in label order] | null (uniform prior)
    class_balance: Any = "gold_train"
    label_model: LabelModelConfig = field(default_factory=LabelModelConfig)


@dataclass
class TrainConfig:
    source: TrainSource = TrainSource.both
    weak_weight: float = 0.05
    weak_min_votes: int = 0


@dataclass
class EvalConfig:
    split: str = "test"
    model: Optional[str] = None  # a saved model (run dir or model folder): evaluate it, no training
    bootstrap: int = 1000
    confidence: float = 0.95


@dataclass
class LinearModelConfig:
    name: str = "linear"
    word_ngram_range: list[int] = field(default_factory=lambda: [1, 2])
    token_pattern: str = r"(?u)\b\w+\b|[“”\"‘’«»,:;—]"
    lowercase: bool = True
    n_features: int = 2**16
    word_hasher: WordHasher = WordHasher.numpy
    use_char: bool = False
    char_ngram_range: list[int] = field(default_factory=lambda: [3, 5])
    context_weight: float = 0.5
    context_n_features: int = 2**14
    quote_state_weight: float = 1.0
    lf_votes_weight: float = 1.0
    lf_parse: bool = True
    C: float = 0.3
    class_weight: Optional[str] = "balanced"
    max_iter: int = 1000
    solver: str = "lbfgs"


@dataclass
class RulesModelConfig:
    name: str = "rules"
    functions: list[str] = field(default_factory=lambda: ["all"])
    aggregator: Aggregator = Aggregator.majority
    class_balance: Any = None


@dataclass
class MiniLMLinearModelConfig:
    name: str = "minilm_linear"
    pretrained: str = "minilm"
    context_weight: float = 0.5
    quote_state_weight: float = 1.0
    C: float = 1.0
    class_weight: Optional[str] = "balanced"
    max_iter: int = 2000
    batch_size: int = 128
    max_length: int = 128


@dataclass
class TransformerModelConfig:
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
    predict_batch_size: int = 256


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


def register_configs() -> None:
    cs = ConfigStore.instance()
    cs.store(name="newsroles_schema", node=Config)
    cs.store(group="model", name="linear_schema", node=LinearModelConfig)
    cs.store(group="model", name="rules_schema", node=RulesModelConfig)
    cs.store(group="model", name="minilm_linear_schema", node=MiniLMLinearModelConfig)
    cs.store(group="model", name="transformer_schema", node=TransformerModelConfig)
