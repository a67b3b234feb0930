"""minilm_linear: frozen sentence embeddings (all-MiniLM-L6-v2, mean-pooled, normalised)
of the sentence and of its neighbours, the quotation-state features, and a logistic
regression on top.

Embeddings are cached per encoder and per set of texts (`cache_dir`, by default under the
runs cache), so a sweep over C or seeds on the same corpus embeds it once. The model folder
keeps the regression weights (plain arrays) and names the encoder; the encoder itself is
the installed package's (or the given folder's), checked by the hash of its config and
weights file names and sizes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.models.base import Model, softmax_rows, training_labels
from newsroles.models.encoders import length_sorted_batches, resolve_pretrained

WEIGHTS_FILE = "weights.npz"


def encoder_fingerprint(path: Path) -> str:
    h = hashlib.sha256((path / "config.json").read_bytes())
    for f in sorted(path.glob("*.safetensors")) + sorted(path.glob("*.bin")):
        h.update(f"{f.name}:{f.stat().st_size}".encode())
    return h.hexdigest()[:16]


class SentenceEncoder:
    """Mean-pooled, L2-normalised sentence embeddings, batched by length, no gradients."""

    def __init__(self, pretrained: str, batch_size: int, max_length: int):
        self.path = resolve_pretrained(pretrained)
        self.batch_size, self.max_length = batch_size, max_length
        self._model = self._tokenizer = None

    @property
    def fingerprint(self) -> str:
        return encoder_fingerprint(self.path)

    def _load(self):
        if self._model is None:
            import torch
            from transformers import AutoModel, AutoTokenizer

            from newsroles.models.encoders import device

            self._device = device()
            self._tokenizer = AutoTokenizer.from_pretrained(self.path)
            self._model = AutoModel.from_pretrained(self.path).to(self._device).eval()
            if self._device.type == "cuda":
                self._model = self._model.to(torch.bfloat16)

    def encode(self, texts: list[str]) -> np.ndarray:
        import torch

        self._load()
        dim = self._model.config.hidden_size
        out = np.zeros((len(texts), dim), dtype=np.float32)
        lengths = [len(t) for t in texts]
        with torch.inference_mode():
            for idx in length_sorted_batches(lengths, self.batch_size):
                enc = self._tokenizer([texts[i] for i in idx], padding=True, truncation=True,
                                      max_length=self.max_length, return_tensors="pt")
                enc = {k: v.to(self._device) for k, v in enc.items()}
                hidden = self._model(**enc).last_hidden_state.float()
                mask = enc["attention_mask"].unsqueeze(-1).float()
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, dim=1)
                out[idx] = pooled.cpu().numpy()
        return out


def embed_with_cache(encoder: SentenceEncoder, texts: list[str],
                     cache_dir: str | None) -> dict[str, np.ndarray]:
    """Embeddings of the unique non-empty texts, from the cache when this exact set was
    embedded before by this encoder."""
    unique = sorted({t for t in texts if t})
    key = hashlib.sha256("\n".join(unique).encode()).hexdigest()[:24]
    path = Path(cache_dir) / encoder.fingerprint / f"{key}.npy" if cache_dir else None
    if path is not None and path.exists():
        vectors = np.load(path, allow_pickle=False)
    else:
        vectors = encoder.encode(unique) if unique else np.zeros((0, 1), np.float32)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vectors)
            tmp.replace(path)
    return dict(zip(unique, vectors, strict=True))


class MiniLMLinearModel(Model):
    name = "minilm_linear"
    process_parallel = False  # torch uses every core itself; tag in one process

    def _setup(self) -> None:
        # Where embeddings are cached: a place on this machine, not part of the model.
        self.cache_dir: str | None = None
        self._encoder: SentenceEncoder | None = None
        self._est: dict | None = None

    @property
    def encoder(self) -> SentenceEncoder:
        if self._encoder is None:
            self._encoder = SentenceEncoder(self.pretrained, self.batch_size, self.max_length)
        return self._encoder

    def _features(self, X) -> np.ndarray:
        from newsroles.models.linear import _dense_features

        texts = X["text"].tolist()
        prev = X["prev_text"].tolist() if "prev_text" in X else [""] * len(X)
        nxt = X["next_text"].tolist() if "next_text" in X else [""] * len(X)
        table = embed_with_cache(self.encoder, texts + prev + nxt, self.cache_dir)
        dim = next(iter(table.values())).shape[0] if table else 384
        zero = np.zeros(dim, np.float32)

        def vec(t):
            return table.get(t, zero) if t else zero

        parts = [np.stack([vec(t) for t in texts])]
        if self.context_weight:
            ctx = np.stack([(vec(p) + vec(n)) / 2 for p, n in zip(prev, nxt, strict=True)])
            parts.append(ctx * self.context_weight)
        if self.quote_state_weight:
            parts.append(_dense_features(X).toarray() * self.quote_state_weight)
        return np.hstack(parts).astype(np.float64)

    def fit(self, X, y, sample_weight=None, labels=None) -> MiniLMLinearModel:
        from sklearn.linear_model import LogisticRegression

        y = np.asarray(y)
        self.labels = labels = training_labels(y, labels)
        clf = LogisticRegression(C=self.C, class_weight=self.class_weight,
                                 max_iter=self.max_iter, random_state=self.seed)
        clf.fit(self._features(X), y, sample_weight=sample_weight)
        order = [list(clf.classes_).index(label) for label in labels]
        self._est = {"coef": clf.coef_[order], "intercept": clf.intercept_[order]}
        return self

    def _predict_proba(self, X) -> np.ndarray:
        if self._est is None:
            raise NewsrolesError("model is not fitted")
        if len(X) == 0:
            return np.zeros((0, len(self.labels)))
        return softmax_rows(self._features(X) @ self._est["coef"].T + self._est["intercept"])

    def _save_weights(self, path: Path) -> list[str]:
        np.savez(path / WEIGHTS_FILE, **self._est)
        (path / "encoder.json").write_text(json.dumps(
            {"pretrained": self.pretrained, "fingerprint": self.encoder.fingerprint}, indent=2))
        return [WEIGHTS_FILE, "encoder.json"]

    @classmethod
    def _load(cls, path: Path, meta: dict) -> MiniLMLinearModel:
        model = cls(**meta["params"])
        try:
            with np.load(path / WEIGHTS_FILE, allow_pickle=False) as npz:
                model._est = {k: npz[k] for k in ("coef", "intercept")}
        except (ValueError, OSError, KeyError) as e:
            raise NewsrolesError(f"refusing {WEIGHTS_FILE}: {e}", path) from None
        expected = json.loads((path / "encoder.json").read_text())["fingerprint"]
        if model.encoder.fingerprint != expected:
            raise NewsrolesError(
                f"the encoder {model.pretrained!r} installed here differs from the one this "
                "model was trained with", path)
        return model
