"""Who said it: for `quote` and `attribution` sentences, the source (speaker or cited
body), the cue ("revealed", "according to") and, for quotes, the quoted span(s), each with
character offsets and `sent_idx`, the sentence it lies in.

    quotes.py    quotation marks: the quoted spans
    sentence.py  one sentence's cue and source, from spaCy's parse
    context.py   add_sources: the article's sentences in order, speakers across sentences
"""

from newsroles.attribution.context import REPORTED, add_sources
from newsroles.attribution.quotes import CLOSING, OPENING, quote_spans
from newsroles.attribution.sentence import CUE_LEMMAS, extract_one

__all__ = ["CLOSING", "CUE_LEMMAS", "OPENING", "REPORTED", "add_sources", "extract_one",
           "quote_spans"]
