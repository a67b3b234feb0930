"""Who said it within one parsed sentence: the cue and the source.

The cue is a cue verb (cues.py) outside the quotation marks, the one nearest the root;
the source is its subject (or the agent of a passive), as a whole noun phrase (phrase.py).
A relative pronoun ("X, who said ...") stands for the noun it hangs on; a transcript's
speaker label ("TAPPER: ...") comes first. Where no verb names anyone, the non-verb cues
follow: "according to X", "in a statement from X", a colon after a name ("Roe: ..."), an
adjective of a held view ("X is confident ..."), and last the main verb's subject when it
can hold a view (kinds.py). Offsets are into the sentence.
"""

from __future__ import annotations

from newsroles.attribution.cues import cue_span, is_cue_verb
from newsroles.attribution.kinds import holds_views, is_capitals, is_name
from newsroles.attribution.phrase import noun_phrase, past_dateline, span_of, trim
from newsroles.attribution.quotes import inside

_RELATIVE = frozenset("who which that".split())
# Nouns for what a statement comes in: "in a statement from X", "in an email".
_CHANNELS = frozenset("statement email e-mail interview letter post tweet release "
                      "memo note message video op-ed essay column speech remarks".split())


def _depth(token) -> int:
    d = 0
    while token.head.i != token.i:  # spaCy makes a new Token object on each access
        token, d = token.head, d + 1
    return d


def _subject(verb):
    """The active subject; else the agent of a passive ("was told by X"); else the passive
    subject; else, for a coordinated verb, the subject of the verb it joins."""
    for c in verb.children:
        if c.dep_ == "nsubj":
            return c
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if agent is not None:
        pobj = next((c for c in agent.children if c.dep_ == "pobj"), None)
        if pobj is not None:
            return pobj
    for c in verb.children:
        if c.dep_ == "nsubjpass":
            return c
    # "X said ... and added ...", "X mocked Y, claiming ...": the verb shares the subject
    # of the verb it hangs on.
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.i != verb.i:
        return _subject(verb.head)
    # "The front-runner predicted in March that ...", parsed as a noun with a reduced
    # relative clause: the noun is the one who predicts.
    if verb.dep_ == "acl" and verb.head.dep_ == "ROOT" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return None


def _antecedent(subj):
    """ "X, who said ...": the relative pronoun's noun (the verb heads a relative clause
    hanging on it); else the pronoun itself."""
    verb = subj.head
    if subj.lower_ in _RELATIVE and verb.dep_ == "relcl" and verb.head.pos_ in ("PROPN", "NOUN"):
        return verb.head, verb
    return subj, None


def _found(doc, head, cue, quotes, without=None) -> dict:
    toks = noun_phrase(doc, head, quotes, without)
    head, _ = past_dateline(doc, head)
    return {"cue": cue, "source": span_of(toks), "head": head, "tokens": toks}


def _verb_cue(doc, quotes) -> dict | None:

    candidates = [t for t in doc if t.pos_ in ("VERB", "AUX") and is_cue_verb(t)
                  and not inside(t.idx, quotes)]
    if not candidates:
        return None
    verb = min(candidates, key=lambda t: (_depth(t), t.i))
    cue = cue_span(doc, verb)
    subj = _subject(verb)
    if subj is None or inside(subj.idx, quotes):
        return _tag_words(doc, verb, cue, quotes)
    head, relcl = _antecedent(subj)
    found = _found(doc, head, cue, quotes, relcl)
    found["passive"] = subj.dep_ == "nsubjpass"  # "X is believed ...": X is no speaker
    return found


_TAG_WORDS = 16  # the longest speaker phrase read between a quotation and its verb


def _tag_words(doc, verb, cue, quotes) -> dict:
    """ "“...,” Jane Roe, wearing a red hat, said.": the parser lost the subject; the
    words between the quotation's end and the verb name the speaker."""
    none = {"cue": cue, "source": None, "head": None, "tokens": []}
    ends = [b for a, b in quotes if b <= verb.idx]
    if not ends:
        return none
    toks = trim([t for t in doc if max(ends) <= t.idx < verb.idx])
    names = [t for t in toks if is_name(t) or t.pos_ in ("NOUN", "PRON")]
    if not names or len(toks) > _TAG_WORDS or any(t.pos_ in ("VERB", "AUX") and t.dep_ not in
                                                  ("advcl", "acl") for t in toks):
        return none
    comma = next((t.i for t in toks if t.text == ","), toks[-1].i + 1)
    head = [t for t in names if t.i < comma][-1:] or names[:1]  # "Jane Roe" in "Jane Roe, 49,"
    return {"cue": cue, "source": span_of(toks), "head": head[0], "tokens": toks}


def _according_to(doc, quotes) -> dict | None:
    """ "according to X"."""
    for t in doc[:-1]:
        if t.lower_ == "according" and doc[t.i + 1].lower_ == "to" and not inside(t.idx, quotes):
            to = doc[t.i + 1]
            cue = (t.idx, to.idx + len(to.text))
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            if pobj is None:
                return {"cue": cue, "source": None, "head": None, "tokens": []}
            return _found(doc, pobj, cue, quotes)
    return None


def _in_a_statement(doc, quotes) -> dict | None:
    """ "in a statement from X", "in an email released by X": the channel and its author."""
    for t in doc:
        if t.lower_ != "in" or inside(t.idx, quotes):
            continue
        channel = next((c for c in t.children if c.dep_ == "pobj"
                        and c.lower_ in _CHANNELS), None)
        if channel is None:
            continue
        author = None
        for c in channel.subtree:
            if c.dep_ == "pobj" and c.head.lower_ in ("from", "by") and c.head.i > channel.i:
                author = c
                break
        if author is not None:
            return _found(doc, author, (t.idx, channel.idx + len(channel.text)), quotes)
    return None


def _colon(doc, quotes) -> dict | None:
    """A name and a colon before what it says ("Roe: “We will not.”"): a short phrase
    without a verb, opening the sentence."""
    colon = next((t for t in doc if t.text == ":" and not inside(t.idx, quotes)), None)
    if colon is None or not 0 < colon.i <= 8 or colon.i + 1 >= len(doc):
        return None
    before = doc[:colon.i]
    if any(t.pos_ in ("VERB", "AUX") or inside(t.idx, quotes) for t in before):
        return None
    if not any(t.pos_ in ("PROPN", "NOUN", "PRON") or is_capitals(t) for t in before):
        return None
    toks = trim(list(before))
    if not toks:
        return None
    head = max(toks, key=lambda t: (t.pos_ == "PROPN" or is_capitals(t), t.i))
    return {"cue": (colon.idx, colon.idx + 1), "source": span_of(toks), "head": head,
            "tokens": toks}


# Subjects that do not hold a view: dummies, and the first and second person (a speaker's
# own words, quoted without marks).
_NOT_HOLDERS = frozenset("it there this that i we you me us".split())


def _main_verb(doc, quotes) -> dict | None:
    """The main verb and its subject, for a sentence already judged reported whose cue is
    no reporting verb ("X wants ...", "X endorsed Y"), when the subject can hold a view
    (not "the poll", "his victory")."""
    from newsroles.labeling.parse import lemma

    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB" or inside(root.idx, quotes) or lemma(root) == "be":
        return None
    subj = _subject(root)
    if subj is None or inside(subj.idx, quotes) or subj.lower_ in _NOT_HOLDERS:
        return None
    head, relcl = _antecedent(subj)
    found = _found(doc, head, cue_span(doc, root), quotes, relcl)
    return found if holds_views(head, found["tokens"]) else None


# Adjectives of a held view after "be": "X is confident that ...", "X was not sure".
STANCE_ADJECTIVES = frozenset("""sure certain confident convinced optimistic pessimistic
hopeful doubtful skeptical sceptical concerned worried afraid fearful anxious nervous
aware unaware adamant determined eager keen willing unwilling reluctant opposed critical
supportive happy unhappy pleased disappointed frustrated angry upset furious proud
satisfied dissatisfied unconvinced wary""".split())


def _stance_adjective(doc, quotes) -> dict | None:
    """ "X is confident that ...", "X wasn't optimistic about ...": a view held, told by
    an adjective after "be"."""
    from newsroles.labeling.parse import lemma

    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or lemma(root) != "be" or inside(root.idx, quotes):
        return None
    adjective = next((c for c in root.children if c.dep_ == "acomp"
                      and c.lower_ in STANCE_ADJECTIVES), None)
    subj = _subject(root)
    if adjective is None or subj is None or inside(subj.idx, quotes) \
            or subj.lower_ in _NOT_HOLDERS:
        return None
    start, _ = cue_span(doc, root)
    after = next((c for c in adjective.children if c.i == adjective.i + 1
                  and c.dep_ == "prep" and c.lower_ in ("about", "of")), None)
    last = after or adjective
    head, relcl = _antecedent(subj)
    return _found(doc, head, (start, last.idx + len(last.text)), quotes, relcl)


def _is_speaker_label(tokens) -> bool:
    """A name alone before the colon opening a sentence ("TAPPER:", "Chris Matthews:"), as a
    transcript marks its turns: it names the speaker whatever verbs follow."""
    return bool(tokens) and tokens[0].i == 0 and len(tokens) <= 4 and all(
        is_name(t) or t.text == "." for t in tokens)


_NON_VERB_CUES = (_according_to, _in_a_statement, _colon, _stance_adjective, _main_verb)
# The names extract_one gives its rules ("rule"; the output's source.via).
SENTENCE_RULES = frozenset(["verb", *(rule.__name__.strip("_") for rule in _NON_VERB_CUES)])


def extract_one(doc, quotes: list[tuple[int, int]], continued: bool = False) -> dict:
    """Source and cue of one parsed sentence, offsets relative to it: {"cue", "source"}
    as (start, end) or None, and the source's head token and tokens. `continued`: the
    sentence goes on a quotation begun earlier, so its main verb is the speaker's."""
    label = _colon(doc, quotes)
    if label is not None and _is_speaker_label(label["tokens"]):
        return {**label, "rule": "colon", "label": True}
    by_verb = _verb_cue(doc, quotes)
    if by_verb is not None and by_verb["source"] is not None:
        by_verb["rule"] = "verb"
        if not by_verb.get("passive"):
            return by_verb
        # "X is believed to ..., according to Y": Y says it.
        named = next((f for f in (_according_to(doc, quotes), _in_a_statement(doc, quotes))
                      if f is not None and f["source"] is not None), None)
        return {**named, "rule": "according_to"} if named else by_verb
    rules = _NON_VERB_CUES[:-1] if continued else _NON_VERB_CUES
    for rule in rules:
        found = rule(doc, quotes)
        if found is not None and found["source"] is not None:
            found["rule"] = rule.__name__.strip("_")
            return found
    return by_verb or _according_to(doc, quotes) or {"cue": None, "source": None,
                                                     "head": None, "tokens": []}
