"""What a labeling function is, and the decorator that marks one.

A labeling function takes a sentence record (a mapping with at least ``text``,
``quote_open_start`` and ``has_quote_marks``; see newsroles.schema; with ``_parse``,
schema.PARSE_COLUMN, for the functions that read the dependency parse) and votes one label
id from ``newsroles.LABEL2ID`` or abstains (``ABSTAIN``). They are heuristics for weak labels and
for the `rules` model, never a source of gold labels.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from newsroles import LABEL2ID

ABSTAIN = -1
QUOTE, ATTRIBUTION, POLICY, BACKGROUND = (
    LABEL2ID[k] for k in ("quote", "attribution", "policy_statement", "background")
)
GROUPS = ("quotation", "reporting", "official_act", "background")

_WORD = re.compile(r"[a-z]+")


def sentence_words(sentence: Mapping) -> frozenset:
    """The sentence's lower-cased words (computed once per record by apply_lfs)."""
    words = sentence.get("_words")
    return words if words is not None else frozenset(_WORD.findall(sentence["text"].lower()))


@dataclass(frozen=True)
class LabelingFunction:
    name: str
    label: int  # the one label this function can vote
    group: str
    func: Callable[[Mapping], bool]
    doc: str
    # Words of which at least one must occur for the function to fire: a cheap set test
    # that skips the regular expression on most sentences (it never changes a vote).
    needs: frozenset = frozenset()
    # Reads the dependency parse (record["_parse"], see labeling.parse).
    uses_parse: bool = False
    # A character class one of whose characters must occur in the text (QUOTE_MARKS,
    # DIGITS): the same kind of cheap gate as `needs`, for what is not a word.
    marks: re.Pattern | None = None
    # For the parse-reading functions, what the parse gate (labeling.gate) needs to know:
    # the lemmas and the words of which the sentence must hold one (any inflection of a
    # lemma) for the function to find anything in the parse; and its vote on a sentence
    # holding none of any function's (None: abstain), which needs no parse.
    key_lemmas: frozenset = frozenset()
    key_words: frozenset = frozenset()
    unparsed: Callable[[Mapping], bool] | None = None
    # A text function that also reads the parse when the record has one (the main-clause
    # check of reports_in_main_clause): its `needs` words join the parse gate.
    parse_optional: bool = False

    def gated_out(self, sentence: Mapping) -> bool:
        """True when the function cannot fire on this sentence (a missing word or mark)."""
        if self.needs and self.needs.isdisjoint(sentence_words(sentence)):
            return True
        return self.marks is not None and not self.marks.search(sentence["text"])

    def __call__(self, sentence: Mapping) -> int:
        if self.gated_out(sentence):
            return ABSTAIN
        return self.label if self.func(sentence) else ABSTAIN


# Gates for `marks`: every quotation mark the functions read (apostrophes included, as
# single quotes), and digits of any script (as \d matches them).
QUOTE_MARKS = re.compile("[“”\"‘’'«»]")
DIGITS = re.compile(r"\d")


def labeling_function(label: int, group: str, needs: str = "", parse: bool = False,
                      marks: re.Pattern | None = None, key_lemmas=(), key_words=(),
                      unparsed: Callable[[Mapping], bool] | None = None,
                      parse_optional: bool = False):
    """Mark a predicate as a labeling function voting `label` when it holds. The predicate
    stays a plain function (groups call each other's predicates); its LabelingFunction is
    its `lf` attribute, which labeling.functions collects from the group modules.

    `needs`: space-separated words, one of which every match of the predicate contains.
    `marks`: characters, one of which every match contains (QUOTE_MARKS, DIGITS).
    `parse`: the predicate reads record["_parse"]; then `key_lemmas` and `key_words` (see
    LabelingFunction) are required: a parse-reading function that declares no keys would
    make the gate parse every sentence. `unparsed`: its vote on a sentence the gate leaves
    unparsed. `parse_optional`: a text predicate that checks the parse when there is one.
    """
    if parse and not (key_lemmas or key_words or unparsed):
        raise ValueError("a parse-reading function needs key_lemmas, key_words or unparsed")
    if group not in GROUPS:
        raise ValueError(f"unknown group {group!r}")

    def wrap(func: Callable[[Mapping], bool]) -> Callable[[Mapping], bool]:
        func.lf = LabelingFunction(
            func.__name__, label, group, func, " ".join((func.__doc__ or "").split()),
            frozenset(needs.split()), parse, marks, frozenset(key_lemmas),
            frozenset(key_words), unparsed, parse_optional,
        )
        return func

    return wrap
