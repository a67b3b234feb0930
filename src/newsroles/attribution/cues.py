"""Cue words: the reporting, speech and attitude verbs, and a cue's span (the verb with
its auxiliaries, adverbs and particle: "has also said", "pointed out")."""

from __future__ import annotations

from newsroles.labeling.vocab import REPORT_LEMMAS, STANCE_LEMMAS

# Manners of speaking and of presenting someone, beyond the labeling functions' lists
# ("hear" is not one: "X heard Y promise ..." is Y's; as a cue, 0.32 mean token F1 on
# PolNeAR train).
SPEECH_LEMMAS = frozenset("""learn quote cite call continue joke quip recount counter
retort shout yell scream chant bark snap muse wonder concur brag boast tout characterize
characterise label dub portray depict reason write argue lash gush exclaim scoff sneer
mock refer reference echo remind highlight underscore list outline detail imply invoke voice
blast assail charge attribute""".split())
# Attitudes: what a holder wants, favours or opposes.
ATTITUDE_LEMMAS = frozenset("""want wish favor favour prefer support oppose reject intend
seek like love hate consider regard view recognize recognise accept dismiss question
decline refuse deem""".split())
CUE_LEMMAS = REPORT_LEMMAS | STANCE_LEMMAS | SPEECH_LEMMAS | ATTITUDE_LEMMAS
TIME_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday today
yesterday tonight morning afternoon evening night week weekend month year day
january february march april may june july august september october november december
""".split())


PHRASAL_PREPOSITIONS = frozenset("for on about against to of".split())


def _particle(verb):
    """A particle or preposition that makes one verb with it, straight after it ("pointed
    out", "called for", "spoke about"), not a place or time; never after "say" ("said of",
    "said on Monday": PolNeAR train marks "said" more often)."""
    from newsroles.labeling.parse import lemma

    nxt = next((c for c in verb.children if c.i == verb.i + 1), None)
    if nxt is None:
        return None
    if nxt.dep_ == "prt":
        return nxt
    if nxt.dep_ != "prep" or nxt.lower_ not in PHRASAL_PREPOSITIONS:
        return None
    if lemma(verb) == "say":
        return None
    pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
    return None if pobj is not None and pobj.lower_ in TIME_WORDS else nxt


def cue_span(doc, verb) -> tuple[int, int]:
    """The verb with its auxiliaries, negation and adverbs just before it ("has also
    said"), and its particle."""
    before = [c for c in verb.children
              if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i < verb.i]
    first = verb
    # Only a contiguous chain joins the cue ("has learned", not "has, she said").
    for tok in sorted(before, key=lambda t: -t.i):
        if tok.i == first.i - 1 and not tok.is_punct:
            first = tok
    last = _particle(verb) or verb
    return first.idx, last.idx + len(last.text)


_SUFFIXES = ("ing", "ed", "es", "d", "s")


def is_cue_verb(token) -> bool:
    """A reporting verb, by its lemma, or by its form where the rule lemmatizer slips
    ("hoped" -> "hop"); "put it" ("as X put it")."""
    from newsroles.labeling.parse import lemma

    if lemma(token).lower() in CUE_LEMMAS:
        return True
    word = token.lower_
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            stem = word[:-len(suffix)]
            if stem in CUE_LEMMAS or stem + "e" in CUE_LEMMAS:
                return True
    return word == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children)
