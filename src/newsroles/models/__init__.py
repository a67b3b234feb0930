"""Sentence-role classifiers behind one small interface (see base.py)."""

from newsroles.models.base import Model, build_model, load_model, model_class

__all__ = ["Model", "build_model", "load_model", "model_class"]
