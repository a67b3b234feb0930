"""Article text -> body sentences with character offsets and quotation state.

syntok does the sentence splitting; this module adds what news text needs on top:
non-body lines (datelines, pull-quote captions, photo captions, page furniture) are dropped
and counted, title abbreviations that syntok treats as sentence ends ("Gov.", "Lt.") are
re-joined, and the "inside a quotation" state is carried from sentence to sentence.

Offsets always slice the original article text: ``text[start:end] == sentence.text``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

import syntok.segmenter as segmenter

# Title abbreviations that precede a name. syntok ends a sentence after them; a body
# sentence never ends on one, so the next piece is glued back on.
TITLE_ABBREVIATIONS = frozenset(
    """
    Adm Amb Atty Brig Capt Cmdr Col Cpl Del Det Dr Fr Ft Gen Gov Hon Insp Lt Maj Messrs Mmes
    Mr Mrs Ms Msgr Mt No Nos Pres Prof Pvt Rep Reps Rev Sen Sens Sgt Sr St Supt Vol vs
    """.split()
)

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
# "Monday, January 7, 2019" on its own, or "date 2025-02-03" prefixed to the first line.
DATELINE_RE = re.compile(
    rf"^[ \t\u00a0]*(?:{_WEEKDAY},?[ \t\u00a0]+{_MONTH}[ \t\u00a0]+\d{{1,2}},[ \t\u00a0]+\d{{4}}"
    rf"|date[ \t\u00a0]+\d{{4}}-\d{{2}}-\d{{2}})[ \t\u00a0]*"
)
# A pull-quote caption ("—John Hickenlooper", "– European Court of Justice") or page
# furniture ("-Article last amended: ...") starts its line with a dash.
CAPTION_RE = re.compile(r"^[ \t\u00a0]*[\u2014\u2013-]")
# Paragraphs are separated by blank lines.
PARAGRAPH_RE = re.compile(r"[^\n]+(?:\n(?![ \t\u00a0]*\n)[^\n]*)*")
SENTENCE_END_RE = re.compile(r"[.!?…:;][\"'”’)\]]*\s*$|[\"”’)]\s*$")

OPEN_QUOTES = "“«„"
CLOSE_QUOTES = "”»"
STRAIGHT_QUOTE = '"'
ALL_DOUBLE_QUOTES = OPEN_QUOTES + CLOSE_QUOTES + STRAIGHT_QUOTE


@dataclass
class SplitConfig:
    """How articles are turned into body sentences."""

    drop_datelines: bool = True
    drop_captions: bool = True
    # A paragraph with no sentence-final punctuation and fewer words than this is a photo
    # caption, legend or stray fragment, not a body sentence.
    fragment_max_words: int = 8


@dataclass
class Sentence:
    doc_id: str
    sent_idx: int
    start: int
    end: int
    text: str
    paragraph: int
    # Quotation state: open at the sentence's start (a continuation of an earlier
    # sentence's quotation) and at its end (the quotation runs on into the next sentence).
    quote_open_start: bool = False
    quote_open_end: bool = False
    has_quote_marks: bool = False
    # In an interview transcript: "question" (the interviewer, the writer's words),
    # "answer" (the interviewee's words), or "" outside a transcript.
    interview_turn: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class SplitResult:
    sentences: list[Sentence]
    dropped: Counter = field(default_factory=Counter)


# Wikinews transcripts mark turns with "((WN))" for the interviewer and "((Name))" or
# initials ("NG:", "MS ") for the interviewee; "((fr))"-style tags mark a language, not a turn.
_INTERVIEWER = re.compile(r"^\s*\(\(WN\)\)")
_INTERVIEWEE = re.compile(r"^\s*(?:\(\((?!WN\))(?![a-z]{2,3}\)\))[^()]{2,60}\)\)|[A-Z]{2,3}:?\s)")


def interview_turns(paragraphs: list[str]) -> list[str]:
    """The turn of each paragraph in a transcript ("" when the article is not one)."""
    if sum(bool(_INTERVIEWER.match(p)) for p in paragraphs) < 2:
        return [""] * len(paragraphs)
    turns, current = [], ""
    for p in paragraphs:
        if _INTERVIEWER.match(p):
            current = "question"
        elif _INTERVIEWEE.match(p) or current == "question":
            current = "answer"
        turns.append(current)
    return turns


def _paragraph_spans(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in PARAGRAPH_RE.finditer(text) if m.group().strip()]


def _classify_dropped(par: str, cfg: SplitConfig) -> str | None:
    """Name the kind of non-body paragraph, or None for body text."""
    stripped = par.strip()
    if not re.search(r"\w", stripped):
        return "fragment"
    if cfg.drop_captions and CAPTION_RE.match(par):
        return "caption"
    if cfg.drop_datelines and DATELINE_RE.match(par) and not DATELINE_RE.sub("", par, 1).strip():
        return "dateline"
    if not SENTENCE_END_RE.search(stripped) and len(stripped.split()) < cfg.fragment_max_words:
        return "fragment"
    return None


def _syntok_spans(text: str, offset: int) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) of one paragraph."""
    spans = []
    for paragraph in segmenter.analyze(text):
        for sent in paragraph:
            if not sent:
                continue
            last = sent[-1]
            spans.append((offset + sent[0].offset, offset + last.offset + len(last.value)))
    return spans


def _ends_with_title(sentence: str) -> bool:
    m = re.search(r"(\w+)\.\s*$", sentence)
    return bool(m) and m.group(1) in TITLE_ABBREVIATIONS


_TURN_MARKER_ONLY = re.compile(r"^\(\([^()]{1,60}\)\)\s*:?$")
# A middle initial ("Edward J. DeBartolo"): a capitalised name, then one capital and a dot.
_ENDS_WITH_INITIAL = re.compile(r"\b[A-Z][a-z]+ [A-Z]\.$")


def _glue_to_next(sentence: str) -> bool:
    # syntok ends sentences at semicolons and colons; in news prose those join clauses.
    s = sentence.rstrip()
    return (
        _ends_with_title(s)
        or s.endswith((";", ":"))
        or bool(_ENDS_WITH_INITIAL.search(s))
        or bool(_TURN_MARKER_ONLY.match(s))  # "((WN))" alone: it labels the next sentence
    )


# A bare speech tag cut off its quotation ('"... a trial." Pelosi said.') belongs to it.
_SPEECH_TAG = re.compile(
    r"^(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|asked|added|wrote|explained|stated|tweeted|"
    r"told reporters)\.$"
)


def _speech_tag_after_quote(previous: str, sentence: str) -> bool:
    return previous.rstrip().endswith(("”", '"')) and bool(_SPEECH_TAG.match(sentence.strip()))


def _merge_false_breaks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        prev = text[merged[-1][0] : merged[-1][1]] if merged else ""
        if merged and not re.search(r"\w", text[start:end]):
            # A stray closing mark or bracket ("”") ends the sentence before it.
            merged[-1] = (merged[-1][0], end)
            continue
        if merged and text[start] in CLOSE_QUOTES and text[start + 1 : start + 2].isspace():
            # syntok hangs a closing mark on the next sentence: give it back.
            merged[-1] = (merged[-1][0], start + 1)
            start = start + 1 + len(text[start + 1 : end]) - len(text[start + 1 : end].lstrip())
        if merged and (_glue_to_next(prev) or _speech_tag_after_quote(prev, text[start:end])):
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


# syntok never ends a sentence at "a.m."/"p.m."; one does when a capitalised word that is
# not a day, month or time zone follows ("... until 8 p.m. Voting rights groups ...").
_TIME_THEN_CAPITAL = re.compile(
    rf"\b[ap]\.m\.(?=\s+(?!(?:{_WEEKDAY}|{_MONTH}|[A-Z]{{2,4}}\b|Eastern|Pacific|Central|"
    r"Mountain|Local|local)\b|[A-Z][\w-]* [Tt]ime\b)[A-Z])"
)


def _split_after_times(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        cut = start
        for m in _TIME_THEN_CAPITAL.finditer(text, start, end):
            out.append((cut, m.end()))
            cut = m.end() + len(text[m.end() : end]) - len(text[m.end() : end].lstrip())
        out.append((cut, end))
    return out


_QUOTE_CHARS = re.compile(f"[{re.escape(ALL_DOUBLE_QUOTES)}]")


def quote_balance(sentence: str, open_at_start: bool) -> tuple[bool, bool]:
    """Return (has_quote_marks, open_at_end) for a sentence given the state at its start.

    Curly quotes say which way they face; a straight quote toggles. Single quotes are left
    out: they double as apostrophes and as marks around titles.
    """
    marks = _QUOTE_CHARS.findall(sentence)
    state = open_at_start
    for ch in marks:
        if ch in OPEN_QUOTES:
            state = True
        elif ch in CLOSE_QUOTES:
            state = False
        else:
            state = not state
    return bool(marks), state


# Longest sentence the splitter returns: a longer stretch (text without sentence
# punctuation) is cut at its last space before this length. Far above any real sentence,
# far below the 1,000,000 characters spaCy parses at most.
MAX_SENTENCE_CHARS = 100_000


def _cap_length(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        while end - start > MAX_SENTENCE_CHARS:
            limit = start + MAX_SENTENCE_CHARS
            cut = max(text.rfind(" ", start + 1, limit), text.rfind("\n", start + 1, limit))
            cut = cut if cut > start else limit
            piece_end = cut
            while piece_end > start and text[piece_end - 1].isspace():
                piece_end -= 1
            out.append((start, piece_end if piece_end > start else cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if end > start:
            out.append((start, end))
    return out


def split_article(doc_id: str, text: str, cfg: SplitConfig | None = None) -> SplitResult:
    """Split one article into body sentences; count what was dropped and why."""
    cfg = cfg or SplitConfig()
    dropped: Counter = Counter()
    sentences: list[Sentence] = []
    paragraphs = _paragraph_spans(text)
    turns = interview_turns([text[a:b] for a, b in paragraphs])
    for par_idx, (p_start, p_end) in enumerate(paragraphs):
        par = text[p_start:p_end]
        if par_idx == 0 and cfg.drop_datelines:
            # The dateline may share its line with the first sentence ("date 2025-02-03 Sec...").
            m = DATELINE_RE.match(par)
            if m and par[m.end() :].strip() and m.group().strip():
                dropped["dateline"] += 1
                p_start += m.end()
                par = text[p_start:p_end]
        kind = _classify_dropped(par, cfg)
        if kind:
            dropped[kind] += 1
            continue
        spans = _cap_length(text, _split_after_times(
            text, _merge_false_breaks(text, _syntok_spans(par, p_start))))
        # A quotation left open at a paragraph's end closes there: news style reopens a
        # continued quotation with a fresh opening mark.
        open_state = False
        for start, end in spans:
            sent_text = text[start:end]
            has_marks, open_end = quote_balance(sent_text, open_state)
            sentences.append(
                Sentence(
                    doc_id=doc_id,
                    sent_idx=len(sentences),
                    start=start,
                    end=end,
                    text=sent_text,
                    paragraph=par_idx,
                    quote_open_start=open_state,
                    quote_open_end=open_end,
                    has_quote_marks=has_marks,
                    interview_turn=turns[par_idx],
                )
            )
            open_state = open_end
    return SplitResult(sentences, dropped)


def split_sentences_given(doc_id: str, texts: list[str]) -> list[Sentence]:
    """Wrap already-split sentences (kept as given, in order) with quotation state."""
    out, open_state = [], False
    for i, sent_text in enumerate(texts):
        has_marks, open_end = quote_balance(sent_text, open_state)
        out.append(
            Sentence(
                doc_id=doc_id,
                sent_idx=i,
                start=-1,
                end=-1,
                text=sent_text,
                paragraph=0,
                quote_open_start=open_state,
                quote_open_end=open_end,
                has_quote_marks=has_marks,
            )
        )
        open_state = open_end
    return out
