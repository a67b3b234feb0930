"""Who said it: for `quote` and `attribution` sentences, the source (speaker or cited
body), the cue ("revealed", "according to") and, for quotes, the quoted span(s), each with
character offsets.

Read from spaCy's dependency parse (the same small English model the labeling functions
use): the cue is a reporting or stance verb outside the quotation marks, preferring the
one nearest the root, with its auxiliaries ("has learned"); the source is that verb's
subject (or the agent of a passive), whole noun phrase; where no such verb names anyone,
"according to X" gives cue "according to" and source X. Each span carries `sent_idx`, the
sentence it lies in (a carried source lies in an earlier one). A sentence inside a quotation that began earlier and names
no source of its own takes the source named where the quotation began. Pronouns are left
as they are ("he"): no coreference.
"""

from __future__ import annotations

from newsroles.labeling.vocab import REPORT_LEMMAS, STANCE_LEMMAS

CUE_LEMMAS = REPORT_LEMMAS | STANCE_LEMMAS | frozenset("learn hear quote cite".split())
OPENING = "“«„"
CLOSING = "”»"
REPORTED = ("quote", "attribution")


def quote_spans(text: str, open_at_start: bool = False) -> list[tuple[int, int]]:
    """Spans inside quotation marks (marks included); a quotation open at the start runs
    from the sentence's start, one left open runs to its end."""
    spans, start = [], 0 if open_at_start else None
    for i, ch in enumerate(text):
        if ch in OPENING or (ch == '"' and start is None):
            if start is None:
                start = i
        elif ch in CLOSING or ch == '"':
            if start is not None:
                spans.append((start, i + 1))
                start = None
    if start is not None and len(text) - start > 1:
        spans.append((start, len(text)))
    # Single words in quotation marks ("scare quotes") are quoted spans too; keep them.
    return spans


def _inside(i: int, spans) -> bool:
    return any(a <= i < b for a, b in spans)


def _phrase(token) -> tuple[int, int]:
    """Character span of a noun phrase: the token's subtree, trimmed of punctuation and of
    relative clauses and appositive tails after a comma."""
    toks = [t for t in token.subtree]
    # Cut at the first comma after the head ("Rubio, who ..." -> "Rubio").
    cut = next((k for k, t in enumerate(toks) if t.i > token.i and t.text == ","), None)
    if cut is not None:
        toks = toks[:cut]
    while toks and toks[0].is_punct:
        toks = toks[1:]
    while toks and toks[-1].is_punct:
        toks = toks[:-1]
    if not toks:
        return token.idx, token.idx + len(token.text)
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


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
    return None


def extract_one(doc, quotes: list[tuple[int, int]]) -> dict:
    """Source and cue of one parsed sentence (offsets relative to the sentence)."""
    from newsroles.labeling.parse import lemma

    candidates = [t for t in doc if t.pos_ in ("VERB", "AUX") and lemma(t).lower() in CUE_LEMMAS
                  and not _inside(t.idx, quotes)]
    according = _according_to(doc, quotes)
    if not candidates:
        return according or {"cue": None, "source": None}
    verb = min(candidates, key=lambda t: (_depth(t), t.i))
    aux = [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.i < verb.i]
    first = min([verb, *aux], key=lambda t: t.i)
    # Only a contiguous auxiliary chain joins the cue ("has learned", not "has, she said").
    if any(doc[k].is_punct for k in range(first.i, verb.i)):
        first = verb
    cue = (first.idx, verb.idx + len(verb.text))
    subj = _subject(verb)
    src = _phrase(subj) if subj is not None and not _inside(subj.idx, quotes) else None
    if src is None and according and according["source"] is not None:
        return according
    return {"cue": cue, "source": src}


def _according_to(doc, quotes) -> dict | None:
    """ "according to X": the channel, used when no reporting verb names a speaker."""
    for t in doc:
        if t.lower_ == "according" and t.i + 1 < len(doc) and doc[t.i + 1].lower_ == "to" \
                and not _inside(t.idx, quotes):
            to = doc[t.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            return {"cue": (t.idx, to.idx + len(to.text)),
                    "source": _phrase(pobj) if pobj is not None else None}
    return None


def _span(text: str, span, base: int, sent_idx) -> dict | None:
    """The span's text and offsets (into the article, or into sentence `sent_idx` when the
    article is not known)."""
    if span is None:
        return None
    a, b = span
    return {"text": text[a:b], "start": base + a, "end": base + b, "sent_idx": sent_idx}


def add_sources(records: list[dict], parse_docs=None, kept: dict | None = None) -> None:
    """Add `source`, `cue` and `quote_spans` to the quote and attribution records of one
    or more documents (in order); other records get None / []. Offsets are into the
    article when the record has `start`, else into the sentence. `kept`: Docs already
    parsed, by text (labeling.parse.keep_docs); only the rest are parsed now."""
    from newsroles.labeling.parse import parse_docs as parse

    todo = [r for r in records if r.get("label") in REPORTED]
    if parse_docs is None:
        kept = kept or {}
        fresh = iter(parse(r["text"] for r in todo if r["text"] not in kept))
        parse_docs = [kept[r["text"]] if r["text"] in kept else next(fresh) for r in todo]
    docs = dict(zip((id(r) for r in todo), parse_docs))
    carried, carried_doc = None, None  # the source of a quotation still open
    previous_quote = None  # the source of the sentence before, when it was a quote
    for r in records:
        text = r["text"]
        start = r.get("start")
        base = start if start is not None and start >= 0 else 0
        if r.get("doc_id") != carried_doc:
            carried, carried_doc, previous_quote = None, r.get("doc_id"), None
        open_start = bool(r.get("quote_open_start"))
        if id(r) not in docs:
            r["source"], r["cue"], r["quote_spans"] = None, None, []
            if not r.get("quote_open_end"):
                carried = None
            previous_quote = None
            continue
        quotes = quote_spans(text, open_start)
        found = extract_one(docs[id(r)], quotes)
        idx = r.get("sent_idx")
        source = _span(text, found["source"], base, idx)
        if source is None and open_start and carried is not None:
            source = carried  # the speaker named where the quotation began
        elif (source is None and r["label"] == "quote" and previous_quote is not None
              and text.lstrip()[:1] in OPENING + '"'):
            # A fresh quotation straight after the speaker's last one, naming nobody:
            # news style for the same speaker going on.
            source = previous_quote
        r["source"] = source
        r["cue"] = _span(text, found["cue"], base, idx)
        r["quote_spans"] = ([_span(text, q, base, idx) for q in quotes]
                            if r["label"] == "quote" else [])
        carried = source if r.get("quote_open_end") else None
        previous_quote = source if r["label"] == "quote" else None
