"""The parse gate: which sentences the parse-reading labeling functions need parsed at all.

A parse-reading function looks for given lemmas in the main clause (a reporting verb, an
official act) or given words in its subject ("the court", "the law"): it declares them as
`key_lemmas` and `key_words`. A sentence that holds no inflection of any key lemma and no
key word cannot make any of them fire, so it need not be parsed; the one function that
fires on what is absent (lf_main_clause_plain_fact) declares its vote for such a sentence
as `unparsed`. Text functions that check the parse when it is there (`parse_optional`)
add their `needs` words.

Inflections come from spaCy's own lemmatizer tables, inverted: a word is lemmatised to L
by a suffix rule (old -> new) applied to it, by an exception listed for it, or by the
attribute ruler's fixed lemmas, so every word that can get lemma L is L with a rule
reversed, or listed. tests/test_parse_gate.py checks that on real text the gate keeps every
sentence whose votes the parse could change.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from newsroles.labeling.base import LabelingFunction


@functools.cache
def _word_forms() -> dict[str, frozenset]:
    """lemma -> the lower-cased words spaCy's lemmatizer can map to it (beyond itself)."""
    from newsroles.labeling.parse import fast_parser

    parser = fast_parser()
    lookups = parser.lemmatizer.lookups
    forms: dict[str, set] = {}
    for table in lookups.get_table("lemma_exc").values():
        for word, lemmas in table.items():
            for lemma in lemmas:
                forms.setdefault(lemma.lower(), set()).add(word.lower())
    fixed = [*parser.by_word.items(), *((w, a) for (w, _), a in parser.by_word_tag.items())]
    for word, attrs in fixed:
        if "LEMMA" in attrs:
            forms.setdefault(attrs["LEMMA"].lower(), set()).add(word.lower())
    return {lemma: frozenset(words) for lemma, words in forms.items()}


@functools.cache
def _rules() -> tuple[tuple[str, str], ...]:
    from newsroles.labeling.parse import fast_parser

    rules = fast_parser().lemmatizer.lookups.get_table("lemma_rules")
    return tuple(sorted({(old, new) for pos_rules in rules.values() for old, new in pos_rules}))


def inflections(lemma: str) -> frozenset:
    """Every lower-cased word spaCy's lemmatizer can give `lemma` (the lemma included)."""
    lemma = lemma.lower()
    words = {lemma}
    for old, new in _rules():
        if lemma.endswith(new):
            words.add(lemma[: len(lemma) - len(new)] + old)
    return frozenset(words | _word_forms().get(lemma, frozenset()))


def parse_gate(lfs: Iterable[LabelingFunction]) -> frozenset | None:
    """The words of which a sentence must hold one to need a parse for these functions;
    None when one of them declares no keys (every sentence needs the parse)."""
    return _gate(tuple(lfs))


@functools.cache
def _gate(lfs: tuple[LabelingFunction, ...]) -> frozenset | None:
    words: set[str] = set()
    for lf in lfs:
        if lf.uses_parse:
            if not (lf.key_lemmas or lf.key_words) and lf.unparsed is None:
                return None
            words |= lf.key_words
            for lemma in lf.key_lemmas:
                words |= inflections(lemma)
        elif lf.parse_optional:
            words |= lf.needs
    return frozenset(w for w in words if w)
