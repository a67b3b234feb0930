"""Sentence-role classifiers behind one small interface (see base.py)."""

from newsroles.models.base import MODEL_REGISTRY, Model, build_model, load_model

__all__ = ["MODEL_REGISTRY", "Model", "build_model", "load_model"]
