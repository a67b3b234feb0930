"""Who said it: for `quote` and `attribution` sentences, the source (speaker or cited
body), the cue ("revealed", "according to") and, for quotes, the quoted span(s), each with
character offsets and `sent_idx`, the sentence it lies in.

    quotes.py    quotation marks: the quoted spans, which way a straight mark faces,
                 a quotation of the other style nested in an open one
    cues.py      cue words (reporting, speech, attitude verbs) and a cue's span
    phrase.py    where a source's noun phrase starts and ends
    sentence.py  one sentence's cue and source: reporting verbs, then non-verb cues
    kinds.py     source.type: person, organisation, government, document, anonymous
    resolve.py   source.resolved: pronouns and descriptions to the names they stand for
    context.py   add_sources: an article's sentences in order, speakers across sentences
                 (source.via)
"""

from newsroles.attribution.context import REPORTED, add_sources
from newsroles.attribution.cues import CUE_LEMMAS
from newsroles.attribution.quotes import CLOSING, OPENING, quote_spans
from newsroles.attribution.sentence import extract_one

__all__ = ["CLOSING", "CUE_LEMMAS", "OPENING", "REPORTED", "add_sources", "extract_one",
           "quote_spans"]
