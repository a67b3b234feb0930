"""The labeling-function library: small named functions that vote one label or abstain.

Grouped by what they look at, one module each: quotation (marks and the carried quotation
state), reporting (reporting verbs, parentheticals, citations, hedges, stances),
official_acts (acts of public authorities), background (events, biography, figures, plain
facts). Functions marked `uses_parse` read spaCy's dependency parse (labeling.parse) to find
the main clause; the rest read only the text and the sentence record.
"""

from newsroles.labeling import background, official_acts, quotation, reporting  # noqa: F401
from newsroles.labeling.base import (
    ABSTAIN, ATTRIBUTION, BACKGROUND, POLICY, QUOTE, REGISTRY, LabelingFunction, get_functions,
    labeling_function, sentence_words,
)

__all__ = ["ABSTAIN", "ATTRIBUTION", "BACKGROUND", "POLICY", "QUOTE", "REGISTRY",
           "LabelingFunction", "get_functions", "labeling_function", "sentence_words"]
