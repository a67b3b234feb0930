"""transformer: fine-tune a pretrained encoder (all-MiniLM-L6-v2 by default, or any local
model folder / cached Hugging Face id given as `pretrained`) with Hugging Face's `Trainer`
and `AutoModelForSequenceClassification`.

Input: the sentence (marked when it starts inside a quotation) paired with its neighbours
within `window` sentences. Training: per-class weights (balanced) times per-sentence
weights (weak labels count `train.weak_weight`), early stopping on gold-dev macro-F1 when
the train stage gives a dev set, seeds, checkpoints each epoch (a crashed run resumes from
the last one), bf16 and a larger batch on a GPU. Saved: the Hugging Face model and
tokenizer files (weights in safetensors) beside model.json, whose label2id/id2label and
context settings are enough to predict.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.models.base import Model, training_labels
from newsroles.models.encoders import (
    device,
    length_sorted_batches,
    offline,
    resolve_pretrained,
    sentence_inputs,
)


class TransformerModel(Model):
    name = "transformer"
    process_parallel = False  # torch uses every core itself; tag in one process

    def _setup(self) -> None:
        # Where checkpoints go: a place on this machine, not part of the model.
        self.checkpoint_dir: str | None = None
        self._hf = self._tokenizer = None
        self.training_log: list[dict] = []
        self.keep_checkpoints = False

    # --- inputs ---------------------------------------------------------------------------
    def _encode(self, X, y=None, weights=None):
        from datasets import Dataset

        first, second = sentence_inputs(X, self.window, self.quote_state)
        enc = self._tokenizer(first, second, truncation=True, max_length=self.max_length)
        data = dict(enc)
        if y is not None:
            index = {label: i for i, label in enumerate(self.labels)}
            data["labels"] = [index[v] for v in y]
            data["weight"] = [float(w) for w in weights]
        return Dataset.from_dict(data)

    # --- training -------------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, labels=None, eval_set=None) -> TransformerModel:
        offline()
        import torch
        from transformers import (
            AutoModelForSequenceClassification,
            AutoTokenizer,
            DataCollatorWithPadding,
            EarlyStoppingCallback,
            TrainingArguments,
            set_seed,
        )

        from newsroles.evaluation import macro_f1

        for name in ("transformers", "accelerate"):
            logging.getLogger(name).setLevel(logging.ERROR)
        y = np.asarray(y)
        self.labels = training_labels(y, labels)
        set_seed(self.seed)
        path = resolve_pretrained(self.pretrained)
        self._tokenizer = AutoTokenizer.from_pretrained(path)
        id2label = dict(enumerate(self.labels))
        self._hf = AutoModelForSequenceClassification.from_pretrained(
            path, num_labels=len(self.labels), id2label=id2label,
            label2id={v: k for k, v in id2label.items()}, ignore_mismatched_sizes=True)
        weights = np.ones(len(y)) if sample_weight is None else np.asarray(sample_weight, float)
        train_ds = self._encode(X, y, weights)
        class_w = None
        if self.class_weight == "balanced":
            counts = np.array([(weights * (y == lab)).sum() for lab in self.labels])
            class_w = torch.tensor(counts.sum() / (len(counts) * np.maximum(counts, 1e-9)),
                                   dtype=torch.float32)
        eval_ds = None
        if eval_set is not None and len(eval_set[0]):
            eval_ds = self._encode(eval_set[0], eval_set[1], np.ones(len(eval_set[1])))
        gpu = torch.cuda.is_available()
        work = Path(self.checkpoint_dir) if self.checkpoint_dir else None
        args = TrainingArguments(
            output_dir=str(work or Path.cwd() / ".newsroles_trainer"),
            num_train_epochs=self.epochs,
            per_device_train_batch_size=self.gpu_batch_size if gpu else self.batch_size,
            per_device_eval_batch_size=self.predict_batch_size,
            learning_rate=self.learning_rate, weight_decay=self.weight_decay,
            warmup_steps=self.warmup_steps, seed=self.seed, data_seed=self.seed,
            eval_strategy="epoch" if eval_ds is not None else "no",
            save_strategy="epoch" if work else "no", save_total_limit=2, save_only_model=False,
            load_best_model_at_end=eval_ds is not None and work is not None,
            metric_for_best_model="macro_f1", greater_is_better=True,
            bf16=gpu and torch.cuda.is_bf16_supported(), use_cpu=not gpu,
            report_to="none", disable_tqdm=True, logging_strategy="epoch",
            remove_unused_columns=False, dataloader_num_workers=0,
        )
        labels_ = list(self.labels)

        def compute_metrics(pred):
            guess = np.asarray(pred.predictions).argmax(axis=1)
            return {"macro_f1": macro_f1([labels_[i] for i in pred.label_ids],
                                         [labels_[i] for i in guess], labels_)}

        trainer = _WeightedTrainer(
            class_weights=class_w, model=self._hf, args=args, train_dataset=train_ds,
            eval_dataset=eval_ds, data_collator=DataCollatorWithPadding(self._tokenizer),
            compute_metrics=compute_metrics if eval_ds is not None else None,
            callbacks=([EarlyStoppingCallback(self.early_stopping_patience)]
                       if eval_ds is not None and work is not None else []),
        )
        resume = work is not None and any(work.glob("checkpoint-*"))
        trainer.train(resume_from_checkpoint=True if resume else None)
        self._hf = trainer.model.to("cpu").eval()
        self.training_log = [r for r in trainer.state.log_history if "epoch" in r]
        if work is not None and not self.keep_checkpoints:
            # Checkpoints are for resuming a crash; a finished run drops them.
            import shutil

            shutil.rmtree(work, ignore_errors=True)
        return self

    # --- prediction -----------------------------------------------------------------------
    def _predict_proba(self, X) -> np.ndarray:
        import torch

        if self._hf is None:
            raise NewsrolesError("model is not fitted")
        if len(X) == 0:
            return np.zeros((0, len(self.labels)))
        dev = device()
        model = self._hf.to(dev)
        if dev.type == "cuda":
            model = model.to(torch.bfloat16)
        first, second = sentence_inputs(X, self.window, self.quote_state)
        lengths = [len(a) + (len(b) if second else 0)
                   for a, b in zip(first, second or [""] * len(first), strict=True)]
        out = np.zeros((len(first), len(self.labels)), dtype=np.float64)
        with torch.inference_mode():
            for idx in length_sorted_batches(lengths, self.predict_batch_size):
                enc = self._tokenizer([first[i] for i in idx],
                                      [second[i] for i in idx] if second else None,
                                      truncation=True, max_length=self.max_length,
                                      padding=True, return_tensors="pt").to(dev)
                logits = model(**enc).logits.float()
                out[idx] = torch.softmax(logits, dim=-1).cpu().numpy()
        return out

    # --- persistence ----------------------------------------------------------------------
    def _save_weights(self, path: Path) -> list[str]:
        before = {p.name for p in path.iterdir()}
        self._hf.save_pretrained(path, safe_serialization=True)
        self._tokenizer.save_pretrained(path)
        written = sorted({p.name for p in path.iterdir() if p.is_file()} - before)
        if any(p.is_dir() for p in path.iterdir()):
            raise NewsrolesError("unexpected folder in the saved model", path)
        return written

    @classmethod
    def _load(cls, path: Path, meta: dict) -> TransformerModel:
        offline()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        model = cls(**meta["params"])
        if not (path / "model.safetensors").exists():
            raise NewsrolesError("refusing a transformer without safetensors weights", path)
        model._tokenizer = AutoTokenizer.from_pretrained(path)
        model._hf = AutoModelForSequenceClassification.from_pretrained(
            path, use_safetensors=True).eval()
        return model


def _weighted_trainer_class():
    from transformers import Trainer

    class WeightedTrainer(Trainer):
        """Cross-entropy with per-class weights times per-sentence weights."""

        def __init__(self, *args, class_weights=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.class_weights = class_weights

        def compute_loss(self, model, inputs, return_outputs=False, num_items_in_batch=None):
            import torch

            weight = inputs.pop("weight")
            labels = inputs.pop("labels")
            outputs = model(**inputs)
            cw = self.class_weights.to(outputs.logits.device) if self.class_weights is not None \
                else None
            losses = torch.nn.functional.cross_entropy(
                outputs.logits.float(), labels, weight=cw, reduction="none")
            loss = (losses * weight.to(losses.dtype)).sum() / weight.sum().clamp(min=1e-9)
            return (loss, outputs) if return_outputs else loss

    return WeightedTrainer


def _WeightedTrainer(**kwargs):  # noqa: N802 - a factory standing in for the class
    return _weighted_trainer_class()(**kwargs)
