"""The source's noun phrase: a subject's subtree, with its appositives and relative
clauses ("Jane Roe, the mayor's spokeswoman,"), as PolNeAR and PARC mark it, cut where
what follows is no part of the name (an aside, an age, a reporting relative clause, a
dateline, a long quotation)."""

from __future__ import annotations

import re

from newsroles.attribution.cues import TIME_WORDS, is_cue_verb
from newsroles.attribution.quotes import inside
from newsroles.labeling.parse import doc_text

_SHORT_QUOTE = 32  # characters, marks included
_FOCUS_WORDS = frozenset(["even", "also"])  # before a phrase, no part of the name
_DASHES = frozenset("— – -- ―".split())
# A dateline before the subject ("WASHINGTON (Reuters) - "): not part of the source.
_DATELINE = re.compile(r"^[^\W\d][^()]{0,40}?(?:\([^()]{1,30}\))?\s*(?:—|–|--|-)\s+")


def trim(toks: list) -> list:
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


def _when(child) -> bool:
    """A time the parser hung on the noun ("Trevor Noah on Thursday"): not the source."""
    if child.dep_ != "prep":
        return False
    pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
    return pobj is not None and pobj.lower_ in TIME_WORDS


def phrase_tokens(token, quotes) -> list:
    """The noun phrase headed by `token`: its subtree, cut at a dash after the head (an
    aside, "Democrats — buoyed by ... —"; an appositive between dashes stays in), at a
    line break, at an age ("Jane Roe, 67, of Exeter"), at a clause or a time the parser
    hung on the head ("when asked", "on Monday"), at a participle's clause after a comma
    ("Roe, speaking at ..."), at a relative clause that reports ("Roe, who said ..."), and
    at a quotation; "even" before it is left out."""
    dropped = {t.i for c in token.children if c.dep_ == "advcl" or _when(c)
               or _reports(c) or _aside(c) for t in c.subtree}
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
        if t.i > token.i and t.text in _DASHES and _dash_appositive(t, token):
            toks.append(t)
            continue
        if t.i > token.i and (t.text in _DASHES or quoted):
            break
        if t.i < token.i and quoted:
            toks = []
            continue
        toks.append(t)
    toks = trim(toks) or [token]
    while len(toks) > 1 and toks[0].lower_ in _FOCUS_WORDS and toks[0].dep_ == "advmod":
        toks = toks[1:]  # "even a few of her neighbours": the neighbours
    last = toks[-1]
    # "Rep. Jim Clyburn (D-S.C.)": the parser may leave the closing bracket out.
    if sum(t.text == "(" for t in toks) > sum(t.text == ")" for t in toks) \
            and last.i + 1 < len(last.doc) and last.doc[last.i + 1].text == ")":
        toks.append(last.doc[last.i + 1])
    return toks


def _aside(child) -> bool:
    """ "Jane Roe, speaking at a rally, said": a participle's clause set off by a comma
    after the name tells what the source was doing, no part of the name (PolNeAR's span
    leaves it out)."""
    edge = child.left_edge.i
    return child.dep_ == "acl" and child.i > child.head.i and edge > 0 \
        and child.doc[edge - 1].text == ","


def _dash_appositive(dash, head) -> bool:
    """ "Jo Sims — a nurse at the clinic — said": an appositive of the head between dashes
    is part of the phrase (as PolNeAR marks it), unlike other asides."""
    return any(c.dep_ == "appos" and dash.i in (c.left_edge.i - 1, c.right_edge.i + 1)
               for c in head.children)


def _is_age(child) -> bool:
    """ "Jane Roe, 67, of Exeter": a number set off by commas after a name, then where the
    person is from; the name alone is the source then, as PolNeAR marks it (with an
    appositive instead, "Jane Roe, 67, a nurse,", the age stays in)."""
    doc = child.doc
    if not (child.like_num and child.i >= 2 and doc[child.i - 1].text == ","):
        return False
    after = doc[child.i + 1:child.i + 3]
    return len(after) < 2 or after[0].text == "." or (after[0].text == ","
                                                      and after[1].lower_ in ("of", "from"))


def _reports(child) -> bool:
    """A relative clause that is an attribution of its own ("Roe, who said ..."): its
    speaker is the noun, the clause no part of the name."""
    return child.dep_ == "relcl" and child.pos_ == "VERB" and is_cue_verb(child)


def span_of(toks) -> tuple[int, int]:
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _dateline_end(doc) -> int:
    """Where a dateline opening the sentence ends ("WASHINGTON (AP) - ", "CLEVELAND, July
    19 (UPI) — "), or 0."""
    m = _DATELINE.match(doc_text(doc))
    if m is None or not (m.group(0).split()[0].rstrip(",").isupper() or "(" in m.group(0)):
        return 0
    return m.end()


def past_dateline(doc, head):
    """The parser may make the dateline's place the subject, the name an appositive of
    it: the subject is then the first word after the dateline hanging on the place's
    phrase."""
    end = _dateline_end(doc)
    if not end or head.idx >= end:
        return head, end
    after = next((t for t in head.subtree if t.idx >= end and t.head.idx < end), None)
    return (after if after is not None else head), end


def noun_phrase(doc, head, quotes, without=None) -> list:
    head, dateline = past_dateline(doc, head)
    toks = phrase_tokens(head, quotes)
    if without is not None:  # the relative clause the cue stands in
        cut = {t.i for t in without.subtree}
        toks = trim([t for t in toks if t.i not in cut and t.i < min(cut)])
    return [t for t in toks if t.idx >= dateline] or [head]


_NAME_RUN = frozenset("PROPN NOUN ADJ DET NUM PART".split())  # "Ohio's senior senator Jo Li"


def closing_noun_phrase(doc, quotes) -> list:
    """The name a sentence ends with ("On Monday, Sen. Jane Roe (D-Ore.)", "Tom Reed and
    Rep. Ann Cole (R-Ohio)"), or []: a sentence the splitter cut after a name, at the
    period of its bracketed party and state. The words before the bracket back to the
    first that cannot be in a name's phrase (a comma, a preposition, "when"); "and" only
    between names."""
    toks = trim(list(doc))
    if not toks or inside(toks[-1].idx, quotes):
        return []
    end = len(toks)
    if toks[-1].text == ")":
        end = next((k for k in range(len(toks) - 1, -1, -1) if toks[k].text == "("), 0)
    if not 0 < end or toks[end - 1].pos_ != "PROPN":
        return []
    start = end - 1
    while start > 0:
        t, before = toks[start - 1], toks[start - 2] if start > 1 else None
        joins = t.pos_ == "CCONJ" and t.lower_ == "and" and before is not None \
            and before.pos_ == "PROPN"
        hyphen = t.text == "-" and not t.whitespace_ and not before.whitespace_ if before else False
        if not (t.pos_ in _NAME_RUN or hyphen or joins) or inside(t.idx, quotes):
            break
        start -= 1
    return trim(toks[start:])
