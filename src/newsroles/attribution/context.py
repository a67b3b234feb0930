"""Who said it across an article's sentences.

Each quote or attribution sentence first gets its own source and cue (sentence.py). One
naming nobody then takes a speaker from the sentences around it, by the first of these
rules that finds one, recorded in `source.via`:

    cut_subject     a clause the splitter cut after its subject ("Sen. Jane Roe (D-Ore.)" /
                    "said ..."): the name closing the first half, for both halves, with
                    the second half's verb or colon as the cue (tried first)
    quotation       another sentence of the same quotation: where it began, else where it
                    closes ("“... . ... ,” she said.")
    next_sentence   the next sentence's reporting tag, when that sentence opens with a
                    quotation ("“A.” “B,” she said.") and this one opens a fresh one;
                    not a pronoun's when the sentence before names a speaker
                    (last_speaker then: "“A,” Roe said. “B.”")
    introduction    a sentence ending in a colon that names a speaker ("X said:"), or
                    opening with a transcript's speaker label ("X: ...") or with
                    "Transcript as follows:", for the sentences after it
    paragraph       a quotation whose paragraph names its speaker in a later quotation
                    ("“A.” “B.” “C,” she said."; raw text only: given sentences carry no
                    paragraphs), first when the quotation opens its paragraph
    last_speaker    a quotation straight after a sentence with a speaker: the same speaker
                    going on

A quote sentence whose own source is only its main verb's or a stance's subject
(`main_verb`, `stance_adjective`) tries these rules first and keeps its own where they
find none. A carried source brings its cue; both keep the `sent_idx` of the sentence they
lie in.
A source found in the sentence itself has as `via` the rule of sentence.py that found it:
`verb` (a reporting verb's subject), `headline`, `as_follows`, `according_to`, `in_a_statement`,
`colon`, `stance_adjective`, `in_a_poll` or `main_verb` (the main verb's subject, when the
sentence has no reporting verb). A relative pronoun as the source ("who" in "Jane Roe, who
endorsed ...") has its noun as `source.resolved`.
"""

from __future__ import annotations

from newsroles.attribution.cues import cue_span
from newsroles.attribution.kinds import source_kind
from newsroles.attribution.phrase import closing_noun_phrase, span_of
from newsroles.attribution.quotes import open_at_end, opens_with_quote, quote_spans
from newsroles.attribution.resolve import Salience, name_tokens, resolve_speakers
from newsroles.attribution.sentence import SENTENCE_RULES, extract_one

REPORTED = ("quote", "attribution")


def _span(text: str, span, base: int, sent_idx) -> dict | None:
    """The span's text and offsets (into the article, or into sentence `sent_idx` when the
    article is not known)."""
    if span is None:
        return None
    a, b = span
    return {"text": text[a:b], "start": base + a, "end": base + b, "sent_idx": sent_idx}


def _parsed(records: list[dict], parse_docs, kept) -> dict:
    """Docs of the quote and attribution records, by id(record)."""
    from newsroles.labeling.parse import parse_docs as parse

    todo = [r for r in records if r.get("label") in REPORTED]
    if parse_docs is None:
        kept = kept or {}
        fresh = iter(parse(r["text"] for r in todo if r["text"] not in kept))
        parse_docs = [kept[r["text"]] if r["text"] in kept else next(fresh) for r in todo]
    return dict(zip((id(r) for r in todo), parse_docs))


def _documents(records: list[dict]):
    """Runs of consecutive records of one document."""
    run: list[dict] = []
    for r in records:
        if run and r.get("doc_id") != run[0].get("doc_id"):
            yield run
            run = []
        run.append(r)
    if run:
        yield run


def _cut_off(text: str) -> bool:
    """A sentence beginning in lower case or with a comma: the splitter cut a clause in
    two ("Sen. Jane Roe (D-Ore.)" / "said on Monday ...", at the abbreviation's period)."""
    first = text.lstrip()[:1]
    return first.islower() or first in ",;:"


class _Sentence:
    """One record's own findings, and what the rules across sentences read."""

    __slots__ = ("record", "reported", "open_start", "open_end", "source", "cue", "found",
                 "introduces", "opens_quote", "paragraph", "base", "idx", "doc", "quotes",
                 "cut")

    def __init__(self, record: dict, open_start: bool, doc, idx):
        text = record["text"]
        self.record = record
        self.open_start = open_start
        self.open_end = open_at_end(text, open_start)
        self.reported = doc is not None
        self.opens_quote = opens_with_quote(text) or open_start
        has_offsets = record.get("start") is not None and record["start"] >= 0
        self.paragraph = record.get("paragraph") if has_offsets else None
        self.source = self.cue = self.found = self.doc = None
        self.introduces = False
        self.cut = _cut_off(text)
        record["source"], record["cue"], record["quote_spans"] = None, None, []
        if doc is None:
            return
        start = record.get("start")
        self.base = base = start if start is not None and start >= 0 else 0
        self.idx = idx
        self.doc = doc
        self.quotes = quotes = quote_spans(text, open_start)
        self.found = extract_one(doc, quotes, continued=open_start)
        self.source = _span(text, self.found["source"], base, idx)
        self.cue = _span(text, self.found["cue"], base, idx)
        if self.source is not None:
            self.source["via"] = self.found["rule"]
        # "X said:" ends it, or a transcript's "X:" opens it: the sentences after are X's.
        self.introduces = (text.rstrip().endswith(":") and not self.open_end
                           or self.found.get("label", False)
                           or self.found.get("introduces", False))
        if record["label"] == "quote":
            record["quote_spans"] = [_span(text, q, base, idx) for q in quotes]


def _name_or_antecedent(s: _Sentence, salience: Salience) -> None:
    """The source's type; a name joins the article's named sources, a pronoun or
    description gets `resolved`, the name it stands for."""
    head, tokens = s.found["head"], s.found["tokens"]
    if "antecedent" in s.found:  # "who" in "Jane Roe, who endorsed ...": Jane Roe
        head, tokens = s.found["antecedent"]
        s.source["resolved"] = {**_span(s.record["text"], span_of(name_tokens(head, tokens)
                                                                  or tokens), s.base, s.idx),
                                "rule": "relative_pronoun"}
    kind = source_kind(head, tokens)
    name = name_tokens(head, tokens) if head is not None else []
    if name:
        span = _span(s.record["text"], (name[0].idx, name[-1].idx + len(name[-1].text)),
                     s.base, s.idx)
        salience.add(head, tokens, span, kind, s.idx or 0)
    elif head is not None:
        antecedent = salience.resolve(head, tokens, s.idx or 0)
        if antecedent is not None:
            s.source["resolved"] = dict(antecedent.span)
            kind = antecedent.kind
    s.source["type"] = kind


def _own(s: _Sentence) -> bool:
    """Whether the sentence names its source itself."""
    return s.source is not None and s.source["via"] in SENTENCE_RULES


def _carried(donor: _Sentence, via: str) -> tuple[dict, dict | None]:
    return {**donor.source, "via": via}, donor.cue


def _cut_cue(rest: _Sentence) -> dict | None:
    """The cue of a sentence's second half whose subject the splitter left in the first:
    a colon opening it ("(D-Ore.)" / ": “We will.”"), a verb with no subject ("said
    ...", "also had strong views"), or the verb of an aside on the name (", who ...,
    said", ", the chairman, said": the aside is no source of its own)."""
    text, doc = rest.record["text"], rest.doc
    if text.lstrip().startswith(":"):
        colon = text.index(":")
        return _span(text, (colon, colon + 1), rest.base, rest.idx)
    if rest.source is not None:
        aside = doc[0].text == "," and rest.source["start"] - rest.base <= doc[1].idx
        return rest.cue if aside and rest.source["sent_idx"] == rest.idx else None
    if rest.cue is not None:
        return rest.cue
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ != "VERB" or any(
            c.dep_ in ("nsubj", "nsubjpass") for c in root.children):
        return None
    return _span(text, cue_span(doc, root), rest.base, rest.idx)


def _from_cut(sents: list[_Sentence]) -> dict[int, tuple]:
    """A clause the splitter cut after its subject: the name closing one sentence is the
    source of both halves, the cue opening the next their cue ("... Sen. Jane Roe
    (D-Ore.)" / "said on Monday that ...")."""
    found = {}
    for i in range(1, len(sents)):
        name, rest = sents[i - 1], sents[i]
        if not (rest.cut and rest.reported and name.reported):
            continue
        phrase = closing_noun_phrase(name.doc, name.quotes)
        cue = _cut_cue(rest) if phrase else None
        if cue is None:
            continue
        bracket = next((k for k, t in enumerate(phrase) if t.text == "("), len(phrase))
        source = {**_span(name.record["text"], span_of(phrase), name.base, name.idx),
                  "via": "cut_subject", "type": source_kind(phrase[bracket - 1], phrase)}
        found[i] = (source, cue)
        if name.source is None:
            found[i - 1] = (source, cue)
    return found


def _quotation_runs(sents: list[_Sentence]) -> list[list[int]]:
    """Indices of the sentences of each quotation that runs over several sentences."""
    runs, current = [], []
    for i, s in enumerate(sents):
        if s.open_start and current:
            current.append(i)
        else:
            if len(current) > 1:
                runs.append(current)
            current = [i]
        if not s.open_end:
            if len(current) > 1:
                runs.append(current)
            current = []
    if len(current) > 1:
        runs.append(current)
    return runs


def _from_quotation(sents, runs) -> dict[int, tuple]:
    found = {}
    for run in runs:
        named = [i for i in run if sents[i].source is not None]
        for i in run:
            if sents[i].reported and sents[i].source is None and named:
                earlier = [k for k in named if k < i]
                donor = earlier[-1] if earlier else named[0]
                found[i] = _carried(sents[donor], "quotation")
    return found


def _later_in_paragraph(sents: list[_Sentence], i: int):
    """For a quotation naming nobody, the next quotation of its paragraph that names its
    speaker ("“A.” “B.” “C,” she said."); None where paragraphs are unknown."""
    s = sents[i]
    if s.paragraph is None or not s.opens_quote:
        return None
    for later in sents[i + 1:]:
        if later.paragraph != s.paragraph or not later.reported:
            return None
        if _own(later) and later.opens_quote:
            return later
    return None


def _pronoun_after_speaker(before: _Sentence | None, after: _Sentence) -> bool:
    """ "“A,” Roe said. “B.” “C,” she added.": the next tag's pronoun is most likely the
    speaker just named, so B stays the previous sentence's (last_speaker), by that name."""
    head = after.found["head"]
    return head is not None and head.pos_ == "PRON" and before is not None \
        and before.reported and before.source is not None


def _from_neighbours(sents: list[_Sentence], i: int):
    """The rules after `quotation`, in order, for sentence i."""
    s = sents[i]
    after = sents[i + 1] if i + 1 < len(sents) else None
    before = sents[i - 1] if i else None
    # A sentence going on a quotation begun earlier is no fresh one the next tag names.
    if after is not None and after.reported and after.opens_quote and after.source is not None \
            and _own(after) and s.opens_quote and not s.open_start and not s.open_end \
            and not _pronoun_after_speaker(before, after):
        return _carried(after, "next_sentence")
    if before is not None and before.reported and before.source is not None and \
            (before.introduces or before.source["via"] == "introduction"):
        return _carried(before, "introduction")
    later = _later_in_paragraph(sents, i)
    if later is not None and (i == 0 or sents[i - 1].paragraph != s.paragraph):
        return _carried(later, "paragraph")  # a paragraph opening with a quotation
    # Only the sentence just before: reaching two or three back was worse on PolNeAR train.
    if s.opens_quote and before is not None and before.reported and before.source is not None:
        return _carried(before, "last_speaker")
    if later is not None:
        return _carried(later, "paragraph")
    return None


# A quote sentence's own source read off only its main verb or a stance ("“We will
# win,” she said. Roe wants the ferry back, “and soon.”"): the speaker named around the
# quotation is the likelier one (PolNeAR train: 0.54 mean token F1 for the main verb's
# subject in quote sentences, 0.70 in attributions).
_WEAK_IN_A_QUOTE = frozenset(["main_verb", "stance_adjective"])


def _hold_weak_sources(sents: list[_Sentence]) -> dict[int, tuple]:
    """Takes such sources (and their cues) out while the rules across sentences run; the
    caller gives back those for which they find none."""
    held = {}
    for i, s in enumerate(sents):
        if s.source is not None and s.record["label"] == "quote" \
                and s.source["via"] in _WEAK_IN_A_QUOTE:
            held[i] = (s.source, s.cue)
            s.source = s.cue = None
    return held


def _document_sources(records: list[dict], docs: dict) -> None:
    sents, open_state = [], False
    salience = Salience()
    for k, r in enumerate(records):
        s = _Sentence(r, open_state, docs.get(id(r)), r.get("sent_idx", k))
        if s.source is not None:
            _name_or_antecedent(s, salience)
        sents.append(s)
        open_state = s.open_end
    held = _hold_weak_sources(sents)
    for i, (source, cue) in _from_cut(sents).items():
        sents[i].source, sents[i].cue = source, cue
    for i, carried in _from_quotation(sents, _quotation_runs(sents)).items():
        sents[i].source, sents[i].cue = carried[0], sents[i].cue or carried[1]
    for i, s in enumerate(sents):
        if s.reported and s.source is None:
            carried = _from_neighbours(sents, i)
            if carried is not None:
                s.source, s.cue = carried[0], s.cue or carried[1]
    for i, (source, cue) in held.items():
        if sents[i].source is None:
            sents[i].source, sents[i].cue = source, cue
    resolve_speakers(sents)  # first person and interviews (resolve.py)
    for s in sents:
        s.record["source"], s.record["cue"] = s.source, s.cue


def add_sources(records: list[dict], parse_docs=None, kept: dict | None = None) -> None:
    """Add `source`, `cue` and `quote_spans` to the quote and attribution records of one
    or more documents (in order); other records get None / []. Offsets are into the
    article when the record has `start`, else into the sentence. `kept`: Docs already
    parsed, by text (labeling.parse.keep_docs); only the rest are parsed now. Whether a
    quotation is open is read here from the texts in order (quotes.py, which knows `''`),
    and a record's `paragraph` is used where it has offsets (raw text)."""
    docs = _parsed(records, parse_docs, kept)
    for doc_records in _documents(records):
        _document_sources(doc_records, docs)
