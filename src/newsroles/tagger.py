"""Tag new text with a saved model: Tagger.load(path).tag(text) / .tag_sentences(list)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from newsroles.documents import check_given_sentences, checked_text
from newsroles.models.base import load_model, resolve_model_dir
from newsroles.schema import SENTENCE_COLUMNS, with_context
from newsroles.sentences import SplitConfig, split_article, split_sentences_given

# The tagger and encoder a worker process uses (inherited from the parent under fork).
_WORKER_TAGGER: Tagger | None = None
_WORKER_ENCODE: Callable | None = None


def _init_worker(tagger: Tagger, encode: Callable | None) -> None:
    global _WORKER_TAGGER, _WORKER_ENCODE
    _WORKER_TAGGER, _WORKER_ENCODE = tagger, encode


def _tag_chunk(docs: list[dict]) -> tuple[Any, int, int]:
    return _WORKER_TAGGER._tag_part(docs, _WORKER_ENCODE)


def _load_shared(sources: bool) -> None:
    """Before forking: load spaCy here when who-said-it will parse, so the workers share its
    pages copy-on-write instead of each loading its own copy."""
    if sources:
        from newsroles.labeling.parse import fast_parser

        fast_parser()


def _fork_pool(ctx, jobs: int, initargs: tuple):
    """A worker pool forked with the parent's objects out of the garbage collector's reach
    (gc.freeze): its passes in the workers would write to, and so copy, every page holding
    one. The parent takes them back once the workers exist."""
    import gc

    gc.collect()
    gc.freeze()
    try:
        return ctx.Pool(jobs, initializer=_init_worker, initargs=initargs)
    finally:
        gc.unfreeze()


def _chunks(docs: Iterable[dict], size: int) -> Iterator[list[dict]]:
    """Group documents into lists of about `size` sentences (or characters / 100)."""
    chunk, n = [], 0
    for doc in docs:
        chunk.append(doc)
        n += len(doc["sentences"]) if "sentences" in doc else len(doc["text"]) // 100 + 1
        if n >= size:
            yield chunk
            chunk, n = [], 0
    if chunk:
        yield chunk


def _table(rows: list[dict]) -> pd.DataFrame:
    """The model's input table. Text columns stay Python objects: pandas' default string
    type would copy every text into Arrow and back out for each feature that reads it."""
    columns = {}
    for c in SENTENCE_COLUMNS:
        values = [r[c] for r in rows]
        columns[c] = pd.Series(values, dtype=object) if isinstance(values[0], str) else values
    return pd.DataFrame(columns)


class Tagger:
    """sources: add who said it (source, cue, quoted spans) to quote and attribution
    sentences (attribution/; parses those sentences with spaCy)."""

    def __init__(self, model, split_config: SplitConfig | None = None, sources: bool = True,
                 identity: dict | None = None):
        self.model = model
        self.split_config = split_config or SplitConfig()
        self.sources = sources
        # Which model tags (model_id on every record) and the run that made it, for the
        # outputs' headers and metadata; a model never saved has no stable id.
        name = getattr(model, "name", "model")
        self.identity = identity or {"model_id": f"{name}-unsaved", "model_name": name}

    @classmethod
    def load(cls, path: str | Path, sources: bool = True, runtime: str = "torch") -> Tagger:
        """Load from a run directory or a model folder (checked against its manifest);
        `runtime` onnx or onnx-int8 runs a transformer's saved ONNX graph instead of torch."""
        model_dir = resolve_model_dir(path)
        model = load_model(model_dir)
        model.set_runtime(runtime)
        meta = json.loads((model_dir / "model.json").read_text())
        known = SplitConfig.__dataclass_fields__
        pre = {k: v for k, v in meta.get("preprocessing", {}).items() if k in known}
        identity = {**model_identity(model_dir, meta), "runtime": runtime}
        return cls(model, SplitConfig(**pre), sources=sources, identity=identity)

    # --- one document -----------------------------------------------------------------------
    def tag(self, text: str, doc_id: str = "doc") -> list[dict]:
        """Split an article into body sentences and tag each, with character offsets."""
        return list(self.tag_documents([{"id": doc_id, "text": text}]))

    def tag_sentences(self, sentences: list[str], doc_id: str = "doc") -> list[dict]:
        """Tag already-split sentences as given, in order, as one document."""
        return list(self.tag_documents([{"id": doc_id, "sentences": list(sentences)}]))

    # --- many documents, in batches -------------------------------------------------------
    def _records(self, doc: dict) -> tuple[list[dict], bool]:
        doc_id = str(doc["id"])
        # Checked here too for callers of the Python API (the CLI's reader did it already,
        # with file and line); a pass over the text, cheap next to tagging it.
        where = f"document {doc_id!r}"
        if "sentences" in doc:
            check_given_sentences(doc["sentences"], where)
            return with_context(split_sentences_given(doc_id, doc["sentences"])), False
        checked_text(doc["text"], where, None)
        return with_context(split_article(doc_id, doc["text"], self.split_config).sentences), True

    def tag_documents(
        self, docs: Iterable[dict], batch_size: int = 8192, jobs: int = 1
    ) -> Iterator[dict]:
        """Tag a stream of {"id", "text"} or {"id", "sentences"} documents; yields one record
        per sentence, in input order, holding about batch_size sentences per process in
        memory. jobs > 1 tags chunks in that many worker processes (order is kept)."""
        for records, _, _ in self.tag_batches(docs, batch_size, jobs):
            yield from records

    def tag_batches(self, docs: Iterable[dict], batch_size: int = 8192, jobs: int = 1,
                    encode: Callable[[list[dict]], Any] | None = None
                    ) -> Iterator[tuple[Any, int, int]]:
        """(payload, sentences, documents) for each batch of whole documents, in input
        order. The payload is the batch's records, or encode(records) (an output.Encoder):
        with workers, encoding happens in them too, so the main process only reads input
        and writes finished text, and is never the bottleneck."""
        # Torch models use every core already (and a GPU when present): one process.
        if jobs > 1 and getattr(self.model, "process_parallel", True):
            yield from self._tag_parallel(docs, batch_size, jobs, encode)
            return
        for part in _chunks(docs, batch_size):
            yield self._tag_part(part, encode)

    def _tag_part(self, docs: list[dict], encode: Callable | None) -> tuple[Any, int, int]:
        rows: list[dict] = []
        offsets: list[bool] = []
        fields: list[dict] = []
        for doc in docs:
            doc_rows, has_offsets = self._records(doc)
            rows.extend(doc_rows)
            offsets.extend([has_offsets] * len(doc_rows))
            fields.extend([doc.get("fields") or {}] * len(doc_rows))
        records = self._predict(rows, offsets) if rows else []
        for rec, extra in zip(records, fields):
            if extra:  # the input's other fields (title, url, date...), on every row
                rec.update(extra)
        return (encode(records) if encode else records), len(records), len(docs)

    def _tag_parallel(self, docs: Iterable[dict], batch_size: int, jobs: int,
                      encode: Callable | None) -> Iterator[tuple[Any, int, int]]:
        import itertools
        import multiprocessing as mp
        from collections import deque

        chunk = max(256, batch_size // 4)
        parts = _chunks(docs, chunk)
        # An input of one chunk is tagged here: starting workers (and loading spaCy for
        # them) would cost more than they save.
        first = list(itertools.islice(parts, 2))
        if len(first) < 2:
            for part in first:
                yield self._tag_part(part, encode)
            return
        parts = itertools.chain(first, parts)
        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        ctx = mp.get_context(method)
        if method == "fork":
            _load_shared(self.sources)
        # At most two chunks per worker in flight: Pool.imap would read the whole input
        # ahead of the workers, and memory would grow with the input.
        window = 2 * jobs
        with _fork_pool(ctx, jobs, (self, encode)) as pool:
            pending: deque = deque()
            for part in parts:
                pending.append(pool.apply_async(_tag_chunk, (part,)))
                if len(pending) >= window:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()

    def _predict(self, rows: list[dict], has_offsets: list[bool]) -> list[dict]:
        import contextlib

        from newsroles.labeling.parse import keep_docs

        table = _table(rows)
        # The sentences the model parses (for its features) are parsed once: who-said-it
        # reuses their Docs (kept only when it runs).
        with keep_docs() if self.sources else contextlib.nullcontext({}) as kept:
            proba = self.model.predict_proba(table)
        labels = self.model.labels
        best = self.model.decide(proba)
        rounded = np.round(proba, 6).tolist()
        out = []
        for r, b, p, off in zip(rows, best, rounded, has_offsets, strict=True):
            rec = {"doc_id": r["doc_id"], "sent_idx": r["sent_idx"], "text": r["text"],
                   "label": labels[b], "scores": dict(zip(labels, p))}
            if off:
                rec["start"], rec["end"] = r["start"], r["end"]
                rec["paragraph"] = r["paragraph"]
            out.append(rec)
        if self.sources:
            from newsroles.attribution import add_sources

            # Batches hold whole documents, so a quotation never spans two of them.
            state = [{"quote_open_start": r["quote_open_start"],
                      "quote_open_end": r["quote_open_end"], "paragraph": r["paragraph"],
                      **rec} for r, rec in zip(rows, out)]
            add_sources(state, kept=kept)
            for rec, st in zip(out, state):
                rec["source"], rec["cue"], rec["quote_spans"] = (st["source"], st["cue"],
                                                                 st["quote_spans"])
        model_id = self.identity["model_id"]
        for rec in out:
            rec["model_id"] = model_id
        return out


def counted(batches: Iterable[tuple[Any, int, int]], counts: list[int]) -> Iterator[Any]:
    """Pass tag_batches' (payload, sentences, documents) on as payloads, adding the
    sentences and documents up in `counts`."""
    for payload, n_sentences, n_docs in batches:
        counts[0] += n_sentences
        counts[1] += n_docs
        yield payload


def model_identity(model_dir: Path, meta: dict) -> dict:
    """The saved model (its id: `models.base.model_id`) and the run around it."""
    from newsroles import __version__
    from newsroles.models.base import model_id

    run_dir = model_dir.parent if (model_dir.parent / "status.json").is_file() else None
    return {"model_id": model_id(model_dir, meta["name"]), "model_name": meta["name"],
            "model_dir": str(model_dir.resolve()),
            "run_dir": str(run_dir.resolve()) if run_dir else None,
            "model_newsroles_version": meta.get("newsroles_version"),
            "newsroles_version": __version__}
