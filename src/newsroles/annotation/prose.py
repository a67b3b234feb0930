"""Is a sentence English news prose worth an annotator's time? Interview scaffolding
(speaker labels, Q:/A:, bylines, image credits, Wikinews' editorial notices) and quotations left in
their original language are not: `uncertain` ranks them first (a model is unsure of them)
and an hour of labels would be spent on text the gold set does not need.

Language: py3langid (langid.py's model, shipped in its PyPI package, offline), trusted only
where English stopwords are rare too: on a short English sentence full of names it may say
Latin or Pidgin, but such a sentence still has its "the", "and", "of".
"""

from __future__ import annotations

import re
from functools import lru_cache

from newsroles.errors import NewsrolesError

# (why, pattern): the first that matches names the reason a sentence is skipped.
NOT_PROSE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple(
    (why, re.compile(pattern)) for why, pattern in (
        # Wikinews marks a quotation in its original language: "((fa))Farsi language: ..."
        ("original-language quotation", r"^\W*\(\([a-z]{2,3}\)\)\s*\w+( language)?:"),
        ("speaker label", r"^\W*\(\([^()]{1,80}\)\)"),  # "((WN))  Tell us about ..."
        ("speaker label", r"^\s*(Q|A|Q\d+|A\d+|Question|Answer)\s*[:.)]\s"),
        ("byline", (r"^\W*(Interview(ed)?|Reported|Written|Compiled|Edited|Translated"
                    r"|Photos?|Photographs?) by\b")),
        ("byline", r"^\s*By( [A-Z][\w.'-]*){1,4}\s*$"),
        ("byline", r"^\s*[—–]\s*\S"),  # "— Aparna Garg, Divisional Manager" under a quote
        ("image credit", r"^\s*Image:"),
        ("editorial notice", r"requires pre-publication review"),
    ))
MIN_LANGID_CONFIDENCE = 0.5  # py3langid's normalised probability of its top language
MAX_ENGLISH_STOPWORD_SHARE = 0.15  # English prose runs at 0.3-0.5; "Si el Senado..." at 0.1
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@lru_cache(maxsize=1)
def _identifier():
    try:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:  # an environment made before it was a dependency
        raise NewsrolesError("py3langid is not installed: pip install -e . (or pip install "
                             "'py3langid>=0.4,<0.5')") from None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@lru_cache(maxsize=1)
def _english_stopwords() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def english_stopword_share(text: str) -> float:
    words = WORD.findall(text.lower())
    return sum(w in _english_stopwords() for w in words) / len(words) if words else 0.0


def is_foreign(text: str) -> bool:
    """Not English: the language identifier says another language with some confidence and
    English function words are rare."""
    lang, confidence = _identifier().classify(text)
    return (lang != "en" and confidence >= MIN_LANGID_CONFIDENCE
            and english_stopword_share(text) < MAX_ENGLISH_STOPWORD_SHARE)


def not_prose_reason(text: str) -> str | None:
    """Why `text` is not English news prose, or None where it is."""
    for why, pattern in NOT_PROSE_PATTERNS:
        if pattern.search(text):
            return why
    if is_foreign(text):
        return "not English"
    return None
