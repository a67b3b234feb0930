"""transformer: fine-tune a pretrained encoder (all-MiniLM-L6-v2 by default, or any local
model folder / cached Hugging Face id given as `pretrained`) with Hugging Face's `Trainer`
and `AutoModelForSequenceClassification`.

Input: the sentence (marked when it starts inside a quotation; with `rule_hints`, prefixed
by what the labeling functions vote, so the model learns where the rules are wrong) paired
with its neighbours within `window` sentences, cut from the far ends when the pair is
longer than `max_length` (the sentence itself is not cut for context). Training: per-class weights (balanced) times per-sentence
weights (weak labels count `train.weak_weight`), early stopping on gold-dev macro-F1 when
the train stage gives a dev set, seeds, checkpoints each epoch (a crashed run resumes from
the last one), bf16 and a larger batch on a GPU; under torchrun every rank fits it, the
Trainer running DDP (model.batch_size is then each rank's; see newsroles/ranks.py).
Saved: the Hugging Face model and tokenizer files (weights in safetensors) beside model.json, whose label2id/id2label and
context settings are enough to predict, and with `onnx_export` the same network as an ONNX
graph (`model.onnx`) and its int8 dynamic quantisation (`model.int8.onnx`), listed with
their hashes in the manifest, for `newsroles tag --runtime onnx|onnx-int8` (ONNX Runtime,
no torch in the forward pass).
"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np

from newsroles.errors import NewsrolesError
from newsroles.models.base import Model, training_labels
from newsroles.models.encoders import (
    device,
    fitted_context,
    length_sorted_batches,
    offline,
    resolve_pretrained,
    sentence_parts,
)

# The runtimes a saved transformer can tag with, and the ONNX graph each one reads.
RUNTIMES = ("torch", "onnx", "onnx-int8")
ONNX_FILES = {"onnx": "model.onnx", "onnx-int8": "model.int8.onnx"}


class TransformerModel(Model):
    name = "transformer"
    process_parallel = False  # torch uses every core itself; tag in one process
    # Under torchrun every rank fits it (the Trainer runs DDP over the ranks' group).
    data_parallel = True
    # The labeling functions whose votes are the rule hints, fixed at fit time (and saved).
    fitted_params = ("lf_names",)

    def _setup(self) -> None:
        # Where checkpoints go: a place on this machine, not part of the model.
        self.checkpoint_dir: str | None = None
        self._hf = self._tokenizer = None
        self.training_log: list[dict] = []
        self.keep_checkpoints = False
        self.runtime = "torch"  # chosen at tag time: set_runtime
        self._graphs: dict[str, Path] = {}  # runtime -> a loaded model's ONNX graph
        self._session = None

    # --- inputs ---------------------------------------------------------------------------
    def _texts(self, X) -> tuple[list[str], list[str] | None]:
        first, prev, nxt = sentence_parts(X, self.window, self.quote_state)
        if self.rule_hints:
            from newsroles.labeling.aggregate import rule_hints

            if self.lf_names is None:
                from newsroles.labeling.functions import get_functions

                self.lf_names = [lf.name for lf in get_functions()]
            first = [f"{h} {t}" if h else t
                     for h, t in zip(rule_hints(X, self.lf_names), first, strict=True)]
        if prev is None:
            return first, None
        return first, fitted_context(self._tokenizer, first, prev, nxt, self.max_length)

    def _encode(self, X, y=None, weights=None):
        from datasets import Dataset

        first, second = self._texts(X)
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
            # Batches of similar length (shuffled among themselves): little padding.
            train_sampling_strategy="group_by_length" if self.group_by_length else "random",
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
        # Under DDP every rank loads the best checkpoint at the end: none is removed before
        # all have; then rank 0, which wrote them, removes them.
        trainer.accelerator.wait_for_everyone()
        if work is not None and not self.keep_checkpoints and trainer.is_world_process_zero():
            # Checkpoints are for resuming a crash; a finished run drops them.
            shutil.rmtree(work, ignore_errors=True)
        return self

    # --- prediction -----------------------------------------------------------------------
    def set_runtime(self, runtime: str) -> None:
        """torch, or ONNX Runtime on the saved graph (onnx) or its int8 quantisation."""
        if runtime not in RUNTIMES:
            raise NewsrolesError(f"unknown runtime {runtime!r} (known: {', '.join(RUNTIMES)})")
        self.runtime, self._session = runtime, None
        if runtime != "torch":
            self._onnx_session()  # a missing graph or onnxruntime: say so before tagging

    def _onnx_session(self):
        if self._session is None:
            graph = self._graphs.get(self.runtime)
            if graph is None or not graph.is_file():
                raise NewsrolesError(f"runtime {self.runtime} needs the ONNX graph the model "
                                     "saves with model.onnx_export=true; this one has none: "
                                     "retrain it, or tag with --runtime torch",
                                     graph.parent if graph else None)
            try:
                import onnxruntime as ort
            except ImportError:
                raise NewsrolesError("runtime onnx needs onnxruntime: pip install "
                                     "'newsroles[transformer]'") from None
            options = ort.SessionOptions()
            options.log_severity_level = 3
            self._session = ort.InferenceSession(str(graph), options,
                                                 providers=["CPUExecutionProvider"])
        return self._session

    def _predict_proba(self, X) -> np.ndarray:
        import torch

        if self._tokenizer is None:
            raise NewsrolesError("model is not fitted")
        if len(X) == 0:
            return np.zeros((0, len(self.labels)))
        onnx = self.runtime != "torch"
        session = self._onnx_session() if onnx else None
        dev = device()
        if not onnx:
            model = self._hf.to(dev)
            if dev.type == "cuda":
                model = model.to(torch.bfloat16)
        batch_size = self.gpu_predict_batch_size if dev.type == "cuda" and not onnx \
            else self.predict_batch_size
        first, second = self._texts(X)
        lengths = [len(a) + (len(b) if second else 0)
                   for a, b in zip(first, second or [""] * len(first), strict=True)]
        out = np.zeros((len(first), len(self.labels)), dtype=np.float64)
        with torch.inference_mode():
            for idx in length_sorted_batches(lengths, batch_size):
                enc = self._tokenizer([first[i] for i in idx],
                                      [second[i] for i in idx] if second else None,
                                      truncation=True, max_length=self.max_length,
                                      padding=True, return_tensors="np" if onnx else "pt")
                if onnx:
                    feed = {i.name: enc[i.name].astype(np.int64) for i in session.get_inputs()}
                    logits = torch.from_numpy(session.run(None, feed)[0]).float()
                else:
                    logits = model(**enc.to(dev)).logits.float()
                out[idx] = torch.softmax(logits, dim=-1).cpu().numpy()
        return out

    # --- persistence ----------------------------------------------------------------------
    def _save_weights(self, path: Path) -> list[str]:
        before = {p.name for p in path.iterdir()}
        self._hf.save_pretrained(path, safe_serialization=True)
        self._tokenizer.save_pretrained(path)
        if self.onnx_export:
            export_onnx(self._hf, self._tokenizer, path)
            self.graphs_in(path)
        written = sorted({p.name for p in path.iterdir() if p.is_file()} - before)
        if any(p.is_dir() for p in path.iterdir()):
            raise NewsrolesError("unexpected folder in the saved model", path)
        return written

    @classmethod
    def _load(cls, path: Path, meta: dict) -> TransformerModel:
        offline()
        from transformers import AutoModelForSequenceClassification, AutoTokenizer

        model = cls(**meta["params"])
        if model.lf_names is not None:  # the functions its hints read: known ones, by name
            from newsroles.labeling.functions import get_functions

            if not (isinstance(model.lf_names, list)
                    and all(isinstance(n, str) for n in model.lf_names)):
                raise NewsrolesError("params.lf_names must be a list of names", path)
            get_functions(model.lf_names)
        if not (path / "model.safetensors").exists():
            raise NewsrolesError("refusing a transformer without safetensors weights", path)
        model._tokenizer = AutoTokenizer.from_pretrained(path)
        model._hf = AutoModelForSequenceClassification.from_pretrained(
            path, use_safetensors=True).eval()
        model.graphs_in(path)
        return model

    def graphs_in(self, folder: Path, prefix: str = "") -> None:
        """Read the ONNX graphs from `folder` (named with `prefix` inside an ensemble's)."""
        self._graphs = {rt: folder / f"{prefix}{name}" for rt, name in ONNX_FILES.items()}


def export_onnx(hf_model, tokenizer, path: Path) -> None:
    """Write the network as an ONNX graph (batch and sequence length dynamic) and its int8
    dynamic quantisation (weights int8, activations quantised as they come), both into
    `path`. Made in a scratch folder first: the exporter and quantiser write side files."""
    import tempfile
    import warnings

    import torch

    try:
        from onnxruntime.quantization import QuantType, quantize_dynamic
    except ImportError:
        raise NewsrolesError("model.onnx_export needs onnxruntime and onnx: pip install "
                             "'newsroles[transformer]' (or model.onnx_export=false)") from None
    sample = tokenizer(["a sentence"], ["its context"], return_tensors="pt")
    names = list(sample.keys())

    class Logits(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *inputs):
            return self.inner(**dict(zip(names, inputs, strict=True))).logits

    was = next(hf_model.parameters()).device
    net = Logits(hf_model.to("cpu").float().eval())
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fp32, int8 = Path(tmp) / ONNX_FILES["onnx"], Path(tmp) / ONNX_FILES["onnx-int8"]
        # The TorchScript exporter: one self-contained file, and no onnxscript needed.
        torch.onnx.export(net, tuple(sample[n] for n in names), str(fp32), input_names=names,
                          output_names=["logits"], opset_version=17, dynamo=False,
                          dynamic_axes={**{n: {0: "batch", 1: "sequence"} for n in names},
                                        "logits": {0: "batch"}})
        logging.disable(logging.WARNING)  # the quantiser logs each tensor, and advice, on root
        try:
            quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        finally:
            logging.disable(logging.NOTSET)
        for f in (fp32, int8):
            shutil.move(str(f), path / f.name)
    hf_model.to(was)


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
