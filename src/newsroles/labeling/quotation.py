"""Quotation marks and the carried quotation state: quotations (one sentence or many,
nested and mixed), and quoted titles, names and scare quotes that are not quotations."""

from __future__ import annotations

import re

from newsroles.labeling.base import (
    BACKGROUND,
    QUOTE,
    QUOTE_MARKS,
    labeling_function,
    sentence_words,
)
from newsroles.labeling.reporting import REPORTING_KEY_LEMMAS, REPORTING_KEY_WORDS
from newsroles.labeling.vocab import (
    QUOTED_SPAN,
    SPEECH_NEAR_QUOTE,
)

# --- quotation marks and the carried quotation state -------------------------------------


@labeling_function(QUOTE, "quotation")
def lf_quote_continuation(s):
    """Starts inside a quotation opened in an earlier sentence (multi-sentence quote)."""
    return bool(s["quote_open_start"])


@labeling_function(QUOTE, "quotation", marks=QUOTE_MARKS)
def lf_quoted_clause(s):
    """A double-quoted span of four or more words: a source's words, not a title."""
    return any(len(m.group(1).split()) >= 4 for m in QUOTED_SPAN.finditer(s["text"]))


@labeling_function(QUOTE, "quotation", marks=QUOTE_MARKS)
def lf_quoted_fragment_with_speech(s):
    """Any double-quoted fragment next to a speech verb ("called it "a non-starter"")."""
    return bool(QUOTED_SPAN.search(s["text"])) and bool(SPEECH_NEAR_QUOTE.search(s["text"]))


@labeling_function(QUOTE, "quotation")
def lf_opens_with_quote(s):
    """The sentence begins with an opening quotation mark."""
    return s["text"].lstrip().startswith(("“", '"', "«"))


@labeling_function(QUOTE, "quotation", marks=QUOTE_MARKS)
def lf_single_quoted_speech(s):
    """A ‘single-quoted’ clause of four or more words beside a speech verb."""
    m = re.search(r"[‘']([^’']{10,400})[’'](?!\w)", s["text"])
    return bool(m) and len(m.group(1).split()) >= 4 and bool(SPEECH_NEAR_QUOTE.search(s["text"]))


@labeling_function(QUOTE, "quotation")
def lf_interview_answer(s):
    """An interviewee's answer in a transcript: the source's own words."""
    return s.get("interview_turn") == "answer"


@labeling_function(BACKGROUND, "quotation")
def lf_interview_question(s):
    """An interviewer's question in a transcript: the writer's words."""
    return s.get("interview_turn") == "question" and not QUOTED_SPAN.search(s["text"])


_TITLE_QUOTE = re.compile(r"[“\"‘']((?:[A-Z0-9][\w&’'-]*\s?){1,4})[”\"’'](?!\w)")


@labeling_function(BACKGROUND, "quotation", marks=QUOTE_MARKS)
def lf_title_in_quotes(s):
    """Only capitalised one-to-four-word names in quotes (titles, nicknames), no speech verb."""
    text = s["text"]
    spans = list(QUOTED_SPAN.finditer(text))
    return (
        bool(_TITLE_QUOTE.search(text))
        and all(len(m.group(1).split()) <= 4 for m in spans)
        and not SPEECH_NEAR_QUOTE.search(text)
        and not s["quote_open_start"]
    )




@labeling_function(QUOTE, "quotation")
def lf_quotation_opens(s):
    """A quotation opens in this sentence and runs on into the next ("X said, "We will ...")."""
    return bool(s.get("quote_open_end")) and not s["quote_open_start"]


@labeling_function(QUOTE, "quotation", parse=True, marks=QUOTE_MARKS,
                   key_lemmas=REPORTING_KEY_LEMMAS, key_words=REPORTING_KEY_WORDS)
def lf_quoted_words_of_reported_source(s):
    """Quoted words, however few, in a sentence whose main clause reports a source's speech
    or stance ("She endorsed the selection of a "woman of color."")."""
    from newsroles.labeling.reporting import reports_in_main_clause

    spans = [m.group(1) for m in QUOTED_SPAN.finditer(s["text"])]
    spans += re.findall(r"(?:^|\s)[‘']([^’']{3,200})[’'](?!\w)", s["text"])
    return bool(spans) and reports_in_main_clause(s) and not s.get("interview_turn")


_FOREIGN_WORDS = frozenset("de la le les el los las del des est et que en une un por para pour "
                           "nuestras nuestro mes vont sont avec dans ont son sur pas ce cette "
                           "siempre será estará y con su al lo se".split())
_ENGLISH_WORDS = frozenset("the of and to in is that for was on with he she it as by at".split())


@labeling_function(QUOTE, "quotation")
def lf_original_language(s):
    """A speaker's words in the original language, after the translation (guidelines rule
    15): a language tag such as "((es))", or a sentence in another language or script."""
    text = s["text"]
    if _LANGUAGE_TAG.match(text):
        return True
    # Another script: most letters outside ASCII. Counting only those first keeps the
    # common case (a few or none) quick.
    other = 0 if text.isascii() else sum(map(str.isalpha, _NON_ASCII_LETTER.findall(text)))
    if other >= 7:
        letters = sum(map(str.isalpha, text))
        if letters >= 12 and letters - other < 0.5 * letters:
            return True
    # Three of the foreign words need one of them among the sentence's plain words
    # ("será" reads as "ser" there): a set test that settles most sentences.
    if _FOREIGN_STEMS.isdisjoint(sentence_words(s)):
        return False
    words = _LATIN_WORD.findall(text.lower())
    # One common English word rules it out: tested first, as it settles most sentences.
    return (len(words) >= 6 and _ENGLISH_WORDS.isdisjoint(words)
            and sum(w in _FOREIGN_WORDS for w in words) >= 3)


_FOREIGN_STEMS = _FOREIGN_WORDS | {"ser", "estar"}
_LANGUAGE_TAG = re.compile(r"\s*\(\([a-z]{2,3}\)\)")
_NON_ASCII_LETTER = re.compile(r"[^\W\d_A-Za-z]")
_LATIN_WORD = re.compile(r"[a-záéíóúñçàèêôû]+")


@labeling_function(QUOTE, "quotation", marks=QUOTE_MARKS)
def lf_quoted_lowercase_words(s):
    """Double-quoted words that begin in lower case ("a "life-threatening" storm surge",
    "shouting "shame on you!""): someone's wording, not a title or a name."""
    return any(m.group(1)[:1].islower() for m in QUOTED_SPAN.finditer(s["text"]))
