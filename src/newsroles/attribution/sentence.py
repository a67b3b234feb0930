"""Who said it within one parsed sentence: the cue and the source.

The cue is a cue verb (cues.py) outside the quotation marks, the one nearest the root
(one whose subject names no one, "it", "that", last; a parenthetical "X added" first); the
source is its subject (or the agent of a passive; a passive with no agent, "X is expected
to", names none; "that" or a dummy taken over from another verb names none), as a whole
noun phrase (phrase.py). "According to X" frames the sentence, X the source, unless X is
a news outlet after a main reporting verb ("Roe said ..., according to the AP": Roe).
A relative pronoun ("X, who said ...") is the source, as PolNeAR marks it, the noun it
hangs on its antecedent, except where that noun is the main clause's subject; a
transcript's speaker label ("TAPPER: ...") comes first, then "Transcript as follows:"
(`as_follows`), then a title-case headline's words before its verb ("Mayor Roe Slams
Plan"). Where no verb names anyone, the non-verb cues follow: "according to X", "in a
statement from X", a colon after a name ("Roe: ..."), an adjective or noun of a held view
("X is confident ...", "X is a critic of"), "in the latest poll", and last the main verb's
subject when it can hold a view (kinds.py) and the verb is no "won", "seemed", "got".
Offsets are into the sentence.
"""

from __future__ import annotations

from newsroles.attribution.cues import PHRASAL_PREPOSITIONS as _PHRASAL_PREPOSITIONS
from newsroles.attribution.cues import cue_span, is_cue_verb
from newsroles.attribution.kinds import (DOCUMENT, holds_views, is_capitals, is_name, is_outlet,
                                         source_kind)
from newsroles.attribution.phrase import noun_phrase, past_dateline, span_of, trim
from newsroles.attribution.quotes import inside
from newsroles.labeling.parse import doc_text

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
    # "X said ... and added ...", "X mocked Y, claiming ...", "X was quick to add": the
    # verb shares the subject of the verb (or adjective) it hangs on.
    if verb.dep_ in ("conj", "advcl", "xcomp", "acomp") and verb.head.i != verb.i:
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


def _subject_source(doc, subj, cue, quotes) -> dict:
    """The source a subject names. A relative pronoun ("Jane Roe, who endorsed ...") is
    the source itself, as PolNeAR marks it, its noun kept as `antecedent` (context.py makes
    it source.resolved); unless that noun is the subject of the main clause ("The mayor,
    who said ..., left early": the sentence is the mayor's; or the parse's root), which is
    the source then."""
    head, relcl = _antecedent(subj)
    if relcl is None or head.dep_ in ("nsubj", "nsubjpass", "ROOT"):
        return _found(doc, head, cue, quotes, relcl)
    found = _found(doc, subj, cue, quotes)
    antecedent = _found(doc, head, cue, quotes, relcl)
    found["antecedent"] = (antecedent["head"], antecedent["tokens"])
    return found


def _with_governor(doc, verb, cue):
    """ "went on to say", "was quick to add": a cue verb after "to", governed by a verb
    that is no cue itself, a few words before, takes that verb into the cue, as PolNeAR
    marks it."""
    head = verb.head
    if head.dep_ == "acomp" and head.head.i < head.i:  # "was quick to add"
        head = head.head
    if verb.dep_ not in ("xcomp", "advcl") or not 0 < verb.i - head.i <= 4 \
            or is_cue_verb(head) or not any(c.lower_ == "to" and c.dep_ == "aux"
                                            for c in verb.children):
        return cue
    return cue_span(doc, head)[0], cue[1]


# Subjects that name no one: a dummy, or a relative pronoun or demonstrative standing for
# a thing ("a letter that alleged", "what he said shows").
_DUMMY_SUBJECTS = frozenset("it that which what this there".split())


def _dummy_subject(verb) -> bool:
    """Whether the cue verb's subject names no one ("It is said ...", "a plan that
    claims ..."): another cue verb of the sentence with a real subject is preferred."""
    subj = _subject(verb)
    return subj is not None and subj.lower_ in _DUMMY_SUBJECTS


def _appositive_of_an_opening(verb):
    """ "In a note to the Gazette, her press adviser, Tom Reed, said ...": the parser hangs
    the subject on the opening phrase's noun as an appositive, leaving the verb none; the
    appositive set off by a comma that ends just before the verb is the subject."""
    opening = [c for c in verb.children if c.dep_ == "prep" and c.i < verb.i]
    for prep in opening:
        for t in prep.subtree:
            set_off = t.doc[t.left_edge.i - 1].text == ","
            if t.dep_ == "appos" and t.head.dep_ == "pobj" and set_off \
                    and verb.i - 2 <= t.right_edge.i < verb.i:
                return t
    return None


def _names_no_one(verb, subj) -> bool:
    """A cue verb's subject that is no source: "that" ("the plan that favours ...", "that
    suggests ..."; PolNeAR's source lies elsewhere mostly), or a dummy the verb takes over
    from the verb it hangs on ("it went on to claim")."""
    return subj.lower_ == "that" or subj.head.i != verb.i and subj.lower_ in _DUMMY_SUBJECTS


def _parenthetical(verb) -> bool:
    """ "But, Roe added, she would not ...", "The board, Roe said, ...": a reporting clause
    with its subject set off inside another clause tells whose the whole sentence is."""
    return verb.dep_ == "parataxis" \
        and any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def _verb_cue(doc, quotes) -> dict | None:

    candidates = [t for t in doc if t.pos_ in ("VERB", "AUX") and is_cue_verb(t)
                  and not inside(t.idx, quotes)]
    if not candidates:
        return None
    verb = candidates[0] if len(candidates) == 1 else \
        min(candidates, key=lambda t: (_dummy_subject(t), not _parenthetical(t), _depth(t),
                                       t.i))
    cue = _with_governor(doc, verb, cue_span(doc, verb))
    subj = _subject(verb)
    if subj is None:
        subj = _appositive_of_an_opening(verb)
    if subj is None or inside(subj.idx, quotes):
        return _tag_words(doc, verb, cue, quotes)
    if _names_no_one(verb, subj):
        return {"cue": cue, "source": None, "head": None, "tokens": []}
    found = _subject_source(doc, subj, cue, quotes)
    found["verb"] = verb
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
    if ":" not in doc_text(doc):  # most sentences: no token to walk to
        return None
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


_POLLS = frozenset("poll polls survey surveys".split())


def _in_a_poll(doc, quotes) -> dict | None:
    """ "In the latest poll, Roe leads ...", "... ahead in a new survey": the poll says it
    (its findings are reported), "in" the cue."""
    for t in doc:
        if t.lower_ != "in" or inside(t.idx, quotes):
            continue
        poll = next((c for c in t.children if c.dep_ == "pobj" and c.lower_ in _POLLS), None)
        if poll is not None:
            return _found(doc, poll, (t.idx, t.idx + len(t.text)), quotes)
    return None


# Subjects that do not hold a view: dummies, and the first and second person (a speaker's
# own words, quoted without marks).
_NOT_HOLDERS = frozenset("it there this that i we you me us".split())
# Outside quotation marks "I" and "we" are the writer or a speaker holding the view ("I
# understood then ...", "We have seen this before"): the main verb's subject, as PolNeAR
# marks it.
_NOT_MAIN_VERB_HOLDERS = _NOT_HOLDERS - {"i", "we"}
# Main verbs of what befalls or seems, not of a view held: "X won ...", "X seemed ...";
# and the light verbs get, come, do (each under 0.4 mean token F1 on PolNeAR train).
_NOT_VIEW_VERBS = frozenset("be seem appear remain win receive earn face get come do".split())


def _main_verb(doc, quotes) -> dict | None:
    """The main verb and its subject, for a sentence already judged reported whose cue is
    no reporting verb ("X wants ...", "X endorsed Y"), when the subject can hold a view
    (not "the poll", "his victory") and the verb is none of what befalls or seems ("X
    won", "X seemed")."""
    from newsroles.labeling.parse import lemma

    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB" or inside(root.idx, quotes) \
            or lemma(root) in _NOT_VIEW_VERBS:
        return None
    subj = _subject(root)
    if subj is None or inside(subj.idx, quotes) or subj.lower_ in _NOT_MAIN_VERB_HOLDERS:
        return None
    found = _subject_source(doc, subj, cue_span(doc, root), quotes)
    holder = found.get("antecedent") or (found["head"], found["tokens"])
    return found if holds_views(*holder) or _document_finding(root, holder) else None


def _document_finding(verb, holder) -> bool:
    """ "The report includes ...", "the ad features ...": a document's subject with a verb
    in the present tense (what it says, not what befell it: "the letters went astray")."""
    return verb.tag_ in ("VBZ", "VBP") and source_kind(*holder) == DOCUMENT


# Adjectives of a held view after "be": "X is confident that ...", "X was not sure".
STANCE_ADJECTIVES = frozenset("""sure certain confident convinced optimistic pessimistic
hopeful doubtful skeptical sceptical concerned worried afraid fearful anxious nervous
aware unaware adamant determined eager keen willing unwilling reluctant opposed critical
supportive happy unhappy pleased disappointed frustrated angry upset furious proud
satisfied dissatisfied unconvinced wary""".split())


# Prepositions after an adjective that give what a view is held on: "tired of", "bent on".
_VIEW_PREPOSITIONS = frozenset("of about on with to".split())


def _takes_an_object_of_view(adjective) -> bool:
    """ "X is tired of ...", "X is bent on ...", "X is open to ...": any adjective with a
    preposition straight after it holds a view of that object."""
    return any(c.dep_ == "prep" and c.i == adjective.i + 1 and c.lower_ in _VIEW_PREPOSITIONS
               for c in adjective.children)


STANCE_NOUNS = frozenset("""supporter supporters proponent proponents opponent opponents
critic critics advocate advocates backer backers champion champions fan fans defender
defenders campaigner campaigners surrogate surrogates believer believers skeptic skeptics
sceptic sceptics foe foes ally allies enemy enemies admirer admirers detractor detractors
booster boosters endorser""".split())


def _stance_noun(noun) -> bool:
    """ "X is a fierce critic of ...", "X is one of the supporters of": a noun of a side
    taken, as the complement of "be"."""
    if noun.lower_ in STANCE_NOUNS:
        return True
    return noun.lower_ == "one" and any(t.lower_ in STANCE_NOUNS for t in noun.subtree)


def _stance_adjective(doc, quotes) -> dict | None:
    """ "X is confident that ...", "X wasn't optimistic about ...", "X is tired of ...": a
    view held, told by an adjective after "be"; or by a noun of a side taken ("X is a
    fierce critic of ...") when X can hold a view."""
    from newsroles.labeling.parse import lemma

    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or lemma(root) != "be" or inside(root.idx, quotes):
        return None
    adjective = next((c for c in root.children if c.dep_ == "acomp"
                      and (c.lower_ in STANCE_ADJECTIVES or _takes_an_object_of_view(c))
                      or c.dep_ == "attr" and _stance_noun(c)),
                     None)
    subj = _subject(root)
    if adjective is None or subj is None or inside(subj.idx, quotes) \
            or subj.lower_ in _NOT_MAIN_VERB_HOLDERS:
        return None
    start, _ = cue_span(doc, root)
    after = next((c for c in adjective.children if c.i == adjective.i + 1
                  and c.dep_ == "prep" and c.lower_ in ("about", "of")), None)
    last = after or adjective
    found = _subject_source(doc, subj, (start, last.idx + len(last.text)), quotes)
    holder = found.get("antecedent") or (found["head"], found["tokens"])
    # "The road is close to the river": past the stance words, only a holder of views.
    return found if adjective.lower_ in STANCE_ADJECTIVES or holds_views(*holder) else None


_HEADLINE_AUX = frozenset("""will won't won’t wo n't n’t is isn't isn’t does doesn't doesn’t
do don't don’t just""".split())


def is_headline(doc) -> bool:
    """A headline in title case ("Mayor Roe Backs New Bridge"): most words of four
    letters or more capitalised. The parser misreads its verbs as names."""
    words = [t for t in doc if t.is_alpha and len(t.text) > 3]
    return len(words) >= 3 and sum(t.text[0].isupper() for t in words) >= 0.8 * len(words)


_NOT_IN_A_NAME = frozenset("who why how what when after before if as don't don’t do does".split())


def _headline(doc, quotes) -> dict | None:
    """ "Mayor Roe Backs New Bridge": in a title-case headline, a cue verb by its form
    (any part of speech: the parser reads it as a name) straight after a short run of
    capitalised words; the run is the source (after a line break or a label such as
    "Breaking:")."""
    if not is_headline(doc) or _colon(doc, quotes) is not None:
        return None
    verb = next((t for t in doc[1:] if is_cue_verb(t) and not inside(t.idx, quotes)), None)
    if verb is None:
        return None
    start = max([t.i + 1 for t in doc[:verb.i] if t.text == ":" or "\n" in t.text] + [0])
    first = verb.i
    while first - 1 > start and doc[first - 1].lower_ in _HEADLINE_AUX:
        first -= 1
    toks = trim(list(doc[start:first]))
    if not toks or len(toks) > 5 or any(
            t.lower_ in _NOT_IN_A_NAME or t.is_alpha and not t.text[0].isupper() for t in toks):
        return None
    last = doc[verb.i + 1] if verb.i + 1 < len(doc) and \
        doc[verb.i + 1].lower_ in _PHRASAL_PREPOSITIONS else verb
    return {"cue": (doc[first].idx, last.idx + len(last.text)), "source": span_of(toks),
            "head": toks[-1], "tokens": toks}


def _is_speaker_label(tokens) -> bool:
    """A name alone before the colon opening a sentence ("TAPPER:", "Chris Matthews:"), as a
    transcript marks its turns: it names the speaker whatever verbs follow."""
    return bool(tokens) and tokens[0].i == 0 and _is_speaker_label_words(tokens)


def _is_speaker_label_words(tokens) -> bool:
    return 0 < len(tokens) <= 4 and all(is_name(t) or t.text == "." for t in tokens)


_NON_VERB_CUES = (_according_to, _in_a_statement, _colon, _stance_adjective, _in_a_poll,
                  _main_verb)
# The names extract_one gives its rules ("rule"; the output's source.via).
SENTENCE_RULES = frozenset(["verb", "headline", "as_follows",
                            *(rule.__name__.strip("_") for rule in _NON_VERB_CUES)])


def _framing_according_to(doc, quotes, by_verb) -> dict | None:
    """ "According to X, Roe told Y ...", "Sales rose, with buyers saying ..., according
    to X": "according to" frames the whole sentence, the cue verb's clause being what X
    reports; except after a main verb that reports ("Roe said ..., according to X": Roe
    stays the source, X only the channel)."""
    framed = _according_to(doc, quotes)
    if framed is None or framed["source"] is None:
        return None
    if by_verb is not None and by_verb["source"] is not None \
            and by_verb["cue"][0] < framed["cue"][0] and by_verb["verb"].dep_ == "ROOT" \
            and _relays(framed):
        return None
    return {**framed, "rule": "according_to"}


def _relays(framed) -> bool:
    """ "Roe said ..., according to the AP": a news outlet (a body) after a main reporting
    verb only relays what the verb's subject said, who stays the source; a poll, a report,
    a campaign or a person ("X told Y ..., according to a survey / to aides") is where
    the sentence's content comes from, as PolNeAR marks it."""
    return is_outlet(framed["tokens"])


def _passive_without_agent(doc, quotes, by_verb) -> dict:
    """ "X is expected to win", "X was considered ...": a passive cue verb with no "by"
    names who expects or considers nowhere, and its subject is no speaker (PolNeAR marks
    it rarely); "in a statement from Y" names one; else no source, the cue kept."""
    named = _in_a_statement(doc, quotes)
    if named is not None and named["source"] is not None:
        return {**named, "rule": "according_to"}
    return {"cue": by_verb["cue"], "source": None, "head": None, "tokens": []}


def _as_follows(doc, quotes) -> dict | None:
    """ "Transcript as follows:", "Her remarks as follows:": a short phrase opening the
    sentence (or its line) introduces what follows it (context.py carries it on, as PolNeAR
    marks a transcript), and is its source."""
    if "follows" not in doc_text(doc).lower():  # most sentences: no token to walk to
        return None
    for t in doc[1:-2]:
        if t.lower_ == "as" and doc[t.i + 1].lower_ == "follows" and doc[t.i + 2].text == ":" \
                and not inside(t.idx, quotes):
            start = max([k.i + 1 for k in doc[:t.i] if "\n" in k.text] + [0])
            toks = trim(list(doc[start:t.i]))
            if toks and len(toks) <= 5 and any(k.pos_ in ("NOUN", "PROPN") for k in toks):
                colon = doc[t.i + 2]
                return _label_after(doc, colon) or {
                    "cue": (t.idx, colon.idx + 1), "source": span_of(toks), "head": toks[-1],
                    "tokens": toks, "rule": "as_follows", "introduces": True}
    return None


def _label_after(doc, colon) -> dict | None:
    """ "Partial transcript as follows:\n\nROE: ...": the transcript's first speaker label
    names the speaker (as PolNeAR marks it), the transcript none."""
    words = [t for t in doc[colon.i + 1:colon.i + 7] if not t.is_space]
    end = next((k for k, t in enumerate(words) if t.text == ":"), None)
    if not end or not _is_speaker_label_words(words[:end]):
        return None
    toks = words[:end]
    return {"cue": (words[end].idx, words[end].idx + 1), "source": span_of(toks),
            "head": toks[-1], "tokens": toks, "rule": "colon", "label": True}


def extract_one(doc, quotes: list[tuple[int, int]], continued: bool = False) -> dict:
    """Source and cue of one parsed sentence, offsets relative to it: {"cue", "source"}
    as (start, end) or None, and the source's head token and tokens. `continued`: the
    sentence goes on a quotation begun earlier, so its main verb is the speaker's."""
    label = _colon(doc, quotes)
    if label is not None and _is_speaker_label(label["tokens"]):
        return {**label, "rule": "colon", "label": True}
    follows = _as_follows(doc, quotes)
    if follows is not None:
        return follows
    headline = _headline(doc, quotes)
    if headline is not None:
        return {**headline, "rule": "headline"}
    by_verb = _verb_cue(doc, quotes)
    framed = _framing_according_to(doc, quotes, by_verb)
    if framed is not None:
        return framed
    if by_verb is not None and by_verb["source"] is not None:
        by_verb["rule"] = "verb"
        if not by_verb.get("passive"):
            return by_verb
        return _passive_without_agent(doc, quotes, by_verb)
    rules = _NON_VERB_CUES[:-1] if continued else _NON_VERB_CUES
    for rule in rules:
        found = rule(doc, quotes)
        if found is not None and found["source"] is not None:
            found["rule"] = rule.__name__.strip("_")
            return found
    return by_verb or _according_to(doc, quotes) or {"cue": None, "source": None,
                                                     "head": None, "tokens": []}
