"""The labeling-function library: small named functions that vote one label or abstain.

Grouped by what they look at, one module each: background (events, biography, figures,
plain facts), official_acts (acts of public authorities), quotation (marks and the carried
quotation state), reporting (reporting verbs, parentheticals, citations, hedges, stances).
Functions marked `uses_parse` read spaCy's dependency parse (labeling.parse) to find the
main clause; the rest read only the text and the sentence record.

The library is the explicit list of group modules below, each contributing the functions it
defines, in definition order (the vote matrix's column order).
"""

from __future__ import annotations

from types import ModuleType

from newsroles.errors import NewsrolesError
from newsroles.labeling import background, official_acts, quotation, reporting
from newsroles.labeling.base import (
    ABSTAIN,
    ATTRIBUTION,
    BACKGROUND,
    POLICY,
    QUOTE,
    LabelingFunction,
    labeling_function,
    sentence_words,
)

GROUP_MODULES: tuple[ModuleType, ...] = (background, official_acts, quotation, reporting)


def _defined_in(module: ModuleType) -> list[LabelingFunction]:
    return [obj.lf for obj in vars(module).values()
            if isinstance(getattr(obj, "lf", None), LabelingFunction)
            and getattr(obj, "__module__", None) == module.__name__]


REGISTRY: dict[str, LabelingFunction] = {
    lf.name: lf for module in GROUP_MODULES for lf in _defined_in(module)
}


def get_functions(names: list[str] | None = None, parse: bool = True) -> list[LabelingFunction]:
    """The named functions ("all" or None: every one). parse=False leaves out those that
    read the dependency parse (for fast feature extraction at tagging time)."""
    if not names or list(names) == ["all"]:
        lfs = list(REGISTRY.values())
    else:
        unknown = [n for n in names if n not in REGISTRY]
        if unknown:
            raise NewsrolesError(f"unknown labeling function(s): {', '.join(unknown)}")
        lfs = [REGISTRY[n] for n in names]
    return [lf for lf in lfs if parse or not lf.uses_parse]


__all__ = ["ABSTAIN", "ATTRIBUTION", "BACKGROUND", "POLICY", "QUOTE", "REGISTRY",
           "LabelingFunction", "get_functions", "labeling_function", "sentence_words"]
