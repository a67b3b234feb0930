"""What the who-said-it tagging time is made of: spaCy's parse alone, and how many
sentences the default model's labeling functions need parsed (the parse gate).

    python benchmarks/parse_speed.py [--sentences 4000] [--polnear DIR] [--run RUN]

On the bundled Wikinews sentences: CPU seconds of the tokenizer, of spaCy's tok2vec,
tagger and parser (labeling.parse.Parser's pipeline, the attribute ruler and lemmatizer
left out as tagging does), of the ruler lookups (`Parser.attributes`) and of the parse
summaries, each as sentences per CPU second; the parse with each way of running the
matrix products (thinc's bundled BLIS as spaCy ships it, numpy's BLAS on one thread as
labeling.parse loads it, numpy's BLAS with its default threads), with how many of the
sample's parses (tags, labels, heads) differ from BLIS's; and the share of all bundled sentences the
parse gate passes (labeling.gate), the sentences the default model parses when it tags.
With --run (a run directory), RUN's model tags the bundled corpus with who-said-it in this
one process (Tagger.tag_documents, as a worker does; no reading or writing), and the CPU
seconds are split into spaCy's pipeline and the rest, with the share of sentences parsed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def cpu(label: str, n: int, work) -> None:
    start = time.process_time()
    work()
    seconds = time.process_time() - start
    print(f"{label:40s} {seconds:6.2f} CPU s  {n / seconds:8,.0f} sentences per CPU s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=4000)
    ap.add_argument("--polnear", help="PolNeAR folder: its dev sentences join the sample")
    ap.add_argument("--run", help="also split a who-said-it tagging pass of RUN's model")
    args = ap.parse_args()
    from newsroles.labeling.base import sentence_words
    from newsroles.labeling.functions import get_functions
    from newsroles.labeling.gate import parse_gate
    from newsroles.labeling.parse import fast_parser, summarize
    from newsroles.schema import read_articles
    from newsroles.sentences import split_article

    texts = [s.text for a in read_articles(ROOT / "data/raw/wikinews.jsonl")
             for s in split_article(a.id, a.text).sentences]
    gate = parse_gate(get_functions())
    gated = sum(not gate.isdisjoint(sentence_words({"text": t})) for t in texts)
    print(f"parse gate passes {gated:,} of {len(texts):,} bundled sentences "
          f"({gated / len(texts):.1%})")

    sample = texts[: args.sentences]
    if args.polnear:
        import json

        with open(Path(args.polnear) / "dev.jsonl", encoding="utf-8") as fh:
            sample += [json.loads(line)["text"] for line in fh]
    parser = fast_parser()
    nlp = parser.nlp
    list(parser.pipe(sample[:100]))  # warm
    n = len(sample)
    cpu("tokenizer", n, lambda: [nlp.make_doc(t) for t in sample])
    skip = ["attribute_ruler", "lemmatizer"]
    cpu("tok2vec + tagger + parser", n, lambda: list(nlp.pipe(sample, disable=skip)))
    docs = list(nlp.pipe(sample, disable=skip))
    cpu("ruler lookups (Parser.attributes)", n, lambda: [parser.attributes(d) for d in docs])
    cpu("parse summaries (summarize)", n, lambda: [summarize(d) for d in docs])
    from thinc.api import NumpyOps

    from newsroles.labeling.parse import _one_thread_numpy_ops

    backends = {"thinc's BLIS (as shipped)": NumpyOps(),
                "numpy BLAS, one thread (newsroles)": _one_thread_numpy_ops(),
                "numpy BLAS, default threads": NumpyOps(use_blis=False)}
    columns = ["TAG", "DEP", "HEAD"]
    parses = {}
    for _ in range(2):  # twice, alternating: the machine may be shared
        for name, ops in backends.items():
            _set_ops(nlp, ops)
            cpu(f"parse, {name}", n, lambda name=name: parses.__setitem__(
                name, list(nlp.pipe(sample, disable=skip))))
    reference = [d.to_array(columns) for d in parses["thinc's BLIS (as shipped)"]]
    for name, docs in parses.items():
        differing = sum(not np.array_equal(d.to_array(columns), r)
                        for d, r in zip(docs, reference))
        print(f"parses differing from BLIS's, {name}: {differing:,} of {n:,}")
    _set_ops(nlp, backends["numpy BLAS, one thread (newsroles)"])
    if args.run:
        tagging_split(args.run)


def tagging_split(run: str) -> None:
    """CPU seconds of tagging the bundled corpus with who-said-it: inside spaCy's pipe
    (tokenizer, tok2vec, tagger, parser) and outside it."""
    from newsroles.labeling.parse import fast_parser
    from newsroles.schema import read_articles
    from newsroles.tagger import Tagger

    tagger = Tagger.load(run, sources=True)
    docs = [{"id": a.id, "text": a.text} for a in read_articles(ROOT / "data/raw/wikinews.jsonl")]
    tagger.tag_sentences(["“Yes,” she said."])  # load everything first
    nlp = fast_parser().nlp
    inside = {"seconds": 0.0, "docs": 0}
    pipe = nlp.pipe

    def timed_pipe(texts, **kwargs):
        stream = pipe(texts, **kwargs)
        while True:
            start = time.process_time()
            doc = next(stream, None)
            inside["seconds"] += time.process_time() - start
            if doc is None:
                return
            inside["docs"] += 1
            yield doc

    nlp.pipe = timed_pipe
    start = time.process_time()
    n = sum(1 for _ in tagger.tag_documents(docs))
    total = time.process_time() - start
    nlp.pipe = pipe
    print(f"tagging {n:,} bundled sentences with who-said-it: {total:.1f} CPU s "
          f"({n / total:,.0f} sentences per CPU s); spaCy's pipe {inside['seconds']:.1f} s "
          f"({inside['seconds'] / total:.0%}) on {inside['docs']:,} sentences parsed "
          f"({inside['docs'] / n:.0%}); the rest {total - inside['seconds']:.1f} s")


def _set_ops(nlp, ops) -> None:
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


if __name__ == "__main__":
    main()
