"""Who said it within one parsed sentence: the cue and the source's noun phrase.

The cue is a reporting or stance verb outside the quotation marks, preferring the one
nearest the root; the source is that verb's subject
(or the agent of a passive), the whole noun phrase with its appositives and relative
clauses ("Jane Roe, the mayor's spokeswoman,"), as PolNeAR and PARC mark it. A relative
pronoun ("X, who said ...") stands for the noun it hangs on. Where no verb names anyone,
the non-verb cues follow: "according to X", "in a statement from X", a colon after a
name ("Roe: ..."), an adjective of a held view ("X is confident ..."), and last the main
verb's subject when it can hold a view. Cues are reporting, speech and attitude verbs
(the labeling functions' lists and a few more), with their auxiliaries, adverbs and
particles ("has also said", "pointed out"). Offsets are into the sentence.
"""

from __future__ import annotations

import re

from newsroles.attribution.kinds import holds_views, is_capitals, is_name
from newsroles.attribution.quotes import inside
from newsroles.labeling.vocab import REPORT_LEMMAS, STANCE_LEMMAS

# Manners of speaking and of presenting someone, beyond the labeling functions' lists.
SPEECH_LEMMAS = frozenset("""learn hear quote cite call continue joke quip recount counter
retort shout yell scream chant bark snap muse wonder concur brag boast tout characterize
characterise label dub portray depict reason write argue lash gush exclaim scoff sneer
mock""".split())
# Attitudes: what a holder wants, favours or opposes.
ATTITUDE_LEMMAS = frozenset("""want wish favor favour prefer support oppose reject intend
seek like love hate consider regard view recognize recognise accept dismiss question""".split())
CUE_LEMMAS = REPORT_LEMMAS | STANCE_LEMMAS | SPEECH_LEMMAS | ATTITUDE_LEMMAS
_RELATIVE = frozenset("who which that".split())
_SHORT_QUOTE = 32  # characters, marks included
_DASHES = frozenset("— – -- ―".split())
# Nouns for what a statement comes in: "in a statement from X", "in an email".
_CHANNELS = frozenset("statement email e-mail interview letter post tweet release "
                      "memo note message video op-ed essay column speech remarks".split())
# A dateline before the subject ("WASHINGTON (Reuters) - "): not part of the source.
_DATELINE = re.compile(r"^[^\W\d][^()]{0,40}?(?:\([^()]{1,30}\))?\s*(?:—|–|--|-)\s+")


def _trim(toks: list) -> list:
    """Strip punctuation and spaces at either end, keeping an opening quotation mark and
    a closing bracket whose opener is kept."""
    while toks and (toks[0].is_space or toks[0].is_punct and toks[0].text not in "(“\""):
        toks = toks[1:]
    while toks and (toks[-1].is_punct or toks[-1].is_space):
        if toks[-1].text == ")" and any(t.text == "(" for t in toks):
            break
        toks = toks[:-1]
    return toks


def _short_quote(i: int, quotes) -> bool:
    """A few words in quotation marks: a title or nickname inside a name, not speech."""
    return any(a <= i < b and b - a <= _SHORT_QUOTE for a, b in quotes)


TIME_WORDS = frozenset("""monday tuesday wednesday thursday friday saturday sunday today
yesterday tonight morning afternoon evening night week weekend month year day
january february march april may june july august september october november december
""".split())


def _when(child) -> bool:
    """A time the parser hung on the noun ("Trevor Noah on Thursday"): not the source."""
    if child.dep_ != "prep":
        return False
    pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
    return pobj is not None and pobj.lower_ in TIME_WORDS


def phrase_tokens(token, quotes) -> list:
    """The noun phrase headed by `token`: its subtree, cut at a dash after the head (an
    aside, "Democrats — buoyed by ... —"), at a line break, at an age ("Jane Roe, 67, of
    Exeter"), at a clause or a time the parser hung on the head ("when asked", "on
    Monday"), at a relative clause that reports ("Roe, who said ..."), and at a quotation."""
    dropped = {t.i for c in token.children if c.dep_ == "advcl" or _when(c)
               or _reports(c) for t in c.subtree}
    age = next((c.i for c in token.children if c.i > token.i and _is_age(c)), None)
    toks = []
    for t in token.subtree:
        if t.i in dropped:
            continue
        if age is not None and t.i >= age - 1:  # "Jane Roe, 67, of Exeter": the name
            break
        if "\n" in t.text:  # a phrase never runs over a line break
            if t.i > token.i:
                break
            toks = []
            continue
        quoted = inside(t.idx, quotes) and not _short_quote(t.idx, quotes)
        if t.i > token.i and (t.text in _DASHES or quoted):
            break
        if t.i < token.i and quoted:
            toks = []
            continue
        toks.append(t)
    toks = _trim(toks) or [token]
    last = toks[-1]
    # "Rep. Jim Clyburn (D-S.C.)": the parser may leave the closing bracket out.
    if sum(t.text == "(" for t in toks) > sum(t.text == ")" for t in toks) \
            and last.i + 1 < len(last.doc) and last.doc[last.i + 1].text == ")":
        toks.append(last.doc[last.i + 1])
    return toks


def _is_age(child) -> bool:
    """ "Jane Roe, 67,": a number set off by commas after a name."""
    doc = child.doc
    return (child.like_num and child.i >= 2 and doc[child.i - 1].text == ","
            and (child.i + 1 >= len(doc) or doc[child.i + 1].text in (",", ".")))


def _reports(child) -> bool:
    """A relative clause that is an attribution of its own ("Roe, who said ..."): its
    speaker is the noun, the clause no part of the name."""
    return child.dep_ == "relcl" and child.pos_ == "VERB" and is_cue_verb(child)


def _span_of(toks) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _dateline_end(doc) -> int:
    """Where a dateline opening the sentence ends ("WASHINGTON (AP) - ", "CLEVELAND, July
    19 (UPI) — "), or 0."""
    m = _DATELINE.match(doc.text)
    if m is None or not (m.group(0).split()[0].rstrip(",").isupper() or "(" in m.group(0)):
        return 0
    return m.end()


def _past_dateline(doc, head):
    """The parser may make the dateline's place the subject, the name an appositive of
    it: the subject is then the first word after the dateline hanging on the place's
    phrase."""
    end = _dateline_end(doc)
    if not end or head.idx >= end:
        return head, end
    after = next((t for t in head.subtree if t.idx >= end and t.head.idx < end), None)
    return (after if after is not None else head), end


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


def _noun_phrase(doc, head, quotes, without=None) -> list:
    head, dateline = _past_dateline(doc, head)
    toks = phrase_tokens(head, quotes)
    if without is not None:  # the relative clause the cue stands in
        cut = {t.i for t in without.subtree}
        toks = _trim([t for t in toks if t.i not in cut and t.i < min(cut)])
    return [t for t in toks if t.idx >= dateline] or [head]


def _found(doc, head, cue, quotes, without=None) -> dict:
    toks = _noun_phrase(doc, head, quotes, without)
    head, _ = _past_dateline(doc, head)
    return {"cue": cue, "source": _span_of(toks), "head": head, "tokens": toks}


_PHRASAL_PREPOSITIONS = frozenset("for on about against to of".split())


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
    if nxt.dep_ != "prep" or nxt.lower_ not in _PHRASAL_PREPOSITIONS:
        return None
    if lemma(verb) == "say":
        return None
    pobj = next((c for c in nxt.children if c.dep_ == "pobj"), None)
    return None if pobj is not None and pobj.lower_ in TIME_WORDS else nxt


def _cue_span(doc, verb) -> tuple[int, int]:
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


def _verb_cue(doc, quotes) -> dict | None:

    candidates = [t for t in doc if t.pos_ in ("VERB", "AUX") and is_cue_verb(t)
                  and not inside(t.idx, quotes)]
    if not candidates:
        return None
    verb = min(candidates, key=lambda t: (_depth(t), t.i))
    cue = _cue_span(doc, verb)
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
    toks = _trim([t for t in doc if max(ends) <= t.idx < verb.idx])
    names = [t for t in toks if is_name(t) or t.pos_ in ("NOUN", "PRON")]
    if not names or len(toks) > _TAG_WORDS or any(t.pos_ in ("VERB", "AUX") and t.dep_ not in
                                                  ("advcl", "acl") for t in toks):
        return none
    comma = next((t.i for t in toks if t.text == ","), toks[-1].i + 1)
    head = [t for t in names if t.i < comma][-1:] or names[:1]  # "Jane Roe" in "Jane Roe, 49,"
    return {"cue": cue, "source": _span_of(toks), "head": head[0], "tokens": toks}


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
    toks = _trim(list(before))
    if not toks:
        return None
    head = max(toks, key=lambda t: (t.pos_ == "PROPN" or is_capitals(t), t.i))
    return {"cue": (colon.idx, colon.idx + 1), "source": _span_of(toks), "head": head,
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
    found = _found(doc, head, _cue_span(doc, root), quotes, relcl)
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
    start, _ = _cue_span(doc, root)
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
