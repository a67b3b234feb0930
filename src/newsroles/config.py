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


class TrainSource(str, Enum):
    gold = "gold"
    weak = "weak"
    both = "both"


class Aggregator(str, Enum):
    majority = "majority"
    priority = "priority"


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
    articles: str = MISSING
    gold: Optional[str] = None
    splits: Optional[str] = None
    sentences: SentencesConfig = field(default_factory=SentencesConfig)


@dataclass
class LabelingConfig:
    functions: list[str] = field(default_factory=lambda: ["all"])
    aggregator: Aggregator = Aggregator.priority


@dataclass
class TrainConfig:
    source: TrainSource = TrainSource.both
    weak_weight: float = 0.05
    weak_min_votes: int = 0


@dataclass
class EvalConfig:
    split: str = "test"
    bootstrap: int = 1000
    confidence: float = 0.95


@dataclass
class LinearModelConfig:
    name: str = "linear"
    word_ngram_range: list[int] = field(default_factory=lambda: [1, 2])
    token_pattern: str = r"(?u)\b\w+\b|[“”\"‘’«»,:;—]"
    lowercase: bool = True
    n_features: int = 2**16
    use_char: bool = False
    char_ngram_range: list[int] = field(default_factory=lambda: [3, 5])
    context_weight: float = 0.5
    context_n_features: int = 2**14
    quote_state_weight: float = 1.0
    lf_votes_weight: float = 1.0
    C: float = 0.3
    class_weight: Optional[str] = "balanced"
    max_iter: int = 1000
    solver: str = "lbfgs"


@dataclass
class RulesModelConfig:
    name: str = "rules"
    functions: list[str] = field(default_factory=lambda: ["all"])
    aggregator: Aggregator = Aggregator.majority


@dataclass
class Config:
    paths: PathsConfig = field(default_factory=PathsConfig)
    data: DataConfig = field(default_factory=DataConfig)
    labeling: LabelingConfig = field(default_factory=LabelingConfig)
    model: Any = MISSING
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    seed: int = 42
    stage: str = "run"
    run_name: str = MISSING


def register_configs() -> None:
    cs = ConfigStore.instance()
    cs.store(name="newsroles_schema", node=Config)
    cs.store(group="model", name="linear_schema", node=LinearModelConfig)
    cs.store(group="model", name="rules_schema", node=RulesModelConfig)
