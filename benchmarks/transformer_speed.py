"""Tagging speed of a transformer model against the bare model's forward pass.

Tags N pre-split sentences of the bundled corpus through `Tagger.tag_documents` (the path
`newsroles tag` takes: table, quotation state, context pairs, tokenisation, length-sorted
batches, inference_mode), then runs the bare forward pass of the same model on the same,
pre-tokenised, length-sorted batches. The ratio is the pipeline's share of the bare speed.

    python benchmarks/transformer_speed.py runs/<transformer run> [--sentences 2000]
        [--batch-size 256]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def corpus(n: int) -> list[dict]:
    from newsroles.schema import read_articles
    from newsroles.sentences import split_article

    docs, total = [], 0
    while total < n:
        for a in read_articles(ROOT / "data/raw/wikinews.jsonl"):
            sents = [s.text for s in split_article(a.id, a.text).sentences]
            if sents:
                docs.append({"id": f"{a.id}#{len(docs)}", "sentences": sents})
                total += len(sents)
            if total >= n:
                break
    return docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("--sentences", type=int, default=2000)
    ap.add_argument("--batch-size", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    import pandas as pd
    import torch

    from newsroles.models.encoders import device, length_sorted_batches, sentence_inputs
    from newsroles.schema import SENTENCE_COLUMNS, with_context
    from newsroles.sentences import split_sentences_given
    from newsroles.tagger import Tagger

    tagger = Tagger.load(args.model, sources=False)  # the classifier alone
    model = tagger.model
    model.predict_batch_size = args.batch_size
    docs = corpus(args.sentences)
    n = sum(len(d["sentences"]) for d in docs)
    # Pipeline: what `newsroles tag` does with pre-split input.
    list(tagger.tag_documents(docs[:2]))  # warm-up
    best = float("inf")
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        count = sum(1 for _ in tagger.tag_documents(docs, batch_size=1 << 30))
        best = min(best, time.perf_counter() - t0)
    pipeline = count / best
    # Bare forward pass on the same inputs, tokenised beforehand, same batches.
    rows = [r for d in docs for r in with_context(split_sentences_given(d["id"], d["sentences"]))]
    X = pd.DataFrame({c: [r[c] for r in rows] for c in SENTENCE_COLUMNS})
    first, second = sentence_inputs(X, model.window, model.quote_state)
    lengths = [len(a) + len(b) for a, b in zip(first, second or [""] * n, strict=True)]
    dev = device()
    hf = model._hf.to(dev)
    if dev.type == "cuda":
        hf = hf.to(torch.bfloat16)
    batches = [model._tokenizer([first[i] for i in idx], [second[i] for i in idx] if second else None,
                                truncation=True, max_length=model.max_length, padding=True,
                                return_tensors="pt").to(dev)
               for idx in length_sorted_batches(lengths, args.batch_size)]
    best_bare = float("inf")
    with torch.inference_mode():
        hf(**batches[-1])  # warm-up
        for _ in range(args.repeats):
            if dev.type == "cuda":
                torch.cuda.synchronize()
            t0 = time.perf_counter()
            for enc in batches:
                hf(**enc).logits.float().softmax(-1).cpu()
            if dev.type == "cuda":
                torch.cuda.synchronize()
            best_bare = min(best_bare, time.perf_counter() - t0)
    bare = n / best_bare
    name = torch.cuda.get_device_name() if dev.type == "cuda" else f"CPU ({torch.get_num_threads()} threads)"
    print(f"{name}, {n} sentences, batch {args.batch_size}: pipeline {pipeline:,.0f} sentences/s, "
          f"bare forward {bare:,.0f} sentences/s, ratio {pipeline / bare:.2f}")


if __name__ == "__main__":
    main()
